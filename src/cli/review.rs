//! The monthly review on the command line: `lever actuals import` (book what
//! really happened from a CRM, BI or accounting export), `lever variance`
//! (plan against actuals, a frozen plan or a scenario) and `lever explain`
//! (the driver waterfall of a target's difference), `lever diff` (what
//! changed between two versions of a model).

use std::path::Path;

use super::output::{aligned, push_csv_line};
use crate::model::actuals::{self, Match, Preview};
use crate::model::variance::{self, Basis, Report};
use crate::model::waterfall::{self, Waterfall};
use crate::model::{Workbook, display, timeline, what_if};

/// What `lever actuals import` did.
pub struct Imported {
    /// The report to print.
    pub text: String,
    /// False if the file had problems (nothing was written).
    pub applied: bool,
}

/// `lever actuals import`: previews `actuals_file` against the model,
/// lists its problems (and writes nothing) or books it and saves the model
/// to `out` (default: the model file itself; `dry_run` writes nothing).
pub fn actuals_import(
    file: &Path,
    actuals_file: &Path,
    out: Option<&Path>,
    close: Option<&str>,
    mapping: &[String],
    dry_run: bool,
    csv: bool,
) -> Result<Imported, String> {
    let mut workbook = Workbook::load(file).map_err(|e| e.to_string())?;
    let extra: Vec<(String, String)> = mapping
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(h, metric)| (h.trim().to_string(), metric.trim().to_string()))
                .ok_or_else(|| format!("--map `{m}`: write HEADER=metric"))
        })
        .collect::<Result<_, _>>()?;
    let close = close
        .map(|text| {
            timeline::find_period(&workbook.document().timeline, text).ok_or_else(|| {
                format!("--close `{text}` is not a period of the timeline (e.g. 2026-04)")
            })
        })
        .transpose()?;
    let table = actuals::read_table(actuals_file)?;
    let preview = actuals::preview(&workbook, &table, &extra)
        .map_err(|e| format!("{}: {e}", actuals_file.display()))?;
    let preview = actuals::with_plan_values(&mut workbook, preview);
    let mut text = if csv {
        preview_csv(&workbook, &preview)
    } else {
        preview_table(&workbook, &preview, actuals_file)
    };
    if !preview.problems.is_empty() {
        return Ok(Imported {
            text,
            applied: false,
        });
    }
    let edit = actuals::import_edit(&workbook, &preview, close)?;
    if dry_run {
        return Ok(Imported {
            text,
            applied: true,
        });
    }
    workbook.apply(edit).map_err(|e| e.to_string())?;
    let target = out.unwrap_or(file);
    workbook.save(target).map_err(|e| e.to_string())?;
    if !csv {
        let closed = workbook
            .document()
            .actuals
            .as_ref()
            .and_then(|a| timeline::month_period(&workbook.document().timeline, &a.closed))
            .map(|p| timeline::period_label(&workbook.document().timeline, p))
            .unwrap_or_default();
        text.push_str(&format!(
            "booked {} actual(s), closed through {closed}; saved {}\n",
            preview.changes.len(),
            target.display()
        ));
    }
    Ok(Imported {
        text,
        applied: true,
    })
}

fn number(workbook: &Workbook, sheet: u32, row: u32, n: Option<f64>) -> String {
    let format = workbook.rows(sheet)[row as usize].format;
    n.map(|n| display::format_number(n, format))
        .unwrap_or_default()
}

fn preview_table(workbook: &Workbook, preview: &Preview, origin: &Path) -> String {
    let tl = &workbook.document().timeline;
    let mut out = String::new();
    let shape = match preview.shape {
        actuals::Shape::Long { .. } => "long (metric, period, value)",
        actuals::Shape::Wide { .. } => "wide (months as columns)",
    };
    out.push_str(&format!("{}: {shape}\n", origin.display()));
    let mut headers = vec![vec![
        "header".to_string(),
        "line".into(),
        "metric".into(),
        "matched by".into(),
    ]];
    for h in &preview.headers {
        let how = match &h.how {
            Match::Remembered => "mapping".to_string(),
            Match::Name => "name".to_string(),
            Match::Unknown(near) if near.is_empty() => "no match".to_string(),
            Match::Unknown(near) => format!("no match (near: {})", near.join(", ")),
        };
        headers.push(vec![
            h.header.clone(),
            h.line.to_string(),
            h.metric.clone().unwrap_or_default(),
            how,
        ]);
    }
    out.push_str(&aligned(&headers, &|c| c != 1));
    out.push('\n');
    let mut lines = vec![vec![
        "metric".to_string(),
        "period".into(),
        "plan".into(),
        "booked".into(),
        "actual".into(),
    ]];
    for c in &preview.changes {
        lines.push(vec![
            c.metric.clone(),
            timeline::period_label(tl, c.period),
            number(workbook, c.sheet, c.row, c.plan),
            number(workbook, c.sheet, c.row, c.before),
            number(workbook, c.sheet, c.row, Some(c.value)),
        ]);
    }
    out.push_str(&aligned(&lines, &|c| c < 2));
    if !preview.problems.is_empty() {
        out.push_str(&format!(
            "\n{} problem(s); nothing was imported:\n",
            preview.problems.len()
        ));
        for p in &preview.problems {
            out.push_str(&format!("{}:{}: {}\n", origin.display(), p.line, p.text));
        }
    }
    out
}

