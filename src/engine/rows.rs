//! Inserting, deleting and moving a sheet's rows in place.
//!
//! Each sheet stores its rows once and keeps the order it shows them in
//! ([`SheetValues::order`]); compiled references, metric names, row
//! formulas and the dependency graph all name stored rows. So a row change
//! rewrites the order and touches only what can notice it: the cells of
//! deleted rows (cleared, and their readers recomputed), formulas reading
//! a range of several rows on the sheet (whose cells may change: their
//! edges are made again, and they are recomputed if the cells they read
//! or their order changed), and formulas that read where rows stand
//! (`ROW`). Nothing is numbered again, so an insert at 10,000 rows costs
//! what the order of the rows costs.
//!
//! Formula text is the caller's: when a change makes a formula read other
//! rows (`A5` becomes `A6` under an insert above it), the caller sets its
//! new text afterwards, as the model does after rewriting references.

use super::eval::{FIXED_ROW, SheetValues};
use super::{CellAddr, Edit, Engine, Input, Owner, Source};
use crate::engine::compile::Node;

/// A change of one sheet's rows (see [`Edit::Rows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowChange {
    /// `count` empty rows before row `at` (`at` may be the row count).
    Insert {
        /// Sheet index.
        sheet: u32,
        /// The first new row.
        at: u32,
        /// How many rows.
        count: u32,
    },
    /// Rows `at .. at + count`.
    Delete {
        /// Sheet index.
        sheet: u32,
        /// The first row deleted.
        at: u32,
        /// How many rows.
        count: u32,
    },
    /// Rows `from .. from + count` taken out and put back before row `to`
    /// of the rows left (so that the first of them ends at row `to`).
    Move {
        /// Sheet index.
        sheet: u32,
        /// The first row moved.
        from: u32,
        /// How many rows.
        count: u32,
        /// Where the first of them ends up.
        to: u32,
    },
}

impl RowChange {
    /// The sheet changed.
    pub fn sheet(self) -> u32 {
        match self {
            RowChange::Insert { sheet, .. }
            | RowChange::Delete { sheet, .. }
            | RowChange::Move { sheet, .. } => sheet,
        }
    }
}

/// The bit of `sheet` in [`spanned_sheets`]'s mask.
fn sheet_bit(sheet: u32) -> u64 {
    1 << sheet.min(63)
}

/// The sheets on which `node` reads a range of several rows (one bit a
/// sheet; sheets past the 63rd share the last bit).
pub(super) fn spanned_sheets(node: &Node) -> u64 {
    match node {
        Node::Range {
            sheet, row0, row1, ..
        } if row0 != row1 => sheet_bit(*sheet),
        Node::Const(_)
        | Node::Cell { .. }
        | Node::Range { .. }
        | Node::Metric { .. }
        | Node::MetricRow { .. }
        | Node::Array(_) => 0,
        Node::Negate(inner)
        | Node::Plus(inner)
        | Node::Percent(inner)
        | Node::Elementwise(inner) => spanned_sheets(inner),
        Node::Binary(_, left, right) | Node::RangeOp(left, right) => {
            spanned_sheets(left) | spanned_sheets(right)
        }
        Node::Call { args, .. } => args.iter().fold(0, |mask, arg| mask | spanned_sheets(arg)),
    }
}

/// True if `node`'s value depends on where rows stand: `ROW` and `CELL`
/// report a row number, and a range to a fixed row (a whole column, or a
/// row past the sheet's end) ends where the sheets' rows end.
pub(super) fn is_positional(node: &Node) -> bool {
    match node {
        Node::Range { row0, row1, .. } => *row0 >= FIXED_ROW || *row1 >= FIXED_ROW,
        Node::Call { function, args } => {
            matches!(function.name, "ROW" | "CELL") || args.iter().any(is_positional)
        }
        Node::Negate(inner)
        | Node::Plus(inner)
        | Node::Percent(inner)
        | Node::Elementwise(inner) => is_positional(inner),
        Node::Binary(_, left, right) | Node::RangeOp(left, right) => {
            is_positional(left) || is_positional(right)
        }
        _ => false,
    }
}

