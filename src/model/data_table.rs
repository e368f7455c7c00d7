//! Data tables (a spreadsheet's What-If Data Table): a target's value over a
//! list of values of one input, or over a grid of values of two inputs.
//!
//! Each axis is an [`InputRef`] with its values, read the same way as in a
//! goal seek: for one input cell (`price@1`) the values are the cell's
//! values (`4990, 5490, 5990`); for a whole input row (`price`) they are
//! factors on every number typed into the row (`0.8, 0.9, 1, 1.1, 1.2`; 1
//! is the model as it stands). Each cell of the table is one incremental
//! recalculation; afterwards the workbook is exactly as before.

use super::display::shortest_number;
use super::goal_seek::{describe_target, strict_target_value};
use super::input_ref::{InputRef, Setter};
use super::what_if::Target;
use super::{Edit, Workbook};

/// The most recalculations one data table may take (a 500 × 500 grid).
pub const MAX_RECALCULATIONS: usize = 250_000;

/// One axis: an input and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The input.
    pub input: InputRef,
    /// Values for a cell input; factors for a row input.
    pub values: Vec<f64>,
}

/// A computed data table.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// What was read.
    pub target: Target,
    /// The input down the side (one line per value).
    pub rows: Axis,
    /// The input across the top, for a two-input table.
    pub cols: Option<Axis>,
    /// `cells[i][j]`: the target with the row input at its i-th value and
    /// the column input at its j-th (one column for a one-input table);
    /// `None` where the target is not a number.
    pub cells: Vec<Vec<Option<f64>>>,
}

/// Why a data table was not computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataTableError {
    /// The request cannot be computed (bad input, too large, …).
    #[error("{0}")]
    Invalid(String),
    /// The progress callback asked to stop; the workbook is as before.
    #[error("the data table was cancelled after {done} of {total} cells")]
    Cancelled {
        /// Cells computed.
        done: usize,
        /// Cells in the table.
        total: usize,
    },
}

/// Number of recalculations a table of `rows` × `cols` values takes (one
/// per cell, plus one per line for a two-input table).
pub fn recalculations(rows: usize, cols: Option<usize>) -> usize {
    match cols {
        None => rows,
        Some(cols) => rows.saturating_mul(cols.saturating_add(1)),
    }
}

