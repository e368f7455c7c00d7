//! The document and the only way to change it.
//!
//! A [`Workbook`] owns the file's content ([`document::WorkbookFile`]), the
//! calculation [`Engine`] built from it, and the undo history. Every change is
//! an [`Edit`] (a list of [`Command`]s): applying it updates the document,
//! recalculates what it reaches and returns the [`Ripple`]; its inverse is
//! kept for undo.

pub mod actuals;
pub mod benchmark;
pub mod changelog;
pub mod command;
pub mod data_table;
pub mod diff;
pub mod display;
pub mod document;
pub mod funnel;
pub mod generate;
pub mod goal_seek;
pub mod input_ref;
pub mod interop;
pub mod io;
pub mod locale;
pub mod names;
pub mod ripple;
pub mod rollup;
pub mod scenario;
pub mod simulate;
pub mod targets;
pub mod templates;
pub mod timeline;
pub mod uncertainty;
pub mod variance;
pub mod waterfall;
pub mod what_if;

use std::path::Path;

pub use command::{Command, EditError};
pub use document::{
    CellInput, Correlation, DefinedName, Distribution, Format, Layout, RowFile, Scenario,
    ScenarioOverride, Uncertainty, WorkbookFile,
};
pub use io::FileError;
pub use ripple::Ripple;

/// Values and column names as the model's readers (UI, CLI) see them.
pub use crate::engine::{CellError, Value, column_letters};

/// Why `text` is not a valid formula (with the column), if it is not.
pub fn formula_error(text: &str) -> Option<String> {
    crate::formula::parse(text).err().map(|e| e.to_string())
}

/// A formula as it reads when copied `rows` down and `cols` right: relative
/// A1 references move, `$`-fixed parts and metric names stay (a reference
/// pushed off the sheet becomes `#REF!`).
pub fn shift_formula(text: &str, rows: i64, cols: i64) -> String {
    crate::formula::rewrite::shift_relative(text, rows, cols).unwrap_or_else(|| text.to_string())
}

/// The names of every spreadsheet function Lever knows, for completions:
/// the function table's, and `LET` (which the compiler handles itself).
pub fn function_names() -> impl Iterator<Item = &'static str> {
    crate::engine::functions::FUNCTIONS
        .iter()
        .map(|f| f.name)
        .chain(["LET"])
}

use crate::engine::{self, CellAddr, Engine, Input, Periods, SheetSpec};
use command::Reach;

/// Column of the row labels.
pub const LABEL_COL: u32 = 0;
/// Column of the units.
pub const UNIT_COL: u32 = 1;
/// Column of the first period.
pub const FIRST_PERIOD_COL: u32 = 2;

/// One undoable step: the commands applied together.
pub type Edit = Vec<Command>;

