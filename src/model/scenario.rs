//! Scenarios: named sets of input overrides kept in the file (e.g.
//! "Optimistic": a higher paid conversion, a lower CPL).
//!
//! A scenario's [`ScenarioOverride`]s are keyed by metric name (`metric` for
//! the first sheet, `Sheet!metric` for the others) and hold per-period
//! inputs; an empty cell keeps the base model's input. The workbook shows one
//! scenario at a time ([`Workbook::set_active_scenario`]); this module finds
//! scenarios by name and [`compare`]s several side by side.

use std::ops::Range;

use super::document::{CellInput, ScenarioOverride, SheetFile, WorkbookFile};
use super::{Format, Value, Workbook};

/// The name that stands for the base model (no scenario) in the CLI and in
/// comparisons; no scenario may be called this.
pub const BASE: &str = "base";

/// Finds a scenario by name (case-insensitive): `Ok(None)` for `base` (the
/// model without overrides), `Ok(Some(index))` for a scenario, and an error
/// listing the scenarios otherwise.
pub fn find(workbook: &Workbook, name: &str) -> Result<Option<usize>, String> {
    let wanted = name.trim();
    if let Some(index) = workbook
        .scenarios()
        .iter()
        .position(|s| s.name.trim().eq_ignore_ascii_case(wanted))
    {
        return Ok(Some(index));
    }
    if wanted.eq_ignore_ascii_case(BASE) {
        return Ok(None);
    }
    let mut names = vec![BASE.to_string()];
    names.extend(workbook.scenarios().iter().map(|s| s.name.clone()));
    Err(format!(
        "no scenario `{wanted}` (scenarios: {})",
        names.join(", ")
    ))
}

/// The display name of a scenario choice: [`BASE`] for `None`.
pub fn name(workbook: &Workbook, scenario: Option<usize>) -> String {
    scenario
        .and_then(|i| workbook.scenarios().get(i))
        .map_or_else(|| BASE.to_string(), |s| s.name.clone())
}

/// One metric compared across scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricComparison {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// The metric's formula name.
    pub name: String,
    /// The metric's label.
    pub label: String,
    /// The row's display format.
    pub format: Format,
    /// One column per chosen scenario, in the order asked for.
    pub columns: Vec<ScenarioColumn>,
}

/// A metric's values under one scenario, and how they differ from the
/// first chosen scenario's (the reference column, whose differences are 0).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioColumn {
    /// Per-period values.
    pub values: Vec<Value>,
    /// Sum of the numeric values over the timeline.
    pub total: f64,
    /// Per period: value − reference value (`None` unless both are numbers).
    pub diff: Vec<Option<f64>>,
    /// Per period: (value − reference) / |reference| (`None` unless both are
    /// numbers and the reference is not 0).
    pub pct: Vec<Option<f64>>,
    /// total − reference total.
    pub total_diff: f64,
    /// (total − reference total) / |reference total|; `None` if that is 0.
    pub total_pct: Option<f64>,
}

/// Metrics side by side under several scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The scenarios compared (`None` = base), the first being the reference.
    pub scenarios: Vec<Option<usize>>,
    /// Their names ([`BASE`] for `None`).
    pub names: Vec<String>,
    /// One entry per metric asked for, in order.
    pub metrics: Vec<MetricComparison>,
}

