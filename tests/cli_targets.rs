//! `lever targets` on the bundled sample: the report as a table and as CSV
//! (the initiatives' shares adding up to what they deliver together),
//! adding a target with initiatives, writing the review into the
//! changelog once, and a bad target that writes nothing.

mod common;

use common::{lever, stderr, stdout};

const SAMPLE: &str = "models/edtech-growth.ron";

fn copy_of_sample(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("model.ron");
    std::fs::copy(SAMPLE, &path).expect("copies");
    path
}

#[test]
fn the_sample_reports_its_targets_with_the_gap_and_the_verdicts() {
    let run = lever(&["targets", SAMPLE]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stdout(&run);
    assert!(
        text.contains("net_revenue@Apr 2026 = +30% vs Feb 2026"),
        "{text}"
    );
    assert!(text.contains("goal missed"), "{text}");
    assert!(
        text.contains("over-estimated") && text.contains("as expected"),
        "{text}"
    );
    assert!(
        text.contains("net_revenue@Jun 2026 = +15% vs May 2026"),
        "{text}"
    );
    assert!(text.contains("is not covered"), "{text}");
}

#[test]
fn the_csv_shares_add_up_to_what_the_initiatives_deliver() {
    let run = lever(&["targets", SAMPLE, "--format", "csv"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stdout(&run);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("target,line,owner,metric,start,expected,delivered,share_of_base,realised,verdict")
    );
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let value = |row: &Vec<String>| row[6].parse::<f64>().expect("number");
    for target in [
        "net_revenue@Apr 2026 = +30% vs Feb 2026",
        "net_revenue@Jun 2026 = +15% vs May 2026",
    ] {
        let of: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == target).collect();
        let find = |line: &str| *of.iter().find(|r| r[1] == line).expect(line);
        let with = value(find("goal"));
        let without = value(find("without initiatives"));
        let shares: f64 = of
            .iter()
            .filter(|r| !["goal", "without initiatives", "gap"].contains(&r[1].as_str()))
            .map(|r| value(r))
            .sum();
        assert!(
            (with - without - shares).abs() < 1e-6 * with.abs(),
            "{target}: {with} − {without} ≠ {shares}"
        );
        let goal = find("goal")[5].parse::<f64>().expect("goal");
        assert!((goal - with - value(find("gap"))).abs() < 1e-6 * goal);
    }
    let april = rows
        .iter()
        .find(|r| r[1] == "Qualification checklist in the CRM")
        .expect("initiative");
    assert_eq!(april[5], "+3 pp");
    assert_eq!(april[9], "over-estimated");
    assert!((april[8].parse::<f64>().expect("realised") - 2.0).abs() < 1e-9);
}

#[test]
fn a_target_is_added_with_initiatives_and_reviewed_once() {
    let dir = tempfile::tempdir().expect("dir");
    let model = copy_of_sample(&dir);
    let m = model.to_str().expect("path");
    let run = lever(&[
        "targets",
        m,
        "--add",
        "paid_deals@Apr 2026 = +10% vs Mar 2026",
        "--initiative",
        "Second call within an hour | Head of sales | contact_to_qualified | +1 pp | Apr 2026",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = std::fs::read_to_string(&model).expect("reads");
    assert!(
        text.contains("goal: Growth(percent: 10, vs: \"2026-03\")"),
        "{text}"
    );
    assert!(text.contains("(name: \"Second call within an hour\", owner: \"Head of sales\", metric: \"contact_to_qualified\", effect: Points(1), start: \"2026-04\")"));

    let review = ["targets", m, "--review", "--date", "2026-05-06"];
    let run = lever(&review);
    assert!(run.status.success(), "{}", stderr(&run));
    let printed = stdout(&run);
    assert!(
        printed.contains("changelog 2026-05-06: Review of Net revenue, Apr 2026"),
        "{printed}"
    );
    assert!(
        printed.contains("changelog 2026-05-06: Review of Paid (won), Apr 2026"),
        "{printed}"
    );
    let text = std::fs::read_to_string(&model).expect("reads");
    assert_eq!(text.matches("area: \"review\"").count(), 2);
    assert_eq!(text.matches("reviewed: \"2026-05-06\"").count(), 2);
    // June is still open; a second review writes nothing new.
    let run = lever(&review);
    assert!(
        stdout(&run).contains("no target to review"),
        "{}",
        stdout(&run)
    );
    let again = std::fs::read_to_string(&model).expect("reads");
    assert_eq!(again.matches("area: \"review\"").count(), 2);
}

#[test]
fn a_bad_target_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let model = copy_of_sample(&dir);
    let before = std::fs::read_to_string(&model).expect("reads");
    let m = model.to_str().expect("path");
    for (args, says) in [
        (
            vec!["--add", "net_revenu@May 2026 = +5% vs Apr 2026"],
            "no metric `net_revenu`",
        ),
        (
            vec!["--add", "net_revenue@May 2026 = +5%"],
            "say against which period",
        ),
        (
            vec![
                "--add",
                "net_revenue@May 2026 = +5% vs Apr 2026",
                "--initiative",
                "Script | Head of sales | contact_to_qualified | a lot | May 2026",
            ],
            "is not an effect",
        ),
    ] {
        let mut all = vec!["targets", m];
        all.extend(args);
        let run = lever(&all);
        assert!(!run.status.success());
        assert!(stderr(&run).contains(says), "{}", stderr(&run));
        assert_eq!(std::fs::read_to_string(&model).expect("reads"), before);
    }
}

#[test]
fn a_review_date_is_checked_and_nothing_to_review_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let model = copy_of_sample(&dir);
    let m = model.to_str().expect("path");
    let before = std::fs::read_to_string(&model).expect("reads");
    let run = lever(&["targets", m, "--date", "2026-05-06"]);
    assert!(!run.status.success());
    assert!(
        stderr(&run).contains("use it with --review"),
        "{}",
        stderr(&run)
    );
    let run = lever(&["targets", m, "--review", "--date", "2026-13-01"]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("is not a day"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&model).expect("reads"), before);
    // Review once; the second run finds nothing and leaves the file alone.
    assert!(
        lever(&["targets", m, "--review", "--date", "2026-05-06"])
            .status
            .success()
    );
    let reviewed = std::fs::read_to_string(&model).expect("reads");
    let modified = std::fs::metadata(&model)
        .expect("meta")
        .modified()
        .expect("time");
    let run = lever(&["targets", m, "--review", "--date", "2026-05-07"]);
    assert!(run.status.success());
    assert!(!stdout(&run).contains("saved"), "{}", stdout(&run));
    assert_eq!(std::fs::read_to_string(&model).expect("reads"), reviewed);
    assert_eq!(
        std::fs::metadata(&model)
            .expect("meta")
            .modified()
            .expect("time"),
        modified
    );
}
