//! The founder toolkit on the command line: `lever funnel` (a funnel's
//! stages, conversions, +1 pp gains, equivalences and the cheapest lever),
//! `lever export --view investor` (CSV, HTML or Excel) and `lever new
//! --template`.

use std::fmt::Write as _;
use std::path::Path;

use crate::model::document::{Format, Grouping};
use crate::model::funnel::{self, FunnelReport, GainMethod};
use crate::model::interop::report::{investor_csv, investor_html};
use crate::model::interop::{ExportOptions, export_investor_xlsx};
use crate::model::{Workbook, display, io, rollup, templates};

/// `lever funnel`: computes the funnel over the periods (`None`: the whole
/// timeline) and renders it as a table or CSV.
pub fn funnel(file: &Path, name: &str, period: Option<&str>, csv: bool) -> Result<String, String> {
    let mut workbook = Workbook::load(file).map_err(|e| e.to_string())?;
    let periods = match period {
        Some(text) => funnel::parse_periods(&workbook, text)?,
        None => 0..workbook.periods(),
    };
    let report = funnel::report(&mut workbook, name, periods)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(if csv {
        funnel_csv(&report)
    } else {
        funnel_table(&workbook, &report)
    })
}

fn number(n: Option<f64>) -> String {
    n.map(display::shortest_number).unwrap_or_default()
}

