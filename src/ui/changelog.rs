//! The changelog tool: the model's dated journal of business changes
//! (date, area, text, linked metrics). Entries are added, edited and
//! deleted as undoable edits; selecting one shows its linked metrics before
//! and after its date. Entries also show as markers on charts and in the
//! timeline header of the grid.

use egui::{RichText, Ui};

use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::document::ChangelogEntry;
use crate::model::{Command, Format, Workbook, changelog, display};

/// Periods averaged on each side of an entry's date.
pub const WINDOW: u32 = 3;

/// The entry being written or edited.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// product, marketing, sales, …
    pub area: String,
    /// What changed.
    pub text: String,
    /// Linked metric names, comma-separated.
    pub metrics: String,
}

impl Draft {
    fn of(entry: &ChangelogEntry) -> Draft {
        Draft {
            date: entry.date.clone(),
            area: entry.area.clone(),
            text: entry.text.clone(),
            metrics: entry.metrics.join(", "),
        }
    }

    fn entry(&self) -> ChangelogEntry {
        ChangelogEntry {
            date: self.date.trim().to_string(),
            area: self.area.trim().to_string(),
            text: self.text.trim().to_string(),
            metrics: self
                .metrics
                .split(',')
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .collect(),
        }
    }
}

/// The tool's state.
#[derive(Debug, Clone, Default)]
pub struct ChangelogTool {
    /// The selected entry.
    pub selected: Option<usize>,
    /// The form: a new entry, or the selected one being edited.
    pub draft: Draft,
    /// True while the form edits the selected entry (else it adds one).
    pub editing: bool,
    /// Why the form was not accepted.
    pub error: Option<String>,
}

impl ChangelogTool {
    /// Draws the tool; changes are sent as edits.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        sheet: u32,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        let entries = &workbook.document().changelog;
        if self.selected.is_some_and(|i| i >= entries.len()) {
            self.selected = None;
            self.editing = false;
        }
        ui.columns(2, |columns| {
            self.list_ui(&mut columns[0], entries, theme);
            self.detail_ui(&mut columns[1], workbook, sheet, theme, events);
        });
    }

    fn list_ui(&mut self, ui: &mut Ui, entries: &[ChangelogEntry], theme: &Theme) {
        egui::ScrollArea::vertical()
            .id_salt("changelog_list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if entries.is_empty() {
                    ui.label(
                        RichText::new("No entries yet: note what you changed and when.")
                            .color(theme.muted_text),
                    );
                }
                for (index, entry) in entries.iter().enumerate() {
                    let area = if entry.area.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", entry.area)
                    };
                    let text = format!("{}{area}  {}", entry.date, entry.text);
                    if ui
                        .selectable_label(self.selected == Some(index), text)
                        .on_hover_text(entry.metrics.join(", "))
                        .clicked()
                    {
                        self.selected = Some(index);
                        self.editing = false;
                    }
                }
            });
    }

    fn detail_ui(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        sheet: u32,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        let entries = &workbook.document().changelog;
        if let Some(index) = self.selected
            && !self.editing
        {
            let entry = &entries[index];
            ui.label(RichText::new(&entry.text).strong());
            match changelog::before_after(workbook, entry, WINDOW) {
                Ok(changes) => {
                    egui::Grid::new("changelog_before_after")
                        .striped(true)
                        .show(ui, |ui| {
                            for heading in ["Metric", "Before", "After", "Change"] {
                                ui.label(RichText::new(heading).strong());
                            }
                            ui.end_row();
                            for change in &changes {
                                let format = change
                                    .cell
                                    .and_then(|(s, r)| workbook.rows(s).get(r as usize))
                                    .map_or(Format::General, |r| r.format);
                                let show = |v: Option<f64>| {
                                    v.map_or("—".into(), |v| display::format_number(v, format))
                                };
                                let name = ui.selectable_label(false, &change.metric);
                                if name.clicked()
                                    && let Some((s, r)) = change.cell
                                    && s == sheet
                                {
                                    events.push(PanelEvent::SelectRow(r));
                                }
                                ui.label(show(change.before)).on_hover_text(format!(
                                    "average of the {} periods before",
                                    change.before_periods.len()
                                ));
                                ui.label(show(change.after)).on_hover_text(format!(
                                    "average of the {} periods from the change",
                                    change.after_periods.len()
                                ));
                                let colour = match change.change {
                                    Some(c) if c > 0.0 => theme.up,
                                    Some(c) if c < 0.0 => theme.down,
                                    _ => theme.muted_text,
                                };
                                ui.label(
                                    RichText::new(
                                        change.change.map_or("—".into(), |c| {
                                            format!("{:+.1}%", c * 100.0)
                                        }),
                                    )
                                    .color(colour),
                                );
                                ui.end_row();
                            }
                        });
                }
                Err(message) => {
                    ui.label(RichText::new(message).color(theme.error));
                }
            }
            ui.horizontal(|ui| {
                if ui.button("Edit").clicked() {
                    self.draft = Draft::of(entry);
                    self.editing = true;
                }
                if ui.button("Delete entry").clicked() {
                    events.push(PanelEvent::Apply(vec![Command::DeleteChangelogEntry {
                        index: index as u32,
                    }]));
                    self.selected = None;
                }
                if ui.button("New entry").clicked() {
                    self.selected = None;
                    self.draft = Draft::default();
                }
            });
            return;
        }
        ui.label(
            RichText::new(if self.editing {
                "Edit the entry"
            } else {
                "New entry"
            })
            .strong(),
        );
        egui::Grid::new("changelog_form")
            .num_columns(2)
            .show(ui, |ui| {
                for (label, text, hint) in [
                    ("Date", &mut self.draft.date, "2026-05-04"),
                    ("Area", &mut self.draft.area, "product, marketing, sales…"),
                    ("What changed", &mut self.draft.text, "New opening script"),
                    (
                        "Metrics",
                        &mut self.draft.metrics,
                        "contact_to_qualified, paid",
                    ),
                ] {
                    let name = ui.label(label);
                    ui.add(
                        egui::TextEdit::singleline(text)
                            .hint_text(hint)
                            .desired_width(260.0),
                    )
                    .labelled_by(name.id);
                    ui.end_row();
                }
            });
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(theme.error));
        }
        ui.horizontal(|ui| {
            let entry = self.draft.entry();
            let check = || {
                if !crate::model::command::valid_date(&entry.date) {
                    Err(format!(
                        "the date `{}` is not a day like 2026-05-04",
                        entry.date
                    ))
                } else if entry.text.is_empty() {
                    Err("say what changed".to_string())
                } else {
                    Ok(())
                }
            };
            if self.editing {
                if ui.button("Save entry").clicked()
                    && let Some(index) = self.selected
                {
                    if let Err(e) = check() {
                        self.error = Some(e);
                        return;
                    }
                    self.error = None;
                    events.push(PanelEvent::Apply(vec![Command::SetChangelogEntry {
                        index: index as u32,
                        entry,
                    }]));
                    self.editing = false;
                }
                if ui.button("Cancel").clicked() {
                    self.editing = false;
                }
            } else if ui.button("Add entry").clicked() {
                if let Err(e) = check() {
                    self.error = Some(e);
                    return;
                }
                self.error = None;
                // Entries stay in date order.
                let index = entries
                    .iter()
                    .position(|e| e.date > entry.date)
                    .unwrap_or(entries.len());
                events.push(PanelEvent::Apply(vec![Command::AddChangelogEntry {
                    index: index as u32,
                    entry,
                }]));
                self.draft = Draft::default();
            }
        });
    }
}
