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

#[test]
fn dates_out_of_range_are_errors_as_in_excel() {
    let num = Value::error(ErrorKind::Num);
    let value = Value::error(ErrorKind::Value);
    // Excel's calendar runs from 1900-01-00 (serial 0) to 9999-12-31.
    assert_eq!(one_cell("=DATE(9999,12,31)"), Value::Number(2_958_465.0));
    assert_eq!(one_cell("=DATE(10000,1,1)"), num);
    assert_eq!(one_cell("=DATE(9999,12,32)"), num);
    assert_eq!(one_cell("=DATE(9999,13,1)"), num);
    assert_eq!(one_cell("=DATE(1900,1,1)"), Value::Number(1.0));
    assert_eq!(one_cell("=DATE(1900,1,0)"), Value::Number(0.0));
    assert_eq!(one_cell("=DATE(1900,0,1)"), num);
    assert_eq!(one_cell("=DATE(1900,1,-1)"), num);
    assert_eq!(one_cell("=DATE(-1,1,1)"), num);
    // Years 0 to 1899 are counted from 1900, as Excel does.
    assert_eq!(one_cell("=DATE(0,1,1)"), Value::Number(1.0));
    assert_eq!(one_cell("=DATE(1899,12,31)"), one_cell("=DATE(3799,12,31)"));
    assert_eq!(one_cell("=DATE(1e300,1,1)"), num);
    assert_eq!(one_cell("=DATE(2026,1e300,1)"), num);
    assert_eq!(one_cell("=DATE(2026,1,-1e300)"), num);
    // Serials outside the calendar.
    assert_eq!(one_cell("=YEAR(2958466)"), num);
    assert_eq!(one_cell("=YEAR(-1)"), num);
    assert_eq!(one_cell("=EDATE(DATE(9999,12,1),1)"), num);
    assert_eq!(one_cell("=EOMONTH(1,-1)"), num);
    // Text that is no date in Excel's calendar.
    assert_eq!(one_cell("=DATEVALUE(\"10000-01-01\")"), value);
    assert_eq!(one_cell("=DATEVALUE(\"1899-12-31\")"), value);
}

#[test]
fn overflow_anywhere_is_num() {
    for formula in [
        "=1e308+1e308",
        "=-1e308-1e308",
        "=1e308/1e-308",
        "=1e200^2",
        "=SUM(1e308,1e308)",
        "=PRODUCT(1e200,1e200)",
        "=10^309",
        "=AVERAGE(1e308,1e308)",
        "=(1e308*10)-(1e308*10)",
    ] {
        assert_eq!(one_cell(formula), Value::error(ErrorKind::Num), "{formula}");
    }
}

#[test]
fn ten_thousand_argument_functions_of_every_kind_work() {
    let ones = vec!["1"; 10_000].join(",");
    assert_eq!(one_cell(&format!("=MAX({ones},2)")), Value::Number(2.0));
    assert_eq!(
        one_cell(&format!("=COUNT({ones})")),
        Value::Number(10_000.0)
    );
    let nested_ifs = format!("=IFS({}TRUE,7)", "FALSE,1,".repeat(4_999));
    assert_eq!(one_cell(&nested_ifs), Value::Number(7.0));
    let chosen = format!(
        "=CHOOSE(10000,{})",
        (1..=10_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(one_cell(&chosen), Value::Number(10_000.0));
}

#[test]
fn a_zip_bomb_is_refused_with_bounded_memory() {
    let bytes = std::fs::read("tests/data/xlsx/zip_bomb.xlsx").expect("fixture");
    let err = lever::model::interop::xlsx_import::import_bytes(bytes, "zip_bomb.xlsx", &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("zip bomb"), "{err}");
}

#[test]
fn let_names_built_from_names_are_bounded() {
    // Doubling names: 2^13 copies of `a`, as Excel computes it.
    let doubling = "=LET(a,1,b,a+a,c,b+b,d,c+c,e,d+d,f,e+e,g,f+f,h,g+g,i,h+h,j,i+i,k,j+j,\
                    l,k+k,m,l+l,n,m+m,n)";
    assert_eq!(one_cell(doubling), Value::Number(8192.0));
    // Growing past the limit makes the whole formula #VALUE!, quickly and
    // without the memory the copies would take (so IFERROR cannot hide a
    // part of it).
    let wide = format!(
        "=IFERROR(LET(a,{},b,{},c,{},c),0)",
        vec!["1"; 1000].join("+"),
        vec!["a"; 500].join("+"),
        vec!["b"; 500].join("+")
    );
    let started = std::time::Instant::now();
    match one_cell(&wide) {
        Value::Error(e) => assert_eq!(e.kind, ErrorKind::Value),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed().as_secs() < 10);
    // Names stacked deeper than a formula may nest: an error, no crash.
    let mut deep = String::from("=LET(a0,1");
    for i in 1..=40 {
        deep.push_str(&format!(",a{i},a{}{}", i - 1, "+1".repeat(1000)));
    }
    deep.push_str(",a40)");
    match one_cell(&deep) {
        Value::Error(e) => assert_eq!(e.kind, ErrorKind::Value),
        other => panic!("{other:?}"),
    }
}

#[test]
fn paired_functions_over_huge_ranges_cost_what_the_used_cells_cost() {
    // 16 million cells a side, none of them used: no pair, at once.
    let started = std::time::Instant::now();
    assert_eq!(
        one_cell("=SUMXMY2(B2:Q1048575, C2:R1048575)"),
        Value::Number(0.0)
    );
    for formula in [
        "=COVARIANCE.P(B2:Q1048575, C2:R1048575)",
        "=CORREL(B2:Q1048575, C2:R1048575)",
    ] {
        match one_cell(formula) {
            Value::Error(e) => assert_eq!(e.kind, ErrorKind::Div0, "{formula}"),
            other => panic!("{formula}: {other:?}"),
        }
    }
    // Different sizes are still #N/A.
    match one_cell("=PEARSON(B2:B9, C2:C8)") {
        Value::Error(e) => assert_eq!(e.kind, ErrorKind::NA),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}
