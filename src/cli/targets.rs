//! `lever targets`: each target with what its initiatives deliver through
//! the model, the gap that remains, each initiative's progress once actuals
//! arrive, and the review; with `--add`, `--initiative` and `--review` it
//! also sets targets up and writes reviews into the changelog.

use std::path::Path;

use super::output::{aligned, push_csv_line};
use crate::model::targets::{self, Outcome};
use crate::model::{Command, Workbook, display, timeline};

/// What `lever targets` was asked to do besides listing.
#[derive(Debug, Default)]
pub struct Changes<'a> {
    /// A target to add, as typed (`net_revenue@May 2026 = +10% vs Apr 2026`).
    pub add: Option<&'a str>,
    /// Initiatives to add to the new (or the last) target:
    /// `NAME | OWNER | METRIC | EFFECT | START`.
    pub initiatives: &'a [String],
    /// Write the review of every closed, unreviewed target, dated so.
    pub review: Option<String>,
    /// Where to write the model (default: over the file).
    pub out: Option<&'a Path>,
}

/// `lever targets`: applies `changes` (saving the model if there were any),
/// then reports every target.
pub fn targets(file: &Path, changes: &Changes, csv: bool) -> Result<String, String> {
    let mut workbook = Workbook::load(file).map_err(|e| e.to_string())?;
    let mut notes = String::new();
    if let Some(text) = changes.add {
        let target = targets::parse_target(&workbook, text)?;
        let edit = targets::add_target_edit(&workbook, target);
        workbook.apply(edit).map_err(|e| e.to_string())?;
    }
    for text in changes.initiatives {
        let index = workbook
            .document()
            .targets
            .len()
            .checked_sub(1)
            .ok_or("no target to add the initiative to: add one with --add")?;
        let parts: Vec<&str> = text.split('|').map(str::trim).collect();
        let [name, owner, metric, effect, start] = parts.as_slice() else {
            return Err(format!(
                "`{text}`: write an initiative as `NAME | OWNER | METRIC | EFFECT | START`, \
                 e.g. `Call reviews | Head of sales | contact_to_qualified | +2 pp | May 2026`"
            ));
        };
        let initiative = targets::parse_initiative(&workbook, name, owner, metric, effect, start)?;
        let edit =
            targets::change_target_edit(&workbook, index, |t| t.initiatives.push(initiative))?;
        workbook.apply(edit).map_err(|e| e.to_string())?;
    }
    let mut changed = changes.add.is_some() || !changes.initiatives.is_empty();
    if let Some(date) = &changes.review {
        if !crate::model::command::valid_date(date) {
            return Err(format!("the date `{date}` is not a day like 2026-06-03"));
        }
        for index in 0..workbook.document().targets.len() {
            if !workbook.document().targets[index].reviewed.is_empty() {
                continue;
            }
            match targets::evaluate(&mut workbook, index) {
                // Targets whose period is still open are left for later.
                Ok(outcome) if outcome.achieved.is_none() => continue,
                Ok(_) => {}
                Err(e) => {
                    let text = targets::target_text(&workbook, &workbook.document().targets[index]);
                    notes.push_str(&format!("cannot review `{text}`: {e}\n"));
                    continue;
                }
            }
            let edit = targets::review_edit(&mut workbook, index, date)?;
            for command in &edit {
                if let Command::AddChangelogEntry { entry, .. } = command {
                    notes.push_str(&format!("changelog {}: {}\n", entry.date, entry.text));
                }
            }
            workbook.apply(edit).map_err(|e| e.to_string())?;
            changed = true;
        }
        if !changed {
            notes.push_str("no target to review: none has its period closed and no review yet\n");
        }
    }
    if changed {
        let target = changes.out.unwrap_or(file);
        workbook.save(target).map_err(|e| e.to_string())?;
        notes.push_str(&format!("saved {}\n", target.display()));
    }
    let outcomes = targets::evaluate_all(&mut workbook);
    let report = if csv {
        report_csv(&workbook, &outcomes)
    } else {
        report_table(&workbook, &outcomes)
    };
    // Notes go first in a table, to stderr-like lines before the CSV.
    Ok(if csv {
        report
    } else {
        format!("{notes}{report}")
    })
}

fn share(outcome: &Outcome, amount: f64) -> String {
    outcome
        .of_base(amount)
        .map(|s| format!("{:.4}", s))
        .unwrap_or_default()
}

