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

/// A one-sheet grid workbook whose row *i* holds `rows[i]` from column A.
fn grid_book(rows: &[&[&str]]) -> Workbook {
    let rows: Vec<String> = rows
        .iter()
        .map(|cells| {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| match c.parse::<f64>() {
                    Ok(_) => c.to_string(),
                    Err(_) if c.is_empty() => "()".into(),
                    Err(_) => format!("{c:?}"),
                })
                .collect();
            format!("                (values: [{}]),\n", cells.join(", "))
        })
        .collect();
    let text = format!(
        "(\n    version: 1,\n    timeline: (start: \"2026-01\", periods: 3, step: Month),\n    sheets: [\n        (\n            name: \"S\",\n            layout: Grid,\n            rows: [\n{}            ],\n        ),\n    ],\n    scenarios: [],\n    changelog: [],\n)\n",
        rows.concat()
    );
    Workbook::parse(&text, "grid.ron").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn set(book: &mut Workbook, row: u32, col: u32, text: &str) {
    book.apply(vec![Command::SetCellAt {
        sheet: 0,
        row,
        col,
        input: CellInput::from_typed(text),
    }])
    .expect("edit applies");
}

/// Every cell of sheet 0 as shown, row by row.
fn shown(book: &Workbook) -> Vec<String> {
    let (rows, cols) = book.grid_size(0);
    (0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| book.cell_value(0, r, c).to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

/// The workbook recomputed from scratch shows what it shows incrementally.
fn assert_same_as_full(book: &Workbook) {
    let fresh = Workbook::new(book.document().clone());
    assert_eq!(shown(book), shown(&fresh), "incremental vs full");
}

#[test]
fn if_and_choose_hand_a_range_to_the_function_around_them() {
    let book = grid_book(&[
        &["1", "10", "2"],
        &["2", "20", ""],
        &["3", "30", ""],
        &[
            "=SUM(CHOOSE(2,A1:A2,A1:A3))",
            "=SUM(IF(C1>1,B1:B3,A1:A3))",
            "=SUM(IF(C1>5,B1:B3,A1:A3))",
        ],
        &[
            "=COUNT(CHOOSE(C1,A1,B1:B3))",
            "=SUM(CHOOSE(3,A1:A2,A1:A3))",
            "=AVERAGE(IF(TRUE,B1:B3))",
        ],
        &[
            "=SUM(IF(FALSE,A1:A3))",
            "=SUM(IF(A1:A3,B1:B3))",
            "=CHOOSE(2,A1,B1)",
        ],
    ]);
    let row = |r: u32| -> Vec<String> {
        (0..3)
            .map(|c| book.cell_value(0, r, c).to_string())
            .collect()
    };
    assert_eq!(row(3), ["6", "60", "6"]);
    assert_eq!(row(4), ["3", "#VALUE!", "20"]);
    // IF without an else branch gives FALSE (SUM of a direct FALSE is 0);
    // an array condition outside an array formula intersects (here: none).
    assert_eq!(row(5)[0], "0");
    assert_eq!(row(5)[2], "10");
}

#[test]
fn a_cycle_through_a_branch_not_taken_is_no_cycle() {
    // A1 reads A2 only when B1 is not positive; A2 reads A1.
    let mut book = grid_book(&[&["=IF(B1>0,1,A2)", "5"], &["=A1+1", ""]]);
    assert_eq!(book.cell_value(0, 0, 0).to_string(), "1");
    assert_eq!(book.cell_value(0, 1, 0).to_string(), "2");
    // Taking the branch closes the ring: both cells are circular, with the path.
    set(&mut book, 0, 1, "0");
    let Value::Error(error) = book.cell_value(0, 0, 0) else {
        panic!("expected #CIRC!, got {:?}", book.cell_value(0, 0, 0));
    };
    assert_eq!(error.kind, lever::engine::ErrorKind::Circular);
    assert_eq!(
        error.detail.as_deref(),
        Some("circular reference: S!A1 → S!A2 → S!A1")
    );
    assert!(book.cell_value(0, 1, 0).is_error());
    assert_same_as_full(&book);
    // And leaving it heals them.
    set(&mut book, 0, 1, "3");
    assert_eq!(book.cell_value(0, 1, 0).to_string(), "2");
    assert_same_as_full(&book);
    // CHOOSE, IFERROR and IFNA branch the same way.
    let book = grid_book(&[
        &["=CHOOSE(B1,5,A2)", "1", "=IFERROR(1/B1,C2)", "=IFNA(B1,D2)"],
        &["=A1*2", "", "=C1+1", "=D1+1"],
    ]);
    assert_eq!(shown(&book)[0], "5,1,1,1");
    assert_eq!(shown(&book)[1], "10,,2,2");
    // A formula that reads itself whatever the branch is still circular.
    let book = grid_book(&[&["=IF(A1>0,1,2)"]]);
    assert!(book.cell_value(0, 0, 0).is_error());
}

#[test]
fn cells_after_a_conditional_cycle_follow_its_values() {
    // C1 reads A1 (in a static cycle with A2); D1 reads C1; an edit of the
    // condition moves all of them, incrementally as from scratch.
    let mut book = grid_book(&[
        &["=IF(B1>0,B1*10,A2)", "2", "=A1+A2", "=C1*2"],
        &["=A1+1", "", "", ""],
    ]);
    assert_eq!(shown(&book)[0], "20,2,41,82");
    set(&mut book, 0, 1, "4");
    assert_eq!(shown(&book)[0], "40,4,81,162");
    assert_same_as_full(&book);
    set(&mut book, 0, 1, "-1");
    assert!(book.cell_value(0, 0, 3).is_error());
    assert_same_as_full(&book);
    book.undo();
    assert_eq!(shown(&book)[0], "40,4,81,162");
    assert_same_as_full(&book);
}

#[test]
fn whole_columns_and_rows_follow_every_cell_they_cover() {
    let mut book = grid_book(&[
        &["a", "1", "10", "=SUM(B:B)", "=VLOOKUP(\"b\",A:C,3,FALSE)"],
        &["b", "2", "20", "=SUM(1:1)", "=SUMIF(A:A,\"<>a\",$C:$C)"],
        &["c", "3", "30", "=COUNTA(A:A)", "=MATCH(3,B:B,0)"],
    ]);
    assert_eq!(shown(&book)[0], "a,1,10,6,20");
    assert_eq!(shown(&book)[1], "b,2,20,37,50");
    assert_eq!(shown(&book)[2], "c,3,30,3,3");
    // A new value in a covered cell ripples through.
    set(&mut book, 1, 1, "5");
    assert_eq!(shown(&book)[0], "a,1,10,9,20");
    assert_eq!(shown(&book)[1], "b,5,20,40,50");
    assert_same_as_full(&book);
    // So does a row beyond the used area: the sheet grows.
    set(&mut book, 5, 1, "100");
    set(&mut book, 5, 0, "d");
    assert_eq!(book.cell_value(0, 0, 3).to_string(), "109");
    assert_eq!(book.cell_value(0, 2, 3).to_string(), "4");
    assert_same_as_full(&book);
    // A column summing itself is circular, as in Excel.
    set(&mut book, 4, 1, "=SUM(B:B)");
    assert!(book.cell_value(0, 4, 1).is_error());
}

#[test]
fn counting_blanks_in_whole_columns_counts_every_row() {
    let book = grid_book(&[
        &["1", "=COUNTBLANK(A:A)", "=COUNTBLANK(3:3)"],
        &["", "x", ""],
    ]);
    // A million rows less the one that holds something; a row of 16,384
    // columns, all blank.
    assert_eq!(book.cell_value(0, 0, 1).to_string(), "1048575");
    assert_eq!(book.cell_value(0, 0, 2).to_string(), "16384");
}

#[test]
fn array_constants_are_arguments_and_operands() {
    let book = grid_book(&[
        &["1", "2", "3"],
        &[
            "=SUM({1,2,3})",
            "=SUMPRODUCT({1,2},{3,4})",
            "=NPV(0.1,{110,121})",
            "=LARGE({5,1,9,3},2)",
            "=INDEX({1,2;3,4},2,1)",
            "=MATCH(3,{1,2,3},0)",
        ],
        &[
            "={7,8}",
            "=SUMPRODUCT((A1:C1>1)*{10,20,30})",
            "=SUM({1,2}*2)",
            "=COUNTA({1,\"x\",TRUE,#N/A})",
            "=VLOOKUP(2,{1,\"one\";2,\"two\"},2,FALSE)",
            "=AVERAGE(-{1,3})",
        ],
        &["=IRR({-100,110})"],
    ]);
    assert_eq!(shown(&book)[1], "6,11,200,5,3,3");
    assert_eq!(shown(&book)[2], "7,50,6,4,two,-2");
    match book.cell_value(0, 3, 0) {
        Value::Number(irr) => assert!((irr - 0.1).abs() < 1e-12, "{irr}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn offset_hands_on_the_cells_it_points_at_and_follows_their_edits() {
    let mut book = grid_book(&[
        &["1", "2", "3", "4", "=SUM(OFFSET(A1,0,0,1,D2))"],
        &["10", "20", "30", "3", "=OFFSET(A1,1,2)"],
        &[
            "=OFFSET(A1,0,0,2,1)",
            "=SUM(OFFSET($A$1:$B$2,0,1))",
            "=E2*2",
            "=OFFSET(A1,-1,0)",
            "=SUM(OFFSET(E1,1,0))",
        ],
    ]);
    // SUM of the first D2 = 3 cells of row 1; the cell two right of the row
    // below A1; a two-row reference read in row 3 of column A is #VALUE!.
    assert_eq!(shown(&book)[0], "1,2,3,4,6");
    assert_eq!(shown(&book)[1], "10,20,30,3,30");
    assert_eq!(shown(&book)[2], "#VALUE!,55,60,#REF!,30");
    // A cell only OFFSET reads: its edit still ripples through.
    set(&mut book, 1, 2, "35");
    assert_eq!(book.cell_value(0, 1, 4).to_string(), "35");
    assert_eq!(book.cell_value(0, 2, 2).to_string(), "70");
    assert_eq!(book.cell_value(0, 2, 4).to_string(), "35");
    assert_same_as_full(&book);
    // The size argument moves the reference.
    set(&mut book, 1, 3, "4");
    assert_eq!(book.cell_value(0, 0, 4).to_string(), "10");
    assert_same_as_full(&book);
    book.undo();
    book.undo();
    assert_eq!(shown(&book)[0], "1,2,3,4,6");
    assert_same_as_full(&book);
}

#[test]
fn indirect_row_and_column_read_references_by_position_and_text() {
    let mut book = grid_book(&[
        &[
            "1",
            "2",
            "B",
            "=INDIRECT(C1&\"2\")",
            "=SUM(INDIRECT(\"A1:B2\"))",
        ],
        &["10", "20", "=ROW()", "=COLUMN()", "=ROW(B7)+COLUMN(C1:D9)"],
        &[
            "=SUM(INDIRECT(\"A:A\"))",
            "=INDIRECT(\"nope\")",
            "=INDIRECT(\"Z9\")",
            "=INDIRECT(\"A1\",FALSE)",
            "=INDIRECT(\"Other!A1\")",
        ],
    ]);
    assert_eq!(shown(&book)[0], "1,2,B,20,33");
    assert_eq!(shown(&book)[1], "10,20,2,4,10");
    // Column A summed in column A reads itself: circular, as in Excel.
    assert_eq!(shown(&book)[2], "#CIRC!,#REF!,0,#REF!,#REF!");
    // A cell INDIRECT reads only by its text still ripples through.
    set(&mut book, 1, 1, "25");
    assert_eq!(book.cell_value(0, 0, 3).to_string(), "25");
    assert_eq!(book.cell_value(0, 0, 4).to_string(), "38");
    set(&mut book, 0, 2, "A");
    assert_eq!(book.cell_value(0, 0, 3).to_string(), "10");
    assert_same_as_full(&book);
    // Two cells reading each other only by text never settle: circular.
    let book = grid_book(&[&["=INDIRECT(\"B1\")+1", "=INDIRECT(\"A1\")+1", "=A1*0+5"]]);
    for col in 0..2 {
        let Value::Error(e) = book.cell_value(0, 0, col) else {
            panic!("{:?}", book.cell_value(0, 0, col));
        };
        assert_eq!(e.kind, lever::engine::ErrorKind::Circular);
    }
}

#[test]
fn index_hands_on_a_row_a_column_or_a_cell_of_its_reference() {
    let book = grid_book(&[
        &["1", "2", "3"],
        &["10", "20", "30"],
        &[
            "=SUM(INDEX(A1:C2,0,2))",
            "=SUM(INDEX(A1:C2,2,0))",
            "=SUM(INDEX(A1:C2,2,3))",
        ],
        &[
            "=COUNT(INDEX(A1:C2,0,0))",
            "=SUM(INDEX(A1:C2,3,1))",
            "=INDEX({1,2;3,4},2,2)",
        ],
    ]);
    assert_eq!(shown(&book)[2], "22,60,30");
    assert_eq!(shown(&book)[3], "6,#REF!,4");
}

#[test]
fn the_range_operator_joins_references_that_functions_return() {
    let mut book = grid_book(&[
        &["1", "10", "=SUM(INDEX(A1:A5,2):INDEX(A1:A5,4))"],
        &["2", "20", "=SUM(A1:INDEX(A1:B5,C4,2))"],
        &["3", "30", "=SUM(OFFSET(A1,1,0):B2)"],
        &["4", "40", "2"],
        &["5", "50", ""],
    ]);
    assert_eq!(book.cell_value(0, 0, 2).to_string(), "9");
    assert_eq!(book.cell_value(0, 1, 2).to_string(), "33");
    assert_eq!(book.cell_value(0, 2, 2).to_string(), "22");
    // The cells between the two ends follow their edits.
    set(&mut book, 2, 0, "30");
    assert_eq!(book.cell_value(0, 0, 2).to_string(), "36");
    set(&mut book, 3, 2, "3");
    assert_eq!(book.cell_value(0, 1, 2).to_string(), "93");
    assert_same_as_full(&book);
}
