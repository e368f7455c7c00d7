//! What changed between two versions of a model: rows added, removed and
//! renamed, formulas, typed inputs, labels, units, formats, roll-ups,
//! benchmarks and ranges, scenarios,
//! the changelog, actuals, frozen plans and targets (`lever diff OLD NEW`). Metrics
//! are matched by name (`Sheet!name` off the first sheet); a metric that
//! disappears while one with the same label appears on the same sheet is
//! a rename.

use super::document::{CellInput, Format, Target};
use super::{Workbook, display, io, scenario, targets, timeline};

/// One difference.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The timeline differs.
    Timeline(String, String),
    /// The locale differs (how text reads as a number): (old, new).
    Locale(String, String),
    /// A metric only the new version has: (key, label).
    Added(String, String),
    /// A metric only the old version has: (key, label).
    Removed(String, String),
    /// A metric renamed: (old key, new key).
    Renamed(String, String),
    /// A row formula changed: (key, old, new).
    Formula(String, String, String),
    /// Period cells changed: key and (period label, old, new) per cell.
    Inputs(String, Vec<(String, String, String)>),
    /// A label, unit or format changed: (key, what, old, new).
    Info(String, &'static str, String, String),
    /// A scenario added, removed or changed: (name, what).
    Scenario(String, &'static str),
    /// A changelog entry added (true) or removed (false): (date, text).
    Changelog(bool, String, String),
    /// The closed period changed: (old, new).
    Closed(String, String),
    /// Booked actuals changed for these metrics.
    Actuals(Vec<String>),
    /// A frozen plan added (true) or removed (false).
    Plan(bool, String),
    /// A target added, removed or changed (its initiatives, its review):
    /// (the target as typed, what).
    Target(String, &'static str),
}

/// A metric in both versions: (old sheet, row), (new sheet, row), new key.
type Pair = ((u32, u32), (u32, u32), String);

/// Every metric of a workbook: (key, sheet, row).
fn metrics(w: &Workbook) -> Vec<(String, u32, u32)> {
    let mut out = Vec::new();
    for (s, names) in w.metric_names().iter().enumerate() {
        for r in 0..names.len() as u32 {
            if let Some(key) = scenario::key_for(w.document(), w.metric_names(), s as u32, r)
                && w.rows(s as u32)[r as usize].section.is_empty()
            {
                out.push((key, s as u32, r));
            }
        }
    }
    out
}

fn format_name(f: Format) -> String {
    format!("{f:?}")
}

/// The differences from `old` to `new`, in file order.
pub fn diff(old: &Workbook, new: &Workbook) -> Vec<Change> {
    let mut out = Vec::new();
    let (od, nd) = (old.document(), new.document());
    if od.timeline != nd.timeline {
        let show =
            |t: &super::document::Timeline| format!("{} × {} {:?}", t.start, t.periods, t.step);
        out.push(Change::Timeline(show(&od.timeline), show(&nd.timeline)));
    }
    if od.locale != nd.locale {
        out.push(Change::Locale(od.locale.clone(), nd.locale.clone()));
    }
    let (om, nm) = (metrics(old), metrics(new));
    let label = |w: &Workbook, s: u32, r: u32| w.rows(s)[r as usize].label.clone();
    let mut removed: Vec<&(String, u32, u32)> = om
        .iter()
        .filter(|(k, _, _)| new.find_metric(k).is_none())
        .collect();
    let mut pairs: Vec<Pair> = Vec::new();
    for (key, s, r) in &nm {
        if let Some((os, or)) = old.find_metric(key) {
            pairs.push(((os, or), (*s, *r), key.clone()));
            continue;
        }
        let renamed_from = removed.iter().position(|(_, os, or)| {
            *os == *s
                && !label(old, *os, *or).is_empty()
                && label(old, *os, *or) == label(new, *s, *r)
        });
        match renamed_from {
            Some(i) => {
                let (old_key, os, or) = removed.remove(i);
                out.push(Change::Renamed(old_key.clone(), key.clone()));
                pairs.push(((*os, *or), (*s, *r), key.clone()));
            }
            None => out.push(Change::Added(key.clone(), label(new, *s, *r))),
        }
    }
    for (key, s, r) in removed {
        out.push(Change::Removed(key.clone(), label(old, *s, *r)));
    }
    let periods = od.timeline.periods.min(nd.timeline.periods);
    for ((os, or), (s, r), key) in pairs {
        let (a, b) = (&old.rows(os)[or as usize], &new.rows(s)[r as usize]);
        for (what, x, y) in [
            ("label", a.label.clone(), b.label.clone()),
            ("unit", a.unit.clone(), b.unit.clone()),
            ("format", format_name(a.format), format_name(b.format)),
            (
                "roll-up",
                format!("{:?}", a.rollup),
                format!("{:?}", b.rollup),
            ),
            (
                "benchmark",
                format!("{:?}", a.benchmark),
                format!("{:?}", b.benchmark),
            ),
            (
                "range",
                format!("{:?}", a.uncertainty),
                format!("{:?}", b.uncertainty),
            ),
        ] {
            if x != y {
                out.push(Change::Info(key.clone(), what, x, y));
            }
        }
        if a.formula != b.formula {
            out.push(Change::Formula(
                key.clone(),
                a.formula.clone(),
                b.formula.clone(),
            ));
        }
        let cells: Vec<(String, String, String)> = (0..periods)
            .filter_map(|p| {
                let (x, y) = (old.input(os, or, p), new.input(s, r, p));
                (x != y).then(|| {
                    (
                        timeline::period_label(&nd.timeline, p),
                        input_text(x, a.format),
                        input_text(y, b.format),
                    )
                })
            })
            .collect();
        if !cells.is_empty() {
            out.push(Change::Inputs(key, cells));
        }
    }
    for s in &nd.scenarios {
        match od.scenarios.iter().find(|o| o.name == s.name) {
            None => out.push(Change::Scenario(s.name.clone(), "added")),
            Some(o) if o != s => out.push(Change::Scenario(s.name.clone(), "changed")),
            _ => {}
        }
    }
    for o in &od.scenarios {
        if !nd.scenarios.iter().any(|s| s.name == o.name) {
            out.push(Change::Scenario(o.name.clone(), "removed"));
        }
    }
    for e in &nd.changelog {
        if !od.changelog.contains(e) {
            out.push(Change::Changelog(true, e.date.clone(), e.text.clone()));
        }
    }
    for e in &od.changelog {
        if !nd.changelog.contains(e) {
            out.push(Change::Changelog(false, e.date.clone(), e.text.clone()));
        }
    }
    let closed = |w: &Workbook| {
        w.document()
            .actuals
            .as_ref()
            .map_or(String::new(), |a| a.closed.clone())
    };
    if closed(old) != closed(new) {
        out.push(Change::Closed(closed(old), closed(new)));
    }
    let booked = |w: &Workbook| {
        w.document()
            .actuals
            .as_ref()
            .map_or_else(Vec::new, |a| a.values.clone())
    };
    let (ob, nb) = (booked(old), booked(new));
    let mut changed: Vec<String> = nb
        .iter()
        .filter(|line| !ob.contains(line))
        .map(|line| line.metric.clone())
        .collect();
    changed.extend(
        ob.iter()
            .filter(|line| !nb.iter().any(|n| n.metric == line.metric))
            .map(|line| line.metric.clone()),
    );
    if !changed.is_empty() {
        out.push(Change::Actuals(changed));
    }
    for p in &nd.plans {
        if !od.plans.iter().any(|o| o.name == p.name) {
            out.push(Change::Plan(true, p.name.clone()));
        }
    }
    for p in &od.plans {
        if !nd.plans.iter().any(|n| n.name == p.name) {
            out.push(Change::Plan(false, p.name.clone()));
        }
    }
    let same = |a: &Target, b: &Target| a.metric == b.metric && a.period == b.period;
    for t in &nd.targets {
        let text = targets::target_text(new, t);
        match od.targets.iter().find(|o| same(o, t)) {
            None => out.push(Change::Target(text, "added")),
            Some(o) if o.initiatives != t.initiatives => {
                out.push(Change::Target(text, "initiatives changed"))
            }
            Some(o) if o.reviewed != t.reviewed => out.push(Change::Target(text, "reviewed")),
            Some(o) if o != t => out.push(Change::Target(text, "changed")),
            Some(_) => {}
        }
    }
    for t in &od.targets {
        if !nd.targets.iter().any(|n| same(n, t)) {
            out.push(Change::Target(targets::target_text(old, t), "removed"));
        }
    }
    out
}

/// A cell input as the grid shows it; `(empty)` for nothing.
fn input_text(input: &CellInput, format: Format) -> String {
    match input {
        CellInput::Empty => "(empty)".into(),
        CellInput::Number(n) => display::format_number(*n, format),
        other => io::cell_text(other),
    }
}

/// One line per change, for the command line.
pub fn describe(change: &Change) -> String {
    match change {
        Change::Timeline(a, b) => format!("~ timeline: {a} → {b}"),
        Change::Locale(a, b) => {
            let show = |l: &str| {
                if l.is_empty() {
                    "English".to_string()
                } else {
                    l.to_string()
                }
            };
            format!("~ locale: {} → {}", show(a), show(b))
        }
        Change::Added(k, l) => format!("+ metric {k} ({l})"),
        Change::Removed(k, l) => format!("- metric {k} ({l})"),
        Change::Renamed(a, b) => format!("~ renamed {a} → {b}"),
        Change::Formula(k, a, b) => {
            let show = |f: &str| {
                if f.is_empty() {
                    "(none)".to_string()
                } else {
                    format!("`{f}`")
                }
            };
            format!("~ {k}: formula {} → {}", show(a), show(b))
        }
        Change::Inputs(k, cells) => {
            let shown: Vec<String> = cells
                .iter()
                .take(6)
                .map(|(p, a, b)| format!("{p} {a} → {b}"))
                .collect();
            let more = if cells.len() > 6 {
                format!(" and {} more", cells.len() - 6)
            } else {
                String::new()
            };
            format!("~ {k}: {}{more}", shown.join("; "))
        }
        Change::Info(k, what, a, b) => format!("~ {k}: {what} `{a}` → `{b}`"),
        Change::Scenario(n, what) => format!("~ scenario `{n}` {what}"),
        Change::Changelog(added, d, t) => {
            format!("{} changelog {d}: {t}", if *added { "+" } else { "-" })
        }
        Change::Closed(a, b) => {
            let show = |s: &str| {
                if s.is_empty() {
                    "(none)".to_string()
                } else {
                    s.to_string()
                }
            };
            format!("~ actuals closed through {} → {}", show(a), show(b))
        }
        Change::Actuals(ms) => format!("~ actuals booked for {}", ms.join(", ")),
        Change::Plan(added, n) => format!("{} plan `{n}`", if *added { "+" } else { "-" }),
        Change::Target(t, what) => format!("~ target `{t}` {what}"),
    }
}
