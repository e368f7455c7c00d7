//! Excel compatibility: every workbook of `tests/data/xlsx-corpus/` through
//! `lever eval BOOK.xlsx --sheet SHEET --format csv`, compared cell by cell
//! with `<book>.<sheet>.expected.csv` (the values Excel shows, computed by
//! LibreOffice and corrected to Excel where the two differ; see
//! `tools/gen_xlsx_corpus.py` and the corpus README).
//!
//! Numbers match within a relative 1e-9; text, booleans and errors exactly.
//! Prints the pass rate per function (each formula cell counts for every
//! function it calls) and every mismatch; fails on any mismatch not listed in
//! [`KNOWN_DIFFERENCES`].

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use calamine::{Reader, Xlsx, open_workbook};

/// Cells where Lever knowingly differs from Excel: (book, sheet, cell, why).
/// Every entry needs a reason; an entry that no longer differs fails the test,
/// so the list stays current.
const KNOWN_DIFFERENCES: &[(&str, &str, &str, &str)] = &[];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/xlsx-corpus")
}

/// (book, sheet) of every expected CSV, sorted.
fn expected_sheets() -> Vec<(String, String)> {
    let mut sheets: Vec<(String, String)> = std::fs::read_dir(corpus())
        .expect("corpus folder exists")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".expected.csv")?;
            let (book, sheet) = stem.split_once('.')?;
            Some((book.to_string(), sheet.to_string()))
        })
        .collect();
    sheets.sort();
    sheets
}

/// RFC 4180 CSV: `"` quotes fields, `""` is a quote inside them; lines end
/// with `\n` or `\r\n`.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_line_start = true;
    while let Some(c) = chars.next() {
        at_line_start = false;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_line_start = true;
            }
            _ => field.push(c),
        }
    }
    if !at_line_start {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A number in the shortest round-trip form of the CSV contract: integers
/// without `.0`, exponent form below 1e-4 and from 1e16 (`1e-7`, `1e20`).
fn shortest(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e16 {
        return format!("{}", x as i64);
    }
    let exp = format!("{x:e}");
    let power: i32 = exp
        .split_once('e')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(0);
    if !(-4..16).contains(&power) {
        exp
    } else {
        format!("{x}")
    }
}

/// The expected field is a number if it is written as the contract writes
/// numbers; text such as `1234.50` or `1E+20` must then match exactly.
fn expected_number(field: &str) -> Option<f64> {
    let x: f64 = field.parse().ok()?;
    (x.is_finite() && shortest(x) == field).then_some(x)
}

fn same(expected: &str, got: &str) -> bool {
    if expected == got {
        return true;
    }
    match (expected_number(expected), got.parse::<f64>()) {
        (Some(want), Ok(have)) => (want - have).abs() <= 1e-9 * want.abs().max(have.abs()),
        _ => false,
    }
}

/// `C12` for zero-based (row, col).
fn cell_name(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        letters.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The functions a formula calls: names directly before `(`, outside string
/// literals, without the `_xlfn.` prefix of the file format.
fn functions_called(formula: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut name = String::new();
    let mut in_string = false;
    for c in formula.chars() {
        if in_string {
            in_string = c != '"';
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                name.clear();
            }
            '(' if !name.is_empty() => {
                let upper = name.to_ascii_uppercase();
                let bare = upper.strip_prefix("_XLFN.").unwrap_or(&upper);
                if bare.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    names.insert(bare.to_string());
                }
                name.clear();
            }
            c if c.is_ascii_alphanumeric() || c == '.' || c == '_' => name.push(c),
            _ => name.clear(),
        }
    }
    names
}

/// Formula text per zero-based (row, col) of one sheet, as stored in the file.
fn formulas(book: &Path, sheet: &str) -> HashMap<(usize, usize), String> {
    let mut workbook: Xlsx<_> = open_workbook(book).expect("calamine opens the corpus workbook");
    let range = workbook
        .worksheet_formula(sheet)
        .expect("the sheet has formulas");
    let (row0, col0) = range.start().unwrap_or((0, 0));
    range
        .cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(r, c, f)| {
            let text = f.strip_prefix('=').unwrap_or(f);
            ((row0 as usize + r, col0 as usize + c), format!("={text}"))
        })
        .collect()
}

struct Mismatch {
    book: String,
    sheet: String,
    cell: String,
    formula: String,
    expected: String,
    got: String,
}

