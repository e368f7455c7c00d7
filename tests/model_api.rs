//! The model API end to end: formulas over metric rows, the ripple of an
//! edit, undo/redo, structural edits, renames and file round trips.

use lever::engine::{ErrorKind, Value};
use lever::model::{CellInput, Command, Format, RowFile, Workbook};

fn metric(label: &str, formula: &str, values: &[f64]) -> RowFile {
    RowFile {
        label: label.into(),
        formula: formula.into(),
        values: values.iter().map(|v| CellInput::Number(*v)).collect(),
        ..RowFile::default()
    }
}

fn workbook(periods: u32, rows: Vec<RowFile>) -> Workbook {
    let mut text = format!(
        "(version: 1, timeline: (start: \"2026-01\", periods: {periods}, step: Month), sheets: [(name: \"Model\", rows: ["
    );
    for row in &rows {
        text.push_str(&lever::model::io::row_line(row));
        text.push_str(", ");
    }
    text.push_str("])])");
    Workbook::parse(&text, "test.ron").expect("test workbook parses")
}

fn number(w: &Workbook, row: u32, period: u32) -> f64 {
    match w.value(0, row, period) {
        Value::Number(n) => *n,
        other => panic!("row {row} period {period}: expected a number, got {other:?}"),
    }
}

fn price_model() -> Workbook {
    workbook(
        3,
        vec![
            metric("Price", "=price[-1]", &[100.0]),
            metric("Base price", "=base_price[-1]", &[100.0]),
            metric("Elasticity", "=elasticity[-1]", &[1.2]),
            metric(
                "Conversion",
                "=0.2 * (price / base_price) ^ (-elasticity)",
                &[],
            ),
            metric("Leads", "", &[1000.0, 1100.0, 1200.0]),
            metric("Units sold", "=leads * conversion", &[]),
            metric("Revenue", "=units_sold * price", &[]),
            metric("Support cost", "=units_sold * 5 + 1000", &[]),
        ],
    )
}

#[test]
fn metric_names_mean_this_period() {
    let w = price_model();
    assert_eq!(number(&w, 5, 0), 200.0);
    assert_eq!(number(&w, 5, 2), 240.0);
    assert_eq!(number(&w, 6, 1), 22000.0);
}

#[test]
fn raising_the_price_ripples_through_the_chain_in_order() {
    let mut w = price_model();
    let ripple = w
        .apply(vec![Command::SetCell {
            sheet: 0,
            row: 0,
            period: 0,
            input: CellInput::Number(110.0),
        }])
        .expect("edit applies");
    let order: Vec<u32> = ripple.metrics().iter().map(|m| m.row).collect();
    assert_eq!(
        order,
        vec![0, 3, 5, 6, 7],
        "price → conversion → units → revenue → support"
    );
    let conversion = number(&w, 3, 2);
    assert!((conversion - 0.2 * 1.1f64.powf(-1.2)).abs() < 1e-12);
    // Every period follows month 1's price.
    assert_eq!(number(&w, 0, 2), 110.0);
    let units = ripple.metrics()[2].clone();
    assert_eq!(units.cells, 3);
    assert!(units.new_total < units.old_total);
}

#[test]
fn undo_and_redo_restore_values_and_text() {
    let mut w = price_model();
    let before = w.to_text();
    let revenue = number(&w, 6, 1);
    w.apply(vec![Command::SetCell {
        sheet: 0,
        row: 4,
        period: 1,
        input: CellInput::Number(2000.0),
    }])
    .expect("edit applies");
    assert_ne!(number(&w, 6, 1), revenue);
    let ripple = w.undo().expect("undo");
    assert!(!ripple.is_empty());
    assert_eq!(number(&w, 6, 1), revenue);
    assert_eq!(w.to_text(), before);
    w.redo().expect("redo");
    assert_eq!(number(&w, 4, 1), 2000.0);
    assert!(w.undo().is_some());
    assert!(w.undo().is_none());
}

#[test]
fn a_one_cell_edit_changes_one_line_of_the_file() {
    let mut w = price_model();
    let before = w.to_text();
    w.apply(vec![Command::SetCell {
        sheet: 0,
        row: 4,
        period: 2,
        input: CellInput::Number(1250.0),
    }])
    .expect("edit applies");
    let after = w.to_text();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 1, "{changed:?}");
}

