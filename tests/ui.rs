//! The real editor driven as a user would (egui_kittest, no display needed):
//! select the price, type a new one, press Enter, read back the ripple in
//! the grid and the ripple panel; undo; paste; rename; bad files.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::model::FIRST_PERIOD_COL;
use lever::ui::App;
use lever::ui::view::GridCell;

fn harness(mut app: App) -> Harness<'static, App> {
    // Nothing goes to the user's settings folder (autosaves, recent files).
    app.files.config_dir = None;
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 950.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    harness.run();
    harness
}

/// The grid cell of metric `name` in `period` (a name like `C12`).
fn cell_name(app: &App, name: &str, period: u32) -> String {
    let (_, row) = app.doc.workbook.find_metric(name).expect("metric exists");
    GridCell::new(row, FIRST_PERIOD_COL + period).a1()
}

/// Goes to a metric (in the first period) through the name box, as a user would.
fn go_to(harness: &mut Harness<'_, App>, target: &str) {
    harness.get_by_label("Name box").click();
    harness.run();
    harness.get_by_label("Name box").type_text(target);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

/// The text a grid cell shows.
fn shown(harness: &Harness<'_, App>, a1: &str) -> String {
    harness
        .get(By::new().role(Role::Cell).label(a1))
        .value()
        .unwrap_or_default()
}

fn format_money(n: f64) -> String {
    lever::ui::grid::fit(
        &lever::engine::Value::Number(n),
        lever::model::Format::Money(0),
        lever::ui::grid::PERIOD_WIDTH,
    )
}

fn number(app: &App, name: &str, period: u32) -> f64 {
    let (sheet, row) = app.doc.workbook.find_metric(name).expect("metric exists");
    app.doc
        .workbook
        .value(sheet, row, period)
        .as_number()
        .expect("a number")
}

#[test]
fn typing_a_new_price_ripples_to_revenue_and_support_cost() {
    let app = App::with_sample();
    let price = cell_name(&app, "list_price", 0);
    let mut harness = harness(app);
    let revenue_before = number(harness.state(), "gross_revenue", 0);
    let support_before = number(harness.state(), "support_cost", 35);
    let support_before_jan = number(harness.state(), "support_cost", 0);

    go_to(&mut harness, "list_price Jan 2026");
    harness
        .get(By::new().role(Role::Cell).label(&price))
        .click();
    harness.run();
    harness.event(egui::Event::Text("82390".into()));
    harness.run();
    assert!(
        harness.state().view.editor.is_some(),
        "typing opens the editor"
    );
    harness.key_press(Key::Enter);
    harness.run();

    assert_eq!(shown(&harness, &price), "82,390");
    let app = harness.state();
    assert!(app.view.editor.is_none());
    // Enter moved the cursor down.
    assert_eq!(
        app.view.cursor.row,
        app.doc.workbook.find_metric("list_price").unwrap().1 + 1
    );
    let revenue_after = number(app, "gross_revenue", 0);
    assert_ne!(revenue_after, revenue_before);
    assert!(number(app, "support_cost", 35) < support_before);
    // The grid shows the new revenue and support cost.
    let revenue_cell = cell_name(app, "gross_revenue", 0);
    let support_cell = cell_name(app, "support_cost", 0);
    go_to(&mut harness, "gross_revenue Jan 2026");
    let revenue_text = shown(&harness, &revenue_cell);
    assert_eq!(revenue_text, format_money(revenue_after), "revenue cell");
    go_to(&mut harness, "support_cost Jan 2026");
    let support_text = shown(&harness, &support_cell);
    assert_eq!(
        support_text,
        format_money(number(harness.state(), "support_cost", 0))
    );
    assert_ne!(support_text, format_money(support_before_jan));

    // The ripple panel lists the chain, price first (it lays out only the
    // lines in view; the full order is checked on the app's state below).
    let ripple = |label: &str| {
        harness
            .get(By::new().predicate(move |n| n.label().as_deref() == Some(label)))
            .value()
            .unwrap_or_default()
    };
    assert_eq!(ripple("ripple List price"), "● List price");
    assert!(ripple("ripple Paid conversion (invoice → paid)").starts_with('↳'));
    let order: Vec<String> = harness
        .state()
        .view
        .ripple
        .as_ref()
        .expect("a ripple")
        .metrics
        .iter()
        .map(|m| {
            harness
                .state()
                .doc
                .workbook
                .metric_name(0, m.row)
                .to_string()
        })
        .collect();
    let at = |name: &str| order.iter().position(|n| n == name).expect(name);
    assert!(at("list_price") < at("paid_conversion"));
    assert!(at("paid_conversion") < at("gross_revenue"));
    assert!(at("gross_revenue") < at("ebitda"));

    // Undo restores the old values.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(number(harness.state(), "gross_revenue", 0), revenue_before);
    go_to(&mut harness, "list_price Jan 2026");
    assert_eq!(shown(&harness, &price), "74,900");
}

#[test]
fn escape_cancels_an_edit() {
    let app = App::with_sample();
    let price = cell_name(&app, "list_price", 0);
    let mut harness = harness(app);
    go_to(&mut harness, "list_price Jan 2026");
    harness.event(egui::Event::Text("1".into()));
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().view.editor.is_none());
    assert_eq!(shown(&harness, &price), "74,900");
    assert!(!harness.state().doc.workbook.can_undo());
}

