//! The data-table tool (a spreadsheet's What-If Data Table): a target over a
//! range of one input, or over a grid of two, shown as a heat-coloured
//! table (greener above the model as it stands, redder below) and
//! exportable as CSV. The table is computed on a background thread with a
//! progress bar and a Cancel button, so a large one never freezes the
//! editor.

use egui::{Color32, RichText, Ui};

use super::background::{self, Job};
use super::theme::Theme;
use crate::model::data_table::{self, Axis, DataTable, DataTableError};
use crate::model::input_ref::{self, InputRef};
use crate::model::{Workbook, display, what_if};

/// One input of the table as the user sets it: which input, and a range of
/// % changes from its current value.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisSettings {
    /// `price` (the whole row, scaled) or `price@Jan 2026` (one cell).
    pub input: String,
    /// First change, in percent (−20 = 20% lower).
    pub from_percent: f64,
    /// Last change, in percent.
    pub to_percent: f64,
    /// Number of values from first to last.
    pub steps: usize,
}

impl Default for AxisSettings {
    fn default() -> Self {
        AxisSettings {
            input: String::new(),
            from_percent: -20.0,
            to_percent: 20.0,
            steps: 5,
        }
    }
}

impl AxisSettings {
    /// The axis for the model as it stands: factors for a row input,
    /// values for a cell input.
    fn axis(&self, workbook: &Workbook) -> Result<Axis, String> {
        let input = input_ref::parse_input(workbook, &self.input, "data table")?;
        if !(1..=500).contains(&self.steps) {
            return Err("use between 1 and 500 values per input".into());
        }
        let factor = |i: usize| {
            let t = if self.steps == 1 {
                0.0
            } else {
                i as f64 / (self.steps - 1) as f64
            };
            1.0 + (self.from_percent + t * (self.to_percent - self.from_percent)) / 100.0
        };
        let values = match input {
            InputRef::Row { .. } => (0..self.steps).map(factor).collect(),
            InputRef::Cell { sheet, row, period } => {
                let base = workbook
                    .value(sheet, row, period)
                    .as_number()
                    .ok_or_else(|| format!("`{}` is not a number", self.input.trim()))?;
                (0..self.steps).map(|i| base * factor(i)).collect()
            }
        };
        Ok(Axis { input, values })
    }

    fn ui(&mut self, ui: &mut Ui, label: &str) {
        ui.horizontal(|ui| {
            let name = ui.label(label);
            ui.add(
                egui::TextEdit::singleline(&mut self.input)
                    .hint_text("price or price@Jan 2026")
                    .desired_width(170.0),
            )
            .labelled_by(name.id);
            ui.label("from");
            ui.add(
                egui::DragValue::new(&mut self.from_percent)
                    .range(-99.0..=1000.0)
                    .suffix("%"),
            );
            ui.label("to");
            ui.add(
                egui::DragValue::new(&mut self.to_percent)
                    .range(-99.0..=1000.0)
                    .suffix("%"),
            );
            ui.label("in");
            ui.add(
                egui::DragValue::new(&mut self.steps)
                    .range(1..=500)
                    .suffix(" steps"),
            );
        });
    }
}

/// The tool's settings, running job and last table.
#[derive(Debug, Default)]
pub struct DataTableTool {
    /// The target as typed: `ebitda@total`, `revenue@Dec 2027`.
    pub target: String,
    /// The input down the side.
    pub rows: AxisSettings,
    /// Whether a second input runs across the top.
    pub two_inputs: bool,
    /// The input across the top.
    pub cols: AxisSettings,
    /// The computation in progress.
    job: Option<Job<Result<DataTable, DataTableError>>>,
    /// The last table and the target's value as the model stood.
    pub result: Option<(DataTable, f64)>,
    /// Why the last run failed, or that it was cancelled.
    pub error: Option<String>,
    /// The target's value as the model stood when the running job started.
    pending_base: Option<f64>,
}

impl DataTableTool {
    /// Starts computing the table for the current settings.
    pub fn start(&mut self, workbook: &Workbook) {
        self.error = None;
        let prepared = (|| {
            let target = what_if::parse_target(workbook, &self.target)?;
            let base = what_if::target_value(workbook, &target)
                .ok_or_else(|| format!("the target `{}` is not a number", self.target.trim()))?;
            let rows = self.rows.axis(workbook)?;
            let cols = if self.two_inputs {
                Some(self.cols.axis(workbook)?)
            } else {
                None
            };
            let needed = data_table::recalculations(
                rows.values.len(),
                cols.as_ref().map(|c| c.values.len()),
            );
            if needed > data_table::MAX_RECALCULATIONS {
                return Err(format!(
                    "this table needs {needed} recalculations; the limit is {} (use fewer steps)",
                    data_table::MAX_RECALCULATIONS
                ));
            }
            Ok((target, base, rows, cols))
        })();
        let (target, base, rows, cols) = match prepared {
            Ok(parts) => parts,
            Err(message) => {
                self.error = Some(message);
                return;
            }
        };
        let job = Job::start(workbook, move |copy, progress| {
            data_table::data_table(copy, &target, &rows, cols.as_ref(), &mut |done, total| {
                progress.report(done, total)
            })
        });
        match job {
            Ok(job) => {
                self.job = Some(job);
                self.pending_base = Some(base);
            }
            Err(message) => self.error = Some(message),
        }
    }