#[test]
fn overrides_win_over_the_row_formula() {
    let mut w = price_model();
    w.apply(vec![Command::SetCell {
        sheet: 0,
        row: 7,
        period: 1,
        input: CellInput::Number(42.0),
    }])
    .expect("edit applies");
    assert_eq!(number(&w, 7, 1), 42.0);
    assert!(w.is_override(0, 7, 1));
    assert!(!w.is_override(0, 7, 0));
    // Clearing the override brings the row formula back.
    w.apply(vec![Command::SetCell {
        sheet: 0,
        row: 7,
        period: 1,
        input: CellInput::Empty,
    }])
    .expect("edit applies");
    assert!(w.is_formula(0, 7, 1));
    assert_ne!(number(&w, 7, 1), 42.0);
}

#[test]
fn circular_references_name_their_cells_and_heal() {
    let mut w = workbook(
        2,
        vec![metric("A", "=b + 1", &[]), metric("B", "=a * 2", &[])],
    );
    let Value::Error(error) = w.value(0, 0, 0) else {
        panic!("expected a circular reference error");
    };
    assert_eq!(error.kind, ErrorKind::Circular);
    let detail = error.detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("Model!C1") && detail.contains("Model!C2"),
        "{detail}"
    );
    w.apply(vec![Command::SetRowFormula {
        sheet: 0,
        row: 1,
        formula: "=10".into(),
    }])
    .expect("edit applies");
    assert_eq!(number(&w, 0, 1), 11.0);
}

#[test]
fn errors_are_values_with_reasons() {
    let w = workbook(
        1,
        vec![
            metric("Zero", "", &[0.0]),
            metric("Ratio", "=1 / zero", &[]),
            metric("Unknown", "=nosuch * 2", &[]),
            metric("Downstream", "=ratio + 1", &[]),
            metric("Caught", "=IFERROR(ratio, 0)", &[]),
        ],
    );
    assert_eq!(w.value(0, 1, 0), &Value::error(ErrorKind::Div0));
    let Value::Error(unknown) = w.value(0, 2, 0) else {
        panic!("expected #NAME?");
    };
    assert_eq!(unknown.kind, ErrorKind::Name);
    assert!(
        unknown
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("nosuch")
    );
    assert_eq!(w.value(0, 3, 0), &Value::error(ErrorKind::Div0));
    assert_eq!(number(&w, 4, 0), 0.0);
}

#[test]
fn a_bare_name_in_sum_is_the_whole_row() {
    let w = workbook(
        3,
        vec![
            metric("Revenue", "", &[10.0, 20.0, 30.0]),
            metric("Share of total", "=revenue / SUM(revenue)", &[]),
            metric("Running max", "=MAX(revenue[0], 15)", &[]),
            metric("A1 style", "=C1 * 2", &[]),
        ],
    );
    assert_eq!(number(&w, 1, 2), 0.5);
    assert_eq!(number(&w, 2, 0), 15.0);
    assert_eq!(number(&w, 2, 2), 30.0);
    // Relative A1 references in a row formula move with the period.
    assert_eq!(number(&w, 3, 1), 40.0);
}

#[test]
fn overflow_is_an_error_not_infinity() {
    let w = workbook(1, vec![metric("Big", "=1e308 * 10", &[])]);
    assert_eq!(w.value(0, 0, 0), &Value::error(ErrorKind::Num));
}

#[test]
fn bad_formulas_are_refused_and_nothing_changes() {
    let mut w = price_model();
    let before = w.to_text();
    let err = w
        .apply(vec![Command::SetRowFormula {
            sheet: 0,
            row: 6,
            formula: "=units_sold * (price".into(),
        }])
        .unwrap_err();
    assert!(err.to_string().contains("column"), "{err}");
    assert_eq!(w.to_text(), before);
    assert!(!w.can_undo());
}

