//! The scenario tool: the scenario switcher shown in the menu bar, and a tab
//! to create, rename, annotate and delete scenarios and to compare chosen
//! metrics across them side by side (total and selected period, with
//! absolute and % differences against the first scenario compared).

use egui::{RichText, Ui};

use super::grid::compact;
use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::document::Scenario;
use crate::model::scenario::{self, Comparison};
use crate::model::{Command, Workbook, display, timeline};

/// The tab's state.
#[derive(Debug, Clone, Default)]
pub struct ScenarioTool {
    /// Name typed for a new scenario.
    pub new_name: String,
    /// Start the new scenario from the active one's overrides.
    pub copy_active: bool,
    /// Names being edited, per scenario index.
    names: Vec<String>,
    /// Compared metrics as (sheet, row).
    pub metrics: Vec<(u32, u32)>,
    /// Scenarios left out of the comparison (`None` = base).
    pub excluded: Vec<Option<usize>>,
    /// The last comparison and the state it was computed for.
    comparison: Option<(u64, Option<usize>, Comparison)>,
    /// Why the last comparison or command failed.
    pub error: Option<String>,
}

/// The scenario switcher: a combo box of base + scenarios. Choosing one is
/// reported as [`PanelEvent::SetScenario`].
pub fn switcher_ui(ui: &mut Ui, workbook: &Workbook, events: &mut Vec<PanelEvent>) {
    let active = workbook.active_scenario();
    let mut chosen = active;
    egui::ComboBox::from_label("Scenario")
        .selected_text(scenario::name(workbook, active))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, scenario::BASE);
            for (index, s) in workbook.scenarios().iter().enumerate() {
                ui.selectable_value(&mut chosen, Some(index), &s.name)
                    .on_hover_text(&s.note);
            }
        })
        .response
        .on_hover_text(
            "The scenario shown. Inputs typed while a scenario is shown go into \
             that scenario; base edits the model itself.",
        );
    if chosen != active {
        events.push(PanelEvent::SetScenario(chosen));
    }
}

impl ScenarioTool {
    /// Adds a metric to the comparison.
    pub fn add_metric(&mut self, workbook: &Workbook, sheet: u32, row: u32) {
        if !workbook.metric_name(sheet, row).is_empty() && !self.metrics.contains(&(sheet, row)) {
            self.metrics.push((sheet, row));
            self.comparison = None;
        }
    }

