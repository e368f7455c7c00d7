//! Scenarios: switching is view state and incremental; scenario edits are
//! undoable commands; metric renames and row deletions keep overrides
//! consistent; the file round-trips byte for byte; comparisons are checked
//! against hand-computed figures of `models/funnel.ron`.

use lever::model::document::ScenarioOverride;
use lever::model::{CellInput, Command, EditError, Scenario, Value, Workbook, scenario};

const FUNNEL: &str = include_str!("../models/funnel.ron");
const EDTECH: &str = include_str!("../models/edtech-growth.ron");

/// The funnel with two scenarios: `High close` (invoice → paid 60% from
/// month 1) and `Cheap` (price 50,000 in month 1, 60,000 from month 7).
fn funnel_text() -> String {
    FUNNEL.replace(
        "    scenarios: [],\n",
        "    scenarios: [\n        (name: \"High close\", note: \"Better script\", overrides: [(metric: \"invoice_to_paid\", values: [0.6])]),\n        (name: \"Cheap\", note: \"\", overrides: [(metric: \"price\", values: [50000, (), (), (), (), (), 60000])]),\n    ],\n",
    )
}

fn funnel() -> Workbook {
    Workbook::parse(&funnel_text(), "funnel.ron").expect("parses")
}

fn find(w: &Workbook, name: &str) -> (u32, u32) {
    w.find_metric(name).expect(name)
}

fn num(w: &Workbook, name: &str, period: u32) -> f64 {
    let (s, r) = find(w, name);
    w.value(s, r, period).as_number().expect("a number")
}

fn all_values(w: &Workbook) -> Vec<Vec<Value>> {
    (0..w.rows(0).len() as u32)
        .map(|r| w.row_values(0, r).to_vec())
        .collect()
}

fn set(w: &Workbook, name: &str, period: u32, n: f64) -> Command {
    let (sheet, row) = find(w, name);
    Command::SetCell {
        sheet,
        row,
        period,
        input: CellInput::Number(n),
    }
}

/// Incremental values equal a full recalculation's.
fn assert_consistent(w: &mut Workbook) {
    let before = all_values(w);
    let ripple = w.recalc_all();
    assert!(ripple.changes.is_empty(), "{:?}", ripple.changes.first());
    assert_eq!(all_values(w), before);
}

#[test]
fn files_with_scenarios_round_trip_byte_for_byte() {
    for text in [funnel_text(), EDTECH.to_string()] {
        let w = Workbook::parse(&text, "model.ron").expect("parses");
        assert_eq!(w.to_text(), text);
    }
    let w = Workbook::parse(EDTECH, "edtech").expect("parses");
    let names: Vec<&str> = w.scenarios().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Optimistic", "Pessimistic"]);
    assert!(w.problems().is_empty(), "{:?}", w.problems());
}

#[test]
fn switching_shows_the_scenario_and_is_not_an_edit() {
    let mut w = funnel();
    let text = w.to_text();
    let opened = w.state_id();
    let base = all_values(&w);
    assert_eq!(w.active_scenario(), None);
    assert_eq!(num(&w, "paid", 0), 700.0);
    let ripple = w.set_active_scenario(Some(0)).expect("switch");
    assert!(!ripple.changes.is_empty());
    // 10,000 × 0.7 × 0.5 × 0.4 × 0.6 = 840, in every month's share.
    assert!((num(&w, "paid", 0) - 840.0).abs() < 1e-9);
    assert!((num(&w, "invoice_to_paid", 11) - 0.6).abs() < 1e-12);
    assert_consistent(&mut w);
    assert_eq!(w.to_text(), text, "the document is unchanged");
    assert!(!w.can_undo());
    assert_eq!(w.state_id(), opened);

    w.set_active_scenario(Some(1)).expect("switch");
    assert_eq!(num(&w, "price", 0), 50000.0);
    assert_eq!(num(&w, "price", 5), 50000.0);
    assert_eq!(num(&w, "price", 6), 60000.0);
    assert_eq!(num(&w, "paid", 0), 700.0);
    assert_consistent(&mut w);

    w.set_active_scenario(None).expect("back");
    assert_eq!(all_values(&w), base);
    assert_eq!(
        w.set_active_scenario(Some(2)),
        Err(EditError::OutOfRange(
            "no scenario number 3 (there are 2)".into()
        ))
    );
}

