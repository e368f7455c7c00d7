//! The Targets tab: targets and the initiatives meant to reach them. For
//! the chosen target it shows what the model gives without the
//! initiatives, what each one delivers through the model (drawn as a
//! waterfall from "without" to "with"), the gap to the goal, each
//! initiative's progress once actuals arrive, and a button that writes the
//! review into the changelog. Adding and removing targets and initiatives
//! and the review are undoable edits (see [`crate::model::targets`]).

use egui::{RichText, Ui};

use super::panels::PanelEvent;
use super::theme::Theme;
use crate::model::targets::{self, Outcome, Verdict};
use crate::model::waterfall::{Driver, Waterfall};
use crate::model::{Command, Workbook, display, timeline};

/// An initiative being typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InitiativeDraft {
    /// What is done.
    pub name: String,
    /// Who answers for it.
    pub owner: String,
    /// The metric it moves (name or label).
    pub metric: String,
    /// `+2 pp`, `+5%` or an amount.
    pub effect: String,
    /// The first period it acts in.
    pub start: String,
}

/// What the outcomes depend on: the model's state, the scenario shown and
/// whether actuals are shown.
type RunKey = (u64, Option<usize>, bool);

/// The tab's state.
#[derive(Debug, Default)]
pub struct TargetsTool {
    /// The chosen target.
    pub selected: usize,
    /// A target being typed: `net_revenue@Jun 2026 = +10% vs May 2026`.
    pub new_target: String,
    /// An initiative being typed for the chosen target.
    pub draft: InitiativeDraft,
    /// Why the last change was refused.
    pub error: Option<String>,
    /// The target whose review was asked for this frame.
    review: Option<usize>,
    /// Every target's outcome, and what they were computed for.
    outcomes: Option<(RunKey, Vec<Result<Outcome, String>>)>,
}

impl TargetsTool {
    /// Every target's outcome for the model as it stands (computed again
    /// only after a change).
    pub fn outcomes(&mut self, workbook: &mut Workbook) -> &[Result<Outcome, String>] {
        let key = (
            workbook.state_id(),
            workbook.active_scenario(),
            workbook.actuals_shown(),
        );
        if self.outcomes.as_ref().is_none_or(|(k, _)| *k != key) {
            self.outcomes = Some((key, targets::evaluate_all(workbook)));
        }
        self.outcomes.as_ref().map_or(&[], |(_, o)| o)
    }

