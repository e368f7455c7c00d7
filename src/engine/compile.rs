//! Compiling a formula's syntax tree into an evaluable [`Node`] tree: sheet and
//! metric names are resolved to indices, functions to registry entries, and
//! each bare metric name is decided to mean "this period" or "the whole row"
//! from where it stands.

use std::cell::{Cell, RefCell};

use crate::engine::eval::FIXED_ROW;
use crate::engine::functions::{self, Array, FunctionSpec};
use crate::engine::value::{CellError, ErrorKind, Value};
use crate::formula::lexer::{MAX_COL, MAX_ROW};
use crate::formula::{Axis, BinaryOp, CellRef, Expr, LineRef, Reference, UnaryOp};

/// A column inside a compiled reference: fixed, or relative to the column
/// the formula is evaluated in (so one row formula serves every period).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColRef {
    /// Always this column.
    Abs(u32),
    /// The evaluated cell's column plus this delta.
    Rel(i32),
}

impl ColRef {
    /// The concrete column when evaluating in column `col`, if it exists.
    pub fn at(self, col: u32) -> Option<u32> {
        match self {
            ColRef::Abs(c) => Some(c),
            ColRef::Rel(delta) => u32::try_from(i64::from(col) + i64::from(delta)).ok(),
        }
    }
}

/// An evaluable expression with every name resolved. Two nodes are equal
/// when they compute the same thing from the same cells.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A constant (literals, and errors found while compiling).
    Const(Value),
    /// One cell.
    Cell { sheet: u32, row: u32, col: ColRef },
    /// A rectangle of cells (rows inclusive, columns inclusive).
    Range {
        sheet: u32,
        row0: u32,
        row1: u32,
        col0: ColRef,
        col1: ColRef,
    },
    /// A metric in the evaluated period plus `offset`.
    Metric { sheet: u32, row: u32, offset: i32 },
    /// Every period of a metric (a bare name where a range is expected).
    MetricRow { sheet: u32, row: u32 },
    /// An array constant (`{1,2;3,4}`).
    Array(Array),
    /// The range operator: the smallest range holding both references.
    RangeOp(Box<Node>, Box<Node>),
    /// Operators over an array constant, computed value by value (the
    /// result is an array; in one cell, its first value).
    Elementwise(Box<Node>),
    /// `-x`
    Negate(Box<Node>),
    /// `+x` (kept because `+A1:B2` still intersects; evaluates to x).
    Plus(Box<Node>),
    /// `x%`
    Percent(Box<Node>),
    /// `a op b`
    Binary(BinaryOp, Box<Node>, Box<Node>),
    /// A call of a registry function; `array` marks elementwise argument
    /// evaluation (SUMPRODUCT).
    Call {
        function: &'static FunctionSpec,
        args: Vec<Node>,
    },
}

/// What the compiler needs to know about the workbook.
pub trait Resolver {
    /// The index of sheet `name` (case-insensitive).
    fn sheet(&self, name: &str) -> Option<u32>;
    /// The row of metric `name` on `sheet` (case-insensitive); `None` if unknown.
    fn metric(&self, sheet: u32, name: &str) -> Option<u32>;
    /// The compiled form of row `row` of `sheet` (see
    /// [`crate::engine::eval::SheetValues::stored`]): the row itself where
    /// the sheet's rows are stored in order.
    fn stored_row(&self, _sheet: u32, row: u32) -> u32 {
        row
    }
    /// The target of defined name `name` (case-insensitive) as seen from
    /// `sheet`: an absolute reference with a sheet, or a constant. A name
    /// scoped to `sheet` wins over a workbook-level name of the same text,
    /// as in Excel; with `local_only` (a name written `Sheet!name`) only a
    /// name scoped to `sheet` is found. Defined names are looked up before
    /// metric names.
    fn defined_name(&self, _sheet: u32, _name: &str, _local_only: bool) -> Option<&Expr> {
        None
    }
}

