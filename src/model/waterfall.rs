//! The driver waterfall: why a target differs between two states.
//!
//! Given a target (a metric in a period, or its total) and a [`Basis`]
//! (plan → actuals, base → scenario, frozen plan → the model as it stands),
//! [`explain`] splits the target's difference into one contribution per
//! input that differs, by **sequential substitution in dependency order**:
//! starting from the reference state, the drivers take their other-state
//! inputs one after another — upstream drivers (those others read) first,
//! then by sheet and row — and each driver's contribution is how much the
//! target moved when it did. The contributions add up exactly to the whole
//! difference for any model, linear or not; the order is part of the answer
//! and is stated with it (interaction effects fall to the later driver).
//!
//! A driver is a metric: all of its cells that differ move together. The
//! walk runs on the engine ([`Workbook::substitute`]), under focused
//! recalculation after its first step, and leaves the workbook as it was.
//! Against a frozen plan, what the plan's inputs cannot explain (changed
//! formulas, added rows) is one more driver, "model changes", first.

use std::collections::HashMap;

use super::document::CellInput;
use super::variance::{self, Basis};
use super::what_if::{self, Target};
use super::{FIRST_PERIOD_COL, Value, Workbook, rollup, scenario};
use crate::engine::CellAddr;

/// The name of the driver that stands for changes the inputs do not explain.
pub const MODEL_CHANGES: &str = "model changes";

/// One input's share of the difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// Sheet and row of the metric; `None` for [`MODEL_CHANGES`].
    pub cell_row: Option<(u32, u32)>,
    /// The metric's key (`metric`, `Sheet!metric`), or [`MODEL_CHANGES`].
    pub name: String,
    /// The metric's label.
    pub label: String,
    /// The metric's value in the reference state, over the periods where it
    /// differs, rolled up its own way (`None` when not a number).
    pub from: Option<f64>,
    /// The same in the other state.
    pub to: Option<f64>,
    /// How far the target moved when this driver took its other-state
    /// inputs.
    pub contribution: f64,
    /// How many period cells differ.
    pub cells: usize,
    /// The period, when drivers are split by period (see [`explain_by`]).
    pub period: Option<u32>,
}

/// A target's difference, driver by driver.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    /// The two states' names, reference first.
    pub names: (String, String),
    /// The target in the reference state.
    pub from: f64,
    /// The target in the other state.
    pub to: f64,
    /// The drivers in the order they were substituted.
    pub drivers: Vec<Driver>,
}

impl Waterfall {
    /// `to − from`: what the contributions add up to.
    pub fn total(&self) -> f64 {
        self.to - self.from
    }

    /// The contributions' sum (equal to [`Waterfall::total`] up to rounding).
    pub fn sum(&self) -> f64 {
        self.drivers.iter().map(|d| d.contribution).sum()
    }
}

/// A cell that differs: its reference-state and other-state inputs.
type Step = ((u32, u32, u32), CellInput, CellInput);

/// Explains `target`'s difference between `basis`'s two states, one driver
/// per metric. The workbook's document, values and view end as they were.
pub fn explain(workbook: &mut Workbook, target: Target, basis: Basis) -> Result<Waterfall, String> {
    explain_by(workbook, target, basis, false)
}

/// [`explain`], with `by_period` one driver per metric and period ("visits,
/// April"): a metric's cells then move one period after another, earliest
/// first.
pub fn explain_by(
    workbook: &mut Workbook,
    target: Target,
    basis: Basis,
    by_period: bool,
) -> Result<Waterfall, String> {
    let names = variance::state_names(workbook, basis);
    let active = workbook.active_scenario();
    let shown = workbook.actuals_shown();
    // Show the other state, so that its inputs are the effective ones.
    match basis {
        Basis::Actuals => {
            workbook.set_actuals_shown(true);
        }
        Basis::Scenario(s) => {
            workbook.set_active_scenario(s).map_err(|e| e.to_string())?;
        }
        Basis::Plan(_) => {}
    }
    let result = walk(workbook, target, basis, names, by_period);
    workbook.set_actuals_shown(shown);
    let _ = workbook.set_active_scenario(active);
    result
}

fn walk(
    workbook: &mut Workbook,
    target: Target,
    basis: Basis,
    names: (String, String),
    by_period: bool,
) -> Result<Waterfall, String> {
    let steps = differing_cells(workbook, basis)?;
    let reference = match basis {
        Basis::Plan(i) => Some(
            plan_target(workbook, i, &target).ok_or("the target is not a number in the plan")?,
        ),
        _ => None,
    };
    walk_steps(workbook, target, steps, names, reference, by_period)
}

