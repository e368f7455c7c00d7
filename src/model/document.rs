//! The serde types that *are* the `.ron` file: a workbook of sheets of rows,
//! the timeline, scenarios and the changelog. Field order here is the order in
//! the file; [`crate::model::io`] writes them in a stable, diff-friendly layout.
//!
//! A sheet has one of two layouts ([`Layout`]). A metric sheet (the default)
//! holds row labels in column A, units in column B, and the timeline's
//! periods from column C. A grid sheet (an imported Excel worksheet) is a
//! plain grid: a row's `values` start at column A. Row *n* of `rows` is grid
//! row *n + 1* in both.

use serde::{Deserialize, Serialize};

/// The format version written by this build.
pub const FORMAT_VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkbookFile {
    /// Format version; see [`FORMAT_VERSION`].
    pub version: u32,
    /// The period columns shared by every sheet.
    pub timeline: Timeline,
    /// The workbook's locale (`ru-RU`, `de-DE`; empty for English): how
    /// text in cells is read as a number (see [`crate::model::locale`]).
    #[serde(default)]
    pub locale: String,
    /// Sheets in tab order.
    pub sheets: Vec<SheetFile>,
    /// Workbook-level defined names, as in Excel (`TaxRate` →
    /// `Inputs!$B$2`); formulas on every sheet may use them.
    #[serde(default)]
    pub names: Vec<DefinedName>,
    /// Named sets of input overrides.
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    /// Dated notes of business changes.
    #[serde(default)]
    pub changelog: Vec<ChangelogEntry>,
    /// Chains of count rows read as sales funnels (see [`crate::model::funnel`]).
    #[serde(default)]
    pub funnels: Vec<Funnel>,
    /// What the investor view shows; `None` means the default view (see
    /// [`crate::model::rollup::InvestorView`]).
    #[serde(default)]
    pub investor: Option<InvestorView>,
    /// Correlations between uncertain inputs, for simulations (see
    /// [`crate::model::uncertainty`]).
    #[serde(default)]
    pub correlations: Vec<Correlation>,
    /// What really happened: per metric and period, the booked values, and
    /// the last closed period (see [`crate::model::actuals`]).
    #[serde(default)]
    pub actuals: Option<Box<Actuals>>,
    /// Frozen plans ("Budget 2026"): snapshots of every value, which later
    /// actuals and forecasts are compared with.
    #[serde(default)]
    pub plans: Vec<Plan>,
    /// Targets ("net revenue +10% in May 2026 vs April") and the
    /// initiatives meant to reach them (see [`crate::model::targets`]).
    #[serde(default)]
    pub targets: Vec<Target>,
}

/// A target for one metric in one period, with the initiatives meant to
/// reach it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Target {
    /// The metric (`metric` or `Sheet!metric`).
    pub metric: String,
    /// The period, `"YYYY-MM"` (its first month).
    pub period: String,
    /// What the metric should reach.
    pub goal: Goal,
    /// Why, or anything else worth keeping with it.
    pub note: String,
    /// The day the review was written into the changelog, `"YYYY-MM-DD"`;
    /// empty until then.
    pub reviewed: String,
    /// The initiatives, in the order they were added.
    pub initiatives: Vec<Initiative>,
}

/// What a target's metric should reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Goal {
    /// This value.
    Value(f64),
    /// This many percent more (or less, when negative) than in the period
    /// `vs` (`"YYYY-MM"`).
    Growth {
        /// The change in percent (`10` = +10%).
        percent: f64,
        /// The base period.
        vs: String,
    },
    /// This much more (or less) than in the period `vs`.
    Increase {
        /// The change in the metric's own unit.
        amount: f64,
        /// The base period.
        vs: String,
    },
}

impl Default for Goal {
    fn default() -> Goal {
        Goal::Value(0.0)
    }
}

/// One initiative under a target: who does what, and how much it should
/// move which metric from when.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Initiative {
    /// What is done, e.g. "Call reviews by team leads".
    pub name: String,
    /// Who answers for it.
    pub owner: String,
    /// The metric it moves (`metric` or `Sheet!metric`).
    pub metric: String,
    /// How much it should move it.
    pub effect: Effect,
    /// The first period it acts in, `"YYYY-MM"`; it acts from then on.
    pub start: String,
}

/// How much an initiative moves its metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// Percentage points, for a metric that is a percentage (`2` = +2 pp).
    Points(f64),
    /// Percent of the metric's value (`5` = +5%).
    Percent(f64),
    /// An amount in the metric's own unit.
    Amount(f64),
}

impl Default for Effect {
    fn default() -> Effect {
        Effect::Percent(0.0)
    }
}

