//! The Excel export checked against a real spreadsheet program: every
//! bundled model (`models/*.ron`) and the imported fixture
//! `tests/data/xlsx/basic.xlsx` (through `.ron` and back) are exported
//! without cached results (every formula caches 0, so only a recalculation
//! gives numbers), LibreOffice headless recalculates the workbook and writes
//! each sheet as CSV, and every cell must equal Lever's computed value.
//! Skipped with a message when `soffice` is not installed
//! (`scripts/install-test-deps.sh` installs it).

mod common;

use std::path::Path;

use common::libreoffice::{self, Sheets};
use lever::engine::ErrorKind;
use lever::model::interop::xlsx::HEADER_ROWS;
use lever::model::interop::{ExportOptions, export_xlsx_with};
use lever::model::{Layout, Value, Workbook};

/// Cells where LibreOffice gives another value than Lever for a documented
/// reason: (workbook, sheet, cell as Excel names it, reason).
const KNOWN_DIFFERENCES: &[(&str, &str, &str, &str)] = &[];

/// Whether LibreOffice's CSV field `lo` shows Lever's value `lever`.
fn same(lever: &Value, lo: &str) -> bool {
    let lo_number = libreoffice::number(lo);
    match lever {
        // An empty cell equals an empty field or 0 (a formula reading an
        // empty cell gives 0 in a spreadsheet).
        Value::Empty => lo.is_empty() || lo_number == Some(0.0),
        Value::Number(n) => match lo_number {
            Some(x) => x == *n || (x - n).abs() <= 1e-9 * x.abs().max(n.abs()),
            None => lo.is_empty() && *n == 0.0,
        },
        Value::Text(t) => &**t == lo,
        Value::Bool(b) => lo == if *b { "TRUE" } else { "FALSE" },
        // Excel has no literal for a circular reference; LibreOffice shows
        // Err:522.
        Value::Error(e) if e.kind == ErrorKind::Circular => lo == "Err:522",
        Value::Error(e) => lo == e.kind.as_str(),
    }
}

fn column_letters(mut col: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ascii")
}

/// Exports `workbook` as `<stem>.xlsx` without cached results, has
/// LibreOffice recalculate it, and compares every cell of every sheet.
/// Returns the differences not listed in [`KNOWN_DIFFERENCES`].
fn check(workbook: &Workbook, stem: &str, dir: &Path, profile: &Path) -> Vec<String> {
    let out = dir.join(stem);
    std::fs::create_dir_all(&out).expect("out dir");
    let xlsx = out.join(format!("{stem}.xlsx"));
    export_xlsx_with(
        workbook,
        &xlsx,
        &ExportOptions {
            cached_results: false,
        },
    )
    .expect("exports");
    libreoffice::to_csv(profile, &xlsx, &out, Sheets::All);
    let mut differences = Vec::new();
    for (index, sheet) in workbook.document().sheets.iter().enumerate() {
        let index = index as u32;
        let rows = libreoffice::read_csv(&libreoffice::sheet_csv(&out, stem, &sheet.name));
        // Lever's grid and where it is in the export: a metric sheet has the
        // header row (period labels) on top, a grid sheet is cell for cell.
        let (lever_rows, lever_cols, offset) = match workbook.layout(index) {
            Layout::Grid => {
                let (r, c) = workbook.grid_size(index);
                (r, c, 0)
            }
            Layout::Metrics => {
                let header = &rows[0];
                let mut want = vec!["Metric".to_string(), "Unit".to_string()];
                want.extend(workbook.period_labels());
                assert_eq!(header, &want, "{stem} [{}]: header row", sheet.name);
                (
                    workbook.rows(index).len() as u32,
                    2 + workbook.periods(),
                    HEADER_ROWS,
                )
            }
        };
        // Every cell of Lever's grid, and any cell LibreOffice has beyond it.
        let csv_rows = rows.len() as u32;
        let csv_cols = rows.iter().map(Vec::len).max().unwrap_or(0) as u32;
        let (mut total, mut matched) = (0, 0);
        for r in 0..lever_rows.max(csv_rows.saturating_sub(offset)) {
            for c in 0..lever_cols.max(csv_cols) {
                let lever = if r < lever_rows && c < lever_cols {
                    workbook.cell_value(index, r, c).clone()
                } else {
                    Value::Empty
                };
                let lo = rows
                    .get((r + offset) as usize)
                    .and_then(|row| row.get(c as usize))
                    .map(String::as_str)
                    .unwrap_or("");
                if lever.is_empty() && lo.is_empty() {
                    continue;
                }
                total += 1;
                let cell = format!("{}{}", column_letters(c), r + offset + 1);
                let known = KNOWN_DIFFERENCES
                    .iter()
                    .any(|(w, s, at, _)| *w == stem && *s == sheet.name && *at == cell);
                if same(&lever, lo) {
                    matched += 1;
                    assert!(
                        !known,
                        "{stem} [{}] {cell}: listed as a known difference but matches",
                        sheet.name
                    );
                } else if !known {
                    differences.push(format!(
                        "{stem} [{}] {cell}: Lever `{lever}`, LibreOffice `{lo}`",
                        sheet.name
                    ));
                }
            }
        }
        println!("{stem} [{}]: {matched}/{total} cells match", sheet.name);
    }
    differences
}

#[test]
fn libreoffice_recalculates_every_export_to_levers_values() {
    if !libreoffice::available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = libreoffice::recalculating_profile(dir.path());
    let mut differences = Vec::new();
    for stem in ["edtech-growth", "funnel", "saas"] {
        let model = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models")
            .join(format!("{stem}.ron"));
        let workbook = Workbook::load(&model).expect("loads");
        differences.extend(check(&workbook, stem, dir.path(), &profile));
    }
    // The Excel fixture imported, saved as .ron, loaded and exported again.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/xlsx/basic.xlsx");
    let (imported, _) = Workbook::open_any(&fixture).expect("imports");
    let ron = dir.path().join("basic.ron");
    imported.save(&ron).expect("saves");
    let workbook = Workbook::load(&ron).expect("loads");
    differences.extend(check(&workbook, "basic", dir.path(), &profile));
    assert!(
        differences.is_empty(),
        "{} cells differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn csv_dates_and_percentages_are_read_as_numbers() {
    assert_eq!(libreoffice::number("2024-01-01"), Some(45292.0));
    assert_eq!(libreoffice::number("1899-12-31"), Some(1.0));
    assert_eq!(libreoffice::number("2024-01-01 12:00:00"), Some(45292.5));
    assert_eq!(libreoffice::number("12.5%"), Some(0.125));
    assert_eq!(libreoffice::number("Jan"), None);
    assert!(same(&Value::Number(45292.0), "2024-01-01"));
    assert!(same(&Value::Empty, "0"));
    assert!(same(&Value::error(ErrorKind::Circular), "Err:522"));
    assert!(!same(&Value::Number(1.0), "1.000001"));
}
