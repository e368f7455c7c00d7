//! Monte Carlo simulation: the model run many times with its uncertain
//! inputs drawn from their ranges (see [`crate::model::uncertainty`]).
//!
//! Each run sets every uncertain input's cells to a draw and recalculates
//! incrementally, limited to what the chosen outputs read
//! ([`Workbook::focused`]); after the last run the model is put back. The
//! result holds, per output metric and period, the mean and percentiles; the
//! target's value in every run (for a histogram); the probability of a
//! condition typed as a formula over the model (`MIN(cash) < 0`) and the
//! period where it first comes true most often; and the rank correlation of
//! each uncertain input with the target (which inputs explain the spread).
//!
//! Correlated inputs are drawn through a Gaussian copula: each correlation is
//! a rank (Spearman) correlation, turned into the correlation of normal
//! scores by `2·sin(π·ρ/6)`, so the draws keep their own distributions and
//! have the rank correlation asked for.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use super::uncertainty::{Distribution, normal_cdf, normal_quantile};
use super::what_if::{Target, target_value};
use super::{CellInput, Command, Edit, FIRST_PERIOD_COL, Layout, Value, Workbook};
use crate::engine::CellAddr;
use crate::engine::compile::Node;

/// The most runs one simulation may have.
pub const MAX_RUNS: usize = 100_000;
/// The runs a simulation has unless told otherwise.
pub const DEFAULT_RUNS: usize = 2_000;

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The metric (one period or its total) whose spread is studied.
    pub target: Target,
    /// Further metrics whose every period is summarised (for charts).
    pub metrics: Vec<(u32, u32)>,
    /// Number of runs, 1 to [`MAX_RUNS`].
    pub runs: usize,
    /// The seed: the same seed and model give the same results.
    pub seed: u64,
    /// A condition over the model, e.g. `MIN(cash) < 0`.
    pub condition: Option<String>,
}

impl Spec {
    /// A simulation of `target` with the default runs and seed 1.
    pub fn new(target: Target) -> Spec {
        Spec {
            target,
            metrics: Vec::new(),
            runs: DEFAULT_RUNS,
            seed: 1,
            condition: None,
        }
    }
}

/// The mean, spread and percentiles of one output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// The mean.
    pub mean: f64,
    /// The standard deviation (of the sample, n − 1).
    pub sd: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 10th percentile.
    pub p10: f64,
    /// The median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Runs in which the output was a number.
    pub count: usize,
}

impl Summary {
    /// Summarises `values`, leaving out what is not a number (NaN); `None`
    /// if nothing is left. Percentiles interpolate between neighbouring
    /// values, as `PERCENTILE.INC` does.
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let mean = sorted.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let at = |p: f64| {
            let rank = p * (n - 1) as f64;
            let (lo, frac) = (rank.floor() as usize, rank.fract());
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + frac * (sorted[hi] - sorted[lo])
        };
        Some(Summary {
            mean,
            sd,
            p5: at(0.05),
            p10: at(0.10),
            p50: at(0.50),
            p90: at(0.90),
            p95: at(0.95),
            count: n,
        })
    }
}

/// One metric's results, period by period.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricResult {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// The metric's formula name.
    pub name: String,
    /// Each period's summary (`None` where no run gave a number).
    pub periods: Vec<Option<Summary>>,
}

/// How an uncertain input moves the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// The input's formula name.
    pub name: String,
    /// The input's label.
    pub label: String,
    /// Spearman's rank correlation of the input's draws with the target
    /// (−1 to 1); `None` if either does not vary.
    pub rank_correlation: Option<f64>,
}

/// How often a condition came true.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionResult {
    /// The condition as typed.
    pub text: String,
    /// The share of runs in which it is true over the whole timeline.
    pub probability: f64,
    /// For each period, the runs in which the condition first came true
    /// there (evaluated on the timeline cut after that period).
    pub first_true: Vec<usize>,
}

