//! Rows inserted, deleted and moved on the live engine give exactly what a
//! workbook built afresh from the same document gives: random grid sheets
//! whose formulas read cells, ranges that rows move in and out of, whole
//! columns and rows, ranges from another sheet and through a defined name,
//! positions (`ROW`, `INDEX`, `MATCH`) and `OFFSET`; then undo back to the
//! start. (Metric models get the same treatment in `incremental.rs`.)

use lever::engine::Value;
use lever::model::generate::Rng;
use lever::model::{CellInput, Command, RowFile, Workbook};
use proptest::prelude::*;

/// Columns of the random sheets.
const COLS: u32 = 4;

/// Values equal for our purpose: numbers bit for bit, errors by kind (the
/// wording of a cycle's path may start at another cell).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Error(x), Value::Error(y)) => x.kind == y.kind,
        _ => a.same_as(b),
    }
}

fn assert_matches_fresh(workbook: &Workbook, context: &str) {
    let fresh = Workbook::new(workbook.document().clone());
    for sheet in 0..2 {
        // A cleared last column stays in the grid until the engine is
        // built again (as Excel's used range does): compare what either has.
        let (rows, cols) = workbook.grid_size(sheet);
        let (fresh_rows, fresh_cols) = fresh.grid_size(sheet);
        assert_eq!(rows, fresh_rows, "{context}: sheet {sheet} rows");
        for row in 0..rows {
            for col in 0..cols.max(fresh_cols) {
                let live = workbook.cell_value(sheet, row, col);
                let built = fresh.cell_value(sheet, row, col);
                assert!(
                    same(live, built),
                    "{context}: sheet {sheet} row {row} col {col}: live {live:?} != fresh {built:?}"
                );
            }
        }
    }
}

fn random_formula(rng: &mut Rng, rows: usize) -> String {
    let row = |rng: &mut Rng| rng.below(rows + 2) + 1;
    let col = |rng: &mut Rng| ["A", "B", "C", "D"][rng.below(4)];
    let (r1, r2) = (row(rng), row(rng));
    let (top, bottom) = (r1.min(r2), r1.max(r2));
    let (c1, c2) = (col(rng), col(rng));
    match rng.below(17) {
        0 => format!("={c1}{r1}+{c2}{r2}"),
        1 => format!("=SUM(A{top}:B{bottom})"),
        2 => format!("=INDEX(A{top}:A{bottom}, 2)"),
        3 => format!("=MATCH(3, B{top}:B{bottom}, 0)"),
        4 => "=ROW()".to_string(),
        5 => format!("=ROW({c1}{r1}) * 10"),
        6 => "=SUM(A:A)".to_string(),
        7 => format!("=COUNTBLANK(A{top}:B{bottom})"),
        8 => format!("=ROWS(A{top}:A{bottom}) + COUNT(B{top}:B{bottom})"),
        9 => format!("=NPV(0.1, A{top}:A{bottom})"),
        10 => "=SUM(Block) / 2".to_string(),
        // Constants only: a ring through `OFFSET` that never settles ends
        // in an error after as many rounds as it took, which depends on
        // the values it started from.
        11 => format!("=OFFSET(Other!C1, {}, 0) + A{r1}", rng.below(3)),
        12 => format!("=${c1}${r1} * 2"),
        13 => format!("=SUM({r1}:{r1})"),
        14 => format!("=Other!A{r1} + 1"),
        // Blanks of a whole column count as far as the sheets' rows go.
        15 => "=COUNTIF(Other!C:C, \"\") + ROWS(Other!B2:B40)".to_string(),
        _ => format!("=IFERROR(VLOOKUP(2, A{top}:B{bottom}, 2, FALSE), -1)"),
    }
}

fn random_input(rng: &mut Rng, rows: usize) -> CellInput {
    match rng.below(5) {
        0 | 1 => CellInput::Number(rng.below(6) as f64),
        2 => CellInput::Empty,
        _ => CellInput::Formula(random_formula(rng, rows)),
    }
}

/// A row as the editor keeps one: no empty cells at its end.
fn random_row(rng: &mut Rng, rows: usize) -> RowFile {
    let mut values: Vec<CellInput> = (0..COLS).map(|_| random_input(rng, rows)).collect();
    while values.last() == Some(&CellInput::Empty) {
        values.pop();
    }
    RowFile {
        values,
        ..RowFile::default()
    }
}

/// A document of two grid sheets: `Calc`, random, and `Other`, which reads
/// `Calc`'s cells and ranges; `Block` names `Calc!$A$2:$B$5`.
fn document(rng: &mut Rng, rows: usize) -> String {
    let mut text = String::from(
        "(\n    version: 1,\n    timeline: (start: \"2026-01\", periods: 3, step: Month),\n    sheets: [\n",
    );
    let cell = |input: &CellInput| match input {
        CellInput::Number(n) => format!("{n}"),
        CellInput::Formula(f) => format!("{f:?}"),
        _ => "()".to_string(),
    };
    text.push_str("        (name: \"Calc\", layout: Grid, rows: [\n");
    for _ in 0..rows {
        let row = random_row(rng, rows);
        let values: Vec<String> = row.values.iter().map(cell).collect();
        text.push_str(&format!("            (values: [{}]),\n", values.join(", ")));
    }
    text.push_str("        ]),\n        (name: \"Other\", layout: Grid, rows: [\n");
    for r in 1..=3 {
        text.push_str(&format!(
            "            (values: [\"=Calc!A{r} * 2\", \"=SUM(Calc!B{r}:B{})\", {r}]),\n",
            r + 3
        ));
    }
    text.push_str(
        "        ]),\n    ],\n    names: [(name: \"Block\", refers_to: \"Calc!$A$2:$B$5\")],\n    scenarios: [],\n    changelog: [],\n)\n",
    );
    text
}

