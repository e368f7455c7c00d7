//! `lever simulate`: Monte Carlo on the bundled sample as CSV and as a
//! table, the same numbers for the same seed, and the messages for a bad
//! condition or run count.

mod common;

use common::{lever, stderr, stdout};

const SAMPLE: &str = "models/edtech-growth.ron";

#[test]
fn csv_has_one_line_per_period_then_the_total_and_the_probability() {
    let args = [
        "simulate",
        SAMPLE,
        "--target",
        "ebitda@total",
        "--runs",
        "300",
        "--condition",
        "MIN(cash) < 0",
        "--format",
        "csv",
    ];
    let output = lever(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "metric,period,mean,p5,p10,p50,p90,p95");
    // 36 months, the total, the probability.
    assert_eq!(lines.len(), 1 + 36 + 1 + 1, "{text}");
    assert!(lines[1].starts_with("ebitda,Jan 2026,"), "{text}");
    let total: Vec<f64> = lines[37]
        .strip_prefix("ebitda,total,")
        .expect("total line")
        .split(',')
        .map(|x| x.parse().expect("number"))
        .collect();
    assert!(
        total.windows(2).skip(1).all(|w| w[0] <= w[1]),
        "percentiles ascend: {total:?}"
    );
    assert!(
        total[1] < total[3] && total[3] < total[5],
        "a real spread: {total:?}"
    );
    let p: f64 = lines[38]
        .strip_prefix("probability,")
        .expect("probability line")
        .parse()
        .expect("number");
    assert!((0.0..=1.0).contains(&p));
    assert_eq!(
        stdout(&lever(&args)),
        text,
        "the same seed gives the same numbers"
    );
}

#[test]
fn the_table_names_the_drivers_of_the_spread() {
    let output = lever(&[
        "simulate",
        SAMPLE,
        "--target",
        "net_revenue@Dec 2026",
        "--runs",
        "400",
        "--seed",
        "3",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("net_revenue: 400 runs, seed 3"), "{text}");
    assert!(text.contains("Dec 2026"), "{text}");
    assert!(text.contains("what explains the spread"), "{text}");
    assert!(text.contains("visits_growth"), "{text}");
}

#[test]
fn bad_conditions_and_run_counts_are_explained() {
    let output = lever(&[
        "simulate",
        SAMPLE,
        "--target",
        "ebitda@total",
        "--condition",
        "MIN(cahs) < 0",
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output)
            .contains("the condition `MIN(cahs) < 0` gives #NAME?: unknown metric `cahs`"),
        "{}",
        stderr(&output)
    );
    let output = lever(&[
        "simulate",
        SAMPLE,
        "--target",
        "ebitda@total",
        "--runs",
        "0",
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("1 to 100000 runs"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_table_draws_a_histogram_of_the_runs_with_the_plan_marked() {
    let args = [
        "simulate",
        SAMPLE,
        "--target",
        "ebitda@Dec 2026",
        "--runs",
        "500",
    ];
    let output = lever(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let histogram: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("histogram of the runs"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(histogram.len(), 12, "{text}");
    let shares: f64 = histogram
        .iter()
        .map(|l| {
            let pct = l
                .split_whitespace()
                .find(|w| w.ends_with('%'))
                .expect("a share");
            pct.trim_end_matches('%').parse::<f64>().expect("a number")
        })
        .sum();
    assert!((shares - 100.0).abs() < 0.7, "{shares}");
    assert_eq!(
        histogram.iter().filter(|l| l.ends_with("← plan")).count(),
        1,
        "{text}"
    );
    assert!(histogram.iter().any(|l| l.contains('█')));
}