/// Explains `target`'s change from another version of the model (`old`,
/// computed on its own) to `workbook`: the typed inputs of the metrics both
/// have (by name) that differ are the drivers; what they cannot explain
/// (formulas, rows added or removed, renamed metrics) is
/// [`MODEL_CHANGES`]. The workbook ends as it was.
pub fn explain_versions(
    old: &Workbook,
    workbook: &mut Workbook,
    target: Target,
) -> Result<Waterfall, String> {
    let (sheet, row) = target.cell_row();
    let key = scenario::key_for(workbook.document(), workbook.metric_names(), sheet, row)
        .unwrap_or_default();
    let old_cell = old
        .find_metric(&key)
        .ok_or_else(|| format!("the earlier version has no metric `{key}`"))?;
    let old_target = match target {
        Target::Period { period, .. } => Target::Period {
            sheet: old_cell.0,
            row: old_cell.1,
            period,
        },
        Target::Total { .. } => Target::Total {
            sheet: old_cell.0,
            row: old_cell.1,
        },
    };
    if old.periods() != workbook.periods() {
        return Err("the two versions have different timelines".into());
    }
    let reference = what_if::target_value(old, &old_target)
        .ok_or("the target is not a number in the earlier version")?;
    let strict = version_steps(old, workbook, true);
    let steps = version_steps(old, workbook, false);
    let names = ("before".to_string(), "after".to_string());
    // A typed value that replaced a formula (an actual over a computed
    // metric) is substituted by the old formula; should that not compute
    // in the new version, such cells count as model changes.
    walk_steps(
        workbook,
        target,
        steps,
        names.clone(),
        Some(reference),
        false,
    )
    .or_else(|_| walk_steps(workbook, target, strict, names, Some(reference), false))
}

/// The cells of the metrics both versions have whose contents differ,
/// with the old and new contents; a formula on either side counts only if
/// the other side is typed (and never with `typed_only`).
fn version_steps(old: &Workbook, workbook: &Workbook, typed_only: bool) -> Vec<Step> {
    let content = |w: &Workbook, s: u32, r: u32, p: u32| -> CellInput {
        match w.effective_input(s, r, p) {
            CellInput::Empty if w.is_formula(s, r, p) => {
                CellInput::Formula(w.rows(s)[r as usize].formula.clone())
            }
            other => other.clone(),
        }
    };
    let mut steps = Vec::new();
    for (s, sheet_names) in workbook.metric_names().iter().enumerate() {
        for r in 0..sheet_names.len() as u32 {
            let s = s as u32;
            let Some(key) = scenario::key_for(workbook.document(), workbook.metric_names(), s, r)
            else {
                continue;
            };
            let Some((os, or)) = old.find_metric(&key) else {
                continue;
            };
            for p in 0..workbook.periods() {
                let was = content(old, os, or, p);
                let now = content(workbook, s, r, p);
                let formulas = matches!(was, CellInput::Formula(_)) as u8
                    + matches!(now, CellInput::Formula(_)) as u8;
                if was != now && (formulas == 0 || (formulas == 1 && !typed_only)) {
                    steps.push(((s, r, p), was, now));
                }
            }
        }
    }
    steps
}

