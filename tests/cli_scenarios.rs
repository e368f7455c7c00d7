//! `lever eval --scenario` and `lever compare`: values under a scenario,
//! scenarios side by side, and the messages for unknown names.

mod common;

use common::{lever, stderr, stdout};

/// The funnel with a `High close` scenario (invoice → paid 60%), written to
/// a temporary folder.
fn funnel_with_scenario() -> (tempfile::TempDir, String) {
    let text = include_str!("../models/funnel.ron").replace(
        "    scenarios: [],\n",
        "    scenarios: [\n        (name: \"High close\", note: \"\", overrides: [(metric: \"invoice_to_paid\", values: [0.6])]),\n    ],\n",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("funnel.ron");
    std::fs::write(&path, text).expect("write");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

#[test]
fn eval_shows_the_scenario_values() {
    let (_dir, path) = funnel_with_scenario();
    let output = lever(&["eval", &path, "--scenario", "high close", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let paid = text
        .lines()
        .find(|l| l.starts_with("Paid customers,"))
        .expect("paid line");
    // 10,000 × 0.7 × 0.5 × 0.4 × 0.6 = 840.
    assert!(paid.starts_with("Paid customers,deals,840,"), "{paid}");

    let output = lever(&["eval", &path, "--scenario", "base", "--format", "csv"]);
    assert!(stdout(&output).contains("Paid customers,deals,700,"));
}

#[test]
fn unknown_scenario_lists_the_scenarios() {
    let output = lever(&["eval", "models/edtech-growth.ron", "--scenario", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no scenario `nope` (scenarios: base, Optimistic, Pessimistic)"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
    let output = lever(&[
        "compare",
        "models/edtech-growth.ron",
        "--metrics",
        "ebitda",
        "--scenarios",
        "base,nope",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no scenario `nope`"));
}

#[test]
fn compare_table_has_differences_and_totals() {
    let (_dir, path) = funnel_with_scenario();
    let output = lever(&["compare", &path, "--metrics", "paid"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Paid customers (paid)");
    let header: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(header, ["Period", "base", "High", "close", "Δ", "Δ%"]);
    let jan: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(jan, ["Jan", "2026", "700", "840", "+140", "+20.0%"]);
    let total: Vec<&str> = lines.last().expect("total").split_whitespace().collect();
    // 700 × (1.03^12 − 1) / 0.03 = 9,934.4; 20% more is 11,921.3.
    assert_eq!(total, ["Total", "9,934", "11,921", "+1,987", "+20.0%"]);
}

#[test]
fn compare_csv_defaults_to_every_scenario() {
    let output = lever(&[
        "compare",
        "models/edtech-growth.ron",
        "--metrics",
        "ebitda, net_revenue",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "metric,period,base,Optimistic,Optimistic diff,Optimistic pct,Pessimistic,Pessimistic diff,Pessimistic pct"
        )
    );
    // 36 periods and a total for each metric.
    assert_eq!(text.lines().count(), 1 + 2 * 37);
    let total = text
        .lines()
        .find(|l| l.starts_with("net_revenue,total,"))
        .expect("total");
    let fields: Vec<f64> = total
        .split(',')
        .skip(2)
        .map(|f| f.parse().expect("number"))
        .collect();
    assert!((fields[1] - fields[0] - fields[2]).abs() < 1e-3 * fields[0].abs());
    assert!((fields[3] - (fields[1] - fields[0]) / fields[0]).abs() < 1e-12);

    let output = lever(&["compare", "models/edtech-growth.ron", "--metrics", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no metric `nope`"));
}
