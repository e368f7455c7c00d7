//! The formula syntax tree: what a parsed formula *says*, with no values and no
//! knowledge of cell contents. The engine compiles it; the printer turns it back
//! into canonical text.

use std::fmt;

/// A parsed formula expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal such as `1`, `1.5e3`, `.5`.
    Number(f64),
    /// A string literal; `""` inside the quotes is one `"`.
    Text(String),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// An error literal such as `#DIV/0!`.
    Error(ErrorKind),
    /// A reference to a cell, a range or a metric.
    Reference(Reference),
    /// A prefix operator applied to an operand (`-x`, `+x`).
    Unary(UnaryOp, Box<Expr>),
    /// The postfix percent operator (`5%` is 0.05).
    Percent(Box<Expr>),
    /// An infix operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// A function call; `name` is upper-cased (`SUM`).
    Call { name: String, args: Vec<Expr> },
    /// A parenthesised expression. Kept so that printing reproduces the user's
    /// grouping; evaluation ignores it.
    Group(Box<Expr>),
    /// An argument left empty, as in `IF(A1,,2)`.
    Missing,
    /// Excel's range operator between references that are not both plain
    /// cells: `INDEX(A:A,2):INDEX(A:A,9)`, `A1:INDEX(B:B,n)` — the smallest
    /// range holding both.
    RangeOp(Box<Expr>, Box<Expr>),
    /// An array constant such as `{1,2,3}` or `{1,2;3,4}`: rows of
    /// constants (numbers, text, booleans, errors), all of one length.
    Array(Vec<Vec<Expr>>),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Negate,
    /// `+x`
    Plus,
}

/// Infix operators, in Excel's precedence groups (see [`BinaryOp::precedence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `^`
    Power,
    /// `*`
    Multiply,
    /// `/`
    Divide,
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `&`
    Concat,
    /// `=`
    Equal,
    /// `<>`
    NotEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `<=`
    LessEqual,
    /// `>=`
    GreaterEqual,
}

impl BinaryOp {
    /// Binding strength; higher binds tighter. Excel's order, loosest first:
    /// comparison, `&`, `+ -`, `* /`, `^` (then `%`, then unary minus, then `:`).
    /// Note Excel's quirk: unary minus binds tighter than `^`, so `-2^2` is 4.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Equal
            | BinaryOp::NotEqual
            | BinaryOp::Less
            | BinaryOp::Greater
            | BinaryOp::LessEqual
            | BinaryOp::GreaterEqual => 1,
            BinaryOp::Concat => 2,
            BinaryOp::Add | BinaryOp::Subtract => 3,
            BinaryOp::Multiply | BinaryOp::Divide => 4,
            BinaryOp::Power => 5,
        }
    }

    /// The operator as written in a formula.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Power => "^",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Concat => "&",
            BinaryOp::Equal => "=",
            BinaryOp::NotEqual => "<>",
            BinaryOp::Less => "<",
            BinaryOp::Greater => ">",
            BinaryOp::LessEqual => "<=",
            BinaryOp::GreaterEqual => ">=",
        }
    }
}

/// The spreadsheet error values. `Display` prints them exactly as Excel does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    /// `#NULL!`
    Null,
    /// `#DIV/0!`
    Div0,
    /// `#VALUE!`
    Value,
    /// `#REF!`
    Ref,
    /// `#NAME?`
    Name,
    /// `#NUM!`
    Num,
    /// `#N/A`
    NA,
    /// `#CIRC!`: the cell is part of a circular reference.
    Circular,
    /// `#CALC!`: an array function found nothing to return (`FILTER` with
    /// no match, `SEQUENCE(0)`), as Excel 365 says.
    Calc,
}

impl ErrorKind {
    /// Every error kind, for lookups and tests.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::Null,
        ErrorKind::Div0,
        ErrorKind::Value,
        ErrorKind::Ref,
        ErrorKind::Name,
        ErrorKind::Num,
        ErrorKind::NA,
        ErrorKind::Circular,
        ErrorKind::Calc,
    ];

    /// The literal text, e.g. `#DIV/0!`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Null => "#NULL!",
            ErrorKind::Div0 => "#DIV/0!",
            ErrorKind::Value => "#VALUE!",
            ErrorKind::Ref => "#REF!",
            ErrorKind::Name => "#NAME?",
            ErrorKind::Num => "#NUM!",
            ErrorKind::NA => "#N/A",
            ErrorKind::Circular => "#CIRC!",
            ErrorKind::Calc => "#CALC!",
        }
    }

    /// Parses an error literal (case-insensitive), e.g. `#n/a`.
    pub fn from_literal(text: &str) -> Option<ErrorKind> {
        ErrorKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One cell coordinate inside a reference, zero-based, with `$` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellRef {
    /// Zero-based row (`A1` is row 0).
    pub row: u32,
    /// Zero-based column (`A1` is column 0).
    pub col: u32,
    /// `$` before the row number.
    pub row_abs: bool,
    /// `$` before the column letters.
    pub col_abs: bool,
}

/// Whether a whole-line reference spans columns (`A:C`) or rows (`3:5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Axis {
    /// Whole columns: `A:A`, `$B:$D`.
    Columns,
    /// Whole rows: `3:3`, `$60:$60`.
    Rows,
}

/// One end of a whole-column or whole-row reference: a zero-based column
/// or row index with its `$` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineRef {
    /// Zero-based column (`A` is 0) or row (`1` is 0).
    pub index: u32,
    /// `$` before it.
    pub abs: bool,
}

/// What a reference points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Reference {
    /// `B3`, `$B$3`, `Inputs!B3`.
    Cell {
        sheet: Option<String>,
        cell: CellRef,
    },
    /// `B2:M2`, `'Unit economics'!B3:B9`.
    Range {
        sheet: Option<String>,
        start: CellRef,
        end: CellRef,
    },
    /// Whole columns or whole rows: `A:A`, `$B:$D`, `3:3`,
    /// `'My sheet'!C:C` (the ends normalised, lower first).
    Lines {
        sheet: Option<String>,
        axis: Axis,
        start: LineRef,
        end: LineRef,
    },
    /// A metric name, optionally with a period offset and a sheet:
    /// `price` (offset 0), `customers[-1]` (offset -1), `Inputs!price`.
    /// Whether a bare name means "this period" or "the whole row" is decided by
    /// where it is used (the engine), not by the parser; `explicit_offset`
    /// records whether `[n]` was written, so that printing round-trips.
    Metric {
        sheet: Option<String>,
        name: String,
        offset: i32,
        explicit_offset: bool,
    },
    /// A reference made invalid by deleting its target; evaluates to `#REF!`.
    /// Printed as `#REF!`.
    Invalid,
}

impl Reference {
    /// The name of a bare name reference — no sheet, no `[n]` offset —
    /// which is what a `LET` name is written as; `None` otherwise.
    pub fn plain_name(&self) -> Option<&str> {
        match self {
            Reference::Metric {
                sheet: None,
                name,
                offset: 0,
                explicit_offset: false,
            } => Some(name),
            _ => None,
        }
    }
}
