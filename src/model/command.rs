//! Edit commands: the only way a workbook's document changes. Applying a
//! command to the document returns the commands that undo it, so undo/redo,
//! the ripple and (later) the changelog share one source.

use super::document::{
    Actuals, Benchmark, CellInput, ChangelogEntry, Correlation, DefinedName, Funnel, InvestorView,
    Layout, Plan, Rollup, RowFile, Scenario, Target, Uncertainty, WorkbookFile,
};
use super::{names, scenario};
use crate::engine::RowChange;
use crate::formula::rewrite::{self, Structural};

/// One change of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Sets what a period cell holds (a value, a formula overriding the row
    /// formula, or nothing).
    SetCell {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// Period index (0 = first period).
        period: u32,
        /// The new input.
        input: CellInput,
    },
    /// Sets any cell by its grid column (`A` is 0), on either layout: on a
    /// grid sheet any cell (the sheet grows to take a cell beyond its rows
    /// or used width); on a metric sheet a period cell (column C onwards;
    /// labels and units change through [`Command::SetRowInfo`]).
    SetCellAt {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// Column index (0 = column A).
        col: u32,
        /// The new input.
        input: CellInput,
    },
    /// Sets a row's formula (empty text removes it).
    SetRowFormula {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The formula, starting with `=`, or empty.
        formula: String,
    },
    /// Renames a metric (sets its explicit name; an empty name goes back to
    /// the label's) and rewrites every formula that uses it.
    RenameMetric {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The new explicit name, or empty.
        name: String,
    },
    /// Sets a metric's explicit name (empty: the label's) without touching
    /// any formula (how renames are undone).
    SetMetricName {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The explicit name, or empty.
        name: String,
    },
    /// Changes a row's label, unit, format or section, keeping its name: if
    /// the name came from the label, it is pinned so formulas keep working.
    SetRowInfo {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The row with the new label/unit/format/section; its formula and
        /// values are ignored.
        info: RowFile,
    },
    /// Inserts rows before row `at`; A1 references below shift down.
    InsertRows {
        /// Sheet index.
        sheet: u32,
        /// Where the first new row goes.
        at: u32,
        /// The new rows.
        rows: Vec<RowFile>,
    },
    /// Deletes `count` rows from `at`; A1 references to them become `#REF!`.
    DeleteRows {
        /// Sheet index.
        sheet: u32,
        /// First row deleted.
        at: u32,
        /// How many.
        count: u32,
    },
    /// Moves `count` rows starting at `from` so that they start at `to`
    /// (counted after taking them out); A1 references follow the rows.
    MoveRows {
        /// Sheet index.
        sheet: u32,
        /// First row moved.
        from: u32,
        /// How many.
        count: u32,
        /// Where the block starts afterwards.
        to: u32,
    },
    /// Replaces the workbook's defined names (how structural edits that
    /// moved a name's target are undone).
    SetNames {
        /// The names.
        names: Vec<DefinedName>,
    },
    /// Replaces all rows of a sheet (how structural edits are undone).
    ReplaceRows {
        /// Sheet index.
        sheet: u32,
        /// The rows.
        rows: Vec<RowFile>,
    },
    /// Inserts a scenario at position `index` (0 ..= number of scenarios).
    /// Its name must be non-empty, not `base`, and unlike every other
    /// scenario's (case-insensitive).
    AddScenario {
        /// Where it goes in the list.
        index: usize,
        /// The scenario (name, note and overrides; copy another scenario's
        /// `overrides` to start from it).
        scenario: Scenario,
    },
    /// Deletes the scenario at `index`. If it was the active one, the
    /// workbook shows the base model afterwards.
    DeleteScenario {
        /// Which scenario.
        index: usize,
    },
    /// Renames the scenario at `index` (same rules as [`Command::AddScenario`]).
    RenameScenario {
        /// Which scenario.
        index: usize,
        /// The new name.
        name: String,
    },
    /// Sets the note of the scenario at `index`.
    SetScenarioNote {
        /// Which scenario.
        index: usize,
        /// What the scenario assumes.
        note: String,
    },
    /// Sets a scenario's override of one input cell; [`CellInput::Empty`]
    /// removes the override (the cell falls back to the base model's).
    /// [`super::Workbook::apply`] turns a [`Command::SetCell`] on an input
    /// cell into this while a scenario is active.
    SetScenarioCell {
        /// Which scenario.
        scenario: usize,
        /// Sheet index.
        sheet: u32,
        /// Row index (a metric row: overrides are kept by metric name).
        row: u32,
        /// Period index (0 = first period).
        period: u32,
        /// The scenario's input for the cell.
        input: CellInput,
    },
    /// Replaces the scenario at `index` (how scenario edits are undone).
    ReplaceScenario {
        /// Which scenario.
        index: usize,
        /// Its new content.
        scenario: Scenario,
    },
    /// Replaces the whole scenario list (how metric renames and row
    /// deletions are undone).
    ReplaceScenarios {
        /// The scenarios.
        scenarios: Vec<Scenario>,
    },
    /// Inserts a changelog entry at `index` (`index` = the number of entries
    /// appends). The date must be `YYYY-MM-DD`.
    AddChangelogEntry {
        /// Position in the changelog.
        index: u32,
        /// The entry.
        entry: ChangelogEntry,
    },
    /// Replaces the changelog entry at `index`. The date must be `YYYY-MM-DD`.
    SetChangelogEntry {
        /// Position in the changelog.
        index: u32,
        /// The new entry.
        entry: ChangelogEntry,
    },
    /// Deletes the changelog entry at `index`.
    DeleteChangelogEntry {
        /// Position in the changelog.
        index: u32,
    },
    /// Sets or removes a metric's benchmark.
    SetBenchmark {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The benchmark, or `None` to remove it.
        benchmark: Option<Benchmark>,
    },
    /// Sets a metric's roll-up, or `None` to go back to the inferred one.
    SetRollup {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The roll-up.
        rollup: Option<Rollup>,
    },
    /// Sets or removes an input's uncertainty (its range for simulations).
    SetUncertainty {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The uncertainty, or `None` to remove it.
        uncertainty: Option<Box<Uncertainty>>,
    },
    /// Sets or removes a scenario's own range for a metric's input, which
    /// replaces the row's range while the scenario is shown.
    /// [`crate::model::Workbook::apply`] sends a [`Command::SetUncertainty`]
    /// here while a scenario is shown.
    SetScenarioUncertainty {
        /// Which scenario.
        scenario: usize,
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// The range, or `None` to remove the scenario's own range.
        uncertainty: Option<Box<Uncertainty>>,
    },
    /// Replaces the correlations between uncertain inputs.
    SetCorrelations {
        /// The correlations.
        correlations: Vec<Correlation>,
    },
    /// Books one actual: a number, or [`CellInput::Empty`] to remove it.
    /// [`crate::model::Workbook::apply`] sends a [`Command::SetCell`] on a
    /// cell that shows an actual here.
    SetActualCell {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// Period index.
        period: u32,
        /// The actual.
        input: CellInput,
    },
    /// Replaces the booked actuals (an import, a change of the closed
    /// period), or removes them with `None`.
    SetActuals {
        /// The actuals.
        actuals: Option<Box<Actuals>>,
    },
    /// Replaces the frozen plans.
    SetPlans {
        /// The plans.
        plans: Vec<Plan>,
    },
    /// Sets the workbook's locale (how text is read as a number).
    SetLocale {
        /// The locale tag (`ru-RU`; empty for English).
        locale: String,
    },
    /// Replaces the targets and their initiatives.
    SetTargets {
        /// The targets.
        targets: Vec<Target>,
    },
    /// Replaces the workbook's funnels.
    SetFunnels {
        /// The funnels.
        funnels: Vec<Funnel>,
    },
    /// Sets the investor view, or `None` for the default one.
    SetInvestorView {
        /// The view.
        view: Option<InvestorView>,
    },
}

