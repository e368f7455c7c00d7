//! The monthly review in the editor, driven as a user would (egui_kittest):
//! the Import actuals dialog (preview, a header mapped by hand, booking as
//! one undoable edit), actual cells in the grid, the Variance toggle of the
//! View menu, and the Waterfall tab on the sample.

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::ui::App;

fn harness(mut app: App) -> Harness<'static, App> {
    app.files.config_dir = None;
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    harness.run();
    harness
}

fn by_label(text: &str) -> By<'_> {
    By::new().predicate(move |node| node.label().as_deref() == Some(text))
}

/// The text field labelled `text`.
fn field(text: &str) -> By<'_> {
    By::new().predicate(move |node| {
        node.role() == egui::accesskit::Role::TextInput && node.label().as_deref() == Some(text)
    })
}

/// The text a grid cell shows, by its A1 name.
fn cell_text(harness: &Harness<'_, App>, a1: &str) -> String {
    harness.get(by_label(a1)).value().unwrap_or_default()
}

/// The A1 name of a metric's period cell on the first sheet.
fn a1(app: &App, metric: &str, period: u32) -> String {
    let (_, row) = app.doc.workbook.find_metric(metric).expect("metric");
    format!(
        "{}{}",
        lever::model::column_letters(lever::model::FIRST_PERIOD_COL + period),
        row + 1
    )
}

/// Opens the Waterfall tab through the Analysis menu.
fn open_waterfall(harness: &mut Harness<'_, App>) {
    harness.get(by_label("Analysis")).click();
    harness.run();
    harness.get(by_label("Waterfall")).click();
    harness.run();
}

/// The Waterfall tab's last result.
fn waterfall_result(harness: &Harness<'_, App>) -> lever::model::waterfall::Waterfall {
    harness
        .state()
        .analysis
        .waterfall
        .result
        .clone()
        .expect("explained")
}

#[test]
fn importing_a_month_from_the_dialog_books_it_in_one_undoable_edit() {
    let mut harness = harness(App::with_sample());
    let before = harness.state().doc.workbook.to_text();
    harness
        .state_mut()
        .open_actuals_import("models/actuals/edtech-2026-05.csv".into());
    harness.run();
    // The remembered mapping matches the export's name for cpc.
    assert!(harness.query_by_label("cpc (mapping)").is_some());
    harness.get(by_label("Import 5 actuals")).click();
    harness.run();
    let app = harness.state();
    assert!(app.actuals_import.is_none(), "the dialog closes");
    let doc = app.doc.workbook.document();
    assert_eq!(doc.actuals.as_ref().expect("actuals").closed, "2026-05");
    let cell = a1(app, "visits", 4);
    assert_eq!(cell_text(&harness, &cell), "190,400");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().doc.workbook.to_text(), before);
}

#[test]
fn an_unknown_header_blocks_the_import_until_it_is_mapped() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bi.csv");
    std::fs::write(
        &path,
        "metric,period,value\nWebsite visits,2026-05,190400\n",
    )
    .expect("writes");
    let mut harness = harness(App::with_sample());
    harness.state_mut().open_actuals_import(path);
    // The dialog's grid sizes its columns over a few frames.
    harness.run_steps(8);
    assert!(
        harness
            .query_by_label("line 2: no metric `Website visits` in the model")
            .is_some()
    );
    let before = harness.state().doc.workbook.to_text();
    harness.get(by_label("Import 0 actuals")).click();
    harness.run();
    assert!(
        harness.state().actuals_import.is_some()
            && harness.state().doc.workbook.to_text() == before,
        "nothing is imported while there are problems"
    );
    // Type the metric for the header and map it.
    harness.get(field("Website visits")).click();
    harness.run();
    harness.get(field("Website visits")).type_text("visits");
    harness.run();
    harness.get(by_label("Map")).click();
    harness.run_steps(8);
    harness.get(by_label("Import 1 actuals")).click();
    harness.run();
    let doc = harness.state().doc.workbook.document();
    let actuals = doc.actuals.as_ref().expect("actuals");
    assert!(
        actuals
            .mapping
            .contains(&("Website visits".to_string(), "visits".to_string())),
        "the mapping is remembered: {:?}",
        actuals.mapping
    );
}

