//! Probability distributions: densities, cumulative probabilities and
//! inverses, in Excel's argument order.
//!
//! - normal: `NORM.DIST`, `NORM.INV`, `NORM.S.DIST`, `NORM.S.INV` and the
//!   legacy `NORMDIST`, `NORMINV`, `NORMSDIST`, `NORMSINV`; `PHI`, `GAUSS`,
//!   `STANDARDIZE`, `CONFIDENCE.NORM`/`CONFIDENCE`, `CONFIDENCE.T`
//! - lognormal (`LOGNORM.DIST`, `LOGNORM.INV`, `LOGNORMDIST`, `LOGINV`),
//!   exponential, Weibull, gamma (with the `GAMMA`/`GAMMALN` functions), beta
//! - discrete: binomial (`BINOM.DIST`, `BINOM.INV`/`CRITBINOM`), Poisson
//! - the sampling distributions: Student's t, chi-squared, F; `FISHER`
//!
//! The special functions (error function, gamma, regularized incomplete
//! gamma and beta) come from `statrs`. Inverses are found by bisection on
//! those cumulative functions ([`invert`]), on whichever tail is smaller so
//! that quantiles far out keep their precision (statrs's own inverse of the
//! incomplete beta function loses it in the tails and has unbounded loops).
//! Binomial and Poisson probabilities use Loader's saddle-point expansion,
//! precise for any number of trials; beyond the parameters where statrs's
//! series lose precision (a gamma shape above 10⁶, more than 10⁵ trials, t
//! beyond 10⁸ degrees of freedom) an approximation or a direct sum takes
//! over, as noted at each constant.
//! Every parameter is checked before use: invalid ones (a standard deviation
//! ≤ 0, a probability outside its interval, …) are `#NUM!` as in Excel, and
//! statrs is never called where it would panic. Degrees of freedom, counts
//! and trials are truncated to integers, as Excel does.

use std::f64::consts::{PI, SQRT_2};

use statrs::function::beta::{beta_reg, ln_beta};
use statrs::function::erf::{erf, erfc, erfc_inv};
use statrs::function::factorial::ln_factorial;
use statrs::function::gamma::{gamma, gamma_lr, gamma_ur, ln_gamma};

use crate::engine::coerce::to_bool;
use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{Sum, fail, num_arg, scalar};
use crate::engine::value::{CellError, ErrorKind};

/// The largest degrees of freedom Excel accepts for `CHISQ.*` and `F.*`.
const MAX_DEGREES: f64 = 1e10;

// ---------------------------------------------------------------------------
// Arguments

/// Argument `i` as a number; a non-finite one (which no cell holds) is `#NUM!`.
fn num(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    let x = num_arg(args, i)?;
    if x.is_finite() {
        Ok(x)
    } else {
        fail(ErrorKind::Num)
    }
}

/// Argument `i` truncated toward zero (degrees of freedom, trials, counts).
fn int(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    Ok(num(args, i)?.trunc())
}

/// Argument `i` as the `cumulative` flag: a boolean (numbers count, 0 is FALSE).
fn flag(args: &[Arg<'_>], i: usize) -> Result<bool, CellError> {
    to_bool(&scalar(args, i))
}

/// `Ok(())` if the parameters are valid, `#NUM!` otherwise.
fn require(valid: bool) -> Result<(), CellError> {
    if valid { Ok(()) } else { fail(ErrorKind::Num) }
}

/// Degrees of freedom of `CHISQ.*` and `F.*`: truncated, 1 to 10¹⁰.
fn degrees(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    let df = int(args, i)?;
    require((1.0..=MAX_DEGREES).contains(&df))?;
    Ok(df)
}

/// Degrees of freedom of the `T.*` functions: truncated, at least 1.
fn t_degrees(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    let df = int(args, i)?;
    require(df >= 1.0)?;
    Ok(df)
}

// ---------------------------------------------------------------------------
// Inversion

/// The `x` in `[lo, hi]` where the increasing function `f` reaches `target`
/// (`f(lo) < target ≤ f(hi)`), by bisection: geometric while both ends are
/// positive and far apart, so that a root near 0 or far out costs a few
/// dozen steps, then arithmetic down to neighbouring floating-point numbers.
fn invert(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..2_000 {
        let mid = if lo > 0.0 && hi > 2.0 * lo {
            lo.sqrt() * hi.sqrt()
        } else {
            lo + (hi - lo) / 2.0
        };
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo + (hi - lo) / 2.0
}

/// The `x > 0` where the increasing function `f` reaches `target`: 0 if `f`
/// is there already at the smallest positive number, `#NUM!` if it is not
/// reached below 10³⁰⁰.
fn root_positive(f: impl Fn(f64) -> f64, target: f64) -> Result<f64, CellError> {
    let lo = f64::MIN_POSITIVE;
    if f(lo) >= target {
        return Ok(0.0);
    }
    let mut hi = 1.0;
    while f(hi) < target {
        hi *= 16.0;
        if hi > 1e300 {
            return fail(ErrorKind::Num);
        }
    }
    Ok(invert(f, target, lo, hi))
}

/// The quantile of a distribution on `[0, ∞)` (or `[0, 1]`) given by its
/// cumulative and survival functions: the `x` that leaves `lower` below and
/// `upper` (= 1 − `lower`) above it, solved on the smaller tail. 0 when
/// `lower` is 0, `#NUM!` when `upper` is 0 (the quantile is infinite).
fn positive_quantile(
    cdf: impl Fn(f64) -> f64,
    sf: impl Fn(f64) -> f64,
    lower: f64,
    upper: f64,
) -> Result<f64, CellError> {
    if lower <= 0.0 {
        Ok(0.0)
    } else if upper <= 0.0 {
        fail(ErrorKind::Num)
    } else if lower <= upper {
        root_positive(cdf, lower)
    } else {
        root_positive(|x| -sf(x), -upper)
    }
}

// ---------------------------------------------------------------------------
// Normal

/// The standard normal cumulative distribution Φ(z).
fn norm_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / SQRT_2)
}

/// The standard normal density φ(z).
fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// The standard normal quantile Φ⁻¹(p) for `p` in (0, 1), `#NUM!` outside.
fn norm_inv(p: f64) -> Result<f64, CellError> {
    require(p > 0.0 && p < 1.0)?;
    Ok(-SQRT_2 * erfc_inv(2.0 * p))
}

/// Normal distribution at `x`: density or cumulative.
fn normal(x: f64, mean: f64, sd: f64, cumulative: bool) -> Result<f64, CellError> {
    require(sd > 0.0)?;
    let z = (x - mean) / sd;
    Ok(if cumulative {
        norm_cdf(z)
    } else {
        norm_pdf(z) / sd
    })
}

/// `NORM.DIST(x, mean, standard_dev, cumulative)`: `#NUM!` if
/// `standard_dev` ≤ 0.
pub fn norm_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, mean, sd, cumulative) = (num(args, 0)?, num(args, 1)?, num(args, 2)?, flag(args, 3)?);
    normal(x, mean, sd, cumulative)
}