/// Compiles `expr` for a formula on `sheet` whose relative columns are written
/// as seen from `anchor_col`.
pub fn compile(expr: &Expr, sheet: u32, anchor_col: u32, resolver: &dyn Resolver) -> Node {
    let compiler = Compiler {
        sheet,
        anchor_col,
        resolver,
        scope: RefCell::new(Vec::new()),
        depth: Cell::new(0),
        inlined: Cell::new(0),
        too_big: Cell::new(false),
    };
    let node = compiler.node(expr, Position::Scalar);
    if compiler.too_big.get() {
        return error(
            ErrorKind::Value,
            format!(
                "LET names used over and over make this formula too big (over \
                 {MAX_LET_NODES} parts or {MAX_HEIGHT} levels); simplify it"
            ),
        );
    }
    node
}

/// How many parts the uses of a formula's `LET` names may copy in all: a
/// name's compiled value is copied where it is used, so names built from
/// names (`b, a+a, c, b+b, …`) grow exponentially; past this (or past
/// [`MAX_HEIGHT`] levels) the formula is `#VALUE!` instead of exhausting
/// memory or the stack.
const MAX_LET_NODES: usize = 200_000;

/// The parser's nesting limit, which compiled formulas keep too.
const MAX_HEIGHT: usize = crate::formula::parser::MAX_HEIGHT;

/// The number of parts of `node` and its height.
fn measure(node: &Node) -> (usize, usize) {
    let combine = |children: &[&Node]| {
        children.iter().fold((1, 1), |(size, height), child| {
            let (s, h) = measure(child);
            (size + s, height.max(h + 1))
        })
    };
    match node {
        Node::Negate(inner)
        | Node::Plus(inner)
        | Node::Percent(inner)
        | Node::Elementwise(inner) => combine(&[inner]),
        Node::Binary(_, left, right) | Node::RangeOp(left, right) => combine(&[left, right]),
        Node::Call { args, .. } => combine(&args.iter().collect::<Vec<_>>()),
        _ => (1, 1),
    }
}

/// Where an expression stands, which decides what a bare metric name means.
/// Shared with the Excel export, which must read names the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A single value is expected: a bare name is this period.
    Scalar,
    /// A function parameter that takes ranges: a bare name is the whole row.
    RangeParam,
    /// Inside an array-taking function: operators work elementwise, a bare
    /// name is the whole row.
    Array,
}

impl Position {
    /// The position of an operator's operands: operators keep the array
    /// context but not the "range parameter" one (`SUM(a * 2)` multiplies
    /// this period's `a`).
    pub fn operand(self) -> Position {
        if self == Position::Array {
            Position::Array
        } else {
            Position::Scalar
        }
    }

    /// The position of argument `index` of `function` called from here.
    pub fn argument(self, function: &FunctionSpec, index: usize) -> Position {
        if function.array_args || self == Position::Array {
            Position::Array
        } else if takes_range(function.name, index) {
            Position::RangeParam
        } else {
            Position::Scalar
        }
    }
}

struct Compiler<'a> {
    sheet: u32,
    anchor_col: u32,
    resolver: &'a dyn Resolver,
    /// The names bound by the `LET`s being compiled, innermost last: each
    /// name's value compiled where it is bound, with its size and height.
    scope: RefCell<Vec<(String, Node, usize, usize)>>,
    /// How deep the compilation is (see [`MAX_HEIGHT`]).
    depth: Cell<usize>,
    /// Parts copied by uses of `LET` names so far (see [`MAX_LET_NODES`]).
    inlined: Cell<usize>,
    /// Set when a limit is passed: the whole formula is then an error.
    too_big: Cell<bool>,
}

