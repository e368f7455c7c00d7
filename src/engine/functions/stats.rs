//! Statistical aggregates: counting (`COUNT`, `COUNTA`, `COUNTBLANK`),
//! `AVERAGE`, `MIN`/`MAX`, `MEDIAN`, `LARGE`/`SMALL`, and the variance and
//! standard-deviation family.

use crate::engine::coerce::parse_number_text;
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{
    Sum, aggregate_numbers, arg_len, fail, for_each_aggregate_number, num_arg, sum_of,
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
    let xs = aggregate_numbers(args)?;
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
}
