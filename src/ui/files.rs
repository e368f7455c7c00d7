//! The open document and everything about files: New, Open, Open Recent,
//! Save, Save As with native dialogs, the title with its unsaved marker, the
//! question before unsaved changes are dropped, the error dialog for a file
//! that fails to load or save (the current model stays open), the recent
//! files list kept in the config folder, and autosave with recovery.
//!
//! Native dialogs are only opened from the menu and shortcuts; everything
//! they lead to goes through [`Files::open_file`] and [`Files::save_file_as`],
//! which tests call directly.
//!
//! Where things live: the config folder is `$LEVER_CONFIG_DIR`, else
//! `$XDG_CONFIG_HOME/lever`, else `$HOME/.config/lever` (see
//! [`default_config_dir`]); it holds `recent.ron` and, for documents that
//! have no file yet, `autosave/`. The autosave of `x.ron` is `.x.ron.autosave`
//! next to it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use egui::{Key, KeyboardShortcut, Modifiers, Ui};

use crate::model::Workbook;
use crate::model::io::write_atomically;

const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);

/// Seconds between autosaves while there are unsaved changes.
pub const AUTOSAVE_SECONDS: f64 = 60.0;
/// How many files the Open Recent menu remembers.
pub const RECENT_LIMIT: usize = 10;
/// The recent files list, inside the config folder.
pub const RECENT_FILE: &str = "recent.ron";
/// The folder, inside the config folder, for autosaves of untitled documents.
pub const AUTOSAVE_DIR: &str = "autosave";
/// The environment variable that overrides the config folder.
pub const CONFIG_DIR_VAR: &str = "LEVER_CONFIG_DIR";

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
    /// What an Excel import could not represent (for the UI to show).
    pub import_report: Option<crate::model::interop::ImportReport>,
}

impl Document {
    /// A document that has no file yet (the sample, or New).
    pub fn untitled(workbook: Workbook, name: &str) -> Document {
        Document {
            saved_state: workbook.state_id(),
            workbook,
            path: None,
            name: name.to_string(),
            import_report: None,
        }
    }

    /// Opens a file: a `.ron` model, or an Excel workbook (imported; it has
    /// no `.ron` file yet, so Save asks where to save it).
    pub fn open(path: &Path) -> Result<Document, String> {
        Document::open_with_progress(path, &mut |_| {})
    }

    /// [`Document::open`], reporting an Excel import's progress.
    pub fn open_with_progress(
        path: &Path,
        progress: &mut dyn FnMut(crate::model::interop::Progress),
    ) -> Result<Document, String> {
        let (workbook, import_report) =
            Workbook::open_any_with_progress(path, progress).map_err(|e| e.to_string())?;
        let (name, path) = if import_report.is_some() {
            (file_name(&path.with_extension("ron")), None)
        } else {
            (file_name(path), Some(path.to_path_buf()))
        };
        Ok(Document {
            saved_state: workbook.state_id(),
            workbook,
            name,
            path,
            import_report,
        })
    }

    /// True if there are changes since the last save.
    pub fn is_modified(&self) -> bool {
        self.workbook.state_id() != self.saved_state
    }

