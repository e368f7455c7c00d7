//! Metric names: derived from labels ("Paid conversion" → `paid_conversion`)
//! or set explicitly, checked so that formulas can use them.

use super::document::RowFile;

/// The name a label gives when none is set: lower case, every run of other
/// characters than letters and digits turned into `_`, trimmed of `_`.
pub fn derive_name(label: &str) -> String {
    let mut name = String::with_capacity(label.len());
    derive_name_into(label, &mut name);
    name
}

/// [`derive_name`] appended to `name` (empty it first), to reuse its buffer.
pub fn derive_name_into(label: &str, name: &mut String) {
    let start = name.len();
    let mut gap = false;
    for c in label.chars() {
        if c.is_alphanumeric() {
            if gap && name.len() > start {
                name.push('_');
            }
            gap = false;
            if c.is_ascii() {
                name.push(c.to_ascii_lowercase());
            } else {
                name.extend(c.to_lowercase());
            }
        } else {
            gap = true;
        }
    }
}

/// True if a row of `rows` other than `except` is called `name` (ignoring
/// case), by its explicit name or by its label's.
pub fn taken_by_other(rows: &[RowFile], except: usize, name: &str) -> bool {
    let same = |other: &str| {
        if name.is_ascii() {
            other.eq_ignore_ascii_case(name)
        } else {
            other.to_lowercase() == name.to_lowercase()
        }
    };
    let mut derived = String::new();
    rows.iter().enumerate().any(|(index, row)| {
        if index == except || !row.section.is_empty() {
            return false;
        }
        if !row.name.is_empty() {
            return same(&row.name);
        }
        derived.clear();
        derive_name_into(&row.label, &mut derived);
        same(&derived)
    })
}

