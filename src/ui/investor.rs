//! The investor view in the editor: a read-only presentation of the model
//! (View → Investor view, Ctrl+I) that replaces the editing grid. It shows
//! the view's rows rolled up by month, quarter or year
//! ([`rollup::investor_table`]), charts of its chart metrics, optionally the
//! scenarios side by side, and exports to Excel, HTML and CSV.
//!
//! The choice of rows is part of the model (`investor:` in the file): the
//! row chooser changes it with [`Command::SetInvestorView`], so it is undone
//! like any edit and saved with the file. The grouping shown is a view
//! setting; exports use what is on screen.

use std::path::{Path, PathBuf};

use egui::{Align, Key, KeyboardShortcut, Layout, Modifiers, RichText, Ui};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints};

use super::App;
use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::document::{Format, Grouping, InvestorView, Layout as SheetLayout, Rollup};
use crate::model::interop::report::{investor_csv, investor_html};
use crate::model::interop::{ExportOptions, export_investor_xlsx};
use crate::model::rollup::{self, InvestorTable, ViewLine, ViewMetric};
use crate::model::{Command, Value, Workbook, display, io, scenario};

/// The shortcut that opens and closes the investor view.
pub const TOGGLE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::I);

/// Width of a value column in the tables, in points.
const VALUE_WIDTH: f32 = 112.0;
/// Width of the metric label column, in points.
const LABEL_WIDTH: f32 = 230.0;
/// Height of a chart, in points.
const CHART_HEIGHT: f32 = 190.0;
/// The charts' colour.
const CHART_COLOUR: egui::Color32 = egui::Color32::from_rgb(0x3b, 0x82, 0xc4);

/// A file format the investor view exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// An Excel workbook whose "Investor" sheet rolls up the model with
    /// formulas, with charts.
    Excel,
    /// A self-contained HTML report (prints to PDF from a browser).
    Html,
    /// The rolled-up values as CSV.
    Csv,
}

impl ExportKind {
    /// Every format, in button order.
    pub const ALL: [ExportKind; 3] = [ExportKind::Excel, ExportKind::Html, ExportKind::Csv];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::Excel => "xlsx",
            ExportKind::Html => "html",
            ExportKind::Csv => "csv",
        }
    }

    /// The button's text.
    pub fn button(self) -> &'static str {
        match self {
            ExportKind::Excel => "Export Excel…",
            ExportKind::Html => "Export HTML…",
            ExportKind::Csv => "Export CSV…",
        }
    }

    /// The button's hover text.
    fn hint(self) -> &'static str {
        match self {
            ExportKind::Excel => {
                "An .xlsx whose Investor sheet rolls up the full model with real formulas, with charts"
            }
            ExportKind::Html => {
                "A self-contained report with the table and charts; print it from a browser for a PDF"
            }
            ExportKind::Csv => "The rolled-up values, one line per metric",
        }
    }

    /// The file dialog's filter name.
    fn filter(self) -> &'static str {
        match self {
            ExportKind::Excel => "Excel workbook",
            ExportKind::Html => "HTML report",
            ExportKind::Csv => "CSV",
        }
    }
}

/// Writes `table` (computed from `workbook`) to `path` as `kind`; `title`
/// heads the HTML report.
pub fn export_table(
    workbook: &Workbook,
    table: &InvestorTable,
    kind: ExportKind,
    path: &Path,
    title: &str,
) -> Result<(), String> {
    let write_text =
        |text: String| io::write_atomically(path, text.as_bytes()).map_err(|e| e.to_string());
    match kind {
        ExportKind::Csv => write_text(investor_csv(table)),
        ExportKind::Html => write_text(investor_html(table, title)),
        ExportKind::Excel => export_investor_xlsx(workbook, table, path, &ExportOptions::default())
            .map_err(|e| e.to_string()),
    }
}

/// The investor view's state in the editor.
#[derive(Debug, Default)]
pub struct InvestorMode {
    /// True while the investor view replaces the grid.
    pub open: bool,
    /// The grouping shown; `None` uses the view's own (from the file).
    pub grouping: Option<Grouping>,
    /// Show every scenario next to the base.
    pub side_by_side: bool,
    /// The column the scenarios are compared over: `None` for the whole
    /// timeline, else the index of a group of the grouping shown.
    pub compare_over: Option<usize>,
    /// Narrows the row chooser to metrics whose label or name contains it.
    pub filter: String,
    /// The scenario comparison and the state it was computed for.
    comparison: Option<(ComparisonKey, Result<Compared, String>)>,
}

