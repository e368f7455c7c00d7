//! Importing Excel workbooks: the fixtures in tests/data/xlsx/ (written by
//! tools/gen_xlsx_fixtures.py) through the CLI (`lever eval`, `lever
//! convert`) and the model API — values, formulas, shared formulas,
//! cross-sheet references, defined names, labels as metric names, number
//! formats, the import report, bad files, and round trips.

use std::path::{Path, PathBuf};

mod common;

use common::{lever, stderr, stdout};
use lever::model::interop::xlsx_import::Unsupported;
use lever::model::{CellInput, Command, Format, Layout, Value, Workbook};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/xlsx")
        .join(name)
}

fn eval_csv(file: &str, sheet: &str) -> String {
    let output = lever(&["eval", file, "--sheet", sheet, "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn eval_prints_each_sheet_in_its_own_grid_shape() {
    let file = "tests/data/xlsx/basic.xlsx";
    assert_eq!(
        eval_csv(file, "Model"),
        "Metric,Jan,Feb,Mar\n\
         Units,10,20,30\n\
         Revenue,1000,2000,3000\n\
         Tax,200,400,600\n\
         Total,6000,a20,#NAME?\n\
         Ratio,#DIV/0!,0.1,1e-7\n\
         Units,1234.5,,\n\
         Cross,100.2,5,1\n"
    );
    assert_eq!(
        eval_csv(file, "Inputs"),
        "Name,Value\n\
         Tax rate,0.2\n\
         Price,100\n\
         Start,45292\n\
         Flag,TRUE\n\
         Note,\"hello, \"\"world\"\"\"\n\
         Fee,2.5\n"
    );
    // An external link is never followed: the cell is an error.
    assert_eq!(eval_csv(file, "My Sheet"), "5,10,#NAME?\n");
}

#[test]
fn formulas_shared_formulas_and_names_come_across() {
    let (book, report) = Workbook::open_any(&fixture("basic.xlsx")).expect("imports");
    let report = report.expect("an import has a report");
    let model = book.sheet_index("Model").expect("Model sheet");
    assert_eq!(book.layout(model), Layout::Grid);
    // Shared formulas are expanded for every cell of their range.
    for (col, formula) in [
        (1, "=B2*Inputs!$B$3"),
        (2, "=C2*Inputs!$B$3"),
        (3, "=D2*Inputs!$B$3"),
    ] {
        assert_eq!(
            book.cell_input(model, 2, col),
            CellInput::Formula(formula.into())
        );
        assert!(book.cell_is_formula(model, 2, col));
    }
    assert_eq!(
        book.cell_input(model, 3, 2),
        CellInput::Formula("=C3*TaxRate".into())
    );
    // `_xlfn.` prefixes are dropped.
    assert_eq!(
        book.cell_input(model, 4, 2),
        CellInput::Formula("=CONCAT(\"a\",C2)".into())
    );
    // Defined names are kept as names.
    let names: Vec<(&str, &str)> = book
        .document()
        .names
        .iter()
        .map(|n| (n.name.as_str(), n.refers_to.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("TaxRate", "Inputs!$B$2"),
            ("revenue", "Model!$B$3:$D$3"),
            ("total", "Model!$B$5"),
        ]
    );
    assert_eq!(report.defined_names, 3);
    // Labels become metric names where unique and not a defined name.
    assert_eq!(book.find_metric("Inputs!price"), Some((0, 2)));
    assert_eq!(book.find_metric("Inputs!tax_rate"), Some((0, 1)));
    assert_eq!(book.find_metric("Model!tax"), Some((model, 3)));
    assert_eq!(book.find_metric("Model!units"), None, "two rows say Units");
    assert_eq!(book.find_metric("Model!revenue"), None, "a defined name");
    // Number formats: mapped per row, the rest kept per cell.
    assert_eq!(book.rows(0)[1].format, Format::Percent(1));
    assert_eq!(book.rows(0)[2].format, Format::Decimal(2));
    assert_eq!(book.rows(model)[2].format, Format::Decimal(2));
    assert_eq!(book.excel_format(0, 3, 1), Some("yyyy\\-mm\\-dd"));
    assert_eq!(book.excel_format(0, 6, 1), Some("\"$\"#,##0.00"));
    // Counts per sheet.
    let counts: Vec<(&str, usize, usize, usize)> = report
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), s.cells, s.formulas, s.metric_names))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("Inputs", 14, 0, 7),
            ("Model", 30, 15, 4),
            ("My Sheet", 3, 2, 0)
        ]
    );
}

