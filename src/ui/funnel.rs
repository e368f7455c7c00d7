//! The funnel tool: a funnel declared in the model (lead → contact → … →
//! paid) over a chosen range of periods — each stage's count as a bar, the
//! stage-to-stage conversions against their benchmarks, the biggest drop,
//! what +1 pp at each step brings, how many pp at one step equal +1 pp at
//! another, and the steps ranked by what reaching the market would bring
//! ("cheapest lever first"). Clicking a stage or step selects its metric.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use super::grid::compact;
use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::document::Funnel;
use crate::model::funnel::{self, FunnelReport, GainMethod};
use crate::model::{Command, Format, Workbook, display};

/// The tool's settings and last report.
#[derive(Debug, Clone, Default)]
pub struct FunnelTool {
    /// The funnel shown (by name).
    pub funnel: String,
    /// The periods as typed: `total`, `Mar 2026`, `2026`, `Q1 2026`, `1..6`.
    pub periods: String,
    /// The last report.
    report: Option<FunnelReport>,
    /// What the last report (or error) was computed for: model state,
    /// scenario shown, funnel and periods.
    computed_for: Option<(u64, Option<usize>, String, String)>,
    /// Why the last report failed.
    pub error: Option<String>,
    /// The name typed for a new funnel.
    pub new_name: String,
}

impl FunnelTool {
    /// The report shown, if any.
    pub fn report(&self) -> Option<&FunnelReport> {
        self.report.as_ref()
    }

    /// Recomputes the report if the model, the funnel or the periods changed.
    fn refresh(&mut self, workbook: &mut Workbook) {
        let key = (
            workbook.state_id(),
            workbook.active_scenario(),
            self.funnel.clone(),
            self.periods.clone(),
        );
        if self.computed_for.as_ref() == Some(&key) {
            return;
        }
        let outcome = funnel::parse_periods(workbook, &self.periods)
            .and_then(|range| funnel::report(workbook, &self.funnel, range));
        self.computed_for = Some(key);
        match outcome {
            Ok(report) => {
                self.report = Some(report);
                self.error = None;
            }
            Err(message) => {
                self.report = None;
                self.error = Some(message);
            }
        }
    }

    /// Draws the tool.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        at: super::analysis::Selection,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        let sheet = at.sheet;
        if self.new_funnel_ui(ui, workbook, at, theme, events) {
            // The new funnel is in the file from the next frame.
            return;
        }
        let names = funnel::names(workbook);
        if names.is_empty() {
            ui.label(
                RichText::new(
                    "This model has no funnel yet. Select its count rows in the grid \
                     (leads, contacts, …, paid), name it and press “Mark as funnel”.",
                )
                .color(theme.muted_text),
            );
            return;
        }
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&self.funnel)) {
            self.funnel = names[0].clone();
        }
        if self.periods.trim().is_empty() {
            self.periods = "total".into();
        }
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("Funnel")
                .selected_text(&self.funnel)
                .show_ui(ui, |ui| {
                    for name in &names {
                        ui.selectable_value(&mut self.funnel, name.clone(), name);
                    }
                });
            let label = ui.label("Periods");
            ui.add(
                egui::TextEdit::singleline(&mut self.periods)
                    .hint_text("total, Mar 2026, 2026, Q1 2026 or 1..6")
                    .desired_width(150.0),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "total, a period (Mar 2026), a year (2026), a quarter (Q1 2026) or a range (1..6)",
            );
        });
        self.refresh(workbook);
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(theme.error));
            return;
        }
        let Some(report) = &self.report else {
            return;
        };
        let money_format = Format::Money(0);
        let mut headline = format!(
            "{} · {}: end to end {}",
            report.name,
            report.period_label,
            report
                .end_to_end
                .map_or("—".into(), |c| display::format_number(
                    c,
                    Format::Percent(2)
                ))
        );
        if let Some(money) = report.money {
            headline.push_str(&format!(
                " · {}",
                display::format_number(money, money_format)
            ));
        }
        if let Some(drop) = report.biggest_drop {
            headline.push_str(&format!(
                " · biggest drop: {} → {}",
                report.stages[drop].label,
                report.stages[drop + 1].label
            ));
        }
        ui.label(RichText::new(headline).strong());
        let mut chosen = None;
        ui.horizontal_top(|ui| {
            let width = (ui.available_width() * 0.3).max(220.0);
            ui.allocate_ui(egui::vec2(width, ui.available_height()), |ui| {
                stage_chart(ui, report);
            });
            ui.vertical(|ui| {
                egui::ScrollArea::both()
                    .id_salt("funnel_scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        chosen = steps_table(ui, report, theme);
                        ui.add_space(8.0);
                        equivalence_table(ui, report, theme);
                        ui.add_space(8.0);
                        ranking_list(ui, report);
                    });
            });
        });
        if let Some((s, row)) = chosen
            && s == sheet
        {
            events.push(PanelEvent::SelectRow(row));
        }
    }
}

