//! Actuals: what really happened, beside the plan, and how it gets in.
//!
//! A workbook's [`Actuals`] hold booked numbers per metric and period and the
//! last closed period. Up to it, a metric's actual replaces the model's value
//! ([`crate::model::Workbook::effective_input`]), so a forecast after it
//! (`customers = customers[-1] + new - churned`) starts from the actual
//! state.
//!
//! Importing reads what a CRM, a BI tool or accounting exports (CSV or
//! `.xlsx`), long (`metric,period,value`) or wide (a metric per row, periods
//! as columns) ([`read_table`]); [`preview`] matches its headers to metrics
//! (the remembered mapping first, then names and labels, case- and
//! spacing-insensitive, with suggestions for near misses) and lists what
//! would change and every problem with its line; [`import_edit`] turns an
//! accepted preview into one undoable edit.

use std::path::Path;

use super::document::{Actuals, CellInput, ScenarioOverride, Timeline, WorkbookFile};
use super::{Command, Edit, Value, Workbook, scenario, timeline};

/// The last closed period (zero-based), if one is set and on the timeline.
pub fn closed_period(doc: &WorkbookFile) -> Option<u32> {
    let actuals = doc.actuals.as_deref()?;
    timeline::month_period(&doc.timeline, &actuals.closed)
}

/// Checks actuals against a timeline: a closed period that is one of its
/// months, numbers only, no more values than periods.
pub fn check(actuals: &Actuals, timeline: &Timeline) -> Result<(), String> {
    if !actuals.closed.is_empty() && timeline::month_period(timeline, &actuals.closed).is_none() {
        return Err(format!(
            "actuals: the closed period `{}` is not a month of the timeline",
            actuals.closed
        ));
    }
    check_series("actuals", &actuals.values, timeline.periods)
}

/// Checks per-metric series (actuals, frozen plans): numbers only, one per
/// period at most.
pub fn check_series(what: &str, series: &[ScenarioOverride], periods: u32) -> Result<(), String> {
    for line in series {
        if line.uncertainty.is_some() {
            return Err(format!(
                "{what}, `{}`: a range belongs on the model's row or a scenario, not here",
                line.metric
            ));
        }
        if line.values.len() > periods as usize {
            return Err(format!(
                "{what}, `{}`: {} values for {periods} periods",
                line.metric,
                line.values.len()
            ));
        }
        if let Some(p) = line.values.iter().position(|v| match v {
            CellInput::Empty => false,
            CellInput::Number(n) => !n.is_finite(),
            _ => true,
        }) {
            return Err(format!(
                "{what}, `{}`, period {}: `{}` is not a number",
                line.metric,
                p + 1,
                super::io::cell_text(&line.values[p])
            ));
        }
    }
    Ok(())
}

/// A file's cells as text, row by row (line 1 first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The rows; a row's cells left to right.
    pub rows: Vec<Vec<String>>,
}

/// Reads a CSV (comma, semicolon or tab separated, found from the first
/// line) or the first sheet of an `.xlsx` file.
pub fn read_table(path: &Path) -> Result<Table, String> {
    let shown = path.display();
    if super::interop::is_xlsx_path(path) {
        return read_xlsx(path).map_err(|e| format!("{shown}: {e}"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{shown}: not UTF-8 text (save the export as CSV UTF-8)"))?;
    parse_csv(&text).map_err(|e| format!("{shown}: {e}"))
}

/// Parses CSV text; the separator is the one of `,`, `;` and tab that the
/// first line has most of.
pub fn parse_csv(text: &str) -> Result<Table, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let separator = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| first.bytes().filter(|&b| b == c).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {e}", p.line()),
            None => e.to_string(),
        })?;
        rows.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(Table { rows })
}

fn read_xlsx(path: &Path) -> Result<Table, String> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let range = book
        .worksheet_range_at(0)
        .ok_or("the workbook has no sheet")?
        .map_err(|e| e.to_string())?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut cells = vec![String::new(); left as usize];
        cells.extend(row.iter().map(|cell| match cell {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Float(f) => super::io::number_text(*f),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Data::DateTime(d) => serial_date(d.as_f64()),
            Data::DateTimeIso(s) => s.clone(),
            Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }));
        rows.push(cells);
    }
    Ok(Table { rows })
}

