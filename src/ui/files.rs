//! The open document and everything about files: New, Open, Save, Save As
//! with native dialogs, the title with its unsaved marker, the question
//! before unsaved changes are dropped, and the error dialog for a file that
//! fails to load or save (the current model stays open).

use std::path::{Path, PathBuf};

use egui::{Key, KeyboardShortcut, Modifiers, Ui};

use crate::model::Workbook;
use crate::model::document::{FORMAT_VERSION, RowFile, SheetFile, Step, Timeline, WorkbookFile};

const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);

/// A workbook and where it lives.
#[derive(Debug)]
pub struct Document {
    /// The workbook.
    pub workbook: Workbook,
    /// The file, if it has one.
    pub path: Option<PathBuf>,
    /// The name shown in the title.
    pub name: String,
    /// The workbook's state when last saved or opened.
    pub saved_state: u64,
}

impl Document {
    /// A document that has no file yet (the sample, or New).
    pub fn untitled(workbook: Workbook, name: &str) -> Document {
        Document {
            saved_state: workbook.state_id(),
            workbook,
            path: None,
            name: name.to_string(),
        }
    }

    /// Opens a file.
    pub fn open(path: &Path) -> Result<Document, String> {
        let workbook = Workbook::load(path).map_err(|e| e.to_string())?;
        Ok(Document {
            saved_state: workbook.state_id(),
            workbook,
            name: file_name(path),
            path: Some(path.to_path_buf()),
        })
    }

    /// True if there are changes since the last save.
    pub fn is_modified(&self) -> bool {
        self.workbook.state_id() != self.saved_state
    }

    /// The window title: file name, unsaved marker, app name.
    pub fn title(&self) -> String {
        let marker = if self.is_modified() { " •" } else { "" };
        format!("{}{marker} — Lever", self.name)
    }

    /// Saves to `path` (atomically); on success it becomes the document's file.
    pub fn save_to(&mut self, path: &Path) -> Result<(), String> {
        self.workbook.save(path).map_err(|e| e.to_string())?;
        self.path = Some(path.to_path_buf());
        self.name = file_name(path);
        self.saved_state = self.workbook.state_id();
        Ok(())
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A new, empty model: one sheet, 36 months from the current year.
pub fn blank_document() -> WorkbookFile {
    WorkbookFile {
        version: FORMAT_VERSION,
        timeline: Timeline {
            start: "2026-01".into(),
            periods: 36,
            step: Step::Month,
        },
        sheets: vec![SheetFile {
            name: "Model".into(),
            rows: (0..40).map(|_| RowFile::default()).collect(),
        }],
        scenarios: Vec::new(),
        changelog: Vec::new(),
    }
}

/// What to do once the user has answered "save changes?".
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// Open this file.
    Open(PathBuf),
    /// Start a new model.
    New,
    /// Close the window.
    Close,
}

/// File actions, dialogs and prompts.
#[derive(Debug, Default)]
pub struct Files {
    /// An error to show in a dialog.
    pub error: Option<String>,
    /// An action waiting for the answer to "save changes?".
    pub pending: Option<Pending>,
    /// True once the user agreed to close the window.
    close_confirmed: bool,
    reloaded: bool,
    title: String,
    time: f64,
}

impl Files {
    /// Seconds since the app started (egui time), for timestamps.
    pub fn now(&self) -> f64 {
        self.time
    }

    /// True once after a different document was loaded.
    pub fn take_reloaded(&mut self) -> bool {
        std::mem::take(&mut self.reloaded)
    }

    /// Per-frame work: shortcuts, the title, dialogs, the close request.
    pub fn frame(&mut self, ui: &mut Ui, doc: &mut Document) {
        self.time = ui.input(|i| i.time);
        let ctx = ui.ctx().clone();
        let title = doc.title();
        if self.title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        let (open, save, save_as, new) = ui.input_mut(|i| {
            (
                i.consume_shortcut(&OPEN),
                i.consume_shortcut(&SAVE),
                i.consume_shortcut(&SAVE_AS),
                i.consume_shortcut(&NEW),
            )
        });
        if save_as {
            self.save_as(doc);
        } else if save {
            self.save(doc);
        }
        if open {
            self.open_dialog(doc);
        }
        if new {
            self.request(Pending::New, doc);
        }
        if ctx.input(|i| i.viewport().close_requested())
            && doc.is_modified()
            && !self.close_confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.pending = Some(Pending::Close);
        }
        self.dialogs_ui(&ctx, doc);
    }