#[test]
fn the_report_lists_what_is_not_represented() {
    let (_, report) = Workbook::open_any(&fixture("basic.xlsx")).expect("imports");
    let report = report.expect("an import has a report");
    let details = |kind| -> Vec<String> { report.items(kind).map(|i| i.detail.clone()).collect() };
    assert_eq!(details(Unsupported::Macros), vec!["xl/vbaProject.bin"]);
    assert_eq!(details(Unsupported::Charts), vec!["1 chart(s)"]);
    assert_eq!(
        details(Unsupported::ExternalLinks),
        vec!["xl/externalLinks/externalLink1.xml"]
    );
    assert_eq!(
        details(Unsupported::ArrayFormulas),
        vec!["sheet `My Sheet`: 1"]
    );
    assert_eq!(
        details(Unsupported::DataValidation),
        vec!["sheet `My Sheet`: 1"]
    );
    assert_eq!(
        details(Unsupported::ConditionalFormats),
        vec!["sheet `Model`: 1"]
    );
    assert_eq!(
        details(Unsupported::UnknownFunctions),
        vec!["MYUDF: 1 cell (Model!D5)"]
    );
    assert_eq!(details(Unsupported::UnreadableFormulas).len(), 1);
    assert!(details(Unsupported::UnreadableFormulas)[0].starts_with("My Sheet!C1: =[1]Rates!A1"));
    assert_eq!(
        details(Unsupported::NumberFormats),
        vec![
            "`\"$\"#,##0.00`: 1 cell (Inputs!B7)",
            "`yyyy\\-mm\\-dd`: 1 cell (Inputs!B4)"
        ]
    );
    assert_eq!(details(Unsupported::DefinedNames).len(), 2);

    // `lever convert` shows the report on stderr and writes a model that
    // loads back as written.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("basic.ron");
    let output = lever(&[
        "convert",
        "tests/data/xlsx/basic.xlsx",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.starts_with("tests/data/xlsx/basic.xlsx: imported 3 sheets, 3 defined names\n"),
        "{err}"
    );
    assert!(
        err.contains("  Model: 30 cells, 15 formulas, 4 metric names\n"),
        "{err}"
    );
    assert!(
        err.contains("macros (ignored, never run):\n    xl/vbaProject.bin\n"),
        "{err}"
    );
    assert!(err.contains("MYUDF: 1 cell (Model!D5)"), "{err}");
    let text = std::fs::read_to_string(&out).expect("written");
    let book = Workbook::parse(&text, "basic.ron").expect("the model loads");
    assert_eq!(book.to_text(), text);
    assert_eq!(
        eval_csv(out.to_str().expect("utf-8 path"), "Model"),
        eval_csv("tests/data/xlsx/basic.xlsx", "Model")
    );
}

#[test]
fn imported_cells_are_edited_with_incremental_recalculation() {
    let (mut book, _) = Workbook::open_any(&fixture("basic.xlsx")).expect("imports");
    let model = book.sheet_index("Model").expect("Model sheet");
    let ripple = book
        .apply(vec![Command::SetCellAt {
            sheet: 0,
            row: 2,
            col: 1,
            input: CellInput::Number(200.0),
        }])
        .expect("edit applies");
    assert_eq!(book.cell_value(model, 2, 1), &Value::Number(2000.0));
    assert_eq!(book.cell_value(model, 3, 3), &Value::Number(1200.0));
    assert!(
        ripple.evaluated < 20,
        "{} cells evaluated",
        ripple.evaluated
    );
    book.undo();
    assert_eq!(book.cell_value(model, 2, 1), &Value::Number(1000.0));
}

#[test]
fn bad_files_give_clear_errors_and_never_panic() {
    for (file, message) in [
        (
            "not_a_zip.xlsx",
            "not an Excel workbook (.xlsx): the file is not a zip archive",
        ),
        (
            "password.xlsx",
            "this workbook is password-protected; save it without a password in Excel and try again",
        ),
        (
            "not_a_workbook.xlsx",
            "not an Excel workbook (.xlsx): the archive has no xl/workbook.xml",
        ),
        ("truncated.xlsx", "not an Excel workbook (.xlsx):"),
        (
            "zip_bomb.xlsx",
            "the workbook decompresses to more than 1024 MB (a zip bomb?); refusing to read it",
        ),
    ] {
        let path = format!("tests/data/xlsx/{file}");
        for args in [
            vec!["eval", path.as_str(), "--format", "csv"],
            vec!["convert", path.as_str(), "/nonexistent/out.ron"],
        ] {
            let output = lever(&args);
            assert_eq!(output.status.code(), Some(2), "{file}: {}", stderr(&output));
            let err = stderr(&output);
            assert!(err.contains(&format!("{path}: {message}")), "{file}: {err}");
            assert!(stdout(&output).is_empty());
        }
    }
    let missing = lever(&["eval", "tests/data/xlsx/missing.xlsx"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("missing.xlsx"));
}

/// Cells by (row, col) with their text.
type Cells = Vec<((u32, u32), String)>;

/// Every formula and constant of every sheet, as calamine reads them.
fn read_back(path: &Path) -> Vec<(String, Cells, Cells)> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).expect("calamine reads it");
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let formulas = book.worksheet_formula(&name).expect("formulas");
            let formulas: Cells = formulas
                .used_cells()
                .filter(|(_, _, f)| !f.is_empty())
                .map(|(r, c, f)| {
                    let (r0, c0) = formulas.start().unwrap_or((0, 0));
                    ((r as u32 + r0, c as u32 + c0), f.clone())
                })
                .collect();
            let values = book.worksheet_range(&name).expect("values");
            let (r0, c0) = values.start().unwrap_or((0, 0));
            let constants: Cells = values
                .used_cells()
                .map(|(r, c, v)| ((r as u32 + r0, c as u32 + c0), v.to_string()))
                .filter(|(pos, _)| !formulas.iter().any(|(p, _)| p == pos))
                .collect();
            (name, formulas, constants)
        })
        .collect()
}

