//! Rewriting references inside formula *text*: renaming a metric or a sheet,
//! and following rows and columns that are inserted or deleted. Edits are made
//! on the token spans the parser reports, so the user's spacing, case and
//! everything else outside the rewritten tokens (a leading `=` included) stay
//! exactly as written.

use super::ast::{Axis, CellRef, LineRef, Reference};
use super::lexer::{MAX_COL, MAX_ROW, is_valid_name};
use super::parser::{RefSite, SiteBody, parse_with_sites};
use super::print::{cell_text, lines_text, sheet_prefix};
use super::token::Span;

/// A change to a sheet's grid. Indices are zero-based (row 5 is `at: 4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structural {
    /// `count` new rows go in before row `at`.
    InsertRows { at: u32, count: u32 },
    /// Rows `at .. at + count` are removed.
    DeleteRows { at: u32, count: u32 },
    /// `count` new columns go in before column `at`.
    InsertCols { at: u32, count: u32 },
    /// Columns `at .. at + count` are removed.
    DeleteCols { at: u32, count: u32 },
}

/// Renames every reference to metric `old` on `target_sheet` to `new`,
/// keeping any sheet prefix and `[n]` offset as written. A reference without
/// a sheet prefix points at `formula_sheet`. Names and sheets compare
/// case-insensitively.
///
/// Returns `None` if `text` does not parse, if `new` is not a valid metric
/// name (see [`is_valid_name`]), or if nothing changed.
pub fn rename_metric(
    text: &str,
    formula_sheet: &str,
    target_sheet: &str,
    old: &str,
    new: &str,
) -> Option<String> {
    if !is_valid_name(new) {
        return None;
    }
    let (_, sites) = parse_with_sites(text).ok()?;
    let edits = sites
        .iter()
        .filter_map(|site| match (&site.reference, &site.body) {
            (Reference::Metric { sheet, name, .. }, SiteBody::Name(span))
                if same_name(name, old)
                    && points_at(sheet.as_deref(), formula_sheet, target_sheet) =>
            {
                Some(Edit::new(*span, new))
            }
            _ => None,
        })
        .collect();
    apply_edits(text, edits)
}

/// Rewrites every sheet prefix naming `old` (case-insensitively) to `new`,
/// quoting `new` when it needs it (`'Unit economics'!`). References without a
/// prefix are left alone.
///
/// Returns `None` if `text` does not parse, `new` is empty, or nothing changed.
pub fn rename_sheet(text: &str, old: &str, new: &str) -> Option<String> {
    if new.is_empty() {
        return None;
    }
    let (_, sites) = parse_with_sites(text).ok()?;
    let edits = sites
        .iter()
        .filter_map(|site| {
            let sheet = reference_sheet(&site.reference)?;
            let span = site.sheet?;
            same_name(sheet, old).then(|| Edit::new(span, &sheet_prefix(new)))
        })
        .collect();
    apply_edits(text, edits)
}

/// Adjusts the A1 references (cells and ranges, absolute or not) that point
/// into `target_sheet` after `change` is made to that sheet, as Excel does.
/// A reference without a sheet prefix points at `formula_sheet`.
///
/// - References at or after `at` shift by `count`.
/// - A cell inside deleted rows or columns, or a range entirely inside them,
///   becomes `#REF!` (its sheet prefix included).
/// - A range partly inside a deleted block shrinks; one with rows or columns
///   inserted after its first and at or before its last grows.
/// - A reference pushed past the sheet's last row or column becomes `#REF!`
///   (a range's far end stops at the edge instead).
///
/// Metric references are never touched: they point at names, not positions.
/// Returns `None` if `text` does not parse or nothing changed.
pub fn apply_structural(
    text: &str,
    formula_sheet: &str,
    target_sheet: &str,
    change: Structural,
) -> Option<String> {
    let rows = matches!(
        change,
        Structural::InsertRows { .. } | Structural::DeleteRows { .. }
    );
    rewrite_cell_references(
        text,
        formula_sheet,
        target_sheet,
        |site, written| structural_edits(site, written, change),
        |axis, start, end| {
            // Whole columns stay when rows change, whole rows when columns do.
            if (axis == Axis::Rows) != rows {
                return Some((start, end));
            }
            let (low, high) = move_span(start.index, end.index, change)?;
            Some((
                LineRef {
                    index: low,
                    ..start
                },
                LineRef { index: high, ..end },
            ))
        },
    )
}

