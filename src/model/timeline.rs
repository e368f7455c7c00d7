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

/// Where a date `"YYYY-MM-DD"` falls on the timeline, in periods from the
/// start of the first one: `2.5` is halfway through the third period.
/// `None` if the date is malformed; dates before the start or after the end
/// give positions outside `0..periods`.
pub fn date_position(timeline: &Timeline, date: &str) -> Option<f64> {
    let (month_text, day) = date.trim().rsplit_once('-')?;
    let (year, month) = parse_month(month_text)?;
    let day: u32 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let (start_year, start_month) = parse_month(&timeline.start)?;
    let months = f64::from((year - start_year) * 12) + f64::from(month) - f64::from(start_month);
    let months_per_period = match timeline.step {
        Step::Month => 1.0,
        Step::Quarter => 3.0,
        Step::Year => 12.0,
    };
    Some((months + f64::from(day - 1) / 31.0) / months_per_period)
}

/// The period (zero-based) whose first month is `"YYYY-MM"`; `None` if the
/// text is not a month or no period of the timeline starts then.
pub fn month_period(timeline: &Timeline, month: &str) -> Option<u32> {
    let (year, month) = parse_month(month.trim())?;
    (0..timeline.periods).find(|&i| period_start(timeline, i) == (year, month))
}

/// `"YYYY-MM"` of the first month of period `index`.
pub fn period_month(timeline: &Timeline, index: u32) -> String {
    let (year, month) = period_start(timeline, index);
    format!("{year:04}-{month:02}")
}

/// Reads a period as people write it in a report's header or a command
/// line: the label (`Apr 2026`, `Q2 2026`, `2026`, case- and
/// spacing-insensitive), a full month name (`April 2026`), `2026-04`,
/// `2026-04-30` (a date in the period), `04/2026` or `4.2026`. `None` if it
/// names no period of the timeline.
pub fn find_period(timeline: &Timeline, text: &str) -> Option<u32> {
    let text = text.trim();
    let wanted = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(p) =
        (0..timeline.periods).find(|&i| period_label(timeline, i).eq_ignore_ascii_case(&wanted))
    {
        return Some(p);
    }
    let month = month_in_text(&wanted)?;
    let position = date_position(timeline, &format!("{:04}-{:02}-01", month.0, month.1))?;
    let p = position.floor();
    (p >= 0.0 && p < f64::from(timeline.periods)).then_some(p as u32)
}

/// (year, month) of `2026-04`, `2026-04-30`, `04/2026`, `4.2026`,
/// `April 2026` or `Apr 2026`.
pub fn month_in_text(text: &str) -> Option<(i32, u32)> {
    let ok = |year: i32, month: u32| {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then_some((year, month))
    };
    if let Some((first, rest)) = text.split_once(' ') {
        let name = first.to_ascii_lowercase();
        let month = MONTHS
            .iter()
            .position(|m| name.len() >= 3 && m.to_ascii_lowercase().starts_with(&name[..3]))?;
        return ok(rest.trim().parse().ok()?, month as u32 + 1);
    }
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [year, month] | [year, month, _] if year.len() == 4 => {
            ok(year.parse().ok()?, month.parse().ok()?)
        }
        [month, year] if year.len() == 4 => ok(year.parse().ok()?, month.parse().ok()?),
        _ => None,
    }
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(seconds as i64, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The time now (UTC) as a date serial, for `NOW` and `TODAY`.
pub fn now_serial() -> f64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    crate::engine::functions::clock::serial_of_unix(seconds)
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
    fn dates_fall_inside_their_period() {
        let t = timeline("2026-01", Step::Month);
        assert_eq!(date_position(&t, "2026-01-01"), Some(0.0));
        let march = date_position(&t, "2026-03-16").unwrap();
        assert!((2.0..3.0).contains(&march), "{march}");
        let q = timeline("2026-01", Step::Quarter);
        let may = date_position(&q, "2026-05-01").unwrap();
        assert!((1.0..2.0).contains(&may), "{may}");
        assert!(date_position(&t, "2025-12-31").unwrap() < 0.0);
        assert_eq!(date_position(&t, "2026-13-01"), None);
        assert_eq!(date_position(&t, "soon"), None);
    }

    #[test]
    fn bad_months_are_refused() {
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-01"), None);
        assert_eq!(parse_month("2026-1"), None);
        assert_eq!(parse_month("2026-01"), Some((2026, 1)));
    }
}