impl Compiler<'_> {
    fn node(&self, expr: &Expr, position: Position) -> Node {
        let depth = self.depth.get() + 1;
        if depth > MAX_HEIGHT || self.too_big.get() {
            self.too_big.set(true);
            return Node::Const(Value::Empty);
        }
        self.depth.set(depth);
        let node = self.node_at(expr, position);
        self.depth.set(depth - 1);
        node
    }

    fn node_at(&self, expr: &Expr, position: Position) -> Node {
        let operand_position = position.operand();
        match expr {
            Expr::Number(n) => Node::Const(Value::number(*n)),
            Expr::Text(s) => Node::Const(Value::Text(arcstr::ArcStr::from(s.as_str()))),
            Expr::Bool(b) => Node::Const(Value::Bool(*b)),
            Expr::Error(kind) => Node::Const(Value::error(*kind)),
            Expr::Missing => Node::Const(Value::Empty),
            Expr::Array(rows) => {
                let data: Vec<Value> = rows
                    .iter()
                    .flatten()
                    .map(|value| match self.node(value, Position::Scalar) {
                        Node::Const(v) => v,
                        _ => Value::error(ErrorKind::Value),
                    })
                    .collect();
                Node::Array(Array {
                    rows: rows.len() as u32,
                    cols: rows.first().map_or(0, Vec::len) as u32,
                    data,
                })
            }
            Expr::Group(inner) => self.node(inner, position),
            Expr::RangeOp(left, right) => Node::RangeOp(
                Box::new(self.node(left, Position::RangeParam)),
                Box::new(self.node(right, Position::RangeParam)),
            ),
            Expr::Unary(UnaryOp::Negate, inner) => elementwise_if_array(
                Node::Negate(Box::new(self.node(inner, operand_position))),
                position,
            ),
            Expr::Unary(UnaryOp::Plus, inner) => elementwise_if_array(
                Node::Plus(Box::new(self.node(inner, operand_position))),
                position,
            ),
            Expr::Percent(inner) => elementwise_if_array(
                Node::Percent(Box::new(self.node(inner, operand_position))),
                position,
            ),
            Expr::Binary(op, left, right) => elementwise_if_array(
                Node::Binary(
                    *op,
                    Box::new(self.node(left, operand_position)),
                    Box::new(self.node(right, operand_position)),
                ),
                position,
            ),
            Expr::Call { name, args } => self.call(name, args, position),
            Expr::Reference(reference) => self.reference(reference, position),
        }
    }

    fn call(&self, name: &str, args: &[Expr], position: Position) -> Node {
        if name.eq_ignore_ascii_case("LET") {
            return self.let_(args, position);
        }
        let Some(function) = functions::lookup(name) else {
            return error(ErrorKind::Name, format!("unknown function {name}"));
        };
        if args.len() < function.min_args || args.len() > function.max_args {
            let expected = if function.min_args == function.max_args {
                format!("{}", function.min_args)
            } else if function.max_args == usize::MAX {
                format!("at least {}", function.min_args)
            } else {
                format!("{} to {}", function.min_args, function.max_args)
            };
            return error(
                ErrorKind::Value,
                format!(
                    "{} takes {expected} argument{}, got {}",
                    function.name,
                    if expected == "1" { "" } else { "s" },
                    args.len()
                ),
            );
        }
        let args: Vec<Node> = args
            .iter()
            .enumerate()
            .map(|(index, arg)| self.node(arg, position.argument(function, index)))
            .collect();
        // `SUM(IF(A1:A9 > 0, B1:B9))`: where a function takes ranges, an IF
        // over several cells chooses value by value (as in Excel 365, and
        // as an array formula did before it).
        let array_if = function.name == "IF"
            && position != Position::Scalar
            && args.first().is_some_and(reads_several);
        let call = Node::Call { function, args };
        if array_if {
            Node::Elementwise(Box::new(call))
        } else {
            call
        }
    }

    /// `LET(name1, value1, [name2, value2, …], calculation)`: each name
    /// stands for its value in the values after it and in the calculation.
    /// A value is compiled once, where the LET stands (a range stays a
    /// range, a bare metric name is this period as in any single-value
    /// place), and copied where its name is used.
    fn let_(&self, args: &[Expr], position: Position) -> Node {
        if args.len() < 3 || args.len().is_multiple_of(2) {
            return error(
                ErrorKind::Value,
                format!(
                    "LET takes names with values and then a calculation (an odd number of \
                     arguments, at least 3), got {}",
                    args.len()
                ),
            );
        }
        let outer = self.scope.borrow().len();
        let mut failed = None;
        for pair in args[..args.len() - 1].chunks(2) {
            let [name, value] = pair else { continue };
            let bound = match name {
                Expr::Reference(reference) => reference.plain_name(),
                _ => None,
            };
            let Some(bound) = bound else {
                failed = Some(error(
                    ErrorKind::Value,
                    format!(
                        "LET needs a name where `{}` is",
                        crate::formula::print(name)
                    ),
                ));
                break;
            };
            let bound = bound.strip_prefix("_xlpm.").unwrap_or(bound).to_string();
            let node = self.node(value, position);
            let (size, height) = measure(&node);
            self.scope.borrow_mut().push((bound, node, size, height));
        }
        let node = failed.unwrap_or_else(|| self.node(&args[args.len() - 1], position));
        self.scope.borrow_mut().truncate(outer);
        node
    }

    /// The compiled value of a `LET` name in sight, copied here; `None` if
    /// `name` is not one.
    fn let_name(&self, name: &str) -> Option<Node> {
        let scope = self.scope.borrow();
        let (_, node, size, height) = scope
            .iter()
            .rev()
            .find(|(n, ..)| n.eq_ignore_ascii_case(name))?;
        let inlined = self.inlined.get() + size;
        if inlined > MAX_LET_NODES || self.depth.get() + height > MAX_HEIGHT {
            self.too_big.set(true);
            return Some(Node::Const(Value::Empty));
        }
        self.inlined.set(inlined);
        Some(node.clone())
    }

    fn reference(&self, reference: &Reference, position: Position) -> Node {
        if let Some(name) = reference.plain_name()
            && let Some(node) = self.let_name(name)
        {
            return node;
        }
        match reference {
            Reference::Invalid => Node::Const(Value::error(ErrorKind::Ref)),
            Reference::Cell { sheet, cell } => match self.sheet_index(sheet.as_deref()) {
                Ok(sheet) => Node::Cell {
                    sheet,
                    row: self.resolver.stored_row(sheet, cell.row),
                    col: self.col_ref(cell),
                },
                Err(e) => e,
            },
            Reference::Range { sheet, start, end } => match self.sheet_index(sheet.as_deref()) {
                Ok(sheet) => Node::Range {
                    sheet,
                    row0: self.resolver.stored_row(sheet, start.row.min(end.row)),
                    row1: self.resolver.stored_row(sheet, start.row.max(end.row)),
                    col0: self.col_ref(start),
                    col1: self.col_ref(end),
                },
                Err(e) => e,
            },
            // A whole column or row is the range to the sheet's last row or
            // column; evaluation reads only as far as the sheets hold cells.
            Reference::Lines {
                sheet,
                axis,
                start,
                end,
            } => match self.sheet_index(sheet.as_deref()) {
                Ok(sheet) => match axis {
                    Axis::Columns => {
                        let column = |line: &LineRef| {
                            self.col_ref(&CellRef {
                                row: 0,
                                col: line.index,
                                row_abs: true,
                                col_abs: line.abs,
                            })
                        };
                        // From the first row to the last, wherever rows move.
                        Node::Range {
                            sheet,
                            row0: FIXED_ROW,
                            row1: FIXED_ROW + MAX_ROW,
                            col0: column(start),
                            col1: column(end),
                        }
                    }
                    Axis::Rows => Node::Range {
                        sheet,
                        row0: self.resolver.stored_row(sheet, start.index.min(end.index)),
                        row1: self.resolver.stored_row(sheet, start.index.max(end.index)),
                        col0: ColRef::Abs(0),
                        col1: ColRef::Abs(MAX_COL),
                    },
                },
                Err(e) => e,
            },
            Reference::Metric {
                sheet,
                name,
                offset,
                explicit_offset,
            } => {
                let qualified = sheet.is_some();
                let sheet = match self.sheet_index(sheet.as_deref()) {
                    Ok(sheet) => sheet,
                    Err(e) => return e,
                };
                if *offset == 0
                    && !explicit_offset
                    && let Some(target) = self.resolver.defined_name(sheet, name, qualified)
                {
                    return match target {
                        Expr::Reference(reference) => self.reference(reference, position),
                        other => self.node(other, position),
                    };
                }
                let Some(row) = self.resolver.metric(sheet, name) else {
                    return error(ErrorKind::Name, format!("unknown metric `{name}`"));
                };
                if !explicit_offset && position != Position::Scalar {
                    Node::MetricRow { sheet, row }
                } else {
                    Node::Metric {
                        sheet,
                        row,
                        offset: *offset,
                    }
                }
            }
        }
    }

    fn sheet_index(&self, name: Option<&str>) -> Result<u32, Node> {
        match name {
            None => Ok(self.sheet),
            Some(name) => self
                .resolver
                .sheet(name)
                .ok_or_else(|| error(ErrorKind::Ref, format!("unknown sheet `{name}`"))),
        }
    }

    fn col_ref(&self, cell: &CellRef) -> ColRef {
        if cell.col_abs {
            ColRef::Abs(cell.col)
        } else {
            let delta = i64::from(cell.col) - i64::from(self.anchor_col);
            ColRef::Rel(delta.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
        }
    }
}

