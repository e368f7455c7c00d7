//! The investor view exported as CSV, HTML and Excel, checked against
//! hand-computed roll-ups; the Excel file recalculated by LibreOffice
//! headless (skipped with a message when `soffice` is not installed) must
//! give Lever's values. Also `lever new --template` and the changelog's
//! round trip through the file.

mod common;

use std::path::Path;

use common::libreoffice::{self, Sheets, csv_rows};
use common::{lever, stderr, stdout};
use lever::model::document::{ChangelogEntry, Grouping};
use lever::model::interop::{ExportOptions, export_investor_xlsx};
use lever::model::rollup::{ViewLine, investor_table, view};
use lever::model::{Command, Workbook, changelog};

#[test]
fn csv_export_by_quarter_by_hand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("funnel.csv");
    let output = lever(&[
        "export",
        "models/funnel.ron",
        "--view",
        "investor",
        "--to",
        out.to_str().expect("utf-8"),
        "--period",
        "quarter",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("4 columns"), "{}", stdout(&output));
    let rows = csv_rows(&std::fs::read_to_string(&out).expect("written"));
    assert_eq!(
        rows[0],
        ["metric", "unit", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    );
    let find = |label: &str| rows.iter().find(|r| r[0] == label).expect(label).clone();
    // Paid = 700 × 1.03^k a month; Q1 sums 700 × (1 + 1.03 + 1.0609).
    let paid: f64 = find("Paid customers")[2].parse().expect("number");
    assert!((paid - 700.0 * 3.0909).abs() < 1e-6, "{paid}");
    // Lead → paid is recomputed as Σ paid / Σ leads: 7% in every quarter.
    for q in &find("Lead → paid (end to end)")[2..] {
        let v: f64 = q.parse().expect("number");
        assert!((v - 0.07).abs() < 1e-12, "{v}");
    }
}

#[test]
fn html_export_is_self_contained_with_charts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("saas.html");
    let output = lever(&[
        "export",
        "models/saas.ron",
        "--to",
        out.to_str().expect("utf-8"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(&out).expect("written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<th>Q4 2027</th>"),
        "the view's own grouping: quarters"
    );
    assert_eq!(html.matches("<svg").count(), 4, "four charts");
    assert!(html.contains("@media print"));
    assert!(
        !html.contains("src=") && !html.contains("<script"),
        "nothing loaded"
    );
}

#[test]
fn unsupported_targets_say_what_to_use() {
    for (to, message) in [
        ("out.pdf", "PDF is not written directly"),
        ("out.txt", "use .xlsx, .html or .csv"),
    ] {
        let output = lever(&["export", "models/funnel.ron", "--to", to]);
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
        assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join(to).exists());
    }
}

#[test]
fn xlsx_export_has_rollup_formulas_and_cached_values() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("funnel.xlsx");
    let output = lever(&[
        "export",
        "models/funnel.ron",
        "--to",
        out.to_str().expect("utf-8"),
        "--period",
        "quarter",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut book: Xlsx<_> = open_workbook(&out).expect("opens");
    assert_eq!(book.sheet_names(), ["Investor", "Model"]);
    let formulas = book.worksheet_formula("Investor").expect("formulas");
    let values = book.worksheet_range("Investor").expect("values");
    let row = (0..values.height())
        .find(|&r| values.get((r, 0)) == Some(&Data::String("Paid customers".into())))
        .expect("paid row");
    // Paid customers is the model's 14th row → Excel row 15 (under the
    // header row); leads the 2nd → row 3.
    let all: Vec<String> = formulas.rows().flatten().cloned().collect();
    assert!(
        all.contains(&"SUM('Model'!$C$15:$E$15)".to_string()),
        "{all:?}"
    );
    assert!(
        all.contains(&"SUM('Model'!$C$15:$E$15)/SUM('Model'!$C$3:$E$3)".to_string()),
        "{all:?}"
    );
    // The revenue gains are money per period: they add up, though their
    // formulas divide (the file says `rollup: Sum`).
    assert!(
        all.contains(&"SUM('Model'!$F$21:$H$21)".to_string()),
        "{all:?}"
    );
    match values.get((row, 2)) {
        Some(Data::Float(v)) => assert!((v - 700.0 * 3.0909).abs() < 1e-6, "{v}"),
        other => panic!("{other:?}"),
    }
}

/// LibreOffice recalculates the exported workbook (written without cached
/// values, so only a real recalculation gives numbers) and its Investor
/// sheet must equal Lever's roll-ups.
#[test]
fn libreoffice_recalculates_the_investor_xlsx_to_levers_values() {
    if !libreoffice::available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = libreoffice::recalculating_profile(dir.path());
    for (model, grouping) in [
        ("models/saas.ron", Grouping::Quarter),
        ("models/edtech-growth.ron", Grouping::Year),
        ("models/funnel.ron", Grouping::Month),
    ] {
        let w = Workbook::load(Path::new(model)).expect("loads");
        let table = investor_table(&w, &view(&w), Some(grouping)).expect("computes");
        let stem = Path::new(model)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let xlsx = dir.path().join(format!("{stem}.xlsx"));
        export_investor_xlsx(
            &w,
            &table,
            &xlsx,
            &ExportOptions {
                cached_results: false,
            },
        )
        .expect("exports");
        libreoffice::to_csv(&profile, &xlsx, dir.path(), Sheets::Number(1));
        let csv_path = libreoffice::sheet_csv(dir.path(), &stem, "Investor");
        let rows = libreoffice::read_csv(&csv_path);
        let mut compared = 0;
        // The sheet has the header row, then one row per line of the view.
        for (line, item) in table.lines.iter().enumerate() {
            let ViewLine::Metric(metric) = item else {
                continue;
            };
            let lo = &rows[line + 1];
            assert_eq!(lo[0], metric.label, "{stem}: row {}", line + 2);
            for (i, want) in metric.values.iter().enumerate() {
                let Some(want) = want else { continue };
                let text = lo[i + 2].trim();
                let got: f64 = match text.strip_suffix('%') {
                    Some(p) => p.parse::<f64>().expect("percent") / 100.0,
                    None => text.parse().unwrap_or_else(|_| {
                        panic!(
                            "{stem}: {} {}: `{text}`",
                            metric.label, table.groups[i].label
                        )
                    }),
                };
                let tolerance = 1e-9 * want.abs().max(1.0);
                assert!(
                    (got - want).abs() <= tolerance,
                    "{stem}: {} {}: LibreOffice {got}, Lever {want}",
                    metric.label,
                    table.groups[i].label
                );
                compared += 1;
            }
        }
        assert!(compared > 20, "{stem}: only {compared} values compared");
    }
}

#[test]
fn new_from_each_template_checks_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["blank", "funnel", "edtech", "saas"] {
        let out = dir.path().join(format!("{name}.ron"));
        let path = out.to_str().expect("utf-8");
        let output = lever(&["new", path, "--template", name]);
        assert!(output.status.success(), "{}", stderr(&output));
        let output = lever(&["check", path]);
        assert!(output.status.success(), "{name}: {}", stdout(&output));
        // Not replaced without --force.
        let output = lever(&["new", path, "--template", name]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains("already exists"),
            "{}",
            stderr(&output)
        );
    }
    let output = lever(&["new", "x.ron", "--template", "crm"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no template `crm`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn changelog_entries_round_trip_through_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("m.ron");
    let mut w = Workbook::load(Path::new("models/funnel.ron")).expect("loads");
    w.apply(vec![
        Command::AddChangelogEntry {
            index: 0,
            entry: ChangelogEntry {
                date: "2026-04-01".into(),
                area: "sales".into(),
                text: "New opening script, \"v2\"".into(),
                metrics: vec!["contact_to_qualified".into(), "paid".into()],
            },
        },
        Command::AddChangelogEntry {
            index: 1,
            entry: ChangelogEntry {
                date: "2026-07-15".into(),
                area: String::new(),
                text: "Price test".into(),
                metrics: vec![],
            },
        },
    ])
    .expect("adds");
    w.save(&path).expect("saves");
    let text = std::fs::read_to_string(&path).expect("reads");
    assert!(text.contains(
        "(date: \"2026-04-01\", area: \"sales\", text: \"New opening script, \\\"v2\\\"\", metrics: [\"contact_to_qualified\", \"paid\"]),"
    ));
    assert!(text.contains("(date: \"2026-07-15\", text: \"Price test\", metrics: []),"));
    let back = Workbook::load(&path).expect("loads");
    assert_eq!(back.document().changelog, w.document().changelog);
    assert_eq!(back.to_text(), text);
    // Paid grows 3% a month: the 3 months after April average more.
    let changes = changelog::before_after(&back, &back.document().changelog[0], 3).expect("dates");
    let paid = &changes[1];
    assert_eq!(
        (paid.before_periods.clone(), paid.after_periods.clone()),
        (0..3, 3..6)
    );
    let growth = 1.03f64.powi(3) - 1.0;
    assert!((paid.change.unwrap() - growth).abs() < 1e-12);
}
