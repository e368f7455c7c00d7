//! Statistical aggregates: counting (`COUNT`, `COUNTA`, `COUNTBLANK`),
//! `AVERAGE`, `MIN`/`MAX`, `MEDIAN`, `MODE`, `LARGE`/`SMALL`, `RANK`, the
//! variance and standard-deviation family, percentiles and quartiles, and
//! paired statistics (`CORREL`, `SLOPE`, `INTERCEPT`, `FORECAST`).

use crate::engine::coerce::parse_number_text;
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{
    Sum, aggregate_numbers, arg_len, fail, for_each_aggregate_number, num_arg, opt_num_arg, sum_of,
};
use crate::engine::value::{CellError, ErrorKind, Value};

/// `COUNT(values…)`: numbers in ranges; direct numbers, booleans, numeric
/// text and missing arguments. Errors are not counted and do not propagate.
pub fn count(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut n = 0usize;
    for arg in args {
        match arg {
            Arg::Value(v) => {
                let counts = match v {
                    Value::Number(_) | Value::Bool(_) | Value::Empty => true,
                    Value::Text(t) => parse_number_text(t).is_some(),
                    Value::Error(_) => false,
                };
                n += usize::from(counts);
            }
            _ => arg.for_each_non_blank(|v| n += usize::from(matches!(v, Value::Number(_)))),
        }
    }
    Ok(n as f64)
}

/// `COUNTA(values…)`: non-empty cells of ranges, and every direct argument.
pub fn counta(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut n = 0usize;
    for arg in args {
        match arg {
            Arg::Value(_) => n += 1,
            _ => arg.for_each_non_blank(|v| n += usize::from(!v.is_empty())),
        }
    }
    Ok(n as f64)
}

