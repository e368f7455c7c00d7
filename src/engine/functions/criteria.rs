//! Conditional aggregates driven by criteria (`">5"`, `"a*"`, …):
//! `SUMIF(S)`, `COUNTIF(S)`, `AVERAGEIF(S)`, `MAXIFS`, `MINIFS`.

use crate::engine::coerce::Criterion;
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{Sum, fail, resized};
use crate::engine::value::{CellError, ErrorKind, Value};

/// For each cell of a `rows × cols` area (row by row), whether every
/// `(range, criteria)` pair of `pairs` holds there. Ranges of another size
/// are `#VALUE!`; an odd number of arguments is `#VALUE!`.
fn matching_cells(pairs: &[Arg<'_>], rows: u32, cols: u32) -> Result<Vec<bool>, CellError> {
    if !pairs.len().is_multiple_of(2) {
        return fail(ErrorKind::Value);
    }
    // A reference that is an error (`#REF!`, a range too large to read) is
    // that error, not one cell to test.
    for range in pairs.iter().step_by(2) {
        if let Arg::Value(Value::Error(e)) = range {
            return Err(e.clone());
        }
    }
    let mut mask = vec![true; rows as usize * cols as usize];
    for pair in pairs.chunks_exact(2) {
        let [range, criteria] = pair else {
            return fail(ErrorKind::Value);
        };
        if range.dims() != (rows, cols) {
            return fail(ErrorKind::Value);
        }
        let criterion = Criterion::parse(&criteria.scalar());
        let mut i = 0usize;
        range.for_each(|v| {
            if let Some(m) = mask.get_mut(i) {
                *m = *m && criterion.matches(v);
            }
            i += 1;
        });
    }
    Ok(mask)
}

/// The numbers of `values` (row by row) where `mask` is true; text, booleans
/// and blanks are skipped, an error in a selected cell propagates.
fn selected_numbers(values: &Arg<'_>, mask: &[bool]) -> Result<Vec<f64>, CellError> {
    let mut out = Vec::new();
    let mut first_error = None;
    let mut i = 0usize;
    values.for_each(|v| {
        if mask.get(i).copied().unwrap_or(false) && first_error.is_none() {
            match v {
                Value::Number(n) => out.push(*n),
                Value::Error(e) => first_error = Some(e.clone()),
                _ => {}
            }
        }
        i += 1;
    });
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The numbers selected by a single-criterion function
/// (`SUMIF(range, criteria, [values])`): `values` defaults to `range` and is
/// read with `range`'s size from its top-left cell.
fn single_criterion_numbers(args: &[Arg<'_>]) -> Result<Vec<f64>, CellError> {
    let (Some(range), Some(criteria)) = (args.first(), args.get(1)) else {
        return fail(ErrorKind::Value);
    };
    let (rows, cols) = range.dims();
    let mask = matching_cells(&[range.clone(), criteria.clone()], rows, cols)?;
    let values = match args.get(2) {
        Some(v) if !matches!(v, Arg::Value(Value::Empty)) => resized(v, rows, cols),
        _ => range.clone(),
    };
    selected_numbers(&values, &mask)
}

/// The numbers selected by a multi-criteria function
/// (`SUMIFS(values, range1, criteria1, …)`); all ranges must be the size of
/// `values`.
fn multi_criteria_numbers(args: &[Arg<'_>]) -> Result<Vec<f64>, CellError> {
    let Some((values, pairs)) = args.split_first() else {
        return fail(ErrorKind::Value);
    };
    let (rows, cols) = values.dims();
    let mask = matching_cells(pairs, rows, cols)?;
    selected_numbers(values, &mask)
}

/// Sum with compensation.
fn total(xs: &[f64]) -> f64 {
    let mut s = Sum::default();
    xs.iter().for_each(|x| s.add(*x));
    s.total()
}

/// Mean, `#DIV/0!` when nothing matched.
fn mean(xs: &[f64]) -> Result<f64, CellError> {
    if xs.is_empty() {
        return fail(ErrorKind::Div0);
    }
    Ok(total(xs) / xs.len() as f64)
}

/// `SUMIF(range, criteria, [sum_range])`.
pub fn sumif(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(total(&single_criterion_numbers(args)?))
}

/// `SUMIFS(sum_range, criteria_range1, criteria1, …)`.
pub fn sumifs(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(total(&multi_criteria_numbers(args)?))
}

/// `AVERAGEIF(range, criteria, [average_range])`.
pub fn averageif(args: &[Arg<'_>]) -> Result<f64, CellError> {
    mean(&single_criterion_numbers(args)?)
}

/// `AVERAGEIFS(average_range, criteria_range1, criteria1, …)`.
pub fn averageifs(args: &[Arg<'_>]) -> Result<f64, CellError> {
    mean(&multi_criteria_numbers(args)?)
}

/// `MAXIFS(max_range, criteria_range1, criteria1, …)`: 0 when nothing matched.
pub fn maxifs(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(multi_criteria_numbers(args)?
        .into_iter()
        .reduce(f64::max)
        .unwrap_or(0.0))
}

/// `MINIFS(min_range, criteria_range1, criteria1, …)`: 0 when nothing matched.
pub fn minifs(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(multi_criteria_numbers(args)?
        .into_iter()
        .reduce(f64::min)
        .unwrap_or(0.0))
}

/// `COUNTIF(range, criteria)`.
pub fn countif(args: &[Arg<'_>]) -> Result<f64, CellError> {
    countifs(args)
}

/// `COUNTIFS(criteria_range1, criteria1, …)`: all ranges the same size.
pub fn countifs(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let Some(first) = args.first() else {
        return fail(ErrorKind::Value);
    };
    let (rows, cols) = first.dims();
    let mask = matching_cells(args, rows, cols)?;
    Ok(mask.iter().filter(|m| **m).count() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::args::{Array, RangeRef};

    fn col(data: Vec<Value>) -> Arg<'static> {
        Arg::Array(Array {
            rows: data.len() as u32,
            cols: 1,
            data,
        })
    }

    fn t(s: &str) -> Arg<'static> {
        Arg::Value(Value::text(s))
    }

    fn nums(xs: &[f64]) -> Arg<'static> {
        col(xs.iter().map(|x| Value::Number(*x)).collect())
    }

    #[test]
    fn sums_and_counts() {
        let a = nums(&[1.0, 5.0, 10.0]);
        assert_eq!(sumif(&[a.clone(), t(">2")]), Ok(15.0));
        assert_eq!(countif(&[a.clone(), t("<>5")]), Ok(2.0));
        let names = col(vec![
            Value::text("apple"),
            Value::text("pear"),
            Value::text("avocado"),
        ]);
        assert_eq!(sumif(&[names.clone(), t("a*"), a.clone()]), Ok(11.0));
        assert_eq!(
            sumifs(&[a.clone(), names.clone(), t("a*"), a.clone(), t(">1")]),
            Ok(10.0)
        );
        assert_eq!(
            countifs(&[names.clone(), t("p*"), a.clone()]),
            fail(ErrorKind::Value)
        );
        assert_eq!(averageif(&[a.clone(), t(">100")]), fail(ErrorKind::Div0));
        assert_eq!(maxifs(&[a.clone(), names.clone(), t("a*")]), Ok(10.0));
        assert_eq!(minifs(&[a.clone(), names, t("z*")]), Ok(0.0));
        assert_eq!(sumifs(&[a, nums(&[1.0])]), fail(ErrorKind::Value));
    }

    #[test]
    fn error_criteria_select_the_cells_holding_that_error() {
        let keys = col(vec![
            Value::error(ErrorKind::Div0),
            Value::error(ErrorKind::NA),
            Value::Number(1.0),
            Value::error(ErrorKind::NA),
        ]);
        let amounts = nums(&[10.0, 20.0, 30.0, 40.0]);
        let na = Arg::Value(Value::error(ErrorKind::NA));
        assert_eq!(countif(&[keys.clone(), na.clone()]), Ok(2.0));
        assert_eq!(
            sumif(&[keys.clone(), na.clone(), amounts.clone()]),
            Ok(60.0)
        );
        assert_eq!(
            averageifs(&[amounts.clone(), keys.clone(), t("<>#N/A")]),
            Ok(20.0)
        );
        assert_eq!(maxifs(&[amounts, keys.clone(), t("=#DIV/0!")]), Ok(10.0));
        // Summing the error cells themselves still gives their error.
        assert_eq!(sumif(&[keys, na]), fail(ErrorKind::NA));
    }

    #[test]
    fn sum_range_takes_criteria_range_shape() {
        // Sheet column A = 1, 2, 3 and column B = 10, 20, 30.
        let data: Vec<Value> = [1.0, 10.0, 2.0, 20.0, 3.0, 30.0]
            .iter()
            .map(|x| Value::Number(*x))
            .collect();
        let range = |col0, rows| Arg::Range {
            range: RangeRef {
                data: &data,
                stride: 2,
                order: &[],
                row0: 0,
                col0,
                rows,
                cols: 1,
            },
            at: (10, 10),
        };
        // SUMIF(A1:A3, ">1", B1) sums B2:B3.
        assert_eq!(sumif(&[range(0, 3), t(">1"), range(1, 1)]), Ok(50.0));
    }
}