/// False if `text` surely names no row by number, so that inserting,
/// deleting or moving rows cannot change it: every such reference (`B7`,
/// `$B$7`, `7:9`) has a digit after a letter, a `$` or a `:`, or before a
/// `:`. A cheap test run before parsing: metric models name rows by
/// metric (`revenue[-1]`), and thousands of formulas are not parsed for
/// nothing on each row inserted.
pub fn may_name_rows(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|pair| match pair {
        [a, b] if b.is_ascii_digit() => a.is_ascii_alphabetic() || *a == b'$' || *a == b':',
        [a, b':'] => a.is_ascii_digit(),
        _ => false,
    })
}

/// Renumbers the rows of A1 references into `target_sheet` with `map`
/// (old row → new row), as when rows are moved: references follow the cells
/// they point at. Metric references are untouched. Returns `None` if `text`
/// does not parse or nothing changed.
pub fn remap_rows(
    text: &str,
    formula_sheet: &str,
    target_sheet: &str,
    map: &dyn Fn(u32) -> u32,
) -> Option<String> {
    rewrite_cell_references(
        text,
        formula_sheet,
        target_sheet,
        |_, written| {
            written
                .iter()
                .filter_map(|(cell, span)| {
                    let mut moved = *cell;
                    moved.row = map(cell.row);
                    (moved != *cell).then(|| Edit::new(*span, &cell_text(moved)))
                })
                .collect()
        },
        |axis, start, end| match axis {
            Axis::Columns => Some((start, end)),
            Axis::Rows => Some((
                LineRef {
                    index: map(start.index),
                    ..start
                },
                LineRef {
                    index: map(end.index),
                    ..end
                },
            )),
        },
    )
}

/// Shifts the relative parts of every A1 reference by `rows` and `cols`,
/// as a spreadsheet does when a formula is copied, filled or pasted that far
/// from where it was written: `=A1+$B$1` filled one row down is
/// `=A2+$B$1`. A reference pushed off the sheet becomes `#REF!`. Metric
/// references are untouched. Returns `None` if `text` does not parse or
/// nothing changed.
pub fn shift_relative(text: &str, rows: i64, cols: i64) -> Option<String> {
    let (_, sites) = parse_with_sites(text).ok()?;
    let mut edits = Vec::new();
    for site in &sites {
        if let (
            SiteBody::Lines(span),
            Reference::Lines {
                axis, start, end, ..
            },
        ) = (&site.body, &site.reference)
        {
            let (delta, max) = match axis {
                Axis::Columns => (cols, MAX_COL),
                Axis::Rows => (rows, MAX_ROW),
            };
            let mut shift = |_: Axis, start: LineRef, end: LineRef| {
                let moved = |line: LineRef| -> Option<LineRef> {
                    if line.abs {
                        return Some(line);
                    }
                    let index = u32::try_from(i64::from(line.index) + delta)
                        .ok()
                        .filter(|i| *i <= max)?;
                    Some(LineRef { index, ..line })
                };
                Some((moved(start)?, moved(end)?))
            };
            edits.extend(line_edit(site, *span, *axis, (*start, *end), &mut shift));
            continue;
        }
        let SiteBody::Cells(written) = &site.body else {
            continue;
        };
        let moved: Option<Vec<CellRef>> = written
            .iter()
            .map(|(cell, _)| {
                let mut cell = *cell;
                if !cell.row_abs {
                    cell.row = u32::try_from(i64::from(cell.row) + rows)
                        .ok()
                        .filter(|r| *r <= MAX_ROW)?;
                }
                if !cell.col_abs {
                    cell.col = u32::try_from(i64::from(cell.col) + cols)
                        .ok()
                        .filter(|c| *c <= MAX_COL)?;
                }
                Some(cell)
            })
            .collect();
        match moved {
            None => edits.push(Edit::new(site.span, "#REF!")),
            Some(moved) => edits.extend(
                written
                    .iter()
                    .zip(moved)
                    .filter(|((old, _), new)| old != new)
                    .map(|((_, span), new)| Edit::new(*span, &cell_text(new))),
            ),
        }
    }
    apply_edits(text, edits)
}