/// The actual values booked so far, beside the plan.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Actuals {
    /// The last closed period, `"YYYY-MM"` (its first month); empty when no
    /// period is closed. Up to it, a metric's actual replaces the model's
    /// value and the forecast after it starts from the actuals.
    pub closed: String,
    /// How the headers of an imported file map to metrics, remembered for
    /// the next import: `(header, metric)`.
    pub mapping: Vec<(String, String)>,
    /// One line per metric: per-period numbers, first period first (empty
    /// where nothing was booked), keyed like a scenario's overrides.
    pub values: Vec<ScenarioOverride>,
}

/// A frozen plan: every metric's values when it was frozen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Plan {
    /// The plan's name, e.g. "Budget 2026".
    pub name: String,
    /// When it was frozen, `"YYYY-MM-DD"`.
    pub date: String,
    /// One line per metric: per-period numbers (empty where the value was
    /// not a number), keyed like a scenario's overrides.
    pub values: Vec<ScenarioOverride>,
}

/// The timeline: which periods the period columns stand for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    /// First period, `"YYYY-MM"`.
    pub start: String,
    /// Number of period columns.
    pub periods: u32,
    /// Length of one period.
    pub step: Step,
}

/// Length of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// One calendar month.
    Month,
    /// Three months.
    Quarter,
    /// Twelve months.
    Year,
}

/// One sheet (tab).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetFile {
    /// Tab name, used in references such as `Inputs!B3`.
    pub name: String,
    /// How the rows map to columns; [`Layout::Metrics`] is left out of the file.
    #[serde(default)]
    pub layout: Layout,
    /// Rows from the top; row *n* is grid row *n + 1*.
    pub rows: Vec<RowFile>,
    /// Excel number format codes kept for cells whose format has no Lever
    /// equivalent (dates, fractions, …) or differs from their row's
    /// `format`, as `(cell, code)`, e.g. `("B3", "yyyy-mm-dd")`. Written back
    /// by the Excel export; Lever shows those cells in General format.
    #[serde(default)]
    pub excel_formats: Vec<(String, String)>,
}

/// How a sheet's rows map to grid columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Layout {
    /// Lever's metric layout: column A is the label (or section title),
    /// column B the unit, columns C onwards the periods; `values[k]` is
    /// period *k*, and a row formula fills the periods.
    #[default]
    Metrics,
    /// A plain grid, as in Excel: `values[i]` is column *i* starting at
    /// column A (numbers, text, booleans or formulas anywhere). A row's
    /// `name` is its metric name (an imported row gets the first text cell
    /// of the row when that is unique on the sheet); a metric name used on a
    /// grid sheet means the named row at the formula's own column, and a
    /// whole-row name (`SUM(total)`) means every used column of that row.
    /// `label`, `unit`, `section` and `formula` stay empty; `format` is the
    /// format of most of the row's numbers.
    Grid,
}

/// A defined name: workbook-level, or scoped to one sheet.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DefinedName {
    /// The name formulas use, e.g. `TaxRate`.
    pub name: String,
    /// The sheet the name belongs to (Excel's sheet-scoped names): empty
    /// for a workbook-level name. A sheet's own name wins over a
    /// workbook-level name of the same text in that sheet's formulas, and
    /// other sheets reach it only as `Sheet!name`.
    pub sheet: String,
    /// What it refers to, as formula text without `=`: a cell or range with
    /// its sheet (`Inputs!$B$2`, `'Unit economics'!$B$3:$B$9`) or a constant.
    pub refers_to: String,
}

/// One row of a sheet: a section header, a metric, or an empty spacer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RowFile {
    /// When set, the row is a section header with this title (e.g. "Marketing"),
    /// and the metrics below it belong to that section.
    pub section: String,
    /// The label in column A, e.g. "Paid conversion".
    pub label: String,
    /// Explicit formula name; when empty the name is derived from the label.
    pub name: String,
    /// The unit in column B, e.g. "RUB", "%", "leads".
    pub unit: String,
    /// How values are displayed.
    pub format: Format,
    /// A row formula (starting with `=`) applied to every period cell that
    /// has no value of its own in `values`.
    pub formula: String,
    /// Per-period cell inputs, first period first; trailing empty cells are
    /// omitted. In a row with a formula, a non-empty cell overrides it.
    pub values: Vec<CellInput>,
    /// The market figure this metric is compared with, if any.
    pub benchmark: Option<Benchmark>,
    /// How the metric rolls up into quarters and years, when set explicitly
    /// (otherwise it is inferred, see [`crate::model::rollup::rollup_of`]).
    pub rollup: Option<Rollup>,
    /// The range the input's typed numbers may take, for simulations (see
    /// [`crate::model::uncertainty`]).
    pub uncertainty: Option<Box<Uncertainty>>,
}

