//! Showing values the way a row's number format says: `12,345`, `3.5%`,
//! `4,990 RUB`, `3.2x`; errors as spreadsheets write them.

use super::document::Format;
use crate::engine::Value;

/// A value as text for a row with `format` (the unit is not appended).
pub fn format_value(value: &Value, format: Format) -> String {
    match value {
        Value::Number(n) => format_number(*n, format),
        other => other.to_string(),
    }
}

/// A number as text for a row with `format`.
pub fn format_number(n: f64, format: Format) -> String {
    match format {
        Format::General => general(n),
        Format::Integer => grouped(n, 0),
        Format::Decimal(d) | Format::Money(d) => grouped(n, d.min(10)),
        Format::Percent(d) => format!("{}%", grouped(n * 100.0, d.min(10))),
        Format::Multiple(d) => format!("{}x", grouped(n, d.min(10))),
    }
}

/// Up to 10 significant digits, no trailing zeros, grouped thousands.
fn general(n: f64) -> String {
    if n == 0.0 {
        return "0".into();
    }
    let magnitude = n.abs().log10().floor() as i32;
    if !(-5..15).contains(&magnitude) {
        return format!("{n:.4e}");
    }
    let decimals = (9 - magnitude).clamp(0, 10) as u8;
    let text = grouped(n, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A value in full precision, as in CSV: shortest round-trip numbers (`0.1`,
/// `1e-7`), `TRUE`/`FALSE`, errors as spreadsheets write them, text as is.
pub fn plain_text(value: &Value) -> String {
    match value {
        Value::Number(n) => shortest_number(*n),
        other => other.to_string(),
    }
}

/// The shortest text that reads back as `n`, with an exponent only for very
/// large or small magnitudes.
pub fn shortest_number(n: f64) -> String {
    if n == 0.0 {
        return "0".into();
    }
    let magnitude = n.abs();
    if (1e-5..1e16).contains(&magnitude) {
        format!("{n}")
    } else {
        format!("{n:e}")
    }
}

/// `n` rounded to `decimals` with `,` between thousands.
pub fn grouped(n: f64, decimals: u8) -> String {
    let text = format!("{:.*}", decimals as usize, n);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + int_part.len() / 3);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac_part {
        out.push('.');
        out.push_str(f);
    }
    // "-0" after rounding reads as 0.
    if out.chars().all(|c| c == '0' || c == '.' || c == ',') {
        return out;
    }
    format!("{sign}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_shortest_form() {
        assert_eq!(shortest_number(0.1), "0.1");
        assert_eq!(shortest_number(1234.5), "1234.5");
        assert_eq!(shortest_number(1e-7), "1e-7");
        assert_eq!(shortest_number(-3.0), "-3");
        assert_eq!(shortest_number(1.5e20), "1.5e20");
    }

    #[test]
    fn formats() {
        assert_eq!(format_number(1234567.0, Format::Integer), "1,234,567");
        assert_eq!(format_number(-1234.5, Format::Decimal(2)), "-1,234.50");
        assert_eq!(format_number(0.0345, Format::Percent(1)), "3.5%");
        assert_eq!(format_number(4990.0, Format::Money(0)), "4,990");
        assert_eq!(format_number(3.21, Format::Multiple(1)), "3.2x");
        assert_eq!(format_number(-0.0001, Format::Integer), "0");
        assert_eq!(format_number(0.1 + 0.2, Format::General), "0.3");
        assert_eq!(format_number(123456.5, Format::General), "123,456.5");
    }
}
