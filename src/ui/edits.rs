//! Turning what the user did in the grid into model edits: committing an
//! editor, clearing, pasting, filling. Each returns one [`Edit`] (one undo
//! step) or a message saying why nothing happened.

use super::clipboard;
use super::view::{EditTarget, Editor, GridCell};
use crate::model::uncertainty;
use crate::model::{
    CellInput, Command, Edit, FIRST_PERIOD_COL, LABEL_COL, Layout, RowFile, UNIT_COL, Workbook,
};

/// True if `sheet` is a plain grid (an imported worksheet), where every
/// cell is addressed by column and set with [`Command::SetCellAt`].
fn is_grid(workbook: &Workbook, sheet: u32) -> bool {
    workbook.layout(sheet) == Layout::Grid
}

/// The most cells one paste may change (a bigger paste is refused with a
/// message rather than freezing the editor).
pub const MAX_PASTE_CELLS: usize = 200_000;

/// What an editor should start with for `cell`: the input as typed, or the
/// row formula for a cell that follows it.
pub fn editor_text(workbook: &Workbook, sheet: u32, cell: GridCell) -> (String, EditTarget) {
    if is_grid(workbook, sheet) {
        let input = workbook.cell_input(sheet, cell.row, cell.col);
        return (input.to_typed(), EditTarget::Cell);
    }
    let Some(row) = workbook.rows(sheet).get(cell.row as usize) else {
        return (String::new(), EditTarget::Cell);
    };
    match cell.period() {
        None if cell.col == LABEL_COL => (row.label.clone(), EditTarget::Cell),
        None => (row.unit.clone(), EditTarget::Cell),
        Some(_) if let Some(range) = range_text(workbook, sheet, cell) => (range, EditTarget::Cell),
        Some(period) => match workbook.effective_input(sheet, cell.row, period) {
            CellInput::Empty if !row.formula.is_empty() => {
                (row.formula.clone(), EditTarget::RowFormula)
            }
            input => (input.to_typed(), EditTarget::Cell),
        },
    }
}

/// How a row's numbers are typed: percentages as `18%`.
pub fn typed_number(format: crate::model::Format, x: f64) -> String {
    match format {
        crate::model::Format::Percent(_) => {
            format!("{}%", crate::model::display::shortest_number(x * 100.0))
        }
        _ => crate::model::display::shortest_number(x),
    }
}

/// The editor's text for a cell that carries its row's range (the range as
/// typed, e.g. `18% to 24%`), or `None`.
pub fn range_text(workbook: &Workbook, sheet: u32, cell: GridCell) -> Option<String> {
    let period = cell.period()?;
    if is_grid(workbook, sheet) {
        return None;
    }
    let row = workbook.rows(sheet).get(cell.row as usize)?;
    let u = workbook.range(sheet, cell.row)?;
    (workbook.range_carrier(sheet, cell.row) == Some(period))
        .then(|| u.dist.typed(&|x| typed_number(row.format, x)))
}

