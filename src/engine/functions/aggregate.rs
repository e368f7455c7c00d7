//! `SUBTOTAL` and `AGGREGATE`: one of several aggregates chosen by number,
//! `AGGREGATE` optionally ignoring error values.
//!
//! Not supported: both functions ignore hidden rows (`SUBTOTAL` 101–111,
//! `AGGREGATE` options 1, 3, 5, 7) and the results of other `SUBTOTAL` or
//! `AGGREGATE` formulas inside their ranges (options 0–3); Lever has no
//! hidden rows and sees only the values of cells, so these are computed
//! like their plain counterparts.

use crate::engine::functions::args::{Arg, Array};
use crate::engine::functions::helpers::{aggregate_numbers, fail, num_arg, trunc_i64, values_of};
use crate::engine::functions::{math, stats};
use crate::engine::value::{CellError, ErrorKind, Value};

/// The aggregate of function number `number` (1–11, as `SUBTOTAL` numbers
/// them; 12 `MEDIAN` and 13 `MODE.SNGL` for `AGGREGATE`) over `args`.
fn apply(number: i64, args: &[Arg<'_>]) -> Result<Value, CellError> {
    let result = match number {
        1 => stats::average(args),
        2 => stats::count(args),
        3 => stats::counta(args),
        4 => stats::max(args),
        5 => stats::min(args),
        6 => math::product(args),
        7 => stats::stdev_s(args),
        8 => stats::stdev_p(args),
        9 => math::sum(args),
        10 => stats::var_s(args),
        11 => stats::var_p(args),
        12 => stats::median(args),
        13 => stats::mode_of(&aggregate_numbers(args)?),
        _ => return fail(ErrorKind::Value),
    };
    result.map(Value::Number)
}

/// `SUBTOTAL(function_num, ref1, …)`: 1 `AVERAGE`, 2 `COUNT`, 3 `COUNTA`,
/// 4 `MAX`, 5 `MIN`, 6 `PRODUCT`, 7 `STDEV`, 8 `STDEVP`, 9 `SUM`, 10 `VAR`,
/// 11 `VARP`, and the same plus 100 (see the module notes on hidden rows);
/// any other number is `#VALUE!`.
pub fn subtotal(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let number = trunc_i64(num_arg(args, 0)?);
    let number = if (101..=111).contains(&number) {
        number - 100
    } else {
        number
    };
    if !(1..=11).contains(&number) {
        return fail(ErrorKind::Value);
    }
    apply(number, args.get(1..).unwrap_or_default())
}

/// An argument without its error values (errors become blanks), for the
/// options of `AGGREGATE` that ignore errors.
fn without_errors(arg: &Arg<'_>) -> Option<Arg<'static>> {
    if let Arg::Value(v) = arg {
        return (!matches!(v, Value::Error(_))).then(|| Arg::Value(v.clone()));
    }
    let (rows, cols) = arg.dims();
    let data = values_of(arg)
        .into_iter()
        .map(|v| match v {
            Value::Error(_) => Value::Empty,
            other => other,
        })
        .collect();
    Some(Arg::Array(Array { rows, cols, data }))
}

/// `AGGREGATE(function_num, options, ref1, …)` and `AGGREGATE(function_num,
/// options, array, k)`: functions 1–11 as `SUBTOTAL`, 12 `MEDIAN`,
/// 13 `MODE.SNGL`, and with `k` 14 `LARGE`, 15 `SMALL`, 16
/// `PERCENTILE.INC`, 17 `QUARTILE.INC`, 18 `PERCENTILE.EXC`, 19
/// `QUARTILE.EXC`. Options 2, 3, 6 and 7 ignore error values; 0–7 are
/// otherwise alike here (see the module notes). Other function numbers or
/// options are `#VALUE!`, as is a missing `k` for 14–19.
pub fn aggregate(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let number = trunc_i64(num_arg(args, 0)?);
    let options = trunc_i64(num_arg(args, 1)?);
    if !(0..=7).contains(&options) || !(1..=19).contains(&number) {
        return fail(ErrorKind::Value);
    }
    let ignore_errors = matches!(options, 2 | 3 | 6 | 7);
    let data = args.get(2..).unwrap_or_default();
    if number <= 13 {
        if !ignore_errors {
            return apply(number, data);
        }
        let cleaned: Vec<Arg<'_>> = data.iter().filter_map(without_errors).collect();
        return apply(number, &cleaned);
    }
    let (Some(array), Some(k)) = (data.first(), data.get(1)) else {
        return fail(ErrorKind::Value);
    };
    let array = if ignore_errors {
        without_errors(array).unwrap_or(Arg::Value(Value::Empty))
    } else {
        array.clone()
    };
    let pair = [array, k.clone()];
    let result = match number {
        14 => stats::large(&pair),
        15 => stats::small(&pair),
        16 => stats::percentile_inc(&pair),
        17 => stats::quartile_inc(&pair),
        18 => stats::percentile_exc(&pair),
        _ => stats::quartile_exc(&pair),
    };
    result.map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    fn row(data: Vec<Value>) -> Arg<'static> {
        Arg::Array(Array {
            rows: 1,
            cols: data.len() as u32,
            data,
        })
    }

    #[test]
    fn numbers_choose_the_aggregate() {
        let xs = row(vec![
            Value::Number(1.0),
            Value::Number(2.0),
            Value::Number(6.0),
        ]);
        assert_eq!(subtotal(&[n(9.0), xs.clone()]), Ok(Value::Number(9.0)));
        assert_eq!(subtotal(&[n(101.0), xs.clone()]), Ok(Value::Number(3.0)));
        assert_eq!(subtotal(&[n(12.0), xs.clone()]), fail(ErrorKind::Value));
        assert_eq!(
            aggregate(&[n(14.0), n(0.0), xs.clone(), n(2.0)]),
            Ok(Value::Number(2.0))
        );
        assert_eq!(aggregate(&[n(14.0), n(0.0), xs]), fail(ErrorKind::Value));
    }

    #[test]
    fn options_ignore_errors() {
        let xs = row(vec![
            Value::Number(1.0),
            Value::error(ErrorKind::Div0),
            Value::Number(5.0),
        ]);
        assert_eq!(
            aggregate(&[n(9.0), n(6.0), xs.clone()]),
            Ok(Value::Number(6.0))
        );
        assert_eq!(
            aggregate(&[n(9.0), n(4.0), xs.clone()]),
            fail(ErrorKind::Div0)
        );
        assert_eq!(aggregate(&[n(4.0), n(8.0), xs]), fail(ErrorKind::Value));
    }
}
