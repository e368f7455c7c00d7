//! The Waterfall tab: why a target differs between two states — the plan
//! and the actuals, a frozen plan and the forecast, the base model and a
//! scenario, an earlier version of the file and this one. The difference is split into one contribution per input that
//! differs (sequential substitution in dependency order, see
//! [`crate::model::waterfall`]) and drawn as a waterfall from one state's
//! value to the other's, next to a table. Clicking a driver selects its row.
//! It recomputes by itself when the model changes (a walk costs a few dozen
//! milliseconds on the sample).

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::variance::Basis;
use crate::model::waterfall::{self, Waterfall};
use crate::model::{Workbook, display, scenario, what_if};

/// The tool's settings and last result.
#[derive(Debug, Default)]
pub struct WaterfallTool {
    /// The target as typed: `net_revenue@Apr 2026`, `ebitda@total`.
    pub target: String,
    /// The chosen comparison.
    pub basis: Option<Basis>,
    /// The last result.
    pub result: Option<Waterfall>,
    /// Why the last run failed.
    pub error: Option<String>,
    /// An earlier version of the model (File name, the version), loaded
    /// with *Earlier version…*; while `against_earlier` is set the
    /// waterfall runs from it to the model as it stands.
    pub earlier: Option<(String, Workbook)>,
    /// Compare with `earlier` instead of `basis`.
    pub against_earlier: bool,
    /// One driver per metric and period instead of one per metric.
    pub by_period: bool,
    /// What the result was computed for.
    computed_for: Option<RunKey>,
}

/// What a result depends on: the model's state, the scenario shown,
/// whether actuals are shown, the target text and the comparison.
type RunKey = (u64, Option<usize>, bool, String, Option<Basis>, bool, bool);

/// The comparisons the workbook offers, with their names.
pub fn choices(workbook: &Workbook) -> Vec<(String, Basis)> {
    let mut out = Vec::new();
    if workbook.document().actuals.is_some() {
        out.push(("Plan → actuals".to_string(), Basis::Actuals));
    }
    for (i, plan) in workbook.document().plans.iter().enumerate() {
        out.push((format!("{} → forecast", plan.name), Basis::Plan(i)));
    }
    for (i, s) in workbook.scenarios().iter().enumerate() {
        out.push((
            format!("{} → {}", scenario::BASE, s.name),
            Basis::Scenario(Some(i)),
        ));
    }
    out
}

impl WaterfallTool {
    /// The comparison in use: the chosen one if the workbook still offers
    /// it, else the first offered.
    pub fn basis(&self, workbook: &Workbook) -> Option<Basis> {
        let offered = choices(workbook);
        self.basis
            .filter(|b| offered.iter().any(|(_, o)| o == b))
            .or_else(|| offered.first().map(|(_, b)| *b))
    }

    /// Loads an earlier version of the model (a `.ron` file) and compares
    /// with it; a file that cannot be read is an error.
    pub fn load_earlier(
        &mut self,
        workbook: &mut Workbook,
        path: &std::path::Path,
    ) -> Result<(), String> {
        let earlier = Workbook::load(path).map_err(|e| e.to_string())?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.earlier = Some((name, earlier));
        self.against_earlier = true;
        self.run(workbook);
        Ok(())
    }

    fn key(&self, workbook: &Workbook) -> RunKey {
        (
            workbook.state_id(),
            workbook.active_scenario(),
            workbook.actuals_shown(),
            self.target.clone(),
            self.basis(workbook),
            self.against_earlier,
            self.by_period,
        )
    }

    /// Explains the target now.
    pub fn run(&mut self, workbook: &mut Workbook) {
        let basis = self.basis(workbook);
        self.computed_for = Some(self.key(workbook));
        if let (true, Some((_, earlier))) = (self.against_earlier, &self.earlier) {
            let outcome = what_if::parse_target(workbook, &self.target)
                .and_then(|target| waterfall::explain_versions(earlier, workbook, target));
            self.show(outcome);
            return;
        }
        let Some(basis) = basis else {
            self.result = None;
            self.error = Some(
                "nothing to compare: import actuals (File → Import actuals…), freeze a plan or add a scenario"
                    .into(),
            );
            return;
        };
        let by_period = self.by_period;
        let outcome = what_if::parse_target(workbook, &self.target)
            .and_then(|target| waterfall::explain_by(workbook, target, basis, by_period));
        self.show(outcome);
    }