/// What an input may be instead of its typed number: a distribution, and
/// which of the row's cells it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// The distribution of the input's value.
    pub dist: Distribution,
    /// The one period cell it covers (1 = first period); `None` covers the
    /// whole row.
    #[serde(default)]
    pub period: Option<u32>,
    /// True if every period is drawn on its own; false (the default) if the
    /// row's periods move together (one draw per run).
    #[serde(default)]
    pub per_period: bool,
}

/// A probability distribution of one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Distribution {
    /// Every value from `low` to `high` equally likely (`18% to 24%`).
    Uniform {
        /// The lowest value.
        low: f64,
        /// The highest value.
        high: f64,
    },
    /// From `low` to `high`, most likely `mode`.
    Triangular {
        /// The lowest value.
        low: f64,
        /// The most likely value.
        mode: f64,
        /// The highest value.
        high: f64,
    },
    /// The bell curve.
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
    },
    /// Positive values skewed to the right (prices, volumes), given by the
    /// mean and standard deviation of the value itself.
    LogNormal {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
    },
    /// A few values, each with its probability, as `(value, probability)`.
    Discrete(Vec<(f64, f64)>),
}

/// Two uncertain inputs that move together (rank correlation `rho`, from
/// −1 to 1), by metric name (`Sheet!metric` off the first sheet).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Correlation {
    /// One input's metric name.
    pub a: String,
    /// The other input's metric name.
    pub b: String,
    /// The correlation, from −1 to 1.
    pub rho: f64,
}

/// A metric's market figure: one value, or a range `value`–`high`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Benchmark {
    /// The market value, or the low end of the market range when `high` is set.
    pub value: f64,
    /// The high end of the market range; `None` for a single value.
    pub high: Option<f64>,
    /// Whether a higher or a lower value is better.
    pub better: Better,
    /// Where the figure comes from, e.g. "EdTech market survey 2025".
    pub source: String,
}

/// Which direction of a metric is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Better {
    /// Higher is better (conversions, revenue).
    #[default]
    Higher,
    /// Lower is better (CPL, churn).
    Lower,
}

/// How a metric's monthly values combine into a quarter or a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rollup {
    /// Flows (leads, revenue): the sum of the periods.
    Sum,
    /// Stocks (customers, cash): the value of the last period.
    Last,
    /// Rates and prices: the mean of the periods.
    Average,
    /// A ratio recomputed from its parts: `SUM(numerator) / SUM(denominator)`
    /// over the group (metric names, e.g. `Ratio("paid", "leads")`).
    Ratio(String, String),
}

/// A sales funnel: count metrics in stage order, e.g. leads → contacts →
/// qualified → invoices → paid.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Funnel {
    /// The funnel's name, e.g. "Sales".
    pub name: String,
    /// Count metrics, first stage first (at least two).
    pub stages: Vec<String>,
    /// For each step between neighbouring stages, the conversion metric that
    /// drives it (`""` when the step has none); empty when no step has one.
    pub conversions: Vec<String>,
    /// The money one unit of the last stage brings (e.g. `price`); empty
    /// when the funnel has none.
    pub value: String,
}

/// Period grouping of the investor view and the roll-ups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Grouping {
    /// One column per period of the timeline.
    Month,
    /// Calendar quarters.
    Quarter,
    /// Calendar years.
    #[default]
    Year,
}

/// What the investor view shows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvestorView {
    /// Metrics shown, in order (`metric` or `Sheet!metric`); their section
    /// titles are shown above them.
    pub rows: Vec<String>,
    /// Column grouping.
    pub period: Grouping,
    /// Metrics drawn as charts.
    pub charts: Vec<String>,
}

/// What the user typed into a cell.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CellInput {
    /// Nothing.
    #[default]
    Empty,
    /// A number.
    Number(f64),
    /// Text (a string starting with `=` in the file is a formula; text that
    /// itself starts with `=` is written with a leading `'`).
    Text(String),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// A formula, stored with its leading `=`.
    Formula(String),
}

/// How a row's values are displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Format {
    /// As typed, up to 10 significant digits.
    #[default]
    General,
    /// Whole numbers with thousands separators: `12,345`.
    Integer,
    /// Fixed decimals with thousands separators: `1,234.50`.
    Decimal(u8),
    /// Percent with the given decimals: `3.5%`.
    Percent(u8),
    /// Money in the row's unit, with the given decimals: `4,990 RUB`.
    Money(u8),
    /// A multiple such as LTV/CAC: `3.2x`.
    Multiple(u8),
}