/// A new state id, never handed out before in this process.
fn next_serial() -> u64 {
    static SERIALS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    SERIALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A workbook open for editing.
#[derive(Debug)]
pub struct Workbook {
    doc: WorkbookFile,
    engine: Engine,
    names: Vec<Vec<String>>,
    /// Per sheet: (row, col) → index into its `excel_formats`.
    kept_formats: Vec<std::collections::HashMap<(u32, u32), usize>>,
    undo: Vec<(Edit, u64)>,
    redo: Vec<(Edit, u64)>,
    /// The state id of the document as opened (see [`Workbook::state_id`]).
    opened: u64,
    active: Option<usize>,
    /// Whether booked actuals replace the model's values up to the closed
    /// period (view state, on by default).
    actuals_shown: bool,
}

impl Workbook {
    /// Builds a workbook from its document and computes every cell.
    pub fn new(doc: WorkbookFile) -> Workbook {
        let (engine, names) = build_engine(&doc);
        let kept_formats = index_kept_formats(&doc);
        let mut workbook = Workbook {
            doc,
            engine,
            names,
            kept_formats,
            undo: Vec::new(),
            redo: Vec::new(),
            opened: next_serial(),
            active: None,
            actuals_shown: true,
        };
        // A workbook opens with its closed periods showing their actuals.
        let actual_cells = workbook.actual_cells();
        if !actual_cells.is_empty() {
            workbook.recalculate_cells(actual_cells);
        }
        workbook
    }

    /// Reads and computes a workbook file.
    pub fn load(path: &Path) -> Result<Workbook, FileError> {
        io::load(path).map(Workbook::new)
    }

    /// Opens a model or an Excel workbook, by the file's extension: a
    /// `.xlsx`/`.xlsm` file is imported (with the report of what could not
    /// be represented), anything else is read as a `.ron` model. An imported
    /// workbook has no `.ron` file yet: save it under a new name.
    pub fn open_any(path: &Path) -> Result<(Workbook, Option<interop::ImportReport>), FileError> {
        Workbook::open_any_with_progress(path, &mut |_| {})
    }

    /// [`Workbook::open_any`], reporting an import's progress.
    pub fn open_any_with_progress(
        path: &Path,
        progress: &mut dyn FnMut(interop::Progress),
    ) -> Result<(Workbook, Option<interop::ImportReport>), FileError> {
        if interop::is_xlsx_path(path) {
            let (doc, mut report) = interop::import_xlsx_with_progress(path, progress)?;
            let workbook = Workbook::new(doc);
            let cached = std::mem::take(&mut report.cached);
            report.cross_check = Some(interop::cross_check(&workbook, &cached));
            Ok((workbook, Some(report)))
        } else {
            Workbook::load(path).map(|w| (w, None))
        }
    }

    /// Parses and computes workbook text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Workbook, FileError> {
        io::parse(text, origin).map(Workbook::new)
    }

    /// Saves atomically to `path`.
    pub fn save(&self, path: &Path) -> Result<(), FileError> {
        io::save(&self.doc, path)
    }

    /// The canonical file text.
    pub fn to_text(&self) -> String {
        io::to_text(&self.doc)
    }

    /// The document.
    pub fn document(&self) -> &WorkbookFile {
        &self.doc
    }

    /// Number of periods.
    pub fn periods(&self) -> u32 {
        self.doc.timeline.periods
    }

    /// Column headers of the periods, e.g. `Jan 2026`.
    pub fn period_labels(&self) -> Vec<String> {
        timeline::period_labels(&self.doc.timeline)
    }

    /// Sheet index by name (case-insensitive).
    pub fn sheet_index(&self, name: &str) -> Option<u32> {
        self.doc
            .sheets
            .iter()
            .position(|s| s.name.to_lowercase() == name.to_lowercase())
            .map(|i| i as u32)
    }

    /// How a sheet lays out its rows: Lever's metric layout or a plain grid
    /// (an imported Excel worksheet). [`Layout::Metrics`] for an unknown sheet.
    pub fn layout(&self, sheet: u32) -> Layout {
        self.doc
            .sheets
            .get(sheet as usize)
            .map_or(Layout::Metrics, |s| s.layout)
    }

    /// (rows, columns) of a sheet's grid as computed: for a metric sheet
    /// its rows × (label, unit, periods); for a grid sheet its rows × used
    /// width (at least 1).
    pub fn grid_size(&self, sheet: u32) -> (u32, u32) {
        self.engine.sheet_size(sheet)
    }

    /// The computed value of any grid cell, addressed by column (`A` is 0)
    /// on either layout; empty outside the sheet. On a metric sheet column A
    /// holds the label (or section title) and column B the unit.
    pub fn cell_value(&self, sheet: u32, row: u32, col: u32) -> &Value {
        self.engine.value(CellAddr::new(sheet, row, col))
    }

    /// What the cell at (`row`, `col`) holds as typed, on either layout: on
    /// a metric sheet column A is the label (or section title), B the unit,
    /// C onwards the period inputs (empty where the row formula applies).
    pub fn cell_input(&self, sheet: u32, row: u32, col: u32) -> CellInput {
        let Some(info) = self.rows(sheet).get(row as usize) else {
            return CellInput::Empty;
        };
        match self.layout(sheet) {
            Layout::Grid => info
                .values
                .get(col as usize)
                .cloned()
                .unwrap_or(CellInput::Empty),
            Layout::Metrics => {
                let text = |t: &str| {
                    if t.is_empty() {
                        CellInput::Empty
                    } else {
                        CellInput::Text(t.to_string())
                    }
                };
                match col {
                    LABEL_COL if !info.section.is_empty() => text(&info.section),
                    LABEL_COL => text(&info.label),
                    UNIT_COL => text(&info.unit),
                    _ => self.input(sheet, row, col - FIRST_PERIOD_COL).clone(),
                }
            }
        }
    }

    /// True if the cell at (`row`, `col`) is computed by a formula (its own
    /// or, on a metric sheet, its row's).
    pub fn cell_is_formula(&self, sheet: u32, row: u32, col: u32) -> bool {
        self.engine.is_formula(CellAddr::new(sheet, row, col))
    }

    /// The Excel number format code kept for a grid cell at import when
    /// Lever has no equivalent or it differs from the row's format (see
    /// [`document::SheetFile::excel_formats`]). Lever shows such a cell in
    /// its row's format.
    pub fn excel_format(&self, sheet: u32, row: u32, col: u32) -> Option<&str> {
        let index = *self.kept_formats.get(sheet as usize)?.get(&(row, col))?;
        self.doc
            .sheets
            .get(sheet as usize)?
            .excel_formats
            .get(index)
            .map(|(_, code)| code.as_str())
    }

    /// Every cell holding an error on any sheet, by column:
    /// (sheet, row, col, error).
    pub fn cell_errors(&self) -> Vec<(u32, u32, u32, engine::CellError)> {
        let mut out = Vec::new();
        for sheet in 0..self.doc.sheets.len() as u32 {
            let (rows, _) = self.grid_size(sheet);
            for row in 0..rows {
                for (col, value) in self.engine.row_values(sheet, row).iter().enumerate() {
                    if let Value::Error(e) = value {
                        out.push((sheet, row, col as u32, e.clone()));
                    }
                }
            }
        }
        out
    }

    /// The rows of a sheet.
    pub fn rows(&self, sheet: u32) -> &[RowFile] {
        self.doc
            .sheets
            .get(sheet as usize)
            .map_or(&[], |s| s.rows.as_slice())
    }

    /// The name formulas use for a row (empty if it has none).
    pub fn metric_name(&self, sheet: u32, row: u32) -> &str {
        self.names
            .get(sheet as usize)
            .and_then(|n| n.get(row as usize))
            .map_or("", String::as_str)
    }

    /// Finds a metric by `name` or `Sheet!name` (case-insensitive); a bare
    /// name is looked up on every sheet in order.
    pub fn find_metric(&self, name: &str) -> Option<(u32, u32)> {
        let (sheets, name): (Vec<u32>, &str) = match name.split_once('!') {
            Some((sheet, name)) => (vec![self.sheet_index(sheet.trim_matches('\''))?], name),
            None => ((0..self.doc.sheets.len() as u32).collect(), name),
        };
        let wanted = name.trim().to_lowercase();
        sheets.into_iter().find_map(|sheet| {
            self.names
                .get(sheet as usize)?
                .iter()
                .position(|n| n.to_lowercase() == wanted)
                .map(|row| (sheet, row as u32))
        })
    }

    /// The computed value of a period cell.
    pub fn value(&self, sheet: u32, row: u32, period: u32) -> &Value {
        self.engine
            .value(CellAddr::new(sheet, row, FIRST_PERIOD_COL + period))
    }

    /// The computed values of a row's periods.
    pub fn row_values(&self, sheet: u32, row: u32) -> &[Value] {
        let all = self.engine.row_values(sheet, row);
        all.get(FIRST_PERIOD_COL as usize..).unwrap_or(&[])
    }

    /// What the user typed into a period cell (empty if it follows the row formula).
    pub fn input(&self, sheet: u32, row: u32, period: u32) -> &CellInput {
        static EMPTY: CellInput = CellInput::Empty;
        self.rows(sheet)
            .get(row as usize)
            .and_then(|r| r.values.get(period as usize))
            .unwrap_or(&EMPTY)
    }

    /// The scenarios in the file, in order.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.doc.scenarios
    }

    /// The scenario whose inputs the values show; `None` = the base model.
    pub fn active_scenario(&self) -> Option<usize> {
        self.active
    }

    /// Shows the scenario `index` (`None` = the base model): every cell the
    /// old or new scenario overrides gets its new input (base, with the
    /// scenario's overrides on top) and what that reaches is recalculated;
    /// returns the ripple. This is view state: it is not an undo step, does
    /// not change the document (or [`Workbook::state_id`]) and is not saved
    /// in the file; a workbook opens on the base model.
    ///
    /// While a scenario is active, [`Workbook::apply`] sends a
    /// [`Command::SetCell`] on an input cell (one not computed by a formula)
    /// to that scenario as a [`Command::SetScenarioCell`]; other edits change
    /// the base model, under the scenario's overrides.
    pub fn set_active_scenario(&mut self, index: Option<usize>) -> Result<Ripple, EditError> {
        if let Some(i) = index
            && i >= self.doc.scenarios.len()
        {
            return Err(EditError::OutOfRange(format!(
                "no scenario number {} (there are {})",
                i + 1,
                self.doc.scenarios.len()
            )));
        }
        if index == self.active {
            return Ok(Ripple::default());
        }
        let mut cells = self.scenario_cells(self.active);
        self.active = index;
        cells.extend(self.scenario_cells(index));
        Ok(self.recalculate_cells(cells))
    }

    /// The active scenario's own input for a period cell, if it overrides it.
    pub fn scenario_input(&self, sheet: u32, row: u32, period: u32) -> Option<&CellInput> {
        let scenario = self.doc.scenarios.get(self.active?)?;
        let cell = (sheet, row, period);
        scenario::series_input(&scenario.overrides, &self.doc.sheets, &self.names, cell)
    }

    /// What the engine computes a period cell from: the booked actual if
    /// the cell shows one ([`Workbook::actual_input`]), else the active
    /// scenario's override if it has one, else [`Workbook::input`] (the base
    /// model's).
    pub fn effective_input(&self, sheet: u32, row: u32, period: u32) -> &CellInput {
        self.actual_input(sheet, row, period)
            .or_else(|| self.scenario_input(sheet, row, period))
            .unwrap_or_else(|| self.input(sheet, row, period))
    }

    /// The booked actual a period cell shows: while actuals are shown, the
    /// metric's actual for a period up to the last closed one.
    pub fn actual_input(&self, sheet: u32, row: u32, period: u32) -> Option<&CellInput> {
        if !self.actuals_shown || period > actuals::closed_period(&self.doc)? {
            return None;
        }
        self.booked_actual(sheet, row, period)
    }

    /// The actual booked for a period cell, closed or not, shown or not.
    pub fn booked_actual(&self, sheet: u32, row: u32, period: u32) -> Option<&CellInput> {
        let booked = self.doc.actuals.as_deref()?;
        let cell = (sheet, row, period);
        scenario::series_input(&booked.values, &self.doc.sheets, &self.names, cell)
    }

    /// Every sheet's metric names, row by row (empty for rows without one).
    pub(crate) fn metric_names(&self) -> &[Vec<String>] {
        &self.names
    }

    /// Sets period cells' inputs in the engine only, outside the document
    /// and the history, and recalculates what they reach: for comparisons
    /// that walk from one state of the inputs to another. Put the cells
    /// back with [`Workbook::restore_cells`].
    pub(crate) fn substitute(&mut self, cells: &[((u32, u32, u32), CellInput)]) {
        let edits: Vec<engine::Edit> = cells
            .iter()
            .map(|&((sheet, row, period), ref input)| {
                engine::Edit::Cell(
                    CellAddr::new(sheet, row, FIRST_PERIOD_COL + period),
                    engine_input(input),
                )
            })
            .collect();
        if !edits.is_empty() {
            self.engine.apply(&edits);
        }
    }

    /// Gives the engine the effective input of each cell again, after
    /// [`Workbook::substitute`].
    pub(crate) fn restore_cells(&mut self, cells: Vec<(u32, u32, u32)>) {
        self.recalculate_cells(cells);
    }

    /// True if the period cell shows a booked actual.
    pub fn is_actual(&self, sheet: u32, row: u32, period: u32) -> bool {
        self.actual_input(sheet, row, period).is_some()
    }

    /// Whether booked actuals replace the model's values up to the closed
    /// period (the default).
    pub fn actuals_shown(&self) -> bool {
        self.actuals_shown
    }

    /// Shows the actuals up to the closed period (`true`, the default) or
    /// the plan alone (`false`): the cells with actuals get their new input
    /// and what they reach is recalculated. View state, as
    /// [`Workbook::set_active_scenario`] is: not an undo step, not saved.
    pub fn set_actuals_shown(&mut self, shown: bool) -> Ripple {
        if shown == self.actuals_shown {
            return Ripple::default();
        }
        // The cells that show an actual while shown, found before hiding.
        self.actuals_shown = true;
        let cells = self.actual_cells();
        self.actuals_shown = shown;
        self.recalculate_cells(cells)
    }

    /// True if the period cell is computed by a formula (its own or its row's).
    pub fn is_formula(&self, sheet: u32, row: u32, period: u32) -> bool {
        self.engine
            .is_formula(CellAddr::new(sheet, row, FIRST_PERIOD_COL + period))
    }

    /// A metric row's range as shown: the active scenario's own range for
    /// it, else the row's.
    pub fn range(&self, sheet: u32, row: u32) -> Option<&Uncertainty> {
        let own = self.rows(sheet).get(row as usize)?.uncertainty.as_deref();
        let Some(scenario) = self.active.and_then(|i| self.doc.scenarios.get(i)) else {
            return own;
        };
        // Only lines with a range are resolved (this runs for every cell
        // the grid paints).
        scenario
            .overrides
            .iter()
            .filter(|o| o.uncertainty.is_some())
            .find(|o| {
                scenario::resolve_key(&self.doc.sheets, &self.names, &o.metric)
                    == Some((sheet, row))
            })
            .and_then(|o| o.uncertainty.as_deref())
            .or(own)
    }

    /// The number typed into a period cell under the scenario shown (its
    /// override, else the base model's), actuals aside.
    pub fn planned_number(&self, sheet: u32, row: u32, period: u32) -> Option<f64> {
        match self
            .scenario_input(sheet, row, period)
            .unwrap_or_else(|| self.input(sheet, row, period))
        {
            CellInput::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The period cell where the row's range (as shown) is typed and
    /// marked: its one period, or the first typed number.
    pub fn range_carrier(&self, sheet: u32, row: u32) -> Option<u32> {
        let u = self.range(sheet, row)?;
        match u.period {
            Some(p) => Some(p - 1),
            None => (0..self.periods()).find(|&p| self.planned_number(sheet, row, p).is_some()),
        }
    }

    /// True if the row's range (as shown) sets period cell `period` in a
    /// simulation: its one period, every period of a row drawn per period,
    /// or every typed number of a row moving together.
    pub fn range_covers(&self, sheet: u32, row: u32, period: u32) -> bool {
        match self.range(sheet, row) {
            None => false,
            Some(Uncertainty {
                period: Some(p), ..
            }) => *p == period + 1,
            Some(Uncertainty {
                per_period: true, ..
            }) => true,
            Some(_) => self.planned_number(sheet, row, period).is_some(),
        }
    }

    /// True if a value or formula of the cell's own overrides its row formula.
    pub fn is_override(&self, sheet: u32, row: u32, period: u32) -> bool {
        self.rows(sheet)
            .get(row as usize)
            .is_some_and(|r| !r.formula.is_empty())
            && !matches!(self.input(sheet, row, period), CellInput::Empty)
    }

    /// True if the period cell's value is what really happened: a booked
    /// actual, or a formula whose every period cell it reads is one (a
    /// conversion computed from booked counts).
    pub fn is_measured(&self, sheet: u32, row: u32, period: u32) -> bool {
        if self.is_actual(sheet, row, period) {
            return true;
        }
        if !self.is_formula(sheet, row, period) {
            return false;
        }
        let addr = CellAddr::new(sheet, row, FIRST_PERIOD_COL + period);
        let read: Vec<CellAddr> = self
            .engine
            .precedents(addr)
            .into_iter()
            .filter(|c| c.col >= FIRST_PERIOD_COL && !self.engine.is_grid(c.sheet))
            .collect();
        !read.is_empty()
            && read
                .iter()
                .all(|c| self.is_actual(c.sheet, c.row, c.col - FIRST_PERIOD_COL))
    }

    /// Rows (other than `row`) whose period cells the metric's cell in
    /// `period` reads, in sheet order.
    pub fn precedent_rows(&self, sheet: u32, row: u32, period: u32) -> Vec<u32> {
        let addr = CellAddr::new(sheet, row, FIRST_PERIOD_COL + period);
        other_rows(self.engine.precedents(addr), sheet, row)
    }

    /// Rows (other than `row`) whose period cells read the metric's cell in
    /// `period`, in sheet order.
    pub fn dependent_rows(&self, sheet: u32, row: u32, period: u32) -> Vec<u32> {
        let addr = CellAddr::new(sheet, row, FIRST_PERIOD_COL + period);
        other_rows(self.engine.dependents(addr), sheet, row)
    }

    /// The cells that read `addr` directly.
    pub(crate) fn cell_dependents(&self, addr: CellAddr) -> Vec<CellAddr> {
        self.engine.dependents(addr)
    }

    /// `Sheet!C5`-style name of a grid cell, for messages.
    pub fn cell_name(&self, sheet: u32, row: u32, col: u32) -> String {
        self.engine.cell_name(CellAddr::new(sheet, row, col))
    }

    /// Problems that stop formulas from working: unusable or duplicate names.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sheet in &self.doc.sheets {
            let (_, problems) = names::resolve(&sheet.rows);
            for (row, problem) in problems {
                out.push(format!("{}, row {}: {problem}", sheet.name, row + 1));
            }
        }
        for s in &self.doc.scenarios {
            for o in &s.overrides {
                if scenario::resolve_key(&self.doc.sheets, &self.names, &o.metric).is_none() {
                    out.push(format!(
                        "scenario `{}`: no metric `{}` for its override",
                        s.name, o.metric
                    ));
                }
            }
        }
        out
    }

    /// Every period cell of a metric sheet holding an error: (sheet, row,
    /// period, error). Grid sheets: see [`Workbook::cell_errors`].
    pub fn errors(&self) -> Vec<(u32, u32, u32, engine::CellError)> {
        let mut out = Vec::new();
        for sheet in 0..self.doc.sheets.len() as u32 {
            if self.layout(sheet) == Layout::Grid {
                continue;
            }
            for row in 0..self.rows(sheet).len() as u32 {
                for (period, value) in self.row_values(sheet, row).iter().enumerate() {
                    if let Value::Error(e) = value {
                        out.push((sheet, row, period as u32, e.clone()));
                    }
                }
            }
        }
        out
    }

    /// Recomputes every formula cell from scratch (what F9 does in a
    /// spreadsheet); returns what changed, which is normally nothing.
    pub fn recalc_all(&mut self) -> Ripple {
        self.tick();
        let recalc = self.engine.recalc_all();
        self.ripple(recalc)
    }

    /// Moves the clock and the random numbers on for the next
    /// recalculation the user makes (an edit, undo, redo, F9). Looks
    /// (`probe`, what-if runs) keep both, so that they leave every value
    /// as it was and give the same answer twice.
    fn tick(&mut self) {
        self.engine.set_now(timeline::now_serial());
        self.engine.next_round();
    }

    /// A recalculation as a ripple.
    fn ripple(&self, recalc: engine::Recalc) -> Ripple {
        Ripple::from_recalc(recalc)
    }

    /// Applies one edit (several commands, one undo step) and recalculates.
    /// On error nothing changes.
    pub fn apply(&mut self, edit: Edit) -> Result<Ripple, EditError> {
        self.tick();
        let edit = self.route(edit);
        let (inverse, ripple) = self.apply_commands(edit)?;
        self.undo.push((inverse, next_serial()));
        self.redo.clear();
        Ok(ripple)
    }

    /// Applies `edit` for a look only: recalculates incrementally, lets
    /// `read` see the changed workbook, then restores the document and
    /// values. The undo and redo history are left exactly as they were (what
    /// `apply` followed by `undo` does, without the redo entry). On error
    /// nothing changes.
    pub fn probe<R>(
        &mut self,
        edit: Edit,
        read: impl FnOnce(&Workbook) -> R,
    ) -> Result<R, EditError> {
        let edit = self.route(edit);
        let (inverse, _) = self.apply_commands(edit)?;
        let result = read(self);
        self.apply_commands(inverse)?;
        Ok(result)
    }

    /// Applies `edit` (routed as [`Workbook::apply`] does) outside the undo
    /// history and returns its inverse; for what-if runs, which read values
    /// and then put everything back by applying the inverse with
    /// [`Workbook::restore`]. On error nothing changes.
    pub(crate) fn try_edit(&mut self, edit: Edit) -> Result<Edit, EditError> {
        let edit = self.route(edit);
        self.apply_commands(edit).map(|(inverse, _)| inverse)
    }

    /// Applies an inverse returned by [`Workbook::try_edit`].
    pub(crate) fn restore(&mut self, inverse: Edit) -> Result<(), EditError> {
        self.apply_commands(inverse).map(|_| ())
    }

    /// Runs `run` with recalculation limited to the period cells `cells`
    /// (and what they read): for what-if runs that read only those cells
    /// over many edits and undo them all. Other cells are brought up to date
    /// afterwards, so the workbook ends consistent whatever `run` did.
    pub(crate) fn focused<R>(
        &mut self,
        cells: &[(u32, u32, u32)],
        run: impl FnOnce(&mut Workbook) -> R,
    ) -> R {
        let addrs: Vec<CellAddr> = cells
            .iter()
            .map(|&(sheet, row, period)| CellAddr::new(sheet, row, FIRST_PERIOD_COL + period))
            .collect();
        self.engine.focus(&addrs);
        let result = run(self);
        self.engine.unfocus();
        result
    }

    /// Sends `SetCell`s on cells that show an actual to the actuals, and
    /// those on input cells (and ranges) to the active scenario.
    fn route(&self, edit: Edit) -> Edit {
        edit.into_iter()
            .map(|command| match command {
                Command::SetCell {
                    sheet,
                    row,
                    period,
                    input,
                } if self.is_actual(sheet, row, period) => Command::SetActualCell {
                    sheet,
                    row,
                    period,
                    input,
                },
                Command::SetUncertainty {
                    sheet,
                    row,
                    uncertainty,
                } if self.active.is_some() && !self.metric_name(sheet, row).is_empty() => {
                    Command::SetScenarioUncertainty {
                        scenario: self.active.unwrap_or_default(),
                        sheet,
                        row,
                        uncertainty,
                    }
                }
                Command::SetCell {
                    sheet,
                    row,
                    period,
                    input,
                } if self.active.is_some()
                    && !self.is_formula(sheet, row, period)
                    && !self.metric_name(sheet, row).is_empty() =>
                {
                    Command::SetScenarioCell {
                        scenario: self.active.unwrap_or_default(),
                        sheet,
                        row,
                        period,
                        input,
                    }
                }
                other => other,
            })
            .collect()
    }

    /// The period cells a scenario overrides (resolved with the current names).
    fn scenario_cells(&self, index: Option<usize>) -> Vec<(u32, u32, u32)> {
        let Some(scenario) = index.and_then(|i| self.doc.scenarios.get(i)) else {
            return Vec::new();
        };
        let periods = self.doc.timeline.periods;
        scenario::series_cells(&scenario.overrides, &self.doc.sheets, &self.names, periods)
    }

    /// The period cells that show a booked actual (resolved with the
    /// current names); none while actuals are hidden.
    fn actual_cells(&self) -> Vec<(u32, u32, u32)> {
        let (Some(booked), Some(closed)) = (
            self.doc.actuals.as_deref(),
            actuals::closed_period(&self.doc),
        ) else {
            return Vec::new();
        };
        if !self.actuals_shown {
            return Vec::new();
        }
        scenario::series_cells(&booked.values, &self.doc.sheets, &self.names, closed + 1)
    }

    /// The cells whose effective input is not the base model's: the active
    /// scenario's overrides and the shown actuals.
    fn overlay_cells(&self) -> Vec<(u32, u32, u32)> {
        let mut cells = self.scenario_cells(self.active);
        cells.extend(self.actual_cells());
        cells
    }

    /// Gives the engine the effective input of each cell and recalculates.
    fn recalculate_cells(&mut self, mut cells: Vec<(u32, u32, u32)>) -> Ripple {
        cells.sort_unstable();
        cells.dedup();
        let edits: Vec<engine::Edit> = cells
            .into_iter()
            .map(|(sheet, row, period)| {
                engine::Edit::Cell(
                    CellAddr::new(sheet, row, FIRST_PERIOD_COL + period),
                    engine_input(self.effective_input(sheet, row, period)),
                )
            })
            .collect();
        if edits.is_empty() {
            return Ripple::default();
        }
        Ripple::from_recalc(self.engine.apply(&edits))
    }

    /// Number of edits that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Undoes the last edit; `None` if there is nothing to undo.
    pub fn undo(&mut self) -> Option<Ripple> {
        let (edit, serial) = self.undo.pop()?;
        self.tick();
        match self.apply_commands(edit) {
            Ok((inverse, ripple)) => {
                self.redo.push((inverse, serial));
                Some(ripple)
            }
            Err(_) => None,
        }
    }

    /// Redoes the last undone edit; `None` if there is nothing to redo.
    pub fn redo(&mut self) -> Option<Ripple> {
        let (edit, serial) = self.redo.pop()?;
        self.tick();
        match self.apply_commands(edit) {
            Ok((inverse, ripple)) => {
                self.undo.push((inverse, serial));
                Some(ripple)
            }
            Err(_) => None,
        }
    }

    /// Identifies the document's current state in the undo history: equal
    /// ids mean equal documents (used to tell whether there are unsaved
    /// changes, and by views that cache what they computed). Ids are
    /// unique across workbooks, so a cache never mistakes another file's
    /// state for this one's.
    pub fn state_id(&self) -> u64 {
        self.undo.last().map_or(self.opened, |(_, serial)| *serial)
    }

    /// True if there is an edit to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// True if there is an edit to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies commands; returns the inverse edit and the ripple. All or
    /// nothing: if a command fails, the ones before it are undone.
    fn apply_commands(&mut self, edit: Edit) -> Result<(Edit, Ripple), EditError> {
        let mut inverse: Vec<Vec<Command>> = Vec::new();
        let mut reaches = Vec::new();
        let active_before = self.active;
        let cells_before: Vec<((u32, u32, u32), CellInput)> =
            if edit.iter().any(Command::changes_overlay) {
                self.overlay_cells()
                    .into_iter()
                    .map(|(s, r, p)| ((s, r, p), self.effective_input(s, r, p).clone()))
                    .collect()
            } else {
                Vec::new()
            };
        for command in edit {
            let shift = match command {
                Command::AddScenario { index, .. } => Some((index, true)),
                Command::DeleteScenario { index } => Some((index, false)),
                _ => None,
            };
            match command::apply(&mut self.doc, command) {
                Ok((undo, reach)) => {
                    inverse.push(undo);
                    reaches.push(reach);
                    if let (Some(active), Some((index, added))) = (self.active, shift) {
                        self.active = match (added, active.cmp(&index)) {
                            (true, std::cmp::Ordering::Less) => Some(active),
                            (true, _) => Some(active + 1),
                            (false, std::cmp::Ordering::Less) => Some(active),
                            (false, std::cmp::Ordering::Equal) => None,
                            (false, std::cmp::Ordering::Greater) => Some(active - 1),
                        };
                    }
                }
                Err(e) => {
                    for undo in inverse.into_iter().rev() {
                        for c in undo {
                            let _ = command::apply(&mut self.doc, c);
                        }
                    }
                    self.active = active_before;
                    return Err(e);
                }
            }
        }
        if self.active.is_some_and(|a| a >= self.doc.scenarios.len()) {
            self.active = None;
        }
        let inverse: Edit = inverse.into_iter().rev().flatten().collect();
        let ripple = self.recalculate(&reaches, cells_before);
        Ok((inverse, ripple))
    }

    /// Brings the engine up to date after the document changed.
    /// `scenario_before` holds the cells the active scenario overrode before
    /// the edit, with their inputs then.
    fn recalculate(
        &mut self,
        reaches: &[Reach],
        scenario_before: Vec<((u32, u32, u32), CellInput)>,
    ) -> Ripple {
        if let Some(ripple) = self.change_rows_in_place(reaches) {
            return ripple;
        }
        if reaches
            .iter()
            .any(|reach| matches!(reach, Reach::Structure | Reach::Rows { .. }))
        {
            let same_shape = self.same_shape();
            let before: Option<Vec<Vec<Value>>> = same_shape.then(|| self.all_values());
            let (engine, names) = build_engine(&self.doc);
            self.engine = engine;
            self.names = names;
            let cells = self.overlay_cells();
            if !cells.is_empty() {
                self.recalculate_cells(cells);
            }
            let shapes: Vec<(u32, bool)> = (0..self.engine.sheet_count() as u32)
                .map(|s| (self.engine.sheet_size(s).1, self.engine.is_grid(s)))
                .collect();
            return match before {
                Some(before) => Ripple::between(&before, &self.all_values(), &shapes),
                None => Ripple::default(),
            };
        }
        // First the names, which scenario overrides are keyed by.
        let renamed_sheets: Vec<u32> = reaches
            .iter()
            .filter_map(|reach| match *reach {
                Reach::Names { sheet } => Some(sheet),
                _ => None,
            })
            .collect();
        let renamed = self.rename_metrics(&renamed_sheets, Vec::new());
        // Cells whose effective input a scenario edit changed: those the
        // scenario overrode before or overrides now, whose input differs
        // (from the old override, or from the base input it replaces now).
        let mut scenario_cells = Vec::new();
        if reaches.contains(&Reach::Overlay) {
            let mut cells: Vec<(u32, u32, u32)> =
                scenario_before.iter().map(|(cell, _)| *cell).collect();
            cells.extend(self.overlay_cells());
            cells.sort_unstable();
            cells.dedup();
            scenario_cells = cells
                .into_iter()
                .filter(|&(s, r, p)| {
                    let old = scenario_before
                        .iter()
                        .find(|(cell, _)| *cell == (s, r, p))
                        .map_or_else(|| self.input(s, r, p), |(_, input)| input);
                    old != self.effective_input(s, r, p)
                })
                .collect();
        }
        let edits: Vec<engine::Edit> = renamed
            .into_iter()
            .chain(reaches.iter().filter_map(|reach| self.reach_edit(reach)))
            .chain(scenario_cells.iter().map(|&(sheet, row, period)| {
                engine::Edit::Cell(
                    CellAddr::new(sheet, row, FIRST_PERIOD_COL + period),
                    engine_input(self.effective_input(sheet, row, period)),
                )
            }))
            .collect();
        if edits.is_empty() {
            return Ripple::default();
        }
        let recalc = self.engine.apply(&edits);
        self.ripple(recalc)
    }

    /// The engine edit that brings one cell or row formula up to date
    /// (`None` for other reaches).
    fn reach_edit(&self, reach: &Reach) -> Option<engine::Edit> {
        match *reach {
            Reach::Cell { sheet, row, period } => Some(engine::Edit::Cell(
                CellAddr::new(sheet, row, FIRST_PERIOD_COL + period),
                engine_input(self.effective_input(sheet, row, period)),
            )),
            Reach::RowFormula { sheet, row } => Some(engine::Edit::RowFormula {
                sheet,
                row,
                formula: self
                    .rows(sheet)
                    .get(row as usize)
                    .map(|r| r.formula.clone())
                    .filter(|f| !f.is_empty()),
            }),
            Reach::GridCell { sheet, row, col } => Some(engine::Edit::Cell(
                CellAddr::new(sheet, row, col),
                engine_input(&self.cell_input(sheet, row, col)),
            )),
            Reach::Names { .. }
            | Reach::Rows { .. }
            | Reach::Structure
            | Reach::Overlay
            | Reach::Document => None,
        }
    }

    /// Inserts, deletes or moves rows in the engine in place, for an edit
    /// that starts with a row change (and then edits cells where they
    /// stand after it); `None`, changing nothing, where the engine is to
    /// be built anew instead: another row or sheet change in the same
    /// edit, a scenario or actuals change (keyed by where rows stood), a
    /// grid sheet whose width changed, or no room left for new rows.
    fn change_rows_in_place(&mut self, reaches: &[Reach]) -> Option<Ripple> {
        let [
            Reach::Rows {
                change,
                rewritten,
                names: retargeted,
            },
            rest @ ..,
        ] = reaches
        else {
            return None;
        };
        let change = *change;
        let refused = |reach: &Reach| {
            matches!(
                reach,
                Reach::Rows { .. } | Reach::Structure | Reach::Overlay
            )
        };
        if rest.iter().any(refused) || !self.engine.can_change_rows(change) {
            return None;
        }
        let sheet = change.sheet();
        let sheet_file = self.doc.sheets.get(sheet as usize)?;
        if sheet_file.layout == Layout::Grid
            && sheet_cols(sheet_file, self.doc.timeline.periods) != self.engine.sheet_size(sheet).1
        {
            return None;
        }
        // The names follow their rows; a deleted row's name is gone.
        let names = self.names.get_mut(sheet as usize)?;
        // Formulas using a defined name whose target moved compile again.
        let mut gone = retargeted.clone();
        match change {
            engine::RowChange::Insert { at, count, .. } => {
                let blank = std::iter::repeat_n(String::new(), count as usize);
                names.splice(at as usize..at as usize, blank);
            }
            engine::RowChange::Delete { at, count, .. } => {
                gone.extend(
                    names
                        .drain(at as usize..(at + count) as usize)
                        .filter(|name| !name.is_empty()),
                );
            }
            engine::RowChange::Move {
                from, count, to, ..
            } => {
                let block: Vec<String> = names
                    .drain(from as usize..(from + count) as usize)
                    .collect();
                names.splice(to as usize..to as usize, block);
            }
        }
        if !self.doc.names.is_empty() {
            self.engine.set_defined_names(&defined_names(&self.doc));
        }
        let mut edits = vec![engine::Edit::Rows(change)];
        let mut renamed_sheets = vec![sheet];
        renamed_sheets.extend(rest.iter().filter_map(|reach| match *reach {
            Reach::Names { sheet } => Some(sheet),
            _ => None,
        }));
        edits.extend(self.rename_metrics(&renamed_sheets, gone));
        // A scenario's or the actuals' formula in a cell is not rewritten
        // (it reads rows where they stand): it compiles again, as a
        // rebuild would compile it.
        for (s, r, p) in self.overlay_cells() {
            let input = self.effective_input(s, r, p);
            if matches!(input, CellInput::Formula(_)) {
                edits.push(engine::Edit::Cell(
                    CellAddr::new(s, r, FIRST_PERIOD_COL + p),
                    engine_input(input),
                ));
            }
        }
        if let engine::RowChange::Insert { at, count, .. } = change {
            let sheet_file = &self.doc.sheets[sheet as usize];
            for row in at..at + count {
                edits.extend(row_edits(sheet_file, sheet, row, |period, _| {
                    engine_input(self.effective_input(sheet, row, period))
                }));
            }
        }
        edits.extend(
            rewritten
                .iter()
                .chain(rest)
                .filter_map(|reach| self.reach_edit(reach)),
        );
        let recalc = self.engine.apply(&edits);
        Some(self.ripple(recalc))
    }

    /// Brings the engine's metric names up to date for `sheets`; returns
    /// edits that rename them in the engine, then set again every formula
    /// mentioning an old or new name (or a name in `changed_names`, of
    /// rows deleted), so that they resolve afresh (those whose compiled
    /// form stays the same cost the engine nothing).
    fn rename_metrics(
        &mut self,
        sheets: &[u32],
        mut changed_names: Vec<String>,
    ) -> Vec<engine::Edit> {
        if sheets.is_empty() && changed_names.is_empty() {
            return Vec::new();
        }
        // The active scenario's overrides, found by the names before.
        let mut overridden = self.overlay_cells();
        let mut edits = Vec::new();
        for &sheet in sheets {
            let Some(rows) = self.doc.sheets.get(sheet as usize).map(|s| &s.rows) else {
                continue;
            };
            let now = names::resolve(rows).0;
            let before = self
                .names
                .get_mut(sheet as usize)
                .map(std::mem::take)
                .unwrap_or_default();
            let renames: Vec<(u32, String, String)> = now
                .iter()
                .enumerate()
                .filter(|(row, name)| before.get(*row) != Some(*name))
                .map(|(row, name)| {
                    let old = before.get(row).cloned().unwrap_or_default();
                    (row as u32, old, name.clone())
                })
                .collect();
            for (_, old, new) in &renames {
                changed_names.extend([old, new].into_iter().filter(|n| !n.is_empty()).cloned());
            }
            if !renames.is_empty() {
                edits.push(engine::Edit::Metrics { sheet, renames });
            }
            if let Some(slot) = self.names.get_mut(sheet as usize) {
                *slot = now;
            }
        }
        if changed_names.is_empty() {
            return edits;
        }
        let mentioned = |input: &CellInput| match input {
            CellInput::Formula(text) => changed_names.iter().any(|n| names::mentions(text, n)),
            _ => false,
        };
        for (s, sheet) in self.doc.sheets.iter().enumerate() {
            let s = s as u32;
            let grid = sheet.layout == Layout::Grid;
            for (r, row) in sheet.rows.iter().enumerate() {
                let r = r as u32;
                if !grid
                    && changed_names
                        .iter()
                        .any(|n| names::mentions(&row.formula, n))
                {
                    edits.push(engine::Edit::RowFormula {
                        sheet: s,
                        row: r,
                        formula: Some(row.formula.clone()),
                    });
                }
                for (i, cell) in row.values.iter().enumerate() {
                    if !mentioned(cell) {
                        continue;
                    }
                    let i = i as u32;
                    let (col, input) = if grid {
                        (i, cell)
                    } else {
                        // A scenario's value in its place stays.
                        (FIRST_PERIOD_COL + i, self.effective_input(s, r, i))
                    };
                    if mentioned(input) {
                        edits.push(engine::Edit::Cell(
                            CellAddr::new(s, r, col),
                            engine_input(input),
                        ));
                    }
                }
            }
        }
        // An override whose key now names another row (or none) moves with
        // it: every cell it covered before or covers now is set again.
        overridden.extend(self.overlay_cells());
        overridden.sort_unstable();
        overridden.dedup();
        for (s, r, p) in overridden {
            edits.push(engine::Edit::Cell(
                CellAddr::new(s, r, FIRST_PERIOD_COL + p),
                engine_input(self.effective_input(s, r, p)),
            ));
        }
        edits
    }

    fn same_shape(&self) -> bool {
        self.doc.sheets.len() == self.engine.sheet_count()
            && self.doc.sheets.iter().enumerate().all(|(i, s)| {
                self.engine.sheet_size(i as u32)
                    == (
                        s.rows.len() as u32,
                        sheet_cols(s, self.doc.timeline.periods),
                    )
            })
    }

    fn all_values(&self) -> Vec<Vec<Value>> {
        (0..self.engine.sheet_count() as u32)
            .map(|sheet| {
                let (rows, _) = self.engine.sheet_size(sheet);
                (0..rows)
                    .flat_map(|row| self.engine.row_values(sheet, row).iter().cloned())
                    .collect()
            })
            .collect()
    }
}