impl FunnelTool {
    /// "Mark the selected rows as a funnel", and "Delete this funnel";
    /// true when a funnel was just created.
    fn new_funnel_ui(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        at: super::analysis::Selection,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) -> bool {
        let mut created = false;
        let stages: Vec<String> = (at.rows.0..=at.rows.1)
            .filter(|&row| {
                workbook
                    .rows(at.sheet)
                    .get(row as usize)
                    .is_some_and(|r| r.section.is_empty())
            })
            .map(|row| workbook.metric_name(at.sheet, row).to_string())
            .filter(|name| !name.is_empty())
            .map(|name| {
                if at.sheet == 0 {
                    name
                } else {
                    format!(
                        "{}!{name}",
                        workbook.document().sheets[at.sheet as usize].name
                    )
                }
            })
            .collect();
        ui.horizontal(|ui| {
            let label = ui.label("New funnel");
            ui.add(
                egui::TextEdit::singleline(&mut self.new_name)
                    .hint_text("name")
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
            let ready = stages.len() >= 2 && !self.new_name.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new("Mark as funnel"))
                .on_hover_text(format!("Stages: {}", stages.join(" → ")))
                .on_disabled_hover_text(
                    "Select two or more count rows in the grid and name the funnel",
                )
                .clicked()
            {
                let name = self.new_name.trim().to_string();
                let mut funnels = workbook.document().funnels.clone();
                funnels.retain(|f| !f.name.eq_ignore_ascii_case(&name));
                funnels.push(Funnel {
                    name: name.clone(),
                    stages: stages.clone(),
                    conversions: Vec::new(),
                    value: String::new(),
                });
                events.push(PanelEvent::Apply(vec![Command::SetFunnels { funnels }]));
                self.funnel = name;
                self.new_name.clear();
                created = true;
            }
            ui.label(
                RichText::new(format!("{} rows selected", stages.len())).color(theme.muted_text),
            );
            if !self.funnel.is_empty()
                && workbook
                    .document()
                    .funnels
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(&self.funnel))
                && ui.button("Delete this funnel").clicked()
            {
                let mut funnels = workbook.document().funnels.clone();
                funnels.retain(|f| !f.name.eq_ignore_ascii_case(&self.funnel));
                events.push(PanelEvent::Apply(vec![Command::SetFunnels { funnels }]));
            }
        });
        created
    }
}

/// Stage counts as bars, widest at the top.
fn stage_chart(ui: &mut Ui, report: &FunnelReport) {
    let n = report.stages.len();
    let bars: Vec<Bar> = report
        .stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            Bar::new((n - 1 - i) as f64, stage.count)
                .name(format!(
                    "{}: {}",
                    stage.label,
                    compact(stage.count, Format::Integer)
                ))
                .width(0.7)
        })
        .collect();
    let labels: Vec<egui_plot::Text> = report
        .stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            egui_plot::Text::new(
                "",
                egui_plot::PlotPoint::new(0.0, (n - 1 - i) as f64),
                RichText::new(format!(" {}", stage.label)).size(11.0),
            )
            .anchor(egui::Align2::LEFT_CENTER)
        })
        .collect();
    Plot::new("funnel_stages")
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_y(false)
        .show_axes([true, false])
        .y_grid_spacer(|_| Vec::new())
        .x_axis_formatter(|mark, _| compact(mark.value, Format::Integer))
        .include_x(0.0)
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("stages", bars)
                    .horizontal()
                    .color(super::tornado::LOW_COLOUR),
            );
            for label in labels {
                plot.text(label);
            }
        });
}