impl Command {
    /// True if the command changes the scenario list, a scenario or the
    /// actuals: what may change cells' effective inputs without touching
    /// the base model.
    pub fn changes_overlay(&self) -> bool {
        matches!(
            self,
            Command::SetActualCell { .. }
                | Command::SetActuals { .. }
                | Command::AddScenario { .. }
                | Command::DeleteScenario { .. }
                | Command::RenameScenario { .. }
                | Command::SetScenarioNote { .. }
                | Command::SetScenarioCell { .. }
                | Command::ReplaceScenario { .. }
                | Command::ReplaceScenarios { .. }
        )
    }
}

/// Why a command cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The sheet, row or period does not exist.
    #[error("{0}")]
    OutOfRange(String),
    /// The formula does not parse.
    #[error("{0}")]
    Formula(String),
    /// The name cannot be used.
    #[error("{0}")]
    Name(String),
    /// A changelog date is not a `YYYY-MM-DD` day.
    #[error("{0}")]
    Date(String),
    /// A benchmark is not usable.
    #[error("{0}")]
    Benchmark(String),
    /// An uncertainty or a correlation is not usable.
    #[error("{0}")]
    Uncertainty(String),
}

/// How far a command reaches into the calculation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// One period cell's input changed.
    Cell {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// Period index.
        period: u32,
    },
    /// One cell of a grid sheet changed (within its current size).
    GridCell {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// Column index.
        col: u32,
    },
    /// A row's formula changed.
    RowFormula {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
    },
    /// The metric names of a sheet changed (the rows did not): the
    /// formulas that mention an old or new name resolve again, in place.
    Names {
        /// Sheet index.
        sheet: u32,
    },
    /// Rows of a sheet were inserted, deleted or moved: the engine moves
    /// its rows in place, then sets again the formulas whose text the
    /// change rewrote (`rewritten`, where they stand now) and the inserted
    /// rows' inputs.
    Rows {
        /// The change.
        change: RowChange,
        /// The formulas rewritten: cell, grid cell and row formula reaches.
        rewritten: Vec<Reach>,
        /// The defined names whose target the change rewrote: the
        /// formulas using them are set again too.
        names: Vec<String>,
    },
    /// Rows or sheets changed shape: the engine is rebuilt.
    Structure,
    /// Only scenarios or actuals changed: the workbook brings the cells of
    /// the active scenario's overrides and of the shown actuals up to date.
    Overlay,
    /// Only data the calculation does not read changed (changelog,
    /// benchmarks, funnels, views): nothing is recalculated.
    Document,
}

