//! The monthly review on the command line, on the bundled sample: `lever
//! actuals import` (a new month booked, a bad file that writes nothing),
//! `lever variance` and `lever explain` as CSV (contributions that add up to
//! the total line), and `lever freeze`.

mod common;

use common::{lever, stderr, stdout};

const SAMPLE: &str = "models/edtech-growth.ron";

fn copy_of_sample(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("model.ron");
    std::fs::copy(SAMPLE, &path).expect("copies");
    path
}

/// `lever variance FILE --against AGAINST` of EBITDA's total, as CSV.
fn ebitda_total_variance(file: &str, against: &str) -> std::process::Output {
    lever(&[
        "variance",
        file,
        "--against",
        against,
        "--metrics",
        "ebitda",
        "--period",
        "total",
        "--format",
        "csv",
    ])
}

#[test]
fn importing_the_next_month_books_it_and_closes_it() {
    let dir = tempfile::tempdir().expect("dir");
    let model = copy_of_sample(&dir);
    let out = dir.path().join("may.ron");
    let args = [
        "actuals",
        "import",
        model.to_str().expect("path"),
        "models/actuals/edtech-2026-05.csv",
        "--out",
        out.to_str().expect("path"),
    ];
    let output = lever(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    // The remembered mapping matches the export's own name for cpc.
    assert!(
        text.lines()
            .any(|l| l.starts_with("Cost per click") && l.ends_with("mapping")),
        "{text}"
    );
    assert!(
        text.contains("booked 5 actual(s), closed through May 2026"),
        "{text}"
    );
    let saved = std::fs::read_to_string(&out).expect("saved");
    assert!(saved.contains(r#"closed: "2026-05""#));
    assert!(
        saved.contains("(metric: \"visits\", values: [191800, 190100, 197300, 196500, 190400]),")
    );
    // The original is untouched.
    assert_eq!(
        std::fs::read_to_string(&model).expect("reads"),
        std::fs::read_to_string(SAMPLE).expect("reads")
    );
}

#[test]
fn a_bad_file_lists_its_lines_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().expect("dir");
    let model = copy_of_sample(&dir);
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "metric,period,value\nvisits,2026-05,190400\nvisitz,2026-05,1\nrefund_rate,2031-01,0.07\n",
    )
    .expect("writes");
    let before = std::fs::read_to_string(&model).expect("reads");
    let output = lever(&[
        "actuals",
        "import",
        model.to_str().expect("path"),
        bad.to_str().expect("path"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("2 problem(s); nothing was imported"),
        "{text}"
    );
    assert!(text.contains("bad.csv:3: no metric `visitz`"), "{text}");
    assert!(
        text.contains("bad.csv:4: period `2031-01` is outside the timeline"),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&model).expect("reads"), before);
}

#[test]
fn explain_csv_adds_up_to_its_total_line() {
    for basis in [
        vec!["--actuals"],
        vec!["--actuals", "--by-period"],
        vec!["--against", "Budget 2026"],
        vec!["--against", "Budget 2026", "--by-period"],
        vec!["--scenario", "Optimistic"],
    ] {
        let mut args = vec![
            "explain",
            SAMPLE,
            "--target",
            "ebitda@total",
            "--format",
            "csv",
        ];
        args.extend(&basis);
        let output = lever(&args);
        assert!(output.status.success(), "{basis:?}: {}", stderr(&output));
        let text = stdout(&output);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "driver,from,to,contribution");
        let last = lines.last().expect("a total line");
        let total: f64 = last
            .strip_prefix("total,,,")
            .expect("total line")
            .parse()
            .expect("number");
        let sum: f64 = lines[1..lines.len() - 1]
            .iter()
            .map(|l| {
                l.rsplit(',')
                    .next()
                    .expect("field")
                    .parse::<f64>()
                    .expect("number")
            })
            .sum();
        assert!(lines.len() > 3, "{text}");
        assert!(
            (sum - total).abs() <= 1e-6 * total.abs().max(1.0),
            "{basis:?}: {text}"
        );
    }
}

#[test]
fn variance_csv_has_the_columns_and_the_states_names() {
    let output = lever(&[
        "variance",
        SAMPLE,
        "--metrics",
        "visits,net_revenue",
        "--period",
        "Q1 2026",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "metric,period,plan,actual,variance,variance_pct");
    assert!(lines[1].starts_with("visits,Q1 2026,"), "{text}");
    let fields: Vec<f64> = lines[1]
        .split(',')
        .skip(2)
        .map(|f| f.parse().expect("n"))
        .collect();
    assert_eq!(fields[1], 191800.0 + 190100.0 + 197300.0);
    assert!((fields[2] - (fields[1] - fields[0])).abs() < 1e-6);
    let output = ebitda_total_variance(SAMPLE, "Budget 2026");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .starts_with("metric,period,Budget 2026,forecast,variance,variance_pct\nebitda,total,")
    );
    let output = lever(&["variance", SAMPLE, "--against", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no plan or scenario `nope`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn freeze_adds_a_plan_that_variance_then_compares_with() {
    let dir = tempfile::tempdir().expect("dir");
    let model = copy_of_sample(&dir);
    let path = model.to_str().expect("path");
    let output = lever(&[
        "freeze",
        path,
        "--name",
        "Reforecast May",
        "--date",
        "2026-05-03",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = ebitda_total_variance(path, "reforecast may");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    // Frozen from the model as it stands: no variance.
    assert!(
        text.lines().nth(1).expect("line").ends_with(",0,0"),
        "{text}"
    );
}

#[test]
fn diff_lists_what_changed_and_explains_the_target() {
    let dir = tempfile::tempdir().expect("dir");
    let model = copy_of_sample(&dir);
    let text = std::fs::read_to_string(&model).expect("reads");
    let write = |name: &str, body: &str| {
        assert_ne!(body, text);
        let path = dir.path().join(name);
        std::fs::write(&path, body).expect("writes");
        path
    };
    let renamed = write(
        "renamed.ron",
        &text.replace(
            r#"(label: "Effective price", name: "price""#,
            r#"(label: "Effective price", name: "net_price""#,
        ),
    );
    let output = lever(&[
        "diff",
        model.to_str().expect("p"),
        renamed.to_str().expect("p"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "~ renamed price → net_price\n");
    // Dearer lead forms and a 2% fee taken off gross revenue.
    let edited = write(
        "edited.ron",
        &text
            .replace(
                r#"formula: "=form_cpl[-1] * (1 + media_inflation)", values: [850]"#,
                r#"formula: "=form_cpl[-1] * (1 + media_inflation)", values: [900]"#,
            )
            .replace("=units_sold * price\"", "=units_sold * price * 0.98\""),
    );
    let args = [
        "diff",
        model.to_str().expect("p"),
        edited.to_str().expect("p"),
        "--target",
        "ebitda@total",
    ];
    let output = lever(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let explained = stdout(&output);
    assert!(
        explained.contains("~ form_cpl: Jan 2026 850 → 900"),
        "{explained}"
    );
    assert!(
        explained.contains(
            "~ gross_revenue: formula `=units_sold * price` → `=units_sold * price * 0.98`"
        ),
        "{explained}"
    );
    let drivers: Vec<&str> = explained
        .lines()
        .filter(|l| l.starts_with("model changes") || l.starts_with("CPL, lead forms"))
        .collect();
    assert_eq!(drivers.len(), 2, "{explained}");
    let same = lever(&[
        "diff",
        model.to_str().expect("p"),
        model.to_str().expect("p"),
    ]);
    assert_eq!(stdout(&same), "no changes\n");
}