fn report_csv(workbook: &Workbook, outcomes: &[Result<Outcome, String>]) -> String {
    let mut out = String::new();
    push_csv_line(
        &mut out,
        &[
            "target",
            "line",
            "owner",
            "metric",
            "start",
            "expected",
            "delivered",
            "share_of_base",
            "realised",
            "verdict",
        ]
        .map(String::from),
    );
    let doc = workbook.document();
    let num = display::shortest_number;
    for (target, outcome) in doc.targets.iter().zip(outcomes) {
        let text = targets::target_text(workbook, target);
        let o = match outcome {
            Ok(o) => o,
            Err(e) => {
                let mut fields = vec![text, "error".to_string()];
                fields.extend(std::iter::repeat_n(String::new(), 7));
                fields.push(e.clone());
                push_csv_line(&mut out, &fields);
                continue;
            }
        };
        let line = |out: &mut String, fields: [String; 9]| {
            let mut all = vec![text.clone()];
            all.extend(fields);
            push_csv_line(out, &all);
        };
        let verdict = match targets::met(workbook, o) {
            Some(true) => "met",
            Some(false) => "missed",
            None => "open",
        };
        let base = o.base.map_or(0.0, |(_, b)| b);
        line(
            &mut out,
            [
                "goal".into(),
                String::new(),
                target.metric.clone(),
                String::new(),
                num(o.goal),
                num(o.with),
                share(o, o.with - base),
                o.achieved.map(num).unwrap_or_default(),
                verdict.into(),
            ],
        );
        line(
            &mut out,
            [
                "without initiatives".into(),
                String::new(),
                target.metric.clone(),
                String::new(),
                String::new(),
                num(o.without),
                share(o, o.without - base),
                String::new(),
                String::new(),
            ],
        );
        for (i, io) in target.initiatives.iter().zip(&o.initiatives) {
            line(
                &mut out,
                [
                    i.name.clone(),
                    i.owner.clone(),
                    i.metric.clone(),
                    i.start.clone(),
                    targets::effect_text(i.effect),
                    num(io.delivered),
                    share(o, io.delivered),
                    io.realised.map(num).unwrap_or_default(),
                    match &io.error {
                        Some(e) => format!("error: {e}"),
                        None => io.verdict(i).map(|v| v.text()).unwrap_or_default().into(),
                    },
                ],
            );
        }
        line(
            &mut out,
            [
                "gap".into(),
                String::new(),
                target.metric.clone(),
                String::new(),
                String::new(),
                num(o.gap()),
                share(o, o.gap()),
                String::new(),
                String::new(),
            ],
        );
    }
    out
}

fn report_table(workbook: &Workbook, outcomes: &[Result<Outcome, String>]) -> String {
    let doc = workbook.document();
    if doc.targets.is_empty() {
        return "no targets: add one with --add \"net_revenue@May 2026 = +10% vs Apr 2026\"\n"
            .into();
    }
    let tl = &doc.timeline;
    let mut out = String::new();
    for (n, (target, outcome)) in doc.targets.iter().zip(outcomes).enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{}\n", targets::target_text(workbook, target)));
        let o = match outcome {
            Ok(o) => o,
            Err(e) => {
                out.push_str(&format!("  cannot evaluate: {e}\n"));
                continue;
            }
        };
        let (s, r) = o.cell_row;
        let format = workbook.rows(s)[r as usize].format;
        let value = |x: f64| display::format_number(x, format);
        out.push_str(&format!(
            "  goal {}; without the initiatives {}; with them {}\n",
            value(o.goal),
            value(o.without),
            value(o.with)
        ));
        out.push_str(&format!("  {}\n", targets::summary(workbook, target, o)));
        if let Some(achieved) = o.achieved {
            let met = if targets::met(workbook, o) == Some(true) {
                "met"
            } else {
                "missed"
            };
            out.push_str(&format!(
                "  closed at {} ({}): goal {met}\n",
                value(achieved),
                targets::change_text(
                    workbook,
                    target,
                    o,
                    achieved - o.base.map_or(o.without, |(_, b)| b)
                )
            ));
        }
        if !target.reviewed.is_empty() {
            out.push_str(&format!(
                "  reviewed {} (see the changelog)\n",
                target.reviewed
            ));
        }
        if target.initiatives.is_empty() {
            out.push_str("  no initiatives yet\n");
            continue;
        }
        let mut lines = vec![
            [
                "initiative",
                "owner",
                "metric",
                "from",
                "expected",
                "delivers",
                "before",
                "now",
                "realised",
                "verdict",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for (i, io) in target.initiatives.iter().zip(&o.initiatives) {
            let metric_value = |x: Option<(u32, f64)>| match (x, io.cell_row) {
                (Some((p, v)), Some((ms, mr))) => format!(
                    "{} ({})",
                    display::format_number(v, workbook.rows(ms)[mr as usize].format),
                    timeline::period_label(tl, p)
                ),
                _ => String::new(),
            };
            let start = timeline::month_period(tl, &i.start)
                .map(|p| timeline::period_label(tl, p))
                .unwrap_or_else(|| i.start.clone());
            lines.push(vec![
                i.name.clone(),
                i.owner.clone(),
                io.metric_label.clone(),
                start,
                targets::effect_text(i.effect),
                match &io.error {
                    Some(e) => e.clone(),
                    None => targets::change_text(workbook, target, o, io.delivered),
                },
                metric_value(io.progress.before),
                metric_value(io.progress.now),
                io.realised
                    .map(|r| targets::measured_text(i.effect, r))
                    .unwrap_or_default(),
                io.verdict(i).map(|v| v.text()).unwrap_or_default().into(),
            ]);
        }
        out.push('\n');
        for line in aligned(&lines, &|c| c <= 4 || c == 9).lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(
        "\ninitiatives act in dependency order (upstream first, then as listed); \
         each delivers how far the target moved when it was added\n",
    );
    out
}
