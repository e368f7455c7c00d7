//! Information functions: the `IS…` type tests (`ISEVEN`/`ISODD` too),
//! `NA()`, the conversions `N` and `T`, and the classifiers `TYPE` and
//! `ERROR.TYPE`.

use crate::engine::coerce::to_number;
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{fail, scalar};
use crate::engine::value::{CellError, ErrorKind, Value};

/// `ISNUMBER(value)`.
pub fn isnumber(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(matches!(scalar(args, 0), Value::Number(_)))
}

/// `ISTEXT(value)`.
pub fn istext(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(matches!(scalar(args, 0), Value::Text(_)))
}

/// `ISNONTEXT(value)`.
pub fn isnontext(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(!matches!(scalar(args, 0), Value::Text(_)))
}

/// `ISLOGICAL(value)`.
pub fn islogical(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(matches!(scalar(args, 0), Value::Bool(_)))
}

/// `ISBLANK(value)`: true only for an empty cell (not for empty text).
pub fn isblank(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(scalar(args, 0).is_empty())
}

/// `ISERROR(value)`: any error.
pub fn iserror(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(scalar(args, 0).is_error())
}

/// `ISERR(value)`: any error but `#N/A`.
pub fn iserr(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(matches!(scalar(args, 0), Value::Error(e) if e.kind != ErrorKind::NA))
}

/// `ISNA(value)`: `#N/A` only.
pub fn isna(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(matches!(scalar(args, 0), Value::Error(e) if e.kind == ErrorKind::NA))
}