/// Applies `command` to `doc`. Returns the commands that undo it (to be
/// applied in order) and what the change reaches.
pub fn apply(doc: &mut WorkbookFile, command: Command) -> Result<(Vec<Command>, Reach), EditError> {
    let periods = doc.timeline.periods;
    match command {
        Command::SetCellAt {
            sheet,
            row,
            col,
            input,
        } => {
            if sheet_ref(doc, sheet)?.layout == Layout::Metrics {
                let Some(period) = col.checked_sub(super::FIRST_PERIOD_COL) else {
                    return Err(EditError::OutOfRange(
                        "labels and units are changed with the row's info, not as cells".into(),
                    ));
                };
                return apply(
                    doc,
                    Command::SetCell {
                        sheet,
                        row,
                        period,
                        input,
                    },
                );
            }
            set_grid_cell(doc, sheet, row, col, input)
        }
        Command::SetCell {
            sheet,
            row,
            period,
            input,
        } => {
            not_grid(doc, sheet)?;
            if period >= periods {
                return Err(EditError::OutOfRange(format!(
                    "period {} is outside the timeline ({periods} periods)",
                    period + 1
                )));
            }
            check_input(&input)?;
            let target = row_mut(doc, sheet, row)?;
            let index = period as usize;
            if target.values.len() <= index {
                target.values.resize(index + 1, CellInput::Empty);
            }
            let old = std::mem::replace(&mut target.values[index], input);
            while target.values.last() == Some(&CellInput::Empty) {
                target.values.pop();
            }
            Ok((
                vec![Command::SetCell {
                    sheet,
                    row,
                    period,
                    input: old,
                }],
                Reach::Cell { sheet, row, period },
            ))
        }
        Command::SetRowFormula {
            sheet,
            row,
            formula,
        } => {
            not_grid(doc, sheet)?;
            if !formula.trim().is_empty() {
                check_formula(&formula)?;
            }
            let target = row_mut(doc, sheet, row)?;
            let old = std::mem::replace(&mut target.formula, formula.trim().to_string());
            Ok((
                vec![Command::SetRowFormula {
                    sheet,
                    row,
                    formula: old,
                }],
                Reach::RowFormula { sheet, row },
            ))
        }
        Command::RenameMetric { sheet, row, name } => {
            let sheet_name = sheet_ref(doc, sheet)?.name.clone();
            let before = row_ref(doc, sheet, row)?.clone();
            let old_name = effective_name(&before);
            let new_name = if name.is_empty() {
                names::derive_name(&before.label)
            } else {
                name.clone()
            };
            if let Some(problem) = names::name_problem(&new_name) {
                return Err(EditError::Name(problem));
            }
            if names::taken_by_other(&doc.sheets[sheet as usize].rows, row as usize, &new_name) {
                return Err(EditError::Name(format!(
                    "`{new_name}` is already the name of another metric on this sheet"
                )));
            }
            if !old_name.is_empty()
                && let Some(at) = let_name_clash(doc, &[&old_name, &new_name])
            {
                return Err(EditError::Name(format!(
                    "{at} binds a LET name spelled like `{old_name}` or `{new_name}`; \
                     rename it there first, so the rename cannot change what it means"
                )));
            }
            let keyed_before = Keyed::of(doc);
            let all_names = all_names(doc);
            scenario::rename_keys(doc, &all_names, sheet, row, &new_name);
            let row_before = row_mut(doc, sheet, row)?;
            let name_before = std::mem::replace(&mut row_before.name, name);
            let mut undo = vec![Command::SetMetricName {
                sheet,
                row,
                name: name_before,
            }];
            if !old_name.is_empty() && !old_name.eq_ignore_ascii_case(&new_name) {
                undo.extend(rewrite_formulas_recorded(doc, |text, formula_sheet| {
                    if !names::mentions(text, &old_name) {
                        return None;
                    }
                    rewrite::rename_metric(text, formula_sheet, &sheet_name, &old_name, &new_name)
                }));
            }
            undo.extend(keyed_before.restore(doc));
            Ok((undo, Reach::Names { sheet }))
        }
        Command::SetMetricName { sheet, row, name } => {
            if !name.is_empty()
                && let Some(problem) = names::name_problem(&name)
            {
                return Err(EditError::Name(problem));
            }
            let target = row_mut(doc, sheet, row)?;
            let old = std::mem::replace(&mut target.name, name);
            Ok((
                vec![Command::SetMetricName {
                    sheet,
                    row,
                    name: old,
                }],
                Reach::Names { sheet },
            ))
        }
        Command::SetRowInfo { sheet, row, info } => {
            let target = row_mut(doc, sheet, row)?;
            let old = target.clone();
            let old_name = effective_name(&old);
            target.section = info.section;
            target.label = info.label;
            target.unit = info.unit;
            target.format = info.format;
            // Keep formulas working: pin the name the label used to give.
            if target.name.is_empty()
                && !old_name.is_empty()
                && names::derive_name(&target.label) != old_name
                && target.section.is_empty()
            {
                target.name = old_name;
            }
            Ok((
                vec![Command::ReplaceRows {
                    sheet,
                    rows: {
                        let mut rows = doc.sheets[sheet as usize].rows.clone();
                        rows[row as usize] = old;
                        rows
                    },
                }],
                Reach::Structure,
            ))
        }
        Command::InsertRows { sheet, at, rows } => {
            let target = sheet_ref(doc, sheet)?;
            let len = target.rows.len() as u32;
            if at > len {
                return Err(EditError::OutOfRange(format!(
                    "cannot insert at row {} of {len}",
                    at + 1
                )));
            }
            // A metric row with more values than periods would save to a
            // file that does not load again.
            let periods = doc.timeline.periods as usize;
            if target.layout == Layout::Metrics
                && let Some(row) = rows.iter().find(|row| row.values.len() > periods)
            {
                return Err(EditError::OutOfRange(format!(
                    "row `{}` has {} values for {periods} periods",
                    row.label,
                    row.values.len()
                )));
            }
            if rows.is_empty() {
                return Ok((Vec::new(), Reach::Document));
            }
            let count = rows.len() as u32;
            let sheet_name = doc.sheets[sheet as usize].name.clone();
            let texts = rewrite_rows(doc, &sheet_name, Structural::InsertRows { at, count });
            let target = &mut doc.sheets[sheet as usize].rows;
            target.splice(at as usize..at as usize, rows);
            // The formulas were rewritten where they stood before the insert,
            // which is where the undo's delete puts them back.
            let rewritten = sites_of(&texts, sheet, |r| if r >= at { r + count } else { r });
            let mut undo = vec![Command::DeleteRows { sheet, at, count }];
            undo.extend(texts);
            // The delete drops what is keyed by the new rows' names, which
            // may have been other rows' before: set it all back after.
            undo.extend(Keyed::of(doc).restore_all());
            let reach = rows_reach(
                doc,
                &undo,
                RowChange::Insert { sheet, at, count },
                rewritten,
            );
            Ok((undo, reach))
        }
        Command::DeleteRows { sheet, at, count } => {
            let len = sheet_ref(doc, sheet)?.rows.len() as u32;
            if at >= len || count == 0 || u64::from(at) + u64::from(count) > u64::from(len) {
                return Err(EditError::OutOfRange(format!(
                    "cannot delete rows {}–{} of {len}",
                    u64::from(at) + 1,
                    u64::from(at) + u64::from(count)
                )));
            }
            let keyed_before = Keyed::of(doc);
            if keyed_before.is_some() {
                let all_names = all_names(doc);
                scenario::drop_keys(doc, &all_names, sheet, at..at + count);
            }
            let sheet_name = doc.sheets[sheet as usize].name.clone();
            let removed: Vec<RowFile> = doc.sheets[sheet as usize]
                .rows
                .drain(at as usize..(at + count) as usize)
                .collect();
            let texts = rewrite_rows(doc, &sheet_name, Structural::DeleteRows { at, count });
            // Rewritten where they stand after the delete; the undo puts
            // the rows back first, which moves them down again.
            let rewritten = sites_of(&texts, sheet, |r| r);
            let mut undo = vec![Command::InsertRows {
                sheet,
                at,
                rows: removed,
            }];
            undo.extend(moved_sites(texts, sheet, |r| {
                if r >= at { r + count } else { r }
            }));
            undo.extend(keyed_before.restore(doc));
            let reach = rows_reach(
                doc,
                &undo,
                RowChange::Delete { sheet, at, count },
                rewritten,
            );
            Ok((undo, reach))
        }
        Command::MoveRows {
            sheet,
            from,
            count,
            to,
        } => {
            let len = sheet_ref(doc, sheet)?.rows.len() as u32;
            let past = |start: u32| u64::from(start) + u64::from(count) > u64::from(len);
            if count == 0 || past(from) || past(to) {
                return Err(EditError::OutOfRange(format!(
                    "cannot move rows {}–{} to row {} of {len}",
                    u64::from(from) + 1,
                    u64::from(from) + u64::from(count),
                    u64::from(to) + 1
                )));
            }
            let sheet_name = doc.sheets[sheet as usize].name.clone();
            let map = move |r: u32| moved_row(r, from, count, to);
            let texts = rewrite_formulas_recorded(doc, |text, formula_sheet| {
                rewrite::may_name_rows(text)
                    .then(|| rewrite::remap_rows(text, formula_sheet, &sheet_name, &map))
                    .flatten()
            });
            let rows = &mut doc.sheets[sheet as usize].rows;
            let block: Vec<RowFile> = rows.drain(from as usize..(from + count) as usize).collect();
            rows.splice(to as usize..to as usize, block);
            // Rewritten where they stood before the move, which is where
            // the undo's move puts them back.
            let rewritten = sites_of(&texts, sheet, map);
            let mut undo = vec![Command::MoveRows {
                sheet,
                from: to,
                count,
                to: from,
            }];
            undo.extend(texts);
            let change = RowChange::Move {
                sheet,
                from,
                count,
                to,
            };
            let reach = rows_reach(doc, &undo, change, rewritten);
            Ok((undo, reach))
        }
        Command::SetNames { names } => {
            let old = std::mem::replace(&mut doc.names, names);
            Ok((vec![Command::SetNames { names: old }], Reach::Structure))
        }
        Command::ReplaceRows { sheet, rows } => {
            let target = &mut sheet_mut(doc, sheet)?.rows;
            let old = std::mem::replace(target, rows);
            Ok((
                vec![Command::ReplaceRows { sheet, rows: old }],
                Reach::Structure,
            ))
        }
        Command::AddScenario { index, scenario } => {
            if index > doc.scenarios.len() {
                return Err(EditError::OutOfRange(format!(
                    "cannot add a scenario at position {} of {}",
                    index + 1,
                    doc.scenarios.len()
                )));
            }
            check_scenario_name(doc, &scenario.name, None)?;
            let mut scenario = scenario;
            scenario.name = scenario.name.trim().to_string();
            doc.scenarios.insert(index, scenario);
            Ok((vec![Command::DeleteScenario { index }], Reach::Overlay))
        }
        Command::DeleteScenario { index } => {
            scenario_ref(doc, index)?;
            let scenario = doc.scenarios.remove(index);
            Ok((
                vec![Command::AddScenario { index, scenario }],
                Reach::Overlay,
            ))
        }
        Command::RenameScenario { index, name } => {
            scenario_ref(doc, index)?;
            check_scenario_name(doc, &name, Some(index))?;
            let old = std::mem::replace(&mut doc.scenarios[index].name, name.trim().to_string());
            Ok((
                vec![Command::RenameScenario { index, name: old }],
                Reach::Overlay,
            ))
        }
        Command::SetScenarioNote { index, note } => {
            scenario_ref(doc, index)?;
            let old = std::mem::replace(&mut doc.scenarios[index].note, note);
            Ok((
                vec![Command::SetScenarioNote { index, note: old }],
                Reach::Overlay,
            ))
        }
        Command::SetScenarioCell {
            scenario: index,
            sheet,
            row,
            period,
            input,
        } => {
            check_input(&input)?;
            scenario_ref(doc, index)?;
            let all_names = all_names(doc);
            let key = series_key(
                doc,
                &all_names,
                (sheet, row, period),
                "a scenario keeps its inputs",
            )?;
            let old = doc.scenarios[index].clone();
            let sheets = std::mem::take(&mut doc.sheets);
            scenario::set_series_cell(
                &mut doc.scenarios[index].overrides,
                &sheets,
                &all_names,
                key,
                (sheet, row, period),
                input,
            );
            doc.sheets = sheets;
            Ok((
                vec![Command::ReplaceScenario {
                    index,
                    scenario: old,
                }],
                Reach::Overlay,
            ))
        }
        Command::ReplaceScenario { index, scenario } => {
            scenario_ref(doc, index)?;
            let old = std::mem::replace(&mut doc.scenarios[index], scenario);
            Ok((
                vec![Command::ReplaceScenario {
                    index,
                    scenario: old,
                }],
                Reach::Overlay,
            ))
        }
        Command::ReplaceScenarios { scenarios } => {
            let old = std::mem::replace(&mut doc.scenarios, scenarios);
            Ok((
                vec![Command::ReplaceScenarios { scenarios: old }],
                Reach::Overlay,
            ))
        }
        Command::AddChangelogEntry { index, entry } => {
            let len = doc.changelog.len() as u32;
            if index > len {
                return Err(EditError::OutOfRange(format!(
                    "cannot add a changelog entry at position {} of {len}",
                    index + 1
                )));
            }
            let entry = checked_entry(entry)?;
            doc.changelog.insert(index as usize, entry);
            Ok((
                vec![Command::DeleteChangelogEntry { index }],
                Reach::Document,
            ))
        }
        Command::SetChangelogEntry { index, entry } => {
            let entry = checked_entry(entry)?;
            let len = doc.changelog.len();
            let target = doc
                .changelog
                .get_mut(index as usize)
                .ok_or_else(|| no_entry(index, len))?;
            let old = std::mem::replace(target, entry);
            Ok((
                vec![Command::SetChangelogEntry { index, entry: old }],
                Reach::Document,
            ))
        }
        Command::DeleteChangelogEntry { index } => {
            if index as usize >= doc.changelog.len() {
                return Err(no_entry(index, doc.changelog.len()));
            }
            let old = doc.changelog.remove(index as usize);
            Ok((
                vec![Command::AddChangelogEntry { index, entry: old }],
                Reach::Document,
            ))
        }
        Command::SetBenchmark {
            sheet,
            row,
            benchmark,
        } => {
            if let Some(b) = &benchmark {
                if !b.value.is_finite() || b.high.is_some_and(|h| !h.is_finite()) {
                    return Err(EditError::Benchmark(
                        "the benchmark must be a finite number".into(),
                    ));
                }
                if b.high.is_some_and(|h| h < b.value) {
                    return Err(EditError::Benchmark(
                        "the benchmark range runs backwards: the low end comes first".into(),
                    ));
                }
            }
            let target = row_mut(doc, sheet, row)?;
            let old = std::mem::replace(&mut target.benchmark, benchmark);
            Ok((
                vec![Command::SetBenchmark {
                    sheet,
                    row,
                    benchmark: old,
                }],
                Reach::Document,
            ))
        }
        Command::SetRollup { sheet, row, rollup } => {
            if let Some(Rollup::Ratio(num, den)) = &rollup
                && (num.trim().is_empty() || den.trim().is_empty())
            {
                return Err(EditError::Name(
                    "a ratio roll-up needs a numerator and a denominator metric".into(),
                ));
            }
            let target = row_mut(doc, sheet, row)?;
            let old = std::mem::replace(&mut target.rollup, rollup);
            Ok((
                vec![Command::SetRollup {
                    sheet,
                    row,
                    rollup: old,
                }],
                Reach::Document,
            ))
        }
        Command::SetUncertainty {
            sheet,
            row,
            uncertainty,
        } => {
            if let Some(u) = &uncertainty {
                let target = row_ref(doc, sheet, row)?;
                let typed = |i: usize| matches!(target.values.get(i), Some(CellInput::Number(_)));
                check_range_on_inputs(u, periods, &target.label, typed)?;
            }
            let target = row_mut(doc, sheet, row)?;
            let old = std::mem::replace(&mut target.uncertainty, uncertainty);
            Ok((
                vec![Command::SetUncertainty {
                    sheet,
                    row,
                    uncertainty: old,
                }],
                Reach::Document,
            ))
        }
        Command::SetScenarioUncertainty {
            scenario: index,
            sheet,
            row,
            uncertainty,
        } => {
            scenario_ref(doc, index)?;
            let all_names = all_names(doc);
            let key = series_key(
                doc,
                &all_names,
                (sheet, row, 0),
                "a scenario keeps its ranges",
            )?;
            let found = doc.scenarios[index].overrides.iter().position(|o| {
                scenario::resolve_key(&doc.sheets, &all_names, &o.metric) == Some((sheet, row))
            });
            if let Some(u) = &uncertainty {
                let base = &row_ref(doc, sheet, row)?.values;
                let own = found.map(|at| &doc.scenarios[index].overrides[at].values);
                // A typed number of the scenario's, else of the base model's.
                let typed = |i: usize| match own.and_then(|v| v.get(i)) {
                    Some(CellInput::Empty) | None => {
                        matches!(base.get(i), Some(CellInput::Number(_)))
                    }
                    Some(v) => matches!(v, CellInput::Number(_)),
                };
                let label = row_ref(doc, sheet, row)?.label.clone();
                check_range_on_inputs(u, periods, &label, typed)?;
            }
            let old = doc.scenarios[index].clone();
            let lines = &mut doc.scenarios[index].overrides;
            match (found, uncertainty) {
                (Some(at), range) => {
                    lines[at].uncertainty = range;
                    if lines[at].values.is_empty() && lines[at].uncertainty.is_none() {
                        lines.remove(at);
                    }
                }
                (None, Some(range)) => lines.push(super::document::ScenarioOverride {
                    metric: key,
                    values: Vec::new(),
                    uncertainty: Some(range),
                }),
                (None, None) => {}
            }
            Ok((
                vec![Command::ReplaceScenario {
                    index,
                    scenario: old,
                }],
                Reach::Document,
            ))
        }
        Command::SetCorrelations { correlations } => {
            for c in &correlations {
                super::uncertainty::check_correlation(c).map_err(EditError::Uncertainty)?;
            }
            let old = std::mem::replace(&mut doc.correlations, correlations);
            Ok((
                vec![Command::SetCorrelations { correlations: old }],
                Reach::Document,
            ))
        }
        Command::SetActualCell {
            sheet,
            row,
            period,
            input,
        } => {
            if !matches!(input, CellInput::Empty | CellInput::Number(_)) {
                return Err(EditError::Formula(
                    "an actual is a number: type the booked value, or clear the cell".into(),
                ));
            }
            check_input(&input)?;
            let all_names = all_names(doc);
            let key = series_key(doc, &all_names, (sheet, row, period), "actuals are kept")?;
            if doc.actuals.is_none() && input == CellInput::Empty {
                return Ok((vec![], Reach::Overlay));
            }
            let old = doc.actuals.clone();
            let sheets = std::mem::take(&mut doc.sheets);
            let booked = doc.actuals.get_or_insert_with(Box::default);
            scenario::set_series_cell(
                &mut booked.values,
                &sheets,
                &all_names,
                key,
                (sheet, row, period),
                input,
            );
            doc.sheets = sheets;
            Ok((vec![Command::SetActuals { actuals: old }], Reach::Overlay))
        }
        Command::SetActuals { actuals } => {
            if let Some(a) = &actuals {
                super::actuals::check(a, &doc.timeline).map_err(EditError::OutOfRange)?;
            }
            let old = std::mem::replace(&mut doc.actuals, actuals);
            Ok((vec![Command::SetActuals { actuals: old }], Reach::Overlay))
        }
        Command::SetPlans { plans } => {
            let old = std::mem::replace(&mut doc.plans, plans);
            Ok((vec![Command::SetPlans { plans: old }], Reach::Document))
        }
        Command::SetLocale { locale } => {
            super::locale::number_locale(&locale).map_err(EditError::OutOfRange)?;
            let old = std::mem::replace(&mut doc.locale, locale.trim().to_string());
            Ok((vec![Command::SetLocale { locale: old }], Reach::Structure))
        }
        Command::SetTargets { targets } => {
            for t in &targets {
                super::targets::check(t, &doc.timeline).map_err(EditError::OutOfRange)?;
            }
            let old = std::mem::replace(&mut doc.targets, targets);
            Ok((vec![Command::SetTargets { targets: old }], Reach::Document))
        }
        Command::SetFunnels { funnels } => {
            let old = std::mem::replace(&mut doc.funnels, funnels);
            Ok((vec![Command::SetFunnels { funnels: old }], Reach::Document))
        }
        Command::SetInvestorView { view } => {
            let old = std::mem::replace(&mut doc.investor, view);
            Ok((
                vec![Command::SetInvestorView { view: old }],
                Reach::Document,
            ))
        }
    }
}

