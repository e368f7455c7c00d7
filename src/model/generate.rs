//! Generated founder-style models of any size, for benchmarks and for trying
//! the editor on a big model: R metric rows × C monthly periods, about 10%
//! input rows, the rest formulas reading 1–4 earlier rows in the same period,
//! some previous-period references, row totals and IF/ROUND/MIN/MAX.
//!
//! The recipe ([`Recipe`]) is public so that a benchmark can compute the same
//! model with a hand-written kernel and compare.

use super::document::FORMAT_VERSION;
use super::document::{CellInput, Format, RowFile, SheetFile, Step, Timeline, WorkbookFile};

/// How one generated row is computed (`a`, `b`, … are earlier row indices).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Recipe {
    /// An input row: `base × (1 + growth)^period`, typed into every period.
    Input { base: f64, growth: f64 },
    /// `=(a + b) / 2 * factor`
    Blend { a: usize, b: usize, factor: f64 },
    /// `=a * b / scale`
    Product { a: usize, b: usize, scale: f64 },
    /// `=a[-1] * 0.5 + b * 0.5`
    Lag { a: usize, b: usize },
    /// `=IF(a > threshold, b, c)`
    Choose {
        a: usize,
        b: usize,
        c: usize,
        threshold: f64,
    },
    /// `=ROUND(a * 1.1 - b * 0.1, 2)`
    Round { a: usize, b: usize },
    /// `=MAX(MIN(a[0], b[0]), c[0])`
    Clamp { a: usize, b: usize, c: usize },
    /// `=SUM(a) / periods + b` (a row total)
    Total { a: usize, b: usize },
    /// `=(a + b + c + d) / 4`
    Mean4 {
        a: usize,
        b: usize,
        c: usize,
        d: usize,
    },
}

/// A deterministic pseudo-random generator (xorshift64*), so generated
/// models are the same on every machine without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The recipes of a model with `rows` rows.
pub fn recipes(rows: usize, seed: u64) -> Vec<Recipe> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        // The first rows are inputs, then every tenth.
        if i < 4 || rng.below(10) == 0 {
            out.push(Recipe::Input {
                base: 50.0 + rng.unit() * 100.0,
                growth: rng.unit() * 0.02,
            });
            continue;
        }
        // Mostly nearby rows, as in real models, sometimes far ones.
        let pick = |rng: &mut Rng| {
            if rng.below(4) == 0 {
                rng.below(i)
            } else {
                i - 1 - rng.below(i.min(12))
            }
        };
        let (a, b, c, d) = (
            pick(&mut rng),
            pick(&mut rng),
            pick(&mut rng),
            pick(&mut rng),
        );
        let recipe = match rng.below(20) {
            0..=5 => Recipe::Blend {
                a,
                b,
                factor: 0.98 + rng.unit() * 0.04,
            },
            6..=8 => Recipe::Product { a, b, scale: 100.0 },
            9..=11 => Recipe::Lag { a, b },
            12..=13 => Recipe::Choose {
                a,
                b,
                c,
                threshold: 100.0,
            },
            14..=15 => Recipe::Round { a, b },
            16 => Recipe::Clamp { a, b, c },
            17 => Recipe::Total { a, b },
            _ => Recipe::Mean4 { a, b, c, d },
        };
        out.push(recipe);
    }
    out
}

/// The metric name of generated row `i`.
pub fn row_name(i: usize) -> String {
    format!("metric_{i}")
}

/// The formula of a recipe (`None` for inputs).
pub fn formula(recipe: &Recipe, periods: u32) -> Option<String> {
    let n = |i: &usize| row_name(*i);
    Some(match recipe {
        Recipe::Input { .. } => return None,
        Recipe::Blend { a, b, factor } => format!("=({} + {}) / 2 * {factor}", n(a), n(b)),
        Recipe::Product { a, b, scale } => format!("={} * {} / {scale}", n(a), n(b)),
        Recipe::Lag { a, b } => format!("={}[-1] * 0.5 + {} * 0.5", n(a), n(b)),
        Recipe::Choose { a, b, c, threshold } => {
            format!("=IF({} > {threshold}, {}, {})", n(a), n(b), n(c))
        }
        Recipe::Round { a, b } => format!("=ROUND({} * 1.1 - {} * 0.1, 2)", n(a), n(b)),
        Recipe::Clamp { a, b, c } => {
            format!("=MAX(MIN({}[0], {}[0]), {}[0])", n(a), n(b), n(c))
        }
        Recipe::Total { a, b } => format!("=SUM({}) / {periods} + {}", n(a), n(b)),
        Recipe::Mean4 { a, b, c, d } => {
            format!("=({} + {} + {} + {}) / 4", n(a), n(b), n(c), n(d))
        }
    })
}

/// The value an input row holds in `period`.
pub fn input_value(base: f64, growth: f64, period: u32) -> f64 {
    let v = base * (1.0 + growth).powi(period as i32);
    (v * 100.0).round() / 100.0
}

/// A generated workbook of `rows` metrics × `periods` months.
pub fn founder_model(rows: usize, periods: u32, seed: u64) -> WorkbookFile {
    let rows: Vec<RowFile> = recipes(rows, seed)
        .iter()
        .enumerate()
        .map(|(i, recipe)| {
            let mut row = RowFile {
                label: format!("Metric {i}"),
                unit: "units".into(),
                format: Format::Decimal(1),
                ..RowFile::default()
            };
            match recipe {
                Recipe::Input { base, growth } => {
                    row.values = (0..periods)
                        .map(|p| CellInput::Number(input_value(*base, *growth, p)))
                        .collect();
                }
                other => row.formula = formula(other, periods).unwrap_or_default(),
            }
            row
        })
        .collect();
    WorkbookFile {
        version: FORMAT_VERSION,
        timeline: Timeline {
            start: "2026-01".into(),
            periods,
            step: Step::Month,
        },
        sheets: vec![SheetFile {
            name: "Model".into(),
            rows,
        }],
        scenarios: Vec::new(),
        changelog: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(recipes(50, 7), recipes(50, 7));
        assert_ne!(recipes(50, 7), recipes(50, 8));
    }

    #[test]
    fn about_a_tenth_are_inputs() {
        let all = recipes(3000, 1);
        let inputs = all
            .iter()
            .filter(|r| matches!(r, Recipe::Input { .. }))
            .count();
        assert!((200..450).contains(&inputs), "{inputs}");
    }

    #[test]
    fn recipes_only_read_earlier_rows() {
        for (i, recipe) in recipes(500, 3).iter().enumerate() {
            let refs: Vec<usize> = match *recipe {
                Recipe::Input { .. } => vec![],
                Recipe::Blend { a, b, .. }
                | Recipe::Product { a, b, .. }
                | Recipe::Lag { a, b }
                | Recipe::Round { a, b }
                | Recipe::Total { a, b } => vec![a, b],
                Recipe::Choose { a, b, c, .. } | Recipe::Clamp { a, b, c } => vec![a, b, c],
                Recipe::Mean4 { a, b, c, d } => vec![a, b, c, d],
            };
            assert!(refs.iter().all(|&r| r < i), "row {i}: {recipe:?}");
        }
    }
}
