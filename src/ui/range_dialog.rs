//! The range dialog (Rows → Range…): an input's uncertainty for
//! simulations — its distribution as typed in a cell (`18% to 24%`,
//! `triangular(18%; 20%; 24%)`, …), whether the row's periods move together,
//! are drawn each on its own, or only one period is uncertain, and a rank
//! correlation with another input. Everything typing a range into a cell
//! cannot say. The result is one undoable edit; while a scenario is shown
//! the range goes to the scenario, as a typed one does.

use egui::{RichText, Ui};

use super::edits::typed_number;
use super::theme::Theme;
use crate::model::document::{Correlation, Uncertainty};
use crate::model::{Command, Edit, Workbook, scenario, timeline, uncertainty};

/// Which of the row's cells the range sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// The row's typed numbers move together: one draw per run.
    Together,
    /// Every period is drawn on its own.
    PerPeriod,
    /// Only the period typed in [`RangeDialog::period`].
    OnePeriod,
}

/// The dialog's fields for one metric row.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeDialog {
    /// Sheet of the metric.
    pub sheet: u32,
    /// Row of the metric.
    pub row: u32,
    /// The distribution as typed in a cell.
    pub range: String,
    /// Which cells it covers.
    pub cover: Cover,
    /// The period for [`Cover::OnePeriod`], e.g. `Apr 2026`.
    pub period: String,
    /// Another input it moves with (name or label), or empty.
    pub correlated: String,
    /// The rank correlation with it, e.g. `0.6`.
    pub rho: String,
    /// The input the correlation named when the dialog opened.
    correlated_before: String,
    /// Why the fields were not accepted.
    pub error: Option<String>,
}

/// What the user chose in the dialog this frame (as in the benchmark
/// dialog).
pub use super::benchmark_dialog::Outcome;

impl RangeDialog {
    /// The dialog for the metric at (`sheet`, `row`), filled with its range
    /// as shown (the scenario's own, if it has one) and its first
    /// correlation.
    pub fn for_row(workbook: &Workbook, sheet: u32, row: u32) -> RangeDialog {
        let format = workbook
            .rows(sheet)
            .get(row as usize)
            .map_or(crate::model::Format::General, |r| r.format);
        let tl = &workbook.document().timeline;
        let (range, cover, period) = match workbook.range(sheet, row) {
            Some(u) => (
                u.dist.typed(&|x| typed_number(format, x)),
                match (u.period, u.per_period) {
                    (Some(_), _) => Cover::OnePeriod,
                    (None, true) => Cover::PerPeriod,
                    (None, false) => Cover::Together,
                },
                u.period
                    .map(|p| timeline::period_label(tl, p - 1))
                    .unwrap_or_default(),
            ),
            None => (String::new(), Cover::Together, String::new()),
        };
        let same = |name: &str| workbook.find_metric(name) == Some((sheet, row));
        let (correlated, rho) = workbook
            .document()
            .correlations
            .iter()
            .find_map(|c| {
                if same(&c.a) {
                    Some((c.b.clone(), c.rho))
                } else if same(&c.b) {
                    Some((c.a.clone(), c.rho))
                } else {
                    None
                }
            })
            .map_or((String::new(), String::new()), |(other, rho)| {
                (other, crate::model::display::shortest_number(rho))
            });
        RangeDialog {
            sheet,
            row,
            range,
            cover,
            period,
            correlated_before: correlated.clone(),
            correlated,
            rho,
            error: None,
        }
    }

    /// The edit the fields describe: the range (routed to the scenario
    /// shown by the workbook) and, if the correlation changed, the new
    /// correlation list.
    pub fn edit(&self, workbook: &Workbook) -> Result<Edit, String> {
        let dist = match uncertainty::parse_typed(&self.range) {
            Some(result) => result?,
            None => {
                return Err(format!(
                    "`{}` is not a range: type `18% to 24%`, `triangular(18%; 20%; 24%)`, \
                     `normal(20%; 2%)`, `lognormal(74900; 8000)` or `discrete(10: 0.3; 12: 0.7)`",
                    self.range.trim()
                ));
            }
        };
        let period = match self.cover {
            Cover::OnePeriod => {
                let tl = &workbook.document().timeline;
                let p = timeline::find_period(tl, &self.period)
                    .ok_or_else(|| format!("no period `{}` on the timeline", self.period.trim()))?;
                Some(p + 1)
            }
            _ => None,
        };
        let range = Uncertainty {
            dist,
            period,
            per_period: self.cover == Cover::PerPeriod,
        };
        uncertainty::check(&range, workbook.periods())?;
        let mut edit = vec![Command::SetUncertainty {
            sheet: self.sheet,
            row: self.row,
            uncertainty: Some(Box::new(range)),
        }];
        if let Some(correlations) = self.correlations(workbook)? {
            edit.push(Command::SetCorrelations { correlations });
        }
        Ok(edit)
    }

