//! The chart tool: chosen metrics over the timeline as lines or bars, on one
//! shared axis or one chart per unit, with the changelog's dated entries as
//! markers. Drawn from the model's current values every frame, so charts
//! follow every edit live.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, FilledArea, Legend, Line, LineStyle, Plot, PlotPoints, VLine};

pub use super::simulation::Band;
use super::theme::Theme;
use crate::model::{Format, Workbook, display, timeline};

/// Series colours, in order.
const PALETTE: [Color32; 8] = [
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(255, 127, 14),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(23, 190, 207),
];

/// Colour of the changelog markers.
const MARKER_COLOUR: Color32 = Color32::from_rgb(150, 150, 150);

/// Most metrics on one chart.
pub const MAX_SERIES: usize = 8;

/// Lines or bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartKind {
    /// A line per metric.
    #[default]
    Line,
    /// Bars per period, side by side.
    Bar,
}

/// The chart's settings.
#[derive(Debug, Clone, Default)]
pub struct ChartTool {
    /// Charted metrics as (sheet, row).
    pub metrics: Vec<(u32, u32)>,
    /// Lines or bars.
    pub kind: ChartKind,
    /// One chart per unit instead of one shared axis.
    pub per_unit: bool,
    /// Hide the changelog markers.
    pub hide_changelog: bool,
    /// Overlay the other scenarios as dashed lines.
    pub overlay_scenarios: bool,
}

/// One series to draw.
struct Series {
    name: String,
    unit: String,
    format: Format,
    colour: Color32,
    values: Vec<Option<f64>>,
}

/// Extra series the caller adds, e.g. the same metric under other
/// scenarios; drawn dashed after the model's own series.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// Legend name, e.g. `revenue (optimistic)`.
    pub name: String,
    /// Index of the metric in [`ChartTool::metrics`] it belongs to.
    pub metric: usize,
    /// One value per period.
    pub values: Vec<Option<f64>>,
}

impl ChartTool {
    /// Adds a metric (if it is not charted yet and there is room); returns
    /// a message when it is refused.
    pub fn add(&mut self, workbook: &Workbook, sheet: u32, row: u32) -> Result<(), String> {
        let name = workbook.metric_name(sheet, row);
        if name.is_empty() {
            return Err("Select a metric row to chart it.".into());
        }
        if self.metrics.contains(&(sheet, row)) {
            return Ok(());
        }
        if self.metrics.len() >= MAX_SERIES {
            return Err(format!("A chart shows at most {MAX_SERIES} metrics."));
        }
        self.metrics.push((sheet, row));
        Ok(())
    }

    /// Forgets metrics whose rows no longer exist (after deleting rows).
    fn prune(&mut self, workbook: &Workbook) {
        self.metrics.retain(|&(sheet, row)| {
            (sheet as usize) < workbook.document().sheets.len()
                && !workbook.metric_name(sheet, row).is_empty()
        });
    }

