//! The command line: `lever [FILE]` opens the editor; `lever eval` prints a
//! model's (or an Excel workbook's) computed values, `lever check` lists what
//! is wrong in it, `lever convert` converts between `.ron` and `.xlsx`
//! (printing the import report on stderr), `lever sensitivity` ranks the
//! inputs by how far they move a target metric, `lever simulate` runs it
//! with its inputs drawn from their ranges, `lever compare` puts
//! scenarios side by side, `lever goal-seek` finds the input value that
//! reaches a goal, `lever data-table` tabulates a target over input values,
//! `lever funnel` reads a funnel, `lever export` writes the investor view and
//! `lever new` starts a model from a template, `lever actuals import` books
//! actuals, `lever variance` and `lever explain` review them, `lever
//! targets` sets targets with initiatives and reviews them. Errors go to stderr with the file,
//! line and column, and a non-zero exit code.

mod founder;
mod output;
mod review;
mod targets;

pub use output::csv_value;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use std::io::IsTerminal;

use crate::model::interop::{
    ExportOptions, ImportReport, Progress, export_xlsx_with, is_xlsx_path,
};
use crate::model::{Workbook, data_table, goal_seek, input_ref, scenario, what_if};

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
        /// Show the values under this scenario (`base` = the model as
        /// written).
        #[arg(long)]
        scenario: Option<String>,
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
        /// Flex the inputs as this scenario sets them.
        #[arg(long)]
        scenario: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Run the model many times with its uncertain inputs drawn from their
    /// ranges (Monte Carlo): the target's mean and percentiles, the
    /// probability of a condition, and the inputs that explain the spread.
    Simulate {
        /// The model (`.ron`).
        file: PathBuf,
        /// `metric@Mar 2026`, `metric@3` or `metric@total` (every period,
        /// then the total).
        #[arg(long)]
        target: String,
        /// Number of runs (1 to 100,000).
        #[arg(long, default_value_t = crate::model::simulate::DEFAULT_RUNS)]
        runs: usize,
        /// The random seed: the same seed gives the same results.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A condition over the model whose probability is wanted, e.g.
        /// `MIN(cash) < 0`.
        #[arg(long)]
        condition: Option<String>,
        /// Simulate with this scenario's inputs.
        #[arg(long)]
        scenario: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Book actuals from a CRM, BI or accounting export.
    Actuals {
        /// What to do with actuals.
        #[command(subcommand)]
        action: ActualsAction,
    },
    /// What changed between two versions of a model (rows, formulas,
    /// inputs, scenarios, changelog, actuals, plans) and, with `--target`,
    /// the waterfall of its change. Works as a git difftool.
    Diff {
        /// The earlier version.
        old: PathBuf,
        /// The later version.
        new: PathBuf,
        /// `metric@Apr 2026` or `metric@total`: explain its change.
        #[arg(long)]
        target: Option<String>,
    },
    /// Targets and their initiatives: what the initiatives deliver through
    /// the model, the gap that remains, each one's progress against the
    /// actuals, and the review. `--add`, `--initiative` and `--review`
    /// change the model (saved over the file, or to `--out`).
    Targets {
        /// The model (`.ron`).
        file: PathBuf,
        /// Add a target: `net_revenue@May 2026 = +10% vs Apr 2026`, `+2 pp
        /// vs Apr 2026` or a value (`= 50,000,000`).
        #[arg(long)]
        add: Option<String>,
        /// Add an initiative to the target just added (or the last one):
        /// `NAME | OWNER | METRIC | EFFECT | START`, the effect `+2 pp`,
        /// `+5%` or an amount (repeatable).
        #[arg(long)]
        initiative: Vec<String>,
        /// Write the review of every target whose period is closed into the
        /// changelog (once per target).
        #[arg(long)]
        review: bool,
        /// The review's date, `YYYY-MM-DD` (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Write the model here instead of over `file`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Freeze the model as it stands (actuals and forecast) as a named plan,
    /// which `variance --against` and `explain --against` compare with.
    Freeze {
        /// The model (`.ron`).
        file: PathBuf,
        /// The plan's name, e.g. "Budget 2026" (a plan of that name is replaced).
        #[arg(long)]
        name: String,
        /// The day it is frozen, `YYYY-MM-DD` (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Write the model here instead of over `file`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The variance of metrics between two states: the plan against the
    /// actuals (closed periods), a frozen plan against the model as it
    /// stands, or the base model against a scenario.
    Variance {
        /// The model (`.ron`).
        file: PathBuf,
        /// `actual` (the default: plan against actuals), a frozen plan's
        /// name, or a scenario's.
        #[arg(long, default_value = "actual")]
        against: String,
        /// A period (`Apr 2026`, `2026-04`), a quarter (`Q2 2026`), a year
        /// (`2026`) or `total`; every period on its own by default.
        #[arg(long)]
        period: Option<String>,
        /// Metrics, comma-separated (default: every metric; with actuals,
        /// those with actuals).
        #[arg(long, value_delimiter = ',')]
        metrics: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Why a target differs between two states: the driver waterfall, one
    /// contribution per input that differs, adding up to the difference.
    Explain {
        /// The model (`.ron`).
        file: PathBuf,
        /// `metric@Apr 2026`, `metric@3` or `metric@total`.
        #[arg(long)]
        target: String,
        /// Base against this scenario.
        #[arg(long)]
        scenario: Option<String>,
        /// This frozen plan against the model as it stands.
        #[arg(long)]
        against: Option<String>,
        /// The plan against the actuals.
        #[arg(long)]
        actuals: bool,
        /// One driver per metric and period ("visits@Apr 2026") instead of
        /// one per metric.
        #[arg(long)]
        by_period: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Compare metrics across scenarios, period by period and in total,
    /// with the absolute and % difference from the first scenario.
    Compare {
        /// The model (`.ron`).
        file: PathBuf,
        /// Metrics to compare, comma-separated (`ebitda,net_revenue`).
        #[arg(long, value_delimiter = ',', required = true)]
        metrics: Vec<String>,
        /// Scenarios, comma-separated; `base` is the model as written
        /// (default: base and every scenario in the file).
        #[arg(long, value_delimiter = ',')]
        scenarios: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Show a funnel declared in the model: stage counts, conversions, the
    /// biggest drop, what +1 pp at each step gives, equivalences between
    /// steps and the cheapest lever against the benchmarks.
    Funnel {
        /// The model (`.ron`).
        file: PathBuf,
        /// The funnel's name.
        #[arg(long)]
        funnel: String,
        /// `3`, `Mar 2026`, `Q1 2026`, `2026`, `total` or `A..B` (default:
        /// the whole timeline).
        #[arg(long)]
        period: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Find the input value that makes a target reach a goal.
    GoalSeek {
        /// The model (`.ron`).
        file: PathBuf,
        /// `metric@3`, `metric@Mar 2026` or `metric@total`.
        #[arg(long)]
        target: String,
        /// The goal for the target: `50000000`, `1,000`, `12%`.
        #[arg(long, allow_hyphen_values = true)]
        value: String,
        /// The input to change: `metric@3` (one cell) or `metric` (the whole
        /// row scaled by a factor).
        #[arg(long)]
        change: String,
        /// Seek under this scenario (the answer goes into its overrides).
        #[arg(long)]
        scenario: Option<String>,
        /// Save the model with the answer applied to this file.
        #[arg(long)]
        write: Option<PathBuf>,
    },
    /// Tabulate a target over values of one input, or a grid of two.
    DataTable {
        /// The model (`.ron`).
        file: PathBuf,
        /// `metric@3`, `metric@Mar 2026` or `metric@total`.
        #[arg(long)]
        target: String,
        /// The input down the side: `metric@3` (one cell, values are its
        /// values) or `metric` (the whole row, values are factors).
        #[arg(long)]
        row_input: String,
        /// Comma-separated values (or factors) for the row input.
        #[arg(
            long,
            value_delimiter = ',',
            allow_hyphen_values = true,
            required = true
        )]
        row_values: Vec<String>,
        /// The input across the top, for a two-input table.
        #[arg(long, requires = "col_values")]
        col_input: Option<String>,
        /// Comma-separated values (or factors) for the column input.
        #[arg(
            long,
            value_delimiter = ',',
            allow_hyphen_values = true,
            requires = "col_input"
        )]
        col_values: Vec<String>,
        /// Compute under this scenario.
        #[arg(long)]
        scenario: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Export a view of the model: `--view investor --to out.xlsx|out.html|out.csv`.
    Export {
        /// The model (`.ron`).
        file: PathBuf,
        /// The view to export.
        #[arg(long, value_enum, default_value_t = ExportView::Investor)]
        view: ExportView,
        /// The file to write; its extension chooses the format.
        #[arg(long)]
        to: PathBuf,
        /// Column grouping (default: the view's own).
        #[arg(long, value_enum)]
        period: Option<PeriodArg>,
    },
    /// Start a model from a template: blank, funnel, edtech or saas.
    New {
        /// Where to write it (`.ron`).
        out: PathBuf,
        /// The template.
        #[arg(long, default_value = "blank")]
        template: String,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
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

/// Views `lever export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportView {
    /// The investor view: chosen rows rolled up, with charts.
    Investor,
}

/// Column grouping on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// One column per period.
    Month,
    /// Calendar quarters.
    Quarter,
    /// Calendar years.
    Year,
}

/// `lever actuals` subcommands.
#[derive(Debug, Subcommand)]
pub enum ActualsAction {
    /// Read actuals (CSV or `.xlsx`, long `metric,period,value` or wide with
    /// months as columns), show what they change, and book them unless the
    /// file has problems (then nothing is written and the exit code is 1).
    Import {
        /// The model (`.ron`).
        file: PathBuf,
        /// The export to read (`.csv` or `.xlsx`).
        actuals: PathBuf,
        /// Write the model here instead of over `file`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The last closed period (default: the last one imported, or the
        /// closed period already set if later).
        #[arg(long)]
        close: Option<String>,
        /// Map a header to a metric, `HEADER=metric` (repeatable); kept in
        /// the model for the next import.
        #[arg(long)]
        map: Vec<String>,
        /// Show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
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
            scenario,
            format,
        }) => {
            let (mut workbook, _) = open(&file)?;
            activate(&mut workbook, &file, scenario.as_deref())?;
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
            scenario,
            format,
        }) => {
            let (mut workbook, _) = open(&file)?;
            activate(&mut workbook, &file, scenario.as_deref())?;
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
        Some(Command::Simulate {
            file,
            target,
            runs,
            seed,
            condition,
            scenario,
            format,
        }) => {
            let (mut workbook, _) = open(&file)?;
            activate(&mut workbook, &file, scenario.as_deref())?;
            let target = what_if::parse_target(&workbook, &target)?;
            let spec = crate::model::simulate::Spec {
                runs,
                seed,
                condition,
                ..crate::model::simulate::Spec::new(target)
            };
            let outcome = crate::model::simulate::simulate(&mut workbook, &spec)?;
            let text = match format {
                OutputFormat::Csv => output::simulation_csv(&workbook, &outcome),
                OutputFormat::Table => output::simulation_table(&workbook, &outcome),
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Compare {
            file,
            metrics,
            scenarios,
            format,
        }) => {
            let (mut workbook, _) = open(&file)?;
            let metrics = find_metrics(&workbook, &metrics)?;
            let chosen: Vec<Option<usize>> = if scenarios.is_empty() {
                std::iter::once(None)
                    .chain((0..workbook.scenarios().len()).map(Some))
                    .collect()
            } else {
                scenarios
                    .iter()
                    .map(|s| scenario::find(&workbook, s))
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("{}: {e}", file.display()))?
            };
            let comparison = scenario::compare(&mut workbook, &chosen, &metrics)?;
            let labels = workbook.period_labels();
            let text = match format {
                OutputFormat::Csv => output::compare_csv(&comparison, &labels),
                OutputFormat::Table => output::compare_table(&comparison, &labels),
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::GoalSeek {
            file,
            target,
            value,
            change,
            scenario,
            write,
        }) => {
            let (mut workbook, _) = open(&file)?;
            activate(&mut workbook, &file, scenario.as_deref())?;
            let goal = parse_number(&value, "value")?;
            let target = what_if::parse_target(&workbook, &target)?;
            let input = input_ref::parse_input(&workbook, &change, "goal seek")?;
            let result = goal_seek::goal_seek(&mut workbook, &target, goal, &input)?;
            print!("{}", output::goal_seek_text(&workbook, &target, &result));
            if let Some(out) = write {
                goal_seek::apply(&mut workbook, &result).map_err(|e| e.to_string())?;
                workbook.save(&out).map_err(|e| e.to_string())?;
                println!("wrote {}", out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::DataTable {
            file,
            target,
            row_input,
            row_values,
            col_input,
            col_values,
            scenario,
            format,
        }) => {
            let (mut workbook, _) = open(&file)?;
            activate(&mut workbook, &file, scenario.as_deref())?;
            let target = what_if::parse_target(&workbook, &target)?;
            let axis = |input: &str, values: &[String]| -> Result<data_table::Axis, String> {
                Ok(data_table::Axis {
                    input: input_ref::parse_input(&workbook, input, "data table")?,
                    values: values
                        .iter()
                        .map(|v| parse_number(v, "value"))
                        .collect::<Result<_, _>>()?,
                })
            };
            let rows = axis(&row_input, &row_values)?;
            let cols = match &col_input {
                Some(input) => Some(axis(input, &col_values)?),
                None => None,
            };
            let table = data_table::data_table(
                &mut workbook,
                &target,
                &rows,
                cols.as_ref(),
                &mut |_, _| true,
            )
            .map_err(|e| e.to_string())?;
            let text = match format {
                OutputFormat::Csv => data_table::to_csv(&workbook, &table),
                OutputFormat::Table => output::data_table_text(&workbook, &table),
            };
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Funnel {
            file,
            funnel,
            period,
            format,
        }) => {
            let text = founder::funnel(
                &file,
                &funnel,
                period.as_deref(),
                format == OutputFormat::Csv,
            )?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            file,
            view: ExportView::Investor,
            to,
            period,
        }) => {
            let grouping = period.map(|p| match p {
                PeriodArg::Month => crate::model::document::Grouping::Month,
                PeriodArg::Quarter => crate::model::document::Grouping::Quarter,
                PeriodArg::Year => crate::model::document::Grouping::Year,
            });
            println!("{}", founder::export_investor(&file, &to, grouping)?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::New {
            out,
            template,
            force,
        }) => {
            println!("{}", founder::new_from_template(&out, &template, force)?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Actuals {
            action:
                ActualsAction::Import {
                    file,
                    actuals,
                    out,
                    close,
                    map,
                    dry_run,
                    format,
                },
        }) => {
            let imported = review::actuals_import(
                &file,
                &actuals,
                out.as_deref(),
                close.as_deref(),
                &map,
                dry_run,
                format == OutputFormat::Csv,
            )?;
            print!("{}", imported.text);
            Ok(if imported.applied {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Some(Command::Diff { old, new, target }) => {
            print!("{}", review::diff(&old, &new, target.as_deref())?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Targets {
            file,
            add,
            initiative,
            review,
            date,
            out,
            format,
        }) => {
            if date.is_some() && !review {
                return Err("--date is the review's date: use it with --review".into());
            }
            let changes = targets::Changes {
                add: add.as_deref(),
                initiatives: &initiative,
                review: review.then(|| date.unwrap_or_else(crate::model::timeline::today)),
                out: out.as_deref(),
            };
            print!(
                "{}",
                targets::targets(&file, &changes, format == OutputFormat::Csv)?
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Freeze {
            file,
            name,
            date,
            out,
        }) => {
            let mut workbook = Workbook::load(&file).map_err(|e| e.to_string())?;
            let date = date.unwrap_or_else(crate::model::timeline::today);
            let edit = crate::model::variance::freeze_plan(&workbook, &name, &date)?;
            workbook.apply(edit).map_err(|e| e.to_string())?;
            let target = out.as_deref().unwrap_or(&file);
            workbook.save(target).map_err(|e| e.to_string())?;
            println!("froze `{}` ({date}) into {}", name.trim(), target.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Variance {
            file,
            against,
            period,
            metrics,
            format,
        }) => {
            print!(
                "{}",
                review::variance(
                    &file,
                    &against,
                    period.as_deref(),
                    &metrics,
                    format == OutputFormat::Csv
                )?
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Explain {
            file,
            target,
            scenario,
            against,
            actuals,
            by_period,
            format,
        }) => {
            print!(
                "{}",
                review::explain(
                    &file,
                    &target,
                    scenario.as_deref(),
                    against.as_deref(),
                    actuals,
                    by_period,
                    format == OutputFormat::Csv
                )?
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { file }) => {
            let (workbook, import) = open(&file)?;
            let report = output::check(&workbook, &file.display().to_string());
            print!("{}", report.text);
            // An imported workbook is also checked against Excel's saved values.
            let cross_check = import.and_then(|i| i.cross_check);
            if let Some(check) = &cross_check {
                print!("{}: {check}", file.display());
            }
            let matches_excel = cross_check.as_ref().is_none_or(|c| c.all_match());
            Ok(if report.clean && matches_excel {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// The (sheet, row) of each metric named; an error names the first unknown.
fn find_metrics(workbook: &Workbook, names: &[String]) -> Result<Vec<(u32, u32)>, String> {
    names
        .iter()
        .map(|m| {
            workbook
                .find_metric(m.trim())
                .ok_or_else(|| format!("no metric `{}`", m.trim()))
        })
        .collect()
}

/// Shows the scenario named `name` (if given).
fn activate(workbook: &mut Workbook, file: &Path, name: Option<&str>) -> Result<(), String> {
    if let Some(name) = name {
        let index =
            scenario::find(workbook, name).map_err(|e| format!("{}: {e}", file.display()))?;
        workbook
            .set_active_scenario(index)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A number as typed in a cell: `1,000`, `-3`, `12%`, `1e6`.
fn parse_number(text: &str, what: &str) -> Result<f64, String> {
    match crate::model::CellInput::from_typed(text) {
        crate::model::CellInput::Number(n) => Ok(n),
        _ => Err(format!(
            "the {what} `{text}` is not a number (e.g. 50000000, 1,000 or 12%)"
        )),
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