    /// The correlation list with this input's pair replaced, or `None` if
    /// the fields leave it as it was.
    fn correlations(&self, workbook: &Workbook) -> Result<Option<Vec<Correlation>>, String> {
        let other = self.correlated.trim();
        let before = self.correlated_before.trim();
        let this = scenario::key_for(
            workbook.document(),
            workbook.metric_names(),
            self.sheet,
            self.row,
        )
        .ok_or("this row has no metric name to correlate by")?;
        let me = (self.sheet, self.row);
        let pair_of = |c: &Correlation, name: &str| {
            let (a, b) = (workbook.find_metric(&c.a), workbook.find_metric(&c.b));
            let that = workbook.find_metric(name);
            (a == Some(me) && b == that) || (b == Some(me) && a == that)
        };
        let mut list = workbook.document().correlations.clone();
        if !before.is_empty() {
            list.retain(|c| !pair_of(c, before));
        }
        if !other.is_empty() {
            let key = crate::model::targets::metric_key(workbook, other)?;
            if workbook.find_metric(&key) == Some(me) {
                return Err("an input cannot be correlated with itself".into());
            }
            let rho = match crate::model::CellInput::from_typed(&self.rho) {
                crate::model::CellInput::Number(n) => n,
                _ => {
                    return Err(format!(
                        "the correlation `{}` is not a number from -1 to 1",
                        self.rho.trim()
                    ));
                }
            };
            list.retain(|c| !pair_of(c, &key));
            // Correlated inputs are drawn the same way (see simulate).
            if let Some((s, r)) = workbook.find_metric(&key)
                && let Some(theirs) = workbook.range(s, r)
                && theirs.per_period != (self.cover == Cover::PerPeriod)
            {
                return Err(format!(
                    "`{key}` is drawn {}; inputs that move together must be drawn the same way",
                    if theirs.per_period {
                        "each period on its own"
                    } else {
                        "once per run"
                    }
                ));
            }
            let c = Correlation {
                a: this,
                b: key,
                rho,
            };
            uncertainty::check_correlation(&c)?;
            list.push(c);
        }
        Ok((list != workbook.document().correlations).then_some(list))
    }

    /// Draws the dialog.
    pub fn ui(&mut self, ui: &mut Ui, workbook: &Workbook, theme: &Theme) -> Outcome {
        let label = workbook
            .rows(self.sheet)
            .get(self.row as usize)
            .map(|r| r.label.clone())
            .unwrap_or_default();
        let has_one = workbook.range(self.sheet, self.row).is_some();
        let mut outcome = Outcome::Open;
        egui::Modal::new(egui::Id::unique("range_dialog")).show(ui.ctx(), |ui| {
            ui.set_min_width(480.0);
            ui.heading(format!("Range for “{label}”"));
            let note = match workbook.active_scenario() {
                Some(i) => format!(
                    "What this input may be in a simulation, under the scenario “{}”.",
                    scenario::name(workbook, Some(i))
                ),
                None => "What this input may be in a simulation.".to_string(),
            };
            ui.label(RichText::new(note).color(theme.muted_text));
            egui::Grid::new("range_fields")
                .num_columns(2)
                .show(ui, |ui| {
                    let l = ui.label("Range");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.range)
                            .hint_text("18% to 24%, triangular(18%; 20%; 24%), normal(20%; 2%)")
                            .desired_width(300.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();
                    ui.label("Periods");
                    ui.vertical(|ui| {
                        ui.radio_value(
                            &mut self.cover,
                            Cover::Together,
                            "Move together (one draw per run)",
                        );
                        ui.radio_value(
                            &mut self.cover,
                            Cover::PerPeriod,
                            "Each period drawn on its own",
                        );
                        ui.horizontal(|ui| {
                            ui.radio_value(&mut self.cover, Cover::OnePeriod, "Only");
                            let l = ui.label("period");
                            ui.add_enabled(
                                self.cover == Cover::OnePeriod,
                                egui::TextEdit::singleline(&mut self.period)
                                    .hint_text("Apr 2026")
                                    .desired_width(90.0),
                            )
                            .labelled_by(l.id);
                        });
                    });
                    ui.end_row();
                    let l = ui.label("Moves with");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.correlated)
                            .hint_text("another input with a range (optional)")
                            .desired_width(220.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Rank correlation");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.rho)
                            .hint_text("0.6")
                            .desired_width(60.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();
                });
            if let Some(error) = &self.error {
                ui.label(RichText::new(error).color(theme.error));
            }
            ui.horizontal(|ui| {
                if ui.button("Set range").clicked() {
                    match self.edit(workbook) {
                        Ok(edit) => outcome = Outcome::Apply(edit),
                        Err(e) => self.error = Some(e),
                    }
                }
                if has_one && ui.button("Remove range").clicked() {
                    outcome = Outcome::Apply(vec![Command::SetUncertainty {
                        sheet: self.sheet,
                        row: self.row,
                        uncertainty: None,
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