impl ConditionResult {
    /// The period (0-based) where the condition most often first comes
    /// true; `None` if it never does.
    pub fn most_often(&self) -> Option<u32> {
        let (period, &runs) = self
            .first_true
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
        (runs > 0).then_some(period as u32)
    }
}

/// What a simulation found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The simulation asked for.
    pub spec: Spec,
    /// The target's value as the model stands (without draws).
    pub base: Option<f64>,
    /// The target's value in each run (NaN where it was not a number).
    pub samples: Vec<f64>,
    /// The target's summary.
    pub summary: Option<Summary>,
    /// The target's metric and each metric of `spec.metrics`, every period.
    pub metrics: Vec<MetricResult>,
    /// The uncertain inputs, most influential first.
    pub drivers: Vec<Driver>,
    /// The condition's result, if one was given.
    pub condition: Option<ConditionResult>,
}

/// The runs of a target counted into equal-width bins.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// The lowest value (the first bin's left edge).
    pub min: f64,
    /// Each bin's width.
    pub width: f64,
    /// Runs per bin, lowest first.
    pub counts: Vec<usize>,
}

impl Histogram {
    /// Counts the finite values of `samples` into `bins` bins from the
    /// lowest to the highest; `None` if none is finite.
    pub fn of(samples: &[f64], bins: usize) -> Option<Histogram> {
        let bins = bins.max(1);
        let (min, max) = samples
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        if min > max {
            return None;
        }
        let width = ((max - min) / bins as f64).max(f64::MIN_POSITIVE);
        let mut counts = vec![0usize; bins];
        for v in samples.iter().filter(|v| v.is_finite()) {
            let bin = (((v - min) / width) as usize).min(bins - 1);
            counts[bin] += 1;
        }
        Some(Histogram { min, width, counts })
    }

    /// Bin `i`'s left edge.
    pub fn from(&self, i: usize) -> f64 {
        self.min + self.width * i as f64
    }
}

impl Outcome {
    /// The results of one metric, if it was recorded.
    pub fn metric(&self, sheet: u32, row: u32) -> Option<&MetricResult> {
        self.metrics
            .iter()
            .find(|m| m.sheet == sheet && m.row == row)
    }
}

/// One uncertain input and the cells it sets.
#[derive(Debug, Clone)]
struct Input {
    sheet: u32,
    row: u32,
    dist: Distribution,
    /// Each cell it sets, with how a draw becomes its value.
    cells: Vec<(u32, Scale)>,
    per_period: bool,
}

/// How a draw `d` becomes a cell's value.
#[derive(Debug, Clone, Copy)]
enum Scale {
    /// `d × factor`.
    Times(f64),
    /// `d + shift`.
    Plus(f64),
}

impl Scale {
    /// `value` relative to `reference`: in proportion, or by the difference
    /// when the reference is 0.
    fn relative(value: f64, reference: f64) -> Scale {
        if reference == 0.0 {
            Scale::Plus(value - reference)
        } else {
            Scale::Times(value / reference)
        }
    }

    fn apply(self, draw: f64) -> f64 {
        match self {
            Scale::Times(f) => draw * f,
            Scale::Plus(s) => draw + s,
        }
    }
}

/// Draws the uncertain inputs run after run: each run is an edit that sets
/// every uncertain cell. Shared by [`simulate`] and by benchmarks that
/// apply the same draws another way.
pub struct Sampler {
    inputs: Vec<Input>,
    /// Lower-triangular Cholesky factor of the normal scores' correlation
    /// matrix; `None` when no inputs are correlated.
    cholesky: Option<Vec<f64>>,
    /// Draw slots per run: 1, or the number of periods when an input is
    /// drawn per period.
    slots: usize,
    rng: Xoshiro256PlusPlus,
    /// The last run's draw of each input (the mean of its per-period draws).
    last: Vec<f64>,
    /// True for each input that has a correlation.
    correlated: Vec<bool>,
}

