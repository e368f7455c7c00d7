//! Uncertain inputs: the ranges a founder puts on an input instead of one
//! guess (`18% to 24%`), what they mean, how they are typed and checked, and
//! how a value is drawn from one.
//!
//! An [`Uncertainty`] sits on a metric row, or on a scenario's override of
//! it (which replaces the row's range while the scenario is shown; see
//! [`crate::model::Workbook::range`]). It covers either one period cell
//! (`period: Some(n)`, the cell must hold a typed number) or the whole row:
//!
//! - **moving together** (the default), one draw `d` per run: the row's
//!   first typed number becomes `d`, and every later typed number moves in
//!   proportion (`t × d / first`; by `d − first` when the first is 0), so a
//!   row that steps up each January keeps its steps;
//! - **per period**, one draw per period: every period cell becomes a draw,
//!   scaled by the value the row has there as the model stands
//!   (`v × d / v_first`), so seasonality and trends keep their shape.
//!
//! Draws are made by inverting each distribution's cumulative distribution
//! at a uniform number; correlated inputs share a Gaussian copula (see
//! [`crate::model::simulate`]).

use statrs::distribution::{ContinuousCDF, Normal};

use super::document::CellInput;
pub use super::document::{Correlation, Distribution, Uncertainty};
use super::io::number_text;

/// How far a discrete distribution's probabilities may miss 1 in all.
const PROBABILITY_SLACK: f64 = 1e-6;

/// Checks an uncertainty for a timeline of `periods` periods.
pub fn check(u: &Uncertainty, periods: u32) -> Result<(), String> {
    check_distribution(&u.dist)?;
    if let Some(period) = u.period {
        if period == 0 || period > periods {
            return Err(format!(
                "the range is on period {period}, but the timeline has periods 1 to {periods}"
            ));
        }
        if u.per_period {
            return Err("a range on one period cell cannot be drawn per period".into());
        }
    }
    Ok(())
}

/// Checks a distribution's parameters: `low` below `high`, a positive
/// standard deviation, probabilities that add up to 1.
pub fn check_distribution(dist: &Distribution) -> Result<(), String> {
    let n = |x: f64| number_text(x);
    let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
    match *dist {
        Distribution::Uniform { low, high } => {
            if !finite(&[low, high]) {
                return Err("the range's ends must be finite numbers".into());
            }
            if low > high {
                return Err(format!(
                    "the range runs backwards: low {} is above high {}",
                    n(low),
                    n(high)
                ));
            }
            if low == high {
                return Err(format!(
                    "the range's ends are both {}: a range needs two different ends",
                    n(low)
                ));
            }
        }
        Distribution::Triangular { low, mode, high } => {
            if !finite(&[low, mode, high]) {
                return Err("the range's ends and mode must be finite numbers".into());
            }
            if low >= high {
                return Err(format!(
                    "the range runs backwards or is empty: low {} is not below high {}",
                    n(low),
                    n(high)
                ));
            }
            if mode < low || mode > high {
                return Err(format!(
                    "the most likely value {} is outside the range {} to {}",
                    n(mode),
                    n(low),
                    n(high)
                ));
            }
        }
        Distribution::Normal { mean, sd } => {
            if !finite(&[mean, sd]) {
                return Err("the mean and standard deviation must be finite numbers".into());
            }
            if sd <= 0.0 {
                return Err(format!(
                    "the standard deviation must be positive, not {}",
                    n(sd)
                ));
            }
        }
        Distribution::LogNormal { mean, sd } => {
            if !finite(&[mean, sd]) {
                return Err("the mean and standard deviation must be finite numbers".into());
            }
            if mean <= 0.0 {
                return Err(format!(
                    "a lognormal input is positive: its mean must be above 0, not {}",
                    n(mean)
                ));
            }
            if sd <= 0.0 {
                return Err(format!(
                    "the standard deviation must be positive, not {}",
                    n(sd)
                ));
            }
        }
        Distribution::Discrete(ref items) => {
            if items.is_empty() {
                return Err("a discrete set needs at least one value".into());
            }
            if items.iter().any(|&(v, p)| !v.is_finite() || !p.is_finite()) {
                return Err("a discrete set's values and probabilities must be finite".into());
            }
            if let Some(&(v, p)) = items.iter().find(|&&(_, p)| p < 0.0) {
                return Err(format!(
                    "the probability of {} is negative ({})",
                    n(v),
                    n(p)
                ));
            }
            let total: f64 = items.iter().map(|&(_, p)| p).sum();
            if (total - 1.0).abs() > PROBABILITY_SLACK {
                return Err(format!(
                    "the probabilities add up to {}, not 1 (100%)",
                    n((total * 1e9).round() / 1e9)
                ));
            }
        }
    }
    Ok(())
}

