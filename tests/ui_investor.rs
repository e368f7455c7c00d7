//! The investor view and templates in the real editor (egui_kittest, no
//! display): open the investor view from the View menu on the sample, read
//! its yearly roll-up, switch to quarters, show the scenarios side by side,
//! hide a row (undoably), export it as CSV, HTML and Excel, and start a
//! model from a template.

use std::fs;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::model::document::Grouping;
use lever::model::{display, rollup};
use lever::ui::App;
use lever::ui::investor::ExportKind;

fn harness(app: App) -> Harness<'static, App> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    harness.run();
    harness
}

/// A widget by its accessible name, or a label by its text.
fn by_label(text: &str) -> By<'_> {
    By::new().predicate(move |n| {
        n.label().as_deref() == Some(text) || n.value().as_deref() == Some(text)
    })
}

fn shows(harness: &Harness<'_, App>, text: &str) -> bool {
    harness.query_all(by_label(text)).next().is_some()
}

fn click(harness: &mut Harness<'_, App>, text: &str) {
    harness.get(by_label(text)).click();
    harness.run();
}

/// An app on the sample that keeps nothing in the user's config folder.
fn sample() -> App {
    let mut app = App::with_sample();
    app.files.config_dir = None;
    app
}

/// Opens the investor view through View → Investor view.
fn open_investor(harness: &mut Harness<'_, App>) {
    click(harness, "View");
    // The menu item's name includes its shortcut.
    click(harness, "Investor view Ctrl+I");
    assert!(harness.state().investor.open, "the investor view is open");
}

/// The text a metric's rolled-up value is shown with, by `grouping`.
fn shown_value(app: &App, name: &str, grouping: Grouping, group: usize) -> String {
    let workbook = &app.doc.workbook;
    let (sheet, row) = workbook.find_metric(name).expect("a metric");
    let value = rollup::rolled_up(workbook, sheet, row, grouping)[group].expect("a number");
    let format = workbook.rows(sheet)[row as usize].format;
    display::format_number(value, format)
}

#[test]
fn the_investor_view_shows_the_views_metrics_rolled_up() {
    let mut harness = harness(sample());
    open_investor(&mut harness);
    assert!(shows(&harness, "Back to the model") || shows(&harness, "⬅ Back to the model"));
    let view = rollup::view(&harness.state().doc.workbook);
    assert_eq!(view.period, Grouping::Year);
    // Every shown metric is listed by its label, with yearly columns.
    let table = harness.state().investor_table().expect("the view computes");
    assert_eq!(table.grouping, Grouping::Year);
    for metric in table.metrics() {
        assert!(shows(&harness, &metric.label), "{} is shown", metric.label);
    }
    assert!(shows(&harness, "2026") && shows(&harness, "2028"));
    let revenue_2027 = shown_value(harness.state(), "net_revenue", Grouping::Year, 1);
    assert!(
        shows(&harness, &revenue_2027),
        "net revenue 2027: {revenue_2027}"
    );
    let cash_2028 = shown_value(harness.state(), "cash", Grouping::Year, 2);
    assert!(
        shows(&harness, &cash_2028),
        "cash at the end of 2028: {cash_2028}"
    );

    // By quarter.
    click(&mut harness, "Quarter");
    assert_eq!(harness.state().investor.grouping, Some(Grouping::Quarter));
    assert!(shows(&harness, "Q3 2027"));
    let q3 = shown_value(harness.state(), "net_revenue", Grouping::Quarter, 6);
    assert!(shows(&harness, &q3), "net revenue Q3 2027: {q3}");
    // Nothing in the model changed.
    assert!(!harness.state().doc.workbook.can_undo());
    assert!(!harness.state().doc.is_modified());

    // Back to the model.
    click(&mut harness, "⬅ Back to the model");
    assert!(!harness.state().investor.open);
    assert!(shows(&harness, "Name box"));
}

#[test]
fn scenarios_show_side_by_side_with_the_difference_from_base() {
    let mut harness = harness(sample());
    open_investor(&mut harness);
    let names: Vec<String> = harness
        .state()
        .doc
        .workbook
        .scenarios()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert!(names.iter().any(|n| n == "Optimistic") && names.iter().any(|n| n == "Pessimistic"));
    assert!(!shows(&harness, "Optimistic"));
    click(&mut harness, "Scenarios side by side");
    assert!(harness.state().investor.side_by_side);
    assert!(shows(&harness, "Optimistic") && shows(&harness, "Pessimistic"));

    // The figures are the model's own under each scenario, rolled up over
    // the whole timeline; the workbook is left as it was.
    let app = harness.state_mut();
    let table = app.investor_table().unwrap();
    let view = rollup::view(&app.doc.workbook);
    let before = app.doc.workbook.state_id();
    let investor = &mut app.investor;
    let sides = investor
        .side_by_side(&mut app.doc.workbook, &table, &view, None)
        .expect("compares");
    assert_eq!(app.doc.workbook.state_id(), before);
    assert_eq!(app.doc.workbook.active_scenario(), None);
    assert_eq!(sides.names.len(), 1 + names.len());
    let revenue = sides
        .rows
        .iter()
        .find(|r| r.label == "Net revenue")
        .expect("net revenue is shown");
    let workbook = &app.doc.workbook;
    let (sheet, row) = workbook.find_metric("net_revenue").unwrap();
    let total: f64 = workbook
        .row_values(sheet, row)
        .iter()
        .filter_map(|v| v.as_number())
        .sum();
    assert!((revenue.values[0].unwrap() - total).abs() < 1e-6 * total.abs());
    let optimistic = 1 + names.iter().position(|n| n == "Optimistic").unwrap();
    let pessimistic = 1 + names.iter().position(|n| n == "Pessimistic").unwrap();
    assert!(revenue.pct[optimistic].unwrap() > 0.0, "{revenue:?}");
    assert!(revenue.pct[pessimistic].unwrap() < 0.0, "{revenue:?}");
    let pct_text = format!("{:+.1}%", revenue.pct[optimistic].unwrap() * 100.0);
    harness.run();
    assert!(shows(&harness, &pct_text), "{pct_text} is shown");
}

