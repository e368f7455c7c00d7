//! Text functions: lengths and slices (`LEN`, `LEFT`, `RIGHT`, `MID`, counted
//! in Unicode scalar values), joining (`CONCAT`, `CONCATENATE`, `TEXTJOIN`,
//! `REPT`), case and spacing (`UPPER`, `LOWER`, `PROPER`, `TRIM`, `CLEAN`),
//! searching and editing (`FIND`, `SEARCH`, `EXACT`, `SUBSTITUTE`,
//! `REPLACE`, `TEXTBEFORE`, `TEXTAFTER`), character codes (`CHAR`, `CODE`
//! in Excel's Windows-1252 character set, `UNICHAR`, `UNICODE`), numbers
//! and values to and from text (`VALUE`, `NUMBERVALUE`, `FIXED`, `DOLLAR`,
//! `VALUETOTEXT`). `TEXT` lives in `format.rs`.

use crate::engine::coerce::{Wildcard, parse_number_text, to_bool, to_text};
use crate::engine::functions::args::Arg;
use crate::engine::functions::format::format_with;
use crate::engine::functions::helpers::{
    fail, is_given, num_arg, opt_num_arg, scalar, text_arg, trunc_i64,
};
use crate::engine::functions::math::{RoundMode, round_decimal};
use crate::engine::value::{CellError, ErrorKind, Value};

/// Longest text a cell can hold (Excel's limit); longer results are `#VALUE!`.
pub const MAX_TEXT_CHARS: usize = 32_767;