/// Where a formula binds a `LET` name spelled like one of `names` (`sheet
/// `Model`, row 12`), if any: a rename there could turn a metric into the
/// LET name or the other way round.
fn let_name_clash(doc: &WorkbookFile, names: &[&str]) -> Option<String> {
    let binds = |text: &str| {
        names.iter().any(|n| names::mentions(text, n))
            && names::mentions(text, "LET")
            && crate::formula::parse(text).is_ok_and(|expr| {
                crate::formula::let_names(&expr)
                    .iter()
                    .any(|bound| names.iter().any(|n| n.eq_ignore_ascii_case(bound)))
            })
    };
    for sheet in &doc.sheets {
        for (r, row) in sheet.rows.iter().enumerate() {
            let cells = row.values.iter().filter_map(|v| match v {
                CellInput::Formula(f) => Some(f.as_str()),
                _ => None,
            });
            if std::iter::once(row.formula.as_str())
                .chain(cells)
                .any(binds)
            {
                return Some(format!("sheet `{}`, row {}", sheet.name, r + 1));
            }
        }
    }
    None
}

/// Each sheet's row names, as formulas see them.
/// The key a period cell's row is kept under in a keyed series (scenario
/// overrides, actuals); an error if the cell is off the timeline or the
/// row has no metric name (`kept` says what is kept by name).
fn series_key(
    doc: &WorkbookFile,
    names: &[Vec<String>],
    (sheet, row, period): (u32, u32, u32),
    kept: &str,
) -> Result<String, EditError> {
    let periods = doc.timeline.periods;
    if period >= periods {
        return Err(EditError::OutOfRange(format!(
            "period {} is outside the timeline ({periods} periods)",
            period + 1
        )));
    }
    row_ref(doc, sheet, row)?;
    scenario::key_for(doc, names, sheet, row).ok_or_else(|| {
        EditError::Name(format!(
            "row {} has no metric name; {kept} by metric name",
            row + 1
        ))
    })
}