    /// Marks the document as different from its file whatever its undo
    /// history says (after recovering an autosave). State ids count up from
    /// zero, so none ever equals `u64::MAX`.
    pub fn mark_modified(&mut self) {
        self.saved_state = u64::MAX;
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

/// A template's name in the File → New from template menu: its
/// description up to the colon (`SaaS model`), else its capitalised name.
pub fn template_title(template: &crate::model::templates::Template) -> String {
    match template.description.split_once(':') {
        Some((title, _)) => title.trim().to_string(),
        None => {
            let mut chars = template.name.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The config folder: `$LEVER_CONFIG_DIR`, else `$XDG_CONFIG_HOME/lever`,
/// else `$HOME/.config/lever` (on Windows `%APPDATA%\lever`); `None` if
/// none of them is set. Relative values are ignored, as the XDG spec asks.
pub fn default_config_dir() -> Option<PathBuf> {
    config_dir_from(|name| std::env::var_os(name))
}

/// [`default_config_dir`] with the environment given as a lookup.
fn config_dir_from(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let var = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    var(CONFIG_DIR_VAR)
        .or_else(|| var("XDG_CONFIG_HOME").map(|d| d.join("lever")))
        .or_else(|| var("HOME").map(|h| h.join(".config").join("lever")))
        .or_else(|| var("APPDATA").map(|d| d.join("lever")))
}

/// True if a process with this id is running (always false where that
/// cannot be told, so an autosave is never lost: it is offered).
fn process_is_running(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// The autosave of `file`: `.x.ron.autosave` next to `x.ron`.
pub fn autosave_for(file: &Path) -> PathBuf {
    let name = format!(".{}.autosave", file_name(file));
    match file.parent() {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

/// How a file is written in the recent list: absolute, symlinks resolved
/// if it exists.
fn recent_key(path: &Path) -> PathBuf {
    fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a recent files list; anything unreadable counts as empty.
fn read_recent(path: &Path) -> Vec<PathBuf> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    let entries: Vec<String> = ron::from_str(&text).unwrap_or_default();
    entries
        .into_iter()
        .map(PathBuf::from)
        .take(RECENT_LIMIT)
        .collect()
}

/// The list as RON text: one quoted path a line. Paths that are not valid
/// Unicode cannot be written as text and are left out.
fn recent_text(recent: &[PathBuf]) -> String {
    let mut out = String::from("[\n");
    for path in recent.iter().filter_map(|p| p.to_str()) {
        out.push_str("    ");
        out.push_str(&ron::to_string(path).unwrap_or_default());
        out.push_str(",\n");
    }
    out.push_str("]\n");
    out
}

/// How long ago `time` was, in words.
fn age(time: SystemTime) -> String {
    let seconds = SystemTime::now()
        .duration_since(time)
        .map_or(0, |d| d.as_secs());
    match seconds {
        0..60 => "less than a minute ago".into(),
        60..120 => "a minute ago".into(),
        120..7200 => format!("{} minutes ago", seconds / 60),
        7200..172_800 => format!("{} hours ago", seconds / 3600),
        _ => format!("{} days ago", seconds / 86_400),
    }
}

/// Removes a file; a file that is already gone is not a problem.
fn remove(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// What to do once the user has answered "save changes?".
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// Open this file.
    Open(PathBuf),
    /// Start a new model.
    New,
    /// Start a new model from the template with this name
    /// ([`templates::all`](crate::model::templates::all)).
    Template(String),
    /// Close the window.
    Close,
}

/// An autosave found when a file was opened, waiting for Recover or Discard.
#[derive(Debug)]
pub struct Recovery {
    /// The file that was opened (for an untitled model: its autosave).
    pub file: PathBuf,
    /// For an untitled model: the name it had.
    pub untitled: Option<String>,
    /// Its autosave.
    pub autosave: PathBuf,
    /// How long ago the autosave was written, in words.
    pub age: String,
    /// The autosave's content, already parsed.
    workbook: Workbook,
}

/// File actions, dialogs, prompts, recent files and autosave.
#[derive(Debug)]
pub struct Files {
    /// An error to show in a dialog.
    pub error: Option<String>,
    /// File → Import actuals… was chosen; the editor opens the file dialog.
    pub wants_actuals_import: bool,
    /// An action waiting for the answer to "save changes?".
    pub pending: Option<Pending>,
    /// An autosave waiting for "Recover unsaved changes?".
    pub recovery: Option<Recovery>,
    /// The config folder (recent files, autosaves of untitled documents);
    /// [`default_config_dir`] unless set. `None` keeps nothing.
    pub config_dir: Option<PathBuf>,
    /// Seconds between autosaves ([`AUTOSAVE_SECONDS`]).
    pub autosave_interval: f64,
    /// Why the last autosave failed, shown next to the File menu until one
    /// succeeds.
    pub autosave_problem: Option<String>,
    /// The recent files, with the config folder they were read from.
    recent: Option<(Option<PathBuf>, Vec<PathBuf>)>,
    /// The autosave written (or recovered) for the open document.
    autosaved: Option<PathBuf>,
    /// The workbook state that autosave holds.
    autosaved_state: Option<u64>,
    /// When the next autosave is due (egui time), once there are changes.
    next_autosave: Option<f64>,
    /// True once the user agreed to close the window.
    close_confirmed: bool,
    reloaded: bool,
    title: String,
    time: f64,
    /// An Excel workbook being imported on a background thread.
    importing: Option<Importing>,
}

/// An Excel import running on its own thread, so a big workbook never
/// freezes the editor: it reports which sheet it reads, and Cancel drops
/// it (the open model stays as it was).
#[derive(Debug)]
struct Importing {
    path: PathBuf,
    status: std::sync::Arc<std::sync::Mutex<String>>,
    result: std::sync::mpsc::Receiver<Result<Document, String>>,
}

impl Default for Files {
    fn default() -> Files {
        Files::new(default_config_dir())
    }
}

impl Files {
    /// File handling that keeps its recent list and untitled autosaves in
    /// `config_dir`.
    pub fn new(config_dir: Option<PathBuf>) -> Files {
        Files {
            error: None,
            wants_actuals_import: false,
            pending: None,
            recovery: None,
            config_dir,
            autosave_interval: AUTOSAVE_SECONDS,
            autosave_problem: None,
            recent: None,
            autosaved: None,
            autosaved_state: None,
            next_autosave: None,
            close_confirmed: false,
            reloaded: false,
            title: String::new(),
            time: 0.0,
            importing: None,
        }
    }

    /// True while an Excel workbook is being imported.
    pub fn is_importing(&self) -> bool {
        self.importing.is_some()
    }

    /// Starts importing an Excel workbook on a background thread.
    fn start_import(&mut self, path: PathBuf) {
        let status = std::sync::Arc::new(std::sync::Mutex::new(String::from("Checking…")));
        let (send, result) = std::sync::mpsc::channel();
        let shared = std::sync::Arc::clone(&status);
        let source = path.clone();
        let started = std::thread::Builder::new()
            .name("lever-import".into())
            .spawn(move || {
                let opened = Document::open_with_progress(&source, &mut |step| {
                    let text = match step {
                        crate::model::interop::Progress::Checking => "Checking the file…".into(),
                        crate::model::interop::Progress::Sheet { name, index, count } => {
                            format!("Reading sheet {index} of {count} ({name})…")
                        }
                    };
                    if let Ok(mut status) = shared.lock() {
                        *status = text;
                    }
                });
                let _ = send.send(opened);
            });
        match started {
            Ok(_) => {
                self.importing = Some(Importing {
                    path,
                    status,
                    result,
                })
            }
            Err(e) => self.error = Some(format!("could not start the import: {e}")),
        }
    }

    /// Takes a finished import into `doc`, or shows its progress.
    fn import_ui(&mut self, ctx: &egui::Context, doc: &mut Document) {
        let Some(importing) = &self.importing else {
            return;
        };
        match importing.result.try_recv() {
            Ok(outcome) => {
                let path = importing.path.clone();
                self.importing = None;
                self.finish_open(path, outcome, doc);
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.importing = None;
                self.error = Some("the import stopped unexpectedly".into());
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                let status = importing
                    .status
                    .lock()
                    .map(|s| s.clone())
                    .unwrap_or_default();
                let name = file_name(&importing.path);
                let mut cancel = false;
                egui::Modal::new(egui::Id::unique("import_dialog")).show(ctx, |ui| {
                    ui.heading(format!("Opening {name}"));
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(status);
                    });
                    cancel = ui.button("Cancel").clicked();
                });
                if cancel {
                    // The thread finishes on its own; its result is dropped.
                    self.importing = None;
                } else {
                    ctx.request_repaint_after(std::time::Duration::from_millis(100));
                }
            }
        }
    }

    /// Seconds since the app started (egui time), for timestamps.
    pub fn now(&self) -> f64 {
        self.time
    }

    /// True once after a different document was loaded.
    pub fn take_reloaded(&mut self) -> bool {
        std::mem::take(&mut self.reloaded)
    }

    /// Per-frame work: shortcuts, the title, autosave, dialogs, the close
    /// request.
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
        self.autosave(&ctx, doc);
        self.dialogs_ui(&ctx, doc);
    }

    /// The File menu, and a warning next to it if autosave is failing.
    pub fn menu_ui(&mut self, ui: &mut Ui, doc: &mut Document) {
        ui.menu_button("File", |ui| {
            if ui.button("New").clicked() {
                self.request(Pending::New, doc);
            }
            ui.menu_button("New from template", |ui| {
                for template in crate::model::templates::all() {
                    if ui
                        .button(template_title(&template))
                        .on_hover_text(template.description)
                        .clicked()
                    {
                        self.request(Pending::Template(template.name.to_string()), doc);
                        ui.close();
                    }
                }
            });
            if ui.button("Open…").clicked() {
                self.open_dialog(doc);
            }
            ui.menu_button("Open Recent", |ui| self.recent_menu_ui(ui, doc));
            ui.separator();
            if ui
                .button("Import actuals…")
                .on_hover_text("Book what really happened from a CSV or Excel export")
                .clicked()
            {
                self.wants_actuals_import = true;
                ui.close();
            }
            ui.separator();
            if ui.button("Save").clicked() {
                self.save(doc);
            }
            if ui.button("Save As…").clicked() {
                self.save_as(doc);
            }
        });
        if let Some(problem) = &self.autosave_problem {
            ui.label(egui::RichText::new("⚠ Autosave failed").color(ui.visuals().warn_fg_color))
                .on_hover_text(problem);
        }
    }

    fn recent_menu_ui(&mut self, ui: &mut Ui, doc: &mut Document) {
        let recent = self.recent().to_vec();
        if recent.is_empty() {
            ui.add_enabled(false, egui::Button::new("No recent files"));
            return;
        }
        for path in recent {
            let label = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => {
                    format!("{} — {}", file_name(&path), dir.display())
                }
                _ => file_name(&path),
            };
            if ui
                .button(label)
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                self.open_recent(path, doc);
            }
        }
        ui.separator();
        if ui.button("Clear Recent").clicked() {
            self.store_recent(Vec::new());
        }
    }

    /// Opens `path`, asking first if there are unsaved changes.
    pub fn request(&mut self, action: Pending, doc: &mut Document) {
        if doc.is_modified() {
            self.pending = Some(action);
        } else {
            self.perform(action, doc);
        }
    }

    /// Opens `path` (what Open… does once a file is picked): asks first if
    /// there are unsaved changes; on failure the error dialog explains and
    /// the current document stays; if the file has a newer autosave, offers
    /// to recover it.
    pub fn open_file(&mut self, path: PathBuf, doc: &mut Document) {
        self.request(Pending::Open(path), doc);
    }

    /// Opens a file from the recent list; one that no longer exists is
    /// taken off the list, with a message.
    pub fn open_recent(&mut self, path: PathBuf, doc: &mut Document) {
        if path.exists() {
            self.open_file(path, doc);
        } else {
            self.forget_recent(&path);
            self.error = Some(format!(
                "{} no longer exists; it was removed from the recent files.",
                path.display()
            ));
        }
    }

    /// Puts an opened document in place of `doc`, or shows why it failed.
    fn finish_open(
        &mut self,
        path: PathBuf,
        outcome: Result<Document, String>,
        doc: &mut Document,
    ) {
        match outcome {
            Ok(opened) => {
                // The old document's unsaved changes are being dropped.
                self.discard_autosave();
                *doc = opened;
                self.reloaded = true;
                self.remember(&path);
                self.offer_recovery(doc);
            }
            Err(error) => {
                if !path.exists() {
                    self.forget_recent(&path);
                }
                self.error = Some(format!(
                    "{error}\n\nThe file was not opened; the model you had open is unchanged."
                ));
            }
        }
    }

    fn perform(&mut self, action: Pending, doc: &mut Document) {
        match action {
            Pending::Open(path) => {
                if crate::model::interop::is_xlsx_path(&path) {
                    self.start_import(path);
                } else {
                    let outcome = Document::open(&path);
                    self.finish_open(path, outcome, doc);
                }
            }
            Pending::New => {
                self.discard_autosave();
                *doc = Document::untitled(
                    Workbook::new(crate::model::templates::blank()),
                    "Untitled.ron",
                );
                self.reloaded = true;
            }
            Pending::Template(name) => match crate::model::templates::find(&name) {
                Ok(template) => {
                    self.discard_autosave();
                    *doc = Document::untitled(Workbook::new(template.file), "Untitled.ron");
                    self.reloaded = true;
                }
                Err(error) => self.error = Some(error),
            },
            Pending::Close => {}
        }
    }

    fn open_dialog(&mut self, doc: &mut Document) {
        let picked = rfd::FileDialog::new()
            .add_filter("Lever model or Excel workbook", &["ron", "xlsx", "xlsm"])
            .add_filter("Lever model", &["ron"])
            .add_filter("Excel workbook", &["xlsx", "xlsm"])
            .pick_file();
        if let Some(path) = picked {
            self.open_file(path, doc);
        }
    }

    /// Saves to the document's file, or asks where.
    pub fn save(&mut self, doc: &mut Document) -> bool {
        match doc.path.clone() {
            Some(path) => self.save_file_as(&path, doc),
            None => self.save_as(doc),
        }
    }

    fn save_as(&mut self, doc: &mut Document) -> bool {
        let picked = rfd::FileDialog::new()
            .add_filter("Lever model", &["ron"])
            .set_file_name(&doc.name)
            .save_file();
        match picked {
            Some(path) => self.save_file_as(&path, doc),
            None => false,
        }
    }

    /// Saves to `path` (what Save As… does once a place is picked), which
    /// becomes the document's file. The write is atomic: if it fails, the
    /// error dialog says why and the file on disk is unchanged. On success
    /// the autosave goes and the file joins the recent list.
    pub fn save_file_as(&mut self, path: &Path, doc: &mut Document) -> bool {
        match doc.save_to(path) {
            Ok(()) => {
                self.discard_autosave();
                // A stale autosave of the file itself (from a crash) is now
                // older than the file and would only confuse.
                let _ = remove(&autosave_for(path));
                self.remember(path);
                true
            }
            Err(error) => {
                self.error = Some(format!(
                    "Could not save; the file on disk is unchanged.\n{error}"
                ));
                false
            }
        }
    }

    // ----- recent files -----

    /// The recent files, most recent first (read from the config folder
    /// the first time, or after the folder changed).
    pub fn recent(&mut self) -> &[PathBuf] {
        let stale = self
            .recent
            .as_ref()
            .is_none_or(|(dir, _)| *dir != self.config_dir);
        if stale {
            let list = self
                .recent_path()
                .map(|p| read_recent(&p))
                .unwrap_or_default();
            self.recent = Some((self.config_dir.clone(), list));
        }
        self.recent
            .as_ref()
            .map_or(&[], |(_, list)| list.as_slice())
    }

    fn recent_path(&self) -> Option<PathBuf> {
        self.config_dir.as_ref().map(|d| d.join(RECENT_FILE))
    }

    /// Puts `path` at the top of the recent list.
    fn remember(&mut self, path: &Path) {
        let path = recent_key(path);
        // Start from the file, so that other Lever windows' entries are kept.
        let mut list = self
            .recent_path()
            .map(|p| read_recent(&p))
            .unwrap_or_default();
        list.retain(|p| *p != path);
        list.insert(0, path);
        list.truncate(RECENT_LIMIT);
        self.store_recent(list);
    }

    /// Takes `path` off the recent list.
    fn forget_recent(&mut self, path: &Path) {
        let path = recent_key(path);
        let mut list = self.recent().to_vec();
        let before = list.len();
        list.retain(|p| *p != path);
        if list.len() != before {
            self.store_recent(list);
        }
    }

    /// Replaces the recent list and writes it to the config folder. Failing
    /// to write it is not worth interrupting anyone for.
    fn store_recent(&mut self, list: Vec<PathBuf>) {
        if let Some(file) = self.recent_path() {
            let written = file
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    write_atomically(&file, recent_text(&list).as_bytes())
                        .map_err(|e| e.to_string())
                });
            if let Err(error) = written {
                eprintln!("lever: could not write the recent files list: {error}");
            }
        }
        self.recent = Some((self.config_dir.clone(), list));
    }

    // ----- autosave and recovery -----

    /// Where the open document is autosaved: next to its file, or in the
    /// config folder's `autosave/` if it has none.
    pub fn autosave_path(&self, doc: &Document) -> Option<PathBuf> {
        match &doc.path {
            Some(path) => Some(autosave_for(path)),
            None => self.config_dir.as_ref().map(|dir| {
                dir.join(AUTOSAVE_DIR)
                    .join(format!("{}.{}.autosave", doc.name, std::process::id()))
            }),
        }
    }

    /// Writes an autosave once changes have waited an interval; removes it
    /// once there are none (saved, or undone back to the file).
    fn autosave(&mut self, ctx: &egui::Context, doc: &Document) {
        if !doc.is_modified() {
            self.next_autosave = None;
            self.discard_autosave();
            return;
        }
        let state = doc.workbook.state_id();
        if self.autosaved.is_some() && self.autosaved_state == Some(state) {
            return;
        }
        let due = *self
            .next_autosave
            .get_or_insert(self.time + self.autosave_interval);
        if self.time < due {
            ctx.request_repaint_after(Duration::from_secs_f64(due - self.time));
            return;
        }
        self.next_autosave = None;
        let Some(path) = self.autosave_path(doc) else {
            return;
        };
        // An autosave elsewhere (the document's place changed) goes; one at
        // the same place is remembered even if this write fails, so that
        // saving or discarding still removes it.
        if let Some(old) = &self.autosaved
            && *old != path
        {
            let _ = remove(old);
            self.autosaved = None;
        }
        let written = path
            .parent()
            .filter(|_| doc.path.is_none())
            .map_or(Ok(()), fs::create_dir_all)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                write_atomically(&path, doc.workbook.to_text().as_bytes())
                    .map_err(|e| e.to_string())
            });
        match written {
            Ok(()) => {
                self.autosaved = Some(path);
                self.autosaved_state = Some(state);
                self.autosave_problem = None;
            }
            Err(error) => self.autosave_problem = Some(error),
        }
    }

    /// Deletes the open document's autosave (its changes were saved or
    /// dropped).
    fn discard_autosave(&mut self) {
        self.autosaved_state = None;
        self.next_autosave = None;
        if let Some(path) = self.autosaved.take()
            && let Err(error) = remove(&path)
        {
            self.autosave_problem = Some(format!("Could not delete the autosave: {error}"));
        }
    }

    /// At start without a file: if an untitled model was autosaved by a
    /// session that has ended (the editor was closed by a crash, a kill or
    /// a power cut), offers to recover the newest one.
    pub fn offer_untitled_recovery(&mut self) {
        let Some(dir) = self.config_dir.as_ref().map(|d| d.join(AUTOSAVE_DIR)) else {
            return;
        };
        let Ok(entries) = fs::read_dir(&dir) else {
            return;
        };
        let this = std::process::id();
        let newest = entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let path = entry.path();
                let file = path.file_name()?.to_str()?.to_string();
                // `NAME.PID.autosave`
                let stem = file.strip_suffix(".autosave")?;
                let (name, pid) = stem.rsplit_once('.')?;
                let pid: u32 = pid.parse().ok()?;
                let ended = pid != this && !process_is_running(pid);
                let at = entry.metadata().and_then(|m| m.modified()).ok()?;
                ended.then(|| (at, name.to_string(), path))
            })
            .max_by_key(|(at, ..)| *at);
        let Some((saved_at, name, autosave)) = newest else {
            return;
        };
        match fs::read_to_string(&autosave)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                Workbook::parse(&text, &autosave.display().to_string()).map_err(|e| e.to_string())
            }) {
            Ok(workbook) => {
                self.recovery = Some(Recovery {
                    file: autosave.clone(),
                    untitled: Some(name),
                    autosave,
                    age: age(saved_at),
                    workbook,
                })
            }
            Err(error) => {
                self.error = Some(format!(
                    "An autosave of an untitled model was found but is damaged; it was left \
                     where it is.\n{error}"
                ))
            }
        }
    }

    /// After `doc` was opened: if its autosave is newer than the file and
    /// holds something else, asks whether to recover it. An autosave that
    /// does not parse is reported and left where it is.
    fn offer_recovery(&mut self, doc: &Document) {
        let Some(file) = doc.path.clone() else {
            return;
        };
        let autosave = autosave_for(&file);
        let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified());
        let Ok(saved_at) = modified(&autosave) else {
            return;
        };
        if modified(&file).is_ok_and(|file_at| file_at >= saved_at) {
            return;
        }
        let text = match fs::read_to_string(&autosave) {
            Ok(text) => text,
            Err(error) => {
                self.error = Some(format!(
                    "An autosave of {} could not be read:\n{}: {error}",
                    doc.name,
                    autosave.display()
                ));
                return;
            }
        };
        if text == doc.workbook.to_text() {
            // Nothing in it that the file does not have.
            let _ = remove(&autosave);
            return;
        }
        match Workbook::parse(&text, &autosave.display().to_string()) {
            Ok(workbook) => {
                self.recovery = Some(Recovery {
                    file,
                    untitled: None,
                    autosave,
                    age: age(saved_at),
                    workbook,
                })
            }
            Err(error) => {
                self.error = Some(format!(
                    "An autosave of {} was found but is damaged, so {} opened as last saved. \
                     The autosave was left where it is.\n{error}",
                    doc.name, doc.name
                ))
            }
        }
    }

    /// Answers "Recover unsaved changes?": `true` makes the autosave the
    /// document (same file, marked modified); `false` deletes it.
    pub fn resolve_recovery(&mut self, recover: bool, doc: &mut Document) {
        let Some(recovery) = self.recovery.take() else {
            return;
        };
        if recover && let Some(name) = &recovery.untitled {
            // An untitled model from a session that ended without saving:
            // it comes back as it was. Its old autosave goes once this
            // session has written its own.
            *doc = Document::untitled(recovery.workbook, name);
            doc.mark_modified();
            self.autosaved = Some(recovery.autosave);
            self.autosaved_state = None;
            self.next_autosave = None;
            self.reloaded = true;
        } else if recover {
            if doc.path.as_deref() != Some(recovery.file.as_path()) {
                return;
            }
            doc.workbook = recovery.workbook;
            doc.mark_modified();
            self.autosaved = Some(recovery.autosave);
            self.autosaved_state = Some(doc.workbook.state_id());
            self.next_autosave = None;
            self.reloaded = true;
        } else if let Err(error) = remove(&recovery.autosave) {
            self.error = Some(format!("Could not delete the autosave:\n{error}"));
        }
    }

    // ----- dialogs -----

    fn dialogs_ui(&mut self, ctx: &egui::Context, doc: &mut Document) {
        self.import_ui(ctx, doc);
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
        if let Some(recovery) = &self.recovery {
            let mut answer = None;
            egui::Modal::new(egui::Id::unique("recovery_dialog")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading("Recover unsaved changes?");
                ui.add_space(6.0);
                ui.label(format!(
                    "{} has changes that were autosaved {} but never saved.",
                    recovery
                        .untitled
                        .clone()
                        .unwrap_or_else(|| file_name(&recovery.file)),
                    recovery.age
                ));
                ui.label("Recover opens them (save to keep them); Discard deletes them.");
                ui.add_space(10.0);
                ui.horizontal(|ui| {
                    if ui.button("Recover").clicked() {
                        answer = Some(true);
                    }
                    if ui.button("Discard").clicked() {
                        answer = Some(false);
                    }
                });
            });
            if let Some(recover) = answer {
                self.resolve_recovery(recover, doc);
            }
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
            self.discard_autosave();
            self.close_confirmed = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            self.perform(action, doc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CellInput, Command};

    fn sample() -> Workbook {
        Workbook::parse(crate::ui::SAMPLE, "sample.ron").expect("the sample parses")
    }

    /// An edit of the first period of the first row that has a label.
    fn edit(workbook: &mut Workbook, value: f64) {
        let row = workbook
            .rows(0)
            .iter()
            .position(|r| r.section.is_empty() && !r.label.is_empty())
            .expect("a metric row") as u32;
        workbook
            .apply(vec![Command::SetCell {
                sheet: 0,
                row,
                period: 0,
                input: CellInput::Number(value),
            }])
            .expect("the edit applies");
    }

    fn files_in(dir: &Path) -> Files {
        Files::new(Some(dir.join("config")))
    }

    fn write_sample(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, sample().to_text()).expect("write the sample");
        path
    }

    fn an_hour_ago(path: &Path) {
        let file = fs::File::options()
            .write(true)
            .open(path)
            .expect("open for setting the time");
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .expect("set the time");
    }

    #[test]
    fn config_dir_prefers_the_override_then_xdg_then_home() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        static ALL: [(&str, &str); 3] = [
            (CONFIG_DIR_VAR, "/tmp/lever-test"),
            ("XDG_CONFIG_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(
            config_dir_from(env(&ALL)),
            Some(PathBuf::from("/tmp/lever-test"))
        );
        assert_eq!(
            config_dir_from(env(&ALL[1..])),
            Some(PathBuf::from("/xdg/lever"))
        );
        assert_eq!(
            config_dir_from(env(&[("XDG_CONFIG_HOME", "relative"), ("HOME", "/home/u")])),
            Some(PathBuf::from("/home/u/.config/lever"))
        );
        assert_eq!(config_dir_from(env(&[])), None);
    }

    #[test]
    fn the_autosave_is_a_hidden_file_next_to_the_model() {
        assert_eq!(
            autosave_for(Path::new("/models/x.ron")),
            PathBuf::from("/models/.x.ron.autosave")
        );
        let untitled = Document::untitled(sample(), "Untitled.ron");
        let files = Files::new(Some(PathBuf::from("/cfg")));
        let path = files.autosave_path(&untitled).expect("a config folder");
        assert!(path.starts_with("/cfg/autosave"));
        assert!(path.to_string_lossy().ends_with(".autosave"));
        assert_eq!(Files::new(None).autosave_path(&untitled), None);
    }

    #[test]
    fn recent_list_is_most_recent_first_without_duplicates_and_capped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut files = files_in(dir.path());
        let paths: Vec<PathBuf> = (0..12)
            .map(|i| write_sample(dir.path(), &format!("m{i}.ron")))
            .collect();
        for path in &paths {
            files.remember(path);
        }
        files.remember(&paths[5]);
        let recent = files.recent().to_vec();
        assert_eq!(recent.len(), RECENT_LIMIT);
        assert_eq!(recent[0], recent_key(&paths[5]));
        assert_eq!(recent[1], recent_key(&paths[11]));
        assert_eq!(recent.iter().filter(|p| **p == recent[0]).count(), 1);
        // Another instance on the same folder reads the same list.
        assert_eq!(files_in(dir.path()).recent(), recent.as_slice());
    }

    #[test]
    fn recent_text_round_trips_awkward_paths() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(RECENT_FILE);
        let list = vec![
            PathBuf::from("/a \"quoted\" dir/x.ron"),
            PathBuf::from("/back\\slash/é.ron"),
        ];
        fs::write(&file, recent_text(&list)).expect("write");
        assert_eq!(read_recent(&file), list);
        fs::write(&file, "not ron at all [").expect("write");
        assert!(read_recent(&file).is_empty());
    }

    #[test]
    fn a_missing_recent_file_is_removed_with_a_message() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut files = files_in(dir.path());
        let path = write_sample(dir.path(), "gone.ron");
        files.remember(&path);
        let key = recent_key(&path);
        fs::remove_file(&path).expect("remove");
        let mut doc = Document::untitled(sample(), "x.ron");
        files.open_recent(key, &mut doc);
        assert!(
            files
                .error
                .as_deref()
                .is_some_and(|e| e.contains("gone.ron"))
        );
        assert!(files.recent().is_empty());
        assert!(files_in(dir.path()).recent().is_empty());
        assert_eq!(doc.name, "x.ron");
    }

    #[test]
    fn a_failed_save_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().expect("temp dir");
        // The longest name a file can have: the save's temporary file, whose
        // name is longer, cannot be created, so the save fails (even as root).
        let path = dir.path().join(format!("{}.ron", "m".repeat(251)));
        fs::write(&path, "old content").expect("write");
        let mut files = files_in(dir.path());
        let mut doc = Document::untitled(sample(), "x.ron");
        edit(&mut doc.workbook, 5.0);
        assert!(!files.save_file_as(&path, &mut doc));
        assert!(
            files
                .error
                .as_deref()
                .is_some_and(|e| e.starts_with("Could not save; the file on disk is unchanged."))
        );
        assert_eq!(fs::read_to_string(&path).expect("read"), "old content");
        assert!(doc.is_modified());
        assert_eq!(doc.path, None);
    }

    #[test]
    fn a_damaged_autosave_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write_sample(dir.path(), "model.ron");
        an_hour_ago(&path);
        let autosave = autosave_for(&path);
        fs::write(&autosave, "(version: 1, oops").expect("write");
        let mut files = files_in(dir.path());
        let mut doc = Document::untitled(Workbook::new(crate::model::templates::blank()), "x.ron");
        files.open_file(path.clone(), &mut doc);
        assert_eq!(doc.path.as_deref(), Some(path.as_path()));
        assert!(!doc.is_modified());
        assert!(files.recovery.is_none());
        assert!(
            files
                .error
                .as_deref()
                .is_some_and(|e| e.contains("damaged"))
        );
        assert_eq!(
            fs::read_to_string(&autosave).expect("still there"),
            "(version: 1, oops"
        );
        assert_eq!(fs::read_to_string(&path).expect("read"), sample().to_text());
    }

    #[test]
    fn an_autosave_older_than_the_file_or_equal_to_it_is_not_offered() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write_sample(dir.path(), "model.ron");
        let autosave = autosave_for(&path);
        let mut edited = sample();
        edit(&mut edited, 1.0);
        fs::write(&autosave, edited.to_text()).expect("write");
        an_hour_ago(&autosave);
        let mut files = files_in(dir.path());
        let mut doc = Document::untitled(sample(), "x.ron");
        files.open_file(path.clone(), &mut doc);
        assert!(files.recovery.is_none() && files.error.is_none());

        // Newer but the same as the file: nothing to recover; it goes.
        fs::write(&autosave, sample().to_text()).expect("write");
        an_hour_ago(&path);
        files.open_file(path, &mut doc);
        assert!(files.recovery.is_none() && files.error.is_none());
        assert!(!autosave.exists());
    }

    #[test]
    fn recover_keeps_the_path_and_marks_the_document_modified() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write_sample(dir.path(), "model.ron");
        an_hour_ago(&path);
        let mut edited = sample();
        edit(&mut edited, 1234.0);
        let autosave = autosave_for(&path);
        fs::write(&autosave, edited.to_text()).expect("write");
        let mut files = files_in(dir.path());
        let mut doc = Document::untitled(sample(), "x.ron");
        files.open_file(path.clone(), &mut doc);
        assert!(files.recovery.is_some());
        files.resolve_recovery(true, &mut doc);
        assert_eq!(doc.workbook.to_text(), edited.to_text());
        assert_eq!(doc.path.as_deref(), Some(path.as_path()));
        assert!(doc.is_modified());
        assert!(doc.title().contains('•'));
        // Saving writes the recovered content and removes the autosave.
        assert!(files.save(&mut doc));
        assert!(!autosave.exists());
        assert_eq!(fs::read_to_string(&path).expect("read"), edited.to_text());
    }
}
