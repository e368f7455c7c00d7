//! The sensitivity tool: pick a target (a metric in one period or its total)
//! and a swing; every input is flexed down and up in turn and the tornado
//! chart ranks them by how far they move the target, next to a table of the
//! target at low / base / high and the elasticity. Clicking a bar or a table
//! row selects that input in the grid.

use std::time::Instant;

use egui::{Color32, RichText, Ui};

use super::background::{self, Job};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::what_if::{self, Sensitivity, Target};
use crate::model::{Format, Workbook, display};

/// Bars drawn in the chart (the table lists every input).
const CHART_BARS: usize = 15;

/// A run that took longer than this is not repeated on every edit; the
/// panel offers a Refresh button instead.
const LIVE_LIMIT_MS: f64 = 150.0;

/// Colour of the input-down bars.
pub const LOW_COLOUR: Color32 = Color32::from_rgb(70, 130, 180);
/// Colour of the input-up bars.
pub const HIGH_COLOUR: Color32 = Color32::from_rgb(230, 140, 40);

/// The tool's settings and last result.
#[derive(Debug)]
pub struct SensitivityTool {
    /// The target as typed: `ebitda@total`, `revenue@Dec 2027`, `units@3`.
    pub target: String,
    /// The swing in percent (10 = ±10%).
    pub swing_percent: f64,
    /// The last run, if it succeeded.
    pub result: Option<Tornado>,
    /// Why the last run failed.
    pub error: Option<String>,
    /// The model state the result was computed for.
    computed_for: Option<(u64, u32)>,
    /// The run in progress, on a background thread.
    job: Option<Job<Result<Tornado, String>>>,
}

/// One finished sensitivity run.
#[derive(Debug, Clone)]
pub struct Tornado {
    /// The target's name as shown, e.g. `ebitda (total)`.
    pub title: String,
    /// The target's value as the model stands.
    pub base: f64,
    /// The swing, as a fraction.
    pub swing: f64,
    /// Inputs, widest bar first.
    pub bars: Vec<Sensitivity>,
    /// How values of the target are shown.
    pub format: Format,
    /// How long the run took.
    pub millis: f64,
}

impl Default for SensitivityTool {
    fn default() -> Self {
        SensitivityTool {
            target: String::new(),
            swing_percent: 10.0,
            result: None,
            error: None,
            computed_for: None,
            job: None,
        }
    }
}

impl SensitivityTool {
    /// Starts the analysis for the current settings on a background thread
    /// (a run in progress is cancelled); a bad target is reported at once.
    pub fn run(&mut self, workbook: &Workbook) {
        self.computed_for = Some(run_key(workbook, self.swing_percent));
        if let Some(job) = self.job.take() {
            job.cancel();
        }
        if let Err(message) = what_if::parse_target(workbook, &self.target) {
            self.error = Some(message);
            self.result = None;
            return;
        }
        let text = self.target.clone();
        let swing = self.swing_percent / 100.0;
        match Job::start(workbook, move |copy, progress| {
            compute(copy, &text, swing, &mut |done, total| {
                progress.report(done, total)
            })
        }) {
            Ok(job) => self.job = Some(job),
            Err(message) => self.error = Some(message),
        }
    }

    /// True while a run is in progress.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Takes the finished run's result, if it is done.
    pub fn poll(&mut self) {
        match background::take_finished(&mut self.job) {
            None => {}
            Some(Ok(Ok(tornado))) => {
                self.result = Some(tornado);
                self.error = None;
            }
            Some(Ok(Err(message)) | Err(message)) => {
                self.result = None;
                self.error = Some(message);
            }
        }
    }

    /// True if the model changed since the last run.
    pub fn is_stale(&self, workbook: &Workbook) -> bool {
        self.computed_for
            .is_some_and(|key| key != run_key(workbook, self.swing_percent))
    }