/// Checks a correlation's names and coefficient.
pub fn check_correlation(c: &Correlation) -> Result<(), String> {
    if c.a.trim().is_empty() || c.b.trim().is_empty() {
        return Err("a correlation needs two metric names".into());
    }
    if c.a.eq_ignore_ascii_case(&c.b) {
        return Err(format!(
            "`{}` is correlated with itself; a correlation joins two inputs",
            c.a
        ));
    }
    if !(c.rho > -1.0 && c.rho < 1.0) {
        return Err(format!(
            "the correlation of `{}` and `{}` is {}; it must be between -1 and 1 \
             (±1 would make them one input)",
            c.a,
            c.b,
            number_text(c.rho)
        ));
    }
    Ok(())
}

/// The standard normal distribution.
fn standard_normal() -> Normal {
    Normal::standard()
}

/// The standard normal's cumulative distribution at `z`.
pub fn normal_cdf(z: f64) -> f64 {
    standard_normal().cdf(z)
}

/// The standard normal's quantile at `u` (0 < u < 1).
pub fn normal_quantile(u: f64) -> f64 {
    standard_normal().inverse_cdf(u)
}

/// `(mu, sigma)` of the normal whose exponential has this mean and sd.
fn lognormal_params(mean: f64, sd: f64) -> (f64, f64) {
    let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
    (mean.ln() - sigma2 / 2.0, sigma2.sqrt())
}

impl Distribution {
    /// The value at cumulative probability `u` (0 < u < 1): a draw when `u`
    /// is uniform. `u` outside (0, 1) is clamped to the nearest end.
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON);
        match *self {
            Distribution::Uniform { low, high } => low + u * (high - low),
            Distribution::Triangular { low, mode, high } => {
                let width = high - low;
                if u * width < mode - low {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
            Distribution::Normal { mean, sd } => mean + sd * normal_quantile(u),
            Distribution::LogNormal { mean, sd } => {
                let (mu, sigma) = lognormal_params(mean, sd);
                (mu + sigma * normal_quantile(u)).exp()
            }
            Distribution::Discrete(ref items) => {
                let total: f64 = items.iter().map(|&(_, p)| p).sum();
                let mut cumulative = 0.0;
                for &(value, p) in items {
                    cumulative += p / total;
                    if u < cumulative {
                        return value;
                    }
                }
                items.last().map_or(0.0, |&(v, _)| v)
            }
        }
    }

    /// The value a plan would type for it: the middle of a uniform range,
    /// a triangle's mode, a mean, a discrete set's most likely value.
    pub fn center(&self) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => (low + high) / 2.0,
            Distribution::Triangular { mode, .. } => mode,
            Distribution::Normal { mean, .. } | Distribution::LogNormal { mean, .. } => mean,
            Distribution::Discrete(ref items) => items
                .iter()
                .fold(None, |best: Option<(f64, f64)>, &(v, p)| match best {
                    Some((_, bp)) if bp >= p => best,
                    _ => Some((v, p)),
                })
                .map_or(0.0, |(v, _)| v),
        }
    }

    /// The exact mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => (low + high) / 2.0,
            Distribution::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Distribution::Normal { mean, .. } | Distribution::LogNormal { mean, .. } => mean,
            Distribution::Discrete(ref items) => items.iter().map(|&(v, p)| v * p).sum(),
        }
    }

    /// The distribution as it is typed into a cell (see [`parse_typed`]),
    /// with `number` writing each value (e.g. as a percentage).
    pub fn typed(&self, number: &dyn Fn(f64) -> String) -> String {
        match *self {
            Distribution::Uniform { low, high } => format!("{} to {}", number(low), number(high)),
            Distribution::Triangular { low, mode, high } => format!(
                "triangular({}; {}; {})",
                number(low),
                number(mode),
                number(high)
            ),
            Distribution::Normal { mean, sd } => {
                format!("normal({}; {})", number(mean), number(sd))
            }
            Distribution::LogNormal { mean, sd } => {
                format!("lognormal({}; {})", number(mean), number(sd))
            }
            Distribution::Discrete(ref items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|&(v, p)| format!("{}: {}", number(v), number_text(p)))
                    .collect();
                format!("discrete({})", items.join("; "))
            }
        }
    }
}