/// What the comparison depends on: the workbook state and the rows shown.
type ComparisonKey = (u64, Vec<String>);

/// Every shown metric's values under each scenario.
#[derive(Debug)]
struct Compared {
    /// The comparison (the metrics, then the ratio parts they need).
    comparison: scenario::Comparison,
    /// Per shown metric: its index in the comparison, its roll-up, and the
    /// indices of a ratio's parts.
    metrics: Vec<ComparedMetric>,
}

/// A shown metric in [`Compared`]: its index in the comparison, its
/// roll-up, and the indices of a ratio's parts.
type ComparedMetric = (usize, Rollup, Option<(usize, usize)>);

/// One shown metric under base and every scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct SideBySideRow {
    /// The metric's label.
    pub label: String,
    /// Its unit.
    pub unit: String,
    /// Its number format.
    pub format: Format,
    /// The rolled-up value under each scenario, base first.
    pub values: Vec<Option<f64>>,
    /// The relative difference from base of each value (base's is 0).
    pub pct: Vec<Option<f64>>,
}

/// The scenarios side by side over one range of periods.
#[derive(Debug, Clone, PartialEq)]
pub struct SideBySide {
    /// The scenario names, base first.
    pub names: Vec<String>,
    /// One row per shown metric.
    pub rows: Vec<SideBySideRow>,
}

impl InvestorMode {
    /// Forgets what was computed and chosen for the previous document: the
    /// next one shows its own view's grouping.
    pub fn reset_cache(&mut self) {
        self.comparison = None;
        self.compare_over = None;
        self.grouping = None;
    }

    /// The grouping shown for `view`.
    pub fn grouping_for(&self, view: &InvestorView) -> Grouping {
        self.grouping.unwrap_or(view.period)
    }

    /// The shown metrics under base and every scenario, each rolled up by
    /// its own roll-up over `periods` (the whole timeline when `None`).
    /// Computed with [`scenario::compare`], which leaves the workbook as it
    /// was; kept until the workbook or the rows change.
    pub fn side_by_side(
        &mut self,
        workbook: &mut Workbook,
        table: &InvestorTable,
        view: &InvestorView,
        periods: Option<std::ops::Range<u32>>,
    ) -> Result<SideBySide, String> {
        let key = (workbook.state_id(), view.rows.clone());
        if self.comparison.as_ref().is_none_or(|(k, _)| *k != key) {
            self.comparison = Some((key, compare_all(workbook, table)));
        }
        let Some((_, compared)) = &self.comparison else {
            return Err("no comparison".into());
        };
        let compared = compared.as_ref().map_err(Clone::clone)?;
        let periods = periods.unwrap_or(0..workbook.document().timeline.periods);
        let comparison = &compared.comparison;
        let rows = table
            .metrics()
            .zip(&compared.metrics)
            .map(|(metric, (index, rollup, parts))| {
                let values: Vec<Option<f64>> = (0..comparison.scenarios.len())
                    .map(|s| {
                        let column = |i: usize| comparison.metrics[i].columns[s].values.as_slice();
                        roll(
                            column(*index),
                            rollup,
                            parts.map(|(n, d)| (column(n), column(d))),
                            periods.clone(),
                        )
                    })
                    .collect();
                let base = values.first().copied().flatten();
                let pct = values
                    .iter()
                    .map(|v| {
                        let (v, b) = ((*v)?, base?);
                        let r = (v - b) / b.abs();
                        (b != 0.0 && r.is_finite()).then_some(r)
                    })
                    .collect();
                SideBySideRow {
                    label: metric.label.clone(),
                    unit: metric.unit.clone(),
                    format: metric.format,
                    values,
                    pct,
                }
            })
            .collect();
        Ok(SideBySide {
            names: comparison.names.clone(),
            rows,
        })
    }
}

