//! Compiled numeric programs: the arithmetic of a formula flattened, once,
//! into a short list of stack operations over `f64` with every reference
//! resolved to a slot of the value grid and every function to an opcode.
//!
//! Most cells of a metric model are arithmetic on numbers (`a * b / 100`,
//! `ROUND(x, 2)`, `IF(a > t, b, c)`, `SUM(a[-2], a[-1], a)`), and one row
//! formula is evaluated in every period, so the interpreter's tree walk,
//! its name matching and its `Value`s at every step are the engine's
//! constant factor. A [`Program`] computes such a cell without any of them.
//!
//! A program is an accelerator, never the definition: whenever it meets
//! anything but plain numbers (text, a boolean, an error, a blank where a
//! blank matters, a division by zero, an overflow) it gives up and the
//! interpreter ([`crate::engine::eval`]) computes the exact result. So each
//! operation only needs to agree with the interpreter on the inputs it
//! accepts.

use crate::engine::compile::{ColRef, Node};
use crate::engine::eval::{MAX_RANGE_CELLS, Periods, SheetValues};
use crate::engine::functions::helpers::{Sum, trunc_i64};
use crate::engine::functions::math::{RoundMode, round_decimal};
use crate::engine::value::Value;
use crate::formula::BinaryOp;
use crate::formula::lexer::{MAX_COL, MAX_ROW};

/// The deepest stack a program may use (deeper formulas are interpreted).
const STACK: usize = 32;

/// How a reference's value becomes a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blank {
    /// A blank cell reads 0 (arithmetic, `SUM`, conditions).
    Zero,
    /// Only a number will do: a blank gives up (a value that is returned
    /// as it is, such as a branch of `IF`, or an argument of `MIN`).
    GiveUp,
}

/// Where a metric reference reads: its row, and the columns it may reach.
#[derive(Debug, Clone, Copy, PartialEq)]
struct MetricSlot {
    /// Index of the row's first column in the sheet's values.
    row_start: u32,
    offset: i32,
    /// The target's metric columns (periods, or every column of a grid).
    first: u32,
    count: u32,
}

/// A cell at a fixed row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CellSlot {
    row_start: u32,
    n_cols: u32,
    col: ColRef,
}

/// A rectangle of cells, or a metric's whole row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RangeSlot {
    row0: u32,
    row1: u32,
    cols: RangeCols,
}

/// The columns of a [`RangeSlot`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum RangeCols {
    /// From one column to another (either way round).
    Between(ColRef, ColRef),
    /// A metric's columns: the periods, or every column of a grid sheet.
    Metric,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Number(f64),
    Cell(u32, CellSlot, Blank),
    Metric(u32, MetricSlot, Blank),
    Negate,
    Percent,
    Arithmetic(BinaryOp),
    Compare(BinaryOp),
    /// Pops a condition, a value if true and a value if false; pushes the
    /// value chosen (`IF`: both branches are computed, one is kept).
    Select,
    Round(RoundMode),
    Abs,
    /// Pushes an empty compensated sum (two slots: sum, compensation).
    SumBegin,
    /// Pops a number into the sum below it.
    SumAdd,
    /// Adds a range's numbers (blanks add nothing) to the sum on top.
    SumRange(u32, RangeSlot),
    /// Replaces the sum on top by its total.
    SumEnd,
    /// Pops two numbers, pushes the smaller (or larger).
    Min,
    Max,
}

/// How many neighbouring period cells of a row one run computes at once.
pub const LANES: usize = 64;

/// A formula compiled to stack operations; see the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    ops: Vec<Op>,
    /// True if the program reads a metric in "this period": the formula
    /// must then stand in a period column of a metric sheet (or on a grid).
    reads_metric: bool,
    /// The rows it reads: (sheet, first row, last row).
    rows: Vec<(u32, u32, u32)>,
}

/// The stack of a run, reused between runs: [`STACK`] slots of
/// [`LANES`] numbers.
#[derive(Debug, Default)]
pub struct Lanes {
    slots: Vec<f64>,
}

/// What the compiler needs from the engine: sheet shapes, fixed for an
/// engine's life.
pub struct Shapes<'a> {
    /// Every sheet's values (their column counts and grid flags).
    pub sheets: &'a [SheetValues],
    /// The timeline's columns.
    pub periods: Periods,
}

/// Where a node's result goes, which decides what it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Coerced to a number (an operand, a condition, a function's number
    /// argument): comparisons count as 1/0, blank cells as 0.
    Number,
    /// An operand of a comparison: a number or a blank (0), but not a
    /// boolean, which compares above every number.
    Compared,
    /// Kept as the value it is (the cell's result, a branch of `IF`, an
    /// aggregate's argument): a comparison would be a boolean, so it is
    /// left to the interpreter.
    Value,
}

struct Compiler<'a> {
    shapes: &'a Shapes<'a>,
    ops: Vec<Op>,
    depth: usize,
    max_depth: usize,
    reads_metric: bool,
    rows: Vec<(u32, u32, u32)>,
}

/// Not a number: a lane the interpreter must compute. Stored values are
/// never NaN (see [`Value::number`]), and NaN carries through arithmetic,
/// so a lane that gave up stays given up to the end.
const GIVE_UP: f64 = f64::NAN;

