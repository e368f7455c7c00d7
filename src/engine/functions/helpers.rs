//! Argument helpers shared by the function families: reading scalar
//! arguments with coercion and defaults, collecting the numbers of aggregate
//! arguments with Excel's skip-in-ranges rules, and turning results into
//! [`Value`]s.

use crate::engine::coerce::{to_bool, to_number, to_text};
use crate::engine::functions::args::{Arg, RangeRef};
use crate::engine::value::{CellError, ErrorKind, Value};

/// Results a function body may produce, turned into the cell value.
pub(crate) trait IntoValue {
    /// The value, with errors as [`Value::Error`] and non-finite numbers as `#NUM!`.
    fn into_value(self) -> Value;
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        match self {
            Value::Number(n) => Value::number(n),
            other => other,
        }
    }
}

impl IntoValue for Result<Value, CellError> {
    fn into_value(self) -> Value {
        self.unwrap_or_else(Value::Error).into_value()
    }
}

impl IntoValue for Result<f64, CellError> {
    fn into_value(self) -> Value {
        self.map_or_else(Value::Error, Value::number)
    }
}

impl IntoValue for Result<bool, CellError> {
    fn into_value(self) -> Value {
        self.map_or_else(Value::Error, Value::Bool)
    }
}

impl IntoValue for Result<String, CellError> {
    fn into_value(self) -> Value {
        self.map_or_else(Value::Error, Value::text)
    }
}

/// An error of `kind` with no detail.
pub(crate) fn err(kind: ErrorKind) -> CellError {
    CellError::new(kind)
}

/// `Err(#kind)`, for early returns.
pub(crate) fn fail<T>(kind: ErrorKind) -> Result<T, CellError> {
    Err(err(kind))
}

