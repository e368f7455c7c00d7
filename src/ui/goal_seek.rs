//! The goal-seek dialog: "set TARGET to VALUE by changing INPUT". Seek
//! finds the input value (the model is left as it was) and shows it with
//! what the target becomes; Apply makes it one undoable edit.

use egui::{RichText, Ui};

use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::goal_seek::{self, GoalSeek};
use crate::model::input_ref::{self, InputRef};
use crate::model::{CellInput, Format, Workbook, display, what_if};

/// The dialog's state.
#[derive(Debug, Clone, Default)]
pub struct GoalSeekDialog {
    /// Whether the window is shown.
    pub open: bool,
    /// The target as typed: `ebitda@Dec 2027`, `net_revenue@total`.
    pub target: String,
    /// The goal as typed: `50000000`, `50,000,000`, `12%`.
    pub value: String,
    /// The input as typed: `list_price@Jan 2026` (one cell) or `list_price`
    /// (the whole row, scaled).
    pub input: String,
    /// The last answer.
    pub answer: Option<GoalSeek>,
    /// Why the last seek failed.
    pub error: Option<String>,
}

impl GoalSeekDialog {
    /// Opens the dialog, the target defaulting to the selected cell.
    pub fn open_at(&mut self, workbook: &Workbook, sheet: u32, row: u32, period: Option<u32>) {
        self.open = true;
        self.answer = None;
        self.error = None;
        let name = workbook.metric_name(sheet, row);
        if !name.is_empty() {
            self.target = match period {
                Some(p) => format!(
                    "{name}@{}",
                    crate::model::timeline::period_label(&workbook.document().timeline, p)
                ),
                None => format!("{name}@total"),
            };
        }
    }

    /// Runs the seek with the dialog's fields.
    pub fn seek(&mut self, workbook: &mut Workbook) {
        self.answer = None;
        let outcome = (|| {
            let target = what_if::parse_target(workbook, &self.target)?;
            let value = match CellInput::from_typed(&self.value) {
                CellInput::Number(n) => n,
                _ => {
                    return Err(format!(
                        "the goal `{}` is not a number (e.g. 50000000, 50,000,000 or 12%)",
                        self.value.trim()
                    ));
                }
            };
            let input = input_ref::parse_input(workbook, &self.input, "goal seek")?;
            goal_seek::goal_seek(workbook, &target, value, &input)
        })();
        match outcome {
            Ok(answer) => {
                self.answer = Some(answer);
                self.error = None;
            }
            Err(message) => self.error = Some(message),
        }
    }

    /// Draws the window (when open). Apply is sent as an edit.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        if !self.open {
            return;
        }
        let mut open = true;
        let mut seek = false;
        let mut apply = false;
        egui::Window::new("Goal seek")
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .show(ui.ctx(), |ui| {
                egui::Grid::new("goal_seek_fields")
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (label, text, hint) in [
                            ("Set", &mut self.target, "ebitda@Dec 2027 or ebitda@total"),
                            ("To value", &mut self.value, "50,000,000"),
                            (
                                "By changing",
                                &mut self.input,
                                "list_price or list_price@Jan 2026",
                            ),
                        ] {
                            let name = ui.label(label);
                            let response = ui
                                .add(
                                    egui::TextEdit::singleline(text)
                                        .hint_text(hint)
                                        .desired_width(260.0),
                                )
                                .labelled_by(name.id);
                            seek |= response.lost_focus()
                                && ui.input(|i| i.key_pressed(egui::Key::Enter));
                            ui.end_row();
                        }
                    });
                ui.label(
                    RichText::new(
                        "A metric@period changes one input cell; a metric alone scales \
                         every number typed into its row.",
                    )
                    .small()
                    .color(theme.muted_text),
                );
                ui.horizontal(|ui| {
                    seek |= ui.button("Seek").clicked();
                    if self.answer.is_some() {
                        apply = ui.button("Apply").clicked();
                    }
                });
                if let Some(error) = &self.error {
                    ui.label(RichText::new(error).color(theme.error));
                }
                if let Some(answer) = &self.answer {
                    ui.label(describe(workbook, answer));
                }
            });
        if seek {
            self.seek(workbook);
        }
        if apply && let Some(answer) = self.answer.take() {
            events.push(PanelEvent::Apply(answer.edit));
            open = false;
        }
        self.open = open;
    }
}

/// The answer in words: the input's new value and what the target becomes.
pub fn describe(workbook: &Workbook, answer: &GoalSeek) -> String {
    let format_of = |(sheet, row): (u32, u32)| {
        workbook
            .rows(sheet)
            .get(row as usize)
            .map_or(Format::General, |r| r.format)
    };
    let input_format = format_of(answer.input.cell_row());
    let change = match answer.input {
        InputRef::Cell { .. } => format!(
            "{} = {} (now {})",
            answer.input.describe(workbook),
            display::format_number(answer.solution, input_format),
            display::format_number(answer.start, input_format),
        ),
        InputRef::Row { .. } => format!(
            "every number in {} × {} ({:+.2}%)",
            answer.input.describe(workbook),
            display::shortest_number((answer.solution * 1e6).round() / 1e6),
            (answer.solution - 1.0) * 100.0
        ),
    };
    format!(
        "{change}\nthe target becomes {} (now {}) · {} recalculations",
        display::format_number(answer.achieved, Format::General),
        display::format_number(answer.target_before, Format::General),
        answer.evaluations
    )
}