impl Engine {
    /// True if `change` can be made in place: its rows exist, and inserted
    /// rows fit in the room the sheet's cell ids leave (past it, build the
    /// engine anew).
    pub fn can_change_rows(&self, change: RowChange) -> bool {
        let Some(meta) = self.sheets.get(change.sheet() as usize) else {
            return false;
        };
        let stored = self.values[change.sheet() as usize].position.len() as u64;
        let rows = u64::from(meta.rows);
        match change {
            RowChange::Insert { at, count, .. } => {
                let room = u64::from(meta.capacity).saturating_sub(stored) + meta.free.len() as u64;
                u64::from(at) <= rows && u64::from(count) <= room
            }
            RowChange::Delete { at, count, .. } => {
                count > 0 && u64::from(at) + u64::from(count) <= rows
            }
            RowChange::Move {
                from, count, to, ..
            } => {
                count > 0
                    && u64::from(from) + u64::from(count) <= rows
                    && u64::from(to) + u64::from(count) <= rows
            }
        }
    }

    /// Makes `change` (nothing if it cannot be made in place); returns the
    /// formula cells to recompute.
    pub(super) fn change_rows(&mut self, change: RowChange) -> Vec<u32> {
        if !self.can_change_rows(change) {
            return Vec::new();
        }
        let sheet = change.sheet();
        // Formula cells whose ranges may gain, lose or reorder cells, with
        // the cells they read before.
        let spanning = self.spanning_cells(sheet);
        let before: Vec<Vec<u32>> = spanning.iter().map(|&id| self.reads(id)).collect();
        let mut seeds = match change {
            RowChange::Insert { at, count, .. } => {
                self.insert_rows(sheet, at, count);
                Vec::new()
            }
            RowChange::Delete { at, count, .. } => self.delete_rows(sheet, at, count),
            RowChange::Move {
                from, count, to, ..
            } => {
                self.move_rows(sheet, from, count, to);
                Vec::new()
            }
        };
        for (id, old) in spanning.into_iter().zip(before) {
            let new = self.reads(id);
            if new == old {
                continue;
            }
            if self.built {
                let (mut old, mut new) = (old, new);
                for list in [&mut old, &mut new] {
                    list.sort_unstable();
                    list.dedup();
                }
                for &p in old.iter().filter(|p| new.binary_search(p).is_err()) {
                    self.dependents.remove(p, id);
                }
                for &p in new.iter().filter(|p| old.binary_search(p).is_err()) {
                    self.dependents.add(p, id);
                    // A formula read anew may close a ring or come later in
                    // the order: the full plan is made again.
                    if self.sources.get(p).formula().is_some() {
                        self.full_plan = None;
                    }
                }
            }
            seeds.push(id);
        }
        seeds.extend(self.positional_cells());
        seeds.retain(|&id| self.sources.get(id).formula().is_some());
        self.structure_version += 1;
        seeds
    }

    /// The cells a formula cell reads, in the order it reads them (empty
    /// for other cells).
    fn reads(&self, id: u32) -> Vec<u32> {
        let mut out = Vec::new();
        if let Some(f) = self.sources.get(id).formula()
            && let Some(Some(formula)) = self.formulas.get(f as usize)
        {
            self.collect_precedents(&formula.node, self.addr_of(id), &mut out);
        }
        out
    }

    /// The cells whose formula reads a range of several rows on `sheet`.
    fn spanning_cells(&self, sheet: u32) -> Vec<u32> {
        if self.spanning_formulas == 0 {
            return Vec::new();
        }
        self.cells_of_formulas(|formula| formula.spans & super::rows::sheet_bit(sheet) != 0)
    }

    /// The cells whose formula depends on where rows stand.
    fn positional_cells(&self) -> Vec<u32> {
        if self.positional_formulas == 0 {
            return Vec::new();
        }
        self.cells_of_formulas(|formula| formula.positional)
    }

