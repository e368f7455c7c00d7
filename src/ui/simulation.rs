//! The simulation tool: runs the model many times with its uncertain inputs
//! drawn from their ranges (Monte Carlo, on a background thread with
//! progress and Cancel), then shows the target's mean and P10–P90, a
//! histogram of its runs, the probability of a condition typed as a formula
//! (`MIN(cash) < 0`) and the month it most often comes true, and which
//! inputs explain the spread (their rank correlation with the target).
//! Charted metrics get P10–P90 bands from the last run.

use std::time::Instant;

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot, VLine};

use super::background::{self, Job};
use super::panels::PanelEvent;
use super::theme::Theme;
use super::tornado::{HIGH_COLOUR, LOW_COLOUR};
use crate::model::simulate::{self, Outcome, Spec};
use crate::model::what_if::{self, Target};
use crate::model::{Format, Workbook, display};

/// Bars of the histogram.
const BINS: usize = 30;

/// The tool's settings and last result.
#[derive(Debug)]
pub struct SimulationTool {
    /// The target as typed: `ebitda@total`, `cash@Dec 2027`.
    pub target: String,
    /// Number of runs.
    pub runs: usize,
    /// The seed.
    pub seed: u64,
    /// A condition over the model, e.g. `MIN(cash) < 0` (empty: none).
    pub condition: String,
    /// The last run, if it succeeded.
    pub result: Option<SimulationView>,
    /// Why the last run failed.
    pub error: Option<String>,
    /// The model state the result was computed for.
    computed_for: Option<u64>,
    /// The run in progress.
    job: Option<Job<Result<SimulationView, String>>>,
}

/// One finished simulation, ready to show.
#[derive(Debug, Clone)]
pub struct SimulationView {
    /// The target's name as shown, e.g. `ebitda (total)`.
    pub title: String,
    /// How the target's values are shown.
    pub format: Format,
    /// The period labels of the timeline.
    pub labels: Vec<String>,
    /// What the simulation found.
    pub outcome: Outcome,
    /// How long it took.
    pub millis: f64,
}

/// A P10–P90 band around a charted metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// The metric (sheet, row).
    pub metric: (u32, u32),
    /// P10 and P90 per period (`None` where no run gave a number).
    pub range: Vec<Option<(f64, f64)>>,
}

impl Default for SimulationTool {
    fn default() -> Self {
        SimulationTool {
            target: String::new(),
            runs: simulate::DEFAULT_RUNS,
            seed: 1,
            condition: String::new(),
            result: None,
            error: None,
            computed_for: None,
            job: None,
        }
    }
}

impl SimulationTool {
    /// Starts a simulation of the current settings on a background thread
    /// (one in progress is cancelled), also recording `metrics` for the
    /// chart's bands; a bad target is reported at once.
    pub fn run(&mut self, workbook: &Workbook, metrics: &[(u32, u32)]) {
        self.computed_for = Some(workbook.state_id());
        if let Some(job) = self.job.take() {
            job.cancel();
        }
        let target = match what_if::parse_target(workbook, &self.target) {
            Ok(target) => target,
            Err(message) => {
                self.error = Some(message);
                self.result = None;
                return;
            }
        };
        let spec = Spec {
            target,
            metrics: metrics.to_vec(),
            runs: self.runs,
            seed: self.seed,
            condition: Some(self.condition.trim().to_string()).filter(|c| !c.is_empty()),
        };
        match Job::start(workbook, move |copy, progress| {
            compute(copy, &spec, &mut |done, total| progress.report(done, total))
        }) {
            Ok(job) => self.job = Some(job),
            Err(message) => self.error = Some(message),
        }
    }