impl Sampler {
    /// The sampler of `workbook`'s uncertain inputs (as the model stands,
    /// with the active scenario), seeded with `seed`. Errors: no input has a
    /// range, or the correlations do not fit the inputs.
    pub fn new(workbook: &Workbook, seed: u64) -> Result<Sampler, String> {
        let inputs = collect_inputs(workbook)?;
        if inputs.is_empty() {
            return Err(
                "no input has a range: type one into an input cell (e.g. `18% to 24%`) \
                 or add `uncertainty:` to a row"
                    .into(),
            );
        }
        let cholesky = correlation_factor(workbook, &inputs)?;
        let slots = if inputs.iter().any(|i| i.per_period) {
            workbook.periods() as usize
        } else {
            1
        };
        let last = vec![0.0; inputs.len()];
        let correlated = correlated_inputs(workbook, &inputs);
        Ok(Sampler {
            inputs,
            correlated,
            cholesky,
            slots,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            last,
        })
    }

    /// Number of uncertain inputs.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// True if there are no uncertain inputs (never, once built).
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// A uniform number in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// The uniforms of draw slot `slot`, one per input: slot 0 for every
    /// input, later slots (periods) only for inputs drawn per period (the
    /// others get 0.5, unused). Only correlated inputs go through the
    /// copula; the others take their uniform as it comes.
    fn slot_uniforms(&mut self, slot: usize, out: &mut Vec<f64>) {
        out.clear();
        let n = self.inputs.len();
        let needed = |i: usize, inputs: &[Input]| slot == 0 || inputs[i].per_period;
        let Some(l) = self.cholesky.take() else {
            for i in 0..n {
                let u = if needed(i, &self.inputs) {
                    self.uniform()
                } else {
                    0.5
                };
                out.push(u);
            }
            return;
        };
        let e: Vec<f64> = (0..n)
            .map(|i| {
                if self.correlated[i] && needed(i, &self.inputs) {
                    normal_quantile(self.uniform())
                } else {
                    0.0
                }
            })
            .collect();
        for i in 0..n {
            let u = if !needed(i, &self.inputs) {
                0.5
            } else if self.correlated[i] {
                // The factor is zero between an uncorrelated input and any other.
                let z: f64 = (0..=i).map(|j| l[i * n + j] * e[j]).sum();
                normal_cdf(z)
            } else {
                self.uniform()
            };
            out.push(u);
        }
        self.cholesky = Some(l);
    }

    /// The next run's edit.
    pub fn next_run(&mut self) -> Edit {
        let mut slots: Vec<Vec<f64>> = Vec::with_capacity(self.slots);
        let mut scratch = Vec::new();
        for slot in 0..self.slots {
            self.slot_uniforms(slot, &mut scratch);
            slots.push(scratch.clone());
        }
        let mut edit = Vec::new();
        for (i, input) in self.inputs.iter().enumerate() {
            let together = input.dist.quantile(slots[0][i]);
            let mut sum = 0.0;
            for &(period, scale) in &input.cells {
                let draw = if input.per_period {
                    input.dist.quantile(slots[period as usize][i])
                } else {
                    together
                };
                sum += draw;
                edit.push(Command::SetCell {
                    sheet: input.sheet,
                    row: input.row,
                    period,
                    input: CellInput::Number(scale.apply(draw)),
                });
            }
            self.last[i] = if input.per_period {
                sum / input.cells.len().max(1) as f64
            } else {
                together
            };
        }
        edit
    }
}

