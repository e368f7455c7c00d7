//! Descriptive statistics beyond the basics: deviations, means, shape,
//! covariance, ranks and the A-variants that count text and booleans.
//!
//! - deviations and means: `AVEDEV`, `DEVSQ`, `GEOMEAN`, `HARMEAN`,
//!   `TRIMMEAN`
//! - shape: `KURT`, `SKEW`, `SKEW.P`
//! - the A-variants `AVERAGEA`, `MAXA`, `MINA`, `STDEVA`, `STDEVPA`, `VARA`,
//!   `VARPA`: in ranges, text counts as 0, TRUE as 1 and FALSE as 0 (blanks
//!   are skipped); given directly, values convert as for `SUM`
//! - pairs of ranges: `COVARIANCE.P`/`COVAR`, `COVARIANCE.S`, `PEARSON`,
//!   `RSQ`, `STEYX` (only pairs where both values are numbers count; ranges
//!   of different sizes are `#N/A`)
//! - ranks: `PERCENTRANK`/`PERCENTRANK.INC`, `PERCENTRANK.EXC`, `RANK.AVG`
//! - `PROB`
//!
//! The other functions take their numbers as `AVERAGE` does
//! ([`aggregate_numbers`]). `stats.rs` keeps its pair reader and moments
//! private, so a small version of each is here.

use crate::engine::coerce::{round_to_15_digits, to_number};
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{aggregate_numbers, fail, num_arg, opt_num_arg, sum_of};
use crate::engine::functions::stats;
use crate::engine::value::{CellError, ErrorKind, Value};

/// `Err(#kind)` unless `ok`.
fn require(ok: bool, kind: ErrorKind) -> Result<(), CellError> {
    if ok { Ok(()) } else { fail(kind) }
}

/// The mean of `xs` (not empty).
fn mean(xs: &[f64]) -> f64 {
    sum_of(xs.iter().copied()) / xs.len() as f64
}

/// The sum of squared deviations of `xs` from their mean.
fn sum_squares(xs: &[f64]) -> f64 {
    let m = mean(xs);
    sum_of(xs.iter().map(|x| (x - m) * (x - m)))
}

// ---------------------------------------------------------------------------
// Deviations and means

/// `AVEDEV(number1, [number2], …)`: the mean absolute deviation from the
/// mean; `#NUM!` without numbers.
pub fn avedev(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let xs = aggregate_numbers(args)?;
    require(!xs.is_empty(), ErrorKind::Num)?;
    let m = mean(&xs);
    Ok(sum_of(xs.iter().map(|x| (x - m).abs())) / xs.len() as f64)
}

/// `DEVSQ(number1, [number2], …)`: the sum of squared deviations from the
/// mean; `#NUM!` without numbers.
pub fn devsq(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let xs = aggregate_numbers(args)?;
    require(!xs.is_empty(), ErrorKind::Num)?;
    Ok(sum_squares(&xs))
}

/// `GEOMEAN(number1, [number2], …)`: the n-th root of the product (through
/// logarithms, so it cannot overflow); `#NUM!` without numbers or with one
/// ≤ 0.
pub fn geomean(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let xs = aggregate_numbers(args)?;
    require(
        !xs.is_empty() && xs.iter().all(|x| *x > 0.0),
        ErrorKind::Num,
    )?;
    Ok((sum_of(xs.iter().map(|x| x.ln())) / xs.len() as f64).exp())
}

/// `HARMEAN(number1, [number2], …)`: n over the sum of reciprocals;
/// `#NUM!` without numbers or with one ≤ 0.
pub fn harmean(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let xs = aggregate_numbers(args)?;
    require(
        !xs.is_empty() && xs.iter().all(|x| *x > 0.0),
        ErrorKind::Num,
    )?;
    Ok(xs.len() as f64 / sum_of(xs.iter().map(|x| 1.0 / x)))
}