/// Reads a distribution typed into a cell, as in Causal:
///
/// - `18% to 24%`: uniform;
/// - `triangular(18%; 20%; 24%)`: low, most likely, high;
/// - `normal(20%; 2%)`, `lognormal(74900; 8000)`: mean and standard deviation;
/// - `discrete(0: 0.3; 5000: 0.7)`: values with their probabilities.
///
/// Arguments are separated by `;` (or by `,` when no number has a thousands
/// separator). `None` if the text is not written as a distribution (it is
/// then an ordinary input); `Some(Err)` names what is wrong with one.
pub fn parse_typed(text: &str) -> Option<Result<Distribution, String>> {
    let text = text.trim();
    if text.starts_with('=') || text.starts_with('\'') {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if let Some(open) = lower.find('(')
        && lower.ends_with(')')
    {
        let kind = lower[..open].trim();
        if !matches!(
            kind,
            "uniform" | "triangular" | "normal" | "lognormal" | "discrete"
        ) {
            return None;
        }
        let inner = &text[open + 1..text.len() - 1];
        return Some(parse_call(kind, inner).and_then(|d| check_distribution(&d).map(|()| d)));
    }
    let (low, high) = split_to(text)?;
    let (low, high) = (number(low)?, number(high)?);
    let dist = Distribution::Uniform { low, high };
    Some(check_distribution(&dist).map(|()| dist))
}

/// `a to b` split at the word `to` (case-insensitive).
fn split_to(text: &str) -> Option<(&str, &str)> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find(" to ")?;
    Some((text[..at].trim(), text[at + 4..].trim()))
}

/// A number as typed into a cell (`12%`, `1,200`, `-3`), or `None`.
fn number(text: &str) -> Option<f64> {
    match CellInput::from_typed(text) {
        CellInput::Number(n) => Some(n),
        _ => None,
    }
}