    fn apply(
        &mut self,
        edit: Result<crate::model::Edit, String>,
        events: &mut Vec<PanelEvent>,
    ) -> bool {
        match edit {
            Ok(edit) => {
                self.error = None;
                events.push(PanelEvent::Apply(edit));
                true
            }
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }

    /// Draws the tab; changes are sent as edits.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workbook: &mut Workbook,
        sheet: u32,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        ui.horizontal(|ui| {
            let label = ui.label("New target");
            ui.add(
                egui::TextEdit::singleline(&mut self.new_target)
                    .desired_width(320.0)
                    .hint_text("net_revenue@Jun 2026 = +10% vs May 2026"),
            )
            .labelled_by(label.id);
            if ui.button("Add target").clicked() {
                let edit = targets::parse_target(workbook, &self.new_target)
                    .map(|t| targets::add_target_edit(workbook, t));
                if self.apply(edit, events) {
                    self.selected = workbook.document().targets.len();
                    self.new_target.clear();
                }
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(theme.error, error);
        }
        let count = workbook.document().targets.len();
        if count == 0 {
            ui.label(
                "No targets yet. Type one above: a metric, a period and a goal, as a value \
                 (`= 50,000,000`) or a change against a base period (`= +10% vs May 2026`).",
            );
            return;
        }
        // Not written back: a target added this frame is chosen next frame.
        let chosen = self.selected.min(count - 1);
        let outcomes = self.outcomes(workbook).to_vec();
        if outcomes.len() != count {
            // Computed for another document; the next frame computes again.
            self.outcomes = None;
            ui.ctx().request_repaint();
            return;
        }
        ui.separator();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(290.0);
                self.target_list(ui, workbook, &outcomes, chosen, theme);
            });
            ui.separator();
            ui.vertical(|ui| {
                let index = chosen;
                match &outcomes[index] {
                    Ok(outcome) => {
                        self.target_detail(ui, workbook, (sheet, index), outcome, theme, events)
                    }
                    Err(e) => {
                        ui.colored_label(theme.error, format!("Cannot evaluate: {e}"));
                        if ui.button("Delete target").clicked() {
                            let mut all = workbook.document().targets.clone();
                            all.remove(index);
                            self.apply(Ok(vec![Command::SetTargets { targets: all }]), events);
                        }
                    }
                }
            });
        });
        if let Some(index) = self.review.take() {
            let edit = targets::review_edit(workbook, index, &timeline::today());
            self.apply(edit, events);
        }
    }

    /// The targets, one line each with where it stands; a click chooses one.
    fn target_list(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        outcomes: &[Result<Outcome, String>],
        chosen: usize,
        theme: &Theme,
    ) {
        ui.strong("Targets");
        for (i, (target, outcome)) in workbook.document().targets.iter().zip(outcomes).enumerate() {
            let status = match outcome {
                Ok(o) => match targets::met(workbook, o) {
                    Some(true) => "met".to_string(),
                    Some(false) => "missed".to_string(),
                    None if !targets::covered(workbook, o) => format!(
                        "gap {}",
                        targets::change_text(
                            workbook,
                            target,
                            o,
                            targets::shortfall(workbook, o).abs()
                        )
                        .trim_start_matches('+')
                    ),
                    None => "covered".to_string(),
                },
                Err(_) => "error".to_string(),
            };
            let text = format!("{} ({status})", targets::target_text(workbook, target));
            if ui.selectable_label(chosen == i, text).clicked() {
                self.selected = i;
            }
        }
        ui.add_space(6.0);
        ui.label(
            RichText::new(
                "Initiatives act through the model, upstream ones first, then as listed: \
                 each delivers how far the target moved when it was added, so they add up \
                 to what they deliver together.",
            )
            .small()
            .color(theme.muted_text),
        );
    }

    /// The chosen target: the answer, the waterfall, the initiatives and
    /// their progress, the forms.
    fn target_detail(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        (sheet, index): (u32, usize),
        outcome: &Outcome,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        let target = workbook.document().targets[index].clone();
        let (s, r) = outcome.cell_row;
        let format = workbook.rows(s)[r as usize].format;
        let value = |x: f64| display::format_number(x, format);
        ui.label(RichText::new(targets::target_text(workbook, &target)).strong());
        if !target.note.is_empty() {
            ui.label(RichText::new(&target.note).color(theme.muted_text));
        }
        ui.label(format!(
            "Goal {}; without the initiatives {}; with them {}.",
            value(outcome.goal),
            value(outcome.without),
            value(outcome.with)
        ));
        ui.label(RichText::new(targets::summary(workbook, &target, outcome)).strong());
        if let Some(achieved) = outcome.achieved {
            let met = targets::met(workbook, outcome) == Some(true);
            let reached = targets::change_text(
                workbook,
                &target,
                outcome,
                achieved - outcome.base.map_or(outcome.without, |(_, b)| b),
            );
            ui.colored_label(
                if met { theme.up } else { theme.down },
                format!(
                    "Closed at {} ({reached}): goal {}.",
                    value(achieved),
                    if met { "met" } else { "missed" }
                ),
            );
        }
        egui::ScrollArea::vertical()
            .id_salt("targets_detail")
            .show(ui, |ui| {
                self.initiative_table(ui, workbook, (sheet, index), outcome, theme, events);
                self.initiative_form(ui, workbook, index, events);
                ui.separator();
                ui.horizontal(|ui| {
                    let closed = outcome.achieved.is_some();
                    let review = ui.add_enabled(
                        closed && target.reviewed.is_empty(),
                        egui::Button::new("Write review to changelog"),
                    );
                    let review = if !closed {
                        review.on_disabled_hover_text(
                            "The review waits until the target's period is closed with actuals",
                        )
                    } else if !target.reviewed.is_empty() {
                        review.on_disabled_hover_text(format!(
                            "Reviewed on {}; the entry is in the changelog",
                            target.reviewed
                        ))
                    } else {
                        review.on_hover_text(
                            "Each initiative's promise against what it did, as a dated changelog entry you can edit",
                        )
                    };
                    if review.clicked() {
                        self.review = Some(index);
                    }
                    if !target.reviewed.is_empty() {
                        ui.label(format!("Reviewed {}", target.reviewed));
                    }
                    if ui.button("Delete target").clicked() {
                        let mut all = workbook.document().targets.clone();
                        all.remove(index);
                        self.apply(
                            Ok(vec![Command::SetTargets { targets: all }]),
                            events,
                        );
                    }
                });
                if !outcome.order.is_empty() {
                    let size = egui::vec2(ui.available_width().min(720.0), 220.0);
                    ui.allocate_ui(size, |ui| {
                        super::waterfall::waterfall_chart(
                            ui,
                            &as_waterfall(&target, outcome),
                            format,
                            Some(outcome.goal),
                            theme,
                        );
                    });
                }
            });
    }

    fn initiative_table(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        (sheet, index): (u32, usize),
        outcome: &Outcome,
        theme: &Theme,
        events: &mut Vec<PanelEvent>,
    ) {
        let target = &workbook.document().targets[index];
        if target.initiatives.is_empty() {
            ui.label("No initiatives yet: add one below.");
            return;
        }
        let tl = &workbook.document().timeline;
        let mut remove = None;
        egui::ScrollArea::horizontal()
            .id_salt("initiatives_scroll")
            .show(ui, |ui| {
                egui::Grid::new("initiatives_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for title in [
                            "Initiative",
                            "Metric",
                            "Expected",
                            "Delivers",
                            "Before → now",
                            "Realised",
                            "Verdict",
                            "From",
                            "Owner",
                            "",
                        ] {
                            ui.strong(title);
                        }
                        ui.end_row();
                        for (i, (initiative, o)) in target
                            .initiatives
                            .iter()
                            .zip(&outcome.initiatives)
                            .enumerate()
                        {
                            let metric_value = |v: f64| match o.cell_row {
                                Some((ms, mr)) => {
                                    display::format_number(v, workbook.rows(ms)[mr as usize].format)
                                }
                                None => String::new(),
                            };
                            let period = |p: u32| timeline::period_label(tl, p);
                            let (progress, periods) = match (o.progress.before, o.progress.now) {
                                (Some((bp, b)), Some((np, n))) => (
                                    format!("{} → {}", metric_value(b), metric_value(n)),
                                    format!("{} → {}", period(bp), period(np)),
                                ),
                                (Some((bp, b)), None) => (
                                    format!("{} → …", metric_value(b)),
                                    format!("{}; no actual booked since the start", period(bp)),
                                ),
                                _ => (String::new(), String::new()),
                            };
                            ui.label(&initiative.name);
                            match o.cell_row {
                                // A metric on the sheet shown selects its row.
                                Some((s, row)) if s == sheet => {
                                    if ui.link(&o.metric_label).clicked() {
                                        events.push(PanelEvent::SelectRow(row));
                                    }
                                }
                                _ => {
                                    ui.label(&o.metric_label);
                                }
                            }
                            ui.label(targets::effect_text(initiative.effect));
                            ui.label(match &o.error {
                                Some(e) => e.clone(),
                                None => {
                                    targets::change_text(workbook, target, outcome, o.delivered)
                                }
                            });
                            ui.label(progress).on_hover_text(periods);
                            ui.label(
                                o.realised
                                    .map(|r| targets::measured_text(initiative.effect, r))
                                    .unwrap_or_default(),
                            );
                            match o.verdict(initiative) {
                                Some(v) => {
                                    let colour = match v {
                                        Verdict::OverEstimated => theme.down,
                                        Verdict::UnderEstimated => theme.up,
                                        Verdict::AsExpected => theme.text,
                                    };
                                    ui.colored_label(colour, v.text());
                                }
                                None => {
                                    ui.label("");
                                }
                            }
                            ui.label(timeline::month_period(tl, &initiative.start).map_or_else(
                                || initiative.start.clone(),
                                |p| timeline::period_label(tl, p),
                            ));
                            ui.label(&initiative.owner);
                            if ui
                                .small_button("✕")
                                .on_hover_text(format!("Remove `{}`", initiative.name))
                                .clicked()
                            {
                                remove = Some(i);
                            }
                            ui.end_row();
                        }
                    });
            });
        if let Some(i) = remove {
            let edit = targets::change_target_edit(workbook, index, |t| {
                t.initiatives.remove(i);
            });
            self.apply(edit, events);
        }
    }

    fn initiative_form(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
        index: usize,
        events: &mut Vec<PanelEvent>,
    ) {
        ui.add_space(4.0);
        let d = &mut self.draft;
        let fields: [(&str, &mut String, &str, f32); 5] = [
            (
                "Initiative",
                &mut d.name,
                "Call reviews by team leads",
                200.0,
            ),
            ("Owner", &mut d.owner, "Head of sales", 140.0),
            ("Moves", &mut d.metric, "contact_to_qualified", 180.0),
            ("By", &mut d.effect, "+2 pp, +5% or 1,000", 120.0),
            ("From", &mut d.start, "Jun 2026", 90.0),
        ];
        let [first, second, third, fourth, fifth] = fields;
        let field = |ui: &mut Ui, (label, text, hint, width): (&str, &mut String, &str, f32)| {
            let name = ui.label(label);
            ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text(hint)
                    .desired_width(width),
            )
            .labelled_by(name.id);
        };
        ui.horizontal(|ui| {
            field(ui, first);
            field(ui, second);
            field(ui, third);
        });
        let add = ui
            .horizontal(|ui| {
                field(ui, fourth);
                field(ui, fifth);
                ui.button("Add initiative").clicked()
            })
            .inner;
        if add {
            {
                let d = &self.draft;
                let edit = targets::parse_initiative(
                    workbook, &d.name, &d.owner, &d.metric, &d.effect, &d.start,
                )
                .and_then(|initiative| {
                    targets::change_target_edit(workbook, index, |t| t.initiatives.push(initiative))
                });
                if self.apply(edit, events) {
                    self.draft = InitiativeDraft::default();
                }
            }
        }
    }
}

/// The initiatives' shares as a waterfall from the model without them to
/// the model with them, in the order they were added.
fn as_waterfall(target: &crate::model::document::Target, outcome: &Outcome) -> Waterfall {
    let drivers = outcome
        .order
        .iter()
        .map(|&i| {
            let o = &outcome.initiatives[i];
            Driver {
                cell_row: o.cell_row,
                name: target.initiatives[i].name.clone(),
                label: target.initiatives[i].name.clone(),
                from: None,
                to: None,
                contribution: o.delivered,
                cells: 0,
                period: None,
            }
        })
        .collect();
    Waterfall {
        names: ("without".into(), "with initiatives".into()),
        from: outcome.without,
        to: outcome.with,
        drivers,
    }
}