/// The walk over `steps` (cells with their reference-state and
/// other-state inputs) while the workbook shows the other state;
/// `reference` is the target in the reference state when the steps do not
/// reproduce it alone (the gap becomes [`MODEL_CHANGES`]).
fn walk_steps(
    workbook: &mut Workbook,
    target: Target,
    steps: Vec<Step>,
    names: (String, String),
    reference: Option<f64>,
    by_period: bool,
) -> Result<Waterfall, String> {
    let to = what_if::target_value(workbook, &target)
        .ok_or("the target is not a number in the other state")?;
    // A driver: a metric's differing cells, or with `by_period` one of them.
    let mut groups: Vec<((u32, u32), Vec<usize>)> = Vec::new();
    let mut periods: Vec<Option<u32>> = Vec::new();
    for (i, ((s, r, p), _, _)) in steps.iter().enumerate() {
        let period = by_period.then_some(*p);
        match groups
            .iter_mut()
            .zip(&periods)
            .find(|((row, _), q)| *row == (*s, *r) && **q == period)
        {
            Some(((_, cells), _)) => cells.push(i),
            None => {
                groups.push(((*s, *r), vec![i]));
                periods.push(period);
            }
        }
    }
    // A driver's value: in the target's period if it differs there, else
    // rolled up over the periods where it differs.
    let summary = |w: &Workbook, (s, r): (u32, u32), cells: &[usize]| {
        let mut periods: Vec<u32> = cells.iter().map(|&i| steps[i].0.2).collect();
        if let Target::Period { period, .. } = target
            && periods.contains(&period)
        {
            periods = vec![period];
        }
        let (lo, hi) = (
            periods.iter().copied().min().unwrap_or(0),
            periods.iter().copied().max().unwrap_or(0),
        );
        rollup::rollup_range(w, s, r, &rollup::rollup_of(w, s, r), lo..hi + 1)
    };
    let to_values: Vec<Option<f64>> = groups
        .iter()
        .map(|(row, cells)| summary(workbook, *row, cells))
        .collect();
    // The reference state: every differing cell takes its reference input.
    let all_from: Vec<((u32, u32, u32), CellInput)> = steps
        .iter()
        .map(|(c, from, _)| (*c, from.clone()))
        .collect();
    let all_cells: Vec<(u32, u32, u32)> = steps.iter().map(|(c, _, _)| *c).collect();
    workbook.substitute(&all_from);
    let start_value = what_if::target_value(workbook, &target);
    let from_values: Vec<Option<f64>> = groups
        .iter()
        .map(|(row, cells)| summary(workbook, *row, cells))
        .collect();
    let depth = depths(
        workbook,
        &groups.iter().map(|(row, _)| *row).collect::<Vec<_>>(),
    );
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| {
        (
            depth.get(&groups[g].0).copied().unwrap_or(0),
            groups[g].0,
            periods[g],
        )
    });
    let Some(start) = start_value else {
        workbook.restore_cells(all_cells);
        return Err("the target is not a number in the reference state".into());
    };
    let mut drivers = Vec::new();
    let mut from = start;
    if let Some(planned) = reference {
        // What the inputs do not explain: the reference's own target
        // against the model run on the reference's inputs.
        from = planned;
        // Left out when the model computes the plan's inputs as it did.
        if (start - planned).abs() > 1e-12 * planned.abs().max(start.abs()) {
            drivers.push(Driver {
                cell_row: None,
                name: MODEL_CHANGES.into(),
                label: "Formulas and rows changed".into(),
                from: None,
                to: None,
                contribution: start - planned,
                cells: 0,
                period: None,
            });
        } else {
            from = start;
        }
    }
    let focus = target.cells(workbook.periods());
    let mut contributions = vec![0.0; groups.len()];
    let mut failed = false;
    workbook.focused(&focus, |w| {
        let mut previous = start;
        for &g in &order {
            let cells: Vec<((u32, u32, u32), CellInput)> = groups[g]
                .1
                .iter()
                .map(|&i| (steps[i].0, steps[i].2.clone()))
                .collect();
            w.substitute(&cells);
            let Some(now) = what_if::target_value(w, &target) else {
                failed = true;
                continue;
            };
            contributions[g] = now - previous;
            previous = now;
        }
    });
    workbook.restore_cells(all_cells);
    if failed {
        return Err("the target is not a number part of the way (an error in between)".into());
    }
    let doc_names = workbook.metric_names().to_vec();
    let tl = workbook.document().timeline.clone();
    for g in order {
        let (s, r) = groups[g].0;
        let key = scenario::key_for(workbook.document(), &doc_names, s, r).unwrap_or_default();
        let label = workbook.rows(s)[r as usize].label.clone();
        let (name, label) = match periods[g] {
            Some(p) => {
                let when = super::timeline::period_label(&tl, p);
                (format!("{key}@{when}"), format!("{label}, {when}"))
            }
            None => (key, label),
        };
        drivers.push(Driver {
            cell_row: Some((s, r)),
            name,
            label,
            from: from_values[g],
            to: to_values[g],
            contribution: contributions[g],
            cells: groups[g].1.len(),
            period: periods[g],
        });
    }
    Ok(Waterfall {
        names,
        from,
        to,
        drivers,
    })
}

