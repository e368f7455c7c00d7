//! Data tables on `models/funnel.ron`: one and two inputs against hand
//! computations, the size limit, cancelling, CSV, and the workbook left as
//! it was.

use lever::model::data_table::{self, Axis, DataTableError, MAX_RECALCULATIONS};
use lever::model::input_ref::parse_input;
use lever::model::what_if::parse_target;
use lever::model::{Value, Workbook};

const FUNNEL: &str = include_str!("../models/funnel.ron");

fn funnel() -> Workbook {
    Workbook::parse(FUNNEL, "funnel.ron").expect("parses")
}

fn axis(w: &Workbook, input: &str, values: &[f64]) -> Axis {
    Axis {
        input: parse_input(w, input, "data table").expect("input"),
        values: values.to_vec(),
    }
}

fn values(w: &Workbook) -> Vec<Vec<Value>> {
    (0..w.rows(0).len() as u32)
        .map(|r| w.row_values(0, r).to_vec())
        .collect()
}

#[test]
fn two_inputs_match_the_hand_computation() {
    let mut w = funnel();
    let (text, before) = (w.to_text(), values(&w));
    let target = parse_target(&w, "revenue@1").expect("target");
    // revenue@1 = 10,000 × 0.7 × 0.5 × 0.4 × invoice_to_paid × 69,900 × factor.
    let rows = axis(&w, "price", &[0.8, 1.0, 1.2]);
    let cols = axis(&w, "invoice_to_paid@1", &[0.4, 0.5, 0.6]);
    let mut calls = Vec::new();
    let table = data_table::data_table(&mut w, &target, &rows, Some(&cols), &mut |done, total| {
        calls.push((done, total));
        true
    })
    .expect("runs");
    for (i, f) in [0.8, 1.0, 1.2].iter().enumerate() {
        for (j, c) in [0.4, 0.5, 0.6].iter().enumerate() {
            let expected = 1400.0 * c * 69900.0 * f;
            let got = table.cells[i][j].expect("number");
            assert!(
                (got - expected).abs() < 1e-6 * expected,
                "{i},{j}: {got} {expected}"
            );
        }
    }
    assert_eq!(calls.len(), 9);
    assert_eq!(calls.last(), Some(&(9, 9)));
    assert_eq!((w.to_text(), values(&w)), (text, before));
    assert!(!w.can_undo());

    let csv = data_table::to_csv(&w, &table);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "price \\ invoice_to_paid@Jan 2026,0.4,0.5,0.6");
    assert_eq!(lines[2], "×1,39144000,48930000,58716000");
}

#[test]
fn one_input_gives_one_column() {
    let mut w = funnel();
    let target = parse_target(&w, "paid@total").expect("target");
    let rows = axis(&w, "leads@1", &[5000.0, 10000.0, 20000.0]);
    let table =
        data_table::data_table(&mut w, &target, &rows, None, &mut |_, _| true).expect("runs");
    let growth = (1.03f64.powi(12) - 1.0) / 0.03;
    for (i, leads) in [5000.0, 10000.0, 20000.0].iter().enumerate() {
        let got = table.cells[i][0].expect("number");
        let expected = leads * 0.07 * growth;
        assert!((got - expected).abs() < 1e-9 * expected, "{got} {expected}");
    }
    let csv = data_table::to_csv(&w, &table);
    assert!(csv.starts_with("leads@Jan 2026,paid@total\n5000,"), "{csv}");
}

#[test]
fn cancelling_leaves_the_workbook_alone() {
    let mut w = funnel();
    let (text, before) = (w.to_text(), values(&w));
    let target = parse_target(&w, "revenue@total").expect("target");
    let rows = axis(&w, "price", &[0.5, 1.5, 2.0]);
    let cols = axis(&w, "leads", &[0.5, 1.5, 2.0]);
    let err = data_table::data_table(&mut w, &target, &rows, Some(&cols), &mut |done, _| done < 4)
        .expect_err("cancelled");
    assert_eq!(err, DataTableError::Cancelled { done: 4, total: 9 });
    assert_eq!(
        err.to_string(),
        "the data table was cancelled after 4 of 9 cells"
    );
    assert_eq!((w.to_text(), values(&w)), (text, before));
}

#[test]
fn bad_tables_are_refused() {
    let mut w = funnel();
    let target = parse_target(&w, "revenue@total").expect("target");
    let many: Vec<f64> = (0..600).map(f64::from).collect();
    let rows = axis(&w, "price", &many);
    let cols = axis(&w, "leads@1", &many);
    let mut called = false;
    let err = data_table::data_table(&mut w, &target, &rows, Some(&cols), &mut |_, _| {
        called = true;
        true
    })
    .expect_err("too big");
    assert_eq!(
        err.to_string(),
        format!(
            "a 600 × 600 data table needs 360600 recalculations; the limit is {MAX_RECALCULATIONS} (use fewer values)"
        )
    );
    assert!(!called);

    let same = axis(&w, "price@1", &[1.0]);
    let price = axis(&w, "price", &[1.0]);
    let err = data_table::data_table(&mut w, &target, &price, Some(&same), &mut |_, _| true)
        .expect_err("same input");
    assert!(err.to_string().contains("change the same cells"), "{err}");
    let empty = axis(&w, "price", &[]);
    let err =
        data_table::data_table(&mut w, &target, &empty, None, &mut |_, _| true).expect_err("empty");
    assert_eq!(err.to_string(), "no values given for `price`");
    let inf = axis(&w, "price", &[f64::INFINITY]);
    let err =
        data_table::data_table(&mut w, &target, &inf, None, &mut |_, _| true).expect_err("inf");
    assert!(err.to_string().contains("not a finite number"), "{err}");
    let err = parse_input(&w, "revenue", "data table").expect_err("formula");
    assert_eq!(
        err,
        "`revenue` is computed by a formula; the data table changes an input (a metric with numbers typed into it)"
    );
}
