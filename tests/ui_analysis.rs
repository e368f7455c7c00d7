//! The analysis panel driven as a user would (egui_kittest): open the
//! sensitivity tool from the Analysis menu, read the ranking, click an input
//! to select it; chart metrics and watch the chart follow an edit.

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::model::{CellInput, Command};
use lever::ui::App;
use lever::ui::analysis::Tool;

fn harness(mut app: App) -> Harness<'static, App> {
    // Nothing goes to the user's settings folder (autosaves, recent files).
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

/// Goes to a metric (in the first period) through the name box.
fn go_to(harness: &mut Harness<'_, App>, target: &str) {
    harness.get_by_label("Name box").click();
    harness.run();
    harness.get_by_label("Name box").type_text(target);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

/// Opens a tool through the Analysis menu.
fn open_from_menu(harness: &mut Harness<'_, App>, title: &str) {
    harness.get(by_label("Analysis")).click();
    harness.run();
    harness.get(by_label(title)).click();
    settle(harness);
}

/// Runs frames until no background computation is running (a running one
/// repaints every frame for its progress bar), then until the UI is still.
fn settle(harness: &mut Harness<'_, App>) {
    let started = std::time::Instant::now();
    harness.step();
    while {
        let analysis = &harness.state().analysis;
        analysis.sensitivity.is_running() || analysis.data_table.is_running()
    } {
        assert!(started.elapsed().as_secs() < 60, "the computation finishes");
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

#[test]
fn the_sensitivity_tool_ranks_inputs_and_selects_the_clicked_one() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "ebitda");
    open_from_menu(&mut harness, "Sensitivity");
    let app = harness.state();
    assert_eq!(app.analysis.open, Some(Tool::Sensitivity));
    assert_eq!(app.analysis.sensitivity.target, "ebitda@total");
    assert_eq!(app.analysis.sensitivity.error, None);
    let result = app
        .analysis
        .sensitivity
        .result
        .clone()
        .expect("the tool runs when opened on a metric");
    assert!(result.bars.len() > 20, "every input is flexed");
    // The widest bar is first, and the table lists it by its label.
    let spreads: Vec<f64> = result.bars.iter().filter_map(|b| b.spread()).collect();
    assert!(
        spreads.windows(2).all(|w| w[0] >= w[1] * (1.0 - 1e-9)),
        "ranked by impact"
    );
    let top = &result.bars[0];
    harness.get(by_label(&top.label)).click();
    harness.run();
    let app = harness.state();
    assert_eq!(
        app.view.cursor.row, top.row,
        "clicking an input in the ranking selects its row"
    );
    // Nothing changed in the model.
    assert!(!app.doc.workbook.can_undo());
}

#[test]
fn the_sensitivity_tool_follows_edits_and_reports_bad_targets() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "ebitda");
    open_from_menu(&mut harness, "Sensitivity");
    let before = harness.state().analysis.sensitivity.result.clone().unwrap();
    // Raise the price: the tornado is recomputed.
    let (sheet, row) = harness
        .state()
        .doc
        .workbook
        .find_metric("list_price")
        .unwrap();
    let price = harness
        .state()
        .doc
        .workbook
        .value(sheet, row, 0)
        .as_number()
        .unwrap();
    let edit = vec![Command::SetCell {
        sheet,
        row,
        period: 0,
        input: CellInput::Number(price * 1.2),
    }];
    harness.state_mut().apply(edit, Some(0));
    settle(&mut harness);
    // A slow run (a debug build) offers Refresh instead of following live.
    if let Some(refresh) = harness.query(by_label("Refresh")) {
        refresh.click();
        settle(&mut harness);
    }
    let after = harness.state().analysis.sensitivity.result.clone().unwrap();
    assert_ne!(before.base, after.base, "the base follows the edit");

    harness.state_mut().analysis.sensitivity.target = "no_such_metric@total".into();
    harness.get(by_label("Run")).click();
    settle(&mut harness);
    let error = harness.state().analysis.sensitivity.error.clone();
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("no_such_metric")),
        "{error:?}"
    );
}

#[test]
fn the_chart_tool_charts_the_selected_metrics() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "net_revenue");
    open_from_menu(&mut harness, "Chart");
    let (sheet, row) = harness
        .state()
        .doc
        .workbook
        .find_metric("net_revenue")
        .unwrap();
    assert_eq!(harness.state().analysis.chart.metrics, vec![(sheet, row)]);
    go_to(&mut harness, "ebitda");
    harness.get(by_label("+ Add selected metric")).click();
    harness.run();
    assert_eq!(harness.state().analysis.chart.metrics.len(), 2);
    // A chip per metric removes it.
    harness.get(by_label("net_revenue ✕")).click();
    harness.run();
    let (_, ebitda) = harness.state().doc.workbook.find_metric("ebitda").unwrap();
    assert_eq!(
        harness.state().analysis.chart.metrics,
        vec![(sheet, ebitda)]
    );
    harness.get(by_label("Bars")).click();
    harness.get(by_label("One chart per unit")).click();
    harness.run();
    assert!(harness.state().analysis.chart.per_unit);
}

