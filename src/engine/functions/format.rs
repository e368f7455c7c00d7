//! `TEXT(value, format)`: a subset of Excel's number-format language —
//! digit placeholders `0 # ?`, decimal point, thousands separator and
//! scaling commas, `%`, scientific `E+00`, quoted and escaped literals,
//! up to four `;` sections, `General`, and date/time codes (`yyyy mm dd
//! mmm mmmm ddd dddd hh mm ss AM/PM`). Anything else is kept as literal
//! text, so an unknown format degrades instead of failing.

use crate::engine::coerce::{
    decimal_digits, fixed_notation, parse_number_text, scientific_notation, to_text,
};
use crate::engine::functions::args::Arg;
use crate::engine::functions::date::{day_of_week, serial_to_ymd, time_parts};
use crate::engine::functions::helpers::{fail, scalar, text_arg};
use crate::engine::functions::math::{RoundMode, round_decimal};
use crate::engine::value::{CellError, ErrorKind, Value};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One element of a format section.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// Text shown as is.
    Literal(String),
    /// A digit placeholder: `0`, `#` or `?`.
    Digit(char),
    /// The decimal point.
    Point,
    /// A comma (thousands separator or scaling by 1000).
    Comma,
    /// `%`: multiply by 100.
    Percent,
    /// `E+` / `E-`: scientific notation (true if `+`).
    Exponent(bool),
    /// A date/time code: the letter (`y m d h s`) and its repeat count.
    Date(char, usize),
    /// `AM/PM` or `A/P` (the latter as `false`).
    AmPm(bool),
    /// `General`.
    General,
    /// `@`: the text value.
    TextValue,
}