/// `NORMDIST(x, mean, standard_dev, cumulative)`: the legacy name of
/// `NORM.DIST`.
pub fn normdist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    norm_dist(args)
}

/// `NORM.INV(probability, mean, standard_dev)`: `#NUM!` unless
/// 0 < `probability` < 1 and `standard_dev` > 0.
pub fn norm_inv_fn(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, mean, sd) = (num(args, 0)?, num(args, 1)?, num(args, 2)?);
    require(sd > 0.0)?;
    Ok(mean + sd * norm_inv(p)?)
}

/// `NORMINV(probability, mean, standard_dev)`: the legacy name of `NORM.INV`.
pub fn norminv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    norm_inv_fn(args)
}

/// `NORM.S.DIST(z, cumulative)`: the standard normal distribution.
pub fn norm_s_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (z, cumulative) = (num(args, 0)?, flag(args, 1)?);
    normal(z, 0.0, 1.0, cumulative)
}

/// `NORMSDIST(z)`: the standard normal cumulative distribution.
pub fn normsdist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(norm_cdf(num(args, 0)?))
}

/// `NORM.S.INV(probability)`: `#NUM!` unless 0 < `probability` < 1.
pub fn norm_s_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    norm_inv(num(args, 0)?)
}

/// `NORMSINV(probability)`: the legacy name of `NORM.S.INV`.
pub fn normsinv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    norm_s_inv(args)
}

/// `PHI(x)`: the standard normal density.
pub fn phi(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(norm_pdf(num(args, 0)?))
}

/// `GAUSS(z)`: the probability that a standard normal value falls between
/// the mean and `z` standard deviations from it, Φ(z) − ½.
pub fn gauss(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(0.5 * erf(num(args, 0)? / SQRT_2))
}

/// `STANDARDIZE(x, mean, standard_dev)`: (x − mean) / standard_dev; `#NUM!`
/// if `standard_dev` ≤ 0.
pub fn standardize(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, mean, sd) = (num(args, 0)?, num(args, 1)?, num(args, 2)?);
    require(sd > 0.0)?;
    Ok((x - mean) / sd)
}

/// The checked arguments of `CONFIDENCE.*`: (alpha, standard_dev, size),
/// `size` truncated; `#NUM!` unless 0 < alpha < 1, sd > 0 and size ≥ 1.
fn confidence_args(args: &[Arg<'_>]) -> Result<(f64, f64, f64), CellError> {
    let (alpha, sd, size) = (num(args, 0)?, num(args, 1)?, int(args, 2)?);
    require(alpha > 0.0 && alpha < 1.0 && sd > 0.0 && size >= 1.0)?;
    Ok((alpha, sd, size))
}

/// `CONFIDENCE.NORM(alpha, standard_dev, size)`: half the width of the
/// normal confidence interval for a mean, z₁₋α/₂ · sd / √size.
pub fn confidence_norm(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (alpha, sd, size) = confidence_args(args)?;
    Ok(-norm_inv(alpha / 2.0)? * sd / size.sqrt())
}

/// `CONFIDENCE(alpha, standard_dev, size)`: the legacy name of
/// `CONFIDENCE.NORM`.
pub fn confidence(args: &[Arg<'_>]) -> Result<f64, CellError> {
    confidence_norm(args)
}

/// `CONFIDENCE.T(alpha, standard_dev, size)`: half the width of the
/// Student's t confidence interval for a mean, t₁₋α/₂,ₙ₋₁ · sd / √size;
/// `#DIV/0!` if `size` is 1.
pub fn confidence_t(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (alpha, sd, size) = confidence_args(args)?;
    if size == 1.0 {
        return fail(ErrorKind::Div0);
    }
    let nu = size - 1.0;
    let t = root_positive(|x| -t_tail(x, nu), -alpha / 2.0)?;
    Ok(t * sd / size.sqrt())
}

// ---------------------------------------------------------------------------
// Lognormal, exponential, Weibull

/// `LOGNORM.DIST(x, mean, standard_dev, cumulative)`: the distribution of
/// a value whose logarithm is normal; `#NUM!` if `x` ≤ 0 or
/// `standard_dev` ≤ 0.
pub fn lognorm_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, mean, sd, cumulative) = (num(args, 0)?, num(args, 1)?, num(args, 2)?, flag(args, 3)?);
    require(x > 0.0 && sd > 0.0)?;
    let z = (x.ln() - mean) / sd;
    Ok(if cumulative {
        norm_cdf(z)
    } else {
        norm_pdf(z) / (x * sd)
    })
}

/// `LOGNORMDIST(x, mean, standard_dev)`: the legacy, cumulative-only
/// `LOGNORM.DIST`.
pub fn lognormdist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, mean, sd) = (num(args, 0)?, num(args, 1)?, num(args, 2)?);
    require(x > 0.0 && sd > 0.0)?;
    Ok(norm_cdf((x.ln() - mean) / sd))
}

/// `LOGNORM.INV(probability, mean, standard_dev)`: e^(mean + sd·Φ⁻¹(p));
/// `#NUM!` unless 0 < `probability` < 1 and `standard_dev` > 0.
pub fn lognorm_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, mean, sd) = (num(args, 0)?, num(args, 1)?, num(args, 2)?);
    require(sd > 0.0)?;
    Ok((mean + sd * norm_inv(p)?).exp())
}

/// `LOGINV(probability, mean, standard_dev)`: the legacy name of
/// `LOGNORM.INV`.
pub fn loginv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    lognorm_inv(args)
}

/// `EXPON.DIST(x, lambda, cumulative)`: `#NUM!` if `x` < 0 or `lambda` ≤ 0.
pub fn expon_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, lambda, cumulative) = (num(args, 0)?, num(args, 1)?, flag(args, 2)?);
    require(x >= 0.0 && lambda > 0.0)?;
    Ok(if cumulative {
        -(-lambda * x).exp_m1()
    } else {
        lambda * (-lambda * x).exp()
    })
}

/// `EXPONDIST(x, lambda, cumulative)`: the legacy name of `EXPON.DIST`.
pub fn expondist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    expon_dist(args)
}

/// `WEIBULL.DIST(x, alpha, beta, cumulative)` (also `WEIBULL`): shape
/// `alpha`, scale `beta`; `#NUM!` if `x` < 0, `alpha` ≤ 0 or `beta` ≤ 0.
pub fn weibull_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, alpha, beta, cumulative) =
        (num(args, 0)?, num(args, 1)?, num(args, 2)?, flag(args, 3)?);
    require(x >= 0.0 && alpha > 0.0 && beta > 0.0)?;
    let u = x / beta;
    let power = u.powf(alpha);
    Ok(if cumulative {
        -(-power).exp_m1()
    } else {
        alpha / beta * u.powf(alpha - 1.0) * (-power).exp()
    })
}

// ---------------------------------------------------------------------------
// Gamma and beta

/// Above this shape statrs's incomplete gamma function loses precision
/// (its terms are scaled by e^(a·ln x − x − ln Γ(a)), a difference of huge
/// numbers) and slows down, without end for the largest shapes; there
/// Wilson and Hilferty's normal approximation, within about 5·10⁻⁹ of the
/// exact value at this shape and closer above, takes over.
const LARGE_SHAPE: f64 = 1e6;

