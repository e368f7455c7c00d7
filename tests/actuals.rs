//! Actuals, variance and the driver waterfall through the model API, with
//! hand-checked numbers: a two-input product whose waterfall is worked out
//! by hand, a rolling forecast that starts from the last actual, imports
//! (long, wide, remembered mapping, a bad file that applies nothing, a
//! re-import that replaces), frozen plans, and contributions that add up to
//! the difference on every sample and on random models.

use lever::model::actuals::{self, parse_csv};
use lever::model::variance::{self, Basis};
use lever::model::waterfall::{self, MODEL_CHANGES};
use lever::model::what_if::parse_target;
use lever::model::{CellInput, Command, Value, Workbook};
use proptest::prelude::*;

fn model_with(rows: &str, periods: u32, tail: &str) -> Workbook {
    let text = format!(
        "(version: 1, timeline: (start: \"2026-01\", periods: {periods}, step: Month), \
         sheets: [(name: \"Model\", rows: [{rows}])], {tail})"
    );
    Workbook::parse(&text, "test.ron").expect("model parses")
}

fn number(w: &Workbook, metric: &str, period: u32) -> f64 {
    let (s, r) = w.find_metric(metric).expect("metric");
    match w.value(s, r, period) {
        Value::Number(n) => *n,
        other => panic!("{metric}@{period} is {other:?}"),
    }
}

/// Imports CSV text into `w` as one edit; panics on problems.
fn import(w: &mut Workbook, csv: &str, close: Option<u32>) {
    let table = parse_csv(csv).expect("csv");
    let preview = actuals::preview(w, &table, &[]).expect("layout");
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let edit = actuals::import_edit(w, &preview, close).expect("edit");
    w.apply(edit).expect("applies");
}

const PRODUCT: &str = r#"
    (label: "Price", formula: "=price[-1]", values: [10]),
    (label: "Units", formula: "=units[-1]", values: [5]),
    (label: "Revenue", formula: "=price * units"),
"#;

#[test]
fn a_product_waterfall_matches_the_hand_computation() {
    let mut w = model_with(PRODUCT, 3, "");
    import(
        &mut w,
        "metric,period,value\nprice,2026-01,12\nunits,Jan 2026,4\n",
        None,
    );
    assert_eq!(number(&w, "revenue", 0), 48.0);
    // Plan 10 × 5 = 50. Price first (both are inputs, sheet order):
    // 12 × 5 = 60 (+10), then units: 12 × 4 = 48 (−12); total −2.
    let target = parse_target(&w, "revenue@Jan 2026").expect("target");
    let before = w.to_text();
    let result = waterfall::explain(&mut w, target, Basis::Actuals).expect("explains");
    assert_eq!((result.from, result.to), (50.0, 48.0));
    let parts: Vec<(&str, f64)> = result
        .drivers
        .iter()
        .map(|d| (d.name.as_str(), d.contribution))
        .collect();
    assert_eq!(parts, vec![("price", 10.0), ("units", -12.0)]);
    assert_eq!(result.drivers[0].from, Some(10.0));
    assert_eq!(result.drivers[0].to, Some(12.0));
    assert_eq!(result.total(), -2.0);
    assert_eq!(w.to_text(), before);
    assert_eq!(number(&w, "revenue", 0), 48.0);
    assert!(w.actuals_shown());
}

#[test]
fn upstream_drivers_go_first_and_an_actual_over_a_formula_takes_the_rest() {
    // Leads are computed from visits; the booked leads replace the formula.
    let rows = r#"
        (label: "Conversion", name: "cr", formula: "=cr[-1]", values: [0.1]),
        (label: "Leads", formula: "=visits * cr"),
        (label: "Visits", formula: "=visits[-1]", values: [1000]),
        (label: "Sales", formula: "=leads * 50"),
    "#;
    let mut w = model_with(rows, 2, "");
    import(
        &mut w,
        "metric,period,value\nleads,2026-01,90\nvisits,2026-01,1200\n",
        None,
    );
    let target = parse_target(&w, "sales@1").expect("target");
    let result = waterfall::explain(&mut w, target, Basis::Actuals).expect("explains");
    // Visits (an input) before leads (which read visits): 1200 × 0.1 × 50 =
    // 6000 (+1000 on 5000); then leads become 90: 4500 (−1500).
    let parts: Vec<(&str, f64)> = result
        .drivers
        .iter()
        .map(|d| (d.name.as_str(), d.contribution))
        .collect();
    assert_eq!(parts, vec![("visits", 1000.0), ("leads", -1500.0)]);
    assert_eq!(result.total(), -500.0);
}