#[test]
fn switching_scenarios_shows_their_inputs_and_typing_goes_into_the_scenario() {
    let mut harness = harness(App::with_sample());
    let workbook = &harness.state().doc.workbook;
    let (sheet, price_row) = workbook.find_metric("list_price").unwrap();
    let base_price = workbook.value(sheet, price_row, 0).as_number().unwrap();
    let optimistic = workbook
        .scenarios()
        .iter()
        .position(|s| s.name == "Optimistic")
        .expect("the sample has an Optimistic scenario");

    harness.get(by_label("Scenario")).click();
    harness.run();
    harness.get(by_label("Optimistic")).click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.doc.workbook.active_scenario(), Some(optimistic));
    assert_eq!(
        app.doc.workbook.value(sheet, price_row, 0).as_number(),
        Some(79900.0),
        "the scenario's price is shown"
    );
    assert!(!app.doc.workbook.can_undo(), "switching is not an edit");

    // Typing an input while the scenario is shown changes the scenario only.
    go_to(&mut harness, "list_price Jan 2026");
    harness.event(egui::Event::Text("81000".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let workbook = &harness.state().doc.workbook;
    assert_eq!(
        workbook.value(sheet, price_row, 0).as_number(),
        Some(81000.0)
    );
    assert_eq!(
        workbook.input(sheet, price_row, 0),
        &CellInput::Number(base_price),
        "the base model keeps its price"
    );

    // Back to base: the model's own price again.
    harness.get(by_label("Scenario")).click();
    harness.run();
    harness.get(by_label("base")).click();
    harness.run();
    let workbook = &harness.state().doc.workbook;
    assert_eq!(workbook.active_scenario(), None);
    assert_eq!(
        workbook.value(sheet, price_row, 0).as_number(),
        Some(base_price)
    );
}

#[test]
fn the_scenarios_tab_adds_a_scenario_and_compares_metrics() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "net_revenue");
    open_from_menu(&mut harness, "Scenarios");
    let before = harness.state().doc.workbook.scenarios().len();
    harness.get(by_label("New scenario")).click();
    harness.run();
    harness
        .get(by_label("New scenario"))
        .type_text("Aggressive hiring");
    harness.run();
    harness.get(by_label("Add scenario")).click();
    harness.run();
    let workbook = &harness.state().doc.workbook;
    assert_eq!(workbook.scenarios().len(), before + 1);
    assert_eq!(workbook.scenarios()[before].name, "Aggressive hiring");
    assert!(
        workbook.can_undo(),
        "adding a scenario is one undoable edit"
    );
    // The comparison lists net revenue under every scenario.
    assert!(harness.query(by_label("Pessimistic")).is_some());
    assert_eq!(harness.state().analysis.scenarios.error, None);
    assert!(harness.query(by_label("net_revenue ✕")).is_some());
    assert!(harness.query(by_label("Aggressive hiring")).is_some());
    let comparison = harness
        .state()
        .analysis
        .scenarios
        .comparison()
        .expect("the comparison is shown");
    assert_eq!(
        comparison.names,
        ["base", "Optimistic", "Pessimistic", "Aggressive hiring"]
    );
    assert_eq!(comparison.metrics[0].name, "net_revenue");
    harness.state_mut().undo();
    harness.run();
    assert_eq!(harness.state().doc.workbook.scenarios().len(), before);
}

/// Types into a labelled text field, replacing what it holds.
fn fill(harness: &mut Harness<'_, App>, label: &str, text: &str) {
    harness.get(by_label(label)).click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.get(by_label(label)).type_text(text);
    harness.run();
}

#[test]
fn goal_seek_finds_the_price_and_applies_it_as_one_undoable_edit() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "gross_revenue Jan 2026");
    open_from_menu(&mut harness, "Goal seek…");
    assert_eq!(
        harness.state().analysis.goal_seek.target,
        "gross_revenue@Jan 2026",
        "the target starts at the selected cell"
    );
    fill(&mut harness, "To value", "40,000,000");
    fill(&mut harness, "By changing", "list_price@Jan 2026");
    harness.get(by_label("Seek")).click();
    harness.run();
    let dialog = &harness.state().analysis.goal_seek;
    assert_eq!(dialog.error, None);
    let answer = dialog.answer.clone().expect("a solution exists");
    assert!((answer.achieved - 40e6).abs() < 1.0, "{}", answer.achieved);
    assert!(
        !harness.state().doc.workbook.can_undo(),
        "seeking changes nothing"
    );

    harness.get(by_label("Apply")).click();
    harness.run();
    let app = harness.state();
    let (sheet, row) = app.doc.workbook.find_metric("gross_revenue").unwrap();
    let revenue = app.doc.workbook.value(sheet, row, 0).as_number().unwrap();
    assert!((revenue - 40e6).abs() < 1.0, "{revenue}");
    assert!(!app.analysis.goal_seek.open, "the dialog closes");
    harness.state_mut().undo();
    assert!(!harness.state().doc.workbook.can_undo(), "one undo step");
}