/// One line per stage: the count, and for every stage after the first the
/// step into it (conversion, units lost, +1 pp gains per period, method,
/// benchmark standing and the gain per period of reaching the market).
pub fn funnel_csv(report: &FunnelReport) -> String {
    let mut out = String::from(
        "stage,count,conversion,lost,gain_units_per_pp,gain_money_per_pp,method,vs_market,to_market_units,to_market_money\n",
    );
    for (i, stage) in report.stages.iter().enumerate() {
        let mut fields = vec![stage.name.clone(), display::shortest_number(stage.count)];
        if let Some(step) = i.checked_sub(1).and_then(|s| report.steps.get(s)) {
            fields.extend([
                number(step.conversion),
                display::shortest_number(step.lost),
                number(step.gain_units),
                number(step.gain_money),
                match step.method {
                    GainMethod::Probe => "model".into(),
                    GainMethod::Analytic => "counts".into(),
                },
                step.benchmark
                    .as_ref()
                    .map(|v| {
                        match v.standing {
                            crate::model::benchmark::Standing::InMarket => "in market",
                            crate::model::benchmark::Standing::Better => "better",
                            crate::model::benchmark::Standing::Worse => "worse",
                        }
                        .to_string()
                    })
                    .unwrap_or_default(),
                number(step.to_market_units),
                number(step.to_market_money),
            ]);
        } else {
            fields.extend(std::iter::repeat_n(String::new(), 8));
        }
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Lines as aligned columns: the first `left_columns` and, if `left_last`,
/// the last column flush left, the others flush right.
fn aligned(lines: &[Vec<String>], left_columns: usize, left_last: bool) -> String {
    let n = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            lines
                .iter()
                .filter_map(|l| l.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(c, text)| {
                let pad = " ".repeat(widths[c].saturating_sub(text.chars().count()));
                if c < left_columns || (left_last && c + 1 == n) {
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

/// The funnel as readable text: stages and steps, end-to-end conversion,
/// the biggest drop, the equivalence matrix and the cheapest lever first.
pub fn funnel_table(workbook: &Workbook, report: &FunnelReport) -> String {
    let pct = |n: Option<f64>| {
        n.map_or_else(
            || "—".into(),
            |n| display::format_number(n, Format::Percent(1)),
        )
    };
    let units = |n: Option<f64>| {
        n.map_or_else(
            || "—".into(),
            |n| display::format_number(n, Format::Decimal(1)),
        )
    };
    let money = |n: Option<f64>| {
        n.map_or_else(
            || "—".into(),
            |n| display::format_number(n, Format::Money(0)),
        )
    };
    let last = report.stages.last().map_or("", |s| s.name.as_str());
    let mut out = String::new();
    let _ = writeln!(out, "Funnel \"{}\", {}\n", report.name, report.period_label);
    let mut lines = vec![
        [
            "stage",
            "count",
            "conversion",
            "lost",
            &format!("+1 pp → {last}/period"),
            "+1 pp → money/period",
            "via",
            "vs market",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
    ];
    for (i, stage) in report.stages.iter().enumerate() {
        let format = workbook
            .rows(stage.sheet)
            .get(stage.row as usize)
            .map_or(Format::Integer, |r| r.format);
        let mut line = vec![
            stage.label.clone(),
            display::format_number(stage.count, format),
        ];
        if let Some(step) = i.checked_sub(1).and_then(|s| report.steps.get(s)) {
            line.extend([
                pct(step.conversion),
                display::format_number(step.lost, format),
                units(step.gain_units),
                money(step.gain_money),
                match step.method {
                    GainMethod::Probe => "model".into(),
                    GainMethod::Analytic => "counts".into(),
                },
                step.benchmark
                    .as_ref()
                    .map(|v| v.explanation.clone())
                    .unwrap_or_default(),
            ]);
        }
        lines.push(line);
    }
    out.push_str(&aligned(&lines, 1, true));
    let step_name = |i: usize| {
        format!(
            "{} → {}",
            report.stages[i].label,
            report.stages[i + 1].label
        )
    };
    let _ = writeln!(out, "\nEnd to end: {}", {
        report.end_to_end.map_or_else(
            || "—".into(),
            |n| display::format_number(n, Format::Percent(2)),
        )
    });
    if let Some(i) = report.biggest_drop {
        let step = &report.steps[i];
        let _ = writeln!(
            out,
            "Biggest drop (lowest conversion): {}, {} ({} lost)",
            step_name(i),
            pct(step.conversion),
            display::format_number(step.lost, Format::Integer)
        );
    }
    if let Some(m) = report.money {
        let _ = writeln!(
            out,
            "Money: {}",
            display::format_number(m, Format::Money(0))
        );
    }
    if report.steps.len() > 1 {
        let _ = writeln!(
            out,
            "\n+1 pp at the step on the left equals … pp at the step above:"
        );
        let mut header = vec![String::new()];
        header.extend((0..report.steps.len()).map(|i| format!("({})", i + 1)));
        let mut lines = vec![header];
        for (a, row) in report.equivalence.iter().enumerate() {
            let mut line = vec![format!("({}) {}", a + 1, step_name(a))];
            line.extend(row.iter().enumerate().map(|(b, k)| {
                if a == b {
                    "1".into()
                } else {
                    k.map_or_else(|| "—".into(), |k| format!("{k:.2}"))
                }
            }));
            lines.push(line);
        }
        out.push_str(&aligned(&lines, 1, false));
    }
    if !report.ranking.is_empty() {
        let _ = writeln!(
            out,
            "\nCheapest lever first (gain per period of reaching the market):"
        );
        let mut lines = Vec::new();
        for (rank, &i) in report.ranking.iter().enumerate() {
            let step = &report.steps[i];
            lines.push(vec![
                format!("{}.", rank + 1),
                step_name(i),
                format!("+{} {last}", units(step.to_market_units)),
                format!("+{}", money(step.to_market_money)),
                step.benchmark
                    .as_ref()
                    .map(|v| v.explanation.clone())
                    .unwrap_or_default(),
            ]);
        }
        out.push_str(&aligned(&lines, 2, true));
    }
    out
}

/// `lever export --view investor`: writes the investor view to `to`, the
/// format chosen by its extension (`.csv`, `.html`, `.xlsx`).
pub fn export_investor(
    file: &Path,
    to: &Path,
    grouping: Option<Grouping>,
) -> Result<String, String> {
    let workbook = Workbook::load(file).map_err(|e| e.to_string())?;
    let view = rollup::view(&workbook);
    let table = rollup::investor_table(&workbook, &view, grouping)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let write_text =
        |text: String| io::write_atomically(to, text.as_bytes()).map_err(|e| e.to_string());
    let extension = to
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" => write_text(investor_csv(&table))?,
        "html" | "htm" => {
            let title = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Model".into());
            write_text(investor_html(&table, &title))?;
        }
        "xlsx" => export_investor_xlsx(&workbook, &table, to, &ExportOptions::default())
            .map_err(|e| e.to_string())?,
        "pdf" => {
            return Err(format!(
                "{}: PDF is not written directly; export .html and print it (its print styles give A4 landscape pages)",
                to.display()
            ));
        }
        other => {
            return Err(format!(
                "{}: cannot export the investor view as `{}` (use .xlsx, .html or .csv)",
                to.display(),
                if other.is_empty() {
                    "(no extension)"
                } else {
                    other
                }
            ));
        }
    }
    Ok(format!(
        "{}: {} rows × {} columns",
        to.display(),
        table.metrics().count(),
        table.groups.len()
    ))
}

/// `lever new`: writes template `template` to `out` (refusing to replace an
/// existing file unless `force`).
pub fn new_from_template(out: &Path, template: &str, force: bool) -> Result<String, String> {
    let template = templates::find(template)?;
    if out.exists() && !force {
        return Err(format!(
            "{} already exists (use --force to replace it)",
            out.display()
        ));
    }
    io::save(&template.file, out).map_err(|e| e.to_string())?;
    Ok(format!("{}: {}", out.display(), template.description))
}