#[test]
fn corpus_workbooks_compute_the_values_excel_shows() {
    let sheets = expected_sheets();
    assert!(sheets.len() >= 10, "{} corpus sheets", sheets.len());

    // Function (or "(operators)" for formulas without a call, "(constants)"
    // for typed values) -> (passed, total).
    let mut per_function: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut failed_runs = Vec::new();
    let (mut passed, mut total) = (0, 0);
    for (book, sheet) in &sheets {
        let book_path = corpus().join(format!("{book}.xlsx"));
        let expected_text =
            std::fs::read_to_string(corpus().join(format!("{book}.{sheet}.expected.csv")))
                .expect("expected CSV is readable");
        let expected = parse_csv(&expected_text);
        let formulas = formulas(&book_path, sheet);

        let output = common::lever(&[
            "eval",
            book_path.to_str().expect("UTF-8 path"),
            "--sheet",
            sheet,
            "--format",
            "csv",
        ]);
        let failed_run = !output.status.success();
        let got = if failed_run {
            failed_runs.push(format!(
                "  {book}.xlsx {sheet}: {}",
                common::stderr(&output).trim()
            ));
            vec![vec!["(lever eval failed)".to_string()]]
        } else {
            parse_csv(&common::stdout(&output))
        };

        let rows = expected.len().max(got.len());
        for r in 0..rows {
            let cols = expected
                .get(r)
                .map_or(0, Vec::len)
                .max(got.get(r).map_or(0, Vec::len));
            for c in 0..cols {
                let want = expected
                    .get(r)
                    .and_then(|row| row.get(c))
                    .map_or("", String::as_str);
                let have = if failed_run {
                    got[0][0].as_str()
                } else {
                    got.get(r)
                        .and_then(|row| row.get(c))
                        .map_or("", String::as_str)
                };
                let formula = formulas.get(&(r, c)).cloned().unwrap_or_default();
                if want.is_empty() && formula.is_empty() && (have.is_empty() || failed_run) {
                    continue; // a blank cell
                }
                let ok = same(want, have);
                total += 1;
                passed += usize::from(ok);
                let mut called = functions_called(&formula);
                if called.is_empty() {
                    called.insert(
                        if formula.is_empty() {
                            "(constants)"
                        } else {
                            "(operators)"
                        }
                        .into(),
                    );
                }
                for name in called {
                    let entry = per_function.entry(name).or_default();
                    entry.0 += usize::from(ok);
                    entry.1 += 1;
                }
                if !ok {
                    mismatches.push(Mismatch {
                        book: book.clone(),
                        sheet: sheet.clone(),
                        cell: cell_name(r, c),
                        formula,
                        expected: want.to_string(),
                        got: have.to_string(),
                    });
                }
            }
        }
    }

    let mut report = String::new();
    let _ = writeln!(
        report,
        "{passed}/{total} cells match in {} sheets\n\nfunction          passed/total",
        sheets.len()
    );
    for (name, (ok, all)) in &per_function {
        let mark = if ok == all { "" } else { "  <--" };
        let _ = writeln!(report, "{name:<17} {ok:>4}/{all:<4}{mark}");
    }

    let known = |m: &Mismatch| {
        KNOWN_DIFFERENCES
            .iter()
            .any(|(b, s, c, _)| *b == m.book && *s == m.sheet && *c == m.cell)
    };
    let (allowed, unexpected): (Vec<&Mismatch>, Vec<&Mismatch>) =
        mismatches.iter().partition(|m| known(m));
    let stale: Vec<String> = KNOWN_DIFFERENCES
        .iter()
        .filter(|(b, s, c, _)| {
            !mismatches
                .iter()
                .any(|m| m.book == *b && m.sheet == *s && m.cell == *c)
        })
        .map(|(b, s, c, why)| format!("{b}.xlsx {s}!{c} ({why})"))
        .collect();
    let line = |m: &Mismatch| {
        format!(
            "  {}.xlsx {}!{}  {}  expected {:?}, got {:?}",
            m.book, m.sheet, m.cell, m.formula, m.expected, m.got
        )
    };
    if !allowed.is_empty() {
        let _ = writeln!(report, "\nknown differences ({}):", allowed.len());
        for m in &allowed {
            let _ = writeln!(report, "{}", line(m));
        }
    }
    if !failed_runs.is_empty() {
        let _ = writeln!(
            report,
            "\nsheets lever could not evaluate ({}):",
            failed_runs.len()
        );
        for f in &failed_runs {
            let _ = writeln!(report, "{f}");
        }
    }
    let listed: Vec<&&Mismatch> = unexpected
        .iter()
        .filter(|m| {
            !failed_runs
                .iter()
                .any(|f| f.starts_with(&format!("  {}.xlsx {}:", m.book, m.sheet)))
        })
        .collect();
    if !listed.is_empty() {
        let _ = writeln!(report, "\nmismatches ({}):", listed.len());
        for m in listed {
            let _ = writeln!(report, "{}", line(m));
        }
    }
    if !stale.is_empty() {
        let _ = writeln!(report, "\nknown differences that now match (remove them):");
        for s in &stale {
            let _ = writeln!(report, "  {s}");
        }
    }
    println!("{report}");
    assert!(unexpected.is_empty() && stale.is_empty(), "{report}");
}

#[test]
fn csv_and_number_helpers_follow_the_contract() {
    assert_eq!(
        parse_csv("a,\"b,c\",\"say \"\"hi\"\"\"\n,,\n1\r\n"),
        vec![
            vec!["a".to_string(), "b,c".into(), "say \"hi\"".into()],
            vec![String::new(), String::new(), String::new()],
            vec!["1".to_string()],
        ]
    );
    for (x, text) in [
        (0.1, "0.1"),
        (1234.5, "1234.5"),
        (1e-7, "1e-7"),
        (1e20, "1e20"),
        (-2.0, "-2"),
        (9007199254740992.0, "9007199254740992"),
        (0.30000000000000004, "0.30000000000000004"),
        (0.0001, "0.0001"),
    ] {
        assert_eq!(shortest(x), text);
    }
    assert!(same("0.1", "0.10000000000000001"));
    assert!(same("1e20", "100000000000000000000"));
    assert!(!same("1234.50", "1234.5"), "text compares exactly");
    assert!(!same("1E+20", "1e20"), "text compares exactly");
    assert!(!same("TRUE", "1"));
    assert_eq!(
        functions_called("=_xlfn.XLOOKUP(5,Data!H1:H5,LOWER(\"SUM(\"))+LOG10(1)"),
        ["LOG10", "LOWER", "XLOOKUP"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    assert_eq!(cell_name(0, 2), "C1");
    assert_eq!(cell_name(9, 27), "AB10");
}