#[test]
fn goal_seek_on_a_formula_cell_says_it_changes_inputs() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "ebitda Jan 2026");
    open_from_menu(&mut harness, "Goal seek…");
    fill(&mut harness, "To value", "0");
    fill(&mut harness, "By changing", "gross_revenue@Jan 2026");
    harness.get(by_label("Seek")).click();
    harness.run();
    let error = harness
        .state()
        .analysis
        .goal_seek
        .error
        .clone()
        .unwrap_or_default();
    assert!(error.contains("formula"), "{error}");
}

#[test]
fn a_data_table_is_computed_in_the_background_and_exported() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "ebitda");
    open_from_menu(&mut harness, "Data table");
    assert_eq!(harness.state().analysis.data_table.target, "ebitda@total");
    fill(&mut harness, "Input down the side", "list_price");
    harness.get(by_label("Two inputs")).click();
    harness.run();
    fill(&mut harness, "Input across the top", "base_paid_conversion");
    harness.get(by_label("Compute")).click();
    settle(&mut harness);
    let tool = &harness.state().analysis.data_table;
    assert_eq!(tool.error, None);
    let (table, base) = tool.result.clone().expect("a table");
    assert_eq!(table.cells.len(), 5);
    assert_eq!(table.cells[0].len(), 5);
    // The middle cell is the model as it stands.
    let middle = table.cells[2][2].unwrap();
    assert!(
        (middle - base).abs() <= base.abs() * 1e-9,
        "{middle} vs {base}"
    );
    assert!(harness.query(by_label("Copy as CSV")).is_some());
    assert!(!harness.state().doc.workbook.can_undo());
}

#[test]
fn the_funnel_tab_shows_stages_the_biggest_drop_and_the_cheapest_lever() {
    let app = App::new(lever::ui::files::Document::untitled(
        lever::model::Workbook::parse(include_str!("../models/funnel.ron"), "funnel.ron").unwrap(),
        "funnel.ron",
    ));
    let mut harness = harness(app);
    open_from_menu(&mut harness, "Funnel");
    let tool = &harness.state().analysis.funnel;
    assert_eq!(tool.error, None);
    let report = tool.report().expect("the funnel is computed").clone();
    assert_eq!(report.name, "Sales");
    assert_eq!(report.stages.len(), 5);
    // The biggest drop is the step with the lowest conversion.
    let lowest = (0..report.steps.len())
        .min_by(|&a, &b| {
            report.steps[a]
                .conversion
                .partial_cmp(&report.steps[b].conversion)
                .unwrap()
        })
        .unwrap();
    assert_eq!(report.biggest_drop, Some(lowest));
    assert!(!report.ranking.is_empty(), "benchmarked steps are ranked");
    // Clicking a stage selects its row.
    let stage = report.stages[2].clone();
    harness.get(by_label(&stage.label)).click();
    harness.run();
    assert_eq!(harness.state().view.cursor.row, stage.row);
    // A period range narrows the report.
    harness.get(by_label("Periods")).click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.get(by_label("Periods")).type_text("Mar 2026");
    harness.run();
    let report = harness.state().analysis.funnel.report().unwrap().clone();
    assert_eq!(report.periods, 2..3);
}

