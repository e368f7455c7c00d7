//! Trace: which metrics the selected metric reads (precedents) and which
//! read it (dependents), as rows to highlight and as a small tree.

use std::collections::BTreeSet;

use egui::Color32;

use super::theme::Theme;
use crate::engine::CellAddr;
use crate::model::{FIRST_PERIOD_COL, Workbook};

/// The precedents and dependents of one metric in one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    /// The traced row.
    pub row: Option<u32>,
    /// Rows the traced metric reads, in sheet order.
    pub precedents: Vec<u32>,
    /// Rows that read the traced metric, in sheet order.
    pub dependents: Vec<u32>,
}

impl Trace {
    /// The trace of `row` on `sheet`, looking at `period`.
    pub fn of(workbook: &Workbook, sheet: u32, row: u32, period: u32) -> Trace {
        Trace {
            row: Some(row),
            precedents: precedent_rows(workbook, sheet, row, period),
            dependents: dependent_rows(workbook, sheet, row, period),
        }
    }

    /// The highlight of a row, if it is a precedent or a dependent.
    pub fn tint(&self, row: u32, theme: &Theme) -> Option<Color32> {
        if self.row == Some(row) {
            None
        } else if self.precedents.binary_search(&row).is_ok() {
            Some(theme.precedent)
        } else if self.dependents.binary_search(&row).is_ok() {
            Some(theme.dependent)
        } else {
            None
        }
    }
}

fn rows_of(cells: Vec<CellAddr>, sheet: u32, row: u32) -> Vec<u32> {
    let rows: BTreeSet<u32> = cells
        .into_iter()
        .filter(|c| c.sheet == sheet && c.row != row && c.col >= FIRST_PERIOD_COL)
        .map(|c| c.row)
        .collect();
    rows.into_iter().collect()
}

/// Rows whose cells the metric's cell in `period` reads.
pub fn precedent_rows(workbook: &Workbook, sheet: u32, row: u32, period: u32) -> Vec<u32> {
    let addr = CellAddr::new(sheet, row, FIRST_PERIOD_COL + period);
    rows_of(workbook.engine().precedents(addr), sheet, row)
}

/// Rows whose cells read the metric's cell in `period`.
pub fn dependent_rows(workbook: &Workbook, sheet: u32, row: u32, period: u32) -> Vec<u32> {
    let addr = CellAddr::new(sheet, row, FIRST_PERIOD_COL + period);
    rows_of(workbook.engine().dependents(addr), sheet, row)
}
