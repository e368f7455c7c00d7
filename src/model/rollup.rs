//! Roll-ups and the investor view.
//!
//! Every metric rolls up into quarters and years in one of four ways
//! ([`Rollup`]): flows *sum* (leads, revenue), stocks take the *last* period
//! (customers, cash), rates and prices *average*, and a ratio can be
//! *recomputed* from its parts (`SUM(paid) / SUM(leads)` over the quarter).
//! A row may declare its roll-up in the file (`rollup: Last`); otherwise
//! [`rollup_of`] infers one from the row's format and formula.
//!
//! The investor view ([`investor_table`]) is the model as an investor reads
//! it: chosen rows (working rows hidden), grouped by month, quarter or year,
//! with the metrics to chart. It is defined in the file (`investor: (…)`) or,
//! when absent, by [`default_view`].

use std::ops::Range;

use super::document::{CellInput, Format, Grouping, InvestorView, Rollup};
use super::{Value, Workbook, timeline};

/// A group of consecutive periods shown as one column, e.g. `Q1 2026`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodGroup {
    /// The column header: the period label (`Jan 2026`), `Q1 2026` or `2026`.
    pub label: String,
    /// The periods in the group (zero-based, end exclusive).
    pub periods: Range<u32>,
}

/// The columns of `grouping` over the workbook's timeline: consecutive
/// periods falling in the same calendar quarter or year form one group (a
/// timeline starting mid-year gives a shorter first group). Grouping by
/// quarter on a yearly timeline gives one group per year.
pub fn groups(workbook: &Workbook, grouping: Grouping) -> Vec<PeriodGroup> {
    let tl = &workbook.document().timeline;
    let mut out: Vec<PeriodGroup> = Vec::new();
    for p in 0..tl.periods {
        let (year, month) = timeline::period_start(tl, p);
        let label = match grouping {
            Grouping::Month => timeline::period_label(tl, p),
            Grouping::Quarter if tl.step != super::document::Step::Year => {
                format!("Q{} {year}", (month - 1) / 3 + 1)
            }
            Grouping::Quarter | Grouping::Year => format!("{year}"),
        };
        match out.last_mut() {
            Some(last) if last.label == label && grouping != Grouping::Month => {
                last.periods.end = p + 1;
            }
            _ => out.push(PeriodGroup {
                label,
                periods: p..p + 1,
            }),
        }
    }
    out
}

/// The roll-up a metric uses: the one set in the file, else inferred —
/// `Average` for percentages, multiples and rows whose formula divides
/// (rates, CPL) or only carries a value forward (`=price[-1]`: prices,
/// assumptions); `Last` for stocks (a formula adding to or subtracting from
/// its own previous value, `=customers[-1] + new - churned`); `Sum` for
/// everything else (counts and money flows).
pub fn rollup_of(workbook: &Workbook, sheet: u32, row: u32) -> Rollup {
    let Some(info) = workbook.rows(sheet).get(row as usize) else {
        return Rollup::Sum;
    };
    if let Some(rollup) = &info.rollup {
        return rollup.clone();
    }
    if matches!(info.format, Format::Percent(_) | Format::Multiple(_)) || info.unit.trim() == "%" {
        return Rollup::Average;
    }
    let name = workbook.metric_name(sheet, row).to_lowercase();
    let formula: String = info
        .formula
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if name.is_empty() || formula.is_empty() {
        return Rollup::Sum;
    }
    let previous = format!("{name}[-1]");
    if formula == format!("={previous}") {
        return Rollup::Average;
    }
    if formula.contains(&format!("{previous}+"))
        || formula.contains(&format!("{previous}-"))
        || formula.contains(&format!("+{previous}"))
    {
        return Rollup::Last;
    }
    if formula.contains('/') && info.format != Format::Integer {
        return Rollup::Average;
    }
    Rollup::Sum
}

/// A value as a roll-up reads it: numbers as they are, an empty cell as 0
/// (what a spreadsheet formula reading it sees); `None` for text and errors.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => Some(*n),
        Value::Empty => Some(0.0),
        _ => None,
    }
}

/// Finds a roll-up's part metric, preferring the metric's own sheet.
fn find_part(workbook: &Workbook, sheet: u32, name: &str) -> Option<(u32, u32)> {
    if !name.contains('!') {
        let sheet_name = &workbook.document().sheets.get(sheet as usize)?.name;
        if let Some(found) = workbook.find_metric(&format!("{sheet_name}!{name}")) {
            return Some(found);
        }
    }
    workbook.find_metric(name)
}

