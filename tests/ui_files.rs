//! Files in the real editor (egui_kittest, no display): a malformed file
//! leaves the open model alone, the unsaved-changes prompt, saving and the
//! title's marker, autosave, recovery of an autosave, and the recent files
//! list across app instances. Every test keeps its config folder and files
//! in its own temporary directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::model::{CellInput, Command, Workbook};
use lever::ui::App;
use lever::ui::files::autosave_for;

const FUNNEL: &str = include_str!("../models/funnel.ron");

/// An app on the sample whose config folder is inside `dir`.
fn app_in(dir: &Path) -> App {
    let mut app = App::with_sample();
    app.files.config_dir = Some(dir.join("config"));
    app
}

fn harness(app: App) -> Harness<'static, App> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 950.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    harness.run();
    harness
}

/// A label (not a widget) by its accessible name, or by its text (which
/// AccessKit keeps as a label's value).
fn by_label(text: &str) -> By<'_> {
    By::new().predicate(move |n| {
        n.label().as_deref() == Some(text) || n.value().as_deref() == Some(text)
    })
}

fn label<'a>(harness: &'a Harness<'_, App>, text: &'a str) -> egui_kittest::Node<'a> {
    harness.get(by_label(text))
}

fn has_label(harness: &Harness<'_, App>, text: &str) -> bool {
    // A dialog's heading also names the dialog: it may match twice.
    harness.query_all(by_label(text)).next().is_some()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write a model");
    path
}

fn an_hour_ago(path: &Path) {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now() - Duration::from_secs(3600)))
        .expect("set the file's time");
}

fn list_price(workbook: &Workbook) -> (u32, u32) {
    workbook
        .find_metric("list_price")
        .expect("list_price exists")
}

fn price(app: &App) -> f64 {
    let (sheet, row) = list_price(&app.doc.workbook);
    app.doc
        .workbook
        .value(sheet, row, 0)
        .as_number()
        .expect("a number")
}

/// Sets the first list price, as an edit command.
fn set_price(app: &mut App, value: f64) {
    let (sheet, row) = list_price(&app.doc.workbook);
    let edit = vec![Command::SetCell {
        sheet,
        row,
        period: 0,
        input: CellInput::Number(value),
    }];
    assert!(app.apply(edit, None));
}

#[test]
fn a_malformed_file_shows_where_and_keeps_the_open_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = write(
        dir.path(),
        "bad.ron",
        "(\n    version: 1,\n    timeline: [oops],\n)\n",
    );
    let mut harness = harness(app_in(dir.path()));
    {
        let app = harness.state_mut();
        set_price(app, 50_000.0);
        let before = app.doc.workbook.to_text();
        app.files.open_file(bad.clone(), &mut app.doc);
        // Unsaved changes: the prompt comes first.
        assert!(app.files.pending.is_some());
        assert_eq!(app.doc.workbook.to_text(), before);
    }
    harness.run();
    harness.get_by_label("Don't save").click();
    harness.run();

    let message = label(&harness, "Error message").value().unwrap_or_default();
    assert!(
        message.contains(&format!("{}:3:", bad.display())),
        "file and line in {message:?}"
    );
    assert!(message.contains("the model you had open is unchanged"));
    harness.get_by_label("OK").click();
    harness.run();
    assert!(!has_label(&harness, "Error message"));

    let app = harness.state();
    assert!(app.files.error.is_none());
    assert_eq!(app.doc.name, "edtech-growth.ron");
    assert_eq!(price(app), 50_000.0);
    assert!(app.doc.is_modified());
}

