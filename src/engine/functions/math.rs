//! Arithmetic functions: sums and products, rounding (on Excel's 15-digit
//! decimal representation), integer parts, `MOD`, powers and logarithms,
//! `CEILING`/`FLOOR` and their `.MATH` variants.

use crate::engine::coerce::{decimal_digits, round_to_15_digits};
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{
    Sum, aggregate_numbers, fail, for_each_aggregate_number, num_arg, opt_num_arg, trunc_i64,
};
use crate::engine::value::{CellError, ErrorKind, Value};

/// How [`round_decimal`] treats the dropped digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoundMode {
    /// Half away from zero (`ROUND`).
    Nearest,
    /// Away from zero (`ROUNDUP`).
    Up,
    /// Toward zero (`ROUNDDOWN`, `TRUNC`).
    Down,
}

/// `x` rounded to `digits` decimal places (negative: to tens, hundreds, …),
/// working on the 15-significant-digit decimal form of `x` as Excel does, so
/// that `ROUND(1.005, 2)` is 1.01.
pub(crate) fn round_decimal(x: f64, digits: i64, mode: RoundMode) -> f64 {
    round_decimal_fast(x, digits, mode).unwrap_or_else(|| round_decimal_exact(x, digits, mode))
}

/// Powers of ten that are exact in an f64.
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The common case in binary arithmetic, without going through decimal
/// text: when the scaled number is far from a rounding boundary, the
/// 15-digit snap cannot change the decision, and `k / 10^d` (one correctly
/// rounded division of exact numbers) is the same f64 as parsing "k e-d".
/// `None` near a boundary, for negative digits or huge magnitudes.
fn round_decimal_fast(x: f64, digits: i64, mode: RoundMode) -> Option<f64> {
    const MARGIN: f64 = 1e-5;
    let scale = *POWERS_OF_TEN.get(usize::try_from(digits).ok()?)?;
    let scaled = x.abs() * scale;
    if scaled.is_nan() || scaled >= 1e9 {
        return None;
    }
    let frac = scaled - scaled.floor();
    let safe = match mode {
        RoundMode::Nearest => (frac - 0.5).abs() > MARGIN,
        RoundMode::Up | RoundMode::Down => frac > MARGIN && frac < 1.0 - MARGIN,
    };
    if !safe {
        return None;
    }
    let kept = match mode {
        RoundMode::Nearest => scaled.round(),
        RoundMode::Up => scaled.ceil(),
        RoundMode::Down => scaled.floor(),
    };
    if kept == 0.0 {
        return Some(0.0);
    }
    Some(x.signum() * (kept / scale))
}

/// Rounding on the 15-significant-digit decimal text of `x`, as Excel does.
fn round_decimal_exact(x: f64, digits: i64, mode: RoundMode) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let sign = x.signum();
    let (ds, exp) = decimal_digits(x);
    let digits = digits.clamp(-400, 400);
    let keep = i64::from(exp) + 1 + digits;
    let len = ds.len() as i64;
    if keep >= len {
        return round_to_15_digits(x);
    }
    let unit = || {
        sign * format!("1e{}", -digits)
            .parse::<f64>()
            .unwrap_or(f64::INFINITY)
    };
    if keep < 0 {
        return if mode == RoundMode::Up { unit() } else { 0.0 };
    }
    let keep = keep as usize;
    let (kept, dropped) = ds.split_at(keep);
    let first_dropped = dropped.bytes().next().unwrap_or(b'0');
    let round_up = match mode {
        RoundMode::Nearest => first_dropped >= b'5',
        RoundMode::Up => true,
        RoundMode::Down => false,
    };
    let mut kept: Vec<u8> = kept.bytes().collect();
    if round_up {
        increment_decimal(&mut kept);
    }
    if kept.is_empty() {
        return 0.0;
    }
    let text = format!("{}e{}", String::from_utf8_lossy(&kept), -digits);
    sign * text.parse::<f64>().unwrap_or(f64::INFINITY)
}