/// A named set of input overrides (e.g. "Optimistic").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// The scenario's name.
    pub name: String,
    /// What the scenario assumes.
    pub note: String,
    /// Metric inputs that differ from the base model.
    pub overrides: Vec<ScenarioOverride>,
}

/// One metric's inputs under a scenario.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioOverride {
    /// `sheet!metric` or `metric` (first sheet).
    pub metric: String,
    /// Per-period inputs, as in [`RowFile::values`]; empty cells keep the base.
    pub values: Vec<CellInput>,
    /// In a scenario, the range the metric's input takes under it, for
    /// simulations: it replaces the row's own range while the scenario is
    /// shown. Not used by actuals and plans.
    pub uncertainty: Option<Box<Uncertainty>>,
}

/// A dated note of a business change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChangelogEntry {
    /// `"YYYY-MM-DD"`.
    pub date: String,
    /// The business area, e.g. "product", "marketing", "sales" (may be empty).
    pub area: String,
    /// What changed, e.g. "New opening script for the sales team".
    pub text: String,
    /// Metrics the change is expected to move.
    pub metrics: Vec<String>,
}

impl CellInput {
    /// What a user's typing means, as in a spreadsheet: `=…` is a formula;
    /// `1,234.5`, `-3`, `12%` and `1e6` are numbers; `TRUE`/`FALSE` are
    /// booleans; a leading `'` forces text; empty is nothing.
    pub fn from_typed(text: &str) -> CellInput {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return CellInput::Empty;
        }
        if trimmed.starts_with('=') {
            return CellInput::Formula(trimmed.to_string());
        }
        if let Some(rest) = text.strip_prefix('\'') {
            return CellInput::Text(rest.to_string());
        }
        if trimmed.eq_ignore_ascii_case("true") {
            return CellInput::Bool(true);
        }
        if trimmed.eq_ignore_ascii_case("false") {
            return CellInput::Bool(false);
        }
        // A percentage is divided by 100 (not multiplied by 0.01), so that
        // `70%` is exactly the double nearest 0.7, as in a spreadsheet.
        let (digits, divisor) = match trimmed.strip_suffix('%') {
            Some(rest) => (rest.trim_end(), 100.0),
            None => (trimmed, 1.0),
        };
        let plain: String = digits
            .chars()
            .filter(|&c| c != ',' && c != ' ' && c != '\u{a0}')
            .collect();
        match plain.parse::<f64>() {
            Ok(n) if n.is_finite() && !plain.is_empty() && !plain.eq_ignore_ascii_case("nan") => {
                CellInput::Number(n / divisor)
            }
            _ => CellInput::Text(text.to_string()),
        }
    }

    /// The text that shows this input in an editor (the inverse of
    /// [`CellInput::from_typed`]).
    pub fn to_typed(&self) -> String {
        match self {
            CellInput::Empty => String::new(),
            CellInput::Number(n) => format!("{n}"),
            CellInput::Bool(true) => "TRUE".into(),
            CellInput::Bool(false) => "FALSE".into(),
            CellInput::Formula(f) => f.clone(),
            CellInput::Text(t) => {
                if CellInput::from_typed(t) == CellInput::Text(t.clone()) {
                    t.clone()
                } else {
                    format!("'{t}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_reads_like_a_spreadsheet() {
        assert_eq!(CellInput::from_typed("1,234.5"), CellInput::Number(1234.5));
        assert_eq!(CellInput::from_typed("12%"), CellInput::Number(0.12));
        assert_eq!(CellInput::from_typed("70%"), CellInput::Number(0.7));
        assert_eq!(CellInput::from_typed("7%"), CellInput::Number(0.07));
        assert_eq!(
            CellInput::from_typed(" =a+b "),
            CellInput::Formula("=a+b".into())
        );
        assert_eq!(CellInput::from_typed("true"), CellInput::Bool(true));
        assert_eq!(CellInput::from_typed("'42"), CellInput::Text("42".into()));
        assert_eq!(CellInput::from_typed("inf"), CellInput::Text("inf".into()));
        assert_eq!(
            CellInput::from_typed("1e999"),
            CellInput::Text("1e999".into())
        );
        assert_eq!(CellInput::from_typed(""), CellInput::Empty);
    }

    #[test]
    fn typed_text_round_trips() {
        for input in [
            CellInput::Number(0.1),
            CellInput::Number(-3.0),
            CellInput::Text("42".into()),
            CellInput::Text("hello".into()),
            CellInput::Bool(false),
            CellInput::Formula("=price * 2".into()),
        ] {
            assert_eq!(CellInput::from_typed(&input.to_typed()), input);
        }
    }
}
