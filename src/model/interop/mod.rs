//! Exchanging models with other spreadsheet programs and readers: writing a
//! model to an Excel workbook (`.xlsx`) with real formulas ([`xlsx`]),
//! reading one into a model of grid sheets ([`xlsx_import`]), and the
//! investor view as an Excel workbook with roll-up formulas
//! ([`investor_xlsx`]), CSV or a printable HTML report ([`report`]); and
//! the check of an imported workbook against the values Excel saved with
//! it ([`cross_check`]).

pub mod cross_check;
pub mod investor_xlsx;
pub mod report;
pub mod xlsx;
pub mod xlsx_import;

pub use cross_check::{CachedCell, CachedValue, CrossCheck, cross_check};
pub use investor_xlsx::export_investor_xlsx;
pub use xlsx::{ExportError, ExportOptions, export_xlsx, export_xlsx_with};
pub use xlsx_import::{
    ImportReport, Progress, import_xlsx, import_xlsx_with_progress, is_xlsx_path,
};