/// The distinct period-cell rows of `cells` on `sheet`, without `row`.
fn other_rows(cells: Vec<CellAddr>, sheet: u32, row: u32) -> Vec<u32> {
    let rows: std::collections::BTreeSet<u32> = cells
        .into_iter()
        .filter(|c| c.sheet == sheet && c.row != row && c.col >= FIRST_PERIOD_COL)
        .map(|c| c.row)
        .collect();
    rows.into_iter().collect()
}

/// The engine's view of a cell input.
fn engine_input(input: &CellInput) -> Input {
    match input {
        CellInput::Empty => Input::Empty,
        CellInput::Number(n) => Input::Constant(Value::number(*n)),
        CellInput::Text(t) => Input::Constant(Value::text(t)),
        CellInput::Bool(b) => Input::Constant(Value::Bool(*b)),
        CellInput::Formula(f) => Input::Formula(f.clone()),
    }
}

/// Each sheet's kept Excel formats by (row, col); addresses that do not
/// read as a cell are skipped.
fn index_kept_formats(doc: &WorkbookFile) -> Vec<std::collections::HashMap<(u32, u32), usize>> {
    doc.sheets
        .iter()
        .map(|sheet| {
            sheet
                .excel_formats
                .iter()
                .enumerate()
                .filter_map(|(i, (text, _))| {
                    let (cell, used) = crate::formula::lexer::scan_cell(text)?;
                    (used == text.len()).then_some(((cell.row, cell.col), i))
                })
                .collect()
        })
        .collect()
}