/// What committing `editor` means for ranges: `None` if it does not touch
/// one (commit it with [`commit`]); otherwise the edit — a range typed into
/// a period cell sets the cell to the range's centre and puts the range on
/// it (on the whole row when the cell is the row's only typed number), and
/// a plain value typed over the cell that carries a range removes the range
/// — or why the range typed is wrong.
pub fn commit_range(
    workbook: &Workbook,
    sheet: u32,
    editor: &Editor,
) -> Option<Result<Edit, String>> {
    if is_grid(workbook, sheet) {
        return None;
    }
    let period = editor.cell.period()?;
    let r = editor.cell.row;
    let row = workbook.rows(sheet).get(r as usize)?;
    let carries = workbook.range_carrier(sheet, r) == Some(period);
    let remove = Command::SetUncertainty {
        sheet,
        row: editor.cell.row,
        uncertainty: None,
    };
    let dist = match uncertainty::parse_typed(&editor.text) {
        None if carries => {
            let mut edit = commit(workbook, sheet, editor).unwrap_or_default();
            edit.push(remove);
            return Some(Ok(edit));
        }
        None => return None,
        Some(Err(message)) => return Some(Err(format!("Range: {message}"))),
        Some(Ok(dist)) => dist,
    };
    if range_text(workbook, sheet, editor.cell).as_deref() == Some(editor.text.as_str()) {
        return Some(Ok(Vec::new()));
    }
    // A range goes on a typed number, or on an empty cell of a row without
    // a formula (a plain input row).
    // (Under a scenario, its own inputs count first.)
    let planned = workbook
        .scenario_input(sheet, r, period)
        .unwrap_or_else(|| workbook.input(sheet, r, period));
    let is_input = match planned {
        CellInput::Number(_) => true,
        CellInput::Empty => row.formula.is_empty(),
        _ => false,
    };
    if !is_input {
        return Some(Err(format!(
            "Range: a range goes on an input, and this cell of `{}` is computed by a formula",
            row.label
        )));
    }
    let existing = workbook.range(sheet, r);
    if let (Some(_), Some(at), false) = (existing, workbook.range_carrier(sheet, r), carries) {
        return Some(Err(format!(
            "Range: `{}` already has a range, typed in {}; change it there, or clear that cell first",
            row.label,
            crate::model::timeline::period_label(&workbook.document().timeline, at)
        )));
    }
    if carries && existing.is_some_and(|u| u.dist == dist) {
        return Some(Ok(Vec::new()));
    }
    let others = (0..workbook.periods())
        .any(|p| p != period && workbook.planned_number(sheet, r, p).is_some());
    let uncertainty = match existing {
        Some(u) if carries => uncertainty::Uncertainty { dist, ..u.clone() },
        _ => uncertainty::Uncertainty {
            period: others.then_some(period + 1),
            per_period: false,
            dist,
        },
    };
    let center = uncertainty.dist.center();
    Some(Ok(vec![
        Command::SetCell {
            sheet,
            row: editor.cell.row,
            period,
            input: CellInput::Number(center),
        },
        Command::SetUncertainty {
            sheet,
            row: editor.cell.row,
            uncertainty: Some(Box::new(uncertainty)),
        },
    ]))
}

/// The edit that commits `editor` (`None` if nothing changes).
pub fn commit(workbook: &Workbook, sheet: u32, editor: &Editor) -> Option<Edit> {
    let cell = editor.cell;
    if is_grid(workbook, sheet) {
        let input = CellInput::from_typed(&editor.text);
        return (input != workbook.cell_input(sheet, cell.row, cell.col)).then(|| {
            vec![Command::SetCellAt {
                sheet,
                row: cell.row,
                col: cell.col,
                input,
            }]
        });
    }
    let row = workbook.rows(sheet).get(cell.row as usize)?;
    match cell.period() {
        None => {
            let mut info = row.clone();
            if cell.col == LABEL_COL {
                if !info.section.is_empty() {
                    info.section = editor.text.clone();
                } else {
                    info.label = editor.text.clone();
                }
            } else if cell.col == UNIT_COL {
                info.unit = editor.text.clone();
            }
            (info != *row).then(|| {
                vec![Command::SetRowInfo {
                    sheet,
                    row: cell.row,
                    info,
                }]
            })
        }
        Some(period) => {
            let input = CellInput::from_typed(&editor.text);
            if editor.target == EditTarget::RowFormula {
                let formula = match &input {
                    CellInput::Formula(f) => f.clone(),
                    CellInput::Empty => String::new(),
                    // A value typed over a row formula overrides this cell.
                    _ => {
                        return Some(vec![Command::SetCell {
                            sheet,
                            row: cell.row,
                            period,
                            input,
                        }]);
                    }
                };
                return (formula != row.formula).then(|| {
                    vec![Command::SetRowFormula {
                        sheet,
                        row: cell.row,
                        formula,
                    }]
                });
            }
            (input != *workbook.effective_input(sheet, cell.row, period)).then(|| {
                vec![Command::SetCell {
                    sheet,
                    row: cell.row,
                    period,
                    input,
                }]
            })
        }
    }
}