/// Adds one to a string of ASCII decimal digits (an empty string becomes "1").
fn increment_decimal(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

/// Shared body of `ROUND`, `ROUNDUP`, `ROUNDDOWN`, `TRUNC`.
fn round_with(
    args: &[Arg<'_>],
    mode: RoundMode,
    default_digits: Option<f64>,
) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let digits = match default_digits {
        Some(d) => opt_num_arg(args, 1, d)?,
        None => num_arg(args, 1)?,
    };
    Ok(round_decimal(x, trunc_i64(digits), mode))
}

/// `ROUND(number, digits)`: half away from zero.
pub fn round(args: &[Arg<'_>]) -> Result<f64, CellError> {
    round_with(args, RoundMode::Nearest, None)
}

/// `ROUNDUP(number, digits)`: away from zero.
pub fn roundup(args: &[Arg<'_>]) -> Result<f64, CellError> {
    round_with(args, RoundMode::Up, None)
}

/// `ROUNDDOWN(number, digits)`: toward zero.
pub fn rounddown(args: &[Arg<'_>]) -> Result<f64, CellError> {
    round_with(args, RoundMode::Down, None)
}

/// `TRUNC(number, [digits])`.
pub fn trunc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    round_with(args, RoundMode::Down, Some(0.0))
}

/// `INT(number)`: rounds down to an integer.
pub fn int(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(num_arg(args, 0)?.floor())
}

/// `MOD(number, divisor)`: remainder with the sign of the divisor.
pub fn modulo(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let n = num_arg(args, 0)?;
    let d = num_arg(args, 1)?;
    if d == 0.0 {
        return fail(ErrorKind::Div0);
    }
    // Like Excel, n - d·INT(n/d), with the quotient and the difference
    // taken at 15 digits so that MOD(5.5, 1.1) is 0 rather than 1.0999….
    let q = round_to_15_digits(n / d).floor();
    let r = n - q * d;
    let r = if r.abs() <= n.abs().max(d.abs()) * 1e-15 {
        0.0
    } else {
        r
    };
    if r != 0.0 && (r < 0.0) != (d < 0.0) {
        return Ok(r + d);
    }
    Ok(r)
}

/// `QUOTIENT(numerator, denominator)`: integer part of the division.
pub fn quotient(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let n = num_arg(args, 0)?;
    let d = num_arg(args, 1)?;
    if d == 0.0 {
        return fail(ErrorKind::Div0);
    }
    Ok((n / d).trunc())
}

/// `ABS(number)`.
pub fn abs(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(num_arg(args, 0)?.abs())
}

/// `SIGN(number)`: -1, 0 or 1.
pub fn sign(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    Ok(if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    })
}

/// `SQRT(number)`: `#NUM!` for negative numbers.
pub fn sqrt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if x < 0.0 {
        return fail(ErrorKind::Num);
    }
    Ok(x.sqrt())
}

/// `POWER(base, exponent)`: `0^0` is `#NUM!` and `0^-n` is `#DIV/0!` (Excel).
pub fn power(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let base = num_arg(args, 0)?;
    let exponent = num_arg(args, 1)?;
    power_of(base, exponent)
}

/// `base ^ exponent` with Excel's errors; shared with the `^` operator.
pub fn power_of(base: f64, exponent: f64) -> Result<f64, CellError> {
    if base == 0.0 {
        if exponent == 0.0 {
            return fail(ErrorKind::Num);
        }
        if exponent < 0.0 {
            return fail(ErrorKind::Div0);
        }
    }
    let r = base.powf(exponent);
    if r.is_finite() {
        Ok(r)
    } else {
        fail(ErrorKind::Num)
    }
}

/// `EXP(number)`.
pub fn exp(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(num_arg(args, 0)?.exp())
}

/// Logarithm of a positive number, else `#NUM!`.
fn positive(x: f64) -> Result<f64, CellError> {
    if x > 0.0 { Ok(x) } else { fail(ErrorKind::Num) }
}

/// `LN(number)`.
pub fn ln(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(positive(num_arg(args, 0)?)?.ln())
}

/// `LOG10(number)`.
pub fn log10(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(positive(num_arg(args, 0)?)?.log10())
}

/// `LOG(number, [base=10])`.
pub fn log(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = positive(num_arg(args, 0)?)?;
    let base = positive(opt_num_arg(args, 1, 10.0)?)?;
    if base == 1.0 {
        return fail(ErrorKind::Div0);
    }
    Ok(x.ln() / base.ln())
}

/// `PI()`.
pub fn pi(_args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(std::f64::consts::PI)
}

/// `SUM(values…)`.
pub fn sum(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut total = Sum::default();
    for_each_aggregate_number(args, |x| total.add(x))?;
    Ok(total.total())
}

/// `SUMSQ(values…)`.
pub fn sumsq(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut total = Sum::default();
    for_each_aggregate_number(args, |x| total.add(x * x))?;
    Ok(total.total())
}

/// `PRODUCT(values…)`: 0 if there are no numbers.
pub fn product(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let numbers = aggregate_numbers(args)?;
    if numbers.is_empty() {
        return Ok(0.0);
    }
    Ok(numbers.iter().product())
}

/// `SUMPRODUCT(array1, [array2], …)`: arrays of equal size multiplied
/// elementwise and summed; non-numbers count as 0, errors propagate,
/// different sizes are `#VALUE!`.
pub fn sumproduct(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let Some(first) = args.first() else {
        return fail(ErrorKind::Value);
    };
    let (rows, cols) = first.dims();
    if args.iter().any(|a| a.dims() != (rows, cols)) {
        return fail(ErrorKind::Value);
    }
    let mut total = Sum::default();
    for r in 0..rows {
        for c in 0..cols {
            let mut p = 1.0;
            for a in args {
                match a.get(r, c) {
                    Value::Number(n) => p *= n,
                    Value::Error(e) => return Err(e),
                    _ => p = 0.0,
                }
            }
            total.add(p);
        }
    }
    Ok(total.total())
}

/// `number / step` rounded to 15 digits, so that `FLOOR(0.3, 0.1)` sees 3.
fn steps(number: f64, step: f64) -> f64 {
    round_to_15_digits(number / step)
}

/// `CEILING(number, [significance])` (Excel 2010+): rounds up (toward +∞)
/// to a multiple of significance; a negative number with a negative
/// significance rounds away from zero; positive with negative is `#NUM!`.
pub fn ceiling(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let sig = opt_num_arg(args, 1, if x < 0.0 { -1.0 } else { 1.0 })?;
    if x == 0.0 || sig == 0.0 {
        return Ok(0.0);
    }
    if x > 0.0 && sig < 0.0 {
        return fail(ErrorKind::Num);
    }
    Ok(round_to_15_digits(steps(x, sig).ceil() * sig))
}

/// `FLOOR(number, [significance])` (Excel 2010+): rounds down (toward −∞),
/// negative with negative significance toward zero; significance 0 is
/// `#DIV/0!`; positive with negative is `#NUM!`.
pub fn floor(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let sig = opt_num_arg(args, 1, if x < 0.0 { -1.0 } else { 1.0 })?;
    if x == 0.0 {
        return Ok(0.0);
    }
    if sig == 0.0 {
        return fail(ErrorKind::Div0);
    }
    if x > 0.0 && sig < 0.0 {
        return fail(ErrorKind::Num);
    }
    Ok(round_to_15_digits(steps(x, sig).floor() * sig))
}

/// Shared body of `CEILING.MATH` and `FLOOR.MATH`.
fn rounding_math(args: &[Arg<'_>], up: bool) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let sig = opt_num_arg(args, 1, 1.0)?.abs();
    let mode = opt_num_arg(args, 2, 0.0)?;
    if sig == 0.0 || x == 0.0 {
        return Ok(0.0);
    }
    let q = steps(x, sig);
    // For negatives, a non-zero mode reverses the direction (away from /
    // toward zero instead of toward +∞ / −∞).
    let toward_positive = up != (x < 0.0 && mode != 0.0);
    let n = if toward_positive { q.ceil() } else { q.floor() };
    Ok(round_to_15_digits(n * sig))
}

/// `CEILING.MATH(number, [significance], [mode])`.
pub fn ceiling_math(args: &[Arg<'_>]) -> Result<f64, CellError> {
    rounding_math(args, true)
}

/// `FLOOR.MATH(number, [significance], [mode])`.
pub fn floor_math(args: &[Arg<'_>]) -> Result<f64, CellError> {
    rounding_math(args, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_rounding_agrees_with_decimal_rounding() {
        let mut state: u64 = 0x1234_5678_9abc_def1;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let bits = next();
            let magnitude = 10f64.powi((bits % 14) as i32 - 4);
            let x = ((bits >> 8) as f64 / (1u64 << 56) as f64 - 0.5) * magnitude;
            // Also values on exact decimal steps, where ties live.
            let x = if bits % 3 == 0 {
                (x * 1000.0).round() / 1000.0 + 0.0005
            } else {
                x
            };
            for digits in 0..6 {
                for mode in [RoundMode::Nearest, RoundMode::Up, RoundMode::Down] {
                    if let Some(fast) = round_decimal_fast(x, digits, mode) {
                        let exact = round_decimal_exact(x, digits, mode);
                        assert_eq!(fast.to_bits(), exact.to_bits(), "{x} {digits} {mode:?}");
                    }
                }
            }
        }
    }
    use crate::engine::functions::args::Array;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    #[test]
    fn rounding() {
        let r = |x, d| round(&[n(x), n(d)]).unwrap();
        assert_eq!(r(2.5, 0.0), 3.0);
        assert_eq!(r(-2.5, 0.0), -3.0);
        assert_eq!(r(1.005, 2.0), 1.01);
        assert_eq!(r(1234.5678, -2.0), 1200.0);
        assert_eq!(r(0.4, 0.0), 0.0);
        assert_eq!(r(0.5, 0.0), 1.0);
        assert_eq!(r(5.0, -1.0), 10.0);
        assert_eq!(r(4.0, -1.0), 0.0);
        assert_eq!(r(1e300, -400.0), 0.0);
        assert_eq!(r(1.23, 1e300), 1.23);
        assert_eq!(r(999.5, 0.0), 1000.0);
        assert_eq!(roundup(&[n(3.2), n(0.0)]), Ok(4.0));
        assert_eq!(roundup(&[n(-3.2), n(0.0)]), Ok(-4.0));
        assert_eq!(roundup(&[n(0.01), n(-1.0)]), Ok(10.0));
        assert_eq!(rounddown(&[n(-3.9), n(0.0)]), Ok(-3.0));
        assert_eq!(trunc(&[n(8.9)]), Ok(8.0));
    }

    #[test]
    fn modulo_and_powers() {
        assert_eq!(modulo(&[n(-3.0), n(2.0)]), Ok(1.0));
        assert_eq!(modulo(&[n(3.0), n(-2.0)]), Ok(-1.0));
        assert_eq!(modulo(&[n(3.0), n(0.0)]), fail(ErrorKind::Div0));
        assert_eq!(power(&[n(0.0), n(0.0)]), fail(ErrorKind::Num));
        assert_eq!(power(&[n(0.0), n(-1.0)]), fail(ErrorKind::Div0));
        assert_eq!(power(&[n(10.0), n(400.0)]), fail(ErrorKind::Num));
        assert_eq!(power(&[n(-8.0), n(1.0 / 3.0)]), fail(ErrorKind::Num));
        assert_eq!(sqrt(&[n(-1.0)]), fail(ErrorKind::Num));
        assert_eq!(ln(&[n(0.0)]), fail(ErrorKind::Num));
        assert_eq!(log(&[n(8.0), n(2.0)]), Ok(3.0));
        assert_eq!(log(&[n(8.0), n(1.0)]), fail(ErrorKind::Div0));
    }

    #[test]
    fn ceilings_and_floors() {
        assert_eq!(ceiling(&[n(2.5), n(1.0)]), Ok(3.0));
        assert_eq!(ceiling(&[n(-2.5), n(2.0)]), Ok(-2.0));
        assert_eq!(ceiling(&[n(-2.5), n(-2.0)]), Ok(-4.0));
        assert_eq!(ceiling(&[n(2.5), n(-2.0)]), fail(ErrorKind::Num));
        assert_eq!(ceiling(&[n(0.25), n(0.1)]), Ok(0.3));
        assert_eq!(floor(&[n(0.3), n(0.1)]), Ok(0.3));
        assert_eq!(floor(&[n(-2.5), n(2.0)]), Ok(-4.0));
        assert_eq!(floor(&[n(-2.5), n(-2.0)]), Ok(-2.0));
        assert_eq!(floor(&[n(2.5), n(0.0)]), fail(ErrorKind::Div0));
        assert_eq!(ceiling_math(&[n(-2.5)]), Ok(-2.0));
        assert_eq!(ceiling_math(&[n(-2.5), n(1.0), n(1.0)]), Ok(-3.0));
        assert_eq!(floor_math(&[n(-2.5)]), Ok(-3.0));
        assert_eq!(floor_math(&[n(-2.5), n(1.0), n(1.0)]), Ok(-2.0));
    }

    #[test]
    fn sums() {
        let arr = |data: Vec<Value>| {
            Arg::Array(Array {
                rows: data.len() as u32,
                cols: 1,
                data,
            })
        };
        let a = arr(vec![Value::Number(1.0), Value::Number(2.0)]);
        let b = arr(vec![Value::Number(3.0), Value::text("x")]);
        assert_eq!(sumproduct(&[a.clone(), b]), Ok(3.0));
        assert_eq!(sumproduct(&[a.clone(), n(1.0)]), fail(ErrorKind::Value));
        assert_eq!(
            sum(&[Arg::Value(Value::text("3")), Arg::Value(Value::Bool(true))]),
            Ok(4.0)
        );
        assert_eq!(product(&[arr(vec![])]), Ok(0.0));
    }
}
