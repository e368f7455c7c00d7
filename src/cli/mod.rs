//! The command line: `lever [FILE]` opens the editor; `lever eval` prints a
//! model's (or an Excel workbook's) computed values, `lever check` lists what
//! is wrong in it, `lever convert` converts between `.ron` and `.xlsx`
//! (printing the import report on stderr), `lever sensitivity`
//! ranks the inputs by how far they move a target metric. Errors go to stderr with the file,
//! line and column, and a non-zero exit code.

mod output;

pub use output::csv_value;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use std::io::IsTerminal;

use crate::model::interop::{
    ExportOptions, ImportReport, Progress, export_xlsx_with, is_xlsx_path,
};
use crate::model::{Workbook, what_if};

/// Lever: a spreadsheet-style editor for metric models.
#[derive(Debug, Parser)]
#[command(name = "lever", version, about, args_conflicts_with_subcommands = true)]
pub struct Args {
    /// A model to open in the editor (default: the bundled sample).
    pub file: Option<PathBuf>,
    /// A headless command instead of the editor.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute a model or an Excel workbook and print a sheet's values.
    Eval {
        /// The model (`.ron`) or workbook (`.xlsx`).
        file: PathBuf,
        /// The sheet to print (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Compute a model and list error cells and name problems; exits with 1
    /// if there are any.
    Check {
        /// The model (`.ron`) or workbook (`.xlsx`).
        file: PathBuf,
    },
    /// Convert between formats: `.ron` → `.xlsx` (an Excel workbook with
    /// formulas and Lever's computed values) and `.xlsx` → `.ron` (an import;
    /// what cannot be represented is listed on stderr).
    Convert {
        /// The file to read (`.ron` or `.xlsx`).
        input: PathBuf,
        /// The file to write (`.xlsx` or `.ron`).
        output: PathBuf,
        /// Leave out the computed values, so that the reader must recalculate
        /// (for checking another program's results against Lever's).
        #[arg(long)]
        no_cached_values: bool,
    },
    /// Rank the inputs by how much a target moves when each is flexed
    /// down and up by the swing (a tornado chart as a table).
    Sensitivity {
        /// The model (`.ron`).
        file: PathBuf,
        /// `metric`, `metric@3` (period number), `metric@Mar 2026` (period
        /// label) or `metric@total` (the default for a bare metric).
        #[arg(long)]
        target: String,
        /// How far each input is flexed: `10%` or `0.1`.
        #[arg(long, default_value = "10%")]
        swing: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Write a generated founder-style model of any size (for trying the
    /// editor and the engine on big models).
    Generate {
        /// Where to write it (`.ron`).
        out: PathBuf,
        /// Number of metric rows.
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        /// Number of monthly periods.
        #[arg(long, default_value_t = 120)]
        periods: u32,
    },
}

/// How `eval` prints values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns, numbers in each row's format.
    Table,
    /// Comma-separated, numbers in full precision.
    Csv,
}

/// Runs the command line; returns the process exit code.
pub fn run(args: Args) -> ExitCode {
    match execute(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("lever: {message}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: Args) -> Result<ExitCode, String> {
    match args.command {
        None => {
            crate::ui::run(args.file).map_err(|e| format!("the editor could not start: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Eval {
            file,
            sheet,
            format,
        }) => {
            let (workbook, _) = open(&file)?;
            let sheet = match sheet {
                None => 0,
                Some(name) => workbook.sheet_index(&name).ok_or_else(|| {
                    let names: Vec<&str> = workbook
                        .document()
                        .sheets
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect();
                    format!(
                        "{}: no sheet named `{name}` (sheets: {})",
                        file.display(),
                        names.join(", ")
                    )
                })?,
            };
            let text = match format {
                OutputFormat::Csv => output::csv(&workbook, sheet),
                OutputFormat::Table => output::table(&workbook, sheet),
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Generate { out, rows, periods }) => {
            if periods == 0 || periods > crate::model::io::MAX_PERIODS || rows == 0 {
                return Err(format!(
                    "rows must be at least 1 and periods between 1 and {}",
                    crate::model::io::MAX_PERIODS
                ));
            }
            let model = crate::model::generate::founder_model(rows, periods, 42);
            crate::model::io::save(&model, &out).map_err(|e| e.to_string())?;
            println!("{}: {rows} rows × {periods} periods", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Convert {
            input,
            output,
            no_cached_values,
        }) => convert(&input, &output, no_cached_values),
        Some(Command::Sensitivity {
            file,
            target,
            swing,
            format,
        }) => {
            let mut workbook = Workbook::load(&file).map_err(|e| e.to_string())?;
            let swing = parse_swing(&swing)?;
            let target = what_if::parse_target(&workbook, &target)?;
            let result = what_if::sensitivity(&mut workbook, &target, swing, None)?;
            let text = match format {
                OutputFormat::Csv => output::sensitivity_csv(&result),
                OutputFormat::Table => output::sensitivity_table(&workbook, &target, &result),
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { file }) => {
            let (workbook, _) = open(&file)?;
            let report = output::check(&workbook, &file.display().to_string());
            print!("{}", report.text);
            Ok(if report.clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// A swing as typed: `10%` or `0.1`.
fn parse_swing(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (digits, scale) = match trimmed.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), 0.01),
        None => (trimmed, 1.0),
    };
    match digits.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n * scale),
        _ => Err(format!(
            "the swing `{text}` is not a number (e.g. 10% or 0.1)"
        )),
    }
}

/// The lower-cased extension of `path` (empty if none).
fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Opens a model or an Excel workbook; while a workbook is imported, its
/// progress is shown on stderr when that is a terminal.
fn open(path: &Path) -> Result<(Workbook, Option<ImportReport>), String> {
    let show = std::io::stderr().is_terminal();
    let mut progress = |step: Progress| {
        if !show {
            return;
        }
        match step {
            Progress::Checking => eprint!("\rlever: checking {}…\x1b[K", path.display()),
            Progress::Sheet { name, index, count } => {
                eprint!("\rlever: reading sheet {index}/{count} ({name})…\x1b[K")
            }
        }
    };
    let result = Workbook::open_any_with_progress(path, &mut progress);
    if show && is_xlsx_path(path) {
        eprint!("\r\x1b[K");
    }
    result.map_err(|e| e.to_string())
}

/// `lever convert`: reads `input` and writes `output`, the formats chosen by
/// the file extensions (`.ron`, `.xlsx`/`.xlsm` in; `.ron`, `.xlsx` out).
fn convert(input: &Path, output: &Path, no_cached_values: bool) -> Result<ExitCode, String> {
    let readable = |e: &str| matches!(e, "ron" | "xlsx" | "xlsm");
    match (extension(input).as_str(), extension(output).as_str()) {
        (from, to @ ("ron" | "xlsx")) if readable(from) => {
            let (workbook, report) = open(input)?;
            if let Some(report) = &report {
                eprint!("{report}");
            }
            if to == "ron" {
                workbook.save(output).map_err(|e| e.to_string())?;
            } else {
                let options = ExportOptions {
                    cached_results: !no_cached_values,
                };
                export_xlsx_with(&workbook, output, &options).map_err(|e| e.to_string())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        (from, to) => {
            let show = |e: &str| {
                if e.is_empty() {
                    "(no extension)".to_string()
                } else {
                    format!(".{e}")
                }
            };
            Err(format!(
                "{} → {}: not supported: converting {} to {} (supported: .ron or .xlsx → .ron or .xlsx)",
                input.display(),
                output.display(),
                show(from),
                show(to)
            ))
        }
    }
}
