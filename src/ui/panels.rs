//! The panels around the grid: the formula bar (with the parse diagnostic
//! under it), the ripple panel (what the last edit changed, in dependency
//! order) and the trace panel (what the selected metric reads and feeds).

use egui::{Color32, RichText, Ui};

use super::theme::Theme;
use super::trace::Trace;
use super::view::{EditTarget, GridCell, ViewState};
use crate::model::{FIRST_PERIOD_COL, Format, Value, Workbook, display};

/// What the user did in a panel.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelEvent {
    /// The formula bar's text changed (opens its editor if needed).
    FormulaText(String),
    /// Enter in the formula bar.
    CommitFormula,
    /// Escape in the formula bar.
    CancelFormula,
    /// Select a metric row (from the ripple or trace panel).
    SelectRow(u32),
    /// The name box's text while typing.
    NameBox(String),
    /// Enter in the name box: go to this metric or cell.
    GoTo(String),
    /// The name box lost focus without Enter.
    NameBoxDone,
    /// A completion was chosen: the editor's text becomes this.
    Complete(String),
    /// Apply an edit (from a tool panel) as one undo step.
    Apply(crate::model::Edit),
    /// Show another scenario (`None` = the base model).
    SetScenario(Option<usize>),
}

/// The formula bar: the cell's name, what it holds, and the diagnostic.
pub fn formula_bar_ui(
    ui: &mut Ui,
    workbook: &Workbook,
    view: &ViewState,
    theme: &Theme,
    events: &mut Vec<PanelEvent>,
) {
    let sheet = view.sheet;
    let cell = view.cursor;
    let (shown, target) = match &view.editor {
        Some(editor) => (editor.text.clone(), editor.target),
        None => super::edits::editor_text(workbook, sheet, cell),
    };
    // A grid sheet (an imported worksheet) has cells, not periods.
    let plain = workbook.layout(sheet) == crate::model::Layout::Grid;
    let cell_period = if plain { None } else { cell.period() };
    ui.horizontal(|ui| {
        let name = workbook
            .rows(sheet)
            .get(cell.row as usize)
            .filter(|_| !plain)
            .map(|_| workbook.metric_name(sheet, cell.row).to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| cell.a1());
        let period = cell_period
            .map(|p| crate::model::timeline::period_label(&workbook.document().timeline, p))
            .unwrap_or_default();
        // The name box: shows where the cursor is; type a metric name or
        // a cell (`C12`) and press Enter to go there.
        let mut location = view
            .name_box
            .clone()
            .unwrap_or_else(|| format!("{name} {period}").trim().to_string());
        let before = location.clone();
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut location)
                    .id_salt("name_box")
                    .desired_width(200.0)
                    .text_color(theme.muted_text)
                    .font(egui::TextStyle::Monospace),
            )
            .accessible_name("Name box");
        if response.gained_focus() {
            events.push(PanelEvent::NameBox(String::new()));
        } else if location != before {
            events.push(PanelEvent::NameBox(location.clone()));
        }
        if response.lost_focus() {
            if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                events.push(PanelEvent::GoTo(location));
            } else {
                events.push(PanelEvent::NameBoxDone);
            }
        }
        let scope = match (cell_period, target) {
            _ if plain => "cell",
            (Some(_), EditTarget::RowFormula) => "row formula",
            (Some(_), EditTarget::Cell)
                if workbook.is_override(sheet, cell.row, cell.period().unwrap_or(0)) =>
            {
                "override"
            }
            (Some(_), EditTarget::Cell) => "cell",
            (None, _) if cell.col == 0 => "label",
            (None, _) => "unit",
        };
        ui.label(RichText::new(scope).small().color(theme.muted_text));
        let mut text = shown.clone();
        let response = ui.add(
            egui::TextEdit::singleline(&mut text)
                .id(egui::Id::unique("formula_bar"))
                .desired_width(f32::INFINITY)
                .font(egui::TextStyle::Monospace),
        );
        let response = response.accessible_name("Formula bar");
        if response.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            events.push(PanelEvent::CancelFormula);
        }
        if text != shown {
            events.push(PanelEvent::FormulaText(text));
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            events.push(PanelEvent::CommitFormula);
        }
    });
    if view.editor.is_some() {
        let options = completions(workbook, sheet, &shown);
        if !options.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new("Tab ↹ or click:")
                        .small()
                        .color(theme.muted_text),
                );
                for (option, completed) in options {
                    if ui
                        .add(egui::Button::new(
                            RichText::new(&option).monospace().small(),
                        ))
                        .on_hover_text("insert")
                        .clicked()
                    {
                        events.push(PanelEvent::Complete(completed));
                    }
                }
            });
        }
    }
    let diagnostic = shown
        .trim_start()
        .starts_with('=')
        .then(|| crate::model::formula_error(&shown))
        .flatten();
    let value = match cell_period {
        Some(p) => Some(workbook.value(sheet, cell.row, p)),
        None if plain => Some(workbook.cell_value(sheet, cell.row, cell.col)),
        None => None,
    };
    let value_note = value.and_then(|v| match v {
        Value::Error(e) => Some(match &e.detail {
            Some(detail) => format!("{}: {detail}", e.kind),
            None => e.kind.to_string(),
        }),
        _ => None,
    });
    let line = match (diagnostic, value_note) {
        (Some(error), _) => Some(RichText::new(format!("⚠ {error}")).color(theme.error)),
        (None, Some(note)) => Some(RichText::new(note).color(theme.error)),
        _ => None,
    };
    if let Some(line) = line {
        ui.label(line.small()).accessible_name("Formula diagnostic");
    }
}