/// The standard normal value that Wilson–Hilferty's approximation gives for
/// P(a, x).
fn wilson_hilferty(a: f64, x: f64) -> f64 {
    ((x / a).cbrt() - (1.0 - 1.0 / (9.0 * a))) * (9.0 * a).sqrt()
}

/// P(a, x), the regularized lower incomplete gamma function (a > 0).
fn lower_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x.is_infinite() {
        1.0
    } else if a > LARGE_SHAPE {
        norm_cdf(wilson_hilferty(a, x))
    } else {
        gamma_lr(a, x)
    }
}

/// Q(a, x) = 1 − P(a, x), computed directly for precision in the tail.
fn upper_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x.is_infinite() {
        0.0
    } else if a > LARGE_SHAPE {
        norm_cdf(-wilson_hilferty(a, x))
    } else {
        gamma_ur(a, x)
    }
}

/// Density of the gamma distribution with shape `a` and scale `b` at `x ≥ 0`
/// (infinite at 0 for a shape below 1).
fn gamma_pdf(x: f64, a: f64, b: f64) -> f64 {
    if x == 0.0 {
        return match a.partial_cmp(&1.0) {
            Some(std::cmp::Ordering::Less) => f64::INFINITY,
            Some(std::cmp::Ordering::Equal) => 1.0 / b,
            _ => 0.0,
        };
    }
    let u = x / b;
    ((a - 1.0) * u.ln() - u - ln_gamma(a)).exp() / b
}

/// The gamma quantile for shape `a` and scale `b`, with the probability
/// below (`lower`) and above (`upper`) it.
fn gamma_quantile(a: f64, b: f64, lower: f64, upper: f64) -> Result<f64, CellError> {
    let u = positive_quantile(|u| lower_gamma(a, u), |u| upper_gamma(a, u), lower, upper)?;
    Ok(u * b)
}

/// `GAMMA(number)`: Γ(number); `#NUM!` at 0 and the negative integers, and
/// where it overflows.
pub fn gamma_fn(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num(args, 0)?;
    require(!(x <= 0.0 && x == x.trunc()))?;
    Ok(gamma(x))
}

/// `GAMMALN(x)`: ln Γ(x); `#NUM!` if `x` ≤ 0.
pub fn gammaln(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num(args, 0)?;
    require(x > 0.0)?;
    Ok(ln_gamma(x))
}

/// `GAMMALN.PRECISE(x)`: the same as `GAMMALN`.
pub fn gammaln_precise(args: &[Arg<'_>]) -> Result<f64, CellError> {
    gammaln(args)
}

/// `GAMMA.DIST(x, alpha, beta, cumulative)` (also `GAMMADIST`): shape
/// `alpha`, scale `beta`; `#NUM!` if `x` < 0, `alpha` ≤ 0 or `beta` ≤ 0.
pub fn gamma_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, a, b, cumulative) = (num(args, 0)?, num(args, 1)?, num(args, 2)?, flag(args, 3)?);
    require(x >= 0.0 && a > 0.0 && b > 0.0)?;
    Ok(if cumulative {
        lower_gamma(a, x / b)
    } else {
        gamma_pdf(x, a, b)
    })
}

/// `GAMMA.INV(probability, alpha, beta)` (also `GAMMAINV`): 0 at
/// probability 0; `#NUM!` if `probability` is outside [0, 1) or
/// `alpha`/`beta` ≤ 0.
pub fn gamma_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, a, b) = (num(args, 0)?, num(args, 1)?, num(args, 2)?);
    require((0.0..=1.0).contains(&p) && a > 0.0 && b > 0.0)?;
    gamma_quantile(a, b, p, 1.0 - p)
}

/// I_y(a, b), the regularized incomplete beta function, for y clamped to
/// [0, 1] (a, b > 0).
fn ibeta(a: f64, b: f64, y: f64) -> f64 {
    if y.is_nan() {
        return f64::NAN;
    }
    beta_reg(a, b, y.clamp(0.0, 1.0))
}

/// Density of the standard beta distribution at `y` in [0, 1] (infinite at
/// an end where the shape parameter is below 1).
fn beta_pdf(y: f64, a: f64, b: f64) -> f64 {
    let edge = |shape: f64, other: f64| match shape.partial_cmp(&1.0) {
        Some(std::cmp::Ordering::Less) => f64::INFINITY,
        // B(1, other) = 1 / other.
        Some(std::cmp::Ordering::Equal) => other,
        _ => 0.0,
    };
    if y <= 0.0 {
        edge(a, b)
    } else if y >= 1.0 {
        edge(b, a)
    } else {
        ((a - 1.0) * y.ln() + (b - 1.0) * (-y).ln_1p() - ln_beta(a, b)).exp()
    }
}

/// `BETA.DIST(x, alpha, beta, cumulative, [A=0], [B=1])`: the beta
/// distribution rescaled to [A, B]; `#NUM!` if `alpha` or `beta` ≤ 0, or
/// `x` is outside [A, B], or A = B.
pub fn beta_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, a, b, cumulative) = (num(args, 0)?, num(args, 1)?, num(args, 2)?, flag(args, 3)?);
    let (lo, hi) = (opt_num(args, 4, 0.0)?, opt_num(args, 5, 1.0)?);
    require(a > 0.0 && b > 0.0 && lo < hi && x >= lo && x <= hi)?;
    let width = hi - lo;
    let y = (x - lo) / width;
    Ok(if cumulative {
        ibeta(a, b, y)
    } else {
        beta_pdf(y, a, b) / width
    })
}

/// `BETA.INV(probability, alpha, beta, [A=0], [B=1])` (also `BETAINV`):
/// `#NUM!` unless 0 < `probability` ≤ 1, `alpha`, `beta` > 0 and A < B.
pub fn beta_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, a, b) = (num(args, 0)?, num(args, 1)?, num(args, 2)?);
    let (lo, hi) = (opt_num(args, 3, 0.0)?, opt_num(args, 4, 1.0)?);
    require(p > 0.0 && p <= 1.0 && a > 0.0 && b > 0.0 && lo < hi)?;
    if p == 1.0 {
        return Ok(hi);
    }
    let y = positive_quantile(|y| ibeta(a, b, y), |y| ibeta(b, a, 1.0 - y), p, 1.0 - p)?;
    Ok(lo + y.min(1.0) * (hi - lo))
}

