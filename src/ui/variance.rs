//! The variance overlay (View → Variance): every period cell shows how far
//! it is from a reference state — the plan without actuals, a frozen plan,
//! or the base model — coloured by whether that helps or hurts, by the
//! metric's direction. The reference values are computed once per state of
//! the workbook and kept until it changes.

use egui::Ui;

use crate::model::Workbook;
use crate::model::document::Better;
use crate::model::variance::{self, Basis, Values};

/// What the grid compares with while the overlay is on.
#[derive(Debug, Clone, Default)]
pub struct VarianceOverlay {
    /// Whether the cells show their variance.
    pub on: bool,
    /// The reference: `None` for the plan without actuals, `Some(i)` for
    /// frozen plan `i`; while a scenario is shown, the base model.
    pub plan: Option<usize>,
    /// The name typed into the Freeze plan dialog, while it is open.
    pub freeze: Option<String>,
    /// Why the last freeze was refused.
    pub freeze_error: Option<String>,
    cache: Option<(Key, Values)>,
}

/// What the reference values depend on.
type Key = (u64, Option<usize>, bool, Option<usize>);

/// One cell's variance against the reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellVariance {
    /// `now − reference`.
    pub delta: f64,
    /// `delta / |reference|`, when the reference is not 0.
    pub pct: Option<f64>,
    /// Good news (true), bad news (false), or no change (`None`).
    pub helps: Option<bool>,
}

impl VarianceOverlay {
    /// The basis the overlay compares with.
    pub fn basis(&self, workbook: &Workbook) -> Basis {
        match (self.plan, workbook.active_scenario()) {
            (Some(i), _) if i < workbook.document().plans.len() => Basis::Plan(i),
            (_, Some(s)) => Basis::Scenario(Some(s)),
            _ => Basis::Actuals,
        }
    }

    /// The reference's name, for the menu and the status bar.
    pub fn reference_name(&self, workbook: &Workbook) -> String {
        match self.basis(workbook) {
            Basis::Actuals => "the plan without actuals".into(),
            b => variance::state_names(workbook, b).0,
        }
    }

    /// Brings the reference values up to date with the workbook (cheap when
    /// nothing changed).
    pub fn refresh(&mut self, workbook: &mut Workbook) {
        if !self.on {
            return;
        }
        let key = (
            workbook.state_id(),
            workbook.active_scenario(),
            workbook.actuals_shown(),
            self.plan,
        );
        if self.cache.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let basis = self.basis(workbook);
        self.cache = variance::both_states(workbook, basis)
            .ok()
            .map(|(from, _)| (key, from));
    }

    /// The variance of a period cell, while the overlay is on.
    pub fn cell(
        &self,
        workbook: &Workbook,
        sheet: u32,
        row: u32,
        period: u32,
    ) -> Option<CellVariance> {
        if !self.on {
            return None;
        }
        let (_, values) = self.cache.as_ref()?;
        let reference = values
            .get(sheet as usize)?
            .get(row as usize)?
            .get(period as usize)?
            .as_number()?;
        let now = workbook.value(sheet, row, period).as_number()?;
        let delta = now - reference;
        let scale = reference.abs().max(now.abs()).max(1e-300);
        if delta.abs() <= 1e-12 * scale {
            return Some(CellVariance {
                delta: 0.0,
                pct: Some(0.0),
                helps: None,
            });
        }
        let helps = match variance::better(workbook, sheet, row) {
            Better::Higher => delta > 0.0,
            Better::Lower => delta < 0.0,
        };
        Some(CellVariance {
            delta,
            pct: (reference != 0.0).then(|| delta / reference.abs()),
            helps: Some(helps),
        })
    }

    /// The Freeze plan dialog: a name, then the edit that keeps the model
    /// as it stands under it (dated today) and the name, if the user froze it.
    pub fn freeze_ui(
        &mut self,
        ui: &mut Ui,
        workbook: &Workbook,
    ) -> Option<(crate::model::Edit, String)> {
        let name = self.freeze.as_mut()?;
        let mut edit = None;
        let mut close = false;
        egui::Modal::new(egui::Id::unique("freeze_plan")).show(ui.ctx(), |ui| {
            ui.heading("Freeze plan");
            ui.label("Keep every metric's values as they stand, to compare later actuals and forecasts with.");
            let label = ui.label("Name");
            let field = ui
                .add(egui::TextEdit::singleline(name).hint_text("Budget 2026"))
                .labelled_by(label.id);
            field.request_focus();
            if let Some(e) = &self.freeze_error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.horizontal(|ui| {
                let submitted = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("Freeze").clicked() || submitted {
                    match variance::freeze_plan(workbook, name, &crate::model::timeline::today()) {
                        Ok(e) => edit = Some((e, name.trim().to_string())),
                        Err(e) => self.freeze_error = Some(e),
                    }
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    close = true;
                }
            });
        });
        if close || edit.is_some() {
            self.freeze = None;
            self.freeze_error = None;
        }
        edit
    }

    /// The View menu's entries: the toggle and the choice of reference.
    pub fn menu_ui(&mut self, ui: &mut Ui, workbook: &Workbook) {
        ui.checkbox(&mut self.on, "Variance").on_hover_text(
            "Show each cell's difference from the reference, coloured by whether it helps",
        );
        ui.menu_button("Variance against", |ui| {
            if ui
                .radio(
                    self.plan.is_none(),
                    "Plan without actuals (or the base model)",
                )
                .clicked()
            {
                self.plan = None;
                self.on = true;
            }
            for (i, plan) in workbook.document().plans.iter().enumerate() {
                if ui
                    .radio(
                        self.plan == Some(i),
                        format!("{} ({})", plan.name, plan.date),
                    )
                    .clicked()
                {
                    self.plan = Some(i);
                    self.on = true;
                }
            }
        });
        if ui
            .button("Freeze plan…")
            .on_hover_text("Keep the model as it stands as a named plan")
            .clicked()
        {
            self.freeze = Some(String::new());
            ui.close();
        }
    }
}