/// `x`, or [`GIVE_UP`] if it overflowed (the interpreter's `#NUM!`).
fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { GIVE_UP }
}

impl Program {
    /// Compiles `node` for a formula on `sheet`, or `None` if some part of
    /// it is beyond programs (the interpreter then computes every cell).
    /// A bare reference or constant is not worth a program.
    pub fn compile(node: &Node, shapes: &Shapes<'_>) -> Option<Program> {
        if matches!(
            node,
            Node::Const(_) | Node::Cell { .. } | Node::Metric { .. }
        ) {
            return None;
        }
        let mut compiler = Compiler {
            shapes,
            ops: Vec::new(),
            depth: 0,
            max_depth: 0,
            reads_metric: false,
            rows: Vec::new(),
        };
        compiler.node(node, Use::Value)?;
        (compiler.max_depth <= STACK).then_some(Program {
            ops: compiler.ops,
            reads_metric: compiler.reads_metric,
            rows: compiler.rows,
        })
    }

    /// [`Program::reads_row`] when it cannot change as rows move: `None`
    /// if the program reads a range of several rows on `sheet` (whose rows
    /// depend on the order).
    pub fn reads_stored_row(&self, sheet: u32, row: u32) -> Option<bool> {
        let mut reads = false;
        for &(s, first, last) in &self.rows {
            if s != sheet {
                continue;
            }
            if first != last {
                return None;
            }
            reads |= first == row;
        }
        Some(reads)
    }

    /// True if the program reads any cell of stored row `row` on `sheet`:
    /// then the period cells of that row may read each other, and are
    /// computed one at a time.
    pub fn reads_row(&self, sheets: &[SheetValues], sheet: u32, row: u32) -> bool {
        self.rows.iter().any(|&(s, first, last)| {
            if s != sheet {
                return false;
            }
            if first == last {
                return first == row;
            }
            // A range: the rows between its ends where they stand now.
            let Some(values) = sheets.get(sheet as usize) else {
                return false;
            };
            let (first, last) = values.rows_of(first, last);
            (first..=last).contains(&values.row_of(row))
        })
    }

    /// Runs the program for `n` (at most [`LANES`]) neighbouring cells on
    /// `sheet` from column `col0`: the result of the cell in column
    /// `col0 + i` is at `i`, NaN where the interpreter must decide (see the
    /// module documentation). The cells must not read each other.
    pub fn run<'l>(
        &self,
        sheets: &[SheetValues],
        periods: Periods,
        (sheet, col0): (u32, u32),
        n: usize,
        lanes: &'l mut Lanes,
    ) -> &'l [f64] {
        let n = n.min(LANES);
        if lanes.slots.len() < STACK * LANES {
            lanes.slots.resize(STACK * LANES, 0.0);
        }
        let slots = &mut lanes.slots[..];
        let mut top = 0usize;
        for op in &self.ops {
            match *op {
                Op::Number(x) => {
                    slot(slots, top, n).fill(x);
                    top += 1;
                }
                Op::Cell(s, cell, blank) => {
                    let values = values(sheets, s);
                    let out = slot(slots, top, n);
                    for (i, out) in out.iter_mut().enumerate() {
                        let value = cell.col.at(col0 + i as u32).map(|col| {
                            if col < cell.n_cols {
                                values.get(cell.row_start as usize + col as usize)
                            } else {
                                None
                            }
                        });
                        *out = match value {
                            Some(value) => number(value, blank),
                            None => GIVE_UP,
                        };
                    }
                    top += 1;
                }
                Op::Metric(s, metric, blank) => {
                    let values = values(sheets, s);
                    let out = slot(slots, top, n);
                    let first = i64::from(metric.first);
                    let end = first + i64::from(metric.count);
                    for (i, out) in out.iter_mut().enumerate() {
                        let target = i64::from(col0) + i as i64 + i64::from(metric.offset);
                        let value = if target >= first && target < end {
                            values.get(metric.row_start as usize + target as usize)
                        } else {
                            None
                        };
                        *out = number(value, blank);
                    }
                    top += 1;
                }
                Op::Negate => slot(slots, top - 1, n).iter_mut().for_each(|x| *x = -*x),
                Op::Percent => slot(slots, top - 1, n).iter_mut().for_each(|x| *x /= 100.0),
                Op::Arithmetic(op) => {
                    top -= 1;
                    let (a, b) = pair(slots, top - 1, n);
                    match op {
                        BinaryOp::Add => zip(a, b, |a, b| a + b),
                        BinaryOp::Subtract => zip(a, b, |a, b| a - b),
                        BinaryOp::Multiply => zip(a, b, |a, b| a * b),
                        BinaryOp::Divide => {
                            zip(a, b, |a, b| if b == 0.0 { GIVE_UP } else { a / b })
                        }
                        _ => zip(a, b, |a, b| {
                            // NaN^0 and 1^NaN are 1: keep giving up.
                            if a.is_nan() || b.is_nan() || (a == 0.0 && b <= 0.0) {
                                GIVE_UP
                            } else {
                                a.powf(b)
                            }
                        }),
                    }
                }
                Op::Compare(op) => {
                    top -= 1;
                    let (a, b) = pair(slots, top - 1, n);
                    zip(a, b, |a, b| compared(op, a, b));
                }
                Op::Select => {
                    top -= 2;
                    let (condition, rest) = slots[(top - 1) * LANES..].split_at_mut(LANES);
                    let (then, otherwise) = rest.split_at(LANES);
                    for i in 0..n {
                        let c = condition[i];
                        condition[i] = if c.is_nan() {
                            GIVE_UP
                        } else if c != 0.0 {
                            then[i]
                        } else {
                            otherwise[i]
                        };
                    }
                }
                Op::Round(mode) => {
                    top -= 1;
                    let (x, digits) = pair(slots, top - 1, n);
                    for (x, &digits) in x.iter_mut().zip(digits) {
                        *x = if x.is_nan() || digits.is_nan() {
                            GIVE_UP
                        } else {
                            finite(round_decimal(*x, trunc_i64(digits), mode))
                        };
                    }
                }
                Op::Abs => slot(slots, top - 1, n)
                    .iter_mut()
                    .for_each(|x| *x = x.abs()),
                Op::SumBegin => {
                    slot(slots, top, n).fill(0.0);
                    slot(slots, top + 1, n).fill(0.0);
                    top += 2;
                }
                Op::SumAdd => {
                    top -= 1;
                    let (sum, rest) = slots[(top - 2) * LANES..].split_at_mut(LANES);
                    let (compensation, x) = rest.split_at_mut(LANES);
                    for i in 0..n {
                        add_to_sum(&mut sum[i], &mut compensation[i], x[i]);
                    }
                }
                Op::SumRange(s, range) => {
                    let (sum, compensation) = slots[(top - 2) * LANES..].split_at_mut(LANES);
                    sum_range(sheets, s, periods, range, (col0, n), sum, compensation);
                }
                Op::SumEnd => {
                    top -= 1;
                    let (sum, compensation) = pair(slots, top - 1, n);
                    zip(sum, compensation, |s, c| s + c);
                }
                Op::Min => {
                    top -= 1;
                    let (a, b) = pair(slots, top - 1, n);
                    zip(a, b, |a, b| {
                        if a.is_nan() || b.is_nan() {
                            GIVE_UP
                        } else {
                            a.min(b)
                        }
                    });
                }
                Op::Max => {
                    top -= 1;
                    let (a, b) = pair(slots, top - 1, n);
                    zip(a, b, |a, b| {
                        if a.is_nan() || b.is_nan() {
                            GIVE_UP
                        } else {
                            a.max(b)
                        }
                    });
                }
            }
        }
        let result = slot(slots, 0, n);
        if self.reads_metric && !sheets.get(sheet as usize).is_some_and(|s| s.grid) {
            // Outside the periods a metric name is an error.
            for (i, x) in result.iter_mut().enumerate() {
                if !periods.contains(col0 + i as u32) {
                    *x = GIVE_UP;
                }
            }
        }
        result
    }
}