    /// The File menu.
    pub fn menu_ui(&mut self, ui: &mut Ui, doc: &mut Document) {
        ui.menu_button("File", |ui| {
            if ui.button("New").clicked() {
                self.request(Pending::New, doc);
            }
            if ui.button("Open…").clicked() {
                self.open_dialog(doc);
            }
            if ui.button("Save").clicked() {
                self.save(doc);
            }
            if ui.button("Save As…").clicked() {
                self.save_as(doc);
            }
        });
    }

    /// Opens `path`, asking first if there are unsaved changes.
    pub fn request(&mut self, action: Pending, doc: &mut Document) {
        if doc.is_modified() {
            self.pending = Some(action);
        } else {
            self.perform(action, doc);
        }
    }

    fn perform(&mut self, action: Pending, doc: &mut Document) {
        match action {
            Pending::Open(path) => match Document::open(&path) {
                Ok(opened) => {
                    *doc = opened;
                    self.reloaded = true;
                }
                Err(error) => self.error = Some(error),
            },
            Pending::New => {
                *doc = Document::untitled(Workbook::new(blank_document()), "Untitled.ron");
                self.reloaded = true;
            }
            Pending::Close => {}
        }
    }

    fn open_dialog(&mut self, doc: &mut Document) {
        let picked = rfd::FileDialog::new()
            .add_filter("Lever model", &["ron"])
            .pick_file();
        if let Some(path) = picked {
            self.request(Pending::Open(path), doc);
        }
    }

    /// Saves to the document's file, or asks where.
    pub fn save(&mut self, doc: &mut Document) -> bool {
        match doc.path.clone() {
            Some(path) => self.save_to(doc, &path),
            None => self.save_as(doc),
        }
    }

    fn save_as(&mut self, doc: &mut Document) -> bool {
        let picked = rfd::FileDialog::new()
            .add_filter("Lever model", &["ron"])
            .set_file_name(&doc.name)
            .save_file();
        match picked {
            Some(path) => self.save_to(doc, &path),
            None => false,
        }
    }

    fn save_to(&mut self, doc: &mut Document, path: &Path) -> bool {
        match doc.save_to(path) {
            Ok(()) => true,
            Err(error) => {
                self.error = Some(format!(
                    "Could not save; the file on disk is unchanged.\n{error}"
                ));
                false
            }
        }
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context, doc: &mut Document) {
        if let Some(error) = self.error.clone() {
            egui::Modal::new(egui::Id::unique("error_dialog")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading("Lever could not do that");
                ui.add_space(6.0);
                ui.label(egui::RichText::new(&error).monospace())
                    .accessible_name("Error message");
                ui.add_space(10.0);
                if ui.button("OK").clicked() {
                    self.error = None;
                }
            });
        }
        if let Some(pending) = self.pending.clone() {
            egui::Modal::new(egui::Id::unique("unsaved_dialog")).show(ctx, |ui| {
                ui.heading(format!("Save changes to {}?", doc.name));
                ui.label("Your changes will be lost if you don't save them.");
                ui.add_space(10.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() && self.save(doc) {
                        self.pending = None;
                        self.finish(pending.clone(), ctx, doc);
                    }
                    if ui.button("Don't save").clicked() {
                        self.pending = None;
                        self.finish(pending.clone(), ctx, doc);
                    }
                    if ui.button("Cancel").clicked() {
                        self.pending = None;
                    }
                });
            });
        }
    }

    fn finish(&mut self, action: Pending, ctx: &egui::Context, doc: &mut Document) {
        if action == Pending::Close {
            self.close_confirmed = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            self.perform(action, doc);
        }
    }
}
