//! Whole-number arithmetic: factorials and combinations, divisors, even/odd
//! rounding, multiples, number bases and Roman numerals, sums of squares.
//!
//! As in Excel, arguments that must be whole numbers are truncated toward
//! zero (`FACT(5.9)` is 120, `COMBIN(8.7, 2.9)` is 28); negative or too large
//! inputs and results that overflow are `#NUM!`. `GCD`, `LCM` and
//! `MULTINOMIAL` take ranges, in which blanks are skipped but text and
//! booleans are `#VALUE!` (Excel's analysis functions do not skip them).

use crate::engine::coerce::{round_to_15_digits, to_number};
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{
    Sum, fail, num_arg, number_pairs, opt_num_arg, scalar, text_arg, values_of,
};
use crate::engine::value::{CellError, ErrorKind, Value};

/// 2^53: the integers from here on are no longer all representable, and
/// Excel's `GCD`, `LCM` and `BASE` refuse them.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// `x`, or `#NUM!` if it is not finite (overflow, NaN).
fn finite(x: f64) -> Result<f64, CellError> {
    if x.is_finite() {
        Ok(x)
    } else {
        fail(ErrorKind::Num)
    }
}

/// `x` with a negative zero made positive, so that no `-0` is shown.
fn no_negative_zero(x: f64) -> f64 {
    x + 0.0
}

/// `x` truncated toward zero; `#NUM!` if negative (before truncation, so
/// `FACT(-0.5)` fails as in Excel) or not finite.
fn non_negative_whole(x: f64) -> Result<f64, CellError> {
    if !x.is_finite() || x < 0.0 {
        return fail(ErrorKind::Num);
    }
    Ok(x.trunc())
}

/// Argument `i` as a non-negative whole number (see [`non_negative_whole`]).
fn whole_arg(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    non_negative_whole(num_arg(args, i)?)
}

/// The binomial coefficient C(n, k) of whole numbers with 0 ≤ k ≤ n,
/// exact while it stays below 2^53, infinite on overflow.
fn binomial(n: f64, k: f64) -> f64 {
    let k = k.min(n - k);
    let mut result = 1.0_f64;
    let mut i = 1.0_f64;
    // Each factor (n - k + i) / i is at least 2, so an overflow ends the
    // loop after at most about a thousand steps whatever n and k are.
    while i <= k && result.is_finite() {
        let factor = n - k + i;
        result = if result < EXACT_LIMIT && factor < EXACT_LIMIT {
            // C(n - k + i, i) = C(n - k + i - 1, i - 1) · (n - k + i) / i,
            // exactly divisible.
            ((result as u128 * factor as u128) / i as u128) as f64
        } else {
            result * (factor / i)
        };
        i += 1.0;
    }
    result
}

/// `n!` for a whole `n` (infinite beyond 170).
fn factorial(n: f64) -> f64 {
    if n > 170.0 {
        return f64::INFINITY;
    }
    (2..=n as u32).fold(1.0, |acc, i| acc * f64::from(i))
}

/// The numbers of `GCD`, `LCM` and `MULTINOMIAL`: direct values are
/// converted (numeric text too, booleans are `#VALUE!`), blanks in ranges
/// are skipped, text and booleans in ranges are `#VALUE!`, and the first
/// error met is returned.
fn integer_list(args: &[Arg<'_>]) -> Result<Vec<f64>, CellError> {
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Arg::Value(Value::Bool(_)) => return fail(ErrorKind::Value),
            Arg::Value(v) => out.push(to_number(v)?),
            _ => {
                let mut problem: Option<CellError> = None;
                arg.for_each_non_blank(|v| {
                    if problem.is_some() {
                        return;
                    }
                    match v {
                        Value::Number(n) => out.push(*n),
                        Value::Empty => {}
                        Value::Error(e) => problem = Some(e.clone()),
                        Value::Text(_) | Value::Bool(_) => {
                            problem = Some(CellError::new(ErrorKind::Value));
                        }
                    }
                });
                if let Some(e) = problem {
                    return Err(e);
                }
            }
        }
    }
    Ok(out)
}