/// Stages and steps; returns the metric of a clicked stage or step.
fn steps_table(ui: &mut Ui, report: &FunnelReport, theme: &Theme) -> Option<(u32, u32)> {
    let mut chosen = None;
    let per_period = report.periods.len().max(1) as f64;
    let last = report
        .stages
        .last()
        .map_or(String::new(), |s| s.label.to_lowercase());
    egui::Grid::new("funnel_steps")
        .striped(true)
        .show(ui, |ui| {
            for heading in [
                "Stage",
                "Count per period",
                "Conversion",
                "Lost",
                "Market",
                "+1 pp here, per period",
                "To market, per period",
            ] {
                ui.label(RichText::new(heading).strong());
            }
            ui.end_row();
            for (i, stage) in report.stages.iter().enumerate() {
                if ui
                    .selectable_label(false, &stage.label)
                    .on_hover_text(format!("`{}`: click to select it", stage.name))
                    .clicked()
                {
                    chosen = Some((stage.sheet, stage.row));
                }
                ui.label(display::format_number(
                    stage.count / per_period,
                    Format::Integer,
                ))
                .on_hover_text("per period, on average over the range");
                let Some(step) = report.steps.get(i) else {
                    ui.end_row();
                    continue;
                };
                let drop = report.biggest_drop == Some(i);
                let conversion = step.conversion.map_or("—".into(), |c| {
                    display::format_number(c, Format::Percent(1))
                });
                let conversion = format!("→ {conversion}");
                let text = if drop {
                    RichText::new(format!("{conversion}  ▼ biggest drop")).color(theme.error)
                } else {
                    RichText::new(conversion)
                };
                let response = ui.selectable_label(false, text);
                if let Some((s, r, name)) = &step.metric
                    && response
                        .on_hover_text(format!("`{name}`: click to select it"))
                        .clicked()
                {
                    chosen = Some((*s, *r));
                }
                ui.label(display::format_number(
                    step.lost / per_period,
                    Format::Integer,
                ));
                match &step.benchmark {
                    Some(verdict) => {
                        egui::Frame::NONE
                            .fill(theme.benchmark(verdict.standing))
                            .inner_margin(egui::Margin::symmetric(4, 1))
                            .show(ui, |ui| {
                                ui.label(RichText::new(verdict_word(verdict)).color(theme.text))
                                    .on_hover_text(&verdict.explanation);
                            });
                    }
                    None => {
                        ui.label("");
                    }
                }
                let gain = match (step.gain_units, step.gain_money) {
                    (Some(units), Some(money)) => format!(
                        "+{} {last}, +{}",
                        display::format_number(units, Format::Decimal(1)),
                        compact(money, Format::Money(0))
                    ),
                    (Some(units), None) => {
                        format!(
                            "+{} {last}",
                            display::format_number(units, Format::Decimal(1))
                        )
                    }
                    _ => "—".into(),
                };
                ui.label(gain).on_hover_text(match step.method {
                    GainMethod::Probe => "computed through the model (the conversion input +1 pp)",
                    GainMethod::Analytic => {
                        "computed from the counts (the final stage scales with the conversion)"
                    }
                });
                let to_market = match (step.to_market_units, step.to_market_money) {
                    (Some(u), _) if u <= 0.0 => "at or above the market".to_string(),
                    (Some(units), Some(money)) => format!(
                        "+{} {last}, +{}",
                        display::format_number(units, Format::Decimal(1)),
                        compact(money, Format::Money(0))
                    ),
                    (Some(units), None) => {
                        format!(
                            "+{} {last}",
                            display::format_number(units, Format::Decimal(1))
                        )
                    }
                    _ => String::new(),
                };
                ui.label(to_market);
                ui.end_row();
            }
        });
    chosen
}

/// One word for a benchmark standing.
fn verdict_word(verdict: &crate::model::benchmark::Verdict) -> &'static str {
    match verdict.standing {
        crate::model::benchmark::Standing::Better => "better",
        crate::model::benchmark::Standing::InMarket => "in market",
        crate::model::benchmark::Standing::Worse => "worse",
    }
}

/// Step label: `Lead → contact`.
fn step_label(report: &FunnelReport, step: usize) -> String {
    format!(
        "{} → {}",
        report.stages[step].label,
        report.stages[step + 1].label
    )
}

/// "+1 pp at A equals +k pp at B", as a matrix.
fn equivalence_table(ui: &mut Ui, report: &FunnelReport, theme: &Theme) {
    let steps = report.steps.len();
    if steps < 2 {
        return;
    }
    ui.label(RichText::new("+1 pp at the row's step equals … pp at the column's step").strong());
    egui::Grid::new("funnel_equivalence")
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            for b in 0..steps {
                ui.label(RichText::new(step_label(report, b)).small());
            }
            ui.end_row();
            for a in 0..steps {
                ui.label(RichText::new(step_label(report, a)).small());
                for b in 0..steps {
                    let cell = report
                        .equivalence
                        .get(a)
                        .and_then(|r| r.get(b))
                        .copied()
                        .flatten();
                    let text = match cell {
                        _ if a == b => "1".into(),
                        Some(k) => format!("{k:.1}"),
                        None => "—".into(),
                    };
                    ui.label(RichText::new(text).color(if a == b {
                        theme.muted_text
                    } else {
                        theme.text
                    }));
                }
                ui.end_row();
            }
        });
}

/// Steps ranked by what reaching their benchmark would bring.
fn ranking_list(ui: &mut Ui, report: &FunnelReport) {
    if report.ranking.is_empty() {
        return;
    }
    ui.label(RichText::new("Cheapest lever first: reaching the market at each step").strong());
    let last = report
        .stages
        .last()
        .map_or(String::new(), |s| s.label.to_lowercase());
    for (place, &step) in report.ranking.iter().enumerate() {
        let s = &report.steps[step];
        let gain = match (s.to_market_units, s.to_market_money) {
            (Some(units), Some(money)) if units > 0.0 => format!(
                "+{} {last} and +{} per period",
                display::format_number(units, Format::Decimal(1)),
                compact(money, Format::Money(0))
            ),
            (Some(units), None) if units > 0.0 => format!(
                "+{} {last} per period",
                display::format_number(units, Format::Decimal(1))
            ),
            _ => "already at or above the market".into(),
        };
        let explanation = s
            .benchmark
            .as_ref()
            .map(|v| v.explanation.clone())
            .unwrap_or_default();
        ui.label(format!(
            "{}. {}: {gain}",
            place + 1,
            step_label(report, step)
        ))
        .on_hover_text(explanation);
    }
}