#[test]
fn the_unsaved_prompt_can_cancel_or_drop_the_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write(dir.path(), "funnel.ron", FUNNEL);
    let mut harness = harness(app_in(dir.path()));
    set_price(harness.state_mut(), 61_000.0);
    harness.run();

    let app = harness.state_mut();
    app.files.open_file(funnel.clone(), &mut app.doc);
    harness.run();
    assert!(has_label(&harness, "Save changes to edtech-growth.ron?"));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(!has_label(&harness, "Save changes to edtech-growth.ron?"));
    let app = harness.state();
    assert_eq!(app.doc.name, "edtech-growth.ron");
    assert_eq!(price(app), 61_000.0);
    assert!(app.doc.is_modified());

    let app = harness.state_mut();
    app.files.open_file(funnel.clone(), &mut app.doc);
    harness.run();
    harness.get_by_label("Don't save").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.doc.path.as_deref(), Some(funnel.as_path()));
    assert_eq!(app.doc.name, "funnel.ron");
    assert!(!app.doc.is_modified());
    assert!(app.files.error.is_none());
}

#[test]
fn saving_clears_the_unsaved_marker_and_a_failed_save_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(app_in(dir.path()));
    set_price(harness.state_mut(), 70_000.0);
    harness.run();
    assert!(has_label(&harness, "edtech-growth.ron • — Lever"));

    // A folder that does not exist: the save fails and says so.
    let nowhere = dir.path().join("missing").join("model.ron");
    let app = harness.state_mut();
    assert!(!app.files.save_file_as(&nowhere, &mut app.doc));
    harness.run();
    let message = label(&harness, "Error message").value().unwrap_or_default();
    assert!(message.starts_with("Could not save; the file on disk is unchanged."));
    assert!(message.contains("missing"), "{message}");
    harness.get_by_label("OK").click();
    harness.run();
    assert!(harness.state().doc.is_modified());
    assert!(harness.state().doc.path.is_none());

    let target = dir.path().join("saved.ron");
    let app = harness.state_mut();
    assert!(app.files.save_file_as(&target, &mut app.doc));
    harness.run();
    assert!(has_label(&harness, "saved.ron — Lever"));
    let app = harness.state();
    assert_eq!(app.doc.title(), "saved.ron — Lever");
    let reopened = Workbook::load(&target).expect("the saved file loads");
    let (sheet, row) = list_price(&reopened);
    assert_eq!(reopened.value(sheet, row, 0).as_number(), Some(70_000.0));
}

#[test]
fn an_autosave_appears_while_modified_and_goes_after_saving() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "model.ron", lever::ui::SAMPLE);
    let autosave = autosave_for(&path);
    let mut app = app_in(dir.path());
    app.files.autosave_interval = 2.0;
    app.files.open_file(path.clone(), &mut app.doc);
    let mut harness = harness(app);
    assert_eq!(harness.state().doc.name, "model.ron");

    // Unmodified: time passes, no autosave.
    harness.run_steps(12);
    assert!(!autosave.exists());

    set_price(harness.state_mut(), 80_000.0);
    harness.run_steps(2);
    assert!(!autosave.exists(), "not before the interval");
    harness.run_steps(10);
    assert!(autosave.exists(), "written after the interval");
    let saved = Workbook::load(&autosave).expect("the autosave parses");
    let (sheet, row) = list_price(&saved);
    assert_eq!(saved.value(sheet, row, 0).as_number(), Some(80_000.0));
    // The real file is untouched.
    assert_eq!(fs::read_to_string(&path).expect("read"), lever::ui::SAMPLE);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().doc.is_modified());
    assert!(!autosave.exists(), "removed by the save");
    harness.run_steps(12);
    assert!(!autosave.exists());
}

#[test]
fn an_untitled_document_autosaves_in_the_config_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = app_in(dir.path());
    app.files.autosave_interval = 1.0;
    let mut harness = harness(app);
    set_price(harness.state_mut(), 90_000.0);
    harness.run_steps(8);
    let app = harness.state();
    let autosave = app.files.autosave_path(&app.doc).expect("a place");
    assert!(autosave.starts_with(dir.path().join("config").join("autosave")));
    assert!(autosave.exists());

    // Dropping the changes (New, Don't save) deletes it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run();
    harness.get_by_label("Don't save").click();
    harness.run();
    assert_eq!(harness.state().doc.name, "Untitled.ron");
    assert!(!autosave.exists());
}