/// A character count argument: truncated, negative is `#VALUE!`, huge
/// counts saturate.
fn count_arg(args: &[Arg<'_>], i: usize, default: f64) -> Result<usize, CellError> {
    let n = opt_num_arg(args, i, default)?;
    if n < 0.0 {
        return fail(ErrorKind::Value);
    }
    Ok(usize::try_from(trunc_i64(n)).unwrap_or(usize::MAX))
}

/// `Err(#VALUE!)` if `s` is longer than a cell can hold.
fn limited(s: String) -> Result<String, CellError> {
    if s.chars().count() > MAX_TEXT_CHARS {
        fail(ErrorKind::Value)
    } else {
        Ok(s)
    }
}

/// `LEN(text)`: number of characters.
pub fn len(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(text_arg(args, 0)?.chars().count() as f64)
}

/// `LEFT(text, [count=1])`.
pub fn left(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    let n = count_arg(args, 1, 1.0)?;
    Ok(s.chars().take(n).collect())
}

/// `RIGHT(text, [count=1])`.
pub fn right(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    let n = count_arg(args, 1, 1.0)?;
    let len = s.chars().count();
    Ok(s.chars().skip(len.saturating_sub(n)).collect())
}

/// `MID(text, start, count)`: `start` is 1-based; start < 1 or count < 0 is
/// `#VALUE!`.
pub fn mid(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    let start = num_arg(args, 1)?;
    // NaN fails the range test too.
    if !(1.0..).contains(&start) {
        return fail(ErrorKind::Value);
    }
    let start = usize::try_from(trunc_i64(start)).unwrap_or(usize::MAX);
    let n = count_arg(args, 2, 0.0)?;
    Ok(s.chars().skip(start - 1).take(n).collect())
}

/// `CONCAT(values…)`: joins all values, ranges included.
pub fn concat(args: &[Arg<'_>]) -> Result<String, CellError> {
    let mut out = String::new();
    for arg in args {
        let mut first_error = None;
        arg.for_each(|v| match to_text(v) {
            Ok(s) if first_error.is_none() => out.push_str(&s),
            Err(e) if first_error.is_none() => first_error = Some(e),
            _ => {}
        });
        if let Some(e) = first_error {
            return Err(e);
        }
        if out.len() > 4 * MAX_TEXT_CHARS {
            return fail(ErrorKind::Value);
        }
    }
    limited(out)
}

/// `CONCATENATE(text1, …)`: joins single values (ranges by implicit
/// intersection).
pub fn concatenate(args: &[Arg<'_>]) -> Result<String, CellError> {
    let mut out = String::new();
    for arg in args {
        out.push_str(&to_text(&arg.scalar())?);
    }
    limited(out)
}

/// `TEXTJOIN(delimiter, ignore_empty, values…)`.
pub fn textjoin(args: &[Arg<'_>]) -> Result<String, CellError> {
    let delimiter = text_arg(args, 0)?;
    let ignore_empty = to_bool(&scalar(args, 1))?;
    let mut parts = Vec::new();
    for arg in args.iter().skip(2) {
        let mut first_error = None;
        arg.for_each(|v| match to_text(v) {
            Ok(s) if ignore_empty && s.is_empty() => {}
            Ok(s) if first_error.is_none() => parts.push(s),
            Err(e) if first_error.is_none() => first_error = Some(e),
            _ => {}
        });
        if let Some(e) = first_error {
            return Err(e);
        }
    }
    limited(parts.join(&delimiter))
}

/// `REPT(text, times)`.
pub fn rept(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    let times = count_arg(args, 1, 0.0)?;
    match s.chars().count().checked_mul(times) {
        Some(total) if total <= MAX_TEXT_CHARS => Ok(s.repeat(times)),
        _ => fail(ErrorKind::Value),
    }
}

/// `UPPER(text)`.
pub fn upper(args: &[Arg<'_>]) -> Result<String, CellError> {
    Ok(text_arg(args, 0)?.to_uppercase())
}

/// `LOWER(text)`.
pub fn lower(args: &[Arg<'_>]) -> Result<String, CellError> {
    Ok(text_arg(args, 0)?.to_lowercase())
}

/// `TRIM(text)`: removes leading and trailing spaces and collapses inner
/// runs of spaces to one (only the space character, as in Excel).
pub fn trim(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    Ok(s.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" "))
}

/// `SUBSTITUTE(text, old, new, [instance])`: every occurrence, or only the
/// `instance`-th (1-based; < 1 is `#VALUE!`).
pub fn substitute(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    let old = text_arg(args, 1)?;
    let new = text_arg(args, 2)?;
    let instance = if args.len() > 3 {
        let k = num_arg(args, 3)?;
        if !(1.0..).contains(&k) {
            return fail(ErrorKind::Value);
        }
        Some(usize::try_from(trunc_i64(k)).unwrap_or(usize::MAX))
    } else {
        None
    };
    if old.is_empty() {
        return Ok(s);
    }
    let Some(k) = instance else {
        return Ok(s.replace(&old, &new));
    };
    match s.match_indices(&old).nth(k - 1) {
        Some((pos, _)) => {
            let (head, tail) = s.split_at(pos);
            let rest = tail.get(old.len()..).unwrap_or_default();
            Ok(format!("{head}{new}{rest}"))
        }
        None => Ok(s),
    }
}

/// `EXACT(text1, text2)`: case-sensitive equality.
pub fn exact(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(text_arg(args, 0)? == text_arg(args, 1)?)
}

/// The 0-based start character for `FIND`/`SEARCH`, checked against the
/// text length (`#VALUE!` outside 1..=len+1).
fn start_arg(args: &[Arg<'_>], len: usize) -> Result<usize, CellError> {
    let start = opt_num_arg(args, 2, 1.0)?;
    if !(1.0..=len as f64 + 1.0).contains(&start) {
        return fail(ErrorKind::Value);
    }
    Ok((trunc_i64(start) as usize).saturating_sub(1))
}

/// `FIND(find, within, [start=1])`: case-sensitive, no wildcards; 1-based
/// position or `#VALUE!`.
pub fn find(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let needle: Vec<char> = text_arg(args, 0)?.chars().collect();
    let hay: Vec<char> = text_arg(args, 1)?.chars().collect();
    let start = start_arg(args, hay.len())?;
    if needle.is_empty() {
        return Ok(start as f64 + 1.0);
    }
    (start..hay.len())
        .find(|&i| hay.get(i..i + needle.len()) == Some(needle.as_slice()))
        .map(|i| i as f64 + 1.0)
        .ok_or_else(|| CellError::new(ErrorKind::Value))
}

/// `SEARCH(find, within, [start=1])`: case-insensitive, with wildcards.
pub fn search(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let needle = text_arg(args, 0)?;
    let hay = text_arg(args, 1)?;
    let start = start_arg(args, hay.chars().count())?;
    if needle.is_empty() {
        return Ok(start as f64 + 1.0);
    }
    Wildcard::new(&needle)
        .find_in(&hay, start)
        .map(|i| i as f64 + 1.0)
        .ok_or_else(|| CellError::new(ErrorKind::Value))
}

/// `VALUE(text)`: text to number (`#VALUE!` if it is not one); numbers pass,
/// an empty cell is 0, booleans are `#VALUE!`.
pub fn value(args: &[Arg<'_>]) -> Result<f64, CellError> {
    match scalar(args, 0) {
        Value::Number(n) => Ok(n),
        Value::Empty => Ok(0.0),
        Value::Text(t) => parse_number_text(&t).ok_or_else(|| CellError::new(ErrorKind::Value)),
        Value::Bool(_) => fail(ErrorKind::Value),
        Value::Error(e) => Err(e),
    }
}

/// The `decimals` argument of `FIXED`/`DOLLAR` (default 2, truncated;
/// above 127 is `#VALUE!`) and the number rounded to it.
fn rounded_for_display(args: &[Arg<'_>]) -> Result<(f64, i64), CellError> {
    let number = num_arg(args, 0)?;
    let decimals = opt_num_arg(args, 1, 2.0)?;
    if decimals > 127.0 {
        return fail(ErrorKind::Value);
    }
    let decimals = trunc_i64(decimals).max(-400);
    let rounded = round_decimal(number, decimals, RoundMode::Nearest);
    Ok((rounded, decimals))
}

/// The format code for `decimals` places after `integer_part`.
fn decimal_format(integer_part: &str, decimals: i64) -> String {
    let places = usize::try_from(decimals).unwrap_or(0);
    if places == 0 {
        integer_part.to_string()
    } else {
        format!("{integer_part}.{}", "0".repeat(places))
    }
}

/// `FIXED(number, [decimals=2], [no_commas=FALSE])`: the number rounded to
/// `decimals` places (negative: to the left of the point) as text, with
/// thousands separators unless `no_commas`.
pub fn fixed(args: &[Arg<'_>]) -> Result<String, CellError> {
    let (rounded, decimals) = rounded_for_display(args)?;
    let no_commas = crate::engine::functions::helpers::opt_bool_arg(args, 2, false)?;
    let integer_part = if no_commas { "0" } else { "#,##0" };
    format_with(rounded, &decimal_format(integer_part, decimals))
}

/// `DOLLAR(number, [decimals=2])`: the number rounded as `FIXED` does, in
/// the en-US currency format: `$1,234.57`, negatives in parentheses.
pub fn dollar(args: &[Arg<'_>]) -> Result<String, CellError> {
    let (rounded, decimals) = rounded_for_display(args)?;
    let positive = decimal_format("$#,##0", decimals);
    format_with(rounded, &format!("{positive};({positive})"))
}

/// The first character of argument `i` as a separator, `default` if the
/// argument is absent; an empty separator is `#VALUE!`.
fn separator_arg(args: &[Arg<'_>], i: usize, default: char) -> Result<char, CellError> {
    if i >= args.len() {
        return Ok(default);
    }
    text_arg(args, i)?
        .chars()
        .next()
        .ok_or_else(|| CellError::new(ErrorKind::Value))
}

/// `NUMBERVALUE(text, [decimal_separator="."], [group_separator=","])`:
/// text to number independently of the locale. Spaces are ignored anywhere,
/// group separators before the decimal separator are dropped, each
/// trailing `%` divides by 100 and empty text is 0. A second decimal
/// separator, a group separator after it, or anything else that is not a
/// number is `#VALUE!`.
pub fn numbervalue(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let text = text_arg(args, 0)?;
    let decimal = separator_arg(args, 1, '.')?;
    let group = separator_arg(args, 2, ',')?;
    if decimal == group {
        return fail(ErrorKind::Value);
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let body = compact.trim_end_matches('%');
    let percents = compact.chars().count() - body.chars().count();
    if body.is_empty() {
        return if percents == 0 {
            Ok(0.0)
        } else {
            fail(ErrorKind::Value)
        };
    }
    let mut plain = String::with_capacity(body.len());
    let mut seen_decimal = false;
    for c in body.chars() {
        if c == decimal {
            if seen_decimal {
                return fail(ErrorKind::Value);
            }
            seen_decimal = true;
            plain.push('.');
        } else if c == group {
            if seen_decimal {
                return fail(ErrorKind::Value);
            }
        } else if c.is_ascii_digit() || matches!(c, '+' | '-' | 'e' | 'E') {
            plain.push(c);
        } else {
            return fail(ErrorKind::Value);
        }
    }
    let n: f64 = plain
        .parse()
        .map_err(|_| CellError::new(ErrorKind::Value))?;
    Ok(n / 100f64.powi(i32::try_from(percents).unwrap_or(i32::MAX)))
}

/// The delimiters of `TEXTBEFORE`/`TEXTAFTER`: one text, or every value of
/// an array or reference (errors propagate).
fn delimiters(arg: Option<&Arg<'_>>) -> Result<Vec<String>, CellError> {
    let Some(arg) = arg else {
        return fail(ErrorKind::Value);
    };
    if let Arg::Value(v) = arg {
        return Ok(vec![to_text(v)?]);
    }
    let mut out = Vec::new();
    let mut first_error = None;
    arg.for_each(|v| match to_text(v) {
        Ok(t) if first_error.is_none() => out.push(t),
        Err(e) if first_error.is_none() => first_error = Some(e),
        _ => {}
    });
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// A character as compared by a case-insensitive search.
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The (start, length) of every delimiter occurrence, in characters, in
/// search order: from the start (non-overlapping, left to right) or, if
/// `backward`, from the end (right to left). With `match_end` the end of the
/// text (the start, searching backward) counts as one more occurrence.
fn delimiter_matches(
    text: &[char],
    delimiters: &[Vec<char>],
    backward: bool,
    match_end: bool,
) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if delimiters.iter().any(Vec::is_empty) {
        // An empty delimiter matches at once.
        found.push((if backward { text.len() } else { 0 }, 0));
        return found;
    }
    if backward {
        let mut end = text.len();
        while end > 0 {
            let hit = delimiters
                .iter()
                .find(|d| end >= d.len() && text.get(end - d.len()..end) == Some(d.as_slice()));
            match hit {
                Some(d) => {
                    found.push((end - d.len(), d.len()));
                    end -= d.len();
                }
                None => end -= 1,
            }
        }
        if match_end {
            found.push((0, 0));
        }
    } else {
        let mut start = 0;
        while start < text.len() {
            let hit = delimiters
                .iter()
                .find(|d| text.get(start..start + d.len()) == Some(d.as_slice()));
            match hit {
                Some(d) => {
                    found.push((start, d.len()));
                    start += d.len();
                }
                None => start += 1,
            }
        }
        if match_end {
            found.push((text.len(), 0));
        }
    }
    found
}

/// Shared body of `TEXTBEFORE` and `TEXTAFTER(text, delimiter,
/// [instance_num=1], [match_mode=0], [match_end=0], [if_not_found])`, as
/// Microsoft documents them: case-sensitive unless `match_mode` is 1; a
/// negative instance counts from the end; empty text gives empty text; an
/// instance of 0 or longer than the text is `#VALUE!`; a missing delimiter
/// or instance is `#N/A` (or `if_not_found`).
fn split_at_delimiter(args: &[Arg<'_>], after: bool) -> Result<Value, CellError> {
    let text: Vec<char> = text_arg(args, 0)?.chars().collect();
    let delimiters = delimiters(args.get(1))?;
    // A skipped argument (`TEXTBEFORE(t, " ", , , 1)`) takes its default.
    let given_number = |i: usize, default: f64| {
        if is_given(args, i) {
            num_arg(args, i).map(trunc_i64)
        } else {
            Ok(default as i64)
        }
    };
    let instance = given_number(2, 1.0)?;
    let match_mode = given_number(3, 0.0)?;
    let match_end = given_number(4, 0.0)? != 0;
    if !(0..=1).contains(&match_mode) {
        return fail(ErrorKind::Value);
    }
    if text.is_empty() {
        return Ok(Value::text(""));
    }
    if instance == 0 || instance.unsigned_abs() > text.len() as u64 {
        return fail(ErrorKind::Value);
    }
    let insensitive = match_mode == 1;
    let prepare = |chars: &mut dyn Iterator<Item = char>| -> Vec<char> {
        chars
            .map(|c| if insensitive { fold(c) } else { c })
            .collect()
    };
    let haystack = prepare(&mut text.iter().copied());
    let needles: Vec<Vec<char>> = delimiters.iter().map(|d| prepare(&mut d.chars())).collect();
    let found = delimiter_matches(&haystack, &needles, instance < 0, match_end);
    let nth = usize::try_from(instance.unsigned_abs() - 1).unwrap_or(usize::MAX);
    let Some(&(start, len)) = found.get(nth) else {
        return if is_given(args, 5) {
            Ok(scalar(args, 5))
        } else {
            fail(ErrorKind::NA)
        };
    };
    let part = if after {
        text.get(start + len..)
    } else {
        text.get(..start)
    };
    Ok(Value::text(
        part.unwrap_or_default().iter().collect::<String>(),
    ))
}

/// `TEXTBEFORE(text, delimiter, [instance_num], [match_mode], [match_end],
/// [if_not_found])`: the text before the delimiter.
pub fn textbefore(args: &[Arg<'_>]) -> Result<Value, CellError> {
    split_at_delimiter(args, false)
}

/// `TEXTAFTER(text, delimiter, [instance_num], [match_mode], [match_end],
/// [if_not_found])`: the text after the delimiter.
pub fn textafter(args: &[Arg<'_>]) -> Result<Value, CellError> {
    split_at_delimiter(args, true)
}

/// The characters of Windows-1252 (Excel's `CHAR`/`CODE` character set on
/// Windows) for the bytes 0x80–0x9F; the other bytes are Latin-1. The five
/// unassigned bytes map to the C1 control characters, as Windows does.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The Windows-1252 character of a byte.
fn cp1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The Windows-1252 byte of a character; 63 (`?`) for characters outside
/// the set, as Windows converts them.
fn cp1252_byte(c: char) -> u8 {
    match u8::try_from(u32::from(c)) {
        Ok(b) if !(0x80..=0x9F).contains(&b) => b,
        _ => CP1252_HIGH
            .iter()
            .position(|h| *h == c)
            .and_then(|i| u8::try_from(i + 0x80).ok())
            .unwrap_or(b'?'),
    }
}

/// `CHAR(number)`: the character of a code 1–255 (truncated) in the
/// Windows-1252 set; other codes are `#VALUE!`.
pub fn char_(args: &[Arg<'_>]) -> Result<String, CellError> {
    let code = num_arg(args, 0)?.trunc();
    if !(1.0..=255.0).contains(&code) {
        return fail(ErrorKind::Value);
    }
    Ok(cp1252_char(code as u8).to_string())
}

/// `CODE(text)`: the Windows-1252 code of the first character (63 for a
/// character outside that set); empty text is `#VALUE!`.
pub fn code(args: &[Arg<'_>]) -> Result<f64, CellError> {
    match text_arg(args, 0)?.chars().next() {
        Some(c) => Ok(f64::from(cp1252_byte(c))),
        None => fail(ErrorKind::Value),
    }
}

/// `UNICHAR(number)`: the character of a Unicode code point (truncated);
/// 0 or beyond U+10FFFF is `#VALUE!`, a surrogate code point `#N/A`.
pub fn unichar(args: &[Arg<'_>]) -> Result<String, CellError> {
    let code = num_arg(args, 0)?.trunc();
    if !(1.0..=1_114_111.0).contains(&code) {
        return fail(ErrorKind::Value);
    }
    match char::from_u32(code as u32) {
        Some(c) => Ok(c.to_string()),
        None => fail(ErrorKind::NA),
    }
}

/// `UNICODE(text)`: the code point of the first character; empty text is
/// `#VALUE!`.
pub fn unicode(args: &[Arg<'_>]) -> Result<f64, CellError> {
    match text_arg(args, 0)?.chars().next() {
        Some(c) => Ok(f64::from(u32::from(c))),
        None => fail(ErrorKind::Value),
    }
}

/// `CLEAN(text)`: the text without the control characters 0–31 (Excel
/// removes only those, not 127 or the C1 controls).
pub fn clean(args: &[Arg<'_>]) -> Result<String, CellError> {
    Ok(text_arg(args, 0)?
        .chars()
        .filter(|c| u32::from(*c) >= 32)
        .collect())
}

/// `PROPER(text)`: every letter that follows a non-letter (or starts the
/// text) upper-cased, every other letter lower-cased: `"it's 2-way"` →
/// `"It'S 2-Way"`.
pub fn proper(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    let mut out = String::with_capacity(s.len());
    let mut after_letter = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if after_letter {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            after_letter = true;
        } else {
            out.push(c);
            after_letter = false;
        }
    }
    Ok(out)
}

/// `REPLACE(old_text, start, count, new_text)`: `count` characters from the
/// 1-based `start` replaced by `new_text` (a start past the end appends).
/// A start below 1 or a negative count is `#VALUE!`.
pub fn replace(args: &[Arg<'_>]) -> Result<String, CellError> {
    let s = text_arg(args, 0)?;
    let start = num_arg(args, 1)?;
    if !(1.0..).contains(&start) {
        return fail(ErrorKind::Value);
    }
    let start = usize::try_from(trunc_i64(start)).unwrap_or(usize::MAX) - 1;
    let count = count_arg(args, 2, 0.0)?;
    let new = text_arg(args, 3)?;
    let head: String = s.chars().take(start).collect();
    let tail: String = s.chars().skip(start.saturating_add(count)).collect();
    limited(format!("{head}{new}{tail}"))
}

/// `VALUETOTEXT(value, [format=0])`: the value as text, errors included
/// (`"#N/A"`, not the error). Format 0 (concise) gives text as is; format 1
/// (strict) puts text in double quotes (inner quotes doubled), as typed in a
/// formula. Numbers are in "General" form and booleans `TRUE`/`FALSE` in
/// both; a blank is `""`. Other formats are `#VALUE!`.
pub fn valuetotext(args: &[Arg<'_>]) -> Result<String, CellError> {
    let format = if is_given(args, 1) {
        num_arg(args, 1)?.trunc()
    } else {
        0.0
    };
    let strict = if format == 0.0 {
        false
    } else if format == 1.0 {
        true
    } else {
        return fail(ErrorKind::Value);
    };
    let text = match scalar(args, 0) {
        Value::Text(t) if strict => format!("\"{}\"", t.replace('"', "\"\"")),
        Value::Error(e) => e.kind.as_str().to_string(),
        v => to_text(&v)?,
    };
    limited(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Arg<'static> {
        Arg::Value(Value::text(s))
    }

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    #[test]
    fn slicing() {
        assert_eq!(len(&[t("héllo")]), Ok(5.0));
        assert_eq!(left(&[t("héllo")]), Ok("h".into()));
        assert_eq!(left(&[t("héllo"), n(2.0)]), Ok("hé".into()));
        assert_eq!(left(&[t("abc"), n(-1.0)]), fail(ErrorKind::Value));
        assert_eq!(right(&[t("abc"), n(1e300)]), Ok("abc".into()));
        assert_eq!(mid(&[t("abcdef"), n(3.0), n(2.0)]), Ok("cd".into()));
        assert_eq!(mid(&[t("abc"), n(10.0), n(2.0)]), Ok(String::new()));
        assert_eq!(mid(&[t("abc"), n(0.0), n(2.0)]), fail(ErrorKind::Value));
        assert_eq!(left(&[n(1234.5), n(3.0)]), Ok("123".into()));
    }

    #[test]
    fn joining_and_cleaning() {
        assert_eq!(
            concatenate(&[t("a"), n(1.0), Arg::Value(Value::Bool(true))]),
            Ok("a1TRUE".into())
        );
        assert_eq!(
            textjoin(&[t("-"), Arg::Value(Value::Bool(true)), t("a"), t(""), t("b")]),
            Ok("a-b".into())
        );
        assert_eq!(trim(&[t("  a   b  ")]), Ok("a b".into()));
        assert_eq!(rept(&[t("ab"), n(3.0)]), Ok("ababab".into()));
        assert_eq!(rept(&[t("ab"), n(1e12)]), fail(ErrorKind::Value));
        assert_eq!(upper(&[t("straße")]), Ok("STRASSE".into()));
        assert_eq!(
            substitute(&[t("a-b-c"), t("-"), t("+")]),
            Ok("a+b+c".into())
        );
        assert_eq!(
            substitute(&[t("a-b-c"), t("-"), t("+"), n(2.0)]),
            Ok("a-b+c".into())
        );
        assert_eq!(
            substitute(&[t("a-b-c"), t("-"), t("+"), n(5.0)]),
            Ok("a-b-c".into())
        );
        assert_eq!(
            substitute(&[t("abc"), t("b"), t("x"), n(0.0)]),
            fail(ErrorKind::Value)
        );
    }

    #[test]
    fn searching() {
        assert_eq!(find(&[t("b"), t("abcb")]), Ok(2.0));
        assert_eq!(find(&[t("b"), t("abcb"), n(3.0)]), Ok(4.0));
        assert_eq!(find(&[t("B"), t("abc")]), fail(ErrorKind::Value));
        assert_eq!(search(&[t("B"), t("abc")]), Ok(2.0));
        assert_eq!(search(&[t("c*"), t("abcd")]), Ok(3.0));
        assert_eq!(search(&[t("x"), t("abc"), n(9.0)]), fail(ErrorKind::Value));
        assert_eq!(exact(&[t("a"), t("A")]), Ok(false));
        assert_eq!(value(&[t("1,000")]), Ok(1000.0));
        assert_eq!(value(&[t("abc")]), fail(ErrorKind::Value));
    }

    #[test]
    fn numbers_as_text() {
        assert_eq!(fixed(&[n(1234.567), n(1.0)]), Ok("1,234.6".into()));
        assert_eq!(
            fixed(&[n(-1234.567), n(-1.0), Arg::Value(Value::Bool(true))]),
            Ok("-1230".into())
        );
        assert_eq!(fixed(&[n(1.0), n(128.0)]), fail(ErrorKind::Value));
        assert_eq!(dollar(&[n(-0.123), n(4.0)]), Ok("($0.1230)".into()));
        assert_eq!(numbervalue(&[t("2.500,27"), t(","), t(".")]), Ok(2500.27));
        assert_eq!(numbervalue(&[t(" 3 000 ")]), Ok(3000.0));
        assert_eq!(numbervalue(&[t("")]), Ok(0.0));
        assert_eq!(numbervalue(&[t("inf")]), fail(ErrorKind::Value));
        assert_eq!(numbervalue(&[t("1.5.")]), fail(ErrorKind::Value));
    }

    #[test]
    fn text_around_delimiters() {
        let skip = Arg::Value(Value::Empty);
        assert_eq!(
            textbefore(&[t("a-b-c"), t("-"), n(-1.0)]),
            Ok(Value::text("a-b"))
        );
        assert_eq!(
            textafter(&[t("a-b-c"), t("-"), n(2.0)]),
            Ok(Value::text("c"))
        );
        assert_eq!(
            textbefore(&[t("Socrates"), t(" "), skip.clone(), skip.clone(), n(1.0)]),
            Ok(Value::text("Socrates"))
        );
        assert_eq!(
            textafter(&[t("aXbx"), t("x"), skip, n(1.0)]),
            Ok(Value::text("bx"))
        );
        assert_eq!(textafter(&[t("ab"), t("-")]), fail(ErrorKind::NA));
        assert_eq!(
            textafter(&[t("ab"), t("-"), n(3.0)]),
            fail(ErrorKind::Value)
        );
        assert_eq!(
            textafter(&[t("ab"), t("b"), n(1.0), n(2.0)]),
            fail(ErrorKind::Value)
        );
    }

    #[test]
    fn character_codes() {
        assert_eq!(char_(&[n(65.0)]), Ok("A".into()));
        assert_eq!(char_(&[n(65.9)]), Ok("A".into()));
        assert_eq!(char_(&[n(128.0)]), Ok("€".into()));
        assert_eq!(char_(&[n(233.0)]), Ok("é".into()));
        assert_eq!(char_(&[n(0.0)]), fail(ErrorKind::Value));
        assert_eq!(char_(&[n(256.0)]), fail(ErrorKind::Value));
        assert_eq!(code(&[t("Abc")]), Ok(65.0));
        assert_eq!(code(&[t("€")]), Ok(128.0));
        assert_eq!(code(&[t("é")]), Ok(233.0));
        assert_eq!(code(&[t("\u{0081}")]), Ok(129.0));
        assert_eq!(code(&[t("Ω")]), Ok(63.0));
        assert_eq!(code(&[t("")]), fail(ErrorKind::Value));
        assert_eq!(code(&[n(12.0)]), Ok(49.0));
        for byte in 1..=255u8 {
            assert_eq!(cp1252_byte(cp1252_char(byte)), byte);
        }
        assert_eq!(unichar(&[n(937.0)]), Ok("Ω".into()));
        assert_eq!(unichar(&[n(128_512.0)]), Ok("😀".into()));
        assert_eq!(unichar(&[n(0.0)]), fail(ErrorKind::Value));
        assert_eq!(unichar(&[n(1_114_112.0)]), fail(ErrorKind::Value));
        assert_eq!(unichar(&[n(55_296.0)]), fail(ErrorKind::NA));
        assert_eq!(unicode(&[t("😀x")]), Ok(128_512.0));
        assert_eq!(unicode(&[t("")]), fail(ErrorKind::Value));
    }

    #[test]
    fn cleaning_casing_and_replacing() {
        assert_eq!(clean(&[t("a\u{7}b\nc\u{7f}")]), Ok("abc\u{7f}".into()));
        assert_eq!(
            proper(&[t("this is a TITLE")]),
            Ok("This Is A Title".into())
        );
        assert_eq!(
            proper(&[t("2-way street, it's 76budget")]),
            Ok("2-Way Street, It'S 76Budget".into())
        );
        assert_eq!(proper(&[t("éLAN")]), Ok("Élan".into()));
        assert_eq!(
            replace(&[t("abcdefghijk"), n(6.0), n(5.0), t("*")]),
            Ok("abcde*k".into())
        );
        assert_eq!(
            replace(&[t("2009"), n(3.0), n(2.0), t("10")]),
            Ok("2010".into())
        );
        assert_eq!(
            replace(&[t("abc"), n(10.0), n(1.0), t("!")]),
            Ok("abc!".into())
        );
        assert_eq!(
            replace(&[t("abc"), n(1.0), n(0.0), t(">")]),
            Ok(">abc".into())
        );
        assert_eq!(
            replace(&[t("héllo"), n(2.0), n(1e300), t("")]),
            Ok("h".into())
        );
        assert_eq!(
            replace(&[t("abc"), n(0.0), n(1.0), t("x")]),
            fail(ErrorKind::Value)
        );
        assert_eq!(
            replace(&[t("abc"), n(1.0), n(-1.0), t("x")]),
            fail(ErrorKind::Value)
        );
    }

    #[test]
    fn values_to_text() {
        let e = Arg::Value(Value::error(ErrorKind::Div0));
        assert_eq!(valuetotext(&[t("a\"b")]), Ok("a\"b".into()));
        assert_eq!(valuetotext(&[t("a\"b"), n(1.0)]), Ok("\"a\"\"b\"".into()));
        assert_eq!(valuetotext(&[n(1234.5), n(1.0)]), Ok("1234.5".into()));
        assert_eq!(
            valuetotext(&[Arg::Value(Value::Bool(true)), n(1.0)]),
            Ok("TRUE".into())
        );
        assert_eq!(valuetotext(std::slice::from_ref(&e)), Ok("#DIV/0!".into()));
        assert_eq!(valuetotext(&[e, n(1.0)]), Ok("#DIV/0!".into()));
        assert_eq!(
            valuetotext(&[Arg::Value(Value::Empty), n(1.0)]),
            Ok(String::new())
        );
        assert_eq!(valuetotext(&[t("x"), n(2.0)]), fail(ErrorKind::Value));
        assert_eq!(
            valuetotext(&[t("x"), Arg::Value(Value::error(ErrorKind::NA))]),
            fail(ErrorKind::NA)
        );
    }
}