/// `TRIMMEAN(array, percent)`: the mean without the `percent` of numbers at
/// the extremes, the count left out rounded down to an even number and
/// taken half from each end; `#NUM!` unless 0 ≤ `percent` < 1, or
/// without numbers.
pub fn trimmean(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut xs = aggregate_numbers(args.get(..1).unwrap_or_default())?;
    let percent = num_arg(args, 1)?;
    require(
        (0.0..1.0).contains(&percent) && !xs.is_empty(),
        ErrorKind::Num,
    )?;
    xs.sort_by(f64::total_cmp);
    let cut = round_to_15_digits(xs.len() as f64 * percent / 2.0).floor() as usize;
    let kept = xs.get(cut..xs.len() - cut).unwrap_or_default();
    require(!kept.is_empty(), ErrorKind::Num)?;
    Ok(mean(kept))
}

// ---------------------------------------------------------------------------
// Shape

/// The numbers' standardized deviations, with the sample (n − 1) or
/// population (n) standard deviation; `#DIV/0!` with fewer than `min`
/// numbers or no spread.
fn standardized(args: &[Arg<'_>], min: usize, sample: bool) -> Result<Vec<f64>, CellError> {
    let xs = aggregate_numbers(args)?;
    require(xs.len() >= min.max(1), ErrorKind::Div0)?;
    let n = xs.len() as f64;
    let m = mean(&xs);
    let sd = (sum_squares(&xs) / if sample { n - 1.0 } else { n }).sqrt();
    require(sd > 0.0, ErrorKind::Div0)?;
    Ok(xs.iter().map(|x| (x - m) / sd).collect())
}

/// `KURT(number1, [number2], …)`: the sample excess kurtosis; `#DIV/0!`
/// with fewer than four numbers or no spread.
pub fn kurt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let zs = standardized(args, 4, true)?;
    let n = zs.len() as f64;
    let fourth = sum_of(zs.iter().map(|z| z.powi(4)));
    Ok(n * (n + 1.0) / ((n - 1.0) * (n - 2.0) * (n - 3.0)) * fourth
        - 3.0 * (n - 1.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0)))
}

/// `SKEW(number1, [number2], …)`: the sample skewness; `#DIV/0!` with fewer
/// than three numbers or no spread.
pub fn skew(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let zs = standardized(args, 3, true)?;
    let n = zs.len() as f64;
    Ok(n / ((n - 1.0) * (n - 2.0)) * sum_of(zs.iter().map(|z| z.powi(3))))
}

/// `SKEW.P(number1, [number2], …)`: the population skewness; `#DIV/0!` with
/// fewer than three numbers or no spread.
pub fn skew_p(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let zs = standardized(args, 3, false)?;
    Ok(sum_of(zs.iter().map(|z| z.powi(3))) / zs.len() as f64)
}

// ---------------------------------------------------------------------------
// The A-variants

/// The values the A-variants take: direct arguments converted as for `SUM`
/// (non-numeric text is `#VALUE!`); in ranges, numbers, booleans as 1/0 and
/// text as 0, blanks skipped. The first error met propagates.
fn a_numbers(args: &[Arg<'_>]) -> Result<Vec<f64>, CellError> {
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Arg::Value(v) => out.push(to_number(v)?),
            _ => {
                let mut first_error = None;
                arg.for_each_non_blank(|v| {
                    if first_error.is_some() {
                        return;
                    }
                    match v {
                        Value::Number(x) => out.push(*x),
                        Value::Bool(b) => out.push(f64::from(u8::from(*b))),
                        Value::Text(_) => out.push(0.0),
                        Value::Empty => {}
                        Value::Error(e) => first_error = Some(e.clone()),
                    }
                });
                if let Some(e) = first_error {
                    return Err(e);
                }
            }
        }
    }
    Ok(out)
}

/// `AVERAGEA(value1, [value2], …)`: `#DIV/0!` without values.
pub fn averagea(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let xs = a_numbers(args)?;
    require(!xs.is_empty(), ErrorKind::Div0)?;
    Ok(mean(&xs))
}

/// `MAXA(value1, [value2], …)`: 0 without values.
pub fn maxa(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(a_numbers(args)?.into_iter().reduce(f64::max).unwrap_or(0.0))
}