/// Computes `metrics` (sheet, row) under each of `scenarios` (`None` = base;
/// the first is the reference for differences). Each scenario is switched to
/// incrementally and the active scenario is restored at the end: the
/// workbook's document, values, history and active scenario are as before.
pub fn compare(
    workbook: &mut Workbook,
    scenarios: &[Option<usize>],
    metrics: &[(u32, u32)],
) -> Result<Comparison, String> {
    if scenarios.is_empty() {
        return Err("choose at least one scenario to compare".into());
    }
    for &(sheet, row) in metrics {
        if workbook.rows(sheet).get(row as usize).is_none() {
            return Err(format!("no row {} on sheet {}", row + 1, sheet + 1));
        }
    }
    let active = workbook.active_scenario();
    let mut values: Vec<Vec<Vec<Value>>> = Vec::with_capacity(scenarios.len());
    for &scenario in scenarios {
        if let Err(e) = workbook.set_active_scenario(scenario) {
            let _ = workbook.set_active_scenario(active);
            return Err(e.to_string());
        }
        values.push(
            metrics
                .iter()
                .map(|&(sheet, row)| workbook.row_values(sheet, row).to_vec())
                .collect(),
        );
    }
    workbook
        .set_active_scenario(active)
        .map_err(|e| e.to_string())?;
    let total = |vs: &[Value]| vs.iter().filter_map(Value::as_number).sum::<f64>();
    let relative = |new: f64, old: f64| {
        let r = (new - old) / old.abs();
        (old != 0.0 && r.is_finite()).then_some(r)
    };
    let out = metrics
        .iter()
        .enumerate()
        .map(|(m, &(sheet, row))| {
            let info = &workbook.rows(sheet)[row as usize];
            let reference = &values[0][m];
            let reference_total = total(reference);
            let columns = values
                .iter()
                .map(|per_scenario| {
                    let vs = &per_scenario[m];
                    let pairs: Vec<Option<(f64, f64)>> = vs
                        .iter()
                        .zip(reference)
                        .map(|(v, r)| Some((v.as_number()?, r.as_number()?)))
                        .collect();
                    let t = total(vs);
                    ScenarioColumn {
                        values: vs.clone(),
                        total: t,
                        diff: pairs.iter().map(|p| p.map(|(v, r)| v - r)).collect(),
                        pct: pairs
                            .iter()
                            .map(|p| p.and_then(|(v, r)| relative(v, r)))
                            .collect(),
                        total_diff: t - reference_total,
                        total_pct: relative(t, reference_total),
                    }
                })
                .collect();
            MetricComparison {
                sheet,
                row,
                name: workbook.metric_name(sheet, row).to_string(),
                label: info.label.clone(),
                format: info.format,
                columns,
            }
        })
        .collect();
    Ok(Comparison {
        scenarios: scenarios.to_vec(),
        names: scenarios.iter().map(|&s| name(workbook, s)).collect(),
        metrics: out,
    })
}

/// The (sheet, row) an override key names: `metric` on the first sheet or
/// `Sheet!metric`, case-insensitive; `None` if there is no such metric.
pub(crate) fn resolve_key(
    sheets: &[SheetFile],
    names: &[Vec<String>],
    key: &str,
) -> Option<(u32, u32)> {
    let (sheet, name) = match key.split_once('!') {
        Some((sheet, name)) => {
            let sheet = sheet.trim().trim_matches('\'');
            let index = sheets
                .iter()
                .position(|s| s.name.eq_ignore_ascii_case(sheet))?;
            (index, name)
        }
        None => (0, key),
    };
    let name = name.trim();
    let row = names
        .get(sheet)?
        .iter()
        .position(|n| !n.is_empty() && n.eq_ignore_ascii_case(name))?;
    Some((sheet as u32, row as u32))
}

/// The override key of a metric row (`None` if the row has no name).
pub(crate) fn key_for(
    doc: &WorkbookFile,
    names: &[Vec<String>],
    sheet: u32,
    row: u32,
) -> Option<String> {
    let name = names.get(sheet as usize)?.get(row as usize)?;
    if name.is_empty() {
        return None;
    }
    Some(if sheet == 0 {
        name.clone()
    } else {
        format!("{}!{name}", doc.sheets.get(sheet as usize)?.name)
    })
}

/// Rewrites the keys of overrides (and correlations, actuals, plans,
/// targets) of (sheet, row) to `new_name` (keeping a
/// `Sheet!` prefix); `names` are the names before the rename.
pub(crate) fn rename_keys(
    doc: &mut WorkbookFile,
    names: &[Vec<String>],
    sheet: u32,
    row: u32,
    new_name: &str,
) {
    let sheets = std::mem::take(&mut doc.sheets);
    let renamed = |key: &mut String| {
        if resolve_key(&sheets, names, key) == Some((sheet, row)) {
            *key = match key.split_once('!') {
                Some((prefix, _)) => format!("{prefix}!{new_name}"),
                None => new_name.to_string(),
            };
        }
    };
    for scenario in &mut doc.scenarios {
        for o in &mut scenario.overrides {
            renamed(&mut o.metric);
        }
    }
    for c in &mut doc.correlations {
        renamed(&mut c.a);
        renamed(&mut c.b);
    }
    if let Some(actuals) = &mut doc.actuals {
        for line in &mut actuals.values {
            renamed(&mut line.metric);
        }
        for (_, metric) in &mut actuals.mapping {
            renamed(metric);
        }
    }
    for plan in &mut doc.plans {
        for line in &mut plan.values {
            renamed(&mut line.metric);
        }
    }
    for target in &mut doc.targets {
        renamed(&mut target.metric);
        for initiative in &mut target.initiatives {
            renamed(&mut initiative.metric);
        }
    }
    doc.sheets = sheets;
}

