//! Lookup and reference functions: `MATCH`, `VLOOKUP`, `HLOOKUP`, `XLOOKUP`,
//! `INDEX`, `CHOOSE`, with Excel's exact (wildcard) and approximate
//! (sorted) matching; `ADDRESS`, which writes a cell address as text.

use std::cmp::Ordering;

use crate::engine::coerce::{Wildcard, compare, values_equal};
use crate::engine::functions::args::{Arg, implicit_intersection};
use crate::engine::functions::helpers::{
    fail, is_given, num_arg, opt_bool_arg, opt_num_arg, resized, scalar, text_arg, trunc_i64,
};
use crate::engine::value::{CellError, ErrorKind, Value};

/// One row or column of an argument, seen as a list.
#[derive(Debug, Clone, Copy)]
struct Line<'x, 'a> {
    arg: &'x Arg<'a>,
    /// True: walk down column `fixed`; false: walk along row `fixed`.
    vertical: bool,
    fixed: u32,
    len: u32,
}

impl<'x, 'a> Line<'x, 'a> {
    /// The whole argument if it is one row or one column (a single cell is a
    /// column), else `None`.
    fn of(arg: &'x Arg<'a>) -> Option<Self> {
        match arg.dims() {
            (rows, 1) => Some(Line {
                arg,
                vertical: true,
                fixed: 0,
                len: rows,
            }),
            (1, cols) => Some(Line {
                arg,
                vertical: false,
                fixed: 0,
                len: cols,
            }),
            _ => None,
        }
    }

    /// The `i`-th value (0-based).
    fn get(&self, i: u32) -> Value {
        if self.vertical {
            self.arg.get(i, self.fixed)
        } else {
            self.arg.get(self.fixed, i)
        }
    }
}

/// Same type class for lookups: numbers, text, booleans, errors.
fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// How an exact lookup compares. With `wildcards`, a text target is a
/// pattern even without `*` or `?`, so that `"a~*c"` finds the text `a*c`.
fn exact_matcher(target: &Value, wildcards: bool) -> impl Fn(&Value) -> bool + '_ {
    let pattern = match target {
        Value::Text(t) if wildcards => Some(Wildcard::new(t)),
        _ => None,
    };
    move |v: &Value| match (&pattern, v) {
        (_, Value::Empty) => false,
        (Some(p), Value::Text(t)) => p.matches(t),
        (Some(_), _) => false,
        (None, v) => values_equal(v, target),
    }
}

/// Index order for a search: first to last or last to first.
fn order(len: u32, reverse: bool) -> Box<dyn Iterator<Item = u32>> {
    if reverse {
        Box::new((0..len).rev())
    } else {
        Box::new(0..len)
    }
}

/// First position (in search order) whose value equals `target`.
fn find_exact(line: &Line<'_, '_>, target: &Value, wildcards: bool, reverse: bool) -> Option<u32> {
    let matches = exact_matcher(target, wildcards);
    order(line.len, reverse).find(|&i| matches(&line.get(i)))
}

/// Approximate match in a sorted line (`MATCH` types 1 / -1, `VLOOKUP`
/// TRUE): the last position of the leading run whose values are ≤ target
/// (ascending) or ≥ target (descending). Values of another type are skipped.
fn find_sorted(line: &Line<'_, '_>, target: &Value, descending: bool) -> Option<u32> {
    let mut found = None;
    for i in 0..line.len {
        let v = line.get(i);
        if !same_kind(&v, target) {
            continue;
        }
        let ord = compare(&v, target);
        let ok = if descending {
            ord != Ordering::Less
        } else {
            ord != Ordering::Greater
        };
        if !ok {
            break;
        }
        found = Some(i);
    }
    found
}