#[test]
fn xlsx_to_ron_to_xlsx_keeps_formulas_values_and_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ron = dir.path().join("basic.ron");
    let xlsx = dir.path().join("again.xlsx");
    for (from, to) in [
        (
            "tests/data/xlsx/basic.xlsx",
            ron.to_str().expect("utf-8 path"),
        ),
        (
            ron.to_str().expect("utf-8 path"),
            xlsx.to_str().expect("utf-8 path"),
        ),
    ] {
        let output = lever(&["convert", from, to]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let original = read_back(&fixture("basic.xlsx"));
    let again = read_back(&xlsx);
    assert_eq!(again, original);
    // Defined names are written back, and the values agree.
    use calamine::{Reader, Xlsx, open_workbook};
    let book: Xlsx<_> = open_workbook(&xlsx).expect("calamine reads it");
    let names: Vec<(String, String)> = book.defined_names().to_vec();
    assert!(
        names.contains(&("TaxRate".to_string(), "Inputs!$B$2".to_string())),
        "{names:?}"
    );
    for sheet in ["Inputs", "Model", "My Sheet"] {
        assert_eq!(
            eval_csv(xlsx.to_str().expect("utf-8 path"), sheet),
            eval_csv("tests/data/xlsx/basic.xlsx", sheet),
            "{sheet}"
        );
    }
}

#[test]
fn metric_sheets_and_grid_sheets_refer_to_each_other_in_the_export() {
    let text = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 2, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (label: "Price", formula: "=Grid!B1 + Grid!price"),
            ],
        ),
        (
            name: "Grid",
            layout: Grid,
            rows: [
                (name: "price", values: ["Price", 10, 20, "=price * 2 + Model!C1"]),
            ],
        ),
    ],
)"#;
    let book = Workbook::parse(text, "mixed.ron").unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mixed.xlsx");
    lever::model::interop::export_xlsx(&book, &out).expect("exports");
    let sheets = read_back(&out);
    let formulas = |name: &str| -> Cells {
        sheets
            .iter()
            .find(|(n, ..)| n == name)
            .map(|(_, f, _)| f.clone())
            .unwrap_or_default()
    };
    // The metric sheet's row 1 is Excel's row 2; the grid sheet's is row 1.
    assert_eq!(
        formulas("Model"),
        vec![
            ((1, 2), "Grid!B1 + Grid!C1".to_string()),
            // A relative column in a row formula follows the period.
            ((1, 3), "Grid!C1 + Grid!D1".to_string())
        ]
    );
    assert_eq!(
        formulas("Grid"),
        vec![((0, 3), "D1 * 2 + Model!C2".to_string())]
    );
}