/// `NA()`: the `#N/A` error.
pub fn na(_args: &[Arg<'_>]) -> Result<Value, CellError> {
    fail(ErrorKind::NA)
}

/// `N(value)`: a number as itself, `TRUE`/`FALSE` as 1/0, an error as
/// itself, anything else (text, blank) as 0.
pub fn n(args: &[Arg<'_>]) -> Result<f64, CellError> {
    match scalar(args, 0) {
        Value::Number(x) => Ok(x),
        Value::Bool(b) => Ok(f64::from(u8::from(b))),
        Value::Error(e) => Err(e),
        Value::Text(_) | Value::Empty => Ok(0.0),
    }
}

/// `T(value)`: text as itself, an error as itself, anything else `""`.
pub fn t(args: &[Arg<'_>]) -> Result<String, CellError> {
    match scalar(args, 0) {
        Value::Text(s) => Ok(s.to_string()),
        Value::Error(e) => Err(e),
        _ => Ok(String::new()),
    }
}

/// `TYPE(value)`: 1 for a number (or a blank cell), 2 text, 4 boolean,
/// 16 error, 64 an array or a reference to more than one cell. Never an
/// error itself.
pub fn type_(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let value = match args.first() {
        Some(Arg::Array(_)) => return Ok(64.0),
        Some(arg @ Arg::Range { range, .. }) => {
            if range.rows != 1 || range.cols != 1 {
                return Ok(64.0);
            }
            arg.get(0, 0)
        }
        Some(Arg::Value(v)) => v.clone(),
        None => Value::Empty,
    };
    Ok(match value {
        Value::Number(_) | Value::Empty => 1.0,
        Value::Text(_) => 2.0,
        Value::Bool(_) => 4.0,
        Value::Error(_) => 16.0,
    })
}

/// `ERROR.TYPE(error_val)`: the number of an error as Excel numbers them
/// (`#NULL!` 1, `#DIV/0!` 2, `#VALUE!` 3, `#REF!` 4, `#NAME?` 5, `#NUM!` 6,
/// `#N/A` 7, `#CALC!` 14; Excel's 8 `#GETTING_DATA` and 9–13 `#SPILL!`…
/// never occur in Lever). Anything that is not an error is `#N/A`. Lever's own
/// circular-reference error has no Excel number and passes through.
pub fn error_type(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let Value::Error(e) = scalar(args, 0) else {
        return fail(ErrorKind::NA);
    };
    Ok(match e.kind {
        ErrorKind::Null => 1.0,
        ErrorKind::Div0 => 2.0,
        ErrorKind::Value => 3.0,
        ErrorKind::Ref => 4.0,
        ErrorKind::Name => 5.0,
        ErrorKind::Num => 6.0,
        ErrorKind::NA => 7.0,
        ErrorKind::Calc => 14.0,
        ErrorKind::Circular => return Err(e),
    })
}

/// The argument of `ISEVEN`/`ISODD` truncated to an integer: numbers,
/// numeric text and blanks (0) are accepted; booleans and other text are
/// `#VALUE!` (as in Excel, which does not take `TRUE` as 1 here).
fn parity_arg(args: &[Arg<'_>]) -> Result<f64, CellError> {
    match scalar(args, 0) {
        Value::Bool(_) => fail(ErrorKind::Value),
        v => Ok(to_number(&v)?.trunc()),
    }
}

/// `ISEVEN(number)`: true if the number, truncated, is even.
pub fn iseven(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(parity_arg(args)? % 2.0 == 0.0)
}

/// `ISODD(number)`: true if the number, truncated, is odd.
pub fn isodd(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(parity_arg(args)? % 2.0 != 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_tests() {
        let v = |x: Value| [Arg::Value(x)];
        assert_eq!(isnumber(&v(Value::Number(1.0))), Ok(true));
        assert_eq!(isnumber(&v(Value::text("1"))), Ok(false));
        assert_eq!(istext(&v(Value::text(""))), Ok(true));
        assert_eq!(isblank(&v(Value::text(""))), Ok(false));
        assert_eq!(isblank(&v(Value::Empty)), Ok(true));
        assert_eq!(iserr(&v(Value::error(ErrorKind::NA))), Ok(false));
        assert_eq!(isna(&v(Value::error(ErrorKind::NA))), Ok(true));
        assert_eq!(iserror(&v(Value::error(ErrorKind::Div0))), Ok(true));
        assert_eq!(islogical(&v(Value::Bool(false))), Ok(true));
        assert_eq!(na(&[]), fail(ErrorKind::NA));
    }

    #[test]
    fn conversions_and_classifiers() {
        use crate::engine::functions::args::{Array, RangeRef};
        let v = |x: Value| [Arg::Value(x)];
        assert_eq!(n(&v(Value::Number(2.5))), Ok(2.5));
        assert_eq!(n(&v(Value::Bool(true))), Ok(1.0));
        assert_eq!(n(&v(Value::text("7"))), Ok(0.0));
        assert_eq!(n(&v(Value::Empty)), Ok(0.0));
        assert_eq!(n(&v(Value::error(ErrorKind::Div0))), fail(ErrorKind::Div0));
        assert_eq!(t(&v(Value::text("ab"))), Ok("ab".into()));
        assert_eq!(t(&v(Value::Number(1.0))), Ok(String::new()));
        assert_eq!(t(&v(Value::Bool(true))), Ok(String::new()));
        assert_eq!(t(&v(Value::error(ErrorKind::NA))), fail(ErrorKind::NA));
        assert_eq!(type_(&v(Value::Number(1.0))), Ok(1.0));
        assert_eq!(type_(&v(Value::Empty)), Ok(1.0));
        assert_eq!(type_(&v(Value::text(""))), Ok(2.0));
        assert_eq!(type_(&v(Value::Bool(false))), Ok(4.0));
        assert_eq!(type_(&v(Value::error(ErrorKind::Ref))), Ok(16.0));
        let array = Arg::Array(Array {
            rows: 1,
            cols: 2,
            data: vec![Value::Number(1.0), Value::Number(2.0)],
        });
        assert_eq!(type_(&[array]), Ok(64.0));
        let data = [Value::text("x"), Value::Number(2.0)];
        let range = RangeRef {
            data: &data,
            stride: 2,
            order: &[],
            row0: 0,
            col0: 0,
            rows: 1,
            cols: 2,
        };
        assert_eq!(type_(&[Arg::Range { range, at: (5, 0) }]), Ok(64.0));
        let one = RangeRef { cols: 1, ..range };
        assert_eq!(
            type_(&[Arg::Range {
                range: one,
                at: (5, 5)
            }]),
            Ok(2.0)
        );
        let kinds = [
            (ErrorKind::Null, 1.0),
            (ErrorKind::Div0, 2.0),
            (ErrorKind::Value, 3.0),
            (ErrorKind::Ref, 4.0),
            (ErrorKind::Name, 5.0),
            (ErrorKind::Num, 6.0),
            (ErrorKind::NA, 7.0),
        ];
        for (kind, code) in kinds {
            assert_eq!(error_type(&v(Value::error(kind))), Ok(code));
        }
        assert_eq!(error_type(&v(Value::Number(1.0))), fail(ErrorKind::NA));
        assert_eq!(error_type(&v(Value::text("#N/A"))), fail(ErrorKind::NA));
    }

    #[test]
    fn parity() {
        let v = |x: Value| [Arg::Value(x)];
        assert_eq!(iseven(&v(Value::Number(2.0))), Ok(true));
        assert_eq!(iseven(&v(Value::Number(-2.9))), Ok(true));
        assert_eq!(isodd(&v(Value::Number(-3.5))), Ok(true));
        assert_eq!(isodd(&v(Value::Number(0.5))), Ok(false));
        assert_eq!(iseven(&v(Value::Empty)), Ok(true));
        assert_eq!(isodd(&v(Value::text("5"))), Ok(true));
        assert_eq!(isodd(&v(Value::text("x"))), fail(ErrorKind::Value));
        assert_eq!(iseven(&v(Value::Bool(true))), fail(ErrorKind::Value));
        assert_eq!(iseven(&v(Value::error(ErrorKind::NA))), fail(ErrorKind::NA));
        assert_eq!(iseven(&v(Value::Number(1e300))), Ok(true));
    }
}
