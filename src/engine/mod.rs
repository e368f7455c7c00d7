//! The calculation engine: values, coercions, functions, the dependency graph
//! and incremental recalculation. No IO.
//!
//! An [`Engine`] holds a fixed-size grid per sheet. Each cell is empty, a
//! constant, its own formula, or governed by its row's formula (one compiled
//! formula shared by every period cell of the row). [`Engine::apply`] changes
//! cells and recomputes only the cells the change reaches, in dependency
//! order, returning what changed ([`Recalc`]): the ripple.

pub mod coerce;
pub mod compile;
pub mod eval;
pub mod functions;
pub mod graph;
pub mod program;
mod rows;
pub mod value;

use std::collections::HashMap;
use std::sync::Arc;

pub use eval::Periods;
pub use rows::RowChange;
pub use value::{CellError, ErrorKind, Value};

use crate::formula::{Expr, Reference};
use compile::{Node, Resolver};
use eval::{Evaluator, SheetValues};

/// A defined name for [`Engine::set_defined_names`].
#[derive(Debug, Clone, PartialEq)]
pub struct NameDef {
    /// The sheet the name is scoped to (Excel's `localSheetId`); `None` for
    /// a workbook-level name.
    pub scope: Option<u32>,
    /// The name as written (matched case-insensitively).
    pub name: String,
    /// What it refers to, as formula text.
    pub target: String,
}

/// A cell's position: sheet index, zero-based row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellAddr {
    /// Sheet index, in tab order.
    pub sheet: u32,
    /// Zero-based row (`A1` is row 0).
    pub row: u32,
    /// Zero-based column (`A1` is column 0).
    pub col: u32,
}

impl CellAddr {
    /// A cell address.
    pub fn new(sheet: u32, row: u32, col: u32) -> Self {
        CellAddr { sheet, row, col }
    }
}

/// What a cell holds, as typed by the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Nothing: a period cell then follows its row's formula, if any.
    Empty,
    /// A constant value (number, text or boolean).
    Constant(Value),
    /// A formula, with or without its leading `=`.
    Formula(String),
}

/// The shape of one sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetSpec {
    /// Tab name.
    pub name: String,
    /// Number of rows.
    pub rows: u32,
    /// Number of columns.
    pub cols: u32,
    /// Metric names and their rows.
    pub metrics: Vec<(String, u32)>,
}

/// One edit of the engine's inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Sets one cell's input.
    Cell(CellAddr, Input),
    /// Sets (or, with `None`, removes) a row formula on `sheet`, `row`.
    RowFormula {
        /// Sheet index.
        sheet: u32,
        /// Row.
        row: u32,
        /// The formula text, with or without `=`.
        formula: Option<String>,
    },
    /// Inserts, deletes or moves rows of a sheet in place (see
    /// [`Engine::can_change_rows`]). Edits after it name cells where they
    /// are once it is done.
    Rows(RowChange),
    /// Renames metrics of a sheet (see [`Engine::rename_metrics`]).
    Metrics {
        /// Sheet index.
        sheet: u32,
        /// `(row, old name, new name)`.
        renames: Vec<(u32, String, String)>,
    },
}

/// One cell whose value changed in a recalculation: also the ripple's
/// record of it ([`crate::model::ripple::CellChange`]), so that an edit's
/// changes reach the editor without being copied.
// In declaration order, so that a change is written field by field where it
// is stored (reordered, the address and the values' tags share 16 bytes
// that are put together on the stack and copied, which stalls).
#[derive(Debug, Clone, PartialEq)]
#[repr(C)]
pub struct Change {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// Grid column (zero-based, `A` is 0).
    pub col: u32,
    /// True if the cell is on a grid sheet (which has no periods).
    pub grid: bool,
    /// Value before.
    pub old: Value,
    /// Value after.
    pub new: Value,
}

impl Change {
    /// Where the cell is.
    pub fn addr(&self) -> CellAddr {
        CellAddr::new(self.sheet, self.row, self.col)
    }
}

/// The outcome of a recalculation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recalc {
    /// Cells whose value changed, edited cells first, then in dependency
    /// order (every cell after the cells it reads).
    pub changes: Vec<Change>,
    /// Number of formula cells evaluated.
    pub evaluated: usize,
}

/// Which formula, if any, defines a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Empty,
    Constant,
    Own(u32),
    Row(u32),
}

impl Source {
    fn formula(self) -> Option<u32> {
        match self {
            Source::Own(id) | Source::Row(id) => Some(id),
            _ => None,
        }
    }
}

/// Each cell's [`Source`], packed in 4 bytes (a million cells hold 4 MB
/// less than as an enum): 0 empty, 1 constant, then formula `f` as
/// `2 + 2f` for a cell's own and `3 + 2f` for its row's.
#[derive(Debug, Clone)]
struct Sources(Vec<u32>);

impl Sources {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn decode(packed: u32) -> Source {
        match packed {
            0 => Source::Empty,
            1 => Source::Constant,
            p if p % 2 == 0 => Source::Own((p - 2) / 2),
            p => Source::Row((p - 3) / 2),
        }
    }

    /// The source of cell `id` (which must exist).
    fn get(&self, id: u32) -> Source {
        Sources::decode(self.0[id as usize])
    }

    fn try_get(&self, id: u32) -> Option<Source> {
        self.0.get(id as usize).map(|&p| Sources::decode(p))
    }

    fn set(&mut self, id: u32, source: Source) {
        // Formula ids stay far below 2^31 (each formula takes a hundred
        // bytes and more), so the packing cannot overflow.
        self.0[id as usize] = match source {
            Source::Empty => 0,
            Source::Constant => 1,
            Source::Own(f) => 2 + 2 * f,
            Source::Row(f) => 3 + 2 * f,
        };
    }
}

#[derive(Debug)]
struct Formula {
    node: Node,
    /// True if the formula calls a volatile function (see
    /// [`functions::reference::VOLATILE`]).
    volatile: bool,
    /// The formula as a numeric program, if it compiles to one.
    program: Option<program::Program>,
    /// Where the formula stands.
    owner: Owner,
    /// The sheets (bit `s`, the last bit for every sheet past it) where
    /// it reads a range of several rows, whose cells change when rows are
    /// inserted, deleted or moved inside it.
    spans: u64,
    /// True if its value depends on where rows stand (`ROW`, `CELL`).
    positional: bool,
    /// For a row formula's program: whether it reads its own row, when
    /// that does not depend on the order of rows (see
    /// [`program::Program::reads_stored_row`]).
    reads_own_row: Option<bool>,
}

/// The cell a formula is its own, or the row whose period cells follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Cell(u32),
    /// Sheet and stored row.
    Row(u32, u32),
}

/// True if `node` calls a volatile function.
fn calls_volatile(node: &Node) -> bool {
    match node {
        Node::Call { function, args } => {
            functions::reference::VOLATILE.contains(&function.name)
                || args.iter().any(calls_volatile)
        }
        Node::Negate(inner)
        | Node::Plus(inner)
        | Node::Percent(inner)
        | Node::Elementwise(inner) => calls_volatile(inner),
        Node::Binary(_, left, right) => calls_volatile(left) || calls_volatile(right),
        // The cells between two references are known only once both are.
        Node::RangeOp(..) => true,
        _ => false,
    }
}

#[derive(Debug, Clone)]
struct SheetMeta {
    name: String,
    /// Rows of the sheet.
    rows: u32,
    cols: u32,
    /// The id of the first cell of stored row 0; stored row `r` holds ids
    /// `base + r * cols ..`.
    base: u32,
    /// How many stored rows the sheet's ids leave room for: inserted rows
    /// take stored rows past the ones in use until this is reached.
    capacity: u32,
    /// Stored rows of deleted rows, empty, for rows inserted later.
    free: Vec<u32>,
    /// Metric names (lower-cased) and their stored rows.
    metrics: HashMap<String, u32>,
}

/// Room for stored rows beyond a sheet's rows when an engine is made, so
/// that rows can be inserted without numbering every cell again.
fn row_room(rows: u32) -> u32 {
    rows / 16 + 16
}

