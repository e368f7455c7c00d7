//! The Import actuals dialog (File → Import actuals…): reads a CRM, BI or
//! accounting export, shows how its headers map to metrics (a header with
//! no match offers its near misses and a field for any metric), what would be
//! booked next to the plan, and every problem with its line. Nothing is
//! applied until the user accepts, and then as one undoable edit; the
//! mapping chosen is remembered in the model for next month.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::theme::Theme;
use crate::model::actuals::{self, Match, Preview, Table};
use crate::model::{Edit, Workbook, display, timeline};

/// Changes listed in the dialog (the rest are summed up).
const SHOWN_CHANGES: usize = 200;

/// What the dialog asks the editor to do.
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed without importing.
    Cancelled,
    /// Book these actuals.
    Apply(Edit),
}

/// The dialog's state.
pub struct ActualsDialog {
    /// The file read.
    pub path: PathBuf,
    table: Table,
    /// Headers mapped by the user in this dialog: (header, metric key).
    pub mapping: Vec<(String, String)>,
    /// What importing would do, or why the file cannot be read.
    pub preview: Result<Preview, String>,
    /// The closed period chosen (default: what the import would set).
    pub close: Option<u32>,
    /// What is typed in each unmatched header's metric field.
    typed: std::collections::HashMap<String, String>,
}

impl ActualsDialog {
    /// Reads `path` and previews it against the workbook.
    pub fn open(workbook: &mut Workbook, path: PathBuf) -> Result<ActualsDialog, String> {
        let table = actuals::read_table(&path)?;
        let mut dialog = ActualsDialog {
            path,
            table,
            mapping: Vec::new(),
            preview: Err(String::new()),
            close: None,
            typed: Default::default(),
        };
        dialog.refresh(workbook);
        Ok(dialog)
    }

    /// Previews again with the current mapping.
    pub fn refresh(&mut self, workbook: &mut Workbook) {
        self.preview = actuals::preview(workbook, &self.table, &self.mapping)
            .map(|p| actuals::with_plan_values(workbook, p));
    }

    /// Maps a header to a metric (as the dialog's choice does) and previews again.
    pub fn map(&mut self, workbook: &mut Workbook, header: &str, metric: &str) {
        self.mapping.retain(|(h, _)| h != header);
        self.mapping.push((header.to_string(), metric.to_string()));
        self.refresh(workbook);
    }

    /// The edit that books the preview, if it has no problems.
    pub fn edit(&self, workbook: &Workbook) -> Result<Edit, String> {
        let preview = self.preview.as_ref().map_err(Clone::clone)?;
        actuals::import_edit(workbook, preview, self.close)
    }

    /// Draws the dialog.
    pub fn ui(&mut self, ui: &mut Ui, workbook: &mut Workbook, theme: &Theme) -> Outcome {
        let mut outcome = Outcome::Open;
        let mut remap: Option<(String, String)> = None;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        egui::Modal::new(egui::Id::unique("actuals_dialog")).show(ui.ctx(), |ui| {
            ui.set_max_width(760.0);
            ui.heading(format!("Import actuals — {name}"));
            match &self.preview {
                Err(e) => {
                    ui.label(RichText::new(e).color(theme.error));
                }
                Ok(preview) => {
                    let shape = match preview.shape {
                        actuals::Shape::Long { .. } => "one value per line (metric, period, value)",
                        actuals::Shape::Wide { .. } => "a metric per row, months as columns",
                    };
                    ui.label(RichText::new(format!("Layout: {shape}")).color(theme.muted_text));
                    headers_ui(ui, workbook, preview, &mut self.typed, &mut remap);
                    ui.separator();
                    changes_ui(ui, workbook, preview);
                    if !preview.problems.is_empty() {
                        ui.separator();
                        ui.label(
                            RichText::new(format!(
                                "{} problem(s): nothing will be imported until they are fixed",
                                preview.problems.len()
                            ))
                            .color(theme.error)
                            .strong(),
                        );
                        egui::ScrollArea::vertical()
                            .id_salt("actuals_problems")
                            .max_height(120.0)
                            .show(ui, |ui| {
                                for p in &preview.problems {
                                    ui.label(
                                        RichText::new(format!("line {}: {}", p.line, p.text))
                                            .color(theme.error),
                                    );
                                }
                            });
                    }
                }
            }
            ui.separator();
            ui.horizontal(|ui| {
                let tl = workbook.document().timeline.clone();
                let default = self.preview.as_ref().ok().and_then(Preview::last_period);
                let chosen = self.close.or(default);
                egui::ComboBox::from_label("Close through")
                    .selected_text(chosen.map_or("—".into(), |p| timeline::period_label(&tl, p)))
                    .show_ui(ui, |ui| {
                        for p in 0..tl.periods {
                            if ui
                                .selectable_label(chosen == Some(p), timeline::period_label(&tl, p))
                                .clicked()
                            {
                                self.close = Some(p);
                            }
                        }
                    });
                let count = self.preview.as_ref().map_or(0, |p| p.changes.len());
                let ready = self
                    .preview
                    .as_ref()
                    .is_ok_and(|p| p.problems.is_empty() && !p.changes.is_empty());
                if ui
                    .add_enabled(ready, egui::Button::new(format!("Import {count} actuals")))
                    .clicked()
                {
                    match self.edit(workbook) {
                        Ok(edit) => outcome = Outcome::Apply(edit),
                        Err(e) => self.preview = Err(e),
                    }
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    outcome = Outcome::Cancelled;
                }
            });
        });
        if let Some((header, metric)) = remap {
            self.map(workbook, &header, &metric);
        }
        outcome
    }
}