/// A model file an hour old with a newer autosave holding a price of 12,345.
fn file_with_autosave(dir: &Path) -> (PathBuf, PathBuf) {
    let path = write(dir, "model.ron", lever::ui::SAMPLE);
    an_hour_ago(&path);
    let mut edited = Workbook::parse(lever::ui::SAMPLE, "sample").expect("sample parses");
    let (sheet, row) = list_price(&edited);
    edited
        .apply(vec![Command::SetCell {
            sheet,
            row,
            period: 0,
            input: CellInput::Number(12_345.0),
        }])
        .expect("edit applies");
    let autosave = autosave_for(&path);
    fs::write(&autosave, edited.to_text()).expect("write the autosave");
    (path, autosave)
}

#[test]
fn recover_brings_back_the_autosaved_edit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, autosave) = file_with_autosave(dir.path());
    let mut app = app_in(dir.path());
    app.files.open_file(path.clone(), &mut app.doc);
    let mut harness = harness(app);
    assert!(has_label(&harness, "Recover unsaved changes?"));
    assert_eq!(
        price(harness.state()),
        74_900.0,
        "the file as saved, so far"
    );

    harness.get_by_label("Recover").click();
    harness.run();
    assert!(!has_label(&harness, "Recover unsaved changes?"));
    let app = harness.state();
    assert_eq!(price(app), 12_345.0);
    assert_eq!(app.doc.path.as_deref(), Some(path.as_path()));
    assert!(app.doc.is_modified());
    assert!(has_label(&harness, "model.ron • — Lever"));
    assert!(autosave.exists(), "kept until saved");
    // The file itself has not changed.
    assert_eq!(fs::read_to_string(&path).expect("read"), lever::ui::SAMPLE);
}

#[test]
fn discard_deletes_the_autosave() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, autosave) = file_with_autosave(dir.path());
    let mut app = app_in(dir.path());
    app.files.open_file(path, &mut app.doc);
    let mut harness = harness(app);
    harness.get_by_label("Discard").click();
    harness.run();
    assert!(!has_label(&harness, "Recover unsaved changes?"));
    assert!(!autosave.exists());
    let app = harness.state();
    assert_eq!(price(app), 74_900.0);
    assert!(!app.doc.is_modified());
}

#[test]
fn recent_files_persist_across_app_instances() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = write(dir.path(), "model.ron", lever::ui::SAMPLE);
    let funnel = write(dir.path(), "funnel.ron", FUNNEL);
    {
        let mut app = app_in(dir.path());
        app.files.open_file(model.clone(), &mut app.doc);
        app.files.open_file(funnel.clone(), &mut app.doc);
        assert_eq!(app.files.recent().len(), 2);
    }

    let mut app = app_in(dir.path());
    let recent = app.files.recent().to_vec();
    let canonical = |p: &Path| fs::canonicalize(p).expect("canonical");
    assert_eq!(recent, vec![canonical(&funnel), canonical(&model)]);

    // File → Open Recent → model.ron opens it.
    let mut harness = harness(app);
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Open Recent").hover();
    harness.run();
    let entry = format!(
        "model.ron — {}",
        canonical(&model).parent().expect("a folder").display()
    );
    harness.get_by_label(&entry).click();
    harness.run();
    let app = harness.state_mut();
    assert_eq!(app.doc.name, "model.ron");
    assert_eq!(app.files.recent().first(), Some(&canonical(&model)));
}

/// The names of the files in `dir` (not the config folder).
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "config")
        .collect();
    names.sort();
    names
}

#[test]
fn after_a_crash_the_next_start_recovers_everything_up_to_the_last_autosave() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "model.ron", lever::ui::SAMPLE);
    an_hour_ago(&path);
    {
        let mut app = app_in(dir.path());
        app.files.autosave_interval = 1.0;
        app.files.open_file(path.clone(), &mut app.doc);
        let mut harness = harness(app);
        set_price(harness.state_mut(), 81_000.0);
        harness.run_steps(4);
        set_price(harness.state_mut(), 82_000.0);
        harness.run_steps(8);
        assert!(autosave_for(&path).exists(), "autosaved");
        // The editor dies here: no save, no prompt, nothing cleaned up.
        std::mem::forget(harness);
    }
    assert_eq!(fs::read_to_string(&path).expect("read"), lever::ui::SAMPLE);

    // The next start on the same file offers the autosave.
    // (what `App::open_path` does at start, with the test's config folder)
    let mut app = app_in(dir.path());
    app.files.open_file(path.clone(), &mut app.doc);
    let mut harness = harness(app);
    assert!(has_label(&harness, "Recover unsaved changes?"));
    harness.get_by_label("Recover").click();
    harness.run();
    let app = harness.state();
    assert_eq!(price(app), 82_000.0, "the last edit before the autosave");
    assert_eq!(app.doc.path.as_deref(), Some(path.as_path()));
    assert!(app.doc.is_modified());
}