/// Completions for the name being typed at the end of a formula: metric
/// names of the sheet, then function names, as (shown, completed text).
pub fn completions(workbook: &Workbook, sheet: u32, text: &str) -> Vec<(String, String)> {
    const SHOWN: usize = 8;
    if !text.trim_start().starts_with('=') {
        return Vec::new();
    }
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map_or(text.len(), |(i, _)| i);
    let prefix = &text[start..];
    if prefix.is_empty() || prefix.starts_with(|c: char| c.is_ascii_digit()) {
        return Vec::new();
    }
    let lower = prefix.to_lowercase();
    let head = &text[..start];
    let mut out: Vec<(String, String)> = Vec::new();
    let rows = workbook.rows(sheet).len() as u32;
    for row in 0..rows {
        let name = workbook.metric_name(sheet, row);
        if name.len() > prefix.len() && name.to_lowercase().starts_with(&lower) {
            out.push((name.to_string(), format!("{head}{name}")));
        }
    }
    out.sort_by_key(|(name, _)| name.len());
    for function in crate::model::function_names() {
        if function.len() > prefix.len() && function.to_lowercase().starts_with(&lower) {
            out.push((format!("{function}("), format!("{head}{function}(")));
        }
    }
    out.truncate(SHOWN);
    out
}

/// A change as `old → new` with the relative change.
pub fn change_text(old: f64, new: f64, format: Format, unit: &str) -> String {
    let unit = if unit.is_empty() || matches!(format, Format::Percent(_)) {
        String::new()
    } else {
        format!(" {unit}")
    };
    let delta = new - old;
    let percent = if old != 0.0 {
        format!(" ({:+.1}%)", delta / old.abs() * 100.0)
    } else {
        String::new()
    };
    let sign = if delta >= 0.0 { "+" } else { "" };
    format!(
        "{sign}{}{unit}{percent}",
        display::format_number(
            delta,
            if let Format::Percent(d) = format {
                Format::Percent(d.max(1))
            } else {
                format
            }
        )
    )
}

/// One line of the ripple panel, computed once per edit (a big edit can
/// change thousands of metrics; the panel then only lays out what is visible).
#[derive(Debug, Clone, PartialEq)]
pub struct RippleLine {
    /// The metric's row.
    pub row: u32,
    /// `● List price` for the edited metric, `↳ …` for the ones it moves.
    pub title: String,
    /// The change in the edited period and over the timeline.
    pub detail: String,
    /// True if the metric went up over the timeline.
    pub up: bool,
    /// The metric's label (for the accessible name).
    pub label: String,
}

/// Line `index` of the ripple panel (computed only for lines in view: a big
/// edit can change thousands of metrics).
pub fn ripple_line(
    workbook: &Workbook,
    sheet: u32,
    ripple: &super::view::RippleView,
    index: usize,
) -> Option<RippleLine> {
    let metric = ripple.metrics.get(index)?;
    let row = workbook.rows(sheet).get(metric.row as usize)?;
    let delta = metric.new_total - metric.old_total;
    let total_new: f64 = workbook
        .row_values(sheet, metric.row)
        .iter()
        .filter_map(Value::as_number)
        .sum();
    let total_old = total_new - delta;
    let mut detail = String::new();
    if let Some((old, new)) = ripple
        .period
        .and_then(|p| ripple.cells.get(&(metric.row, FIRST_PERIOD_COL + p)))
        .and_then(|(old, new)| Some((old.as_number()?, new.as_number()?)))
    {
        let period_label = ripple
            .period
            .map(|p| crate::model::timeline::period_label(&workbook.document().timeline, p))
            .unwrap_or_default();
        detail.push_str(&format!(
            "{period_label}: {}   ",
            change_text(old, new, row.format, &row.unit)
        ));
    }
    detail.push_str(&format!(
        "total: {}",
        change_text(total_old, total_new, total_format(row.format), &row.unit)
    ));
    let arrow = if index == 0 { "●" } else { "↳" };
    Some(RippleLine {
        row: metric.row,
        title: format!("{arrow} {}", row.label),
        detail,
        up: delta >= 0.0,
        label: row.label.clone(),
    })
}

