//! Functions that return arrays, as Excel 365 has them: `SEQUENCE`,
//! `FILTER`, `SORT`, `SORTBY`, `UNIQUE`, `TRANSPOSE`.
//!
//! Their array is handed to the function around them (`SUM(FILTER(A1:A9,
//! B1:B9 = "x"))`, `INDEX(SORT(A1:A9), 1)`, `COUNTA(UNIQUE(B1:B9))`). In a
//! cell on its own such a formula shows the array's first value: Lever does
//! not spill arrays into neighbouring cells yet. Results are bounded by
//! [`MAX_CELLS`] (`#NUM!` beyond), so `SEQUENCE(1e6, 1e6)` cannot exhaust
//! memory.

use std::cmp::Ordering;

use crate::engine::coerce::{self, compare};
use crate::engine::functions::args::{Arg, Array};
use crate::engine::functions::helpers::{fail, is_given, num_arg, opt_num_arg, trunc_i64};
use crate::engine::value::{CellError, ErrorKind, Value};

/// The most values a function here reads or returns: a million, about
/// 25 MB (Excel's sheet could hold 17 billion, which no memory holds).
pub const MAX_CELLS: u64 = 1 << 20;

/// Every value of an argument as an array (a value is 1 × 1).
fn as_array(arg: &Arg<'_>) -> Result<Array, CellError> {
    if let Arg::Value(Value::Error(e)) = arg {
        return Err(e.clone());
    }
    let (rows, cols) = arg.dims();
    if u64::from(rows) * u64::from(cols) > MAX_CELLS {
        return fail(ErrorKind::Num);
    }
    let mut data = Vec::with_capacity(rows as usize * cols as usize);
    for r in 0..rows {
        for c in 0..cols {
            data.push(arg.get(r, c));
        }
    }
    Ok(Array { rows, cols, data })
}

fn checked(rows: u64, cols: u64, data: Vec<Value>) -> Result<Array, CellError> {
    if rows == 0 || cols == 0 {
        return fail(ErrorKind::Calc);
    }
    Ok(Array {
        rows: rows as u32,
        cols: cols as u32,
        data,
    })
}