    /// The comparison last shown, if any.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref().map(|(_, _, c)| c)
    }

    /// Draws the tab. Changes to scenarios are sent as edits.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        cursor: (u32, u32, Option<u32>),
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        ui.columns(2, |columns| {
            self.list_ui(&mut columns[0], workbook, theme, events);
            self.compare_ui(&mut columns[1], workbook, cursor, theme);
        });
    }

    /// The scenario list: switch, rename, note, delete; and "new".
    fn list_ui(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        let scenarios = workbook.scenarios();
        self.names.resize(scenarios.len(), String::new());
        let active = workbook.active_scenario();
        egui::ScrollArea::vertical()
            .id_salt("scenario_list")
            .max_height(ui.available_height() - 40.0)
            .show(ui, |ui| {
                egui::Grid::new("scenario_grid")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        if ui.radio(active.is_none(), scenario::BASE).clicked() {
                            events.push(PanelEvent::SetScenario(None));
                        }
                        ui.label(RichText::new("the model itself").color(theme.muted_text));
                        ui.end_row();
                        for (index, s) in scenarios.iter().enumerate() {
                            if ui
                                .radio(active == Some(index), "")
                                .on_hover_text("Show this scenario")
                                .clicked()
                            {
                                events.push(PanelEvent::SetScenario(Some(index)));
                            }
                            let name = &mut self.names[index];
                            if name.is_empty() {
                                *name = s.name.clone();
                            }
                            let response = ui.add(
                                egui::TextEdit::singleline(name)
                                    .hint_text("Scenario name")
                                    .desired_width(130.0)
                                    .id_salt(("scenario_name", index)),
                            );
                            if response.lost_focus() && *name != s.name {
                                events.push(PanelEvent::Apply(vec![Command::RenameScenario {
                                    index,
                                    name: name.trim().to_string(),
                                }]));
                                *name = String::new();
                            }
                            let overridden: usize =
                                s.overrides.iter().map(|o| o.values.len()).sum();
                            ui.label(
                                RichText::new(format!(
                                    "{} metrics · {overridden} cells",
                                    s.overrides.len()
                                ))
                                .color(theme.muted_text),
                            )
                            .on_hover_text(if s.note.is_empty() {
                                "No note"
                            } else {
                                &s.note
                            });
                            if ui
                                .small_button("Delete")
                                .on_hover_text(format!("Delete the scenario “{}”", s.name))
                                .clicked()
                            {
                                events.push(PanelEvent::Apply(vec![Command::DeleteScenario {
                                    index,
                                }]));
                                self.names.clear();
                            }
                            ui.end_row();
                        }
                    });
            });
        ui.horizontal(|ui| {
            let label = ui.label("New scenario");
            ui.add(
                egui::TextEdit::singleline(&mut self.new_name)
                    .hint_text("name")
                    .desired_width(150.0),
            )
            .labelled_by(label.id);
            ui.checkbox(&mut self.copy_active, "copy the shown one");
            if ui.button("Add scenario").clicked() {
                let overrides = match (self.copy_active, active) {
                    (true, Some(index)) => scenarios[index].overrides.clone(),
                    _ => Vec::new(),
                };
                events.push(PanelEvent::Apply(vec![Command::AddScenario {
                    index: scenarios.len(),
                    scenario: Scenario {
                        name: self.new_name.trim().to_string(),
                        note: String::new(),
                        overrides,
                    },
                }]));
                self.new_name.clear();
            }
        });
    }

    /// The comparison of chosen metrics across the scenarios.
    fn compare_ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        cursor: (u32, u32, Option<u32>),
        theme: &Theme,
    ) {
        let (sheet, row, period) = cursor;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Compare").strong());
            if ui.button("+ Add selected metric").clicked() {
                self.add_metric(workbook, sheet, row);
            }
            let mut remove = None;
            for (index, &(s, r)) in self.metrics.iter().enumerate() {
                if ui
                    .small_button(format!("{} ✕", workbook.metric_name(s, r)))
                    .clicked()
                {
                    remove = Some(index);
                }
            }
            if let Some(index) = remove {
                self.metrics.remove(index);
                self.comparison = None;
            }
        });
        let choices: Vec<Option<usize>> = std::iter::once(None)
            .chain((0..workbook.scenarios().len()).map(Some))
            .collect();
        ui.horizontal_wrapped(|ui| {
            for &choice in &choices {
                let mut included = !self.excluded.contains(&choice);
                if ui
                    .checkbox(&mut included, scenario::name(workbook, choice))
                    .changed()
                {
                    if included {
                        self.excluded.retain(|c| *c != choice);
                    } else {
                        self.excluded.push(choice);
                    }
                    self.comparison = None;
                }
            }
        });
        self.metrics
            .retain(|&(s, r)| !workbook.metric_name(s, r).is_empty());
        if self.metrics.is_empty() {
            ui.label(
                RichText::new("Select a metric row and press “Add selected metric”.")
                    .color(theme.muted_text),
            );
            return;
        }
        let chosen: Vec<Option<usize>> = choices
            .into_iter()
            .filter(|c| !self.excluded.contains(c))
            .collect();
        let key = (workbook.state_id(), workbook.active_scenario());
        let fresh = self
            .comparison
            .as_ref()
            .is_some_and(|(state, active, c)| (*state, *active) == key && c.scenarios == chosen);
        if !fresh {
            match scenario::compare(workbook, &chosen, &self.metrics) {
                Ok(c) => {
                    self.comparison = Some((key.0, key.1, c));
                    self.error = None;
                }
                Err(e) => {
                    self.comparison = None;
                    self.error = Some(e);
                }
            }
        }
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(theme.error));
        }
        let Some((_, _, comparison)) = &self.comparison else {
            return;
        };
        let period_label = period.map(|p| timeline::period_label(&workbook.document().timeline, p));
        egui::ScrollArea::both()
            .id_salt("scenario_compare")
            .show(ui, |ui| {
                egui::Grid::new("compare_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        let mut headings = vec!["Metric", "Scenario", "Total", "Δ", "Δ %"];
                        if let Some(label) = &period_label {
                            headings.push(label);
                            headings.push("Δ %");
                        }
                        for heading in headings {
                            ui.label(RichText::new(heading).strong());
                        }
                        ui.end_row();
                        let pct = |p: Option<f64>| {
                            p.map_or("—".to_string(), |p| format!("{:+.1}%", p * 100.0))
                        };
                        for metric in &comparison.metrics {
                            for (index, column) in metric.columns.iter().enumerate() {
                                ui.label(if index == 0 { metric.name.as_str() } else { "" });
                                ui.label(&comparison.names[index]);
                                ui.label(display::format_number(column.total, metric.format));
                                let colour = if column.total_diff >= 0.0 {
                                    theme.up
                                } else {
                                    theme.down
                                };
                                if index == 0 {
                                    ui.label("");
                                    ui.label("");
                                } else {
                                    ui.label(
                                        RichText::new(compact(column.total_diff, metric.format))
                                            .color(colour),
                                    );
                                    ui.label(RichText::new(pct(column.total_pct)).color(colour));
                                }
                                if let Some(p) = period {
                                    let value = column.values.get(p as usize);
                                    ui.label(value.map_or(String::new(), |v| {
                                        display::format_value(v, metric.format)
                                    }));
                                    ui.label(if index == 0 {
                                        String::new()
                                    } else {
                                        pct(column.pct.get(p as usize).copied().flatten())
                                    });
                                }
                                ui.end_row();
                            }
                        }
                    });
            });
    }
}
