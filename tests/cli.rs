//! The `lever` binary on good and bad files: output, exit codes, and error
//! messages with file, line and column.

use std::path::{Path, PathBuf};

mod common;

use common::{lever, stderr, stdout};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes test file");
    path
}

const SMALL: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 3, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (section: "Sales"),
                (label: "Leads", unit: "leads", format: Integer, values: [1000, 1100, 1210]),
                (label: "Conversion, %", name: "cr", unit: "%", format: Percent(1), formula: "=cr[-1]", values: [0.1]),
                (label: "Paid", unit: "deals", format: Integer, formula: "=leads * cr"),
                (label: "Per deal", unit: "leads", formula: "=leads / (paid - 100)"),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
)
"#;

#[test]
fn eval_prints_csv_in_the_sheets_grid_shape() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "small.ron", SMALL);
    let output = lever(&[
        "eval",
        file.to_str().expect("utf-8 path"),
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    // Line N is row N; A = label (or section title), B = unit, C.. = periods.
    assert_eq!(lines[0], "Sales,,,,");
    assert_eq!(lines[1], "Leads,leads,1000,1100,1210");
    assert_eq!(lines[2], "\"Conversion, %\",%,0.1,0.1,0.1");
    assert_eq!(lines[3], "Paid,deals,100,110,121");
    assert_eq!(lines[4], "Per deal,leads,#DIV/0!,110,57.61904761904762");
    assert_eq!(lines.len(), 5);
}

#[test]
fn eval_prints_a_formatted_table() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "small.ron", SMALL);
    let output = lever(&["eval", file.to_str().expect("utf-8 path")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Sales"), "{text}");
    assert!(text.contains("1,210"), "{text}");
    assert!(text.contains("10.0%"), "{text}");
    assert!(text.contains("#DIV/0!"), "{text}");
}

#[test]
fn syntax_errors_give_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = SMALL.replace("format: Integer, values", "format: Integer values");
    let file = write(dir.path(), "broken.ron", &broken);
    let output = lever(&["eval", file.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("{}:9:", file.display())),
        "expected file:line in {err}"
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn missing_files_and_sheets_are_reported() {
    let output = lever(&["eval", "no/such/model.ron"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no/such/model.ron"));

    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "small.ron", SMALL);
    let output = lever(&[
        "eval",
        file.to_str().expect("utf-8 path"),
        "--sheet",
        "Inputs",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no sheet named `Inputs` (sheets: Model)"));
}

#[test]
fn newer_format_versions_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(
        dir.path(),
        "new.ron",
        &SMALL.replace("version: 1", "version: 2"),
    );
    let output = lever(&["eval", file.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("version 2 is not supported"));
}

#[test]
fn check_lists_error_cells_with_their_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "small.ron", SMALL);
    let output = lever(&["check", file.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("Model!C5 (Model / Per deal / Jan 2026): #DIV/0!"),
        "{text}"
    );
}

#[test]
fn the_sample_models_evaluate_cleanly() {
    for model in ["models/edtech-growth.ron", "models/funnel.ron"] {
        let output = lever(&["check", model]);
        assert!(output.status.success(), "{model}: {}", stdout(&output));
        let output = lever(&["eval", model, "--format", "csv"]);
        assert!(output.status.success(), "{model}: {}", stderr(&output));
    }
}

#[test]
fn generate_writes_a_model_that_evaluates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("big.ron");
    let path = file.to_str().expect("utf-8 path");
    let output = lever(&["generate", path, "--rows", "200", "--periods", "24"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = lever(&["eval", path, "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 200);
}
