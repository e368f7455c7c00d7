//! Exchanging models with other spreadsheet programs: writing a model to an
//! Excel workbook (`.xlsx`) with real formulas ([`xlsx`]) and reading one
//! into a model of grid sheets ([`xlsx_import`]).

pub mod xlsx;
pub mod xlsx_import;

pub use xlsx::{ExportError, ExportOptions, export_xlsx, export_xlsx_with};
pub use xlsx_import::{
    ImportReport, Progress, import_xlsx, import_xlsx_with_progress, is_xlsx_path,
};