/// Optional argument `i` as a finite number, `default` if not passed.
fn opt_num(args: &[Arg<'_>], i: usize, default: f64) -> Result<f64, CellError> {
    if i < args.len() {
        num(args, i)
    } else {
        Ok(default)
    }
}

// ---------------------------------------------------------------------------
// Binomial and Poisson

/// ln √(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The error of Stirling's formula, ln n! − ln(√(2πn)·(n/e)ⁿ), for an
/// integer `n` ≥ 1 (Loader's `stirlerr`): from the exact table of ln n!
/// for small `n`, from the asymptotic series above.
fn stirling_error(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        return ln_factorial(n as u64) - (n + 0.5) * n.ln() + n - LN_SQRT_2PI;
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// x·ln(x/m) + m − x without cancellation when x is close to m (Loader's
/// `bd0`, the deviance term of the binomial and Poisson probabilities).
fn deviance(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let v = (x - m) / (x + m);
        let v2 = v * v;
        let mut s = (x - m) * v;
        let mut term = 2.0 * x * v;
        for j in 1..1_000 {
            term *= v2;
            let next = s + term / f64::from(2 * j + 1);
            if next == s {
                break;
            }
            s = next;
        }
        s
    } else {
        x * (x / m).ln() + m - x
    }
}

/// P(X = k) for X binomial with `n` trials of probability `p`
/// (0 ≤ k ≤ n integers), by Loader's saddle-point expansion, accurate to
/// a few units in the last place for any number of trials.
fn binom_pmf(k: f64, n: f64, p: f64) -> f64 {
    let q = 1.0 - p;
    if p == 0.0 {
        return if k == 0.0 { 1.0 } else { 0.0 };
    }
    if p == 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    if k == 0.0 {
        return (n * (-p).ln_1p()).exp();
    }
    if k == n {
        return (n * p.ln()).exp();
    }
    let lc = stirling_error(n)
        - stirling_error(k)
        - stirling_error(n - k)
        - deviance(k, n * p)
        - deviance(n - k, n * q);
    let lf = 2.0 * LN_SQRT_2PI + k.ln() + (-k / n).ln_1p();
    (lc - 0.5 * lf).exp()
}

/// P(X = k) for X Poisson with mean `lambda` > 0 (Loader's method).
fn poisson_pmf(k: f64, lambda: f64) -> f64 {
    if k == 0.0 {
        return (-lambda).exp();
    }
    (-stirling_error(k) - deviance(k, lambda)).exp() / (2.0 * PI * k).sqrt()
}

/// Above this many trials statrs's incomplete beta function (a continued
/// fraction of at most 140 terms) drifts from the cumulative binomial
/// probability by more than 10⁻⁹ (by 10⁻³ at a million trials), so the
/// probabilities are summed instead …
const LARGE_TRIALS: f64 = 1e5;

/// … as long as the standard deviation keeps the sum short (a few dozen
/// standard deviations of terms at most).
const MAX_SUMMED_SD: f64 = 1e4;

/// P(X ≤ k) for X binomial with `n` trials of probability `p`.
fn binom_cdf(k: f64, n: f64, p: f64) -> f64 {
    if k < 0.0 {
        return 0.0;
    }
    if k >= n {
        return 1.0;
    }
    let q = 1.0 - p;
    if n <= LARGE_TRIALS || p == 0.0 || p == 1.0 || (n * p * q).sqrt() > MAX_SUMMED_SD {
        return ibeta(n - k, k + 1.0, q);
    }
    // Sum the tail on k's side of the mean, away from the mode.
    if k <= n * p {
        binom_tail_sum(k, n, p, true)
    } else {
        1.0 - binom_tail_sum(k + 1.0, n, p, false)
    }
}

/// Σ P(X = j) for j from `from` downward (`down`) or upward, by the ratio
/// of neighbouring probabilities, until the terms no longer count
/// (0 < p < 1).
fn binom_tail_sum(from: f64, n: f64, p: f64, down: bool) -> f64 {
    let odds = p / (1.0 - p);
    let mut term = binom_pmf(from, n, p);
    let mut total = Sum::default();
    total.add(term);
    let mut j = from;
    for _ in 0..10_000_000 {
        if down {
            if j <= 0.0 {
                break;
            }
            term *= j / (n - j + 1.0) / odds;
            j -= 1.0;
        } else {
            if j >= n {
                break;
            }
            term *= (n - j) / (j + 1.0) * odds;
            j += 1.0;
        }
        total.add(term);
        if term.is_nan() || term <= total.total() * 1e-17 {
            break;
        }
    }
    total.total()
}

/// `BINOM.DIST(number_s, trials, probability_s, cumulative)` (also
/// `BINOMDIST`): `number_s` and `trials` truncated; `#NUM!` unless
/// 0 ≤ `number_s` ≤ `trials` and 0 ≤ `probability_s` ≤ 1.
pub fn binom_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (k, n, p, cumulative) = (int(args, 0)?, int(args, 1)?, num(args, 2)?, flag(args, 3)?);
    require(k >= 0.0 && k <= n && (0.0..=1.0).contains(&p))?;
    Ok(if cumulative {
        binom_cdf(k, n, p)
    } else {
        binom_pmf(k, n, p)
    })
}

/// `BINOMDIST(number_s, trials, probability_s, cumulative)`: the legacy
/// name of `BINOM.DIST`.
pub fn binomdist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    binom_dist(args)
}

