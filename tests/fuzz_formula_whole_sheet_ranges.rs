//! Regressions found by fuzzing the formula parser and evaluator
//! (`fuzz/fuzz_targets/formula.rs`): what each input caught, replayed
//! through the same path — parse, print → parse, then evaluate in a small
//! model as a cell, a row formula and a grid cell, and undo.
//!
//! `SUM(B6:BFX85763)` froze the engine for minutes: aggregates walked every
//! cell of a range (here 128 million) even far beyond the sheet's stored
//! cells, and `COUNTIF` or `XNPV` over such a range allocated hundreds of
//! gigabytes. A range given to a function now has at most 2^24 cells
//! (sixteen whole columns; a bigger one is `#NUM!` with a message), and
//! functions that skip blanks visit only the stored cells. Since whole
//! columns and rows came, a range to the sheet's last row or column ends
//! where the stored cells end, except for the functions that count blanks.

use std::time::{Duration, Instant};

use lever::engine::{CellAddr, Edit, Engine, Input, Periods, SheetSpec, Value};
use lever::formula::{parse, print};
use lever::model::document::{Layout, SheetFile};
use lever::model::{CellInput, Command, RowFile, Workbook, generate};

/// What the fuzz target does with one input; returns the grid cell's value.
fn replay(text: &str) -> Value {
    if let Ok(expr) = parse(text) {
        assert_eq!(parse(&print(&expr)).ok(), Some(expr), "{text:?}");
    }
    let mut doc = generate::founder_model(6, 4, 7);
    doc.sheets.push(SheetFile {
        name: "Grid".into(),
        layout: Layout::Grid,
        rows: vec![
            RowFile {
                values: vec![CellInput::Number(1.0), CellInput::Number(2.0)],
                ..RowFile::default()
            };
            5
        ],
        excel_formats: Vec::new(),
    });
    let mut workbook = Workbook::new(doc);
    let start = workbook.to_text();
    let formula = if text.starts_with('=') {
        text.to_string()
    } else {
        format!("={text}")
    };
    let edits = [
        Command::SetCell {
            sheet: 0,
            row: 2,
            period: 1,
            input: CellInput::Formula(formula.clone()),
        },
        Command::SetRowFormula {
            sheet: 0,
            row: 4,
            formula: formula.clone(),
        },
        Command::SetCellAt {
            sheet: 1,
            row: 1,
            col: 2,
            input: CellInput::Formula(formula),
        },
    ];
    let mut applied = 0;
    for edit in edits {
        applied += usize::from(workbook.apply(vec![edit]).is_ok());
    }
    let value = workbook.cell_value(1, 1, 2).clone();
    for _ in 0..applied {
        assert!(workbook.undo().is_some());
    }
    assert_eq!(workbook.to_text(), start);
    value
}

fn quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = f();
    // Generous for a loaded debug build; the freeze took minutes.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{what} took {:?}",
        started.elapsed()
    );
    result
}

#[test]
fn the_fuzzer_input_computes_quickly() {
    let text = std::fs::read_to_string("tests/data/fuzz/formula/whole-sheet-range-sum.txt")
        .expect("the input");
    assert_eq!(text, "=IF(A2>0, SUM(B6:BFX85763, MAX(C1, C2)), -3)");
    quickly("the fuzzer's input", || replay(&text));
    // Found while fixing it: the same kind of range given to COUNTIF ran
    // out of memory (a mask of 17 billion cells).
    let text = std::fs::read_to_string("tests/data/fuzz/formula/countif-whole-sheet.txt")
        .expect("the input");
    let value = quickly("COUNTIF over the whole sheet", || replay(&text));
    assert!(value.is_error(), "{value:?}");
}

#[test]
fn whole_sheet_ranges_aggregate_only_what_is_stored() {
    let mut engine = Engine::new(
        Periods {
            first_col: 0,
            count: 0,
        },
        vec![
            SheetSpec {
                name: "Sheet1".into(),
                rows: 3,
                cols: 2,
                metrics: Vec::new(),
            },
            SheetSpec {
                name: "Sheet2".into(),
                rows: 1,
                cols: 1,
                metrics: Vec::new(),
            },
        ],
    );
    let cells = [
        (0, 0, Input::Constant(Value::Number(2.0))),
        (1, 0, Input::Constant(Value::Text("x".into()))),
        (2, 0, Input::Constant(Value::Text("".into()))),
        (0, 1, Input::Constant(Value::Bool(true))),
        (1, 1, Input::Constant(Value::Number(5.0))),
    ];
    for (row, col, input) in cells {
        engine.load(Edit::Cell(CellAddr::new(0, row, col), input));
    }
    engine.recalc_all();
    let whole = "Sheet1!A1:P1048576";
    let cases = [
        (format!("=SUM({whole})"), Value::Number(7.0)),
        (format!("=AVERAGE({whole})"), Value::Number(3.5)),
        (format!("=MAX({whole})"), Value::Number(5.0)),
        (format!("=MIN({whole})"), Value::Number(2.0)),
        (format!("=PRODUCT({whole})"), Value::Number(10.0)),
        (format!("=COUNT({whole})"), Value::Number(2.0)),
        (format!("=COUNTA({whole})"), Value::Number(5.0)),
        (format!("=AND({whole})"), Value::Bool(true)),
        (format!("=OR({whole})"), Value::Bool(true)),
        // 16 × 1,048,576 cells, of which B3 holds nothing and four hold
        // something (A3's empty text counts as blank).
        (
            format!("=COUNTBLANK({whole})"),
            Value::Number(16.0 * 1_048_576.0 - 4.0),
        ),
        (format!("=COUNTIF({whole},\">0\")"), Value::Number(2.0)),
        ("=SUM(Sheet1!A1:A1048576)".to_string(), Value::Number(2.0)),
        // Ranges to the sheet's last row and column end where the stored
        // cells end, so the whole sheet is no bigger than what it holds.
        ("=SUM(Sheet1!A1:XFD1048576)".to_string(), Value::Number(7.0)),
        (
            "=COUNTIF(Sheet1!A1:Q1048576,\">0\")".to_string(),
            Value::Number(2.0),
        ),
        ("=SUM(Sheet1!A:XFD)".to_string(), Value::Number(7.0)),
        ("=COUNTBLANK(Sheet1!B2:C4)".to_string(), Value::Number(5.0)),
    ];
    for (formula, expected) in cases {
        let value = quickly(&formula, || {
            engine.apply(&[Edit::Cell(
                CellAddr::new(1, 0, 0),
                Input::Formula(formula.clone()),
            )]);
            engine.value(CellAddr::new(1, 0, 0)).clone()
        });
        assert_eq!(value, expected, "{formula}");
    }
    // Functions that count blanks see the full size: bigger ranges are
    // refused, quickly and without a huge allocation.
    for formula in [
        "=TEXTJOIN(\",\",FALSE,Sheet1!A1:XFD1048576)",
        "=TEXTJOIN(\",\",FALSE,Sheet1!A:XFD)",
    ] {
        let value = quickly(formula, || {
            engine.apply(&[Edit::Cell(
                CellAddr::new(1, 0, 0),
                Input::Formula(formula.into()),
            )]);
            engine.value(CellAddr::new(1, 0, 0)).clone()
        });
        let Value::Error(e) = value else {
            panic!("{formula}: {value:?}");
        };
        assert_eq!(e.kind, lever::engine::ErrorKind::Num, "{formula}");
        assert!(
            e.detail.as_deref().unwrap_or_default().contains("cells"),
            "{formula}: {e:?}"
        );
    }
}