/// Drops the overrides (and correlations, actuals, plans) of rows `rows` of `sheet` (before they are deleted);
/// `names` are the names before the deletion.
pub(crate) fn drop_keys(
    doc: &mut WorkbookFile,
    names: &[Vec<String>],
    sheet: u32,
    rows: Range<u32>,
) {
    let sheets = std::mem::take(&mut doc.sheets);
    let deleted = |key: &str| {
        matches!(resolve_key(&sheets, names, key),
            Some((s, r)) if s == sheet && rows.contains(&r))
    };
    for scenario in &mut doc.scenarios {
        scenario
            .overrides
            .retain(|o: &ScenarioOverride| !deleted(&o.metric));
    }
    doc.correlations
        .retain(|c| !deleted(&c.a) && !deleted(&c.b));
    if let Some(actuals) = &mut doc.actuals {
        actuals.values.retain(|line| !deleted(&line.metric));
        actuals.mapping.retain(|(_, metric)| !deleted(metric));
    }
    for plan in &mut doc.plans {
        plan.values.retain(|line| !deleted(&line.metric));
    }
    doc.sheets = sheets;
}

/// The input a keyed series (a scenario's overrides, the actuals) holds for
/// a period cell, if it holds one.
pub(crate) fn series_input<'a>(
    lines: &'a [ScenarioOverride],
    sheets: &[SheetFile],
    names: &[Vec<String>],
    (sheet, row, period): (u32, u32, u32),
) -> Option<&'a CellInput> {
    lines
        .iter()
        .filter(|o| resolve_key(sheets, names, &o.metric) == Some((sheet, row)))
        .find_map(|o| {
            o.values
                .get(period as usize)
                .filter(|v| !matches!(v, CellInput::Empty))
        })
}

/// The period cells before `periods` that a keyed series sets.
pub(crate) fn series_cells(
    lines: &[ScenarioOverride],
    sheets: &[SheetFile],
    names: &[Vec<String>],
    periods: u32,
) -> Vec<(u32, u32, u32)> {
    let mut out = Vec::new();
    for o in lines {
        if let Some((sheet, row)) = resolve_key(sheets, names, &o.metric) {
            for (p, v) in o.values.iter().enumerate().take(periods as usize) {
                if !matches!(v, CellInput::Empty) {
                    out.push((sheet, row, p as u32));
                }
            }
        }
    }
    out
}

/// Sets one period cell of (sheet, row) in a keyed series: the row's line
/// is found by its key (or added as `key`), trailing empty cells are
/// dropped, and a line left empty (no values, no range) is removed.
pub(crate) fn set_series_cell(
    lines: &mut Vec<ScenarioOverride>,
    sheets: &[SheetFile],
    names: &[Vec<String>],
    key: String,
    (sheet, row, period): (u32, u32, u32),
    input: CellInput,
) {
    let at = match lines
        .iter()
        .position(|o| resolve_key(sheets, names, &o.metric) == Some((sheet, row)))
    {
        Some(at) => at,
        None if input == CellInput::Empty => return,
        None => {
            lines.push(ScenarioOverride {
                metric: key,
                ..ScenarioOverride::default()
            });
            lines.len() - 1
        }
    };
    let values = &mut lines[at].values;
    let p = period as usize;
    if values.len() <= p {
        values.resize(p + 1, CellInput::Empty);
    }
    values[p] = input;
    while values.last() == Some(&CellInput::Empty) {
        values.pop();
    }
    if values.is_empty() && lines[at].uncertainty.is_none() {
        lines.remove(at);
    }
}