    /// True while a table is being computed.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Takes the finished table, if the job is done (also for tests).
    pub fn poll(&mut self) {
        match background::take_finished(&mut self.job) {
            None => {}
            Some(Ok(Ok(table))) => {
                self.result = Some((table, self.pending_base.unwrap_or(0.0)));
            }
            Some(Ok(Err(error))) => self.error = Some(error.to_string()),
            Some(Err(message)) => self.error = Some(message),
        }
    }

    /// Draws the tool.
    pub fn ui(&mut self, ui: &mut Ui, workbook: &Workbook, theme: &Theme) {
        self.poll();
        ui.horizontal(|ui| {
            let label = ui.label("Target");
            ui.add(
                egui::TextEdit::singleline(&mut self.target)
                    .hint_text("ebitda@total")
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
            ui.checkbox(&mut self.two_inputs, "Two inputs");
        });
        self.rows.ui(ui, "Input down the side");
        if self.two_inputs {
            self.cols.ui(ui, "Input across the top");
        }
        ui.horizontal(|ui| {
            if let Some(job) = &self.job {
                job.progress_ui(ui, "cells");
            } else if ui.button("Compute").clicked() {
                self.start(workbook);
            }
            if let Some((table, _)) = &self.result
                && self.job.is_none()
            {
                if ui.button("Copy as CSV").clicked() {
                    ui.ctx().copy_text(data_table::to_csv(workbook, table));
                }
                if ui.button("Save CSV…").clicked()
                    && let Some(path) = rfd::FileDialog::new()
                        .add_filter("CSV", &["csv"])
                        .set_file_name("data-table.csv")
                        .save_file()
                    && let Err(e) = crate::model::io::write_atomically(
                        &path,
                        data_table::to_csv(workbook, table).as_bytes(),
                    )
                {
                    self.error = Some(e.to_string());
                }
            }
        });
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(theme.error));
        }
        if let Some((table, base)) = &self.result {
            heat_table(ui, workbook, table, *base, theme);
        }
    }
}

/// The table with each cell coloured by how far it is from `base`.
fn heat_table(ui: &mut Ui, workbook: &Workbook, table: &DataTable, base: f64, theme: &Theme) {
    let (sheet, row) = table.target.cell_row();
    let format = workbook
        .rows(sheet)
        .get(row as usize)
        .map_or(crate::model::Format::General, |r| r.format);
    let lines = data_table::grid(workbook, table, &|n| display::format_number(n, format));
    let spread = table
        .cells
        .iter()
        .flatten()
        .flatten()
        .map(|v| (v - base).abs())
        .fold(0.0, f64::max);
    egui::ScrollArea::both()
        .id_salt("data_table_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("data_table_grid")
                .spacing([2.0, 2.0])
                .show(ui, |ui| {
                    for (i, line) in lines.iter().enumerate() {
                        for (j, field) in line.iter().enumerate() {
                            let value = (i > 0 && j > 0)
                                .then(|| table.cells[i - 1].get(j - 1).copied().flatten())
                                .flatten();
                            let text = RichText::new(field);
                            match value {
                                Some(v) => {
                                    let fill = heat(v - base, spread, theme);
                                    egui::Frame::NONE
                                        .fill(fill)
                                        .inner_margin(egui::Margin::symmetric(6, 2))
                                        .show(ui, |ui| ui.label(text.color(theme.text)));
                                }
                                None if i == 0 || j == 0 => {
                                    ui.label(text.strong());
                                }
                                None => {
                                    ui.label(text.color(theme.muted_text));
                                }
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

/// Green above the base, red below, stronger the further away.
fn heat(delta: f64, spread: f64, theme: &Theme) -> Color32 {
    if spread <= 0.0 || delta == 0.0 {
        return theme.cell_bg;
    }
    let strength = ((delta.abs() / spread) as f32).clamp(0.0, 1.0);
    let tint = if delta > 0.0 { theme.up } else { theme.down };
    let alpha = (40.0 + 140.0 * strength) as u8;
    Color32::from_rgba_unmultiplied(tint.r(), tint.g(), tint.b(), alpha)
}