/// The uncertain inputs of every metric sheet, top to bottom.
fn collect_inputs(workbook: &Workbook) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for sheet in 0..workbook.document().sheets.len() as u32 {
        if workbook.layout(sheet) != Layout::Metrics {
            continue;
        }
        for (row, info) in workbook.rows(sheet).iter().enumerate() {
            let row = row as u32;
            // The scenario shown may give the row a range of its own.
            let Some(u) = workbook.range(sheet, row) else {
                continue;
            };
            let name = || {
                let name = workbook.metric_name(sheet, row);
                if name.is_empty() {
                    info.label.clone()
                } else {
                    name.to_string()
                }
            };
            let typed = |p: u32| match workbook.effective_input(sheet, row, p) {
                CellInput::Number(n) => Some(*n),
                _ => None,
            };
            let cells: Vec<(u32, Scale)> = if let Some(period) = u.period {
                let p = period - 1;
                if typed(p).is_none() {
                    return Err(format!(
                        "`{}` has a range on period {period}, which holds no typed number",
                        name()
                    ));
                }
                vec![(p, Scale::Times(1.0))]
            } else if u.per_period {
                let values = workbook.row_values(sheet, row);
                let numbers: Vec<f64> = values
                    .iter()
                    .map(|v| v.as_number().unwrap_or(0.0))
                    .collect();
                // Scaled against the cell that shows the range.
                let at = workbook.range_carrier(sheet, row).unwrap_or(0) as usize;
                let first = numbers.get(at).copied().unwrap_or(0.0);
                (0..workbook.periods())
                    .map(|p| (p, Scale::relative(numbers[p as usize], first)))
                    .collect()
            } else {
                let numbers: Vec<(u32, f64)> = (0..workbook.periods())
                    .filter_map(|p| typed(p).map(|n| (p, n)))
                    .collect();
                let Some(&(_, first)) = numbers.first() else {
                    return Err(format!(
                        "`{}` has a range but no typed number to put it on",
                        name()
                    ));
                };
                numbers
                    .into_iter()
                    .map(|(p, n)| (p, Scale::relative(n, first)))
                    .collect()
            };
            out.push(Input {
                sheet,
                row,
                dist: u.dist.clone(),
                cells,
                per_period: u.per_period,
            });
        }
    }
    Ok(out)
}

/// The metric a correlation names: `Sheet!metric`, or a metric of the
/// first sheet (as scenario keys and renames read them).
fn correlation_metric(workbook: &Workbook, name: &str) -> Option<(u32, u32)> {
    let found = workbook.find_metric(name)?;
    (name.contains('!') || found.0 == 0).then_some(found)
}

/// Which inputs appear in a correlation.
fn correlated_inputs(workbook: &Workbook, inputs: &[Input]) -> Vec<bool> {
    let named: Vec<(u32, u32)> = workbook
        .document()
        .correlations
        .iter()
        .flat_map(|c| [&c.a, &c.b])
        .filter_map(|name| correlation_metric(workbook, name))
        .collect();
    inputs
        .iter()
        .map(|i| named.contains(&(i.sheet, i.row)))
        .collect()
}

/// The Cholesky factor of the normal scores' correlations, or `None` when
/// the model has no correlations.
fn correlation_factor(workbook: &Workbook, inputs: &[Input]) -> Result<Option<Vec<f64>>, String> {
    let correlations = &workbook.document().correlations;
    if correlations.is_empty() {
        return Ok(None);
    }
    let n = inputs.len();
    let mut matrix = vec![0.0; n * n];
    for i in 0..n {
        matrix[i * n + i] = 1.0;
    }
    let index = |name: &str| -> Result<Option<usize>, String> {
        let (sheet, row) = correlation_metric(workbook, name)
            .ok_or_else(|| format!("the correlation names `{name}`, which is no metric"))?;
        Ok(inputs.iter().position(|i| i.sheet == sheet && i.row == row))
    };
    for c in correlations {
        // A correlation of an input whose range was taken away is left out.
        let (Some(a), Some(b)) = (index(&c.a)?, index(&c.b)?) else {
            continue;
        };
        if inputs[a].per_period != inputs[b].per_period {
            return Err(format!(
                "`{}` and `{}` are correlated, but one is drawn per period and the other once \
                 per run; correlate inputs that are drawn the same way",
                c.a, c.b
            ));
        }
        let r = 2.0 * (std::f64::consts::PI * c.rho / 6.0).sin();
        matrix[a * n + b] = r;
        matrix[b * n + a] = r;
    }
    cholesky(&matrix, n).map(Some).ok_or_else(|| {
        "the correlations contradict each other (no set of inputs can have them all); \
         weaken one of them"
            .to_string()
    })
}