/// The metric rolled up over `periods`: `None` when a value in it is text
/// or an error, a ratio's parts cannot be found or its denominator sums to 0,
/// or the range is empty. `Average` ignores empty input cells, as a
/// spreadsheet's AVERAGE does.
pub fn rollup_range(
    workbook: &Workbook,
    sheet: u32,
    row: u32,
    rollup: &Rollup,
    periods: Range<u32>,
) -> Option<f64> {
    rollup_with(
        workbook,
        &|s, r| workbook.row_values(s, r),
        sheet,
        row,
        rollup,
        periods,
    )
}

/// [`rollup_range`] over other values than the workbook's own (a frozen
/// plan's): `values(sheet, row)` gives a row's period values.
pub fn rollup_with<'v>(
    workbook: &Workbook,
    values: &dyn Fn(u32, u32) -> &'v [Value],
    sheet: u32,
    row: u32,
    rollup: &Rollup,
    periods: Range<u32>,
) -> Option<f64> {
    if periods.is_empty() {
        return None;
    }
    let row_values = values(sheet, row);
    let slice = row_values.get(periods.start as usize..periods.end as usize)?;
    let sum = |vals: &[Value]| -> Option<f64> {
        vals.iter().try_fold(0.0, |acc, v| Some(acc + number(v)?))
    };
    match rollup {
        Rollup::Sum => sum(slice),
        Rollup::Last => slice.last().and_then(number),
        Rollup::Average => {
            let mut total = 0.0;
            let mut count = 0usize;
            for (offset, v) in slice.iter().enumerate() {
                match v {
                    Value::Number(n) => {
                        total += n;
                        count += 1;
                    }
                    // A period cell with nothing in it and no row formula is
                    // left out, like a blank cell in AVERAGE.
                    Value::Empty
                        if !workbook.is_formula(sheet, row, periods.start + offset as u32)
                            && matches!(
                                workbook.input(sheet, row, periods.start + offset as u32),
                                CellInput::Empty
                            ) => {}
                    Value::Empty => count += 1,
                    _ => return None,
                }
            }
            (count > 0).then(|| total / count as f64)
        }
        Rollup::Ratio(num, den) => {
            let (ns, nr) = find_part(workbook, sheet, num)?;
            let (ds, dr) = find_part(workbook, sheet, den)?;
            let part = |s, r| {
                values(s, r)
                    .get(periods.start as usize..periods.end as usize)
                    .and_then(sum)
            };
            let (n, d) = (part(ns, nr)?, part(ds, dr)?);
            (d != 0.0).then(|| n / d)
        }
    }
}

/// A metric rolled up by its own roll-up into each group of `grouping`.
pub fn rolled_up(
    workbook: &Workbook,
    sheet: u32,
    row: u32,
    grouping: Grouping,
) -> Vec<Option<f64>> {
    let rollup = rollup_of(workbook, sheet, row);
    groups(workbook, grouping)
        .into_iter()
        .map(|g| rollup_range(workbook, sheet, row, &rollup, g.periods))
        .collect()
}

/// True if a row is an input: a metric with a number typed into it.
fn is_input(workbook: &Workbook, sheet: u32, row: u32) -> bool {
    workbook
        .rows(sheet)
        .get(row as usize)
        .is_some_and(|r| r.values.iter().any(|v| matches!(v, CellInput::Number(_))))
}

/// The view used when the file has none: every metric that is not an input
/// (inputs are the model's working assumptions) and has a unit (rows
/// without one are counters and helpers), by year, charting up to four
/// money metrics with the largest totals (revenue-like rows).
pub fn default_view(workbook: &Workbook) -> InvestorView {
    let mut rows = Vec::new();
    let mut money: Vec<(f64, String)> = Vec::new();
    let several_sheets = workbook.document().sheets.len() > 1;
    for (s, sheet) in workbook.document().sheets.iter().enumerate() {
        let s = s as u32;
        for r in 0..sheet.rows.len() as u32 {
            let name = workbook.metric_name(s, r);
            if name.is_empty()
                || is_input(workbook, s, r)
                || sheet.rows[r as usize].unit.trim().is_empty()
            {
                continue;
            }
            let reference = if several_sheets {
                format!("{}!{name}", sheet.name)
            } else {
                name.to_string()
            };
            if matches!(sheet.rows[r as usize].format, Format::Money(_)) {
                let total: f64 = workbook
                    .row_values(s, r)
                    .iter()
                    .filter_map(Value::as_number)
                    .sum();
                if total.is_finite() {
                    money.push((total.abs(), reference.clone()));
                }
            }
            rows.push(reference);
        }
    }
    money.sort_by(|a, b| b.0.total_cmp(&a.0));
    InvestorView {
        rows,
        period: Grouping::Year,
        charts: money.into_iter().take(4).map(|(_, n)| n).collect(),
    }
}