#[test]
fn input_edits_under_a_scenario_go_to_the_scenario() {
    let mut w = funnel();
    let text = w.to_text();
    w.set_active_scenario(Some(0)).expect("switch");
    let (sheet, row) = find(&w, "lead_to_contact");
    w.apply(vec![set(&w, "lead_to_contact", 0, 0.8)])
        .expect("edit");
    // The base is unchanged; the scenario holds the override.
    assert_eq!(w.input(sheet, row, 0), &CellInput::Number(0.7));
    assert_eq!(w.effective_input(sheet, row, 0), &CellInput::Number(0.8));
    assert_eq!(
        w.scenarios()[0].overrides[1],
        ScenarioOverride {
            metric: "lead_to_contact".into(),
            values: vec![CellInput::Number(0.8)],
            uncertainty: None,
        }
    );
    // 10,000 × 0.8 × 0.5 × 0.4 × 0.6 = 960.
    assert!((num(&w, "paid", 0) - 960.0).abs() < 1e-9);
    assert_consistent(&mut w);

    // Clearing the cell in the scenario removes the override: back to 0.7.
    w.apply(vec![Command::SetCell {
        sheet,
        row,
        period: 0,
        input: CellInput::Empty,
    }])
    .expect("clear");
    assert_eq!(w.scenarios()[0].overrides.len(), 1);
    assert!((num(&w, "paid", 0) - 840.0).abs() < 1e-9);

    w.undo().expect("undo clear");
    assert!((num(&w, "paid", 0) - 960.0).abs() < 1e-9);
    w.undo().expect("undo edit");
    assert!((num(&w, "paid", 0) - 840.0).abs() < 1e-9);
    assert_eq!(w.to_text(), text);
    assert_consistent(&mut w);

    // Undo after switching back to base still restores the scenario.
    w.redo().expect("redo");
    w.set_active_scenario(None).expect("base");
    assert_eq!(num(&w, "paid", 0), 700.0);
    w.undo().expect("undo under base");
    assert_eq!(w.to_text(), text);
    assert_eq!(num(&w, "paid", 0), 700.0);
    assert_consistent(&mut w);
}

#[test]
fn base_edits_under_a_scenario_change_the_base_and_overrides_win() {
    let mut w = funnel();
    w.set_active_scenario(Some(1)).expect("cheap");
    let (sheet, row) = find(&w, "price");
    // Month 3 follows the row formula: the edit goes to the base model.
    w.apply(vec![set(&w, "price", 2, 55000.0)]).expect("edit");
    assert_eq!(w.input(sheet, row, 2), &CellInput::Number(55000.0));
    assert_eq!(num(&w, "price", 2), 55000.0);
    assert_eq!(num(&w, "price", 5), 55000.0);
    assert_eq!(num(&w, "price", 6), 60000.0, "the scenario's override wins");
    // A row formula edit changes the base; the scenario's month 1 stays.
    w.apply(vec![Command::SetRowFormula {
        sheet,
        row,
        formula: "=price[-1] * 2".into(),
    }])
    .expect("formula");
    assert_eq!(num(&w, "price", 0), 50000.0);
    assert_eq!(num(&w, "price", 1), 100000.0);
    assert_eq!(num(&w, "price", 7), 120000.0);
    assert_consistent(&mut w);
    w.set_active_scenario(None).expect("base");
    assert_eq!(num(&w, "price", 0), 69900.0);
    assert_eq!(num(&w, "price", 1), 139800.0);
    assert_consistent(&mut w);
}

#[test]
fn scenario_commands_are_undoable_and_names_are_checked() {
    let mut w = funnel();
    let text = w.to_text();
    let copy = Scenario {
        name: " Copy ".into(),
        note: "from High close".into(),
        overrides: w.scenarios()[0].overrides.clone(),
    };
    w.apply(vec![Command::AddScenario {
        index: 0,
        scenario: copy,
    }])
    .expect("add");
    assert_eq!(w.scenarios()[0].name, "Copy");
    w.apply(vec![Command::RenameScenario {
        index: 0,
        name: "Copy 2".into(),
    }])
    .expect("rename");
    w.apply(vec![Command::SetScenarioNote {
        index: 0,
        note: "n".into(),
    }])
    .expect("note");
    assert_eq!(
        (
            w.scenarios()[0].name.as_str(),
            w.scenarios()[0].note.as_str()
        ),
        ("Copy 2", "n")
    );
    for (name, message) in [
        ("", "a scenario needs a name"),
        ("  ", "a scenario needs a name"),
        ("cheap", "there is already a scenario named `cheap`"),
        (
            "Base",
            "`Base` is the model without overrides; pick another scenario name",
        ),
    ] {
        let err = w
            .apply(vec![Command::RenameScenario {
                index: 0,
                name: name.into(),
            }])
            .expect_err(name);
        assert_eq!(err.to_string(), message);
    }
    assert!(
        w.apply(vec![Command::DeleteScenario { index: 9 }])
            .expect_err("range")
            .to_string()
            .contains("no scenario number 10")
    );
    w.apply(vec![Command::DeleteScenario { index: 0 }])
        .expect("delete");
    assert_eq!(w.to_text(), text);
    for _ in 0..4 {
        w.undo().expect("undo");
    }
    assert_eq!(w.to_text(), text);
}