/// Argument `i` read as one value (implicit intersection for ranges);
/// `Empty` if absent.
pub(crate) fn scalar(args: &[Arg<'_>], i: usize) -> Value {
    args.get(i).map(Arg::scalar).unwrap_or_default()
}

/// True if argument `i` was given and is not an empty (missing) value.
pub(crate) fn is_given(args: &[Arg<'_>], i: usize) -> bool {
    !matches!(args.get(i), None | Some(Arg::Value(Value::Empty)))
}

/// Argument `i` as a number (absent reads as empty, i.e. 0).
pub(crate) fn num_arg(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    to_number(&scalar(args, i))
}

/// Argument `i` as a number, or `default` if it was not passed at all.
/// A passed-but-empty argument (`ROUND(1.5,)`) is 0, as in Excel.
pub(crate) fn opt_num_arg(args: &[Arg<'_>], i: usize, default: f64) -> Result<f64, CellError> {
    if i < args.len() {
        num_arg(args, i)
    } else {
        Ok(default)
    }
}

/// Argument `i` as a boolean, or `default` if it was not passed at all.
pub(crate) fn opt_bool_arg(args: &[Arg<'_>], i: usize, default: bool) -> Result<bool, CellError> {
    if i < args.len() {
        to_bool(&scalar(args, i))
    } else {
        Ok(default)
    }
}

/// Argument `i` as text.
pub(crate) fn text_arg(args: &[Arg<'_>], i: usize) -> Result<String, CellError> {
    to_text(&scalar(args, i))
}

/// A number truncated toward zero to an integer, saturating at the `i64`
/// range (NaN gives 0).
pub(crate) fn trunc_i64(x: f64) -> i64 {
    // `as` saturates and maps NaN to 0, which is what we want here.
    x.trunc() as i64
}

/// Calls `f` on every number that an aggregate (SUM, AVERAGE, MIN, …) takes
/// from `args`: direct values are coerced (text that is not a number is
/// `#VALUE!`, booleans count as 1/0, a missing argument as 0), while inside
/// ranges and arrays only numbers count (text, booleans and blanks are
/// skipped). The first error met, in argument order, is returned.
pub(crate) fn for_each_aggregate_number(
    args: &[Arg<'_>],
    mut f: impl FnMut(f64),
) -> Result<(), CellError> {
    for arg in args {
        match arg {
            Arg::Value(v) => f(to_number(v)?),
            _ => {
                let mut first_error = None;
                arg.for_each_non_blank(|v| match v {
                    Value::Number(n) if first_error.is_none() => f(*n),
                    Value::Error(e) if first_error.is_none() => first_error = Some(e.clone()),
                    _ => {}
                });
                if let Some(e) = first_error {
                    return Err(e);
                }
            }
        }
    }
    Ok(())
}

/// The numbers an aggregate takes from `args` (see [`for_each_aggregate_number`]).
pub(crate) fn aggregate_numbers(args: &[Arg<'_>]) -> Result<Vec<f64>, CellError> {
    let mut out = Vec::new();
    for_each_aggregate_number(args, |n| out.push(n))?;
    Ok(out)
}

/// Every value of an argument, row by row (a plain value is one value).
pub(crate) fn values_of(arg: &Arg<'_>) -> Vec<Value> {
    let mut out = Vec::with_capacity(arg_len(arg));
    arg.for_each(|v| out.push(v.clone()));
    out
}

/// The rows and columns of an argument that can hold anything: a range is
/// cut where the sheet's stored cells end (beyond, every cell is empty).
fn stored_dims(arg: &Arg<'_>) -> (u32, u32) {
    match arg {
        Arg::Range { range, .. } if range.stride > 0 => {
            let rows = range.sheet_rows().saturating_sub(u64::from(range.row0));
            let cols = (range.stride as u64).saturating_sub(u64::from(range.col0));
            (
                u64::from(range.rows).min(rows) as u32,
                u64::from(range.cols).min(cols) as u32,
            )
        }
        Arg::Range { .. } => (0, 0),
        other => other.dims(),
    }
}

/// Calls `f` on the values at the same position of two arguments with the
/// same number of cells, row by row (`#N/A` if the numbers differ). Pairs
/// where either cell lies beyond its sheet's stored cells (so is empty) are
/// left out, so a range such as `A1:P1000000` costs what its used rows cost.
pub(crate) fn for_each_pair(
    a: &Arg<'_>,
    b: &Arg<'_>,
    mut f: impl FnMut(&Value, &Value) -> Result<(), CellError>,
) -> Result<(), CellError> {
    if arg_len(a) != arg_len(b) {
        return fail(ErrorKind::NA);
    }
    if a.dims() == b.dims() {
        let (ra, ca) = stored_dims(a);
        let (rb, cb) = stored_dims(b);
        for r in 0..ra.min(rb) {
            for c in 0..ca.min(cb) {
                f(&a.get(r, c), &b.get(r, c))?;
            }
        }
        return Ok(());
    }
    // Same count, other shapes (a row against a column): in reading order.
    let (xs, ys) = (values_of(a), values_of(b));
    for (x, y) in xs.iter().zip(&ys) {
        f(x, y)?;
    }
    Ok(())
}

/// The pairs of numbers at the same position of two arguments (see
/// [`for_each_pair`]); an error in either propagates.
pub(crate) fn number_pairs(a: &Arg<'_>, b: &Arg<'_>) -> Result<Vec<(f64, f64)>, CellError> {
    let mut pairs = Vec::new();
    for_each_pair(a, b, |x, y| match (x, y) {
        (Value::Error(e), _) | (_, Value::Error(e)) => Err(e.clone()),
        (Value::Number(x), Value::Number(y)) => {
            pairs.push((*x, *y));
            Ok(())
        }
        _ => Ok(()),
    })?;
    Ok(pairs)
}

/// Number of cells of an argument.
pub(crate) fn arg_len(arg: &Arg<'_>) -> usize {
    let (r, c) = arg.dims();
    r as usize * c as usize
}

/// The argument reshaped to `rows × cols` from its top-left cell, as Excel
/// does with `SUMIF`'s sum range: a reference grows over the sheet, an array
/// or value pads with empties.
pub(crate) fn resized<'a>(arg: &Arg<'a>, rows: u32, cols: u32) -> Arg<'a> {
    match arg {
        Arg::Range { range, at } => Arg::Range {
            range: RangeRef {
                rows: rows.min(u32::MAX - range.row0),
                cols: cols.min(u32::MAX - range.col0),
                ..*range
            },
            at: *at,
        },
        other => other.clone(),
    }
}

/// Neumaier (compensated) summation, as LibreOffice sums.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    /// Adds `x`.
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// A sum from its running total and compensation (see [`Sum::parts`]).
    pub(crate) fn from_parts(sum: f64, compensation: f64) -> Sum {
        Sum { sum, compensation }
    }

    /// The running total and the compensation, to keep a sum elsewhere.
    pub(crate) fn parts(&self) -> (f64, f64) {
        (self.sum, self.compensation)
    }

    /// The total so far.
    pub(crate) fn total(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// The compensated sum of `xs`.
pub(crate) fn sum_of(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = Sum::default();
    xs.into_iter().for_each(|x| s.add(x));
    s.total()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::args::Array;

    #[test]
    fn aggregate_rules() {
        let arr = Arg::Array(Array {
            rows: 1,
            cols: 4,
            data: vec![
                Value::Number(1.0),
                Value::text("2"),
                Value::Bool(true),
                Value::Empty,
            ],
        });
        let direct = [
            Arg::Value(Value::text("3")),
            Arg::Value(Value::Bool(true)),
            arr,
        ];
        assert_eq!(aggregate_numbers(&direct), Ok(vec![3.0, 1.0, 1.0]));
        let bad = [Arg::Value(Value::text("abc"))];
        assert_eq!(aggregate_numbers(&bad), Err(err(ErrorKind::Value)));
        let errs = [
            Arg::Value(Value::error(ErrorKind::NA)),
            Arg::Value(Value::error(ErrorKind::Div0)),
        ];
        assert_eq!(aggregate_numbers(&errs), Err(err(ErrorKind::NA)));
    }

    #[test]
    fn resizing_stays_in_bounds() {
        let data = [Value::Number(1.0)];
        let range = RangeRef {
            data: &data,
            stride: 1,
            order: &[],
            row0: u32::MAX - 1,
            col0: 0,
            rows: 1,
            cols: 1,
        };
        let arg = Arg::Range { range, at: (0, 0) };
        let big = resized(&arg, u32::MAX, 3);
        assert_eq!(big.dims(), (1, 3));
        assert_eq!(big.get(0, 2), Value::Empty);
    }

    #[test]
    fn compensated_sum() {
        assert_eq!(sum_of([1e100, 1.0, -1e100]), 1.0);
    }
}
