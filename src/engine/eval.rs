//! The interpreter: evaluates a compiled [`Node`] for one cell, reading the
//! current values of the cells it refers to.

use std::cmp::Ordering;

use crate::engine::coerce;
use crate::engine::compile::Node;
use crate::engine::functions::{self, Arg, Array, RangeRef, args::implicit_intersection};
use crate::engine::value::{CellError, ErrorKind, Value};
use crate::formula::BinaryOp;

/// The most cells a range given to a function may have (2^24: sixteen
/// whole columns). Functions such as `COUNTIF`, `XNPV` or `TEXTJOIN` read
/// or copy every cell of a range, blank or not, so `A1:XFD1048576` (17
/// billion cells) would exhaust memory or freeze the editor; a bigger range
/// is `#NUM!` with a message instead.
pub const MAX_RANGE_CELLS: u64 = 1 << 24;

/// A compiled row at or past this names the sheet's row `row - FIXED_ROW`
/// whatever is stored there: rows past the sheet's end, and the ends of
/// whole columns (`A:A`). Rows below it are stored rows, which keep their
/// cells when rows are inserted, deleted or moved around them.
pub const FIXED_ROW: u32 = 1 << 30;

/// The stored values of one sheet: a row-major grid of stored rows, and
/// the order the sheet shows them in. Inserting, deleting or moving rows
/// changes the order (and appends stored rows) instead of moving values,
/// so that compiled references and the dependency graph, which name
/// stored rows, stay valid.
#[derive(Debug, Clone, Default)]
pub struct SheetValues {
    /// Columns per row.
    pub n_cols: u32,
    /// `stored rows × n_cols` values.
    pub values: Vec<Value>,
    /// The stored row of each sheet row, top to bottom.
    pub order: Vec<u32>,
    /// The sheet row of each stored row (for the stored row of a deleted
    /// row, where it stood until its references are rewritten).
    pub position: Vec<u32>,
    /// The sheet's name, for `INDIRECT`.
    pub name: String,
    /// True for a grid sheet (see [`crate::model::document::Layout::Grid`]):
    /// a metric name on it means the named row at the formula's own column,
    /// and a whole-row name means every column of the row.
    pub grid: bool,
}

impl SheetValues {
    /// A sheet of `values`, `n_cols` to a row, stored in sheet order.
    pub fn new(n_cols: u32, values: Vec<Value>, name: &str, grid: bool) -> SheetValues {
        let rows = if n_cols == 0 {
            0
        } else {
            (values.len() / n_cols as usize) as u32
        };
        SheetValues {
            n_cols,
            values,
            order: (0..rows).collect(),
            position: (0..rows).collect(),
            name: name.to_string(),
            grid,
        }
    }

    /// Number of rows of the sheet.
    pub fn n_rows(&self) -> u32 {
        self.order.len() as u32
    }

    /// The compiled form of sheet row `row`: its stored row, or past the
    /// sheet's end a fixed row (see [`FIXED_ROW`]).
    pub fn stored(&self, row: u32) -> u32 {
        match self.order.get(row as usize) {
            Some(&stored) => stored,
            None => FIXED_ROW.saturating_add(row),
        }
    }

    /// The sheet row a compiled row stands for now (the inverse of
    /// [`SheetValues::stored`]).
    pub fn row_of(&self, stored: u32) -> u32 {
        if stored >= FIXED_ROW {
            return stored - FIXED_ROW;
        }
        self.position
            .get(stored as usize)
            .copied()
            .unwrap_or(stored)
    }

    /// The sheet rows of a compiled span of rows, top first.
    pub fn rows_of(&self, first: u32, last: u32) -> (u32, u32) {
        let (a, b) = (self.row_of(first), self.row_of(last));
        (a.min(b), a.max(b))
    }

    fn range(&self, row0: u32, col0: u32, rows: u32, cols: u32) -> RangeRef<'_> {
        RangeRef {
            // A sheet without rows holds nothing (an empty order would read
            // as values in sheet order).
            data: if self.order.is_empty() {
                &[]
            } else {
                &self.values
            },
            stride: self.n_cols as usize,
            order: &self.order,
            row0,
            col0,
            rows,
            cols,
        }
    }
}

/// The period columns shared by every sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// Column of the first period.
    pub first_col: u32,
    /// Number of periods.
    pub count: u32,
}

impl Periods {
    /// True if `col` is a period column.
    pub fn contains(&self, col: u32) -> bool {
        col >= self.first_col && col - self.first_col < self.count
    }
}