/// An operator over an array constant or an array function's result works
/// value by value, as in Excel (`SUM({1,2}*2)` is 6, `SUM(SEQUENCE(3)*2)`
/// is 12): such an operator node is marked
/// [`Node::Elementwise`], once, at its top. So does an operator over a
/// range of several cells where a function takes ranges, as in Excel 365
/// (`SUM((A1:A9 > 0) * B1:B9)` adds the B cells whose A is positive);
/// elsewhere an operator over a range keeps its implicit intersection
/// (`=A1:A9 * 2` in row 3 doubles A3).
fn elementwise_if_array(mut node: Node, position: Position) -> Node {
    if position != Position::Scalar && reads_several(&node) {
        return match node {
            Node::Elementwise(_) => node,
            other => Node::Elementwise(Box::new(other)),
        };
    }
    let mut found = false;
    let mut unwrap = |child: &mut Box<Node>| match &mut **child {
        Node::Array(_) => found = true,
        Node::Call { function, .. } if function.array_result.is_some() => found = true,
        Node::Elementwise(inner) => {
            found = true;
            let inner = std::mem::replace(&mut **inner, Node::Const(Value::Empty));
            **child = inner;
        }
        _ => {}
    };
    match &mut node {
        Node::Negate(inner) | Node::Plus(inner) | Node::Percent(inner) => unwrap(inner),
        Node::Binary(_, left, right) => {
            unwrap(left);
            unwrap(right);
        }
        _ => {}
    }
    if found {
        Node::Elementwise(Box::new(node))
    } else {
        node
    }
}

