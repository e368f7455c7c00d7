//! Logical functions: `IF`, `IFS`, `SWITCH`, `IFERROR`, `IFNA`, `AND`,
//! `OR`, `XOR`, `NOT`, `TRUE`, `FALSE`.

use crate::engine::coerce::{to_bool, values_equal};
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{fail, scalar};
use crate::engine::value::{CellError, ErrorKind, Value};

/// `IF(condition, [then], [else])`: a missing else is `FALSE`.
pub fn if_(args: &[Arg<'_>]) -> Result<Value, CellError> {
    if to_bool(&scalar(args, 0))? {
        Ok(scalar(args, 1))
    } else if args.len() > 2 {
        Ok(scalar(args, 2))
    } else {
        Ok(Value::Bool(false))
    }
}

/// `IFS(condition1, value1, …)`: the value of the first true condition;
/// `#N/A` if none is true, `#VALUE!` for an odd number of arguments.
pub fn ifs(args: &[Arg<'_>]) -> Result<Value, CellError> {
    if !args.len().is_multiple_of(2) {
        return fail(ErrorKind::Value);
    }
    for pair in args.chunks_exact(2) {
        if let [condition, value] = pair
            && to_bool(&condition.scalar())?
        {
            return Ok(value.scalar());
        }
    }
    fail(ErrorKind::NA)
}

/// `SWITCH(expression, value1, result1, [value2, result2, …], [default])`:
/// the result paired with the first value equal to the expression (the
/// comparison of `=`: same type, text case-insensitive), else the default
/// (a last unpaired argument), else `#N/A`. An error as the expression, or
/// met as a value before a match, is returned.
pub fn switch(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let target = scalar(args, 0);
    if let Value::Error(e) = target {
        return Err(e);
    }
    let cases = args.get(1..).unwrap_or_default();
    let pairs = cases.chunks_exact(2);
    let default = pairs.remainder().first();
    for pair in pairs {
        if let [value, result] = pair {
            match value.scalar() {
                Value::Error(e) => return Err(e),
                v if values_equal(&v, &target) => return Ok(result.scalar()),
                _ => {}
            }
        }
    }
    match default {
        Some(d) => Ok(d.scalar()),
        None => fail(ErrorKind::NA),
    }
}

/// `IFERROR(value, value_if_error)`.
pub fn iferror(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let v = scalar(args, 0);
    Ok(if v.is_error() { scalar(args, 1) } else { v })
}

/// `IFNA(value, value_if_na)`.
pub fn ifna(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let v = scalar(args, 0);
    let is_na = matches!(&v, Value::Error(e) if e.kind == ErrorKind::NA);
    Ok(if is_na { scalar(args, 1) } else { v })
}

/// The logical values of `AND`/`OR`/`XOR` arguments: direct values are
/// converted (text, even "TRUE", is `#VALUE!`), ranges contribute
/// their numbers and booleans only. No logical value at all is `#VALUE!`.
fn logical_values(args: &[Arg<'_>]) -> Result<Vec<bool>, CellError> {
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Arg::Value(Value::Text(_)) => return fail(ErrorKind::Value),
            Arg::Value(v) => out.push(to_bool(v)?),
            _ => {
                let mut first_error = None;
                arg.for_each_non_blank(|v| match v {
                    Value::Bool(b) => out.push(*b),
                    Value::Number(n) => out.push(*n != 0.0),
                    Value::Error(e) if first_error.is_none() => first_error = Some(e.clone()),
                    _ => {}
                });
                if let Some(e) = first_error {
                    return Err(e);
                }
            }
        }
    }
    if out.is_empty() {
        return fail(ErrorKind::Value);
    }
    Ok(out)
}

/// `AND(values…)`.
pub fn and(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(logical_values(args)?.iter().all(|b| *b))
}

/// `OR(values…)`.
pub fn or(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(logical_values(args)?.iter().any(|b| *b))
}

/// `XOR(values…)`: true if an odd number of values are true.
pub fn xor(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(logical_values(args)?.iter().filter(|b| **b).count() % 2 == 1)
}

/// `NOT(value)`.
pub fn not(args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(!to_bool(&scalar(args, 0))?)
}

/// `TRUE()`.
pub fn true_(_args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(true)
}

/// `FALSE()`.
pub fn false_(_args: &[Arg<'_>]) -> Result<bool, CellError> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::args::Array;

    fn v(x: Value) -> Arg<'static> {
        Arg::Value(x)
    }

    #[test]
    fn conditionals() {
        let n = |x| v(Value::Number(x));
        assert_eq!(
            if_(&[v(Value::Bool(false)), n(1.0)]),
            Ok(Value::Bool(false))
        );
        assert_eq!(if_(&[n(2.0), n(1.0), n(0.0)]), Ok(Value::Number(1.0)));
        assert_eq!(if_(&[v(Value::text("x")), n(1.0)]), fail(ErrorKind::Value));
        assert_eq!(
            if_(&[v(Value::text("true")), n(1.0)]),
            Ok(Value::Number(1.0))
        );
        assert_eq!(
            ifs(&[n(0.0), n(1.0), n(1.0), n(2.0)]),
            Ok(Value::Number(2.0))
        );
        assert_eq!(ifs(&[n(0.0), n(1.0)]), fail(ErrorKind::NA));
        let na = v(Value::error(ErrorKind::NA));
        assert_eq!(ifna(&[na.clone(), n(3.0)]), Ok(Value::Number(3.0)));
        assert_eq!(iferror(&[na, n(3.0)]), Ok(Value::Number(3.0)));
        let div = Value::error(ErrorKind::Div0);
        assert_eq!(ifna(&[v(div.clone()), n(3.0)]), Ok(div));
    }

    #[test]
    fn connectives() {
        let arr = Arg::Array(Array {
            rows: 1,
            cols: 3,
            data: vec![Value::Bool(true), Value::text("x"), Value::Number(0.0)],
        });
        assert_eq!(and(std::slice::from_ref(&arr)), Ok(false));
        assert_eq!(or(std::slice::from_ref(&arr)), Ok(true));
        assert_eq!(xor(&[arr, v(Value::Bool(true))]), Ok(false));
        assert_eq!(and(&[v(Value::text("x"))]), fail(ErrorKind::Value));
        let texts = Arg::Array(Array {
            rows: 1,
            cols: 1,
            data: vec![Value::text("x")],
        });
        assert_eq!(or(&[texts]), fail(ErrorKind::Value));
        assert_eq!(not(&[v(Value::Number(0.0))]), Ok(true));
    }

    #[test]
    fn switching() {
        let n = |x| v(Value::Number(x));
        let t = |s: &str| v(Value::text(s));
        assert_eq!(
            switch(&[n(2.0), n(1.0), t("one"), n(2.0), t("two")]),
            Ok(Value::text("two"))
        );
        assert_eq!(
            switch(&[n(3.0), n(1.0), t("one"), n(2.0), t("two")]),
            fail(ErrorKind::NA)
        );
        assert_eq!(
            switch(&[n(3.0), n(1.0), t("one"), t("other")]),
            Ok(Value::text("other"))
        );
        assert_eq!(
            switch(&[t("B"), t("a"), n(1.0), t("b"), n(2.0)]),
            Ok(Value::Number(2.0))
        );
        // No conversion between types: 1 is not "1" nor TRUE.
        assert_eq!(
            switch(&[n(1.0), t("1"), n(1.0), v(Value::Bool(true)), n(2.0), n(0.0)]),
            Ok(Value::Number(0.0))
        );
        assert_eq!(
            switch(&[v(Value::error(ErrorKind::Div0)), n(1.0), n(1.0), n(0.0)]),
            fail(ErrorKind::Div0)
        );
        assert_eq!(
            switch(&[
                n(1.0),
                v(Value::error(ErrorKind::Ref)),
                n(1.0),
                n(1.0),
                n(2.0)
            ]),
            fail(ErrorKind::Ref)
        );
        assert_eq!(
            switch(&[n(1.0), n(1.0), v(Value::error(ErrorKind::NA))]),
            Ok(Value::error(ErrorKind::NA))
        );
        assert_eq!(
            switch(&[v(Value::Empty), n(0.0), t("zero")]),
            Ok(Value::text("zero"))
        );
    }
}
