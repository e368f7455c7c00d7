//! The grid: metric rows × period columns, with the label and unit columns
//! and the timeline header frozen. Built on `egui_table`, which virtualises
//! rows *and* columns (only visible cells are laid out) and keeps sticky
//! columns — what a 10,000 × 120 model needs, and what
//! `egui_extras::TableBuilder` (rows only, no frozen columns) lacks.
//!
//! The grid only reads the workbook; clicks and double-clicks become
//! [`GridEvent`]s that the app turns into selection changes and edits.

use egui::accesskit::Role;
use egui::{Align2, Color32, CornerRadius, FontId, Id, Sense, Stroke, StrokeKind, Ui, vec2};

use super::theme::Theme;
use super::trace::Trace;
use super::view::{GridCell, ViewState};
use crate::model::{CellInput, FIRST_PERIOD_COL, Format, Layout, Value, Workbook, display};

/// Row height in points.
pub const ROW_HEIGHT: f32 = 24.0;
/// Width of the label column.
pub const LABEL_WIDTH: f32 = 250.0;
/// Width of the unit column.
pub const UNIT_WIDTH: f32 = 64.0;
/// Width of a period column (and of a grid sheet's columns).
pub const PERIOD_WIDTH: f32 = 92.0;
/// Width of a grid sheet's row-number column.
pub const ROW_NUMBER_WIDTH: f32 = 48.0;

/// What the user did in the grid this frame.
#[derive(Debug, Clone, PartialEq)]
pub enum GridEvent {
    /// Clicked a cell (with Shift: extend the selection).
    Click { cell: GridCell, extend: bool },
    /// Double-clicked a cell: edit it.
    Edit(GridCell),
    /// Clicked a section header's toggle.
    ToggleSection(u32),
    /// The cell editor's text changed.
    EditorText(String),
    /// A drag started on a cell: following cells extend the selection.
    DragStart,
    /// A row operation chosen from a label cell's context menu.
    Row(super::RowAction),
}

/// Everything the grid needs for one frame.
pub struct Grid<'a> {
    /// The workbook shown.
    pub workbook: &'a Workbook,
    /// Selection, editor, ripple.
    pub view: &'a ViewState,
    /// Visible sheet rows, top to bottom.
    pub rows: &'a [u32],
    /// Precedents and dependents of the selected metric.
    pub trace: &'a Trace,
    /// Colours.
    pub theme: &'a Theme,
    /// The variance overlay (cells show their difference when it is on).
    pub variance: &'a super::variance::VarianceOverlay,
    /// Current time (seconds), for fading the ripple tint.
    pub now: f64,
    /// What happened.
    pub events: Vec<GridEvent>,
}