#[test]
fn renaming_a_metric_rewrites_formulas_and_undoes() {
    let mut w = price_model();
    let before = w.to_text();
    w.apply(vec![Command::RenameMetric {
        sheet: 0,
        row: 5,
        name: "units".into(),
    }])
    .expect("rename applies");
    assert_eq!(w.rows(0)[6].formula, "=units * price");
    assert_eq!(w.rows(0)[7].formula, "=units * 5 + 1000");
    assert_eq!(number(&w, 6, 1), 22000.0);
    let clash = w.apply(vec![Command::RenameMetric {
        sheet: 0,
        row: 5,
        name: "price".into(),
    }]);
    assert!(clash.is_err());
    w.undo().expect("undo");
    assert_eq!(w.to_text(), before);
}

#[test]
fn a_rename_resolves_formulas_that_waited_for_the_name_and_undo_unresolves_them() {
    let mut w = workbook(
        2,
        vec![
            metric("Leads", "", &[100.0, 120.0]),
            metric("Deals", "=signups * 0.1", &[]),
            metric("Own cell", "", &[]),
        ],
    );
    w.apply(vec![Command::SetCell {
        sheet: 0,
        row: 2,
        period: 1,
        input: CellInput::Formula("=SIGNUPS + 1".into()),
    }])
    .expect("a cell formula applies");
    let before = w.to_text();
    assert!(matches!(w.value(0, 1, 0), Value::Error(e) if e.kind == ErrorKind::Name));
    let ripple = w
        .apply(vec![Command::RenameMetric {
            sheet: 0,
            row: 0,
            name: "signups".into(),
        }])
        .expect("rename applies");
    assert_eq!(number(&w, 1, 0), 10.0);
    assert_eq!(number(&w, 1, 1), 12.0);
    assert_eq!(number(&w, 2, 1), 121.0);
    assert!(
        ripple
            .changes
            .iter()
            .any(|c| c.row == 1 && c.period() == Some(1)),
        "the ripple shows the formulas that now resolve"
    );
    // The same values as the model loaded afresh.
    let fresh = Workbook::parse(&w.to_text(), "fresh.ron").expect("parses");
    for row in 0..3 {
        for period in 0..2 {
            assert!(w.value(0, row, period).same_as(fresh.value(0, row, period)));
        }
    }
    w.undo().expect("undo");
    assert_eq!(w.to_text(), before);
    assert!(matches!(w.value(0, 1, 0), Value::Error(e) if e.kind == ErrorKind::Name));
    assert!(matches!(w.value(0, 2, 1), Value::Error(e) if e.kind == ErrorKind::Name));
    w.redo().expect("redo");
    assert_eq!(number(&w, 2, 1), 121.0);
}

#[test]
fn relabelling_keeps_formulas_working() {
    let mut w = price_model();
    w.apply(vec![Command::SetRowInfo {
        sheet: 0,
        row: 4,
        info: RowFile {
            label: "Qualified leads".into(),
            unit: "leads".into(),
            format: Format::Integer,
            ..RowFile::default()
        },
    }])
    .expect("relabel applies");
    assert_eq!(w.rows(0)[4].name, "leads");
    assert_eq!(number(&w, 5, 0), 200.0);
}

#[test]
fn inserting_and_deleting_rows_moves_a1_references() {
    let mut w = workbook(
        1,
        vec![
            metric("A", "", &[5.0]),
            metric("B", "", &[7.0]),
            metric("Sum", "=SUM(C1:C2) + a", &[]),
            metric("Ref", "=C2 * 10", &[]),
        ],
    );
    assert_eq!(number(&w, 2, 0), 17.0);
    w.apply(vec![Command::InsertRows {
        sheet: 0,
        at: 1,
        rows: vec![RowFile::default()],
    }])
    .expect("insert applies");
    assert_eq!(w.rows(0)[3].formula, "=SUM(C1:C3) + a");
    assert_eq!(number(&w, 3, 0), 17.0);
    assert_eq!(number(&w, 4, 0), 70.0);
    // Deleting B: the single reference becomes #REF!, the range shrinks.
    w.apply(vec![Command::DeleteRows {
        sheet: 0,
        at: 2,
        count: 1,
    }])
    .expect("delete applies");
    assert_eq!(w.rows(0)[3].formula, "=#REF! * 10");
    assert_eq!(w.value(0, 3, 0), &Value::error(ErrorKind::Ref));
    assert_eq!(number(&w, 2, 0), 10.0);
    w.undo().expect("undo delete");
    w.undo().expect("undo insert");
    assert_eq!(w.rows(0)[2].formula, "=SUM(C1:C2) + a");
    assert_eq!(number(&w, 3, 0), 70.0);
}