/// The lower-triangular `L` with `L·Lᵀ = matrix` (row-major, `n × n`), or
/// `None` if the matrix is not positive definite.
fn cholesky(matrix: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = matrix[i * n + i] - sum;
                if d <= 1e-12 {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (matrix[i * n + j] - sum) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// A condition compiled against the model.
struct Condition {
    text: String,
    node: Node,
}

impl Condition {
    /// Compiles `text` and checks it on the model as it stands: it must give
    /// TRUE/FALSE or a number.
    fn new(workbook: &Workbook, text: &str) -> Result<Condition, String> {
        let node = workbook
            .engine
            .compile_expression(text, 0)
            .map_err(|e| format!("the condition `{text}` does not read: {e}"))?;
        let condition = Condition {
            text: text.to_string(),
            node,
        };
        let last = workbook.periods().saturating_sub(1);
        match condition.value(workbook, last) {
            Ok(_) => Ok(condition),
            Err(e) => Err(format!("the condition `{text}` {e}")),
        }
    }

    /// The condition's truth on the timeline cut after `period`.
    fn value(&self, workbook: &Workbook, period: u32) -> Result<bool, String> {
        match workbook.engine.evaluate_expression(&self.node, 0, period) {
            Value::Bool(b) => Ok(b),
            Value::Number(n) => Ok(n != 0.0),
            Value::Error(e) => Err(match &e.detail {
                Some(detail) => format!("gives {e}: {detail}"),
                None => format!("gives {e}"),
            }),
            other => Err(format!(
                "gives `{}`, not TRUE or FALSE",
                super::display::plain_text(&other)
            )),
        }
    }
}

/// Runs the simulation `spec` on `workbook`; afterwards the workbook's text,
/// values and undo history are as before.
pub fn simulate(workbook: &mut Workbook, spec: &Spec) -> Result<Outcome, String> {
    simulate_with_progress(workbook, spec, &mut |_, _| true)
}

/// [`simulate`], calling `progress` with (runs done, runs in all) every few
/// runs; returning `false` stops the simulation with an error (the workbook
/// is put back either way).
pub fn simulate_with_progress(
    workbook: &mut Workbook,
    spec: &Spec,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Outcome, String> {
    if spec.runs == 0 || spec.runs > MAX_RUNS {
        return Err(format!(
            "a simulation has 1 to {MAX_RUNS} runs, not {}",
            spec.runs
        ));
    }
    let mut sampler = Sampler::new(workbook, spec.seed)?;
    let condition = match &spec.condition {
        Some(text) if !text.trim().is_empty() => Some(Condition::new(workbook, text.trim())?),
        _ => None,
    };
    let base = target_value(workbook, &spec.target);
    let periods = workbook.periods();
    let mut rows = vec![spec.target.cell_row()];
    for &m in &spec.metrics {
        if !rows.contains(&m) {
            rows.push(m);
        }
    }
    let mut cells: Vec<(u32, u32, u32)> = rows
        .iter()
        .flat_map(|&(s, r)| (0..periods).map(move |p| (s, r, p)))
        .collect();
    if let Some(c) = &condition {
        let first = FIRST_PERIOD_COL;
        // Read at the last period; earlier periods (for when it first comes
        // true) read the same rows' earlier cells.
        for addr in workbook.engine.expression_precedents(&c.node, 0) {
            if addr.col >= first && !workbook.engine.is_grid(addr.sheet) {
                cells.extend((0..periods).map(|p| (addr.sheet, addr.row, p)));
            } else if let Some(p) = addr.col.checked_sub(first) {
                cells.push((addr.sheet, addr.row, p));
            }
        }
    }
    let runs = spec.runs;
    let width = periods as usize;
    let mut series: Vec<Vec<f64>> = vec![Vec::with_capacity(runs * width); rows.len()];
    let mut samples = Vec::with_capacity(runs);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(runs); sampler.len()];
    let mut hits = 0usize;
    let mut first_true = vec![0usize; width];
    let outcome = workbook.focused(&cells, |workbook| -> Result<(), String> {
        let mut restore: Option<Edit> = None;
        let mut sweep = None;
        let mut numbers: Vec<(CellAddr, f64)> = Vec::new();
        let mut first_numbers: Vec<(CellAddr, f64)> = Vec::new();
        let mut result = Ok(());
        for run in 0..runs {
            if run % 64 == 0 && !progress(run, runs) {
                result = Err(format!("stopped after {run} of {runs} runs"));
                break;
            }
            let edit = sampler.next_run();
            // After the first run the same cells hold numbers, so later runs
            // set them in the engine and recompute a fixed list of cells.
            let swept = sweep.as_ref().is_some_and(|sweep| {
                numbers.clear();
                numbers.extend(edit.iter().filter_map(cell_number));
                workbook.engine.apply_sweep(sweep, &numbers)
            });
            if !swept {
                let first_edit = if restore.is_none() {
                    edit.clone()
                } else {
                    Vec::new()
                };
                match workbook.try_edit(edit) {
                    Ok(inverse) => {
                        if restore.is_none() {
                            restore = Some(inverse);
                            first_numbers = first_edit.iter().filter_map(cell_number).collect();
                            let cells: Vec<CellAddr> = sampler_cells(&sampler);
                            sweep = workbook.engine.sweep(&cells);
                        }
                    }
                    Err(e) => {
                        result = Err(format!("setting run {}'s draws: {e}", run + 1));
                        break;
                    }
                }
            }
            for (i, &d) in sampler.last.iter().enumerate() {
                draws[i].push(d);
            }
            samples.push(target_value(workbook, &spec.target).unwrap_or(f64::NAN));
            for (k, &(s, r)) in rows.iter().enumerate() {
                series[k].extend(
                    workbook
                        .row_values(s, r)
                        .iter()
                        .map(|v| v.as_number().unwrap_or(f64::NAN)),
                );
            }
            if let Some(c) = &condition
                && c.value(workbook, periods - 1).unwrap_or(false)
            {
                hits += 1;
                let first = (0..periods)
                    .find(|&p| c.value(workbook, p).unwrap_or(false))
                    .unwrap_or(periods - 1);
                first_true[first as usize] += 1;
            }
        }
        if let Some(sweep) = &sweep {
            // The document holds the first run's draws; so must the engine
            // before the inverse of that run is applied.
            workbook.engine.apply_sweep(sweep, &first_numbers);
        }
        if let Some(inverse) = restore {
            workbook
                .restore(inverse)
                .map_err(|e| format!("putting the model back: {e}"))?;
        }
        result
    });
    outcome?;
    let metrics = rows
        .iter()
        .zip(&series)
        .map(|(&(sheet, row), values)| MetricResult {
            sheet,
            row,
            name: workbook.metric_name(sheet, row).to_string(),
            periods: (0..width)
                .map(|p| {
                    let column: Vec<f64> = values.iter().skip(p).step_by(width).copied().collect();
                    Summary::of(&column)
                })
                .collect(),
        })
        .collect();
    let mut drivers: Vec<Driver> = sampler
        .inputs
        .iter()
        .zip(&draws)
        .map(|(input, draws)| Driver {
            sheet: input.sheet,
            row: input.row,
            name: workbook.metric_name(input.sheet, input.row).to_string(),
            label: workbook.rows(input.sheet)[input.row as usize].label.clone(),
            rank_correlation: rank_correlation(draws, &samples),
        })
        .collect();
    drivers.sort_by(|a, b| {
        let key = |d: &Driver| d.rank_correlation.map(f64::abs);
        match (key(a), key(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    Ok(Outcome {
        spec: spec.clone(),
        base,
        summary: Summary::of(&samples),
        samples,
        metrics,
        drivers,
        condition: condition.map(|c| ConditionResult {
            text: c.text,
            probability: hits as f64 / runs as f64,
            first_true,
        }),
    })
}

/// The engine cell and number a draw's `SetCell` sets.
fn cell_number(command: &Command) -> Option<(CellAddr, f64)> {
    match *command {
        Command::SetCell {
            sheet,
            row,
            period,
            input: CellInput::Number(x),
        } => Some((CellAddr::new(sheet, row, FIRST_PERIOD_COL + period), x)),
        _ => None,
    }
}

/// Every engine cell the sampler sets.
fn sampler_cells(sampler: &Sampler) -> Vec<CellAddr> {
    sampler
        .inputs
        .iter()
        .flat_map(|i| {
            i.cells
                .iter()
                .map(|&(p, _)| CellAddr::new(i.sheet, i.row, FIRST_PERIOD_COL + p))
        })
        .collect()
}

/// Spearman's rank correlation of `x` and `y`, over the pairs where `y` is
/// a number; `None` if either side does not vary.
pub fn rank_correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let (xs, ys): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(&a, &b)| (a, b))
        .unzip();
    let (rx, ry) = (ranks(&xs), ranks(&ys));
    pearson(&rx, &ry)
}

/// Ranks from 1, ties sharing their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Pearson's correlation; `None` if either side has no spread.
fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n < 2 {
        return None;
    }
    let (mx, my) = (
        x.iter().sum::<f64>() / n as f64,
        y.iter().sum::<f64>() / n as f64,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_interpolate_as_percentile_inc() {
        let values: Vec<f64> = (1..=11).map(f64::from).collect();
        let s = Summary::of(&values).expect("numbers");
        assert_eq!((s.mean, s.p50, s.p10, s.p90), (6.0, 6.0, 2.0, 10.0));
        assert!((s.p5 - 1.5).abs() < 1e-12 && (s.p95 - 10.5).abs() < 1e-12);
        assert_eq!(s.count, 11);
        assert_eq!(Summary::of(&[f64::NAN]), None);
    }

    #[test]
    fn ranks_share_ties_and_correlate() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), [1.0, 4.0, 2.5, 2.5]);
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [1.0, 8.0, 27.0, 64.0, 125.0];
        assert_eq!(rank_correlation(&x, &y), Some(1.0));
        let down: Vec<f64> = y.iter().map(|v| -v).collect();
        assert_eq!(rank_correlation(&x, &down), Some(-1.0));
        assert_eq!(rank_correlation(&x, &[3.0; 5]), None);
    }

    #[test]
    fn histograms_count_every_finite_run_once() {
        let h = Histogram::of(&[0.0, 1.0, 2.0, 3.0, 4.0, f64::NAN], 4).expect("numbers");
        assert_eq!((h.min, h.width), (0.0, 1.0));
        // The highest value falls in the last bin.
        assert_eq!(h.counts, vec![1, 1, 1, 2]);
        assert_eq!(h.from(4), 4.0);
        let same = Histogram::of(&[5.0, 5.0], 3).expect("numbers");
        assert_eq!(same.counts.iter().sum::<usize>(), 2);
        assert_eq!(Histogram::of(&[f64::NAN], 3), None);
    }

    #[test]
    fn cholesky_refuses_contradictions() {
        let ok = [1.0, 0.5, 0.5, 1.0];
        let l = cholesky(&ok, 2).expect("positive definite");
        assert!((l[3] - 0.75f64.sqrt()).abs() < 1e-12);
        // a ≈ b, b ≈ c, but a ≈ −c: impossible.
        let bad = [1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0];
        assert_eq!(cholesky(&bad, 3), None);
    }
}