/// Finds a ratio roll-up's part, preferring the metric's own sheet.
fn find_part(workbook: &Workbook, sheet: u32, name: &str) -> Option<(u32, u32)> {
    if !name.contains('!')
        && let Some(sheet_file) = workbook.document().sheets.get(sheet as usize)
        && let Some(found) = workbook.find_metric(&format!("{}!{name}", sheet_file.name))
    {
        return Some(found);
    }
    workbook.find_metric(name)
}

/// Compares the table's metrics (and the parts of ratio roll-ups) under
/// base and every scenario.
fn compare_all(workbook: &mut Workbook, table: &InvestorTable) -> Result<Compared, String> {
    let mut cells: Vec<(u32, u32)> = Vec::new();
    let mut index_of = |cell: (u32, u32)| match cells.iter().position(|c| *c == cell) {
        Some(i) => i,
        None => {
            cells.push(cell);
            cells.len() - 1
        }
    };
    let mut metrics = Vec::new();
    for metric in table.metrics() {
        let index = index_of((metric.sheet, metric.row));
        let parts = match &metric.rollup {
            Rollup::Ratio(num, den) => find_part(workbook, metric.sheet, num)
                .zip(find_part(workbook, metric.sheet, den))
                .map(|(n, d)| (index_of(n), index_of(d))),
            _ => None,
        };
        metrics.push((index, metric.rollup.clone(), parts));
    }
    let scenarios: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..workbook.scenarios().len()).map(Some))
        .collect();
    let comparison = scenario::compare(workbook, &scenarios, &cells)?;
    Ok(Compared {
        comparison,
        metrics,
    })
}

/// Values rolled up over `periods`: sums (an empty cell counts 0), the last
/// value, the average of the numbers, or a ratio of the parts' sums. `None`
/// when a value is text or an error, or a ratio's denominator is 0.
fn roll(
    values: &[Value],
    rollup: &Rollup,
    parts: Option<(&[Value], &[Value])>,
    periods: std::ops::Range<u32>,
) -> Option<f64> {
    let range = periods.start as usize..(periods.end as usize).min(values.len());
    let slice = values.get(range.clone())?;
    let number = |v: &Value| match v {
        Value::Number(n) => Some(*n),
        Value::Empty => Some(0.0),
        _ => None,
    };
    let sum = |vals: &[Value]| vals.iter().try_fold(0.0, |acc, v| Some(acc + number(v)?));
    match rollup {
        Rollup::Sum => (!slice.is_empty()).then(|| sum(slice)).flatten(),
        Rollup::Last => slice.last().and_then(number),
        Rollup::Average => {
            let numbers: Vec<f64> = slice.iter().filter_map(Value::as_number).collect();
            (!numbers.is_empty()).then(|| numbers.iter().sum::<f64>() / numbers.len() as f64)
        }
        Rollup::Ratio(..) => {
            let (num, den) = parts?;
            let n = sum(num.get(range.clone())?)?;
            let d = sum(den.get(range)?)?;
            (d != 0.0).then(|| n / d)
        }
    }
}

/// What the page asks the editor to do.
enum Action {
    /// Replace the investor view (`None`: back to the default view).
    SetView(Option<InvestorView>),
    /// Close the investor view.
    Back,
    /// Export through a file dialog.
    Export(ExportKind),
}

impl App {
    /// Opens or closes the investor view (an open cell editor is committed
    /// first, so nothing typed is lost).
    pub fn toggle_investor(&mut self) {
        if !self.investor.open {
            self.commit_editor(None);
            self.view.editor = None;
            self.view.name_box = None;
        }
        self.investor.open = !self.investor.open;
    }

    /// The investor table as shown: the view in force, grouped as chosen.
    pub fn investor_table(&self) -> Result<InvestorTable, String> {
        let view = rollup::view(&self.doc.workbook);
        let grouping = self.investor.grouping_for(&view);
        rollup::investor_table(&self.doc.workbook, &view, Some(grouping))
    }