/// The calculation engine for a workbook.
#[derive(Debug)]
pub struct Engine {
    periods: Periods,
    sheets: Vec<SheetMeta>,
    values: Vec<SheetValues>,
    sources: Sources,
    row_formulas: Vec<Vec<Option<u32>>>,
    formulas: Vec<Option<Formula>>,
    free_formulas: Vec<u32>,
    dependents: graph::Dependents,
    /// The full evaluation plan, kept until a formula changes.
    full_plan: Option<Arc<graph::Plan>>,
    /// Each formula cell's position in the full plan (a topological rank),
    /// valid while `full_plan` is; [`NO_RANK`] for other cells and
    /// [`IN_CYCLE`] for the cells of circular references.
    ranks: Vec<u32>,
    /// The rank of each stored reader of the compact graph, beside it
    /// (`Dependents::stored`), valid with the full plan: propagation reads
    /// a changed cell's readers' ranks in one place.
    reader_ranks: Vec<u32>,
    /// Formula cells by rank (the inverse of `ranks`): the full plan's
    /// order, then its cells after cycles (the plan kept in `full_plan`
    /// holds no second copy of the order).
    rank_order: Vec<u32>,
    /// How many ranks the full plan's order has (the cells after cycles
    /// come after them).
    ordered: usize,
    /// The propagation queue: one bit per rank, all clear between edits.
    queued: Vec<u64>,
    /// Counts changes of which cells are formula cells (or of their formulas).
    structure_version: u64,
    scratch: graph::Scratch,
    needed: Marks,
    built: bool,
    /// Defined names by (scope sheet, lower-cased name), with their
    /// (absolute) targets; `None` is the workbook scope.
    defined: HashMap<(Option<u32>, String), Expr>,
    /// While set, recalculation is limited to a set of cells and what they
    /// read (see [`Engine::focus`]).
    focus: Option<Focus>,
    /// How many live formulas call a volatile function.
    volatile_formulas: usize,
    /// How many live formulas read a range of several rows.
    spanning_formulas: usize,
    /// How many live formulas depend on where rows stand.
    positional_formulas: usize,
    /// Counts stored values that changed (also while focused), so a round
    /// of [`Engine::refresh_volatile`] can tell it changed nothing.
    stored_changes: u64,
    /// The stack of compiled programs' runs.
    lanes: program::Lanes,
    /// True while changes are not recorded (see [`Engine::compute_all`]).
    silent: bool,
    /// How text is read as a number while this engine evaluates.
    locale: coerce::NumberLocale,
    /// The time, and the round of random numbers, `NOW`, `TODAY`, `RAND`
    /// and `RANDBETWEEN` read.
    moment: functions::clock::Moment,
    /// How many changes the last edit recorded: the next edit's list starts
    /// that large, so that it is not copied while it grows.
    last_changes: usize,
}

/// A fixed recalculation for repeated runs (see [`Engine::sweep`]).
#[derive(Debug, Clone)]
pub struct Sweep {
    /// One bit per rank: the cells to recompute.
    ranks: Vec<u64>,
    /// The lowest rank set.
    first: usize,
    /// The engine's structure when the sweep was made.
    structure_version: u64,
}