/// Computes the target over the values of `rows` (and `cols`). `progress`
/// is called after each cell with (cells done, cells in all); returning
/// `false` cancels the run. The workbook's document, values and history are
/// left as they were, whether it finishes, fails or is cancelled.
pub fn data_table(
    workbook: &mut Workbook,
    target: &Target,
    rows: &Axis,
    cols: Option<&Axis>,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<DataTable, DataTableError> {
    let invalid = DataTableError::Invalid;
    check_values(workbook, rows)?;
    if let Some(cols) = cols {
        check_values(workbook, cols)?;
        if overlaps(&rows.input, &cols.input) {
            return Err(invalid(format!(
                "the row input `{}` and the column input `{}` change the same cells; pick two different inputs",
                rows.input.describe(workbook),
                cols.input.describe(workbook)
            )));
        }
    }
    let n_cols = cols.map(|c| c.values.len());
    let needed = recalculations(rows.values.len(), n_cols);
    if needed > MAX_RECALCULATIONS {
        return Err(invalid(format!(
            "a {} × {} data table needs {needed} recalculations; the limit is {MAX_RECALCULATIONS} (use fewer values)",
            rows.values.len(),
            n_cols.unwrap_or(1)
        )));
    }
    let row_setter = Setter::new(workbook, &rows.input, "data table").map_err(invalid)?;
    let col_setter = match cols {
        Some(c) => Some(Setter::new(workbook, &c.input, "data table").map_err(invalid)?),
        None => None,
    };
    let total = rows.values.len() * n_cols.unwrap_or(1);
    let focus = target.cells(workbook.periods());
    let cells = workbook.focused(&focus, |workbook| {
        run(
            workbook,
            target,
            &row_setter,
            rows,
            col_setter.as_ref().zip(cols),
            progress,
            total,
        )
    })?;
    Ok(DataTable {
        target: *target,
        rows: rows.clone(),
        cols: cols.cloned(),
        cells,
    })
}

/// Computes the cells, then puts the inputs back.
fn run(
    workbook: &mut Workbook,
    target: &Target,
    row_setter: &Setter,
    rows: &Axis,
    cols: Option<(&Setter, &Axis)>,
    progress: &mut dyn FnMut(usize, usize) -> bool,
    total: usize,
) -> Result<Vec<Vec<Option<f64>>>, DataTableError> {
    let invalid = DataTableError::Invalid;
    let mut inverses: Vec<Edit> = Vec::with_capacity(2);
    let mut cells = Vec::with_capacity(rows.values.len());
    let mut done = 0;
    let result = (|| {
        for &r in &rows.values {
            apply(workbook, row_setter.edit(r), &mut inverses, 0)?;
            let mut line = Vec::with_capacity(cols.map_or(1, |(_, axis)| axis.values.len()));
            match cols {
                Some((setter, axis)) => {
                    for &c in &axis.values {
                        apply(workbook, setter.edit(c), &mut inverses, 1)?;
                        line.push(strict_target_value(workbook, target));
                        done += 1;
                        if !progress(done, total) {
                            return Err(DataTableError::Cancelled { done, total });
                        }
                    }
                }
                None => {
                    line.push(strict_target_value(workbook, target));
                    done += 1;
                    if !progress(done, total) {
                        return Err(DataTableError::Cancelled { done, total });
                    }
                }
            }
            cells.push(line);
        }
        Ok(())
    })();
    // Undo in reverse order: the column input's first inverse, then the row's.
    for inverse in inverses.into_iter().rev() {
        workbook
            .restore(inverse)
            .map_err(|e| invalid(e.to_string()))?;
    }
    result?;
    Ok(cells)
}

/// Applies an axis edit; keeps the inverse of the first one per axis.
fn apply(
    workbook: &mut Workbook,
    edit: Edit,
    inverses: &mut Vec<Edit>,
    axis: usize,
) -> Result<(), DataTableError> {
    let inverse = workbook
        .try_edit(edit)
        .map_err(|e| DataTableError::Invalid(e.to_string()))?;
    if inverses.len() == axis {
        inverses.push(inverse);
    }
    Ok(())
}

fn check_values(workbook: &Workbook, axis: &Axis) -> Result<(), DataTableError> {
    let name = axis.input.describe(workbook);
    if axis.values.is_empty() {
        return Err(DataTableError::Invalid(format!(
            "no values given for `{name}`"
        )));
    }
    if let Some(bad) = axis.values.iter().find(|v| !v.is_finite()) {
        return Err(DataTableError::Invalid(format!(
            "`{bad}` for `{name}` is not a finite number"
        )));
    }
    Ok(())
}

/// True if two inputs change a common cell.
fn overlaps(a: &InputRef, b: &InputRef) -> bool {
    match (a, b) {
        (InputRef::Cell { .. }, InputRef::Cell { .. }) => a == b,
        _ => a.cell_row() == b.cell_row(),
    }
}

/// The table as CSV, numbers in full precision, empty where the target is
/// not a number. One input: `<input>,<target>` then a line per value. Two
/// inputs: `<row input> \ <column input>,<column values…>` then a line per
/// row value. A row input's values are written as `×factor`.
pub fn to_csv(workbook: &Workbook, table: &DataTable) -> String {
    grid(workbook, table, &|n| shortest_number(n))
        .iter()
        .map(|line| {
            let fields: Vec<String> = line.iter().map(|f| csv_field(f)).collect();
            fields.join(",") + "\n"
        })
        .collect()
}

/// The table as lines of text fields (header first), each number written
/// with `number`; for CSV or an aligned table.
pub fn grid(
    workbook: &Workbook,
    table: &DataTable,
    number: &dyn Fn(f64) -> String,
) -> Vec<Vec<String>> {
    let axis_value = |axis: &Axis, v: f64| match axis.input {
        InputRef::Row { .. } => format!("×{}", shortest_number(v)),
        InputRef::Cell { .. } => shortest_number(v),
    };
    let cell = |c: &Option<f64>| c.map(number).unwrap_or_default();
    let mut lines = Vec::with_capacity(table.cells.len() + 1);
    match &table.cols {
        None => {
            lines.push(vec![
                table.rows.input.describe(workbook),
                describe_target(workbook, &table.target),
            ]);
        }
        Some(cols) => {
            let mut header = vec![format!(
                "{} \\ {}",
                table.rows.input.describe(workbook),
                cols.input.describe(workbook)
            )];
            header.extend(cols.values.iter().map(|&v| axis_value(cols, v)));
            lines.push(header);
        }
    }
    for (&r, line) in table.rows.values.iter().zip(&table.cells) {
        let mut fields = vec![axis_value(&table.rows, r)];
        fields.extend(line.iter().map(cell));
        lines.push(fields);
    }
    lines
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
