//! Inputs at the limits give an error or work — never a stack overflow, a
//! panic or a runaway: deep nesting, huge argument lists, megabyte formulas,
//! a 500,000-cell circular chain, a 100,000-row paste.

use lever::engine::{CellAddr, Edit, Engine, ErrorKind, Input, Periods, SheetSpec, Value};
use lever::model::{CellInput, Workbook, generate};

fn one_cell(formula: &str) -> Value {
    let mut engine = Engine::new(
        Periods {
            first_col: 0,
            count: 0,
        },
        vec![SheetSpec {
            name: "Sheet1".into(),
            rows: 1,
            cols: 1,
            metrics: Vec::new(),
        }],
    );
    engine.load(Edit::Cell(
        CellAddr::new(0, 0, 0),
        Input::Formula(formula.into()),
    ));
    engine.recalc_all();
    engine.value(CellAddr::new(0, 0, 0)).clone()
}

#[test]
fn a_hundred_thousand_nested_parentheses_are_an_error() {
    let formula = format!("={}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let err = lever::formula::parse(&formula).unwrap_err();
    assert!(err.message.contains("nested too deeply"), "{err}");
    let Value::Error(e) = one_cell(&formula) else {
        panic!("expected an error value");
    };
    assert!(
        e.detail
            .as_deref()
            .unwrap_or_default()
            .contains("nested too deeply")
    );
}

#[test]
fn ten_thousand_arguments_work() {
    let formula = format!("=SUM({})", vec!["1"; 10_000].join(","));
    assert_eq!(one_cell(&formula), Value::Number(10_000.0));
}

#[test]
fn a_megabyte_formula_is_handled() {
    // Half a million additions: too deep a tree for the printer and the
    // evaluator's recursion, so it is refused with a message.
    let formula = format!("={}1", "1+".repeat(500_000));
    assert!(formula.len() > 1_000_000);
    let Value::Error(e) = one_cell(&formula) else {
        panic!("expected an error value");
    };
    assert!(
        e.detail
            .as_deref()
            .unwrap_or_default()
            .contains("nested too deeply")
    );
    // A megabyte of text in a string literal parses and computes.
    let text = format!("=LEN(\"{}\")", "x".repeat(1_000_000));
    assert_eq!(one_cell(&text), Value::Number(1_000_000.0));
}

#[test]
fn numbers_never_become_infinite_or_nan() {
    assert_eq!(one_cell("=1e308*10"), Value::error(ErrorKind::Num));
    assert_eq!(one_cell("=-1e308*10"), Value::error(ErrorKind::Num));
    assert_eq!(one_cell("=SQRT(-1)"), Value::error(ErrorKind::Num));
    assert_eq!(one_cell("=POWER(10, 400)"), Value::error(ErrorKind::Num));
    assert_eq!(one_cell("=EXP(1000)"), Value::error(ErrorKind::Num));
    assert!(one_cell("=DATE(10000,1,1)").is_error());
}

#[test]
fn a_half_million_cell_circular_chain_is_reported() {
    const N: u32 = 500_000;
    let mut engine = Engine::new(
        Periods {
            first_col: 0,
            count: 0,
        },
        vec![SheetSpec {
            name: "Chain".into(),
            rows: N,
            cols: 1,
            metrics: Vec::new(),
        }],
    );
    // A(i) = A(i+1) + 1, and the last cell reads the first: one long cycle.
    for row in 0..N {
        let next = (row + 1) % N + 1;
        engine.load(Edit::Cell(
            CellAddr::new(0, row, 0),
            Input::Formula(format!("=A{next} + 1")),
        ));
    }
    engine.recalc_all();
    let Value::Error(e) = engine.value(CellAddr::new(0, 12_345, 0)) else {
        panic!("expected #CIRC!");
    };
    assert_eq!(e.kind, ErrorKind::Circular);
    assert!(
        e.detail
            .as_deref()
            .unwrap_or_default()
            .contains("500000 cells")
    );
    // Breaking the chain anywhere heals it.
    let recalc = engine.apply(&[Edit::Cell(
        CellAddr::new(0, N - 1, 0),
        Input::Constant(Value::Number(0.0)),
    )]);
    assert!(recalc.changes.len() >= N as usize - 1);
    assert_eq!(
        engine.value(CellAddr::new(0, 0, 0)),
        &Value::Number(f64::from(N - 1))
    );
}

#[test]
fn a_hundred_thousand_row_paste_is_one_undoable_edit() {
    let mut workbook = Workbook::new(generate::founder_model(100_000, 1, 7));
    let text: String = (0..100_000).map(|i| format!("{i}\n")).collect();
    let at = lever::ui::view::GridCell::new(0, lever::model::FIRST_PERIOD_COL);
    let edit = lever::ui::edits::paste(&workbook, 0, at, &text).expect("paste builds");
    assert_eq!(edit.len(), 100_000);
    workbook.apply(edit).expect("paste applies");
    assert_eq!(*workbook.input(0, 99_999, 0), CellInput::Number(99_999.0));
    workbook.undo().expect("one undo step");
    assert_ne!(*workbook.input(0, 99_999, 0), CellInput::Number(99_999.0));
    // A paste bigger than the limit is refused with a message, not applied.
    let huge: String = (0..300_000).map(|_| "1\n").collect();
    let err = lever::ui::edits::paste(&workbook, 0, at, &huge).unwrap_err();
    assert!(err.contains("at most"), "{err}");
}
