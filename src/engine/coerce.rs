//! Excel's coercion rules between value types: text ⇄ number ⇄ boolean, the
//! "General" rendering of numbers as text, the ordering used by comparison
//! operators and lookups, and the criteria (`">5"`, `"a*"`) of the `*IF(S)`
//! functions. Shared by the functions and by the evaluator's operators.

use std::cmp::Ordering;

use crate::engine::value::{CellError, ErrorKind, Value};

/// The value as a number, as Excel converts operands of arithmetic operators:
/// empty is 0, booleans are 1/0, text is parsed ([`parse_number_text`]) or is
/// `#VALUE!`, an error is itself.
pub fn to_number(v: &Value) -> Result<f64, CellError> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::Empty => Ok(0.0),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::Text(s) => parse_number_text(s).ok_or_else(|| CellError::new(ErrorKind::Value)),
        Value::Error(e) => Err(e.clone()),
    }
}

/// The value as a boolean: numbers are true unless 0, empty is false, text
/// `TRUE`/`FALSE` (any case) converts, other text is `#VALUE!`.
pub fn to_bool(v: &Value) -> Result<bool, CellError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => Ok(*n != 0.0),
        Value::Empty => Ok(false),
        Value::Text(s) => parse_bool_text(s).ok_or_else(|| CellError::new(ErrorKind::Value)),
        Value::Error(e) => Err(e.clone()),
    }
}

/// The value as text: numbers in "General" form ([`number_to_text`]),
/// booleans `TRUE`/`FALSE`, empty `""`, an error is itself.
pub fn to_text(v: &Value) -> Result<String, CellError> {
    match v {
        Value::Text(s) => Ok(s.to_string()),
        Value::Number(n) => Ok(number_to_text(*n)),
        Value::Bool(true) => Ok("TRUE".to_string()),
        Value::Bool(false) => Ok("FALSE".to_string()),
        Value::Empty => Ok(String::new()),
        Value::Error(e) => Err(e.clone()),
    }
}

/// `TRUE` / `FALSE` in any case, ignoring surrounding spaces.
pub fn parse_bool_text(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("TRUE") {
        Some(true)
    } else if t.eq_ignore_ascii_case("FALSE") {
        Some(false)
    } else {
        None
    }
}

/// The decimal digits and exponent of `n` rounded to 15 significant digits:
/// `(digits, exp)` with `n ≈ 0.d1d2d3… × 10^(exp+1)`, i.e. `exp` is the power
/// of ten of the first digit. Trailing zeros are removed; zero gives `("0", 0)`.
pub(crate) fn decimal_digits(n: f64) -> (String, i32) {
    if n == 0.0 || !n.is_finite() {
        return ("0".to_string(), 0);
    }
    let formatted = format!("{:.14e}", n.abs());
    let (mantissa, exp) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exp)
}

/// `n` rounded to 15 significant digits, the precision Excel shows and
/// compares with (so 0.1+0.2 becomes 0.3).
pub fn round_to_15_digits(n: f64) -> f64 {
    if n == 0.0 || !n.is_finite() {
        return n;
    }
    format!("{n:.14e}").parse().unwrap_or(n)
}

/// Excel's "General" rendering of a number, as in `=""&A1`: at most 15
/// significant digits, no trailing zeros, no decimal point for integers, and
/// scientific notation with a two-digit exponent (`1E+20`, `1.5E-10`) from
/// 1E+15 up and below 1E-09. (The `TEXT` function's "General" is narrower:
/// see `functions::format`.)
pub fn number_to_text(n: f64) -> String {
    if !n.is_finite() {
        return ErrorKind::Num.as_str().to_string();
    }
    let (digits, exp) = decimal_digits(n);
    if digits == "0" {
        return "0".to_string();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let body = if (-9..15).contains(&exp) {
        fixed_notation(&digits, exp)
    } else {
        scientific_notation(&digits, exp)
    };
    format!("{sign}{body}")
}

/// The significant `digits` of a positive number whose first digit is at
/// power of ten `exp` (as [`decimal_digits`] gives them), in fixed
/// notation: `1234.5`, `100`, `0.00012`.
pub(crate) fn fixed_notation(digits: &str, exp: i32) -> String {
    let mut out = String::new();
    if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
        } else {
            let (int_part, frac) = digits.split_at(int_len);
            out.push_str(int_part);
            out.push('.');
            out.push_str(frac);
        }
    }
    out
}

