//! The investor view as files people outside Lever open: CSV of the
//! rolled-up values ([`investor_csv`]) and a self-contained HTML report
//! ([`investor_html`]): a table plus inline SVG charts of the key metrics,
//! with print styles so that printing it (or "Save as PDF" in a browser)
//! gives clean A4 landscape pages. No scripts, fonts or images are loaded.

use std::fmt::Write as _;

use crate::model::display;
use crate::model::document::{Format, Grouping, Rollup};
use crate::model::rollup::{InvestorTable, ViewLine, ViewMetric};

fn csv_quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The investor table as CSV: `metric,unit,<column labels>`, then one line
/// per metric with its label, unit and rolled-up values in full precision
/// (empty where there is no number). Section titles are left out.
pub fn investor_csv(table: &InvestorTable) -> String {
    let mut out = String::new();
    let mut header = vec!["metric".to_string(), "unit".to_string()];
    header.extend(table.groups.iter().map(|g| g.label.clone()));
    let line = |fields: Vec<String>| {
        let quoted: Vec<String> = fields.iter().map(|f| csv_quote(f)).collect();
        quoted.join(",") + "\n"
    };
    out.push_str(&line(header));
    for metric in table.metrics() {
        let mut fields = vec![metric.label.clone(), metric.unit.clone()];
        fields.extend(
            metric
                .values
                .iter()
                .map(|v| v.map(display::shortest_number).unwrap_or_default()),
        );
        out.push_str(&line(fields));
    }
    out
}

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn shown(value: Option<f64>, format: Format) -> String {
    value.map_or_else(|| "—".to_string(), |v| display::format_number(v, format))
}

/// What a roll-up means, for the table's tooltips and the notes.
fn rollup_note(rollup: &Rollup) -> String {
    match rollup {
        Rollup::Sum => "sum of the months".into(),
        Rollup::Last => "last month".into(),
        Rollup::Average => "average of the months".into(),
        Rollup::Ratio(n, d) => format!("{n} ÷ {d}, recomputed"),
    }
}