/// The number of grid columns of a sheet: label, unit and periods for a
/// metric sheet; the used width (at least 1) for a grid sheet.
fn sheet_cols(sheet: &document::SheetFile, periods: u32) -> u32 {
    match sheet.layout {
        Layout::Metrics => FIRST_PERIOD_COL + periods,
        Layout::Grid => sheet
            .rows
            .iter()
            .map(|r| r.values.len() as u32)
            .max()
            .unwrap_or(0)
            .max(1),
    }
}

/// Builds and fully computes an engine for `doc`; returns it with each
/// sheet's row names.
pub(crate) fn build_engine(doc: &WorkbookFile) -> (Engine, Vec<Vec<String>>) {
    let periods = Periods {
        first_col: FIRST_PERIOD_COL,
        count: doc.timeline.periods,
    };
    let names: Vec<Vec<String>> = doc
        .sheets
        .iter()
        .map(|s| names::resolve(&s.rows).0)
        .collect();
    let specs = doc
        .sheets
        .iter()
        .zip(&names)
        .map(|(sheet, names)| SheetSpec {
            name: sheet.name.clone(),
            rows: sheet.rows.len() as u32,
            cols: sheet_cols(sheet, doc.timeline.periods),
            metrics: names
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.is_empty())
                .map(|(row, n)| (n.clone(), row as u32))
                .collect(),
        })
        .collect();
    let mut engine = Engine::new(periods, specs);
    engine.set_locale(locale::number_locale(&doc.locale).unwrap_or_default());
    engine.set_defined_names(&defined_names(doc));
    engine.set_now(timeline::now_serial());
    for (s, sheet) in doc.sheets.iter().enumerate() {
        let s = s as u32;
        if sheet.layout == Layout::Grid {
            engine.set_grid(s);
        }
        for r in 0..sheet.rows.len() as u32 {
            for edit in row_edits(sheet, s, r, |_, input| engine_input(input)) {
                engine.load(edit);
            }
        }
    }
    engine.compute_all();
    (engine, names)
}

