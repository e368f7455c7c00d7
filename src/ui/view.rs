//! What the editor remembers about the view, apart from the document:
//! the selection, the cell being edited, collapsed sections, and the ripple
//! of the last edit. Nothing here changes the model.

use std::collections::HashSet;

use crate::model::ripple::{CellChange, MetricRipple};
use crate::model::{FIRST_PERIOD_COL, Layout, Ripple, RowFile, Value, Workbook};

/// Empty rows shown below a grid sheet's last row, to type into.
pub const GRID_EXTRA_ROWS: u32 = 50;
/// Empty columns shown right of a grid sheet's last column.
pub const GRID_EXTRA_COLS: u32 = 10;

/// How many rows and grid columns the editor shows for `sheet`: a metric
/// sheet's rows × (label, unit, periods); a grid sheet's used area plus
/// room to type beyond it.
pub fn extent(workbook: &Workbook, sheet: u32) -> (u32, u32) {
    let rows = workbook.rows(sheet).len() as u32;
    match workbook.layout(sheet) {
        Layout::Metrics => (rows, FIRST_PERIOD_COL + workbook.periods()),
        Layout::Grid => (
            rows + GRID_EXTRA_ROWS,
            workbook.grid_size(sheet).1 + GRID_EXTRA_COLS,
        ),
    }
}

/// A grid position: sheet row and grid column (0 = label, 1 = unit,
/// 2.. = periods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GridCell {
    /// Sheet row.
    pub row: u32,
    /// Grid column.
    pub col: u32,
}

impl GridCell {
    /// A cell.
    pub fn new(row: u32, col: u32) -> Self {
        GridCell { row, col }
    }

    /// The period of this column, if it is a period column.
    pub fn period(self) -> Option<u32> {
        self.col.checked_sub(FIRST_PERIOD_COL)
    }

    /// `C5`-style name, as in formulas.
    pub fn a1(self) -> String {
        format!("{}{}", crate::model::column_letters(self.col), self.row + 1)
    }
}

/// What an open editor changes when committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditTarget {
    /// The cell itself (in a row with a row formula: an override).
    Cell,
    /// The row formula of the cell's row (from the formula bar).
    RowFormula,
}

/// An open cell editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Editor {
    /// The cell being edited.
    pub cell: GridCell,
    /// The text typed so far.
    pub text: String,
    /// What committing changes.
    pub target: EditTarget,
    /// True until the editor has taken keyboard focus.
    pub needs_focus: bool,
    /// True when the editor lives in the formula bar rather than the cell.
    pub in_formula_bar: bool,
}

/// The ripple of the last edit, as shown in the grid and the ripple panel.
#[derive(Debug, Clone, Default)]
pub struct RippleView {
    /// Changed cells: (row, grid column) → (old, new).
    pub cells: RippleCells,
    /// Changed metrics in dependency order.
    pub metrics: Vec<MetricRipple>,
    /// The edited cell's period, if the edit was one period cell.
    pub period: Option<u32>,
    /// When the edit happened (seconds, egui time), for fading the tint.
    pub at: f64,
}

/// The changed cells of a ripple by row: an edit of a large model changes
/// a hundred thousand cells and more before its frame is drawn, and the
/// grid looks up only the few hundred it paints. Bucketing by row is two
/// passes over the changes (a hash map of them took a fifth of the frame
/// at 10,000 × 120); a row's few changed columns are then searched.
#[derive(Debug, Clone, Default)]
pub struct RippleCells {
    /// Row `r`'s changes are `entries[starts[r]..starts[r + 1]]`.
    starts: Vec<u32>,
    entries: Vec<(u32, (Value, Value))>,
}

impl RippleCells {
    fn new<'a>(changes: impl Iterator<Item = &'a CellChange> + Clone) -> RippleCells {
        // Counts per row (at `row + 1`), then their running sums.
        let mut starts = vec![0u32];
        for change in changes.clone() {
            let at = change.row as usize + 1;
            if starts.len() <= at {
                starts.resize(at + 1, 0);
            }
            starts[at] += 1;
        }
        for r in 1..starts.len() {
            starts[r] += starts[r - 1];
        }
        let mut next = starts.clone();
        // Every slot is filled below: each change has its own.
        let total = starts.last().copied().unwrap_or(0) as usize;
        let mut entries = vec![(0, (Value::Empty, Value::Empty)); total];
        for c in changes {
            let at = &mut next[c.row as usize];
            entries[*at as usize] = (c.col, (c.old.clone(), c.new.clone()));
            *at += 1;
        }
        RippleCells { starts, entries }
    }

    /// The old and new value of the cell at (row, grid column), if it changed.
    pub fn get(&self, &(row, col): &(u32, u32)) -> Option<&(Value, Value)> {
        let (Some(&a), Some(&b)) = (
            self.starts.get(row as usize),
            self.starts.get(row as usize + 1),
        ) else {
            return None;
        };
        self.entries[a as usize..b as usize]
            .iter()
            .find(|(c, _)| *c == col)
            .map(|(_, values)| values)
    }

    /// Number of changed cells.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if no cell changed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl RippleView {
    /// The view of a ripple on `sheet`.
    pub fn new(ripple: &Ripple, sheet: u32, period: Option<u32>, at: f64) -> RippleView {
        let shown = ripple
            .changes
            .iter()
            .filter(|c| c.sheet == sheet && (c.grid || c.period().is_some()));
        RippleView {
            cells: RippleCells::new(shown),
            metrics: ripple
                .metrics()
                .into_iter()
                .filter(|m| m.sheet == sheet)
                .collect(),
            period,
            at,
        }
    }
}