/// The same in Excel's scientific notation, with an exponent of at least
/// two digits: `1.5E+20`, `1E-10`.
pub(crate) fn scientific_notation(digits: &str, exp: i32) -> String {
    let (first, rest) = digits.split_at(digits.len().min(1));
    let mantissa = if rest.is_empty() {
        first.to_string()
    } else {
        format!("{first}.{rest}")
    };
    let exp_sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}E{exp_sign}{:02}", exp.unsigned_abs())
}

/// How text is read as a number: the workbook's decimal separator (and so
/// its thousands separators), as Excel reads text in the locale it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberLocale {
    /// `1,234.5` (English and others): `,` groups thousands, `.` is the
    /// decimal point.
    #[default]
    DecimalPoint,
    /// `1 234,5` or `1.234,5` (Russian, German, French, …): `,` is the
    /// decimal point; spaces, no-break spaces or `.` group thousands.
    DecimalComma,
}

thread_local! {
    static LOCALE: std::cell::Cell<NumberLocale> =
        const { std::cell::Cell::new(NumberLocale::DecimalPoint) };
}

/// Sets the locale text is read in on this thread until dropped (the
/// engine holds one while it evaluates).
#[derive(Debug)]
pub struct LocaleGuard(NumberLocale);

impl LocaleGuard {
    /// Reads text in `locale` until the guard is dropped.
    pub fn set(locale: NumberLocale) -> LocaleGuard {
        LocaleGuard(LOCALE.with(|l| l.replace(locale)))
    }
}

impl Drop for LocaleGuard {
    fn drop(&mut self) {
        LOCALE.with(|l| l.set(self.0));
    }
}

/// Parses text as Excel does when text meets an arithmetic operator: optional
/// spaces, sign or parentheses, a `$` currency sign (`$1,000`, `-$5.5`,
/// `($1,200)`), digits with optional thousands separators
/// (`1,234.5`), decimal point, exponent (`1e3`), a trailing `%` (divides by
/// 100), or an ISO date / time (`2026-01-31`, `2026-01-31 12:00`, `13:30`)
/// giving a serial number. `None` if it is not a number.
/// In a [`NumberLocale::DecimalComma`] workbook, `1 234,5` and `1.234,5`
/// are numbers and `1,234.5` is not.
pub fn parse_number_text(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{a0}');
    if t.is_empty() {
        return None;
    }
    if let Some(v) = parse_plain_number(t) {
        return Some(v);
    }
    crate::engine::functions::date::parse_date_time_text(t)
}

/// Sign, parentheses, a currency sign, thousands separators, percent and
/// exponent.
fn parse_plain_number(t: &str) -> Option<f64> {
    let without_currency = strip_currency(t)?;
    let had_currency = without_currency.len() != t.len();
    let t: &str = &without_currency;
    let (t, percent) = match t.strip_suffix('%') {
        // A money amount is not a percentage (`$5%` is not a number).
        Some(_) if had_currency => return None,
        Some(rest) => (rest.trim_end(), true),
        None => (t, false),
    };
    let (t, paren_negative) = match t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (inner.trim(), true),
        None => (t, false),
    };
    let (negative, body) = match (t.strip_prefix('-'), t.strip_prefix('+')) {
        (Some(rest), _) if !paren_negative => (true, rest.trim_start()),
        (_, Some(rest)) if !paren_negative => (false, rest.trim_start()),
        _ => (false, t),
    };
    let cleaned = match LOCALE.with(std::cell::Cell::get) {
        NumberLocale::DecimalPoint => strip_thousands(body)?,
        // `1 234,5` and `1.234,5` read as `1,234.5` does in English.
        NumberLocale::DecimalComma => strip_thousands(
            &body
                .chars()
                .map(|c| match c {
                    ',' => '.',
                    '.' | ' ' | '\u{a0}' | '\u{202f}' => ',',
                    other => other,
                })
                .collect::<String>(),
        )?,
    };
    let value: f64 = cleaned.parse().ok()?;
    let value = if negative || paren_negative {
        -value
    } else {
        value
    };
    let value = if percent { value / 100.0 } else { value };
    value.is_finite().then_some(value)
}