fn preview_csv(workbook: &Workbook, preview: &Preview) -> String {
    let tl = &workbook.document().timeline;
    let mut out = String::new();
    let plain = |n: Option<f64>| n.map(display::shortest_number).unwrap_or_default();
    push_csv_line(
        &mut out,
        &["metric", "period", "plan", "booked", "actual", "line"].map(String::from),
    );
    for c in &preview.changes {
        push_csv_line(
            &mut out,
            &[
                c.metric.clone(),
                timeline::period_label(tl, c.period),
                plain(c.plan),
                plain(c.before),
                display::shortest_number(c.value),
                c.line.to_string(),
            ],
        );
    }
    for p in &preview.problems {
        push_csv_line(
            &mut out,
            &[
                "problem".to_string(),
                String::new(),
                String::new(),
                String::new(),
                p.text.clone(),
                p.line.to_string(),
            ],
        );
    }
    out
}

/// `lever variance`.
pub fn variance(
    file: &Path,
    against: &str,
    period: Option<&str>,
    metrics: &[String],
    csv: bool,
) -> Result<String, String> {
    let mut workbook = Workbook::load(file).map_err(|e| e.to_string())?;
    let basis = variance::parse_basis(&workbook, against)?;
    let periods = variance::parse_period(&workbook, period)?;
    let metrics = super::find_metrics(&workbook, metrics)?;
    if basis == Basis::Actuals && actuals::closed_period(workbook.document()).is_none() {
        return Err(format!(
            "{}: no period is closed yet: import actuals first (lever actuals import)",
            file.display()
        ));
    }
    let report = variance::variance(&mut workbook, basis, &periods, &metrics)?;
    Ok(if csv {
        variance_csv(&report)
    } else {
        variance_table(&workbook, &report)
    })
}

fn variance_csv(report: &Report) -> String {
    let mut out = String::new();
    let plain = |n: Option<f64>| n.map(display::shortest_number).unwrap_or_default();
    push_csv_line(
        &mut out,
        &[
            "metric".to_string(),
            "period".into(),
            report.names.0.clone(),
            report.names.1.clone(),
            "variance".into(),
            "variance_pct".into(),
        ],
    );
    for l in &report.lines {
        push_csv_line(
            &mut out,
            &[
                l.metric.clone(),
                l.period.clone(),
                plain(l.from),
                plain(l.to),
                plain(l.variance),
                plain(l.variance_pct),
            ],
        );
    }
    out
}

fn variance_table(workbook: &Workbook, report: &Report) -> String {
    let mut lines = vec![vec![
        "metric".to_string(),
        "period".into(),
        report.names.0.clone(),
        report.names.1.clone(),
        "variance".into(),
        "%".into(),
        String::new(),
    ]];
    for l in &report.lines {
        lines.push(vec![
            l.label.clone(),
            l.period.clone(),
            number(workbook, l.sheet, l.row, l.from),
            number(workbook, l.sheet, l.row, l.to),
            number(workbook, l.sheet, l.row, l.variance),
            l.variance_pct.map(signed_percent).unwrap_or_default(),
            match l.helps {
                Some(true) => "better".into(),
                Some(false) => "worse".into(),
                None => String::new(),
            },
        ]);
    }
    aligned(&lines, &|c| c < 2 || c == 6)
}

fn signed_percent(x: f64) -> String {
    format!("{:+.1}%", x * 100.0)
}

