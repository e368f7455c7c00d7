//! Reading and writing `.ron` workbooks.
//!
//! Reading goes through serde and `ron`, which report the line and column of
//! any mistake. Writing is hand-made rather than `ron`'s pretty printer,
//! because the layout is part of the format's promise: one row per line with
//! its period values inline, fields in a fixed order and defaults left out,
//! so that `load → save` reproduces a file byte for byte and a one-cell edit
//! changes one line. Saving is atomic: a temporary file in the same folder is
//! written, flushed and renamed over the old one.

use std::fmt::{self, Write as _};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::document::{
    Benchmark, Better, CellInput, ChangelogEntry, Distribution, Effect, FORMAT_VERSION, Format,
    Funnel, Goal, Grouping, InvestorView, Layout, Rollup, RowFile, Scenario, ScenarioOverride,
    SheetFile, Step, Target, Uncertainty, WorkbookFile,
};

/// Why a workbook could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The text is not a valid workbook.
    #[error("{origin}:{line}:{column}: {message}")]
    Syntax {
        /// The file name (or another description of where the text came from).
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong or expected.
        message: String,
    },
    /// The file was written by a newer (or unknown) version of the format.
    #[error(
        "{origin}: format version {found} is not supported (this Lever reads version {FORMAT_VERSION})"
    )]
    Version {
        /// The file name.
        origin: String,
        /// The version found.
        found: u32,
    },
    /// The workbook parsed but makes no sense (e.g. a bad timeline).
    #[error("{origin}: {message}")]
    Invalid {
        /// The file name.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// Parses workbook text. `origin` names the source in error messages.
pub fn parse(text: &str, origin: &str) -> Result<WorkbookFile, FileError> {
    // Check the version first, so that a file from a newer Lever says so
    // rather than complaining about a field it does not know.
    if let Some(found) = declared_version(text)
        && found != FORMAT_VERSION
    {
        return Err(FileError::Version {
            origin: origin.to_string(),
            found,
        });
    }
    // Optional fields (a row's benchmark, a benchmark's high end) are written
    // without `Some(…)`.
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let file: WorkbookFile = options.from_str(text).map_err(|e| FileError::Syntax {
        origin: origin.to_string(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    })?;
    if file.version != FORMAT_VERSION {
        return Err(FileError::Version {
            origin: origin.to_string(),
            found: file.version,
        });
    }
    validate(&file).map_err(|message| FileError::Invalid {
        origin: origin.to_string(),
        message,
    })?;
    Ok(file)
}

/// The number after the first `version:`, if the text has one near its start.
fn declared_version(text: &str) -> Option<u32> {
    let head: String = text.chars().take(400).collect();
    let at = head.find("version")?;
    let rest = head[at + "version".len()..]
        .trim_start()
        .strip_prefix(':')?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The largest number of periods a timeline may have (100 years of months).
pub const MAX_PERIODS: u32 = 1200;
/// The most columns a grid sheet may have (Excel's limit, A to XFD).
pub const MAX_GRID_COLS: u32 = 16_384;
/// The most rows a grid sheet may have (Excel's limit).
pub const MAX_GRID_ROWS: u32 = 1_048_576;

fn validate(file: &WorkbookFile) -> Result<(), String> {
    super::timeline::parse_month(&file.timeline.start).ok_or_else(|| {
        format!(
            "timeline start `{}` is not a month like \"2026-01\"",
            file.timeline.start
        )
    })?;
    if file.timeline.periods == 0 || file.timeline.periods > MAX_PERIODS {
        return Err(format!(
            "timeline periods must be between 1 and {MAX_PERIODS}, not {}",
            file.timeline.periods
        ));
    }
    if file.sheets.is_empty() {
        return Err("a workbook needs at least one sheet".into());
    }
    for sheet in &file.sheets {
        for (index, row) in sheet.rows.iter().enumerate() {
            if let Some(u) = &row.uncertainty {
                super::uncertainty::check(u, file.timeline.periods).map_err(|e| {
                    format!(
                        "sheet `{}`, row {} ({}): {e}",
                        sheet.name,
                        index + 1,
                        row.label
                    )
                })?;
            }
            if let Some(b) = &row.benchmark {
                let where_ =
                    || format!("sheet `{}`, row {} ({})", sheet.name, index + 1, row.label);
                if !b.value.is_finite() || b.high.is_some_and(|h| !h.is_finite()) {
                    return Err(format!(
                        "{}: the benchmark is not a finite number",
                        where_()
                    ));
                }
                if let Some(high) = b.high
                    && high < b.value
                {
                    return Err(format!(
                        "{}: the benchmark range {} – {} runs backwards (value is the low end)",
                        where_(),
                        number_text(b.value),
                        number_text(high)
                    ));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for sheet in &file.sheets {
        if sheet.name.trim().is_empty() {
            return Err("a sheet has an empty name".into());
        }
        if !seen.insert(sheet.name.to_lowercase()) {
            return Err(format!("two sheets are named `{}`", sheet.name));
        }
        let max_values = match sheet.layout {
            Layout::Metrics => file.timeline.periods as usize,
            Layout::Grid => MAX_GRID_COLS as usize,
        };
        if sheet.layout == Layout::Grid && sheet.rows.len() > MAX_GRID_ROWS as usize {
            return Err(format!(
                "sheet `{}` has {} rows; a sheet has at most {MAX_GRID_ROWS}",
                sheet.name,
                sheet.rows.len()
            ));
        }
        for (index, row) in sheet.rows.iter().enumerate() {
            if row.values.len() > max_values && sheet.layout == Layout::Grid {
                return Err(format!(
                    "sheet `{}`, row {}: {} values for at most {max_values} columns",
                    sheet.name,
                    index + 1,
                    row.values.len()
                ));
            }
            if row.values.len() > max_values {
                return Err(format!(
                    "sheet `{}`, row {} ({}): {} values for {} periods",
                    sheet.name,
                    index + 1,
                    row.label,
                    row.values.len(),
                    file.timeline.periods
                ));
            }
        }
    }
    for scenario in &file.scenarios {
        for o in &scenario.overrides {
            if let Some(u) = &o.uncertainty {
                super::uncertainty::check(u, file.timeline.periods)
                    .map_err(|e| format!("scenario `{}`, `{}`: {e}", scenario.name, o.metric))?;
            }
        }
    }
    for c in &file.correlations {
        super::uncertainty::check_correlation(c)?;
    }
    if let Some(actuals) = &file.actuals {
        super::actuals::check(actuals, &file.timeline)?;
    }
    for plan in &file.plans {
        super::actuals::check_series(
            &format!("plan `{}`", plan.name),
            &plan.values,
            file.timeline.periods,
        )?;
    }
    for target in &file.targets {
        super::targets::check(target, &file.timeline)?;
    }
    super::locale::number_locale(&file.locale)?;
    Ok(())
}

/// Reads a workbook file.
pub fn load(path: &Path) -> Result<WorkbookFile, FileError> {
    let text = fs::read_to_string(path).map_err(|source| FileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, &path.display().to_string())
}

/// Writes `file` to `path` atomically: the old file stays intact until the
/// new one is completely on disk.
pub fn save(file: &WorkbookFile, path: &Path) -> Result<(), FileError> {
    write_atomically(path, to_text(file).as_bytes())
}

/// Writes bytes to `path` through a temporary file and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let io_error = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workbook".into());
    let temp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut out = fs::File::create(&temp)?;
        out.write_all(bytes)?;
        out.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(io_error)
}

/// The canonical text of a workbook.
pub fn to_text(file: &WorkbookFile) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_workbook(&mut out, file);
    out
}

fn write_workbook(out: &mut String, file: &WorkbookFile) -> fmt::Result {
    out.push_str("(\n");
    writeln!(out, "    version: {},", file.version)?;
    writeln!(
        out,
        "    timeline: (start: {}, periods: {}, step: {}),",
        quote(&file.timeline.start),
        file.timeline.periods,
        step_name(file.timeline.step)
    )?;
    if !file.locale.is_empty() {
        writeln!(out, "    locale: {},", quote(&file.locale))?;
    }
    out.push_str("    sheets: [\n");
    for sheet in &file.sheets {
        write_sheet(out, sheet)?;
    }
    out.push_str("    ],\n");
    if !file.names.is_empty() {
        write_list(out, "names", &file.names, |n| {
            let scope = if n.sheet.is_empty() {
                String::new()
            } else {
                format!("sheet: {}, ", quote(&n.sheet))
            };
            format!(
                "(name: {}, {scope}refers_to: {})",
                quote(&n.name),
                quote(&n.refers_to)
            )
        })?;
    }
    write_list(out, "scenarios", &file.scenarios, scenario_line)?;
    write_list(out, "changelog", &file.changelog, changelog_line)?;
    if !file.funnels.is_empty() {
        write_list(out, "funnels", &file.funnels, funnel_line)?;
    }
    if let Some(view) = &file.investor {
        writeln!(out, "    investor: {},", investor_line(view))?;
    }
    if !file.correlations.is_empty() {
        write_list(out, "correlations", &file.correlations, |c| {
            format!(
                "(a: {}, b: {}, rho: {})",
                quote(&c.a),
                quote(&c.b),
                number_text(c.rho)
            )
        })?;
    }
    if let Some(actuals) = &file.actuals {
        out.push_str("    actuals: (\n");
        writeln!(out, "        closed: {},", quote(&actuals.closed))?;
        let mapping: Vec<String> = actuals
            .mapping
            .iter()
            .map(|(header, metric)| format!("({}, {})", quote(header), quote(metric)))
            .collect();
        writeln!(out, "        mapping: [{}],", mapping.join(", "))?;
        write_series(out, "        ", &actuals.values)?;
        out.push_str("    ),\n");
    }
    if !file.plans.is_empty() {
        out.push_str("    plans: [\n");
        for plan in &file.plans {
            out.push_str("        (\n");
            writeln!(out, "            name: {},", quote(&plan.name))?;
            writeln!(out, "            date: {},", quote(&plan.date))?;
            write_series(out, "            ", &plan.values)?;
            out.push_str("        ),\n");
        }
        out.push_str("    ],\n");
    }
    if !file.targets.is_empty() {
        out.push_str("    targets: [\n");
        for target in &file.targets {
            write_target(out, target)?;
        }
        out.push_str("    ],\n");
    }
    out.push_str(")\n");
    Ok(())
}

/// One target over several lines, one initiative per line.
fn write_target(out: &mut String, target: &Target) -> fmt::Result {
    out.push_str("        (\n");
    writeln!(out, "            metric: {},", quote(&target.metric))?;
    writeln!(out, "            period: {},", quote(&target.period))?;
    writeln!(out, "            goal: {},", goal_text(&target.goal))?;
    if !target.note.is_empty() {
        writeln!(out, "            note: {},", quote(&target.note))?;
    }
    if !target.reviewed.is_empty() {
        writeln!(out, "            reviewed: {},", quote(&target.reviewed))?;
    }
    if target.initiatives.is_empty() {
        out.push_str("            initiatives: [],\n");
    } else {
        out.push_str("            initiatives: [\n");
        for i in &target.initiatives {
            writeln!(
                out,
                "                (name: {}, owner: {}, metric: {}, effect: {}, start: {}),",
                quote(&i.name),
                quote(&i.owner),
                quote(&i.metric),
                effect_text(i.effect),
                quote(&i.start)
            )?;
        }
        out.push_str("            ],\n");
    }
    out.push_str("        ),\n");
    Ok(())
}

fn goal_text(goal: &Goal) -> String {
    match goal {
        Goal::Value(v) => format!("Value({})", number_text(*v)),
        Goal::Growth { percent, vs } => {
            format!(
                "Growth(percent: {}, vs: {})",
                number_text(*percent),
                quote(vs)
            )
        }
        Goal::Increase { amount, vs } => {
            format!(
                "Increase(amount: {}, vs: {})",
                number_text(*amount),
                quote(vs)
            )
        }
    }
}

fn effect_text(effect: Effect) -> String {
    match effect {
        Effect::Points(n) => format!("Points({})", number_text(n)),
        Effect::Percent(n) => format!("Percent({})", number_text(n)),
        Effect::Amount(n) => format!("Amount({})", number_text(n)),
    }
}

/// `values: [...]` with one metric per line, at `indent`.
fn write_series(out: &mut String, indent: &str, series: &[ScenarioOverride]) -> fmt::Result {
    if series.is_empty() {
        return writeln!(out, "{indent}values: [],");
    }
    writeln!(out, "{indent}values: [")?;
    for line in series {
        writeln!(
            out,
            "{indent}    (metric: {}, values: {}),",
            quote(&line.metric),
            cells_text(&line.values)
        )?;
    }
    writeln!(out, "{indent}],")
}

fn write_sheet(out: &mut String, sheet: &SheetFile) -> fmt::Result {
    out.push_str("        (\n");
    writeln!(out, "            name: {},", quote(&sheet.name))?;
    if sheet.layout != Layout::Metrics {
        writeln!(out, "            layout: Grid,")?;
    }
    if sheet.rows.is_empty() {
        out.push_str("            rows: [],\n");
    } else {
        out.push_str("            rows: [\n");
        for row in &sheet.rows {
            writeln!(out, "                {},", row_line(row))?;
        }
        out.push_str("            ],\n");
    }
    if !sheet.excel_formats.is_empty() {
        out.push_str("            excel_formats: [\n");
        for (cell, code) in &sheet.excel_formats {
            writeln!(out, "                ({}, {}),", quote(cell), quote(code))?;
        }
        out.push_str("            ],\n");
    }
    out.push_str("        ),\n");
    Ok(())
}

fn write_list<T>(
    out: &mut String,
    name: &str,
    items: &[T],
    line: impl Fn(&T) -> String,
) -> fmt::Result {
    if items.is_empty() {
        writeln!(out, "    {name}: [],")
    } else {
        writeln!(out, "    {name}: [")?;
        for item in items {
            writeln!(out, "        {},", line(item))?;
        }
        writeln!(out, "    ],")
    }
}

/// One row as a single line, e.g.
/// `(label: "Leads", unit: "leads", format: Integer, formula: "=visits * cr")`.
pub fn row_line(row: &RowFile) -> String {
    let mut fields: Vec<String> = Vec::new();
    let mut text = |name: &str, value: &str| {
        if !value.is_empty() {
            fields.push(format!("{name}: {}", quote(value)));
        }
    };
    text("section", &row.section);
    text("label", &row.label);
    text("name", &row.name);
    text("unit", &row.unit);
    if row.format != Format::General {
        fields.push(format!("format: {}", format_name(row.format)));
    }
    if !row.formula.is_empty() {
        fields.push(format!("formula: {}", quote(&row.formula)));
    }
    if !row.values.is_empty() {
        fields.push(format!("values: {}", cells_text(&row.values)));
    }
    if let Some(benchmark) = &row.benchmark {
        fields.push(format!("benchmark: {}", benchmark_text(benchmark)));
    }
    if let Some(rollup) = &row.rollup {
        fields.push(format!("rollup: {}", rollup_text(rollup)));
    }
    if let Some(u) = &row.uncertainty {
        fields.push(format!("uncertainty: {}", uncertainty_text(u)));
    }
    format!("({})", fields.join(", "))
}

/// An uncertainty as written in a row, e.g.
/// `(dist: Triangular(low: 0.18, mode: 0.2, high: 0.24), per_period: true)`.
fn uncertainty_text(u: &Uncertainty) -> String {
    let n = |x: f64| number_text(x);
    let dist = match &u.dist {
        Distribution::Uniform { low, high } => {
            format!("Uniform(low: {}, high: {})", n(*low), n(*high))
        }
        Distribution::Triangular { low, mode, high } => format!(
            "Triangular(low: {}, mode: {}, high: {})",
            n(*low),
            n(*mode),
            n(*high)
        ),
        Distribution::Normal { mean, sd } => format!("Normal(mean: {}, sd: {})", n(*mean), n(*sd)),
        Distribution::LogNormal { mean, sd } => {
            format!("LogNormal(mean: {}, sd: {})", n(*mean), n(*sd))
        }
        Distribution::Discrete(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|(v, p)| format!("({}, {})", n(*v), n(*p)))
                .collect();
            format!("Discrete([{}])", items.join(", "))
        }
    };
    let mut fields = vec![format!("dist: {dist}")];
    if let Some(period) = u.period {
        fields.push(format!("period: {period}"));
    }
    if u.per_period {
        fields.push("per_period: true".into());
    }
    format!("({})", fields.join(", "))
}

/// A benchmark as written in a row, e.g.
/// `(value: 0.04, better: Higher, source: "market survey")`.
fn benchmark_text(b: &Benchmark) -> String {
    let mut fields = vec![format!("value: {}", number_text(b.value))];
    if let Some(high) = b.high {
        fields.push(format!("high: {}", number_text(high)));
    }
    fields.push(format!(
        "better: {}",
        match b.better {
            Better::Higher => "Higher",
            Better::Lower => "Lower",
        }
    ));
    if !b.source.is_empty() {
        fields.push(format!("source: {}", quote(&b.source)));
    }
    format!("({})", fields.join(", "))
}

fn rollup_text(r: &Rollup) -> String {
    match r {
        Rollup::Sum => "Sum".into(),
        Rollup::Last => "Last".into(),
        Rollup::Average => "Average".into(),
        Rollup::Ratio(num, den) => format!("Ratio({}, {})", quote(num), quote(den)),
    }
}

fn names_text(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| quote(n)).collect();
    format!("[{}]", items.join(", "))
}

fn funnel_line(f: &Funnel) -> String {
    let mut fields = vec![
        format!("name: {}", quote(&f.name)),
        format!("stages: {}", names_text(&f.stages)),
    ];
    if !f.conversions.is_empty() {
        fields.push(format!("conversions: {}", names_text(&f.conversions)));
    }
    if !f.value.is_empty() {
        fields.push(format!("value: {}", quote(&f.value)));
    }
    format!("({})", fields.join(", "))
}

fn investor_line(v: &InvestorView) -> String {
    let period = match v.period {
        Grouping::Month => "Month",
        Grouping::Quarter => "Quarter",
        Grouping::Year => "Year",
    };
    format!(
        "(rows: {}, period: {period}, charts: {})",
        names_text(&v.rows),
        names_text(&v.charts)
    )
}

fn cells_text(cells: &[CellInput]) -> String {
    let items: Vec<String> = cells.iter().map(cell_text).collect();
    format!("[{}]", items.join(", "))
}

fn scenario_line(s: &Scenario) -> String {
    let overrides: Vec<String> = s
        .overrides
        .iter()
        .map(|o| {
            let range = o
                .uncertainty
                .as_deref()
                .map(|u| format!(", uncertainty: {}", uncertainty_text(u)))
                .unwrap_or_default();
            format!(
                "(metric: {}, values: {}{range})",
                quote(&o.metric),
                cells_text(&o.values)
            )
        })
        .collect();
    format!(
        "(name: {}, note: {}, overrides: [{}])",
        quote(&s.name),
        quote(&s.note),
        overrides.join(", ")
    )
}

fn changelog_line(c: &ChangelogEntry) -> String {
    let metrics: Vec<String> = c.metrics.iter().map(|m| quote(m)).collect();
    let area = if c.area.is_empty() {
        String::new()
    } else {
        format!("area: {}, ", quote(&c.area))
    };
    format!(
        "(date: {}, {area}text: {}, metrics: [{}])",
        quote(&c.date),
        quote(&c.text),
        metrics.join(", ")
    )
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::Month => "Month",
        Step::Quarter => "Quarter",
        Step::Year => "Year",
    }
}

fn format_name(format: Format) -> String {
    match format {
        Format::General => "General".into(),
        Format::Integer => "Integer".into(),
        Format::Decimal(n) => format!("Decimal({n})"),
        Format::Percent(n) => format!("Percent({n})"),
        Format::Money(n) => format!("Money({n})"),
        Format::Multiple(n) => format!("Multiple({n})"),
    }
}

/// A cell input as it appears in a `values` list.
pub fn cell_text(cell: &CellInput) -> String {
    match cell {
        CellInput::Empty => "()".into(),
        CellInput::Number(n) => number_text(*n),
        CellInput::Bool(b) => b.to_string(),
        CellInput::Formula(f) => quote(f),
        CellInput::Text(t) => {
            if t.starts_with('=') || t.starts_with('\'') {
                quote(&format!("'{t}"))
            } else {
                quote(t)
            }
        }
    }
}

/// A number in the shortest form that reads back identically: integers
/// without a decimal point, others in Rust's shortest round-trip notation.
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        if n == 0.0 {
            "0".into()
        } else {
            format!("{n:.0}")
        }
    } else if n.is_finite() {
        format!("{n:?}")
    } else {
        // Not representable in a cell; written as 0 rather than as text that
        // would not read back. Values are kept finite by the model.
        "0".into()
    }
}

