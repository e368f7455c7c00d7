//! Trigonometry: angles, trigonometric and hyperbolic functions and their
//! inverses, with Excel's domains and errors. Arguments are in radians;
//! `DEGREES`/`RADIANS` convert. Domain errors are `#NUM!`, a reciprocal of
//! zero (`COT(0)`, `CSC(0)`, `COTH(0)`, `CSCH(0)`) is `#DIV/0!`, and as in
//! Excel the circular functions refuse arguments of magnitude 2^27 or more
//! (`#NUM!`), where the angle has lost all its fractional precision.

use std::f64::consts::{FRAC_PI_2, PI};

use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{fail, num_arg};
use crate::engine::value::{CellError, ErrorKind};

/// Largest magnitude (exclusive) Excel accepts in `SIN`, `COS`, `TAN`,
/// `COT`, `CSC`, `SEC` and, per its documentation, `COTH`, `CSCH`, `SECH`.
const ANGLE_LIMIT: f64 = 134_217_728.0; // 2^27

/// `x`, or `#NUM!` if it is not finite (overflow, NaN).
fn finite(x: f64) -> Result<f64, CellError> {
    if x.is_finite() {
        Ok(x)
    } else {
        fail(ErrorKind::Num)
    }
}

/// The single argument, `#NUM!` if its magnitude is 2^27 or more.
fn angle(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if x.is_nan() || x.abs() >= ANGLE_LIMIT {
        return fail(ErrorKind::Num);
    }
    Ok(x)
}

/// `1 / d`, `#DIV/0!` if `d` is zero, `#NUM!` if not finite.
fn reciprocal(d: f64) -> Result<f64, CellError> {
    if d == 0.0 {
        return fail(ErrorKind::Div0);
    }
    finite(1.0 / d)
}

/// `SIN(number)`.
pub fn sin(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(angle(args)?.sin())
}

/// `COS(number)`.
pub fn cos(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(angle(args)?.cos())
}

/// `TAN(number)`.
pub fn tan(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(angle(args)?.tan())
}

/// `COT(number)`: the cotangent, `#DIV/0!` at 0.
pub fn cot(args: &[Arg<'_>]) -> Result<f64, CellError> {
    reciprocal(angle(args)?.tan())
}

/// `CSC(number)`: the cosecant, `#DIV/0!` at 0.
pub fn csc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    reciprocal(angle(args)?.sin())
}