/// `BINOM.INV(trials, probability_s, alpha)`: the smallest k whose
/// cumulative binomial probability is at least `alpha`; `trials` truncated;
/// `#NUM!` unless `trials` ≥ 0 and `probability_s`, `alpha` are in [0, 1].
pub fn binom_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (n, p, alpha) = (int(args, 0)?, num(args, 1)?, num(args, 2)?);
    require(n >= 0.0 && (0.0..=1.0).contains(&p) && (0.0..=1.0).contains(&alpha))?;
    let cdf = |k: f64| binom_cdf(k, n, p);
    if cdf(0.0) >= alpha {
        return Ok(0.0);
    }
    // Bracket within 50 standard deviations of the mean where possible,
    // keeping cdf(lo) < alpha ≤ cdf(hi).
    let (mean, spread) = (n * p, 50.0 * (n * p * (1.0 - p)).sqrt() + 10.0);
    let mut lo = (mean - spread).floor().max(0.0);
    if cdf(lo) >= alpha {
        lo = 0.0;
    }
    let mut hi = (mean + spread).ceil().min(n);
    if cdf(hi) < alpha {
        hi = n;
    }
    for _ in 0..2_000 {
        let mid = (lo + (hi - lo) / 2.0).floor();
        if mid <= lo || mid >= hi {
            break;
        }
        if cdf(mid) >= alpha {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// `CRITBINOM(trials, probability_s, alpha)`: the legacy name of
/// `BINOM.INV`.
pub fn critbinom(args: &[Arg<'_>]) -> Result<f64, CellError> {
    binom_inv(args)
}

/// `POISSON.DIST(x, mean, cumulative)` (also `POISSON`): `x` truncated;
/// `#NUM!` if `x` < 0 or `mean` < 0.
pub fn poisson_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (k, mean, cumulative) = (int(args, 0)?, num(args, 1)?, flag(args, 2)?);
    require(k >= 0.0 && mean >= 0.0)?;
    if mean == 0.0 {
        return Ok(if cumulative || k == 0.0 { 1.0 } else { 0.0 });
    }
    Ok(if cumulative {
        upper_gamma(k + 1.0, mean)
    } else {
        poisson_pmf(k, mean)
    })
}

/// `POISSON(x, mean, cumulative)`: the legacy name of `POISSON.DIST`.
pub fn poisson(args: &[Arg<'_>]) -> Result<f64, CellError> {
    poisson_dist(args)
}

// ---------------------------------------------------------------------------
// Student's t

/// Above these degrees of freedom Student's t is taken as the standard
/// normal (within about 10⁻⁷ relative there), as statrs's incomplete beta
/// function loses more than that much precision (and the density's
/// ln B(ν/2, ½) overflows further up).
const NORMAL_DEGREES: f64 = 1e8;

/// P(T > |t|) for Student's t with `nu` degrees of freedom, each branch
/// computed where the incomplete beta function is well conditioned.
fn t_tail(t: f64, nu: f64) -> f64 {
    let t2 = t * t;
    if nu > NORMAL_DEGREES {
        norm_cdf(-t.abs())
    } else if t2 > nu {
        0.5 * ibeta(nu / 2.0, 0.5, nu / (nu + t2))
    } else {
        0.5 * (1.0 - ibeta(0.5, nu / 2.0, t2 / (nu + t2)))
    }
}

/// P(T ≤ t).
fn t_cdf(t: f64, nu: f64) -> f64 {
    if t < 0.0 {
        t_tail(t, nu)
    } else {
        1.0 - t_tail(t, nu)
    }
}

/// P(T > t).
fn t_sf(t: f64, nu: f64) -> f64 {
    if t > 0.0 {
        t_tail(t, nu)
    } else {
        1.0 - t_tail(t, nu)
    }
}

/// The density of Student's t.
fn t_pdf(t: f64, nu: f64) -> f64 {
    if nu > NORMAL_DEGREES {
        return norm_pdf(t);
    }
    (-(nu + 1.0) / 2.0 * (t * t / nu).ln_1p() - ln_beta(nu / 2.0, 0.5)).exp() / nu.sqrt()
}

/// The `t` with P(T ≤ t) = `p`, for 0 < p < 1.
fn t_quantile(p: f64, nu: f64) -> Result<f64, CellError> {
    if p < 0.5 {
        Ok(-root_positive(|x| -t_tail(x, nu), -p)?)
    } else {
        root_positive(|x| -t_tail(x, nu), -(1.0 - p))
    }
}

/// `T.DIST(x, deg_freedom, cumulative)`: the left-tailed Student's t
/// distribution; `deg_freedom` truncated, `#NUM!` below 1.
pub fn t_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, nu, cumulative) = (num(args, 0)?, t_degrees(args, 1)?, flag(args, 2)?);
    Ok(if cumulative {
        t_cdf(x, nu)
    } else {
        t_pdf(x, nu)
    })
}

/// `T.DIST.2T(x, deg_freedom)`: P(|T| > x); `#NUM!` if `x` < 0 or
/// `deg_freedom` < 1.
pub fn t_dist_2t(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, nu) = (num(args, 0)?, t_degrees(args, 1)?);
    require(x >= 0.0)?;
    Ok(2.0 * t_tail(x, nu))
}

/// `T.DIST.RT(x, deg_freedom)`: P(T > x); `#NUM!` if `deg_freedom` < 1.
pub fn t_dist_rt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, nu) = (num(args, 0)?, t_degrees(args, 1)?);
    Ok(t_sf(x, nu))
}

/// `TDIST(x, deg_freedom, tails)`: P(T > x) for one tail, P(|T| > x) for
/// two; `deg_freedom` and `tails` truncated; `#NUM!` if `x` < 0,
/// `deg_freedom` < 1 or `tails` is not 1 or 2.
pub fn tdist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, nu, tails) = (num(args, 0)?, t_degrees(args, 1)?, int(args, 2)?);
    require(x >= 0.0 && (tails == 1.0 || tails == 2.0))?;
    Ok(tails * t_tail(x, nu))
}

/// `T.INV(probability, deg_freedom)`: the left-tailed inverse; `#NUM!`
/// unless 0 < `probability` < 1 and `deg_freedom` ≥ 1.
pub fn t_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, nu) = (num(args, 0)?, t_degrees(args, 1)?);
    require(p > 0.0 && p < 1.0)?;
    t_quantile(p, nu)
}

/// `T.INV.2T(probability, deg_freedom)`: the `t ≥ 0` with P(|T| > t) =
/// `probability`; `#NUM!` unless 0 < `probability` ≤ 1 and
/// `deg_freedom` ≥ 1.
pub fn t_inv_2t(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, nu) = (num(args, 0)?, t_degrees(args, 1)?);
    require(p > 0.0 && p <= 1.0)?;
    root_positive(|x| -2.0 * t_tail(x, nu), -p)
}

/// `TINV(probability, deg_freedom)`: the legacy name of `T.INV.2T`.
pub fn tinv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    t_inv_2t(args)
}

// ---------------------------------------------------------------------------
// Chi-squared

/// `CHISQ.DIST(x, deg_freedom, cumulative)`: the left-tailed chi-squared
/// distribution; `#NUM!` if `x` < 0 or `deg_freedom` is outside 1 to 10¹⁰.
pub fn chisq_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, k, cumulative) = (num(args, 0)?, degrees(args, 1)?, flag(args, 2)?);
    require(x >= 0.0)?;
    Ok(if cumulative {
        lower_gamma(k / 2.0, x / 2.0)
    } else {
        gamma_pdf(x, k / 2.0, 2.0)
    })
}

/// `CHISQ.DIST.RT(x, deg_freedom)` (also `CHIDIST`): the right-tailed
/// probability; `#NUM!` if `x` < 0 or `deg_freedom` is outside 1 to 10¹⁰.
pub fn chisq_dist_rt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, k) = (num(args, 0)?, degrees(args, 1)?);
    require(x >= 0.0)?;
    Ok(upper_gamma(k / 2.0, x / 2.0))
}

/// `CHISQ.INV(probability, deg_freedom)`: the left-tailed inverse; 0 at
/// probability 0; `#NUM!` if `probability` is outside [0, 1).
pub fn chisq_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, k) = (num(args, 0)?, degrees(args, 1)?);
    require((0.0..=1.0).contains(&p))?;
    gamma_quantile(k / 2.0, 2.0, p, 1.0 - p)
}

/// `CHISQ.INV.RT(probability, deg_freedom)` (also `CHIINV`): the
/// right-tailed inverse; `#NUM!` if `probability` is outside (0, 1].
pub fn chisq_inv_rt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, k) = (num(args, 0)?, degrees(args, 1)?);
    require((0.0..=1.0).contains(&p))?;
    gamma_quantile(k / 2.0, 2.0, 1.0 - p, p)
}

// ---------------------------------------------------------------------------
// F

/// P(F ≤ x) for the F distribution with (`d1`, `d2`) degrees of freedom.
fn f_cdf(x: f64, d1: f64, d2: f64) -> f64 {
    ibeta(d1 / 2.0, d2 / 2.0, 1.0 / (1.0 + d2 / (d1 * x)))
}

/// P(F > x).
fn f_sf(x: f64, d1: f64, d2: f64) -> f64 {
    ibeta(d2 / 2.0, d1 / 2.0, 1.0 / (1.0 + d1 * x / d2))
}

