//! `lever convert model.ron book.xlsx`: the written workbook is read back with
//! calamine; every period cell holds the translated formula (or the constant)
//! and, as its cached result, the value Lever computed.

use std::path::Path;
mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use lever::engine::Value;
use lever::formula::ErrorKind;
use lever::model::interop::xlsx::{HEADER_ROWS, excel_formula};
use lever::model::interop::{ExportOptions, export_xlsx, export_xlsx_with};
use lever::model::{CellInput, FIRST_PERIOD_COL, Workbook};

fn load(path: &str) -> Workbook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    Workbook::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn same_value(lever: &Value, xlsx: &Data) -> bool {
    match (lever, xlsx) {
        (Value::Empty, Data::Float(n)) => *n == 0.0,
        (Value::Empty, Data::Int(n)) => *n == 0,
        (Value::Number(a), Data::Float(b)) => a == b,
        (Value::Number(a), Data::Int(b)) => *a == *b as f64,
        (Value::Text(a), Data::String(b)) => **a == **b,
        (Value::Bool(a), Data::Bool(b)) => a == b,
        // Excel has no #CIRC!: a cycle is cached as #N/A.
        (Value::Error(e), Data::Error(x)) if e.kind == ErrorKind::Circular => {
            x.to_string() == "#N/A"
        }
        (Value::Error(e), Data::Error(x)) => e.kind.as_str() == x.to_string(),
        _ => false,
    }
}

/// Exports `model` and checks every cell of the written workbook.
fn check_export(model: &str) {
    let workbook = load(model);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("book.xlsx");
    export_xlsx(&workbook, &out).unwrap_or_else(|e| panic!("{e}"));
    let mut xlsx: Xlsx<_> = open_workbook(&out).expect("calamine opens the export");
    let labels = workbook.period_labels();
    let mut formulas_seen = 0;
    for (s, sheet) in workbook.document().sheets.iter().enumerate() {
        let s = s as u32;
        let values = xlsx.worksheet_range(&sheet.name).expect("values");
        let formulas = xlsx.worksheet_formula(&sheet.name).expect("formulas");
        assert_eq!(
            values.get_value((0, 0)),
            Some(&Data::String("Metric".into()))
        );
        assert_eq!(
            values.get_value((0, FIRST_PERIOD_COL)),
            Some(&Data::String(labels[0].clone()))
        );
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32;
            let xrow = r + HEADER_ROWS;
            let title = if row.section.is_empty() {
                &row.label
            } else {
                &row.section
            };
            if !title.is_empty() {
                assert_eq!(
                    values.get_value((xrow, 0)),
                    Some(&Data::String(title.clone()))
                );
            }
            if !row.section.is_empty() {
                continue;
            }
            for p in 0..workbook.periods() {
                let col = FIRST_PERIOD_COL + p;
                let at = format!("{}, Excel row {}, period {p}", sheet.name, xrow + 1);
                let lever_value = workbook.value(s, r, p);
                let formula = formulas.get_value((xrow, col)).cloned().unwrap_or_default();
                // A cell showing an actual is exported as its number.
                let expected_formula = match workbook.effective_input(s, r, p) {
                    CellInput::Formula(text) => Some(excel_formula(&workbook, s, p, false, text)),
                    CellInput::Empty if !row.formula.is_empty() => {
                        Some(excel_formula(&workbook, s, p, true, &row.formula))
                    }
                    _ => None,
                };
                match expected_formula {
                    Some(expected) => {
                        formulas_seen += 1;
                        assert_eq!(formula, expected, "{at}: formula");
                    }
                    None => assert_eq!(formula, "", "{at}: a constant"),
                }
                if matches!(lever_value, Value::Empty) && formula.is_empty() {
                    continue;
                }
                let cell = values.get_value((xrow, col)).unwrap_or(&Data::Empty);
                assert!(
                    same_value(lever_value, cell),
                    "{at}: lever {lever_value:?}, xlsx {cell:?}"
                );
            }
        }
    }
    assert!(formulas_seen > 0, "{model}: the export has formulas");
}

#[test]
fn funnel_exports_with_formulas_and_values() {
    check_export("models/funnel.ron");
}

#[test]
fn edtech_sample_exports_with_formulas_and_values() {
    check_export("models/edtech-growth.ron");
}

#[test]
fn cross_sheet_model_exports_with_formulas_and_values() {
    check_export("tests/data/xlsx/sheets.ron");
}

#[test]
fn errors_and_cycles_export_with_error_results() {
    check_export("tests/data/xlsx/errors.ron");
}