impl Grid<'_> {
    /// Shows the grid; returns its events.
    pub fn show(mut self, ui: &mut Ui) -> Vec<GridEvent> {
        if self.workbook.layout(self.view.sheet) == Layout::Grid {
            return self.show_plain_grid(ui);
        }
        let periods = self.workbook.periods();
        let mut columns = vec![
            egui_table::Column::new(LABEL_WIDTH)
                .range(120.0..=600.0)
                .resizable(true),
            egui_table::Column::new(UNIT_WIDTH)
                .range(40.0..=200.0)
                .resizable(true),
        ];
        columns.extend((0..periods).map(|_| {
            egui_table::Column::new(PERIOD_WIDTH)
                .range(48.0..=300.0)
                .resizable(true)
        }));
        let mut table = egui_table::Table::new()
            .id_salt("grid")
            .num_rows(self.rows.len() as u64)
            .columns(columns)
            .num_sticky_cols(2)
            .headers([egui_table::HeaderRow::new(ROW_HEIGHT + 2.0)])
            .auto_size_mode(egui_table::AutoSizeMode::Never);
        if self.view.scroll_to_cursor
            && let Some(index) = self.rows.iter().position(|&r| r == self.view.cursor.row)
        {
            let align = self.view.scroll_center.then_some(egui::Align::Center);
            table = table.scroll_to_row(index as u64, align);
            if self.view.cursor.col >= FIRST_PERIOD_COL {
                table = table.scroll_to_column(self.view.cursor.col as usize, None);
            }
        }
        table.show(ui, &mut self);
        self.events
    }

    /// A grid sheet: a frozen row-number column, then columns A, B, … as
    /// in any spreadsheet.
    fn show_plain_grid(mut self, ui: &mut Ui) -> Vec<GridEvent> {
        let (_, cols) = super::view::extent(self.workbook, self.view.sheet);
        let mut columns = vec![egui_table::Column::new(ROW_NUMBER_WIDTH)];
        columns.extend((0..cols).map(|_| {
            egui_table::Column::new(PERIOD_WIDTH)
                .range(40.0..=400.0)
                .resizable(true)
        }));
        let mut table = egui_table::Table::new()
            .id_salt(("sheet_grid", self.view.sheet))
            .num_rows(self.rows.len() as u64)
            .columns(columns)
            .num_sticky_cols(1)
            .headers([egui_table::HeaderRow::new(ROW_HEIGHT + 2.0)])
            .auto_size_mode(egui_table::AutoSizeMode::Never);
        if self.view.scroll_to_cursor {
            let align = self.view.scroll_center.then_some(egui::Align::Center);
            table = table
                .scroll_to_row(u64::from(self.view.cursor.row), align)
                .scroll_to_column(self.view.cursor.col as usize + 1, None);
        }
        table.show(ui, &mut self);
        self.events
    }

    fn is_plain_grid(&self) -> bool {
        self.workbook.layout(self.view.sheet) == Layout::Grid
    }

    fn cell_text_of(
        workbook: &Workbook,
        sheet: u32,
        row: u32,
        col: u32,
        width: f32,
    ) -> (String, Option<&Value>) {
        let info = &workbook.rows(sheet)[row as usize];
        match col {
            0 if !info.section.is_empty() => (info.section.clone(), None),
            0 => (info.label.clone(), None),
            1 => (info.unit.clone(), None),
            _ => {
                let period = col - FIRST_PERIOD_COL;
                let value = workbook.value(sheet, row, period);
                (fit(value, info.format, width), Some(value))
            }
        }
    }
}

/// The width a grid column starts with.
fn default_width(col: u32) -> f32 {
    match col {
        0 => LABEL_WIDTH,
        1 => UNIT_WIDTH,
        _ => PERIOD_WIDTH,
    }
}

/// A value as text that fits `width`: the row's format, or a compact form
/// (`1.2M`) when the full one is too wide.
pub fn fit(value: &Value, format: Format, width: f32) -> String {
    let full = display::format_value(value, format);
    let max_chars = ((width - 10.0) / 7.2).max(3.0) as usize;
    match value {
        Value::Number(n) if full.chars().count() > max_chars => compact(*n, format),
        _ => full,
    }
}

/// `1.2M`, `35K`, `4.5B`; percentages and multiples keep their sign.
pub fn compact(n: f64, format: Format) -> String {
    if let Format::Percent(_) = format {
        return display::format_number(n, Format::Percent(0));
    }
    let (scaled, suffix) = match n.abs() {
        a if a >= 1e12 => (n / 1e12, "T"),
        a if a >= 1e9 => (n / 1e9, "B"),
        a if a >= 1e6 => (n / 1e6, "M"),
        a if a >= 1e3 => (n / 1e3, "K"),
        _ => (n, ""),
    };
    let decimals = if scaled.abs() >= 100.0 { 0 } else { 1 };
    let digits = display::grouped(scaled, decimals);
    let digits = digits.strip_suffix(".0").unwrap_or(&digits);
    format!("{digits}{suffix}")
}