/// Stack slot `k`'s first `n` lanes.
fn slot(slots: &mut [f64], k: usize, n: usize) -> &mut [f64] {
    &mut slots[k * LANES..k * LANES + n]
}

/// Stack slots `k` (mutable) and `k + 1`.
fn pair(slots: &mut [f64], k: usize, n: usize) -> (&mut [f64], &[f64]) {
    let (a, b) = slots[k * LANES..].split_at_mut(LANES);
    (&mut a[..n], &b[..n])
}

/// `a[i] = f(a[i], b[i])`, overflow giving up.
fn zip(a: &mut [f64], b: &[f64], f: impl Fn(f64, f64) -> f64) {
    for (a, &b) in a.iter_mut().zip(b) {
        *a = finite(f(*a, b));
    }
}

fn values(sheets: &[SheetValues], sheet: u32) -> &[Value] {
    sheets.get(sheet as usize).map_or(&[], |s| &s.values)
}

/// A referenced value as a number: a number, or (where allowed) a blank as 0.
fn number(value: Option<&Value>, blank: Blank) -> f64 {
    match value {
        Some(Value::Number(n)) => *n,
        Some(Value::Empty) | None if blank == Blank::Zero => 0.0,
        _ => GIVE_UP,
    }
}

/// The comparison operators' order of two numbers: equal within the last
/// few units, as [`crate::engine::eval::binary`] compares.
fn compare(a: f64, b: f64) -> std::cmp::Ordering {
    if crate::engine::coerce::approx_equal(a, b) {
        std::cmp::Ordering::Equal
    } else {
        a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal)
    }
}

/// Adds `x` to a compensated sum kept in two stack slots.
fn add_to_sum(sum: &mut f64, compensation: &mut f64, x: f64) {
    let mut total = Sum::from_parts(*sum, *compensation);
    total.add(x);
    (*sum, *compensation) = total.parts();
}