fn random_command(rng: &mut Rng, rows: usize) -> Command {
    let row = rng.below(rows) as u32;
    let count = (1 + rng.below(2)).min(rows - 1) as u32;
    let last = rows as u32 - count;
    match rng.below(10) {
        0..=2 => Command::SetCellAt {
            sheet: 0,
            row,
            col: rng.below(COLS as usize) as u32,
            input: random_input(rng, rows),
        },
        3 | 4 => Command::InsertRows {
            sheet: 0,
            at: rng.below(rows + 1) as u32,
            rows: (0..count).map(|_| random_row(rng, rows)).collect(),
        },
        5 | 6 if rows > 3 => Command::DeleteRows {
            sheet: 0,
            at: row.min(last),
            count,
        },
        5 | 6 => Command::InsertRows {
            sheet: 0,
            at: 0,
            rows: vec![RowFile::default()],
        },
        _ => Command::MoveRows {
            sheet: 0,
            from: row.min(last),
            count,
            to: rng.below(last as usize + 1) as u32,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rows_changed_in_place_equal_a_fresh_build(
        seed in any::<u64>(),
        rows in 4usize..14,
        n_edits in 1usize..16,
    ) {
        let mut rng = Rng::new(seed);
        let text = document(&mut rng, rows);
        let mut workbook = Workbook::parse(&text, "random.ron").expect("loads");
        let start = workbook.to_text();
        assert_matches_fresh(&workbook, "start");
        for step in 0..n_edits {
            let current = workbook.rows(0).len();
            let command = random_command(&mut rng, current);
            let context = format!("seed {seed}, step {step}, {command:?}");
            workbook.apply(vec![command]).expect(&context);
            assert_matches_fresh(&workbook, &context);
        }
        while workbook.undo().is_some() {
            assert_matches_fresh(&workbook, "undo");
        }
        prop_assert_eq!(workbook.to_text(), start);
    }
}

/// A metric model with a scenario shown: rows inserted (one named like an
/// overridden metric), deleted and moved, then undone.
fn metric_command(rng: &mut Rng, rows: usize) -> Command {
    let row = rng.below(rows) as u32;
    let last = rows as u32 - 1;
    match rng.below(3) {
        0 => Command::InsertRows {
            sheet: 0,
            at: rng.below(rows + 1) as u32,
            rows: vec![RowFile {
                label: format!("Metric {}", rng.below(rows)),
                values: vec![CellInput::Number(rng.below(50) as f64)],
                ..RowFile::default()
            }],
        },
        1 if rows > 4 => Command::DeleteRows {
            sheet: 0,
            at: row.min(last - 1),
            count: 1,
        },
        _ => Command::MoveRows {
            sheet: 0,
            from: row.min(last - 1),
            count: 1,
            to: rng.below(rows - 1) as u32,
        },
    }
}

fn assert_metrics_match(workbook: &Workbook, context: &str) {
    let mut fresh = Workbook::new(workbook.document().clone());
    fresh
        .set_active_scenario(workbook.active_scenario())
        .expect("the scenario exists");
    let rows = workbook.rows(0).len() as u32;
    assert_eq!(rows, fresh.rows(0).len() as u32, "{context}");
    for row in 0..rows {
        for (period, (a, b)) in workbook
            .row_values(0, row)
            .iter()
            .zip(fresh.row_values(0, row))
            .enumerate()
        {
            assert!(
                same(a, b),
                "{context}: row {row} period {period}: live {a:?} != fresh {b:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rows_changed_under_a_scenario_equal_a_fresh_build(
        seed in any::<u64>(),
        rows in 6usize..20,
        n_edits in 1usize..10,
    ) {
        let mut doc = lever::model::generate::founder_model(rows, 4, seed);
        let mut rng = Rng::new(seed ^ 0x5CE7_A210);
        let mut overrides: Vec<_> = (0..3)
            .map(|_| lever::model::document::ScenarioOverride {
                metric: lever::model::generate::row_name(rng.below(rows)),
                values: vec![CellInput::Empty, CellInput::Number(rng.below(90) as f64)],
                uncertainty: None,
            })
            .collect();
        // A formula typed into the scenario reads a row by number.
        overrides.push(lever::model::document::ScenarioOverride {
            metric: lever::model::generate::row_name(rng.below(rows)),
            values: vec![CellInput::Formula(format!("=C{} * 2", 1 + rng.below(rows)))],
            uncertainty: None,
        });
        doc.scenarios.push(lever::model::document::Scenario {
            name: "Upside".into(),
            note: String::new(),
            overrides,
        });
        let mut workbook = Workbook::new(doc);
        workbook.set_active_scenario(Some(0)).expect("the scenario exists");
        let start = workbook.to_text();
        for step in 0..n_edits {
            let current = workbook.rows(0).len();
            let command = metric_command(&mut rng, current);
            let context = format!("seed {seed}, step {step}, {command:?}");
            workbook.apply(vec![command]).expect(&context);
            assert_metrics_match(&workbook, &context);
        }
        while workbook.undo().is_some() {
            assert_metrics_match(&workbook, "undo");
        }
        prop_assert_eq!(workbook.to_text(), start);
    }
}