#[test]
fn moving_rows_keeps_a1_references_on_their_cells() {
    let mut w = workbook(
        1,
        vec![
            metric("A", "", &[5.0]),
            metric("B", "", &[7.0]),
            metric("Ref", "=C1 * 10 + b", &[]),
        ],
    );
    assert_eq!(number(&w, 2, 0), 57.0);
    // Move A below Ref: A1 references follow it to row 3.
    w.apply(vec![Command::MoveRows {
        sheet: 0,
        from: 0,
        count: 1,
        to: 2,
    }])
    .expect("move applies");
    assert_eq!(w.rows(0)[2].label, "A");
    assert_eq!(w.rows(0)[1].formula, "=C3 * 10 + b");
    assert_eq!(number(&w, 1, 0), 57.0);
    w.undo().expect("undo");
    assert_eq!(w.rows(0)[2].formula, "=C1 * 10 + b");
    assert_eq!(number(&w, 2, 0), 57.0);
}

#[test]
fn if_returns_an_empty_reference_as_empty() {
    // Excel: =IF(TRUE, A_EMPTY) & "x" is "x", and an empty result shows 0.
    let w = workbook(
        2,
        vec![
            metric("Blank", "", &[]),
            RowFile {
                label: "Joined".into(),
                formula: "=IF(TRUE, blank) & \"x\"".into(),
                ..RowFile::default()
            },
            metric("Shown", "=IF(TRUE, blank)", &[]),
            metric("Lazy", "=IF(FALSE, 1 / 0, 7)", &[]),
        ],
    );
    assert_eq!(w.value(0, 1, 0), &Value::text("x"));
    assert_eq!(number(&w, 2, 0), 0.0);
    assert_eq!(number(&w, 3, 0), 7.0);
}

#[test]
fn aggregates_of_single_cells_follow_excel_on_blanks_and_text() {
    let w = workbook(
        1,
        vec![
            metric("Blank", "", &[]),
            RowFile {
                label: "Word".into(),
                values: vec![CellInput::Text("n/a".into())],
                ..RowFile::default()
            },
            metric("Max with blank", "=MAX(blank[0], -5)", &[]),
            metric("Min with text", "=MIN(word[0], 3)", &[]),
            metric("Sum with both", "=SUM(blank[0], word[0], 2)", &[]),
            metric("Round", "=ROUND(2.675, 2)", &[]),
            metric("Round down", "=ROUNDDOWN(-2.5, 0)", &[]),
        ],
    );
    assert_eq!(number(&w, 2, 0), -5.0);
    assert_eq!(number(&w, 3, 0), 3.0);
    assert_eq!(number(&w, 4, 0), 2.0);
    assert_eq!(number(&w, 5, 0), 2.68);
    assert_eq!(number(&w, 6, 0), -2.0);
}

#[test]
fn state_ids_tell_documents_apart_and_come_back_with_undo() {
    let mut a = workbook(2, vec![metric("Price", "", &[10.0])]);
    let b = workbook(2, vec![metric("Price", "", &[10.0])]);
    // Two files just opened are two states, so a view's cache of one is
    // never taken for the other's.
    assert_ne!(a.state_id(), b.state_id());
    let opened = a.state_id();
    a.apply(vec![Command::SetCell {
        sheet: 0,
        row: 0,
        period: 0,
        input: CellInput::Number(12.0),
    }])
    .expect("applies");
    let edited = a.state_id();
    assert!(edited != opened && edited != b.state_id());
    a.undo().expect("undo");
    assert_eq!(a.state_id(), opened);
    a.redo().expect("redo");
    assert_eq!(a.state_id(), edited);
}