/// The investor view in force: the file's, or [`default_view`].
pub fn view(workbook: &Workbook) -> InvestorView {
    workbook
        .document()
        .investor
        .clone()
        .unwrap_or_else(|| default_view(workbook))
}

/// One line of the investor table.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewLine {
    /// A section title shown above the metrics of its section.
    Section(String),
    /// A metric with its rolled-up values.
    Metric(ViewMetric),
}

/// A metric row of the investor table.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewMetric {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// The formula name, e.g. `net_revenue`.
    pub name: String,
    /// The label, e.g. "Net revenue".
    pub label: String,
    /// The unit.
    pub unit: String,
    /// The row's number format.
    pub format: Format,
    /// How the values were rolled up.
    pub rollup: Rollup,
    /// One value per column (`None`: not a number, see [`rollup_range`]).
    pub values: Vec<Option<f64>>,
}

/// The investor view computed: columns, lines and charts.
#[derive(Debug, Clone, PartialEq)]
pub struct InvestorTable {
    /// The column grouping.
    pub grouping: Grouping,
    /// The columns.
    pub groups: Vec<PeriodGroup>,
    /// Section titles and metric rows, in view order.
    pub lines: Vec<ViewLine>,
    /// The charted metrics.
    pub charts: Vec<ViewMetric>,
}

impl InvestorTable {
    /// The metric rows, without section titles.
    pub fn metrics(&self) -> impl Iterator<Item = &ViewMetric> {
        self.lines.iter().filter_map(|l| match l {
            ViewLine::Metric(m) => Some(m),
            ViewLine::Section(_) => None,
        })
    }
}

/// The title of the section a row belongs to (the nearest section header
/// above it), if any.
fn section_of(workbook: &Workbook, sheet: u32, row: u32) -> Option<String> {
    workbook.rows(sheet)[..row as usize]
        .iter()
        .rev()
        .find(|r| !r.section.is_empty())
        .map(|r| r.section.clone())
}

fn view_metric(
    workbook: &Workbook,
    reference: &str,
    grouping: Grouping,
    what: &str,
) -> Result<ViewMetric, String> {
    let (sheet, row) = workbook.find_metric(reference).ok_or_else(|| {
        format!("the investor view's {what} name `{reference}`, which is no metric")
    })?;
    let info = &workbook.rows(sheet)[row as usize];
    Ok(ViewMetric {
        sheet,
        row,
        name: workbook.metric_name(sheet, row).to_string(),
        label: info.label.clone(),
        unit: info.unit.clone(),
        format: info.format,
        rollup: rollup_of(workbook, sheet, row),
        values: rolled_up(workbook, sheet, row, grouping),
    })
}