/// `TEXT(value, format)`.
pub fn text(args: &[Arg<'_>]) -> Result<String, CellError> {
    let format = text_arg(args, 1)?;
    let sections = split_sections(&format);
    match scalar(args, 0) {
        Value::Error(e) => Err(e),
        Value::Text(t) => match parse_number_text(&t) {
            Some(n) => format_number(n, &sections),
            None => Ok(format_text(&t, &sections)),
        },
        Value::Bool(b) => to_text(&Value::Bool(b)),
        Value::Empty => format_number(0.0, &sections),
        Value::Number(n) => format_number(n, &sections),
    }
}

/// A number formatted by a format code, as `TEXT(n, format)` does.
pub(crate) fn format_with(n: f64, format: &str) -> Result<String, CellError> {
    format_number(n, &split_sections(format))
}

/// Splits a format into its `;` sections (outside quotes, escapes and brackets).
fn split_sections(format: &str) -> Vec<String> {
    let mut sections = vec![String::new()];
    let mut chars = format.chars();
    let (mut in_quotes, mut in_brackets) = (false, false);
    while let Some(c) = chars.next() {
        let Some(current) = sections.last_mut() else {
            break;
        };
        match c {
            '"' => in_quotes = !in_quotes,
            '[' if !in_quotes => in_brackets = true,
            ']' if !in_quotes => in_brackets = false,
            '\\' | '_' | '*' if !in_quotes => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
                continue;
            }
            ';' if !in_quotes && !in_brackets => {
                sections.push(String::new());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    sections
}

/// Text with a text section (the fourth, or any section containing `@`).
fn format_text(t: &str, sections: &[String]) -> String {
    let section = sections.get(3).or_else(|| {
        sections
            .iter()
            .find(|s| s.contains('@') && sections.len() == 1)
    });
    match section {
        Some(s) => tokenize(s)
            .iter()
            .map(|tok| match tok {
                Token::TextValue => t.to_string(),
                Token::Literal(l) => l.clone(),
                _ => String::new(),
            })
            .collect(),
        None => t.to_string(),
    }
}

/// A number with the section chosen by its sign.
fn format_number(n: f64, sections: &[String]) -> Result<String, CellError> {
    let pick = |i: usize| sections.get(i).map(String::as_str).unwrap_or_default();
    let (section, value, minus) = match sections.len() {
        0 | 1 => (pick(0), n, true),
        2 => {
            if n < 0.0 {
                (pick(1), -n, false)
            } else {
                (pick(0), n, false)
            }
        }
        _ => {
            if n < 0.0 {
                (pick(1), -n, false)
            } else if n == 0.0 {
                (pick(2), n, false)
            } else {
                (pick(0), n, false)
            }
        }
    };
    let tokens = tokenize(section);
    if tokens
        .iter()
        .any(|t| matches!(t, Token::Date(..) | Token::AmPm(_)))
    {
        return format_date(value, &tokens);
    }
    Ok(format_plain_number(value, &tokens, minus))
}

/// Turns one section into tokens.
fn tokenize(section: &str) -> Vec<Token> {
    let chars: Vec<char> = section.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let literal = |tokens: &mut Vec<Token>, s: String| match tokens.last_mut() {
        Some(Token::Literal(prev)) => prev.push_str(&s),
        _ => tokens.push(Token::Literal(s)),
    };
    while let Some(&c) = chars.get(i) {
        let rest: String = chars.get(i..).unwrap_or_default().iter().collect();
        let lower = c.to_ascii_lowercase();
        i += 1;
        match c {
            '"' => {
                let mut s = String::new();
                while let Some(&q) = chars.get(i) {
                    i += 1;
                    if q == '"' {
                        break;
                    }
                    s.push(q);
                }
                literal(&mut tokens, s);
            }
            '\\' => {
                if let Some(&next) = chars.get(i) {
                    literal(&mut tokens, next.to_string());
                    i += 1;
                }
            }
            '_' => {
                i += 1;
                literal(&mut tokens, " ".to_string());
            }
            '*' => i += 1,
            '[' => {
                while let Some(&q) = chars.get(i) {
                    i += 1;
                    if q == ']' {
                        break;
                    }
                }
            }
            '0' | '#' | '?' => tokens.push(Token::Digit(c)),
            '.' => tokens.push(Token::Point),
            ',' => tokens.push(Token::Comma),
            '%' => tokens.push(Token::Percent),
            '@' => tokens.push(Token::TextValue),
            'E' | 'e' if matches!(chars.get(i), Some('+' | '-')) => {
                tokens.push(Token::Exponent(chars.get(i) == Some(&'+')));
                i += 1;
            }
            _ if rest.len() >= 7
                && rest
                    .get(..7)
                    .is_some_and(|r| r.eq_ignore_ascii_case("general")) =>
            {
                tokens.push(Token::General);
                i += 6;
            }
            _ if rest.len() >= 5
                && rest
                    .get(..5)
                    .is_some_and(|r| r.eq_ignore_ascii_case("am/pm")) =>
            {
                tokens.push(Token::AmPm(true));
                i += 4;
            }
            _ if rest.len() >= 3
                && rest.get(..3).is_some_and(|r| r.eq_ignore_ascii_case("a/p")) =>
            {
                tokens.push(Token::AmPm(false));
                i += 2;
            }
            _ if matches!(lower, 'y' | 'm' | 'd' | 'h' | 's') => {
                let mut count = 1;
                while chars
                    .get(i)
                    .is_some_and(|x| x.to_ascii_lowercase() == lower)
                {
                    count += 1;
                    i += 1;
                }
                tokens.push(Token::Date(lower, count));
            }
            _ => literal(&mut tokens, c.to_string()),
        }
    }
    tokens
}

/// Formats a number with a numeric (non-date) section.
fn format_plain_number(n: f64, tokens: &[Token], minus: bool) -> String {
    if tokens.iter().all(|t| !matches!(t, Token::Digit(_))) {
        let general = general_text(n.abs());
        let body: String = tokens
            .iter()
            .map(|t| match t {
                Token::General => general.clone(),
                Token::Literal(l) => l.clone(),
                Token::Percent => "%".to_string(),
                _ => String::new(),
            })
            .collect();
        let sign = if minus && n < 0.0 { "-" } else { "" };
        return format!("{sign}{body}");
    }
    let layout = Layout::of(tokens);
    let mut value = n.abs();
    value *= 100f64.powi(layout.percents);
    value /= 1000f64.powi(layout.scale_commas);
    let (digits_int, digits_frac, exponent) = if let Some(exp_digits) = layout.exponent_digits {
        scientific_parts(value, &layout, exp_digits)
    } else {
        let (i, f) = fixed_parts(value, layout.frac_places);
        (i, f, None)
    };
    let shows_nonzero = digits_int
        .bytes()
        .chain(digits_frac.bytes())
        .any(|b| b.is_ascii_digit() && b != b'0');
    let sign = if minus && n < 0.0 && shows_nonzero {
        "-"
    } else {
        ""
    };
    let mut out = String::from(sign);
    out.push_str(&render(
        tokens,
        &layout,
        &digits_int,
        &digits_frac,
        exponent.as_deref(),
    ));
    out
}

/// The characters Excel's General format may use for a number, the minus
/// sign aside: ECMA-376 (18.8.30, numFmt) says General shows "up to 11
/// digits (inc. decimal point)", and `TEXT(x, "General")` follows it
/// (`0.333333333`, `1.23457E+11`), where `x&""` shows 15 digits.
const GENERAL_WIDTH: i32 = 11;

/// A non-negative number in Excel's General format: fixed notation
/// rounded to fit [`GENERAL_WIDTH`] characters while the integer part fits
/// (up to 11 digits) or, for small numbers, while it shows as many
/// significant digits as scientific notation would; otherwise scientific
/// notation with the mantissa rounded to fit (`1.23457E-05`, `1E+11`).
fn general_text(x: f64) -> String {
    let (digits, exp) = decimal_digits(x);
    if digits == "0" {
        return "0".to_string();
    }
    let fixed = match exp {
        // Integer digits, the point and as many decimals as fit.
        0..=10 => {
            let decimals = (GENERAL_WIDTH - 1 - (exp + 1)).max(0);
            Some(round_significant(&digits, exp, exp + 1 + decimals))
        }
        // "0.", the zeros after the point, and six to nine digits: at
        // least as many as scientific notation shows, so round to fit.
        -4..=-1 => Some(round_significant(&digits, exp, GENERAL_WIDTH - 1 + exp)),
        // Fewer digits fit than scientific notation shows: fixed only if
        // the number fits unrounded (`0.000012345`, `0.000000001`).
        -9..=-5 => {
            let width = 2 + (-exp - 1) + digits.len() as i32;
            (width <= GENERAL_WIDTH).then(|| (digits.clone(), exp))
        }
        _ => None,
    };
    match fixed {
        Some((digits, exp)) if exp <= 10 => fixed_notation(&digits, exp),
        // Rounding carried into a twelfth integer digit (99999999999.6).
        Some((digits, exp)) => general_scientific(&digits, exp),
        None => general_scientific(&digits, exp),
    }
}

/// Scientific notation in [`GENERAL_WIDTH`] characters: `d.ddddd` and
/// `E+dd` (one mantissa digit fewer with a three-digit exponent).
fn general_scientific(digits: &str, exp: i32) -> String {
    let exponent_len = if exp.unsigned_abs() >= 100 { 5 } else { 4 };
    // The mantissa's point takes one character.
    let significant = GENERAL_WIDTH - exponent_len - 1;
    let (digits, exp) = round_significant(digits, exp, significant);
    scientific_notation(&digits, exp)
}

/// `digits` (first digit at power `exp`) rounded half up to `keep`
/// significant digits (at least one), trailing zeros removed; a carry
/// (`9.99` → `10`) raises the exponent.
fn round_significant(digits: &str, exp: i32, keep: i32) -> (String, i32) {
    let keep = usize::try_from(keep.max(1)).unwrap_or(1);
    if digits.len() <= keep {
        return (digits.to_string(), exp);
    }
    let mut kept: Vec<u8> = digits.bytes().take(keep).collect();
    let round_up = digits.as_bytes().get(keep).is_some_and(|d| *d >= b'5');
    let mut exp = exp;
    if round_up {
        let mut carry = true;
        for d in kept.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            kept.insert(0, b'1');
            kept.pop();
            exp += 1;
        }
    }
    while kept.len() > 1 && kept.last() == Some(&b'0') {
        kept.pop();
    }
    (String::from_utf8_lossy(&kept).into_owned(), exp)
}

/// Where things are in a numeric section.
#[derive(Debug, Default)]
struct Layout {
    /// Index of the first token of the fraction (after the point), if any.
    point: Option<usize>,
    /// Index of the exponent token.
    exponent: Option<usize>,
    /// Digit placeholders after the point (before any exponent).
    frac_places: usize,
    /// Minimum exponent digits.
    exponent_digits: Option<usize>,
    /// Thousands separator between integer digits.
    grouping: bool,
    /// Commas right after the last integer digit: divide by 1000 each.
    scale_commas: i32,
    /// Number of `%`.
    percents: i32,
}

impl Layout {
    fn of(tokens: &[Token]) -> Layout {
        let mut layout = Layout {
            point: tokens.iter().position(|t| *t == Token::Point),
            exponent: tokens.iter().position(|t| matches!(t, Token::Exponent(_))),
            ..Layout::default()
        };
        let int_end = layout.point.or(layout.exponent).unwrap_or(tokens.len());
        let frac_end = layout.exponent.unwrap_or(tokens.len());
        if let Some(p) = layout.point {
            layout.frac_places = tokens
                .get(p..frac_end)
                .unwrap_or_default()
                .iter()
                .filter(|t| matches!(t, Token::Digit(_)))
                .count();
        }
        if let Some(e) = layout.exponent {
            let count = tokens
                .get(e..)
                .unwrap_or_default()
                .iter()
                .filter(|t| matches!(t, Token::Digit(_)))
                .count();
            layout.exponent_digits = Some(count.max(1));
        }
        let int_tokens = tokens.get(..int_end).unwrap_or_default();
        let last_digit = int_tokens
            .iter()
            .rposition(|t| matches!(t, Token::Digit(_)));
        let first_digit = int_tokens.iter().position(|t| matches!(t, Token::Digit(_)));
        for (i, t) in int_tokens.iter().enumerate() {
            if *t != Token::Comma {
                continue;
            }
            match (first_digit, last_digit) {
                (Some(f), Some(l)) if i > f && i < l => layout.grouping = true,
                (_, Some(l)) if i > l => layout.scale_commas += 1,
                _ => {}
            }
        }
        layout.percents = tokens.iter().filter(|t| **t == Token::Percent).count() as i32;
        layout
    }
}

/// Integer and fraction digits of `value` rounded to `places` decimals
/// (integer digits empty when the integer part is 0).
fn fixed_parts(value: f64, places: usize) -> (String, String) {
    let rounded = round_decimal(value, places as i64, RoundMode::Nearest);
    let (ds, exp) = decimal_digits(rounded);
    if ds == "0" {
        return (String::new(), "0".repeat(places));
    }
    let mut int = String::new();
    let mut frac = String::new();
    for (i, d) in ds.chars().enumerate() {
        if (i as i32) <= exp {
            int.push(d);
        } else {
            frac.push(d);
        }
    }
    for _ in (ds.len() as i32)..=exp {
        int.push('0');
    }
    if exp < -1 {
        frac.insert_str(0, &"0".repeat((-exp - 1) as usize));
    }
    frac.truncate(places);
    while frac.len() < places {
        frac.push('0');
    }
    (int, frac)
}

/// Mantissa digits and exponent text for scientific formats.
fn scientific_parts(
    value: f64,
    layout: &Layout,
    exp_digits: usize,
) -> (String, String, Option<String>) {
    let (mut int, mut frac, mut exp) = (String::new(), "0".repeat(layout.frac_places), 0i32);
    if value != 0.0 {
        let (_, e) = decimal_digits(value);
        exp = e;
        let mantissa = value / 10f64.powi(e);
        let (i, f) = fixed_parts(mantissa, layout.frac_places);
        if i.len() > 1 {
            // Rounding reached 10.0: renormalise.
            exp += 1;
            let (i2, f2) = fixed_parts(mantissa / 10.0, layout.frac_places);
            (int, frac) = (i2, f2);
        } else {
            (int, frac) = (i, f);
        }
    }
    let sign = match (exp < 0, layout.exponent.is_some()) {
        (true, _) => "-",
        (false, true) => "+",
        _ => "",
    };
    let exp_text = format!("{sign}{:0width$}", exp.unsigned_abs(), width = exp_digits);
    (int, frac, Some(exp_text))
}

/// Places the digits into the section's placeholders.
fn render(
    tokens: &[Token],
    layout: &Layout,
    int: &str,
    frac: &str,
    exponent: Option<&str>,
) -> String {
    let int_end = layout.point.or(layout.exponent).unwrap_or(tokens.len());
    let int_tokens = tokens.get(..int_end).unwrap_or_default();
    let mut out = render_integer(int_tokens, int, layout.grouping);
    let mut frac_digits: Vec<char> = frac.chars().collect();
    trim_optional_fraction(tokens, layout, &mut frac_digits);
    let mut frac_iter = frac_digits.into_iter();
    let mut exp_done = false;
    for (i, t) in tokens.iter().enumerate().skip(int_end) {
        match t {
            Token::Point => out.push('.'),
            Token::Digit(_) if layout.exponent.is_some_and(|e| i > e) => {
                if !exp_done {
                    out.push_str(exponent.unwrap_or_default().trim_start_matches(['+', '-']));
                    exp_done = true;
                }
            }
            Token::Digit(_) => {
                if let Some(d) = frac_iter.next() {
                    out.push(d);
                }
            }
            Token::Exponent(_) => {
                out.push('E');
                let e = exponent.unwrap_or_default();
                if e.starts_with('-') {
                    out.push('-');
                } else if matches!(t, Token::Exponent(true)) {
                    out.push('+');
                }
            }
            other => push_simple(&mut out, other),
        }
    }
    out
}

/// Literals, `%` and the rest of the non-digit tokens.
fn push_simple(out: &mut String, t: &Token) {
    match t {
        Token::Literal(l) => out.push_str(l),
        Token::Percent => out.push('%'),
        _ => {}
    }
}

/// Drops trailing zeros that fall on `#` placeholders (and blanks them on
/// `?`) in the fraction.
fn trim_optional_fraction(tokens: &[Token], layout: &Layout, digits: &mut Vec<char>) {
    let Some(p) = layout.point else {
        return;
    };
    let end = layout.exponent.unwrap_or(tokens.len());
    let kinds: Vec<char> = tokens
        .get(p..end)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| match t {
            Token::Digit(k) => Some(*k),
            _ => None,
        })
        .collect();
    for (slot, k) in kinds.iter().enumerate().rev() {
        if digits.get(slot) != Some(&'0') {
            break;
        }
        match k {
            '#' => {
                digits.truncate(slot);
            }
            '?' => {
                if let Some(d) = digits.get_mut(slot) {
                    *d = ' ';
                }
            }
            _ => break,
        }
    }
}

/// The integer part: digits right-aligned into the placeholders, extra
/// digits going to the leftmost one; `0` pads with zeros, `?` with spaces.
fn render_integer(tokens: &[Token], int: &str, grouping: bool) -> String {
    let placeholders: Vec<char> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Digit(k) => Some(*k),
            _ => None,
        })
        .collect();
    let literal_inside = {
        let first = tokens.iter().position(|t| matches!(t, Token::Digit(_)));
        let last = tokens.iter().rposition(|t| matches!(t, Token::Digit(_)));
        match (first, last) {
            (Some(f), Some(l)) => tokens
                .get(f..l)
                .unwrap_or_default()
                .iter()
                .any(|t| matches!(t, Token::Literal(_))),
            _ => false,
        }
    };
    if !literal_inside {
        let body = padded_integer(&placeholders, int, grouping);
        let mut out = String::new();
        let mut placed = false;
        for t in tokens {
            match t {
                Token::Digit(_) if !placed => {
                    out.push_str(&body);
                    placed = true;
                }
                Token::Digit(_) | Token::Comma => {}
                other => push_simple(&mut out, other),
            }
        }
        return out;
    }
    // Literals between placeholders (e.g. `000-0000`): fill right to left.
    let mut digits: Vec<char> = int.chars().collect();
    let mut slots: Vec<String> = vec![String::new(); placeholders.len()];
    for (slot, kind) in slots.iter_mut().zip(placeholders.iter()).rev() {
        *slot = match digits.pop() {
            Some(d) => d.to_string(),
            None if *kind == '0' => "0".to_string(),
            None if *kind == '?' => " ".to_string(),
            None => String::new(),
        };
    }
    if let Some(first) = slots.first_mut() {
        let rest: String = digits.into_iter().collect();
        first.insert_str(0, &rest);
    }
    let mut slot_iter = slots.into_iter();
    let mut out = String::new();
    for t in tokens {
        match t {
            Token::Digit(_) => out.push_str(&slot_iter.next().unwrap_or_default()),
            Token::Comma => {}
            other => push_simple(&mut out, other),
        }
    }
    out
}