    /// Draws the tool; a chosen input is reported as an event.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        sheet: u32,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        self.poll();
        let mut run = false;
        ui.horizontal(|ui| {
            ui.label("Target");
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.target)
                    .hint_text("ebitda@total")
                    .desired_width(180.0),
            );
            run |= response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.label("Swing ±");
            ui.add(
                egui::DragValue::new(&mut self.swing_percent)
                    .range(0.5..=90.0)
                    .speed(0.5)
                    .suffix("%"),
            );
            run |= ui.button("Run").clicked();
            if let Some(job) = &self.job {
                job.progress_ui(ui, "inputs");
            } else if self.is_stale(workbook) {
                let fast = self
                    .result
                    .as_ref()
                    .is_some_and(|r| r.millis < LIVE_LIMIT_MS);
                if fast {
                    // Cheap enough to follow every edit live.
                    run = true;
                } else {
                    ui.label(RichText::new("The model changed.").color(theme.muted_text));
                    run |= ui.button("Refresh").clicked();
                }
            }
        });
        if run {
            self.run(workbook);
        }
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(theme.error));
            return;
        }
        let Some(result) = &self.result else {
            ui.label(
                RichText::new(
                    "Type a target — a metric, metric@total or metric@Dec 2027 — and press Run: \
                     each input is moved down and up by the swing, one at a time.",
                )
                .color(theme.muted_text),
            );
            return;
        };
        ui.label(
            RichText::new(format!(
                "{}: {} as the model stands · {} inputs ±{}% · {:.0} ms",
                result.title,
                display::format_number(result.base, result.format),
                result.bars.len(),
                display::shortest_number(result.swing * 100.0),
                result.millis
            ))
            .color(theme.muted_text),
        );
        let chart_width = (ui.available_width() * 0.5).max(320.0);
        let chosen = ui
            .horizontal_top(|ui| {
                let from_chart = ui
                    .allocate_ui(egui::vec2(chart_width, ui.available_height()), |ui| {
                        tornado_chart(ui, result)
                    })
                    .inner;
                let from_table = ranking_table(ui, result, theme);
                from_chart.or(from_table)
            })
            .inner
            .map(|index| (result.bars[index].sheet, result.bars[index].row));
        if let Some((input_sheet, row)) = chosen
            && input_sheet == sheet
        {
            events.push(PanelEvent::SelectRow(row));
        }
    }
}

