//! Ranges and Monte Carlo in the editor, driven as a user would
//! (egui_kittest): type `18% to 24%` into an input cell and see the range
//! kept (and shown again when the cell is edited), a bad range keep the
//! editor open with its message, and the Simulation tab run on the sample
//! with a condition, its result shown and the model left unchanged.

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::model::uncertainty::Distribution;
use lever::ui::App;
use lever::ui::analysis::Tool;

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

fn go_to(harness: &mut Harness<'_, App>, target: &str) {
    harness.get_by_label("Name box").click();
    harness.run();
    harness.get_by_label("Name box").type_text(target);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

/// Runs frames until the simulation has finished, then until the UI is still.
fn settle(harness: &mut Harness<'_, App>) {
    let started = std::time::Instant::now();
    harness.step();
    while harness.state().analysis.simulation.is_running() {
        assert!(started.elapsed().as_secs() < 120, "the simulation finishes");
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

fn type_into_cell(harness: &mut Harness<'_, App>, text: &str) {
    harness.event(egui::Event::Text(text.into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

#[test]
fn typing_a_range_into_an_input_keeps_it_and_shows_it_again() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "approval_rate Jan 2026");
    type_into_cell(&mut harness, "70% to 82%");
    let app = harness.state();
    assert!(app.view.editor.is_none(), "{}", app.view.status);
    let (sheet, row) = app.doc.workbook.find_metric("approval_rate").unwrap();
    let info = &app.doc.workbook.rows(sheet)[row as usize];
    let range = info.uncertainty.as_deref().expect("the range is kept");
    assert_eq!(
        range.dist,
        Distribution::Uniform {
            low: 0.7,
            high: 0.82
        }
    );
    // The cell carries the row's range (its first typed number), so the
    // new range replaces it for the whole row; the cell holds its middle.
    assert_eq!((range.period, range.per_period), (None, false));
    assert!((app.doc.workbook.value(sheet, row, 0).as_number().unwrap() - 0.76).abs() < 1e-12);
    // Editing the cell shows the range as typed; one undo takes it away.
    go_to(&mut harness, "approval_rate Jan 2026");
    harness.key_press(Key::F2);
    harness.run();
    assert_eq!(
        harness.state().view.editor.as_ref().map(|e| e.text.clone()),
        Some("70% to 82%".to_string())
    );
    harness.key_press(Key::Escape);
    harness.run();
    harness.state_mut().undo();
    harness.run();
    let app = harness.state();
    let info = &app.doc.workbook.rows(sheet)[row as usize];
    assert_eq!(
        info.uncertainty.as_deref().map(|u| u.dist.clone()),
        Some(Distribution::Uniform {
            low: 0.68,
            high: 0.8
        }),
        "undo brings back the sample's own range"
    );
}

#[test]
fn a_bad_range_or_a_range_on_a_formula_keeps_the_editor_open_with_the_message() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "price_elasticity Jan 2026");
    let before = harness.state().doc.workbook.to_text();
    type_into_cell(&mut harness, "2 to 1");
    let app = harness.state();
    assert!(app.view.editor.is_some(), "the typed text is kept");
    assert!(app.view.status.contains("backwards"), "{}", app.view.status);
    assert_eq!(app.doc.workbook.to_text(), before);
    // A computed metric takes no range.
    harness.key_press(Key::Escape);
    harness.run();
    go_to(&mut harness, "ebitda Jan 2026");
    type_into_cell(&mut harness, "1 to 2");
    let app = harness.state();
    assert!(app.view.editor.is_some(), "the typed text is kept");
    assert!(
        app.view.status.contains("computed by a formula"),
        "{}",
        app.view.status
    );
    assert_eq!(app.doc.workbook.to_text(), before);
}

#[test]
fn the_simulation_tab_runs_on_the_sample_and_shows_the_probability() {
    let mut harness = harness(App::with_sample());
    go_to(&mut harness, "ebitda Jan 2026");
    harness.get(by_label("Analysis")).click();
    harness.run();
    harness.get(by_label("Simulation")).click();
    settle(&mut harness);
    {
        let app = harness.state_mut();
        assert_eq!(app.analysis.open, Some(Tool::Simulation));
        assert_eq!(app.analysis.simulation.target, "ebitda@total");
        app.analysis.simulation.runs = 300;
        app.analysis.simulation.condition = "MIN(cash) < 0".into();
    }
    harness.get(by_label("Run")).click();
    settle(&mut harness);
    let tool = &harness.state().analysis.simulation;
    assert_eq!(tool.error, None);
    let view = tool.result.as_ref().expect("a result");
    assert_eq!(view.outcome.samples.len(), 300);
    assert!(view.outcome.condition.is_some());
    // The headline names the runs.
    let shown = |text: &dyn Fn(&str) -> bool| {
        harness
            .query_all(By::new().predicate(|n| n.value().as_deref().is_some_and(text)))
            .next()
            .is_some()
    };
    assert!(shown(
        &|l| l.starts_with("ebitda (total): mean") && l.contains("300 runs")
    ));
    assert!(shown(&|l| l.starts_with("Probability of MIN(cash) < 0:")));
    harness.get(by_label("Visits growth, m/m"));
    assert!(
        !harness.state().doc.workbook.can_undo(),
        "the model is unchanged"
    );
}

#[test]
fn a_second_range_on_a_row_is_refused_and_delete_takes_a_range_away() {
    let mut harness = harness(App::with_sample());
    // Visits growth carries its range in January; its January 2027 step is
    // a typed number too, but a row holds one range.
    go_to(&mut harness, "visits_growth Jan 2027");
    let before = harness.state().doc.workbook.to_text();
    type_into_cell(&mut harness, "3% to 4%");
    let app = harness.state();
    assert!(app.view.editor.is_some(), "the typed text is kept");
    assert!(
        app.view
            .status
            .contains("already has a range, typed in Jan 2026"),
        "{}",
        app.view.status
    );
    assert_eq!(app.doc.workbook.to_text(), before);
    harness.key_press(Key::Escape);
    harness.run();
    // A range on one cell goes when that cell is cleared.
    go_to(&mut harness, "price_elasticity Jan 2026");
    let (sheet, row) = harness
        .state()
        .doc
        .workbook
        .find_metric("price_elasticity")
        .unwrap();
    assert!(
        harness.state().doc.workbook.rows(sheet)[row as usize]
            .uncertainty
            .is_some()
    );
    harness.key_press(Key::Delete);
    harness.run();
    let app = harness.state();
    assert!(
        app.doc.workbook.rows(sheet)[row as usize]
            .uncertainty
            .is_none()
    );
    assert!(app.doc.workbook.can_undo());
}

#[test]
fn a_range_typed_while_a_scenario_is_shown_belongs_to_the_scenario() {
    let mut harness = harness(App::with_sample());
    let before = harness.state().doc.workbook.to_text();
    harness.get(by_label("Scenario")).click();
    harness.run();
    harness.get(by_label("Pessimistic")).click();
    harness.run();
    go_to(&mut harness, "approval_rate Jan 2026");
    type_into_cell(&mut harness, "60% to 72%");
    let app = harness.state();
    assert!(app.view.editor.is_none(), "{}", app.view.status);
    let workbook = &app.doc.workbook;
    let (sheet, row) = workbook.find_metric("approval_rate").unwrap();
    let shown = workbook.range(sheet, row).expect("a range is shown");
    assert_eq!(
        shown.dist,
        Distribution::Uniform {
            low: 0.6,
            high: 0.72
        }
    );
    // The base row keeps its own range; the scenario holds the new one.
    let own = workbook.rows(sheet)[row as usize].uncertainty.as_deref();
    assert_ne!(own.map(|u| &u.dist), Some(&shown.dist));
    let scenario = workbook.active_scenario().expect("a scenario is shown");
    assert!(
        workbook.scenarios()[scenario]
            .overrides
            .iter()
            .any(|o| o.metric == "approval_rate" && o.uncertainty.is_some())
    );
    // Editing the cell shows the scenario's range; one undo takes it away.
    go_to(&mut harness, "approval_rate Jan 2026");
    harness.key_press(Key::F2);
    harness.run();
    assert_eq!(
        harness.state().view.editor.as_ref().map(|e| e.text.clone()),
        Some("60% to 72%".to_string())
    );
    harness.key_press(Key::Escape);
    harness.run();
    harness.state_mut().undo();
    harness.run();
    assert_eq!(harness.state().doc.workbook.to_text(), before);
}

#[test]
fn the_range_dialog_sets_how_periods_move_and_a_correlation_in_one_edit() {
    let mut harness = harness(App::with_sample());
    let before = harness.state().doc.workbook.to_text();
    go_to(&mut harness, "refund_rate Jan 2026");
    harness.get(by_label("Rows")).click();
    harness.run();
    harness.get_by_label_contains("Range…").click();
    harness.run();
    // The dialog shows the row's range as typed in a cell.
    let shown = harness
        .state()
        .range
        .as_ref()
        .expect("the dialog opens")
        .range
        .clone();
    assert!(shown.starts_with("normal("), "{shown}");
    let field = |label: &'static str| {
        By::new().predicate(move |node| {
            node.role() == egui::accesskit::Role::TextInput
                && node.label().as_deref() == Some(label)
        })
    };
    harness.get(field("Range")).click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.get(field("Range")).type_text("6% to 10%");
    harness.run();
    // Drawn each period on its own, it cannot move with approval_rate
    // (drawn once per run): the dialog says so and stays open.
    harness
        .get(by_label("Each period drawn on its own"))
        .click();
    harness.run();
    harness.get(field("Moves with")).click();
    harness.run();
    harness.get(field("Moves with")).type_text("approval_rate");
    harness.run();
    harness.get(field("Rank correlation")).click();
    harness.run();
    harness.get(field("Rank correlation")).type_text("-0.3");
    harness.run();
    harness.get(by_label("Set range")).click();
    harness.run();
    let error = harness.state().range.as_ref().and_then(|d| d.error.clone());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("drawn the same way")),
        "{error:?}"
    );
    harness
        .get(by_label("Move together (one draw per run)"))
        .click();
    harness.run();
    harness.get(by_label("Set range")).click();
    harness.run();
    let app = harness.state();
    assert!(
        app.range.is_none(),
        "the dialog closes: {:?}",
        app.range.as_ref().map(|d| &d.error)
    );
    let workbook = &app.doc.workbook;
    let (sheet, row) = workbook.find_metric("refund_rate").unwrap();
    let range = workbook.range(sheet, row).expect("a range");
    assert_eq!(
        range.dist,
        Distribution::Uniform {
            low: 0.06,
            high: 0.1
        }
    );
    assert!(!range.per_period && range.period.is_none());
    assert!(
        workbook
            .document()
            .correlations
            .iter()
            .any(|c| { c.a == "refund_rate" && c.b == "approval_rate" && c.rho == -0.3 })
    );
    // One edit: one undo takes the range and the correlation back.
    harness.state_mut().undo();
    harness.run();
    assert_eq!(harness.state().doc.workbook.to_text(), before);
}

#[test]
fn the_range_dialog_refuses_a_bad_range_and_changes_nothing() {
    let mut harness = harness(App::with_sample());
    let before = harness.state().doc.workbook.to_text();
    go_to(&mut harness, "approval_rate Jan 2026");
    harness.get(by_label("Rows")).click();
    harness.run();
    harness.get_by_label_contains("Range…").click();
    harness.run();
    harness.state_mut().range.as_mut().expect("open").range = "24% to 18%".into();
    harness.run();
    harness.get(by_label("Set range")).click();
    harness.run();
    let dialog = harness.state().range.as_ref().expect("still open");
    assert!(
        dialog.error.as_deref().is_some_and(|e| e.contains("low")),
        "{:?}",
        dialog.error
    );
    assert_eq!(harness.state().doc.workbook.to_text(), before);
}