/// The values of [`integer_list`] truncated, `#NUM!` if any is negative or
/// 2^53 or more.
fn divisor_operands(args: &[Arg<'_>]) -> Result<Vec<u64>, CellError> {
    integer_list(args)?
        .into_iter()
        .map(|x| {
            let w = non_negative_whole(x)?;
            if w >= EXACT_LIMIT {
                return fail(ErrorKind::Num);
            }
            Ok(w as u64)
        })
        .collect()
}

/// Greatest common divisor (Euclid); `gcd(0, b)` is `b`.
fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `EVEN(number)`: rounded away from zero to the nearest even integer.
pub fn even(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let m = (x.abs() / 2.0).ceil() * 2.0;
    finite(if x < 0.0 { -m } else { m })
}

/// `ODD(number)`: rounded away from zero to the nearest odd integer
/// (`ODD(0)` is 1).
pub fn odd(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let mut m = x.abs().ceil();
    if m % 2.0 == 0.0 {
        m += 1.0;
    }
    finite(if x < 0.0 { -m } else { m })
}

/// `FACT(number)`: the factorial of the truncated number; `#NUM!` if
/// negative or above 170 (the result would overflow).
pub fn fact(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(factorial(whole_arg(args, 0)?))
}

/// `FACTDOUBLE(number)`: the double factorial n·(n−2)·(n−4)·…, 1 for 0;
/// `#NUM!` if negative or above 300 (overflow).
pub fn factdouble(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let n = whole_arg(args, 0)?;
    if n > 300.0 {
        return fail(ErrorKind::Num);
    }
    let mut result = 1.0;
    let mut k = n;
    while k > 1.0 {
        result *= k;
        k -= 2.0;
    }
    finite(result)
}

/// `COMBIN(number, number_chosen)`: the number of ways to choose
/// `number_chosen` of `number` items; `#NUM!` if either is negative or
/// `number < number_chosen`.
pub fn combin(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let n = whole_arg(args, 0)?;
    let k = whole_arg(args, 1)?;
    if k > n {
        return fail(ErrorKind::Num);
    }
    finite(binomial(n, k))
}

/// `COMBINA(number, number_chosen)`: combinations with repetitions,
/// C(n + k − 1, k); `#NUM!` if either is negative or `number <
/// number_chosen` (Excel's documented constraints). `COMBINA(n, 0)` is 1
/// but `COMBINA(0, 0)` is 0, as in LibreOffice.
pub fn combina(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let n = whole_arg(args, 0)?;
    let k = whole_arg(args, 1)?;
    if n == 0.0 && k == 0.0 {
        return Ok(0.0);
    }
    if k == 0.0 {
        return Ok(1.0);
    }
    if k > n {
        return fail(ErrorKind::Num);
    }
    finite(binomial(n + k - 1.0, k))
}

/// `PERMUT(number, number_chosen)`: ordered selections, n!/(n−k)!;
/// `#NUM!` if `number` ≤ 0, `number_chosen` < 0 or `number <
/// number_chosen` (Excel; so `PERMUT(0, 0)` is `#NUM!`).
pub fn permut(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let n = whole_arg(args, 0)?;
    let k = whole_arg(args, 1)?;
    if n <= 0.0 || k > n {
        return fail(ErrorKind::Num);
    }
    let mut result = 1.0_f64;
    let mut i = 0.0;
    // Factors from n down: an overflow comes within 171 steps.
    while i < k && result.is_finite() {
        result *= n - i;
        i += 1.0;
    }
    finite(result)
}

/// `PERMUTATIONA(number, number_chosen)`: ordered selections with
/// repetitions, n^k; `#NUM!` if either is negative.
pub fn permutationa(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let n = whole_arg(args, 0)?;
    let k = whole_arg(args, 1)?;
    finite(n.powf(k))
}

/// `GCD(number1, [number2], …)`: the greatest common divisor of the
/// truncated numbers (ranges allowed); 0 if all are 0; `#NUM!` for a
/// negative number or one of 2^53 or more.
pub fn gcd(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let numbers = divisor_operands(args)?;
    Ok(numbers.into_iter().fold(0, gcd_u64) as f64)
}

/// `LCM(number1, [number2], …)`: the least common multiple of the
/// truncated numbers (ranges allowed); 0 if any is 0; `#NUM!` for a
/// negative number, or if the result is 2^53 or more.
pub fn lcm(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let numbers = divisor_operands(args)?;
    if numbers.contains(&0) {
        return Ok(0.0);
    }
    let mut acc: u64 = 1;
    for b in numbers {
        // acc and b are below 2^53, so the product fits in a u128.
        let next = u128::from(acc / gcd_u64(acc, b)) * u128::from(b);
        if next >= 1 << 53 {
            return fail(ErrorKind::Num);
        }
        acc = next as u64;
    }
    Ok(acc as f64)
}

/// `MULTINOMIAL(number1, [number2], …)`: (Σnᵢ)! / Πnᵢ! of the truncated
/// numbers (ranges allowed); `#NUM!` for a negative number or on overflow.
pub fn multinomial(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let numbers = integer_list(args)?
        .into_iter()
        .map(non_negative_whole)
        .collect::<Result<Vec<f64>, CellError>>()?;
    // A product of binomials: C(a, a)·C(a+b, b)·C(a+b+c, c)…
    let mut total = 0.0;
    let mut result = 1.0;
    for n in numbers {
        total += n;
        result *= binomial(total, n);
        if !result.is_finite() {
            return fail(ErrorKind::Num);
        }
    }
    Ok(result)
}

/// `MROUND(number, multiple)`: the nearest multiple (halves away from
/// zero, judged at 15 significant digits so that `MROUND(6.05, 0.1)` is 6.1);
/// 0 for a zero multiple; `#NUM!` if the signs differ.
pub fn mround(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let m = num_arg(args, 1)?;
    if m == 0.0 || x == 0.0 {
        return Ok(0.0);
    }
    if (x < 0.0) != (m < 0.0) {
        return fail(ErrorKind::Num);
    }
    let q = round_to_15_digits(x / m).round();
    finite(no_negative_zero(round_to_15_digits(q * m)))
}

/// Shared body of `CEILING.PRECISE`/`ISO.CEILING` and `FLOOR.PRECISE`: the
/// sign of the significance is ignored and numbers round toward +∞ (`up`)
/// or −∞ whatever their sign; a zero significance gives 0.
fn precise(args: &[Arg<'_>], up: bool) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let sig = opt_num_arg(args, 1, 1.0)?.abs();
    if x == 0.0 || sig == 0.0 {
        return Ok(0.0);
    }
    let q = round_to_15_digits(x / sig);
    let q = if up { q.ceil() } else { q.floor() };
    finite(no_negative_zero(round_to_15_digits(q * sig)))
}

/// `CEILING.PRECISE(number, [significance])`: rounds up (toward +∞) to a
/// multiple of |significance|.
pub fn ceiling_precise(args: &[Arg<'_>]) -> Result<f64, CellError> {
    precise(args, true)
}

/// `ISO.CEILING(number, [significance])`: the same as `CEILING.PRECISE`.
pub fn iso_ceiling(args: &[Arg<'_>]) -> Result<f64, CellError> {
    precise(args, true)
}

/// `FLOOR.PRECISE(number, [significance])`: rounds down (toward −∞) to a
/// multiple of |significance|.
pub fn floor_precise(args: &[Arg<'_>]) -> Result<f64, CellError> {
    precise(args, false)
}

/// Shared body of `SUMX2MY2`, `SUMX2PY2`, `SUMXMY2`: the sum of `f(x, y)`
/// over the pairs of cells at the same position of two equally sized
/// arrays (taken row by row) where both are numbers; errors propagate;
/// arrays with different numbers of values are `#N/A`.
fn sum_pairs(args: &[Arg<'_>], f: impl Fn(f64, f64) -> f64) -> Result<f64, CellError> {
    let (Some(a), Some(b)) = (args.first(), args.get(1)) else {
        return fail(ErrorKind::Value);
    };
    let mut total = Sum::default();
    for (x, y) in number_pairs(a, b)? {
        total.add(f(x, y));
    }
    finite(total.total())
}

/// `SUMX2MY2(array_x, array_y)`: Σ(x² − y²).
pub fn sumx2my2(args: &[Arg<'_>]) -> Result<f64, CellError> {
    sum_pairs(args, |x, y| x * x - y * y)
}

/// `SUMX2PY2(array_x, array_y)`: Σ(x² + y²).
pub fn sumx2py2(args: &[Arg<'_>]) -> Result<f64, CellError> {
    sum_pairs(args, |x, y| x * x + y * y)
}

/// `SUMXMY2(array_x, array_y)`: Σ(x − y)².
pub fn sumxmy2(args: &[Arg<'_>]) -> Result<f64, CellError> {
    sum_pairs(args, |x, y| (x - y) * (x - y))
}

/// `SERIESSUM(x, n, m, coefficients)`: Σ aᵢ·x^(n + i·m) over the
/// coefficients (row by row, blanks counting as 0; text or booleans among
/// them are `#VALUE!`). With x = 0 the sum is 0, except that n = 0 too
/// (0⁰) is `#NUM!`, as in Excel and LibreOffice.
pub fn seriessum(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let n = num_arg(args, 1)?;
    let m = num_arg(args, 2)?;
    let coefficients: Vec<f64> = match args.get(3) {
        None => return fail(ErrorKind::Value),
        Some(Arg::Value(v)) => vec![to_number(v)?],
        Some(arg) => values_of(arg)
            .iter()
            .map(|v| match v {
                Value::Number(a) => Ok(*a),
                Value::Empty => Ok(0.0),
                Value::Error(e) => Err(e.clone()),
                Value::Text(_) | Value::Bool(_) => fail(ErrorKind::Value),
            })
            .collect::<Result<_, _>>()?,
    };
    if x == 0.0 {
        return if n == 0.0 {
            fail(ErrorKind::Num)
        } else {
            Ok(0.0)
        };
    }
    let mut total = Sum::default();
    let mut power = n;
    for a in coefficients {
        total.add(a * x.powf(power));
        power += m;
    }
    finite(total.total())
}

/// `BASE(number, radix, [min_length])`: the truncated number written in
/// base `radix` (2–36, digits 0–9 then A–Z), padded with zeros to
/// `min_length`; `#NUM!` if the number is negative or 2^53 or more, the
/// radix is outside 2–36 or `min_length` outside 0–255.
pub fn base(args: &[Arg<'_>]) -> Result<String, CellError> {
    let x = num_arg(args, 0)?;
    let radix = num_arg(args, 1)?.trunc();
    let min_length = opt_num_arg(args, 2, 0.0)?.trunc();
    if !(0.0..EXACT_LIMIT).contains(&x) {
        return fail(ErrorKind::Num);
    }
    if !(2.0..=36.0).contains(&radix) || !(0.0..=255.0).contains(&min_length) {
        return fail(ErrorKind::Num);
    }
    let radix = radix as u64;
    let mut n = x.trunc() as u64;
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit((n % radix) as u32, radix as u32).unwrap_or('0'));
        n /= radix;
        if n == 0 {
            break;
        }
    }
    while digits.len() < min_length as usize {
        digits.push('0');
    }
    Ok(digits.iter().rev().map(char::to_ascii_uppercase).collect())
}

/// `DECIMAL(text, radix)`: the number that `text` writes in base `radix`
/// (2–36, letters in any case); `#NUM!` for a radix outside 2–36 or a
/// character that is not a digit of the radix, `#VALUE!` for text longer
/// than 255 characters. The empty text is 0.
pub fn decimal(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let text = text_arg(args, 0)?;
    let radix = num_arg(args, 1)?.trunc();
    if !(2.0..=36.0).contains(&radix) {
        return fail(ErrorKind::Num);
    }
    if text.chars().count() > 255 {
        return fail(ErrorKind::Value);
    }
    let mut value = 0.0;
    for c in text.chars() {
        match c.to_digit(36) {
            Some(d) if f64::from(d) < radix => value = value * radix + f64::from(d),
            _ => return fail(ErrorKind::Num),
        }
    }
    finite(value)
}

/// The value of one Roman digit (any case).
fn roman_digit(c: char) -> Option<i64> {
    Some(match c.to_ascii_uppercase() {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        'M' => 1000,
        _ => return None,
    })
}

/// `ARABIC(text)`: the value of a Roman numeral, read leniently as Excel
/// does (a digit smaller than the next is subtracted, so "MXMVII" is 1997);
/// case and surrounding spaces are ignored, a leading minus negates, the
/// empty text is 0; anything else, or more than 255 characters, is `#VALUE!`.
pub fn arabic(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let text = text_arg(args, 0)?;
    if text.chars().count() > 255 {
        return fail(ErrorKind::Value);
    }
    let trimmed = text.trim_matches(' ');
    if trimmed.is_empty() {
        return Ok(0.0);
    }
    let (negative, numeral) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let digits = numeral
        .chars()
        .map(roman_digit)
        .collect::<Option<Vec<i64>>>()
        .filter(|d| !d.is_empty())
        .ok_or_else(|| CellError::new(ErrorKind::Value))?;
    let mut total = 0;
    for (i, &d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|&next| d < next) {
            total -= d;
        } else {
            total += d;
        }
    }
    let total = total as f64;
    Ok(if negative { -total } else { total })
}

/// The Roman numeral of `n` (0–3999) in Excel's `form` 0 (classic) to 4
/// (most concise): the higher forms let a subtracted digit reach further
/// (499 is CDXCIX, LDVLIV, XDIX, VDIV, ID); 0 is the empty text.
fn roman_numeral(mut n: u32, form: u32) -> String {
    const CHARS: [char; 7] = ['M', 'D', 'C', 'L', 'X', 'V', 'I'];
    const VALUES: [u32; 7] = [1000, 500, 100, 50, 10, 5, 1];
    const LAST: usize = 6;
    let mut out = String::new();
    for i in 0..=LAST / 2 {
        let mut index = 2 * i;
        let digit = n / VALUES[index];
        if digit % 5 == 4 {
            // 4 or 9 of this unit: a subtraction from the next 5 or 10,
            // with a smaller subtrahend for each step of the form.
            let minuend = if digit == 4 { index - 1 } else { index - 2 };
            let mut steps = 0;
            while steps < form && index < LAST {
                steps += 1;
                if VALUES[minuend] - VALUES[index + 1] <= n {
                    index += 1;
                } else {
                    steps = form;
                }
            }
            out.push(CHARS[index]);
            out.push(CHARS[minuend]);
            n = n + VALUES[index] - VALUES[minuend];
        } else {
            if digit > 4 {
                out.push(CHARS[index - 1]);
            }
            for _ in 0..digit % 5 {
                out.push(CHARS[index]);
            }
            n %= VALUES[index];
        }
    }
    out
}

/// `ROMAN(number, [form])`: the truncated number (0–3999, else `#VALUE!`)
/// as a Roman numeral; `form` 0 (or `TRUE`, the default) is the classic
/// numeral, 1–3 more and more concise ones, 4 (or `FALSE`) the most
/// concise, as in Excel; other forms are `#VALUE!`. `ROMAN(0)` is "".
pub fn roman(args: &[Arg<'_>]) -> Result<String, CellError> {
    let x = num_arg(args, 0)?;
    if !(0.0..4000.0).contains(&x) {
        return fail(ErrorKind::Value);
    }
    let form = match scalar(args, 1) {
        Value::Bool(true) => 0.0,
        Value::Bool(false) => 4.0,
        other => to_number(&other)?.trunc(),
    };
    if !(0.0..=4.0).contains(&form) {
        return fail(ErrorKind::Value);
    }
    Ok(roman_numeral(x as u32, form as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::args::Array;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    fn t(s: &str) -> Arg<'static> {
        Arg::Value(Value::text(s))
    }

    fn column(data: Vec<Value>) -> Arg<'static> {
        Arg::Array(Array {
            rows: data.len() as u32,
            cols: 1,
            data,
        })
    }

    fn numbers(xs: &[f64]) -> Arg<'static> {
        column(xs.iter().map(|&x| Value::Number(x)).collect())
    }

    #[test]
    fn even_and_odd() {
        let e = |x| even(&[n(x)]);
        assert_eq!(e(1.5), Ok(2.0));
        assert_eq!(e(3.0), Ok(4.0));
        assert_eq!(e(2.0), Ok(2.0));
        assert_eq!(e(-1.0), Ok(-2.0));
        assert_eq!(e(0.0), Ok(0.0));
        let o = |x| odd(&[n(x)]);
        assert_eq!(o(1.5), Ok(3.0));
        assert_eq!(o(3.0), Ok(3.0));
        assert_eq!(o(2.0), Ok(3.0));
        assert_eq!(o(-1.0), Ok(-1.0));
        assert_eq!(o(-2.0), Ok(-3.0));
        assert_eq!(o(0.0), Ok(1.0));
        assert_eq!(even(&[t("x")]), fail(ErrorKind::Value));
    }

    #[test]
    fn factorials() {
        assert_eq!(fact(&[n(5.0)]), Ok(120.0));
        assert_eq!(fact(&[n(5.9)]), Ok(120.0));
        assert_eq!(fact(&[n(0.0)]), Ok(1.0));
        assert_eq!(fact(&[n(1.0)]), Ok(1.0));
        assert_eq!(fact(&[n(-1.0)]), fail(ErrorKind::Num));
        assert_eq!(fact(&[n(171.0)]), fail(ErrorKind::Num));
        let f170 = fact(&[n(170.0)]).unwrap();
        assert!((f170 / 7.257_415_615_307_999e306 - 1.0).abs() < 1e-13);
        assert_eq!(factdouble(&[n(6.0)]), Ok(48.0));
        assert_eq!(factdouble(&[n(7.0)]), Ok(105.0));
        assert_eq!(factdouble(&[n(0.0)]), Ok(1.0));
        assert_eq!(factdouble(&[n(1.0)]), Ok(1.0));
        assert_eq!(factdouble(&[n(-1.0)]), fail(ErrorKind::Num));
        assert!(factdouble(&[n(300.0)]).is_ok());
        assert_eq!(factdouble(&[n(301.0)]), fail(ErrorKind::Num));
        assert_eq!(factdouble(&[n(1e308)]), fail(ErrorKind::Num));
    }

    #[test]
    fn combinations_and_permutations() {
        let c = |a, b| combin(&[n(a), n(b)]);
        assert_eq!(c(8.0, 2.0), Ok(28.0));
        assert_eq!(c(8.7, 2.9), Ok(28.0));
        assert_eq!(c(0.0, 0.0), Ok(1.0));
        assert_eq!(c(5.0, 5.0), Ok(1.0));
        assert_eq!(c(60.0, 30.0), Ok(118_264_581_564_861_424.0));
        assert_eq!(c(2.0, 3.0), fail(ErrorKind::Num));
        assert_eq!(c(-1.0, 0.0), fail(ErrorKind::Num));
        assert_eq!(c(5.0, -1.0), fail(ErrorKind::Num));
        assert_eq!(c(1030.0, 515.0), fail(ErrorKind::Num));
        assert_eq!(c(1e15, 1e15 - 1.0), Ok(1e15));
        assert_eq!(c(1e308, 5e307), fail(ErrorKind::Num));
        let ca = |a, b| combina(&[n(a), n(b)]);
        assert_eq!(ca(4.0, 3.0), Ok(20.0));
        assert_eq!(ca(10.0, 3.0), Ok(220.0));
        assert_eq!(ca(5.0, 0.0), Ok(1.0));
        assert_eq!(ca(0.0, 0.0), Ok(0.0));
        assert_eq!(ca(2.0, 3.0), fail(ErrorKind::Num));
        assert_eq!(ca(-1.0, 1.0), fail(ErrorKind::Num));
        let p = |a, b| permut(&[n(a), n(b)]);
        assert_eq!(p(100.0, 3.0), Ok(970_200.0));
        assert_eq!(p(3.0, 2.0), Ok(6.0));
        assert_eq!(p(5.0, 0.0), Ok(1.0));
        assert_eq!(p(0.0, 0.0), fail(ErrorKind::Num));
        assert_eq!(p(3.0, 4.0), fail(ErrorKind::Num));
        assert_eq!(p(1000.0, 500.0), fail(ErrorKind::Num));
        let pa = |a, b| permutationa(&[n(a), n(b)]);
        assert_eq!(pa(3.0, 2.0), Ok(9.0));
        assert_eq!(pa(2.0, 2.5), Ok(4.0));
        assert_eq!(pa(0.0, 0.0), Ok(1.0));
        assert_eq!(pa(-1.0, 2.0), fail(ErrorKind::Num));
        assert_eq!(pa(10.0, 400.0), fail(ErrorKind::Num));
    }

    #[test]
    fn divisors() {
        assert_eq!(gcd(&[n(5.0), n(2.0)]), Ok(1.0));
        assert_eq!(gcd(&[n(24.0), n(36.0)]), Ok(12.0));
        assert_eq!(gcd(&[n(24.5), n(36.3)]), Ok(12.0));
        assert_eq!(gcd(&[n(5.0), n(0.0)]), Ok(5.0));
        assert_eq!(gcd(&[n(0.0)]), Ok(0.0));
        assert_eq!(gcd(&[t("12"), n(8.0)]), Ok(4.0));
        assert_eq!(gcd(&[n(-4.0)]), fail(ErrorKind::Num));
        assert_eq!(gcd(&[n(EXACT_LIMIT)]), fail(ErrorKind::Num));
        assert_eq!(
            gcd(&[Arg::Value(Value::Bool(true))]),
            fail(ErrorKind::Value)
        );
        assert_eq!(gcd(&[numbers(&[10.0, 20.0, 30.0])]), Ok(10.0));
        let with_blank = column(vec![Value::Number(6.0), Value::Empty, Value::Number(9.0)]);
        assert_eq!(gcd(std::slice::from_ref(&with_blank)), Ok(3.0));
        assert_eq!(lcm(&[with_blank]), Ok(18.0));
        let with_text = column(vec![Value::Number(6.0), Value::text("a")]);
        assert_eq!(
            gcd(std::slice::from_ref(&with_text)),
            fail(ErrorKind::Value)
        );
        assert_eq!(lcm(&[with_text]), fail(ErrorKind::Value));
        let with_error = column(vec![Value::Number(6.0), Value::error(ErrorKind::Div0)]);
        assert_eq!(gcd(&[with_error]), fail(ErrorKind::Div0));
        assert_eq!(lcm(&[n(5.0), n(2.0)]), Ok(10.0));
        assert_eq!(lcm(&[n(24.0), n(36.0)]), Ok(72.0));
        assert_eq!(lcm(&[n(3.0), n(0.0)]), Ok(0.0));
        assert_eq!(lcm(&[n(-3.0), n(0.0)]), fail(ErrorKind::Num));
        assert_eq!(
            lcm(&[n(4_294_967_296.0), n(4_294_967_295.0)]),
            fail(ErrorKind::Num)
        );
        assert_eq!(lcm(&[numbers(&[10.0, 20.0, 30.0, 5.0])]), Ok(60.0));
    }

    #[test]
    fn multinomials() {
        assert_eq!(multinomial(&[n(2.0), n(3.0), n(4.0)]), Ok(1260.0));
        assert_eq!(multinomial(&[n(2.9), n(3.0)]), Ok(10.0));
        assert_eq!(multinomial(&[n(0.0)]), Ok(1.0));
        assert_eq!(multinomial(&[numbers(&[1.0, 1.0, 1.0])]), Ok(6.0));
        assert_eq!(multinomial(&[n(1.0), n(-1.0)]), fail(ErrorKind::Num));
        assert_eq!(multinomial(&[n(1000.0), n(1000.0)]), fail(ErrorKind::Num));
        assert_eq!(multinomial(&[t("a")]), fail(ErrorKind::Value));
    }

    #[test]
    fn multiples() {
        let m = |a, b| mround(&[n(a), n(b)]);
        assert_eq!(m(10.0, 3.0), Ok(9.0));
        assert_eq!(m(-10.0, -3.0), Ok(-9.0));
        assert_eq!(m(1.3, 0.2), Ok(1.4));
        assert_eq!(m(6.05, 0.1), Ok(6.1));
        assert_eq!(m(7.5, 5.0), Ok(10.0));
        assert_eq!(m(-5.0, -2.0), Ok(-6.0));
        assert_eq!(m(5.0, -2.0), fail(ErrorKind::Num));
        assert_eq!(m(5.0, 0.0), Ok(0.0));
        assert_eq!(m(0.0, -2.0), Ok(0.0));
        let c = |a, b| ceiling_precise(&[n(a), n(b)]);
        assert_eq!(c(4.3, 1.0), Ok(5.0));
        assert_eq!(c(-4.3, 1.0), Ok(-4.0));
        assert_eq!(c(4.3, -2.0), Ok(6.0));
        assert_eq!(c(-4.3, -2.0), Ok(-4.0));
        assert_eq!(c(4.3, 0.0), Ok(0.0));
        assert_eq!(c(0.25, 0.1), Ok(0.3));
        assert_eq!(ceiling_precise(&[n(4.3)]), Ok(5.0));
        assert_eq!(ceiling_precise(&[n(-0.5)]).map(f64::to_bits), Ok(0));
        assert_eq!(iso_ceiling(&[n(-4.3), n(2.0)]), Ok(-4.0));
        assert_eq!(iso_ceiling(&[n(1.5), n(0.1)]), Ok(1.5));
        let f = |a, b| floor_precise(&[n(a), n(b)]);
        assert_eq!(f(-3.2, -1.0), Ok(-4.0));
        assert_eq!(f(3.2, 1.0), Ok(3.0));
        assert_eq!(f(-3.2, 1.0), Ok(-4.0));
        assert_eq!(f(3.2, -1.0), Ok(3.0));
        assert_eq!(f(0.3, 0.1), Ok(0.3));
        assert_eq!(floor_precise(&[n(3.2)]), Ok(3.0));
        assert_eq!(f(3.2, 0.0), Ok(0.0));
    }

    #[test]
    fn sums_of_squares() {
        let x = numbers(&[2.0, 3.0, 9.0, 1.0, 8.0, 7.0, 5.0]);
        let y = numbers(&[6.0, 5.0, 11.0, 7.0, 5.0, 4.0, 4.0]);
        assert_eq!(sumx2my2(&[x.clone(), y.clone()]), Ok(-55.0));
        assert_eq!(sumx2py2(&[x.clone(), y.clone()]), Ok(521.0));
        assert_eq!(sumxmy2(&[x.clone(), y.clone()]), Ok(79.0));
        let short = numbers(&[1.0, 2.0]);
        assert_eq!(sumxmy2(&[x, short]), fail(ErrorKind::NA));
        let mixed = column(vec![Value::Number(1.0), Value::text("a"), Value::Empty]);
        let other = numbers(&[3.0, 4.0, 5.0]);
        assert_eq!(sumx2py2(&[mixed, other.clone()]), Ok(10.0));
        let bad = column(vec![
            Value::Number(1.0),
            Value::error(ErrorKind::Div0),
            Value::Empty,
        ]);
        assert_eq!(sumxmy2(&[other, bad]), fail(ErrorKind::Div0));
        assert_eq!(sumxmy2(&[n(3.0), n(1.0)]), Ok(4.0));
    }

    #[test]
    fn series() {
        let coefficients = numbers(&[1.0, -0.5, 1.0 / 24.0, -1.0 / 720.0]);
        let x = std::f64::consts::PI / 4.0;
        let s = seriessum(&[n(x), n(0.0), n(2.0), coefficients.clone()]).unwrap();
        assert!((s - 0.707_103_214_822_845_7).abs() < 1e-12, "{s}");
        assert_eq!(
            seriessum(&[n(2.0), n(1.0), n(1.0), numbers(&[1.0, 1.0])]),
            Ok(6.0)
        );
        assert_eq!(seriessum(&[n(2.0), n(1.0), n(1.0), n(3.0)]), Ok(6.0));
        let blank = column(vec![Value::Empty, Value::Number(1.0)]);
        assert_eq!(seriessum(&[n(2.0), n(1.0), n(1.0), blank]), Ok(4.0));
        assert_eq!(
            seriessum(&[n(0.0), n(0.0), n(1.0), coefficients.clone()]),
            fail(ErrorKind::Num)
        );
        assert_eq!(seriessum(&[n(0.0), n(1.0), n(1.0), coefficients]), Ok(0.0));
        let text = column(vec![Value::text("a")]);
        assert_eq!(
            seriessum(&[n(2.0), n(1.0), n(1.0), text]),
            fail(ErrorKind::Value)
        );
    }

    #[test]
    fn bases() {
        let b = |x, r| base(&[n(x), n(r)]);
        assert_eq!(b(7.0, 2.0), Ok("111".to_string()));
        assert_eq!(b(100.0, 16.0), Ok("64".to_string()));
        assert_eq!(b(255.9, 16.0), Ok("FF".to_string()));
        assert_eq!(b(0.0, 2.0), Ok("0".to_string()));
        assert_eq!(b(35.0, 36.0), Ok("Z".to_string()));
        assert_eq!(b(EXACT_LIMIT - 1.0, 36.0), Ok("2GOSA7PA2GV".to_string()));
        assert_eq!(
            base(&[n(15.0), n(2.0), n(10.0)]),
            Ok("0000001111".to_string())
        );
        assert_eq!(b(-1.0, 2.0), fail(ErrorKind::Num));
        assert_eq!(b(EXACT_LIMIT, 2.0), fail(ErrorKind::Num));
        assert_eq!(b(10.0, 1.0), fail(ErrorKind::Num));
        assert_eq!(b(10.0, 37.0), fail(ErrorKind::Num));
        assert_eq!(base(&[n(1.0), n(2.0), n(256.0)]), fail(ErrorKind::Num));
        let d = |s, r| decimal(&[t(s), n(r)]);
        assert_eq!(d("FF", 16.0), Ok(255.0));
        assert_eq!(d("ff", 16.0), Ok(255.0));
        assert_eq!(d("111", 2.0), Ok(7.0));
        assert_eq!(d("zap", 36.0), Ok(45745.0));
        assert_eq!(d("", 10.0), Ok(0.0));
        assert_eq!(d("12", 2.0), fail(ErrorKind::Num));
        assert_eq!(d("1 0", 2.0), fail(ErrorKind::Num));
        assert_eq!(d("10", 37.0), fail(ErrorKind::Num));
        assert_eq!(decimal(&[n(101.0), n(2.0)]), Ok(5.0));
        assert_eq!(
            decimal(&[t(&"1".repeat(256)), n(2.0)]),
            fail(ErrorKind::Value)
        );
    }

    #[test]
    fn roman_numerals() {
        let r = |x, form| roman(&[n(x), n(form)]);
        assert_eq!(roman(&[n(499.0)]), Ok("CDXCIX".to_string()));
        assert_eq!(r(499.0, 1.0), Ok("LDVLIV".to_string()));
        assert_eq!(r(499.0, 2.0), Ok("XDIX".to_string()));
        assert_eq!(r(499.0, 3.0), Ok("VDIV".to_string()));
        assert_eq!(r(499.0, 4.0), Ok("ID".to_string()));
        assert_eq!(roman(&[n(2013.0)]), Ok("MMXIII".to_string()));
        assert_eq!(roman(&[n(3999.0)]), Ok("MMMCMXCIX".to_string()));
        assert_eq!(roman(&[n(1994.9)]), Ok("MCMXCIV".to_string()));
        assert_eq!(roman(&[n(0.0)]), Ok(String::new()));
        assert_eq!(
            roman(&[n(499.0), Arg::Value(Value::Bool(false))]),
            Ok("ID".to_string())
        );
        assert_eq!(
            roman(&[n(499.0), Arg::Value(Value::Bool(true))]),
            Ok("CDXCIX".to_string())
        );
        assert_eq!(roman(&[n(4000.0)]), fail(ErrorKind::Value));
        assert_eq!(roman(&[n(-1.0)]), fail(ErrorKind::Value));
        assert_eq!(r(10.0, 5.0), fail(ErrorKind::Value));
        // Every form reads back as the number.
        for x in 0..4000 {
            for form in 0..=4 {
                let s = roman_numeral(x, form);
                assert_eq!(arabic(&[t(&s)]), Ok(f64::from(x)), "{x} {form} {s}");
            }
        }
    }

    #[test]
    fn arabic_numerals() {
        let a = |s| arabic(&[t(s)]);
        assert_eq!(a("LVII"), Ok(57.0));
        assert_eq!(a("mcmxii"), Ok(1912.0));
        assert_eq!(a("MXMVII"), Ok(1997.0));
        assert_eq!(a("-MMXI"), Ok(-2011.0));
        assert_eq!(a("  XIV "), Ok(14.0));
        assert_eq!(a(""), Ok(0.0));
        assert_eq!(a("MMMMM"), Ok(5000.0));
        assert_eq!(a("ABC"), fail(ErrorKind::Value));
        assert_eq!(a("-"), fail(ErrorKind::Value));
        assert_eq!(a("X I"), fail(ErrorKind::Value));
        assert_eq!(arabic(&[n(5.0)]), fail(ErrorKind::Value));
        assert_eq!(arabic(&[t(&"M".repeat(256))]), fail(ErrorKind::Value));
        assert_eq!(arabic(&[t(&"M".repeat(255))]), Ok(255_000.0));
    }

    #[test]
    fn total_on_odd_arguments() {
        type F = fn(&[Arg<'_>]) -> Result<f64, CellError>;
        let numeric: [F; 23] = [
            even,
            odd,
            fact,
            factdouble,
            combin,
            combina,
            permut,
            permutationa,
            gcd,
            lcm,
            multinomial,
            mround,
            ceiling_precise,
            iso_ceiling,
            floor_precise,
            sumx2my2,
            sumx2py2,
            sumxmy2,
            seriessum,
            decimal,
            arabic,
            |a| base(a).map(|_| 0.0),
            |a| roman(a).map(|_| 0.0),
        ];
        let odd_values = [
            Value::Empty,
            Value::Number(0.0),
            Value::Number(-1.0),
            Value::Number(1e308),
            Value::Number(-1e308),
            Value::Number(f64::NAN),
            Value::Number(4_294_967_296.5),
            Value::Number(EXACT_LIMIT),
            Value::text(""),
            Value::text("abc"),
            Value::Bool(true),
            Value::error(ErrorKind::NA),
        ];
        for f in numeric {
            for a in &odd_values {
                for b in &odd_values {
                    for count in 1..=4 {
                        let args: Vec<Arg<'_>> = (0..count)
                            .map(|i| Arg::Value(if i == 0 { a.clone() } else { b.clone() }))
                            .collect();
                        let _ = f(&args);
                        let mut with_array = args.clone();
                        with_array[0] = column(odd_values.to_vec());
                        let _ = f(&with_array);
                    }
                }
            }
        }
    }
}