/// `SEQUENCE(rows, [columns=1], [start=1], [step=1])`: numbers in rows,
/// row by row.
pub fn sequence(args: &[Arg<'_>]) -> Result<Array, CellError> {
    let rows = trunc_i64(num_arg(args, 0)?);
    let cols = if is_given(args, 1) {
        trunc_i64(num_arg(args, 1)?)
    } else {
        1
    };
    let start = opt_num_arg(args, 2, 1.0)?;
    let step = opt_num_arg(args, 3, 1.0)?;
    if rows < 0 || cols < 0 {
        return fail(ErrorKind::Value);
    }
    let (rows, cols) = (rows as u64, cols as u64);
    if rows.saturating_mul(cols) > MAX_CELLS {
        return fail(ErrorKind::Num);
    }
    let data = (0..rows * cols)
        .map(|i| Value::number(start + step * i as f64))
        .collect();
    checked(rows, cols, data)
}

/// `FILTER(array, include, [if_empty])`: the rows (or, for an `include` as
/// wide as the array and one row high, the columns) where `include` is
/// true; `if_empty` (else `#CALC!`) when none is.
pub fn filter(args: &[Arg<'_>]) -> Result<Array, CellError> {
    let source = as_array(&args[0])?;
    let include = as_array(args.get(1).ok_or(CellError::new(ErrorKind::Value))?)?;
    let by_rows = include.cols == 1 && include.rows == source.rows;
    let by_cols = include.rows == 1 && include.cols == source.cols;
    if !by_rows && !by_cols {
        return fail(ErrorKind::Value);
    }
    let mut keep = Vec::with_capacity(include.data.len());
    for v in &include.data {
        keep.push(match v {
            Value::Error(e) => return Err(e.clone()),
            Value::Empty => false,
            other => coerce::to_bool(other).map_err(|_| CellError::new(ErrorKind::Value))?,
        });
    }
    let (rows, cols) = (u64::from(source.rows), u64::from(source.cols));
    let (out_rows, out_cols, data): (u64, u64, Vec<Value>) = if by_rows {
        let kept: Vec<usize> = (0..rows as usize).filter(|&r| keep[r]).collect();
        let data = kept
            .iter()
            .flat_map(|&r| source.data[r * cols as usize..(r + 1) * cols as usize].to_vec())
            .collect();
        (kept.len() as u64, cols, data)
    } else {
        let kept: Vec<usize> = (0..cols as usize).filter(|&c| keep[c]).collect();
        let data = (0..rows as usize)
            .flat_map(|r| {
                kept.iter()
                    .map(|&c| source.data[r * cols as usize + c].clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        (rows, kept.len() as u64, data)
    };
    if out_rows == 0 || out_cols == 0 {
        return match args.get(2) {
            Some(fallback) => as_array(fallback),
            None => fail(ErrorKind::Calc),
        };
    }
    checked(out_rows, out_cols, data)
}

/// The rows (or columns, `by_col`) of `array` as lists of values.
fn lines(array: &Array, by_col: bool) -> Vec<Vec<Value>> {
    let (rows, cols) = (array.rows as usize, array.cols as usize);
    if by_col {
        (0..cols)
            .map(|c| {
                (0..rows)
                    .map(|r| array.data[r * cols + c].clone())
                    .collect()
            })
            .collect()
    } else {
        array
            .data
            .chunks(cols.max(1))
            .map(<[Value]>::to_vec)
            .collect()
    }
}

/// An array from lines (rows, or columns when `by_col`).
fn from_lines(lines: Vec<Vec<Value>>, by_col: bool) -> Result<Array, CellError> {
    let count = lines.len() as u64;
    let width = lines.first().map_or(0, Vec::len) as u64;
    if by_col {
        let data = (0..width as usize)
            .flat_map(|r| lines.iter().map(move |line| line[r].clone()))
            .collect();
        checked(width, count, data)
    } else {
        checked(count, width, lines.into_iter().flatten().collect())
    }
}

/// Sort order `1` (ascending) or `-1` (descending); anything else `#VALUE!`.
fn order(args: &[Arg<'_>], i: usize) -> Result<bool, CellError> {
    let o = opt_num_arg(args, i, 1.0)?;
    if o == 1.0 {
        Ok(false)
    } else if o == -1.0 {
        Ok(true)
    } else {
        fail(ErrorKind::Value)
    }
}

/// Excel's sort order: numbers, text, booleans, errors; blanks last
/// whichever way.
fn sort_compare(a: &Value, b: &Value, descending: bool) -> Ordering {
    match (a, b) {
        (Value::Empty, Value::Empty) => Ordering::Equal,
        (Value::Empty, _) => Ordering::Greater,
        (_, Value::Empty) => Ordering::Less,
        _ if descending => compare(b, a),
        _ => compare(a, b),
    }
}

/// `SORT(array, [sort_index=1], [sort_order=1], [by_col=FALSE])`: the rows
/// (or columns) sorted by the values in line `sort_index`, stably.
pub fn sort(args: &[Arg<'_>]) -> Result<Array, CellError> {
    let source = as_array(&args[0])?;
    let by_col = if is_given(args, 3) {
        coerce::to_bool(&args[3].scalar())?
    } else {
        false
    };
    let index = trunc_i64(opt_num_arg(args, 1, 1.0)?);
    let descending = order(args, 2)?;
    let mut lines = lines(&source, by_col);
    let width = lines.first().map_or(0, Vec::len) as i64;
    if index < 1 || index > width {
        return fail(ErrorKind::Value);
    }
    let key = (index - 1) as usize;
    lines.sort_by(|a, b| sort_compare(&a[key], &b[key], descending));
    from_lines(lines, by_col)
}

/// `SORTBY(array, by_array1, [order1], …)`: the rows of `array` sorted by
/// one or more arrays of keys, each one row per row of `array` (or one
/// column per column).
pub fn sortby(args: &[Arg<'_>]) -> Result<Array, CellError> {
    let source = as_array(&args[0])?;
    let mut keys: Vec<(Vec<Value>, bool)> = Vec::new();
    let mut by_col = None;
    let mut i = 1;
    while i < args.len() {
        let by = as_array(&args[i])?;
        let descending = order(args, i + 1)?;
        let this_by_col = if by.cols == 1 && by.rows == source.rows {
            false
        } else if by.rows == 1 && by.cols == source.cols {
            true
        } else {
            return fail(ErrorKind::Value);
        };
        if by_col.is_some_and(|b| b != this_by_col) {
            return fail(ErrorKind::Value);
        }
        by_col = Some(this_by_col);
        keys.push((by.data, descending));
        i += 2;
    }
    let by_col = by_col.unwrap_or(false);
    let lines = lines(&source, by_col);
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| {
        keys.iter()
            .map(|(key, descending)| sort_compare(&key[a], &key[b], *descending))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    from_lines(
        order.into_iter().map(|i| lines[i].clone()).collect(),
        by_col,
    )
}

/// `UNIQUE(array, [by_col=FALSE], [exactly_once=FALSE])`: the distinct
/// rows (or columns) in the order they first appear (text compared
/// case-insensitively); with `exactly_once`, only those that appear once.
pub fn unique(args: &[Arg<'_>]) -> Result<Array, CellError> {
    let source = as_array(&args[0])?;
    let flag = |i: usize| -> Result<bool, CellError> {
        if is_given(args, i) {
            coerce::to_bool(&args[i].scalar())
        } else {
            Ok(false)
        }
    };
    let (by_col, exactly_once) = (flag(1)?, flag(2)?);
    let lines = lines(&source, by_col);
    let same = |a: &[Value], b: &[Value]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| coerce::values_equal(x, y) && x.is_error() == y.is_error())
    };
    let mut distinct: Vec<(Vec<Value>, usize)> = Vec::new();
    for line in lines {
        match distinct.iter_mut().find(|(seen, _)| same(seen, &line)) {
            Some((_, count)) => *count += 1,
            None => distinct.push((line, 1)),
        }
    }
    let kept: Vec<Vec<Value>> = distinct
        .into_iter()
        .filter(|(_, count)| !exactly_once || *count == 1)
        .map(|(line, _)| line)
        .collect();
    if kept.is_empty() {
        return fail(ErrorKind::Calc);
    }
    from_lines(kept, by_col)
}

/// `TRANSPOSE(array)`: rows become columns.
pub fn transpose(args: &[Arg<'_>]) -> Result<Array, CellError> {
    let source = as_array(&args[0])?;
    let (rows, cols) = (source.rows as usize, source.cols as usize);
    let data = (0..cols)
        .flat_map(|c| (0..rows).map(move |r| (r, c)))
        .map(|(r, c)| source.data[r * cols + c].clone())
        .collect();
    checked(cols as u64, rows as u64, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    fn column(values: &[f64]) -> Arg<'static> {
        Arg::Array(Array {
            rows: values.len() as u32,
            cols: 1,
            data: values.iter().map(|v| Value::Number(*v)).collect(),
        })
    }

    fn numbers(array: &Array) -> Vec<f64> {
        array
            .data
            .iter()
            .map(|v| v.as_number().unwrap_or(f64::NAN))
            .collect()
    }

    #[test]
    fn sequences_fill_row_by_row() {
        let s = sequence(&[n(2.0), n(3.0), n(10.0), n(5.0)]).unwrap();
        assert_eq!((s.rows, s.cols), (2, 3));
        assert_eq!(numbers(&s), vec![10.0, 15.0, 20.0, 25.0, 30.0, 35.0]);
        assert_eq!(sequence(&[n(0.0)]), fail(ErrorKind::Calc));
        assert_eq!(sequence(&[n(-1.0)]), fail(ErrorKind::Value));
        assert_eq!(sequence(&[n(1e6), n(1e6)]), fail(ErrorKind::Num));
        assert_eq!(sequence(&[n(2048.0), n(1024.0)]), fail(ErrorKind::Num));
        assert!(sequence(&[n(1024.0), n(1024.0)]).is_ok());
    }

    #[test]
    fn filter_sort_unique_transpose() {
        let data = column(&[3.0, 1.0, 2.0, 3.0]);
        let keep = Arg::Array(Array {
            rows: 4,
            cols: 1,
            data: [true, false, true, true].map(Value::Bool).to_vec(),
        });
        assert_eq!(
            numbers(&filter(&[data.clone(), keep]).unwrap()),
            vec![3.0, 2.0, 3.0]
        );
        assert_eq!(
            numbers(&sort(std::slice::from_ref(&data)).unwrap()),
            vec![1.0, 2.0, 3.0, 3.0]
        );
        assert_eq!(
            numbers(&sort(&[data.clone(), n(1.0), n(-1.0)]).unwrap()),
            vec![3.0, 3.0, 2.0, 1.0]
        );
        assert_eq!(
            numbers(&unique(std::slice::from_ref(&data)).unwrap()),
            vec![3.0, 1.0, 2.0]
        );
        assert_eq!(
            numbers(&unique(&[data.clone(), n(0.0), n(1.0)]).unwrap()),
            vec![1.0, 2.0]
        );
        let t = transpose(std::slice::from_ref(&data)).unwrap();
        assert_eq!((t.rows, t.cols), (1, 4));
        let by = column(&[4.0, 3.0, 2.0, 1.0]);
        assert_eq!(
            numbers(&sortby(&[data, by]).unwrap()),
            vec![3.0, 2.0, 1.0, 3.0]
        );
        let none = Arg::Array(Array {
            rows: 1,
            cols: 1,
            data: vec![Value::Bool(false)],
        });
        assert_eq!(filter(&[column(&[1.0]), none]), fail(ErrorKind::Calc));
    }
}