#[test]
fn the_editor_opens_a_workbook_as_an_unsaved_model() {
    let doc = lever::ui::files::Document::open(&fixture("basic.xlsx")).expect("opens");
    // Save goes to Save As: the .xlsx is never overwritten.
    assert_eq!(doc.path, None);
    assert_eq!(doc.name, "basic.ron");
    assert!(doc.import_report.is_some());
    assert_eq!(doc.workbook.layout(0), Layout::Grid);
    let err = lever::ui::files::Document::open(&fixture("password.xlsx")).unwrap_err();
    assert!(err.contains("password-protected"), "{err}");
}

#[test]
fn a_workbook_saved_by_libreoffice_imports_the_same() {
    // tests/data/xlsx/libreoffice.xlsx is basic.xlsx opened and saved by
    // LibreOffice (`soffice --headless --convert-to xlsx`), which writes
    // every formula in full and its own styles and names.
    for sheet in ["Inputs", "Model", "My Sheet"] {
        assert_eq!(
            eval_csv("tests/data/xlsx/libreoffice.xlsx", sheet),
            eval_csv("tests/data/xlsx/basic.xlsx", sheet),
            "{sheet}"
        );
    }
}

/// Opening a workbook with macros and a link to another workbook reads
/// only the chosen file: the macros are reported (never run), the link is
/// reported and not followed (the linked cell does not compute from the
/// other file), and nothing is written beside the workbook.
#[test]
fn macros_and_links_are_reported_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("basic.xlsx");
    std::fs::copy(fixture("basic.xlsx"), &path).expect("copy");
    // What the link would name, if it were followed: a workbook whose
    // Rates!A1 is not 7.
    let rates = dir.path().join("Rates.xlsx");
    std::fs::write(&rates, b"not read").expect("write");
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing();

    let (book, report) = Workbook::open_any(&path).expect("imports");
    let report = report.expect("a report");
    assert_eq!(
        report.items(Unsupported::Macros).count(),
        1,
        "macros reported"
    );
    assert_eq!(report.items(Unsupported::ExternalLinks).count(), 1);
    let text = report.to_string();
    assert!(text.contains("macros (ignored, never run)"), "{text}");
    assert!(
        text.contains("links to other workbooks (not followed)"),
        "{text}"
    );
    // `My Sheet!C1` is `=[1]Rates!A1`: not computed from another file.
    let sheet = book.sheet_index("My Sheet").expect("sheet");
    assert!(book.cell_value(sheet, 0, 2).is_error());
    assert_eq!(listing(), before);
    assert_eq!(std::fs::read(&rates).expect("read"), b"not read");
}

