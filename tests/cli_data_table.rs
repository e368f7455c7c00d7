//! `lever data-table`: one- and two-input tables as text and CSV, and the
//! messages for bad requests.

mod common;

use common::{lever, stderr, stdout};

#[test]
fn two_input_table_as_csv() {
    let output = lever(&[
        "data-table",
        "models/funnel.ron",
        "--target",
        "paid@1",
        "--row-input",
        "leads@1",
        "--row-values",
        "10000,20000",
        "--col-input",
        "invoice_to_paid",
        "--col-values",
        "1,2",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // paid@1 = leads × 0.07 × factor on invoice → paid.
    assert_eq!(
        stdout(&output),
        "leads@Jan 2026 \\ invoice_to_paid,×1,×2\n10000,700,1400\n20000,1400,2800\n"
    );
}

#[test]
fn one_input_table_in_the_target_format() {
    let output = lever(&[
        "data-table",
        "models/funnel.ron",
        "--target",
        "revenue@1",
        "--row-input",
        "price@1",
        "--row-values",
        "50000,60000",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(lines[0], ["price@Jan", "2026", "revenue@Jan", "2026"]);
    assert_eq!(lines[1], ["50000", "35,000,000"]);
    assert_eq!(lines[2], ["60000", "42,000,000"]);
}

#[test]
fn bad_requests_fail_with_the_reason() {
    let many = vec!["1"; 600].join(",");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec![
                "--target",
                "paid@1",
                "--row-input",
                "contacts@1",
                "--row-values",
                "1",
            ],
            "`contacts` is computed by a formula",
        ),
        (
            vec![
                "--target",
                "paid@1",
                "--row-input",
                "leads@1",
                "--row-values",
                "1,x",
            ],
            "the value `x` is not a number",
        ),
        (
            vec![
                "--target",
                "nope",
                "--row-input",
                "leads@1",
                "--row-values",
                "1",
            ],
            "no metric `nope`",
        ),
        (
            vec![
                "--target",
                "paid@1",
                "--row-input",
                "leads@1",
                "--row-values",
                &many,
                "--col-input",
                "price",
                "--col-values",
                &many,
            ],
            "needs 360600 recalculations; the limit is 250000",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["data-table", "models/funnel.ron"];
        all.extend_from_slice(&args);
        let output = lever(&all);
        assert_eq!(output.status.code(), Some(2), "{message}");
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
        assert!(stdout(&output).is_empty());
    }
}