    /// Draws the settings bar and the chart(s). `cursor` is the selected
    /// metric (sheet, row), offered for adding.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        cursor: (u32, u32),
        overlays: &[Overlay],
        bands: &[Band],
        theme: &Theme,
    ) {
        self.prune(workbook);
        let mut message = None;
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("+ Add selected metric")
                .on_hover_text("Chart the metric of the selected row")
                .clicked()
                && let Err(m) = self.add(workbook, cursor.0, cursor.1)
            {
                message = Some(m);
            }
            let mut remove = None;
            for (index, &(sheet, row)) in self.metrics.iter().enumerate() {
                let text = RichText::new(format!("{} ✕", workbook.metric_name(sheet, row)))
                    .color(PALETTE[index % PALETTE.len()]);
                if ui.small_button(text).on_hover_text("Remove").clicked() {
                    remove = Some(index);
                }
            }
            if let Some(index) = remove {
                self.metrics.remove(index);
            }
            ui.separator();
            ui.selectable_value(&mut self.kind, ChartKind::Line, "Line");
            ui.selectable_value(&mut self.kind, ChartKind::Bar, "Bars");
            ui.checkbox(&mut self.per_unit, "One chart per unit");
            ui.checkbox(&mut self.overlay_scenarios, "Other scenarios");
            let mut show_changelog = !self.hide_changelog;
            ui.checkbox(&mut show_changelog, "Changelog");
            self.hide_changelog = !show_changelog;
        });
        if let Some(message) = message {
            ui.label(RichText::new(message).color(theme.error));
        }
        if self.metrics.is_empty() {
            ui.label(
                RichText::new("Select a metric row and press “Add selected metric”.")
                    .color(theme.muted_text),
            );
            return;
        }
        let series: Vec<Series> = self
            .metrics
            .iter()
            .enumerate()
            .map(|(index, &(sheet, row))| {
                let info = &workbook.rows(sheet)[row as usize];
                Series {
                    name: workbook.metric_name(sheet, row).to_string(),
                    unit: info.unit.clone(),
                    format: info.format,
                    colour: PALETTE[index % PALETTE.len()],
                    values: workbook
                        .row_values(sheet, row)
                        .iter()
                        .map(|v| v.as_number())
                        .collect(),
                }
            })
            .collect();
        // Groups of series sharing an axis.
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (index, s) in series.iter().enumerate() {
            let key = if self.per_unit {
                s.unit.clone()
            } else {
                String::new()
            };
            match groups.iter_mut().find(|(unit, _)| *unit == key) {
                Some((_, members)) => members.push(index),
                None => groups.push((key, vec![index])),
            }
        }
        let markers: Vec<(f64, String)> = if self.hide_changelog {
            Vec::new()
        } else {
            let tl = &workbook.document().timeline;
            workbook
                .document()
                .changelog
                .iter()
                .filter_map(|entry| {
                    let x = timeline::date_position(tl, &entry.date)?;
                    (x >= 0.0 && x <= f64::from(tl.periods))
                        .then(|| (x, format!("{} — {}", entry.date, entry.text)))
                })
                .collect()
        };
        let labels = workbook.period_labels();
        let height = (ui.available_height() / groups.len() as f32).max(120.0);
        let link = ui.scope_id().with("chart_x");
        for (group_index, (unit, members)) in groups.iter().enumerate() {
            let format = series[members[0]].format;
            let x_labels = labels.clone();
            let hover_labels = labels.clone();
            let hover_markers = markers.clone();
            let hover_series: Vec<(String, Format)> =
                series.iter().map(|s| (s.name.clone(), s.format)).collect();
            let mut plot = Plot::new(("chart", group_index))
                .height(height)
                .legend(Legend::default())
                .link_axis(link, [true, false])
                .link_cursor(link, [true, false])
                .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 3.0, 12.0]))
                .x_axis_formatter(move |mark, _| {
                    let i = mark.value.round();
                    if (mark.value - i).abs() < 1e-9 && i >= 0.0 {
                        x_labels.get(i as usize).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .y_axis_formatter(move |mark, _| super::grid::compact(mark.value, format))
                .label_formatter(move |hover| {
                    hover_text(hover, &hover_labels, &hover_series, &hover_markers)
                });
            if !unit.is_empty() {
                plot = plot.y_axis_label(unit.clone());
            }
            let kind = self.kind;
            let self_metrics = &self.metrics;
            let width = 0.8 / members.len() as f64;
            plot.show(ui, |plot| {
                for (slot, &index) in members.iter().enumerate() {
                    let s = &series[index];
                    match kind {
                        ChartKind::Line => plot.line(
                            Line::new(s.name.clone(), points(&s.values))
                                .color(s.colour)
                                .width(2.0),
                        ),
                        ChartKind::Bar => {
                            let offset = (slot as f64 - (members.len() as f64 - 1.0) / 2.0) * width;
                            let bars = s
                                .values
                                .iter()
                                .enumerate()
                                .filter_map(|(p, v)| Some(Bar::new(p as f64 + offset, (*v)?)))
                                .map(|b| b.width(width))
                                .collect();
                            plot.bar_chart(BarChart::new(s.name.clone(), bars).color(s.colour));
                        }
                    }
                    if kind == ChartKind::Line
                        && let Some(band) = bands.iter().find(|b| b.metric == self_metrics[index])
                    {
                        let (mut xs, mut lows, mut highs) = (Vec::new(), Vec::new(), Vec::new());
                        for (p, range) in band.range.iter().enumerate() {
                            if let Some((low, high)) = range {
                                xs.push(p as f64);
                                lows.push(*low);
                                highs.push(*high);
                            }
                        }
                        plot.add(
                            FilledArea::new(format!("{} P10–P90", s.name), &xs, &lows, &highs)
                                .fill_color(s.colour.gamma_multiply(0.25)),
                        );
                    }
                    for overlay in overlays.iter().filter(|o| o.metric == index) {
                        plot.line(
                            Line::new(overlay.name.clone(), points(&overlay.values))
                                .color(s.colour)
                                .style(LineStyle::dashed_loose())
                                .width(1.5),
                        );
                    }
                }
                for (x, _) in &markers {
                    plot.vline(VLine::new("Changelog", *x).color(MARKER_COLOUR).width(1.0));
                }
            });
        }
    }
}

/// The points of a series with numbers only (gaps where a period is not a
/// number are bridged).
fn points(values: &[Option<f64>]) -> PlotPoints<'static> {
    values
        .iter()
        .enumerate()
        .filter_map(|(p, v)| Some([p as f64, (*v)?]))
        .collect()
}

/// The hover text: the series, the period and the value near the pointer,
/// or the changelog entry under it.
fn hover_text(
    hover: &egui_plot::HoverPosition<'_>,
    labels: &[String],
    series: &[(String, Format)],
    markers: &[(f64, String)],
) -> Option<String> {
    match *hover {
        egui_plot::HoverPosition::NearDataPoint {
            plot_name,
            position,
            ..
        } => {
            let period = labels.get(position.x.round().max(0.0) as usize)?;
            let format = series
                .iter()
                .find(|(name, _)| plot_name.starts_with(name.as_str()))
                .map_or(Format::General, |(_, f)| *f);
            Some(format!(
                "{plot_name}\n{period}: {}",
                display::format_number(position.y, format)
            ))
        }
        egui_plot::HoverPosition::Elsewhere { position } => markers
            .iter()
            .find(|(x, _)| (x - position.x).abs() < 0.2)
            .map(|(_, text)| text.clone()),
    }
}