// ----- workbooks as Excel writes them: what once came out silently wrong -----

/// The formula and value of a cell, for compact assertions.
fn formula_and_value(book: &Workbook, sheet: u32, cell: &str) -> (String, String) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = cell[letters.len()..].parse().expect("row number");
    let formula = match book.cell_input(sheet, row - 1, col) {
        CellInput::Formula(text) => text,
        other => panic!("{cell} holds {other:?}, not a formula"),
    };
    (formula, book.cell_value(sheet, row - 1, col).to_string())
}

#[test]
fn shared_formulas_shift_from_the_cell_that_holds_their_text() {
    let (book, report) = Workbook::open_any(&fixture("excel_saved.xlsx")).expect("imports");
    let plan = book.sheet_index("Plan").expect("Plan sheet");
    let cells = |list: &[&str]| -> Vec<(String, String)> {
        list.iter()
            .map(|c| formula_and_value(&book, plan, c))
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect()
    };
    // Anchor D4 in the middle of B4:F4; B4 and C4 come before it in the file.
    assert_eq!(
        cells(&["B4", "C4", "D4", "E4", "F4"]),
        pairs(&[
            ("=B2*B3", "50"),
            ("=C2*C3", "120"),
            ("=D2*D3", "210"),
            ("=E2*E3", "320"),
            ("=F2*F3", "450")
        ])
    );
    // Anchor F5 at the end of B5:F5, with a fixed column.
    assert_eq!(
        cells(&["B5", "C5", "F5"]),
        pairs(&[
            ("=SUM($B4:B4)", "50"),
            ("=SUM($B4:C4)", "170"),
            ("=SUM($B4:F4)", "1150")
        ])
    );
    // Down a column, anchor H4 in the middle of H2:H6, mixed references.
    assert_eq!(
        cells(&["H2", "H3", "H4", "H6"]),
        pairs(&[
            ("=B2*$B$3+H$1", "1050"),
            ("=B3*$B$3+H$1", "1025"),
            ("=B4*$B$3+H$1", "1250"),
            ("=B6*$B$3+H$1", "1000")
        ])
    );
    let report = report.expect("an import has a report");
    assert_eq!(report.items(Unsupported::SharedFormulas).count(), 0);
    assert_eq!(report.items(Unsupported::UnreadableFormulas).count(), 0);
}

#[test]
fn whole_columns_and_rows_compute_as_in_excel() {
    let (book, _) = Workbook::open_any(&fixture("excel_saved.xlsx")).expect("imports");
    let plan = book.sheet_index("Plan").expect("Plan sheet");
    let cells: Vec<(String, String)> = ["L1", "L2", "L3", "L5"]
        .iter()
        .map(|c| formula_and_value(&book, plan, c))
        .collect();
    let expected: Vec<(String, String)> = [
        ("=SUM(Other!A:A)", "0.6"),
        ("=VLOOKUP(\"Price\",$A:$F,3,FALSE)", "6"),
        ("=SUMIF(A:A,\"Units\",C:C)", "20"),
        ("=MATCH(450,$4:$4,0)", "6"),
    ]
    .iter()
    .map(|(f, v)| (f.to_string(), v.to_string()))
    .collect();
    assert_eq!(cells, expected);
}