/// The density of the F distribution at `x ≥ 0`.
fn f_pdf(x: f64, d1: f64, d2: f64) -> f64 {
    if x == 0.0 {
        return match d1.partial_cmp(&2.0) {
            Some(std::cmp::Ordering::Less) => f64::INFINITY,
            Some(std::cmp::Ordering::Equal) => 1.0,
            _ => 0.0,
        };
    }
    let y = 1.0 / (1.0 + d2 / (d1 * x));
    let ln = d1 / 2.0 * y.ln() + d2 / 2.0 * (-y).ln_1p() - x.ln() - ln_beta(d1 / 2.0, d2 / 2.0);
    ln.exp()
}

/// The F quantile with the probability below (`lower`) and above (`upper`).
fn f_quantile(d1: f64, d2: f64, lower: f64, upper: f64) -> Result<f64, CellError> {
    positive_quantile(|x| f_cdf(x, d1, d2), |x| f_sf(x, d1, d2), lower, upper)
}

/// The checked arguments of `F.*`: (x or probability, d1, d2).
fn f_args(args: &[Arg<'_>]) -> Result<(f64, f64, f64), CellError> {
    Ok((num(args, 0)?, degrees(args, 1)?, degrees(args, 2)?))
}

/// `F.DIST(x, deg_freedom1, deg_freedom2, cumulative)`: the left-tailed F
/// distribution; `#NUM!` if `x` < 0 or a `deg_freedom` is outside 1 to
/// 10¹⁰ (after truncation).
pub fn f_dist(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, d1, d2) = f_args(args)?;
    let cumulative = flag(args, 3)?;
    require(x >= 0.0)?;
    Ok(if cumulative {
        f_cdf(x, d1, d2)
    } else {
        f_pdf(x, d1, d2)
    })
}

/// `F.DIST.RT(x, deg_freedom1, deg_freedom2)` (also `FDIST`): the
/// right-tailed probability.
pub fn f_dist_rt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (x, d1, d2) = f_args(args)?;
    require(x >= 0.0)?;
    Ok(f_sf(x, d1, d2))
}

/// `F.INV(probability, deg_freedom1, deg_freedom2)`: the left-tailed
/// inverse; 0 at probability 0; `#NUM!` if `probability` is outside [0, 1).
pub fn f_inv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, d1, d2) = f_args(args)?;
    require((0.0..=1.0).contains(&p))?;
    f_quantile(d1, d2, p, 1.0 - p)
}

/// `F.INV.RT(probability, deg_freedom1, deg_freedom2)` (also `FINV`): the
/// right-tailed inverse; `#NUM!` if `probability` is outside (0, 1].
pub fn f_inv_rt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (p, d1, d2) = f_args(args)?;
    require((0.0..=1.0).contains(&p))?;
    f_quantile(d1, d2, 1.0 - p, p)
}

// ---------------------------------------------------------------------------
// Fisher transformation

/// `FISHER(x)`: atanh x; `#NUM!` unless −1 < `x` < 1.
pub fn fisher(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let x = num(args, 0)?;
    require(x > -1.0 && x < 1.0)?;
    Ok(x.atanh())
}