/// Everything needed to evaluate one cell's formula.
#[derive(Clone, Copy)]
pub struct Evaluator<'a> {
    /// All sheets' current values.
    pub sheets: &'a [SheetValues],
    /// The timeline's columns.
    pub periods: Periods,
    /// The cell being computed: sheet, row, column.
    pub sheet: u32,
    /// Row of the cell being computed.
    pub row: u32,
    /// Column of the cell being computed.
    pub col: u32,
}

static EMPTY: Value = Value::Empty;

/// Functions whose result counts the blank cells of a range or its size
/// (`TEXTJOIN` keeps empty cells unless told not to): they get whole
/// columns and rows at their full size.
const COUNTS_BLANKS: [&str; 4] = ["COUNTBLANK", "ROWS", "COLUMNS", "TEXTJOIN"];

/// What a branching function (`IF`, `CHOOSE`) returns: one of its
/// arguments, not yet evaluated, or a value of its own (an error in the
/// condition, `FALSE` from an `IF` without an else branch).
pub(crate) enum Chosen<'a> {
    /// The argument chosen.
    Branch(&'a Node),
    /// The function's own result.
    Value(Value),
}

impl<'a> Evaluator<'a> {
    /// Evaluates `node` to a single value.
    pub fn eval(&self, node: &'a Node) -> Value {
        match node {
            Node::Const(v) => v.clone(),
            // In one cell an array constant shows its first value, as in Excel.
            Node::Array(array) => array.data.first().cloned().unwrap_or(Value::Empty),
            Node::Elementwise(inner) => self.array_arg(inner).scalar(),
            Node::RangeOp(..) => self.arg(node).scalar(),
            Node::Cell { sheet, row, col } => match col.at(self.col) {
                Some(col) => self.cell(*sheet, *row, col).clone(),
                None => Value::error(ErrorKind::Ref),
            },
            Node::Metric { sheet, row, offset } => match self.metric_col(*sheet, *offset) {
                Ok(Some(col)) => self.cell(*sheet, *row, col).clone(),
                Ok(None) => Value::Empty,
                Err(e) => Value::Error(e),
            },
            Node::Range { .. } | Node::MetricRow { .. } => match self.arg(node) {
                Arg::Range { range, at } => implicit_intersection(&range, at),
                other => other.scalar(),
            },
            Node::Negate(inner) => match coerce::to_number(&self.eval(inner)) {
                Ok(n) => Value::number(-n),
                Err(e) => Value::Error(e),
            },
            Node::Plus(inner) => self.eval(inner),
            Node::Percent(inner) => match coerce::to_number(&self.eval(inner)) {
                Ok(n) => Value::number(n / 100.0),
                Err(e) => Value::Error(e),
            },
            Node::Binary(op, left, right) => {
                let (left, right) = (self.eval(left), self.eval(right));
                // The common case first: arithmetic on two numbers.
                if let (Value::Number(a), Value::Number(b)) = (&left, &right)
                    && matches!(
                        op,
                        BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide
                    )
                {
                    return arithmetic(*op, *a, *b);
                }
                binary(*op, &left, &right)
            }
            Node::Call { function, args } => {
                if let Some(value) = self.lazy_call(function.name, args) {
                    return value;
                }
                let array = function.array_args;
                let full = COUNTS_BLANKS.contains(&function.name);
                // Most calls have a few arguments: keep them off the heap.
                let args: smallvec::SmallVec<[Arg<'a>; 4]> = args
                    .iter()
                    .map(|a| {
                        if array {
                            self.array_arg(a)
                        } else if full {
                            self.arg_sized(a, false)
                        } else {
                            self.arg(a)
                        }
                    })
                    .collect();
                (function.implementation)(&args)
            }
        }
    }

    /// `IF`, `CHOOSE`, `IFERROR` and `IFNA` evaluate only the branch they
    /// return, as in spreadsheets: same results as the registry's versions,
    /// without computing the branches that are thrown away.
    fn lazy_call(&self, name: &str, args: &'a [Node]) -> Option<Value> {
        if let Some(chosen) = self.chosen_branch(name, args) {
            return Some(match chosen {
                Chosen::Branch(branch) => self.eval_fast(branch),
                Chosen::Value(value) => value,
            });
        }
        match (name, args) {
            // The formula's own row and column.
            ("ROW", []) => return Some(Value::Number(f64::from(self.row) + 1.0)),
            ("COLUMN", []) => return Some(Value::Number(f64::from(self.col) + 1.0)),
            // A random number is the cell's own for this recalculation.
            ("RAND", []) => {
                let x = functions::clock::rand_at(self.sheet, self.row, self.col);
                return Some(Value::Number(x));
            }
            ("RANDBETWEEN", [bottom, top]) => {
                let bounds = [self.arg(bottom), self.arg(top)];
                let at = (self.sheet, self.row, self.col);
                return Some(match functions::clock::randbetween_at(&bounds, at) {
                    Ok(x) => Value::Number(x),
                    Err(e) => Value::Error(e),
                });
            }
            ("INDIRECT", _) => return Some(self.indirect(args).scalar()),
            ("OFFSET", _) => return Some(self.offset(args).scalar()),
            _ => {}
        }
        match (name, args) {
            ("IFERROR", [value, fallback]) => {
                let value = self.eval_fast(value);
                Some(if value.is_error() {
                    self.eval_fast(fallback)
                } else {
                    value
                })
            }
            ("IFNA", [value, fallback]) => {
                let value = self.eval_fast(value);
                let is_na = matches!(&value, Value::Error(e) if e.kind == ErrorKind::NA);
                Some(if is_na {
                    self.eval_fast(fallback)
                } else {
                    value
                })
            }
            _ => None,
        }
    }

    /// Evaluates a function argument: references stay references.
    fn arg(&self, node: &'a Node) -> Arg<'a> {
        self.arg_sized(node, true)
    }

    /// [`Evaluator::arg`]; with `clip`, a range to the sheet's last row or
    /// column ends where the stored cells end (see
    /// [`Evaluator::clip_whole_lines`]).
    fn arg_sized(&self, node: &'a Node, clip: bool) -> Arg<'a> {
        let at = (self.row, self.col);
        match node {
            Node::Cell { sheet, row, col } => match col.at(self.col) {
                Some(col) => {
                    let target = self.sheet_values(*sheet);
                    Arg::Range {
                        range: target.range(target.row_of(*row), col, 1, 1),
                        at,
                    }
                }
                None => Arg::Value(Value::error(ErrorKind::Ref)),
            },
            Node::Range {
                sheet,
                row0,
                row1,
                col0,
                col1,
            } => match (col0.at(self.col), col1.at(self.col)) {
                (Some(a), Some(b)) => {
                    let (c0, c1) = (a.min(b), a.max(b));
                    let target = self.sheet_values(*sheet);
                    let (row0, row1) = target.rows_of(*row0, *row1);
                    let (last_row, c1) = if clip {
                        self.clip_whole_lines(row0, row1, c0, c1)
                    } else {
                        (row1, c1)
                    };
                    let cells = u64::from(last_row - row0 + 1) * u64::from(c1 - c0 + 1);
                    if cells > MAX_RANGE_CELLS {
                        return Arg::Value(Value::Error(CellError::with_detail(
                            ErrorKind::Num,
                            format!(
                                "the range has {cells} cells; a function reads at most \
                                 {MAX_RANGE_CELLS} (16 columns of a million rows)"
                            ),
                        )));
                    }
                    Arg::Range {
                        range: target.range(row0, c0, last_row - row0 + 1, c1 - c0 + 1),
                        at,
                    }
                }
                _ => Arg::Value(Value::error(ErrorKind::Ref)),
            },
            Node::MetricRow { sheet, row } => {
                let target = self.sheet_values(*sheet);
                let (first, count) = if target.grid {
                    (0, target.n_cols)
                } else {
                    (self.periods.first_col, self.periods.count)
                };
                Arg::Range {
                    range: target.range(target.row_of(*row), first, 1, count),
                    at,
                }
            }
            Node::Metric { sheet, row, offset } => match self.metric_col(*sheet, *offset) {
                Ok(Some(col)) => {
                    let target = self.sheet_values(*sheet);
                    Arg::Range {
                        range: target.range(target.row_of(*row), col, 1, 1),
                        at,
                    }
                }
                Ok(None) => Arg::Value(Value::Empty),
                Err(e) => Arg::Value(Value::Error(e)),
            },
            Node::Array(array) => Arg::Array(array.clone()),
            Node::Elementwise(inner) => self.array_arg(inner),
            Node::RangeOp(left, right) => self.range_op(left, right),
            Node::Call { function, args } if function.name == "INDIRECT" => self.indirect(args),
            Node::Call { function, args } if function.name == "OFFSET" => self.offset(args),
            Node::Call { function, args } if function.name == "INDEX" => {
                let evaluated: smallvec::SmallVec<[Arg<'a>; 3]> =
                    args.iter().map(|a| self.arg(a)).collect();
                match crate::engine::functions::reference::index_range(&evaluated) {
                    Some(Ok((range, at))) => Arg::Range { range, at },
                    Some(Err(e)) => Arg::Value(Value::Error(e)),
                    None => Arg::Value((function.implementation)(&evaluated)),
                }
            }
            // `SUM(FILTER(…))`: an array function hands on its array.
            Node::Call { function, args } if function.array_result.is_some() => {
                let evaluated: smallvec::SmallVec<[Arg<'a>; 4]> =
                    args.iter().map(|a| self.array_arg(a)).collect();
                match function.array_result.map(|f| f(&evaluated)) {
                    Some(Ok(array)) => Arg::Array(array),
                    Some(Err(e)) => Arg::Value(Value::Error(e)),
                    None => Arg::Value(Value::Empty),
                }
            }
            Node::Call { function, args } => match self.chosen_branch(function.name, args) {
                // `SUM(IF(x, A1:A3, B1:B3))`, `SUM(CHOOSE(2, A1:A2, A1:A3))`:
                // the branch chosen is a reference, and stays one.
                Some(Chosen::Branch(branch)) => self.arg(branch),
                Some(Chosen::Value(value)) => Arg::Value(value),
                None => Arg::Value(self.eval_fast(node)),
            },
            _ => Arg::Value(self.eval_fast(node)),
        }
    }

    /// `left:right` between references on one sheet: the smallest range
    /// holding both (`#VALUE!` if a side is not a reference or they are on
    /// different sheets).
    fn range_op(&self, left: &'a Node, right: &'a Node) -> Arg<'a> {
        let (left, right) = (self.arg(left), self.arg(right));
        let (Arg::Range { range: a, at }, Arg::Range { range: b, .. }) = (&left, &right) else {
            for side in [left, right] {
                if let Arg::Value(Value::Error(e)) = side {
                    return Arg::Value(Value::Error(e));
                }
            }
            return Arg::Value(Value::error(ErrorKind::Value));
        };
        if !std::ptr::eq(a.data.as_ptr(), b.data.as_ptr()) || a.stride != b.stride {
            return Arg::Value(Value::error(ErrorKind::Value));
        }
        let row0 = a.row0.min(b.row0);
        let col0 = a.col0.min(b.col0);
        let row1 = (a.row0 + a.rows).max(b.row0 + b.rows);
        let col1 = (a.col0 + a.cols).max(b.col0 + b.cols);
        let range = RangeRef {
            row0,
            col0,
            rows: row1 - row0,
            cols: col1 - col0,
            ..*a
        };
        self.not_itself(range, *at)
    }

    /// `OFFSET(reference, rows, cols, [height], [width])`: the reference it
    /// makes (see [`crate::engine::functions::reference::offset_range`]).
    fn offset(&self, args: &'a [Node]) -> Arg<'a> {
        let args: smallvec::SmallVec<[Arg<'a>; 5]> = args.iter().map(|a| self.arg(a)).collect();
        match crate::engine::functions::reference::offset_range(&args) {
            Ok((range, at)) => self.not_itself(range, at),
            Err(e) => Arg::Value(Value::Error(e)),
        }
    }

    /// A reference made while evaluating (`OFFSET`, `INDIRECT`), or
    /// `#CIRC!` if it covers the cell being computed: no edge of the graph
    /// knows of that ring, so it is caught here.
    fn not_itself(&self, range: RangeRef<'a>, at: (u32, u32)) -> Arg<'a> {
        let own_sheet = std::ptr::eq(
            range.data.as_ptr(),
            self.sheet_values(self.sheet).values.as_ptr(),
        );
        let covers = |start: u32, len: u32, x: u32| x >= start && x - start < len;
        if own_sheet
            && covers(range.row0, range.rows, self.row)
            && covers(range.col0, range.cols, self.col)
        {
            return Arg::Value(Value::Error(CellError::with_detail(
                ErrorKind::Circular,
                "circular reference: the cell reads itself through OFFSET or INDIRECT",
            )));
        }
        Arg::Range { range, at }
    }

    /// `INDIRECT(text, [a1])`: the cell, range, whole column or row that
    /// `text` names in A1 style (`"B3"`, `"Inputs!B2:B9"`, `"'My sheet'!C:C"`).
    /// Text that names no reference, or R1C1 style (`a1` FALSE), is
    /// `#REF!`.
    fn indirect(&self, args: &'a [Node]) -> Arg<'a> {
        use crate::formula::{Axis, Expr, Reference};
        let refuse = |detail: String| {
            Arg::Value(Value::Error(CellError::with_detail(ErrorKind::Ref, detail)))
        };
        let text = match args.first().map(|a| self.eval_fast(a)) {
            Some(Value::Error(e)) => return Arg::Value(Value::Error(e)),
            Some(v) => match coerce::to_text(&v) {
                Ok(t) => t,
                Err(e) => return Arg::Value(Value::Error(e)),
            },
            None => return Arg::Value(Value::error(ErrorKind::Value)),
        };
        if let Some(a1) = args.get(1) {
            match coerce::to_bool(&self.eval_fast(a1)) {
                Ok(true) => {}
                Ok(false) => return refuse("R1C1 references are not supported".into()),
                Err(e) => return Arg::Value(Value::Error(e)),
            }
        }
        let Ok(Expr::Reference(reference)) = crate::formula::parse(&format!("={text}")) else {
            return refuse(format!("`{text}` is not a reference"));
        };
        let sheet_index = |name: &Option<String>| -> Option<u32> {
            match name {
                None => Some(self.sheet),
                Some(name) => self
                    .sheets
                    .iter()
                    .position(|s| s.name.to_lowercase() == name.to_lowercase())
                    .map(|i| i as u32),
            }
        };
        let (sheet, row0, col0, row1, col1) = match &reference {
            Reference::Cell { sheet, cell } => (sheet, cell.row, cell.col, cell.row, cell.col),
            Reference::Range { sheet, start, end } => (
                sheet,
                start.row.min(end.row),
                start.col.min(end.col),
                start.row.max(end.row),
                start.col.max(end.col),
            ),
            Reference::Lines {
                sheet,
                axis,
                start,
                end,
            } => {
                use crate::formula::lexer::{MAX_COL, MAX_ROW};
                match axis {
                    Axis::Columns => (sheet, 0, start.index, MAX_ROW, end.index),
                    Axis::Rows => (sheet, start.index, 0, end.index, MAX_COL),
                }
            }
            _ => return refuse(format!("`{text}` is not a cell or range reference")),
        };
        let Some(sheet) = sheet_index(sheet) else {
            return refuse(format!("`{text}`: no such sheet"));
        };
        let (row1, col1) = self.clip_whole_lines(row0, row1, col0, col1);
        let cells = u64::from(row1 - row0 + 1) * u64::from(col1 - col0 + 1);
        if cells > MAX_RANGE_CELLS {
            return Arg::Value(Value::error(ErrorKind::Num));
        }
        let range = self
            .sheet_values(sheet)
            .range(row0, col0, row1 - row0 + 1, col1 - col0 + 1);
        self.not_itself(range, (self.row, self.col))
    }

    /// What `IF` or `CHOOSE` returns, found by evaluating only its
    /// condition or index (`None` for other functions): as in spreadsheets
    /// these return the chosen argument itself, so a branch that is a
    /// reference can be given to a function that takes a range, and the
    /// branches not chosen are never evaluated.
    pub(crate) fn chosen_branch(&self, name: &str, args: &'a [Node]) -> Option<Chosen<'a>> {
        match (name, args) {
            ("IF", [condition, then, rest @ ..]) if rest.len() <= 1 => {
                Some(match coerce::to_bool(&self.eval_fast(condition)) {
                    Err(e) => Chosen::Value(Value::Error(e)),
                    Ok(true) => Chosen::Branch(then),
                    Ok(false) => match rest.first() {
                        Some(otherwise) => Chosen::Branch(otherwise),
                        None => Chosen::Value(Value::Bool(false)),
                    },
                })
            }
            ("CHOOSE", [index, choices @ ..]) if !choices.is_empty() => {
                let index = match coerce::to_number(&self.eval_fast(index)) {
                    Ok(n) => n.trunc(),
                    Err(e) => return Some(Chosen::Value(Value::Error(e))),
                };
                let chosen = (index >= 1.0 && index <= choices.len() as f64)
                    .then(|| choices.get(index as usize - 1))
                    .flatten();
                Some(match chosen {
                    Some(branch) => Chosen::Branch(branch),
                    None => Chosen::Value(Value::error(ErrorKind::Value)),
                })
            }
            _ => None,
        }
    }

    /// A range reaching the sheet's last row (`A:A`, `A1:A1048576`) or last
    /// column (`3:3`) ends where the sheets' stored cells end instead: the
    /// cells past that are all empty, so only aggregates of blanks
    /// (`COUNTBLANK`, `ROWS` and `COLUMNS`, which get the full size; see
    /// [`COUNTS_BLANKS`]) could tell, and whole-column references cost
    /// what the used cells cost. The bound is the same for every sheet, so
    /// `SUMIF(Data!A:A, x, B:B)` pairs ranges of one size.
    fn clip_whole_lines(&self, row0: u32, row1: u32, col0: u32, col1: u32) -> (u32, u32) {
        use crate::formula::lexer::{MAX_COL, MAX_ROW};
        let row1 = if row1 == MAX_ROW {
            let stored = self
                .sheets
                .iter()
                .map(SheetValues::n_rows)
                .max()
                .unwrap_or(0);
            row1.min(stored.saturating_sub(1)).max(row0)
        } else {
            row1
        };
        let col1 = if col1 == MAX_COL {
            let stored = self.sheets.iter().map(|s| s.n_cols).max().unwrap_or(0);
            col1.min(stored.saturating_sub(1)).max(col0)
        } else {
            col1
        };
        (row1, col1)
    }

    /// Evaluates `node`, trying the numbers-only path first: most formulas
    /// of a metric model are arithmetic on numbers, and computing them as
    /// plain `f64` avoids building a [`Value`] at every step.
    pub fn eval_fast(&self, node: &'a Node) -> Value {
        // A bare reference keeps its own value (an empty cell stays empty).
        if matches!(node, Node::Cell { .. } | Node::Metric { .. }) {
            return self.eval(node);
        }
        match self.number(node) {
            Some(n) => Value::number(n),
            None => self.eval(node),
        }
    }

    /// The value of `node` if it is arithmetic on numbers (or empty cells,
    /// which count as 0) that cannot fail; `None` sends the caller to the
    /// general path, which gives the exact result or error.
    fn number(&self, node: &'a Node) -> Option<f64> {
        match node {
            Node::Const(Value::Number(n)) => Some(*n),
            Node::Cell { sheet, row, col } => {
                number_or_zero(self.cell(*sheet, *row, col.at(self.col)?))
            }
            Node::Metric { sheet, row, offset } => match self.metric_col(*sheet, *offset) {
                Ok(Some(col)) => number_or_zero(self.cell(*sheet, *row, col)),
                Ok(None) => Some(0.0),
                Err(_) => None,
            },
            Node::Negate(inner) => Some(-self.number(inner)?),
            Node::Plus(inner) => self.number(inner),
            Node::Percent(inner) => Some(self.number(inner)? / 100.0),
            Node::Binary(op, left, right) => {
                let a = self.number(left)?;
                let b = self.number(right)?;
                let n = match op {
                    BinaryOp::Add => a + b,
                    BinaryOp::Subtract => a - b,
                    BinaryOp::Multiply => a * b,
                    BinaryOp::Divide if b != 0.0 => a / b,
                    _ => return None,
                };
                n.is_finite().then_some(n)
            }
            Node::Call { function, args } => self.number_call(function.name, args),
            _ => None,
        }
    }

    /// The common numeric functions on numbers, without building argument
    /// lists: ROUND/ROUNDUP/ROUNDDOWN, ABS, SUM, MIN and MAX of single
    /// values. Anything unusual (ranges, text, blanks where they matter,
    /// errors) returns `None` and takes the registry's path.
    fn number_call(&self, name: &str, args: &'a [Node]) -> Option<f64> {
        use crate::engine::functions::helpers::{Sum, trunc_i64};
        use crate::engine::functions::math::{RoundMode, round_decimal};
        let round = |mode: RoundMode| -> Option<f64> {
            let [x, digits] = args else {
                return None;
            };
            let x = self.number(x)?;
            let digits = self.number(digits)?;
            let n = round_decimal(x, trunc_i64(digits), mode);
            n.is_finite().then_some(n)
        };
        match name {
            "ROUND" => round(RoundMode::Nearest),
            "ROUNDUP" => round(RoundMode::Up),
            "ROUNDDOWN" => round(RoundMode::Down),
            "ABS" => match args {
                [x] => Some(self.number(x)?.abs()),
                _ => None,
            },
            "SUM" => {
                let mut total = Sum::default();
                for arg in args {
                    // Blank cells add nothing, as 0 does.
                    total.add(self.aggregate_number(arg, true)?);
                }
                let n = total.total();
                n.is_finite().then_some(n)
            }
            "MIN" | "MAX" if !args.is_empty() => {
                let mut best: Option<f64> = None;
                for arg in args {
                    // MIN and MAX skip blank cells: leave those to the registry.
                    let x = self.aggregate_number(arg, false)?;
                    best = Some(match best {
                        None => x,
                        Some(b) if name == "MIN" => b.min(x),
                        Some(b) => b.max(x),
                    });
                }
                best
            }
            _ => None,
        }
    }

    /// One argument of an aggregate as a number: a referenced cell must hold
    /// a number (or, with `blank_is_zero`, be blank); an expression is
    /// evaluated as a number.
    fn aggregate_number(&self, arg: &'a Node, blank_is_zero: bool) -> Option<f64> {
        let referenced = |value: &Value| match value {
            Value::Number(n) => Some(*n),
            Value::Empty if blank_is_zero => Some(0.0),
            _ => None,
        };
        match arg {
            Node::Cell { sheet, row, col } => {
                referenced(self.cell(*sheet, *row, col.at(self.col)?))
            }
            Node::Metric { sheet, row, offset } => match self.metric_col(*sheet, *offset) {
                Ok(Some(col)) => referenced(self.cell(*sheet, *row, col)),
                Ok(None) if blank_is_zero => Some(0.0),
                _ => None,
            },
            Node::Range { .. } | Node::MetricRow { .. } | Node::Const(_) => match arg {
                Node::Const(Value::Number(n)) => Some(*n),
                _ => None,
            },
            other => self.number(other),
        }
    }

    /// Evaluates an argument of an array-taking function: operators work
    /// elementwise on ranges.
    fn array_arg(&self, node: &'a Node) -> Arg<'a> {
        match node {
            Node::Binary(op, left, right) => {
                let (left, right) = (self.array_arg(left), self.array_arg(right));
                if !left.is_range() && !right.is_range() {
                    return Arg::Value(binary(*op, &left.scalar(), &right.scalar()));
                }
                elementwise(&left, Some(&right), |a, b| {
                    binary(*op, a, b.unwrap_or(&EMPTY))
                })
            }
            Node::Negate(inner) => {
                let inner = self.array_arg(inner);
                elementwise(&inner, None, |a, _| match coerce::to_number(a) {
                    Ok(n) => Value::number(-n),
                    Err(e) => Value::Error(e),
                })
            }
            Node::Percent(inner) => {
                let inner = self.array_arg(inner);
                elementwise(&inner, None, |a, _| match coerce::to_number(a) {
                    Ok(n) => Value::number(n / 100.0),
                    Err(e) => Value::Error(e),
                })
            }
            Node::Plus(inner) => self.array_arg(inner),
            Node::Call { function, args } if function.name == "IF" && args.len() >= 2 => {
                self.array_if(args)
            }
            _ => self.arg(node),
        }
    }

    /// `IF` over several values: each value of the condition chooses from
    /// the same place of the value if true or if false (a single value
    /// serves every place); FALSE where the condition is false and there is
    /// no value for it.
    fn array_if(&self, args: &'a [Node]) -> Arg<'a> {
        let condition = self.array_arg(&args[0]);
        let then = self.array_arg(&args[1]);
        let otherwise = args.get(2).map(|a| self.array_arg(a));
        let parts = [Some(&condition), Some(&then), otherwise.as_ref()];
        let dims: Vec<(u32, u32)> = parts.iter().flatten().map(|a| a.dims()).collect();
        let rows = dims.iter().map(|d| d.0).max().unwrap_or(1);
        let cols = dims.iter().map(|d| d.1).max().unwrap_or(1);
        if u64::from(rows) * u64::from(cols) > MAX_RANGE_CELLS {
            return Arg::Value(Value::error(ErrorKind::Num));
        }
        let mut data = Vec::with_capacity(rows as usize * cols as usize);
        for r in 0..rows {
            for c in 0..cols {
                data.push(match coerce::to_bool(&broadcast(&condition, r, c)) {
                    Err(e) => Value::Error(e),
                    Ok(true) => broadcast(&then, r, c),
                    Ok(false) => match &otherwise {
                        Some(otherwise) => broadcast(otherwise, r, c),
                        None => Value::Bool(false),
                    },
                });
            }
        }
        Arg::Array(Array { rows, cols, data })
    }

    /// The column of this period plus `offset` in metric `sheet`: `Ok(None)`
    /// when that falls outside the target's metric columns (reads as empty);
    /// an error when a formula on a metric sheet is not in a period column.
    /// On a grid sheet every column is a metric column, and a formula on a
    /// grid sheet reads the named row at its own column.
    fn metric_col(&self, sheet: u32, offset: i32) -> Result<Option<u32>, CellError> {
        if !self.sheet_values(self.sheet).grid && !self.periods.contains(self.col) {
            return Err(CellError::with_detail(
                ErrorKind::Value,
                "a metric name needs a period column to pick its value from",
            ));
        }
        let target_sheet = self.sheet_values(sheet);
        let (first, count) = if target_sheet.grid {
            (0, i64::from(target_sheet.n_cols))
        } else {
            (
                i64::from(self.periods.first_col),
                i64::from(self.periods.count),
            )
        };
        let target = i64::from(self.col) + i64::from(offset);
        if target < first || target >= first + count {
            Ok(None)
        } else {
            Ok(Some(target as u32))
        }
    }

    fn sheet_values(&self, sheet: u32) -> &'a SheetValues {
        static NONE: SheetValues = SheetValues {
            n_cols: 0,
            values: Vec::new(),
            order: Vec::new(),
            position: Vec::new(),
            name: String::new(),
            grid: false,
        };
        self.sheets.get(sheet as usize).unwrap_or(&NONE)
    }

    fn cell(&self, sheet: u32, row: u32, col: u32) -> &'a Value {
        let sheet = self.sheet_values(sheet);
        if col >= sheet.n_cols {
            return &EMPTY;
        }
        sheet
            .values
            .get(row as usize * sheet.n_cols as usize + col as usize)
            .unwrap_or(&EMPTY)
    }
}

fn number_or_zero(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => Some(*n),
        Value::Empty => Some(0.0),
        _ => None,
    }
}

/// Applies `f` to every element of `a` (and of `b`, broadcast like Excel:
/// a 1-wide side repeats; positions outside a side are `#N/A`).
fn elementwise(
    a: &Arg<'_>,
    b: Option<&Arg<'_>>,
    f: impl Fn(&Value, Option<&Value>) -> Value,
) -> Arg<'static> {
    let (ar, ac) = a.dims();
    let (br, bc) = b.map(Arg::dims).unwrap_or((ar, ac));
    let rows = ar.max(br);
    let cols = ac.max(bc);
    let mut data = Vec::with_capacity(rows as usize * cols as usize);
    for r in 0..rows {
        for c in 0..cols {
            let x = broadcast(a, r, c);
            let y = b.map(|b| broadcast(b, r, c));
            data.push(f(&x, y.as_ref()));
        }
    }
    Arg::Array(Array { rows, cols, data })
}

/// The value of `arg` at (`r`, `c`) of a larger array, as Excel pairs
/// arrays: a single row or column repeats across the other direction, and a
/// place past a longer side is `#N/A`.
fn broadcast(arg: &Arg<'_>, r: u32, c: u32) -> Value {
    let (rows, cols) = arg.dims();
    let r = if rows == 1 { 0 } else { r };
    let c = if cols == 1 { 0 } else { c };
    if r >= rows || c >= cols {
        Value::error(ErrorKind::NA)
    } else {
        arg.get(r, c)
    }
}

/// An infix operator on two values, with Excel's coercions.
pub fn binary(op: BinaryOp, left: &Value, right: &Value) -> Value {
    match op {
        BinaryOp::Concat => match (coerce::to_text(left), coerce::to_text(right)) {
            (Ok(a), Ok(b)) => Value::text(a + &b),
            (Err(e), _) | (_, Err(e)) => Value::Error(e),
        },
        BinaryOp::Equal
        | BinaryOp::NotEqual
        | BinaryOp::Less
        | BinaryOp::Greater
        | BinaryOp::LessEqual
        | BinaryOp::GreaterEqual => {
            if let Value::Error(e) = left {
                return Value::Error(e.clone());
            }
            if let Value::Error(e) = right {
                return Value::Error(e.clone());
            }
            let ordering = match (left, right) {
                // Like Excel and LibreOffice, numbers a few units apart in
                // the last place are equal: `0.1 + 0.2 = 0.3` is TRUE.
                (Value::Number(a), Value::Number(b)) if coerce::approx_equal(*a, *b) => {
                    Ordering::Equal
                }
                _ => coerce::compare(left, right),
            };
            Value::Bool(match op {
                BinaryOp::Equal => ordering == Ordering::Equal,
                BinaryOp::NotEqual => ordering != Ordering::Equal,
                BinaryOp::Less => ordering == Ordering::Less,
                BinaryOp::Greater => ordering == Ordering::Greater,
                BinaryOp::LessEqual => ordering != Ordering::Greater,
                _ => ordering != Ordering::Less,
            })
        }
        _ => {
            let a = match coerce::to_number(left) {
                Ok(a) => a,
                Err(e) => return Value::Error(e),
            };
            let b = match coerce::to_number(right) {
                Ok(b) => b,
                Err(e) => return Value::Error(e),
            };
            arithmetic(op, a, b)
        }
    }
}

fn arithmetic(op: BinaryOp, a: f64, b: f64) -> Value {
    match op {
        BinaryOp::Add => Value::number(a + b),
        BinaryOp::Subtract => Value::number(a - b),
        BinaryOp::Multiply => Value::number(a * b),
        BinaryOp::Divide => {
            if b == 0.0 {
                Value::error(ErrorKind::Div0)
            } else {
                Value::number(a / b)
            }
        }
        BinaryOp::Power => {
            if a == 0.0 && b == 0.0 {
                Value::error(ErrorKind::Num)
            } else if a == 0.0 && b < 0.0 {
                Value::error(ErrorKind::Div0)
            } else {
                Value::number(a.powf(b))
            }
        }
        _ => Value::error(ErrorKind::Value),
    }
}