#[test]
fn the_active_scenario_follows_inserts_and_deletes() {
    let mut w = funnel();
    w.set_active_scenario(Some(1)).expect("cheap");
    w.apply(vec![Command::AddScenario {
        index: 0,
        scenario: Scenario {
            name: "New".into(),
            ..Scenario::default()
        },
    }])
    .expect("add");
    assert_eq!(w.active_scenario(), Some(2));
    assert_eq!(num(&w, "price", 0), 50000.0);
    w.apply(vec![Command::DeleteScenario { index: 2 }])
        .expect("delete the active one");
    assert_eq!(w.active_scenario(), None);
    assert_eq!(num(&w, "price", 0), 69900.0);
    assert_consistent(&mut w);
    w.undo().expect("undo");
    assert_eq!(w.active_scenario(), None);
    assert_eq!(w.scenarios()[2].name, "Cheap");
    w.set_active_scenario(Some(2)).expect("again");
    assert_eq!(num(&w, "price", 0), 50000.0);
}

#[test]
fn renaming_and_deleting_metrics_keep_overrides_consistent() {
    let mut w = funnel();
    let text = w.to_text();
    w.set_active_scenario(Some(1)).expect("cheap");
    let (sheet, row) = find(&w, "price");
    w.apply(vec![Command::RenameMetric {
        sheet,
        row,
        name: "list_price".into(),
    }])
    .expect("rename");
    assert_eq!(w.scenarios()[1].overrides[0].metric, "list_price");
    assert_eq!(num(&w, "list_price", 0), 50000.0);
    assert!(w.problems().is_empty(), "{:?}", w.problems());
    assert_consistent(&mut w);
    w.undo().expect("undo");
    assert_eq!(w.to_text(), text);
    assert_eq!(num(&w, "price", 0), 50000.0);

    w.apply(vec![Command::DeleteRows {
        sheet,
        at: row,
        count: 1,
    }])
    .expect("delete");
    assert!(w.scenarios()[1].overrides.is_empty());
    assert!(w.problems().is_empty(), "{:?}", w.problems());
    w.undo().expect("undo");
    assert_eq!(w.to_text(), text);
    assert_eq!(num(&w, "price", 0), 50000.0);
    assert_consistent(&mut w);
}

#[test]
fn compare_gives_values_totals_and_differences() {
    let mut w = funnel();
    w.set_active_scenario(Some(1)).expect("cheap");
    let before = all_values(&w);
    let paid = find(&w, "paid");
    let revenue = find(&w, "revenue");
    let c = scenario::compare(&mut w, &[None, Some(0), Some(1)], &[paid, revenue]).expect("runs");
    assert_eq!(c.names, ["base", "High close", "Cheap"]);
    assert_eq!(w.active_scenario(), Some(1));
    assert_eq!(all_values(&w), before);
    assert!(!w.can_undo());

    // Base paid: 700 × (1.03^12 − 1) / 0.03 over the year; High close is
    // 20% more in every month.
    let growth: f64 = (1.03f64.powi(12) - 1.0) / 0.03;
    let paid_cmp = &c.metrics[0];
    assert_eq!(paid_cmp.name, "paid");
    assert!((paid_cmp.columns[0].total - 700.0 * growth).abs() < 1e-6);
    assert!((paid_cmp.columns[1].total - 840.0 * growth).abs() < 1e-6);
    assert!((paid_cmp.columns[1].total_diff - 140.0 * growth).abs() < 1e-6);
    assert!((paid_cmp.columns[1].total_pct.expect("pct") - 0.2).abs() < 1e-12);
    assert!((paid_cmp.columns[1].diff[0].expect("diff") - 140.0).abs() < 1e-9);
    assert!((paid_cmp.columns[1].pct[11].expect("pct") - 0.2).abs() < 1e-12);
    assert_eq!(paid_cmp.columns[0].total_diff, 0.0);
    assert_eq!(paid_cmp.columns[2].total_pct, Some(0.0));

    // Cheap revenue: paid × 50,000 for six months, × 60,000 after.
    let rev = &c.metrics[1].columns[2];
    let expected: f64 = (0..12)
        .map(|p| 700.0 * 1.03f64.powi(p) * if p < 6 { 50000.0 } else { 60000.0 })
        .sum();
    assert!(
        (rev.total - expected).abs() < 1e-3,
        "{} {expected}",
        rev.total
    );
    let base_rev = 700.0 * growth * 69900.0;
    assert!((c.metrics[1].columns[0].total - base_rev).abs() < 1e-3);
    let pct = rev.total_pct.expect("pct");
    assert!((pct - (expected - base_rev) / base_rev).abs() < 1e-12);

    assert!(scenario::compare(&mut w, &[], &[paid]).is_err());
    assert!(scenario::compare(&mut w, &[Some(7)], &[paid]).is_err());
    assert_eq!(w.active_scenario(), Some(1));
}

