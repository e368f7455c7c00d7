//! Lever: a spreadsheet-style editor for metric models.
//!
//! Layers, lower ones knowing nothing of higher ones:
//!
//! ```text
//! formula   text → tokens → AST; printing back to text; reference rewriting
//!    ↑
//! engine    values & errors, functions, dependency graph, incremental recalc
//!    ↑
//! model     workbook / sheets / metrics / timeline / scenarios / changelog,
//!           the .ron format (load, save), edit commands + undo
//!    ↑
//! ui (egui)           cli (eval, check)
//! ```

pub mod cli;
pub mod engine;
pub mod formula;
pub mod model;
pub mod ui;