/// What is kept by metric name (scenario overrides, correlations, actuals,
/// plans), before a rename or a deletion rewrites the names.
struct Keyed {
    scenarios: Vec<Scenario>,
    correlations: Vec<Correlation>,
    actuals: Option<Box<Actuals>>,
    plans: Vec<Plan>,
    targets: Vec<Target>,
}

impl Keyed {
    /// True if anything is keyed by metric name.
    fn is_some(&self) -> bool {
        !self.scenarios.is_empty()
            || !self.correlations.is_empty()
            || self.actuals.is_some()
            || !self.plans.is_empty()
            || !self.targets.is_empty()
    }

    fn of(doc: &WorkbookFile) -> Keyed {
        Keyed {
            scenarios: doc.scenarios.clone(),
            correlations: doc.correlations.clone(),
            actuals: doc.actuals.clone(),
            plans: doc.plans.clone(),
            targets: doc.targets.clone(),
        }
    }

    /// Commands that set everything keyed back to what it is now.
    fn restore_all(self) -> Vec<Command> {
        let mut undo = Vec::new();
        if !self.scenarios.is_empty() {
            undo.push(Command::ReplaceScenarios {
                scenarios: self.scenarios,
            });
        }
        if !self.correlations.is_empty() {
            undo.push(Command::SetCorrelations {
                correlations: self.correlations,
            });
        }
        if self.actuals.is_some() {
            undo.push(Command::SetActuals {
                actuals: self.actuals,
            });
        }
        if !self.plans.is_empty() {
            undo.push(Command::SetPlans { plans: self.plans });
        }
        if !self.targets.is_empty() {
            undo.push(Command::SetTargets {
                targets: self.targets,
            });
        }
        undo
    }