/// The view state of the editor.
#[derive(Debug, Clone, Default)]
pub struct ViewState {
    /// The sheet shown.
    pub sheet: u32,
    /// The selected cell (where the keyboard acts).
    pub cursor: GridCell,
    /// The other corner of a range selection (equal to `cursor` for one cell).
    pub anchor: GridCell,
    /// The open editor, if any.
    pub editor: Option<Editor>,
    /// Section header rows whose metrics are hidden.
    pub collapsed: HashSet<u32>,
    /// The ripple of the last edit.
    pub ripple: Option<RippleView>,
    /// Scroll the grid to show the cursor on the next frame.
    pub scroll_to_cursor: bool,
    /// Put the cursor's row in the middle when scrolling to it (after a jump).
    pub scroll_center: bool,
    /// A message for the status bar.
    pub status: String,
    /// True while a drag selects a range.
    pub dragging: bool,
    /// The name box's text while the user types in it.
    pub name_box: Option<String>,
    /// Hide the benchmark colours of metric cells.
    pub hide_benchmarks: bool,
}

impl ViewState {
    /// The selected rectangle: (top-left, bottom-right), inclusive.
    pub fn selection(&self) -> (GridCell, GridCell) {
        (
            GridCell::new(
                self.cursor.row.min(self.anchor.row),
                self.cursor.col.min(self.anchor.col),
            ),
            GridCell::new(
                self.cursor.row.max(self.anchor.row),
                self.cursor.col.max(self.anchor.col),
            ),
        )
    }

    /// True if `cell` is inside the selection.
    pub fn is_selected(&self, cell: GridCell) -> bool {
        let (a, b) = self.selection();
        (a.row..=b.row).contains(&cell.row) && (a.col..=b.col).contains(&cell.col)
    }

    /// Selects one cell.
    pub fn select(&mut self, cell: GridCell) {
        self.cursor = cell;
        self.anchor = cell;
        self.scroll_to_cursor = true;
    }
}

/// The rows shown on `sheet`: for a grid sheet every row and the empty
/// rows below; for a metric sheet [`visible_rows`].
pub fn shown_rows(workbook: &Workbook, sheet: u32, collapsed: &HashSet<u32>) -> Vec<u32> {
    match workbook.layout(sheet) {
        Layout::Grid => (0..extent(workbook, sheet).0).collect(),
        Layout::Metrics => visible_rows(workbook.rows(sheet), collapsed),
    }
}

/// The rows shown, top to bottom: every sheet row except the metrics of
/// collapsed sections.
pub fn visible_rows(rows: &[RowFile], collapsed: &HashSet<u32>) -> Vec<u32> {
    let mut out = Vec::with_capacity(rows.len());
    let mut hiding = false;
    for (index, row) in rows.iter().enumerate() {
        let index = index as u32;
        if !row.section.is_empty() {
            hiding = collapsed.contains(&index);
            out.push(index);
        } else if !hiding {
            out.push(index);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapsed_sections_hide_their_metrics() {
        let section = |s: &str| RowFile {
            section: s.into(),
            ..RowFile::default()
        };
        let metric = |l: &str| RowFile {
            label: l.into(),
            ..RowFile::default()
        };
        let rows = vec![
            section("A"),
            metric("a1"),
            metric("a2"),
            section("B"),
            metric("b1"),
        ];
        assert_eq!(visible_rows(&rows, &HashSet::new()), vec![0, 1, 2, 3, 4]);
        assert_eq!(visible_rows(&rows, &HashSet::from([0])), vec![0, 3, 4]);
    }

    #[test]
    fn selection_is_a_rectangle() {
        let mut view = ViewState::default();
        view.select(GridCell::new(5, 4));
        view.anchor = GridCell::new(2, 6);
        assert_eq!(view.selection(), (GridCell::new(2, 4), GridCell::new(5, 6)));
        assert!(view.is_selected(GridCell::new(3, 5)));
        assert!(!view.is_selected(GridCell::new(1, 5)));
    }

    #[test]
    fn ripple_cells_find_each_change_by_row_and_column() {
        let change = |sheet, row, col, old: f64, new: f64| CellChange {
            sheet,
            row,
            col,
            grid: false,
            old: Value::Number(old),
            new: Value::Number(new),
        };
        let ripple = Ripple {
            changes: vec![
                change(0, 7, 3, 1.0, 2.0),
                change(0, 2, 2, 3.0, 4.0),
                change(1, 2, 4, 9.0, 9.5),
                change(0, 7, 2, 5.0, 6.0),
                // A label cell's change is not a period cell: not shown.
                change(0, 3, 0, 0.0, 1.0),
            ],
            evaluated: 4,
        };
        let view = RippleView::new(&ripple, 0, Some(0), 0.0);
        assert_eq!(view.cells.len(), 3);
        let values = |row, col| view.cells.get(&(row, col)).cloned();
        assert_eq!(values(7, 3), Some((Value::Number(1.0), Value::Number(2.0))));
        assert_eq!(values(7, 2), Some((Value::Number(5.0), Value::Number(6.0))));
        assert_eq!(values(2, 2), Some((Value::Number(3.0), Value::Number(4.0))));
        assert_eq!(values(2, 4), None, "another sheet's change");
        assert_eq!(values(3, 0), None);
        assert_eq!(values(99, 2), None, "past the last changed row");
        assert!(
            RippleView::new(&Ripple::default(), 0, None, 0.0)
                .cells
                .is_empty()
        );
    }
}
