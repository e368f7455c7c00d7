//! Variance: how two states of the model differ, metric by metric.
//!
//! A [`Basis`] names the two states: the plan against the actuals (the model
//! with its booked actuals hidden, then shown), a frozen plan against the
//! model as it stands (actuals and forecast), or the base model against a
//! scenario. [`variance`] reads both and gives, per metric and period (or a
//! quarter, a year, the whole timeline, each metric rolled up its own way),
//! the absolute and % difference and whether it helps or hurts.

use std::ops::Range;

use super::document::{Better, CellInput, Grouping};
use super::{Value, Workbook, rollup, scenario, timeline};

/// Which two states are compared; the first is the reference ("from").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The plan (actuals hidden) against the actuals, in closed periods.
    Actuals,
    /// A frozen plan against the model as it stands.
    Plan(usize),
    /// The base model against a scenario (`None`: base against itself).
    Scenario(Option<usize>),
}

/// Reads `actual` (or `actuals`), a frozen plan's name or a scenario's name
/// (case-insensitive).
pub fn parse_basis(workbook: &Workbook, text: &str) -> Result<Basis, String> {
    let wanted = text.trim();
    if wanted.eq_ignore_ascii_case("actual") || wanted.eq_ignore_ascii_case("actuals") {
        return Ok(Basis::Actuals);
    }
    if let Some(i) = workbook
        .document()
        .plans
        .iter()
        .position(|p| p.name.trim().eq_ignore_ascii_case(wanted))
    {
        return Ok(Basis::Plan(i));
    }
    scenario::find(workbook, wanted)
        .map(Basis::Scenario)
        .map_err(|_| {
            let mut choices = vec!["actual".to_string()];
            choices.extend(workbook.document().plans.iter().map(|p| p.name.clone()));
            choices.push(scenario::BASE.to_string());
            choices.extend(workbook.scenarios().iter().map(|s| s.name.clone()));
            format!(
                "no plan or scenario `{wanted}` (choose from: {})",
                choices.join(", ")
            )
        })
}

/// The names of a basis's two states, as report columns: `plan`/`actual`,
/// `<plan name>`/`forecast`, `base`/`<scenario>`.
pub fn state_names(workbook: &Workbook, basis: Basis) -> (String, String) {
    match basis {
        Basis::Actuals => ("plan".into(), "actual".into()),
        Basis::Plan(i) => (
            workbook
                .document()
                .plans
                .get(i)
                .map_or_else(|| "plan".into(), |p| p.name.clone()),
            "forecast".into(),
        ),
        Basis::Scenario(s) => (scenario::BASE.into(), scenario::name(workbook, s)),
    }
}

/// Which direction of a metric is good: its benchmark's if it has one, else
/// lower for costs, churn, refunds and the like, else higher.
pub fn better(workbook: &Workbook, sheet: u32, row: u32) -> Better {
    let Some(info) = workbook.rows(sheet).get(row as usize) else {
        return Better::Higher;
    };
    if let Some(b) = &info.benchmark {
        return b.better;
    }
    let text = format!("{} {}", info.label, workbook.metric_name(sheet, row)).to_lowercase();
    const LOWER: [&str; 12] = [
        "cost", "cac", "cpl", "churn", "refund", "expense", "spend", "burn", "loss", "payback",
        "opex", "cogs",
    ];
    if LOWER.iter().any(|w| text.contains(w)) {
        Better::Lower
    } else {
        Better::Higher
    }
}

/// A column of a variance report: one period or a group of periods.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodChoice {
    /// `Apr 2026`, `Q2 2026`, `2026` or `total`.
    pub label: String,
    /// The periods it covers.
    pub periods: Range<u32>,
}