    /// The commands that put back what changed since.
    fn restore(self, doc: &WorkbookFile) -> Vec<Command> {
        let mut undo = Vec::new();
        if doc.scenarios != self.scenarios {
            undo.push(Command::ReplaceScenarios {
                scenarios: self.scenarios,
            });
        }
        if doc.correlations != self.correlations {
            undo.push(Command::SetCorrelations {
                correlations: self.correlations,
            });
        }
        if doc.actuals != self.actuals {
            undo.push(Command::SetActuals {
                actuals: self.actuals,
            });
        }
        if doc.plans != self.plans {
            undo.push(Command::SetPlans { plans: self.plans });
        }
        if doc.targets != self.targets {
            undo.push(Command::SetTargets {
                targets: self.targets,
            });
        }
        undo
    }
}

fn all_names(doc: &WorkbookFile) -> Vec<Vec<String>> {
    doc.sheets
        .iter()
        .map(|s| names::resolve(&s.rows).0)
        .collect()
}

fn scenario_ref(doc: &WorkbookFile, index: usize) -> Result<&Scenario, EditError> {
    doc.scenarios.get(index).ok_or_else(|| {
        EditError::OutOfRange(format!(
            "no scenario number {} (there are {})",
            index + 1,
            doc.scenarios.len()
        ))
    })
}

/// Checks a scenario name: non-empty, not `base`, unique (ignoring the
/// scenario at `except`).
fn check_scenario_name(
    doc: &WorkbookFile,
    name: &str,
    except: Option<usize>,
) -> Result<(), EditError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(EditError::Name("a scenario needs a name".into()));
    }
    if name.eq_ignore_ascii_case(scenario::BASE) {
        return Err(EditError::Name(format!(
            "`{name}` is the model without overrides; pick another scenario name"
        )));
    }
    if doc
        .scenarios
        .iter()
        .enumerate()
        .any(|(i, s)| Some(i) != except && s.name.trim().eq_ignore_ascii_case(name))
    {
        return Err(EditError::Name(format!(
            "there is already a scenario named `{name}`"
        )));
    }
    Ok(())
}