    /// True while a simulation is running.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Takes the finished run's result, if it is done.
    pub fn poll(&mut self) {
        match background::take_finished(&mut self.job) {
            None => {}
            Some(Ok(Ok(view))) => {
                self.result = Some(view);
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
            .is_some_and(|id| id != workbook.state_id())
    }

    /// The P10–P90 bands of `metrics` from the last run, for the chart
    /// (none once the model has changed since).
    pub fn bands(&self, workbook: &Workbook, metrics: &[(u32, u32)]) -> Vec<Band> {
        let Some(view) = &self.result else {
            return Vec::new();
        };
        if self.is_stale(workbook) {
            return Vec::new();
        }
        metrics
            .iter()
            .filter_map(|&(sheet, row)| {
                let m = view.outcome.metric(sheet, row)?;
                Some(Band {
                    metric: (sheet, row),
                    range: m
                        .periods
                        .iter()
                        .map(|s| s.map(|s| (s.p10, s.p90)))
                        .collect(),
                })
            })
            .collect()
    }

    /// Draws the tool; `chart` is the charted metrics, recorded with the
    /// target so the chart can show their bands.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        chart: &[(u32, u32)],
        sheet: u32,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        self.poll();
        let mut run = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Target");
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.target)
                        .hint_text("ebitda@total")
                        .desired_width(160.0),
                )
                .labelled_by(label.id);
            run |= response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let label = ui.label("Runs");
            ui.add(
                egui::DragValue::new(&mut self.runs)
                    .range(100..=simulate::MAX_RUNS)
                    .speed(50.0),
            )
            .labelled_by(label.id);
            let label = ui.label("Seed");
            ui.add(egui::DragValue::new(&mut self.seed).range(0..=u32::MAX as u64))
                .labelled_by(label.id);
            let label = ui.label("Condition");
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.condition)
                        .hint_text("MIN(cash) < 0")
                        .desired_width(140.0),
                )
                .labelled_by(label.id);
            run |= response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            run |= ui.button("Run").clicked();
            if let Some(job) = &self.job {
                job.progress_ui(ui, "runs");
            } else if self.is_stale(workbook) {
                ui.label(RichText::new("The model changed.").color(theme.muted_text));
                run |= ui.button("Refresh").clicked();
            }
        });
        if run {
            self.run(workbook, chart);
        }
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(theme.error));
            return;
        }
        let Some(view) = &self.result else {
            ui.label(
                RichText::new(
                    "Give inputs a range — type `18% to 24%`, `triangular(18%; 20%; 24%)` or \
                     `normal(20%; 2%)` into an input cell — then pick a target and press Run: \
                     the model is run many times with the ranges drawn at random.",
                )
                .color(theme.muted_text),
            );
            return;
        };
        summary_lines(ui, view, theme);
        let chart_width = (ui.available_width() * 0.55).max(320.0);
        let chosen = ui
            .horizontal_top(|ui| {
                ui.allocate_ui(egui::vec2(chart_width, ui.available_height()), |ui| {
                    histogram(ui, view)
                });
                drivers(ui, view, theme)
            })
            .inner;
        if let Some((input_sheet, row)) = chosen
            && input_sheet == sheet
        {
            events.push(PanelEvent::SelectRow(row));
        }
    }
}

