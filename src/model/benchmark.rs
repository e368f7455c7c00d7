//! Benchmarks: a metric's value against the market.
//!
//! A row may carry a [`Benchmark`] (a market value or range, where it comes
//! from, and whether higher or lower is better). [`classify`] says whether a
//! value is in the market, better or worse, by how much, and explains it in
//! one line for a hover: `3.0% vs market 4.0% (survey): 1.0 pp worse`.

use super::document::{Benchmark, Better, Format};
use super::{Value, Workbook, display};

/// Where a value stands against its benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// At the market value, or inside the market range.
    InMarket,
    /// Beyond the market in the good direction.
    Better,
    /// Beyond the market in the bad direction.
    Worse,
}

/// A value judged against its benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// In market, better or worse.
    pub standing: Standing,
    /// Distance to the nearest edge of the market (0 when in the market),
    /// positive when better, negative when worse, in the metric's units
    /// (0.01 = 1 pp for a percentage).
    pub gap: f64,
    /// The market value the metric would move to in order to reach the
    /// market: the nearest edge of the range when worse, else the value
    /// itself.
    pub target: f64,
    /// One line for a hover, e.g. `3.0% vs market 4.0% (survey): 1.0 pp worse`.
    pub explanation: String,
}

/// Judges `value` against `benchmark`; `format` is the row's, used for the
/// numbers in the explanation (percentages' gaps are in pp). Values within
/// a relative 1e-9 of a market edge count as in the market.
pub fn classify(value: f64, benchmark: &Benchmark, format: Format) -> Verdict {
    let low = benchmark.value;
    let high = benchmark.high.unwrap_or(low).max(low);
    let tolerance = 1e-9 * low.abs().max(high.abs()).max(1e-12);
    let (above, below) = (value - high, low - value);
    let (standing, gap, target) = if above > tolerance {
        match benchmark.better {
            Better::Higher => (Standing::Better, above, value),
            Better::Lower => (Standing::Worse, -above, high),
        }
    } else if below > tolerance {
        match benchmark.better {
            Better::Higher => (Standing::Worse, -below, low),
            Better::Lower => (Standing::Better, below, value),
        }
    } else {
        (Standing::InMarket, 0.0, value)
    };
    let show = |n: f64| display::format_number(n, format);
    let market = if high > low {
        format!("{} – {}", show(low), show(high))
    } else {
        show(low)
    };
    let source = if benchmark.source.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", benchmark.source.trim())
    };
    let amount = match format {
        Format::Percent(d) => format!("{:.*} pp", usize::from(d.clamp(1, 4)), gap.abs() * 100.0),
        _ => show(gap.abs()),
    };
    let verdict = match standing {
        Standing::InMarket if high > low => "in the market range".to_string(),
        Standing::InMarket => "at the market".to_string(),
        Standing::Better => format!("{amount} better"),
        Standing::Worse => format!("{amount} worse"),
    };
    let direction = match benchmark.better {
        Better::Higher => "higher is better",
        Better::Lower => "lower is better",
    };
    Verdict {
        standing,
        gap,
        target,
        explanation: format!(
            "{} vs market {market}{source}: {verdict} ({direction})",
            show(value)
        ),
    }
}

/// The benchmark verdict of a period cell: `None` if the metric has no
/// benchmark or the cell is not a number.
pub fn cell_verdict(workbook: &Workbook, sheet: u32, row: u32, period: u32) -> Option<Verdict> {
    let info = workbook.rows(sheet).get(row as usize)?;
    let benchmark = info.benchmark.as_ref()?;
    match workbook.value(sheet, row, period) {
        Value::Number(n) => Some(classify(*n, benchmark, info.format)),
        _ => None,
    }
}

/// Text for a legend: what the three colours mean.
pub const LEGEND: [(Standing, &str); 3] = [
    (Standing::Better, "better than the market"),
    (Standing::InMarket, "in the market"),
    (Standing::Worse, "worse than the market"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn bench(value: f64, high: Option<f64>, better: Better) -> Benchmark {
        Benchmark {
            value,
            high,
            better,
            source: "survey".into(),
        }
    }

    #[test]
    fn visit_to_lead_three_percent_is_one_pp_worse_than_four() {
        let v = classify(0.03, &bench(0.04, None, Better::Higher), Format::Percent(1));
        assert_eq!(v.standing, Standing::Worse);
        assert!((v.gap + 0.01).abs() < 1e-12);
        assert_eq!(v.target, 0.04);
        assert_eq!(
            v.explanation,
            "3.0% vs market 4.0% (survey): 1.0 pp worse (higher is better)"
        );
    }

    #[test]
    fn lead_to_payment_twenty_percent_is_ten_pp_better() {
        let v = classify(0.2, &bench(0.1, None, Better::Higher), Format::Percent(1));
        assert_eq!(v.standing, Standing::Better);
        assert!((v.gap - 0.1).abs() < 1e-12);
        assert_eq!(v.target, 0.2);
        assert!(v.explanation.ends_with("10.0 pp better (higher is better)"));
    }

    #[test]
    fn ranges_and_lower_is_better() {
        let cpl = bench(900.0, Some(1200.0), Better::Lower);
        let inside = classify(1000.0, &cpl, Format::Money(0));
        assert_eq!(inside.standing, Standing::InMarket);
        assert_eq!(
            inside.explanation,
            "1,000 vs market 900 – 1,200 (survey): in the market range (lower is better)"
        );
        let high = classify(1500.0, &cpl, Format::Money(0));
        assert_eq!(
            (high.standing, high.gap, high.target),
            (Standing::Worse, -300.0, 1200.0)
        );
        assert!(high.explanation.contains(": 300 worse"));
        let low = classify(800.0, &cpl, Format::Money(0));
        assert_eq!((low.standing, low.gap), (Standing::Better, 100.0));
        let edge = classify(1200.0, &cpl, Format::Money(0));
        assert_eq!(edge.standing, Standing::InMarket);
    }
}
