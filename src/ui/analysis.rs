//! The analysis panel under the grid: the what-if tools that read the whole
//! model, one tab each — sensitivity (tornado), simulation, the driver
//! waterfall, charts and more. It owns the
//! tools' settings; the model is changed only through edit commands sent
//! back to the editor.

use egui::Ui;

use super::changelog::ChangelogTool;
use super::chart::{ChartTool, Overlay};
use super::data_table::DataTableTool;
use super::funnel::FunnelTool;
use super::goal_seek::GoalSeekDialog;
use super::panels::PanelEvent;
use super::scenarios::ScenarioTool;
use super::simulation::SimulationTool;
use super::targets::TargetsTool;
use super::theme::Theme;
use super::tornado::SensitivityTool;
use super::waterfall::WaterfallTool;
use crate::model::Workbook;

/// The tools, one tab each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Sensitivity of a target to every input.
    Sensitivity,
    /// Monte Carlo over the inputs' ranges.
    Simulation,
    /// Why a target differs between two states, driver by driver.
    Waterfall,
    /// Targets, the initiatives meant to reach them, and their review.
    Targets,
    /// Metrics over the timeline.
    Chart,
    /// Scenarios: manage and compare.
    Scenarios,
    /// A target over a range of one or two inputs.
    DataTable,
    /// A funnel's stages, conversions and levers.
    Funnel,
    /// The dated journal of business changes.
    Changelog,
}

impl Tool {
    /// Every tool, in tab order.
    pub const ALL: [Tool; 9] = [
        Tool::Sensitivity,
        Tool::Simulation,
        Tool::Waterfall,
        Tool::Targets,
        Tool::Chart,
        Tool::Scenarios,
        Tool::DataTable,
        Tool::Funnel,
        Tool::Changelog,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tool::Sensitivity => "Sensitivity",
            Tool::Simulation => "Simulation",
            Tool::Waterfall => "Waterfall",
            Tool::Targets => "Targets",
            Tool::Chart => "Chart",
            Tool::Scenarios => "Scenarios",
            Tool::DataTable => "Data table",
            Tool::Funnel => "Funnel",
            Tool::Changelog => "Changelog",
        }
    }
}

/// The panel's state.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The open tab; `None` hides the panel.
    pub open: Option<Tool>,
    /// Sensitivity settings and result.
    pub sensitivity: SensitivityTool,
    /// Simulation settings, job and result.
    pub simulation: SimulationTool,
    /// The driver waterfall.
    pub waterfall: WaterfallTool,
    /// Targets and initiatives.
    pub targets: TargetsTool,
    /// Chart settings.
    pub chart: ChartTool,
    /// Scenario list and comparison.
    pub scenarios: ScenarioTool,
    /// Data-table settings, job and result.
    pub data_table: DataTableTool,
    /// The goal-seek window.
    pub goal_seek: GoalSeekDialog,
    /// The funnel view.
    pub funnel: FunnelTool,
    /// The changelog editor.
    pub changelog: ChangelogTool,
    /// The chart's scenario overlays and the state they were computed for.
    overlays: Option<(OverlayKey, Vec<Overlay>)>,
}

/// What the chart's overlays depend on.
type OverlayKey = (u64, Option<usize>, Vec<(u32, u32)>);

/// Where the editor's cursor is, for tools that start from the selection.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    /// The sheet shown.
    pub sheet: u32,
    /// The cursor's row.
    pub row: u32,
    /// The cursor's period, if it is on a period column.
    pub period: Option<u32>,
    /// The selected rows, first to last.
    pub rows: (u32, u32),
}

impl Analysis {
    /// Opens `tool`, seeding it from the selection the first time.
    pub fn open(&mut self, tool: Tool, workbook: &mut Workbook, at: Selection) {
        self.open = Some(tool);
        let name = workbook.metric_name(at.sheet, at.row).to_string();
        match tool {
            Tool::Sensitivity => {
                if self.sensitivity.target.is_empty() && !name.is_empty() {
                    self.sensitivity.target = format!("{name}@total");
                    self.sensitivity.run(workbook);
                }
            }
            Tool::Simulation => {
                if self.simulation.target.is_empty() && !name.is_empty() {
                    self.simulation.target = format!("{name}@total");
                    let chart = self.chart.metrics.clone();
                    self.simulation.run(workbook, &chart);
                }
            }
            Tool::Waterfall => {
                if self.waterfall.target.is_empty() && !name.is_empty() {
                    self.waterfall.target = format!("{name}@total");
                    self.waterfall.run(workbook);
                }
            }
            Tool::Chart => {
                if self.chart.metrics.is_empty() {
                    let _ = self.chart.add(workbook, at.sheet, at.row);
                }
            }
            Tool::Scenarios => {
                if self.scenarios.metrics.is_empty() {
                    self.scenarios.add_metric(workbook, at.sheet, at.row);
                }
            }
            Tool::DataTable => {
                if self.data_table.target.is_empty() && !name.is_empty() {
                    self.data_table.target = format!("{name}@total");
                }
            }
            Tool::Funnel | Tool::Changelog | Tool::Targets => {}
        }
    }