/// `XLOOKUP`'s "exact or next smaller/larger": the closest value on the
/// requested side among values of the target's type, first in search order.
fn find_nearest(line: &Line<'_, '_>, target: &Value, larger: bool, reverse: bool) -> Option<u32> {
    let mut best: Option<(u32, Value)> = None;
    for i in order(line.len, reverse) {
        let v = line.get(i);
        if !same_kind(&v, target) {
            continue;
        }
        match compare(&v, target) {
            Ordering::Equal => return Some(i),
            Ordering::Greater if !larger => continue,
            Ordering::Less if larger => continue,
            _ => {}
        }
        let better = match &best {
            None => true,
            Some((_, b)) => {
                let ord = compare(&v, b);
                if larger {
                    ord == Ordering::Less
                } else {
                    ord == Ordering::Greater
                }
            }
        };
        if better {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
}

/// Where `XLOOKUP`'s binary search (search modes 2 and -2) lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bisection {
    /// The last position that compared equal to the target, if any.
    equal: Option<u32>,
    /// The position just before the landing point: the last value smaller
    /// than the target in ascending data (the last larger in descending).
    before: Option<u32>,
    /// The position at the landing point: the first larger value in
    /// ascending data (the first smaller in descending).
    after: Option<u32>,
}

/// Binary search of `line` for `target`, over the values of the target's
/// type (blanks and other types are skipped, as in Excel's approximate
/// lookups). The midpoint is rounded down and an equal value sends the
/// search on to the right, so duplicates give the last one, as `MATCH` type
/// 1 does. On data that is not sorted the result is wherever the bisection
/// lands, not the closest value: Microsoft documents only that unsorted
/// data gives invalid results, and this is what Excel's bisection returns.
fn bisect(line: &Line<'_, '_>, target: &Value, descending: bool) -> Bisection {
    let positions: Vec<u32> = (0..line.len)
        .filter(|&i| same_kind(&line.get(i), target))
        .collect();
    // Candidates are positions[lo..hi].
    let (mut lo, mut hi) = (0usize, positions.len());
    let mut equal = None;
    while lo < hi {
        let mid = lo + (hi - lo - 1) / 2;
        let Some(&at) = positions.get(mid) else {
            break;
        };
        let ord = compare(&line.get(at), target);
        let ord = if descending { ord.reverse() } else { ord };
        match ord {
            Ordering::Less => lo = mid + 1,
            Ordering::Equal => {
                equal = Some(at);
                lo = mid + 1;
            }
            Ordering::Greater => hi = mid,
        }
    }
    Bisection {
        equal,
        before: lo.checked_sub(1).and_then(|k| positions.get(k).copied()),
        after: positions.get(lo).copied(),
    }
}

/// `XLOOKUP` with a binary search: `match_mode` 0 exact, -1 exact or next
/// smaller, 1 exact or next larger (wildcards are refused by the caller).
fn find_binary(
    line: &Line<'_, '_>,
    target: &Value,
    match_mode: i64,
    descending: bool,
) -> Option<u32> {
    let landing = bisect(line, target, descending);
    // In descending data the smaller values come after the landing point.
    let (smaller, larger) = if descending {
        (landing.after, landing.before)
    } else {
        (landing.before, landing.after)
    };
    landing.equal.or(match match_mode {
        -1 => smaller,
        1 => larger,
        _ => None,
    })
}

/// The lookup value: errors propagate, a blank finds nothing (`#N/A`).
fn lookup_value(args: &[Arg<'_>]) -> Result<Value, CellError> {
    match scalar(args, 0) {
        Value::Error(e) => Err(e),
        Value::Empty => fail(ErrorKind::NA),
        v => Ok(v),
    }
}

/// `MATCH(value, array, [match_type=1])`: 1-based position; 0 exact (with
/// wildcards), 1 largest ≤ in ascending data, -1 smallest ≥ in descending.
pub fn match_(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let target = lookup_value(args)?;
    let match_type = opt_num_arg(args, 2, 1.0)?;
    let Some(line) = args.get(1).and_then(Line::of) else {
        return fail(ErrorKind::NA);
    };
    let found = if match_type == 0.0 {
        find_exact(&line, &target, true, false)
    } else {
        find_sorted(&line, &target, match_type < 0.0)
    };
    found
        .map(|i| f64::from(i) + 1.0)
        .ok_or_else(|| CellError::new(ErrorKind::NA))
}

/// Shared body of `VLOOKUP` (`vertical`) and `HLOOKUP`.
fn table_lookup(args: &[Arg<'_>], vertical: bool) -> Result<Value, CellError> {
    let target = lookup_value(args)?;
    let Some(table) = args.get(1) else {
        return fail(ErrorKind::Value);
    };
    let index = trunc_i64(num_arg(args, 2)?);
    let approximate = opt_bool_arg(args, 3, true)?;
    let (rows, cols) = table.dims();
    let (len, width) = if vertical { (rows, cols) } else { (cols, rows) };
    if index < 1 {
        return fail(ErrorKind::Value);
    }
    if index > i64::from(width) {
        return fail(ErrorKind::Ref);
    }
    let line = Line {
        arg: table,
        vertical,
        fixed: 0,
        len,
    };
    let found = if approximate {
        find_sorted(&line, &target, false)
    } else {
        find_exact(&line, &target, true, false)
    };
    let i = found.ok_or_else(|| CellError::new(ErrorKind::NA))?;
    let other = u32::try_from(index - 1).unwrap_or(0);
    Ok(if vertical {
        table.get(i, other)
    } else {
        table.get(other, i)
    })
}

/// `VLOOKUP(value, table, col_index, [approximate=TRUE])`.
pub fn vlookup(args: &[Arg<'_>]) -> Result<Value, CellError> {
    table_lookup(args, true)
}

/// `HLOOKUP(value, table, row_index, [approximate=TRUE])`.
pub fn hlookup(args: &[Arg<'_>]) -> Result<Value, CellError> {
    table_lookup(args, false)
}

/// `XLOOKUP(value, lookup_array, return_array, [if_not_found],
/// [match_mode=0], [search_mode=1])`. Match modes 0 exact, -1 exact or next
/// smaller, 1 exact or next larger (searching the whole array, sorted or
/// not), 2 wildcard; search modes 1 first to last, -1 last to first (so the
/// last of duplicate matches), 2 / -2 binary search of ascending /
/// descending data ([`bisect`]). Any other mode is `#VALUE!`, and so is a
/// wildcard match with a binary search. A 2-D return array gives the first
/// cell of the matching row/column (no spilling).
pub fn xlookup(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let target = match scalar(args, 0) {
        Value::Error(e) => return Err(e),
        v => v,
    };
    let match_mode = trunc_i64(opt_num_arg(args, 4, 0.0)?);
    let search_mode = trunc_i64(opt_num_arg(args, 5, 1.0)?);
    let (Some(line), Some(results)) = (args.get(1).and_then(Line::of), args.get(2)) else {
        return fail(ErrorKind::Value);
    };
    let (rows, cols) = results.dims();
    let fits = if line.vertical && line.len != 1 {
        rows == line.len
    } else {
        cols == line.len || rows == line.len
    };
    if !fits {
        return fail(ErrorKind::Value);
    }
    match x_find(&line, &target, match_mode, search_mode)? {
        Some(i) if line.vertical && rows == line.len => Ok(results.get(i, 0)),
        Some(i) => Ok(results.get(0, i)),
        None if is_given(args, 3) => Ok(scalar(args, 3)),
        None => fail(ErrorKind::NA),
    }
}

/// The search shared by `XLOOKUP` and `XMATCH`: the position of `target`
/// in `line` for a match mode and search mode (see [`xlookup`]), `None` if
/// nothing matches; an unknown mode, or wildcards with a binary search, is
/// `#VALUE!`.
fn x_find(
    line: &Line<'_, '_>,
    target: &Value,
    match_mode: i64,
    search_mode: i64,
) -> Result<Option<u32>, CellError> {
    let binary = matches!(search_mode, 2 | -2);
    if !(-1..=2).contains(&match_mode)
        || ![1, -1, 2, -2].contains(&search_mode)
        || (binary && match_mode == 2)
    {
        return fail(ErrorKind::Value);
    }
    let reverse = search_mode == -1;
    Ok(match match_mode {
        _ if binary => find_binary(line, target, match_mode, search_mode == -2),
        0 => find_exact(line, target, false, reverse),
        2 => find_exact(line, target, true, reverse),
        m => find_nearest(line, target, m == 1, reverse),
    })
}

/// `XMATCH(value, lookup_array, [match_mode=0], [search_mode=1])`: the
/// 1-based position that `XLOOKUP` with the same modes would return from;
/// a lookup array that is not one row or column is `#VALUE!`.
pub fn xmatch(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let target = match scalar(args, 0) {
        Value::Error(e) => return Err(e),
        v => v,
    };
    let match_mode = trunc_i64(opt_num_arg(args, 2, 0.0)?);
    let search_mode = trunc_i64(opt_num_arg(args, 3, 1.0)?);
    let Some(line) = args.get(1).and_then(Line::of) else {
        return fail(ErrorKind::Value);
    };
    match x_find(&line, &target, match_mode, search_mode)? {
        Some(i) => Ok(f64::from(i) + 1.0),
        None => fail(ErrorKind::NA),
    }
}

/// `LOOKUP(value, lookup_vector, [result_vector])` and `LOOKUP(value,
/// array)`: approximate match in ascending data (the last value ≤ the
/// target, of the target's type, as `MATCH` type 1). The array form
/// searches the first row of an array wider than tall (else the first
/// column) and returns from the last row (column). A result vector is read
/// at the same position, a reference growing past its end as Excel does.
pub fn lookup(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let target = lookup_value(args)?;
    let Some(array) = args.get(1) else {
        return fail(ErrorKind::NA);
    };
    let (rows, cols) = array.dims();
    let wide = cols > rows;
    let line = Line {
        arg: array,
        vertical: !wide,
        fixed: 0,
        len: if wide { cols } else { rows },
    };
    let i = find_sorted(&line, &target, false).ok_or_else(|| CellError::new(ErrorKind::NA))?;
    let Some(results) = args.get(2) else {
        return Ok(if wide {
            array.get(rows.saturating_sub(1), i)
        } else {
            array.get(i, cols.saturating_sub(1))
        });
    };
    let is_ref = matches!(results, Arg::Range { .. });
    match results.dims() {
        (1, cols) if cols > 1 => Ok(if is_ref {
            resized(results, 1, i + 1).get(0, i)
        } else {
            results.get(0, i)
        }),
        (_, 1) => Ok(if is_ref {
            resized(results, i + 1, 1).get(i, 0)
        } else {
            results.get(i, 0)
        }),
        _ => fail(ErrorKind::NA),
    }
}

/// `ROWS(array)`: the number of rows of a reference or array (1 for a value).
pub fn rows(args: &[Arg<'_>]) -> Result<f64, CellError> {
    dimension(args, true)
}

/// `COLUMNS(array)`: the number of columns of a reference or array.
pub fn columns(args: &[Arg<'_>]) -> Result<f64, CellError> {
    dimension(args, false)
}

/// Rows or columns of the first argument; an error value passed directly
/// propagates.
fn dimension(args: &[Arg<'_>], want_rows: bool) -> Result<f64, CellError> {
    let Some(arg) = args.first() else {
        return fail(ErrorKind::Value);
    };
    if let Arg::Value(Value::Error(e)) = arg {
        return Err(e.clone());
    }
    let (rows, cols) = arg.dims();
    Ok(f64::from(if want_rows { rows } else { cols }))
}

/// `INDEX(array, row, [column])`: 1-based; a one-row array with only one
/// index takes it as the column. Index 0 selects a whole row/column, read
/// by implicit intersection. Out of range is `#REF!`, negative `#VALUE!`.
pub fn index(args: &[Arg<'_>]) -> Result<Value, CellError> {
    // A reference: the cell, row or column it picks (the same rules that
    // hand it to a function taking a range), read by implicit intersection.
    if let Some(picked) = crate::engine::functions::reference::index_range(args) {
        let (range, at) = picked?;
        return match implicit_intersection(&range, at) {
            Value::Error(e) => Err(e),
            v => Ok(v),
        };
    }
    let Some(array) = args.first() else {
        return fail(ErrorKind::Value);
    };
    let (rows, cols) = array.dims();
    let first = trunc_i64(num_arg(args, 1)?);
    let (row, col) = if args.len() < 3 && rows == 1 && cols > 1 {
        (1, first)
    } else {
        (first, trunc_i64(opt_num_arg(args, 2, 0.0)?))
    };
    if row < 0 || col < 0 {
        return fail(ErrorKind::Value);
    }
    if row > i64::from(rows) || col > i64::from(cols) {
        return fail(ErrorKind::Ref);
    }
    // A zero index on a dimension of size 1 is the same as 1.
    let row = if row == 0 && rows == 1 { 1 } else { row };
    let col = if col == 0 && cols == 1 { 1 } else { col };
    match (u32::try_from(row), u32::try_from(col)) {
        (Ok(r @ 1..), Ok(c @ 1..)) => Ok(array.get(r - 1, c - 1)),
        // A whole row or column of an array constant is an array, which
        // one cell cannot show.
        (Ok(_), Ok(_)) => fail(ErrorKind::Value),
        _ => fail(ErrorKind::Ref),
    }
}

/// `CHOOSE(index, value1, …)`: `#VALUE!` if the index is out of range.
pub fn choose(args: &[Arg<'_>]) -> Result<Value, CellError> {
    let i = trunc_i64(num_arg(args, 0)?);
    match usize::try_from(i) {
        Ok(i @ 1..) if i < args.len() => Ok(scalar(args, i)),
        _ => fail(ErrorKind::Value),
    }
}

/// Rows of an Excel sheet, the largest row `ADDRESS` writes.
const MAX_ROWS: f64 = 1_048_576.0;
/// Columns of an Excel sheet (`XFD`), the largest column `ADDRESS` writes.
const MAX_COLS: f64 = 16_384.0;

/// `ADDRESS(row, column, [abs_num=1], [a1=TRUE], [sheet_text])`: the address
/// of a cell as text. `abs_num` 1 is `$C$2`, 2 `C$2`, 3 `$C2`, 4 `C2`; with
/// `a1` FALSE the R1C1 style is written (`R2C3`, relative parts in brackets:
/// `R2C[3]`). A sheet name is prefixed with `!`, quoted when it is not a
/// plain name (`'My sheet'!$A$1`, a workbook prefix `[Book1]Sheet1` as is).
/// Skipped optional arguments take their defaults. A row outside
/// 1..=1048576, a column outside 1..=16384 or another `abs_num` is
/// `#VALUE!`.
pub fn address(args: &[Arg<'_>]) -> Result<String, CellError> {
    let row = num_arg(args, 0)?.trunc();
    let col = num_arg(args, 1)?.trunc();
    let abs_num = if is_given(args, 2) {
        num_arg(args, 2)?
    } else {
        1.0
    };
    let a1 = if is_given(args, 3) {
        opt_bool_arg(args, 3, true)?
    } else {
        true
    };
    let sheet = if is_given(args, 4) {
        Some(text_arg(args, 4)?)
    } else {
        None
    };
    if !(1.0..=MAX_ROWS).contains(&row) || !(1.0..=MAX_COLS).contains(&col) {
        return fail(ErrorKind::Value);
    }
    let (row_abs, col_abs) = match trunc_i64(abs_num) {
        1 => (true, true),
        2 => (true, false),
        3 => (false, true),
        4 => (false, false),
        _ => return fail(ErrorKind::Value),
    };
    let (row, col) = (row as u32, col as u32);
    let cell = if a1 {
        let dollar = |abs: bool| if abs { "$" } else { "" };
        format!(
            "{}{}{}{row}",
            dollar(col_abs),
            crate::engine::column_letters(col - 1),
            dollar(row_abs)
        )
    } else {
        let part = |n: u32, abs: bool| if abs { n.to_string() } else { format!("[{n}]") };
        format!("R{}C{}", part(row, row_abs), part(col, col_abs))
    };
    Ok(match sheet {
        None => cell,
        Some(name) => format!("{}{cell}", sheet_prefix(&name)),
    })
}

/// The sheet part of an `ADDRESS`, with its `!`: quoted if the name is not
/// a plain name, a leading `[workbook]` kept outside the test; an empty
/// name gives a bare `!`, as in Excel.
fn sheet_prefix(name: &str) -> String {
    if name.is_empty() {
        return "!".to_string();
    }
    let sheet = match name.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        Some((_, sheet)) if !sheet.is_empty() => sheet,
        _ => name,
    };
    if crate::formula::print::sheet_prefix(sheet).starts_with('\'') {
        format!("'{}'!", name.replace('\'', "''"))
    } else {
        format!("{name}!")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::args::Array;

    fn grid(rows: u32, cols: u32, data: Vec<Value>) -> Arg<'static> {
        Arg::Array(Array { rows, cols, data })
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    fn a(v: Value) -> Arg<'static> {
        Arg::Value(v)
    }

    #[test]
    fn matching() {
        let col = grid(4, 1, vec![n(1.0), n(3.0), n(5.0), n(7.0)]);
        assert_eq!(match_(&[a(n(4.0)), col.clone()]), Ok(2.0));
        assert_eq!(match_(&[a(n(0.0)), col.clone()]), fail(ErrorKind::NA));
        assert_eq!(match_(&[a(n(5.0)), col.clone(), a(n(0.0))]), Ok(3.0));
        assert_eq!(
            match_(&[a(n(4.0)), col.clone(), a(n(0.0))]),
            fail(ErrorKind::NA)
        );
        let desc = grid(1, 3, vec![n(9.0), n(5.0), n(1.0)]);
        assert_eq!(match_(&[a(n(4.0)), desc, a(n(-1.0))]), Ok(2.0));
        let names = grid(3, 1, vec![t("apple"), t("Banana"), t("cherry")]);
        assert_eq!(match_(&[a(t("b*")), names.clone(), a(n(0.0))]), Ok(2.0));
        assert_eq!(match_(&[a(t("BANANA")), names, a(n(0.0))]), Ok(2.0));
        let square = grid(2, 2, vec![n(1.0); 4]);
        assert_eq!(match_(&[a(n(1.0)), square, a(n(0.0))]), fail(ErrorKind::NA));
    }

    #[test]
    fn table_lookups() {
        let table = grid(3, 2, vec![n(1.0), t("a"), n(5.0), t("b"), n(9.0), t("c")]);
        let v = |x: f64, col: f64, approx: bool| {
            vlookup(&[a(n(x)), table.clone(), a(n(col)), a(Value::Bool(approx))])
        };
        assert_eq!(v(6.0, 2.0, true), Ok(t("b")));
        assert_eq!(v(6.0, 2.0, false), fail(ErrorKind::NA));
        assert_eq!(v(9.0, 2.0, false), Ok(t("c")));
        assert_eq!(v(9.0, 3.0, false), fail(ErrorKind::Ref));
        assert_eq!(v(9.0, 0.0, false), fail(ErrorKind::Value));
        let row = grid(2, 3, vec![n(1.0), n(2.0), n(3.0), t("x"), t("y"), t("z")]);
        assert_eq!(
            hlookup(&[a(n(2.0)), row, a(n(2.0)), a(Value::Bool(false))]),
            Ok(t("y"))
        );
    }

    #[test]
    fn xlookups() {
        let keys = grid(4, 1, vec![n(10.0), n(20.0), n(30.0), n(20.0)]);
        let vals = grid(4, 1, vec![t("a"), t("b"), t("c"), t("d")]);
        let x = |target: f64, extra: Vec<Value>| {
            let mut args = vec![a(n(target)), keys.clone(), vals.clone()];
            args.extend(extra.into_iter().map(a));
            xlookup(&args)
        };
        assert_eq!(x(20.0, vec![]), Ok(t("b")));
        assert_eq!(x(20.0, vec![Value::Empty, n(0.0), n(-1.0)]), Ok(t("d")));
        assert_eq!(x(25.0, vec![]), fail(ErrorKind::NA));
        assert_eq!(x(25.0, vec![t("none")]), Ok(t("none")));
        assert_eq!(x(25.0, vec![Value::Empty, n(-1.0)]), Ok(t("b")));
        assert_eq!(x(25.0, vec![Value::Empty, n(1.0)]), Ok(t("c")));
        assert_eq!(x(25.0, vec![Value::Empty, n(3.0)]), fail(ErrorKind::Value));
    }

    #[test]
    fn xlookup_binary_search() {
        let x = |target: f64, keys: &[f64], match_mode: f64, search_mode: f64| {
            let n = keys.len() as u32;
            let keys = grid(n, 1, keys.iter().map(|k| Value::Number(*k)).collect());
            let positions = grid(n, 1, (1..=n).map(|i| Value::Number(f64::from(i))).collect());
            let args = [
                a(Value::Number(target)),
                keys,
                positions,
                a(Value::Empty),
                a(Value::Number(match_mode)),
                a(Value::Number(search_mode)),
            ];
            xlookup(&args)
        };
        let dup = [1.0, 3.0, 3.0, 3.0, 5.0];
        // Duplicates: the last one, as MATCH type 1.
        assert_eq!(x(3.0, &dup, 0.0, 2.0), Ok(n(4.0)));
        assert_eq!(x(4.0, &dup, -1.0, 2.0), Ok(n(4.0)));
        assert_eq!(x(2.0, &dup, 1.0, 2.0), Ok(n(2.0)));
        assert_eq!(x(0.0, &dup, -1.0, 2.0), fail(ErrorKind::NA));
        assert_eq!(x(9.0, &dup, 1.0, 2.0), fail(ErrorKind::NA));
        let desc = [5.0, 3.0, 3.0, 3.0, 1.0];
        assert_eq!(x(3.0, &desc, 0.0, -2.0), Ok(n(4.0)));
        assert_eq!(x(4.0, &desc, -1.0, -2.0), Ok(n(2.0)));
        assert_eq!(x(4.0, &desc, 1.0, -2.0), Ok(n(1.0)));
        // Unsorted data: wherever the bisection lands (midpoints 7, 1, 8).
        let unsorted = [9.0, 1.0, 8.0, 2.0, 7.0, 3.0, 6.0, 4.0, 5.0];
        assert_eq!(x(5.0, &unsorted, 0.0, 2.0), fail(ErrorKind::NA));
        assert_eq!(x(5.0, &unsorted, -1.0, 2.0), Ok(n(2.0)));
        assert_eq!(x(5.0, &unsorted, 1.0, 2.0), Ok(n(3.0)));
        // The linear modes scan everything: the real next smaller/larger.
        assert_eq!(x(5.0, &unsorted, 0.0, 1.0), Ok(n(9.0)));
        assert_eq!(x(4.5, &unsorted, -1.0, 1.0), Ok(n(8.0)));
        assert_eq!(x(4.5, &unsorted, 1.0, -1.0), Ok(n(9.0)));
        assert_eq!(x(4.0, &dup, -1.0, -1.0), Ok(n(4.0)));
        assert_eq!(x(4.0, &dup, -1.0, 1.0), Ok(n(2.0)));
    }

    #[test]
    fn binary_search_skips_other_types() {
        let line_arg = grid(5, 1, vec![n(1.0), t("x"), Value::Empty, t("y"), n(5.0)]);
        let line = Line::of(&line_arg).unwrap();
        let landing = bisect(&line, &n(3.0), false);
        assert_eq!(
            landing,
            Bisection {
                equal: None,
                before: Some(0),
                after: Some(4)
            }
        );
        let words = grid(3, 1, vec![t("apple"), n(2.0), t("Cherry")]);
        let line = Line::of(&words).unwrap();
        assert_eq!(bisect(&line, &t("CHERRY"), false).equal, Some(2));
        assert_eq!(bisect(&line, &t("b"), false).after, Some(2));
    }

    #[test]
    fn index_and_choose() {
        let g = grid(2, 3, (1..=6).map(|i| n(f64::from(i))).collect());
        assert_eq!(index(&[g.clone(), a(n(2.0)), a(n(3.0))]), Ok(n(6.0)));
        assert_eq!(
            index(&[g.clone(), a(n(3.0)), a(n(1.0))]),
            fail(ErrorKind::Ref)
        );
        assert_eq!(
            index(&[g.clone(), a(n(-1.0)), a(n(1.0))]),
            fail(ErrorKind::Value)
        );
        assert_eq!(
            index(&[g.clone(), a(n(0.0)), a(n(1.0))]),
            fail(ErrorKind::Value)
        );
        let row = grid(1, 3, vec![n(7.0), n(8.0), n(9.0)]);
        assert_eq!(index(&[row, a(n(2.0))]), Ok(n(8.0)));
        assert_eq!(choose(&[a(n(2.0)), a(t("x")), a(t("y"))]), Ok(t("y")));
        assert_eq!(
            choose(&[a(n(3.0)), a(t("x")), a(t("y"))]),
            fail(ErrorKind::Value)
        );
        assert_eq!(choose(&[a(n(1e300)), a(t("x"))]), fail(ErrorKind::Value));
    }

    #[test]
    fn lookup_xmatch_and_dimensions() {
        let keys = grid(3, 1, vec![n(1.0), n(5.0), n(9.0)]);
        let names = grid(1, 3, vec![t("a"), t("b"), t("c")]);
        assert_eq!(
            lookup(&[a(n(6.0)), keys.clone(), names.clone()]),
            Ok(t("b"))
        );
        assert_eq!(lookup(&[a(n(0.0)), keys.clone()]), fail(ErrorKind::NA));
        let table = grid(2, 3, vec![n(1.0), n(2.0), n(3.0), t("x"), t("y"), t("z")]);
        assert_eq!(lookup(&[a(n(2.5)), table.clone()]), Ok(t("y")));
        assert_eq!(xmatch(&[a(n(5.0)), keys.clone()]), Ok(2.0));
        assert_eq!(xmatch(&[a(n(6.0)), keys.clone(), a(n(1.0))]), Ok(3.0));
        assert_eq!(
            xmatch(&[a(n(6.0)), keys.clone(), a(n(5.0))]),
            fail(ErrorKind::Value)
        );
        assert_eq!(xmatch(&[a(n(1.0)), table.clone()]), fail(ErrorKind::Value));
        assert_eq!(rows(std::slice::from_ref(&table)), Ok(2.0));
        assert_eq!(columns(&[table]), Ok(3.0));
        assert_eq!(rows(&[a(Value::error(ErrorKind::NA))]), fail(ErrorKind::NA));
    }

    #[test]
    fn addresses() {
        let addr = |args: Vec<Value>| {
            let args: Vec<Arg<'static>> = args.into_iter().map(a).collect();
            address(&args)
        };
        let b = |x: bool| Value::Bool(x);
        assert_eq!(addr(vec![n(2.0), n(3.0)]), Ok("$C$2".into()));
        assert_eq!(addr(vec![n(2.0), n(3.0), n(2.0)]), Ok("C$2".into()));
        assert_eq!(addr(vec![n(2.0), n(3.0), n(3.0)]), Ok("$C2".into()));
        assert_eq!(addr(vec![n(2.9), n(3.9), n(4.0)]), Ok("C2".into()));
        assert_eq!(addr(vec![n(77.0), n(300.0)]), Ok("$KN$77".into()));
        assert_eq!(
            addr(vec![n(1_048_576.0), n(16_384.0), n(4.0)]),
            Ok("XFD1048576".into())
        );
        assert_eq!(
            addr(vec![n(2.0), n(3.0), n(1.0), b(false)]),
            Ok("R2C3".into())
        );
        assert_eq!(
            addr(vec![n(2.0), n(3.0), n(2.0), b(false)]),
            Ok("R2C[3]".into())
        );
        assert_eq!(
            addr(vec![n(2.0), n(3.0), n(3.0), b(false)]),
            Ok("R[2]C3".into())
        );
        assert_eq!(
            addr(vec![n(2.0), n(3.0), n(4.0), n(0.0)]),
            Ok("R[2]C[3]".into())
        );
        assert_eq!(
            addr(vec![
                n(1.0),
                n(1.0),
                Value::Empty,
                Value::Empty,
                t("Sheet2")
            ]),
            Ok("Sheet2!$A$1".into())
        );
        assert_eq!(
            addr(vec![n(2.0), n(3.0), n(1.0), b(false), t("EXCEL SHEET")]),
            Ok("'EXCEL SHEET'!R2C3".into())
        );
        assert_eq!(
            addr(vec![n(2.0), n(3.0), n(1.0), b(false), t("[Book1]Sheet1")]),
            Ok("[Book1]Sheet1!R2C3".into())
        );
        assert_eq!(
            addr(vec![n(1.0), n(1.0), n(4.0), b(true), t("Bob's")]),
            Ok("'Bob''s'!A1".into())
        );
        assert_eq!(
            addr(vec![n(1.0), n(1.0), n(1.0), b(true), t("")]),
            Ok("!$A$1".into())
        );
        assert_eq!(addr(vec![n(0.0), n(1.0)]), fail(ErrorKind::Value));
        assert_eq!(addr(vec![n(1.0), n(16_385.0)]), fail(ErrorKind::Value));
        assert_eq!(addr(vec![n(1_048_577.0), n(1.0)]), fail(ErrorKind::Value));
        assert_eq!(addr(vec![n(1.0), n(1.0), n(5.0)]), fail(ErrorKind::Value));
        assert_eq!(addr(vec![n(1.0), n(1.0), n(1.5)]), Ok("$A$1".into()));
        assert_eq!(addr(vec![n(1.0), n(1.0), n(0.0)]), fail(ErrorKind::Value));
        assert_eq!(addr(vec![t("x"), n(1.0)]), fail(ErrorKind::Value));
        assert_eq!(
            addr(vec![n(1.0), n(1.0), n(1.0), t("maybe")]),
            fail(ErrorKind::Value)
        );
    }
}
