//! Formula text ⇄ syntax tree. Knows nothing of values or cell contents.
//!
//! - [`parse`] turns text (with or without the leading `=`) into an [`Expr`],
//!   or a [`ParseError`] that says what is wrong and at which column.
//! - [`print`] turns an [`Expr`] back into canonical text.
//! - [`references`] and [`function_names`] list what a formula uses.
//! - [`rewrite`] changes references inside formula text (rename a metric or a
//!   sheet, insert or delete rows and columns) while keeping the user's spacing.
//!
//! Inside: [`lexer`] turns text into [`token`]s, [`parser`] turns tokens into
//! an [`ast`] tree.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod print;
pub mod references;
pub mod rewrite;
pub mod token;

pub use ast::{Axis, BinaryOp, CellRef, ErrorKind, Expr, LineRef, Reference, UnaryOp};
pub use lexer::is_valid_name;
pub use parser::{ParseError, parse};
pub use print::print;
pub(crate) use print::sheet_prefix;
pub use references::{function_names, let_names, references};
pub use rewrite::{Structural, apply_structural, remap_rows, rename_metric, rename_sheet};
pub use token::Span;