#[test]
fn the_forecast_starts_from_the_last_actual() {
    let rows = r#"
        (label: "New"),
        (label: "Churned"),
        (label: "Customers", formula: "=customers[-1] + new - churned", values: [100]),
    "#;
    let rows = rows
        .replace(r#"(label: "New")"#, r#"(label: "New", formula: "=10")"#)
        .replace(
            r#"(label: "Churned")"#,
            r#"(label: "Churned", formula: "=2")"#,
        );
    let mut w = model_with(&rows, 4, "");
    assert_eq!(number(&w, "customers", 2), 116.0);
    import(&mut w, "metric,Jan 2026,Feb 2026\ncustomers,100,95\n", None);
    // Closed through February: March = 95 + 10 − 2.
    assert_eq!(number(&w, "customers", 1), 95.0);
    assert_eq!(number(&w, "customers", 2), 103.0);
    let (s, r) = w.find_metric("customers").expect("metric");
    assert!(w.is_actual(s, r, 1) && !w.is_actual(s, r, 2));
    // Hidden, the plan comes back; shown again, the actuals.
    w.set_actuals_shown(false);
    assert_eq!(number(&w, "customers", 2), 116.0);
    w.set_actuals_shown(true);
    assert_eq!(number(&w, "customers", 2), 103.0);
    // A booked period after the closed one is kept but not shown.
    import(
        &mut w,
        "metric,period,value\ncustomers,Mar 2026,90\n",
        Some(1),
    );
    assert_eq!(number(&w, "customers", 2), 103.0);
    // Reopened from the file, the actuals are in place.
    let reopened = Workbook::parse(&w.to_text(), "again.ron").expect("reads");
    assert_eq!(number(&reopened, "customers", 2), 103.0);
}

#[test]
fn a_bad_file_lists_every_problem_with_its_line_and_applies_nothing() {
    let w = model_with(PRODUCT, 3, "");
    let before = w.to_text();
    let csv = "metric,period,value\nprice,2026-01,12\nunitz,2026-01,4\nprice,2027-05,3\nunits,2026-02,lots\n";
    let table = parse_csv(csv).expect("csv");
    let preview = actuals::preview(&w, &table, &[]).expect("layout");
    let problems: Vec<(usize, &str)> = preview
        .problems
        .iter()
        .map(|p| (p.line, p.text.as_str()))
        .collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].0 == 4 && problems[0].1.contains("outside the timeline"));
    assert!(problems[1].0 == 5 && problems[1].1.contains("`lots` is not a number"));
    assert!(problems[2].0 == 3 && problems[2].1.contains("did you mean units"));
    let e = actuals::import_edit(&w, &preview, None).expect_err("refused");
    assert!(e.contains("nothing imported"), "{e}");
    assert_eq!(w.to_text(), before);
    // A file whose layout cannot be told says so.
    let table = parse_csv("a,b\n1,2\n").expect("csv");
    let e = actuals::preview(&w, &table, &[]).expect_err("no layout");
    assert!(e.contains("cannot tell the layout"), "{e}");
}

