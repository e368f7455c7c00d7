//! Text renderings of a computed sheet: CSV, an aligned table, and the check
//! report.

use std::fmt::Write as _;

use crate::model::goal_seek::{self, GoalSeek};
use crate::model::input_ref::InputRef;
use crate::model::scenario::Comparison;
use crate::model::simulate::{Outcome, Summary};
use crate::model::what_if::{Sensitivity, Target};
use crate::model::{Workbook, display};

/// The sheet as CSV in its own grid shape: line *N* is row *N* of the sheet,
/// field *M* is column *M*, from A1 to the last used row and column (every
/// line has the same number of fields). Numbers in shortest round-trip form,
/// booleans `TRUE`/`FALSE`, errors as spreadsheets write them, text as is
/// (quoted when needed), empty cells as empty fields. On a metric sheet
/// column A is the label (the title on section rows), B the unit, C onwards
/// the periods; there is no header line.
pub fn csv(workbook: &Workbook, sheet: u32) -> String {
    let (last_row, last_col) = csv_shape(workbook, sheet);
    let mut out = String::new();
    for row in 0..last_row {
        let fields: Vec<String> = (0..last_col)
            .map(|col| csv_value(workbook.cell_value(sheet, row, col)))
            .collect();
        push_csv_line(&mut out, &fields);
    }
    out
}

pub use crate::model::display::plain_text as csv_value;

pub(super) fn push_csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_quote(f)).collect();
    out.push_str(&line.join(","));
    out.push('\n');
}

