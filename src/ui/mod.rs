//! The desktop editor (egui). It reads the workbook through model queries
//! and changes it only with edit commands, so undo/redo and the ripple have
//! one source. The app holds the document, view state, and the dialogs.

pub mod actuals_dialog;
pub mod analysis;
pub mod background;
pub mod benchmark_dialog;
pub mod changelog;
pub mod chart;
pub mod clipboard;
pub mod data_table;
pub mod edits;
pub mod files;
pub mod funnel;
pub mod goal_seek;
pub mod grid;
pub mod investor;
pub mod panels;
pub mod range_dialog;
pub mod scenarios;
pub mod simulation;
pub mod targets;
pub mod theme;
pub mod tornado;
pub mod trace;
pub mod variance;
pub mod view;
pub mod waterfall;

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers, Ui};

use crate::model::{Edit, FIRST_PERIOD_COL, Ripple, Workbook};
use files::Document;
use grid::{Grid, GridEvent};
use panels::PanelEvent;
use theme::Theme;
use trace::Trace;
use view::{EditTarget, Editor, GridCell, RippleView, ViewState};

/// How long the ripple tint takes to fade, in seconds.
pub const RIPPLE_FADE_SECONDS: f32 = 6.0;

/// The bundled sample model, opened when Lever starts without a file.
pub const SAMPLE: &str = include_str!("../../models/edtech-growth.ron");

const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
const FILL_DOWN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::D);
const FILL_RIGHT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::R);
const MOVE_UP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::ArrowUp);
const MOVE_DOWN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::ArrowDown);
const INSERT_ROW: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Plus);
const DELETE_ROWS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Minus);
/// Recalculates every formula, as F9 does in a spreadsheet: the clock and
/// random numbers move on.
const RECALCULATE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F9);

/// The editor application.
pub struct App {
    /// The open document.
    pub doc: Document,
    /// Selection, editor, ripple.
    pub view: ViewState,
    /// What the selected metric reads and feeds.
    pub trace: Trace,
    /// File dialogs, prompts and autosave.
    pub files: files::Files,
    /// True once the fonts are installed (they take effect a frame later).
    fonts_ready: bool,
    /// The rename dialog: the row and the name typed so far.
    pub rename: Option<(u32, String)>,
    /// The analysis panel (sensitivity, charts).
    pub analysis: analysis::Analysis,
    /// The benchmark dialog, while open.
    pub benchmark: Option<benchmark_dialog::BenchmarkDialog>,
    /// The range dialog, while open.
    pub range: Option<range_dialog::RangeDialog>,
    /// Whether the import report of an opened Excel workbook is shown.
    pub show_import_report: bool,
    /// The investor view (View → Investor view), shown instead of the grid.
    pub investor: investor::InvestorMode,
    /// The Import actuals dialog, while open.
    pub actuals_import: Option<actuals_dialog::ActualsDialog>,
    /// The variance overlay of the grid (View → Variance).
    pub variance: variance::VarianceOverlay,
}

/// The benchmark colours and what they mean, for the status bar.
fn benchmark_legend_ui(ui: &mut Ui, theme: &Theme) {
    ui.label(egui::RichText::new("Benchmarks:").small());
    for (standing, meaning) in crate::model::benchmark::LEGEND {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
        ui.painter()
            .rect_filled(rect, 2.0, theme.benchmark(standing));
        ui.painter().rect_stroke(
            rect,
            2.0,
            egui::Stroke::new(1.0, theme.grid_line),
            egui::StrokeKind::Inside,
        );
        ui.label(egui::RichText::new(meaning).small());
    }
}

/// Row operations, from the Rows menu, the context menu or shortcuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// Insert an empty row above the cursor.
    InsertAbove,
    /// Insert an empty row below the cursor.
    InsertBelow,
    /// Insert a section header above the cursor.
    InsertSection,
    /// Delete the selected rows.
    Delete,
    /// Move the selected rows up one.
    MoveUp,
    /// Move the selected rows down one.
    MoveDown,
    /// Open the rename dialog for the cursor's metric.
    Rename,
    /// Open the benchmark dialog for the cursor's metric.
    Benchmark,
    /// Open the range dialog for the cursor's input.
    Range,
}

impl App {
    /// An editor on the bundled sample model.
    pub fn with_sample() -> App {
        let workbook = Workbook::parse(SAMPLE, "edtech-growth.ron")
            .unwrap_or_else(|_| Workbook::new(crate::model::templates::blank()));
        App::new(Document::untitled(workbook, "edtech-growth.ron"))
    }

    /// An editor on `doc`.
    pub fn new(doc: Document) -> App {
        let mut app = App {
            doc,
            view: ViewState::default(),
            trace: Trace::default(),
            files: files::Files::default(),
            fonts_ready: false,
            rename: None,
            analysis: analysis::Analysis::default(),
            benchmark: None,
            range: None,
            investor: investor::InvestorMode::default(),
            variance: variance::VarianceOverlay::default(),
            actuals_import: None,
            show_import_report: false,
        };
        app.select(app.first_metric_cell());
        app
    }

    /// Opens `path`, or says why not (the error dialog shows it).
    /// Recovery of a newer autosave is offered as for File → Open.
    pub fn open_path(path: PathBuf) -> App {
        let mut app = App::with_sample();
        app.files.open_file(path, &mut app.doc);
        app
    }