/// Adds the numbers of `range` to the sum of each lane, as read from that
/// lane's column. A range whose columns do not follow the lane is read
/// once when every lane's sum so far is the same (the common `SUM(row)`).
fn sum_range(
    sheets: &[SheetValues],
    sheet: u32,
    periods: Periods,
    range: RangeSlot,
    (col0, n): (u32, usize),
    sum: &mut [f64],
    compensation: &mut [f64],
) {
    let Some(values) = sheets.get(sheet as usize) else {
        sum[..n].fill(GIVE_UP);
        return;
    };
    let fixed = match range.cols {
        RangeCols::Metric => true,
        RangeCols::Between(a, b) => {
            matches!((a, b), (ColRef::Abs(_), ColRef::Abs(_)))
        }
    };
    let uniform = fixed
        && (1..n).all(|i| {
            sum[i].to_bits() == sum[0].to_bits()
                && compensation[i].to_bits() == compensation[0].to_bits()
        });
    let lanes = if uniform { 1 } else { n };
    for i in 0..lanes {
        let (s, c) = (&mut sum[i], &mut compensation[i]);
        let read = for_each_number(values, periods, range, col0 + i as u32, |x| {
            add_to_sum(s, c, x)
        });
        if read.is_none() {
            sum[i] = GIVE_UP;
        }
    }
    if uniform {
        for i in 1..n {
            sum[i] = sum[0];
            compensation[i] = compensation[0];
        }
    }
}

/// Calls `f` on each number of `range` (read in column `col`), row by row;
/// blanks are skipped; `None` on anything else (text, booleans and errors
/// are the registry's business) or on a range beyond what a function reads.
fn for_each_number(
    sheet: &SheetValues,
    periods: Periods,
    range: RangeSlot,
    col: u32,
    mut f: impl FnMut(f64),
) -> Option<()> {
    let mut plain = true;
    for_each_value(sheet, periods, range, col, |value| match value {
        Value::Number(n) => {
            f(*n);
            true
        }
        Value::Empty => true,
        _ => {
            plain = false;
            false
        }
    })?;
    plain.then_some(())
}

/// Calls `f` on each stored value of `range` (read in column `col`), row
/// by row, while it returns true; `None` on a range beyond what a
/// function reads (the registry's business).
fn for_each_value<'v>(
    sheet: &'v SheetValues,
    periods: Periods,
    range: RangeSlot,
    col: u32,
    mut f: impl FnMut(&'v Value) -> bool,
) -> Option<()> {
    let (c0, c1) = match range.cols {
        RangeCols::Metric => {
            if sheet.grid {
                (0, sheet.n_cols.checked_sub(1)?)
            } else {
                (
                    periods.first_col,
                    (periods.first_col + periods.count).checked_sub(1)?,
                )
            }
        }
        RangeCols::Between(a, b) => {
            let (a, b) = (a.at(col)?, b.at(col)?);
            (a.min(b), a.max(b))
        }
    };
    let (row0, row1) = sheet.rows_of(range.row0, range.row1);
    if c1 >= MAX_COL || row1 >= MAX_ROW {
        return None;
    }
    let cells = u64::from(row1 - row0 + 1) * u64::from(c1 - c0 + 1);
    if cells > MAX_RANGE_CELLS {
        return None;
    }
    let n_cols = sheet.n_cols as usize;
    let stored_c1 = (c1 as usize).min(n_cols.checked_sub(1)?);
    for row in row0..=row1 {
        // Rows past the sheet's last are empty.
        let Some(&stored) = sheet.order.get(row as usize) else {
            break;
        };
        let start = stored as usize * n_cols;
        let Some(cells) = sheet.values.get(start + c0 as usize..=start + stored_c1) else {
            break;
        };
        for value in cells {
            if !f(value) {
                return Some(());
            }
        }
    }
    Some(())
}

/// One stack slot of [`Program::passed_on_error`].
#[derive(Debug, Clone, Copy)]
enum Step<'v> {
    Number(f64),
    /// An error value read from a cell, passed on.
    Error(&'v Value),
    /// Something only the interpreter can judge.
    GiveUp,
}

impl<'v> Step<'v> {
    fn of(x: f64) -> Step<'v> {
        if x.is_nan() {
            Step::GiveUp
        } else {
            Step::Number(x)
        }
    }

    /// The value `f` makes of two steps: the first that failed, else `f`
    /// of their numbers.
    fn with(self, other: Step<'v>, f: impl Fn(f64, f64) -> f64) -> Step<'v> {
        match (self, other) {
            (Step::Number(a), Step::Number(b)) => Step::of(finite(f(a, b))),
            (Step::Number(_), failed) | (failed, _) => failed,
        }
    }

    fn map(self, f: impl Fn(f64) -> f64) -> Step<'v> {
        match self {
            Step::Number(x) => Step::of(f(x)),
            failed => failed,
        }
    }
}

/// 1 where `a op b` holds, 0 where not, NaN (give up) if either is.
fn compared(op: BinaryOp, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return GIVE_UP;
    }
    let ordering = compare(a, b);
    let holds = match op {
        BinaryOp::Equal => ordering.is_eq(),
        BinaryOp::NotEqual => ordering.is_ne(),
        BinaryOp::Less => ordering.is_lt(),
        BinaryOp::Greater => ordering.is_gt(),
        BinaryOp::LessEqual => ordering.is_le(),
        _ => ordering.is_ge(),
    };
    if holds { 1.0 } else { 0.0 }
}

