//! Functions of references: `OFFSET` and `INDIRECT`, which return one,
//! and `ROW` and `COLUMN`, which read where one is.
//!
//! The evaluator hands the reference itself to the function around the call
//! (`SUM(OFFSET(B2,0,0,1,12))` adds twelve cells; see
//! `Evaluator::arg`); in a cell of its own the reference is read by
//! implicit intersection, as any range is. Which cells an `OFFSET` reads is
//! only known when it is evaluated, so the engine recomputes formulas that
//! call it after every edit (it is volatile, as in Excel).

use crate::engine::functions::args::{Arg, RangeRef, implicit_intersection};
use crate::engine::functions::helpers::{fail, is_given, num_arg, trunc_i64};
use crate::engine::value::{CellError, ErrorKind, Value};
use crate::formula::lexer::{MAX_COL, MAX_ROW};

/// Functions whose cells read are known only when they are evaluated, or
/// whose value changes with time or at random (see
/// [`crate::engine::functions::clock`]): the engine recomputes the
/// formulas that call them after every edit.
pub const VOLATILE: [&str; 6] = ["INDIRECT", "OFFSET", "NOW", "TODAY", "RAND", "RANDBETWEEN"];

/// `ROW(reference)`: the 1-based row of the reference's first cell
/// (`ROW()` without one, the formula's own row, is answered by the
/// evaluator, which knows where it is).
pub fn row(args: &[Arg<'_>]) -> Result<Value, CellError> {
    match args.first() {
        Some(Arg::Range { range, .. }) => Ok(Value::Number(f64::from(range.row0) + 1.0)),
        Some(Arg::Value(Value::Error(e))) => Err(e.clone()),
        _ => fail(ErrorKind::Value),
    }
}

/// `COLUMN(reference)`: the 1-based column of the reference's first cell.
pub fn column(args: &[Arg<'_>]) -> Result<Value, CellError> {
    match args.first() {
        Some(Arg::Range { range, .. }) => Ok(Value::Number(f64::from(range.col0) + 1.0)),
        Some(Arg::Value(Value::Error(e))) => Err(e.clone()),
        _ => fail(ErrorKind::Value),
    }
}

/// `INDIRECT` is evaluated by the evaluator, which knows the sheets' names;
/// this entry gives the registry its arity and is never called with
/// arguments it could resolve.
pub fn indirect(_args: &[Arg<'_>]) -> Result<Value, CellError> {
    fail(ErrorKind::Ref)
}

/// A reference made by a function, with the formula cell's (row, column)
/// for implicit intersection.
pub type MadeReference<'a> = (RangeRef<'a>, (u32, u32));

/// `OFFSET(reference, rows, cols, [height], [width])` as a reference: the
/// rectangle `rows` below and `cols` right of `reference`'s top-left cell,
/// `height` × `width` cells (by default `reference`'s size). A reference
/// argument that is not a reference is `#VALUE!`; a result off the sheet
/// or of no cells is `#REF!`.
pub fn offset_range<'a>(args: &[Arg<'a>]) -> Result<MadeReference<'a>, CellError> {
    let (base, at) = match args.first() {
        Some(Arg::Range { range, at }) => (range, *at),
        Some(Arg::Value(Value::Error(e))) => return Err(e.clone()),
        _ => return fail(ErrorKind::Value),
    };
    let rows = trunc_i64(num_arg(args, 1)?);
    let cols = trunc_i64(num_arg(args, 2)?);
    let size = |i: usize, default: u32| -> Result<i64, CellError> {
        if is_given(args, i) {
            Ok(trunc_i64(num_arg(args, i)?))
        } else {
            Ok(i64::from(default))
        }
    };
    let height = size(3, base.rows)?;
    let width = size(4, base.cols)?;
    let row0 = i64::from(base.row0).saturating_add(rows);
    let col0 = i64::from(base.col0).saturating_add(cols);
    let fits = |start: i64, len: i64, max: u32| {
        len >= 1 && start >= 0 && start.saturating_add(len - 1) <= i64::from(max)
    };
    if !fits(row0, height, MAX_ROW) || !fits(col0, width, MAX_COL) {
        return fail(ErrorKind::Ref);
    }
    let range = RangeRef {
        data: base.data,
        stride: base.stride,
        order: base.order,
        row0: row0 as u32,
        col0: col0 as u32,
        rows: height as u32,
        cols: width as u32,
    };
    Ok((range, at))
}