/// `COUNTBLANK(range)`: empty cells and cells holding empty text.
pub fn countblank(args: &[Arg<'_>]) -> Result<f64, CellError> {
    // Cells beyond the stored grid are blank: count the stored ones that
    // are not, rather than visiting every cell of a whole-sheet range.
    let mut n = 0usize;
    for arg in args {
        let mut seen = 0usize;
        arg.for_each_non_blank(|v| {
            seen += 1;
            let blank = match v {
                Value::Empty => true,
                Value::Text(t) => t.is_empty(),
                _ => false,
            };
            n += usize::from(blank);
        });
        n += arg_len(arg) - seen;
    }
    Ok(n as f64)
}

/// `AVERAGE(values…)`: `#DIV/0!` without numbers.
pub fn average(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut total = Sum::default();
    let mut n = 0usize;
    for_each_aggregate_number(args, |x| {
        total.add(x);
        n += 1;
    })?;
    if n == 0 {
        return fail(ErrorKind::Div0);
    }
    Ok(total.total() / n as f64)
}

/// `MIN(values…)`: 0 without numbers.
pub fn min(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut best: Option<f64> = None;
    for_each_aggregate_number(args, |x| best = Some(best.map_or(x, |b| b.min(x))))?;
    Ok(best.unwrap_or(0.0))
}

/// `MAX(values…)`: 0 without numbers.
pub fn max(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut best: Option<f64> = None;
    for_each_aggregate_number(args, |x| best = Some(best.map_or(x, |b| b.max(x))))?;
    Ok(best.unwrap_or(0.0))
}

/// The aggregate numbers of `args`, sorted ascending.
fn sorted_numbers(args: &[Arg<'_>]) -> Result<Vec<f64>, CellError> {
    let mut xs = aggregate_numbers(args)?;
    xs.sort_by(f64::total_cmp);
    Ok(xs)
}

/// `MEDIAN(values…)`: `#NUM!` without numbers.
pub fn median(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let xs = sorted_numbers(args)?;
    let mid = xs.len() / 2;
    match (xs.get(mid.wrapping_sub(1)), xs.get(mid)) {
        (_, None) => fail(ErrorKind::Num),
        (Some(a), Some(b)) if xs.len() % 2 == 0 => Ok(a / 2.0 + b / 2.0),
        (_, Some(b)) => Ok(*b),
    }
}

/// The k-th (1-based, fractional k rounded up) number of the first argument,
/// counting from the top (`LARGE`) or bottom (`SMALL`); `#NUM!` out of range.
fn kth(args: &[Arg<'_>], from_top: bool) -> Result<f64, CellError> {
    let xs = sorted_numbers(args.get(..1).unwrap_or_default())?;
    let k = crate::engine::coerce::round_to_15_digits(num_arg(args, 1)?).ceil();
    if !(1.0..=xs.len() as f64).contains(&k) {
        return fail(ErrorKind::Num);
    }
    let k = (k as usize).saturating_sub(1);
    let i = if from_top {
        xs.len().saturating_sub(1 + k)
    } else {
        k
    };
    xs.get(i)
        .copied()
        .ok_or_else(|| CellError::new(ErrorKind::Num))
}

/// `LARGE(array, k)`.
pub fn large(args: &[Arg<'_>]) -> Result<f64, CellError> {
    kth(args, true)
}

/// `SMALL(array, k)`.
pub fn small(args: &[Arg<'_>]) -> Result<f64, CellError> {
    kth(args, false)
}

/// Variance of the aggregate numbers: sample (n−1) or population (n);
/// `#DIV/0!` with too few numbers.
fn variance(args: &[Arg<'_>], sample: bool) -> Result<f64, CellError> {
    variance_of(&aggregate_numbers(args)?, sample)
}

/// Variance of `xs`: sample (n−1) or population (n); `#DIV/0!` with too
/// few numbers.
pub(crate) fn variance_of(xs: &[f64], sample: bool) -> Result<f64, CellError> {
    let n = xs.len();
    let dof = if sample { n.saturating_sub(1) } else { n };
    if dof == 0 {
        return fail(ErrorKind::Div0);
    }
    let mean = sum_of(xs.iter().copied()) / n as f64;
    let squares = sum_of(xs.iter().map(|x| (x - mean) * (x - mean)));
    Ok(squares / dof as f64)
}

/// `VAR(values…)` / `VAR.S`: sample variance.
pub fn var_s(args: &[Arg<'_>]) -> Result<f64, CellError> {
    variance(args, true)
}

/// `VAR.P(values…)` / `VARP`: population variance.
pub fn var_p(args: &[Arg<'_>]) -> Result<f64, CellError> {
    variance(args, false)
}

/// `STDEV(values…)` / `STDEV.S`: sample standard deviation.
pub fn stdev_s(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(variance(args, true)?.sqrt())
}

/// `STDEV.P(values…)` / `STDEVP`: population standard deviation.
pub fn stdev_p(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(variance(args, false)?.sqrt())
}

/// The pairs of numbers of two equally sized arguments (`CORREL`, `SLOPE`,
/// …): a pair is skipped unless both values are numbers; an error in
/// either propagates; a different number of cells is `#N/A`.
fn number_pairs(args: &[Arg<'_>], first: usize) -> Result<Vec<(f64, f64)>, CellError> {
    let (Some(a), Some(b)) = (args.get(first), args.get(first + 1)) else {
        return fail(ErrorKind::NA);
    };
    crate::engine::functions::helpers::number_pairs(a, b)
}

/// Means of the two coordinates and the sums of squares and products
/// about them: (mean x, mean y, Sxx, Syy, Sxy).
fn moments(pairs: &[(f64, f64)]) -> (f64, f64, f64, f64, f64) {
    let n = pairs.len() as f64;
    let mx = sum_of(pairs.iter().map(|p| p.0)) / n;
    let my = sum_of(pairs.iter().map(|p| p.1)) / n;
    let sxx = sum_of(pairs.iter().map(|p| (p.0 - mx) * (p.0 - mx)));
    let syy = sum_of(pairs.iter().map(|p| (p.1 - my) * (p.1 - my)));
    let sxy = sum_of(pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)));
    (mx, my, sxx, syy, sxy)
}

/// `CORREL(array1, array2)`: Pearson's correlation; `#DIV/0!` with fewer
/// than two pairs or no spread in either array.
pub fn correl(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let pairs = number_pairs(args, 0)?;
    if pairs.len() < 2 {
        return fail(ErrorKind::Div0);
    }
    let (_, _, sxx, syy, sxy) = moments(&pairs);
    if sxx == 0.0 || syy == 0.0 {
        return fail(ErrorKind::Div0);
    }
    Ok(sxy / (sxx * syy).sqrt())
}

/// The least-squares line through the pairs (x from the second argument,
/// y from the first, as `SLOPE(known_y, known_x)`): (slope, intercept).
/// `#N/A` without pairs, `#DIV/0!` with no spread in x (Microsoft's
/// `SLOPE` reference).
fn regression(args: &[Arg<'_>], first: usize) -> Result<(f64, f64), CellError> {
    let pairs: Vec<(f64, f64)> = number_pairs(args, first)?
        .into_iter()
        .map(|(y, x)| (x, y))
        .collect();
    if pairs.is_empty() {
        return fail(ErrorKind::NA);
    }
    let (mx, my, sxx, _, sxy) = moments(&pairs);
    if sxx == 0.0 {
        return fail(ErrorKind::Div0);
    }
    let slope = sxy / sxx;
    Ok((slope, my - slope * mx))
}

/// `SLOPE(known_y, known_x)`.
pub fn slope(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(regression(args, 0)?.0)
}

/// `INTERCEPT(known_y, known_x)`.
pub fn intercept(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(regression(args, 0)?.1)
}

/// `FORECAST(x, known_y, known_x)` / `FORECAST.LINEAR`: the least-squares
/// line's value at `x`.
pub fn forecast(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let (slope, intercept) = regression(args, 1)?;
    Ok(intercept + slope * x)
}

/// `RANK(number, ref, [order=0])` / `RANK.EQ`: 1 + how many numbers of
/// `ref` are larger (order 0) or smaller (otherwise); ties share the best
/// rank. `#N/A` if the number is not among them.
pub fn rank_eq(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let number = num_arg(args, 0)?;
    let xs = aggregate_numbers(args.get(1..2).unwrap_or_default())?;
    let ascending = opt_num_arg(args, 2, 0.0)? != 0.0;
    if !xs.contains(&number) {
        return fail(ErrorKind::NA);
    }
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
    Ok(before as f64 + 1.0)
}

/// The value at the 0-based fractional position `h` of sorted `xs`,
/// interpolating between neighbours.
fn interpolate(xs: &[f64], h: f64) -> Result<f64, CellError> {
    let low = h.floor();
    let i = low as usize;
    let Some(&a) = xs.get(i) else {
        return fail(ErrorKind::Num);
    };
    let frac = h - low;
    match xs.get(i + 1) {
        Some(&b) if frac > 0.0 => Ok(a + frac * (b - a)),
        _ => Ok(a),
    }
}

/// The `k`-th percentile of the numbers of the first argument, inclusive
/// (`k` in 0..=1, position (n−1)k) or exclusive (position (n+1)k − 1, which
/// must fall within the data). `#NUM!` without numbers or with `k` outside.
fn percentile(args: &[Arg<'_>], k: f64, exclusive: bool) -> Result<f64, CellError> {
    let xs = sorted_numbers(args.get(..1).unwrap_or_default())?;
    if xs.is_empty() || !(0.0..=1.0).contains(&k) {
        return fail(ErrorKind::Num);
    }
    let n = xs.len() as f64;
    let h = if exclusive {
        let rank = k * (n + 1.0);
        if !(1.0..=n).contains(&rank) {
            return fail(ErrorKind::Num);
        }
        rank - 1.0
    } else {
        k * (n - 1.0)
    };
    interpolate(&xs, h)
}

/// `PERCENTILE(array, k)` / `PERCENTILE.INC`.
pub fn percentile_inc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let k = num_arg(args, 1)?;
    percentile(args, k, false)
}

/// `PERCENTILE.EXC(array, k)`: `k` strictly between 0 and 1.
pub fn percentile_exc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let k = num_arg(args, 1)?;
    if k <= 0.0 || k >= 1.0 {
        return fail(ErrorKind::Num);
    }
    percentile(args, k, true)
}

/// `QUARTILE(array, quart)` / `QUARTILE.INC`: `quart` truncated, 0..=4.
pub fn quartile_inc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let quart = num_arg(args, 1)?.trunc();
    if !(0.0..=4.0).contains(&quart) {
        return fail(ErrorKind::Num);
    }
    percentile(args, quart / 4.0, false)
}

/// `QUARTILE.EXC(array, quart)`: `quart` truncated, 1..=3.
pub fn quartile_exc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let quart = num_arg(args, 1)?.trunc();
    if !(1.0..=3.0).contains(&quart) {
        return fail(ErrorKind::Num);
    }
    percentile(args, quart / 4.0, true)
}

/// `MODE(values…)` / `MODE.SNGL`: the most frequent number; `#N/A` if no
/// number repeats.
pub fn mode(args: &[Arg<'_>]) -> Result<f64, CellError> {
    mode_of(&aggregate_numbers(args)?)
}

/// The most frequent of `xs` (the first to appear among equally frequent
/// values); `#N/A` if no value repeats.
pub(crate) fn mode_of(xs: &[f64]) -> Result<f64, CellError> {
    let mut order: Vec<(f64, usize)> = xs.iter().copied().zip(0..).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // (value, count, first position) of the best run so far.
    let mut best: Option<(f64, usize, usize)> = None;
    for run in order.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(x, first)) = run.first() else {
            continue;
        };
        let count = run.len();
        let better = match best {
            None => count > 1,
            Some((_, c, f)) => count > c || (count == c && first < f),
        };
        if better {
            best = Some((x, count, first));
        }
    }
    best.map(|(x, _, _)| x)
        .ok_or_else(|| CellError::new(ErrorKind::NA))
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
            rows: 1,
            cols: data.len() as u32,
            data,
        })
    }

    #[test]
    fn counting() {
        let a = arr(vec![
            Value::Number(1.0),
            Value::text("2"),
            Value::Empty,
            Value::Bool(true),
        ]);
        assert_eq!(count(&[a.clone(), Arg::Value(Value::text("3"))]), Ok(2.0));
        assert_eq!(counta(std::slice::from_ref(&a)), Ok(3.0));
        assert_eq!(countblank(&[a]), Ok(1.0));
    }

    #[test]
    fn averages_and_extremes() {
        assert_eq!(average(&[n(1.0), n(2.0)]), Ok(1.5));
        assert_eq!(average(&[arr(vec![])]), fail(ErrorKind::Div0));
        assert_eq!(min(&[arr(vec![Value::text("a")])]), Ok(0.0));
        assert_eq!(max(&[n(-1.0), n(-5.0)]), Ok(-1.0));
        assert_eq!(median(&[n(3.0), n(1.0), n(2.0), n(10.0)]), Ok(2.5));
        assert_eq!(median(&[arr(vec![])]), fail(ErrorKind::Num));
    }

    #[test]
    fn ranks_and_spread() {
        let a = arr((1..=5).map(|i| Value::Number(f64::from(i))).collect());
        assert_eq!(large(&[a.clone(), n(1.0)]), Ok(5.0));
        assert_eq!(small(&[a.clone(), n(2.0)]), Ok(2.0));
        assert_eq!(large(&[a.clone(), n(6.0)]), fail(ErrorKind::Num));
        assert_eq!(small(&[a.clone(), n(0.0)]), fail(ErrorKind::Num));
        assert_eq!(small(&[a.clone(), n(1e300)]), fail(ErrorKind::Num));
        assert_eq!(var_s(std::slice::from_ref(&a)), Ok(2.5));
        assert_eq!(var_p(&[a]), Ok(2.0));
        assert_eq!(stdev_s(&[n(1.0)]), fail(ErrorKind::Div0));
    }

    #[test]
    fn pairs_percentiles_and_modes() {
        let xs = arr((1..=5).map(|i| Value::Number(f64::from(i))).collect());
        let ys = arr((1..=5)
            .map(|i| Value::Number(f64::from(2 * i + 1)))
            .collect());
        assert_eq!(correl(&[xs.clone(), ys.clone()]), Ok(1.0));
        assert_eq!(slope(&[ys.clone(), xs.clone()]), Ok(2.0));
        assert_eq!(intercept(&[ys.clone(), xs.clone()]), Ok(1.0));
        assert_eq!(forecast(&[n(10.0), ys, xs.clone()]), Ok(21.0));
        assert_eq!(slope(&[arr(vec![]), arr(vec![])]), fail(ErrorKind::NA));
        assert_eq!(rank_eq(&[n(4.0), xs.clone()]), Ok(2.0));
        assert_eq!(rank_eq(&[n(4.0), xs.clone(), n(1.0)]), Ok(4.0));
        assert_eq!(percentile_inc(&[xs.clone(), n(0.25)]), Ok(2.0));
        assert_eq!(percentile_exc(&[xs.clone(), n(0.5)]), Ok(3.0));
        assert_eq!(percentile_exc(&[xs.clone(), n(0.1)]), fail(ErrorKind::Num));
        assert_eq!(quartile_inc(&[xs.clone(), n(4.0)]), Ok(5.0));
        assert_eq!(quartile_exc(&[xs.clone(), n(4.0)]), fail(ErrorKind::Num));
        assert_eq!(mode_of(&[3.0, 1.0, 1.0, 3.0]), Ok(3.0));
        assert_eq!(mode_of(&[1.0, 2.0]), fail(ErrorKind::NA));
    }
}