/// A RON string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Serialize for CellInput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CellInput::Empty => serializer.serialize_unit(),
            CellInput::Number(n) => serializer.serialize_f64(*n),
            CellInput::Bool(b) => serializer.serialize_bool(*b),
            CellInput::Formula(f) => serializer.serialize_str(f),
            CellInput::Text(t) => {
                if t.starts_with('=') || t.starts_with('\'') {
                    serializer.serialize_str(&format!("'{t}"))
                } else {
                    serializer.serialize_str(t)
                }
            }
        }
    }
}

impl<'de> Deserialize<'de> for CellInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CellVisitor;

        impl Visitor<'_> for CellVisitor {
            type Value = CellInput;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a cell: a number, a string, true/false, a \"=formula\" or ()")
            }

            fn visit_unit<E: de::Error>(self) -> Result<CellInput, E> {
                Ok(CellInput::Empty)
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<CellInput, E> {
                Ok(CellInput::Bool(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CellInput, E> {
                Ok(CellInput::Number(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CellInput, E> {
                Ok(CellInput::Number(v as f64))
            }

            fn visit_i128<E: de::Error>(self, v: i128) -> Result<CellInput, E> {
                Ok(CellInput::Number(v as f64))
            }

            fn visit_u128<E: de::Error>(self, v: u128) -> Result<CellInput, E> {
                Ok(CellInput::Number(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<CellInput, E> {
                if v.is_finite() {
                    Ok(CellInput::Number(v))
                } else {
                    Err(E::custom(format!("{v} is not a finite number")))
                }
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<CellInput, E> {
                Ok(if v.starts_with('=') {
                    CellInput::Formula(v.to_string())
                } else if let Some(text) = v.strip_prefix('\'') {
                    CellInput::Text(text.to_string())
                } else {
                    CellInput::Text(v.to_string())
                })
            }
        }

        deserializer.deserialize_any(CellVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 3, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (section: "Sales"),
                (label: "Price", unit: "RUB", format: Money(0), formula: "=price[-1]", values: [4990]),
                (label: "Conversion", name: "cr", unit: "%", format: Percent(1), values: [0.031, (), 1e-7]),
                (label: "Note \"quoted\"", values: ["'=not a formula", true, "text"]),
                (),
            ],
        ),
    ],
    scenarios: [],
    changelog: [
        (date: "2026-02-01", text: "New price", metrics: ["price"]),
    ],
)
"#;

    #[test]
    fn load_save_reproduces_the_text() {
        let file = parse(SMALL, "small.ron").expect("parses");
        assert_eq!(to_text(&file), SMALL);
    }

    const FOUNDER: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 2, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (label: "Leads", format: Integer, values: [100, 120], rollup: Sum),
                (label: "Paid", values: [10, 12]),
                (label: "Conversion", unit: "%", formula: "=paid / leads", benchmark: (value: 0.04, high: 0.05, better: Higher, source: "survey \"2025\""), rollup: Ratio("paid", "leads")),
                (label: "CPL", formula: "=1", benchmark: (value: 900, better: Lower)),
            ],
        ),
    ],
    scenarios: [],
    changelog: [
        (date: "2026-02-01", area: "sales", text: "New script", metrics: ["conversion"]),
        (date: "2026-02-03", text: "No area", metrics: []),
    ],
    funnels: [
        (name: "Sales", stages: ["leads", "paid"], conversions: ["conversion"], value: "cpl"),
        (name: "Bare", stages: ["leads", "paid"]),
    ],
    investor: (rows: ["leads", "Model!paid"], period: Quarter, charts: ["paid"]),
)
"#;

    #[test]
    fn founder_fields_round_trip() {
        let file = parse(FOUNDER, "founder.ron").expect("parses");
        assert_eq!(to_text(&file), FOUNDER);
        let rows = &file.sheets[0].rows;
        let b = rows[2].benchmark.as_ref().expect("benchmark");
        assert_eq!(
            (b.value, b.high, b.better),
            (0.04, Some(0.05), Better::Higher)
        );
        assert_eq!(
            rows[3].benchmark.as_ref().map(|b| b.better),
            Some(Better::Lower)
        );
        assert_eq!(
            rows[2].rollup,
            Some(Rollup::Ratio("paid".into(), "leads".into()))
        );
        assert_eq!(file.changelog[0].area, "sales");
        assert_eq!(file.funnels[1].value, "");
        assert_eq!(
            file.investor.as_ref().map(|v| v.period),
            Some(Grouping::Quarter)
        );
    }

    #[test]
    fn backwards_benchmark_ranges_are_refused() {
        let broken = FOUNDER.replace("high: 0.05", "high: 0.01");
        let err = parse(&broken, "f.ron").unwrap_err().to_string();
        assert!(
            err.contains("row 3 (Conversion)") && err.contains("backwards"),
            "{err}"
        );
    }

    #[test]
    fn cells_read_as_typed() {
        let file = parse(SMALL, "small.ron").expect("parses");
        let rows = &file.sheets[0].rows;
        assert_eq!(rows[1].formula, "=price[-1]");
        assert_eq!(rows[2].values[1], CellInput::Empty);
        assert_eq!(rows[2].values[2], CellInput::Number(1e-7));
        assert_eq!(rows[3].values[0], CellInput::Text("=not a formula".into()));
        assert_eq!(rows[3].values[1], CellInput::Bool(true));
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let broken = SMALL.replace("format: Percent(1),", "format: Percent(1)");
        let err = parse(&broken, "small.ron").unwrap_err();
        let FileError::Syntax { line, .. } = &err else {
            panic!("expected a syntax error, got {err}");
        };
        assert_eq!(*line, 10);
        assert!(err.to_string().starts_with("small.ron:10:"), "{err}");
    }

    #[test]
    fn unknown_fields_are_reported() {
        let broken = SMALL.replace("unit: \"RUB\"", "unti: \"RUB\"");
        let err = parse(&broken, "small.ron").unwrap_err().to_string();
        assert!(err.contains("unti"), "{err}");
    }

    #[test]
    fn newer_versions_are_refused() {
        let newer = SMALL.replace("version: 1", "version: 7");
        let err = parse(&newer, "small.ron").unwrap_err().to_string();
        assert!(err.contains("version 7 is not supported"), "{err}");
    }

    #[test]
    fn numbers_read_back_identically() {
        for n in [
            0.0, 1.0, -3.0, 0.1, 1e-7, 1.5e20, 123456.789, 1e15, 2.5e-300,
        ] {
            let text = number_text(n);
            let back: f64 = text.parse().expect("parses");
            assert_eq!(back, n, "{text}");
        }
    }

    #[test]
    fn saving_replaces_atomically() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("m.ron");
        let file = parse(SMALL, "small.ron").expect("parses");
        save(&file, &path).expect("saves");
        assert_eq!(fs::read_to_string(&path).expect("reads"), SMALL);
        // A save into a folder that does not exist fails and leaves nothing.
        let bad = dir.path().join("missing").join("m.ron");
        assert!(save(&file, &bad).is_err());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("lists").collect();
        assert_eq!(leftovers.len(), 1);
    }
}