/// Applies `edits_for` to every A1 cell or range reference into
/// `target_sheet` (as seen from a formula on `formula_sheet`), and
/// `lines_for` to every whole-column or whole-row reference there (its new
/// ends, or `None` for `#REF!`).
fn rewrite_cell_references(
    text: &str,
    formula_sheet: &str,
    target_sheet: &str,
    mut edits_for: impl FnMut(&RefSite, &[(CellRef, Span)]) -> Vec<Edit>,
    mut lines_for: impl FnMut(Axis, LineRef, LineRef) -> Option<(LineRef, LineRef)>,
) -> Option<String> {
    let (_, sites) = parse_with_sites(text).ok()?;
    let mut edits = Vec::new();
    for site in &sites {
        if !points_at(
            reference_sheet(&site.reference),
            formula_sheet,
            target_sheet,
        ) {
            continue;
        }
        match &site.body {
            SiteBody::Cells(written) => edits.extend(edits_for(site, written)),
            SiteBody::Lines(span) => {
                if let Reference::Lines {
                    axis, start, end, ..
                } = &site.reference
                {
                    edits.extend(line_edit(
                        site,
                        *span,
                        *axis,
                        (*start, *end),
                        &mut lines_for,
                    ));
                }
            }
            SiteBody::Name(_) => {}
        }
    }
    apply_edits(text, edits)
}

/// The edit a whole-line reference needs once `rewrite` has moved its ends
/// (nothing if they stayed; the whole reference becomes `#REF!` if gone).
fn line_edit(
    site: &RefSite,
    span: Span,
    axis: Axis,
    (start, end): (LineRef, LineRef),
    rewrite: &mut impl FnMut(Axis, LineRef, LineRef) -> Option<(LineRef, LineRef)>,
) -> Option<Edit> {
    match rewrite(axis, start, end) {
        None => Some(Edit::new(site.span, "#REF!")),
        Some((new_start, new_end)) if (new_start, new_end) != (start, end) => {
            let (low, high) = if new_end.index < new_start.index {
                (new_end, new_start)
            } else {
                (new_start, new_end)
            };
            Some(Edit::new(span, &lines_text(axis, low, high)))
        }
        Some(_) => None,
    }
}

/// The edits that `change` makes to one cell or range reference.
fn structural_edits(site: &RefSite, written: &[(CellRef, Span)], change: Structural) -> Vec<Edit> {
    let Some(moved) = move_cells(written, change) else {
        return vec![Edit::new(site.span, "#REF!")];
    };
    written
        .iter()
        .zip(moved)
        .filter(|((old, _), new)| old != new)
        .map(|((_, span), new)| Edit::new(*span, &cell_text(new)))
        .collect()
}

/// Moves the cells of one reference (one cell, or a range's two ends as
/// written). `None` means the reference is gone.
fn move_cells(written: &[(CellRef, Span)], change: Structural) -> Option<Vec<CellRef>> {
    let rows = matches!(
        change,
        Structural::InsertRows { .. } | Structural::DeleteRows { .. }
    );
    let coord = |cell: &CellRef| if rows { cell.row } else { cell.col };
    let low = written.iter().map(|(c, _)| coord(c)).min()?;
    let high = written.iter().map(|(c, _)| coord(c)).max()?;
    let (new_low, new_high) = move_span(low, high, change)?;
    let moved = written
        .iter()
        .map(|(cell, _)| {
            let value = if coord(cell) == low {
                new_low
            } else {
                new_high
            };
            let mut cell = *cell;
            if rows {
                cell.row = value;
            } else {
                cell.col = value;
            }
            cell
        })
        .collect();
    Some(moved)
}

/// Moves the inclusive index span `low..=high` along the axis `change` acts
/// on. `None` means the span is gone (deleted, or pushed off the sheet).
fn move_span(low: u32, high: u32, change: Structural) -> Option<(u32, u32)> {
    let (at, count, insert, max) = match change {
        Structural::InsertRows { at, count } => (at, count, true, MAX_ROW),
        Structural::DeleteRows { at, count } => (at, count, false, MAX_ROW),
        Structural::InsertCols { at, count } => (at, count, true, MAX_COL),
        Structural::DeleteCols { at, count } => (at, count, false, MAX_COL),
    };
    let (low, high, at, count, max) = (
        u64::from(low),
        u64::from(high),
        u64::from(at),
        u64::from(count),
        u64::from(max),
    );
    let (new_low, new_high) = if insert {
        let shift = |i: u64| if i >= at { i + count } else { i };
        let new_low = shift(low);
        if new_low > max {
            return None;
        }
        (new_low, shift(high).min(max))
    } else {
        let end = at + count;
        if low >= at && high < end {
            return None;
        }
        let new_low = if low < at {
            low
        } else if low < end {
            at
        } else {
            low - count
        };
        let new_high = if high < at {
            high
        } else if high < end {
            // `low < at` here (else the span would be entirely deleted), so `at ≥ 1`.
            at.saturating_sub(1)
        } else {
            high - count
        };
        (new_low, new_high)
    };
    Some((u32::try_from(new_low).ok()?, u32::try_from(new_high).ok()?))
}