    /// Exports the investor view as shown to `path` (what the Export
    /// buttons do once a file is picked); the status bar says how it went.
    pub fn export_investor(&mut self, kind: ExportKind, path: &Path) -> bool {
        let title = Path::new(&self.doc.name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Model".into());
        let result = self
            .investor_table()
            .and_then(|table| export_table(&self.doc.workbook, &table, kind, path, &title));
        match result {
            Ok(()) => {
                self.view.status = format!("Exported the investor view to {}", path.display());
                true
            }
            Err(error) => {
                self.view.status = format!("Export failed: {error}");
                false
            }
        }
    }

    fn export_dialog(&mut self, kind: ExportKind) {
        let stem = Path::new(&self.doc.name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        let mut dialog = rfd::FileDialog::new()
            .add_filter(kind.filter(), &[kind.extension()])
            .set_file_name(format!("{stem}-investor.{}", kind.extension()));
        if let Some(dir) = self.doc.path.as_deref().and_then(Path::parent) {
            dialog = dialog.set_directory(dir);
        }
        let picked: Option<PathBuf> = dialog.save_file();
        if let Some(path) = picked {
            self.export_investor(kind, &path);
        }
    }

    /// Keys: Ctrl+I opens and closes the investor view; while it is open,
    /// undo and redo work and Escape goes back to the model. True while the
    /// investor view is open (the grid's keys are then not handled).
    pub(super) fn investor_keys(&mut self, ui: &mut Ui) -> bool {
        if ui.input_mut(|i| i.consume_shortcut(&TOGGLE)) {
            self.toggle_investor();
        }
        if !self.investor.open {
            return false;
        }
        let (undo, redo, escape) = ui.input_mut(|i| {
            let redo = i.consume_shortcut(&super::REDO) || i.consume_shortcut(&super::REDO_Y);
            let undo = i.consume_shortcut(&super::UNDO);
            (undo, redo, i.consume_key(Modifiers::NONE, Key::Escape))
        });
        if redo {
            self.redo();
        } else if undo {
            self.undo();
        }
        if escape && !ui.memory(|m| m.focused().is_some()) {
            self.investor.open = false;
        }
        true
    }

    /// Draws the investor view in place of the grid and its panels: the
    /// status bar and the page. `panel_events` come from the menu bar.
    pub(super) fn investor_ui(
        &mut self,
        ui: &mut Ui,
        theme: &Theme,
        panel_events: Vec<PanelEvent>,
    ) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&self.view.status).small());
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    ui.label(
                        RichText::new(self.doc.title())
                            .small()
                            .color(theme.muted_text),
                    );
                });
            });
        });
        let actions = egui::CentralPanel::default()
            .show(ui, |ui| {
                page_ui(ui, &mut self.investor, &mut self.doc.workbook, theme)
            })
            .inner;
        for event in panel_events {
            self.panel_event(event);
        }
        for action in actions {
            match action {
                Action::SetView(view) => {
                    self.apply(vec![Command::SetInvestorView { view }], None);
                }
                Action::Back => self.investor.open = false,
                Action::Export(kind) => self.export_dialog(kind),
            }
        }
    }
}

/// The page: toolbar, row chooser, charts, table, scenarios.
fn page_ui(
    ui: &mut Ui,
    mode: &mut InvestorMode,
    workbook: &mut Workbook,
    theme: &Theme,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let view = rollup::view(workbook);
    let mut grouping = mode.grouping_for(&view);
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("⬅ Back to the model")
            .on_hover_text("Return to the editing grid (Ctrl+I or Esc)")
            .clicked()
        {
            actions.push(Action::Back);
        }
        ui.separator();
        ui.heading("Investor view");
        ui.separator();
        ui.label("Columns:");
        for (value, text) in [
            (Grouping::Month, "Month"),
            (Grouping::Quarter, "Quarter"),
            (Grouping::Year, "Year"),
        ] {
            if ui.selectable_value(&mut grouping, value, text).clicked() {
                mode.grouping = Some(grouping);
                mode.compare_over = None;
            }
        }
        ui.separator();
        let has_scenarios = !workbook.scenarios().is_empty();
        ui.add_enabled(
            has_scenarios,
            egui::Checkbox::new(&mut mode.side_by_side, "Scenarios side by side"),
        )
        .on_disabled_hover_text("The model has no scenarios");
        ui.separator();
        for kind in ExportKind::ALL {
            if ui
                .button(kind.button())
                .on_hover_text(kind.hint())
                .clicked()
            {
                actions.push(Action::Export(kind));
            }
        }
    });
    if let Some(active) = workbook.active_scenario() {
        ui.label(
            RichText::new(format!(
                "Values under the scenario “{}”",
                scenario::name(workbook, Some(active))
            ))
            .color(theme.scenario_mark),
        );
    }
    ui.separator();
    let table = match rollup::investor_table(workbook, &view, Some(grouping)) {
        Ok(table) => table,
        Err(error) => {
            ui.colored_label(
                theme.error,
                format!("The investor view cannot be shown: {error}"),
            );
            if ui.button("Use the default view").clicked() {
                actions.push(Action::SetView(None));
            }
            return actions;
        }
    };
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if let Some(view) = row_chooser_ui(ui, mode, workbook, &view) {
                actions.push(Action::SetView(Some(view)));
            }
            ui.add_space(6.0);
            charts_ui(ui, &table);
            ui.add_space(10.0);
            if table.lines.is_empty() {
                ui.label("No rows are shown: choose some under “Choose rows”.");
            } else {
                table_ui(ui, &table, theme);
            }
            if mode.side_by_side && !workbook.scenarios().is_empty() {
                ui.add_space(14.0);
                side_by_side_ui(ui, mode, workbook, &table, &view, theme);
            }
        });
    actions
}