    fn first_metric_cell(&self) -> GridCell {
        if self.is_plain_grid() {
            return GridCell::new(0, 0);
        }
        let row = self
            .doc
            .workbook
            .rows(self.view.sheet)
            .iter()
            .position(|r| r.section.is_empty() && !r.label.is_empty())
            .unwrap_or(0) as u32;
        GridCell::new(row, FIRST_PERIOD_COL)
    }

    /// Draws the whole editor; used by eframe and by UI tests alike.
    pub fn ui(&mut self, ui: &mut Ui) {
        if !self.fonts_ready {
            // Fonts apply from the next frame: draw nothing until then.
            theme::install_fonts(ui.ctx());
            match std::env::var("LEVER_THEME").as_deref() {
                Ok("light") => ui.ctx().set_theme(egui::ThemePreference::Light),
                Ok("dark") => ui.ctx().set_theme(egui::ThemePreference::Dark),
                _ => {}
            }
            self.fonts_ready = true;
            ui.ctx().request_repaint();
            return;
        }
        let theme = Theme::for_visuals(ui.visuals());
        self.files.frame(ui, &mut self.doc);
        if self.files.take_reloaded() {
            self.show_import_report = self.doc.import_report.is_some();
            self.view = ViewState::default();
            self.investor.reset_cache();
            let first = self.first_metric_cell();
            self.select(first);
        }
        if !self.investor_keys(ui) {
            self.handle_keys(ui);
        }

        let mut panel_events = Vec::new();
        egui::Panel::top("menu").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                self.files.menu_ui(ui, &mut self.doc);
                ui.menu_button("Edit", |ui| {
                    if ui
                        .add_enabled(self.doc.workbook.can_undo(), egui::Button::new("Undo"))
                        .clicked()
                    {
                        self.undo();
                    }
                    if ui
                        .add_enabled(self.doc.workbook.can_redo(), egui::Button::new("Redo"))
                        .clicked()
                    {
                        self.redo();
                    }
                });
                ui.menu_button("Rows", |ui| {
                    if let Some(action) = row_menu_ui(ui) {
                        self.row_action(action);
                    }
                });
                ui.menu_button("Analysis", |ui| {
                    for tool in analysis::Tool::ALL {
                        if ui.button(tool.title()).clicked() {
                            self.open_tool(tool);
                        }
                    }
                    ui.separator();
                    if ui.button("Goal seek…").clicked() {
                        let at = self.selection();
                        self.analysis.goal_seek.open_at(
                            &self.doc.workbook,
                            at.sheet,
                            at.row,
                            at.period,
                        );
                    }
                });
                ui.separator();
                scenarios::switcher_ui(ui, &self.doc.workbook, &mut panel_events);
                ui.separator();
                ui.menu_button("View", |ui| {
                    let mut show = !self.view.hide_benchmarks;
                    if ui
                        .checkbox(&mut show, "Benchmark colours")
                        .on_hover_text("Colour metric cells against their market benchmark")
                        .changed()
                    {
                        self.view.hide_benchmarks = !show;
                    }
                    if self.doc.workbook.document().actuals.is_some() {
                        let mut shown = self.doc.workbook.actuals_shown();
                        if ui
                            .checkbox(&mut shown, "Actuals")
                            .on_hover_text(
                                "Show booked actuals up to the closed period (off: the plan alone)",
                            )
                            .changed()
                        {
                            let ripple = self.doc.workbook.set_actuals_shown(shown);
                            self.show_ripple(&ripple, None);
                        }
                    }
                    self.variance.menu_ui(ui, &self.doc.workbook);
                    ui.menu_button("Locale", |ui| {
                        ui.label("How text in cells reads as a number");
                        let current = self.doc.workbook.document().locale.clone();
                        for (tag, label) in crate::model::locale::CHOICES {
                            if ui.radio(current == tag, label).clicked() && current != tag {
                                self.apply(
                                    vec![crate::model::Command::SetLocale {
                                        locale: tag.to_string(),
                                    }],
                                    None,
                                );
                                ui.close();
                            }
                        }
                    });
                    ui.separator();
                    if ui
                        .add(
                            egui::Button::selectable(self.investor.open, "Investor view")
                                .shortcut_text("Ctrl+I"),
                        )
                        .clicked()
                    {
                        self.toggle_investor();
                        ui.close();
                    }
                    ui.separator();
                    for (label, preference) in [
                        ("Theme: follow the system", egui::ThemePreference::System),
                        ("Theme: light", egui::ThemePreference::Light),
                        ("Theme: dark", egui::ThemePreference::Dark),
                    ] {
                        if ui.button(label).clicked() {
                            ui.ctx().set_theme(preference);
                        }
                    }
                });
            });
        });
        if self.investor.open {
            self.investor_ui(ui, &theme, panel_events);
            return;
        }
        egui::Panel::top("formula_bar").show(ui, |ui| {
            ui.add_space(4.0);
            panels::formula_bar_ui(
                ui,
                &self.doc.workbook,
                &self.view,
                &theme,
                &mut panel_events,
            );
            ui.add_space(2.0);
        });
        let benchmarked = !self.view.hide_benchmarks
            && self
                .doc
                .workbook
                .rows(self.view.sheet)
                .iter()
                .any(|r| r.benchmark.is_some());
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(&self.view.status).small());
                if benchmarked {
                    ui.separator();
                    benchmark_legend_ui(ui, &theme);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(
                        egui::RichText::new(self.doc.title())
                            .small()
                            .color(theme.muted_text),
                    );
                });
            });
        });
        // Sheet tabs, as in any spreadsheet.
        let mut chosen_sheet = None;
        egui::Panel::bottom("sheets").show(ui, |ui| {
            ui.horizontal(|ui| {
                for (index, sheet) in self.doc.workbook.document().sheets.iter().enumerate() {
                    let shown = index as u32 == self.view.sheet;
                    let label = match sheet.layout {
                        crate::model::Layout::Grid => format!("▦ {}", sheet.name),
                        crate::model::Layout::Metrics => sheet.name.clone(),
                    };
                    if ui
                        .selectable_label(shown, label)
                        .on_hover_text(format!("Sheet “{}”", sheet.name))
                        .clicked()
                    {
                        chosen_sheet = Some(index as u32);
                    }
                }
            });
        });
        if let Some(sheet) = chosen_sheet {
            self.show_sheet(sheet);
        }
        egui::Panel::right("side")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                panels::ripple_panel_ui(
                    ui,
                    &self.doc.workbook,
                    &self.view,
                    &theme,
                    &mut panel_events,
                );
                ui.separator();
                panels::trace_panel_ui(
                    ui,
                    &self.doc.workbook,
                    &self.view,
                    &self.trace,
                    &theme,
                    &mut panel_events,
                );
            });
        let at = self.selection();
        self.analysis
            .ui(ui, &mut self.doc.workbook, at, &theme, &mut panel_events);
        self.variance.refresh(&mut self.doc.workbook);
        let now = ui.input(|i| i.time);
        let rows = view::shown_rows(&self.doc.workbook, self.view.sheet, &self.view.collapsed);
        let events = egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                Grid {
                    workbook: &self.doc.workbook,
                    view: &self.view,
                    rows: &rows,
                    trace: &self.trace,
                    theme: &theme,
                    variance: &self.variance,
                    now,
                    events: Vec::new(),
                }
                .show(ui)
            })
            .inner;
        self.view.scroll_to_cursor = false;
        self.view.scroll_center = false;
        if !ui.input(|i| i.pointer.primary_down()) {
            self.view.dragging = false;
        }
        if let Some(editor) = &mut self.view.editor {
            editor.needs_focus = false;
        }
        for event in events {
            self.grid_event(event);
        }
        for event in panel_events {
            self.panel_event(event);
        }
        self.rename_dialog_ui(ui);
        self.import_report_ui(ui);
        if std::mem::take(&mut self.files.wants_actuals_import)
            && let Some(path) = rfd::FileDialog::new()
                .set_title("Import actuals")
                .add_filter("CSV or Excel", &["csv", "txt", "xlsx", "xlsm"])
                .pick_file()
        {
            self.open_actuals_import(path);
        }
        if let Some(mut dialog) = self.actuals_import.take() {
            match dialog.ui(ui, &mut self.doc.workbook, &theme) {
                actuals_dialog::Outcome::Open => self.actuals_import = Some(dialog),
                actuals_dialog::Outcome::Cancelled => {}
                actuals_dialog::Outcome::Apply(edit) => {
                    if self.apply(edit, None) {
                        self.view.status = format!(
                            "Booked the actuals of {}",
                            dialog
                                .path
                                .file_name()
                                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                        );
                    } else {
                        self.actuals_import = Some(dialog);
                    }
                }
            }
        }
        if let Some((edit, name)) = self.variance.freeze_ui(ui, &self.doc.workbook)
            && self.apply(edit, None)
        {
            // The variance compares with the plan just frozen.
            let plans = &self.doc.workbook.document().plans;
            self.variance.plan = plans
                .iter()
                .position(|p| p.name.eq_ignore_ascii_case(&name));
            self.view.status = "Froze the plan: View → Variance compares with it".into();
        }
        if let Some(mut dialog) = self.range.take() {
            match dialog.ui(ui, &self.doc.workbook, &theme) {
                range_dialog::Outcome::Open => self.range = Some(dialog),
                range_dialog::Outcome::Cancelled => {}
                range_dialog::Outcome::Apply(edit) => {
                    if let Err(e) = self.doc.workbook.probe(edit.clone(), |_| ()) {
                        // Refused (a range on a computed row, …): say why
                        // in the dialog and keep it open.
                        dialog.error = Some(e.to_string());
                        self.range = Some(dialog);
                    } else {
                        self.apply(edit, None);
                    }
                }
            }
        }
        if let Some(mut dialog) = self.benchmark.take() {
            match dialog.ui(ui, &self.doc.workbook, &theme) {
                benchmark_dialog::Outcome::Open => self.benchmark = Some(dialog),
                benchmark_dialog::Outcome::Cancelled => {}
                benchmark_dialog::Outcome::Apply(edit) => {
                    if !self.apply(edit, None) {
                        self.benchmark = Some(dialog);
                    }
                }
            }
        }
        if let Some(ripple) = &self.view.ripple
            && now - ripple.at < f64::from(RIPPLE_FADE_SECONDS)
        {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// What an imported Excel workbook brought and what it could not: shown
    /// once after opening it.
    fn import_report_ui(&mut self, ui: &mut Ui) {
        let Some(report) = &self.doc.import_report else {
            return;
        };
        if !self.show_import_report {
            return;
        }
        let mut open = true;
        let mut ok = false;
        egui::Window::new("Import report")
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .show(ui.ctx(), |ui| {
                ui.label(
                    "The workbook was imported into a new model; saving writes a .ron file \
                     and never changes the Excel file.",
                );
                if let Some(check) = &report.cross_check {
                    cross_check_headline_ui(ui, check);
                }
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        ui.label(egui::RichText::new(report.to_string()).monospace());
                    });
                ok = ui.button("OK").clicked();
            });
        self.show_import_report = open && !ok;
    }

    /// Opens a tool of the analysis panel on the current selection.
    pub fn open_tool(&mut self, tool: analysis::Tool) {
        let at = self.selection();
        self.analysis.open(tool, &mut self.doc.workbook, at);
    }

    fn selection(&self) -> analysis::Selection {
        let (from, to) = self.view.selection();
        analysis::Selection {
            rows: (from.row, to.row),
            sheet: self.view.sheet,
            row: self.view.cursor.row,
            period: if self.is_plain_grid() {
                None
            } else {
                self.view.cursor.period()
            },
        }
    }

    // ----- events -----

    fn grid_event(&mut self, event: GridEvent) {
        match event {
            GridEvent::Click { cell, extend } => {
                if self
                    .view
                    .editor
                    .as_ref()
                    .is_some_and(|e| e.cell != cell || e.in_formula_bar)
                {
                    self.commit_editor(None);
                }
                if extend {
                    self.view.cursor = cell;
                } else {
                    self.select(cell);
                }
            }
            GridEvent::Edit(cell) => {
                self.select(cell);
                self.start_editing(None);
            }
            GridEvent::ToggleSection(row) => {
                if !self.view.collapsed.remove(&row) {
                    self.view.collapsed.insert(row);
                }
            }
            GridEvent::Row(action) => self.row_action(action),
            GridEvent::DragStart => self.view.dragging = true,
            GridEvent::EditorText(text) => {
                if let Some(editor) = &mut self.view.editor {
                    editor.text = text;
                }
            }
        }
    }

    fn panel_event(&mut self, event: PanelEvent) {
        match event {
            PanelEvent::FormulaText(text) => {
                let cell = self.view.cursor;
                let editor = self.view.editor.get_or_insert_with(|| {
                    let (_, target) = edits::editor_text(&self.doc.workbook, self.view.sheet, cell);
                    Editor {
                        cell,
                        text: String::new(),
                        target,
                        needs_focus: false,
                        in_formula_bar: true,
                    }
                });
                editor.text = text;
            }
            PanelEvent::CommitFormula => self.commit_editor(None),
            PanelEvent::CancelFormula => self.view.editor = None,
            PanelEvent::Complete(text) => {
                if let Some(editor) = &mut self.view.editor {
                    editor.text = text;
                    editor.needs_focus = !editor.in_formula_bar;
                }
            }
            PanelEvent::NameBox(text) => self.view.name_box = Some(text),
            PanelEvent::NameBoxDone => self.view.name_box = None,
            PanelEvent::GoTo(target) => {
                self.view.name_box = None;
                match self.locate(&target) {
                    Some(cell) => {
                        self.reveal(cell.row);
                        self.select(cell);
                        self.view.scroll_center = true;
                    }
                    None => {
                        self.view.status = format!("No metric or cell named `{}`", target.trim())
                    }
                }
            }
            PanelEvent::Apply(edit) => {
                self.apply(edit, None);
            }
            PanelEvent::SetScenario(index) => match self.doc.workbook.set_active_scenario(index) {
                Ok(ripple) => {
                    self.show_ripple(&ripple, None);
                    self.view.status = format!(
                        "Showing scenario {}",
                        crate::model::scenario::name(&self.doc.workbook, index)
                    );
                }
                Err(error) => self.view.status = format!("Scenario: {error}"),
            },
            PanelEvent::SelectRow(row) => {
                let col = if self.is_plain_grid() {
                    self.view.cursor.col
                } else {
                    self.view.cursor.col.max(FIRST_PERIOD_COL)
                };
                self.reveal(row);
                self.select(GridCell::new(row, col));
                self.view.scroll_center = true;
            }
        }
    }

    /// The cell a name-box entry points at: `metric`, `metric period`
    /// (e.g. `price Mar 2026`), or an A1 address.
    fn locate(&self, target: &str) -> Option<GridCell> {
        let target = target.trim();
        let (name, period) = match target.split_once(' ') {
            Some((name, period)) => (name, Some(period.trim())),
            None => (target, None),
        };
        let labels = self.doc.workbook.period_labels();
        let col = match period {
            Some(p) => {
                FIRST_PERIOD_COL + labels.iter().position(|l| l.eq_ignore_ascii_case(p))? as u32
            }
            None => self.view.cursor.col.max(FIRST_PERIOD_COL),
        };
        if let Some((sheet, row)) = self.doc.workbook.find_metric(name)
            && sheet == self.view.sheet
        {
            return Some(GridCell::new(row, col));
        }
        let letters = name.chars().take_while(char::is_ascii_alphabetic).count();
        if period.is_none() && crate::model::names::looks_like_cell(name) {
            let col = name[..letters].chars().fold(0u32, |acc, c| {
                acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
            }) - 1;
            let row: u32 = name[letters..].parse::<u32>().ok()?.checked_sub(1)?;
            let (rows, cols) = view::extent(&self.doc.workbook, self.view.sheet);
            return (row < rows && col < cols).then_some(GridCell::new(row, col));
        }
        None
    }

    /// Expands a collapsed section that hides `row`.
    fn reveal(&mut self, row: u32) {
        let hiding: Vec<u32> = self
            .view
            .collapsed
            .iter()
            .copied()
            .filter(|&section| self.section_contains(section, row))
            .collect();
        for section in hiding {
            self.view.collapsed.remove(&section);
        }
    }

    fn section_contains(&self, section: u32, row: u32) -> bool {
        let rows = self.doc.workbook.rows(self.view.sheet);
        section < row
            && rows[section as usize + 1..row as usize]
                .iter()
                .all(|r| r.section.is_empty())
    }

    // ----- keyboard -----

    fn handle_keys(&mut self, ui: &mut Ui) {
        let formula_bar_focused = ui.memory(|m| m.has_focus(egui::Id::unique("formula_bar")));
        if self.view.name_box.is_some() {
            return;
        }
        if let Some(editor) = &self.view.editor
            && !editor.in_formula_bar
        {
            // Enter, Tab and Escape belong to the cell editor; arrows move its caret.
            let (shift_enter, enter, shift_tab, tab, escape) = ui.input_mut(|i| {
                // Shift first: a plain pattern would also match Shift+key.
                let shift_enter = i.consume_key(Modifiers::SHIFT, Key::Enter);
                let enter = i.consume_key(Modifiers::NONE, Key::Enter);
                let shift_tab = i.consume_key(Modifiers::SHIFT, Key::Tab);
                let tab = i.consume_key(Modifiers::NONE, Key::Tab);
                let escape = i.consume_key(Modifiers::NONE, Key::Escape);
                (shift_enter, enter, shift_tab, tab, escape)
            });
            let completion = (tab && !shift_tab && !editor.text.is_empty())
                .then(|| panels::completions(&self.doc.workbook, self.view.sheet, &editor.text))
                .and_then(|options| options.into_iter().next());
            if let Some((_, completed)) = completion {
                if let Some(editor) = &mut self.view.editor {
                    editor.text = completed;
                    editor.needs_focus = true;
                }
                return;
            }
            if escape {
                self.view.editor = None;
            } else if shift_enter {
                self.commit_editor(Some((-1, 0)));
            } else if enter {
                self.commit_editor(Some((1, 0)));
            } else if shift_tab {
                self.commit_editor(Some((0, -1)));
            } else if tab {
                self.commit_editor(Some((0, 1)));
            }
            return;
        }
        if formula_bar_focused || self.rename.is_some() || ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let mut typed = String::new();
        let mut paste = None;
        let mut copy = false;
        let mut cut = false;
        ui.input_mut(|i| {
            for event in &i.events {
                match event {
                    egui::Event::Text(text) => typed.push_str(text),
                    egui::Event::Paste(text) => paste = Some(text.clone()),
                    egui::Event::Copy => copy = true,
                    egui::Event::Cut => cut = true,
                    _ => {}
                }
            }
        });
        let row_action = ui.input_mut(|i| {
            if i.consume_shortcut(&MOVE_UP) {
                Some(RowAction::MoveUp)
            } else if i.consume_shortcut(&MOVE_DOWN) {
                Some(RowAction::MoveDown)
            } else if i.consume_shortcut(&INSERT_ROW) {
                Some(RowAction::InsertAbove)
            } else if i.consume_shortcut(&DELETE_ROWS) {
                Some(RowAction::Delete)
            } else {
                None
            }
        });
        if let Some(action) = row_action {
            self.row_action(action);
            return;
        }
        let (undo, redo, fill_down, fill_right, recalculate) = ui.input_mut(|i| {
            (
                i.consume_shortcut(&UNDO),
                i.consume_shortcut(&REDO) || i.consume_shortcut(&REDO_Y),
                i.consume_shortcut(&FILL_DOWN),
                i.consume_shortcut(&FILL_RIGHT),
                i.consume_shortcut(&RECALCULATE),
            )
        });
        if recalculate {
            let ripple = self.doc.workbook.recalc_all();
            self.show_ripple(&ripple, None);
            return;
        }
        if undo {
            self.undo();
            return;
        }
        if redo {
            self.redo();
            return;
        }
        let (from, to) = self.view.selection();
        if fill_down || fill_right {
            if let Some(edit) =
                edits::fill(&self.doc.workbook, self.view.sheet, from, to, fill_down)
            {
                self.apply(edit, None);
            }
            return;
        }
        if copy || cut {
            let text = edits::copy(&self.doc.workbook, self.view.sheet, from, to);
            ui.ctx().copy_text(text);
            self.view.status = "Copied".into();
        }
        if cut && let Some(edit) = edits::clear(&self.doc.workbook, self.view.sheet, from, to) {
            // Cut: the block is on the clipboard and cleared here (one undo step).
            self.apply(edit, None);
            self.view.status = "Cut".into();
        }
        if let Some(text) = paste {
            self.paste(&text);
            return;
        }
        let keys = ui.input_mut(|i| {
            let mut moves = Vec::new();
            // Shift first: a plain pattern would also match Shift+key.
            for (key, dr, dc) in [
                (Key::ArrowDown, 1, 0),
                (Key::ArrowUp, -1, 0),
                (Key::ArrowRight, 0, 1),
                (Key::ArrowLeft, 0, -1),
            ] {
                for _ in 0..i.count_and_consume_key(Modifiers::SHIFT, key) {
                    moves.push((dr, dc, true));
                }
                for _ in 0..i.count_and_consume_key(Modifiers::NONE, key) {
                    moves.push((dr, dc, false));
                }
            }
            for _ in 0..i.count_and_consume_key(Modifiers::SHIFT, Key::Tab) {
                moves.push((0, -1, false));
            }
            for _ in 0..i.count_and_consume_key(Modifiers::NONE, Key::Tab) {
                moves.push((0, 1, false));
            }
            for _ in 0..i.count_and_consume_key(Modifiers::SHIFT, Key::Enter) {
                moves.push((-1, 0, false));
            }
            for _ in 0..i.count_and_consume_key(Modifiers::NONE, Key::Enter) {
                moves.push((1, 0, false));
            }
            let edit = i.consume_key(Modifiers::NONE, Key::F2);
            let delete = i.consume_key(Modifiers::NONE, Key::Delete)
                || i.consume_key(Modifiers::NONE, Key::Backspace);
            (moves, edit, delete)
        });
        let (moves, edit, delete) = keys;
        for (dr, dc, extend) in moves {
            self.move_cursor(dr, dc, extend);
        }
        if edit {
            self.start_editing(None);
        } else if delete {
            if let Some(edit) = edits::clear(&self.doc.workbook, self.view.sheet, from, to) {
                self.apply(edit, None);
            }
        } else if !typed.is_empty() && !ui.input(|i| i.modifiers.command) {
            self.start_editing(Some(typed));
        }
    }

    fn move_cursor(&mut self, dr: i32, dc: i32, extend: bool) {
        let rows = view::shown_rows(&self.doc.workbook, self.view.sheet, &self.view.collapsed);
        let index = rows
            .iter()
            .position(|&r| r == self.view.cursor.row)
            .unwrap_or(0) as i64;
        let new_index = (index + i64::from(dr)).clamp(0, rows.len().saturating_sub(1) as i64);
        let max_col = view::extent(&self.doc.workbook, self.view.sheet)
            .1
            .saturating_sub(1);
        let col =
            (i64::from(self.view.cursor.col) + i64::from(dc)).clamp(0, i64::from(max_col)) as u32;
        let cell = GridCell::new(rows.get(new_index as usize).copied().unwrap_or(0), col);
        if extend {
            self.view.cursor = cell;
            self.view.scroll_to_cursor = true;
        } else {
            self.select(cell);
        }
    }

    /// Selects a cell and traces its metric.
    pub fn select(&mut self, cell: GridCell) {
        self.view.select(cell);
        let row = self
            .doc
            .workbook
            .rows(self.view.sheet)
            .get(cell.row as usize);
        self.trace = match row {
            Some(info)
                if !self.is_plain_grid() && info.section.is_empty() && !info.label.is_empty() =>
            {
                Trace::of(
                    &self.doc.workbook,
                    self.view.sheet,
                    cell.row,
                    cell.period().unwrap_or(0),
                )
            }
            _ => Trace::default(),
        };
    }

    /// True if the sheet shown is a plain grid (an imported worksheet).
    pub fn is_plain_grid(&self) -> bool {
        self.doc.workbook.layout(self.view.sheet) == crate::model::Layout::Grid
    }

    /// Shows sheet `sheet` (from the tabs under the grid).
    pub fn show_sheet(&mut self, sheet: u32) {
        if sheet == self.view.sheet || sheet as usize >= self.doc.workbook.document().sheets.len() {
            return;
        }
        self.commit_editor(None);
        self.view = ViewState {
            sheet,
            status: self.view.status.clone(),
            hide_benchmarks: self.view.hide_benchmarks,
            ..ViewState::default()
        };
        let first = self.first_metric_cell();
        self.select(first);
    }

    /// Opens the editor on the selected cell, with `typed` replacing its
    /// content (typing) or the current input (Enter, F2, double-click).
    pub fn start_editing(&mut self, typed: Option<String>) {
        let cell = self.view.cursor;
        let rows = self.doc.workbook.rows(self.view.sheet);
        if !self.is_plain_grid()
            && rows
                .get(cell.row as usize)
                .is_none_or(|r| !r.section.is_empty() && cell.col != 0)
        {
            return;
        }
        let (current, target) = edits::editor_text(&self.doc.workbook, self.view.sheet, cell);
        let (text, target) = match typed {
            // Typing over a cell replaces it: in a formula row, an override.
            Some(typed) => (typed, EditTarget::Cell),
            None => (current, target),
        };
        self.view.editor = Some(Editor {
            cell,
            text,
            target,
            needs_focus: true,
            in_formula_bar: false,
        });
    }

    /// Commits the open editor, then moves the cursor by `step` (rows, cols).
    pub fn commit_editor(&mut self, step: Option<(i32, i32)>) {
        let Some(editor) = self.view.editor.take() else {
            return;
        };
        let edit = match edits::commit_range(&self.doc.workbook, self.view.sheet, &editor) {
            Some(Err(message)) => {
                // Keep the editor open on a bad range, so nothing typed is lost.
                self.view.status = message;
                self.view.editor = Some(Editor {
                    needs_focus: true,
                    ..editor
                });
                return;
            }
            Some(Ok(edit)) => (!edit.is_empty()).then_some(edit),
            None => edits::commit(&self.doc.workbook, self.view.sheet, &editor),
        };
        if let Some(edit) = edit
            && !self.apply(
                edit,
                if self.is_plain_grid() {
                    None
                } else {
                    editor.cell.period()
                },
            )
        {
            // Keep the editor open on a formula error, so nothing typed is lost.
            self.view.editor = Some(Editor {
                needs_focus: true,
                ..editor
            });
            return;
        }
        if let Some((dr, dc)) = step {
            self.move_cursor(dr, dc, false);
        }
    }

    fn paste(&mut self, text: &str) {
        let (from, _) = self.view.selection();
        match edits::paste(&self.doc.workbook, self.view.sheet, from, text) {
            Ok(edit) => {
                let cells = edit.len();
                if self.apply(edit, None) {
                    self.view.status = format!("Pasted {cells} cells");
                }
            }
            Err(message) => self.view.status = format!("Paste: {message}"),
        }
    }

    /// Opens the Import actuals dialog on `path` (File → Import actuals…);
    /// a file that cannot be read is reported in the status bar.
    pub fn open_actuals_import(&mut self, path: std::path::PathBuf) {
        match actuals_dialog::ActualsDialog::open(&mut self.doc.workbook, path) {
            Ok(dialog) => self.actuals_import = Some(dialog),
            Err(e) => self.view.status = format!("Import actuals: {e}"),
        }
    }

    /// Applies an edit and shows its ripple; false (with a message in the
    /// status bar) if the model refused it.
    pub fn apply(&mut self, edit: Edit, period: Option<u32>) -> bool {
        match self.doc.workbook.apply(edit) {
            Ok(ripple) => {
                self.show_ripple(&ripple, period);
                true
            }
            Err(error) => {
                self.view.status = format!("Not applied: {error}");
                false
            }
        }
    }

    fn show_ripple(&mut self, ripple: &Ripple, period: Option<u32>) {
        let now = self.files.now();
        self.view.ripple = Some(RippleView::new(ripple, self.view.sheet, period, now));
        let metrics = self.view.ripple.as_ref().map_or(0, |r| r.metrics.len());
        self.view.status = format!(
            "{} cells changed in {metrics} metrics",
            ripple.changes.len()
        );
        let cursor = self.view.cursor;
        self.select(cursor);
    }

    /// Carries out a row operation on the selection.
    pub fn row_action(&mut self, action: RowAction) {
        use crate::model::{Command, RowFile};
        self.commit_editor(None);
        let sheet = self.view.sheet;
        let (from, to) = self.view.selection();
        let n_rows = self.doc.workbook.rows(sheet).len() as u32;
        let count = to.row - from.row + 1;
        let col = self.view.cursor.col;
        let edit = match action {
            RowAction::InsertAbove | RowAction::InsertBelow | RowAction::InsertSection => {
                let at = if action == RowAction::InsertBelow {
                    to.row + 1
                } else {
                    from.row
                };
                let row = if action == RowAction::InsertSection {
                    RowFile {
                        section: "New section".into(),
                        ..RowFile::default()
                    }
                } else {
                    RowFile::default()
                };
                let done = self.apply(
                    vec![Command::InsertRows {
                        sheet,
                        at,
                        rows: vec![row],
                    }],
                    None,
                );
                if done {
                    self.select(GridCell::new(at, 0));
                }
                return;
            }
            RowAction::Delete => Command::DeleteRows {
                sheet,
                at: from.row,
                count,
            },
            RowAction::MoveUp if from.row > 0 => Command::MoveRows {
                sheet,
                from: from.row,
                count,
                to: from.row - 1,
            },
            RowAction::MoveDown if to.row + 1 < n_rows => Command::MoveRows {
                sheet,
                from: from.row,
                count,
                to: from.row + 1,
            },
            RowAction::Rename => {
                let name = self
                    .doc
                    .workbook
                    .metric_name(sheet, self.view.cursor.row)
                    .to_string();
                self.rename = Some((self.view.cursor.row, name));
                return;
            }
            RowAction::Benchmark => {
                if !self
                    .doc
                    .workbook
                    .metric_name(sheet, self.view.cursor.row)
                    .is_empty()
                {
                    self.benchmark = Some(benchmark_dialog::BenchmarkDialog::for_row(
                        &self.doc.workbook,
                        sheet,
                        self.view.cursor.row,
                    ));
                }
                return;
            }
            RowAction::Range => {
                if !self
                    .doc
                    .workbook
                    .metric_name(sheet, self.view.cursor.row)
                    .is_empty()
                {
                    self.range = Some(range_dialog::RangeDialog::for_row(
                        &self.doc.workbook,
                        sheet,
                        self.view.cursor.row,
                    ));
                }
                return;
            }
            RowAction::MoveUp | RowAction::MoveDown => return,
        };
        if self.apply(vec![edit], None) {
            let (anchor_row, cursor_row) = match action {
                RowAction::MoveUp => (from.row - 1, to.row - 1),
                RowAction::MoveDown => (from.row + 1, to.row + 1),
                _ => (
                    from.row.min(n_rows.saturating_sub(count + 1)),
                    from.row.min(n_rows.saturating_sub(count + 1)),
                ),
            };
            self.select(GridCell::new(anchor_row, col));
            self.view.cursor = GridCell::new(cursor_row, col);
        }
    }

    /// The rename dialog: a new formula name for the metric; every formula
    /// that uses the old one follows.
    fn rename_dialog_ui(&mut self, ui: &mut Ui) {
        let Some((row, mut name)) = self.rename.take() else {
            return;
        };
        let label = self
            .doc
            .workbook
            .rows(self.view.sheet)
            .get(row as usize)
            .map(|r| r.label.clone())
            .unwrap_or_default();
        let mut keep_open = true;
        let mut commit = false;
        egui::Modal::new(egui::Id::unique("rename_dialog")).show(ui.ctx(), |ui| {
            ui.heading(format!("Rename “{label}”"));
            ui.label("Formulas that use the old name are rewritten.");
            let response = ui
                .add(egui::TextEdit::singleline(&mut name).desired_width(280.0))
                .accessible_name("New name");
            response.request_focus();
            if ui.input(|i| i.key_pressed(Key::Enter)) {
                commit = true;
            }
            ui.horizontal(|ui| {
                if ui.button("Rename").clicked() {
                    commit = true;
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    keep_open = false;
                }
            });
        });
        if commit {
            let command = crate::model::Command::RenameMetric {
                sheet: self.view.sheet,
                row,
                name: name.trim().to_string(),
            };
            if self.apply(vec![command], None) {
                self.view.status = format!("Renamed to `{}`", name.trim());
                return;
            }
        }
        if keep_open {
            self.rename = Some((row, name));
        }
    }

    /// Undoes the last edit.
    pub fn undo(&mut self) {
        self.view.editor = None;
        match self.doc.workbook.undo() {
            Some(ripple) => self.show_ripple(&ripple, None),
            None => self.view.status = "Nothing to undo".into(),
        }
    }

    /// Redoes the last undone edit.
    pub fn redo(&mut self) {
        self.view.editor = None;
        match self.doc.workbook.redo() {
            Some(ripple) => self.show_ripple(&ripple, None),
            None => self.view.status = "Nothing to redo".into(),
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }
}