/// Replace the text at `span` with `text`.
struct Edit {
    span: Span,
    text: String,
}

impl Edit {
    fn new(span: Span, text: &str) -> Edit {
        Edit {
            span,
            text: text.to_string(),
        }
    }
}

/// Applies non-overlapping edits; `None` if the result equals `text`.
fn apply_edits(text: &str, mut edits: Vec<Edit>) -> Option<String> {
    edits.sort_by_key(|edit| edit.span.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for edit in &edits {
        out.push_str(text.get(pos..edit.span.start)?);
        out.push_str(&edit.text);
        pos = edit.span.end;
    }
    out.push_str(text.get(pos..)?);
    (out != text).then_some(out)
}

fn reference_sheet(reference: &Reference) -> Option<&str> {
    match reference {
        Reference::Cell { sheet, .. }
        | Reference::Range { sheet, .. }
        | Reference::Lines { sheet, .. }
        | Reference::Metric { sheet, .. } => sheet.as_deref(),
        Reference::Invalid => None,
    }
}

/// Whether a reference written with `sheet` (or none) in a formula on
/// `formula_sheet` points into `target_sheet`.
fn points_at(sheet: Option<&str>, formula_sheet: &str, target_sheet: &str) -> bool {
    same_name(sheet.unwrap_or(formula_sheet), target_sheet)
}

/// Case-insensitive comparison of names (Unicode-aware: `Выручка` = `выручка`).
fn same_name(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_naming_rows_are_told_apart_cheaply() {
        for named in [
            "=B7",
            "=$B$7*2",
            "=SUM(7:9)",
            "=SUM($7:$9)",
            "=Sheet2!A1",
            "=a1+metric",
        ] {
            assert!(may_name_rows(named), "{named}");
        }
        for plain in [
            "=revenue[-1] * 1.05",
            "=metric_12 + metric_3",
            "=SUM(A:A)",
            "=0.5",
        ] {
            assert!(!may_name_rows(plain), "{plain}");
        }
        // Whatever the test lets through, the rewrite leaves as it is.
        for plain in ["=revenue[-1] * 1.05", "=metric_12 + metric_3", "=SUM(A:A)"] {
            let change = Structural::InsertRows { at: 0, count: 3 };
            assert_eq!(apply_structural(plain, "Model", "Model", change), None);
        }
    }

    #[test]
    fn copied_formulas_shift_their_relative_references() {
        assert_eq!(
            shift_relative("=A1+$B$1+C$2+$D3", 1, 1).as_deref(),
            Some("=B2+$B$1+D$2+$D4")
        );
        assert_eq!(
            shift_relative("=SUM(A1:A3) * Other!B2", 2, 0).as_deref(),
            Some("=SUM(A3:A5) * Other!B4")
        );
        assert_eq!(shift_relative("=A1", -1, 0).as_deref(), Some("=#REF!"));
        assert_eq!(shift_relative("=price * 2", 1, 1), None);
    }

    #[test]
    fn whole_columns_and_rows_follow_edits_as_their_cells_would() {
        // Filled right, a relative column moves; filled down, a column stays.
        assert_eq!(
            shift_relative("=SUM(A:A)+SUM($B:C)+SUM(3:3)", 1, 1).as_deref(),
            Some("=SUM(B:B)+SUM($B:D)+SUM(4:4)")
        );
        assert_eq!(shift_relative("=SUM($A:$A)", 5, 5), None);
        assert_eq!(
            shift_relative("=SUM(A:A)", 0, -1).as_deref(),
            Some("=SUM(#REF!)")
        );
        // Rows inserted or deleted move whole rows, never whole columns.
        let insert = Structural::InsertRows { at: 1, count: 2 };
        assert_eq!(
            structural("=SUM(A:A)+SUM(2:3)+SUM($1:$1)", insert).as_deref(),
            Some("=SUM(A:A)+SUM(4:5)+SUM($1:$1)")
        );
        assert_eq!(
            structural("=SUM(3:4)", ROWS_3_TO_4).as_deref(),
            Some("=SUM(#REF!)")
        );
        assert_eq!(
            structural("=SUM(2:6)", ROWS_3_TO_4).as_deref(),
            Some("=SUM(2:4)")
        );
        let delete_b = Structural::DeleteCols { at: 1, count: 1 };
        assert_eq!(
            structural("=SUM(A:C)+SUM(2:2)+Other!C:C", delete_b).as_deref(),
            Some("=SUM(A:B)+SUM(2:2)+Other!C:C")
        );
        // Moved rows take whole-row references along.
        let swap = |r: u32| match r {
            1 => 2,
            2 => 1,
            r => r,
        };
        assert_eq!(
            remap_rows("=SUM(2:2)+SUM(B:B)", "S", "S", &swap).as_deref(),
            Some("=SUM(3:3)+SUM(B:B)")
        );
    }

    #[test]
    fn moved_rows_take_their_references_along() {
        // Rows 2 and 3 (zero-based 1 and 2) swap.
        let swap = |r: u32| match r {
            1 => 2,
            2 => 1,
            r => r,
        };
        assert_eq!(
            remap_rows("=B2 + $B$3*2", "S", "S", &swap).as_deref(),
            Some("=B3 + $B$2*2")
        );
        assert_eq!(remap_rows("=price + B9", "S", "S", &swap), None);
        assert_eq!(remap_rows("=Other!B2", "S", "S", &swap), None);
    }

    const ROWS_3_TO_4: Structural = Structural::DeleteRows { at: 2, count: 2 };

    fn structural(text: &str, change: Structural) -> Option<String> {
        apply_structural(text, "Model", "Model", change)
    }

    #[test]
    fn deleting_rows_inside_a_range_shrinks_it() {
        assert_eq!(
            structural("=SUM(B2:B10)", ROWS_3_TO_4).as_deref(),
            Some("=SUM(B2:B8)")
        );
        // Start inside the deleted block: it moves to the first row after.
        assert_eq!(
            structural("=SUM(B3:B10)", Structural::DeleteRows { at: 1, count: 3 }).as_deref(),
            Some("=SUM(B2:B7)")
        );
        // End inside the deleted block: it moves to the last row before.
        assert_eq!(
            structural("=SUM(B2:B4)", ROWS_3_TO_4).as_deref(),
            Some("=SUM(B2:B2)")
        );
        // Entirely inside: gone.
        assert_eq!(
            structural("=SUM(B3:B4)", ROWS_3_TO_4).as_deref(),
            Some("=SUM(#REF!)")
        );
        // Written backwards: each end keeps its place and its `$`.
        assert_eq!(
            structural("=SUM(B$10:$B2)", ROWS_3_TO_4).as_deref(),
            Some("=SUM(B$8:$B2)")
        );
    }

    #[test]
    fn deleting_a_referenced_row_gives_ref_error() {
        let row_5 = Structural::DeleteRows { at: 4, count: 1 };
        assert_eq!(structural("=B5*2", row_5).as_deref(), Some("=#REF!*2"));
        assert_eq!(
            structural("=Model!$B$5*2 + B6", row_5).as_deref(),
            Some("=#REF!*2 + B5")
        );
        assert_eq!(structural("=B4*2", row_5), None);
    }

    #[test]
    fn inserting_rows() {
        let above = Structural::InsertRows { at: 0, count: 1 };
        assert_eq!(structural("=B5*2", above).as_deref(), Some("=B6*2"));
        assert_eq!(
            structural("=$B$5+B$5+$B5", above).as_deref(),
            Some("=$B$6+B$6+$B6")
        );
        let at_row_5 = Structural::InsertRows { at: 4, count: 2 };
        assert_eq!(structural("=B5", at_row_5).as_deref(), Some("=B7"));
        assert_eq!(structural("=B4", at_row_5), None);
        // Strictly inside a range (after its first row, up to its last): grows.
        assert_eq!(
            structural("=SUM(B2:B10)", at_row_5).as_deref(),
            Some("=SUM(B2:B12)")
        );
        assert_eq!(
            structural("=SUM(B2:B5)", at_row_5).as_deref(),
            Some("=SUM(B2:B7)")
        );
        // At the first row: the range moves.
        assert_eq!(
            structural("=SUM(B5:B10)", at_row_5).as_deref(),
            Some("=SUM(B7:B12)")
        );
        // After the last row: untouched.
        assert_eq!(structural("=SUM(B2:B4)", at_row_5), None);
        // Pushed off the sheet.
        assert_eq!(structural("=A1048576", above).as_deref(), Some("=#REF!"));
    }

    #[test]
    fn columns() {
        assert_eq!(
            structural("=C1+A1", Structural::DeleteCols { at: 1, count: 1 }).as_deref(),
            Some("=B1+A1")
        );
        assert_eq!(
            structural("=B1", Structural::DeleteCols { at: 1, count: 1 }).as_deref(),
            Some("=#REF!")
        );
        assert_eq!(
            structural("=SUM($A1:$Z1)", Structural::InsertCols { at: 3, count: 3 }).as_deref(),
            Some("=SUM($A1:$AC1)")
        );
        // Inserting columns leaves rows alone, and the other way round.
        assert_eq!(
            structural("=A5", Structural::InsertCols { at: 1, count: 1 }),
            None
        );
    }

    #[test]
    fn only_the_target_sheet_moves() {
        let change = Structural::InsertRows { at: 0, count: 1 };
        let text = "='Unit economics'!B5 + B5 + Inputs!B5";
        assert_eq!(
            apply_structural(text, "Summary", "unit economics", change).as_deref(),
            Some("='Unit economics'!B6 + B5 + Inputs!B5")
        );
        assert_eq!(
            apply_structural(text, "Summary", "Summary", change).as_deref(),
            Some("='Unit economics'!B5 + B6 + Inputs!B5")
        );
        assert_eq!(
            apply_structural(
                "='Unit economics'!B5*2",
                "Summary",
                "Unit economics",
                Structural::DeleteRows { at: 4, count: 1 }
            )
            .as_deref(),
            Some("=#REF!*2")
        );
    }

    #[test]
    fn metric_references_and_spacing_are_kept() {
        let change = Structural::DeleteRows { at: 2, count: 2 };
        assert_eq!(
            structural("  =  sum( b2 :  B10 ) + price[-1] ", change).as_deref(),
            Some("  =  sum( b2 :  B8 ) + price[-1] ")
        );
        assert_eq!(structural("=price * B2", change), None);
        assert_eq!(structural("=SUM(B2:", change), None);
        assert_eq!(
            structural("=1", Structural::InsertRows { at: 0, count: 0 }),
            None
        );
    }

    #[test]
    fn renaming_a_metric() {
        let text = "=price * paid + Inputs!price[-1] + PRICE(1) + \"price\"";
        assert_eq!(
            rename_metric(text, "Inputs", "inputs", "Price", "unit_price").as_deref(),
            Some("=unit_price * paid + Inputs!unit_price[-1] + PRICE(1) + \"price\"")
        );
        assert_eq!(
            rename_metric(text, "Model", "Inputs", "price", "unit_price").as_deref(),
            Some("=price * paid + Inputs!unit_price[-1] + PRICE(1) + \"price\"")
        );
        assert_eq!(
            rename_metric("=Выручка[-1]/2", "S", "S", "выручка", "доход").as_deref(),
            Some("=доход[-1]/2")
        );
        assert_eq!(rename_metric(text, "Model", "Model", "cost", "x"), None);
        assert_eq!(rename_metric(text, "Inputs", "Inputs", "price", "Q1"), None);
        assert_eq!(
            rename_metric(text, "Inputs", "Inputs", "price", "a b"),
            None
        );
        assert_eq!(rename_metric("=price +", "S", "S", "price", "p"), None);
    }

    #[test]
    fn renaming_a_sheet() {
        let text = "=Inputs!A1 + 'inputs'!price[-1] + A1 + Other!A1";
        assert_eq!(
            rename_sheet(text, "INPUTS", "Unit economics").as_deref(),
            Some("='Unit economics'!A1 + 'Unit economics'!price[-1] + A1 + Other!A1")
        );
        assert_eq!(
            rename_sheet(text, "Inputs", "Q1").as_deref(),
            Some("='Q1'!A1 + 'Q1'!price[-1] + A1 + Other!A1")
        );
        assert_eq!(
            rename_sheet("='Bob''s'!A1:B2", "bob's", "Main").as_deref(),
            Some("=Main!A1:B2")
        );
        assert_eq!(rename_sheet(text, "Missing", "X"), None);
        assert_eq!(rename_sheet(text, "Inputs", ""), None);
    }
}
