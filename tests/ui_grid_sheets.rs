//! An Excel workbook opened in the editor (egui_kittest): its sheets are
//! tabs, each a plain grid with row numbers and column letters; typing into
//! a cell recalculates the formulas that read it, filling down shifts
//! relative references, and undo puts everything back.

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::model::CellInput;
use lever::ui::App;

fn harness(app: App) -> Harness<'static, App> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    harness.run();
    harness
}

fn by_label(text: &str) -> By<'_> {
    By::new().predicate(move |node| node.label().as_deref() == Some(text))
}

fn shown(harness: &Harness<'_, App>, a1: &str) -> String {
    harness
        .get(By::new().role(Role::Cell).label(a1))
        .value()
        .unwrap_or_default()
}

/// The editor on `tests/data/xlsx/basic.xlsx`, with its settings folder in
/// a temporary directory (kept alive by the returned guard).
fn open_basic_report_shown() -> (Harness<'static, App>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/xlsx/basic.xlsx");
    let mut app = App::with_sample();
    app.files.config_dir = Some(dir.path().join("config"));
    app.files.open_file(path, &mut app.doc);
    let mut harness = harness(app);
    // The import runs on a background thread, with a progress dialog.
    let started = std::time::Instant::now();
    while harness.state().files.is_importing() {
        assert!(started.elapsed().as_secs() < 60, "the import finishes");
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.run();
    (harness, dir)
}

/// [`open_basic_report_shown`] with the import report dismissed.
fn open_basic() -> (Harness<'static, App>, tempfile::TempDir) {
    let (mut harness, dir) = open_basic_report_shown();
    harness.get(by_label("OK")).click();
    harness.run();
    (harness, dir)
}

#[test]
fn an_excel_workbook_opens_with_a_tab_per_sheet() {
    let (mut harness, _dir) = open_basic_report_shown();
    // The import report is shown once, until OK; it says which formula
    // cells Lever computes differently from the values Excel saved.
    assert!(harness.state().show_import_report);
    harness.get(By::new().label_contains("1 of 17 formula cells compute differently from Excel"));
    harness.get(By::new().label_contains("My Sheet!C1: Lever #NAME?, Excel 7"));
    harness.get(by_label("OK")).click();
    harness.run();
    assert!(!harness.state().show_import_report);
    let app = harness.state();
    assert_eq!(app.doc.workbook.document().sheets.len(), 3);
    assert!(app.is_plain_grid());
    assert_eq!(shown(&harness, "A2"), "Tax rate");
    assert_eq!(shown(&harness, "B2"), "20.0%");
    harness.get(by_label("▦ Model")).click();
    harness.run();
    assert_eq!(harness.state().view.sheet, 1);
    assert_eq!(shown(&harness, "A3"), "Revenue");
    assert_eq!(
        shown(&harness, "B3"),
        "1,000.00",
        "=B2*Inputs!$B$3 = 10 × 100"
    );
}

#[test]
fn typing_into_a_grid_cell_recalculates_and_undo_restores_it() {
    let (mut harness, _dir) = open_basic();
    harness.get(by_label("▦ Model")).click();
    harness.run();
    harness.get(By::new().role(Role::Cell).label("B2")).click();
    harness.run();
    harness.event(egui::Event::Text("12".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(shown(&harness, "B3"), "1,200.00");
    assert_eq!(harness.state().view.cursor.a1(), "B3", "Enter moves down");
    assert_eq!(
        harness.state().doc.workbook.cell_input(1, 1, 1),
        CellInput::Number(12.0)
    );
    harness.state_mut().undo();
    harness.run();
    assert_eq!(shown(&harness, "B3"), "1,000.00");
}

#[test]
fn filling_a_formula_right_shifts_its_relative_references() {
    let (mut harness, _dir) = open_basic();
    harness.get(by_label("▦ Model")).click();
    harness.run();
    // Type a new formula in E3, then fill it right into F3.
    harness.get(By::new().role(Role::Cell).label("E2")).click();
    harness.run();
    harness.event(egui::Event::Text("40".into()));
    harness.key_press(Key::Tab);
    harness.run();
    harness.event(egui::Event::Text("50".into()));
    harness.key_press(Key::Enter);
    harness.run();
    harness.get(By::new().role(Role::Cell).label("E3")).click();
    harness.run();
    harness.event(egui::Event::Text("=E2*Inputs!$B$3".into()));
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(shown(&harness, "E3"), "4,000.00");
    harness.get(By::new().role(Role::Cell).label("E3")).click();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowRight);
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::R);
    harness.run();
    let workbook = &harness.state().doc.workbook;
    assert_eq!(
        workbook.cell_input(1, 2, 5),
        CellInput::Formula("=F2*Inputs!$B$3".into())
    );
    assert_eq!(shown(&harness, "F3"), "5,000.00");
}

/// F9 recalculates: `RAND()` draws again and what reads it follows.
#[test]
fn f9_recalculates_and_random_numbers_draw_again() {
    let text = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 3, step: Month),
    sheets: [
        (
            name: "Dice",
            layout: Grid,
            rows: [
                (values: ["=RAND()", "=A1 * 100"]),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
)
"#;
    let workbook = lever::model::Workbook::parse(text, "dice.ron").expect("loads");
    let app = App::new(lever::ui::files::Document::untitled(workbook, "dice.ron"));
    let mut harness = harness(app);
    let before = shown(&harness, "B1");
    harness.key_press(Key::F9);
    harness.run();
    let after = shown(&harness, "B1");
    assert_ne!(before, after, "B1 follows the new draw");
    assert!(harness.state().view.status.contains("cells changed"));
}