/// Runs the sensitivity of target `text` on `workbook` (a job's copy).
fn compute(
    workbook: &mut Workbook,
    text: &str,
    swing: f64,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Tornado, String> {
    let target = what_if::parse_target(workbook, text)?;
    let started = Instant::now();
    let bars = what_if::sensitivity_with_progress(workbook, &target, swing, None, progress)?;
    let (sheet, row) = target.cell_row();
    let name = workbook.metric_name(sheet, row).to_string();
    let title = match target {
        Target::Total { .. } => format!("{name} (total)"),
        Target::Period { period, .. } => format!(
            "{name} ({})",
            crate::model::timeline::period_label(&workbook.document().timeline, period)
        ),
    };
    let format = workbook
        .rows(sheet)
        .get(row as usize)
        .map_or(Format::General, |r| r.format);
    Ok(Tornado {
        title,
        base: what_if::target_value(workbook, &target).unwrap_or(0.0),
        swing,
        bars,
        format,
        millis: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// What a result depends on: the document state and the swing.
fn run_key(workbook: &Workbook, swing_percent: f64) -> (u64, u32) {
    (workbook.state_id(), (swing_percent * 1000.0) as u32)
}

/// The tornado chart of the widest bars; returns the index of a clicked bar.
fn tornado_chart(ui: &mut Ui, result: &Tornado) -> Option<usize> {
    // As many bars as fit with readable names (about 18 points each).
    let room = ((ui.available_height() - 40.0) / 18.0).max(3.0) as usize;
    let shown = result.bars.len().min(CHART_BARS).min(room);
    let names: Vec<String> = result.bars[..shown]
        .iter()
        .map(|b| b.name.clone())
        .collect();
    // Rank 0 at the top.
    let y_of = |rank: usize| (shown - 1 - rank) as f64;
    let bar = |rank: usize, value: Option<f64>, side: &str| {
        let value = value.unwrap_or(result.base);
        Bar::new(y_of(rank), value - result.base)
            .base_offset(result.base)
            .name(format!(
                "{} {side}: {}",
                names[rank],
                display::format_number(value, result.format)
            ))
    };
    let swing = display::shortest_number(result.swing * 100.0);
    let low = BarChart::new(
        format!("input −{swing}%"),
        (0..shown)
            .map(|i| bar(i, result.bars[i].low, "low"))
            .collect(),
    )
    .horizontal()
    .width(0.7)
    .color(LOW_COLOUR);
    let high = BarChart::new(
        format!("input +{swing}%"),
        (0..shown)
            .map(|i| bar(i, result.bars[i].high, "high"))
            .collect(),
    )
    .horizontal()
    .width(0.7)
    .color(HIGH_COLOUR);
    let format = result.format;
    // Input names sit left of their bars, inside the plot: room for them is
    // made by widening the x range to the left.
    let ends = result.bars[..shown]
        .iter()
        .flat_map(|b| [b.low, b.high])
        .flatten()
        .chain([result.base]);
    let (min, max) = ends.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let span = (max - min).max(result.base.abs() * 1e-6).max(1e-9);
    let labels: Vec<egui_plot::Text> = (0..shown)
        .map(|rank| {
            let left = [
                result.bars[rank].low,
                result.bars[rank].high,
                Some(result.base),
            ]
            .into_iter()
            .flatten()
            .fold(f64::INFINITY, f64::min);
            egui_plot::Text::new(
                "",
                egui_plot::PlotPoint::new(left - span * 0.02, y_of(rank)),
                RichText::new(&names[rank]).size(11.0),
            )
            .anchor(egui::Align2::RIGHT_CENTER)
        })
        .collect();
    let response = Plot::new("tornado")
        .legend(Legend::default().position(egui_plot::Corner::RightBottom))
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .show_y(false)
        .show_axes([true, false])
        .include_x(min - span * 0.75)
        .include_x(max + span * 0.05)
        .y_grid_spacer(|_| Vec::new())
        .x_axis_formatter(move |mark, _| super::grid::compact(mark.value, format))
        .label_formatter(|_| None)
        .show(ui, |plot| {
            plot.bar_chart(low);
            plot.bar_chart(high);
            for label in labels {
                plot.text(label);
            }
            plot.vline(egui_plot::VLine::new("", result.base).color(egui::Color32::GRAY));
            plot.response()
                .clicked()
                .then(|| plot.pointer_coordinate())
                .flatten()
        });
    let point = response.inner?;
    let rank = shown as f64 - 1.0 - point.y.round();
    (rank >= 0.0 && (rank as usize) < shown).then_some(rank as usize)
}

/// The ranking as a table; returns the index of a clicked row.
fn ranking_table(ui: &mut Ui, result: &Tornado, theme: &Theme) -> Option<usize> {
    let mut chosen = None;
    egui::ScrollArea::both()
        .id_salt("tornado_table")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("tornado_grid")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    for heading in ["Input", "Low", "High", "Swing", "Elasticity"] {
                        ui.label(RichText::new(heading).strong());
                    }
                    ui.end_row();
                    let shown = |v: Option<f64>| {
                        v.map_or("—".to_string(), |v| {
                            super::grid::compact(v, result.format)
                        })
                    };
                    for (index, bar) in result.bars.iter().enumerate() {
                        let label = if bar.label.is_empty() {
                            bar.name.clone()
                        } else {
                            bar.label.clone()
                        };
                        if ui
                            .selectable_label(false, label)
                            .on_hover_text(format!("`{}`: click to select it", bar.name))
                            .clicked()
                        {
                            chosen = Some(index);
                        }
                        ui.label(shown(bar.low));
                        ui.label(shown(bar.high));
                        ui.label(RichText::new(shown(bar.spread())).color(theme.muted_text));
                        ui.label(
                            bar.elasticity
                                .map_or("—".to_string(), |e| format!("{e:+.2}")),
                        )
                        .on_hover_text("% change of the target per 1% change of this input");
                        ui.end_row();
                    }
                });
        });
    chosen
}