/// `INDEX(reference, row, [col])` as a reference, where a function takes
/// one (`SUM(INDEX(A1:C9, 0, 2))` adds the second column): the cell at
/// `row`, `col`, or with a 0 index the whole row or column of `reference`.
/// `None` when the first argument is not a reference (an array constant):
/// then `INDEX` gives a value as usual. `INDEX` in a cell of its own
/// ([`crate::engine::functions::lookup::index`]) reads this reference.
pub fn index_range<'a>(args: &[Arg<'a>]) -> Option<Result<MadeReference<'a>, CellError>> {
    let Some(Arg::Range { range, at }) = args.first() else {
        return None;
    };
    let pick = || -> Result<MadeReference<'a>, CellError> {
        let first = trunc_i64(num_arg(args, 1)?);
        let (row, col) = if args.len() < 3 && range.rows == 1 && range.cols > 1 {
            (1, first)
        } else if is_given(args, 2) {
            (first, trunc_i64(num_arg(args, 2)?))
        } else {
            (first, 0)
        };
        if row < 0 || col < 0 {
            return fail(ErrorKind::Value);
        }
        if row > i64::from(range.rows) || col > i64::from(range.cols) {
            return fail(ErrorKind::Ref);
        }
        let (row, col) = (row as u32, col as u32);
        let sub = RangeRef {
            row0: range.row0 + row.saturating_sub(1),
            col0: range.col0 + col.saturating_sub(1),
            rows: if row == 0 { range.rows } else { 1 },
            cols: if col == 0 { range.cols } else { 1 },
            ..*range
        };
        Ok((sub, *at))
    };
    Some(pick())
}

/// `OFFSET` in a cell of its own: the reference's value by implicit
/// intersection.
pub fn offset(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let (range, at) = offset_range(args)?;
    Ok(implicit_intersection(&range, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Vec<Value> {
        (1..=12).map(|n| Value::Number(f64::from(n))).collect()
    }

    /// A reference to `rows × cols` cells at (row0, col0) of a 3×4 grid.
    fn reference(data: &[Value], row0: u32, col0: u32, rows: u32, cols: u32) -> Arg<'_> {
        Arg::Range {
            range: RangeRef {
                data,
                stride: 4,
                order: &[],
                row0,
                col0,
                rows,
                cols,
            },
            at: (0, 0),
        }
    }

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    #[test]
    fn moves_and_resizes_the_reference() {
        let data = grid();
        let (range, _) =
            offset_range(&[reference(&data, 0, 0, 1, 1), n(1.0), n(2.0), n(2.0), n(2.0)])
                .expect("fits");
        assert_eq!(
            (range.row0, range.col0, range.rows, range.cols),
            (1, 2, 2, 2)
        );
        assert_eq!(range.get(0, 0), &Value::Number(7.0));
        // The size defaults to the reference's.
        let (range, _) =
            offset_range(&[reference(&data, 0, 0, 2, 3), n(1.0), n(0.0)]).expect("fits");
        assert_eq!((range.rows, range.cols), (2, 3));
        assert_eq!(
            offset(&[reference(&data, 2, 3, 1, 1), n(-1.0), n(-1.0)]),
            Ok(Value::Number(7.0))
        );
    }

    #[test]
    fn off_the_sheet_or_empty_is_ref_and_a_value_is_not_a_reference() {
        let data = grid();
        let err = |args: &[Arg<'_>]| offset_range(args).err().map(|e| e.kind);
        assert_eq!(
            err(&[reference(&data, 0, 0, 1, 1), n(-1.0), n(0.0)]),
            Some(ErrorKind::Ref)
        );
        assert_eq!(
            err(&[reference(&data, 0, 0, 1, 1), n(0.0), n(0.0), n(0.0)]),
            Some(ErrorKind::Ref)
        );
        assert_eq!(
            err(&[reference(&data, 0, 0, 1, 1), n(0.0), n(16384.0)]),
            Some(ErrorKind::Ref)
        );
        assert_eq!(err(&[n(1.0), n(0.0), n(0.0)]), Some(ErrorKind::Value));
    }
}