/// `t` without its `$` currency sign, which may stand first, after a sign
/// or an opening parenthesis, or last (`$1,000`, `-$5.5`, `$-5.5`,
/// `($1,200)`, `$(5)`, `5$`), as LibreOffice reads it in an English
/// locale. `None` for a `$` anywhere else or more than one.
fn strip_currency(t: &str) -> Option<std::borrow::Cow<'_, str>> {
    let Some(at) = t.find('$') else {
        return Some(std::borrow::Cow::Borrowed(t));
    };
    let before = t[..at].trim_end();
    let after = t[at + 1..].trim_start();
    if after.contains('$') {
        return None;
    }
    let leading = before.is_empty() || before.ends_with(['-', '+', '(']);
    let trailing = after.is_empty() && !before.is_empty();
    (leading || trailing).then(|| std::borrow::Cow::Owned(format!("{before}{after}")))
}

/// The number body without thousands separators, if it is well formed:
/// digits (groups of three after a comma), optional `.digits`, optional
/// exponent. Only ASCII digits, so `inf` and `NaN` are rejected.
fn strip_thousands(body: &str) -> Option<String> {
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let mut out = String::with_capacity(body.len());
    let groups: Vec<&str> = int_part.split(',').collect();
    for (i, g) in groups.iter().enumerate() {
        let ok_len = if i == 0 {
            groups.len() == 1 || (1..=3).contains(&g.len())
        } else {
            g.len() == 3
        };
        if !ok_len || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push_str(g);
    }
    let mut digit_count = out.len();
    if let Some(f) = frac_part {
        if !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digit_count += f.len();
        out.push('.');
        out.push_str(f);
    }
    if digit_count == 0 {
        return None;
    }
    if let Some(e) = exponent {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push('e');
        out.push_str(e);
    }
    Some(out)
}

/// Excel's ordering for comparison operators and lookups: numbers < text <
/// booleans (< errors, which callers normally handle first). Text compares
/// case-insensitively. Empty is 0 against a number, `""` against text and
/// `FALSE` against a boolean.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Empty, Value::Empty) => Ordering::Equal,
        (Value::Empty, Value::Number(n)) => cmp_f64(0.0, *n),
        (Value::Number(n), Value::Empty) => cmp_f64(*n, 0.0),
        (Value::Empty, Value::Text(s)) => compare_text("", s),
        (Value::Text(s), Value::Empty) => compare_text(s, ""),
        (Value::Empty, Value::Bool(x)) => false.cmp(x),
        (Value::Bool(x), Value::Empty) => x.cmp(&false),
        (Value::Number(x), Value::Number(y)) => cmp_f64(*x, *y),
        (Value::Text(x), Value::Text(y)) => compare_text(x, y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Error(x), Value::Error(y)) => x.kind.cmp(&y.kind),
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

/// True if `a` and `b` differ by less than 2⁻⁴⁸ of each (about 15
/// significant digits), the tolerance LibreOffice's `approxEqual` uses for
/// comparison operators; exact zero equals only zero.
pub fn approx_equal(a: f64, b: f64) -> bool {
    if a == b {
        return true;
    }
    if a == 0.0 || b == 0.0 || !a.is_finite() || !b.is_finite() {
        return false;
    }
    let d = (a - b).abs();
    let limit = 2f64.powi(-48);
    d < a.abs() * limit && d < b.abs() * limit
}

/// Numbers compare by value; NaN (never stored) compares equal.
fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Position of a value's type in Excel's cross-type order.
fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Empty | Value::Number(_) => 0,
        Value::Text(_) => 1,
        Value::Bool(_) => 2,
        Value::Error(_) => 3,
    }
}