/// The metrics a view may show, in model order: (sheet, row, reference,
/// label, section title or "").
fn candidates(workbook: &Workbook) -> Vec<(u32, u32, String, String, String)> {
    let doc = workbook.document();
    let several_sheets = doc.sheets.len() > 1;
    let mut out = Vec::new();
    for (s, sheet) in doc.sheets.iter().enumerate() {
        if sheet.layout != SheetLayout::Metrics {
            continue;
        }
        let mut section = String::new();
        for (r, row) in sheet.rows.iter().enumerate() {
            if !row.section.is_empty() {
                section = row.section.clone();
                continue;
            }
            let name = workbook.metric_name(s as u32, r as u32);
            if name.is_empty() {
                continue;
            }
            let reference = if several_sheets {
                format!("{}!{name}", sheet.name)
            } else {
                name.to_string()
            };
            let label = if row.label.is_empty() {
                name.to_string()
            } else {
                row.label.clone()
            };
            let title = if several_sheets {
                format!("{} — {section}", sheet.name)
            } else {
                section.clone()
            };
            out.push((s as u32, r as u32, reference, label, title));
        }
    }
    out
}

/// The row chooser: a collapsible list of the model's metrics with a check
/// box each. Returns the changed view, if a box was clicked.
fn row_chooser_ui(
    ui: &mut Ui,
    mode: &mut InvestorMode,
    workbook: &Workbook,
    view: &InvestorView,
) -> Option<InvestorView> {
    let mut changed = None;
    let shown: Vec<Option<(u32, u32)>> =
        view.rows.iter().map(|r| workbook.find_metric(r)).collect();
    egui::CollapsingHeader::new(format!("Choose rows ({} shown)", view.rows.len()))
        .id_salt("investor_rows")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Filter:");
                ui.add(egui::TextEdit::singleline(&mut mode.filter).desired_width(220.0))
                    .labelled_by(label.id);
            });
            let all = candidates(workbook);
            let filter = mode.filter.trim().to_lowercase();
            egui::ScrollArea::vertical()
                .id_salt("investor_rows_list")
                .max_height(260.0)
                .show(ui, |ui| {
                    let mut last_section = None;
                    for (index, (sheet, row, reference, label, section)) in all.iter().enumerate() {
                        if !filter.is_empty()
                            && !label.to_lowercase().contains(&filter)
                            && !reference.to_lowercase().contains(&filter)
                        {
                            continue;
                        }
                        if last_section != Some(section) && !section.is_empty() {
                            ui.label(RichText::new(section).strong().small());
                        }
                        last_section = Some(section);
                        let cell = Some((*sheet, *row));
                        let was = shown.contains(&cell);
                        let mut on = was;
                        ui.checkbox(&mut on, label.as_str())
                            .on_hover_text(format!("`{reference}`"));
                        if on != was {
                            let mut new = view.clone();
                            if on {
                                // Keep model order: after the last shown
                                // metric that comes before this one.
                                let at = all[..index]
                                    .iter()
                                    .rev()
                                    .find_map(|c| {
                                        shown.iter().rposition(|s| *s == Some((c.0, c.1)))
                                    })
                                    .map_or(0, |p| p + 1);
                                new.rows.insert(at.min(new.rows.len()), reference.clone());
                            } else {
                                let keep: Vec<String> = view
                                    .rows
                                    .iter()
                                    .zip(&shown)
                                    .filter(|(_, s)| **s != cell)
                                    .map(|(r, _)| r.clone())
                                    .collect();
                                new.rows = keep;
                                new.charts.retain(|c| workbook.find_metric(c) != cell);
                            }
                            changed = Some(new);
                        }
                    }
                });
        });
    changed
}

