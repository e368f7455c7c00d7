//! The changelog: what happened to the linked metrics around a dated
//! business change.
//!
//! Entries are edited with the undoable commands
//! [`Command::AddChangelogEntry`](super::Command::AddChangelogEntry),
//! [`Command::SetChangelogEntry`](super::Command::SetChangelogEntry) and
//! [`Command::DeleteChangelogEntry`](super::Command::DeleteChangelogEntry).
//! [`before_after`] compares each linked metric's average over the `window`
//! periods *before* the change with its average over the `window` periods
//! *after* it. The period the date falls in counts as "after" when the date
//! is the first day of that period, and is left out otherwise (it mixes
//! both); periods outside the timeline are simply missing, so a window may be
//! shorter.

use std::ops::Range;

use super::document::ChangelogEntry;
use super::{Workbook, timeline};

/// One linked metric around a changelog entry.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricChange {
    /// The metric as the entry names it.
    pub metric: String,
    /// Its (sheet, row), or `None` if no metric has that name.
    pub cell: Option<(u32, u32)>,
    /// Periods averaged before the change.
    pub before_periods: Range<u32>,
    /// Periods averaged after the change.
    pub after_periods: Range<u32>,
    /// Average before (`None` if there are no such periods or a value in
    /// them is not a number).
    pub before: Option<f64>,
    /// Average after.
    pub after: Option<f64>,
    /// `after / before − 1`, when both are numbers and `before` is not 0.
    pub change: Option<f64>,
}

/// The periods before and after `date` (see the module documentation);
/// `None` if the date is not `YYYY-MM-DD`.
pub fn windows(workbook: &Workbook, date: &str, window: u32) -> Option<(Range<u32>, Range<u32>)> {
    if !super::command::valid_date(date.trim()) {
        return None;
    }
    let n = i64::from(workbook.periods());
    let position = timeline::date_position(&workbook.document().timeline, date)?;
    let k = position.floor() as i64;
    let after_start = if position.fract() == 0.0 { k } else { k + 1 };
    let clamp = |p: i64| p.clamp(0, n) as u32;
    let before = clamp(k - i64::from(window))..clamp(k);
    let after = clamp(after_start)..clamp(after_start + i64::from(window));
    Some((before, after))
}

fn average(workbook: &Workbook, (sheet, row): (u32, u32), periods: &Range<u32>) -> Option<f64> {
    if periods.is_empty() {
        return None;
    }
    let values = workbook.row_values(sheet, row);
    let mut total = 0.0;
    for p in periods.clone() {
        total += values.get(p as usize)?.as_number()?;
    }
    Some(total / f64::from(periods.end - periods.start))
}

/// Each linked metric of `entry`, averaged over `window` periods before
/// and after its date. Errors say what is wrong with the date.
pub fn before_after(
    workbook: &Workbook,
    entry: &ChangelogEntry,
    window: u32,
) -> Result<Vec<MetricChange>, String> {
    let (before_periods, after_periods) = windows(workbook, &entry.date, window.max(1))
        .ok_or_else(|| format!("the date `{}` is not a day like 2026-03-15", entry.date))?;
    Ok(entry
        .metrics
        .iter()
        .map(|metric| {
            let cell = workbook.find_metric(metric);
            let before = cell.and_then(|c| average(workbook, c, &before_periods));
            let after = cell.and_then(|c| average(workbook, c, &after_periods));
            let change = match (before, after) {
                (Some(b), Some(a)) if b != 0.0 => Some(a / b - 1.0),
                _ => None,
            };
            MetricChange {
                metric: metric.clone(),
                cell,
                before_periods: before_periods.clone(),
                after_periods: after_periods.clone(),
                before,
                after,
                change,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Command, EditError};

    const MODEL: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 8, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (label: "Conversion", values: [0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.3]),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
)
"#;

    fn entry(date: &str) -> ChangelogEntry {
        ChangelogEntry {
            date: date.into(),
            area: "sales".into(),
            text: "New script".into(),
            metrics: vec!["conversion".into(), "nope".into()],
        }
    }

    #[test]
    fn averages_before_and_after_the_date() {
        let w = Workbook::parse(MODEL, "m.ron").expect("parses");
        // 1 May: May counts as after. Before Feb–Apr = 0.1, after May–Jul = 0.2.
        let r = before_after(&w, &entry("2026-05-01"), 3).expect("computes");
        assert_eq!(
            (r[0].before_periods.clone(), r[0].after_periods.clone()),
            (1..4, 4..7)
        );
        assert!((r[0].before.unwrap() - 0.1).abs() < 1e-12);
        assert!((r[0].after.unwrap() - 0.2).abs() < 1e-12);
        assert!((r[0].change.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!((r[1].cell, r[1].before), (None, None));
        // 15 April: April is left out; after is May–Jul.
        let r = before_after(&w, &entry("2026-04-15"), 3).expect("computes");
        assert_eq!(
            (r[0].before_periods.clone(), r[0].after_periods.clone()),
            (0..3, 4..7)
        );
        // Near the end the window is shorter.
        let r = before_after(&w, &entry("2026-08-01"), 3).expect("computes");
        assert_eq!(r[0].after_periods, 7..8);
        assert_eq!(r[0].after, Some(0.3));
        assert!(before_after(&w, &entry("2026-13-01"), 3).is_err());
    }

    #[test]
    fn entries_are_added_edited_and_deleted_with_undo() {
        let mut w = Workbook::parse(MODEL, "m.ron").expect("parses");
        w.apply(vec![Command::AddChangelogEntry {
            index: 0,
            entry: entry(" 2026-05-01 "),
        }])
        .expect("adds");
        assert_eq!(w.document().changelog[0].date, "2026-05-01");
        let mut edited = entry("2026-06-01");
        edited.area = String::new();
        w.apply(vec![Command::SetChangelogEntry {
            index: 0,
            entry: edited,
        }])
        .expect("edits");
        assert!(
            w.to_text()
                .contains("(date: \"2026-06-01\", text: \"New script\"")
        );
        w.apply(vec![Command::DeleteChangelogEntry { index: 0 }])
            .expect("deletes");
        assert!(w.document().changelog.is_empty());
        w.undo();
        assert_eq!(w.document().changelog[0].date, "2026-06-01");
        w.undo();
        assert_eq!(w.document().changelog[0].area, "sales");
        w.undo();
        assert!(w.document().changelog.is_empty());
        assert_eq!(w.to_text(), MODEL);
        let err = w
            .apply(vec![Command::AddChangelogEntry {
                index: 0,
                entry: entry("2026-02-30"),
            }])
            .expect_err("a bad date");
        assert_eq!(
            err,
            EditError::Date(
                "the date `2026-02-30` is not a day like 2026-03-15 (YYYY-MM-DD)".into()
            )
        );
        let err = w
            .apply(vec![Command::DeleteChangelogEntry { index: 3 }])
            .expect_err("no entry");
        assert!(err.to_string().contains("no changelog entry 4"), "{err}");
    }
}