/// Case-insensitive (Unicode lower-case) text comparison.
pub fn compare_text(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// True if two values are equal for `=` and exact lookups (same type,
/// text case-insensitive; empty equals 0, `""` and `FALSE`).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    let same_class = type_rank(a) == type_rank(b) || a.is_empty() || b.is_empty();
    same_class && compare(a, b) == Ordering::Equal
}

/// One element of a compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq)]
enum PatternToken {
    /// A literal character (lower-cased).
    Char(char),
    /// `?`: any one character.
    One,
    /// `*`: any run of characters, possibly empty.
    Any,
}

/// A case-insensitive Excel wildcard pattern: `*` any run, `?` any one
/// character, `~` escapes the next `*`, `?` or `~`.
#[derive(Debug, Clone, PartialEq)]
pub struct Wildcard {
    tokens: Vec<PatternToken>,
}

impl Wildcard {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Self {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '~' => match chars.peek() {
                    Some(&next @ ('*' | '?' | '~')) => {
                        chars.next();
                        tokens.push(PatternToken::Char(next));
                    }
                    _ => tokens.push(PatternToken::Char('~')),
                },
                '*' => tokens.push(PatternToken::Any),
                '?' => tokens.push(PatternToken::One),
                _ => tokens.extend(c.to_lowercase().map(PatternToken::Char)),
            }
        }
        Wildcard { tokens }
    }

    /// True if the pattern uses `*` or `?` (escaped ones don't count).
    pub fn has_wildcards(&self) -> bool {
        self.tokens
            .iter()
            .any(|t| !matches!(t, PatternToken::Char(_)))
    }

    /// True if the whole of `text` matches, case-insensitively.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        self.match_prefix_len(&text, true).is_some()
    }

    /// The character position (0-based) of the first match inside `text`,
    /// as `SEARCH` finds it, starting at character `start`.
    pub fn find_in(&self, text: &str, start: usize) -> Option<usize> {
        let lowered: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        let original_len = text.chars().count();
        if lowered.len() != original_len {
            // Lower-casing changed lengths (rare); positions would not line up.
            let plain: Vec<char> = text.chars().collect();
            return (start..=plain.len()).find(|&i| {
                plain
                    .get(i..)
                    .and_then(|rest| self.match_prefix_len(rest, false))
                    .is_some()
            });
        }
        (start..=lowered.len()).find(|&i| {
            lowered
                .get(i..)
                .and_then(|rest| self.match_prefix_len(rest, false))
                .is_some()
        })
    }

    /// Matches the pattern against the start of `text` (all of it if
    /// `anchored`), with the classic backtracking over the last `*`; bounded
    /// by `O(pattern × text)` steps.
    fn match_prefix_len(&self, text: &[char], anchored: bool) -> Option<usize> {
        let pat = &self.tokens;
        let (mut p, mut t) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        loop {
            if p == pat.len() && (!anchored || t == text.len()) {
                return Some(t);
            }
            let step = match (pat.get(p), text.get(t)) {
                (Some(PatternToken::Any), _) => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                (Some(PatternToken::One), Some(_)) => true,
                (Some(PatternToken::Char(c)), Some(x)) => c == x,
                _ => false,
            };
            if step {
                p += 1;
                t += 1;
            } else if let Some((sp, st)) = star {
                if st >= text.len() {
                    return None;
                }
                star = Some((sp, st + 1));
                p = sp + 1;
                t = st + 1;
            } else {
                return None;
            }
        }
    }
}

/// The comparison of a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CriterionOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CriterionOp {
    /// True if `ord` (cell compared with operand) satisfies the operator.
    fn holds(self, ord: Ordering) -> bool {
        match self {
            CriterionOp::Eq => ord == Ordering::Equal,
            CriterionOp::Ne => ord != Ordering::Equal,
            CriterionOp::Lt => ord == Ordering::Less,
            CriterionOp::Le => ord != Ordering::Greater,
            CriterionOp::Gt => ord == Ordering::Greater,
            CriterionOp::Ge => ord != Ordering::Less,
        }
    }
}