    /// Draws the panel (nothing when closed).
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        at: Selection,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        self.goal_seek.ui(ui, workbook, theme, events);
        let Some(open) = self.open else {
            return;
        };
        // A third of the window to start with (at least 300 points); the
        // user drags the edge to change it.
        let start = (ui.available_height() * 0.38).max(300.0);
        egui::Panel::bottom("analysis")
            .resizable(true)
            .default_size(start)
            .min_size(200.0)
            .show(ui, |ui| {
                ui.set_min_height(start.min(ui.available_height()));
                ui.horizontal(|ui| {
                    for tool in Tool::ALL {
                        if ui.selectable_label(open == tool, tool.title()).clicked() {
                            self.open(tool, workbook, at);
                        }
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .small_button("✕")
                            .on_hover_text("Close the panel")
                            .clicked()
                        {
                            self.open = None;
                        }
                    });
                });
                ui.separator();
                match self.open {
                    Some(Tool::Sensitivity) => {
                        self.sensitivity.ui(ui, workbook, at.sheet, theme, events)
                    }
                    Some(Tool::Simulation) => {
                        let chart = self.chart.metrics.clone();
                        self.simulation
                            .ui(ui, workbook, &chart, at.sheet, theme, events)
                    }
                    Some(Tool::Waterfall) => self.waterfall.ui(ui, workbook, theme, events),
                    Some(Tool::Targets) => self.targets.ui(ui, workbook, at.sheet, theme, events),
                    Some(Tool::Chart) => {
                        let overlays = if self.chart.overlay_scenarios {
                            self.overlays(workbook)
                        } else {
                            Vec::new()
                        };
                        let bands = self.simulation.bands(workbook, &self.chart.metrics);
                        self.chart
                            .ui(ui, workbook, (at.sheet, at.row), &overlays, &bands, theme)
                    }
                    Some(Tool::Scenarios) => self.scenarios.ui(
                        ui,
                        workbook,
                        (at.sheet, at.row, at.period),
                        theme,
                        events,
                    ),
                    Some(Tool::DataTable) => self.data_table.ui(ui, workbook, theme),
                    Some(Tool::Funnel) => self.funnel.ui(ui, workbook, at, theme, events),
                    Some(Tool::Changelog) => {
                        self.changelog.ui(ui, workbook, at.sheet, theme, events)
                    }
                    None => {}
                }
            });
    }

    /// The charted metrics under every scenario other than the one shown.
    fn overlays(&mut self, workbook: &mut Workbook) -> Vec<Overlay> {
        let key = (
            workbook.state_id(),
            workbook.active_scenario(),
            self.chart.metrics.clone(),
        );
        if let Some((cached, overlays)) = &self.overlays
            && *cached == key
        {
            return overlays.clone();
        }
        let others: Vec<Option<usize>> = std::iter::once(None)
            .chain((0..workbook.scenarios().len()).map(Some))
            .filter(|s| *s != workbook.active_scenario())
            .collect();
        let overlays: Vec<Overlay> =
            crate::model::scenario::compare(workbook, &others, &self.chart.metrics)
                .map(|comparison| {
                    comparison
                        .metrics
                        .iter()
                        .enumerate()
                        .flat_map(|(metric, m)| {
                            m.columns
                                .iter()
                                .zip(&comparison.names)
                                .map(move |(c, name)| Overlay {
                                    name: format!("{} ({name})", m.name),
                                    metric,
                                    values: c.values.iter().map(|v| v.as_number()).collect(),
                                })
                        })
                        .collect()
                })
                .unwrap_or_default();
        self.overlays = Some((key, overlays.clone()));
        overlays
    }
}