impl egui_table::TableDelegate for Grid<'_> {
    fn header_cell_ui(&mut self, ui: &mut Ui, cell: &egui_table::HeaderCellInfo) {
        let col = cell.col_range.start as u32;
        if self.is_plain_grid() {
            ui.set_min_width(if col == 0 {
                ROW_NUMBER_WIDTH
            } else {
                PERIOD_WIDTH
            });
            let rect = ui.max_rect();
            ui.painter()
                .rect_filled(rect, CornerRadius::ZERO, self.theme.header_bg);
            ui.painter().hline(
                rect.x_range(),
                rect.bottom() - 0.5,
                Stroke::new(1.0, self.theme.grid_line),
            );
            if col > 0 {
                ui.painter().text(
                    rect.center(),
                    Align2::CENTER_CENTER,
                    crate::model::column_letters(col - 1),
                    FontId::proportional(13.0),
                    self.theme.header_text,
                );
            }
            return;
        }
        ui.set_min_width(default_width(col));
        let rect = ui.max_rect();
        ui.painter()
            .rect_filled(rect, CornerRadius::ZERO, self.theme.header_bg);
        // A closed period (its actuals shown): a band along the header's foot.
        let closed = crate::model::actuals::closed_period(self.workbook.document());
        if self.workbook.actuals_shown()
            && let (Some(period), Some(closed)) = (col.checked_sub(FIRST_PERIOD_COL), closed)
            && period <= closed
        {
            ui.painter().rect_filled(
                egui::Rect::from_min_max(rect.left_bottom() - vec2(0.0, 4.0), rect.right_bottom()),
                CornerRadius::ZERO,
                self.theme.range_mark,
            );
            ui.interact(rect, Id::unique(("closed_mark", col)), Sense::hover())
                .on_hover_text("Closed: metrics with actuals show them");
        }
        ui.painter().hline(
            rect.x_range(),
            rect.bottom() - 0.5,
            Stroke::new(1.0, self.theme.grid_line),
        );
        let (text, align) = match col {
            0 => ("Metric".to_string(), Align2::LEFT_CENTER),
            1 => ("Unit".to_string(), Align2::LEFT_CENTER),
            _ => (
                crate::model::timeline::period_label(
                    &self.workbook.document().timeline,
                    col - FIRST_PERIOD_COL,
                ),
                Align2::RIGHT_CENTER,
            ),
        };
        let pos = match align {
            Align2::RIGHT_CENTER => rect.right_center() - vec2(8.0, 0.0),
            _ => rect.left_center() + vec2(8.0, 0.0),
        };
        // Changelog entries dated in this period: a marker, the notes on hover.
        if let Some(period) = col.checked_sub(FIRST_PERIOD_COL) {
            let doc = self.workbook.document();
            let notes: Vec<String> = doc
                .changelog
                .iter()
                .filter(|e| {
                    crate::model::timeline::date_position(&doc.timeline, &e.date)
                        .is_some_and(|x| x.floor() == f64::from(period))
                })
                .map(|e| format!("{} — {}", e.date, e.text))
                .collect();
            if !notes.is_empty() {
                ui.painter().text(
                    rect.left_center() + vec2(6.0, 0.0),
                    Align2::LEFT_CENTER,
                    "◆",
                    FontId::proportional(10.0),
                    self.theme.scenario_mark,
                );
                ui.interact(rect, Id::unique(("changelog_mark", col)), Sense::hover())
                    .on_hover_text(notes.join("\n"));
            }
        }
        ui.painter().text(
            pos,
            align,
            text,
            FontId::proportional(13.0),
            self.theme.header_text,
        );
    }

    fn cell_ui(&mut self, ui: &mut Ui, info: &egui_table::CellInfo) {
        let Some(&row) = self.rows.get(info.row_nr as usize) else {
            return;
        };
        let plain = self.is_plain_grid();
        let sheet = self.view.sheet;
        let theme = self.theme;
        if plain && info.col_nr == 0 {
            // The row number.
            ui.set_min_width(ROW_NUMBER_WIDTH);
            let rect = ui.max_rect();
            ui.painter()
                .rect_filled(rect, CornerRadius::ZERO, theme.header_bg);
            ui.painter().hline(
                rect.x_range(),
                rect.bottom() - 0.5,
                Stroke::new(1.0, theme.grid_line),
            );
            ui.painter().text(
                rect.center(),
                Align2::CENTER_CENTER,
                (row + 1).to_string(),
                FontId::proportional(12.0),
                theme.header_text,
            );
            return;
        }
        let col = if plain {
            info.col_nr as u32 - 1
        } else {
            info.col_nr as u32
        };
        let cell = GridCell::new(row, col);
        // Cells are painted, not laid out: tell the table's sizing pass
        // how wide a column wants to be.
        ui.set_min_width(if plain {
            PERIOD_WIDTH
        } else {
            default_width(col)
        });
        let rect = ui.max_rect();
        let row_info = self.workbook.rows(sheet).get(row as usize);
        let format = row_info.map_or(Format::General, |r| r.format);
        let is_section = !plain && row_info.is_some_and(|r| !r.section.is_empty());
        // Period cells of a metric sheet (a grid sheet has no periods).
        let period = if plain { None } else { cell.period() };
        let painter = ui.painter().clone();

        // Background: section band, trace, ripple tint, selection.
        let mut background = if is_section {
            theme.section_bg
        } else if !plain && col < FIRST_PERIOD_COL {
            theme.frozen_bg
        } else {
            theme.cell_bg
        };
        if !plain && let Some(tint) = self.trace.tint(row, theme) {
            background = blend(background, tint, 1.0);
        }
        let ripple_change = self
            .view
            .ripple
            .as_ref()
            .and_then(|r| r.cells.get(&(row, col)));
        if let (Some(_), Some(ripple)) = (ripple_change, &self.view.ripple) {
            let age = (self.now - ripple.at).max(0.0) as f32;
            let strength = (1.0 - age / super::RIPPLE_FADE_SECONDS).clamp(0.0, 1.0);
            if strength > 0.0 {
                background = blend(background, theme.ripple, 0.2 + 0.45 * strength);
            }
        }
        // A booked actual: its own tint, so actuals and forecast read apart.
        let is_actual = period.is_some_and(|p| self.workbook.is_actual(sheet, row, p));
        if is_actual {
            background = blend(background, theme.actual_bg, 1.0);
        }
        // The variance overlay replaces the benchmark colours.
        let variance = period.and_then(|p| self.variance.cell(self.workbook, sheet, row, p));
        if let Some(helps) = variance.and_then(|v| v.helps) {
            let tint = if helps {
                theme.bench_better
            } else {
                theme.bench_worse
            };
            background = blend(background, tint, 1.0);
        }
        // Against the market: the metric's benchmark, if it has one.
        let verdict = period
            .filter(|_| !self.view.hide_benchmarks && !self.variance.on)
            .and_then(|p| crate::model::benchmark::cell_verdict(self.workbook, sheet, row, p));
        if let Some(verdict) = &verdict {
            background = blend(background, theme.benchmark(verdict.standing), 1.0);
        }
        if self.view.is_selected(cell) && !is_section {
            background = blend(background, theme.selection, 0.55);
        }
        painter.rect_filled(rect, CornerRadius::ZERO, background);
        painter.hline(
            rect.x_range(),
            rect.bottom() - 0.5,
            Stroke::new(1.0, theme.grid_line),
        );
        if plain || col == 1 || col >= FIRST_PERIOD_COL {
            painter.vline(
                rect.left() + 0.5,
                rect.y_range(),
                Stroke::new(1.0, theme.grid_line),
            );
        }

        // The open editor replaces the cell's text.
        if let Some(editor) = &self.view.editor
            && editor.cell == cell
            && !editor.in_formula_bar
        {
            let mut text = editor.text.clone();
            let edit = egui::TextEdit::singleline(&mut text)
                .id(Id::unique("cell_editor"))
                // Tab and Escape are the grid's (commit and move, cancel).
                .lock_focus(true)
                .frame(egui::Frame::NONE)
                .margin(egui::Margin::symmetric(6, 3))
                .desired_width(rect.width());
            let response = ui
                .put(rect.shrink(1.0), edit)
                .accessible_name(format!("edit {}", cell.a1()));
            if editor.needs_focus {
                response.request_focus();
                // Put the caret at the end (after typing's first key or a completion).
                let id = Id::unique("cell_editor");
                if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), id) {
                    let end = egui::text::CCursor::new(text.chars().count());
                    state
                        .cursor
                        .set_char_range(Some(egui::text::CCursorRange::one(end)));
                    state.store(ui.ctx(), id);
                }
            }
            painter.rect_stroke(
                rect.shrink(1.0),
                CornerRadius::ZERO,
                Stroke::new(2.0, theme.cursor),
                StrokeKind::Inside,
            );
            if text != editor.text {
                self.events.push(GridEvent::EditorText(text));
            }
            return;
        }

        let workbook = self.workbook;
        let (text, value) = if plain {
            let value = workbook.cell_value(sheet, row, col);
            let text = match value {
                Value::Empty => String::new(),
                v => fit(v, format, rect.width()),
            };
            (text, Some(value))
        } else if let Some(v) = variance {
            // The variance as a signed percentage, or in the row's format
            // when the reference is 0.
            let text = match v.pct {
                Some(p) if v.delta == 0.0 || p == 0.0 => "0".to_string(),
                Some(p) => format!("{:+.1}%", p * 100.0),
                None => {
                    let amount = crate::model::display::format_number(v.delta.abs(), format);
                    format!("{}{amount}", if v.delta < 0.0 { "−" } else { "+" })
                }
            };
            (text, period.map(|p| workbook.value(sheet, row, p)))
        } else {
            Self::cell_text_of(workbook, sheet, row, col, rect.width())
        };
        let response = ui.interact(
            rect,
            Id::unique(("cell", sheet, row, col)),
            Sense::click_and_drag(),
        );
        // Built only when AccessKit is on: no per-cell name or text copy otherwise.
        response.widget_info(|| {
            let mut info = egui::WidgetInfo::labeled(Role::Cell, true, cell.a1());
            info.current_text_value = Some(text.clone());
            info
        });

        // Text: numbers right-aligned; inputs blue, formulas in the body colour.
        let is_input = if plain {
            matches!(
                workbook.cell_input(sheet, row, col),
                CellInput::Number(_) | CellInput::Bool(_)
            )
        } else {
            period.is_some_and(|p| {
                !workbook.is_formula(sheet, row, p)
                    && !matches!(workbook.effective_input(sheet, row, p), CellInput::Empty)
            })
        };
        let color = match value {
            Some(Value::Error(_)) => theme.error,
            _ if is_section => theme.section_text,
            _ if is_input => theme.input_text,
            _ if !plain && col == 1 => theme.muted_text,
            _ => theme.text,
        };
        let font = if is_section {
            FontId::proportional(14.0)
        } else {
            FontId::proportional(13.5)
        };
        let numeric = matches!(value, Some(Value::Number(_)) | Some(Value::Error(_)));
        if is_section && col == 0 {
            let collapsed = self.view.collapsed.contains(&row);
            let arrow = if collapsed { "▶" } else { "▼" };
            painter.text(
                rect.left_center() + vec2(8.0, 0.0),
                Align2::LEFT_CENTER,
                format!("{arrow}  {text}"),
                font,
                color,
            );
        } else if numeric {
            painter.text(
                rect.right_center() - vec2(8.0, 0.0),
                Align2::RIGHT_CENTER,
                &text,
                font,
                color,
            );
        } else {
            let indent = if !plain && col == 0 { 22.0 } else { 8.0 };
            painter.with_clip_rect(rect).text(
                rect.left_center() + vec2(indent, 0.0),
                Align2::LEFT_CENTER,
                &text,
                font,
                color,
            );
        }

        // An override of the row formula: a small corner mark.
        if let Some(period) = period
            && self.workbook.is_override(sheet, row, period)
        {
            let corner = rect.right_top();
            painter.add(egui::Shape::convex_polygon(
                vec![corner, corner + vec2(-7.0, 0.0), corner + vec2(0.0, 7.0)],
                theme.override_mark,
                Stroke::NONE,
            ));
        }
        // A cell a simulation draws (it carries a range): `±` in its corner.
        if let (Some(period), Some(_)) = (period, row_info)
            && workbook.range_covers(sheet, row, period)
        {
            painter.text(
                rect.left_bottom() + vec2(2.0, -1.0),
                egui::Align2::LEFT_BOTTOM,
                "±",
                egui::FontId::proportional(12.0),
                theme.range_mark,
            );
        }
        // A cell the active scenario sets: a bar along its left edge.
        if let Some(period) = period
            && self.workbook.scenario_input(sheet, row, period).is_some()
        {
            let left = rect.left_top();
            painter.rect_filled(
                egui::Rect::from_min_size(left + vec2(1.0, 2.0), vec2(3.0, rect.height() - 4.0)),
                CornerRadius::ZERO,
                theme.scenario_mark,
            );
        }
        if self.view.cursor == cell {
            painter.rect_stroke(
                rect.shrink(1.0),
                CornerRadius::ZERO,
                Stroke::new(2.0, theme.cursor),
                StrokeKind::Inside,
            );
        }

        // Dragging across cells selects a range.
        if response.drag_started() && !is_section {
            self.events.push(GridEvent::Click {
                cell,
                extend: false,
            });
            self.events.push(GridEvent::DragStart);
        } else if self.view.dragging
            && !is_section
            && self.view.cursor != cell
            && response.contains_pointer()
            && ui.input(|i| i.pointer.primary_down())
        {
            self.events.push(GridEvent::Click { cell, extend: true });
        }
        if response.clicked() {
            if is_section && col == 0 {
                self.events.push(GridEvent::ToggleSection(row));
            }
            let extend = ui.input(|i| i.modifiers.shift);
            self.events.push(GridEvent::Click { cell, extend });
        }
        if response.double_clicked() && !is_section {
            self.events.push(GridEvent::Edit(cell));
        }
        if !plain && col < FIRST_PERIOD_COL {
            let mut chosen = None;
            response.context_menu(|ui| chosen = super::row_menu_ui(ui));
            if let Some(action) = chosen {
                self.events.push(GridEvent::Click {
                    cell,
                    extend: false,
                });
                self.events.push(GridEvent::Row(action));
            }
        }
        hover_details(
            response,
            value,
            ripple_change,
            format,
            verdict.map(|v| v.explanation),
        );
    }

    fn default_row_height(&self) -> f32 {
        ROW_HEIGHT
    }
}

