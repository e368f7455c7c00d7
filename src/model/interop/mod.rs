//! Exchanging models with other spreadsheet programs. Today: writing a model
//! to an Excel workbook (`.xlsx`) with real formulas, see [`xlsx`].

pub mod xlsx;

pub use xlsx::{ExportError, ExportOptions, export_xlsx, export_xlsx_with};