/// A referenced value as a step: an error is passed on.
fn step<'v>(value: Option<&'v Value>, blank: Blank) -> Step<'v> {
    match value {
        Some(error @ Value::Error(_)) => Step::Error(error),
        other => Step::of(number(other, blank)),
    }
}

impl Program {
    /// For one cell whose run gave up: the error it evaluates to when the
    /// first thing that failed, in the interpreter's order of evaluation
    /// (operands left to right, through the branch `IF` takes), was
    /// reading an error from a cell, which every operation here passes on
    /// as it is. `None` when the interpreter must decide.
    pub fn passed_on_error<'v>(
        &self,
        sheets: &'v [SheetValues],
        periods: Periods,
        (sheet, col): (u32, u32),
    ) -> Option<&'v Value> {
        if self.reads_metric
            && !sheets.get(sheet as usize).is_some_and(|s| s.grid)
            && !periods.contains(col)
        {
            return None;
        }
        let mut stack = [Step::GiveUp; STACK];
        let mut top = 0usize;
        for op in &self.ops {
            match *op {
                Op::Number(x) => {
                    stack[top] = Step::Number(x);
                    top += 1;
                }
                Op::Cell(s, cell, blank) => {
                    let values = values(sheets, s);
                    stack[top] = match cell.col.at(col) {
                        Some(c) if c < cell.n_cols => {
                            step(values.get(cell.row_start as usize + c as usize), blank)
                        }
                        Some(_) => step(None, blank),
                        None => Step::GiveUp,
                    };
                    top += 1;
                }
                Op::Metric(s, metric, blank) => {
                    let target = i64::from(col) + i64::from(metric.offset);
                    let first = i64::from(metric.first);
                    let value = (target >= first && target < first + i64::from(metric.count))
                        .then(|| values(sheets, s).get(metric.row_start as usize + target as usize))
                        .flatten();
                    stack[top] = step(value, blank);
                    top += 1;
                }
                Op::Negate => stack[top - 1] = stack[top - 1].map(|x| -x),
                Op::Percent => stack[top - 1] = stack[top - 1].map(|x| x / 100.0),
                Op::Abs => stack[top - 1] = stack[top - 1].map(f64::abs),
                Op::Arithmetic(op) => {
                    top -= 1;
                    stack[top - 1] = stack[top - 1].with(stack[top], |a, b| match op {
                        BinaryOp::Add => a + b,
                        BinaryOp::Subtract => a - b,
                        BinaryOp::Multiply => a * b,
                        BinaryOp::Divide if b != 0.0 => a / b,
                        BinaryOp::Power if a != 0.0 || b > 0.0 => a.powf(b),
                        _ => GIVE_UP,
                    });
                }
                Op::Compare(_) | Op::Min | Op::Max | Op::Round(_) => {
                    // Their failures are their operands'; the number matters
                    // too, as a comparison decides the branch IF takes.
                    let f = |a: f64, b: f64| match *op {
                        Op::Round(mode) => round_decimal(a, trunc_i64(b), mode),
                        Op::Min => a.min(b),
                        Op::Max => a.max(b),
                        Op::Compare(op) => compared(op, a, b),
                        _ => GIVE_UP,
                    };
                    top -= 1;
                    stack[top - 1] = stack[top - 1].with(stack[top], f);
                }
                Op::Select => {
                    top -= 2;
                    stack[top - 1] = match stack[top - 1] {
                        Step::Number(c) if c != 0.0 => stack[top],
                        Step::Number(_) => stack[top + 1],
                        failed => failed,
                    };
                }
                Op::SumBegin => {
                    stack[top] = Step::Number(0.0);
                    stack[top + 1] = Step::Number(0.0);
                    top += 2;
                }
                Op::SumAdd => {
                    top -= 1;
                    if let (Step::Number(s), Step::Number(c)) = (stack[top - 2], stack[top - 1]) {
                        match stack[top] {
                            Step::Number(x) => {
                                let (mut s, mut c) = (s, c);
                                add_to_sum(&mut s, &mut c, x);
                                (stack[top - 2], stack[top - 1]) = (Step::of(s), Step::of(c));
                            }
                            failed => stack[top - 2] = failed,
                        }
                    }
                }
                Op::SumRange(s, range) => {
                    if let (Step::Number(mut sum), Step::Number(mut c)) =
                        (stack[top - 2], stack[top - 1])
                    {
                        let mut failed = None;
                        let values = sheets.get(s as usize)?;
                        for_each_value(values, periods, range, col, |value| match value {
                            Value::Number(x) => {
                                add_to_sum(&mut sum, &mut c, *x);
                                true
                            }
                            Value::Empty => true,
                            Value::Error(_) => {
                                failed = Some(Step::Error(value));
                                false
                            }
                            _ => {
                                failed = Some(Step::GiveUp);
                                false
                            }
                        })?;
                        stack[top - 2] = failed.unwrap_or(Step::of(sum));
                        stack[top - 1] = Step::of(c);
                    }
                }
                Op::SumEnd => {
                    top -= 1;
                    stack[top - 1] = stack[top - 1].with(stack[top], |s, c| s + c);
                }
            }
        }
        match stack[0] {
            Step::Error(error) if top == 1 => Some(error),
            _ => None,
        }
    }
}