fn csv_quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The sheet as an aligned table with section headings, numbers in each
/// row's format. A grid sheet is shown as a grid under its column letters,
/// each line starting with the row number.
pub fn table(workbook: &Workbook, sheet: u32) -> String {
    if workbook.layout(sheet) == crate::model::Layout::Grid {
        return grid_table(workbook, sheet);
    }
    let labels = workbook.period_labels();
    let rows = workbook.rows(sheet);
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["Metric".to_string(), "Unit".to_string()];
    header.extend(labels.iter().cloned());
    lines.push(header);
    let mut sections: Vec<(usize, String)> = Vec::new();
    for (row, info) in rows.iter().enumerate() {
        if !info.section.is_empty() {
            sections.push((lines.len(), info.section.clone()));
            continue;
        }
        if info.label.is_empty() {
            continue;
        }
        let mut line = vec![info.label.clone(), info.unit.clone()];
        line.extend(
            workbook
                .row_values(sheet, row as u32)
                .iter()
                .map(|v| display::format_value(v, info.format)),
        );
        lines.push(line);
    }
    let widths = column_widths(&lines);
    let mut out = String::new();
    let mut next_section = sections.iter().peekable();
    for (index, line) in lines.iter().enumerate() {
        while let Some((_, title)) = next_section.next_if(|(at, _)| *at == index) {
            let _ = writeln!(out, "\n{title}");
        }
        let mut text = String::new();
        for (c, field) in line.iter().enumerate() {
            let width = widths.get(c).copied().unwrap_or(0);
            let pad = width.saturating_sub(field.chars().count());
            if c < 2 {
                text.push_str(field);
                text.push_str(&" ".repeat(pad));
            } else {
                text.push_str(&" ".repeat(pad));
                text.push_str(field);
            }
            text.push_str("  ");
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// A grid sheet as an aligned table: column letters on top, row numbers on
/// the left, numbers in their row's format and right-aligned.
fn grid_table(workbook: &Workbook, sheet: u32) -> String {
    let (last_row, last_col) = csv_shape(workbook, sheet);
    let rows = workbook.rows(sheet);
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut header = vec![String::new()];
    header.extend((0..last_col).map(crate::model::column_letters));
    lines.push(header);
    for row in 0..last_row {
        let format = rows.get(row as usize).map(|r| r.format).unwrap_or_default();
        let mut line = vec![(row + 1).to_string()];
        line.extend(
            (0..last_col)
                .map(|col| display::format_value(workbook.cell_value(sheet, row, col), format)),
        );
        lines.push(line);
    }
    let widths = column_widths(&lines);
    let mut out = String::new();
    for line in &lines {
        let mut text = String::new();
        for (c, field) in line.iter().enumerate() {
            let pad = " ".repeat(widths[c].saturating_sub(field.chars().count()));
            text.push_str(&pad);
            text.push_str(field);
            text.push_str("  ");
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// The number of used rows and columns of a sheet's grid (up to the last
/// non-empty cell in each direction).
fn csv_shape(workbook: &Workbook, sheet: u32) -> (u32, u32) {
    let (rows, cols) = workbook.grid_size(sheet);
    let mut last_row = 0;
    let mut last_col = 0;
    for row in 0..rows {
        for col in 0..cols {
            if !workbook.cell_value(sheet, row, col).is_empty() {
                last_row = last_row.max(row + 1);
                last_col = last_col.max(col + 1);
            }
        }
    }
    (last_row, last_col)
}

/// The widest text (in characters) of each column of `lines`.
fn column_widths(lines: &[Vec<String>]) -> Vec<usize> {
    let n_cols = lines.iter().map(Vec::len).max().unwrap_or(0);
    (0..n_cols)
        .map(|c| {
            lines
                .iter()
                .filter_map(|l| l.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// The result of `lever check`.
pub struct CheckReport {
    /// What to print.
    pub text: String,
    /// True if nothing is wrong.
    pub clean: bool,
}

/// Lists name problems and error cells (at most 50 of each).
pub fn check(workbook: &Workbook, origin: &str) -> CheckReport {
    const SHOWN: usize = 50;
    let mut text = String::new();
    let problems = workbook.problems();
    for problem in problems.iter().take(SHOWN) {
        let _ = writeln!(text, "{origin}: {problem}");
    }
    let errors = workbook.errors();
    let labels = workbook.period_labels();
    for (sheet, row, period, error) in errors.iter().take(SHOWN) {
        let sheet_name = &workbook.document().sheets[*sheet as usize].name;
        let label = &workbook.rows(*sheet)[*row as usize].label;
        let period_label = labels.get(*period as usize).map_or("", String::as_str);
        let cell = workbook.cell_name(*sheet, *row, crate::model::FIRST_PERIOD_COL + period);
        let _ = write!(
            text,
            "{origin}: {cell} ({sheet_name} / {label} / {period_label}): {}",
            error.kind
        );
        if let Some(detail) = &error.detail {
            let _ = write!(text, ": {detail}");
        }
        text.push('\n');
    }
    let grid_errors: Vec<_> = workbook
        .cell_errors()
        .into_iter()
        .filter(|(sheet, ..)| workbook.layout(*sheet) == crate::model::Layout::Grid)
        .collect();
    for (sheet, row, col, error) in grid_errors.iter().take(SHOWN) {
        let cell = workbook.cell_name(*sheet, *row, *col);
        let _ = write!(text, "{origin}: {cell}: {}", error.kind);
        if let Some(detail) = &error.detail {
            let _ = write!(text, ": {detail}");
        }
        text.push('\n');
    }
    let total = problems.len() + errors.len() + grid_errors.len();
    if total > 2 * SHOWN {
        let _ = writeln!(text, "… {total} problems in all");
    }
    if total == 0 {
        let _ = writeln!(text, "{origin}: no errors");
    }
    CheckReport {
        text,
        clean: total == 0,
    }
}

/// A sensitivity run as CSV: `metric,low,base,high,elasticity`, numbers in
/// full precision, empty where there is no number.
pub fn sensitivity_csv(result: &[Sensitivity]) -> String {
    let mut out = String::new();
    let header: Vec<String> = ["metric", "low", "base", "high", "elasticity"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    push_csv_line(&mut out, &header);
    let number = |n: Option<f64>| n.map(display::shortest_number).unwrap_or_default();
    for s in result {
        push_csv_line(
            &mut out,
            &[
                s.name.clone(),
                number(s.low),
                display::shortest_number(s.base),
                number(s.high),
                number(s.elasticity),
            ],
        );
    }
    out
}

/// A sensitivity run as an aligned table, widest swing first: rank, metric,
/// low, base, high (in the target row's format) and elasticity.
pub fn sensitivity_table(workbook: &Workbook, target: &Target, result: &[Sensitivity]) -> String {
    let (sheet, row) = target.cell_row();
    let format = workbook
        .rows(sheet)
        .get(row as usize)
        .map(|r| r.format)
        .unwrap_or_default();
    let number =
        |n: Option<f64>| n.map_or_else(|| "—".to_string(), |n| display::format_number(n, format));
    let mut lines: Vec<Vec<String>> = vec![
        ["#", "metric", "low", "base", "high", "elasticity"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    ];
    for (rank, s) in result.iter().enumerate() {
        lines.push(vec![
            (rank + 1).to_string(),
            s.name.clone(),
            number(s.low),
            display::format_number(s.base, format),
            number(s.high),
            s.elasticity
                .map_or_else(|| "—".to_string(), |e| format!("{e:.2}")),
        ]);
    }
    let mut out = String::new();
    out.push_str(&aligned(&lines, &|c| c == 1));
    out
}

/// A scenario comparison as CSV: `metric,period,<first scenario>`, then for
/// each other scenario its value, `<name> diff` and `<name> pct` (a
/// fraction); one line per metric and period, then its `total` line.
pub fn compare_csv(comparison: &Comparison, labels: &[String]) -> String {
    let mut out = String::new();
    let mut header = vec!["metric".to_string(), "period".to_string()];
    for (i, name) in comparison.names.iter().enumerate() {
        header.push(name.clone());
        if i > 0 {
            header.push(format!("{name} diff"));
            header.push(format!("{name} pct"));
        }
    }
    push_csv_line(&mut out, &header);
    let number = |n: Option<f64>| n.map(display::shortest_number).unwrap_or_default();
    for metric in &comparison.metrics {
        for (p, label) in labels.iter().enumerate() {
            let mut line = vec![metric.name.clone(), label.clone()];
            for (i, column) in metric.columns.iter().enumerate() {
                line.push(column.values.get(p).map(csv_value).unwrap_or_default());
                if i > 0 {
                    line.push(number(column.diff.get(p).copied().flatten()));
                    line.push(number(column.pct.get(p).copied().flatten()));
                }
            }
            push_csv_line(&mut out, &line);
        }
        let mut line = vec![metric.name.clone(), "total".to_string()];
        for (i, column) in metric.columns.iter().enumerate() {
            line.push(display::shortest_number(column.total));
            if i > 0 {
                line.push(display::shortest_number(column.total_diff));
                line.push(number(column.total_pct));
            }
        }
        push_csv_line(&mut out, &line);
    }
    out
}

/// A scenario comparison as aligned tables, one per metric: a line per
/// period and a `Total` line; a column per scenario (in the metric's format)
/// and, after each scenario but the first, its difference (`Δ`) and %
/// difference (`Δ%`) from the first.
pub fn compare_table(comparison: &Comparison, labels: &[String]) -> String {
    let mut out = String::new();
    let signed = |n: f64, format| {
        let text = display::format_number(n, format);
        if n > 0.0 { format!("+{text}") } else { text }
    };
    let percent =
        |n: Option<f64>| n.map_or_else(|| "—".to_string(), |n| format!("{:+.1}%", n * 100.0));
    for (m, metric) in comparison.metrics.iter().enumerate() {
        if m > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{} ({})", metric.label, metric.name);
        let mut header = vec!["Period".to_string()];
        for (i, name) in comparison.names.iter().enumerate() {
            header.push(name.clone());
            if i > 0 {
                header.push("Δ".into());
                header.push("Δ%".into());
            }
        }
        let mut lines = vec![header];
        for (p, label) in labels.iter().enumerate() {
            let mut line = vec![label.clone()];
            for (i, column) in metric.columns.iter().enumerate() {
                line.push(
                    column
                        .values
                        .get(p)
                        .map(|v| display::format_value(v, metric.format))
                        .unwrap_or_default(),
                );
                if i > 0 {
                    let diff = column.diff.get(p).copied().flatten();
                    line.push(diff.map_or_else(|| "—".into(), |d| signed(d, metric.format)));
                    line.push(percent(column.pct.get(p).copied().flatten()));
                }
            }
            lines.push(line);
        }
        let mut total = vec!["Total".to_string()];
        for (i, column) in metric.columns.iter().enumerate() {
            total.push(display::format_number(column.total, metric.format));
            if i > 0 {
                total.push(signed(column.total_diff, metric.format));
                total.push(percent(column.total_pct));
            }
        }
        lines.push(total);
        out.push_str(&aligned(&lines, &|c| c == 0));
    }
    out
}

/// A goal seek's answer: the input's value before → found, the target's
/// before → achieved, and the number of recalculations.
pub fn goal_seek_text(workbook: &Workbook, target: &Target, result: &GoalSeek) -> String {
    let format_of = |(sheet, row): (u32, u32)| {
        workbook
            .rows(sheet)
            .get(row as usize)
            .map(|r| r.format)
            .unwrap_or_default()
    };
    let precise = |n: f64, format| {
        let shown = display::format_number(n, format);
        let full = display::format_number(n, crate::model::Format::General);
        if shown == full {
            shown
        } else {
            format!("{shown} ({full})")
        }
    };
    let input_format = format_of(result.input.cell_row());
    let input_line = match result.input {
        InputRef::Cell { .. } => format!(
            "{}: {} → {}",
            result.input.describe(workbook),
            display::format_number(result.start, input_format),
            precise(result.solution, input_format)
        ),
        InputRef::Row { .. } => format!(
            "{}: every typed number × {}",
            result.input.describe(workbook),
            display::format_number(result.solution, crate::model::Format::General)
        ),
    };
    let target_format = format_of(target.cell_row());
    format!(
        "{input_line}\n{}: {} → {}\niterations: {}\n",
        goal_seek::describe_target(workbook, target),
        display::format_number(result.target_before, target_format),
        precise(result.achieved, target_format),
        result.evaluations
    )
}

/// A data table aligned, the target's values in its row's number format.
pub fn data_table_text(workbook: &Workbook, table: &crate::model::data_table::DataTable) -> String {
    let (sheet, row) = table.target.cell_row();
    let format = workbook
        .rows(sheet)
        .get(row as usize)
        .map(|r| r.format)
        .unwrap_or_default();
    let mut lines =
        crate::model::data_table::grid(workbook, table, &|n| display::format_number(n, format));
    for line in lines.iter_mut().skip(1) {
        for field in line.iter_mut().skip(1) {
            if field.is_empty() {
                *field = "—".into();
            }
        }
    }
    aligned(&lines, &|c| c == 0)
}

/// Lines of fields as text, two spaces apart: the columns `left` picks
/// (the names) flush left, the others (the numbers) flush right.
pub(super) fn aligned(lines: &[Vec<String>], left: &dyn Fn(usize) -> bool) -> String {
    let widths = column_widths(lines);
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (text, &width))| {
                let pad = " ".repeat(width.saturating_sub(text.chars().count()));
                if left(c) {
                    format!("{text}{pad}")
                } else {
                    format!("{pad}{text}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

/// The lines a simulation reports: (period label, summary), for the
/// target's period, or for every period and then `total`.
fn simulation_lines(workbook: &Workbook, outcome: &Outcome) -> Vec<(String, Option<Summary>)> {
    let labels = workbook.period_labels();
    let (sheet, row) = outcome.spec.target.cell_row();
    let periods = outcome
        .metric(sheet, row)
        .map(|m| m.periods.clone())
        .unwrap_or_default();
    match outcome.spec.target {
        Target::Period { period, .. } => vec![(
            labels.get(period as usize).cloned().unwrap_or_default(),
            periods.get(period as usize).copied().flatten(),
        )],
        Target::Total { .. } => labels
            .into_iter()
            .zip(periods)
            .chain(std::iter::once(("total".to_string(), outcome.summary)))
            .collect(),
    }
}

/// A simulation as CSV: `metric,period,mean,p5,p10,p50,p90,p95` (empty
/// where no run gave a number), then `probability,<p>` for a condition.
pub fn simulation_csv(workbook: &Workbook, outcome: &Outcome) -> String {
    let mut out = String::new();
    let header: Vec<String> = ["metric", "period", "mean", "p5", "p10", "p50", "p90", "p95"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    push_csv_line(&mut out, &header);
    let (sheet, row) = outcome.spec.target.cell_row();
    let name = workbook.metric_name(sheet, row).to_string();
    for (period, summary) in simulation_lines(workbook, outcome) {
        let mut fields = vec![name.clone(), period];
        match summary {
            Some(s) => fields
                .extend([s.mean, s.p5, s.p10, s.p50, s.p90, s.p95].map(display::shortest_number)),
            None => fields.extend(std::iter::repeat_n(String::new(), 6)),
        }
        push_csv_line(&mut out, &fields);
    }
    if let Some(c) = &outcome.condition {
        push_csv_line(
            &mut out,
            &[
                "probability".to_string(),
                display::shortest_number(c.probability),
            ],
        );
    }
    out
}

/// A simulation as a table: the target's percentiles in its row's format,
/// the condition's probability and when it most often comes true, and the
/// inputs ranked by their rank correlation with the target.
pub fn simulation_table(workbook: &Workbook, outcome: &Outcome) -> String {
    let (sheet, row) = outcome.spec.target.cell_row();
    let format = workbook
        .rows(sheet)
        .get(row as usize)
        .map(|r| r.format)
        .unwrap_or_default();
    let number = |n: f64| display::format_number(n, format);
    let mut lines: Vec<Vec<String>> = vec![
        ["period", "mean", "P5", "P10", "P50", "P90", "P95"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    ];
    for (period, summary) in simulation_lines(workbook, outcome) {
        let mut line = vec![period];
        match summary {
            Some(s) => line.extend([s.mean, s.p5, s.p10, s.p50, s.p90, s.p95].map(number)),
            None => line.extend(std::iter::repeat_n("—".to_string(), 6)),
        }
        lines.push(line);
    }
    let mut out = String::new();
    let name = workbook.metric_name(sheet, row);
    let _ = writeln!(
        out,
        "{name}: {} runs, seed {}",
        outcome.samples.len(),
        outcome.spec.seed
    );
    out.push_str(&aligned(&lines, &|c| c == 0));
    let errors = outcome.samples.iter().filter(|v| v.is_nan()).count();
    if errors > 0 {
        let _ = writeln!(out, "{errors} runs gave no number for {name}");
    }
    out.push_str(&text_histogram(outcome, &number));
    if let Some(c) = &outcome.condition {
        let _ = write!(out, "\nP({}) = {:.1}%", c.text, c.probability * 100.0);
        if let Some(p) = c.most_often() {
            let labels = workbook.period_labels();
            let _ = write!(
                out,
                "; most often first true in {} ({:.1}% of runs)",
                labels.get(p as usize).map_or("?", String::as_str),
                c.first_true[p as usize] as f64 / outcome.samples.len() as f64 * 100.0
            );
        }
        out.push('\n');
    }
    out.push_str("\nwhat explains the spread (rank correlation with the target):\n");
    let mut lines: Vec<Vec<String>> = Vec::new();
    for d in &outcome.drivers {
        lines.push(vec![
            d.name.clone(),
            d.rank_correlation
                .map_or_else(|| "—".to_string(), |r| format!("{r:+.2}")),
        ]);
    }
    let widths = column_widths(&lines);
    for line in &lines {
        let pad = " ".repeat(widths[0].saturating_sub(line[0].chars().count()));
        let _ = writeln!(out, "  {}{pad}  {:>w$}", line[0], line[1], w = widths[1]);
    }
    out
}

/// The target's runs as a text histogram: one line per bin with its range,
/// a bar and the share of runs; the plan's bin is marked.
fn text_histogram(outcome: &Outcome, number: &dyn Fn(f64) -> String) -> String {
    const BINS: usize = 12;
    const BAR: usize = 40;
    let Some(h) = crate::model::simulate::Histogram::of(&outcome.samples, BINS) else {
        return String::new();
    };
    let total: usize = h.counts.iter().sum();
    let most = h.counts.iter().copied().max().unwrap_or(1).max(1);
    let mut lines: Vec<Vec<String>> = Vec::new();
    for (i, &n) in h.counts.iter().enumerate() {
        let (from, to) = (h.from(i), h.from(i + 1));
        let plan = outcome
            .base
            .is_some_and(|b| b >= from && (b < to || (i == h.counts.len() - 1 && b <= to)));
        lines.push(vec![
            number(from),
            "–".into(),
            number(to),
            format!(
                "{:<BAR$} {:>5.1}%{}",
                "█".repeat((n * BAR).div_ceil(most).min(BAR) * usize::from(n > 0)),
                n as f64 / total.max(1) as f64 * 100.0,
                if plan { "  ← plan" } else { "" }
            ),
        ]);
    }
    let mut out = String::from("\nhistogram of the runs:\n");
    for line in aligned(&lines, &|c| c == 3).lines() {
        let _ = writeln!(out, "  {}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_quote("CAC, RUB"), "\"CAC, RUB\"");
        assert_eq!(csv_quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_quote("plain"), "plain");
    }
}
