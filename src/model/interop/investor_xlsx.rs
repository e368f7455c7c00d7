//! The investor view as an Excel workbook with real formulas.
//!
//! The first worksheet, "Investor", shows the view's rows by month, quarter
//! or year; every value is a formula over the full model, which follows as
//! the next worksheets exactly as `lever convert` writes it (see
//! [`super::xlsx`]). Each roll-up becomes the matching spreadsheet formula
//! over the metric's month cells: `Sum` → `SUM('Model'!C5:E5)`, `Last` →
//! `'Model'!E5`, `Average` → `AVERAGE('Model'!C5:E5)`, `Ratio(n, d)` →
//! `SUM(n's cells)/SUM(d's cells)`, so Excel and LibreOffice recalculate to
//! Lever's roll-ups. The charted metrics get native column (sums) or line
//! charts below the table.

use std::ops::Range;
use std::path::Path;

use rust_xlsxwriter::{Chart, ChartType, Format as XlsxFormat, Worksheet};

use super::xlsx::{self, ExportError, ExportOptions, HEADER_ROWS};
use crate::engine::column_letters;
use crate::model::document::Rollup;
use crate::model::rollup::{InvestorTable, ViewLine};
use crate::model::{FIRST_PERIOD_COL, Workbook};

/// The investor sheet's name, made distinct from the model's sheets.
fn sheet_name(workbook: &Workbook) -> String {
    let mut name = "Investor".to_string();
    let mut n = 1;
    while workbook.sheet_index(&name).is_some() {
        n += 1;
        name = format!("Investor {n}");
    }
    name
}

/// `'Sheet'!$C$5:$E$5` (or one cell) for periods of a model row.
fn cells(workbook: &Workbook, sheet: u32, row: u32, periods: &Range<u32>) -> String {
    let name = &workbook.document().sheets[sheet as usize].name;
    let quoted = format!("'{}'", name.replace('\'', "''"));
    let excel_row = row + HEADER_ROWS + 1;
    let col = |p: u32| column_letters(FIRST_PERIOD_COL + p);
    let last = periods.end.saturating_sub(1).max(periods.start);
    if last == periods.start {
        format!("{quoted}!${}${excel_row}", col(periods.start))
    } else {
        format!(
            "{quoted}!${}${excel_row}:${}${excel_row}",
            col(periods.start),
            col(last)
        )
    }
}

/// The Excel formula (without `=`) rolling up a metric over `periods`.
fn rollup_formula(
    workbook: &Workbook,
    sheet: u32,
    row: u32,
    rollup: &Rollup,
    periods: &Range<u32>,
) -> Option<String> {
    Some(match rollup {
        Rollup::Sum => format!("SUM({})", cells(workbook, sheet, row, periods)),
        Rollup::Last => cells(
            workbook,
            sheet,
            row,
            &(periods.end.saturating_sub(1)..periods.end),
        ),
        Rollup::Average => format!("AVERAGE({})", cells(workbook, sheet, row, periods)),
        Rollup::Ratio(num, den) => {
            let part = |name: &str| {
                let own = &workbook.document().sheets[sheet as usize].name;
                workbook
                    .find_metric(&format!("{own}!{name}"))
                    .or_else(|| workbook.find_metric(name))
            };
            let (ns, nr) = part(num)?;
            let (ds, dr) = part(den)?;
            format!(
                "SUM({})/SUM({})",
                cells(workbook, ns, nr, periods),
                cells(workbook, ds, dr, periods)
            )
        }
    })
}

fn investor_sheet(
    workbook: &Workbook,
    table: &InvestorTable,
    options: &ExportOptions,
) -> Result<Worksheet, rust_xlsxwriter::XlsxError> {
    let name = sheet_name(workbook);
    let mut ws = Worksheet::new();
    ws.set_name(&name)?;
    let bold = XlsxFormat::new().set_bold();
    ws.set_column_width(0, 40)?;
    ws.set_column_width(1, 10)?;
    ws.write_string_with_format(0, 0, "Metric", &bold)?;
    ws.write_string_with_format(0, 1, "Unit", &bold)?;
    for (i, g) in table.groups.iter().enumerate() {
        let col = (2 + i) as u16;
        ws.set_column_width(col, 14)?;
        ws.write_string_with_format(0, col, &g.label, &bold)?;
    }
    ws.set_freeze_panes(1, 2)?;
    let mut chart_rows = Vec::new();
    let mut r: u32 = 1;
    for line in &table.lines {
        match line {
            ViewLine::Section(title) => {
                ws.write_string_with_format(r, 0, title, &bold)?;
            }
            ViewLine::Metric(m) => {
                ws.write_string(r, 0, &m.label)?;
                if !m.unit.is_empty() {
                    ws.write_string(r, 1, &m.unit)?;
                }
                let format = xlsx::number_format(m.format)
                    .map(|code| XlsxFormat::new().set_num_format(code));
                for (i, g) in table.groups.iter().enumerate() {
                    let col = (2 + i) as u16;
                    let text = rollup_formula(workbook, m.sheet, m.row, &m.rollup, &g.periods)
                        .unwrap_or_else(|| "NA()".into());
                    let cached = m
                        .values
                        .get(i)
                        .copied()
                        .flatten()
                        .filter(|_| options.cached_results)
                        .map(|v| format!("{v}"));
                    xlsx::write_formula(&mut ws, r, col, text, cached, format.as_ref())?;
                }
                if table
                    .charts
                    .iter()
                    .any(|c| c.sheet == m.sheet && c.row == m.row)
                {
                    chart_rows.push((r, m.label.clone(), m.rollup == Rollup::Sum));
                }
            }
        }
        r += 1;
    }
    let last_col = (1 + table.groups.len()) as u16;
    let mut at = r + 2;
    for (row, label, bars) in chart_rows {
        let mut chart = Chart::new(if bars {
            ChartType::Column
        } else {
            ChartType::Line
        });
        chart
            .add_series()
            .set_categories((name.as_str(), 0, 2, 0, last_col))
            .set_values((name.as_str(), row, 2, row, last_col))
            .set_name(label.as_str());
        chart.title().set_name(label.as_str());
        chart.legend().set_hidden();
        ws.insert_chart(at, 0, &chart)?;
        at += 16;
    }
    Ok(ws)
}

/// Writes the investor table (computed from `workbook`) to `path` as an
/// Excel workbook: the "Investor" sheet with roll-up formulas and charts,
/// then the full model. The file is replaced atomically.
pub fn export_investor_xlsx(
    workbook: &Workbook,
    table: &InvestorTable,
    path: &Path,
    options: &ExportOptions,
) -> Result<(), ExportError> {
    let built = investor_sheet(workbook, table, options)
        .map_err(|e| xlsx::BuildError::Xlsx(e.to_string()))
        .and_then(|ws| xlsx::build_book(workbook, options, vec![ws]));
    xlsx::write_built(path, built)
}