/// What a criterion compares with.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Number(f64),
    Text(Wildcard, String),
    Bool(bool),
    Error(ErrorKind),
    /// `"="` / `"<>"` with nothing after: blank cells only.
    Blank,
    /// `""`: blank cells or empty text.
    BlankOrEmptyText,
}

/// A parsed criterion of `SUMIF`, `COUNTIFS`, … such as `">5"`, `"<>0"`,
/// `"=abc"`, `"a*"`, `5`, `TRUE` or `""`, with Excel's matching rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    op: CriterionOp,
    operand: Operand,
}

impl Criterion {
    /// Parses a criteria value. A blank criteria cell means `0`, and an
    /// error value (`NA()`, a cell holding `#DIV/0!`) selects the cells
    /// holding that same error, as in Excel, where `COUNTIF(A:A,NA())`
    /// counts the `#N/A` cells instead of being `#N/A` itself.
    pub fn parse(v: &Value) -> Criterion {
        let operand = match v {
            Value::Number(n) => Operand::Number(*n),
            Value::Bool(b) => Operand::Bool(*b),
            Value::Empty => Operand::Number(0.0),
            Value::Error(e) => Operand::Error(e.kind),
            Value::Text(s) => return Criterion::parse_text(s),
        };
        Criterion {
            op: CriterionOp::Eq,
            operand,
        }
    }

    /// Parses a text criterion: optional operator, then an operand that is
    /// a number, a boolean, an error literal, or text (with wildcards).
    fn parse_text(s: &str) -> Criterion {
        const OPS: [(&str, CriterionOp); 6] = [
            (">=", CriterionOp::Ge),
            ("<=", CriterionOp::Le),
            ("<>", CriterionOp::Ne),
            (">", CriterionOp::Gt),
            ("<", CriterionOp::Lt),
            ("=", CriterionOp::Eq),
        ];
        let found = OPS
            .iter()
            .find_map(|(prefix, op)| s.strip_prefix(prefix).map(|rest| (*op, rest)));
        let (op, rest, explicit) = match found {
            Some((op, rest)) => (op, rest, true),
            None => (CriterionOp::Eq, s, false),
        };
        let operand = if rest.is_empty() {
            if explicit {
                Operand::Blank
            } else {
                Operand::BlankOrEmptyText
            }
        } else if let Some(n) = parse_number_text(rest) {
            Operand::Number(n)
        } else if let Some(b) = parse_bool_text(rest) {
            Operand::Bool(b)
        } else if let Some(kind) = ErrorKind::from_literal(rest.trim()) {
            Operand::Error(kind)
        } else {
            Operand::Text(Wildcard::new(rest), rest.to_string())
        };
        Criterion { op, operand }
    }

