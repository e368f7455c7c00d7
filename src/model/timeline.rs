//! The timeline: which month each period column stands for, and its label.

use super::document::{Step, Timeline};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses `"YYYY-MM"` into (year, month 1–12).
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;
    ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then_some((year, month))
}

/// The first month of period `index` (zero-based), as (year, month 1–12).
pub fn period_start(timeline: &Timeline, index: u32) -> (i32, u32) {
    let (year, month) = parse_month(&timeline.start).unwrap_or((2026, 1));
    let months_per_period = match timeline.step {
        Step::Month => 1,
        Step::Quarter => 3,
        Step::Year => 12,
    };
    let zero_based =
        i64::from(year) * 12 + i64::from(month - 1) + i64::from(index) * months_per_period;
    ((zero_based / 12) as i32, (zero_based % 12) as u32 + 1)
}

/// The column header of period `index`: `Jan 2026`, `Q1 2026` or `2026`.
pub fn period_label(timeline: &Timeline, index: u32) -> String {
    let (year, month) = period_start(timeline, index);
    match timeline.step {
        Step::Month => format!("{} {year}", MONTHS[(month - 1) as usize % 12]),
        Step::Quarter => format!("Q{} {year}", (month - 1) / 3 + 1),
        Step::Year => format!("{year}"),
    }
}

/// Every period's label.
pub fn period_labels(timeline: &Timeline) -> Vec<String> {
    (0..timeline.periods)
        .map(|i| period_label(timeline, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline(start: &str, step: Step) -> Timeline {
        Timeline {
            start: start.into(),
            periods: 36,
            step,
        }
    }

    #[test]
    fn months_roll_over_years() {
        let t = timeline("2026-11", Step::Month);
        assert_eq!(period_label(&t, 0), "Nov 2026");
        assert_eq!(period_label(&t, 2), "Jan 2027");
        assert_eq!(period_label(&t, 14), "Jan 2028");
    }

    #[test]
    fn quarters_and_years() {
        assert_eq!(
            period_label(&timeline("2026-04", Step::Quarter), 1),
            "Q3 2026"
        );
        assert_eq!(period_label(&timeline("2026-01", Step::Year), 2), "2028");
    }

    #[test]
    fn bad_months_are_refused() {
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-01"), None);
        assert_eq!(parse_month("2026-1"), None);
        assert_eq!(parse_month("2026-01"), Some((2026, 1)));
    }
}