#[test]
fn the_variance_toggle_shows_each_cell_against_the_plan() {
    let mut harness = harness(App::with_sample());
    let cell = a1(harness.state(), "visits", 0);
    assert_eq!(cell_text(&harness, &cell), "191,800");
    harness.get(by_label("View")).click();
    harness.run();
    harness.get(by_label("Variance")).click();
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    // 191,800 against the plan's 203,500.
    assert_eq!(cell_text(&harness, &cell), "-5.7%");
    // The plan alone (actuals hidden): no variance left in January.
    harness.get(by_label("View")).click();
    harness.run();
    harness.get(by_label("Actuals")).click();
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(!harness.state().doc.workbook.actuals_shown());
    assert_eq!(cell_text(&harness, &cell), "0");
}

#[test]
fn the_waterfall_tab_explains_aprils_net_revenue() {
    let mut harness = harness(App::with_sample());
    open_waterfall(&mut harness);
    let tool = &mut harness.state_mut().analysis.waterfall;
    tool.target = "net_revenue@Apr 2026".into();
    harness.run();
    harness.get(by_label("Explain")).click();
    harness.run();
    let result = waterfall_result(&harness);
    assert_eq!(result.names.0, "plan");
    assert!((result.sum() - result.total()).abs() < 1e-6 * result.from.abs());
    assert!(harness.query_by_label("Contact → qualified").is_some());
    // Clicking a driver selects its row.
    harness.get(by_label("Visits")).click();
    harness.run();
    let (_, visits) = harness
        .state()
        .doc
        .workbook
        .find_metric("visits")
        .expect("m");
    assert_eq!(harness.state().view.cursor.row, visits);
    // By month: one driver per metric and month, adding up the same.
    harness.get(by_label("By month")).click();
    harness.run();
    let by_month = waterfall_result(&harness);
    assert!(by_month.drivers.iter().all(|d| d.period.is_some()));
    assert!(by_month.drivers.len() > result.drivers.len());
    assert!((by_month.sum() - result.total()).abs() < 1e-6 * result.from.abs());
    assert!(
        harness
            .query_by_label("Contact → qualified, Apr 2026")
            .is_some()
    );
}

#[test]
fn freezing_a_plan_from_the_view_menu_is_one_undoable_edit() {
    let mut harness = harness(App::with_sample());
    harness.get(by_label("View")).click();
    harness.run();
    harness.get(by_label("Freeze plan…")).click();
    harness.run();
    harness.get(field("Name")).type_text("Reforecast May");
    harness.run();
    harness.get(by_label("Freeze")).click();
    harness.run();
    let plans = &harness.state().doc.workbook.document().plans;
    assert_eq!(plans.len(), 2);
    assert_eq!(plans[1].name, "Reforecast May");
    assert_eq!(harness.state().variance.plan, Some(1));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().doc.workbook.document().plans.len(), 1);
}

#[test]
fn the_waterfall_compares_with_an_earlier_version_of_the_file() {
    let dir = tempfile::tempdir().expect("dir");
    let earlier = dir.path().join("last-month.ron");
    let text = std::fs::read_to_string("models/edtech-growth.ron").expect("reads");
    let cheaper = text.replace(
        r#"formula: "=form_cpl[-1] * (1 + media_inflation)", values: [850]"#,
        r#"formula: "=form_cpl[-1] * (1 + media_inflation)", values: [800]"#,
    );
    assert_ne!(cheaper, text);
    std::fs::write(&earlier, cheaper).expect("writes");
    let mut harness = harness(App::with_sample());
    open_waterfall(&mut harness);
    let app = harness.state_mut();
    app.analysis.waterfall.target = "ebitda@total".into();
    app.analysis
        .waterfall
        .load_earlier(&mut app.doc.workbook, &earlier)
        .expect("loads");
    harness.run();
    let result = waterfall_result(&harness);
    assert_eq!(result.drivers.len(), 1, "{:?}", result.drivers);
    assert_eq!(result.drivers[0].name, "form_cpl");
    assert!(
        result.drivers[0].contribution < 0.0,
        "dearer lead forms cost EBITDA"
    );
    assert!(
        harness
            .query_by_label("last-month.ron → this file")
            .is_some()
            || harness
                .query(
                    By::new()
                        .predicate(|n| n.value().as_deref() == Some("last-month.ron → this file"))
                )
                .is_some()
    );
}