#[test]
fn changelog_entries_are_added_edited_and_deleted_with_undo() {
    let mut harness = harness(App::with_sample());
    let before = harness.state().doc.workbook.document().changelog.len();
    open_from_menu(&mut harness, "Changelog");
    fill(&mut harness, "Date", "2026-02-10");
    fill(&mut harness, "Area", "marketing");
    fill(&mut harness, "What changed", "Doubled the webinar budget");
    fill(&mut harness, "Metrics", "webinar_registrations, site_leads");
    harness.get(by_label("Add entry")).click();
    harness.run();
    let log = harness.state().doc.workbook.document().changelog.clone();
    assert_eq!(log.len(), before + 1);
    let added = log
        .iter()
        .position(|e| e.text == "Doubled the webinar budget")
        .unwrap();
    assert_eq!(added, 0, "entries stay in date order");
    assert_eq!(log[0].area, "marketing");
    assert_eq!(log[0].metrics, ["webinar_registrations", "site_leads"]);

    // Selecting it shows the linked metrics before and after.
    harness
        .get(by_label(
            "2026-02-10 [marketing]  Doubled the webinar budget",
        ))
        .click();
    harness.run();
    assert!(harness.query(by_label("webinar_registrations")).is_some());
    harness.get(by_label("Delete entry")).click();
    harness.run();
    assert_eq!(
        harness.state().doc.workbook.document().changelog.len(),
        before
    );
    harness.state_mut().undo();
    assert_eq!(
        harness.state().doc.workbook.document().changelog.len(),
        before + 1
    );

    // A bad date is refused and the form keeps what was typed.
    fill(&mut harness, "Date", "next week");
    fill(&mut harness, "What changed", "Something");
    harness.get(by_label("Add entry")).click();
    harness.run();
    let tool = &harness.state().analysis.changelog;
    assert!(
        tool.error
            .as_deref()
            .is_some_and(|e| e.contains("next week"))
    );
    assert_eq!(tool.draft.text, "Something");
}

#[test]
fn benchmarked_cells_explain_themselves() {
    let harness = harness(App::with_sample());
    let workbook = &harness.state().doc.workbook;
    let (sheet, row) = workbook.find_metric("visit_to_lead").unwrap();
    let verdict = lever::model::benchmark::cell_verdict(workbook, sheet, row, 0)
        .expect("visit → lead has a market benchmark");
    assert!(
        verdict.explanation.contains("market"),
        "{}",
        verdict.explanation
    );
    // The legend is in the status bar.
    // Labels keep their text as the node's value in AccessKit.
    let legend = harness
        .query_all(By::new().predicate(|n| {
            n.label().as_deref() == Some("Benchmarks:")
                || n.value().as_deref() == Some("Benchmarks:")
        }))
        .count();
    assert!(legend >= 1, "the status bar shows the benchmark legend");
}

#[test]
fn a_benchmark_is_set_from_the_rows_menu_and_undone() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "paid_visit_share");
    harness.get(by_label("Rows")).click();
    harness.run();
    harness.get_by_label_contains("Benchmark…").click();
    harness.run();
    fill(&mut harness, "Market value", "60%");
    fill(&mut harness, "High end (optional)", "70%");
    fill(&mut harness, "Source", "ad network report");
    harness.get(by_label("Set benchmark")).click();
    harness.run();
    let workbook = &harness.state().doc.workbook;
    let (sheet, row) = workbook.find_metric("paid_visit_share").unwrap();
    let benchmark = workbook.rows(sheet)[row as usize]
        .benchmark
        .clone()
        .expect("set");
    assert_eq!((benchmark.value, benchmark.high), (0.6, Some(0.7)));
    assert_eq!(benchmark.source, "ad network report");
    assert!(harness.state().benchmark.is_none(), "the dialog closes");
    // 65% is inside the market range.
    let verdict = lever::model::benchmark::cell_verdict(workbook, sheet, row, 0).unwrap();
    assert_eq!(
        verdict.standing,
        lever::model::benchmark::Standing::InMarket
    );
    harness.state_mut().undo();
    let workbook = &harness.state().doc.workbook;
    assert!(workbook.rows(sheet)[row as usize].benchmark.is_none());
}

#[test]
fn selected_rows_are_marked_as_a_funnel() {
    let app = App::new(lever::ui::files::Document::untitled(
        lever::model::Workbook::parse(include_str!("../models/funnel.ron"), "funnel.ron").unwrap(),
        "funnel.ron",
    ));
    let mut harness = harness(app);
    go_to(&mut harness, "leads");
    harness.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowDown);
    harness.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowDown);
    harness.run();
    open_from_menu(&mut harness, "Funnel");
    fill(&mut harness, "New funnel", "Top");
    harness.get(by_label("Mark as funnel")).click();
    settle(&mut harness);
    let workbook = &harness.state().doc.workbook;
    let (sheet, leads) = workbook.find_metric("leads").unwrap();
    let selected: Vec<String> = (leads..leads + 3)
        .map(|row| workbook.metric_name(sheet, row).to_string())
        .collect();
    let funnels = workbook.document().funnels.clone();
    let top = funnels.iter().find(|f| f.name == "Top").expect("created");
    assert_eq!(top.stages, selected, "the selected rows, in order");
    assert_eq!(harness.state().analysis.funnel.funnel, "Top");
    harness.state_mut().undo();
    assert!(
        !harness
            .state()
            .doc
            .workbook
            .document()
            .funnels
            .iter()
            .any(|f| f.name == "Top")
    );
}
