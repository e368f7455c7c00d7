//! Metric names: derived from labels ("Paid conversion" → `paid_conversion`)
//! or set explicitly, checked so that formulas can use them.

use super::document::RowFile;

/// The name a label gives when none is set: lower case, every run of other
/// characters than letters and digits turned into `_`, trimmed of `_`.
pub fn derive_name(label: &str) -> String {
    let mut name = String::with_capacity(label.len());
    let mut gap = false;
    for c in label.chars() {
        if c.is_alphanumeric() {
            if gap && !name.is_empty() {
                name.push('_');
            }
            gap = false;
            name.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    name
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
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
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
        let key = name.to_lowercase();
        if let Some(&first) = seen.get(&key) {
            problems.push((
                index,
                format!("name `{name}` is already used by row {}", first + 1),
            ));
            continue;
        }
        seen.insert(key, index);
        names[index] = name;
    }
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