/// The charts of the view's chart metrics, side by side: bars per quarter
/// or year, a line by month.
fn charts_ui(ui: &mut Ui, table: &InvestorTable) {
    if table.charts.is_empty() {
        return;
    }
    let per_row = table.charts.len().min(4);
    for chunk in table.charts.chunks(per_row) {
        ui.columns(per_row, |columns| {
            for (column, metric) in columns.iter_mut().zip(chunk) {
                chart_ui(column, table, metric);
            }
        });
    }
}

fn chart_ui(ui: &mut Ui, table: &InvestorTable, metric: &ViewMetric) {
    let title = if metric.unit.is_empty() {
        metric.label.clone()
    } else {
        format!("{}, {}", metric.label, metric.unit)
    };
    ui.label(RichText::new(title).strong());
    let labels: Vec<String> = table.groups.iter().map(|g| g.label.clone()).collect();
    let format = metric.format;
    let step = (labels.len() as f64 / 4.0).ceil().max(1.0);
    let plot = Plot::new(("investor_chart", metric.sheet, metric.row))
        .height(CHART_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .include_y(0.0)
        .x_grid_spacer(egui_plot::uniform_grid_spacer(move |_| [step, step, step]))
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-9 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_axis_formatter(move |mark, _| super::grid::compact(mark.value, format));
    let by_month = table.grouping == Grouping::Month;
    plot.show(ui, |plot| {
        if by_month {
            let points: PlotPoints = metric
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| Some([i as f64, (*v)?]))
                .collect();
            plot.line(
                Line::new(metric.label.clone(), points)
                    .color(CHART_COLOUR)
                    .width(2.0),
            );
        } else {
            let bars = metric
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| Some(Bar::new(i as f64, (*v)?).width(0.6)))
                .collect();
            plot.bar_chart(BarChart::new(metric.label.clone(), bars).color(CHART_COLOUR));
        }
    });
}

/// A cell of the tables `width` wide, its text laid out by `layout` after
/// `indent` points.
fn cell(ui: &mut Ui, width: f32, layout: Layout, indent: f32, text: RichText) -> egui::Response {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(width, ui.spacing().interact_size.y),
        egui::Sense::hover(),
    );
    let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect).layout(layout));
    child.add_space(indent);
    child.add(egui::Label::new(text).truncate())
}

/// A value right-aligned in a cell of the tables.
fn value_cell(ui: &mut Ui, text: RichText) {
    cell(
        ui,
        VALUE_WIDTH,
        Layout::right_to_left(Align::Center),
        0.0,
        text,
    );
}

/// A header or section title in the first column of the tables.
fn label_cell(ui: &mut Ui, text: RichText) -> egui::Response {
    cell(
        ui,
        LABEL_WIDTH,
        Layout::left_to_right(Align::Center),
        0.0,
        text,
    )
}

/// A metric's label in the first column of the tables, indented under its
/// section's title.
fn metric_cell(ui: &mut Ui, text: RichText) -> egui::Response {
    cell(
        ui,
        LABEL_WIDTH,
        Layout::left_to_right(Align::Center),
        12.0,
        text,
    )
}

/// A number as the row's format shows it, or a dash.
fn shown(value: Option<f64>, format: Format) -> String {
    value.map_or_else(|| "—".into(), |v| display::format_number(v, format))
}