/// The row chooser's check box for EBITDA margin.
fn ebitda_margin_box<'a>(harness: &'a Harness<'_, App>) -> egui_kittest::Node<'a> {
    harness.get(
        By::new()
            .role(Role::CheckBox)
            .predicate(|n| n.label().as_deref() == Some("EBITDA margin")),
    )
}

#[test]
fn hiding_a_row_changes_the_saved_view_and_undoes() {
    let mut harness = harness(sample());
    open_investor(&mut harness);
    assert!(shows(&harness, "EBITDA margin"));
    click(&mut harness, "Choose rows (16 shown)");
    // The filter narrows the long list of metrics.
    let filter = || By::new().role(Role::TextInput).label("Filter:");
    harness.get(filter()).click();
    harness.run();
    harness.get(filter()).type_text("EBITDA margin");
    harness.run();
    ebitda_margin_box(&harness).click();
    harness.run();
    let view = harness
        .state()
        .doc
        .workbook
        .document()
        .investor
        .clone()
        .expect("the view is in the file");
    assert_eq!(view.rows.len(), 15);
    assert!(!view.rows.iter().any(|r| r == "ebitda_margin"));
    assert!(harness.state().doc.is_modified());
    assert!(
        harness
            .state()
            .doc
            .workbook
            .to_text()
            .contains("investor: (rows: [")
    );
    assert!(
        !harness
            .state()
            .investor_table()
            .unwrap()
            .metrics()
            .any(|m| m.name == "ebitda_margin")
    );

    // Undo from the Edit menu puts it back, in its place.
    click(&mut harness, "Edit");
    click(&mut harness, "Undo");
    let view = rollup::view(&harness.state().doc.workbook);
    assert_eq!(view.rows.len(), 16);
    assert_eq!(view.rows[9], "ebitda_margin");

    // Checking it again after hiding it keeps the model's order.
    for _ in 0..2 {
        ebitda_margin_box(&harness).click();
        harness.run();
    }
    let view = rollup::view(&harness.state().doc.workbook);
    assert_eq!(view.rows[9], "ebitda_margin");
}

#[test]
fn the_investor_view_exports_as_csv_html_and_excel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(sample());
    open_investor(&mut harness);
    click(&mut harness, "Quarter");
    for kind in ExportKind::ALL {
        assert!(shows(&harness, kind.button()));
    }
    let app = &mut *harness.state_mut();

    let csv = dir.path().join("investor.csv");
    assert!(app.export_investor(ExportKind::Csv, &csv));
    assert!(
        app.view.status.contains("investor.csv"),
        "{}",
        app.view.status
    );
    let text = fs::read_to_string(&csv).expect("the CSV is written");
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("metric,unit,Q1 2026,Q2 2026"),
        "{header}"
    );
    assert_eq!(text.lines().count(), 1 + 16);
    assert!(text.contains("Net revenue,"));

    let html = dir.path().join("investor.html");
    assert!(app.export_investor(ExportKind::Html, &html));
    let text = fs::read_to_string(&html).expect("the HTML is written");
    assert!(text.contains("<svg") && text.contains("Net revenue") && text.contains("Q4 2028"));
    assert!(!text.contains("<script"));

    let xlsx = dir.path().join("investor.xlsx");
    assert!(app.export_investor(ExportKind::Excel, &xlsx));
    let bytes = fs::read(&xlsx).expect("the workbook is written");
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip file");

    // A failure is reported in the status bar.
    let nowhere = dir.path().join("no such folder").join("x.csv");
    assert!(!app.export_investor(ExportKind::Csv, &nowhere));
    assert!(
        app.view.status.starts_with("Export failed"),
        "{}",
        app.view.status
    );
}

#[test]
fn the_shortcut_toggles_the_investor_view() {
    let mut harness = harness(sample());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    harness.run();
    assert!(harness.state().investor.open);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    harness.run();
    assert!(!harness.state().investor.open);
}

#[test]
fn new_from_template_opens_the_saas_model() {
    let mut harness = harness(sample());
    click(&mut harness, "File");
    click(&mut harness, "New from template");
    for title in ["An empty sheet", "Funnel calculator", "EdTech growth model"] {
        assert!(shows(&harness, title), "{title} is offered");
    }
    click(&mut harness, "SaaS model");
    let app = harness.state();
    assert_eq!(app.doc.path, None);
    assert!(!app.doc.is_modified());
    assert!(app.doc.workbook.find_metric("mrr").is_some());
    assert!(app.doc.workbook.errors().is_empty());
    assert!(app.files.error.is_none());
}

#[test]
fn new_from_template_asks_before_dropping_changes() {
    let mut harness = harness(sample());
    let (sheet, row) = harness
        .state()
        .doc
        .workbook
        .find_metric("list_price")
        .unwrap();
    let edit = vec![lever::model::Command::SetCell {
        sheet,
        row,
        period: 0,
        input: lever::model::CellInput::Number(1.0),
    }];
    harness.state_mut().apply(edit, Some(0));
    harness.run();
    click(&mut harness, "File");
    click(&mut harness, "New from template");
    click(&mut harness, "SaaS model");
    assert!(harness.state().doc.workbook.find_metric("mrr").is_none());
    click(&mut harness, "Don't save");
    assert!(harness.state().doc.workbook.find_metric("mrr").is_some());
}