#[test]
fn a_file_from_a_newer_lever_is_refused_and_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let newer_text = lever::ui::SAMPLE.replacen("version: 1", "version: 7", 1);
    let newer = write(dir.path(), "newer.ron", &newer_text);
    let model = write(dir.path(), "model.ron", lever::ui::SAMPLE);
    let mut app = app_in(dir.path());
    app.files.autosave_interval = 1.0;
    app.files.open_file(model.clone(), &mut app.doc);
    app.files.open_file(newer.clone(), &mut app.doc);
    let mut harness = harness(app);
    let message = label(&harness, "Error message").value().unwrap_or_default();
    assert!(
        message.contains("format version 7 is not supported"),
        "{message:?}"
    );
    harness.get_by_label("OK").click();
    harness.run();
    // The open model is still model.ron: editing, autosaving and saving go
    // there, never to the newer file.
    assert_eq!(harness.state().doc.path.as_deref(), Some(model.as_path()));
    set_price(harness.state_mut(), 70_000.0);
    harness.run_steps(8);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert!(!harness.state().doc.is_modified());
    assert_eq!(fs::read_to_string(&newer).expect("read"), newer_text);
    assert!(!autosave_for(&newer).exists());
    assert_eq!(files_in(dir.path()), ["model.ron", "newer.ron"]);
}

#[test]
fn opening_a_model_writes_nothing_next_to_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "model.ron", lever::ui::SAMPLE);
    let mut app = app_in(dir.path());
    app.files.autosave_interval = 1.0;
    app.files.open_file(path.clone(), &mut app.doc);
    let mut harness = harness(app);
    harness.run_steps(12);
    assert_eq!(files_in(dir.path()), ["model.ron"]);
    assert_eq!(fs::read_to_string(&path).expect("read"), lever::ui::SAMPLE);
    // Only unsaved edits are autosaved, as a hidden file beside the model;
    // it goes again once they are saved.
    set_price(harness.state_mut(), 75_000.0);
    harness.run_steps(8);
    assert_eq!(files_in(dir.path()), [".model.ron.autosave", "model.ron"]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(files_in(dir.path()), ["model.ron"]);
}

#[test]
fn an_untitled_model_left_by_a_crashed_session_is_offered_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let autosaves = dir.path().join("config").join("autosave");
    fs::create_dir_all(&autosaves).unwrap();
    // A process id above any the system gives out: that session has ended.
    let left = autosaves.join("Untitled.ron.4000000000.autosave");
    fs::write(&left, FUNNEL).unwrap();
    // This session's own autosave is not offered.
    let mine = autosaves.join(format!("Mine.ron.{}.autosave", std::process::id()));
    fs::write(&mine, FUNNEL).unwrap();

    let mut app = app_in(dir.path());
    app.files.offer_untitled_recovery();
    assert_eq!(
        app.files
            .recovery
            .as_ref()
            .and_then(|r| r.untitled.clone())
            .as_deref(),
        Some("Untitled.ron")
    );
    let mut harness = harness(app);
    harness.get(by_label("Recover")).click();
    harness.run();
    let doc = &harness.state().doc;
    assert_eq!(doc.name, "Untitled.ron");
    assert_eq!(doc.path, None);
    assert!(doc.is_modified(), "recovered changes are unsaved");
    assert_eq!(
        doc.workbook.to_text(),
        Workbook::parse(FUNNEL, "funnel.ron").unwrap().to_text()
    );
}