/// The rolled-up table: metric, unit, one column per group.
fn table_ui(ui: &mut Ui, table: &InvestorTable, theme: &Theme) {
    egui::ScrollArea::horizontal()
        .id_salt("investor_table_scroll")
        .show(ui, |ui| {
            egui::Grid::new("investor_table")
                .striped(true)
                .min_col_width(40.0)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    label_cell(ui, RichText::new("Metric").strong());
                    ui.label(RichText::new("Unit").strong());
                    for group in &table.groups {
                        value_cell(ui, RichText::new(&group.label).strong());
                    }
                    ui.end_row();
                    for line in &table.lines {
                        match line {
                            ViewLine::Section(title) => {
                                label_cell(
                                    ui,
                                    RichText::new(title).strong().color(theme.section_text),
                                );
                                ui.end_row();
                            }
                            ViewLine::Metric(metric) => {
                                metric_cell(ui, RichText::new(&metric.label).color(theme.text))
                                    .on_hover_text(format!(
                                        "`{}`, rolled up by {}",
                                        metric.name,
                                        rollup_words(&metric.rollup)
                                    ));
                                ui.label(RichText::new(&metric.unit).color(theme.muted_text));
                                for value in &metric.values {
                                    value_cell(
                                        ui,
                                        RichText::new(shown(*value, metric.format))
                                            .color(theme.text),
                                    );
                                }
                                ui.end_row();
                            }
                        }
                    }
                });
        });
}

fn rollup_words(rollup: &Rollup) -> String {
    match rollup {
        Rollup::Sum => "sum".into(),
        Rollup::Last => "last value".into(),
        Rollup::Average => "average".into(),
        Rollup::Ratio(n, d) => format!("ratio {n} / {d}"),
    }
}

/// The scenarios side by side: each shown metric under base and every
/// scenario, over the whole timeline or one column, with % from base.
fn side_by_side_ui(
    ui: &mut Ui,
    mode: &mut InvestorMode,
    workbook: &mut Workbook,
    table: &InvestorTable,
    view: &InvestorView,
    theme: &Theme,
) {
    ui.heading("Scenarios side by side");
    let over_text = |over: Option<usize>| match over.and_then(|i| table.groups.get(i)) {
        Some(group) => group.label.clone(),
        None => "Whole timeline".to_string(),
    };
    egui::ComboBox::from_label("Compared over")
        .selected_text(over_text(mode.compare_over))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut mode.compare_over, None, "Whole timeline");
            for (i, group) in table.groups.iter().enumerate() {
                ui.selectable_value(&mut mode.compare_over, Some(i), group.label.as_str());
            }
        });
    let periods = mode
        .compare_over
        .and_then(|i| table.groups.get(i))
        .map(|g| g.periods.clone());
    let result = mode.side_by_side(workbook, table, view, periods);
    let sides = match result {
        Ok(sides) => sides,
        Err(error) => {
            ui.colored_label(
                theme.error,
                format!("Scenarios could not be compared: {error}"),
            );
            return;
        }
    };
    egui::ScrollArea::horizontal()
        .id_salt("investor_scenarios_scroll")
        .show(ui, |ui| {
            egui::Grid::new("investor_scenarios")
                .striped(true)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    label_cell(ui, RichText::new("Metric").strong());
                    ui.label(RichText::new("Unit").strong());
                    for (i, name) in sides.names.iter().enumerate() {
                        value_cell(ui, RichText::new(name).strong());
                        if i > 0 {
                            value_cell(ui, RichText::new(format!("vs {}", sides.names[0])).small());
                        }
                    }
                    ui.end_row();
                    for row in &sides.rows {
                        label_cell(ui, RichText::new(&row.label).color(theme.text));
                        ui.label(RichText::new(&row.unit).color(theme.muted_text));
                        for (i, value) in row.values.iter().enumerate() {
                            value_cell(
                                ui,
                                RichText::new(shown(*value, row.format)).color(theme.text),
                            );
                            if i > 0 {
                                let pct = row.pct[i];
                                let text = pct.map_or_else(
                                    || "—".to_string(),
                                    |p| format!("{:+.1}%", p * 100.0),
                                );
                                let colour = match pct {
                                    Some(p) if p > 0.0005 => theme.up,
                                    Some(p) if p < -0.0005 => theme.down,
                                    _ => theme.muted_text,
                                };
                                value_cell(ui, RichText::new(text).color(colour));
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}