/// `YYYY-MM-DD` of an Excel date serial (days since 1899-12-30).
fn serial_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    base.checked_add_signed(chrono::TimeDelta::days(serial.floor() as i64))
        .map_or_else(|| serial.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

/// How a file lays out its numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// One number per line: the columns of the metric, period and value.
    Long {
        /// Column of the metric.
        metric: usize,
        /// Column of the period.
        period: usize,
        /// Column of the value.
        value: usize,
    },
    /// A metric per row (its header in `metric`), periods as columns.
    Wide {
        /// Column of the metric's header.
        metric: usize,
        /// The period columns: (column, period).
        periods: Vec<(usize, u32)>,
    },
}

/// How a header of the file was matched to a metric.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    /// By the mapping remembered in the model (or given for this import).
    Remembered,
    /// By the metric's name or label.
    Name,
    /// Not matched; the closest metrics, best first.
    Unknown(Vec<String>),
}

/// One distinct metric header of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMatch {
    /// The header as in the file.
    pub header: String,
    /// The first line it is on (1-based).
    pub line: usize,
    /// The metric key it maps to (`metric` or `Sheet!metric`), if any.
    pub metric: Option<String>,
    /// How.
    pub how: Match,
}

/// One actual the import would book.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Sheet index.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// Period index.
    pub period: u32,
    /// The metric key.
    pub metric: String,
    /// The actual booked now, if any.
    pub before: Option<f64>,
    /// The model's value for the cell without actuals, if a number.
    pub plan: Option<f64>,
    /// The imported actual.
    pub value: f64,
    /// The line it comes from (1-based).
    pub line: usize,
}

/// Something in the file that cannot be imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub text: String,
}

/// What an import would do, before it is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// How the file lays out its numbers.
    pub shape: Shape,
    /// Each distinct metric header and the metric it maps to.
    pub headers: Vec<HeaderMatch>,
    /// The actuals that would be booked, in file order.
    pub changes: Vec<Change>,
    /// What cannot be imported; nothing is applied while there are any.
    pub problems: Vec<Problem>,
}

impl Preview {
    /// The last period the file books, if any.
    pub fn last_period(&self) -> Option<u32> {
        self.changes.iter().map(|c| c.period).max()
    }
}