/// Computes the investor view `view` (see [`self::view`] for the one in
/// force), grouped by `grouping` (default: the view's own). A section title
/// is inserted whenever the section changes from one shown metric to the
/// next. An unknown metric name is an error naming it.
pub fn investor_table(
    workbook: &Workbook,
    view: &InvestorView,
    grouping: Option<Grouping>,
) -> Result<InvestorTable, String> {
    let grouping = grouping.unwrap_or(view.period);
    let mut lines = Vec::new();
    let mut current: Option<(u32, Option<String>)> = None;
    for reference in &view.rows {
        let metric = view_metric(workbook, reference, grouping, "rows")?;
        let section = section_of(workbook, metric.sheet, metric.row);
        let key = (metric.sheet, section.clone());
        if current.as_ref() != Some(&key) {
            if let Some(title) = section {
                lines.push(ViewLine::Section(title));
            }
            current = Some(key);
        }
        lines.push(ViewLine::Metric(metric));
    }
    let charts = view
        .charts
        .iter()
        .map(|c| view_metric(workbook, c, grouping, "charts"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(InvestorTable {
        grouping,
        groups: groups(workbook, grouping),
        lines,
        charts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = r#"(
    version: 1,
    timeline: (start: "2026-02", periods: 14, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (section: "Sales"),
                (label: "Leads", format: Integer, formula: "=leads[-1] + 10", values: [100]),
                (label: "Leads flow", format: Integer, formula: "=leads_flow[-1] * 1.1", values: [100]),
                (label: "Paid", unit: "deals", format: Integer, formula: "=month * 2"),
                (label: "Month", formula: "=month[-1] + 1", values: [1]),
                (label: "Price", format: Money(0), formula: "=price[-1]", values: [50, (), (), 80]),
                (label: "Conversion", unit: "%", format: Percent(1), formula: "=paid / leads_flow"),
                (label: "Conversion, recomputed", name: "cr", unit: "%", formula: "=paid / leads_flow", rollup: Ratio("paid", "leads_flow")),
                (section: "Money"),
                (label: "Revenue", unit: "USD", format: Money(0), formula: "=paid * price"),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
)
"#;

    fn model() -> Workbook {
        Workbook::parse(MODEL, "m.ron").expect("parses")
    }

    fn row(w: &Workbook, name: &str) -> (u32, u32) {
        w.find_metric(name).expect(name)
    }

    #[test]
    fn rollups_are_inferred_from_format_and_formula() {
        let w = model();
        let of = |n: &str| {
            let (s, r) = row(&w, n);
            rollup_of(&w, s, r)
        };
        assert_eq!(of("leads"), Rollup::Last, "a stock adds to itself");
        assert_eq!(of("leads_flow"), Rollup::Sum, "growth is still a flow");
        assert_eq!(of("paid"), Rollup::Sum);
        assert_eq!(of("price"), Rollup::Average, "a carried value");
        assert_eq!(of("conversion"), Rollup::Average, "a percentage");
        assert_eq!(of("cr"), Rollup::Ratio("paid".into(), "leads_flow".into()));
        assert_eq!(of("revenue"), Rollup::Sum);
    }

    #[test]
    fn quarters_follow_the_calendar() {
        let w = model();
        let q: Vec<(String, Range<u32>)> = groups(&w, Grouping::Quarter)
            .into_iter()
            .map(|g| (g.label, g.periods))
            .collect();
        // Feb 2026 – Mar 2027: Q1 is Feb–Mar only.
        assert_eq!(
            q,
            [
                ("Q1 2026".to_string(), 0..2),
                ("Q2 2026".to_string(), 2..5),
                ("Q3 2026".to_string(), 5..8),
                ("Q4 2026".to_string(), 8..11),
                ("Q1 2027".to_string(), 11..14),
            ]
        );
        let y: Vec<String> = groups(&w, Grouping::Year)
            .into_iter()
            .map(|g| g.label)
            .collect();
        assert_eq!(y, ["2026", "2027"]);
        assert_eq!(groups(&w, Grouping::Month).len(), 14);
    }

    #[test]
    fn quarterly_values_by_hand() {
        let w = model();
        let at = |n: &str| {
            let (s, r) = row(&w, n);
            rolled_up(&w, s, r, Grouping::Quarter)
        };
        // leads 100, 110 | 120, 130, 140 | …: Last → 110, 140.
        assert_eq!(at("leads")[..2], [Some(110.0), Some(140.0)]);
        // paid = 2 × month: 2, 4 | 6, 8, 10.
        assert_eq!(at("paid")[..2], [Some(6.0), Some(24.0)]);
        // price 50, 50 | 50, 80, 80 → average 70 in Q2.
        assert_eq!(at("price")[..2], [Some(50.0), Some(70.0)]);
        // cr = (6 + 8 + 10) / (121 + 133.1 + 146.41) in Q2.
        let cr = at("cr")[1].expect("a number");
        assert!((cr - 24.0 / (121.0 + 133.1 + 146.41)).abs() < 1e-12, "{cr}");
        // The average of the monthly conversions differs from the ratio.
        let avg = at("conversion")[1].expect("a number");
        let by_hand = (6.0 / 121.0 + 8.0 / 133.1 + 10.0 / 146.41) / 3.0;
        assert!((avg - by_hand).abs() < 1e-12, "{avg}");
    }

    #[test]
    fn the_default_view_hides_inputs_and_charts_money() {
        let w = model();
        let v = default_view(&w);
        assert_eq!(v.rows, ["paid", "conversion", "cr", "revenue"]);
        assert_eq!(v.charts, ["revenue"]);
        let t = investor_table(&w, &v, None).expect("computes");
        assert_eq!(t.lines.len(), 6);
        assert_eq!(t.lines[0], ViewLine::Section("Sales".into()));
        assert_eq!(t.lines[4], ViewLine::Section("Money".into()));
        assert_eq!(t.groups.len(), 2);
    }

    #[test]
    fn unknown_view_rows_are_named() {
        let w = model();
        let v = InvestorView {
            rows: vec!["nope".into()],
            ..InvestorView::default()
        };
        let err = investor_table(&w, &v, None).expect_err("unknown");
        assert!(err.contains("`nope`"), "{err}");
    }
}