/// True if `text` has `name` as a whole word (a run of letters, digits,
/// `_` and `.`), ignoring case: a quick test, before parsing, of whether a
/// formula may use a metric. An empty name is in no text.
pub fn mentions(text: &str, name: &str) -> bool {
    let Some(&first) = name.as_bytes().first() else {
        return false;
    };
    if !name.is_ascii() || !text.is_ascii() {
        // Characters, not bytes: a no-break space separates words, and
        // case folding may turn a non-ASCII letter (the Kelvin sign) into
        // an ASCII one.
        let name = name.to_lowercase();
        return text
            .split(|c: char| !is_word_char(c))
            .any(|word| word.to_lowercase() == name);
    }
    // Candidates found by the first letter in either case (memchr is
    // vectorised: most formulas are rejected in a few instructions).
    let bytes = text.as_bytes();
    let wanted = name.as_bytes();
    let is_word_byte = |b: u8| is_word_char(char::from(b));
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        bytes,
    )
    .any(|start| {
        // Word boundaries first, then the bytes from the end: names
        // often share a prefix (`metric_1`, `metric_2`).
        let end = start + wanted.len();
        end <= bytes.len()
            && (start == 0 || !is_word_byte(bytes[start - 1]))
            && bytes.get(end).is_none_or(|b| !is_word_byte(*b))
            && bytes[start..end]
                .iter()
                .rev()
                .zip(wanted.iter().rev())
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

/// Characters of a word: letters, digits, `_` and `.`.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// Why `name` cannot be used in formulas, if it cannot.
pub fn name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("a name cannot be empty".into());
    };
    if !(first.is_alphabetic() || first == '_') {
        return Some(format!("`{name}` must start with a letter or `_`"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
    {
        return Some(format!(
            "`{name}` contains `{bad}`; use letters, digits and `_`"
        ));
    }
    if looks_like_cell(name) {
        return Some(format!("`{name}` reads as a cell reference"));
    }
    if name.eq_ignore_ascii_case("true") || name.eq_ignore_ascii_case("false") {
        return Some(format!("`{name}` is a boolean literal"));
    }
    None
}

/// True for text like `B3` or `xfd1048576` (1–3 letters, then a row number,
/// within Excel's grid).
pub fn looks_like_cell(text: &str) -> bool {
    let letters = text.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = &text[letters..];
    if !(1..=3).contains(&letters)
        || digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return false;
    }
    let col = text[..letters].chars().fold(0u32, |acc, c| {
        acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    });
    let row: u64 = digits.parse().unwrap_or(u64::MAX);
    col <= 16_384 && (1..=1_048_576).contains(&row)
}

/// The names of a sheet's rows (empty for rows without a usable name), and
/// the problems found (duplicates, unusable names), by row index.
pub fn resolve(rows: &[RowFile]) -> (Vec<String>, Vec<(usize, String)>) {
    let mut names = vec![String::new(); rows.len()];
    let mut problems = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if !row.section.is_empty() || row.label.trim().is_empty() && row.name.is_empty() {
            continue;
        }
        let name = if row.name.is_empty() {
            derive_name(&row.label)
        } else {
            row.name.clone()
        };
        if let Some(problem) = name_problem(&name) {
            // A derived name that does not work is not an error until a
            // formula needs it; an explicit one is.
            if !row.name.is_empty() || !name.is_empty() {
                problems.push((index, problem));
            }
            continue;
        }
        names[index] = name;
    }
    // The first row of a name keeps it. Keys borrow the names (derived
    // names are lower case already), so only mixed-case names are copied;
    // foldhash, as names are hashed on every rename of a large model.
    let mut seen: std::collections::HashMap<std::borrow::Cow<str>, usize, _> =
        std::collections::HashMap::with_capacity_and_hasher(
            rows.len(),
            foldhash::fast::RandomState::default(),
        );
    let mut taken = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        // Only an ASCII name without capitals is surely its own lower case
        // (titlecase letters such as `ǅ` are not upper case, yet fold).
        let key = if name.is_ascii() && !name.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Borrowed(name.as_str())
        } else {
            std::borrow::Cow::Owned(name.to_lowercase())
        };
        match seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => {
                problems.push((
                    index,
                    format!("name `{name}` is already used by row {}", first.get() + 1),
                ));
                taken.push(index);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
        }
    }
    for index in taken {
        names[index].clear();
    }
    problems.sort_by_key(|(index, _)| *index);
    (names, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_labels() {
        assert_eq!(derive_name("Paid conversion"), "paid_conversion");
        assert_eq!(derive_name("CAC, RUB"), "cac_rub");
        assert_eq!(derive_name("  Visit → lead  "), "visit_lead");
        assert_eq!(derive_name("Выручка"), "выручка");
        assert_eq!(derive_name("LTV/CAC"), "ltv_cac");
    }

    #[test]
    fn mentions_are_whole_words_in_any_case() {
        assert!(mentions("=Revenue * 2", "revenue"));
        assert!(mentions("=Plan!revenue[-1]", "revenue"));
        assert!(mentions("=SUM(выручка)", "Выручка"));
        assert!(!mentions("=net_revenue * 2", "revenue"));
        assert!(!mentions("=revenue2", "revenue"));
        assert!(!mentions("=revenue", ""));
        assert!(mentions("=revenue\u{a0}* 2", "revenue"), "a no-break space");
        assert!(
            mentions("=\u{212a}pi * 2", "kpi"),
            "the Kelvin sign folds to k"
        );
        assert!(!mentions("=revenueé * 2", "revenue"));
    }

    #[test]
    fn cell_like_names_are_refused() {
        assert!(looks_like_cell("Q1"));
        assert!(looks_like_cell("ltv3"));
        assert!(!looks_like_cell("ltv_3"));
        assert!(!looks_like_cell("abcd1"));
        assert!(name_problem("q1").is_some());
        assert!(name_problem("1st").is_some());
        assert!(name_problem("price").is_none());
    }

    #[test]
    fn duplicates_are_reported() {
        let row = |label: &str| RowFile {
            label: label.into(),
            ..RowFile::default()
        };
        let (names, problems) = resolve(&[row("Leads"), row("leads"), row("Q1")]);
        assert_eq!(
            names,
            vec!["leads".to_string(), String::new(), String::new()]
        );
        assert_eq!(problems.len(), 2);
    }
}