    fn show(&mut self, outcome: Result<Waterfall, String>) {
        match outcome {
            Ok(result) => {
                self.result = Some(result);
                self.error = None;
            }
            Err(e) => {
                self.result = None;
                self.error = Some(e);
            }
        }
    }

    /// Draws the tab.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        let mut rerun = false;
        ui.horizontal(|ui| {
            ui.label("Target");
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.target)
                    .desired_width(220.0)
                    .hint_text("net_revenue@Apr 2026"),
            );
            if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                rerun = true;
            }
            let offered = choices(workbook);
            let current = self.basis(workbook);
            let earlier_name = self
                .earlier
                .as_ref()
                .map(|(name, _)| format!("{name} → this file"));
            let shown = match (&earlier_name, self.against_earlier) {
                (Some(name), true) => name.clone(),
                _ => offered
                    .iter()
                    .find(|(_, b)| Some(*b) == current)
                    .map_or("—".to_string(), |(name, _)| name.clone()),
            };
            let against = ui.label("Against");
            let combo = egui::ComboBox::from_id_salt("waterfall_basis")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for (name, basis) in &offered {
                        let chosen = !self.against_earlier && current == Some(*basis);
                        if ui.selectable_label(chosen, name).clicked() {
                            self.basis = Some(*basis);
                            self.against_earlier = false;
                            rerun = true;
                        }
                    }
                    if let Some(name) = &earlier_name
                        && ui.selectable_label(self.against_earlier, name).clicked()
                    {
                        self.against_earlier = true;
                        rerun = true;
                    }
                });
            combo.response.labelled_by(against.id);
            if ui
                .button("Earlier version…")
                .on_hover_text("Compare with another version of this model (a .ron file)")
                .clicked()
                && let Some(path) = rfd::FileDialog::new()
                    .add_filter("Lever model", &["ron"])
                    .pick_file()
                && let Err(e) = self.load_earlier(workbook, &path)
            {
                self.error = Some(e);
            }
            if ui
                .add_enabled(
                    !self.against_earlier,
                    egui::Checkbox::new(&mut self.by_period, "By month"),
                )
                .on_hover_text("One bar per metric and month (visits, April) instead of per metric")
                .changed()
            {
                rerun = true;
            }
            if ui.button("Explain").clicked() {
                rerun = true;
            }
        });
        let state = self.key(workbook);
        if rerun || (self.computed_for.is_some() && self.computed_for.as_ref() != Some(&state)) {
            self.run(workbook);
        }
        if let Some(error) = &self.error {
            ui.colored_label(theme.error, error);
            return;
        }
        let Some(result) = &self.result else {
            ui.label("Type a target (metric@period or metric@total) and press Explain.");
            return;
        };
        let Ok(target) = what_if::parse_target(workbook, &self.target) else {
            return;
        };
        let (sheet, row) = target.cell_row();
        let format = workbook.rows(sheet)[row as usize].format;
        let value = |n: f64| display::format_number(n, format);
        let share = |n: f64| {
            if result.from == 0.0 {
                String::new()
            } else {
                format!(" ({:+.1}%)", n / result.from.abs() * 100.0)
            }
        };
        let label = &workbook.rows(sheet)[row as usize].label;
        ui.label(
            RichText::new(format!(
                "{label}: {} {} → {} {}: {}{}",
                result.names.0,
                value(result.from),
                result.names.1,
                value(result.to),
                value(result.total()),
                share(result.total())
            ))
            .strong(),
        );
        ui.label(
            RichText::new(
                "Drivers in dependency order, upstream first; each moves the target from where the ones before left it, so they add up to the whole difference.",
            )
            .small()
            .color(theme.muted_text),
        );
        ui.columns(2, |columns| {
            waterfall_chart(&mut columns[0], result, format, None, theme);
            driver_table(&mut columns[1], workbook, result, &value, &share, events);
        });
    }
}