impl Sweep {
    /// Number of formula cells each run recomputes.
    pub fn len(&self) -> usize {
        self.ranks.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True if no formula cell needs recomputing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A focus: the cells kept up to date, and the cells left stale.
#[derive(Debug, Default)]
struct Focus {
    /// One bit per cell id: the focused cells and everything they read.
    cone: Vec<u64>,
    /// One bit per cell id: cells skipped while focused.
    skipped_bits: Vec<u64>,
    /// The skipped cells, to bring up to date when the focus ends.
    skipped: Vec<u32>,
}

fn has_bit(bits: &[u64], id: u32) -> bool {
    bits.get(id as usize / 64)
        .is_some_and(|w| w & (1 << (id % 64)) != 0)
}

fn clear_bit(bits: &mut [u64], id: u32) {
    if let Some(word) = bits.get_mut(id as usize / 64) {
        *word &= !(1 << (id % 64));
    }
}

/// A ring of cells, each reading the next (and the last the first),
/// rotated to start at its lowest cell so that it reads the same whichever
/// cell it was found from.
fn canonical_cycle(ring: &[u32]) -> Vec<u32> {
    let start = ring
        .iter()
        .enumerate()
        .min_by_key(|(_, id)| **id)
        .map_or(0, |(i, _)| i);
    ring[start..]
        .iter()
        .chain(&ring[..start])
        .copied()
        .collect()
}

fn set_bit(bits: &mut [u64], id: u32) -> bool {
    let word = &mut bits[id as usize / 64];
    let mask = 1 << (id % 64);
    let was = *word & mask != 0;
    *word |= mask;
    !was
}

impl Engine {
    /// An engine for `sheets` sharing the period columns `periods`. Every cell
    /// starts empty; load inputs with [`Engine::load`], then call
    /// [`Engine::recalc_all`].
    pub fn new(periods: Periods, sheets: Vec<SheetSpec>) -> Engine {
        let mut metas = Vec::with_capacity(sheets.len());
        let mut base: u64 = 0;
        for spec in sheets {
            let metrics = spec
                .metrics
                .into_iter()
                .map(|(name, row)| (name.to_lowercase(), row))
                .collect();
            let capacity = spec.rows.saturating_add(row_room(spec.rows));
            metas.push(SheetMeta {
                name: spec.name,
                rows: spec.rows,
                cols: spec.cols,
                base: base.min(u64::from(u32::MAX)) as u32,
                capacity,
                free: Vec::new(),
                metrics,
            });
            base += u64::from(capacity) * u64::from(spec.cols);
        }
        let n_cells = base as usize;
        Engine {
            periods,
            values: metas
                .iter()
                .map(|m| {
                    let mut values = SheetValues::new(
                        m.cols,
                        vec![Value::Empty; m.rows as usize * m.cols as usize],
                        &m.name,
                        false,
                    );
                    // The sheet's rows, whatever its width.
                    values.order = (0..m.rows).collect();
                    values.position = (0..m.rows).collect();
                    values
                })
                .collect(),
            row_formulas: metas.iter().map(|m| vec![None; m.rows as usize]).collect(),
            sheets: metas,
            sources: Sources(vec![0; n_cells]),
            formulas: Vec::new(),
            volatile_formulas: 0,
            spanning_formulas: 0,
            positional_formulas: 0,
            stored_changes: 0,
            free_formulas: Vec::new(),
            dependents: graph::Dependents::default(),
            full_plan: None,
            ranks: Vec::new(),
            reader_ranks: Vec::new(),
            rank_order: Vec::new(),
            ordered: 0,
            queued: Vec::new(),
            structure_version: 0,
            scratch: graph::Scratch::default(),
            needed: Marks::default(),
            built: false,
            defined: HashMap::new(),
            focus: None,
            lanes: program::Lanes::default(),
            silent: false,
            locale: coerce::NumberLocale::DecimalPoint,
            moment: functions::clock::Moment::default(),
            last_changes: 0,
        }
    }

    /// Marks `sheet` as a grid sheet: metric names on it resolve to the
    /// named row at the formula's own column, and a whole-row name covers
    /// every column (see [`crate::model::document::Layout::Grid`]). Call it
    /// before loading inputs.
    pub fn set_grid(&mut self, sheet: u32) {
        if let Some(values) = self.values.get_mut(sheet as usize) {
            values.grid = true;
        }
        // Programs read metric columns fixed by the grid flags.
        for id in 0..self.formulas.len() {
            if let Some(formula) = &self.formulas[id] {
                let program = self.program_for(&formula.node);
                if let Some(formula) = &mut self.formulas[id] {
                    formula.reads_own_row = match (formula.owner, &program) {
                        (Owner::Row(sheet, row), Some(program)) => {
                            program.reads_stored_row(sheet, row)
                        }
                        _ => None,
                    };
                    formula.program = program;
                }
            }
        }
        self.built = false;
        self.full_plan = None;
    }

    /// Renames metrics of `sheet` in place: each `(row, old, new)` moves
    /// the row from name `old` to `new` (either may be empty: no name).
    /// Formulas keep what they compiled to; set again the ones that mention
    /// an old or new name (with [`Engine::apply`]) so that they resolve
    /// afresh: a formula whose compiled form is unchanged costs nothing.
    pub fn rename_metrics(&mut self, sheet: u32, renames: &[(u32, String, String)]) {
        let Some(meta) = self.sheets.get_mut(sheet as usize) else {
            return;
        };
        let Some(values) = self.values.get(sheet as usize) else {
            return;
        };
        for (row, old, _) in renames {
            let key = old.to_lowercase();
            if meta.metrics.get(&key) == Some(&values.stored(*row)) {
                meta.metrics.remove(&key);
            }
        }
        for (row, _, new) in renames {
            if !new.is_empty() {
                meta.metrics.insert(new.to_lowercase(), values.stored(*row));
            }
        }
    }

    /// Reads text as numbers in `locale` from now on (recalculate to apply
    /// it to the values already computed).
    pub fn set_locale(&mut self, locale: coerce::NumberLocale) {
        self.locale = locale;
    }

    /// Sets the time `NOW` and `TODAY` read, as a date serial (days since
    /// 1899-12-30, the time of day as the fraction); volatile formulas read
    /// it in the next recalculation.
    pub fn set_now(&mut self, serial: f64) {
        self.moment.now = serial;
    }

    /// Draws new random numbers in the next recalculation (`RAND` and
    /// `RANDBETWEEN` give the same number in a cell until then).
    pub fn next_round(&mut self) {
        self.moment.round = self.moment.round.wrapping_add(1);
    }

    /// What evaluation reads besides the cells while the guards live: the
    /// workbook's number locale and its moment.
    fn context(&self) -> (coerce::LocaleGuard, functions::clock::MomentGuard) {
        (
            coerce::LocaleGuard::set(self.locale),
            functions::clock::MomentGuard::set(self.moment),
        )
    }

    /// True if `sheet` is a grid sheet.
    pub fn is_grid(&self, sheet: u32) -> bool {
        self.values.get(sheet as usize).is_some_and(|v| v.grid)
    }

    /// Defined names (`TaxRate` → `Inputs!$B$2`): each target is formula
    /// text for a cell, a range or a constant. Formulas compiled afterwards
    /// resolve these names before metric names, a name scoped to the
    /// formula's sheet before a workbook-level one; targets that are not a
    /// reference with a sheet or a constant are ignored (the importer
    /// reports them). Call it before loading inputs.
    pub fn set_defined_names(&mut self, names: &[NameDef]) {
        self.defined = names
            .iter()
            .filter_map(|def| {
                let expr = crate::formula::parse(&def.target).ok()?;
                let usable = match &expr {
                    Expr::Reference(Reference::Cell { sheet, .. })
                    | Expr::Reference(Reference::Range { sheet, .. })
                    | Expr::Reference(Reference::Lines { sheet, .. }) => sheet.is_some(),
                    Expr::Number(_) | Expr::Text(_) | Expr::Bool(_) | Expr::Error(_) => true,
                    _ => false,
                };
                usable.then(|| ((def.scope, def.name.to_lowercase()), absolute(expr)))
            })
            .collect();
    }

    /// The period columns.
    pub fn periods(&self) -> Periods {
        self.periods
    }

    /// Number of sheets.
    pub fn sheet_count(&self) -> usize {
        self.sheets.len()
    }

    /// Sheet index by name (case-insensitive).
    pub fn sheet_index(&self, name: &str) -> Option<u32> {
        self.sheets
            .iter()
            .position(|s| s.name.to_lowercase() == name.to_lowercase())
            .map(|i| i as u32)
    }

    /// The sheet's tab name.
    pub fn sheet_name(&self, sheet: u32) -> &str {
        self.sheets.get(sheet as usize).map_or("", |s| &s.name)
    }

    /// (rows, columns) of a sheet.
    pub fn sheet_size(&self, sheet: u32) -> (u32, u32) {
        self.sheets
            .get(sheet as usize)
            .map_or((0, 0), |s| (s.rows, s.cols))
    }

    /// The current value of a cell (empty outside the grid).
    pub fn value(&self, addr: CellAddr) -> &Value {
        static EMPTY: Value = Value::Empty;
        let Some(sheet) = self.values.get(addr.sheet as usize) else {
            return &EMPTY;
        };
        if addr.col >= sheet.n_cols {
            return &EMPTY;
        }
        let Some(&row) = sheet.order.get(addr.row as usize) else {
            return &EMPTY;
        };
        sheet
            .values
            .get(row as usize * sheet.n_cols as usize + addr.col as usize)
            .unwrap_or(&EMPTY)
    }

    /// All values of one row, column by column.
    pub fn row_values(&self, sheet: u32, row: u32) -> &[Value] {
        let Some(s) = self.values.get(sheet as usize) else {
            return &[];
        };
        let Some(&row) = s.order.get(row as usize) else {
            return &[];
        };
        let start = row as usize * s.n_cols as usize;
        s.values
            .get(start..start + s.n_cols as usize)
            .unwrap_or(&[])
    }

    /// True if the cell is computed by a formula (its own or its row's).
    pub fn is_formula(&self, addr: CellAddr) -> bool {
        self.cell_id(addr)
            .and_then(|id| self.sources.try_get(id))
            .is_some_and(|s| s.formula().is_some())
    }

    /// True if the cell is governed by its row's formula.
    pub fn follows_row_formula(&self, addr: CellAddr) -> bool {
        self.cell_id(addr)
            .and_then(|id| self.sources.try_get(id))
            .is_some_and(|s| matches!(s, Source::Row(_)))
    }

    /// Sets inputs without recalculating (for building a workbook); call
    /// [`Engine::recalc_all`] afterwards.
    pub fn load(&mut self, edit: Edit) {
        self.built = false;
        self.full_plan = None;
        self.set_input(edit);
    }

    /// Builds the dependency graph and recomputes every formula cell.
    pub fn recalc_all(&mut self) -> Recalc {
        let _context = self.context();
        let plan = self.full_plan();
        let mut recalc = Recalc::default();
        // Every cell in rank order; then, if there are circular references,
        // their cells and the cells after them.
        let mut rank = 0;
        while rank < self.ordered {
            rank += self.compute_ranks(rank, self.ordered, None, &mut recalc).0;
        }
        self.resolve_cycles(&plan, &mut recalc);
        self.refresh_volatile(&mut recalc);
        recalc
    }

    /// [`Engine::recalc_all`] without recording what changed: for a
    /// workbook just loaded, where every formula cell changes from empty
    /// (a million changes at 10,000 × 120 would be built only to be
    /// dropped).
    pub fn compute_all(&mut self) {
        let _context = self.context();
        self.silent = true;
        self.recalc_all();
        self.silent = false;
    }

    /// Applies `edits` and recomputes what they reach. Returns every changed
    /// cell with its old and new value.
    pub fn apply(&mut self, edits: &[Edit]) -> Recalc {
        let _context = self.context();
        if !self.built {
            for edit in edits {
                self.set_input(edit.clone());
            }
            return self.recalc_all();
        }
        // Edits in a row tend to reach alike (a price typed again and
        // again): start as large as the last one.
        let mut recalc = Recalc {
            changes: Vec::with_capacity(self.last_changes.min(1 << 20)),
            evaluated: 0,
        };
        self.apply_built(edits, &mut recalc);
        self.last_changes = recalc.changes.len();
        recalc
    }

    fn apply_built(&mut self, edits: &[Edit], recalc: &mut Recalc) {
        let mut seeds: Vec<u32> = Vec::new();
        let structure_before = self.structure_version;
        for edit in edits {
            if let Edit::Rows(change) = edit {
                seeds.extend(self.change_rows(*change));
                continue;
            }
            let touched = self.set_input(edit.clone());
            for (id, old) in touched {
                let new = self.value_by_id(id).clone();
                if !old.same_as(&new) {
                    let addr = self.addr_of(id);
                    recalc.changes.push(Change {
                        sheet: addr.sheet,
                        row: addr.row,
                        col: addr.col,
                        grid: self.is_grid(addr.sheet),
                        old,
                        new,
                    });
                }
                seeds.push(id);
            }
        }
        if self.structure_version == structure_before {
            // Only values changed: the ranks of the full plan hold (they are
            // recomputed once after formulas changed).
            self.full_plan();
            self.propagate(&seeds, recalc);
            self.refresh_volatile(recalc);
            return;
        }
        // Formulas changed (perhaps into a new cycle): order what they reach.
        let reached = graph::reachable(&seeds, &self.dependents, &mut self.scratch);
        let formula_cells: Vec<u32> = reached
            .into_iter()
            .filter(|&id| self.sources.get(id).formula().is_some())
            .collect();
        let plan = graph::plan(&formula_cells, &self.dependents, &mut self.scratch);
        self.run_plan(&plan, &seeds, recalc);
        self.refresh_volatile(recalc);
    }

    /// Recomputes the formula cells that call a volatile function (which
    /// cells they read is known only when they are evaluated, so no edge
    /// of the graph says when they are due), then what reads them, round
    /// after round until a round changes nothing: each round settles at
    /// least one more step of `OFFSET`s that read each other, so there are
    /// at most as many rounds as volatile cells. Circular references (and
    /// the cells after them) are walked again in each round, as one of
    /// their cells may be volatile.
    fn refresh_volatile(&mut self, recalc: &mut Recalc) {
        if self.volatile_formulas == 0 {
            return;
        }
        let plan = self.full_plan();
        let cells: Vec<(u32, CellAddr)> = self
            .rank_order
            .iter()
            .filter(|&&id| self.is_volatile(id))
            .map(|&id| (id, self.addr_of(id)))
            .collect();
        let cycles_volatile = plan.cycles.iter().flatten().any(|&id| self.is_volatile(id));
        let mut changed: Vec<u32> = Vec::new();
        for _ in 0..=cells.len() + 1 {
            let before = self.stored_changes;
            if cycles_volatile {
                self.resolve_cycles(&plan, recalc);
            }
            changed = cells
                .iter()
                .filter(|(id, addr)| self.compute_at(*id, *addr, recalc))
                .map(|(id, _)| *id)
                .collect();
            if !changed.is_empty() {
                self.propagate(&changed, recalc);
            }
            if self.stored_changes == before {
                return;
            }
        }
        // Still moving after every round: the volatile cells read each other
        // in a ring, through references made while evaluating.
        let detail: arcstr::ArcStr = arcstr::literal!(
            "circular reference through OFFSET or INDIRECT: the values never settle"
        );
        for &id in &changed {
            let value = Value::Error(CellError::with_detail(ErrorKind::Circular, detail.clone()));
            self.store(id, value, recalc);
        }
        let readers: Vec<u32> = changed
            .iter()
            .flat_map(|&id| self.dependents.readers(id))
            .filter(|id| !changed.contains(id))
            .collect();
        self.propagate(&readers, recalc);
    }

    /// True if cell `id`'s formula calls a volatile function.
    fn is_volatile(&self, id: u32) -> bool {
        self.sources
            .get(id)
            .formula()
            .and_then(|f| self.formulas.get(f as usize))
            .is_some_and(|f| f.as_ref().is_some_and(|f| f.volatile))
    }

    /// Recomputes, in rank order, only the cells whose inputs changed:
    /// a cell is queued when a cell it reads changes, so the work is
    /// proportional to what actually changes. The queue is a bit set over
    /// ranks, read forwards: a cell only ever queues cells of higher rank.
    fn propagate(&mut self, seeds: &[u32], recalc: &mut Recalc) {
        let mut queue = std::mem::take(&mut self.queued);
        queue.resize(self.rank_order.len().div_ceil(64), 0);
        let mut first = usize::MAX;
        // Cells of circular references are not ranked: when one is reached,
        // they are all walked again at the end (see `resolve_cycles`).
        let mut cycles_reached = false;
        let mut enqueue = |id: u32, ranks: &[u32], queue: &mut Vec<u64>| {
            let rank = ranks.get(id as usize).copied().unwrap_or(NO_RANK);
            if rank < IN_CYCLE {
                let rank = rank as usize;
                queue[rank / 64] |= 1 << (rank % 64);
                first = first.min(rank);
            } else if rank == IN_CYCLE {
                cycles_reached = true;
            }
        };
        for &seed in seeds {
            enqueue(seed, &self.ranks, &mut queue);
            for d in self.dependents.readers(seed) {
                enqueue(d, &self.ranks, &mut queue);
            }
        }
        let mut word = first / 64;
        while word < queue.len() {
            let bits = queue[word];
            if bits == 0 {
                word += 1;
                continue;
            }
            let bit = bits.trailing_zeros() as usize;
            queue[word] &= !(1 << bit);
            let rank = word * 64 + bit;
            let id = self.rank_order[rank];
            if let Some(focus) = &mut self.focus
                && !has_bit(&focus.cone, id)
            {
                if set_bit(&mut focus.skipped_bits, id) {
                    focus.skipped.push(id);
                }
                continue;
            }
            // This cell and the queued cells of its row right after it.
            let (n, mut changed) =
                self.compute_ranks(rank, self.rank_order.len(), Some(&queue), recalc);
            for next in rank + 1..rank + n {
                clear_bit(&mut queue, next as u32);
            }
            while changed != 0 {
                let k = changed.trailing_zeros() as usize;
                changed &= changed - 1;
                let id = self.rank_order[rank + k];
                let queue_reader = |d: u32| {
                    let rank = self.ranks[d as usize];
                    if rank < IN_CYCLE {
                        let rank = rank as usize;
                        queue[rank / 64] |= 1 << (rank % 64);
                    } else if rank == IN_CYCLE {
                        cycles_reached = true;
                    }
                };
                // Between formula edits the graph is compact and its readers'
                // ranks lie beside it.
                match self.dependents.compact_span(id) {
                    Some((a, b)) if self.full_plan.is_some() && b <= self.reader_ranks.len() => {
                        for &rank in &self.reader_ranks[a..b] {
                            if rank < IN_CYCLE {
                                let rank = rank as usize;
                                queue[rank / 64] |= 1 << (rank % 64);
                            } else if rank == IN_CYCLE {
                                cycles_reached = true;
                            }
                        }
                    }
                    _ => self.dependents.readers(id).for_each(queue_reader),
                }
            }
        }
        self.queued = queue;
        if cycles_reached && let Some(plan) = self.full_plan.clone() {
            // The cycles and every cell after them, walked as in a full
            // recalculation.
            self.resolve_cycles(&plan, recalc);
        }
    }

    /// The full plan, computed (with the ranks) if a formula changed since.
    fn full_plan(&mut self) -> Arc<graph::Plan> {
        if !self.built {
            self.build_graph();
        }
        if let Some(plan) = &self.full_plan {
            return plan.clone();
        }
        let cells: Vec<u32> = (0..self.sources.len() as u32)
            .filter(|&id| self.sources.get(id).formula().is_some())
            .collect();
        self.dependents.compact();
        let mut plan = graph::plan(&cells, &self.dependents, &mut self.scratch);
        drop(cells);
        // Its marks are a word per cell twice over; the next formula edit
        // makes them again.
        self.scratch = graph::Scratch::default();
        self.ranks.clear();
        self.ranks.resize(self.sources.len(), NO_RANK);
        self.ordered = plan.order.len();
        self.rank_order = std::mem::take(&mut plan.order);
        self.rank_order.extend(&plan.after_cycles);
        self.rank_order.shrink_to_fit();
        for (rank, &id) in self.rank_order.iter().enumerate() {
            self.ranks[id as usize] = rank as u32;
        }
        let plan = Arc::new(plan);
        for &id in plan.cycles.iter().flatten() {
            self.ranks[id as usize] = IN_CYCLE;
        }
        self.reader_ranks.clear();
        self.reader_ranks.extend(
            self.dependents
                .stored()
                .iter()
                .map(|&d| self.ranks.get(d as usize).copied().unwrap_or(NO_RANK)),
        );
        self.full_plan = Some(plan.clone());
        plan
    }

    /// Limits incremental recalculation to `cells` and every cell they read,
    /// directly or not, and stops recording changes: for what-if runs that
    /// read only `cells` over many edits. Cells outside are skipped (left
    /// stale) and remembered; [`Engine::unfocus`] brings them up to date.
    pub fn focus(&mut self, cells: &[CellAddr]) {
        let _context = self.context();
        let n = self.sources.len();
        let words = n.div_ceil(64);
        let mut cone = vec![0u64; words];
        let mut stack: Vec<u32> = cells.iter().filter_map(|&a| self.cell_id(a)).collect();
        for &id in &stack {
            set_bit(&mut cone, id);
        }
        let mut reads = Vec::new();
        while let Some(id) = stack.pop() {
            let Some(formula) = self.sources.get(id).formula() else {
                continue;
            };
            if let Some(Some(f)) = self.formulas.get(formula as usize) {
                reads.clear();
                self.collect_precedents(&f.node, self.addr_of(id), &mut reads);
                for &r in &reads {
                    if set_bit(&mut cone, r) {
                        stack.push(r);
                    }
                }
            }
        }
        self.focus = Some(Focus {
            cone,
            skipped_bits: vec![0; words],
            skipped: Vec::new(),
        });
    }

    /// Ends a focus: recomputes the cells it skipped (and what they reach)
    /// and returns what changed.
    pub fn unfocus(&mut self) -> Recalc {
        let _context = self.context();
        let mut recalc = Recalc::default();
        let Some(focus) = self.focus.take() else {
            return recalc;
        };
        if !focus.skipped.is_empty() && self.built {
            self.full_plan();
            self.propagate(&focus.skipped, &mut recalc);
            self.refresh_volatile(&mut recalc);
        }
        recalc
    }

    /// The recalculation that repeated runs over the same input cells need
    /// while focused (see [`Engine::focus`]): the formula cells of the
    /// focus that read any of `inputs`, directly or not, in evaluation
    /// order, for [`Engine::apply_sweep`]. `None` when that cannot be known
    /// before evaluating (volatile formulas, a circular reference reached)
    /// or there is no focus; recalculate with [`Engine::apply`] then.
    pub fn sweep(&mut self, inputs: &[CellAddr]) -> Option<Sweep> {
        if self.focus.is_none() || self.volatile_formulas > 0 || !self.built {
            return None;
        }
        self.full_plan();
        let seeds: Vec<u32> = inputs.iter().filter_map(|&a| self.cell_id(a)).collect();
        let reached = graph::reachable(&seeds, &self.dependents, &mut self.scratch);
        let focus = self.focus.as_ref()?;
        let mut ranks = vec![0u64; self.rank_order.len().div_ceil(64)];
        let mut first = usize::MAX;
        for id in reached {
            if self.sources.get(id).formula().is_none() || !has_bit(&focus.cone, id) {
                continue;
            }
            let rank = self.ranks[id as usize];
            if rank >= IN_CYCLE {
                return None;
            }
            set_bit(&mut ranks, rank);
            first = first.min(rank as usize);
        }
        Some(Sweep {
            ranks,
            first,
            structure_version: self.structure_version,
        })
    }

    /// Sets constant cells to new numbers and recomputes `sweep`'s cells in
    /// order: what [`Engine::apply`] does for such edits while focused,
    /// without finding again what they reach. Returns false, changing
    /// nothing, if a formula changed since the sweep was made or a cell is
    /// not a constant (then use [`Engine::apply`]).
    pub fn apply_sweep(&mut self, sweep: &Sweep, numbers: &[(CellAddr, f64)]) -> bool {
        let _context = self.context();
        if sweep.structure_version != self.structure_version || self.focus.is_none() {
            return false;
        }
        let constant = |addr: CellAddr| {
            self.cell_id(addr)
                .is_some_and(|id| self.sources.get(id) == Source::Constant)
        };
        if !numbers.iter().all(|&(addr, _)| constant(addr)) {
            return false;
        }
        for &(addr, x) in numbers {
            if let Some(slot) = self.value_slot(addr) {
                *slot = Value::number(x);
                self.stored_changes += 1;
            }
        }
        let mut recalc = Recalc::default();
        let mut word = sweep.first / 64;
        let mut skip_to = 0;
        while word < sweep.ranks.len() {
            let mut bits = sweep.ranks[word];
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let rank = word * 64 + bit;
                if rank < skip_to {
                    continue;
                }
                let (n, _) = self.compute_ranks(
                    rank,
                    self.rank_order.len(),
                    Some(&sweep.ranks),
                    &mut recalc,
                );
                skip_to = rank + n;
            }
            word += 1;
        }
        true
    }

    /// Compiles a free-standing formula (a condition such as
    /// `MIN(cash) < 0`) as if it stood in a period cell of `sheet`, for
    /// [`Engine::evaluate_expression`]. Only its syntax can fail here; an
    /// unknown name shows as `#NAME?` when it is evaluated.
    pub fn compile_expression(&self, text: &str, sheet: u32) -> Result<Node, String> {
        let expr = crate::formula::parse(text).map_err(|e| e.to_string())?;
        Ok(compile::compile(&expr, sheet, self.periods.first_col, self))
    }

    /// Evaluates a compiled expression in period `period` of `sheet`, with
    /// the timeline cut after it: a bare name means this period's value, and
    /// a whole row (`MIN(cash)`) means its periods up to and including
    /// `period`.
    pub fn evaluate_expression(&self, node: &Node, sheet: u32, period: u32) -> Value {
        let _context = self.context();
        let count = (period + 1).min(self.periods.count);
        Evaluator {
            sheets: &self.values,
            periods: Periods {
                first_col: self.periods.first_col,
                count,
            },
            sheet,
            row: 0,
            col: self.periods.first_col + count.saturating_sub(1),
        }
        .eval(node)
    }

    /// The cells an expression evaluated in the last period reads.
    pub fn expression_precedents(&self, node: &Node, sheet: u32) -> Vec<CellAddr> {
        let at = CellAddr::new(
            sheet,
            0,
            self.periods.first_col + self.periods.count.saturating_sub(1),
        );
        let mut out = Vec::new();
        self.collect_precedents(node, at, &mut out);
        out.sort_unstable();
        out.dedup();
        out.into_iter().map(|id| self.addr_of(id)).collect()
    }

    /// The cells a cell's formula reads.
    pub fn precedents(&self, addr: CellAddr) -> Vec<CellAddr> {
        let Some(id) = self.cell_id(addr) else {
            return Vec::new();
        };
        let Some(formula) = self.sources.get(id).formula() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(Some(f)) = self.formulas.get(formula as usize) {
            self.collect_precedents(&f.node, addr, &mut out);
        }
        let mut addrs: Vec<CellAddr> = out.into_iter().map(|id| self.addr_of(id)).collect();
        addrs.sort();
        addrs.dedup();
        addrs
    }

    /// The cells whose formulas read this cell.
    pub fn dependents(&self, addr: CellAddr) -> Vec<CellAddr> {
        let Some(id) = self.cell_id(addr) else {
            return Vec::new();
        };
        let mut addrs: Vec<CellAddr> = self
            .dependents
            .readers(id)
            .map(|id| self.addr_of(id))
            .collect();
        addrs.sort();
        addrs.dedup();
        addrs
    }

    /// `Sheet!C5`-style name of a cell, for messages.
    pub fn cell_name(&self, addr: CellAddr) -> String {
        format!(
            "{}!{}{}",
            self.sheet_name(addr.sheet),
            column_letters(addr.col),
            addr.row + 1
        )
    }

    // ----- internals -----

    /// The first column and number of columns a metric name of `sheet`
    /// covers: the periods, or every column of a grid sheet.
    fn metric_cols(&self, sheet: u32) -> (u32, u32) {
        if self.is_grid(sheet) {
            (0, self.sheet_size(sheet).1)
        } else {
            (self.periods.first_col, self.periods.count)
        }
    }

    fn cell_id(&self, addr: CellAddr) -> Option<u32> {
        let sheet = self.sheets.get(addr.sheet as usize)?;
        if addr.col >= sheet.cols {
            return None;
        }
        let row = *self.values[addr.sheet as usize]
            .order
            .get(addr.row as usize)?;
        Some(sheet.base + row * sheet.cols + addr.col)
    }

    /// The id of the cell at stored row `row` of `sheet`, column `col`.
    fn stored_id(&self, sheet: u32, row: u32, col: u32) -> Option<u32> {
        let meta = self.sheets.get(sheet as usize)?;
        (row < meta.capacity && col < meta.cols).then(|| meta.base + row * meta.cols + col)
    }

    /// The sheet, stored row and column of cell `id`.
    fn stored_addr(&self, id: u32) -> (u32, u32, u32) {
        let sheet_index = self
            .sheets
            .partition_point(|s| s.base <= id)
            .saturating_sub(1);
        let sheet = &self.sheets[sheet_index];
        let local = id - sheet.base;
        (
            sheet_index as u32,
            local / sheet.cols.max(1),
            local % sheet.cols.max(1),
        )
    }

    fn addr_of(&self, id: u32) -> CellAddr {
        let (sheet, row, col) = self.stored_addr(id);
        CellAddr {
            sheet,
            row: self.values[sheet as usize].row_of(row),
            col,
        }
    }

    fn value_by_id(&self, id: u32) -> &Value {
        static EMPTY: Value = Value::Empty;
        let (sheet, row, col) = self.stored_addr(id);
        let values = &self.values[sheet as usize];
        values
            .values
            .get(row as usize * values.n_cols as usize + col as usize)
            .unwrap_or(&EMPTY)
    }

    fn value_slot(&mut self, addr: CellAddr) -> Option<&mut Value> {
        let sheet = self.values.get_mut(addr.sheet as usize)?;
        if addr.col >= sheet.n_cols {
            return None;
        }
        let row = *sheet.order.get(addr.row as usize)?;
        let index = row as usize * sheet.n_cols as usize + addr.col as usize;
        sheet.values.get_mut(index)
    }

    /// Changes inputs and the graph's edges. Returns the cells whose
    /// definition changed, with their value before.
    fn set_input(&mut self, edit: Edit) -> Vec<(u32, Value)> {
        match edit {
            Edit::Rows(change) => {
                self.change_rows(change);
                Vec::new()
            }
            Edit::Metrics { sheet, renames } => {
                self.rename_metrics(sheet, &renames);
                Vec::new()
            }
            Edit::Cell(addr, input) => {
                let Some(id) = self.cell_id(addr) else {
                    return Vec::new();
                };
                let old_value = self.value(addr).clone();
                let old_source = self.sources.get(id);
                let new_source = match input {
                    Input::Empty => match self.row_formula_for(addr) {
                        // The row formula takes over; the cell is recomputed.
                        Some(f) => Source::Row(f),
                        None => {
                            if let Some(slot) = self.value_slot(addr) {
                                *slot = Value::Empty;
                            }
                            Source::Empty
                        }
                    },
                    Input::Constant(value) => {
                        if let Some(slot) = self.value_slot(addr) {
                            *slot = value;
                        }
                        Source::Constant
                    }
                    Input::Formula(text) => {
                        let node = self.compile_text(&text, addr.sheet, addr.col);
                        if let Source::Own(f) = old_source
                            && self.formula_is(f, &node)
                        {
                            return Vec::new();
                        }
                        Source::Own(self.add_compiled(node, Owner::Cell(id)))
                    }
                };
                self.replace_source(id, addr, old_source, new_source);
                vec![(id, old_value)]
            }
            Edit::RowFormula {
                sheet,
                row,
                formula,
            } => {
                let Some(stored) = self
                    .values
                    .get(sheet as usize)
                    .and_then(|v| v.order.get(row as usize))
                    .copied()
                else {
                    return Vec::new();
                };
                let Some(slot) = self
                    .row_formulas
                    .get(sheet as usize)
                    .and_then(|r| r.get(stored as usize))
                    .copied()
                else {
                    return Vec::new();
                };
                let node =
                    formula.map(|text| self.compile_text(&text, sheet, self.periods.first_col));
                if let (Some(old), Some(node)) = (slot, &node)
                    && self.formula_is(old, node)
                {
                    return Vec::new();
                }
                let new_id = node.map(|node| self.add_compiled(node, Owner::Row(sheet, stored)));
                self.row_formulas[sheet as usize][stored as usize] = new_id;
                let mut touched = Vec::new();
                for col in self.periods.first_col..self.periods.first_col + self.periods.count {
                    let addr = CellAddr { sheet, row, col };
                    let Some(id) = self.cell_id(addr) else {
                        continue;
                    };
                    let old_source = self.sources.get(id);
                    if matches!(old_source, Source::Constant | Source::Own(_)) {
                        continue;
                    }
                    let old_value = self.value(addr).clone();
                    let new_source = match new_id {
                        Some(f) => Source::Row(f),
                        None => {
                            if let Some(slot) = self.value_slot(addr) {
                                *slot = Value::Empty;
                            }
                            Source::Empty
                        }
                    };
                    self.replace_source(id, addr, old_source, new_source);
                    touched.push((id, old_value));
                }
                if let Some(old) = slot {
                    self.release_formula(old);
                }
                touched
            }
        }
    }

    fn row_formula_for(&self, addr: CellAddr) -> Option<u32> {
        if !self.periods.contains(addr.col) {
            return None;
        }
        let stored = *self
            .values
            .get(addr.sheet as usize)?
            .order
            .get(addr.row as usize)?;
        *self
            .row_formulas
            .get(addr.sheet as usize)?
            .get(stored as usize)?
    }

    fn replace_source(&mut self, id: u32, addr: CellAddr, old: Source, new: Source) {
        // A formula taken away leaves the full plan's order valid for the
        // cells left (its cell, computed in its turn, changes nothing); a
        // new one needs a new order.
        if old.formula() != new.formula() {
            self.structure_version += 1;
            if new.formula().is_some() {
                self.full_plan = None;
            }
        }
        if self.built {
            if let Some(f) = old.formula() {
                let mut precedents = Vec::new();
                if let Some(Some(formula)) = self.formulas.get(f as usize) {
                    self.collect_precedents(&formula.node, addr, &mut precedents);
                }
                for p in precedents {
                    self.dependents.remove(p, id);
                }
            }
            if let Some(f) = new.formula() {
                self.link(f, id, addr);
            }
        }
        if let Source::Own(f) = old {
            self.release_formula(f);
        }
        self.sources.set(id, new);
    }

    fn link(&mut self, formula: u32, id: u32, addr: CellAddr) {
        let mut precedents = Vec::new();
        if let Some(Some(f)) = self.formulas.get(formula as usize) {
            self.collect_precedents(&f.node, addr, &mut precedents);
        }
        precedents.sort_unstable();
        precedents.dedup();
        for p in precedents {
            self.dependents.add(p, id);
        }
    }

    /// `text` compiled for `sheet` as seen from `anchor_col`; a formula
    /// that does not parse becomes its `#NAME?` error.
    fn compile_text(&self, text: &str, sheet: u32, anchor_col: u32) -> Node {
        match crate::formula::parse(text) {
            Ok(expr) => compile::compile(&expr, sheet, anchor_col, self),
            Err(e) => Node::Const(Value::Error(CellError::with_detail(
                ErrorKind::Name,
                format!("formula error: {e}"),
            ))),
        }
    }

    /// True if formula `id` is `node`, so that setting `node` instead
    /// changes nothing (a formula whose text changed with a rename).
    fn formula_is(&self, id: u32, node: &Node) -> bool {
        matches!(self.formulas.get(id as usize), Some(Some(f)) if f.node == *node)
    }

    fn add_compiled(&mut self, node: Node, owner: Owner) -> u32 {
        let volatile = calls_volatile(&node);
        self.volatile_formulas += usize::from(volatile);
        let spans = rows::spanned_sheets(&node);
        self.spanning_formulas += usize::from(spans != 0);
        let positional = rows::is_positional(&node);
        self.positional_formulas += usize::from(positional);
        let program = self.program_for(&node);
        let reads_own_row = match (owner, &program) {
            (Owner::Row(sheet, row), Some(program)) => program.reads_stored_row(sheet, row),
            _ => None,
        };
        let formula = Formula {
            node,
            volatile,
            program,
            owner,
            spans,
            positional,
            reads_own_row,
        };
        match self.free_formulas.pop() {
            Some(id) => {
                self.formulas[id as usize] = Some(formula);
                id
            }
            None => {
                self.formulas.push(Some(formula));
                (self.formulas.len() - 1) as u32
            }
        }
    }

    fn program_for(&self, node: &Node) -> Option<program::Program> {
        let shapes = program::Shapes {
            sheets: &self.values,
            periods: self.periods,
        };
        program::Program::compile(node, &shapes)
    }

    fn release_formula(&mut self, id: u32) {
        if let Some(slot) = self.formulas.get_mut(id as usize)
            && let Some(formula) = slot.take()
        {
            self.volatile_formulas -= usize::from(formula.volatile);
            self.spanning_formulas -= usize::from(formula.spans != 0);
            self.positional_formulas -= usize::from(formula.positional);
            self.free_formulas.push(id);
        }
    }

    fn build_graph(&mut self) {
        // (cell, a cell that reads it), in reader order.
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let mut precedents = Vec::new();
        for id in 0..self.sources.len() as u32 {
            let Some(f) = self.sources.get(id).formula() else {
                continue;
            };
            let addr = self.addr_of(id);
            precedents.clear();
            if let Some(Some(formula)) = self.formulas.get(f as usize) {
                self.collect_precedents(&formula.node, addr, &mut precedents);
            }
            precedents.sort_unstable();
            precedents.dedup();
            edges.extend(precedents.iter().map(|&p| (p, id)));
        }
        self.dependents = graph::Dependents::from_edges(self.sources.len(), &edges);
        self.full_plan = None;
        self.built = true;
    }

    fn collect_precedents(&self, node: &Node, at: CellAddr, out: &mut Vec<u32>) {
        match node {
            Node::Const(_) | Node::Array(_) => {}
            Node::Cell { sheet, row, col } => {
                if let Some(col) = col.at(at.col)
                    && let Some(id) = self.stored_id(*sheet, *row, col)
                {
                    out.push(id);
                }
            }
            Node::Range {
                sheet,
                row0,
                row1,
                col0,
                col1,
            } => {
                let (Some(a), Some(b)) = (col0.at(at.col), col1.at(at.col)) else {
                    return;
                };
                let Some(meta) = self.sheets.get(*sheet as usize) else {
                    return;
                };
                let (row0, row1) = self.values[*sheet as usize].rows_of(*row0, *row1);
                let last_row = row1.min(meta.rows.saturating_sub(1));
                let last_col = a.max(b).min(meta.cols.saturating_sub(1));
                for row in row0..=last_row {
                    for col in a.min(b)..=last_col {
                        if let Some(id) = self.cell_id(CellAddr::new(*sheet, row, col)) {
                            out.push(id);
                        }
                    }
                }
            }
            Node::Metric { sheet, row, offset } => {
                if !self.is_grid(at.sheet) && !self.periods.contains(at.col) {
                    return;
                }
                let (first, count) = self.metric_cols(*sheet);
                let target = i64::from(at.col) + i64::from(*offset);
                if let Ok(col) = u32::try_from(target)
                    && col >= first
                    && col - first < count
                    && let Some(id) = self.stored_id(*sheet, *row, col)
                {
                    out.push(id);
                }
            }
            Node::MetricRow { sheet, row } => {
                let (first, count) = self.metric_cols(*sheet);
                for col in first..first.saturating_add(count) {
                    if let Some(id) = self.stored_id(*sheet, *row, col) {
                        out.push(id);
                    }
                }
            }
            Node::Negate(inner)
            | Node::Plus(inner)
            | Node::Percent(inner)
            | Node::Elementwise(inner) => self.collect_precedents(inner, at, out),
            Node::Binary(_, left, right) | Node::RangeOp(left, right) => {
                self.collect_precedents(left, at, out);
                self.collect_precedents(right, at, out);
            }
            Node::Call { args, .. } => {
                for arg in args {
                    self.collect_precedents(arg, at, out);
                }
            }
        }
    }

    /// Evaluates a plan of the cells `seeds` reach: a cell is only
    /// evaluated when a seed or a cell it reads changed (early cut-off).
    fn run_plan(&mut self, plan: &graph::Plan, seeds: &[u32], recalc: &mut Recalc) {
        self.needed.clear(self.sources.len());
        for &seed in seeds {
            self.needed.insert(seed);
            for d in self.dependents.readers(seed) {
                self.needed.insert(d);
            }
        }
        for &id in &plan.order {
            if self.needed.contains(id) && self.compute(id, recalc) {
                for d in self.dependents.readers(id) {
                    self.needed.insert(d);
                }
            }
        }
        self.resolve_cycles(plan, recalc);
    }

    /// Computes the cells of a plan's circular references and the cells
    /// that wait on them, following the references each formula actually
    /// reads now: a branch of `IF`, `CHOOSE`, `IFERROR` or `IFNA` that is
    /// not taken is not followed, so a cycle through it is no cycle (as in
    /// spreadsheets, which never compute that branch). Each cell is computed
    /// after the cells it reads (a depth-first walk); cells that really read
    /// each other get `#CIRC!` with the cycle's path, and cells that read
    /// them compute with that error.
    ///
    /// The cycles are taken upstream first (the plan lists them downstream
    /// first), each from its lowest cell, so a full and an incremental
    /// recalculation walk them alike.
    fn resolve_cycles(&mut self, plan: &graph::Plan, recalc: &mut Recalc) {
        let mut region: Vec<u32> = Vec::new();
        for cycle in plan.cycles.iter().rev() {
            let start = region.len();
            region.extend(cycle);
            region[start..].sort_unstable();
        }
        region.extend(&plan.after_cycles);
        if region.is_empty() {
            return;
        }
        let words = self.sources.len().div_ceil(64);
        let mut pending = vec![0u64; words];
        let mut on_stack = vec![0u64; words];
        for &id in &region {
            set_bit(&mut pending, id);
        }
        let mut scratch = Vec::new();
        let mut stack: Vec<u32> = Vec::new();
        for &start in &region {
            if !has_bit(&pending, start) {
                continue;
            }
            set_bit(&mut on_stack, start);
            stack.push(start);
            while let Some(&top) = stack.last() {
                let addr = self.addr_of(top);
                let blocker = match self.sources.get(top).formula() {
                    Some(f) => match self.formulas.get(f as usize) {
                        Some(Some(formula)) => {
                            self.live_blocker(&formula.node, addr, &pending, &mut scratch)
                        }
                        _ => None,
                    },
                    None => None,
                };
                match blocker {
                    None => {
                        self.compute_at(top, addr, recalc);
                        clear_bit(&mut pending, top);
                        clear_bit(&mut on_stack, top);
                        stack.pop();
                    }
                    Some(next) if has_bit(&on_stack, next) => {
                        // `next` is already waiting below: the cells from it
                        // to the top read each other in a ring.
                        let from = stack.iter().rposition(|&c| c == next).unwrap_or(0);
                        let cycle = canonical_cycle(&stack[from..]);
                        let detail = self.cycle_message(&cycle);
                        for &id in &cycle {
                            let value = Value::Error(CellError::with_detail(
                                ErrorKind::Circular,
                                detail.clone(),
                            ));
                            self.store(id, value, recalc);
                            clear_bit(&mut pending, id);
                            clear_bit(&mut on_stack, id);
                        }
                        stack.truncate(from);
                    }
                    Some(next) => {
                        set_bit(&mut on_stack, next);
                        stack.push(next);
                    }
                }
            }
        }
    }

    /// The first cell of `pending` that evaluating `node` at `at` reads
    /// with the current values: the branches of `IF`, `CHOOSE`, `IFERROR`
    /// and `IFNA` that are not taken are not followed (their condition is
    /// evaluated once nothing it reads is pending).
    fn live_blocker(
        &self,
        node: &Node,
        at: CellAddr,
        pending: &[u64],
        scratch: &mut Vec<u32>,
    ) -> Option<u32> {
        match node {
            Node::Const(_) => None,
            Node::Negate(inner) | Node::Plus(inner) | Node::Percent(inner) => {
                self.live_blocker(inner, at, pending, scratch)
            }
            Node::Binary(_, left, right) => self
                .live_blocker(left, at, pending, scratch)
                .or_else(|| self.live_blocker(right, at, pending, scratch)),
            Node::Call { function, args } => {
                let evaluator = Evaluator {
                    sheets: &self.values,
                    periods: self.periods,
                    sheet: at.sheet,
                    row: at.row,
                    col: at.col,
                };
                let branching = matches!(function.name, "IF" | "CHOOSE" | "IFERROR" | "IFNA");
                if let (true, Some(head)) = (branching, args.first()) {
                    if let Some(blocker) = self.live_blocker(head, at, pending, scratch) {
                        return Some(blocker);
                    }
                    if let Some(chosen) = evaluator.chosen_branch(function.name, args) {
                        return match chosen {
                            eval::Chosen::Branch(branch) => {
                                self.live_blocker(branch, at, pending, scratch)
                            }
                            eval::Chosen::Value(_) => None,
                        };
                    }
                    if let [value, fallback] = args.as_slice() {
                        let falls_back = match evaluator.eval_fast(value) {
                            Value::Error(e) => {
                                function.name == "IFERROR" || e.kind == ErrorKind::NA
                            }
                            _ => false,
                        };
                        return if falls_back {
                            self.live_blocker(fallback, at, pending, scratch)
                        } else {
                            None
                        };
                    }
                }
                args.iter()
                    .find_map(|arg| self.live_blocker(arg, at, pending, scratch))
            }
            leaf => {
                scratch.clear();
                self.collect_precedents(leaf, at, scratch);
                scratch.iter().copied().find(|&id| has_bit(pending, id))
            }
        }
    }

    /// Evaluates one formula cell and stores its value; true if it changed.
    fn compute(&mut self, id: u32, recalc: &mut Recalc) -> bool {
        let addr = self.addr_of(id);
        self.compute_at(id, addr, recalc)
    }

    /// [`Engine::compute`] for a cell whose address is known.
    fn compute_at(&mut self, id: u32, addr: CellAddr, recalc: &mut Recalc) -> bool {
        let Some(formula) = self.sources.get(id).formula() else {
            return false;
        };
        let fast = match self.formulas.get(formula as usize) {
            Some(Some(Formula {
                program: Some(program),
                ..
            })) => {
                let at = (addr.sheet, addr.col);
                program.run(&self.values, self.periods, at, 1, &mut self.lanes)[0]
            }
            _ => f64::NAN,
        };
        if !fast.is_nan() {
            recalc.evaluated += 1;
            return self.store_number(id, addr, fast, recalc);
        }
        self.compute_slowly(formula, addr, recalc)
    }

    /// Computes a formula cell that its program (if any) gave up on: an
    /// error it only passes on, or else the interpreter's value.
    fn compute_slowly(&mut self, formula: u32, addr: CellAddr, recalc: &mut Recalc) -> bool {
        let value = match self.formulas.get(formula as usize) {
            Some(Some(f)) => {
                let passed_on = f.program.as_ref().and_then(|program| {
                    program.passed_on_error(&self.values, self.periods, (addr.sheet, addr.col))
                });
                match passed_on {
                    Some(error) => error.clone(),
                    None => Evaluator {
                        sheets: &self.values,
                        periods: self.periods,
                        sheet: addr.sheet,
                        row: addr.row,
                        col: addr.col,
                    }
                    .eval_fast(&f.node),
                }
            }
            _ => Value::error(ErrorKind::Ref),
        };
        recalc.evaluated += 1;
        // As in spreadsheets, a formula never shows a blank: `=A1` of an
        // empty A1 is 0.
        let value = if value.is_empty() {
            Value::Number(0.0)
        } else {
            value
        };
        self.store_at(addr, value, recalc)
    }

    /// Computes the cell at `rank` of the full plan and, when it follows a
    /// row formula that compiled to a program, the neighbouring period
    /// cells of its row that come right after it in rank order, in one run
    /// of the program (they cannot read each other: a cell between them
    /// in rank order would break the run, and a formula reading its own
    /// row is computed cell by cell). With `queued`, only ranks queued
    /// there (and inside the focus, if any) join the run. Returns how many
    /// ranks it computed, and which of them changed (bit `k` for
    /// `rank + k`).
    fn compute_ranks(
        &mut self,
        rank: usize,
        limit: usize,
        queued: Option<&[u64]>,
        recalc: &mut Recalc,
    ) -> (usize, u64) {
        let id = self.rank_order[rank];
        let (sheet, stored_row, col) = self.stored_addr(id);
        let addr = CellAddr::new(sheet, self.values[sheet as usize].row_of(stored_row), col);
        let source = self.sources.get(id);
        let (formula, program) = match source {
            Source::Row(f) => match self.formulas.get(f as usize) {
                Some(Some(Formula {
                    program: Some(program),
                    reads_own_row,
                    ..
                })) if !reads_own_row
                    .unwrap_or_else(|| program.reads_row(&self.values, sheet, stored_row)) =>
                {
                    (f, program)
                }
                _ => return (1, u64::from(self.compute_at(id, addr, recalc))),
            },
            _ => return (1, u64::from(self.compute_at(id, addr, recalc))),
        };
        // Cells of a row are numbered column after column; the next column
        // in the next rank, under the same row formula, joins the run.
        let n_cols = self.sheets[addr.sheet as usize].cols;
        let packed = self.sources.0[id as usize];
        let joins = |next: usize| {
            let next_id = id + (next - rank) as u32;
            next < limit
                && addr.col + ((next - rank) as u32) < n_cols
                && self.rank_order[next] == next_id
                && self.sources.0[next_id as usize] == packed
                && queued.is_none_or(|bits| has_bit(bits, next as u32))
                && self
                    .focus
                    .as_ref()
                    .is_none_or(|focus| has_bit(&focus.cone, self.rank_order[next]))
        };
        let mut n = 1;
        while n < program::LANES && joins(rank + n) {
            n += 1;
        }
        let mut results = [0.0; program::LANES];
        results[..n].copy_from_slice(program.run(
            &self.values,
            self.periods,
            (addr.sheet, addr.col),
            n,
            &mut self.lanes,
        ));
        let mut changed = 0u64;
        for (k, &x) in results[..n].iter().enumerate() {
            let addr = CellAddr::new(addr.sheet, addr.row, addr.col + k as u32);
            let stored = if x.is_nan() {
                self.compute_slowly(formula, addr, recalc)
            } else {
                recalc.evaluated += 1;
                self.store_number(id + k as u32, addr, x, recalc)
            };
            changed |= u64::from(stored) << k;
        }
        (n, changed)
    }

    /// [`Engine::store_at`] for a number in cell `id` (at `addr`), quick
    /// when it did not change.
    fn store_number(&mut self, id: u32, addr: CellAddr, x: f64, recalc: &mut Recalc) -> bool {
        let quiet = self.focus.is_some() || self.silent;
        // A sheet's values are laid out as its cell ids are.
        let index = (id - self.sheets[addr.sheet as usize].base) as usize;
        if let Some(Value::Number(old)) = self.values[addr.sheet as usize].values.get_mut(index) {
            if *old == x {
                return false;
            }
            // A number over a number is a plain write, and its record is
            // made without going through `Value`s.
            if x.is_finite() {
                let before = std::mem::replace(old, x);
                self.stored_changes += 1;
                if !quiet {
                    let grid = self.values[addr.sheet as usize].grid;
                    // Made where it is stored, once there is room: a
                    // change made first and then moved in stalls on
                    // reading back what was just written in pieces.
                    recalc.changes.extend(std::iter::once_with(|| Change {
                        sheet: addr.sheet,
                        row: addr.row,
                        col: addr.col,
                        grid,
                        old: Value::Number(before),
                        new: Value::Number(x),
                    }));
                }
                return true;
            }
        }
        self.store_at(addr, Value::number(x), recalc)
    }

    /// Stores a value; records and returns whether it changed.
    fn store(&mut self, id: u32, value: Value, recalc: &mut Recalc) -> bool {
        let addr = self.addr_of(id);
        self.store_at(addr, value, recalc)
    }

    /// Stores a value at a known address; records and returns whether it changed.
    fn store_at(&mut self, addr: CellAddr, value: Value, recalc: &mut Recalc) -> bool {
        let quiet = self.focus.is_some() || self.silent;
        let Some(slot) = self.value_slot(addr) else {
            return false;
        };
        if slot.same_as(&value) {
            return false;
        }
        if quiet {
            *slot = value;
            self.stored_changes += 1;
            return true;
        }
        let old = std::mem::replace(slot, value.clone());
        self.stored_changes += 1;
        recalc.changes.push(Change {
            sheet: addr.sheet,
            row: addr.row,
            col: addr.col,
            grid: self.is_grid(addr.sheet),
            old,
            new: value,
        });
        true
    }

    fn cycle_message(&self, cycle: &[u32]) -> arcstr::ArcStr {
        const SHOWN: usize = 8;
        let mut names: Vec<String> = cycle
            .iter()
            .take(SHOWN)
            .map(|&id| self.cell_name(self.addr_of(id)))
            .collect();
        if cycle.len() > SHOWN {
            names.push(format!("… ({} cells)", cycle.len()));
        } else if let Some(first) = names.first().cloned() {
            names.push(first);
        }
        arcstr::ArcStr::from(format!("circular reference: {}", names.join(" → ")))
    }
}

impl Resolver for Engine {
    fn sheet(&self, name: &str) -> Option<u32> {
        self.sheet_index(name)
    }