/// True if an operator expression reads several values: a range of more
/// than one cell, an array constant or an array function's result, through
/// any operators.
fn reads_several(node: &Node) -> bool {
    match node {
        Node::Range {
            row0,
            row1,
            col0,
            col1,
            ..
        } => row0 != row1 || col0 != col1,
        Node::Array(_) | Node::Elementwise(_) | Node::MetricRow { .. } => true,
        Node::Call { function, .. } => function.array_result.is_some(),
        Node::Negate(inner) | Node::Plus(inner) | Node::Percent(inner) => reads_several(inner),
        Node::Binary(_, left, right) => reads_several(left) || reads_several(right),
        _ => false,
    }
}

fn error(kind: ErrorKind, detail: String) -> Node {
    Node::Const(Value::Error(CellError::with_detail(kind, detail)))
}

/// Whether parameter `index` (zero-based) of function `name` takes a range,
/// so that a bare metric name there means the metric's whole row. Everything
/// else takes a single value, and a bare name means "this period".
pub fn takes_range(name: &str, index: usize) -> bool {
    match name {
        "SUM" | "SUMPRODUCT" | "COUNT" | "COUNTA" | "COUNTBLANK" | "AVERAGE" | "MIN" | "MAX"
        | "MEDIAN" | "PRODUCT" | "AND" | "OR" | "XOR" | "CONCAT" | "STDEV" | "STDEV.S"
        | "STDEV.P" | "STDEVP" | "VAR" | "VAR.S" | "VAR.P" | "VARP" | "SUMSQ" | "AVERAGEA"
        | "MINA" | "MAXA" | "MODE" | "MODE.SNGL" | "AVEDEV" | "STDEVA" | "STDEVPA" | "VARA"
        | "VARPA" | "DEVSQ" | "GEOMEAN" | "HARMEAN" | "KURT" | "SKEW" | "SKEW.P" | "GCD"
        | "LCM" | "MULTINOMIAL" => true,
        "COVARIANCE.P" | "COVARIANCE.S" | "COVAR" | "PEARSON" | "RSQ" | "STEYX" | "SUMX2MY2"
        | "SUMX2PY2" | "SUMXMY2" | "PROB" => index <= 1,
        "PERCENTRANK" | "PERCENTRANK.INC" | "PERCENTRANK.EXC" | "TRIMMEAN" => index == 0,
        "RANK.AVG" | "FVSCHEDULE" => index == 1,
        "NETWORKDAYS.INTL" | "WORKDAY.INTL" | "SERIESSUM" => index == 3,
        "SUMIF" | "AVERAGEIF" => index == 0 || index == 2,
        "COUNTIF" | "LARGE" | "SMALL" | "INDEX" | "IRR" | "ROWS" | "COLUMNS" | "MIRR"
        | "PERCENTILE" | "PERCENTILE.INC" | "PERCENTILE.EXC" | "QUARTILE" | "QUARTILE.INC"
        | "QUARTILE.EXC" => index == 0,
        "CORREL" | "SLOPE" | "INTERCEPT" => index <= 1,
        "FORECAST" | "FORECAST.LINEAR" | "SUBTOTAL" => index >= 1,
        "RANK" | "RANK.EQ" | "XMATCH" | "TEXTBEFORE" | "TEXTAFTER" => index == 1,
        "LOOKUP" => index == 1 || index == 2,
        "WORKDAY" | "NETWORKDAYS" => index == 2,
        "AGGREGATE" => index >= 2,
        "SUMIFS" | "AVERAGEIFS" | "MAXIFS" | "MINIFS" => index == 0 || !index.is_multiple_of(2),
        "COUNTIFS" => index.is_multiple_of(2),
        "NPV" => index >= 1,
        "XNPV" => index == 1 || index == 2,
        "XIRR" => index == 0 || index == 1,
        "MATCH" | "VLOOKUP" | "HLOOKUP" => index == 1,
        "XLOOKUP" => index == 1 || index == 2,
        "TEXTJOIN" => index >= 2,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_columns_follow_the_evaluated_cell() {
        assert_eq!(ColRef::Rel(-1).at(5), Some(4));
        assert_eq!(ColRef::Rel(-1).at(0), None);
        assert_eq!(ColRef::Abs(3).at(9), Some(3));
    }

    #[test]
    fn range_parameters_of_common_functions() {
        assert!(takes_range("SUM", 3));
        assert!(takes_range("SUMIFS", 0));
        assert!(takes_range("SUMIFS", 1));
        assert!(!takes_range("SUMIFS", 2));
        assert!(!takes_range("ROUND", 0));
        assert!(takes_range("VLOOKUP", 1));
        assert!(!takes_range("VLOOKUP", 0));
        assert!(takes_range("CORREL", 1));
        assert!(takes_range("AGGREGATE", 3));
        assert!(!takes_range("AGGREGATE", 1));
        assert!(takes_range("WORKDAY", 2));
    }
}
