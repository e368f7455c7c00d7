//! The function registry: one table of every spreadsheet function Lever knows
//! (name, arity, implementation), with one file per family.

pub mod args;

pub use args::{Arg, Array, RangeRef};

use crate::engine::value::Value;

/// The signature of every function: evaluated arguments in, one value out.
pub type FunctionImpl = fn(&[Arg<'_>]) -> Value;

/// One entry of the registry.
#[derive(Debug)]
pub struct FunctionSpec {
    /// Upper-case name as written in formulas, e.g. `SUMIFS`.
    pub name: &'static str,
    /// Fewest arguments accepted.
    pub min_args: usize,
    /// Most arguments accepted (`usize::MAX` for variadic functions).
    pub max_args: usize,
    /// True if operators inside the arguments work elementwise on ranges
    /// (`SUMPRODUCT((A1:A3>1)*B1:B3)`).
    pub array_args: bool,
    /// The implementation.
    pub implementation: FunctionImpl,
}

/// Every function, sorted by name.
pub static FUNCTIONS: &[FunctionSpec] = &[];

/// Finds a function by name, case-insensitively.
pub fn lookup(name: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}