/// `MINA(value1, [value2], …)`: 0 without values.
pub fn mina(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(a_numbers(args)?.into_iter().reduce(f64::min).unwrap_or(0.0))
}

/// The variance of the A-values, sample (n − 1) or population (n);
/// `#DIV/0!` with too few values.
fn variance_a(args: &[Arg<'_>], sample: bool) -> Result<f64, CellError> {
    super::stats::variance_of(&a_numbers(args)?, sample)
}

/// `VARA(value1, [value2], …)`: the sample variance of the A-values.
pub fn vara(args: &[Arg<'_>]) -> Result<f64, CellError> {
    variance_a(args, true)
}

/// `VARPA(value1, [value2], …)`: the population variance of the A-values.
pub fn varpa(args: &[Arg<'_>]) -> Result<f64, CellError> {
    variance_a(args, false)
}

/// `STDEVA(value1, [value2], …)`: the sample standard deviation of the
/// A-values.
pub fn stdeva(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(variance_a(args, true)?.sqrt())
}

/// `STDEVPA(value1, [value2], …)`: the population standard deviation of
/// the A-values.
pub fn stdevpa(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(variance_a(args, false)?.sqrt())
}

// ---------------------------------------------------------------------------
// Pairs

/// The pairs of numbers of the first two arguments: a pair counts only if
/// both values are numbers; an error in either propagates; arguments of
/// different sizes are `#N/A`.
fn number_pairs(args: &[Arg<'_>]) -> Result<Vec<(f64, f64)>, CellError> {
    let (Some(a), Some(b)) = (args.first(), args.get(1)) else {
        return fail(ErrorKind::NA);
    };
    crate::engine::functions::helpers::number_pairs(a, b)
}

/// Sums of squares and products about the means: (Sxx, Syy, Sxy).
fn co_moments(pairs: &[(f64, f64)]) -> (f64, f64, f64) {
    let n = pairs.len() as f64;
    let mx = sum_of(pairs.iter().map(|p| p.0)) / n;
    let my = sum_of(pairs.iter().map(|p| p.1)) / n;
    let sxx = sum_of(pairs.iter().map(|p| (p.0 - mx) * (p.0 - mx)));
    let syy = sum_of(pairs.iter().map(|p| (p.1 - my) * (p.1 - my)));
    let sxy = sum_of(pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)));
    (sxx, syy, sxy)
}

/// The covariance of the pairs, sample (n − 1) or population (n);
/// `#DIV/0!` with too few pairs.
fn covariance(args: &[Arg<'_>], sample: bool) -> Result<f64, CellError> {
    let pairs = number_pairs(args)?;
    let dof = if sample {
        pairs.len().saturating_sub(1)
    } else {
        pairs.len()
    };
    require(dof > 0, ErrorKind::Div0)?;
    Ok(co_moments(&pairs).2 / dof as f64)
}

/// `COVARIANCE.P(array1, array2)`: the population covariance; `#DIV/0!`
/// without pairs, `#N/A` for arrays of different sizes.
pub fn covariance_p(args: &[Arg<'_>]) -> Result<f64, CellError> {
    covariance(args, false)
}

/// `COVAR(array1, array2)`: the legacy name of `COVARIANCE.P`.
pub fn covar(args: &[Arg<'_>]) -> Result<f64, CellError> {
    covariance_p(args)
}

/// `COVARIANCE.S(array1, array2)`: the sample covariance; `#DIV/0!` with
/// fewer than two pairs.
pub fn covariance_s(args: &[Arg<'_>]) -> Result<f64, CellError> {
    covariance(args, true)
}

/// `PEARSON(array1, array2)`: Pearson's correlation, as `CORREL`.
pub fn pearson(args: &[Arg<'_>]) -> Result<f64, CellError> {
    stats::correl(args)
}

/// `RSQ(known_y's, known_x's)`: the square of Pearson's correlation.
pub fn rsq(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let r = stats::correl(args)?;
    Ok(r * r)
}

/// `STEYX(known_y's, known_x's)`: the standard error of the predicted y of
/// the regression line; `#DIV/0!` with fewer than three pairs or no spread
/// in x.
pub fn steyx(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let pairs = number_pairs(args)?;
    require(pairs.len() >= 3, ErrorKind::Div0)?;
    // The pairs are (y, x).
    let (syy, sxx, sxy) = co_moments(&pairs);
    require(sxx > 0.0, ErrorKind::Div0)?;
    let residual = (syy - sxy * sxy / sxx).max(0.0);
    Ok((residual / (pairs.len() - 2) as f64).sqrt())
}

// ---------------------------------------------------------------------------
// Ranks

/// The rank of `x` among sorted `xs` for `PERCENTRANK.INC` (`exclusive`
/// false) or `.EXC`, interpolating between neighbours when `x` is not among
/// them, truncated to `significance` digits. `#NUM!` without numbers or
/// with `significance` < 1; `#N/A` if `x` is outside the numbers.
fn percent_rank(xs: &[f64], x: f64, significance: f64, exclusive: bool) -> Result<f64, CellError> {
    let significance = significance.trunc();
    require(!xs.is_empty() && significance >= 1.0, ErrorKind::Num)?;
    let (Some(&first), Some(&last)) = (xs.first(), xs.last()) else {
        return fail(ErrorKind::Num);
    };
    require(x >= first && x <= last, ErrorKind::NA)?;
    let n = xs.len() as f64;
    let below = xs.partition_point(|v| *v < x);
    // Fractional position of x among the sorted numbers, 0-based.
    let position = match (xs.get(below), below.checked_sub(1).and_then(|i| xs.get(i))) {
        (Some(&at), _) if at == x => below as f64,
        (Some(&upper), Some(&lower)) => (below - 1) as f64 + (x - lower) / (upper - lower),
        _ => return fail(ErrorKind::NA),
    };
    let rank = if exclusive {
        (position + 1.0) / (n + 1.0)
    } else if xs.len() == 1 {
        1.0
    } else {
        position / (n - 1.0)
    };
    let scale = 10f64.powf(significance.min(15.0));
    Ok(round_to_15_digits(rank * scale).floor() / scale)
}

/// The arguments of `PERCENTRANK.*`: sorted numbers, x, significance.
fn percent_rank_args(args: &[Arg<'_>], exclusive: bool) -> Result<f64, CellError> {
    let mut xs = aggregate_numbers(args.get(..1).unwrap_or_default())?;
    xs.sort_by(f64::total_cmp);
    let x = num_arg(args, 1)?;
    let significance = opt_num_arg(args, 2, 3.0)?;
    percent_rank(&xs, x, significance, exclusive)
}

/// `PERCENTRANK.INC(array, x, [significance=3])`: the rank of `x` as a
/// fraction from 0 to 1 inclusive, (numbers below x) / (n − 1), truncated
/// to `significance` digits.
pub fn percentrank_inc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    percent_rank_args(args, false)
}

/// `PERCENTRANK(array, x, [significance=3])`: the legacy name of
/// `PERCENTRANK.INC`.
pub fn percentrank(args: &[Arg<'_>]) -> Result<f64, CellError> {
    percentrank_inc(args)
}

/// `PERCENTRANK.EXC(array, x, [significance=3])`: the rank of `x` as a
/// fraction strictly between 0 and 1, (numbers below x + 1) / (n + 1).
pub fn percentrank_exc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    percent_rank_args(args, true)
}

/// `RANK.AVG(number, ref, [order=0])`: the rank of `number` among the
/// numbers of `ref`, descending (order 0) or ascending, ties sharing the
/// average of their ranks; `#N/A` if `number` is not among them.
pub fn rank_avg(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let number = num_arg(args, 0)?;
    let xs = aggregate_numbers(args.get(1..2).unwrap_or_default())?;
    let ascending = opt_num_arg(args, 2, 0.0)? != 0.0;
    let ties = xs.iter().filter(|x| **x == number).count();
    require(ties > 0, ErrorKind::NA)?;
    let before = xs
        .iter()
        .filter(|x| {
            if ascending {
                **x < number
            } else {
                **x > number
            }
        })
        .count();
    Ok(before as f64 + (ties as f64 + 1.0) / 2.0)
}

// ---------------------------------------------------------------------------
// PROB

/// How far the probabilities of `PROB` may miss 1 in all.
const PROB_SLACK: f64 = 1e-7;

/// `PROB(x_range, prob_range, lower_limit, [upper_limit])`: the total
/// probability of the values between the limits (equal to `lower_limit`
/// if no upper limit; limits in either order). `#N/A` for ranges of
/// different sizes; `#NUM!` if a probability is ≤ 0 or > 1 or they do not
/// add up to 1. Pairs where either value is not a number are left out.
pub fn prob(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let pairs = number_pairs(args)?;
    let lower = num_arg(args, 2)?;
    let upper = opt_num_arg(args, 3, lower)?;
    let (lower, upper) = (lower.min(upper), lower.max(upper));
    require(
        pairs.iter().all(|(_, p)| *p > 0.0 && *p <= 1.0),
        ErrorKind::Num,
    )?;
    let total = sum_of(pairs.iter().map(|(_, p)| *p));
    require((total - 1.0).abs() <= PROB_SLACK, ErrorKind::Num)?;
    Ok(sum_of(
        pairs
            .iter()
            .filter(|(x, _)| *x >= lower && *x <= upper)
            .map(|(_, p)| *p),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::args::Array;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    fn arr(data: Vec<Value>) -> Arg<'static> {
        Arg::Array(Array {
            rows: data.len() as u32,
            cols: 1,
            data,
        })
    }

    fn nums(xs: &[f64]) -> Arg<'static> {
        arr(xs.iter().map(|x| Value::Number(*x)).collect())
    }

    #[track_caller]
    fn close(got: Result<f64, CellError>, want: f64) {
        let got = got.unwrap_or_else(|e| panic!("expected {want}, got {e}"));
        assert!(
            (got - want).abs() <= 1e-9 * want.abs() + 1e-300,
            "expected {want}, got {got}"
        );
    }

    #[track_caller]
    fn error(got: Result<f64, CellError>, kind: ErrorKind) {
        assert_eq!(got.map_err(|e| e.kind), Err(kind));
    }

    /// The fixture's column A: 10, 20, 30, (blank), 5, −2, 0, 2.5, 100, 7.
    fn column_a() -> Arg<'static> {
        let mut data: Vec<Value> = [10.0, 20.0, 30.0].map(Value::Number).to_vec();
        data.push(Value::Empty);
        data.extend([5.0, -2.0, 0.0, 2.5, 100.0, 7.0].map(Value::Number));
        arr(data)
    }

    /// The fixture's column C: 1, "x", (blank), TRUE, "5", 3, FALSE, −1, 5, 4.
    fn column_c() -> Arg<'static> {
        arr(vec![
            Value::Number(1.0),
            Value::text("x"),
            Value::Empty,
            Value::Bool(true),
            Value::text("5"),
            Value::Number(3.0),
            Value::Bool(false),
            Value::Number(-1.0),
            Value::Number(5.0),
            Value::Number(4.0),
        ])
    }

    #[test]
    fn deviations_and_means() {
        let a = nums(&[4.0, 5.0, 6.0, 7.0, 5.0, 4.0, 3.0]);
        close(avedev(std::slice::from_ref(&a)), 1.0204081632653061);
        close(devsq(std::slice::from_ref(&a)), 10.857142857142858);
        close(avedev(&[column_a()]), 20.555555555555557);
        error(avedev(&[arr(vec![Value::text("a")])]), ErrorKind::Num);
        error(devsq(&[arr(vec![])]), ErrorKind::Num);
        let g = nums(&[4.0, 5.0, 8.0, 7.0, 11.0, 4.0, 3.0]);
        close(geomean(std::slice::from_ref(&g)), 5.476986969656962);
        close(harmean(std::slice::from_ref(&g)), 5.028375962061728);
        close(geomean(&[n(2.0), n(8.0)]), 4.0);
        error(geomean(&[column_a()]), ErrorKind::Num);
        error(harmean(&[n(1.0), n(-1.0)]), ErrorKind::Num);
        let t = nums(&[4.0, 5.0, 6.0, 7.0, 2.0, 3.0, 4.0, 5.0, 1.0, 2.0, 3.0]);
        close(trimmean(&[t.clone(), n(0.2)]), 3.7777777777777777);
        close(trimmean(&[t.clone(), n(0.0)]), 42.0 / 11.0);
        error(trimmean(&[t, n(1.0)]), ErrorKind::Num);
        error(trimmean(&[arr(vec![]), n(0.1)]), ErrorKind::Num);
    }

    #[test]
    fn shape() {
        let k = nums(&[3.0, 4.0, 5.0, 2.0, 3.0, 4.0, 5.0, 6.0, 4.0, 7.0]);
        close(kurt(std::slice::from_ref(&k)), -0.1517996372084143);
        close(skew(std::slice::from_ref(&k)), 0.35954307140679714);
        close(skew_p(std::slice::from_ref(&k)), 0.3031933393541437);
        error(kurt(&[n(1.0), n(2.0), n(3.0)]), ErrorKind::Div0);
        error(skew(&[n(1.0), n(2.0)]), ErrorKind::Div0);
        error(skew(&[n(2.0), n(2.0), n(2.0)]), ErrorKind::Div0);
        error(skew_p(&[n(1.0), n(2.0)]), ErrorKind::Div0);
    }

    #[test]
    fn a_variants() {
        let c = column_c();
        // 1, 0 ("x"), 1 (TRUE), 0 ("5"), 3, 0 (FALSE), −1, 5, 4.
        close(averagea(std::slice::from_ref(&c)), 13.0 / 9.0);
        close(maxa(std::slice::from_ref(&c)), 5.0);
        close(mina(std::slice::from_ref(&c)), -1.0);
        close(vara(std::slice::from_ref(&c)), 4.277777777777778);
        close(varpa(std::slice::from_ref(&c)), 3.802469135802469);
        close(
            stdeva(std::slice::from_ref(&c)),
            4.277777777777778_f64.sqrt(),
        );
        close(
            stdevpa(std::slice::from_ref(&c)),
            3.802469135802469_f64.sqrt(),
        );
        close(
            maxa(&[arr(vec![Value::Bool(true), Value::Number(-3.0)])]),
            1.0,
        );
        close(
            mina(&[arr(vec![Value::text("a"), Value::Number(3.0)])]),
            0.0,
        );
        close(maxa(&[arr(vec![])]), 0.0);
        close(
            averagea(&[
                n(1.0),
                Arg::Value(Value::text("3")),
                Arg::Value(Value::Bool(true)),
            ]),
            5.0 / 3.0,
        );
        error(averagea(&[Arg::Value(Value::text("a"))]), ErrorKind::Value);
        error(averagea(&[arr(vec![Value::Empty])]), ErrorKind::Div0);
        error(vara(&[n(1.0)]), ErrorKind::Div0);
        error(
            maxa(&[arr(vec![Value::Number(1.0), Value::error(ErrorKind::NA)])]),
            ErrorKind::NA,
        );
    }

    #[test]
    fn pairs() {
        let x = nums(&[3.0, 2.0, 4.0, 5.0, 6.0]);
        let y = nums(&[9.0, 7.0, 12.0, 15.0, 17.0]);
        close(covariance_p(&[x.clone(), y.clone()]), 5.2);
        close(covar(&[x.clone(), y.clone()]), 5.2);
        close(covariance_s(&[x.clone(), y.clone()]), 6.5);
        close(pearson(&[x.clone(), y.clone()]), 0.9970544855015816);
        close(rsq(&[y.clone(), x.clone()]), 0.9941176470588236);
        let ys = nums(&[2.0, 3.0, 9.0, 1.0, 8.0, 7.0, 5.0]);
        let xs = nums(&[6.0, 5.0, 11.0, 7.0, 5.0, 4.0, 4.0]);
        close(steyx(&[ys, xs]), 3.3057189502100415);
        error(covariance_p(&[x.clone(), nums(&[1.0])]), ErrorKind::NA);
        error(covariance_p(&[arr(vec![]), arr(vec![])]), ErrorKind::Div0);
        error(covariance_s(&[n(1.0), n(2.0)]), ErrorKind::Div0);
        error(
            steyx(&[nums(&[1.0, 2.0]), nums(&[3.0, 4.0])]),
            ErrorKind::Div0,
        );
        error(
            steyx(&[nums(&[1.0, 2.0, 3.0]), nums(&[3.0, 3.0, 3.0])]),
            ErrorKind::Div0,
        );
        // Only pairs of two numbers count: (10,1), (−2,3), (2.5,−1), (100,5), (7,4).
        close(covariance_p(&[column_a(), column_c()]), 49.5);
        error(
            covariance_p(&[arr(vec![Value::error(ErrorKind::Div0)]), n(1.0)]),
            ErrorKind::Div0,
        );
    }

    #[test]
    fn ranks() {
        let a = nums(&[13.0, 12.0, 11.0, 8.0, 4.0, 3.0, 2.0, 1.0, 1.0, 1.0]);
        close(percentrank_inc(&[a.clone(), n(2.0)]), 0.333);
        close(percentrank_inc(&[a.clone(), n(4.0)]), 0.555);
        close(percentrank_inc(&[a.clone(), n(8.0)]), 0.666);
        close(percentrank_inc(&[a.clone(), n(5.0)]), 0.583);
        close(percentrank(&[a.clone(), n(5.0), n(5.0)]), 0.58333);
        close(percentrank_inc(&[a.clone(), n(13.0)]), 1.0);
        close(percentrank_inc(&[a.clone(), n(1.0)]), 0.0);
        close(percentrank_inc(&[nums(&[5.0]), n(5.0)]), 1.0);
        error(percentrank_inc(&[a.clone(), n(14.0)]), ErrorKind::NA);
        error(
            percentrank_inc(&[a.clone(), n(2.0), n(0.5)]),
            ErrorKind::Num,
        );
        error(percentrank_inc(&[arr(vec![]), n(2.0)]), ErrorKind::Num);
        let e = nums(&[1.0, 2.0, 3.0, 6.0, 6.0, 6.0, 7.0, 8.0, 9.0]);
        close(percentrank_exc(&[e.clone(), n(7.0)]), 0.7);
        close(percentrank_exc(&[e.clone(), n(5.43)]), 0.381);
        close(percentrank_exc(&[e.clone(), n(5.43), n(1.0)]), 0.3);
        close(percentrank_exc(&[e.clone(), n(6.0)]), 0.4);
        error(percentrank_exc(&[e, n(0.5)]), ErrorKind::NA);
        let r = nums(&[89.0, 88.0, 92.0, 101.0, 94.0, 97.0, 95.0, 94.0]);
        close(rank_avg(&[n(94.0), r.clone()]), 4.5);
        close(rank_avg(&[n(94.0), r.clone(), n(1.0)]), 4.5);
        close(rank_avg(&[n(101.0), r.clone()]), 1.0);
        close(rank_avg(&[n(88.0), r.clone(), n(1.0)]), 1.0);
        error(rank_avg(&[n(90.0), r]), ErrorKind::NA);
    }

    #[test]
    fn probabilities() {
        let x = nums(&[0.0, 1.0, 2.0, 3.0]);
        let p = nums(&[0.2, 0.3, 0.1, 0.4]);
        close(prob(&[x.clone(), p.clone(), n(2.0)]), 0.1);
        close(prob(&[x.clone(), p.clone(), n(1.0), n(3.0)]), 0.8);
        close(prob(&[x.clone(), p.clone(), n(3.0), n(1.0)]), 0.8);
        close(prob(&[x.clone(), p.clone(), n(5.0)]), 0.0);
        error(
            prob(&[x.clone(), nums(&[0.2, 0.3, 0.1, 0.3]), n(1.0)]),
            ErrorKind::Num,
        );
        error(
            prob(&[x.clone(), nums(&[0.0, 0.5, 0.1, 0.4]), n(1.0)]),
            ErrorKind::Num,
        );
        error(prob(&[x, nums(&[0.5, 0.5]), n(1.0)]), ErrorKind::NA);
    }
}