    /// The cells that follow a formula for which `pick` is true.
    fn cells_of_formulas(&self, pick: impl Fn(&super::Formula) -> bool) -> Vec<u32> {
        let mut cells = Vec::new();
        for (f, formula) in self.formulas.iter().enumerate() {
            let Some(formula) = formula.as_ref().filter(|formula| pick(formula)) else {
                continue;
            };
            let f = f as u32;
            match formula.owner {
                Owner::Cell(id) => {
                    if self.sources.get(id) == Source::Own(f) {
                        cells.push(id);
                    }
                }
                Owner::Row(sheet, row) => {
                    let first = self.periods.first_col;
                    for col in first..first + self.periods.count {
                        if let Some(id) = self.stored_id(sheet, row, col)
                            && self.sources.get(id) == Source::Row(f)
                        {
                            cells.push(id);
                        }
                    }
                }
            }
        }
        cells
    }

    fn insert_rows(&mut self, sheet: u32, at: u32, count: u32) {
        let s = sheet as usize;
        let mut new_rows = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let stored = match self.sheets[s].free.pop() {
                Some(row) => row,
                None => {
                    let values = &mut self.values[s];
                    let row = values.position.len() as u32;
                    let width = values.n_cols as usize;
                    values
                        .values
                        .resize(values.values.len() + width, super::Value::Empty);
                    values.position.push(row);
                    self.row_formulas[s].push(None);
                    row
                }
            };
            new_rows.push(stored);
        }
        let values = &mut self.values[s];
        values.order.splice(at as usize..at as usize, new_rows);
        renumber(values, at as usize, values.order.len());
        self.sheets[s].rows += count;
    }

    /// Clears the rows' cells and takes them out of the order; returns the
    /// cells that read them.
    fn delete_rows(&mut self, sheet: u32, at: u32, count: u32) -> Vec<u32> {
        let s = sheet as usize;
        let stored: Vec<u32> = self.values[s].order[at as usize..(at + count) as usize].to_vec();
        let cols = self.sheets[s].cols;
        for (k, &row) in stored.iter().enumerate() {
            let at_row = at + k as u32;
            if self.row_formulas[s][row as usize].is_some() {
                self.set_input(Edit::RowFormula {
                    sheet,
                    row: at_row,
                    formula: None,
                });
            }
            for col in 0..cols {
                let Some(id) = self.stored_id(sheet, row, col) else {
                    continue;
                };
                if self.sources.get(id) != Source::Empty {
                    self.set_input(Edit::Cell(CellAddr::new(sheet, at_row, col), Input::Empty));
                }
            }
        }
        let mut readers = Vec::new();
        for &row in &stored {
            for col in 0..cols {
                let Some(id) = self.stored_id(sheet, row, col) else {
                    continue;
                };
                readers.extend(self.dependents.readers(id));
                self.dependents.clear(id);
            }
            let values = &mut self.values[s];
            let width = values.n_cols as usize;
            values.values[row as usize * width..(row as usize + 1) * width]
                .fill(super::Value::Empty);
        }
        readers.retain(|&id| {
            let (reader_sheet, row, _) = self.stored_addr(id);
            reader_sheet != sheet || !stored.contains(&row)
        });
        self.sheets[s]
            .metrics
            .retain(|_, row| !stored.contains(row));
        let values = &mut self.values[s];
        values.order.drain(at as usize..(at + count) as usize);
        renumber(values, at as usize, values.order.len());
        // A reference not yet rewritten to a deleted row reads where it
        // stood (its range ends there): never past what it read before.
        for &row in &stored {
            values.position[row as usize] = at;
        }
        let meta = &mut self.sheets[s];
        meta.rows -= count;
        meta.free.extend(stored.iter().rev());
        readers
    }

    fn move_rows(&mut self, sheet: u32, from: u32, count: u32, to: u32) {
        let values = &mut self.values[sheet as usize];
        let block: Vec<u32> = values
            .order
            .drain(from as usize..(from + count) as usize)
            .collect();
        values.order.splice(to as usize..to as usize, block);
        let end = (from.max(to) + count) as usize;
        renumber(values, from.min(to) as usize, end.min(values.order.len()));
    }
}

/// Sets the position of the stored rows shown at rows `start..end`.
fn renumber(values: &mut SheetValues, start: usize, end: usize) {
    for row in start..end {
        let stored = values.order[row] as usize;
        values.position[stored] = row as u32;
    }
}
