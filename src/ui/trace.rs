//! Trace: which metrics the selected metric reads (precedents) and which
//! read it (dependents), as rows to highlight and as a small tree.

use egui::Color32;

use super::theme::Theme;
use crate::model::Workbook;

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
            precedents: workbook.precedent_rows(sheet, row, period),
            dependents: workbook.dependent_rows(sheet, row, period),
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