/// Integer digits padded for the `0`/`?` placeholders and grouped by
/// thousands if asked.
fn padded_integer(placeholders: &[char], int: &str, grouping: bool) -> String {
    let n = placeholders.len();
    let mut chars: Vec<char> = int.chars().collect();
    // Pad on the left up to the leftmost `0` (zeros) or `?` (spaces).
    for (pos, kind) in placeholders.iter().enumerate() {
        let width = n - pos;
        if chars.len() < width {
            let pad = match kind {
                '0' => Some('0'),
                '?' => Some(' '),
                _ => None,
            };
            if let Some(p) = pad {
                while chars.len() < width {
                    chars.insert(0, p);
                }
            }
        }
    }
    if !grouping {
        return chars.into_iter().collect();
    }
    let mut out = String::new();
    let total = chars.len();
    for (i, c) in chars.iter().enumerate() {
        out.push(*c);
        let remaining = total - i - 1;
        if remaining > 0 && remaining.is_multiple_of(3) && c.is_ascii_digit() {
            out.push(',');
        }
    }
    out
}

/// Formats a serial number with a date/time section.
fn format_date(serial: f64, tokens: &[Token]) -> Result<String, CellError> {
    let ymd = serial_to_ymd(serial)?;
    let (hour, minute, second) = time_parts(serial);
    let twelve_hour = tokens.iter().any(|t| matches!(t, Token::AmPm(_)));
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Date('y', n) => {
                if *n <= 2 {
                    out.push_str(&format!("{:02}", ymd.year.rem_euclid(100)));
                } else {
                    out.push_str(&format!("{:04}", ymd.year));
                }
            }
            Token::Date('m', n) if *n <= 2 && is_minute(tokens, i) => {
                out.push_str(&pad(minute, *n));
            }
            Token::Date('m', n) => {
                let name = MONTHS
                    .get((ymd.month as usize).saturating_sub(1))
                    .copied()
                    .unwrap_or_default();
                match n {
                    1 | 2 => out.push_str(&pad(ymd.month, *n)),
                    3 => out.push_str(name.get(..3).unwrap_or(name)),
                    5 => out.push_str(name.get(..1).unwrap_or(name)),
                    _ => out.push_str(name),
                }
            }
            Token::Date('d', n) => {
                let name = WEEKDAYS
                    .get(day_of_week(serial) as usize)
                    .copied()
                    .unwrap_or_default();
                match n {
                    1 | 2 => out.push_str(&pad(ymd.day, *n)),
                    3 => out.push_str(name.get(..3).unwrap_or(name)),
                    _ => out.push_str(name),
                }
            }
            Token::Date('h', n) => {
                let h = if twelve_hour {
                    (hour + 11) % 12 + 1
                } else {
                    hour
                };
                out.push_str(&pad(h, *n));
            }
            Token::Date('s', n) => out.push_str(&pad(second, *n)),
            Token::AmPm(full) => {
                let am = hour < 12;
                out.push_str(match (full, am) {
                    (true, true) => "AM",
                    (true, false) => "PM",
                    (false, true) => "A",
                    (false, false) => "P",
                });
            }
            Token::Digit(d) => out.push(*d),
            Token::Point => out.push('.'),
            Token::Comma => out.push(','),
            other => push_simple(&mut out, other),
        }
    }
    if out.is_empty() && tokens.is_empty() {
        return fail(ErrorKind::Value);
    }
    Ok(out)
}

