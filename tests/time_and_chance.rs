//! `NOW`, `TODAY`, `RAND` and `RANDBETWEEN` in a workbook: the time of the
//! recalculation, new random numbers in every recalculation (the formulas
//! reading them follow), each cell its own number.

use lever::engine::{CellAddr, Edit, Engine, Input, Periods, SheetSpec, Value};
use lever::model::{CellInput, Command, Workbook};

const BOOK: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 3, step: Month),
    sheets: [
        (
            name: "Dice",
            layout: Grid,
            rows: [
                (values: ["=TODAY()", "=NOW()", "=YEAR(TODAY()) > 2000"]),
                (values: ["=RAND()", "=RAND()", "=A2 + B2"]),
                (values: ["=RANDBETWEEN(1, 6)", "=RANDBETWEEN(2.5, 2.7)", 1]),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
)
"#;

fn number(book: &Workbook, row: u32, col: u32) -> f64 {
    match book.cell_value(0, row, col) {
        Value::Number(n) => *n,
        other => panic!("row {row} col {col}: {other:?}"),
    }
}

#[test]
fn the_clock_is_the_time_of_the_recalculation() {
    let book = Workbook::parse(BOOK, "dice.ron").expect("loads");
    let now = lever::model::timeline::now_serial();
    let (today, at) = (number(&book, 0, 0), number(&book, 0, 1));
    assert_eq!(today, today.floor());
    assert!((now - at).abs() < 1.0 / 24.0, "NOW {at} against {now}");
    assert!(today <= at && at < today + 1.0);
    assert_eq!(book.cell_value(0, 0, 2), &Value::Bool(true));
}

#[test]
fn random_numbers_change_with_every_recalculation() {
    let mut book = Workbook::parse(BOOK, "dice.ron").expect("loads");
    let draws = |book: &Workbook| (number(book, 1, 0), number(book, 1, 1));
    let first = draws(&book);
    for x in [first.0, first.1] {
        assert!((0.0..1.0).contains(&x), "{x}");
    }
    assert_ne!(first.0, first.1, "each cell draws its own number");
    assert_eq!(number(&book, 1, 2), first.0 + first.1);
    let die = number(&book, 2, 0);
    assert!(die == die.floor() && (1.0..=6.0).contains(&die), "{die}");
    // Both bounds round away from zero, as in LibreOffice.
    assert_eq!(number(&book, 2, 1), 3.0);
    // An edit elsewhere recalculates: new numbers, and their sum follows.
    let ripple = book
        .apply(vec![Command::SetCellAt {
            sheet: 0,
            row: 2,
            col: 2,
            input: CellInput::Number(2.0),
        }])
        .expect("applies");
    let second = draws(&book);
    assert_ne!(first, second);
    assert_eq!(number(&book, 1, 2), second.0 + second.1);
    assert!(ripple.changes.iter().any(|c| (c.row, c.col) == (1, 2)));
}

#[test]
fn the_engine_reads_the_time_it_is_given() {
    let mut engine = Engine::new(
        Periods {
            first_col: 0,
            count: 0,
        },
        vec![SheetSpec {
            name: "S".into(),
            rows: 1,
            cols: 2,
            metrics: Vec::new(),
        }],
    );
    engine.set_grid(0);
    // 2026-12-08 18:00.
    engine.set_now(46_364.75);
    for (col, text) in ["=TODAY()", "=HOUR(NOW())"].iter().enumerate() {
        engine.load(Edit::Cell(
            CellAddr::new(0, 0, col as u32),
            Input::Formula(text.to_string()),
        ));
    }
    engine.recalc_all();
    assert_eq!(
        engine.value(CellAddr::new(0, 0, 0)),
        &Value::Number(46_364.0)
    );
    assert_eq!(engine.value(CellAddr::new(0, 0, 1)), &Value::Number(18.0));
}