#[test]
fn a_sheet_scoped_name_resolves_only_on_its_sheet() {
    let (book, report) = Workbook::open_any(&fixture("excel_saved.xlsx")).expect("imports");
    let plan = book.sheet_index("Plan").expect("Plan sheet");
    let other = book.sheet_index("Other").expect("Other sheet");
    // `Rate` is Plan!B3 (5) for the workbook and Other!A1 (0.5) on Other.
    assert_eq!(formula_and_value(&book, plan, "J1").1, "10");
    assert_eq!(formula_and_value(&book, other, "B1").1, "1");
    // Another sheet reaches a sheet's own name as `Other!Rate`.
    assert_eq!(formula_and_value(&book, plan, "J2").1, "5");
    // `Discount` belongs to Other: it does not leak to Plan.
    assert_eq!(formula_and_value(&book, other, "B2").1, "0.4");
    assert_eq!(formula_and_value(&book, plan, "J3").1, "#NAME?");
    assert_eq!(report.expect("a report").defined_names, 3);
    // The scope is kept in the file and survives a save and load.
    let text = book.to_text();
    assert!(
        text.contains(r#"(name: "Rate", sheet: "Other", refers_to: "Other!$A$1"),"#),
        "{text}"
    );
    let again = Workbook::parse(&text, "saved.ron").expect("loads");
    assert_eq!(again.to_text(), text);
    assert_eq!(formula_and_value(&again, plan, "J3").1, "#NAME?");
    assert_eq!(formula_and_value(&again, other, "B2").1, "0.4");
}

#[test]
fn computed_cells_are_checked_against_excels_saved_values() {
    let (_, report) = Workbook::open_any(&fixture("excel_saved.xlsx")).expect("imports");
    let check = report
        .and_then(|r| r.cross_check)
        .expect("an import is cross-checked");
    // 82 formula cells: TODAY() and the cell reading it are not compared;
    // the 56 calls of a user-defined function differ (Excel ran VBA).
    assert_eq!(check.volatile, 2);
    assert_eq!(check.checked, 80);
    assert_eq!(check.differing, 56);
    assert_eq!(check.differences.len(), 50, "the first 50 are listed");
    assert_eq!(
        (
            check.differences[0].cell.as_str(),
            check.differences[0].lever.as_str(),
            check.differences[0].excel.as_str()
        ),
        ("Plan!K3", "#NAME?", "42")
    );
    assert_eq!(check.differences[1].cell, "Macros!A1");

    // `lever check` prints the comparison and fails; `convert` shows it.
    let output = lever(&["check", "tests/data/xlsx/excel_saved.xlsx"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains(
            "Excel's saved values: 56 of 80 formula cells differ from what Lever computes; \
             2 not compared (volatile"
        ),
        "{out}"
    );
    assert!(
        out.contains("    Plan!K3: Lever #NAME?, Excel 42\n"),
        "{out}"
    );
    assert!(out.contains("    … and 6 more\n"), "{out}");
    let dir = tempfile::tempdir().expect("temp dir");
    let out_file = dir.path().join("saved.ron");
    let output = lever(&[
        "convert",
        "tests/data/xlsx/excel_saved.xlsx",
        out_file.to_str().expect("utf-8 path"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Excel's saved values: 56 of 80 formula cells differ"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_workbook_lever_reproduces_passes_the_cross_check() {
    // Saved by LibreOffice with its own computed values: every cell but the
    // external link (never followed) matches.
    let (_, report) = Workbook::open_any(&fixture("libreoffice.xlsx")).expect("imports");
    let check = report
        .and_then(|r| r.cross_check)
        .expect("an import is cross-checked");
    assert_eq!(check.checked, 18);
    let cells: Vec<&str> = check.differences.iter().map(|d| d.cell.as_str()).collect();
    assert_eq!(cells, vec!["My Sheet!C1"], "{check}");
    // A workbook saved without values (written by a library) has little to
    // compare, and says so.
    let (_, report) =
        Workbook::open_any(Path::new("tests/data/xlsx-corpus/semantics.xlsx")).expect("imports");
    let check = report.and_then(|r| r.cross_check).expect("cross-checked");
    assert!(check.checked < 5 && check.without_value > 100, "{check}");
    assert!(
        check.to_string().contains(" saved without a value"),
        "{check}"
    );
}