impl Compiler<'_> {
    fn emit(&mut self, op: Op, pushes: isize) {
        self.ops.push(op);
        self.depth = self.depth.checked_add_signed(pushes).unwrap_or(0);
        self.max_depth = self.max_depth.max(self.depth);
    }

    fn node(&mut self, node: &Node, usage: Use) -> Option<()> {
        match node {
            Node::Const(Value::Number(n)) => self.emit(Op::Number(*n), 1),
            Node::Cell { sheet, row, col } => {
                let blank = if usage == Use::Value {
                    Blank::GiveUp
                } else {
                    Blank::Zero
                };
                self.cell(*sheet, *row, *col, blank)?;
            }
            Node::Metric { sheet, row, offset } => {
                let blank = if usage == Use::Value {
                    Blank::GiveUp
                } else {
                    Blank::Zero
                };
                self.metric(*sheet, *row, *offset, blank)?;
            }
            Node::Negate(inner) => {
                self.node(inner, Use::Number)?;
                self.emit(Op::Negate, 0);
            }
            Node::Plus(inner) => self.node(inner, usage)?,
            Node::Percent(inner) => {
                self.node(inner, Use::Number)?;
                self.emit(Op::Percent, 0);
            }
            Node::Binary(op, left, right) => {
                let compare = match op {
                    BinaryOp::Add
                    | BinaryOp::Subtract
                    | BinaryOp::Multiply
                    | BinaryOp::Divide
                    | BinaryOp::Power => false,
                    BinaryOp::Equal
                    | BinaryOp::NotEqual
                    | BinaryOp::Less
                    | BinaryOp::Greater
                    | BinaryOp::LessEqual
                    | BinaryOp::GreaterEqual
                        if usage == Use::Number =>
                    {
                        true
                    }
                    _ => return None,
                };
                let operands = if compare { Use::Compared } else { Use::Number };
                self.node(left, operands)?;
                self.node(right, operands)?;
                self.emit(
                    if compare {
                        Op::Compare(*op)
                    } else {
                        Op::Arithmetic(*op)
                    },
                    -1,
                );
            }
            Node::Call { function, args } => self.call(function.name, args, usage)?,
            _ => return None,
        }
        Some(())
    }

    fn cell(&mut self, sheet: u32, row: u32, col: ColRef, blank: Blank) -> Option<()> {
        let n_cols = self.shapes.sheets.get(sheet as usize)?.n_cols;
        let row_start = row.checked_mul(n_cols)?;
        let slot = CellSlot {
            row_start,
            n_cols,
            col,
        };
        self.rows.push((sheet, row, row));
        self.emit(Op::Cell(sheet, slot, blank), 1);
        Some(())
    }

    fn metric(&mut self, sheet: u32, row: u32, offset: i32, blank: Blank) -> Option<()> {
        let target = self.shapes.sheets.get(sheet as usize)?;
        let (first, count) = if target.grid {
            (0, target.n_cols)
        } else {
            (self.shapes.periods.first_col, self.shapes.periods.count)
        };
        let slot = MetricSlot {
            row_start: row.checked_mul(target.n_cols)?,
            offset,
            first,
            count,
        };
        self.reads_metric = true;
        self.rows.push((sheet, row, row));
        self.emit(Op::Metric(sheet, slot, blank), 1);
        Some(())
    }

    fn call(&mut self, name: &str, args: &[Node], usage: Use) -> Option<()> {
        let round = match name {
            "ROUND" => Some(RoundMode::Nearest),
            "ROUNDUP" => Some(RoundMode::Up),
            "ROUNDDOWN" => Some(RoundMode::Down),
            _ => None,
        };
        match (name, args) {
            (_, [x, digits]) if round.is_some() => {
                self.node(x, Use::Number)?;
                self.node(digits, Use::Number)?;
                self.emit(Op::Round(round?), -1);
            }
            ("ABS", [x]) => {
                self.node(x, Use::Number)?;
                self.emit(Op::Abs, 0);
            }
            ("IF", [condition, then, otherwise]) => {
                self.node(condition, Use::Number)?;
                self.node(then, usage)?;
                self.node(otherwise, usage)?;
                self.emit(Op::Select, -2);
            }
            ("SUM", [_, ..]) => {
                self.emit(Op::SumBegin, 2);
                for arg in args {
                    match arg {
                        // Blank cells add nothing, as 0 does.
                        Node::Cell { sheet, row, col } => {
                            self.cell(*sheet, *row, *col, Blank::Zero)?
                        }
                        Node::Metric { sheet, row, offset } => {
                            self.metric(*sheet, *row, *offset, Blank::Zero)?
                        }
                        Node::Range {
                            sheet,
                            row0,
                            row1,
                            col0,
                            col1,
                        } => {
                            let range = RangeSlot {
                                row0: *row0,
                                row1: *row1,
                                cols: RangeCols::Between(*col0, *col1),
                            };
                            self.rows.push((*sheet, *row0, *row1));
                            self.emit(Op::SumRange(*sheet, range), 0);
                            continue;
                        }
                        Node::MetricRow { sheet, row } => {
                            let range = RangeSlot {
                                row0: *row,
                                row1: *row,
                                cols: RangeCols::Metric,
                            };
                            self.rows.push((*sheet, *row, *row));
                            self.emit(Op::SumRange(*sheet, range), 0);
                            continue;
                        }
                        other => self.node(other, Use::Value)?,
                    }
                    self.emit(Op::SumAdd, -1);
                }
                self.emit(Op::SumEnd, -1);
            }
            ("MIN" | "MAX", [first, rest @ ..]) => {
                let fold = if name == "MIN" { Op::Min } else { Op::Max };
                // MIN and MAX skip blank cells: those are left to the registry.
                self.node(first, Use::Value)?;
                for arg in rest {
                    self.node(arg, Use::Value)?;
                    self.emit(fold, -1);
                }
            }
            _ => return None,
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::compile::{Resolver, compile};

    struct Names;

    impl Resolver for Names {
        fn sheet(&self, name: &str) -> Option<u32> {
            (name == "Sheet1").then_some(0)
        }
        fn metric(&self, _sheet: u32, name: &str) -> Option<u32> {
            ["price", "units", "cost"]
                .iter()
                .position(|m| *m == name)
                .map(|i| i as u32)
        }
    }

    const PERIODS: Periods = Periods {
        first_col: 2,
        count: 4,
    };

    /// A metric sheet: price, units, cost over four periods (columns 2-5).
    fn sheet(rows: &[[Value; 4]]) -> Vec<SheetValues> {
        let mut values = Vec::new();
        for row in rows {
            values.extend([Value::text("name"), Value::text("unit")]);
            values.extend(row.iter().cloned());
        }
        vec![SheetValues::new(6, values, "Sheet1", false)]
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn program(text: &str, sheets: &[SheetValues]) -> Option<Program> {
        let expr = crate::formula::parse(text).expect("parses");
        let node = compile(&expr, 0, 2, &Names);
        Program::compile(
            &node,
            &Shapes {
                sheets,
                periods: PERIODS,
            },
        )
    }

    /// The program's result in column `col`, computed alone and as one of
    /// a run of every column (which must agree).
    fn run(text: &str, sheets: &[SheetValues], col: u32) -> Option<f64> {
        let program = program(text, sheets).unwrap_or_else(|| panic!("{text} compiles"));
        let mut lanes = Lanes::default();
        let alone = program.run(sheets, PERIODS, (0, col), 1, &mut lanes)[0];
        let all = program.run(sheets, PERIODS, (0, 0), 6, &mut lanes)[col as usize];
        assert_eq!(alone.to_bits(), all.to_bits(), "{text} in column {col}");
        (!alone.is_nan()).then_some(alone)
    }

    fn model() -> Vec<SheetValues> {
        sheet(&[
            [n(10.0), n(12.0), n(14.0), n(16.0)],
            [n(3.0), n(4.0), Value::Empty, n(6.0)],
            [n(1.0), Value::text("n/a"), n(2.0), n(0.0)],
        ])
    }

    #[test]
    fn arithmetic_reads_this_and_earlier_periods() {
        let sheets = model();
        assert_eq!(run("price*units", &sheets, 3), Some(48.0));
        assert_eq!(run("price[-1]*0.5+units*0.5", &sheets, 3), Some(7.0));
        // Before the first period the metric reads as blank: 0.
        assert_eq!(run("price[-1]+1", &sheets, 2), Some(1.0));
        assert_eq!(run("-units%", &sheets, 5), Some(-0.06));
        assert_eq!(run("2^price/1024", &sheets, 2), Some(1.0));
    }

    #[test]
    fn functions_match_the_registry_on_numbers() {
        let sheets = model();
        assert_eq!(run("ROUND(price*1.1-units*0.1,2)", &sheets, 2), Some(10.7));
        assert_eq!(run("ROUNDUP(price/3,0)", &sheets, 2), Some(4.0));
        assert_eq!(
            run("SUM(price[-2],price[-1],price[0])/3", &sheets, 4),
            Some(12.0)
        );
        assert_eq!(run("SUM(price)+0", &sheets, 2), Some(52.0));
        assert_eq!(run("SUM(C1:D2)*1", &sheets, 2), Some(29.0));
        assert_eq!(
            run("MAX(MIN(price[0],units[0]),cost[0])", &sheets, 2),
            Some(3.0)
        );
        assert_eq!(run("ABS(units-price)", &sheets, 2), Some(7.0));
        assert_eq!(run("IF(price>11,units,cost)", &sheets, 2), Some(1.0));
        assert_eq!(run("IF(price>11,units,cost)", &sheets, 3), Some(4.0));
        assert_eq!(run("IF(price-10,1,2)", &sheets, 2), Some(2.0));
    }

    #[test]
    fn anything_but_numbers_is_left_to_the_interpreter() {
        let sheets = model();
        // Text in an operand, a division by zero.
        assert_eq!(run("cost*2", &sheets, 3), None);
        assert_eq!(run("price/cost", &sheets, 5), None);
        // A blank returned as it is by IF, or given to MIN.
        assert_eq!(run("IF(price>11,units,cost)", &sheets, 4), None);
        assert_eq!(run("MIN(units[0],price[0])", &sheets, 4), None);
        // A blank in arithmetic or SUM reads 0.
        assert_eq!(run("units+1", &sheets, 4), Some(1.0));
        assert_eq!(run("SUM(units[0],1)", &sheets, 4), Some(1.0));
        // Text in a summed range.
        assert_eq!(run("SUM(cost)+0", &sheets, 2), None);
        // Outside the periods, a metric name is an error.
        assert_eq!(run("price*2", &sheets, 1), None);
    }

    #[test]
    fn results_that_are_not_numbers_are_not_compiled() {
        let sheets = model();
        for text in [
            "price>1",
            "IF(price>1,price>2,1)",
            "price&units",
            "price",
            "SUM(price>1)",
        ] {
            assert_eq!(program(text, &sheets), None, "{text}");
        }
        assert!(program("(price>1)*2", &sheets).is_some());
    }
}

/// Programs against the interpreter on random formulas over random values
/// (numbers, blanks, text, zeros, huge numbers): wherever a program gives
/// a number, the interpreter gives the same number.
#[cfg(test)]
mod agreement {
    use super::*;
    use crate::engine::compile::{Resolver, compile};
    use crate::engine::eval::Evaluator;
    use crate::engine::value::{CellError, ErrorKind};
    use proptest::prelude::*;

    struct Names;

    impl Resolver for Names {
        fn sheet(&self, _name: &str) -> Option<u32> {
            None
        }
        fn metric(&self, _sheet: u32, name: &str) -> Option<u32> {
            ["a", "b", "c"]
                .iter()
                .position(|m| *m == name)
                .map(|i| i as u32)
        }
    }

    const PERIODS: Periods = Periods {
        first_col: 1,
        count: 5,
    };

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => (-1000.0f64..1000.0).prop_map(Value::Number),
            1 => Just(Value::Number(0.0)),
            1 => Just(Value::Number(1e300)),
            1 => Just(Value::Empty),
            1 => Just(Value::text("x")),
            1 => Just(Value::Bool(true)),
            1 => Just(Value::error(ErrorKind::Div0)),
            1 => Just(Value::Error(CellError::with_detail(ErrorKind::Num, "overflow"))),
        ]
    }

    fn leaf() -> impl Strategy<Value = String> {
        prop_oneof![
            (0usize..3, -2i32..2).prop_map(|(m, k)| format!("{}[{k}]", ["a", "b", "c"][m])),
            (-5i32..100).prop_map(|n| n.to_string()),
            Just("0.5".to_string()),
            (0usize..3).prop_map(|r| format!("C{}", r + 1)),
            (0usize..3).prop_map(|r| format!("$B${}", r + 1)),
        ]
    }

    fn formula() -> impl Strategy<Value = String> {
        leaf().prop_recursive(4, 24, 3, |inner| {
            let op = prop_oneof![
                Just("+"),
                Just("-"),
                Just("*"),
                Just("/"),
                Just("^"),
                Just(">"),
                Just("="),
                Just("<=")
            ];
            prop_oneof![
                (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("({a}{o}{b})")),
                inner.clone().prop_map(|a| format!("-{a}")),
                inner.clone().prop_map(|a| format!("{a}%")),
                (inner.clone(), 0i32..3).prop_map(|(a, d)| format!("ROUND({a},{d})")),
                inner.clone().prop_map(|a| format!("ABS({a})")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(c, t, e)| format!("IF({c},{t},{e})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("SUM({a},{b})")),
                (0usize..3).prop_map(|m| format!("SUM({})", ["a", "b", "c"][m])),
                Just("SUM(B1:D2)".to_string()),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("MIN({a},{b})")),
                (inner.clone(), inner).prop_map(|(a, b)| format!("MAX({a},{b})")),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn programs_agree_with_the_interpreter(
            text in formula(),
            cells in proptest::collection::vec(value(), 21),
        ) {
            let sheets = vec![SheetValues::new(7, cells, "Sheet1", false)];
            let expr = crate::formula::parse(&text).expect("parses");
            let node = compile(&expr, 0, 1, &Names);
            let shapes = Shapes { sheets: &sheets, periods: PERIODS };
            if let Some(program) = Program::compile(&node, &shapes) {
                let mut lanes = Lanes::default();
                let run = program.run(&sheets, PERIODS, (0, 0), 7, &mut lanes).to_vec();
                for (col, &fast) in run.iter().enumerate() {
                    let evaluator = Evaluator {
                        sheets: &sheets,
                        periods: PERIODS,
                        sheet: 0,
                        row: 3,
                        col: col as u32,
                    };
                    let exact = evaluator.eval_fast(&node);
                    if fast.is_nan() {
                        if let Some(error) = program.passed_on_error(&sheets, PERIODS, (0, col as u32)) {
                            prop_assert!(
                                error.same_as(&exact),
                                "{text} in column {col}: program {error:?}, interpreter {exact:?}"
                            );
                        }
                        continue;
                    }
                    prop_assert!(
                        matches!(exact, Value::Number(n) if n == fast),
                        "{text} in column {col}: program {fast}, interpreter {exact:?}"
                    );
                }
            }
        }
    }
}