/// The waterfall: the reference value, a floating bar per driver, the
/// other state's value, and a dashed line at `goal` if given. The axis
/// starts near the lowest level reached, not at 0, so that drivers small
/// against the totals still show.
pub(super) fn waterfall_chart(
    ui: &mut Ui,
    result: &Waterfall,
    format: crate::model::Format,
    goal: Option<f64>,
    theme: &Theme,
) {
    let mut levels = vec![result.from];
    let mut level = result.from;
    for d in &result.drivers {
        level += d.contribution;
        levels.push(level);
    }
    levels.push(result.to);
    levels.extend(goal);
    let lo = levels.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.25).max(hi.abs().max(lo.abs()) * 1e-6);
    let floor = if lo >= 0.0 && lo - pad < 0.0 {
        0.0
    } else {
        lo - pad
    };
    let mut bars = vec![
        Bar::new(0.0, result.from - floor)
            .base_offset(floor)
            .name(result.names.0.clone())
            .fill(theme.muted_text),
    ];
    let mut names = vec![result.names.0.clone()];
    let mut level = result.from;
    for (i, d) in result.drivers.iter().enumerate() {
        let colour = if d.contribution >= 0.0 {
            theme.up
        } else {
            theme.down
        };
        bars.push(
            Bar::new((i + 1) as f64, d.contribution)
                .base_offset(level)
                .name(d.label.clone())
                .fill(colour),
        );
        names.push(if d.label.is_empty() {
            d.name.clone()
        } else {
            d.label.clone()
        });
        level += d.contribution;
    }
    bars.push(
        Bar::new((result.drivers.len() + 1) as f64, result.to - floor)
            .base_offset(floor)
            .name(result.names.1.clone())
            .fill(theme.muted_text),
    );
    names.push(result.names.1.clone());
    Plot::new("waterfall_plot")
        .height(ui.available_height().clamp(160.0, 320.0))
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .show_x(false)
        .include_y(floor)
        .include_y(hi + pad * 0.5)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .y_axis_formatter(move |mark, _| super::grid::compact(mark.value, format))
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-9 || i < 0.0 {
                return String::new();
            }
            names
                .get(i as usize)
                .map(|n| n.chars().take(14).collect())
                .unwrap_or_default()
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(
                "waterfall",
                bars.into_iter().map(|b| b.width(0.7)).collect(),
            ));
            if let Some(goal) = goal {
                plot.hline(
                    egui_plot::HLine::new("goal", goal)
                        .color(theme.down)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        });
}

/// The drivers as a table; clicking one selects its row.
fn driver_table(
    ui: &mut Ui,
    workbook: &Workbook,
    result: &Waterfall,
    value: &dyn Fn(f64) -> String,
    share: &dyn Fn(f64) -> String,
    events: &mut Vec<PanelEvent>,
) {
    egui::ScrollArea::vertical()
        .id_salt("waterfall_table")
        .show(ui, |ui| {
            egui::Grid::new("waterfall_grid")
                .striped(true)
                .show(ui, |ui| {
                    ui.strong("Driver");
                    ui.strong(&result.names.0);
                    ui.strong(&result.names.1);
                    ui.strong("Contribution");
                    ui.end_row();
                    for d in &result.drivers {
                        let (from, to) = match d.cell_row {
                            Some((s, r)) => {
                                let format = workbook.rows(s)[r as usize].format;
                                let show = |n: Option<f64>| {
                                    n.map(|n| display::format_number(n, format))
                                        .unwrap_or_default()
                                };
                                (show(d.from), show(d.to))
                            }
                            None => (String::new(), String::new()),
                        };
                        let name = if d.label.is_empty() {
                            &d.name
                        } else {
                            &d.label
                        };
                        let link = ui.link(name);
                        if link.clicked()
                            && let Some((_, r)) = d.cell_row
                        {
                            events.push(PanelEvent::SelectRow(r));
                        }
                        ui.label(from);
                        ui.label(to);
                        ui.label(format!(
                            "{}{}",
                            value(d.contribution),
                            share(d.contribution)
                        ));
                        ui.end_row();
                    }
                    ui.strong("Total");
                    ui.label("");
                    ui.label("");
                    ui.strong(format!(
                        "{}{}",
                        value(result.total()),
                        share(result.total())
                    ));
                    ui.end_row();
                });
        });
}
