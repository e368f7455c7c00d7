//! Golden tests for the formula parser and printer.
//!
//! `tests/data/formula/parse.txt` holds formulas that must parse, each with
//! the expected tree (`tree:`) and canonical print (`print:`);
//! `tests/data/formula/errors.txt` holds formulas that must not, each with the
//! exact error (`error:`). Blocks are separated by blank lines, lines starting
//! with `#` are comments, and `input: ` is followed by the formula exactly as
//! typed. Every mismatch is reported, not just the first.
//!
//! To regenerate the expectations after an intended change, run
//! `LEVER_BLESS=1 cargo test --test formula_golden` and review the diff.
//!
//! Tree notation: numbers and `TRUE`/`FALSE`/error literals as themselves,
//! strings in Rust debug quotes, `(op lhs rhs)` for binary operators,
//! `(neg x)`, `(plus x)`, `(% x)`, `(group x)`, `(call NAME args…)`, `_` for
//! a missing argument, `(cell r2 c1)` for zero-based row 2, column 1 (`$r2`,
//! `$c1` when absolute), `(range START END)` with the corners as `r c`,
//! `(metric name)` or `(metric name [-1])` with an explicit offset; a sheet
//! comes first inside a reference, in quotes: `(cell "Inputs" r2 c1)`.

use std::fmt::Write as _;
use std::path::PathBuf;

use lever::formula::{CellRef, Expr, Reference, UnaryOp, parse, print};

fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formula")
        .join(name)
}

/// One block of a golden file.
struct Case {
    comments: Vec<String>,
    /// `None` for a block of comments only.
    input: Option<String>,
    /// `(key, value)` expectations in file order, e.g. `("print", "1 + 2")`.
    expected: Vec<(String, String)>,
}

fn read_cases(name: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut cases = Vec::new();
    for block in text.split("\n\n") {
        let mut case = Case {
            comments: Vec::new(),
            input: None,
            expected: Vec::new(),
        };
        for line in block.lines() {
            if line.starts_with('#') {
                case.comments.push(line.to_string());
            } else if let Some(input) = line.strip_prefix("input:") {
                case.input = Some(input.strip_prefix(' ').unwrap_or(input).to_string());
            } else if let Some((key, value)) = line.split_once(':') {
                case.expected
                    .push((key.to_string(), value.trim().to_string()));
            } else if !line.trim().is_empty() {
                panic!("{name}: cannot read line {line:?}");
            }
        }
        if case.input.is_some() || !case.comments.is_empty() {
            cases.push(case);
        }
    }
    cases
}

fn sheet_prefix(sheet: &Option<String>) -> String {
    sheet
        .as_ref()
        .map(|s| format!("{s:?} "))
        .unwrap_or_default()
}

fn corner(cell: &CellRef) -> String {
    let row = if cell.row_abs { "$r" } else { "r" };
    let col = if cell.col_abs { "$c" } else { "c" };
    format!("{row}{} {col}{}", cell.row, cell.col)
}

/// The tree notation described in the module doc.
fn tree(expr: &Expr) -> String {
    match expr {
        Expr::Number(n) => format!("{n}"),
        Expr::Text(s) => format!("{s:?}"),
        Expr::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
        Expr::Error(kind) => kind.to_string(),
        Expr::Reference(Reference::Cell { sheet, cell }) => {
            format!("(cell {}{})", sheet_prefix(sheet), corner(cell))
        }
        Expr::Reference(Reference::Range { sheet, start, end }) => format!(
            "(range {}{} {})",
            sheet_prefix(sheet),
            corner(start),
            corner(end)
        ),
        Expr::Reference(Reference::Lines {
            sheet,
            axis,
            start,
            end,
        }) => {
            let end_text = |line: &lever::formula::LineRef| {
                let dollar = if line.abs { "$" } else { "" };
                format!("{dollar}{}", line.index)
            };
            let kind = match axis {
                lever::formula::Axis::Columns => "columns",
                lever::formula::Axis::Rows => "rows",
            };
            format!(
                "({kind} {}{} {})",
                sheet_prefix(sheet),
                end_text(start),
                end_text(end)
            )
        }
        Expr::Reference(Reference::Metric {
            sheet,
            name,
            offset,
            explicit_offset,
        }) => {
            let offset = if *explicit_offset {
                format!(" [{offset}]")
            } else {
                String::new()
            };
            format!("(metric {}{name}{offset})", sheet_prefix(sheet))
        }
        Expr::Reference(Reference::Invalid) => "(invalid)".to_string(),
        Expr::Unary(UnaryOp::Negate, x) => format!("(neg {})", tree(x)),
        Expr::Unary(UnaryOp::Plus, x) => format!("(plus {})", tree(x)),
        Expr::Percent(x) => format!("(% {})", tree(x)),
        Expr::Binary(op, l, r) => format!("({} {} {})", op.symbol(), tree(l), tree(r)),
        Expr::Call { name, args } => {
            let mut out = format!("(call {name}");
            for arg in args {
                let _ = write!(out, " {}", tree(arg));
            }
            out.push(')');
            out
        }
        Expr::Group(x) => format!("(group {})", tree(x)),
        Expr::RangeOp(l, r) => format!("(: {} {})", tree(l), tree(r)),
        Expr::Array(rows) => {
            let rows: Vec<String> = rows
                .iter()
                .map(|row| row.iter().map(tree).collect::<Vec<_>>().join(" "))
                .collect();
            format!("(array {})", rows.join(" ; "))
        }
        Expr::Missing => "_".to_string(),
    }
}