/// `SEC(number)`: the secant.
pub fn sec(args: &[Arg<'_>]) -> Result<f64, CellError> {
    reciprocal(angle(args)?.cos())
}

/// `ASIN(number)`: in [-π/2, π/2]; `#NUM!` outside [-1, 1].
pub fn asin(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if !(-1.0..=1.0).contains(&x) {
        return fail(ErrorKind::Num);
    }
    Ok(x.asin())
}

/// `ACOS(number)`: in [0, π]; `#NUM!` outside [-1, 1].
pub fn acos(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if !(-1.0..=1.0).contains(&x) {
        return fail(ErrorKind::Num);
    }
    Ok(x.acos())
}

/// `ATAN(number)`: in (-π/2, π/2).
pub fn atan(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(num_arg(args, 0)?.atan())
}

/// `ATAN2(x_num, y_num)`: the angle of the point (x, y) from the x axis, in
/// (-π, π]. Note Excel's order, x first (the reverse of C's `atan2`);
/// `ATAN2(0, 0)` is `#DIV/0!`.
pub fn atan2(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    let y = num_arg(args, 1)?;
    if x == 0.0 && y == 0.0 {
        return fail(ErrorKind::Div0);
    }
    finite(y.atan2(x))
}

/// `ACOT(number)`: the arccotangent, in (0, π) (`ACOT(0)` is π/2, negative
/// numbers give angles above π/2).
pub fn acot(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(FRAC_PI_2 - num_arg(args, 0)?.atan())
}

/// `SINH(number)`: `#NUM!` on overflow.
pub fn sinh(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(num_arg(args, 0)?.sinh())
}

/// `COSH(number)`: `#NUM!` on overflow.
pub fn cosh(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(num_arg(args, 0)?.cosh())
}

/// `TANH(number)`.
pub fn tanh(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(num_arg(args, 0)?.tanh())
}

/// `COTH(number)`: the hyperbolic cotangent, `#DIV/0!` at 0.
pub fn coth(args: &[Arg<'_>]) -> Result<f64, CellError> {
    reciprocal(angle(args)?.tanh())
}

/// `CSCH(number)`: the hyperbolic cosecant, `#DIV/0!` at 0.
pub fn csch(args: &[Arg<'_>]) -> Result<f64, CellError> {
    reciprocal(angle(args)?.sinh())
}

/// `SECH(number)`: the hyperbolic secant.
pub fn sech(args: &[Arg<'_>]) -> Result<f64, CellError> {
    reciprocal(angle(args)?.cosh())
}

/// `ASINH(number)`.
pub fn asinh(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(num_arg(args, 0)?.asinh())
}

/// `ACOSH(number)`: `#NUM!` below 1.
pub fn acosh(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if x.is_nan() || x < 1.0 {
        return fail(ErrorKind::Num);
    }
    finite(x.acosh())
}

/// `ATANH(number)`: `#NUM!` unless strictly between -1 and 1.
pub fn atanh(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if !(x > -1.0 && x < 1.0) {
        return fail(ErrorKind::Num);
    }
    finite(x.atanh())
}

/// `ACOTH(number)`: the inverse hyperbolic cotangent, `atanh(1/x)`;
/// `#NUM!` unless the magnitude is greater than 1.
pub fn acoth(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if x.is_nan() || x.abs() <= 1.0 {
        return fail(ErrorKind::Num);
    }
    finite((1.0 / x).atanh())
}

/// `DEGREES(angle)`: radians to degrees.
pub fn degrees(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(num_arg(args, 0)?.to_degrees())
}

/// `RADIANS(angle)`: degrees to radians.
pub fn radians(args: &[Arg<'_>]) -> Result<f64, CellError> {
    finite(num_arg(args, 0)?.to_radians())
}

/// `SQRTPI(number)`: `√(number·π)`; `#NUM!` for negative numbers.
pub fn sqrtpi(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num_arg(args, 0)?;
    if x < 0.0 {
        return fail(ErrorKind::Num);
    }
    finite((x * PI).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::Value;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    type F = fn(&[Arg<'_>]) -> Result<f64, CellError>;

    fn close(f: F, x: f64, expected: f64) {
        let got = f(&[n(x)]).unwrap_or_else(|e| panic!("{x}: {e}"));
        let tolerance = 1e-12 * expected.abs().max(1.0);
        assert!(
            (got - expected).abs() <= tolerance,
            "{x}: {got} vs {expected}"
        );
    }

    fn error(f: F, x: f64, kind: ErrorKind) {
        assert_eq!(f(&[n(x)]), fail(kind), "{x}");
    }

    #[test]
    fn circular_functions() {
        close(sin, PI / 6.0, 0.5);
        close(cos, 0.0, 1.0);
        close(cos, PI / 3.0, 0.5);
        close(tan, PI / 4.0, 1.0);
        close(cot, PI / 4.0, 1.0);
        close(cot, 1.0, 0.642_092_615_934_330_7);
        close(csc, PI / 2.0, 1.0);
        close(csc, 1.0, 1.188_395_105_778_121_2);
        close(sec, 0.0, 1.0);
        close(sec, 1.0, 1.850_815_717_680_925_6);
        error(cot, 0.0, ErrorKind::Div0);
        error(csc, 0.0, ErrorKind::Div0);
        // Excel's 2^27 limit.
        close(sin, 134_217_727.0, 134_217_727f64.sin());
        for f in [sin, cos, tan, cot, csc, sec] {
            error(f, 134_217_728.0, ErrorKind::Num);
            error(f, -1e300, ErrorKind::Num);
        }
    }

    #[test]
    fn inverse_circular_functions() {
        close(asin, 1.0, FRAC_PI_2);
        close(asin, -0.5, -PI / 6.0);
        close(acos, -1.0, PI);
        close(acos, 0.5, PI / 3.0);
        error(acos, 2.0, ErrorKind::Num);
        error(asin, -1.000_001, ErrorKind::Num);
        close(atan, 1.0, PI / 4.0);
        close(acot, 0.0, FRAC_PI_2);
        close(acot, 1.0, PI / 4.0);
        close(acot, -1.0, 3.0 * PI / 4.0);
        close(acot, 2.0, 0.463_647_609_000_806_1);
    }

    #[test]
    fn atan2_takes_x_first() {
        let a = |x, y| atan2(&[n(x), n(y)]);
        assert_eq!(a(1.0, 1.0), Ok(PI / 4.0));
        assert_eq!(a(-1.0, -1.0), Ok(-3.0 * PI / 4.0));
        assert_eq!(a(0.0, 1.0), Ok(FRAC_PI_2));
        assert_eq!(a(-1.0, 0.0), Ok(PI));
        assert_eq!(a(0.0, 0.0), fail(ErrorKind::Div0));
        assert_eq!(
            atan2(&[Arg::Value(Value::text("x")), n(1.0)]),
            fail(ErrorKind::Value)
        );
    }

    #[test]
    fn hyperbolic_functions() {
        close(sinh, 1.0, 1.175_201_193_643_801_4);
        close(cosh, 1.0, 1.543_080_634_815_243_7);
        close(tanh, 0.5, 0.462_117_157_260_009_8);
        close(tanh, 1000.0, 1.0);
        close(coth, 1.0, 1.313_035_285_499_331_3);
        close(csch, 1.5, 0.469_642_440_595_224_64);
        close(sech, 1.0, 0.648_054_273_663_885_4);
        close(sech, 1000.0, 0.0);
        close(csch, -1000.0, 0.0);
        error(sinh, 711.0, ErrorKind::Num);
        error(cosh, -711.0, ErrorKind::Num);
        error(coth, 0.0, ErrorKind::Div0);
        error(csch, 0.0, ErrorKind::Div0);
        for f in [coth, csch, sech] {
            error(f, 134_217_728.0, ErrorKind::Num);
        }
    }

    #[test]
    fn inverse_hyperbolic_functions() {
        close(asinh, -2.5, -1.647_231_146_371_095_9);
        close(acosh, 1.0, 0.0);
        close(acosh, 10.0, 2.993_222_846_126_381);
        error(acosh, 0.99, ErrorKind::Num);
        close(atanh, 0.76159416, 1.000_000_009_629_719_7);
        close(atanh, -0.1, -0.100_335_347_731_075_58);
        error(atanh, 1.0, ErrorKind::Num);
        error(atanh, -1.0, ErrorKind::Num);
        close(acoth, 6.0, 0.168_236_118_310_606_3);
        close(acoth, -2.0, -0.549_306_144_334_054_9);
        error(acoth, 1.0, ErrorKind::Num);
        error(acoth, 0.5, ErrorKind::Num);
    }

    #[test]
    fn conversions() {
        close(degrees, PI, 180.0);
        close(radians, 270.0, 4.712_388_980_384_69);
        close(sqrtpi, 1.0, PI.sqrt());
        close(sqrtpi, 2.0, 2.506_628_274_631_000_2);
        error(sqrtpi, -1.0, ErrorKind::Num);
        error(degrees, 1e308, ErrorKind::Num);
    }

    #[test]
    fn errors_and_text_pass_through() {
        let na = [Arg::Value(Value::error(ErrorKind::NA))];
        assert_eq!(sin(&na), fail(ErrorKind::NA));
        assert_eq!(acos(&na), fail(ErrorKind::NA));
        assert_eq!(cos(&[Arg::Value(Value::text("0"))]), Ok(1.0));
        assert_eq!(cos(&[Arg::Value(Value::Empty)]), Ok(1.0));
        assert_eq!(
            sin(&[Arg::Value(Value::text("abc"))]),
            fail(ErrorKind::Value)
        );
    }
}