#[test]
fn metric_names_become_a1_references() {
    let workbook = load("tests/data/xlsx/sheets.ron");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("book.xlsx");
    export_xlsx(&workbook, &out).unwrap_or_else(|e| panic!("{e}"));
    let mut xlsx: Xlsx<_> = open_workbook(&out).expect("opens");
    let formulas = xlsx.worksheet_formula("Unit economics").expect("formulas");
    let at = |row: u32, col: u32| formulas.get_value((row, col)).cloned().unwrap_or_default();
    // Customers (Lever row 2, Excel row 3), Feb 2026 (column D).
    assert_eq!(at(2, 3), "C3 * (1 - Inputs!D4) + Inputs!D5");
    assert_eq!(at(2, 2), "0 * (1 - Inputs!C4) + Inputs!C5");
    assert_eq!(at(4, 4), "E4 / SUM($C$4:$H$4)");
    assert_eq!(at(6, 2), "SUMPRODUCT($C$3:$H$3 * Inputs!$C$3:$H$3) / 1000");
    // Cash, Apr 2026: the cell's own formula, one row down for the header.
    assert_eq!(at(7, 5), "C7 + F4 - 400");
    assert_eq!(at(8, 3), "MAX(D8, 0) + ROUND(D4 / 7, 2) + $C$5 / 1000");
}

#[test]
fn without_cached_values_formulas_cache_zero() {
    let workbook = load("models/funnel.ron");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("book.xlsx");
    let options = ExportOptions {
        cached_results: false,
    };
    export_xlsx_with(&workbook, &out, &options).unwrap_or_else(|e| panic!("{e}"));
    let mut xlsx: Xlsx<_> = open_workbook(&out).expect("opens");
    let sheet = &workbook.document().sheets[0].name;
    let formulas = xlsx.worksheet_formula(sheet).expect("formulas");
    let values = xlsx.worksheet_range(sheet).expect("values");
    let (row, col) = formulas
        .cells()
        .find(|(_, _, f)| !f.is_empty())
        .map(|(r, c, _)| (r as u32, c as u32))
        .expect("a formula");
    let start = formulas.start().unwrap_or((0, 0));
    let cell = values.get_value((start.0 + row, start.1 + col));
    assert!(
        matches!(cell, Some(Data::Float(0.0)) | Some(Data::Int(0))),
        "{cell:?}"
    );
}

#[test]
fn a_bad_path_is_an_error_naming_the_file() {
    let workbook = load("models/funnel.ron");
    let out = Path::new("/nonexistent-dir/for-lever/book.xlsx");
    let error = export_xlsx(&workbook, out).expect_err("cannot write there");
    assert!(error.to_string().contains("book.xlsx"), "{error}");
}

#[test]
fn cli_converts_ron_to_xlsx_and_refuses_other_formats() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("funnel.xlsx");
    let run = common::lever;
    let ok = run(&["convert", "models/funnel.ron", &out.to_string_lossy()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(out.exists());

    let ods = dir.path().join("funnel.ods");
    let refused = run(&["convert", "models/funnel.ron", &ods.to_string_lossy()]);
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("not supported"), "{message}");
    assert!(message.contains("funnel.ods"), "{message}");

    let missing = run(&["convert", "models/nope.ron", &out.to_string_lossy()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.ron"));
}

#[test]
fn let_exports_as_excel_stores_it_and_imports_back() {
    let text = r#"(version: 1, timeline: (start: "2026-01", periods: 2, step: Month), sheets: [(name: "Model", rows: [
        (label: "Price", formula: "=price[-1]", values: [10]),
        (label: "Units", formula: "=units[-1]", values: [3]),
        (label: "Revenue", formula: "=LET(p, price * 2, gross, p * units, gross - p)"),
        (label: "Checked", formula: "=LET(x, revenue, IFNA(x, 0))"),
    ])])"#;
    let workbook = Workbook::parse(text, "let.ron").expect("parses");
    let (s, r) = workbook.find_metric("revenue").expect("metric");
    // (10 × 2) × 3 − 20 = 40.
    assert_eq!(workbook.value(s, r, 1), &Value::Number(40.0));
    let formula = excel_formula(
        &workbook,
        s,
        1,
        true,
        "=LET(p, price * 2, gross, p * units, gross - p)",
    );
    assert_eq!(
        formula,
        "LET(_xlpm.p, D2 * 2, _xlpm.gross, _xlpm.p * D3, _xlpm.gross - _xlpm.p)"
    );
    // Written and read back, the workbook computes the same.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("let.xlsx");
    export_xlsx(&workbook, &out).unwrap_or_else(|e| panic!("{e}"));
    // Stored as Excel stores it: LET and the newer functions inside it
    // with `_xlfn.`, the names with `_xlpm.`.
    let mut xlsx: Xlsx<_> = open_workbook(&out).expect("calamine opens the export");
    let formulas = xlsx.worksheet_formula("Model").expect("formulas");
    let stored = |row: u32| {
        formulas
            .get_value((row + HEADER_ROWS, FIRST_PERIOD_COL + 1))
            .cloned()
            .unwrap_or_default()
    };
    assert!(stored(r).starts_with("_xlfn.LET(_xlpm.p,"), "{}", stored(r));
    assert!(
        stored(r + 1).contains("_xlfn.IFNA(_xlpm.x"),
        "{}",
        stored(r + 1)
    );
    let (imported, _) = Workbook::open_any(&out).unwrap_or_else(|e| panic!("{e}"));
    let revenue = imported
        .document()
        .sheets
        .iter()
        .position(|sh| sh.name == "Model")
        .expect("sheet") as u32;
    assert_eq!(
        imported.cell_value(revenue, r + HEADER_ROWS, FIRST_PERIOD_COL + 1),
        &Value::Number(40.0)
    );
}
