//! Colours and spacing in one place: a calm light theme and a dark one,
//! following the system.

use egui::{Color32, Visuals};

/// The editor's colours.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// Body text.
    pub text: Color32,
    /// Secondary text (units, captions).
    pub muted_text: Color32,
    /// Typed inputs (the finance convention: inputs blue, formulas black).
    pub input_text: Color32,
    /// Error values.
    pub error: Color32,
    /// Period cells.
    pub cell_bg: Color32,
    /// The frozen label and unit columns.
    pub frozen_bg: Color32,
    /// The header row.
    pub header_bg: Color32,
    /// Header text.
    pub header_text: Color32,
    /// Section header rows.
    pub section_bg: Color32,
    /// Section header text.
    pub section_text: Color32,
    /// Lines between cells.
    pub grid_line: Color32,
    /// The selected range.
    pub selection: Color32,
    /// The frame of the selected cell.
    pub cursor: Color32,
    /// Cells changed by the last edit.
    pub ripple: Color32,
    /// Rows the selected metric reads.
    pub precedent: Color32,
    /// Rows that read the selected metric.
    pub dependent: Color32,
    /// The corner mark of a cell overriding its row formula.
    pub override_mark: Color32,
    /// The `±` of a cell a simulation draws from a range.
    pub range_mark: Color32,
    /// The mark of a cell the active scenario sets.
    pub scenario_mark: Color32,
    /// The background of a cell showing a booked actual.
    pub actual_bg: Color32,
    /// Cells better than their benchmark.
    pub bench_better: Color32,
    /// Cells inside their benchmark's market range.
    pub bench_in_market: Color32,
    /// Cells worse than their benchmark.
    pub bench_worse: Color32,
    /// Increases.
    pub up: Color32,
    /// Decreases.
    pub down: Color32,
}

impl Theme {
    /// The cell colour for a benchmark standing.
    pub fn benchmark(&self, standing: crate::model::benchmark::Standing) -> Color32 {
        use crate::model::benchmark::Standing;
        match standing {
            Standing::Better => self.bench_better,
            Standing::InMarket => self.bench_in_market,
            Standing::Worse => self.bench_worse,
        }
    }

    /// The theme for light or dark visuals.
    pub fn for_visuals(visuals: &Visuals) -> Theme {
        if visuals.dark_mode {
            Theme {
                text: Color32::from_rgb(226, 230, 236),
                muted_text: Color32::from_rgb(150, 158, 170),
                input_text: Color32::from_rgb(122, 170, 255),
                error: Color32::from_rgb(255, 120, 110),
                cell_bg: Color32::from_rgb(28, 31, 36),
                frozen_bg: Color32::from_rgb(33, 37, 43),
                header_bg: Color32::from_rgb(40, 44, 52),
                header_text: Color32::from_rgb(190, 196, 206),
                section_bg: Color32::from_rgb(46, 52, 62),
                section_text: Color32::from_rgb(236, 240, 246),
                grid_line: Color32::from_rgb(48, 53, 61),
                selection: Color32::from_rgb(60, 110, 190),
                cursor: Color32::from_rgb(96, 150, 245),
                ripple: Color32::from_rgb(150, 125, 40),
                precedent: Color32::from_rgb(40, 90, 150),
                dependent: Color32::from_rgb(140, 80, 40),
                override_mark: Color32::from_rgb(245, 150, 50),
                range_mark: Color32::from_rgb(120, 170, 230),
                scenario_mark: Color32::from_rgb(190, 130, 255),
                actual_bg: Color32::from_rgb(36, 40, 52),
                bench_better: Color32::from_rgb(40, 90, 55),
                bench_in_market: Color32::from_rgb(85, 80, 40),
                bench_worse: Color32::from_rgb(100, 45, 45),
                up: Color32::from_rgb(110, 200, 130),
                down: Color32::from_rgb(255, 130, 120),
            }
        } else {
            Theme {
                text: Color32::from_rgb(33, 37, 41),
                muted_text: Color32::from_rgb(110, 117, 126),
                input_text: Color32::from_rgb(20, 90, 200),
                error: Color32::from_rgb(200, 40, 40),
                cell_bg: Color32::WHITE,
                frozen_bg: Color32::from_rgb(249, 250, 251),
                header_bg: Color32::from_rgb(243, 245, 247),
                header_text: Color32::from_rgb(73, 80, 87),
                section_bg: Color32::from_rgb(234, 239, 245),
                section_text: Color32::from_rgb(25, 40, 65),
                grid_line: Color32::from_rgb(228, 231, 235),
                selection: Color32::from_rgb(200, 220, 250),
                cursor: Color32::from_rgb(40, 110, 230),
                ripple: Color32::from_rgb(255, 226, 120),
                precedent: Color32::from_rgb(214, 232, 255),
                dependent: Color32::from_rgb(255, 232, 210),
                override_mark: Color32::from_rgb(235, 130, 30),
                range_mark: Color32::from_rgb(40, 100, 190),
                scenario_mark: Color32::from_rgb(140, 70, 210),
                actual_bg: Color32::from_rgb(233, 236, 244),
                bench_better: Color32::from_rgb(214, 240, 220),
                bench_in_market: Color32::from_rgb(246, 240, 205),
                bench_worse: Color32::from_rgb(250, 218, 215),
                up: Color32::from_rgb(30, 140, 70),
                down: Color32::from_rgb(200, 50, 50),
            }
        }
    }
}

/// Adds DejaVu Sans (bundled) as a fallback font, so labels with Cyrillic,
/// arrows (`→`) and symbols render on any machine.
pub fn install_fonts(ctx: &egui::Context) {
    use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};
    ctx.add_font(FontInsert::new(
        "DejaVuSans",
        FontData::from_static(include_bytes!("../../assets/fonts/DejaVuSans.ttf")),
        vec![
            InsertFontFamily {
                family: egui::FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: egui::FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}