/// Reads `--period`: a period (`Apr 2026`, `2026-04`, `3`), a quarter
/// (`Q2 2026`), a year (`2026`) or `total`. `None` (no choice) gives every
/// period on its own.
pub fn parse_period(workbook: &Workbook, text: Option<&str>) -> Result<Vec<PeriodChoice>, String> {
    let tl = &workbook.document().timeline;
    let single = |p: u32| PeriodChoice {
        label: timeline::period_label(tl, p),
        periods: p..p + 1,
    };
    let Some(text) = text.map(str::trim) else {
        return Ok((0..tl.periods).map(single).collect());
    };
    if text.eq_ignore_ascii_case("total") {
        return Ok(vec![PeriodChoice {
            label: "total".into(),
            periods: 0..tl.periods,
        }]);
    }
    let wanted = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for grouping in [Grouping::Month, Grouping::Quarter, Grouping::Year] {
        if let Some(g) = rollup::groups(workbook, grouping)
            .into_iter()
            .find(|g| g.label.eq_ignore_ascii_case(&wanted))
        {
            return Ok(vec![PeriodChoice {
                label: g.label,
                periods: g.periods,
            }]);
        }
    }
    if let Ok(n) = text.parse::<u32>()
        && (1..=tl.periods).contains(&n)
    {
        return Ok(vec![single(n - 1)]);
    }
    if let Some(p) = timeline::find_period(tl, text) {
        return Ok(vec![single(p)]);
    }
    let labels = timeline::period_labels(tl);
    Err(format!(
        "no period `{text}` (the timeline runs {} – {}; write a month, Q2 2026, 2026 or total)",
        labels.first().map_or("", String::as_str),
        labels.last().map_or("", String::as_str)
    ))
}

/// One metric in one period (or group) under both states.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// The metric's key (`metric` or `Sheet!metric`).
    pub metric: String,
    /// The metric's label.
    pub label: String,
    /// The period or group.
    pub period: String,
    /// The reference state's value.
    pub from: Option<f64>,
    /// The other state's value.
    pub to: Option<f64>,
    /// `to − from`.
    pub variance: Option<f64>,
    /// `(to − from) / |from|`; `None` if `from` is 0.
    pub variance_pct: Option<f64>,
    /// True if the difference is good news by the metric's direction,
    /// false if bad; `None` when there is no difference.
    pub helps: Option<bool>,
}

/// A variance report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The two states' names.
    pub names: (String, String),
    /// Per metric, then period.
    pub lines: Vec<Line>,
}

/// Every metric's period values under one state, by sheet then row.
pub type Values = Vec<Vec<Vec<Value>>>;

/// Reads every metric's values under the basis's reference state and its
/// other state; the workbook's view is put back as it was.
pub fn both_states(workbook: &mut Workbook, basis: Basis) -> Result<(Values, Values), String> {
    let all = |w: &Workbook| -> Values {
        (0..w.document().sheets.len() as u32)
            .map(|s| {
                (0..w.rows(s).len() as u32)
                    .map(|r| w.row_values(s, r).to_vec())
                    .collect()
            })
            .collect()
    };
    match basis {
        Basis::Actuals => {
            let shown = workbook.actuals_shown();
            workbook.set_actuals_shown(false);
            let from = all(workbook);
            workbook.set_actuals_shown(true);
            let to = all(workbook);
            workbook.set_actuals_shown(shown);
            Ok((from, to))
        }
        Basis::Scenario(s) => {
            let active = workbook.active_scenario();
            let switch =
                |w: &mut Workbook, to| w.set_active_scenario(to).map_err(|e| e.to_string());
            switch(workbook, None)?;
            let from = all(workbook);
            switch(workbook, s)?;
            let to = all(workbook);
            switch(workbook, active)?;
            Ok((from, to))
        }
        Basis::Plan(i) => {
            let plan = workbook
                .document()
                .plans
                .get(i)
                .ok_or_else(|| format!("no plan number {}", i + 1))?;
            let periods = workbook.periods() as usize;
            let mut from: Values = all(workbook)
                .into_iter()
                .map(|rows| {
                    rows.into_iter()
                        .map(|_| vec![Value::Empty; periods])
                        .collect()
                })
                .collect();
            let names = workbook.metric_names();
            for line in &plan.values {
                if let Some((s, r)) =
                    scenario::resolve_key(&workbook.document().sheets, names, &line.metric)
                {
                    let slot = &mut from[s as usize][r as usize];
                    for (p, v) in line.values.iter().enumerate().take(periods) {
                        if let CellInput::Number(n) = v {
                            slot[p] = Value::number(*n);
                        }
                    }
                }
            }
            Ok((from, all(workbook)))
        }
    }
}