/// What the code produces for `input`, as `(key, value)` pairs.
fn actual_parse(input: &str) -> Vec<(String, String)> {
    match parse(input) {
        Ok(expr) => vec![
            ("tree".to_string(), tree(&expr)),
            ("print".to_string(), print(&expr)),
        ],
        Err(e) => vec![("error".to_string(), e.to_string())],
    }
}

fn bless(name: &str, cases: &[Case]) {
    let mut out = String::new();
    for case in cases {
        if !out.is_empty() {
            out.push('\n');
        }
        for comment in &case.comments {
            out.push_str(comment);
            out.push('\n');
        }
        let Some(input) = &case.input else {
            continue;
        };
        let _ = writeln!(out, "input: {input}");
        for (key, value) in actual_parse(input) {
            let _ = writeln!(out, "{key}: {value}");
        }
    }
    std::fs::write(data_path(name), out).unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// Checks every case of `name`; returns the mismatches.
fn check_file(name: &str, want_ok: bool) -> Vec<String> {
    let cases = read_cases(name);
    if std::env::var_os("LEVER_BLESS").is_some() {
        bless(name, &cases);
        return Vec::new();
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let Some(input) = &case.input else {
            continue;
        };
        checked += 1;
        let actual = actual_parse(input);
        if parse(input).is_ok() != want_ok {
            let should = if want_ok {
                "should parse"
            } else {
                "should not parse"
            };
            failures.push(format!("{name}: {input:?} {should}, got {actual:?}"));
            continue;
        }
        if case.expected.is_empty() {
            failures.push(format!("{name}: {input:?} has no expectations"));
        }
        for (key, want) in &case.expected {
            match actual.iter().find(|(k, _)| k == key) {
                Some((_, got)) if got == want => {}
                Some((_, got)) => failures.push(format!(
                    "{name}: {input:?}\n    {key} expected: {want}\n    {key} actual:   {got}"
                )),
                None => failures.push(format!("{name}: {input:?}: unknown key {key:?}")),
            }
        }
    }
    assert!(checked > 0, "{name} has no cases");
    failures
}

/// Every golden formula prints to text that parses back to the same tree, and
/// printing is idempotent.
fn check_round_trips() -> Vec<String> {
    let mut failures = Vec::new();
    for case in read_cases("parse.txt") {
        let Some(input) = case.input else {
            continue;
        };
        let Ok(expr) = parse(&input) else {
            continue;
        };
        let printed = print(&expr);
        match parse(&printed) {
            Ok(again) if again == expr => {
                if print(&again) != printed {
                    failures.push(format!("{input:?}: printing is not idempotent"));
                }
            }
            Ok(again) => failures.push(format!(
                "{input:?}: print {printed:?} parses to {}, not {}",
                tree(&again),
                tree(&expr)
            )),
            Err(e) => failures.push(format!("{input:?}: print {printed:?} does not parse: {e}")),
        }
    }
    failures
}

#[test]
fn golden_formulas() {
    let mut failures = check_file("parse.txt", true);
    failures.extend(check_file("errors.txt", false));
    failures.extend(check_round_trips());
    assert!(
        failures.is_empty(),
        "{} golden mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
