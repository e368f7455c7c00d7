//! The ripple of an edit: every cell whose value changed (old → new), and the
//! metrics they belong to in dependency order, from the edited input to the
//! outputs.

use crate::engine::{Recalc, Value};

use super::FIRST_PERIOD_COL;

/// One changed cell: the engine's record of it, kept as it is.
pub use crate::engine::Change as CellChange;

impl CellChange {
    /// Period index, or `None` for a label/unit cell of a metric sheet and
    /// for every cell of a grid sheet (see `col`).
    pub fn period(&self) -> Option<u32> {
        if self.grid {
            None
        } else {
            self.col.checked_sub(FIRST_PERIOD_COL)
        }
    }

    /// Relative change `(new - old) / |old|`, when both are numbers and old ≠ 0.
    pub fn relative(&self) -> Option<f64> {
        match (&self.old, &self.new) {
            (Value::Number(a), Value::Number(b)) if *a != 0.0 => Some((b - a) / a.abs()),
            _ => None,
        }
    }
}

/// All changes of one metric row.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRipple {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// Number of its cells that changed.
    pub cells: usize,
    /// Sum of the old numeric values of the changed cells.
    pub old_total: f64,
    /// Sum of the new numeric values of the changed cells.
    pub new_total: f64,
}

/// What an edit changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ripple {
    /// Changed cells: the edited ones first, then in dependency order.
    pub changes: Vec<CellChange>,
    /// Number of formula cells evaluated to find them.
    pub evaluated: usize,
}

impl Ripple {
    /// The ripple of an engine recalculation: its changes as they are.
    pub fn from_recalc(recalc: Recalc) -> Ripple {
        Ripple {
            changes: recalc.changes,
            evaluated: recalc.evaluated,
        }
    }

    /// The changes between two snapshots of the same grid shape
    /// (sheet → row-major values), in sheet and row order. `shapes` gives
    /// each sheet's column count and whether it is a grid sheet.
    pub fn between(before: &[Vec<Value>], after: &[Vec<Value>], shapes: &[(u32, bool)]) -> Ripple {
        let mut changes = Vec::new();
        for (sheet, (old, new)) in before.iter().zip(after).enumerate() {
            let (cols, grid) = shapes.get(sheet).copied().unwrap_or((0, false));
            let cols = cols as usize;
            for (index, (a, b)) in old.iter().zip(new).enumerate() {
                if !a.same_as(b) && cols > 0 {
                    let col = (index % cols) as u32;
                    changes.push(CellChange {
                        sheet: sheet as u32,
                        row: (index / cols) as u32,
                        col,
                        grid,
                        old: a.clone(),
                        new: b.clone(),
                    });
                }
            }
        }
        Ripple {
            changes,
            evaluated: 0,
        }
    }

    /// True if nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The changed metrics in order of their first change, which is the
    /// dependency order: the edited metric first, its outputs after.
    pub fn metrics(&self) -> Vec<MetricRipple> {
        let mut out: Vec<MetricRipple> = Vec::new();
        // foldhash: a large model's edit passes tens of thousands of cells.
        let mut index: std::collections::HashMap<(u32, u32), usize, _> =
            std::collections::HashMap::with_hasher(foldhash::fast::RandomState::default());
        for change in &self.changes {
            if change.period().is_none() && !change.grid {
                continue;
            }
            let key = (change.sheet, change.row);
            let slot = *index.entry(key).or_insert_with(|| {
                out.push(MetricRipple {
                    sheet: change.sheet,
                    row: change.row,
                    cells: 0,
                    old_total: 0.0,
                    new_total: 0.0,
                });
                out.len() - 1
            });
            let metric = &mut out[slot];
            metric.cells += 1;
            metric.old_total += change.old.as_number().unwrap_or(0.0);
            metric.new_total += change.new.as_number().unwrap_or(0.0);
        }
        out
    }
}