#[test]
fn reimporting_replaces_the_same_periods_in_one_undoable_edit_and_remembers_the_mapping() {
    let mut w = model_with(PRODUCT, 3, "");
    let start = w.to_text();
    let table = parse_csv("KPI;Jan 2026;Feb 2026\nAvg price;11;11,5\n").expect("csv");
    let mapping = [("Avg price".to_string(), "price".to_string())];
    let preview = actuals::preview(&w, &table, &mapping).expect("layout");
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    w.apply(actuals::import_edit(&w, &preview, None).expect("edit"))
        .expect("applies");
    assert_eq!(number(&w, "price", 1), 11.5);
    assert_eq!(number(&w, "revenue", 2), 57.5);
    let once = w.to_text();
    assert!(
        once.contains(r#"mapping: [("Avg price", "price")]"#),
        "{once}"
    );
    assert!(
        once.contains(r#"(metric: "price", values: [11, 11.5]),"#),
        "{once}"
    );
    // Next month the remembered mapping matches by itself; Feb is replaced.
    import(&mut w, "KPI;Feb 2026;Mar 2026\nAvg price;12;13\n", None);
    assert_eq!(number(&w, "price", 1), 12.0);
    assert_eq!(number(&w, "price", 2), 13.0);
    assert!(w.to_text().contains("values: [11, 12, 13]"));
    w.undo().expect("undo");
    assert_eq!(w.to_text(), once);
    w.undo().expect("undo");
    assert_eq!(w.to_text(), start);
    assert_eq!(number(&w, "revenue", 2), 50.0);
}

#[test]
fn typing_over_an_actual_corrects_the_actual() {
    let mut w = model_with(PRODUCT, 3, "");
    import(&mut w, "metric,period,value\nunits,2026-01,4\n", None);
    let (s, r) = w.find_metric("units").expect("metric");
    w.apply(vec![Command::SetCell {
        sheet: s,
        row: r,
        period: 0,
        input: CellInput::Number(6.0),
    }])
    .expect("books");
    assert_eq!(number(&w, "revenue", 0), 60.0);
    assert_eq!(w.input(s, r, 0), &CellInput::Number(5.0), "the plan stays");
    assert!(w.to_text().contains(r#"(metric: "units", values: [6]),"#));
    let e = w
        .apply(vec![Command::SetCell {
            sheet: s,
            row: r,
            period: 0,
            input: CellInput::Text("six".into()),
        }])
        .expect_err("refused");
    assert!(e.to_string().contains("an actual is a number"), "{e}");
}

#[test]
fn variance_rolls_up_and_says_what_helps() {
    let rows = r#"
        (label: "Price", formula: "=price[-1]", values: [10]),
        (label: "Units", formula: "=units[-1]", values: [5]),
        (label: "Revenue", formula: "=price * units"),
        (label: "Support cost", formula: "=units * 2"),
    "#;
    let mut w = model_with(rows, 4, "");
    import(
        &mut w,
        "metric,Jan 2026,Feb 2026,Mar 2026\nunits,6,4,5\n",
        None,
    );
    let periods = variance::parse_period(&w, Some("Q1 2026")).expect("period");
    let metrics = [
        w.find_metric("revenue").expect("m"),
        w.find_metric("support_cost").expect("m"),
    ];
    let report = variance::variance(&mut w, Basis::Actuals, &periods, &metrics).expect("report");
    assert_eq!(report.names, ("plan".to_string(), "actual".to_string()));
    let revenue = &report.lines[0];
    assert_eq!((revenue.from, revenue.to), (Some(150.0), Some(150.0)));
    let monthly = variance::parse_period(&w, None).expect("periods");
    let report =
        variance::variance(&mut w, Basis::Actuals, &monthly, &metrics[1..]).expect("report");
    // Closed periods only; support cost is lower-is-better.
    let lines: Vec<(String, Option<f64>, Option<bool>)> = report
        .lines
        .iter()
        .map(|l| (l.period.clone(), l.variance, l.helps))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("Jan 2026".to_string(), Some(2.0), Some(false)),
            ("Feb 2026".to_string(), Some(-2.0), Some(true)),
            ("Mar 2026".to_string(), Some(0.0), None),
        ]
    );
    assert_eq!(report.lines[0].variance_pct, Some(0.2));
}

#[test]
fn a_frozen_plan_compares_with_the_forecast_and_explains_model_changes() {
    let mut w = model_with(PRODUCT, 3, "");
    let edit = variance::freeze_plan(&w, "Budget 2026", "2026-01-05").expect("freezes");
    w.apply(edit).expect("applies");
    assert!(w.to_text().contains(r#"name: "Budget 2026""#));
    // Since then: a price rise and a changed revenue formula (a 10% fee).
    let (s, r) = w.find_metric("price").expect("m");
    w.apply(vec![Command::SetCell {
        sheet: s,
        row: r,
        period: 0,
        input: CellInput::Number(11.0),
    }])
    .expect("edits");
    let (s, rev) = w.find_metric("revenue").expect("m");
    w.apply(vec![Command::SetRowFormula {
        sheet: s,
        row: rev,
        formula: "=price * units * 0.9".into(),
    }])
    .expect("edits");
    let basis = variance::parse_basis(&w, "budget 2026").expect("plan");
    assert_eq!(basis, Basis::Plan(0));
    let target = parse_target(&w, "revenue@total").expect("target");
    let result = waterfall::explain(&mut w, target, basis).expect("explains");
    // Plan: 3 × 50 = 150. The model now on the plan's price: 3 × 45 = 135
    // (−15, model changes); then the price: 3 × 49.5 = 148.5 (+13.5).
    assert_eq!(result.from, 150.0);
    assert!((result.to - 148.5).abs() < 1e-9);
    assert_eq!(result.drivers[0].name, MODEL_CHANGES);
    assert!((result.drivers[0].contribution + 15.0).abs() < 1e-9);
    assert_eq!(result.drivers[1].name, "price");
    assert!((result.drivers[1].contribution - 13.5).abs() < 1e-9);
    let periods = variance::parse_period(&w, Some("total")).expect("total");
    let report = variance::variance(&mut w, basis, &periods, &[(s, rev)]).expect("report");
    assert_eq!(report.names.0, "Budget 2026");
    assert_eq!(report.lines[0].from, Some(150.0));
}

#[test]
fn renaming_a_metric_carries_its_actuals_and_undo_brings_them_back() {
    let mut w = model_with(PRODUCT, 3, "");
    import(&mut w, "metric,period,value\nunits,2026-01,4\n", None);
    let before = w.to_text();
    let (s, r) = w.find_metric("units").expect("m");
    w.apply(vec![Command::RenameMetric {
        sheet: s,
        row: r,
        name: "volume".into(),
    }])
    .expect("renames");
    assert!(w.to_text().contains(r#"(metric: "volume", values: [4]),"#));
    assert_eq!(number(&w, "revenue", 0), 40.0);
    w.undo().expect("undo");
    assert_eq!(w.to_text(), before);
    w.apply(vec![Command::DeleteRows {
        sheet: s,
        at: r,
        count: 1,
    }])
    .expect("deletes");
    assert!(!w.to_text().contains("metric: \"units\""));
    w.undo().expect("undo");
    assert_eq!(w.to_text(), before);
}

/// The contributions of a waterfall add up to its difference.
fn assert_adds_up(result: &waterfall::Waterfall, what: &str) {
    let scale = result.from.abs().max(result.to.abs()).max(1.0);
    assert!(
        (result.sum() - result.total()).abs() <= 1e-9 * scale,
        "{what}: {} vs {}",
        result.sum(),
        result.total()
    );
}

#[test]
fn contributions_add_up_on_every_sample() {
    for path in [
        "models/edtech-growth.ron",
        "models/saas.ron",
        "models/funnel.ron",
    ] {
        let mut w = Workbook::load(std::path::Path::new(path)).expect("sample");
        let names: Vec<String> = w.scenarios().iter().map(|s| s.name.clone()).collect();
        let outputs: Vec<String> = ["net_revenue", "ebitda", "revenue", "mrr", "cash"]
            .into_iter()
            .filter(|m| w.find_metric(m).is_some())
            .map(String::from)
            .collect();
        assert!(!outputs.is_empty(), "{path}");
        for (i, name) in names.iter().enumerate() {
            for metric in &outputs {
                for at in ["total", "6"] {
                    let target = parse_target(&w, &format!("{metric}@{at}")).expect("target");
                    let result = waterfall::explain(&mut w, target, Basis::Scenario(Some(i)))
                        .expect("explains");
                    assert_adds_up(&result, &format!("{path} {name} {metric}@{at}"));
                }
            }
        }
        if w.document().actuals.is_some() {
            for metric in &outputs {
                let target = parse_target(&w, &format!("{metric}@total")).expect("target");
                let result = waterfall::explain(&mut w, target, Basis::Actuals).expect("explains");
                assert_adds_up(&result, &format!("{path} actuals {metric}"));
                assert!(!result.drivers.is_empty());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// On random founder models with random actuals, the waterfall adds up
    /// to the difference and leaves the values as they were.
    #[test]
    fn contributions_add_up_on_random_models(
        seed in 0u64..10_000,
        picks in proptest::collection::vec((0usize..60, 0u32..6, 0.5f64..1.5), 1..12),
    ) {
        let doc = lever::model::generate::founder_model(60, 12, seed);
        let mut w = Workbook::new(doc);
        let inputs: Vec<(u32, u32)> = (0..w.rows(0).len() as u32)
            .filter(|&r| !w.metric_name(0, r).is_empty())
            .map(|r| (0, r))
            .collect();
        prop_assume!(!inputs.is_empty());
        let mut edit = Vec::new();
        for (pick, period, factor) in picks {
            let (s, r) = inputs[pick % inputs.len()];
            if let Value::Number(n) = w.value(s, r, period) {
                edit.push(Command::SetActualCell {
                    sheet: s,
                    row: r,
                    period,
                    input: CellInput::Number(n * factor),
                });
            }
        }
        prop_assume!(!edit.is_empty());
        w.apply(edit).expect("books");
        let mut actuals = w.document().actuals.as_deref().cloned().expect("booked");
        actuals.closed = "2026-06".into();
        w.apply(vec![Command::SetActuals { actuals: Some(Box::new(actuals)) }]).expect("closes");
        let last = (0..w.rows(0).len() as u32)
            .rev()
            .find(|&r| !w.metric_name(0, r).is_empty())
            .expect("a metric");
        let name = w.metric_name(0, last).to_string();
        let values: Vec<Value> = w.row_values(0, last).to_vec();
        let target = parse_target(&w, &format!("{name}@total")).expect("target");
        // Drivers by metric, or (odd seeds) by metric and period.
        match waterfall::explain_by(&mut w, target, Basis::Actuals, seed % 2 == 1) {
            Ok(result) => assert_adds_up(&result, &name),
            Err(e) => prop_assert!(e.contains("not a number"), "{}", e),
        }
        prop_assert_eq!(w.row_values(0, last).to_vec(), values);
    }
}

#[test]
fn an_excel_export_with_dates_as_headers_imports() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook as Xlsx};
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("export.xlsx");
    let mut book = Xlsx::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("mmm yyyy");
    sheet.write_string(0, 0, "Metric").expect("writes");
    for (col, month) in [(1u16, 1u8), (2, 2)] {
        let day = ExcelDateTime::from_ymd(2026, month, 1).expect("date");
        sheet
            .write_datetime_with_format(0, col, &day, &date)
            .expect("writes");
    }
    sheet.write_string(1, 0, "Price").expect("writes");
    sheet.write_number(1, 1, 12.0).expect("writes");
    sheet.write_string(1, 2, "(1,300)").expect("writes");
    sheet.write_string(2, 0, "Units").expect("writes");
    sheet.write_number(2, 1, 4.0).expect("writes");
    sheet.write_string(2, 2, "1e309").expect("writes");
    book.save(&path).expect("saves");
    let w = model_with(PRODUCT, 3, "");
    let table = actuals::read_table(&path).expect("reads");
    let preview = actuals::preview(&w, &table, &[]).expect("layout");
    assert!(matches!(preview.shape, actuals::Shape::Wide { .. }));
    assert_eq!(preview.changes.len(), 3, "{:?}", preview.changes);
    assert_eq!(preview.changes[1].value, -1300.0);
    assert_eq!(preview.problems.len(), 1, "{:?}", preview.problems);
    assert_eq!(preview.problems[0].line, 3);
    assert!(preview.problems[0].text.contains("`1e309` is not a number"));
}

#[test]
fn the_same_cell_twice_with_two_values_is_a_problem() {
    let w = model_with(PRODUCT, 3, "");
    let csv = "metric,period,value\nprice,2026-01,12\nprice,Jan 2026,12\nprice,2026-01,13\n";
    let preview = actuals::preview(&w, &parse_csv(csv).expect("csv"), &[]).expect("layout");
    assert_eq!(
        preview.changes.len(),
        1,
        "a repeated equal value is booked once"
    );
    let problems: Vec<(usize, &str)> = preview
        .problems
        .iter()
        .map(|p| (p.line, p.text.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![(4, "price in Jan 2026 is also on line 2, with another value")]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Booking, correcting and clearing actuals, closing periods and
    /// hiding the actuals, on random founder models: after every step the
    /// incremental values equal a workbook computed from scratch from the
    /// saved file (with actuals shown as the live one shows them), and
    /// undoing everything returns to the start.
    #[test]
    fn actual_edits_recalculate_as_a_fresh_load(
        seed in 0u64..10_000,
        steps in proptest::collection::vec((0usize..60, 0u32..8, 0.5f64..1.5, 0u8..6), 1..10),
    ) {
        let doc = lever::model::generate::founder_model(60, 8, seed);
        let mut w = Workbook::new(doc);
        let start = w.to_text();
        let rows: Vec<u32> = (0..w.rows(0).len() as u32)
            .filter(|&r| !w.metric_name(0, r).is_empty())
            .collect();
        prop_assume!(!rows.is_empty());
        let mut applied = 0;
        for (pick, period, factor, kind) in steps {
            let row = rows[pick % rows.len()];
            let command = match kind {
                0 => {
                    w.set_actuals_shown(!w.actuals_shown());
                    None
                }
                1 => {
                    let mut actuals = w.document().actuals.as_deref().cloned().unwrap_or_default();
                    actuals.closed = lever::model::timeline::period_month(&w.document().timeline, period);
                    Some(Command::SetActuals { actuals: Some(Box::new(actuals)) })
                }
                2 => Some(Command::SetActualCell { sheet: 0, row, period, input: CellInput::Empty }),
                _ => w.value(0, row, period).as_number().map(|n| Command::SetActualCell {
                    sheet: 0,
                    row,
                    period,
                    input: CellInput::Number(n * factor),
                }),
            };
            if let Some(command) = command {
                w.apply(vec![command]).expect("applies");
                applied += 1;
            }
            let mut fresh = Workbook::parse(&w.to_text(), "fresh.ron").expect("reads");
            fresh.set_actuals_shown(w.actuals_shown());
            for r in 0..w.rows(0).len() as u32 {
                prop_assert_eq!(w.row_values(0, r), fresh.row_values(0, r), "row {}", r);
            }
        }
        for _ in 0..applied {
            w.undo().expect("undo");
        }
        prop_assert_eq!(w.to_text(), start);
    }
}

#[test]
fn a_waterfall_by_period_splits_each_metric_month_by_month() {
    let mut w = model_with(PRODUCT, 2, "");
    import(
        &mut w,
        "metric,Jan 2026,Feb 2026\nprice,12,12\nunits,4,4\n",
        None,
    );
    let target = parse_target(&w, "revenue@total").expect("target");
    let result = waterfall::explain_by(&mut w, target, Basis::Actuals, true).expect("explains");
    // Plan 10 × 5 twice = 100. January's price carries into February
    // (`=price[-1]`): 12 × 5 twice = 120 (+20); February's own actual
    // changes nothing more; then units: 12 × 4 twice = 96 (−24).
    let parts: Vec<(&str, f64)> = result
        .drivers
        .iter()
        .map(|d| (d.name.as_str(), d.contribution))
        .collect();
    assert_eq!(
        parts,
        vec![
            ("price@Jan 2026", 20.0),
            ("price@Feb 2026", 0.0),
            ("units@Jan 2026", -24.0),
            ("units@Feb 2026", 0.0),
        ]
    );
    assert_eq!(result.drivers[0].label, "Price, Jan 2026");
    assert_eq!(result.drivers[0].period, Some(0));
    assert_eq!(result.total(), -4.0);
    assert_eq!(result.sum(), result.total());
}
