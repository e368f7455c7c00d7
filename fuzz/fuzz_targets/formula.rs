//! Formula parser and evaluator: any text parses or gives an error inside
//! the text; a parsed formula prints to text that parses to the same tree;
//! rewrites give text that parses; evaluated in a small model (a metric
//! sheet and a grid sheet) as a cell, a row formula and a grid cell, it
//! computes a value or an error, and undoing the edits restores the model.

#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use lever::formula::{self, Structural};
use lever::model::document::{Layout, SheetFile};
use lever::model::{CellInput, Command, DefinedName, RowFile, Workbook, generate};

fn small_model() -> Workbook {
    let mut doc = generate::founder_model(6, 4, 7);
    let grid_rows = (0..5)
        .map(|r| RowFile {
            values: (0..4)
                .map(|c| match (r + c) % 4 {
                    0 => CellInput::Number(f64::from(r * 10 + c)),
                    1 => CellInput::Text(format!("t{r}")),
                    2 => CellInput::Bool(r % 2 == 0),
                    _ => CellInput::Formula(format!("=A{} * 2", r + 1)),
                })
                .collect(),
            ..RowFile::default()
        })
        .collect();
    doc.sheets.push(SheetFile {
        name: "Grid".into(),
        layout: Layout::Grid,
        rows: grid_rows,
        excel_formats: Vec::new(),
    });
    doc.names.push(DefinedName {
        name: "rate".into(),
        refers_to: "Grid!$A$1".into(),
    });
    Workbook::new(doc)
}

thread_local! {
    static MODEL: RefCell<(Workbook, String)> = RefCell::new({
        let workbook = small_model();
        let text = workbook.to_text();
        (workbook, text)
    });
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match formula::parse(text) {
        Ok(expr) => {
            let printed = formula::print(&expr);
            match formula::parse(&printed) {
                Ok(again) => assert_eq!(again, expr, "{text:?} printed as {printed:?}"),
                Err(e) => panic!("{text:?} printed as {printed:?}, which does not parse: {e}"),
            }
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            assert!(text.get(e.span.start..e.span.end).is_some(), "{e:?}");
            assert!(e.column >= 1 && e.column <= text.chars().count() + 1, "{e:?}");
            return;
        }
    }
    let rewritten = [
        formula::rename_metric(text, "Model", "Model", "metric_1", "renamed"),
        formula::rename_sheet(text, "Grid", "Q1 plan"),
        formula::apply_structural(text, "Model", "Model", Structural::DeleteRows { at: 1, count: 2 }),
        formula::apply_structural(text, "Model", "Grid", Structural::InsertCols { at: 0, count: 3 }),
    ];
    for result in rewritten.into_iter().flatten() {
        assert!(formula::parse(&result).is_ok(), "rewrote {text:?} to {result:?}");
    }

    let formula_text = if text.starts_with('=') {
        text.to_string()
    } else {
        format!("={text}")
    };
    MODEL.with(|model| {
        let (workbook, start) = &mut *model.borrow_mut();
        let edits = [
            Command::SetCell {
                sheet: 0,
                row: 2,
                period: 1,
                input: CellInput::Formula(formula_text.clone()),
            },
            Command::SetRowFormula {
                sheet: 0,
                row: 4,
                formula: formula_text.clone(),
            },
            Command::SetCellAt {
                sheet: 1,
                row: 1,
                col: 1,
                input: CellInput::Formula(formula_text.clone()),
            },
        ];
        let mut applied = 0;
        for edit in edits {
            if workbook.apply(vec![edit]).is_ok() {
                applied += 1;
            }
        }
        // Read every value, as the grid and `lever eval` do.
        for row in 0..workbook.rows(0).len() as u32 {
            for period in 0..workbook.periods() {
                let _ = lever::model::display::plain_text(workbook.value(0, row, period));
            }
        }
        let (rows, cols) = workbook.grid_size(1);
        for row in 0..rows {
            for col in 0..cols {
                let _ = lever::model::display::plain_text(workbook.cell_value(1, row, col));
            }
        }
        for _ in 0..applied {
            assert!(workbook.undo().is_some(), "undo of {formula_text:?}");
        }
        let now = workbook.to_text();
        assert!(now == *start, "undo did not restore the model after {formula_text:?}");
    });
});