/// `m`/`mm` means minutes right after an hour code or right before a
/// seconds code (ignoring literals in between).
fn is_minute(tokens: &[Token], i: usize) -> bool {
    let is_code = |t: &&Token| matches!(t, Token::Date(..));
    let before = tokens
        .get(..i)
        .unwrap_or_default()
        .iter()
        .rev()
        .find(is_code);
    let after = tokens.get(i + 1..).unwrap_or_default().iter().find(is_code);
    matches!(before, Some(Token::Date('h', _))) || matches!(after, Some(Token::Date('s', _)))
}

/// A number with at least `width` digits (1 or 2).
fn pad(n: u32, width: usize) -> String {
    if width >= 2 {
        format!("{n:02}")
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: Value, f: &str) -> Result<String, CellError> {
        text(&[Arg::Value(v), Arg::Value(Value::text(f))])
    }

    fn num(x: f64, f: &str) -> String {
        fmt(Value::Number(x), f).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(num(1234.567, "0"), "1235");
        assert_eq!(num(1234.567, "0.00"), "1234.57");
        assert_eq!(num(1234.567, "#,##0"), "1,235");
        assert_eq!(num(1234567.891, "#,##0.00"), "1,234,567.89");
        assert_eq!(num(0.256, "0%"), "26%");
        assert_eq!(num(0.256, "0.0%"), "25.6%");
        assert_eq!(num(1234.5, "$#,##0"), "$1,235");
        assert_eq!(num(-1234.5, "$#,##0"), "-$1,235");
        assert_eq!(num(5.0, "0 \"units\""), "5 units");
        assert_eq!(num(0.5, "#.##"), ".5");
        assert_eq!(num(0.0, "0.00"), "0.00");
        assert_eq!(num(7.0, "000"), "007");
        assert_eq!(num(-3.0, "0;(0)"), "(3)");
        assert_eq!(num(0.0, "0;-0;\"zero\""), "zero");
        assert_eq!(num(12345.0, "0.00E+00"), "1.23E+04");
        assert_eq!(num(0.00012, "0.0E+00"), "1.2E-04");
        assert_eq!(num(1234567.0, "#,##0,"), "1,235");
        assert_eq!(num(5551234.0, "000-0000"), "555-1234");
        assert_eq!(num(2.5, "General"), "2.5");
        assert_eq!(num(-2.5, "General;(General)"), "(2.5)");
        assert_eq!(num(-0.001, "0"), "0");
        assert_eq!(num(1.005, "0.00"), "1.01");
    }

    #[test]
    fn general_shows_at_most_eleven_characters() {
        let cases = [
            (0.0, "0"),
            (1.0 / 3.0, "0.333333333"),
            (-1.0 / 3.0, "-0.333333333"),
            (2.0 / 3.0, "0.666666667"),
            (0.1 + 0.2, "0.3"),
            (1234567.891, "1234567.891"),
            (123456789.123, "123456789.1"),
            (12345678901.0, "12345678901"),
            (99999999999.0, "99999999999"),
            (4403928373.5, "4403928374"),
            (99999999999.6, "1E+11"),
            (123456789012.0, "1.23457E+11"),
            (100000000000.0, "1E+11"),
            (9999999999.99, "10000000000"),
            (0.0001234567, "0.000123457"),
            (0.00123456789, "0.001234568"),
            (0.0999999999999, "0.1"),
            (0.000012345, "0.000012345"),
            (0.0000123456, "1.23456E-05"),
            (0.000001234, "0.000001234"),
            (0.0000012345, "1.2345E-06"),
            (1e-9, "0.000000001"),
            (1.2e-9, "1.2E-09"),
            (1e-10, "1E-10"),
            (9.999999e-7, "1E-06"),
            (1e20, "1E+20"),
            (1.23456789e100, "1.2346E+100"),
            (2.5e-300, "2.5E-300"),
        ];
        for (x, want) in cases {
            assert_eq!(num(x, "General"), want, "{x}");
        }
        assert_eq!(num(1.0 / 3.0, "general"), "0.333333333");
        assert_eq!(fmt(Value::text("abc"), "General"), Ok("abc".into()));
        assert_eq!(fmt(Value::Bool(true), "General"), Ok("TRUE".into()));
    }

    #[test]
    fn dates() {
        let d = 46037.75; // 2026-01-15 18:00
        assert_eq!(num(d, "yyyy-mm-dd"), "2026-01-15");
        assert_eq!(num(d, "dd.mm.yyyy"), "15.01.2026");
        assert_eq!(num(d, "mmm yyyy"), "Jan 2026");
        assert_eq!(num(d, "mmmm"), "January");
        assert_eq!(num(d, "yyyy"), "2026");
        assert_eq!(num(d, "m/d/yyyy"), "1/15/2026");
        assert_eq!(num(d, "YYYY-MM-DD"), "2026-01-15");
        assert_eq!(num(d, "hh:mm"), "18:00");
        assert_eq!(num(d, "h:mm AM/PM"), "6:00 PM");
        assert_eq!(num(d, "dddd"), "Thursday");
        assert_eq!(fmt(Value::Number(-1.0), "yyyy"), fail(ErrorKind::Num));
    }

    #[test]
    fn other_values() {
        assert_eq!(fmt(Value::text("abc"), "0.00"), Ok("abc".into()));
        assert_eq!(fmt(Value::text("1.5"), "0.00"), Ok("1.50".into()));
        assert_eq!(fmt(Value::Bool(true), "0"), Ok("TRUE".into()));
        assert_eq!(fmt(Value::text("x"), "0;0;0;\"<\"@\">\""), Ok("<x>".into()));
        assert_eq!(num(5.0, ""), "");
        assert_eq!(num(5.0, "[Red]0.0"), "5.0");
        assert_eq!(num(1e300, "#,##0"), "1".to_string() + &",000".repeat(100));
    }
}