/// The engine's defined names: each name of `doc` whose scope is a sheet
/// that exists (a name scoped to a missing sheet is unusable).
fn defined_names(doc: &WorkbookFile) -> Vec<engine::NameDef> {
    doc.names
        .iter()
        .filter_map(|n| {
            let scope = if n.sheet.is_empty() {
                None
            } else {
                Some(
                    doc.sheets
                        .iter()
                        .position(|s| s.name.eq_ignore_ascii_case(&n.sheet))?
                        as u32,
                )
            };
            Some(engine::NameDef {
                scope,
                name: n.name.clone(),
                target: n.refers_to.clone(),
            })
        })
        .collect()
}

/// The engine edits that load row `r` of `sheet` (sheet index `s`): a grid
/// row's cells; a metric row's label, unit, row formula and period cells,
/// each period's input given by `period_input(period, input)`.
fn row_edits(
    sheet: &document::SheetFile,
    s: u32,
    r: u32,
    period_input: impl Fn(u32, &CellInput) -> Input,
) -> Vec<engine::Edit> {
    let Some(row) = sheet.rows.get(r as usize) else {
        return Vec::new();
    };
    let mut edits = Vec::new();
    if sheet.layout == Layout::Grid {
        for (c, input) in row.values.iter().enumerate() {
            if !matches!(input, CellInput::Empty) {
                edits.push(engine::Edit::Cell(
                    CellAddr::new(s, r, c as u32),
                    engine_input(input),
                ));
            }
        }
        return edits;
    }
    let label = if row.section.is_empty() {
        &row.label
    } else {
        &row.section
    };
    if !label.is_empty() {
        edits.push(engine::Edit::Cell(
            CellAddr::new(s, r, LABEL_COL),
            Input::Constant(Value::text(label)),
        ));
    }
    if !row.unit.is_empty() {
        edits.push(engine::Edit::Cell(
            CellAddr::new(s, r, UNIT_COL),
            Input::Constant(Value::text(&row.unit)),
        ));
    }
    if !row.formula.is_empty() {
        edits.push(engine::Edit::RowFormula {
            sheet: s,
            row: r,
            formula: Some(row.formula.clone()),
        });
    }
    for (p, input) in row.values.iter().enumerate() {
        let input = period_input(p as u32, input);
        if input != Input::Empty {
            edits.push(engine::Edit::Cell(
                CellAddr::new(s, r, FIRST_PERIOD_COL + p as u32),
                input,
            ));
        }
    }
    edits
}