#[test]
fn pasting_a_block_fills_cells_in_one_undo_step() {
    let app = App::with_sample();
    let mut harness = harness(app);
    go_to(&mut harness, "visit_to_lead Mar 2026");
    harness.event(egui::Event::Paste(
        "0.05\t0.06\n4%\t5%\n1000\t2000\n".into(),
    ));
    harness.run();
    let app = harness.state();
    let (sheet, row) = app
        .doc
        .workbook
        .find_metric("visit_to_lead")
        .expect("metric");
    let input = |r: u32, p: u32| app.doc.workbook.input(sheet, r, p).clone();
    use lever::model::CellInput::Number;
    assert_eq!(input(row, 2), Number(0.05));
    assert_eq!(input(row, 3), Number(0.06));
    assert_eq!(input(row + 1, 2), Number(0.04));
    assert_eq!(input(row + 2, 3), Number(2000.0));
    assert!(
        app.view.status.starts_with("Pasted 6 cells"),
        "{}",
        app.view.status
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let app = harness.state();
    assert_ne!(app.doc.workbook.input(sheet, row, 2).clone(), Number(0.05));
    assert_ne!(
        app.doc.workbook.input(sheet, row + 2, 3).clone(),
        Number(2000.0)
    );
    assert!(!app.doc.workbook.can_undo());
}

#[test]
fn renaming_a_metric_rewrites_the_formulas_that_use_it() {
    let app = App::with_sample();
    let mut harness = harness(app);
    go_to(&mut harness, "units_sold Jan 2026");
    harness.get_by_label("Rows").click();
    harness.run();
    harness.get_by_label_contains("Rename metric").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("New name").type_text("units");
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let app = harness.state();
    assert!(
        app.rename.is_none(),
        "the dialog closed: {}",
        app.view.status
    );
    let workbook = &app.doc.workbook;
    assert!(workbook.find_metric("units_sold").is_none());
    let (sheet, _) = workbook.find_metric("units").expect("renamed");
    let uses_new_name = workbook
        .rows(sheet)
        .iter()
        .any(|r| r.formula.contains("units *") || r.formula.contains("* units"));
    let uses_old_name = workbook
        .rows(sheet)
        .iter()
        .any(|r| r.formula.contains("units_sold"));
    assert!(uses_new_name && !uses_old_name);
    assert!(workbook.errors().is_empty());
}

#[test]
fn a_formula_typo_keeps_the_editor_open_with_the_message() {
    let app = App::with_sample();
    let mut harness = harness(app);
    go_to(&mut harness, "gross_revenue Jan 2026");
    harness.event(egui::Event::Text("=units_sold * (price".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let app = harness.state();
    assert!(app.view.editor.is_some(), "the typed text is kept");
    assert!(app.view.status.contains("column"), "{}", app.view.status);
    let diagnostic = harness
        .get(By::new().predicate(|n| n.label().as_deref() == Some("Formula diagnostic")))
        .value()
        .unwrap_or_default();
    assert!(diagnostic.contains("column"), "{diagnostic}");
}

#[test]
fn tab_completes_a_metric_name_in_a_formula() {
    let app = App::with_sample();
    let mut harness = harness(app);
    go_to(&mut harness, "gross_revenue Jan 2026");
    harness.event(egui::Event::Text("=units_so".into()));
    harness.run();
    harness.key_press(Key::Tab);
    harness.run();
    let editor = harness.state().view.editor.clone().expect("still editing");
    assert_eq!(editor.text, "=units_sold");
    harness.event(egui::Event::Text(" * 2".into()));
    harness.run();
    assert_eq!(
        harness
            .state()
            .view
            .editor
            .as_ref()
            .map(|e| e.text.as_str()),
        Some("=units_sold * 2")
    );
}

#[test]
fn shift_arrows_select_a_range_and_delete_clears_it() {
    let app = App::with_sample();
    let mut harness = harness(app);
    go_to(&mut harness, "visit_to_lead Jan 2026");
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    harness.run();
    let (from, to) = harness.state().view.selection();
    assert_eq!((to.col - from.col, to.row - from.row), (2, 0));
    harness.key_press(Key::Delete);
    harness.run();
    let app = harness.state();
    let (sheet, row) = app
        .doc
        .workbook
        .find_metric("visit_to_lead")
        .expect("metric");
    // Month 1 and 3 held inputs; cleared, the row formula carries month 0's (now empty) value.
    assert_eq!(
        *app.doc.workbook.input(sheet, row, 0),
        lever::model::CellInput::Empty
    );
    assert_eq!(
        *app.doc.workbook.input(sheet, row, 2),
        lever::model::CellInput::Empty
    );
    assert!(app.doc.workbook.can_undo());
}

#[test]
fn clicking_a_section_header_folds_it() {
    let app = App::with_sample();
    let mut harness = harness(app);
    // Row 0 is the first section header ("Assumptions"); row 1 its first metric.
    harness.get(By::new().role(Role::Cell).label("A1")).click();
    harness.run();
    assert!(harness.state().view.collapsed.contains(&0));
    assert!(
        harness
            .query(By::new().role(Role::Cell).label("A2"))
            .is_none()
    );
    harness.get(By::new().role(Role::Cell).label("A1")).click();
    harness.run();
    assert!(
        harness
            .query(By::new().role(Role::Cell).label("A2"))
            .is_some()
    );
}

#[test]
fn copy_puts_the_selection_on_the_clipboard_as_tab_separated_text() {
    let app = App::with_sample();
    let mut harness = harness(app);
    go_to(&mut harness, "list_price Jan 2026");
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    harness.run();
    harness.event(egui::Event::Copy);
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    // Month 1 is the typed price; month 2 follows the row formula, so its value is copied.
    assert_eq!(copied, vec!["74900\t74900\n".to_string()]);
}

#[test]
fn the_locale_menu_reads_text_numbers_with_a_decimal_comma() {
    let text = r#"(version: 1, timeline: (start: "2026-01", periods: 1, step: Month), sheets: [(name: "Model", rows: [
        (label: "Amount", values: ["1 234,5"]),
        (label: "Doubled", formula: "=amount * 2"),
    ])])"#;
    let workbook = lever::model::Workbook::parse(text, "ru.ron").expect("parses");
    let app = App::new(lever::ui::files::Document::untitled(workbook, "ru.ron"));
    let mut harness = harness(app);
    let (sheet, row) = harness.state().doc.workbook.find_metric("doubled").unwrap();
    // English by default: the text is no number.
    assert!(
        harness
            .state()
            .doc
            .workbook
            .value(sheet, row, 0)
            .as_number()
            .is_none(),
        "{:?}",
        harness.state().doc.workbook.value(sheet, row, 0)
    );
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Locale").click();
    harness.run();
    harness.get_by_label("Russian: 1 234,5").click();
    harness.run();
    let workbook = &harness.state().doc.workbook;
    assert_eq!(workbook.document().locale, "ru-RU");
    assert_eq!(workbook.value(sheet, row, 0).as_number(), Some(2469.0));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().doc.workbook.document().locale, "");
}