/// Sets one cell of grid sheet `sheet`, growing the sheet when the cell is
/// beyond its rows or used width (then the engine is rebuilt).
fn set_grid_cell(
    doc: &mut WorkbookFile,
    sheet: u32,
    row: u32,
    col: u32,
    input: CellInput,
) -> Result<(Vec<Command>, Reach), EditError> {
    use super::io::{MAX_GRID_COLS, MAX_GRID_ROWS};
    if row >= MAX_GRID_ROWS || col >= MAX_GRID_COLS {
        return Err(EditError::OutOfRange(format!(
            "a sheet has at most {MAX_GRID_ROWS} rows and {MAX_GRID_COLS} columns"
        )));
    }
    check_input(&input)?;
    let target = sheet_mut(doc, sheet)?;
    let width = target
        .rows
        .iter()
        .map(|r| r.values.len() as u32)
        .max()
        .unwrap_or(0)
        .max(1);
    let grows = row as usize >= target.rows.len() || col >= width;
    if grows {
        if matches!(input, CellInput::Empty) {
            // Clearing a cell outside the sheet changes nothing.
            return Ok((Vec::new(), Reach::Structure));
        }
        let before = target.rows.clone();
        if target.rows.len() <= row as usize {
            target.rows.resize(row as usize + 1, RowFile::default());
        }
        let cells = &mut target.rows[row as usize].values;
        cells.resize(col as usize + 1, CellInput::Empty);
        cells[col as usize] = input;
        return Ok((
            vec![Command::ReplaceRows {
                sheet,
                rows: before,
            }],
            Reach::Structure,
        ));
    }
    let cells = &mut target.rows[row as usize].values;
    let index = col as usize;
    if cells.len() <= index {
        cells.resize(index + 1, CellInput::Empty);
    }
    let old = std::mem::replace(&mut cells[index], input);
    while cells.last() == Some(&CellInput::Empty) {
        cells.pop();
    }
    Ok((
        vec![Command::SetCellAt {
            sheet,
            row,
            col,
            input: old,
        }],
        Reach::GridCell { sheet, row, col },
    ))
}

/// Refuses period and row-formula commands on a grid sheet.
fn not_grid(doc: &WorkbookFile, sheet: u32) -> Result<(), EditError> {
    if sheet_ref(doc, sheet)?.layout == Layout::Grid {
        return Err(EditError::OutOfRange(
            "this sheet is a grid without periods or row formulas; set its cells by column".into(),
        ));
    }
    Ok(())
}

/// The entry with its date and area trimmed, if its date is a real
/// `YYYY-MM-DD` day.
fn checked_entry(mut entry: ChangelogEntry) -> Result<ChangelogEntry, EditError> {
    entry.date = entry.date.trim().to_string();
    entry.area = entry.area.trim().to_string();
    if !valid_date(&entry.date) {
        return Err(EditError::Date(format!(
            "the date `{}` is not a day like 2026-03-15 (YYYY-MM-DD)",
            entry.date
        )));
    }
    entry.metrics.retain(|m| !m.trim().is_empty());
    Ok(entry)
}

fn no_entry(index: u32, len: usize) -> EditError {
    EditError::OutOfRange(format!(
        "there is no changelog entry {} (the changelog has {len})",
        index + 1
    ))
}

/// Checks a range, and that it sits on typed numbers of the row
/// (`typed(period)`): its one period's, or at least one.
fn check_range_on_inputs(
    u: &Uncertainty,
    periods: u32,
    label: &str,
    typed: impl Fn(usize) -> bool,
) -> Result<(), EditError> {
    super::uncertainty::check(u, periods).map_err(EditError::Uncertainty)?;
    match u.period {
        Some(p) if !typed(p as usize - 1) => Err(EditError::Uncertainty(format!(
            "a range goes on a typed number, and period {p} of `{label}` holds none"
        ))),
        None if !(0..periods as usize).any(typed) => Err(EditError::Uncertainty(format!(
            "a range goes on an input, and `{label}` has no typed number (it is computed)"
        ))),
        _ => Ok(()),
    }
}

/// True if `text` is a real calendar day written `YYYY-MM-DD`.
pub fn valid_date(text: &str) -> bool {
    let Some((month_text, day)) = text.rsplit_once('-') else {
        return false;
    };
    let Some((year, month)) = super::timeline::parse_month(month_text) else {
        return false;
    };
    if day.len() != 2 || !day.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let day: u32 = day.parse().unwrap_or(0);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days).contains(&day)
}

/// Where row `r` ends up when `count` rows at `from` move to start at `to`.
pub fn moved_row(r: u32, from: u32, count: u32, to: u32) -> u32 {
    if (from..from + count).contains(&r) {
        return r - from + to;
    }
    // Take the block out, then put it back at `to`.
    let without = if r >= from + count { r - count } else { r };
    if without >= to {
        without + count
    } else {
        without
    }
}

/// The name formulas use for a row: explicit, or derived from the label.
pub fn effective_name(row: &RowFile) -> String {
    if !row.section.is_empty() {
        String::new()
    } else if row.name.is_empty() {
        names::derive_name(&row.label)
    } else {
        row.name.clone()
    }
}

fn check_input(input: &CellInput) -> Result<(), EditError> {
    match input {
        CellInput::Formula(f) => check_formula(f),
        CellInput::Number(n) if !n.is_finite() => {
            Err(EditError::Formula(format!("{n} is not a finite number")))
        }
        _ => Ok(()),
    }
}

fn check_formula(text: &str) -> Result<(), EditError> {
    crate::formula::parse(text)
        .map(|_| ())
        .map_err(|e| EditError::Formula(e.to_string()))
}

fn sheet_ref(doc: &WorkbookFile, sheet: u32) -> Result<&super::document::SheetFile, EditError> {
    doc.sheets
        .get(sheet as usize)
        .ok_or_else(|| EditError::OutOfRange(format!("no sheet number {}", sheet + 1)))
}

fn sheet_mut(
    doc: &mut WorkbookFile,
    sheet: u32,
) -> Result<&mut super::document::SheetFile, EditError> {
    doc.sheets
        .get_mut(sheet as usize)
        .ok_or_else(|| EditError::OutOfRange(format!("no sheet number {}", sheet + 1)))
}

fn row_ref(doc: &WorkbookFile, sheet: u32, row: u32) -> Result<&RowFile, EditError> {
    sheet_ref(doc, sheet)?
        .rows
        .get(row as usize)
        .ok_or_else(|| EditError::OutOfRange(format!("no row {}", row + 1)))
}

fn row_mut(doc: &mut WorkbookFile, sheet: u32, row: u32) -> Result<&mut RowFile, EditError> {
    sheet_mut(doc, sheet)?
        .rows
        .get_mut(row as usize)
        .ok_or_else(|| EditError::OutOfRange(format!("no row {}", row + 1)))
}