/// The edit that empties the selected period cells (labels and units are
/// left alone: deleting a row is a row operation).
pub fn clear(workbook: &Workbook, sheet: u32, from: GridCell, to: GridCell) -> Option<Edit> {
    let mut edit = Vec::new();
    if is_grid(workbook, sheet) {
        for row in from.row..=to.row {
            for col in from.col..=to.col {
                if !matches!(workbook.cell_input(sheet, row, col), CellInput::Empty) {
                    edit.push(Command::SetCellAt {
                        sheet,
                        row,
                        col,
                        input: CellInput::Empty,
                    });
                }
            }
        }
        return (!edit.is_empty()).then_some(edit);
    }
    for row in from.row..=to.row {
        for col in from.col.max(FIRST_PERIOD_COL)..=to.col {
            let period = col - FIRST_PERIOD_COL;
            if period < workbook.periods()
                && !matches!(
                    workbook.effective_input(sheet, row, period),
                    CellInput::Empty
                )
            {
                edit.push(Command::SetCell {
                    sheet,
                    row,
                    period,
                    input: CellInput::Empty,
                });
            }
        }
        // A range whose typed numbers are all cleared goes with them.
        if let Some(u) = workbook.range(sheet, row) {
            let cleared = |p: usize| (from.col..=to.col).contains(&(FIRST_PERIOD_COL + p as u32));
            let left = match u.period {
                Some(p) => !cleared(p as usize - 1),
                None => (0..workbook.periods()).any(|p| {
                    workbook.planned_number(sheet, row, p).is_some() && !cleared(p as usize)
                }),
            };
            if !left {
                edit.push(Command::SetUncertainty {
                    sheet,
                    row,
                    uncertainty: None,
                });
            }
        }
    }
    (!edit.is_empty()).then_some(edit)
}

/// The selected cells as clipboard text: inputs as typed where the user
/// typed them, computed values (full precision) elsewhere — so pasting into
/// another spreadsheet gives numbers, and pasting back into Lever gives the
/// same inputs.
pub fn copy(workbook: &Workbook, sheet: u32, from: GridCell, to: GridCell) -> String {
    let rows: Vec<Vec<String>> = (from.row..=to.row)
        .map(|row| {
            (from.col..=to.col)
                .map(|col| {
                    let cell = GridCell::new(row, col);
                    if is_grid(workbook, sheet) {
                        return match workbook.cell_input(sheet, row, col) {
                            CellInput::Formula(_) | CellInput::Empty => {
                                crate::model::display::plain_text(
                                    workbook.cell_value(sheet, row, col),
                                )
                            }
                            input => input.to_typed(),
                        };
                    }
                    match cell.period() {
                        None => editor_text(workbook, sheet, cell).0,
                        Some(period) => match workbook.effective_input(sheet, row, period) {
                            CellInput::Empty => crate::model::display::plain_text(
                                workbook.value(sheet, row, period),
                            ),
                            input => input.to_typed(),
                        },
                    }
                })
                .collect()
        })
        .collect();
    clipboard::to_tsv(&rows)
}