    fn stored_row(&self, sheet: u32, row: u32) -> u32 {
        self.values
            .get(sheet as usize)
            .map_or(row, |values| values.stored(row))
    }

    fn metric(&self, sheet: u32, name: &str) -> Option<u32> {
        let key = name.to_lowercase();
        if let Some(row) = self
            .sheets
            .get(sheet as usize)
            .and_then(|s| s.metrics.get(&key))
        {
            return Some(*row);
        }
        None
    }

    fn defined_name(&self, sheet: u32, name: &str, local_only: bool) -> Option<&Expr> {
        if self.defined.is_empty() {
            return None;
        }
        let key = name.to_lowercase();
        // The key is moved in and out so that no second String is built.
        let mut lookup = (Some(sheet), key);
        if let Some(expr) = self.defined.get(&lookup) {
            return Some(expr);
        }
        if local_only {
            return None;
        }
        lookup.0 = None;
        self.defined.get(&lookup)
    }
}

/// A defined name's target with every cell reference made absolute, so that
/// the name means the same cells wherever it is used.
fn absolute(expr: Expr) -> Expr {
    let fix = |cell: crate::formula::CellRef| crate::formula::CellRef {
        row_abs: true,
        col_abs: true,
        ..cell
    };
    match expr {
        Expr::Reference(Reference::Cell { sheet, cell }) => Expr::Reference(Reference::Cell {
            sheet,
            cell: fix(cell),
        }),
        Expr::Reference(Reference::Range { sheet, start, end }) => {
            Expr::Reference(Reference::Range {
                sheet,
                start: fix(start),
                end: fix(end),
            })
        }
        Expr::Reference(Reference::Lines {
            sheet,
            axis,
            start,
            end,
        }) => Expr::Reference(Reference::Lines {
            sheet,
            axis,
            start: crate::formula::LineRef { abs: true, ..start },
            end: crate::formula::LineRef { abs: true, ..end },
        }),
        other => other,
    }
}

/// Rank of a cell that is not a formula cell.
const NO_RANK: u32 = u32::MAX;
/// Rank of a cell in a circular reference: never recomputed by value edits.
const IN_CYCLE: u32 = u32::MAX - 1;

/// A set of cells that is cleared in constant time (epoch stamps).
#[derive(Debug, Default)]
struct Marks {
    stamp: Vec<u32>,
    epoch: u32,
}

impl Marks {
    fn clear(&mut self, n_cells: usize) {
        if self.stamp.len() < n_cells {
            self.stamp.resize(n_cells, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
    }

    /// Adds a cell; true if it was not in the set.
    fn insert(&mut self, cell: u32) -> bool {
        match self.stamp.get_mut(cell as usize) {
            Some(slot) if *slot != self.epoch => {
                *slot = self.epoch;
                true
            }
            _ => false,
        }
    }

    fn contains(&self, cell: u32) -> bool {
        self.stamp.get(cell as usize) == Some(&self.epoch)
    }
}

/// Column letters for a zero-based column: 0 → `A`, 27 → `AB`.
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every formula cell's value as the interpreter computes it alone,
    /// next to the value a full recalculation (programs in runs) stored.
    fn assert_runs_match_the_interpreter(doc: &crate::model::document::WorkbookFile, name: &str) {
        let (mut engine, _) = crate::model::build_engine(doc);
        engine.recalc_all();
        let mut compiled = 0;
        for id in 0..engine.sources.len() as u32 {
            let Some(f) = engine.sources.get(id).formula() else {
                continue;
            };
            let Some(Some(formula)) = engine.formulas.get(f as usize) else {
                continue;
            };
            compiled += usize::from(formula.program.is_some());
            let addr = engine.addr_of(id);
            let exact = Evaluator {
                sheets: &engine.values,
                periods: engine.periods,
                sheet: addr.sheet,
                row: addr.row,
                col: addr.col,
            }
            .eval_fast(&formula.node);
            let exact = if exact.is_empty() {
                Value::Number(0.0)
            } else {
                exact
            };
            assert!(
                exact.same_as(engine.value(addr)),
                "{name}, {}: interpreter {exact:?}, stored {:?}",
                engine.cell_name(addr),
                engine.value(addr)
            );
        }
        assert!(compiled > 0, "{name}: some formulas compile to programs");
    }

    #[test]
    fn full_recalculation_in_runs_matches_the_interpreter() {
        for seed in [1, 42] {
            let doc = crate::model::generate::founder_model(300, 36, seed);
            assert_runs_match_the_interpreter(&doc, &format!("generated model {seed}"));
        }
        for sample in ["edtech-growth", "saas", "funnel"] {
            let path = format!("{}/models/{sample}.ron", env!("CARGO_MANIFEST_DIR"));
            let doc = crate::model::io::load(std::path::Path::new(&path)).expect("sample loads");
            assert_runs_match_the_interpreter(&doc, sample);
        }
    }

    #[test]
    fn a_renamed_metric_keeps_the_plan_of_the_formulas_that_use_it() {
        let doc = crate::model::generate::founder_model(40, 6, 7);
        let (mut engine, _) = crate::model::build_engine(&doc);
        let reader = doc.sheets[0]
            .rows
            .iter()
            .position(|r| r.formula.contains("metric_5 "))
            .expect("a formula reads metric_5") as u32;
        let version = engine.structure_version;
        engine.rename_metrics(0, &[(5, "metric_5".into(), "Leads".into())]);
        let text = doc.sheets[0].rows[reader as usize]
            .formula
            .replace("metric_5 ", "LEADS ")
            .replace("metric_5)", "LEADS)")
            .replace("metric_5[", "LEADS[")
            .replace("metric_5,", "LEADS,");
        let recalc = engine.apply(&[Edit::RowFormula {
            sheet: 0,
            row: reader,
            formula: Some(text),
        }]);
        assert_eq!(
            recalc.evaluated, 0,
            "the same formula is not computed again"
        );
        assert!(recalc.changes.is_empty());
        assert_eq!(engine.structure_version, version, "the plan holds");
        // A different formula still replaces it.
        let recalc = engine.apply(&[Edit::RowFormula {
            sheet: 0,
            row: reader,
            formula: Some("=leads * 2".into()),
        }]);
        assert!(engine.structure_version > version);
        let leads = engine
            .value(CellAddr::new(0, 5, crate::model::FIRST_PERIOD_COL))
            .clone();
        let doubled = engine.value(CellAddr::new(0, reader, crate::model::FIRST_PERIOD_COL));
        assert_eq!(doubled.as_number(), leads.as_number().map(|x| x * 2.0));
        assert!(!recalc.changes.is_empty());
    }
}