/// Error messages and ripple changes on hover.
fn hover_details(
    response: egui::Response,
    value: Option<&Value>,
    change: Option<&(Value, Value)>,
    format: Format,
    benchmark: Option<String>,
) {
    let error = match value {
        Some(Value::Error(e)) => Some(match &e.detail {
            Some(detail) => format!("{}: {detail}", e.kind),
            None => e.kind.to_string(),
        }),
        _ => None,
    };
    let change = change.map(|(old, new)| {
        let mut text = format!(
            "{} → {}",
            display::format_value(old, format),
            display::format_value(new, format)
        );
        if let (Value::Number(a), Value::Number(b)) = (old, new)
            && *a != 0.0
        {
            text.push_str(&format!("  ({:+.1}%)", (b - a) / a.abs() * 100.0));
        }
        text
    });
    if error.is_none() && change.is_none() && benchmark.is_none() {
        return;
    }
    response.on_hover_ui(|ui| {
        if let Some(benchmark) = &benchmark {
            ui.label(benchmark);
        }
        if let Some(error) = &error {
            ui.label(error);
        }
        if let Some(change) = &change {
            ui.label(change);
        }
    });
}

/// Mixes `over` into `base` by `amount` (0–1), respecting `over`'s alpha.
pub fn blend(base: Color32, over: Color32, amount: f32) -> Color32 {
    let t = amount * over.a() as f32 / 255.0;
    let mix = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round() as u8;
    Color32::from_rgb(
        mix(base.r(), over.r()),
        mix(base.g(), over.g()),
        mix(base.b(), over.b()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_columns_get_compact_numbers() {
        let big = Value::Number(123_456_789.0);
        assert_eq!(fit(&big, Format::Money(0), 200.0), "123,456,789");
        assert_eq!(fit(&big, Format::Money(0), 60.0), "123M");
        assert_eq!(compact(1_234_567.0, Format::Integer), "1.2M");
        assert_eq!(compact(-45_300.0, Format::Integer), "-45.3K");
        assert_eq!(compact(0.1234, Format::Percent(1)), "12%");
    }

    #[test]
    fn blending_moves_towards_the_overlay() {
        let mixed = blend(Color32::WHITE, Color32::BLACK, 0.5);
        assert!((120..=135).contains(&mixed.r()));
    }
}