/// `FISHERINV(y)`: tanh y.
pub fn fisherinv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(num(args, 0)?.tanh())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::helpers::IntoValue;
    use crate::engine::value::Value;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    fn b(x: bool) -> Arg<'static> {
        Arg::Value(Value::Bool(x))
    }

    /// Asserts `got` is within 1e-9 relative (1e-300 absolute) of `want`.
    #[track_caller]
    fn close(got: Result<f64, CellError>, want: f64) {
        let got = got.unwrap_or_else(|e| panic!("expected {want}, got {e}"));
        assert!(
            (got - want).abs() <= 1e-9 * want.abs() + 1e-300,
            "expected {want}, got {got}"
        );
    }

    /// Asserts the cell shows `#NUM!` (an error, or a result that is not finite).
    #[track_caller]
    fn num_error(got: Result<f64, CellError>) {
        assert_eq!(got.into_value(), Value::error(ErrorKind::Num));
    }

    #[test]
    fn normal() {
        close(norm_s_dist(&[n(1.0), b(true)]), 0.841344746068543);
        close(norm_s_dist(&[n(1.0), b(false)]), 0.24197072451914334);
        close(norm_s_dist(&[n(-5.0), n(1.0)]), 2.866515718791939e-07);
        close(normsdist(&[n(1.0)]), 0.841344746068543);
        close(
            norm_dist(&[n(42.0), n(40.0), n(1.5), b(true)]),
            0.9087887802741321,
        );
        close(
            normdist(&[n(42.0), n(40.0), n(1.5), n(0.0)]),
            0.10934004978399575,
        );
        num_error(norm_dist(&[n(42.0), n(40.0), n(0.0), b(true)]));
        close(
            norm_inv_fn(&[n(0.908789), n(40.0), n(1.5)]),
            42.00000200956616,
        );
        close(norminv(&[n(0.908789), n(40.0), n(1.5)]), 42.00000200956616);
        num_error(norm_inv_fn(&[n(1.0), n(40.0), n(1.5)]));
        num_error(norm_inv_fn(&[n(0.5), n(40.0), n(-1.0)]));
        close(norm_s_inv(&[n(0.908789)]), 1.3333346730441076);
        close(norm_s_inv(&[n(1e-10)]), -6.361340902404057);
        close(normsinv(&[n(0.999999)]), 4.753424308822899);
        num_error(norm_s_inv(&[n(0.0)]));
        close(phi(&[n(0.75)]), 0.3011374321548044);
        close(gauss(&[n(2.0)]), 0.4772498680518208);
        close(gauss(&[n(1e-5)]), 3.989422803947837e-06);
        close(standardize(&[n(42.0), n(40.0), n(1.5)]), 4.0 / 3.0);
        num_error(standardize(&[n(42.0), n(40.0), n(0.0)]));
        close(
            confidence_norm(&[n(0.05), n(2.5), n(50.0)]),
            0.692951912174839,
        );
        close(confidence(&[n(0.05), n(2.5), n(50.9)]), 0.692951912174839);
        num_error(confidence_norm(&[n(1.0), n(2.5), n(50.0)]));
        num_error(confidence_norm(&[n(0.05), n(2.5), n(0.5)]));
        close(
            confidence_t(&[n(0.05), n(1.0), n(50.0)]),
            0.2841968554957299,
        );
        assert_eq!(
            confidence_t(&[n(0.05), n(1.0), n(1.0)]).map_err(|e| e.kind),
            Err(ErrorKind::Div0)
        );
    }

    #[test]
    fn lognormal_exponential_weibull() {
        close(
            lognorm_dist(&[n(4.0), n(3.5), n(1.2), b(true)]),
            0.03908355570680047,
        );
        close(
            lognorm_dist(&[n(4.0), n(3.5), n(1.2), b(false)]),
            0.017617596681819222,
        );
        close(lognormdist(&[n(4.0), n(3.5), n(1.2)]), 0.03908355570680047);
        num_error(lognorm_dist(&[n(0.0), n(3.5), n(1.2), b(true)]));
        close(
            lognorm_inv(&[n(0.039084), n(3.5), n(1.2)]),
            4.000025218680635,
        );
        close(loginv(&[n(0.039084), n(3.5), n(1.2)]), 4.000025218680635);
        num_error(loginv(&[n(0.0), n(3.5), n(1.2)]));
        close(expon_dist(&[n(0.2), n(10.0), b(true)]), 0.8646647167633873);
        close(expondist(&[n(0.2), n(10.0), b(false)]), 1.3533528323661268);
        num_error(expon_dist(&[n(-0.2), n(10.0), b(true)]));
        num_error(expon_dist(&[n(0.2), n(0.0), b(true)]));
        close(
            weibull_dist(&[n(105.0), n(20.0), n(100.0), b(true)]),
            0.9295813900692768,
        );
        close(
            weibull_dist(&[n(105.0), n(20.0), n(100.0), b(false)]),
            0.03558886402450438,
        );
        close(weibull_dist(&[n(0.0), n(1.0), n(4.0), b(false)]), 0.25);
        num_error(weibull_dist(&[n(0.0), n(0.5), n(4.0), b(false)]));
        num_error(weibull_dist(&[n(1.0), n(0.0), n(4.0), b(true)]));
    }

    #[test]
    fn gamma_and_beta() {
        close(gamma_fn(&[n(2.5)]), 1.329340388179137);
        close(gamma_fn(&[n(-0.75)]), -4.834146544295877);
        close(gamma_fn(&[n(5.0)]), 24.0);
        num_error(gamma_fn(&[n(0.0)]));
        num_error(gamma_fn(&[n(-2.0)]));
        assert_eq!(
            gamma_fn(&[n(200.0)]).into_value(),
            Value::error(ErrorKind::Num)
        );
        close(gammaln(&[n(4.5)]), 2.4537365708424423);
        close(gammaln_precise(&[n(100.0)]), 359.1342053695754);
        num_error(gammaln(&[n(0.0)]));
        close(
            gamma_dist(&[n(10.00001131), n(9.0), n(2.0), b(false)]),
            0.032639130418294,
        );
        close(
            gamma_dist(&[n(10.00001131), n(9.0), n(2.0), b(true)]),
            0.06809400386978733,
        );
        close(gamma_dist(&[n(0.0), n(1.0), n(2.0), b(false)]), 0.5);
        num_error(gamma_dist(&[n(-1.0), n(9.0), n(2.0), b(true)]));
        num_error(gamma_dist(&[n(1.0), n(0.0), n(2.0), b(true)]));
        close(
            gamma_inv(&[n(0.068094), n(9.0), n(2.0)]),
            10.000011191437178,
        );
        close(gamma_inv(&[n(0.99), n(0.5), n(3.0)]), 9.952344901531823);
        close(gamma_inv(&[n(0.0), n(9.0), n(2.0)]), 0.0);
        num_error(gamma_inv(&[n(1.0), n(9.0), n(2.0)]));
        num_error(gamma_inv(&[n(-0.1), n(9.0), n(2.0)]));
        let full = |x, cumulative| [n(x), n(8.0), n(10.0), b(cumulative), n(1.0), n(3.0)];
        close(beta_dist(&full(2.0, true)), 0.6854705810546875);
        close(beta_dist(&full(2.0, false)), 1.4837646484375);
        close(beta_dist(&[n(0.0), n(1.0), n(3.0), b(false)]), 3.0);
        num_error(beta_dist(&full(0.5, true)));
        num_error(beta_dist(&[n(0.5), n(0.0), n(3.0), b(true)]));
        num_error(beta_dist(&[
            n(1.0),
            n(2.0),
            n(3.0),
            b(true),
            n(1.0),
            n(1.0),
        ]));
        close(
            beta_inv(&[n(0.685470581), n(8.0), n(10.0), n(1.0), n(3.0)]),
            1.9999999999631426,
        );
        close(
            beta_inv(&[n(1e-10), n(0.5), n(50.0)]),
            1.5786698446087828e-22,
        );
        close(beta_inv(&[n(1.0), n(2.0), n(3.0)]), 1.0);
        num_error(beta_inv(&[n(0.0), n(2.0), n(3.0)]));
        num_error(beta_inv(&[n(0.5), n(2.0), n(3.0), n(1.0), n(1.0)]));
    }

    #[test]
    fn binomial_and_poisson() {
        close(
            binom_dist(&[n(6.0), n(10.0), n(0.5), b(false)]),
            0.205078125,
        );
        close(binom_dist(&[n(6.0), n(10.0), n(0.5), b(true)]), 0.828125);
        close(
            binomdist(&[n(3.9), n(20.0), n(0.3), b(false)]),
            0.07160367220526231,
        );
        close(
            binom_dist(&[n(3.0), n(20.0), n(0.3), b(true)]),
            0.107086804503731,
        );
        close(binom_dist(&[n(0.0), n(5.0), n(0.0), b(false)]), 1.0);
        close(binom_dist(&[n(5.0), n(5.0), n(1.0), b(false)]), 1.0);
        num_error(binom_dist(&[n(11.0), n(10.0), n(0.5), b(true)]));
        num_error(binom_dist(&[n(-1.0), n(10.0), n(0.5), b(true)]));
        num_error(binom_dist(&[n(1.0), n(10.0), n(1.5), b(true)]));
        close(binom_inv(&[n(6.0), n(0.5), n(0.75)]), 4.0);
        close(critbinom(&[n(6.0), n(0.5), n(0.75)]), 4.0);
        close(binom_inv(&[n(6.0), n(0.5), n(0.0)]), 0.0);
        close(binom_inv(&[n(6.0), n(0.5), n(1.0)]), 6.0);
        close(binom_inv(&[n(1e6), n(0.5), n(0.5)]), 5e5);
        close(
            binom_dist(&[n(500_000.0), n(1e6), n(0.5), b(true)]),
            0.5003989421806658,
        );
        close(
            binom_dist(&[n(300_100.0), n(1e6), n(0.3), b(true)]),
            0.5868492405927396,
        );
        close(
            binom_dist(&[n(299_000.0), n(1e6), n(0.3), b(true)]),
            0.01456821921993679,
        );
        num_error(binom_inv(&[n(6.0), n(0.5), n(1.5)]));
        num_error(binom_inv(&[n(-1.0), n(0.5), n(0.5)]));
        close(
            poisson_dist(&[n(2.0), n(5.0), b(false)]),
            0.08422433748856833,
        );
        close(poisson(&[n(2.7), n(5.0), b(true)]), 0.12465201948308113);
        close(poisson_dist(&[n(0.0), n(0.0), b(false)]), 1.0);
        num_error(poisson_dist(&[n(-1.0), n(5.0), b(true)]));
        num_error(poisson_dist(&[n(1.0), n(-5.0), b(true)]));
    }

    #[test]
    fn student_t() {
        close(t_dist(&[n(60.0), n(1.0), b(true)]), 0.9946953263673767);
        close(t_dist(&[n(8.0), n(3.0), b(false)]), 0.0007369065209469263);
        close(t_dist(&[n(-1.5), n(4.0), b(true)]), 0.104);
        num_error(t_dist(&[n(1.0), n(0.5), b(true)]));
        close(t_dist_2t(&[n(1.959999998), n(60.0)]), 0.054644929975920874);
        num_error(t_dist_2t(&[n(-1.0), n(60.0)]));
        close(t_dist_rt(&[n(1.959999998), n(60.0)]), 0.027322464987960437);
        close(
            tdist(&[n(1.959999998), n(60.0), n(2.0)]),
            0.054644929975920874,
        );
        close(
            tdist(&[n(1.959999998), n(60.5), n(1.0)]),
            0.027322464987960437,
        );
        num_error(tdist(&[n(1.0), n(60.0), n(3.0)]));
        close(t_inv(&[n(0.75), n(2.0)]), 0.816496580927726);
        close(t_inv(&[n(0.01), n(5.0)]), -3.3649299989072188);
        close(t_inv(&[n(0.5), n(5.0)]), 0.0);
        num_error(t_inv(&[n(0.0), n(5.0)]));
        close(t_inv_2t(&[n(0.546449), n(60.0)]), 0.606533075825755);
        close(tinv(&[n(0.546449), n(60.0)]), 0.606533075825755);
        close(t_inv_2t(&[n(1.0), n(60.0)]), 0.0);
        num_error(t_inv_2t(&[n(1.5), n(60.0)]));
    }

    #[test]
    fn chi_squared_and_f() {
        close(chisq_dist(&[n(0.5), n(1.0), b(true)]), 0.5204998778130465);
        close(chisq_dist(&[n(2.0), n(3.0), b(false)]), 0.20755374871029736);
        close(chisq_dist(&[n(0.0), n(2.0), b(false)]), 0.5);
        num_error(chisq_dist(&[n(-1.0), n(3.0), b(false)]));
        num_error(chisq_dist(&[n(1.0), n(0.0), b(false)]));
        num_error(chisq_dist(&[n(1.0), n(2e10), b(false)]));
        close(chisq_dist_rt(&[n(18.307), n(10.0)]), 0.0500005890913981);
        close(chisq_inv(&[n(0.93), n(1.0)]), 3.2830202867595357);
        close(chisq_inv(&[n(0.6), n(2.0)]), 1.83258146374831);
        num_error(chisq_inv(&[n(1.0), n(2.0)]));
        close(chisq_inv_rt(&[n(0.050001), n(10.0)]), 18.306973456961057);
        close(chisq_inv_rt(&[n(1.0), n(10.0)]), 0.0);
        num_error(chisq_inv_rt(&[n(0.0), n(10.0)]));
        let x = 15.2068649;
        close(f_dist(&[n(x), n(6.0), n(4.0), b(true)]), 0.9900000000475354);
        close(
            f_dist(&[n(x), n(6.0), n(4.0), b(false)]),
            0.0012237995897796602,
        );
        close(f_dist(&[n(0.0), n(2.0), n(4.0), b(false)]), 1.0);
        close(f_dist_rt(&[n(x), n(6.0), n(4.0)]), 0.009999999952464601);
        num_error(f_dist_rt(&[n(-1.0), n(6.0), n(4.0)]));
        num_error(f_dist(&[n(1.0), n(0.0), n(4.0), b(true)]));
        close(f_inv(&[n(0.01), n(6.0), n(4.0)]), 0.10930991412457854);
        close(f_inv_rt(&[n(0.01), n(6.0), n(4.0)]), 15.20686486115753);
        num_error(f_inv(&[n(1.0), n(6.0), n(4.0)]));
        num_error(f_inv_rt(&[n(-0.5), n(6.0), n(4.0)]));
    }

    #[test]
    fn fisher_transformation() {
        close(fisher(&[n(0.75)]), 0.9729550745276566);
        num_error(fisher(&[n(1.0)]));
        close(fisherinv(&[n(0.972955)]), 0.7499999673941484);
    }

    /// Every function, with its argument counts, for the totality test.
    type Entry = (fn(&[Arg<'_>]) -> Result<f64, CellError>, usize, usize);

    const ALL: &[Entry] = &[
        (norm_dist, 4, 4),
        (normdist, 4, 4),
        (norm_inv_fn, 3, 3),
        (norminv, 3, 3),
        (norm_s_dist, 2, 2),
        (normsdist, 1, 1),
        (norm_s_inv, 1, 1),
        (normsinv, 1, 1),
        (phi, 1, 1),
        (gauss, 1, 1),
        (standardize, 3, 3),
        (confidence_norm, 3, 3),
        (confidence, 3, 3),
        (confidence_t, 3, 3),
        (lognorm_dist, 4, 4),
        (lognormdist, 3, 3),
        (lognorm_inv, 3, 3),
        (loginv, 3, 3),
        (expon_dist, 3, 3),
        (expondist, 3, 3),
        (weibull_dist, 4, 4),
        (gamma_fn, 1, 1),
        (gammaln, 1, 1),
        (gammaln_precise, 1, 1),
        (gamma_dist, 4, 4),
        (gamma_inv, 3, 3),
        (beta_dist, 4, 6),
        (beta_inv, 3, 5),
        (binom_dist, 4, 4),
        (binomdist, 4, 4),
        (binom_inv, 3, 3),
        (critbinom, 3, 3),
        (poisson_dist, 3, 3),
        (poisson, 3, 3),
        (t_dist, 3, 3),
        (t_dist_2t, 2, 2),
        (t_dist_rt, 2, 2),
        (tdist, 3, 3),
        (t_inv, 2, 2),
        (t_inv_2t, 2, 2),
        (tinv, 2, 2),
        (chisq_dist, 3, 3),
        (chisq_dist_rt, 2, 2),
        (chisq_inv, 2, 2),
        (chisq_inv_rt, 2, 2),
        (f_dist, 4, 4),
        (f_dist_rt, 3, 3),
        (f_inv, 3, 3),
        (f_inv_rt, 3, 3),
        (fisher, 1, 1),
        (fisherinv, 1, 1),
    ];

    /// No panic and no hang on extreme, tiny, fractional or odd arguments,
    /// in every combination over the first three positions.
    #[test]
    fn total_on_odd_arguments() {
        let odd = [
            Value::Number(0.0),
            Value::Number(1e-300),
            Value::Number(0.5),
            Value::Number(1.0),
            Value::Number(-1.0),
            Value::Number(3.7),
            Value::Number(2e9),
            Value::Number(1e308),
            Value::Number(-1e308),
            Value::Number(f64::NAN),
            Value::Bool(true),
            Value::Empty,
            Value::text("abc"),
            Value::error(ErrorKind::NA),
        ];
        for (f, min, max) in ALL {
            for len in *min..=*max {
                for i in 0..odd.len().pow(3) {
                    let pick = [
                        i % odd.len(),
                        i / odd.len() % odd.len(),
                        i / odd.len().pow(2),
                    ];
                    let args: Vec<Arg<'_>> = (0..len)
                        .map(|k| Arg::Value(odd[pick.get(k).copied().unwrap_or(3)].clone()))
                        .collect();
                    let _ = f(&args).into_value();
                }
            }
        }
    }
}