/// The variance of `metrics` (all metrics when empty; with
/// [`Basis::Actuals`], those with actuals) in each of `periods` between the
/// basis's two states. With [`Basis::Actuals`] only closed periods with an
/// actual count: a month without one is left out and a group covers its
/// closed periods only. The workbook's values and view end as they were.
pub fn variance(
    workbook: &mut Workbook,
    basis: Basis,
    periods: &[PeriodChoice],
    metrics: &[(u32, u32)],
) -> Result<Report, String> {
    let names = state_names(workbook, basis);
    let (from, to) = both_states(workbook, basis)?;
    let closed = super::actuals::closed_period(workbook.document());
    let has_actual = |w: &Workbook, s, r, p| {
        closed.is_some_and(|c| p <= c) && w.booked_actual(s, r, p).is_some()
    };
    let chosen: Vec<(u32, u32)> = if metrics.is_empty() {
        let mut all = Vec::new();
        for s in 0..workbook.document().sheets.len() as u32 {
            for r in 0..workbook.rows(s).len() as u32 {
                let info = &workbook.rows(s)[r as usize];
                if workbook.metric_name(s, r).is_empty() || !info.section.is_empty() {
                    continue;
                }
                if basis == Basis::Actuals
                    && !(0..workbook.periods()).any(|p| has_actual(workbook, s, r, p))
                {
                    continue;
                }
                all.push((s, r));
            }
        }
        all
    } else {
        metrics.to_vec()
    };
    let doc_names = workbook.metric_names().to_vec();
    let mut lines = Vec::new();
    for &(s, r) in &chosen {
        let rollup = rollup::rollup_of(workbook, s, r);
        let key = scenario::key_for(workbook.document(), &doc_names, s, r).unwrap_or_default();
        let direction = better(workbook, s, r);
        for choice in periods {
            let mut range = choice.periods.clone();
            if basis == Basis::Actuals {
                let Some(c) = closed else { break };
                range.end = range.end.min(c + 1);
                // A metric without actuals of its own shows what the
                // actuals made of it, when asked for by name.
                if range.is_empty()
                    || (metrics.is_empty()
                        && range.len() == 1
                        && !has_actual(workbook, s, r, range.start))
                {
                    continue;
                }
            }
            let value = |values: &Values| {
                rollup::rollup_with(
                    workbook,
                    &|s, r| values[s as usize][r as usize].as_slice(),
                    s,
                    r,
                    &rollup,
                    range.clone(),
                )
            };
            let (a, b) = (value(&from), value(&to));
            let variance = a.zip(b).map(|(a, b)| b - a);
            let variance_pct = a
                .zip(variance)
                .filter(|(a, _)| *a != 0.0)
                .map(|(a, v)| v / a.abs());
            let helps = variance.filter(|v| *v != 0.0).map(|v| match direction {
                Better::Higher => v > 0.0,
                Better::Lower => v < 0.0,
            });
            lines.push(Line {
                sheet: s,
                row: r,
                metric: key.clone(),
                label: workbook.rows(s)[r as usize].label.clone(),
                period: choice.label.clone(),
                from: a,
                to: b,
                variance,
                variance_pct,
                helps,
            });
        }
    }
    Ok(Report { names, lines })
}

/// The edit that freezes the model as it stands (actuals and forecast,
/// under the active scenario) as a plan named `name`, dated `date`
/// (`YYYY-MM-DD`): every metric's numbers. A plan of the same name
/// (case-insensitive) is replaced.
pub fn freeze_plan(workbook: &Workbook, name: &str, date: &str) -> Result<super::Edit, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a plan needs a name (e.g. Budget 2026)".into());
    }
    if !super::command::valid_date(date) {
        return Err(format!("`{date}` is not a day like 2026-01-31"));
    }
    let names = workbook.metric_names();
    let mut values = Vec::new();
    for (s, sheet) in names.iter().enumerate() {
        for (r, metric) in sheet.iter().enumerate() {
            let (s, r) = (s as u32, r as u32);
            if metric.is_empty() || !workbook.rows(s)[r as usize].section.is_empty() {
                continue;
            }
            let mut line: Vec<CellInput> = workbook
                .row_values(s, r)
                .iter()
                .map(|v| match v {
                    Value::Number(n) => CellInput::Number(*n),
                    _ => CellInput::Empty,
                })
                .collect();
            while line.last() == Some(&CellInput::Empty) {
                line.pop();
            }
            if line.is_empty() {
                continue;
            }
            values.push(super::document::ScenarioOverride {
                metric: scenario::key_for(workbook.document(), names, s, r).unwrap_or_default(),
                values: line,
                uncertainty: None,
            });
        }
    }
    let mut plans = workbook.document().plans.clone();
    let plan = super::document::Plan {
        name: name.to_string(),
        date: date.to_string(),
        values,
    };
    match plans
        .iter_mut()
        .find(|p| p.name.trim().eq_ignore_ascii_case(name))
    {
        Some(old) => *old = plan,
        None => plans.push(plan),
    }
    Ok(vec![super::Command::SetPlans { plans }])
}