const STYLE: &str = r#"
body { font-family: "Helvetica Neue", Arial, sans-serif; color: #1d2330; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
p.sub { color: #5b6475; margin: 0 0 18px; font-size: 13px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e3e6ec; white-space: nowrap; }
th { text-align: right; background: #f3f5f9; font-weight: 600; }
th.metric, td.metric { text-align: left; }
td { text-align: right; font-variant-numeric: tabular-nums; }
td.unit { text-align: left; color: #5b6475; }
tr.section td { text-align: left; font-weight: 700; background: #fafbfd; padding-top: 10px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 24px; }
figure { margin: 0; border: 1px solid #e3e6ec; border-radius: 6px; padding: 8px; }
figcaption { font-size: 13px; font-weight: 600; margin-bottom: 4px; }
svg text { font-size: 10px; fill: #5b6475; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  table { font-size: 9px; }
  tr, figure { page-break-inside: avoid; break-inside: avoid; }
  thead { display: table-header-group; }
  .charts { page-break-before: always; break-before: page; }
}
"#;

/// An inline SVG chart of one metric over the table's columns: bars for
/// metrics that sum (flows), a line otherwise.
pub fn chart_svg(metric: &ViewMetric, labels: &[String]) -> String {
    const W: f64 = 520.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 70.0;
    const BOTTOM: f64 = 30.0;
    const TOP: f64 = 10.0;
    let values: Vec<f64> = metric.values.iter().map(|v| v.unwrap_or(0.0)).collect();
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let min = values.iter().copied().fold(0.0_f64, f64::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let plot_h = H - BOTTOM - TOP;
    let y = |v: f64| TOP + (max - v) / span * plot_h;
    let n = values.len().max(1) as f64;
    let slot = (W - LEFT - 10.0) / n;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" aria-label="{}">"#,
        esc(&metric.label)
    );
    let zero = y(0.0);
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{zero:.1}" x2="{:.1}" y2="{zero:.1}" stroke="#9aa3b2"/>"##,
        W - 10.0
    );
    for (v, at) in [(max, y(max)), (min, y(min))] {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 6.0,
            at + 3.0,
            esc(&display::format_number(v, metric.format))
        );
    }
    let every = (values.len() / 12).max(1);
    for (i, label) in labels.iter().enumerate() {
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                LEFT + slot * (i as f64 + 0.5),
                H - 10.0,
                esc(label)
            );
        }
    }
    if metric.rollup == Rollup::Sum {
        for (i, &v) in values.iter().enumerate() {
            let (top, bottom) = if v >= 0.0 { (y(v), zero) } else { (zero, y(v)) };
            let _ = write!(
                svg,
                r##"<rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="#3b6fd8"><title>{}: {}</title></rect>"##,
                LEFT + slot * i as f64 + slot * 0.15,
                slot * 0.7,
                (bottom - top).max(0.5),
                esc(labels.get(i).map_or("", String::as_str)),
                esc(&display::format_number(v, metric.format))
            );
        }
    } else {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| format!("{:.1},{:.1}", LEFT + slot * (i as f64 + 0.5), y(v)))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" stroke="#d8643b" stroke-width="2"/>"##,
            points.join(" ")
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The investor table as a self-contained HTML page titled `title`.
pub fn investor_html(table: &InvestorTable, title: &str) -> String {
    let grouping = match table.grouping {
        Grouping::Month => "by month",
        Grouping::Quarter => "by quarter",
        Grouping::Year => "by year",
    };
    let span = match (table.groups.first(), table.groups.last()) {
        (Some(a), Some(b)) if a.label != b.label => format!("{} – {}", a.label, b.label),
        (Some(a), _) => a.label.clone(),
        _ => String::new(),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"sub\">{span}, {grouping}</p>\n",
        esc(title),
        esc(title)
    );
    out.push_str(
        "<table>\n<thead><tr><th class=\"metric\">Metric</th><th class=\"metric\">Unit</th>",
    );
    for g in &table.groups {
        let _ = write!(out, "<th>{}</th>", esc(&g.label));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let columns = table.groups.len() + 2;
    for line in &table.lines {
        match line {
            ViewLine::Section(t) => {
                let _ = writeln!(
                    out,
                    "<tr class=\"section\"><td colspan=\"{columns}\">{}</td></tr>",
                    esc(t)
                );
            }
            ViewLine::Metric(m) => {
                let _ = write!(
                    out,
                    "<tr><td class=\"metric\" title=\"{}\">{}</td><td class=\"unit\">{}</td>",
                    esc(&rollup_note(&m.rollup)),
                    esc(&m.label),
                    esc(&m.unit)
                );
                for v in &m.values {
                    let _ = write!(out, "<td>{}</td>", esc(&shown(*v, m.format)));
                }
                out.push_str("</tr>\n");
            }
        }
    }
    out.push_str("</tbody>\n</table>\n");
    if !table.charts.is_empty() {
        let labels: Vec<String> = table.groups.iter().map(|g| g.label.clone()).collect();
        out.push_str("<div class=\"charts\">\n");
        for chart in &table.charts {
            let unit = if chart.unit.is_empty() {
                String::new()
            } else {
                format!(", {}", chart.unit)
            };
            let _ = writeln!(
                out,
                "<figure><figcaption>{}{}</figcaption>{}</figure>",
                esc(&chart.label),
                esc(&unit),
                chart_svg(chart, &labels)
            );
        }
        out.push_str("</div>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Workbook;
    use crate::model::rollup::{investor_table, view};

    #[test]
    fn funnel_report_has_table_charts_and_print_styles() {
        let w = Workbook::parse(include_str!("../../../models/funnel.ron"), "funnel.ron")
            .expect("parses");
        let table = investor_table(&w, &view(&w), Some(Grouping::Quarter)).expect("computes");
        let html = investor_html(&table, "Funnel <model>");
        assert!(html.contains("<title>Funnel &lt;model&gt;</title>"));
        assert!(html.contains("@media print"));
        assert!(html.contains("<th>Q4 2026</th>"));
        assert!(html.contains("<svg"));
        assert!(!html.contains("<script"));
        let csv = investor_csv(&table);
        assert!(
            csv.starts_with("metric,unit,Q1 2026,Q2 2026,Q3 2026,Q4 2026\n"),
            "{csv}"
        );
        assert!(csv.contains("\nPaid customers,deals,"), "{csv}");
    }
}