/// `Leads total`, `leads_total` and ` LEADS  Total ` all read `leads_total`.
fn normalized(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Every metric of the workbook: (key, normalized name, normalized label).
fn metric_keys(workbook: &Workbook) -> Vec<(String, String, String)> {
    let doc = workbook.document();
    let mut out = Vec::new();
    for (s, sheet) in doc.sheets.iter().enumerate() {
        for (r, row) in sheet.rows.iter().enumerate() {
            let name = workbook.metric_name(s as u32, r as u32);
            if name.is_empty() || !row.section.is_empty() {
                continue;
            }
            let key = if s == 0 {
                name.to_string()
            } else {
                format!("{}!{name}", sheet.name)
            };
            let prefix = if s == 0 {
                String::new()
            } else {
                format!("{}_", normalized(&sheet.name))
            };
            out.push((
                key,
                format!("{prefix}{}", normalized(name)),
                format!("{prefix}{}", normalized(&row.label)),
            ));
        }
    }
    out
}

/// Matches one header: the mapping first, then names and labels.
fn match_header(
    header: &str,
    mapping: &[(String, String)],
    metrics: &[(String, String, String)],
) -> (Option<String>, Match) {
    let wanted = normalized(header);
    if let Some((_, metric)) = mapping.iter().find(|(h, _)| normalized(h) == wanted) {
        return (Some(metric.clone()), Match::Remembered);
    }
    if let Some((key, _, _)) = metrics
        .iter()
        .find(|(_, name, label)| *name == wanted || (!label.is_empty() && *label == wanted))
    {
        return (Some(key.clone()), Match::Name);
    }
    let mut near: Vec<(f64, &str)> = metrics
        .iter()
        .map(|(key, name, label)| {
            let score =
                strsim::jaro_winkler(&wanted, name).max(strsim::jaro_winkler(&wanted, label));
            (score, key.as_str())
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    (
        None,
        Match::Unknown(
            near.into_iter()
                .take(3)
                .map(|(_, k)| k.to_string())
                .collect(),
        ),
    )
}

/// Reads a booked amount as accounting exports write it: `1,234.5`,
/// `1 234,5`, `(1,200)` (negative), `-3`, `12%`, `$1,000`, `1000 RUB`.
pub fn parse_amount(text: &str) -> Option<f64> {
    let mut t = text.trim().to_string();
    let mut negative = false;
    if t.starts_with('(') && t.ends_with(')') {
        negative = true;
        t = t[1..t.len() - 1].trim().to_string();
    }
    let percent = t.ends_with('%');
    let t: String = t
        .trim_end_matches('%')
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | 'e' | 'E'))
        .collect();
    if t.is_empty() || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // A lone comma followed by one or two digits is a decimal comma
    // (`1 234,5`); other commas group thousands.
    let t = match (t.matches(',').count(), t.contains('.'), t.rsplit_once(',')) {
        (1, false, Some((_, decimals))) if (1..=2).contains(&decimals.len()) => t.replace(',', "."),
        _ => t.replace(',', ""),
    };
    let n: f64 = t.parse().ok()?;
    let n = if percent { n / 100.0 } else { n };
    (n.is_finite()).then_some(if negative { -n } else { n })
}

/// Finds how `table` lays out its numbers from its header line (the first
/// non-empty line): a long file has columns called metric, period (or
/// month, date) and value (or amount, actual); otherwise a wide file has
/// period headers. Returns the header's index too.
fn shape_of(table: &Table, timeline: &Timeline) -> Result<(usize, Shape), String> {
    let (at, header) = table
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .ok_or("the file is empty")?;
    let column = |names: &[&str]| {
        header
            .iter()
            .position(|h| names.contains(&normalized(h).as_str()))
    };
    if let (Some(metric), Some(period), Some(value)) = (
        column(&["metric", "metrics", "name", "kpi", "indicator"]),
        column(&["period", "month", "date"]),
        column(&["value", "amount", "actual", "actuals"]),
    ) {
        return Ok((
            at,
            Shape::Long {
                metric,
                period,
                value,
            },
        ));
    }
    let periods: Vec<(usize, u32)> = header
        .iter()
        .enumerate()
        .filter_map(|(c, h)| Some((c, timeline::find_period(timeline, h)?)))
        .collect();
    if periods.is_empty() {
        let outside = header
            .iter()
            .find(|h| timeline::month_in_text(h).is_some())
            .map(|h| format!(" (`{h}` is outside the timeline)"))
            .unwrap_or_default();
        return Err(format!(
            "line {}: cannot tell the layout: a long file has the columns metric, period and value; \
             a wide file has months as column headers{outside}",
            at + 1
        ));
    }
    let metric = header
        .iter()
        .position(|h| !h.is_empty() && timeline::find_period(timeline, h).is_none())
        .unwrap_or(0);
    Ok((at, Shape::Wide { metric, periods }))
}

/// What importing `table` would do: its layout, each header's metric (by
/// the model's remembered mapping, then `extra_mapping`'s, then names and
/// labels), the actuals it books and every problem, with its line. An
/// error if the file's layout cannot be told.
pub fn preview(
    workbook: &Workbook,
    table: &Table,
    extra_mapping: &[(String, String)],
) -> Result<Preview, String> {
    let doc = workbook.document();
    let (header_at, shape) = shape_of(table, &doc.timeline)?;
    let mut mapping: Vec<(String, String)> = extra_mapping.to_vec();
    if let Some(a) = doc.actuals.as_deref() {
        mapping.extend(a.mapping.iter().cloned());
    }
    let metrics = metric_keys(workbook);
    let mut headers: Vec<HeaderMatch> = Vec::new();
    let mut changes: Vec<Change> = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut cells: Vec<(usize, String, u32, f64)> = Vec::new();
    let periods = doc.timeline.periods;
    for (index, row) in table.rows.iter().enumerate().skip(header_at + 1) {
        let line = index + 1;
        let cell = |c: usize| row.get(c).map_or("", String::as_str);
        if row.iter().all(String::is_empty) {
            continue;
        }
        match &shape {
            Shape::Long {
                metric,
                period,
                value,
            } => {
                let (name, period_text, value_text) = (cell(*metric), cell(*period), cell(*value));
                if value_text.is_empty() {
                    continue;
                }
                let Some(p) = timeline::find_period(&doc.timeline, period_text) else {
                    problems.push(Problem {
                        line,
                        text: period_problem(period_text, &doc.timeline),
                    });
                    continue;
                };
                match parse_amount(value_text) {
                    Some(v) => cells.push((line, name.to_string(), p, v)),
                    None => problems.push(Problem {
                        line,
                        text: format!("`{value_text}` is not a number"),
                    }),
                }
            }
            Shape::Wide { metric, periods } => {
                let name = cell(*metric);
                for &(c, p) in periods {
                    let text = cell(c);
                    if text.is_empty() {
                        continue;
                    }
                    match parse_amount(text) {
                        Some(v) => cells.push((line, name.to_string(), p, v)),
                        None => problems.push(Problem {
                            line,
                            text: format!(
                                "`{text}` is not a number (column {})",
                                super::column_letters(c as u32)
                            ),
                        }),
                    }
                }
            }
        }
    }
    if let Shape::Wide { .. } = shape {
        // Headers that look like months off the timeline are not imported.
        let header = &table.rows[header_at];
        for h in header {
            if timeline::find_period(&doc.timeline, h).is_none()
                && timeline::month_in_text(h).is_some()
            {
                problems.push(Problem {
                    line: header_at + 1,
                    text: period_problem(h, &doc.timeline),
                });
            }
        }
    }
    let names = workbook.metric_names();
    // Each distinct header is matched once (a long file repeats them).
    let mut known: std::collections::HashMap<String, usize> = Default::default();
    let mut seen: std::collections::HashMap<(u32, u32, u32), (usize, f64)> = Default::default();
    for (line, name, period, value) in cells {
        if name.trim().is_empty() {
            problems.push(Problem {
                line,
                text: "no metric on this line".into(),
            });
            continue;
        }
        let at = match known.get(&normalized(&name)) {
            Some(&at) => at,
            None => {
                let (metric, how) = match_header(&name, &mapping, &metrics);
                headers.push(HeaderMatch {
                    header: name.clone(),
                    line,
                    metric,
                    how,
                });
                known.insert(normalized(&name), headers.len() - 1);
                headers.len() - 1
            }
        };
        let header = &headers[at];
        let Some(key) = &header.metric else {
            let hint = match &header.how {
                Match::Unknown(near) if !near.is_empty() => {
                    format!(" (did you mean {}?)", near.join(", "))
                }
                _ => String::new(),
            };
            let text = format!("no metric `{name}` in the model{hint}");
            if !problems.iter().any(|p| p.line == line && p.text == text) {
                problems.push(Problem { line, text });
            }
            continue;
        };
        let Some((sheet, row)) = scenario::resolve_key(&doc.sheets, names, key) else {
            problems.push(Problem {
                line,
                text: format!("`{name}` maps to `{key}`, which is not a metric of the model"),
            });
            continue;
        };
        debug_assert!(period < periods);
        // The same cell twice: fine with the same number, a problem otherwise.
        match seen.get(&(sheet, row, period)) {
            Some(&(_, v)) if v == value => continue,
            Some(&(first, _)) => {
                problems.push(Problem {
                    line,
                    text: format!(
                        "{key} in {} is also on line {first}, with another value",
                        timeline::period_label(&doc.timeline, period)
                    ),
                });
                continue;
            }
            None => {
                seen.insert((sheet, row, period), (line, value));
            }
        }
        let before = match workbook.booked_actual(sheet, row, period) {
            Some(CellInput::Number(n)) => Some(*n),
            _ => None,
        };
        changes.push(Change {
            sheet,
            row,
            period,
            metric: key.clone(),
            before,
            plan: None,
            value,
            line,
        });
    }
    Ok(Preview {
        shape,
        headers,
        changes,
        problems,
    })
}

fn period_problem(text: &str, tl: &Timeline) -> String {
    let labels = timeline::period_labels(tl);
    let span = match (labels.first(), labels.last()) {
        (Some(a), Some(b)) => format!("the timeline runs {a} – {b}"),
        _ => "the timeline is empty".into(),
    };
    if text.trim().is_empty() {
        format!("no period on this line ({span})")
    } else if timeline::month_in_text(text).is_some() {
        format!("period `{text}` is outside the timeline ({span})")
    } else {
        format!("`{text}` is not a period ({span}; write e.g. 2026-04 or Apr 2026)")
    }
}

/// Fills in each change's plan value: the model's number for the cell with
/// actuals hidden. Leaves the workbook's values as they were.
pub fn with_plan_values(workbook: &mut Workbook, mut preview: Preview) -> Preview {
    let shown = workbook.actuals_shown();
    workbook.set_actuals_shown(false);
    for c in &mut preview.changes {
        c.plan = match workbook.value(c.sheet, c.row, c.period) {
            Value::Number(n) => Some(*n),
            _ => None,
        };
    }
    workbook.set_actuals_shown(shown);
    preview
}

/// The edit that books an accepted preview: its actuals replace those of
/// the same metrics and periods, the headers' mapping is remembered (those
/// that differ from the metric's own name), and the closed period becomes
/// `close` if given, else the later of the closed period and the last one
/// imported. An error if the preview has problems or books nothing.
pub fn import_edit(
    workbook: &Workbook,
    preview: &Preview,
    close: Option<u32>,
) -> Result<Edit, String> {
    if let Some(first) = preview.problems.first() {
        return Err(format!(
            "{} problem(s) in the file, nothing imported; the first, on line {}: {}",
            preview.problems.len(),
            first.line,
            first.text
        ));
    }
    if preview.changes.is_empty() {
        return Err("the file books no actual for any metric of the model".into());
    }
    let doc = workbook.document();
    let mut actuals: Actuals = doc.actuals.as_deref().cloned().unwrap_or_default();
    let names = workbook.metric_names();
    for change in &preview.changes {
        scenario::set_series_cell(
            &mut actuals.values,
            &doc.sheets,
            names,
            change.metric.clone(),
            (change.sheet, change.row, change.period),
            CellInput::Number(change.value),
        );
    }
    // Headers matched by a name or a label match again by themselves.
    for h in preview
        .headers
        .iter()
        .filter(|h| h.how == Match::Remembered)
    {
        let Some(metric) = &h.metric else { continue };
        match actuals
            .mapping
            .iter_mut()
            .find(|(header, _)| normalized(header) == normalized(&h.header))
        {
            Some(entry) => entry.1 = metric.clone(),
            None => actuals.mapping.push((h.header.clone(), metric.clone())),
        }
    }
    let closed = super::actuals::closed_period(doc);
    let last = preview.last_period();
    let close = close.or(match (closed, last) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    });
    if let Some(p) = close {
        actuals.closed = timeline::period_month(&doc.timeline, p);
    }
    Ok(vec![Command::SetActuals {
        actuals: Some(Box::new(actuals)),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_accounting_writes_them() {
        for (text, want) in [
            ("1,234.5", Some(1234.5)),
            ("1 234,5", Some(1234.5)),
            ("(1,200)", Some(-1200.0)),
            ("$1,000", Some(1000.0)),
            ("12%", Some(0.12)),
            ("1000 RUB", Some(1000.0)),
            ("-3", Some(-3.0)),
            ("n/a", None),
            ("", None),
        ] {
            assert_eq!(parse_amount(text), want, "{text}");
        }
    }

    #[test]
    fn headers_normalize() {
        assert_eq!(normalized(" Leads  Total "), "leads_total");
        assert_eq!(normalized("Contact→qualified"), "contact_qualified");
    }

    #[test]
    fn csv_separators_are_found() {
        let t = parse_csv("metric;period;value\nleads;2026-01;1 200\n").expect("reads");
        assert_eq!(t.rows[1], vec!["leads", "2026-01", "1 200"]);
        let t = parse_csv("\u{feff}a,b\n\"x, y\",2\n").expect("reads");
        assert_eq!(t.rows[1], vec!["x, y", "2"]);
    }
}