    /// True if the cell value `v` satisfies the criterion.
    pub fn matches(&self, v: &Value) -> bool {
        let op = self.op;
        match &self.operand {
            Operand::Number(x) => match v {
                Value::Number(n) => op.holds(cmp_f64(*n, *x)),
                Value::Text(t) if matches!(op, CriterionOp::Eq | CriterionOp::Ne) => {
                    let equal = parse_number_text(t) == Some(*x);
                    equal == (op == CriterionOp::Eq)
                }
                _ => op == CriterionOp::Ne,
            },
            Operand::Text(pattern, raw) => match (op, v) {
                (CriterionOp::Eq, Value::Text(t)) => pattern.matches(t),
                (CriterionOp::Eq, _) => false,
                (CriterionOp::Ne, Value::Text(t)) => !pattern.matches(t),
                (CriterionOp::Ne, _) => true,
                (_, Value::Text(t)) => op.holds(compare_text(t, raw)),
                _ => false,
            },
            Operand::Bool(b) => match v {
                Value::Bool(x) => op.holds(x.cmp(b)),
                _ => op == CriterionOp::Ne,
            },
            Operand::Error(kind) => {
                let equal = matches!(v, Value::Error(e) if e.kind == *kind);
                match op {
                    CriterionOp::Eq => equal,
                    CriterionOp::Ne => !equal,
                    _ => false,
                }
            }
            Operand::Blank => match op {
                CriterionOp::Eq => v.is_empty(),
                CriterionOp::Ne => !v.is_empty(),
                _ => false,
            },
            Operand::BlankOrEmptyText => {
                matches!(v, Value::Empty) || matches!(v, Value::Text(t) if t.is_empty())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    #[test]
    fn numbers_from_text() {
        assert_eq!(to_number(&t(" 12 ")), Ok(12.0));
        assert_eq!(to_number(&t("1e3")), Ok(1000.0));
        assert_eq!(to_number(&t("50%")), Ok(0.5));
        assert_eq!(to_number(&t("1,234.5")), Ok(1234.5));
        assert_eq!(to_number(&t("-3")), Ok(-3.0));
        assert_eq!(to_number(&t("(4)")), Ok(-4.0));
        assert_eq!(to_number(&t(".5")), Ok(0.5));
        // Money as LibreOffice reads it (English locale).
        for (text, value) in [
            ("$1,000", 1000.0),
            ("-$5.5", -5.5),
            ("$-5.5", -5.5),
            ("($1,200)", -1200.0),
            ("$(5)", -5.0),
            ("5$", 5.0),
            ("$ 7", 7.0),
            ("- $3", -3.0),
        ] {
            assert_eq!(to_number(&t(text)), Ok(value), "{text}");
        }
        for bad in [
            "", "abc", "1,23", "inf", "NaN", "1e", "--1", "1.2.3", "e5", "$$5", "1$0", "$1,000%",
            "$",
        ] {
            assert_eq!(
                to_number(&t(bad)),
                Err(CellError::new(ErrorKind::Value)),
                "{bad}"
            );
        }
        assert_eq!(to_number(&Value::Empty), Ok(0.0));
        assert_eq!(to_number(&Value::Bool(true)), Ok(1.0));
        assert_eq!(
            to_number(&Value::error(ErrorKind::NA)),
            Err(CellError::new(ErrorKind::NA))
        );
    }

    #[test]
    fn booleans_and_text() {
        assert_eq!(to_bool(&t("true")), Ok(true));
        assert_eq!(to_bool(&t("x")), Err(CellError::new(ErrorKind::Value)));
        assert_eq!(to_bool(&Value::Number(-2.0)), Ok(true));
        assert_eq!(to_text(&Value::Bool(false)), Ok("FALSE".into()));
        assert_eq!(to_text(&Value::Empty), Ok(String::new()));
    }

    #[test]
    fn general_number_text() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.1 + 0.2, "0.3"),
            (1.0 / 3.0, "0.333333333333333"),
            (1e20, "1E+20"),
            (1e-10, "1E-10"),
            (123456789012345.0, "123456789012345"),
            (1234567890123456.0, "1.23456789012346E+15"),
            (0.0001, "0.0001"),
            (0.000001, "0.000001"),
            (1e-9, "0.000000001"),
            (1.5e15, "1.5E+15"),
            (-1.5e-300, "-1.5E-300"),
            (1.5e300, "1.5E+300"),
            (100.0, "100"),
        ];
        for (n, s) in cases {
            assert_eq!(number_to_text(n), s, "{n}");
        }
    }

    #[test]
    fn ordering() {
        assert!(approx_equal(0.1 + 0.2, 0.3));
        assert!(!approx_equal(0.1 + 0.2 - 0.3, 0.0));
        assert!(!approx_equal(1.0, 1.0 + 1e-12));
        assert_eq!(compare(&Value::Number(5.0), &t("a")), Ordering::Less);
        assert_eq!(compare(&t("z"), &Value::Bool(false)), Ordering::Less);
        assert_eq!(compare(&t("ABC"), &t("abc")), Ordering::Equal);
        assert_eq!(compare(&Value::Empty, &Value::Number(0.0)), Ordering::Equal);
        assert_eq!(compare(&Value::Empty, &t("")), Ordering::Equal);
        assert_eq!(compare(&Value::Empty, &Value::Bool(false)), Ordering::Equal);
        assert!(values_equal(&t("A"), &t("a")));
        assert!(!values_equal(&t("1"), &Value::Number(1.0)));
    }

