//! Information functions: the `IS…` type tests and `NA()`.

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
}
