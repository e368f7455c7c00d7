//! `lever goal-seek`: the answer, the target reached and the iteration
//! count; `--write` saves the changed model; bad requests exit with 2.

mod common;

use common::{lever, stderr, stdout};

#[test]
fn funnel_answer_is_printed_and_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("seeked.ron");
    let out_text = out.to_string_lossy().into_owned();
    let output = lever(&[
        "goal-seek",
        "models/funnel.ron",
        "--target",
        "paid@Jan 2026",
        "--value",
        "1,000",
        "--change",
        "invoice_to_paid@1",
        "--write",
        &out_text,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    // paid = 1,400 × invoice_to_paid: 1,000 needs 1,000 / 1,400 = 71.43%.
    assert_eq!(
        lines[0],
        "invoice_to_paid@Jan 2026: 50.0% → 71.4% (0.7142857143)"
    );
    assert_eq!(lines[1], "paid@Jan 2026: 700 → 1,000");
    let iterations: usize = lines[2]
        .strip_prefix("iterations: ")
        .expect("count")
        .parse()
        .expect("number");
    assert!((1..40).contains(&iterations), "{text}");
    assert!(lines[3].starts_with("wrote "), "{text}");

    let output = lever(&["eval", &out_text, "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let evaluated = stdout(&output);
    let paid = evaluated
        .lines()
        .find(|l| l.starts_with("Paid customers,"))
        .expect("paid");
    let jan: f64 = paid
        .split(',')
        .nth(2)
        .expect("jan")
        .parse()
        .expect("number");
    assert!((jan - 1000.0).abs() < 1e-6, "{paid}");
    // Only the one input line changed.
    let before = std::fs::read_to_string("models/funnel.ron").expect("read");
    let after = std::fs::read_to_string(&out).expect("read");
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("Invoice → paid"));
}

#[test]
fn a_row_is_scaled_by_a_factor() {
    let output = lever(&[
        "goal-seek",
        "models/funnel.ron",
        "--target",
        "lead_to_paid@3",
        "--value",
        "14%",
        "--change",
        "lead_to_contact",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // lead → paid is 7% and proportional to lead → contact: factor 2.
    assert!(
        stdout(&output).starts_with("lead_to_contact: every typed number × 2\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn bad_requests_fail_with_the_reason() {
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--target",
                "paid@1",
                "--value",
                "1000",
                "--change",
                "contacts@1",
            ],
            "`contacts` is computed by a formula; the goal seek changes an input",
        ),
        (
            &[
                "--target", "paid@1", "--value", "lots", "--change", "leads@1",
            ],
            "the value `lots` is not a number",
        ),
        (
            &["--target", "nope", "--value", "1", "--change", "leads@1"],
            "no metric `nope`",
        ),
        (
            &[
                "--target", "paid@1", "--value", "1000", "--change", "price@1",
            ],
            "`paid@Jan 2026` does not depend on `price@Jan 2026`",
        ),
        (
            &[
                "--target",
                "lead_to_paid@1",
                "--value",
                "-5%",
                "--change",
                "pp_step",
            ],
            "does not depend on `pp_step`",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["goal-seek", "models/funnel.ron"];
        all.extend_from_slice(args);
        let output = lever(&all);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
        assert!(stdout(&output).is_empty());
    }
}