/// The Rows menu (also the label cells' context menu); returns the choice.
pub fn row_menu_ui(ui: &mut Ui) -> Option<RowAction> {
    let mut chosen = None;
    for (label, shortcut, action) in [
        ("Insert row above", "Ctrl+Shift++", RowAction::InsertAbove),
        ("Insert row below", "", RowAction::InsertBelow),
        ("Insert section header", "", RowAction::InsertSection),
        ("Delete rows", "Ctrl+-", RowAction::Delete),
        ("Move up", "Alt+↑", RowAction::MoveUp),
        ("Move down", "Alt+↓", RowAction::MoveDown),
        ("Rename metric…", "", RowAction::Rename),
        ("Benchmark…", "", RowAction::Benchmark),
        ("Range…", "", RowAction::Range),
    ] {
        if ui
            .add(egui::Button::new(label).shortcut_text(shortcut))
            .clicked()
        {
            chosen = Some(action);
            ui.close();
        }
    }
    chosen
}

/// Runs the editor on `path`, or on the bundled sample.
pub fn run(path: Option<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 820.0])
            .with_title("Lever"),
        ..Default::default()
    };
    eframe::run_native(
        "Lever",
        options,
        Box::new(move |_cc| {
            Ok(Box::new(match path {
                Some(path) => App::open_path(path),
                None => {
                    let mut app = App::with_sample();
                    app.files.offer_untitled_recovery();
                    app
                }
            }))
        }),
    )
}

/// The cross-check's outcome in one coloured line, above the full report:
/// whether Lever computes every formula cell as Excel saved it.
fn cross_check_headline_ui(ui: &mut Ui, check: &crate::model::interop::CrossCheck) {
    let theme = Theme::for_visuals(ui.visuals());
    let (text, color) = if check.checked == 0 {
        (
            "Excel saved no values to compare with: check a few totals by hand.".to_string(),
            theme.muted_text,
        )
    } else if check.all_match() {
        (
            format!(
                "✔ Every formula cell Lever computes matches the value Excel saved ({} cells).",
                check.checked
            ),
            theme.up,
        )
    } else {
        (
            format!(
                "⚠ {} of {} formula cells compute differently from Excel: they are listed below.",
                check.differing, check.checked
            ),
            theme.error,
        )
    };
    ui.label(egui::RichText::new(text).color(color).strong());
}
