//! What a function receives: its arguments, either plain values or views of
//! cell ranges (which some functions treat differently, e.g. `SUM` skips text
//! in ranges but converts text given directly).

use crate::engine::value::{ErrorKind, Value};

static EMPTY: Value = Value::Empty;

/// A read-only rectangular view of a sheet's cell values.
///
/// Cells outside the stored grid read as [`Value::Empty`].
#[derive(Debug, Clone, Copy)]
pub struct RangeRef<'a> {
    /// The sheet's values, row-major with `stride` columns per row.
    pub data: &'a [Value],
    /// Number of columns per stored row of `data`.
    pub stride: usize,
    /// Where each row of the sheet is stored: row `r` is stored row
    /// `order[r]` of `data` (rows move in place when rows are inserted,
    /// deleted or moved). Empty when `data` is in sheet order.
    pub order: &'a [u32],
    /// First row of the range (zero-based, sheet coordinates).
    pub row0: u32,
    /// First column of the range (zero-based, sheet coordinates).
    pub col0: u32,
    /// Number of rows in the range.
    pub rows: u32,
    /// Number of columns in the range.
    pub cols: u32,
}

impl<'a> RangeRef<'a> {
    /// The value at (`r`, `c`) relative to the range's top-left corner.
    pub fn get(&self, r: u32, c: u32) -> &'a Value {
        if r >= self.rows || c >= self.cols || self.stride == 0 {
            return &EMPTY;
        }
        let Some(row) = self.stored_row(self.row0 + r) else {
            return &EMPTY;
        };
        let col = (self.col0 + c) as usize;
        if col >= self.stride {
            return &EMPTY;
        }
        self.data.get(row * self.stride + col).unwrap_or(&EMPTY)
    }

    /// Where sheet row `row` is stored in `data` (`None` past the sheet's
    /// last row).
    pub fn stored_row(&self, row: u32) -> Option<usize> {
        if self.order.is_empty() {
            Some(row as usize)
        } else {
            self.order.get(row as usize).map(|&r| r as usize)
        }
    }

    /// Number of rows the sheet holds (rows past them are empty).
    pub fn sheet_rows(&self) -> u64 {
        if self.order.is_empty() {
            (self.data.len() / self.stride.max(1)) as u64
        } else {
            self.order.len() as u64
        }
    }

    /// All values, row by row.
    pub fn iter(&self) -> impl Iterator<Item = &'a Value> + '_ {
        (0..self.rows).flat_map(move |r| (0..self.cols).map(move |c| self.get(r, c)))
    }

    /// Calls `f` on the cells of the range that lie inside the stored grid,
    /// row by row; the cells left out are all [`Value::Empty`]. For callers
    /// that skip blanks: a whole-sheet range such as `A1:XFD1048576` holds
    /// billions of cells but only the stored ones can hold anything.
    pub fn for_each_stored(&self, mut f: impl FnMut(&'a Value)) {
        if self.stride == 0 {
            return;
        }
        let rows = (u64::from(self.row0) + u64::from(self.rows)).min(self.sheet_rows());
        let cols = (u64::from(self.col0) + u64::from(self.cols)).min(self.stride as u64);
        for row in u64::from(self.row0)..rows {
            let Some(stored) = self.stored_row(row as u32) else {
                continue;
            };
            for col in u64::from(self.col0)..cols {
                if let Some(value) = self.data.get(stored * self.stride + col as usize) {
                    f(value);
                }
            }
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.rows as usize * self.cols as usize
    }

    /// True if the range has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An array of values computed by an array expression such as
/// `SUMPRODUCT((A1:A5>2)*B1:B5)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    /// Number of rows.
    pub rows: u32,
    /// Number of columns.
    pub cols: u32,
    /// `rows * cols` values, row-major.
    pub data: Vec<Value>,
}

/// One argument of a function call.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    /// A value computed from an expression (a literal, an operator, a call,
    /// or a single period of a metric).
    Value(Value),
    /// A reference to cells, with the position of the cell being computed
    /// (row, column) for Excel's implicit intersection.
    Range {
        /// The referenced cells.
        range: RangeRef<'a>,
        /// Row and column of the formula cell being computed.
        at: (u32, u32),
    },
    /// An array computed elementwise (only inside array-taking functions).
    Array(Array),
}

impl<'a> Arg<'a> {
    /// The argument as one value, the way Excel reads a range where a single
    /// value is expected: a one-cell range gives its cell; otherwise the cell
    /// in the formula's own row (for a one-column range) or column (for a
    /// one-row range); anything else is `#VALUE!`.
    pub fn scalar(&self) -> Value {
        match self {
            Arg::Value(v) => v.clone(),
            Arg::Range { range, at } => implicit_intersection(range, *at),
            Arg::Array(a) => a.data.first().cloned().unwrap_or(Value::Empty),
        }
    }

    /// True if the argument came from a reference or an array (not a value).
    pub fn is_range(&self) -> bool {
        !matches!(self, Arg::Value(_))
    }

    /// (rows, columns) of the argument; a plain value is 1×1.
    pub fn dims(&self) -> (u32, u32) {
        match self {
            Arg::Value(_) => (1, 1),
            Arg::Range { range, .. } => (range.rows, range.cols),
            Arg::Array(a) => (a.rows, a.cols),
        }
    }

    /// The value at (`r`, `c`) of the argument (a plain value is 1×1).
    pub fn get(&self, r: u32, c: u32) -> Value {
        match self {
            Arg::Value(v) if r == 0 && c == 0 => v.clone(),
            Arg::Value(_) => Value::Empty,
            Arg::Range { range, .. } => range.get(r, c).clone(),
            Arg::Array(a) => {
                if r < a.rows && c < a.cols {
                    a.data[(r * a.cols + c) as usize].clone()
                } else {
                    Value::Empty
                }
            }
        }
    }

    /// Calls `f` on every value of the argument, row by row.
    pub fn for_each(&self, mut f: impl FnMut(&Value)) {
        match self {
            Arg::Value(v) => f(v),
            Arg::Range { range, .. } => range.iter().for_each(f),
            Arg::Array(a) => a.data.iter().for_each(f),
        }
    }

    /// Calls `f` on every value of the argument that can be other than
    /// empty: like [`Arg::for_each`] but leaving out the cells of a range
    /// beyond the stored grid (all empty), so that callers that skip blanks
    /// take time in proportion to the sheet, not to the range.
    pub fn for_each_non_blank(&self, mut f: impl FnMut(&Value)) {
        match self {
            Arg::Value(v) => f(v),
            Arg::Range { range, .. } => range.for_each_stored(f),
            Arg::Array(a) => a.data.iter().for_each(f),
        }
    }
}

/// Excel's implicit intersection of a range with the formula cell at `at`.
pub fn implicit_intersection(range: &RangeRef<'_>, at: (u32, u32)) -> Value {
    let (row, col) = at;
    if range.rows == 1 && range.cols == 1 {
        return range.get(0, 0).clone();
    }
    if range.rows == 1 && col >= range.col0 && col < range.col0 + range.cols {
        return range.get(0, col - range.col0).clone();
    }
    if range.cols == 1 && row >= range.row0 && row < range.row0 + range.rows {
        return range.get(row - range.row0, 0).clone();
    }
    Value::error(ErrorKind::Value)
}
