//! The cached-value cross-check of an imported workbook: Excel saves the
//! value it last computed with every formula cell, so after an import Lever
//! compares each formula cell it computed with that value and lists every
//! cell that differs. A user sees at once whether Lever reproduces their
//! workbook, instead of trusting numbers nobody checked.
//!
//! Cells whose value depends on when or how they are computed (`TODAY`,
//! `NOW`, `RAND`, `RANDBETWEEN`, `OFFSET`, `INDIRECT`, `CELL`, `INFO`, and
//! every cell that reads one of them, directly or not) are skipped and
//! counted; so are formula cells saved without a value (files written by
//! libraries rather than by a spreadsheet program).

use std::collections::{HashSet, VecDeque};
use std::fmt;

use crate::engine::{CellAddr, Value};
use crate::model::{CellInput, Workbook};

/// At most this many differing cells are listed (all are counted).
pub const LISTED_DIFFERENCES: usize = 50;

/// Functions whose result depends on the moment or the way of computing
/// that the engine does not have (or computes once): besides the engine's
/// own volatile functions ([`crate::engine::functions::reference::VOLATILE`],
/// among them `NOW`, `TODAY`, `RAND` and `RANDBETWEEN`).
const VOLATILE_ELSEWHERE: [&str; 3] = ["RANDARRAY", "CELL", "INFO"];

/// True if `function` (any case) is volatile: its result depends on when
/// or how it is computed, so a value saved earlier cannot be compared.
pub fn is_volatile(function: &str) -> bool {
    let upper = function.to_ascii_uppercase();
    VOLATILE_ELSEWHERE.contains(&upper.as_str())
        || crate::engine::functions::reference::VOLATILE.contains(&upper.as_str())
}

/// The value Excel saved with a formula cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CachedValue {
    /// No value was saved.
    None,
    /// A number (dates are serial numbers).
    Number(f64),
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// An error, as Excel writes it (`#DIV/0!`).
    Error(String),
}

impl CachedValue {
    /// The value typed as a constant, for a cell that keeps Excel's value.
    pub fn as_input(&self) -> CellInput {
        match self {
            CachedValue::None => CellInput::Empty,
            CachedValue::Number(n) if n.is_finite() => CellInput::Number(*n),
            CachedValue::Number(_) => CellInput::Formula("=#NUM!".into()),
            CachedValue::Text(t) => CellInput::Text(t.clone()),
            CachedValue::Bool(b) => CellInput::Bool(*b),
            CachedValue::Error(e) => CellInput::Formula(format!("={e}")),
        }
    }

    /// True if Lever's `value` is the same as this one: numbers equal to
    /// nine significant digits (Excel and Lever may add in another order),
    /// text, booleans and error kinds exactly.
    pub fn matches(&self, value: &Value) -> bool {
        match (self, value) {
            (CachedValue::Number(want), Value::Number(got)) => {
                want == got || (want - got).abs() <= 1e-9 * want.abs().max(got.abs()) + 1e-12
            }
            (CachedValue::Number(want), Value::Empty) => *want == 0.0,
            (CachedValue::Text(want), Value::Text(got)) => want.as_str() == &**got,
            (CachedValue::Text(want), Value::Empty) => want.is_empty(),
            (CachedValue::Bool(want), Value::Bool(got)) => want == got,
            (CachedValue::Error(want), Value::Error(got)) => want == got.kind.as_str(),
            _ => false,
        }
    }
}

impl fmt::Display for CachedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CachedValue::None => Ok(()),
            CachedValue::Number(n) => {
                write!(f, "{}", Value::Number(*n))
            }
            CachedValue::Text(t) => write!(f, "\"{t}\""),
            CachedValue::Bool(true) => f.write_str("TRUE"),
            CachedValue::Bool(false) => f.write_str("FALSE"),
            CachedValue::Error(e) => f.write_str(e),
        }
    }
}

/// A formula cell's cached value, by sheet index and position.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedCell {
    /// Sheet index in the imported workbook.
    pub sheet: u32,
    /// Zero-based row.
    pub row: u32,
    /// Zero-based column.
    pub col: u32,
    /// True if the cell's formula calls a volatile function.
    pub volatile: bool,
    /// What Excel saved.
    pub value: CachedValue,
}

/// One formula cell whose computed value is not Excel's.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// `Sheet!B3`.
    pub cell: String,
    /// What Lever computes.
    pub lever: String,
    /// What Excel saved.
    pub excel: String,
}