/// The headers and their metrics. An unmatched header offers its near
/// misses as buttons and a field for any metric's name (a popup list would
/// sit under the modal dialog).
fn headers_ui(
    ui: &mut Ui,
    workbook: &Workbook,
    preview: &Preview,
    typed: &mut std::collections::HashMap<String, String>,
    remap: &mut Option<(String, String)>,
) {
    egui::Grid::new("actuals_headers")
        .striped(true)
        .show(ui, |ui| {
            ui.strong("In the file");
            ui.strong("Line");
            ui.strong("Metric");
            ui.end_row();
            for h in &preview.headers {
                let header = ui.label(&h.header);
                ui.label(h.line.to_string());
                match (&h.metric, &h.how) {
                    (Some(m), Match::Remembered) => {
                        ui.label(format!("{m} (mapping)"));
                    }
                    (Some(m), _) => {
                        ui.label(m);
                    }
                    (None, how) => {
                        ui.horizontal(|ui| {
                            if let Match::Unknown(near) = how {
                                for key in near {
                                    if ui
                                        .button(key)
                                        .on_hover_text(format!("Map “{}” to {key}", h.header))
                                        .clicked()
                                    {
                                        *remap = Some((h.header.clone(), key.clone()));
                                    }
                                }
                            }
                            let text = typed.entry(h.header.clone()).or_default();
                            let field = ui
                                .add(
                                    egui::TextEdit::singleline(text)
                                        .hint_text("metric name")
                                        .desired_width(140.0),
                                )
                                .labelled_by(header.id);
                            let known = workbook.find_metric(text.trim()).is_some();
                            let submitted =
                                field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                            if ui.add_enabled(known, egui::Button::new("Map")).clicked()
                                || (submitted && known)
                            {
                                *remap = Some((h.header.clone(), text.trim().to_string()));
                            }
                        });
                    }
                }
                ui.end_row();
            }
        });
}

/// What would be booked, next to the plan and what is booked now.
fn changes_ui(ui: &mut Ui, workbook: &Workbook, preview: &Preview) {
    let tl = &workbook.document().timeline;
    egui::ScrollArea::vertical()
        .id_salt("actuals_changes")
        .max_height(260.0)
        .show(ui, |ui| {
            egui::Grid::new("actuals_changes_grid")
                .striped(true)
                .show(ui, |ui| {
                    for title in ["Metric", "Period", "Plan", "Booked now", "Actual"] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for c in preview.changes.iter().take(SHOWN_CHANGES) {
                        let format = workbook.rows(c.sheet)[c.row as usize].format;
                        let show = |n: Option<f64>| {
                            n.map(|n| display::format_number(n, format))
                                .unwrap_or_default()
                        };
                        ui.label(&c.metric);
                        ui.label(timeline::period_label(tl, c.period));
                        ui.label(show(c.plan));
                        ui.label(show(c.before));
                        ui.label(show(Some(c.value)));
                        ui.end_row();
                    }
                });
            if preview.changes.len() > SHOWN_CHANGES {
                ui.label(format!(
                    "… and {} more",
                    preview.changes.len() - SHOWN_CHANGES
                ));
            }
        });
}