    #[test]
    fn wildcards() {
        let w = Wildcard::new("a*c");
        assert!(w.matches("ABC") && w.matches("ac") && !w.matches("abd"));
        assert!(Wildcard::new("?b").matches("ab"));
        assert!(Wildcard::new("~*").matches("*") && !Wildcard::new("~*").matches("a"));
        assert!(Wildcard::new("*").matches(""));
        assert_eq!(Wildcard::new("b?").find_in("abcd", 0), Some(1));
        assert_eq!(Wildcard::new("x").find_in("abcd", 0), None);
        assert!(!Wildcard::new("a~").has_wildcards());
    }

    #[test]
    fn criteria() {
        let c = |s: &str| Criterion::parse(&t(s));
        assert!(c(">5").matches(&Value::Number(6.0)));
        assert!(!c(">5").matches(&t("6")));
        assert!(!c(">5").matches(&Value::Empty));
        assert!(c("<>5").matches(&Value::Empty));
        assert!(c("<>5").matches(&t("x")));
        assert!(c("a*").matches(&t("Apple")));
        assert!(!c("a*").matches(&Value::Number(1.0)));
        assert!(c("<>a*").matches(&Value::Number(1.0)));
        assert!(c("").matches(&Value::Empty) && c("").matches(&t("")));
        assert!(c("=").matches(&Value::Empty) && !c("=").matches(&t("")));
        assert!(c("<>").matches(&t("x")) && !c("<>").matches(&Value::Empty));
        assert!(c("TRUE").matches(&Value::Bool(true)));
        assert!(c(">b").matches(&t("C")) && !c(">b").matches(&t("a")));
        assert!(c("#N/A").matches(&Value::error(ErrorKind::NA)));
        let five = Criterion::parse(&Value::Number(5.0));
        assert!(five.matches(&Value::Number(5.0)) && five.matches(&t("5")));
    }

    #[test]
    fn error_criteria_select_that_error() {
        let div0 = Value::error(ErrorKind::Div0);
        let na = Value::error(ErrorKind::NA);
        let by_value = Criterion::parse(&div0);
        assert!(by_value.matches(&div0) && !by_value.matches(&na));
        assert!(!by_value.matches(&Value::Empty) && !by_value.matches(&t("#DIV/0!")));
        let c = |s: &str| Criterion::parse(&t(s));
        assert!(c("=#DIV/0!").matches(&div0) && !c("=#DIV/0!").matches(&na));
        assert!(c("<>#N/A").matches(&div0) && !c("<>#N/A").matches(&na));
        assert!(c("<>#N/A").matches(&Value::Empty) && c("<>#N/A").matches(&t("x")));
        // Comparisons other than = and <> never hold for an error operand.
        assert!(!c(">#N/A").matches(&na));
    }

    #[test]
    fn boolean_criteria_match_only_booleans() {
        let c = |s: &str| Criterion::parse(&t(s));
        let yes = Value::Bool(true);
        let one = Value::Number(1.0);
        for truth in [Criterion::parse(&yes), c("TRUE"), c("=TRUE"), c("true")] {
            assert!(truth.matches(&yes) && !truth.matches(&one) && !truth.matches(&t("x")));
        }
        assert!(!Criterion::parse(&one).matches(&yes));
        assert!(!c("1").matches(&yes) && !c(">0").matches(&yes));
        assert!(c("<>TRUE").matches(&one) && !c("<>TRUE").matches(&yes));
        assert!(c("<>1").matches(&yes) && c("<>1").matches(&Value::Empty));
        assert!(c("<>5").matches(&Value::Bool(false)) && c("<>5").matches(&t("x")));
        assert!(!c("<>5").matches(&t("5")), "numeric text equals the number");
        let no = Criterion::parse(&Value::Bool(false));
        assert!(no.matches(&Value::Bool(false)) && !no.matches(&Value::Number(0.0)));
        assert!(!no.matches(&Value::Empty));
    }
}