/// The outcome of the cross-check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrossCheck {
    /// Formula cells compared with a cached value.
    pub checked: usize,
    /// Formula cells whose value Lever computes differently (all of them).
    pub differing: usize,
    /// The first [`LISTED_DIFFERENCES`] of them, in sheet and cell order.
    pub differences: Vec<Difference>,
    /// Cells skipped because they depend on a volatile function.
    pub volatile: usize,
    /// Formula cells saved without a value.
    pub without_value: usize,
}

impl CrossCheck {
    /// True if every compared cell matched.
    pub fn all_match(&self) -> bool {
        self.differing == 0
    }
}

impl fmt::Display for CrossCheck {
    /// The cross-check as the import report shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells = |n: usize| {
            if n == 1 {
                "1 formula cell".to_string()
            } else {
                format!("{n} formula cells")
            }
        };
        if self.checked == 0 {
            write!(f, "Excel's saved values: none to compare with")?;
        } else if self.differing == 0 {
            write!(f, "Excel's saved values: all {} match", cells(self.checked))?;
        } else {
            write!(
                f,
                "Excel's saved values: {} of {} differ from what Lever computes",
                self.differing,
                cells(self.checked)
            )?;
        }
        let mut skipped = Vec::new();
        if self.volatile > 0 {
            skipped.push(format!(
                "{} not compared (volatile: TODAY, NOW, RAND, OFFSET, INDIRECT…)",
                self.volatile
            ));
        }
        if self.without_value > 0 {
            skipped.push(format!("{} saved without a value", self.without_value));
        }
        if !skipped.is_empty() {
            write!(f, "; {}", skipped.join(", "))?;
        }
        writeln!(f)?;
        for d in &self.differences {
            writeln!(f, "    {}: Lever {}, Excel {}", d.cell, d.lever, d.excel)?;
        }
        if self.differing > self.differences.len() {
            writeln!(
                f,
                "    … and {} more",
                self.differing - self.differences.len()
            )?;
        }
        Ok(())
    }
}

/// Compares every formula cell of `workbook` that has a cached value with
/// what Lever computed for it.
pub fn cross_check(workbook: &Workbook, cached: &[CachedCell]) -> CrossCheck {
    let volatile = volatile_cells(workbook, cached);
    let mut check = CrossCheck::default();
    for cell in cached {
        let addr = CellAddr::new(cell.sheet, cell.row, cell.col);
        if volatile.contains(&addr) {
            check.volatile += 1;
            continue;
        }
        if cell.value == CachedValue::None {
            check.without_value += 1;
            continue;
        }
        check.checked += 1;
        let value = workbook.cell_value(cell.sheet, cell.row, cell.col);
        if cell.value.matches(value) {
            continue;
        }
        check.differing += 1;
        if check.differences.len() < LISTED_DIFFERENCES {
            let lever = match value {
                Value::Text(t) => format!("\"{t}\""),
                other => other.to_string(),
            };
            check.differences.push(Difference {
                cell: workbook.cell_name(cell.sheet, cell.row, cell.col),
                lever,
                excel: cell.value.to_string(),
            });
        }
    }
    check
}

/// The formula cells that call a volatile function, and every cell that
/// reads one of them, directly or not.
fn volatile_cells(workbook: &Workbook, cached: &[CachedCell]) -> HashSet<CellAddr> {
    let mut queue: VecDeque<CellAddr> = cached
        .iter()
        .filter(|cell| cell.volatile)
        .map(|cell| CellAddr::new(cell.sheet, cell.row, cell.col))
        .collect();
    let mut seen: HashSet<CellAddr> = queue.iter().copied().collect();
    while let Some(addr) = queue.pop_front() {
        for next in workbook.cell_dependents(addr) {
            if seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_values_match_within_rounding() {
        let n = CachedValue::Number(0.1 + 0.2);
        assert!(n.matches(&Value::Number(0.3)));
        assert!(!n.matches(&Value::Number(0.31)));
        assert!(CachedValue::Number(0.0).matches(&Value::Empty));
        assert!(CachedValue::Text("a".into()).matches(&Value::text("a")));
        assert!(!CachedValue::Text("1".into()).matches(&Value::Number(1.0)));
        assert!(CachedValue::Bool(true).matches(&Value::Bool(true)));
        assert!(!CachedValue::Bool(true).matches(&Value::Number(1.0)));
        assert!(
            CachedValue::Error("#DIV/0!".into())
                .matches(&Value::error(crate::engine::ErrorKind::Div0))
        );
        assert!(
            !CachedValue::Error("#N/A".into())
                .matches(&Value::error(crate::engine::ErrorKind::Value))
        );
    }
}
