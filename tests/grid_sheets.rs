//! Grid sheets (imported Excel worksheets): values from column A, metric
//! names at the formula's own column, whole-row names, defined names, edits
//! by column with undo, and a byte-identical load → save.

use lever::model::{CellInput, Command, Layout, Value, Workbook};

const GRID: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 3, step: Month),
    sheets: [
        (
            name: "Calc",
            layout: Grid,
            rows: [
                (values: [(), "Jan", "Feb"]),
                (name: "price", values: ["Price", 10, 12]),
                (name: "units", values: ["Units", 3, 4]),
                (name: "revenue", values: ["Revenue", "=price * units", "=price * units * (1 - TaxRate)"]),
                (values: ["Total", "=SUM(revenue)", "=SUM(B4:C4)", "=Rates!B1 + Rate2"]),
            ],
            excel_formats: [
                ("B2", "yyyy-mm-dd"),
            ],
        ),
        (
            name: "Rates",
            layout: Grid,
            rows: [
                (values: ["Tax", 0.5]),
            ],
        ),
    ],
    names: [
        (name: "TaxRate", refers_to: "Rates!$B$1"),
        (name: "Rate2", refers_to: "2"),
    ],
    scenarios: [],
    changelog: [],
)
"#;

fn book() -> Workbook {
    Workbook::parse(GRID, "grid.ron").unwrap_or_else(|e| panic!("{e}"))
}

fn number(book: &Workbook, sheet: u32, row: u32, col: u32) -> f64 {
    match book.cell_value(sheet, row, col) {
        Value::Number(n) => *n,
        other => panic!("({sheet}, {row}, {col}): {other:?}"),
    }
}

#[test]
fn grid_rows_start_at_column_a() {
    let book = book();
    assert_eq!(book.to_text(), GRID, "load → save is byte-identical");
    assert_eq!(book.layout(0), Layout::Grid);
    assert_eq!(book.grid_size(0), (5, 4));
    assert_eq!(book.cell_value(0, 1, 0), &Value::text("Price"));
    assert_eq!(number(&book, 0, 1, 1), 10.0);
    // Metric names mean the named row at the formula's own column.
    assert_eq!(number(&book, 0, 3, 1), 30.0);
    // Defined names: a cell on another sheet, and a constant.
    assert_eq!(number(&book, 0, 3, 2), 24.0);
    // A whole-row name is every used column of the row.
    assert_eq!(number(&book, 0, 4, 1), 54.0);
    assert_eq!(number(&book, 0, 4, 2), 54.0);
    assert_eq!(number(&book, 0, 4, 3), 2.5);
    assert!(book.cell_is_formula(0, 3, 1));
    assert_eq!(
        book.cell_input(0, 3, 1),
        CellInput::Formula("=price * units".into())
    );
    assert_eq!(book.excel_format(0, 1, 1), Some("yyyy-mm-dd"));
    assert_eq!(book.metric_name(0, 1), "price");
}

#[test]
fn cells_are_edited_by_column_with_undo() {
    let mut book = book();
    let ripple = book
        .apply(vec![Command::SetCellAt {
            sheet: 0,
            row: 1,
            col: 1,
            input: CellInput::Number(20.0),
        }])
        .expect("edit applies");
    assert_eq!(number(&book, 0, 3, 1), 60.0);
    assert!(
        ripple
            .changes
            .iter()
            .any(|c| c.row == 3 && c.col == 1 && c.grid)
    );
    assert_eq!(ripple.metrics().first().map(|m| m.row), Some(1));
    // A cell beyond the used width grows the sheet.
    book.apply(vec![Command::SetCellAt {
        sheet: 0,
        row: 6,
        col: 5,
        input: CellInput::Formula("=B2 * 2".into()),
    }])
    .expect("edit applies");
    assert_eq!(book.grid_size(0), (7, 6));
    assert_eq!(number(&book, 0, 6, 5), 40.0);
    book.undo();
    book.undo();
    assert_eq!(book.grid_size(0), (5, 4));
    assert_eq!(number(&book, 0, 3, 1), 30.0);
    // Period commands are refused on a grid sheet.
    assert!(
        book.apply(vec![Command::SetRowFormula {
            sheet: 0,
            row: 1,
            formula: "=1".into(),
        }])
        .is_err()
    );
}

#[test]
fn metric_sheets_answer_the_cell_api_too() {
    let book =
        Workbook::load(std::path::Path::new("models/funnel.ron")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(book.layout(0), Layout::Metrics);
    let row = book
        .rows(0)
        .iter()
        .position(|r| !r.label.is_empty())
        .expect("a metric") as u32;
    assert_eq!(
        book.cell_input(0, row, 0),
        CellInput::Text(book.rows(0)[row as usize].label.clone())
    );
    assert_eq!(book.cell_value(0, row, 2), book.value(0, row, 0));
}

#[test]
fn defined_names_follow_inserted_rows_and_undo() {
    let mut book = book();
    book.apply(vec![Command::InsertRows {
        sheet: 1,
        at: 0,
        rows: vec![Default::default()],
    }])
    .expect("insert applies");
    assert_eq!(book.document().names[0].refers_to, "Rates!$B$2");
    assert_eq!(number(&book, 0, 3, 2), 24.0, "TaxRate still reads 0.5");
    book.undo();
    assert_eq!(book.document().names[0].refers_to, "Rates!$B$1");
    assert_eq!(book.to_text(), GRID);
}