/// The ripple panel: changed metrics in dependency order, with the change
/// in the edited period and over the whole timeline.
pub fn ripple_panel_ui(
    ui: &mut Ui,
    workbook: &Workbook,
    view: &ViewState,
    theme: &Theme,
    events: &mut Vec<PanelEvent>,
) {
    const LINE_HEIGHT: f32 = 40.0;
    ui.heading("Ripple");
    let Some(ripple) = &view.ripple else {
        ui.label(RichText::new("Edit an input to see what it moves.").color(theme.muted_text));
        return;
    };
    let count = ripple.metrics.len();
    if count == 0 {
        ui.label(RichText::new("The last edit changed no values.").color(theme.muted_text));
        return;
    }
    let period_label = ripple
        .period
        .map(|p| crate::model::timeline::period_label(&workbook.document().timeline, p));
    ui.label(
        RichText::new(format!(
            "{} metrics changed{}",
            count,
            period_label
                .as_deref()
                .map(|l| format!(" · {l} and total"))
                .unwrap_or_default()
        ))
        .color(theme.muted_text)
        .small(),
    );
    ui.add_space(4.0);
    // Leave room for the trace panel below.
    let height = ui.available_height() * 0.6;
    egui::ScrollArea::vertical()
        .id_salt("ripple_scroll")
        .max_height(height)
        .auto_shrink([false, true])
        .show_rows(ui, LINE_HEIGHT, count, |ui, range| {
            for line in range.filter_map(|index| ripple_line(workbook, view.sheet, ripple, index)) {
                let width = ui.available_width();
                ui.allocate_ui(egui::vec2(width, LINE_HEIGHT), |ui| {
                    ui.set_min_height(LINE_HEIGHT);
                    ui.spacing_mut().item_spacing.y = 1.0;
                    let title = ui
                        .add(
                            egui::Label::new(RichText::new(&line.title).strong())
                                .truncate()
                                .sense(egui::Sense::click()),
                        )
                        .accessible_name(format!("ripple {}", line.label));
                    let color = if line.up { theme.up } else { theme.down };
                    ui.add(
                        egui::Label::new(RichText::new(&line.detail).small().color(color))
                            .truncate(),
                    );
                    if title.clicked() {
                        events.push(PanelEvent::SelectRow(line.row));
                    }
                });
            }
        });
}

/// Percentages do not add up over periods; their totals are shown as plain sums.
fn total_format(format: Format) -> Format {
    match format {
        Format::Percent(_) => Format::Decimal(3),
        other => other,
    }
}

/// The trace panel: precedents and dependents of the selected metric, two
/// levels deep.
pub fn trace_panel_ui(
    ui: &mut Ui,
    workbook: &Workbook,
    view: &ViewState,
    trace: &Trace,
    theme: &Theme,
    events: &mut Vec<PanelEvent>,
) {
    ui.heading("Trace");
    let sheet = view.sheet;
    let Some(row) = trace.row else {
        ui.label(
            RichText::new("Select a metric to see what it reads and feeds.")
                .color(theme.muted_text),
        );
        return;
    };
    let period = view.cursor.period().unwrap_or(0);
    let label = |r: u32| {
        workbook
            .rows(sheet)
            .get(r as usize)
            .map(|info| info.label.clone())
            .unwrap_or_default()
    };
    ui.label(RichText::new(label(row)).strong());
    let mut section = |ui: &mut Ui,
                       title: &str,
                       rows: &[u32],
                       color: Color32,
                       next: &dyn Fn(u32) -> Vec<u32>| {
        egui::CollapsingHeader::new(format!("{title} ({})", rows.len()))
            .id_salt(title)
            .default_open(true)
            .show(ui, |ui| {
                for &r in rows {
                    let children = next(r);
                    let header = egui::CollapsingHeader::new(RichText::new(label(r)).color(color))
                        .id_salt((title, r))
                        .default_open(false)
                        .show(ui, |ui| {
                            for &c in &children {
                                if ui
                                    .add(egui::Label::new(label(c)).sense(egui::Sense::click()))
                                    .clicked()
                                {
                                    events.push(PanelEvent::SelectRow(c));
                                }
                            }
                        });
                    if header.header_response.double_clicked() {
                        events.push(PanelEvent::SelectRow(r));
                    }
                }
            });
    };
    section(ui, "Reads", &trace.precedents, theme.text, &|r| {
        workbook.precedent_rows(sheet, r, period)
    });
    section(ui, "Feeds", &trace.dependents, theme.text, &|r| {
        workbook.dependent_rows(sheet, r, period)
    });
    let _ = GridCell::new(row, FIRST_PERIOD_COL);
}