/// The edit that pastes clipboard `text` with its top-left corner at `at`.
pub fn paste(workbook: &Workbook, sheet: u32, at: GridCell, text: &str) -> Result<Edit, String> {
    let block = clipboard::from_tsv(text);
    let cells: usize = block.iter().map(Vec::len).sum();
    if cells > MAX_PASTE_CELLS {
        return Err(format!(
            "the clipboard holds {cells} cells; Lever pastes at most {MAX_PASTE_CELLS} at once"
        ));
    }
    let grid = is_grid(workbook, sheet);
    let (n_rows, n_cols) = if grid {
        (
            crate::model::io::MAX_GRID_ROWS,
            crate::model::io::MAX_GRID_COLS,
        )
    } else {
        (
            workbook.rows(sheet).len() as u32,
            FIRST_PERIOD_COL + workbook.periods(),
        )
    };
    let mut edit = Vec::new();
    let mut clipped = false;
    for (dr, line) in block.iter().enumerate() {
        let row = at.row + dr as u32;
        if row >= n_rows {
            clipped = true;
            break;
        }
        let mut info: Option<RowFile> = None;
        for (dc, text) in line.iter().enumerate() {
            let col = at.col + dc as u32;
            if col >= n_cols {
                clipped = true;
                break;
            }
            let cell = GridCell::new(row, col);
            if grid {
                let input = CellInput::from_typed(text);
                if let CellInput::Formula(f) = &input
                    && let Some(error) = crate::model::formula_error(f)
                {
                    return Err(format!("{}: {error}", cell.a1()));
                }
                if input != workbook.cell_input(sheet, row, col) {
                    edit.push(Command::SetCellAt {
                        sheet,
                        row,
                        col,
                        input,
                    });
                }
                continue;
            }
            match cell.period() {
                Some(period) => {
                    let input = CellInput::from_typed(text);
                    if let CellInput::Formula(f) = &input
                        && let Some(error) = crate::model::formula_error(f)
                    {
                        return Err(format!("{}: {error}", cell.a1()));
                    }
                    edit.push(Command::SetCell {
                        sheet,
                        row,
                        period,
                        input,
                    });
                }
                None => {
                    let current =
                        info.get_or_insert_with(|| workbook.rows(sheet)[row as usize].clone());
                    if col == LABEL_COL && current.section.is_empty() {
                        current.label = text.clone();
                    } else if col == UNIT_COL {
                        current.unit = text.clone();
                    }
                }
            }
        }
        if let Some(info) = info {
            edit.push(Command::SetRowInfo { sheet, row, info });
        }
    }
    if edit.is_empty() {
        return Err(if clipped {
            "nothing to paste here: the block falls outside the grid".into()
        } else {
            "the clipboard is empty".into()
        });
    }
    Ok(edit)
}

/// The edit that copies the first row (`down`) or column of the selection
/// into the rest of it, as Ctrl+D / Ctrl+R do.
pub fn fill(
    workbook: &Workbook,
    sheet: u32,
    from: GridCell,
    to: GridCell,
    down: bool,
) -> Option<Edit> {
    let mut edit = Vec::new();
    if is_grid(workbook, sheet) {
        for row in from.row..=to.row {
            for col in from.col..=to.col {
                let source = if down {
                    GridCell::new(from.row, col)
                } else {
                    GridCell::new(row, from.col)
                };
                if source == GridCell::new(row, col) {
                    continue;
                }
                // Relative references move with the copy, as in Excel.
                let input = match workbook.cell_input(sheet, source.row, source.col) {
                    CellInput::Formula(f) => CellInput::Formula(crate::model::shift_formula(
                        &f,
                        i64::from(row) - i64::from(source.row),
                        i64::from(col) - i64::from(source.col),
                    )),
                    other => other,
                };
                if input != workbook.cell_input(sheet, row, col) {
                    edit.push(Command::SetCellAt {
                        sheet,
                        row,
                        col,
                        input,
                    });
                }
            }
        }
        return (!edit.is_empty()).then_some(edit);
    }
    for row in from.row..=to.row {
        for col in from.col.max(FIRST_PERIOD_COL)..=to.col {
            let source = if down {
                GridCell::new(from.row, col)
            } else {
                GridCell::new(row, from.col.max(FIRST_PERIOD_COL))
            };
            let target = GridCell::new(row, col);
            if source == target {
                continue;
            }
            let (Some(src), Some(dst)) = (source.period(), target.period()) else {
                continue;
            };
            let input = workbook.effective_input(sheet, source.row, src).clone();
            if input != *workbook.effective_input(sheet, row, dst) {
                edit.push(Command::SetCell {
                    sheet,
                    row,
                    period: dst,
                    input,
                });
            }
        }
    }
    (!edit.is_empty()).then_some(edit)
}
