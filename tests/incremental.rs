//! Incremental recalculation gives exactly what a full recalculation gives:
//! random models, random edits (values, row formulas that may create
//! circular references, cell overrides, row inserts, deletes and moves,
//! renames, `OFFSET`s whose cells are known only when evaluated), then undo
//! back to the start.

use lever::engine::Value;
use lever::model::generate::{self, Recipe, Rng};
use lever::model::{CellInput, Command, Workbook};
use proptest::prelude::*;

/// Values equal for our purpose: numbers bit for bit, errors by kind (the
/// wording of a cycle's path may start at another cell).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Error(x), Value::Error(y)) => x.kind == y.kind,
        _ => a.same_as(b),
    }
}

fn assert_matches_full(workbook: &Workbook, context: &str) {
    let fresh = Workbook::new(workbook.document().clone());
    let rows = workbook.rows(0).len() as u32;
    for row in 0..rows {
        let incremental = workbook.row_values(0, row);
        let full = fresh.row_values(0, row);
        for (period, (a, b)) in incremental.iter().zip(full).enumerate() {
            assert!(
                same(a, b),
                "{context}: row {row} period {period}: incremental {a:?} != full {b:?}"
            );
        }
    }
}

fn random_formula(rng: &mut Rng, rows: usize, periods: u32) -> String {
    let pick = |rng: &mut Rng| rng.below(rows);
    let (a, b, c, d) = (pick(rng), pick(rng), pick(rng), pick(rng));
    let recipe = match rng.below(9) {
        0 => Recipe::Blend { a, b, factor: 1.01 },
        1 => Recipe::Product { a, b, scale: 100.0 },
        2 => Recipe::Lag { a, b },
        3 => Recipe::Choose {
            a,
            b,
            c,
            threshold: 100.0,
        },
        4 => Recipe::Round { a, b },
        5 => Recipe::Clamp { a, b, c },
        6 => Recipe::Total { a, b },
        7 => Recipe::Offset { a, b },
        _ => Recipe::Mean4 { a, b, c, d },
    };
    generate::formula(&recipe, periods).unwrap_or_else(|| "=1".into())
}

fn random_command(rng: &mut Rng, rows: usize, periods: u32) -> Command {
    let row = rng.below(rows) as u32;
    let period = rng.below(periods as usize) as u32;
    match rng.below(14) {
        0..=4 => Command::SetCell {
            sheet: 0,
            row,
            period,
            input: CellInput::Number((rng.unit() * 300.0).round()),
        },
        5 => Command::SetCell {
            sheet: 0,
            row,
            period,
            input: CellInput::Empty,
        },
        6 => Command::SetCell {
            sheet: 0,
            row,
            period,
            input: CellInput::Formula(random_formula(rng, rows, periods)),
        },
        7 => Command::SetCell {
            sheet: 0,
            row,
            period,
            input: CellInput::Text("n/a".into()),
        },
        8 | 9 => Command::SetRowFormula {
            sheet: 0,
            row,
            formula: random_formula(rng, rows, periods),
        },
        // Structural edits: the engine is rebuilt, then edited incrementally.
        10 => Command::InsertRows {
            sheet: 0,
            at: row,
            rows: vec![lever::model::RowFile {
                label: format!("Inserted {}", rng.below(1000)),
                values: vec![CellInput::Number(7.0)],
                ..Default::default()
            }],
        },
        11 if rows > 3 => Command::DeleteRows {
            sheet: 0,
            at: row.min(rows as u32 - 2),
            count: 1,
        },
        12 if rows > 2 => Command::MoveRows {
            sheet: 0,
            from: row.min(rows as u32 - 2),
            count: 1,
            to: rng.below(rows - 1) as u32,
        },
        _ => Command::RenameMetric {
            sheet: 0,
            row,
            name: format!("renamed_{}", rng.below(100_000)),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn incremental_equals_full(
        seed in any::<u64>(),
        rows in 5usize..40,
        periods in 1u32..8,
        n_edits in 1usize..25,
    ) {
        let mut workbook = Workbook::new(generate::founder_model(rows, periods, seed));
        let start = workbook.to_text();
        let mut rng = Rng::new(seed ^ 0xDEAD_BEEF);
        for step in 0..n_edits {
            let current_rows = workbook.rows(0).len();
            let command = random_command(&mut rng, current_rows, periods);
            let context = format!("seed {seed}, step {step}, {command:?}");
            // Some random edits are refused (e.g. a rename onto a taken
            // name); a refused edit must change nothing.
            let before = workbook.to_text();
            if workbook.apply(vec![command]).is_err() {
                prop_assert_eq!(workbook.to_text(), before);
            }
            assert_matches_full(&workbook, &context);
        }
        while workbook.undo().is_some() {
            assert_matches_full(&workbook, "undo");
        }
        prop_assert_eq!(workbook.to_text(), start);
    }
}
