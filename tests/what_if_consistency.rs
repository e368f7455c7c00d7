//! The fast what-if paths (recalculation limited to what the target reads,
//! no ripple lists) give exactly what plain probes give, and leave every
//! cell of the sample model as a full recalculation computes it, with and
//! without an active scenario.

use lever::model::data_table::{self, Axis};
use lever::model::goal_seek;
use lever::model::input_ref::parse_input;
use lever::model::what_if::{self, parse_target, target_value};
use lever::model::{CellInput, Command, Value, Workbook};

const EDTECH: &str = include_str!("../models/edtech-growth.ron");

fn all_values(w: &Workbook) -> Vec<Vec<Value>> {
    (0..w.rows(0).len() as u32)
        .map(|r| w.row_values(0, r).to_vec())
        .collect()
}

fn check(scenario: Option<usize>) {
    let mut w = Workbook::parse(EDTECH, "edtech").expect("parses");
    w.set_active_scenario(scenario).expect("switch");
    let (text, before) = (w.to_text(), all_values(&w));
    let target = parse_target(&w, "ebitda@total").expect("target");

    let bars = what_if::sensitivity(&mut w, &target, 0.1, None).expect("runs");
    assert!(bars.len() > 50);
    for bar in bars.iter().take(12) {
        let numbers = what_if::row_numbers(&w, bar.sheet, bar.row);
        for (factor, got) in [(0.9, bar.low), (1.1, bar.high)] {
            let edit = numbers
                .iter()
                .map(|&(period, n)| Command::SetCell {
                    sheet: bar.sheet,
                    row: bar.row,
                    period,
                    input: CellInput::Number(n * factor),
                })
                .collect();
            let expected = w.probe(edit, |w| target_value(w, &target)).expect("probe");
            assert_eq!(got, expected, "{}", bar.name);
        }
    }
    assert_eq!(
        (w.to_text(), all_values(&w)),
        (text.clone(), before.clone())
    );

    let rows = Axis {
        input: parse_input(&w, "list_price", "data table").expect("input"),
        values: vec![0.9, 1.1],
    };
    let cols = Axis {
        input: parse_input(&w, "base_paid_conversion@1", "data table").expect("input"),
        values: vec![0.4, 0.5],
    };
    let table = data_table::data_table(&mut w, &target, &rows, Some(&cols), &mut |_, _| true)
        .expect("runs");
    assert_eq!(table.cells.len(), 2);
    assert_eq!(
        (w.to_text(), all_values(&w)),
        (text.clone(), before.clone())
    );

    let input = parse_input(&w, "list_price", "goal seek").expect("input");
    let goal = target_value(&w, &target).expect("number") + 5_000_000.0;
    let result = goal_seek::goal_seek(&mut w, &target, goal, &input).expect("found");
    assert_eq!((w.to_text(), all_values(&w)), (text, before));
    assert!(w.recalc_all().changes.is_empty());

    // The answer applied gives the same values as a fresh build would.
    goal_seek::apply(&mut w, &result).expect("applies");
    let applied = all_values(&w);
    let mut fresh = Workbook::parse(&w.to_text(), "again").expect("parses");
    fresh.set_active_scenario(scenario).expect("switch");
    assert_eq!(all_values(&fresh), applied);
    assert!(w.recalc_all().changes.is_empty());
}

#[test]
fn base_model() {
    check(None);
}

#[test]
fn optimistic_scenario() {
    check(Some(0));
}
