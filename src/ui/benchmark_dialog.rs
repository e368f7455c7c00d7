//! The benchmark dialog: set a metric's market figure (a value or a low–high
//! range), where it comes from, and whether higher or lower is better; or
//! remove it. The result is one undoable edit.

use egui::{RichText, Ui};

use super::theme::Theme;
use crate::model::document::{Benchmark, Better};
use crate::model::{CellInput, Command, Edit, Workbook};

/// The dialog's fields for one metric row.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkDialog {
    /// Sheet of the metric.
    pub sheet: u32,
    /// Row of the metric.
    pub row: u32,
    /// The market value, or the low end of the range, as typed (`4%`).
    pub low: String,
    /// The high end of the range, as typed; empty for a single value.
    pub high: String,
    /// Whether higher values are better.
    pub higher_is_better: bool,
    /// Where the figure comes from.
    pub source: String,
    /// Why the fields were not accepted.
    pub error: Option<String>,
}

/// What the user chose in the dialog this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Still open.
    Open,
    /// Closed without a change.
    Cancelled,
    /// Apply this edit.
    Apply(Edit),
}

impl BenchmarkDialog {
    /// The dialog for the metric at (`sheet`, `row`), filled with its
    /// benchmark if it has one.
    pub fn for_row(workbook: &Workbook, sheet: u32, row: u32) -> BenchmarkDialog {
        let info = workbook.rows(sheet).get(row as usize);
        let format = info.map_or(crate::model::Format::General, |r| r.format);
        let typed = |n: f64| match format {
            crate::model::Format::Percent(_) => {
                format!("{}%", crate::model::display::shortest_number(n * 100.0))
            }
            _ => crate::model::display::shortest_number(n),
        };
        match info.and_then(|r| r.benchmark.as_ref()) {
            Some(b) => BenchmarkDialog {
                sheet,
                row,
                low: typed(b.value),
                high: b.high.map(typed).unwrap_or_default(),
                higher_is_better: b.better == Better::Higher,
                source: b.source.clone(),
                error: None,
            },
            None => BenchmarkDialog {
                sheet,
                row,
                low: String::new(),
                high: String::new(),
                higher_is_better: true,
                source: String::new(),
                error: None,
            },
        }
    }

    /// The benchmark the fields describe.
    pub fn benchmark(&self) -> Result<Benchmark, String> {
        let number = |text: &str, what: &str| match CellInput::from_typed(text) {
            CellInput::Number(n) => Ok(n),
            _ => Err(format!(
                "the {what} `{}` is not a number (e.g. 4%, 0.04 or 1,200)",
                text.trim()
            )),
        };
        let value = number(&self.low, "market value")?;
        let high = if self.high.trim().is_empty() {
            None
        } else {
            Some(number(&self.high, "high end")?)
        };
        if high.is_some_and(|h| h < value) {
            return Err("the high end is below the market value".into());
        }
        Ok(Benchmark {
            value,
            high,
            better: if self.higher_is_better {
                Better::Higher
            } else {
                Better::Lower
            },
            source: self.source.trim().to_string(),
        })
    }

    /// Draws the dialog.
    pub fn ui(&mut self, ui: &mut Ui, workbook: &Workbook, theme: &Theme) -> Outcome {
        let label = workbook
            .rows(self.sheet)
            .get(self.row as usize)
            .map(|r| r.label.clone())
            .unwrap_or_default();
        let has_one = workbook
            .rows(self.sheet)
            .get(self.row as usize)
            .is_some_and(|r| r.benchmark.is_some());
        let mut outcome = Outcome::Open;
        egui::Modal::new(egui::Id::unique("benchmark_dialog")).show(ui.ctx(), |ui| {
            ui.heading(format!("Benchmark for “{label}”"));
            ui.label(
                RichText::new("The market figure the grid colours this metric against.")
                    .color(theme.muted_text),
            );
            egui::Grid::new("benchmark_fields")
                .num_columns(2)
                .show(ui, |ui| {
                    for (name, text, hint) in [
                        ("Market value", &mut self.low, "4% or 1,200"),
                        ("High end (optional)", &mut self.high, "for a range"),
                        ("Source", &mut self.source, "where the figure comes from"),
                    ] {
                        let l = ui.label(name);
                        ui.add(
                            egui::TextEdit::singleline(text)
                                .hint_text(hint)
                                .desired_width(220.0),
                        )
                        .labelled_by(l.id);
                        ui.end_row();
                    }
                });
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.higher_is_better, true, "Higher is better");
                ui.radio_value(&mut self.higher_is_better, false, "Lower is better");
            });
            if let Some(error) = &self.error {
                ui.label(RichText::new(error).color(theme.error));
            }
            ui.horizontal(|ui| {
                if ui.button("Set benchmark").clicked() {
                    match self.benchmark() {
                        Ok(b) => {
                            outcome = Outcome::Apply(vec![Command::SetBenchmark {
                                sheet: self.sheet,
                                row: self.row,
                                benchmark: Some(b),
                            }])
                        }
                        Err(e) => self.error = Some(e),
                    }
                }
                if has_one && ui.button("Remove benchmark").clicked() {
                    outcome = Outcome::Apply(vec![Command::SetBenchmark {
                        sheet: self.sheet,
                        row: self.row,
                        benchmark: None,
                    }]);
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    outcome = Outcome::Cancelled;
                }
            });
        });
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialog(low: &str, high: &str) -> BenchmarkDialog {
        BenchmarkDialog {
            sheet: 0,
            row: 0,
            low: low.into(),
            high: high.into(),
            higher_is_better: true,
            source: " survey ".into(),
            error: None,
        }
    }

    #[test]
    fn typed_fields_become_a_benchmark() {
        let b = dialog("4%", "").benchmark().unwrap();
        assert_eq!((b.value, b.high, b.source.as_str()), (0.04, None, "survey"));
        let range = dialog("65,000", "80000").benchmark().unwrap();
        assert_eq!((range.value, range.high), (65000.0, Some(80000.0)));
        assert!(dialog("soon", "").benchmark().unwrap_err().contains("soon"));
        assert!(dialog("5", "4").benchmark().is_err());
    }
}