/// Rewrites every formula in the workbook with `f(text, sheet name)`, which
/// returns `Some(new text)` when something changed. Defined names' targets
/// (which always name their sheet) are rewritten too. Returns commands
/// that set back each formula it changed (and the names, if it changed one).
fn rewrite_formulas_recorded(
    doc: &mut WorkbookFile,
    f: impl Fn(&str, &str) -> Option<String>,
) -> Vec<Command> {
    let mut undo = Vec::new();
    let names_before = doc.names.clone();
    for name in &mut doc.names {
        if let Some(new) = f(&name.refers_to, "") {
            name.refers_to = new;
        }
    }
    if doc.names != names_before {
        undo.push(Command::SetNames {
            names: names_before,
        });
    }
    for (s, sheet) in doc.sheets.iter_mut().enumerate() {
        let s = s as u32;
        let grid = sheet.layout == Layout::Grid;
        for (r, row) in sheet.rows.iter_mut().enumerate() {
            let r = r as u32;
            if !row.formula.is_empty()
                && let Some(new) = f(&row.formula, &sheet.name)
            {
                undo.push(Command::SetRowFormula {
                    sheet: s,
                    row: r,
                    formula: std::mem::replace(&mut row.formula, new),
                });
            }
            for (i, cell) in row.values.iter_mut().enumerate() {
                if let CellInput::Formula(text) = cell
                    && let Some(new) = f(text, &sheet.name)
                {
                    let input = CellInput::Formula(std::mem::replace(text, new));
                    let i = i as u32;
                    undo.push(if grid {
                        Command::SetCellAt {
                            sheet: s,
                            row: r,
                            col: i,
                            input,
                        }
                    } else {
                        Command::SetCell {
                            sheet: s,
                            row: r,
                            period: i,
                            input,
                        }
                    });
                }
            }
        }
    }
    undo
}

/// Where the formulas that `texts` (commands setting back rewritten
/// formulas) name stand, as reaches, with rows of `sheet` renumbered by
/// `row`.
fn sites_of(texts: &[Command], sheet: u32, row: impl Fn(u32) -> u32) -> Vec<Reach> {
    let at = |s: u32, r: u32| if s == sheet { row(r) } else { r };
    texts
        .iter()
        .filter_map(|command| match *command {
            Command::SetRowFormula { sheet: s, row, .. } => Some(Reach::RowFormula {
                sheet: s,
                row: at(s, row),
            }),
            Command::SetCell {
                sheet: s,
                row,
                period,
                ..
            } => Some(Reach::Cell {
                sheet: s,
                row: at(s, row),
                period,
            }),
            Command::SetCellAt {
                sheet: s, row, col, ..
            } => Some(Reach::GridCell {
                sheet: s,
                row: at(s, row),
                col,
            }),
            _ => None,
        })
        .collect()
}

/// Rewrites the A1 references of every formula for rows inserted or
/// deleted on sheet `sheet_name`; returns commands setting back the
/// formulas it changed. Formulas that name no row by number (metric
/// formulas) are not even parsed.
fn rewrite_rows(doc: &mut WorkbookFile, sheet_name: &str, change: Structural) -> Vec<Command> {
    rewrite_formulas_recorded(doc, |text, formula_sheet| {
        rewrite::may_name_rows(text)
            .then(|| rewrite::apply_structural(text, formula_sheet, sheet_name, change))
            .flatten()
    })
}

/// What a row change reaches: the change, the formulas it rewrote (where
/// they stand now) and the defined names whose target `undo` sets back.
fn rows_reach(
    doc: &WorkbookFile,
    undo: &[Command],
    change: RowChange,
    rewritten: Vec<Reach>,
) -> Reach {
    Reach::Rows {
        change,
        rewritten,
        names: renamed_targets(doc, undo),
    }
}

/// The defined names whose target differs from the one `undo` sets back.
fn renamed_targets(doc: &WorkbookFile, undo: &[Command]) -> Vec<String> {
    let Some(old) = undo.iter().find_map(|command| match command {
        Command::SetNames { names } => Some(names),
        _ => None,
    }) else {
        return Vec::new();
    };
    doc.names
        .iter()
        .filter(|name| !old.contains(name))
        .map(|name| name.name.clone())
        .collect()
}

/// `texts` (commands setting back rewritten formulas) with the rows of
/// `sheet` renumbered by `row`.
fn moved_sites(texts: Vec<Command>, sheet: u32, row: impl Fn(u32) -> u32) -> Vec<Command> {
    texts
        .into_iter()
        .map(|mut command| {
            match &mut command {
                Command::SetRowFormula {
                    sheet: s, row: r, ..
                }
                | Command::SetCell {
                    sheet: s, row: r, ..
                }
                | Command::SetCellAt {
                    sheet: s, row: r, ..
                } if *s == sheet => {
                    *r = row(*r);
                }
                _ => {}
            }
            command
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_days() {
        for good in ["2026-03-15", "2024-02-29", "2026-12-31"] {
            assert!(valid_date(good), "{good}");
        }
        for bad in [
            "2026-3-15",
            "2026-02-29",
            "2026-13-01",
            "2026-04-31",
            "",
            "15.03.2026",
        ] {
            assert!(!valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn row_counts_past_u32_are_refused_not_wrapped() {
        let mut doc = crate::model::generate::founder_model(6, 3, 1);
        let huge = [
            Command::DeleteRows {
                sheet: 0,
                at: 2,
                count: u32::MAX,
            },
            Command::MoveRows {
                sheet: 0,
                from: 2,
                count: u32::MAX,
                to: 0,
            },
        ];
        for command in huge {
            assert!(matches!(
                apply(&mut doc, command),
                Err(EditError::OutOfRange(_))
            ));
        }
        assert_eq!(doc.sheets[0].rows.len(), 6);
    }

    #[test]
    fn moving_a_block_down_and_up() {
        // Rows 0..5; move rows 1–2 to start at 3: order becomes 0,3,4,1,2.
        let new: Vec<u32> = (0..5).map(|r| moved_row(r, 1, 2, 3)).collect();
        assert_eq!(new, vec![0, 3, 4, 1, 2]);
        // Move row 3 up to 0: order 3,0,1,2,4.
        let new: Vec<u32> = (0..5).map(|r| moved_row(r, 3, 1, 0)).collect();
        assert_eq!(new, vec![1, 2, 3, 0, 4]);
    }
}