/// Runs `spec` on `workbook` (a job's copy).
fn compute(
    workbook: &mut Workbook,
    spec: &Spec,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<SimulationView, String> {
    let started = Instant::now();
    let outcome = simulate::simulate_with_progress(workbook, spec, progress)?;
    let (sheet, row) = spec.target.cell_row();
    let name = workbook.metric_name(sheet, row).to_string();
    let labels = workbook.period_labels();
    let title = match spec.target {
        Target::Total { .. } => format!("{name} (total)"),
        Target::Period { period, .. } => format!(
            "{name} ({})",
            labels.get(period as usize).map_or("?", String::as_str)
        ),
    };
    let format = workbook
        .rows(sheet)
        .get(row as usize)
        .map_or(Format::General, |r| r.format);
    Ok(SimulationView {
        title,
        format,
        labels,
        outcome,
        millis: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// The headline: mean and P10–P90 against the plan, and the condition.
fn summary_lines(ui: &mut Ui, view: &SimulationView, theme: &Theme) {
    let number = |x: f64| display::format_number(x, view.format);
    let o = &view.outcome;
    let runs = o.samples.len();
    let text = match o.summary {
        Some(s) => format!(
            "{}: mean {} · P10 {} – P90 {} · plan {} · {runs} runs, seed {} · {:.0} ms",
            view.title,
            number(s.mean),
            number(s.p10),
            number(s.p90),
            o.base.map_or("—".into(), number),
            o.spec.seed,
            view.millis
        ),
        None => format!("{}: no run gave a number", view.title),
    };
    ui.label(RichText::new(text).color(theme.muted_text));
    if let Some(c) = &o.condition {
        let mut line = format!("Probability of {}: {:.1}%", c.text, c.probability * 100.0);
        if let Some(p) = c.most_often() {
            line.push_str(&format!(
                " · most often first in {} ({:.1}% of runs)",
                view.labels.get(p as usize).map_or("?", String::as_str),
                c.first_true[p as usize] as f64 / runs.max(1) as f64 * 100.0
            ));
        }
        ui.label(RichText::new(line).strong());
    }
}

/// The histogram of the target's runs, with the plan and P10/P50/P90.
fn histogram(ui: &mut Ui, view: &SimulationView) {
    let Some(h) = crate::model::simulate::Histogram::of(&view.outcome.samples, BINS) else {
        return;
    };
    let width = h.width;
    let format = view.format;
    let bars: Vec<Bar> = h
        .counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let from = h.from(i);
            Bar::new(from + width / 2.0, n as f64)
                .width(width * 0.95)
                .name(format!(
                    "{} – {}: {n} runs",
                    display::format_number(from, format),
                    display::format_number(from + width, format)
                ))
        })
        .collect();
    Plot::new("simulation_histogram")
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .show_y(false)
        .x_axis_formatter(move |mark, _| super::grid::compact(mark.value, format))
        .label_formatter(|_| None)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("runs", bars).color(LOW_COLOUR));
            if let Some(s) = view.outcome.summary {
                for (name, x) in [("P10", s.p10), ("P50", s.p50), ("P90", s.p90)] {
                    plot.vline(VLine::new(name, x).color(HIGH_COLOUR).width(1.0));
                }
            }
            if let Some(base) = view.outcome.base {
                plot.vline(VLine::new("plan", base).color(Color32::GRAY).width(1.5));
            }
        });
}

/// The inputs ranked by how much of the spread they explain; returns the
/// input clicked.
fn drivers(ui: &mut Ui, view: &SimulationView, theme: &Theme) -> Option<(u32, u32)> {
    let mut chosen = None;
    ui.vertical(|ui| {
        ui.label(RichText::new("What explains the spread").strong())
            .on_hover_text("Rank correlation of each uncertain input with the target, −1 to 1");
        egui::ScrollArea::vertical()
            .id_salt("simulation_drivers")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("simulation_drivers_grid")
                    .striped(true)
                    .num_columns(3)
                    .show(ui, |ui| {
                        for d in &view.outcome.drivers {
                            let label = if d.label.is_empty() {
                                &d.name
                            } else {
                                &d.label
                            };
                            if ui
                                .selectable_label(false, label.as_str())
                                .on_hover_text(format!("`{}`: click to select it", d.name))
                                .clicked()
                            {
                                chosen = Some((d.sheet, d.row));
                            }
                            let r = d.rank_correlation.unwrap_or(0.0);
                            let (rect, _) = ui
                                .allocate_exact_size(egui::vec2(120.0, 12.0), egui::Sense::hover());
                            let mid = rect.center().x;
                            let end = mid + r as f32 * rect.width() / 2.0;
                            let bar = egui::Rect::from_x_y_ranges(
                                mid.min(end)..=mid.max(end),
                                rect.y_range(),
                            );
                            let colour = if r >= 0.0 { HIGH_COLOUR } else { LOW_COLOUR };
                            ui.painter().rect_filled(bar, 0.0, colour);
                            ui.painter().vline(
                                mid,
                                rect.y_range(),
                                egui::Stroke::new(1.0, theme.muted_text),
                            );
                            ui.label(
                                d.rank_correlation
                                    .map_or("—".to_string(), |r| format!("{r:+.2}")),
                            );
                            ui.end_row();
                        }
                    });
            });
    });
    chosen
}
