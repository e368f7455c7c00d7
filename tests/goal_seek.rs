//! Goal seek on `models/funnel.ron` and `models/edtech-growth.ron`: answers
//! computed by hand, the workbook left alone until the answer is applied as
//! one undoable edit, and the messages for impossible requests.

use lever::model::goal_seek::{self, GoalSeek};
use lever::model::input_ref::{InputRef, parse_input};
use lever::model::what_if::parse_target;
use lever::model::{CellInput, Command, Value, Workbook};

const FUNNEL: &str = include_str!("../models/funnel.ron");
const EDTECH: &str = include_str!("../models/edtech-growth.ron");

fn funnel() -> Workbook {
    Workbook::parse(FUNNEL, "funnel.ron").expect("parses")
}

fn seek(w: &mut Workbook, target: &str, value: f64, input: &str) -> Result<GoalSeek, String> {
    let target = parse_target(w, target)?;
    let input = parse_input(w, input, "goal seek")?;
    goal_seek::goal_seek(w, &target, value, &input)
}

fn values(w: &Workbook) -> Vec<Vec<Value>> {
    (0..w.rows(0).len() as u32)
        .map(|r| w.row_values(0, r).to_vec())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn one_cell_answer_matches_the_hand_computation() {
    let mut w = funnel();
    let (text, before) = (w.to_text(), values(&w));
    // paid = 10,000 × 0.7 × 0.5 × 0.4 × invoice_to_paid = 1,400 × it.
    let result = seek(&mut w, "paid@Jan 2026", 1000.0, "invoice_to_paid@1").expect("found");
    assert!(
        close(result.solution, 1000.0 / 1400.0),
        "{}",
        result.solution
    );
    assert!(close(result.achieved, 1000.0));
    assert_eq!(result.start, 0.5);
    assert_eq!(result.target_before, 700.0);
    assert!(
        result.evaluations > 0 && result.evaluations < 40,
        "{}",
        result.evaluations
    );
    assert_eq!((w.to_text(), values(&w)), (text.clone(), before.clone()));
    assert!(!w.can_undo());

    goal_seek::apply(&mut w, &result).expect("applies");
    assert_eq!(w.undo_len(), 1);
    let (sheet, row) = w.find_metric("paid").expect("paid");
    assert!(close(
        w.value(sheet, row, 0).as_number().expect("n"),
        1000.0
    ));
    w.undo().expect("undo");
    assert_eq!((w.to_text(), values(&w)), (text, before));
}

#[test]
fn a_row_factor_and_a_growth_answer() {
    let mut w = funnel();
    // Revenue is proportional to price: twice the revenue is factor 2.
    let (sheet, row) = w.find_metric("revenue").expect("revenue");
    let total: f64 = w
        .row_values(sheet, row)
        .iter()
        .filter_map(Value::as_number)
        .sum();
    let result = seek(&mut w, "revenue@total", 2.0 * total, "price").expect("found");
    assert_eq!(result.input, InputRef::Row { sheet: 0, row: 7 });
    assert!(close(result.solution, 2.0), "{}", result.solution);
    assert_eq!(
        result.edit,
        vec![Command::SetCell {
            sheet: 0,
            row: 7,
            period: 0,
            input: CellInput::Number(139800.0)
        }]
    );
    // paid@total = leads₁ × 0.07 × (1.03¹² − 1) / 0.03.
    let growth = (1.03f64.powi(12) - 1.0) / 0.03;
    let result = seek(&mut w, "paid", 10000.0, "leads@1").expect("found");
    assert!(
        close(result.solution, 10000.0 / (0.07 * growth)),
        "{}",
        result.solution
    );
    // A non-linear one: paid@12 = 1,000 → 700 × (1 + g)¹¹ = 1,000.
    let result = seek(&mut w, "paid@12", 1000.0, "leads_growth@1").expect("found");
    let g = (1000.0f64 / 700.0).powf(1.0 / 11.0) - 1.0;
    assert!(
        (result.solution - g).abs() < 1e-9,
        "{} {g}",
        result.solution
    );
}

#[test]
fn goal_seek_under_a_scenario_writes_the_scenario() {
    let text = FUNNEL.replace(
        "    scenarios: [],\n",
        "    scenarios: [\n        (name: \"Big\", note: \"\", overrides: [(metric: \"leads\", values: [20000])]),\n    ],\n",
    );
    let mut w = Workbook::parse(&text, "f").expect("parses");
    w.set_active_scenario(Some(0)).expect("switch");
    // paid = 20,000 × 0.14 × invoice_to_paid.
    let result = seek(&mut w, "paid@1", 1400.0, "invoice_to_paid@1").expect("found");
    assert!(close(result.solution, 0.5), "{}", result.solution);
    assert_eq!(result.evaluations, 0, "already there");
    let result = seek(&mut w, "paid@1", 2100.0, "invoice_to_paid@1").expect("found");
    assert!(close(result.solution, 0.75), "{}", result.solution);
    goal_seek::apply(&mut w, &result).expect("applies");
    let (sheet, row) = w.find_metric("invoice_to_paid").expect("row");
    assert_eq!(w.input(sheet, row, 0), &CellInput::Number(0.5), "base kept");
    assert_eq!(w.scenarios()[0].overrides.len(), 2);
    w.set_active_scenario(None).expect("base");
    let (sheet, row) = w.find_metric("paid").expect("paid");
    assert_eq!(w.value(sheet, row, 0).as_number(), Some(700.0));
}

#[test]
fn impossible_requests_say_why() {
    let mut w = funnel();
    let text = w.to_text();
    let err = seek(&mut w, "paid@1", 1000.0, "contacts@1").expect_err("formula");
    assert_eq!(
        err,
        "`contacts` is computed by a formula; the goal seek changes an input (a metric with numbers typed into it)"
    );
    let err = seek(&mut w, "paid@1", 1000.0, "contacts").expect_err("formula row");
    assert!(err.contains("`contacts` is computed by a formula"), "{err}");
    let err = seek(&mut w, "paid@1", 1000.0, "price@1").expect_err("independent");
    assert_eq!(
        err,
        "`paid@Jan 2026` does not depend on `price@Jan 2026`; pick an input it is computed from"
    );
    let err = seek(&mut w, "nope@1", 1000.0, "price@1").expect_err("unknown");
    assert_eq!(err, "no metric `nope`");
    let err = seek(&mut w, "paid@1", f64::NAN, "price@1").expect_err("nan");
    assert!(err.contains("not a finite number"), "{err}");
    let err = seek(&mut w, "paid@1", 1000.0, "price@total").expect_err("total");
    assert!(err.contains("one input cell"), "{err}");
    assert_eq!(w.to_text(), text);

    // The target is an error.
    let (sheet, row) = w.find_metric("qualified").expect("row");
    w.apply(vec![Command::SetRowFormula {
        sheet,
        row,
        formula: "=contacts / 0".into(),
    }])
    .expect("edit");
    let err = seek(&mut w, "qualified@1", 1.0, "leads@1").expect_err("error");
    assert_eq!(err, "the target `qualified@Jan 2026` is not a number");
}

#[test]
fn no_solution_in_range_names_the_closest() {
    let mut w = Workbook::parse(EDTECH, "edtech").expect("parses");
    let text = w.to_text();
    // A conversion is never negative, whatever the price.
    let err = seek(&mut w, "paid_conversion@1", -0.1, "list_price").expect_err("none");
    assert!(
        err.starts_with("no factor on `list_price` between ×"),
        "{err}"
    );
    assert!(
        err.contains(
            "gives paid_conversion@Jan 2026 = -10.0%; closest: paid_conversion@Jan 2026 = "
        ),
        "{err}"
    );
    assert_eq!(w.to_text(), text);
    assert!(!w.can_undo());
}

#[test]
fn edtech_price_for_an_ebitda_goal() {
    let mut w = Workbook::parse(EDTECH, "edtech").expect("parses");
    let before = values(&w);
    let (sheet, row) = w.find_metric("ebitda").expect("ebitda");
    let total: f64 = w
        .row_values(sheet, row)
        .iter()
        .filter_map(Value::as_number)
        .sum();
    let result = seek(&mut w, "ebitda@total", total + 10_000_000.0, "list_price").expect("found");
    assert!(close(result.achieved, total + 10_000_000.0));
    assert!(result.solution != 1.0);
    assert_eq!(values(&w), before);
    goal_seek::apply(&mut w, &result).expect("applies");
    let after: f64 = w
        .row_values(sheet, row)
        .iter()
        .filter_map(Value::as_number)
        .sum();
    assert!(close(after, total + 10_000_000.0), "{after}");
    let ripple = w.recalc_all();
    assert!(ripple.changes.is_empty());
}
