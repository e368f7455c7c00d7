//! The input a goal seek or a data table changes: one input cell set to a
//! value (`price@Jan 2026`), or a whole input row scaled by a factor
//! (`price`: every number typed into the row × the factor, so 1 is the model
//! as it stands).
//!
//! Inputs are read as the workbook shows them, with the active scenario's
//! overrides; the edits they produce are routed like any other (into the
//! active scenario for input cells).

use super::what_if::row_numbers;
use super::{CellInput, Command, Edit, Workbook};

/// An input to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRef {
    /// One input cell (not computed by a formula), set to absolute values.
    Cell {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// Period index (0 = first period).
        period: u32,
    },
    /// A whole input row: every typed number × a factor (1 = unchanged).
    Row {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
    },
}

impl InputRef {
    /// The input's (sheet, row).
    pub fn cell_row(&self) -> (u32, u32) {
        match *self {
            InputRef::Cell { sheet, row, .. } | InputRef::Row { sheet, row } => (sheet, row),
        }
    }

    /// How the input reads in messages: `price@Jan 2026`, or `price` for a
    /// row (whose values are factors).
    pub fn describe(&self, workbook: &Workbook) -> String {
        let (sheet, row) = self.cell_row();
        let name = workbook.metric_name(sheet, row);
        match *self {
            InputRef::Cell { period, .. } => {
                let labels = workbook.period_labels();
                match labels.get(period as usize) {
                    Some(label) => format!("{name}@{label}"),
                    None => format!("{name}@{}", period + 1),
                }
            }
            InputRef::Row { .. } => name.to_string(),
        }
    }
}

/// Reads `metric@3`, `metric@Mar 2026` (one input cell) or `metric` (the
/// whole row, scaled) and checks that it is an input. `purpose` names the
/// analysis in messages (e.g. `goal seek`).
pub fn parse_input(workbook: &Workbook, text: &str, purpose: &str) -> Result<InputRef, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("no input metric given for the {purpose}"));
    }
    let target = super::what_if::parse_target(workbook, text)?;
    let input = match (target, text.contains('@')) {
        (super::what_if::Target::Period { sheet, row, period }, _) => {
            InputRef::Cell { sheet, row, period }
        }
        (super::what_if::Target::Total { sheet, row }, false) => InputRef::Row { sheet, row },
        (super::what_if::Target::Total { .. }, true) => {
            return Err(format!(
                "`{text}`: the {purpose} changes one input cell (`metric@3`, `metric@Mar 2026`) or a whole row (`metric`)"
            ));
        }
    };
    Setter::new(workbook, &input, purpose)?;
    Ok(input)
}

/// Builds the edits that set an input to a value, from the numbers it held
/// when the run started.
#[derive(Debug, Clone)]
pub(crate) struct Setter {
    input: InputRef,
    /// (period, number) the edits start from: one cell's, or the row's.
    base: Vec<(u32, f64)>,
}

impl Setter {
    /// Checks the input and remembers its numbers.
    pub(crate) fn new(
        workbook: &Workbook,
        input: &InputRef,
        purpose: &str,
    ) -> Result<Setter, String> {
        let (sheet, row) = input.cell_row();
        let name = workbook.metric_name(sheet, row).to_string();
        let computed = || {
            format!(
                "`{name}` is computed by a formula; the {purpose} changes an input (a metric with numbers typed into it)"
            )
        };
        let base = match *input {
            InputRef::Cell { period, .. } => {
                if workbook.is_formula(sheet, row, period) {
                    return Err(computed());
                }
                match workbook.effective_input(sheet, row, period) {
                    CellInput::Number(n) => vec![(period, *n)],
                    CellInput::Empty => vec![(period, 0.0)],
                    other => {
                        return Err(format!(
                            "`{}` holds `{}`, not a number",
                            input.describe(workbook),
                            other.to_typed()
                        ));
                    }
                }
            }
            InputRef::Row { .. } => {
                let numbers = row_numbers(workbook, sheet, row);
                if numbers.is_empty() {
                    return Err(
                        if (0..workbook.periods()).any(|p| workbook.is_formula(sheet, row, p)) {
                            computed()
                        } else {
                            format!("`{name}` has no numbers to scale; give a period (`{name}@1`)")
                        },
                    );
                }
                numbers
            }
        };
        Ok(Setter {
            input: *input,
            base,
        })
    }

    /// The input's value as the run started: the cell's number, or factor 1.
    pub(crate) fn start(&self) -> f64 {
        match self.input {
            InputRef::Cell { .. } => self.base.first().map_or(0.0, |&(_, n)| n),
            InputRef::Row { .. } => 1.0,
        }
    }

    /// The edit that sets the input to `x` (a value, or a factor for a row).
    pub(crate) fn edit(&self, x: f64) -> Edit {
        let (sheet, row) = self.input.cell_row();
        let scale = matches!(self.input, InputRef::Row { .. });
        self.base
            .iter()
            .map(|&(period, n)| Command::SetCell {
                sheet,
                row,
                period,
                input: CellInput::Number(if scale { n * x } else { x }),
            })
            .collect()
    }
}