#[test]
fn a_workbook_reads_text_numbers_in_its_locale() {
    let text = |locale: &str| {
        format!(
            r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 1, step: Month),{locale}
    sheets: [
        (
            name: "Model",
            rows: [
                (label: "Amount", values: ["1 234,5"]),
                (label: "Parsed", formula: "=VALUE(amount)"),
                (label: "Plus one", formula: "=amount + 1"),
                (label: "Percent", formula: "=VALUE(\"12,5%\")"),
                (label: "English", formula: "=VALUE(\"1,234.5\")"),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
)
"#
        )
    };
    let russian = text("\n    locale: \"ru-RU\",");
    let mut w = Workbook::parse(&russian, "ru.ron").expect("parses");
    assert_eq!(w.to_text(), russian, "the locale round-trips");
    assert_eq!(number(&w, 1, 0), 1234.5);
    assert_eq!(number(&w, 2, 0), 1235.5);
    assert_eq!(number(&w, 3, 0), 0.125);
    assert!(matches!(w.value(0, 4, 0), Value::Error(e) if e.kind == ErrorKind::Value));
    // Switched to English, the same text is no number; undo switches back.
    w.apply(vec![Command::SetLocale {
        locale: String::new(),
    }])
    .expect("applies");
    assert!(matches!(w.value(0, 1, 0), Value::Error(e) if e.kind == ErrorKind::Value));
    assert_eq!(number(&w, 4, 0), 1234.5);
    w.undo().expect("undo");
    assert_eq!(number(&w, 1, 0), 1234.5);
    assert_eq!(w.to_text(), russian);
    // An unknown locale is refused on load and as an edit.
    let bad = text("\n    locale: \"xx-YY\",");
    let e = Workbook::parse(&bad, "bad.ron").expect_err("refused");
    assert!(e.to_string().contains("unknown locale `xx-YY`"), "{e}");
    let e = w
        .apply(vec![Command::SetLocale {
            locale: "xx".into(),
        }])
        .expect_err("refused");
    assert!(e.to_string().contains("unknown locale"), "{e}");
}

#[test]
fn a_rename_that_would_meet_a_let_name_is_refused() {
    let mut w = workbook(
        1,
        vec![
            metric("Price", "", &[10.0]),
            metric("Total", "=LET(p, 2, price * p)", &[]),
        ],
    );
    assert_eq!(number(&w, 1, 0), 20.0);
    let before = w.to_text();
    // Renamed to `p`, the formula would read `p * p` (4).
    let e = w
        .apply(vec![Command::RenameMetric {
            sheet: 0,
            row: 0,
            name: "p".into(),
        }])
        .expect_err("refused");
    assert!(e.to_string().contains("binds a LET name"), "{e}");
    assert_eq!(w.to_text(), before);
    // Another name is fine, and the formula follows it.
    w.apply(vec![Command::RenameMetric {
        sheet: 0,
        row: 0,
        name: "list_price".into(),
    }])
    .expect("renames");
    assert!(w.to_text().contains("=LET(p, 2, list_price * p)"));
    assert_eq!(number(&w, 1, 0), 20.0);
}

#[test]
fn array_functions_read_whole_metric_rows() {
    let w = workbook(
        3,
        vec![
            metric("Revenue", "", &[10.0, 20.0, 30.0]),
            metric("Units", "", &[5.0, 15.0, 25.0]),
            metric("Big months", "=SUM(FILTER(revenue, units > 10))", &[]),
            // A metric row is one row: sorted by columns (by_col TRUE), as in Excel.
            metric("Best", "=INDEX(SORT(revenue, 1, -1, TRUE), 1)", &[]),
            metric("Ramp", "=SUM(SEQUENCE(3) * revenue[0])", &[]),
        ],
    );
    assert_eq!(number(&w, 2, 0), 50.0);
    assert_eq!(number(&w, 3, 2), 30.0);
    // (1 + 2 + 3) × this month's revenue.
    assert_eq!(number(&w, 4, 1), 120.0);
}

#[test]
fn a_model_diff_names_a_locale_change() {
    let before = workbook(1, vec![metric("Price", "", &[10.0])]);
    let mut after = workbook(1, vec![metric("Price", "", &[10.0])]);
    after
        .apply(vec![Command::SetLocale {
            locale: "ru-RU".into(),
        }])
        .expect("applies");
    let lines: Vec<String> = lever::model::diff::diff(&before, &after)
        .iter()
        .map(lever::model::diff::describe)
        .collect();
    assert_eq!(lines, vec!["~ locale: English → ru-RU"]);
}