/// `lever explain`: the basis is `--scenario`, `--against PLAN` or
/// `--actuals` (exactly one).
pub fn explain(
    file: &Path,
    target: &str,
    scenario: Option<&str>,
    against: Option<&str>,
    actuals_chosen: bool,
    by_period: bool,
    csv: bool,
) -> Result<String, String> {
    let mut workbook = Workbook::load(file).map_err(|e| e.to_string())?;
    let target = what_if::parse_target(&workbook, target)?;
    let basis = match (scenario, against, actuals_chosen) {
        (Some(s), None, false) => Basis::Scenario(crate::model::scenario::find(&workbook, s)?),
        (None, Some(plan), false) => match variance::parse_basis(&workbook, plan)? {
            b @ (Basis::Plan(_) | Basis::Actuals) => b,
            Basis::Scenario(_) => {
                return Err(format!(
                    "`{plan}` is a scenario, not a frozen plan: use --scenario {plan}"
                ));
            }
        },
        (None, None, true) => Basis::Actuals,
        _ => return Err("choose one of --scenario NAME, --against PLAN or --actuals".into()),
    };
    let result = waterfall::explain_by(&mut workbook, target, basis, by_period)?;
    Ok(if csv {
        explain_csv(&result)
    } else {
        explain_table(&workbook, &target, &result)
    })
}

fn explain_csv(w: &Waterfall) -> String {
    let mut out = String::new();
    let plain = |n: Option<f64>| n.map(display::shortest_number).unwrap_or_default();
    push_csv_line(
        &mut out,
        &["driver", "from", "to", "contribution"].map(String::from),
    );
    for d in &w.drivers {
        push_csv_line(
            &mut out,
            &[
                d.name.clone(),
                plain(d.from),
                plain(d.to),
                display::shortest_number(d.contribution),
            ],
        );
    }
    push_csv_line(
        &mut out,
        &[
            "total".to_string(),
            String::new(),
            String::new(),
            display::shortest_number(w.total()),
        ],
    );
    out
}

fn explain_table(workbook: &Workbook, target: &what_if::Target, w: &Waterfall) -> String {
    let (sheet, row) = target.cell_row();
    let value = |n: f64| number(workbook, sheet, row, Some(n));
    let share = |n: f64| {
        if w.from == 0.0 {
            String::new()
        } else {
            signed_percent(n / w.from.abs())
        }
    };
    let mut out = format!(
        "{}: {} {} → {} {}: {} ({})\n",
        workbook.rows(sheet)[row as usize].label,
        w.names.0,
        value(w.from),
        w.names.1,
        value(w.to),
        value(w.total()),
        share(w.total()),
    );
    out.push_str("drivers in dependency order (upstream first); each moves the target from where the ones before left it\n\n");
    let mut lines = vec![vec![
        "driver".to_string(),
        w.names.0.clone(),
        w.names.1.clone(),
        "contribution".into(),
        "%".into(),
    ]];
    for d in &w.drivers {
        let (from, to) = match d.cell_row {
            Some((s, r)) => (number(workbook, s, r, d.from), number(workbook, s, r, d.to)),
            None => (String::new(), String::new()),
        };
        let name = if d.label.is_empty() || d.cell_row.is_none() {
            d.name.clone()
        } else {
            d.label.clone()
        };
        lines.push(vec![
            name,
            from,
            to,
            value(d.contribution),
            share(d.contribution),
        ]);
    }
    lines.push(vec![
        "total".into(),
        String::new(),
        String::new(),
        value(w.total()),
        share(w.total()),
    ]);
    out.push_str(&aligned(&lines, &|c| c == 0));
    out
}

/// `lever diff`: the changes, one per line, then with a target its
/// waterfall from the old version to the new.
pub fn diff(old: &Path, new: &Path, target: Option<&str>) -> Result<String, String> {
    let before = Workbook::load(old).map_err(|e| e.to_string())?;
    let mut after = Workbook::load(new).map_err(|e| e.to_string())?;
    let changes = crate::model::diff::diff(&before, &after);
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str("no changes\n");
    }
    for c in &changes {
        out.push_str(&crate::model::diff::describe(c));
        out.push('\n');
    }
    if let Some(text) = target {
        let target = what_if::parse_target(&after, text)?;
        let result = waterfall::explain_versions(&before, &mut after, target)?;
        out.push('\n');
        out.push_str(&explain_table(&after, &target, &result));
    }
    Ok(out)
}