#[test]
fn scenarios_are_found_by_name() {
    let w = funnel();
    assert_eq!(scenario::find(&w, "BASE"), Ok(None));
    assert_eq!(scenario::find(&w, "cheap"), Ok(Some(1)));
    assert_eq!(
        scenario::find(&w, "nope"),
        Err("no scenario `nope` (scenarios: base, High close, Cheap)".into())
    );
}

#[test]
fn edtech_scenarios_move_the_headline_figures() {
    let mut w = Workbook::parse(EDTECH, "edtech").expect("parses");
    let text = w.to_text();
    let ebitda = find(&w, "ebitda");
    let revenue = find(&w, "net_revenue");
    let c = scenario::compare(&mut w, &[None, Some(0), Some(1)], &[ebitda, revenue]).expect("runs");
    let rev = &c.metrics[1].columns;
    assert!(rev[1].total > rev[0].total && rev[0].total > rev[2].total);
    let ebitda = &c.metrics[0].columns;
    assert!(ebitda[1].total > ebitda[0].total && ebitda[0].total > ebitda[2].total);
    for index in [Some(0), Some(1)] {
        w.set_active_scenario(index).expect("switch");
        assert_consistent(&mut w);
    }
    assert_eq!(w.to_text(), text);
}

#[test]
fn overrides_of_unknown_metrics_are_reported_and_ignored() {
    let text = FUNNEL.replace(
        "    scenarios: [],\n",
        "    scenarios: [\n        (name: \"Odd\", note: \"\", overrides: [(metric: \"nope\", values: [1]), (metric: \"Model!price\", values: [1000])]),\n    ],\n",
    );
    let mut w = Workbook::parse(&text, "odd.ron").expect("parses");
    assert_eq!(
        w.problems(),
        ["scenario `Odd`: no metric `nope` for its override"]
    );
    w.set_active_scenario(Some(0)).expect("switch");
    assert_eq!(num(&w, "price", 0), 1000.0, "a sheet-qualified key works");
    assert_consistent(&mut w);
    assert_eq!(w.to_text(), text);
}

#[test]
fn an_override_follows_its_name_to_the_row_renamed_to_it() {
    let mut w = funnel();
    w.set_active_scenario(Some(0))
        .expect("High close activates");
    let (sheet, old_row) = find(&w, "invoice_to_paid");
    let (_, price_row) = find(&w, "price");
    // The overridden row becomes a section: the override names no row...
    let mut info = w.rows(sheet)[old_row as usize].clone();
    info.section = "Closing".into();
    w.apply(vec![Command::SetRowInfo {
        sheet,
        row: old_row,
        info,
    }])
    .expect("the row becomes a section");
    // ...until another metric takes its name, in place.
    w.apply(vec![Command::RenameMetric {
        sheet,
        row: price_row,
        name: "invoice_to_paid".into(),
    }])
    .expect("rename applies");
    assert_eq!(w.value(sheet, price_row, 0).as_number(), Some(0.6));
    let mut fresh = Workbook::parse(&w.to_text(), "fresh.ron").expect("parses");
    fresh.set_active_scenario(Some(0)).expect("activates");
    assert_eq!(all_values(&w), all_values(&fresh));
    w.undo().expect("undo");
    let mut fresh = Workbook::parse(&w.to_text(), "fresh.ron").expect("parses");
    fresh.set_active_scenario(Some(0)).expect("activates");
    assert_eq!(all_values(&w), all_values(&fresh));
}