/// The arguments of `kind(…)`.
fn parse_call(kind: &str, inner: &str) -> Result<Distribution, String> {
    let separator = if inner.contains(';') { ';' } else { ',' };
    let parts: Vec<&str> = inner.split(separator).map(str::trim).collect();
    let numbers = |want: usize, names: &str| -> Result<Vec<f64>, String> {
        if parts.len() != want {
            return Err(format!(
                "{kind}(…) takes {want} numbers ({names}), separated by `;`; got {}",
                parts.len()
            ));
        }
        parts
            .iter()
            .map(|p| number(p).ok_or_else(|| format!("`{p}` is not a number")))
            .collect()
    };
    Ok(match kind {
        "uniform" => {
            let v = numbers(2, "low; high")?;
            Distribution::Uniform {
                low: v[0],
                high: v[1],
            }
        }
        "triangular" => {
            let v = numbers(3, "low; most likely; high")?;
            Distribution::Triangular {
                low: v[0],
                mode: v[1],
                high: v[2],
            }
        }
        "normal" => {
            let v = numbers(2, "mean; standard deviation")?;
            Distribution::Normal {
                mean: v[0],
                sd: v[1],
            }
        }
        "lognormal" => {
            let v = numbers(2, "mean; standard deviation")?;
            Distribution::LogNormal {
                mean: v[0],
                sd: v[1],
            }
        }
        _ => {
            let mut items = Vec::new();
            for part in parts.iter().filter(|p| !p.is_empty()) {
                let (value, p) = part
                    .rsplit_once(':')
                    .ok_or_else(|| format!("`{part}` should be `value: probability`"))?;
                let value = number(value.trim())
                    .ok_or_else(|| format!("`{}` is not a number", value.trim()))?;
                let p = number(p.trim())
                    .ok_or_else(|| format!("`{}` is not a probability", p.trim()))?;
                items.push((value, p));
            }
            Distribution::Discrete(items)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Result<Distribution, String> {
        parse_typed(text).expect("a distribution")
    }

    #[test]
    fn ranges_read_as_typed() {
        assert_eq!(
            typed("18% to 24%"),
            Ok(Distribution::Uniform {
                low: 0.18,
                high: 0.24
            })
        );
        assert_eq!(
            typed("Triangular(18%; 20%; 24%)"),
            Ok(Distribution::Triangular {
                low: 0.18,
                mode: 0.2,
                high: 0.24
            })
        );
        assert_eq!(
            typed("normal(1,000; 50)"),
            Ok(Distribution::Normal {
                mean: 1000.0,
                sd: 50.0
            })
        );
        assert_eq!(
            typed("lognormal(100, 20)"),
            Ok(Distribution::LogNormal {
                mean: 100.0,
                sd: 20.0
            })
        );
        assert_eq!(
            typed("discrete(0: 30%; 5000: 70%)"),
            Ok(Distribution::Discrete(vec![(0.0, 0.3), (5000.0, 0.7)]))
        );
        for plain in [
            "12%", "=a to b", "'1 to 2", "tomorrow", "price(3)", "1 to x",
        ] {
            assert_eq!(parse_typed(plain), None, "{plain}");
        }
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        let err = |t: &str| typed(t).expect_err(t);
        assert!(err("24% to 18%").contains("backwards"));
        assert!(err("5 to 5").contains("two different ends"));
        assert!(err("normal(10; -2)").contains("standard deviation must be positive"));
        assert!(err("discrete(1: 0.5; 2: 0.4)").contains("add up to 0.9"));
        assert!(err("discrete(1: -0.5; 2: 1.5)").contains("negative"));
        assert!(err("triangular(1; 5; 3)").contains("outside the range"));
        assert!(err("lognormal(-1; 2)").contains("above 0"));
        assert!(err("normal(1)").contains("takes 2 numbers"));
    }

    #[test]
    fn typed_text_reads_back() {
        for dist in [
            Distribution::Uniform {
                low: 1.0,
                high: 2.5,
            },
            Distribution::Triangular {
                low: 1.0,
                mode: 2.0,
                high: 4.0,
            },
            Distribution::Normal { mean: 5.0, sd: 0.5 },
            Distribution::LogNormal { mean: 5.0, sd: 0.5 },
            Distribution::Discrete(vec![(1.0, 0.25), (2.0, 0.75)]),
        ] {
            let text = dist.typed(&|x| number_text(x));
            assert_eq!(typed(&text), Ok(dist), "{text}");
        }
    }

    #[test]
    fn quantiles_invert_the_distributions() {
        let tri = Distribution::Triangular {
            low: 0.0,
            mode: 1.0,
            high: 4.0,
        };
        // F(mode) = (mode − low) / (high − low) = 1/4.
        assert!((tri.quantile(0.25) - 1.0).abs() < 1e-12);
        assert!((tri.quantile(0.5) - (4.0 - 6f64.sqrt())).abs() < 1e-12);
        let normal = Distribution::Normal {
            mean: 10.0,
            sd: 2.0,
        };
        assert!((normal.quantile(0.5) - 10.0).abs() < 1e-9);
        assert!((normal.quantile(normal_cdf(1.0)) - 12.0).abs() < 1e-9);
        let log = Distribution::LogNormal {
            mean: 100.0,
            sd: 20.0,
        };
        let (mu, _) = lognormal_params(100.0, 20.0);
        assert!((log.quantile(0.5) - mu.exp()).abs() < 1e-9);
        let discrete = Distribution::Discrete(vec![(1.0, 0.2), (2.0, 0.8)]);
        assert_eq!(discrete.quantile(0.19), 1.0);
        assert_eq!(discrete.quantile(0.21), 2.0);
        assert_eq!(
            Distribution::Uniform {
                low: 2.0,
                high: 4.0
            }
            .quantile(0.25),
            2.5
        );
    }

    #[test]
    fn checks_cover_period_and_correlation() {
        let dist = Distribution::Uniform {
            low: 1.0,
            high: 2.0,
        };
        let on = |period, per_period| Uncertainty {
            dist: dist.clone(),
            period,
            per_period,
        };
        assert!(check(&on(None, true), 12).is_ok());
        assert!(check(&on(Some(12), false), 12).is_ok());
        assert!(
            check(&on(Some(13), false), 12)
                .unwrap_err()
                .contains("periods 1 to 12")
        );
        assert!(check(&on(Some(0), false), 12).is_err());
        assert!(
            check(&on(Some(2), true), 12)
                .unwrap_err()
                .contains("per period")
        );
        let c = |a: &str, b: &str, rho| Correlation {
            a: a.into(),
            b: b.into(),
            rho,
        };
        assert!(check_correlation(&c("price", "conversion", -0.6)).is_ok());
        assert!(check_correlation(&c("price", "PRICE", 0.5)).is_err());
        assert!(check_correlation(&c("price", "conversion", 1.5)).is_err());
        assert!(check_correlation(&c("price", "conversion", f64::NAN)).is_err());
    }
}