/// The cells whose inputs differ between the basis's states, with both
/// inputs, while the workbook shows the other state.
fn differing_cells(workbook: &Workbook, basis: Basis) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    match basis {
        Basis::Actuals => {
            for (s, r, p) in workbook.actual_cells() {
                let plan = workbook
                    .scenario_input(s, r, p)
                    .unwrap_or_else(|| workbook.input(s, r, p));
                let actual = workbook.effective_input(s, r, p);
                if plan != actual {
                    out.push(((s, r, p), plan.clone(), actual.clone()));
                }
            }
        }
        Basis::Scenario(_) => {
            for (s, r, p) in workbook.scenario_cells(workbook.active_scenario()) {
                if workbook.is_actual(s, r, p) {
                    continue;
                }
                let base = workbook.input(s, r, p);
                let now = workbook.effective_input(s, r, p);
                if base != now {
                    out.push(((s, r, p), base.clone(), now.clone()));
                }
            }
        }
        Basis::Plan(i) => {
            let plan = workbook
                .document()
                .plans
                .get(i)
                .ok_or_else(|| format!("no plan number {}", i + 1))?;
            let names = workbook.metric_names();
            for line in &plan.values {
                let Some((s, r)) =
                    scenario::resolve_key(&workbook.document().sheets, names, &line.metric)
                else {
                    continue;
                };
                for (p, v) in line.values.iter().enumerate() {
                    let p = p as u32;
                    let CellInput::Number(planned) = v else {
                        continue;
                    };
                    if p >= workbook.periods() || workbook.is_formula(s, r, p) {
                        continue;
                    }
                    let now = workbook.effective_input(s, r, p);
                    if now != &CellInput::Number(*planned) {
                        out.push(((s, r, p), CellInput::Number(*planned), now.clone()));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The target as the frozen plan recorded it.
fn plan_target(workbook: &Workbook, plan: usize, target: &Target) -> Option<f64> {
    let plan = workbook.document().plans.get(plan)?;
    let (sheet, row) = target.cell_row();
    let names = workbook.metric_names();
    let line = plan.values.iter().find(|l| {
        scenario::resolve_key(&workbook.document().sheets, names, &l.metric) == Some((sheet, row))
    })?;
    let number = |p: usize| match line.values.get(p) {
        Some(CellInput::Number(n)) => Some(*n),
        _ => None,
    };
    match *target {
        Target::Period { period, .. } => number(period as usize),
        Target::Total { .. } => Some((0..line.values.len()).filter_map(number).sum()),
    }
}

/// A row on the depth search's path: the row, the rows it reads, and how
/// many of those are visited.
type Visit = ((u32, u32), Vec<(u32, u32)>, usize);

/// How far upstream each row sits: 0 for a row that reads no other row, else
/// one more than the deepest row it reads (cycles between rows count as
/// 0). Only rows upstream of `rows` are visited.
pub(super) fn depths(workbook: &Workbook, rows: &[(u32, u32)]) -> HashMap<(u32, u32), usize> {
    let precedents = |(s, r): (u32, u32)| -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for p in 0..workbook.periods() {
            let addr = CellAddr::new(s, r, FIRST_PERIOD_COL + p);
            for c in workbook.engine.precedents(addr) {
                if c.col >= FIRST_PERIOD_COL && (c.sheet, c.row) != (s, r) {
                    out.push((c.sheet, c.row));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    };
    let mut depth: HashMap<(u32, u32), usize> = HashMap::new();
    let mut on_path: std::collections::HashSet<(u32, u32)> = Default::default();
    for &start in rows {
        if depth.contains_key(&start) {
            continue;
        }
        // An explicit stack (models may chain thousands of rows): each entry
        // is a row, what it reads, and how many of those are visited.
        on_path.insert(start);
        let mut stack: Vec<Visit> = vec![(start, precedents(start), 0)];
        while let Some((row, reads, visited)) = stack.last_mut() {
            if let Some(&next) = reads.get(*visited) {
                *visited += 1;
                if !depth.contains_key(&next) && on_path.insert(next) {
                    stack.push((next, precedents(next), 0));
                }
                continue;
            }
            let d = reads
                .iter()
                .filter_map(|p| depth.get(p).map(|d| d + 1))
                .max()
                .unwrap_or(0);
            let row = *row;
            depth.insert(row, d);
            on_path.remove(&row);
            stack.pop();
        }
    }
    depth
}

/// The target's value under a state's values (for checks and reports).
pub fn target_in(values: &variance::Values, target: &Target) -> Option<f64> {
    let (s, r) = target.cell_row();
    let row = values.get(s as usize)?.get(r as usize)?;
    match *target {
        Target::Period { period, .. } => row.get(period as usize)?.as_number(),
        Target::Total { .. } => Some(row.iter().filter_map(Value::as_number).sum()),
    }
}
