//! Every function through the real engine, against the values LibreOffice
//! computes (corrected to Excel where the two differ, as marked in the
//! table): `tests/data/functions.tsv` holds `formula<TAB>expected`, evaluated
//! on the fixture grid of `tests/data/functions_fixture.tsv`.

use std::collections::BTreeMap;
use std::path::Path;

use lever::engine::{CellAddr, Edit, Engine, ErrorKind, Input, Periods, SheetSpec, Value};

/// Where the case formulas go: column Z from row 101, as in the generator.
const CASE_COL: u32 = 25;
const FIRST_CASE_ROW: u32 = 100;

fn data(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .expect("test data exists")
}

fn parse_cell(name: &str) -> (u32, u32) {
    let letters: String = name.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters.chars().fold(0u32, |acc, c| {
        acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    }) - 1;
    let row: u32 = name[letters.len()..].parse().expect("row number");
    (row - 1, col)
}

/// A fixture cell's input, read as typed into a spreadsheet cell.
fn fixture_input(text: &str) -> Input {
    if let Some(rest) = text.strip_prefix('\'') {
        return Input::Constant(Value::text(rest));
    }
    if let Some(kind) = ErrorKind::from_literal(text) {
        return Input::Constant(Value::error(kind));
    }
    match text {
        "TRUE" => Input::Constant(Value::Bool(true)),
        "FALSE" => Input::Constant(Value::Bool(false)),
        _ => match text.parse::<f64>() {
            Ok(n) => Input::Constant(Value::Number(n)),
            Err(_) if text.starts_with('=') => Input::Formula(text.to_string()),
            Err(_) => Input::Constant(Value::text(text)),
        },
    }
}

fn matches(got: &Value, expected: &str) -> bool {
    match got {
        Value::Number(n) => expected
            .parse::<f64>()
            .is_ok_and(|want| (n - want).abs() <= 1e-9 * want.abs() + 1e-12),
        Value::Empty => expected.is_empty() || expected == "0",
        Value::Bool(b) => expected == if *b { "TRUE" } else { "FALSE" },
        Value::Text(t) => &**t == expected,
        Value::Error(e) => e.kind.as_str() == expected,
    }
}

#[test]
fn every_function_matches_the_reference_values() {
    let fixture: Vec<(u32, u32, String)> = data("functions_fixture.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(cell, input)| {
            let (row, col) = parse_cell(cell);
            (row, col, input.to_string())
        })
        .collect();
    let cases: Vec<(String, String)> = data("functions.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(f, e)| (f.to_string(), e.to_string()))
        .collect();
    assert!(cases.len() > 500, "{} cases", cases.len());

    let rows = FIRST_CASE_ROW + cases.len() as u32 + 1;
    let mut engine = Engine::new(
        // No timeline: this sheet is a plain grid.
        Periods {
            first_col: 0,
            count: 0,
        },
        vec![SheetSpec {
            name: "Sheet1".into(),
            rows,
            cols: CASE_COL + 1,
            metrics: Vec::new(),
        }],
    );
    for (row, col, input) in &fixture {
        engine.load(Edit::Cell(
            CellAddr::new(0, *row, *col),
            fixture_input(input),
        ));
    }
    for (i, (formula, _)) in cases.iter().enumerate() {
        engine.load(Edit::Cell(
            CellAddr::new(0, FIRST_CASE_ROW + i as u32, CASE_COL),
            Input::Formula(formula.clone()),
        ));
    }
    engine.recalc_all();

    let mut per_function: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, (formula, expected)) in cases.iter().enumerate() {
        let got = engine.value(CellAddr::new(0, FIRST_CASE_ROW + i as u32, CASE_COL));
        let name: String = formula
            .trim_start_matches('=')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let entry = per_function.entry(name).or_default();
        entry.1 += 1;
        if matches(got, expected) {
            entry.0 += 1;
        } else {
            failures.push(format!("{formula}: got {got:?}, expected {expected}"));
        }
    }
    let summary: Vec<String> = per_function
        .iter()
        .filter(|(_, (pass, total))| pass != total)
        .map(|(name, (pass, total))| format!("{name} {pass}/{total}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ ({}):\n{}",
        failures.len(),
        cases.len(),
        summary.join(", "),
        failures.join("\n")
    );
}

#[test]
fn every_function_of_the_table_has_a_case() {
    let called: std::collections::BTreeSet<String> = data("functions.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .flat_map(|(formula, _)| {
            let parsed = lever::formula::parse(formula).ok();
            parsed
                .map(|expr| {
                    lever::formula::function_names(&expr)
                        .into_iter()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    let missing: Vec<&str> = lever::model::function_names()
        .filter(|name| !called.contains(*name))
        .collect();
    assert!(missing.is_empty(), "functions without a case: {missing:?}");
}

#[test]
fn the_readme_lists_every_function() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let start = readme
        .find("#### Every function")
        .expect("the README has a function list");
    let list = &readme[start..];
    let list = &list[..list[5..].find("\n#").map_or(list.len(), |i| i + 5)];
    let listed: std::collections::BTreeSet<&str> = list
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    let missing: Vec<&str> = lever::model::function_names()
        .filter(|name| !listed.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "functions the README does not list: {missing:?}"
    );
}
