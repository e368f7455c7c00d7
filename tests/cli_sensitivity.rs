//! `lever sensitivity`: the tornado ranking of a model's inputs, as a table
//! and as CSV, and the messages for a bad target or swing.

mod common;

use common::{lever, stderr, stdout};

const STAGES: [&str; 5] = [
    "leads",
    "lead_to_contact",
    "contact_to_qualified",
    "qualified_to_invoice",
    "invoice_to_paid",
];

#[test]
fn funnel_table_ranks_the_stages_first_with_elasticity_one() {
    let output = lever(&[
        "sensitivity",
        "models/funnel.ron",
        "--target",
        "paid@Jan 2026",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("metric") && lines[0].contains("elasticity"),
        "{text}"
    );
    for line in &lines[1..=5] {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert!(STAGES.contains(&fields[1]), "{text}");
        assert_eq!(fields.last(), Some(&"1.00"), "{text}");
    }
    // paid = 10,000 × 0.7 × 0.5 × 0.4 × 0.5 = 700, ±10% → 630 / 770.
    assert!(
        lines[1].contains("630") && lines[1].contains("700") && lines[1].contains("770"),
        "{text}"
    );
    assert!(lines.last().is_some_and(|l| l.ends_with("0.00")), "{text}");
}

#[test]
fn funnel_csv_has_full_precision() {
    let output = lever(&[
        "sensitivity",
        "models/funnel.ron",
        "--target",
        "paid@total",
        "--swing",
        "0.2",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("metric,low,base,high,elasticity"));
    let first: Vec<&str> = lines.next().expect("a row").split(',').collect();
    assert!(STAGES.contains(&first[0]), "{text}");
    let elasticity: f64 = first[4].parse().expect("a number");
    assert!((elasticity - 1.0).abs() < 1e-9, "{text}");
    assert_eq!(text.lines().count(), 9, "{text}");
}

#[test]
fn bad_target_fails_with_the_reason() {
    let output = lever(&["sensitivity", "models/funnel.ron", "--target", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no metric `nope`"),
        "{}",
        stderr(&output)
    );

    let output = lever(&[
        "sensitivity",
        "models/funnel.ron",
        "--target",
        "paid@Feb 2031",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no period `Feb 2031` (the timeline runs Jan 2026 – Dec 2026)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn zero_or_unreadable_swing_fails() {
    for swing in ["0", "100%", "ten"] {
        let output = lever(&[
            "sensitivity",
            "models/funnel.ron",
            "--target",
            "paid",
            "--swing",
            swing,
        ]);
        assert_eq!(output.status.code(), Some(2), "{swing}");
        assert!(stderr(&output).contains("swing"), "{}", stderr(&output));
        assert!(stdout(&output).is_empty());
    }
}

#[test]
fn sensitivity_under_a_scenario_starts_from_its_inputs() {
    let base = lever(&[
        "sensitivity",
        "models/edtech-growth.ron",
        "--target",
        "ebitda@total",
        "--format",
        "csv",
    ]);
    let optimistic = lever(&[
        "sensitivity",
        "models/edtech-growth.ron",
        "--target",
        "ebitda@total",
        "--scenario",
        "Optimistic",
        "--format",
        "csv",
    ]);
    assert!(base.status.success() && optimistic.status.success());
    assert_ne!(
        stdout(&base),
        stdout(&optimistic),
        "the scenario's inputs move the base"
    );
    let unknown = lever(&[
        "sensitivity",
        "models/edtech-growth.ron",
        "--target",
        "ebitda@total",
        "--scenario",
        "Utopia",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("Optimistic"),
        "{}",
        stderr(&unknown)
    );
}
