//! Writing a model to an Excel workbook (`.xlsx`) with real formulas.
//!
//! A grid sheet (an imported worksheet, [`Layout::Grid`]) is written cell
//! for cell at the same addresses, with no header row; a formula that uses
//! no metric names is written exactly as stored, so `.xlsx → .ron → .xlsx`
//! keeps formulas identical. Defined names are written as Excel defined
//! names. The rest of this description is about metric sheets.
//!
//! Each sheet becomes a worksheet of the same name laid out like Lever's grid
//! (labels in A, units in B, periods from C), with one extra row on top: the
//! header with the period labels (`Jan 2026`). Every A1 reference in a
//! formula therefore moves down one row, and Lever's row *n* is Excel's row
//! *n + 1*.
//!
//! Formulas are translated on the syntax tree ([`excel_formula`]): a metric
//! name becomes the A1 cell of its row in the period being computed (`price`
//! → `D12`), `price[-1]` the previous column (the literal `0` before the
//! first period, as Lever reads an empty cell there), and a bare name where a
//! function takes a range (see [`crate::engine::compile::takes_range`]) the whole row of periods as
//! an absolute range (`$C$12:$AL$12`). The value Lever computed is stored as
//! each formula's cached result, so viewers that do not recalculate show the
//! same numbers.

use std::collections::HashMap;
use std::path::Path;

use rust_xlsxwriter::{Format as XlsxFormat, Formula, Workbook as XlsxWorkbook, Worksheet};

use crate::engine::Value;
use crate::engine::compile::Position;
use crate::engine::functions;
use crate::formula::{self, Axis, CellRef, ErrorKind, Expr, LineRef, Reference};
use crate::model::document::{CellInput, Format, Layout, RowFile, SheetFile};
use crate::model::{FIRST_PERIOD_COL, LABEL_COL, UNIT_COL, Workbook, column_letters, io};

/// Rows added above Lever's grid: the header with the period labels.
pub const HEADER_ROWS: u32 = 1;

/// Excel's last row (zero-based).
const MAX_ROW: u32 = 1_048_575;
/// Excel's last column (zero-based).
const MAX_COL: u32 = 16_383;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A sheet's name is not allowed in Excel (too long, or `[]:*?/\`).
    #[error("{path}: sheet `{sheet}` cannot be an Excel sheet name: {message}")]
    SheetName {
        /// The output file.
        path: String,
        /// The sheet's name in the model.
        sheet: String,
        /// What Excel objects to.
        message: String,
    },
    /// Building or writing the file failed.
    #[error("{path}: cannot write the workbook: {message}")]
    Write {
        /// The output file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Choices for [`export_xlsx_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Store Lever's computed values as the formulas' cached results (the
    /// default). Without them every formula caches `0` and the reader must
    /// recalculate — useful to check that a spreadsheet program computes
    /// the same values from the formulas alone.
    pub cached_results: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            cached_results: true,
        }
    }
}

/// Writes `workbook` to `path` as an Excel workbook with formulas and cached
/// results. The file is replaced atomically.
pub fn export_xlsx(workbook: &Workbook, path: &Path) -> Result<(), ExportError> {
    export_xlsx_with(workbook, path, &ExportOptions::default())
}

/// [`export_xlsx`] with options.
pub fn export_xlsx_with(
    workbook: &Workbook,
    path: &Path,
    options: &ExportOptions,
) -> Result<(), ExportError> {
    write_built(path, to_xlsx_bytes(workbook, options))
}

/// Why building the workbook failed (before a path is known).
pub(super) enum BuildError {
    /// A sheet name Excel does not allow.
    SheetName {
        /// The sheet.
        sheet: String,
        /// Excel's objection.
        message: String,
    },
    /// Anything else the writer reports.
    Xlsx(String),
}

/// Writes built bytes (or the build error) to `path` as an [`ExportError`].
pub(super) fn write_built(
    path: &Path,
    built: Result<Vec<u8>, BuildError>,
) -> Result<(), ExportError> {
    let bytes = built.map_err(|e| match e {
        BuildError::SheetName { sheet, message } => ExportError::SheetName {
            path: path.display().to_string(),
            sheet,
            message,
        },
        BuildError::Xlsx(message) => ExportError::Write {
            path: path.display().to_string(),
            message,
        },
    })?;
    io::write_atomically(path, &bytes).map_err(|e| ExportError::Write {
        path: path.display().to_string(),
        message: match e {
            io::FileError::Io { source, .. } => source.to_string(),
            other => other.to_string(),
        },
    })
}

impl From<rust_xlsxwriter::XlsxError> for BuildError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        BuildError::Xlsx(e.to_string())
    }
}

/// The cell formats used by the export.
struct Styles {
    bold: XlsxFormat,
    numbers: Vec<(Format, XlsxFormat)>,
    codes: HashMap<String, XlsxFormat>,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            bold: XlsxFormat::new().set_bold(),
            numbers: Vec::new(),
            codes: HashMap::new(),
        }
    }

    /// The cell format of a row format; `None` for General.
    fn number(&mut self, format: Format) -> Option<XlsxFormat> {
        if let Some((_, known)) = self.numbers.iter().find(|(f, _)| *f == format) {
            return Some(known.clone());
        }
        let made = XlsxFormat::new().set_num_format(number_format(format)?);
        self.numbers.push((format, made.clone()));
        Some(made)
    }

    /// The cell format of an Excel number format code.
    fn code(&mut self, code: &str) -> XlsxFormat {
        self.codes
            .entry(code.to_string())
            .or_insert_with(|| XlsxFormat::new().set_num_format(code))
            .clone()
    }
}

/// The Excel number format code for a row format; `None` for General.
pub fn number_format(format: Format) -> Option<String> {
    let decimals = |n: u8| {
        if n == 0 {
            String::new()
        } else {
            format!(".{}", "0".repeat(usize::from(n)))
        }
    };
    match format {
        Format::General => None,
        Format::Integer => Some("#,##0".into()),
        Format::Decimal(n) | Format::Money(n) => Some(format!("#,##0{}", decimals(n))),
        Format::Percent(n) => Some(format!("0{}%", decimals(n))),
        Format::Multiple(n) => Some(format!("0{}\"x\"", decimals(n))),
    }
}

fn to_xlsx_bytes(workbook: &Workbook, options: &ExportOptions) -> Result<Vec<u8>, BuildError> {
    build_book(workbook, options, Vec::new())
}

/// The export with `first` worksheets placed before the model's sheets
/// (used by the investor export).
pub(super) fn build_book(
    workbook: &Workbook,
    options: &ExportOptions,
    first: Vec<Worksheet>,
) -> Result<Vec<u8>, BuildError> {
    let names = Names::new(workbook);
    let mut book = XlsxWorkbook::new();
    for ws in first {
        book.push_worksheet(ws);
    }
    let mut styles = Styles::new();
    let labels = workbook.period_labels();
    for (index, sheet) in workbook.document().sheets.iter().enumerate() {
        let sheet_index = index as u32;
        let mut ws = Worksheet::new();
        ws.set_name(&sheet.name)
            .map_err(|e| BuildError::SheetName {
                sheet: sheet.name.clone(),
                message: e.to_string(),
            })?;
        if sheet.layout == Layout::Grid {
            write_grid_sheet(
                &mut ws,
                workbook,
                &names,
                &mut styles,
                options,
                sheet_index,
                sheet,
            )?;
            book.push_worksheet(ws);
            continue;
        }
        ws.set_column_width(LABEL_COL as u16, 40)?;
        ws.set_column_width(UNIT_COL as u16, 10)?;
        ws.write_string_with_format(0, LABEL_COL as u16, "Metric", &styles.bold)?;
        ws.write_string_with_format(0, UNIT_COL as u16, "Unit", &styles.bold)?;
        for (period, label) in labels.iter().enumerate() {
            let col = (FIRST_PERIOD_COL as usize + period) as u16;
            ws.set_column_width(col, 12)?;
            ws.write_string_with_format(0, col, label, &styles.bold)?;
        }
        ws.set_freeze_panes(HEADER_ROWS, FIRST_PERIOD_COL as u16)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            write_row(
                &mut ws,
                workbook,
                &names,
                &mut styles,
                options,
                sheet_index,
                r as u32,
                row,
            )?;
        }
        book.push_worksheet(ws);
    }
    for defined in &workbook.document().names {
        let target = defined_name_target(workbook, &names, &defined.refers_to);
        // A name Excel refuses (it has its own rules) is left out rather
        // than failing the export; formulas using it then show #NAME?.
        let name = if defined.sheet.is_empty() {
            defined.name.clone()
        } else {
            // rust_xlsxwriter scopes `Sheet!name` to that sheet.
            format!("{}{}", formula::sheet_prefix(&defined.sheet), defined.name)
        };
        let _ = book.define_name(name.as_str(), &format!("={target}"));
    }
    Ok(book.save_to_buffer()?)
}

/// A defined name's target as Excel text: references into a metric sheet
/// move down for its header row.
fn defined_name_target(workbook: &Workbook, names: &Names, refers_to: &str) -> String {
    let Ok(expr) = formula::parse(refers_to) else {
        return refers_to.to_string();
    };
    let context = Context {
        workbook,
        names,
        sheet: 0,
        period: 0,
        anchor_col: 0,
        grid_col: Some(0),
        let_names: Default::default(),
    };
    formula::print(&context.translate(&expr, Position::RangeParam))
}

/// Writes a grid sheet cell for cell at the same addresses.
fn write_grid_sheet(
    ws: &mut Worksheet,
    workbook: &Workbook,
    names: &Names,
    styles: &mut Styles,
    options: &ExportOptions,
    sheet: u32,
    info: &SheetFile,
) -> Result<(), BuildError> {
    let kept: HashMap<&str, &str> = info
        .excel_formats
        .iter()
        .map(|(cell, code)| (cell.as_str(), code.as_str()))
        .collect();
    for (r, row) in info.rows.iter().enumerate() {
        let r = r as u32;
        if r > MAX_ROW {
            break;
        }
        for (c, input) in row.values.iter().enumerate() {
            let c = c as u32;
            if c > MAX_COL {
                break;
            }
            let address = format!("{}{}", column_letters(c), r + 1);
            let format = match kept.get(address.as_str()) {
                Some(code) => Some(styles.code(code)),
                None => styles.number(row.format),
            };
            let col = c as u16;
            match input {
                CellInput::Empty => {}
                CellInput::Number(n) => {
                    match &format {
                        Some(f) => ws.write_number_with_format(r, col, *n, f)?,
                        None => ws.write_number(r, col, *n)?,
                    };
                }
                CellInput::Text(t) => {
                    ws.write_string(r, col, t)?;
                }
                CellInput::Bool(b) => {
                    ws.write_boolean(r, col, *b)?;
                }
                CellInput::Formula(text) => {
                    let excel = grid_formula(workbook, names, sheet, c, text);
                    let cached = options
                        .cached_results
                        .then(|| cached_result(workbook.cell_value(sheet, r, c)));
                    write_formula(ws, r, col, excel, cached, format.as_ref())?;
                }
            }
        }
    }
    Ok(())
}

/// The Excel text (without `=`) of a formula in column `col` of grid sheet
/// `sheet`: as stored when it uses no metric names and no metric sheet
/// (so imported formulas come back identical, functions Lever does not know
/// included), translated otherwise. Text
/// Lever cannot read can only come from an imported workbook (edits refuse
/// it), so it goes back as Excel wrote it.
fn grid_formula(workbook: &Workbook, names: &Names, sheet: u32, col: u32, text: &str) -> String {
    let stored = {
        let text = text.trim();
        text.strip_prefix('=').unwrap_or(text).to_string()
    };
    let Ok(expr) = formula::parse(text) else {
        return stored;
    };
    let as_stored = formula::references(&expr).iter().all(|r| match r {
        Reference::Metric {
            sheet: None, name, ..
        } => names.defined.contains(&name.to_lowercase()),
        Reference::Metric { .. } | Reference::Invalid => false,
        Reference::Cell { sheet: s, .. }
        | Reference::Range { sheet: s, .. }
        | Reference::Lines { sheet: s, .. } => {
            names.layout_of(s.as_deref(), sheet) == Some(Layout::Grid)
        }
    });
    if as_stored {
        return stored;
    }
    let context = Context {
        workbook,
        names,
        sheet,
        period: col.saturating_sub(FIRST_PERIOD_COL),
        anchor_col: col,
        grid_col: Some(col),
        let_names: Default::default(),
    };
    formula::print(&context.translate(&expr, Position::Scalar))
}

#[allow(clippy::too_many_arguments)]
fn write_row(
    ws: &mut Worksheet,
    workbook: &Workbook,
    names: &Names,
    styles: &mut Styles,
    options: &ExportOptions,
    sheet: u32,
    row: u32,
    info: &RowFile,
) -> Result<(), BuildError> {
    let xrow = row + HEADER_ROWS;
    if !info.section.is_empty() {
        ws.write_string_with_format(xrow, LABEL_COL as u16, &info.section, &styles.bold)?;
        return Ok(());
    }
    if !info.label.is_empty() {
        ws.write_string(xrow, LABEL_COL as u16, &info.label)?;
    }
    if !info.unit.is_empty() {
        ws.write_string(xrow, UNIT_COL as u16, &info.unit)?;
    }
    let row_formula = (!info.formula.is_empty()).then(|| formula::parse(&info.formula).ok());
    let format = styles.number(info.format);
    for period in 0..workbook.periods() {
        let col = (FIRST_PERIOD_COL + period) as u16;
        let (parsed, anchor_col) = match workbook.effective_input(sheet, row, period) {
            CellInput::Empty => match &row_formula {
                Some(parsed) => (parsed.clone(), FIRST_PERIOD_COL),
                None => continue,
            },
            CellInput::Number(n) => {
                match &format {
                    Some(f) => ws.write_number_with_format(xrow, col, *n, f)?,
                    None => ws.write_number(xrow, col, *n)?,
                };
                continue;
            }
            CellInput::Text(t) => {
                ws.write_string(xrow, col, t)?;
                continue;
            }
            CellInput::Bool(b) => {
                ws.write_boolean(xrow, col, *b)?;
                continue;
            }
            CellInput::Formula(text) => (formula::parse(text).ok(), u32::from(col)),
        };
        let text = match parsed {
            Some(expr) => {
                let context = Context {
                    workbook,
                    names,
                    sheet,
                    period,
                    anchor_col,
                    grid_col: None,
                    let_names: Default::default(),
                };
                formula::print(&context.translate(&expr, Position::Scalar))
            }
            // Lever shows a formula it cannot read as `#NAME?`.
            None => ErrorKind::Name.as_str().to_string(),
        };
        let cached = options
            .cached_results
            .then(|| cached_result(workbook.value(sheet, row, period)));
        write_formula(ws, xrow, col, text, cached, format.as_ref())?;
    }
    Ok(())
}

/// Writes formula `text` (without `=`) at (`row`, `col`), with the value
/// Excel shows before recalculating (`cached`) and a number format if given.
pub(super) fn write_formula(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: String,
    cached: Option<String>,
    format: Option<&XlsxFormat>,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut cell = Formula::new(text);
    if let Some(result) = cached {
        cell = cell.set_result(result);
    }
    match format {
        Some(f) => ws.write_formula_with_format(row, col, cell, f)?,
        None => ws.write_formula(row, col, cell)?,
    };
    Ok(())
}

/// A computed value as a formula's cached result.
pub(super) fn cached_result(value: &Value) -> String {
    match value {
        // A formula reading an empty cell shows 0 in Excel.
        Value::Empty => "0".into(),
        Value::Number(n) => format!("{n}"),
        Value::Text(t) => t.to_string(),
        Value::Bool(true) => "TRUE".into(),
        Value::Bool(false) => "FALSE".into(),
        Value::Error(e) => excel_error(e.kind).as_str().into(),
    }
}

/// Excel has no `#CIRC!`; a cycle is reported by Excel itself, and the
/// cached value or literal becomes `#N/A`.
fn excel_error(kind: ErrorKind) -> ErrorKind {
    match kind {
        ErrorKind::Circular => ErrorKind::NA,
        other => other,
    }
}

/// Metric names of every sheet, for lookups while translating.
struct Names {
    sheets: HashMap<String, u32>,
    metrics: HashMap<(u32, String), u32>,
    /// Each sheet's layout and grid width.
    layouts: Vec<(Layout, u32)>,
    /// Defined names, lower-cased.
    defined: std::collections::HashSet<String>,
}

impl Names {
    fn new(workbook: &Workbook) -> Names {
        let mut sheets = HashMap::new();
        let mut metrics = HashMap::new();
        for (s, sheet) in workbook.document().sheets.iter().enumerate() {
            let s = s as u32;
            sheets.entry(sheet.name.to_lowercase()).or_insert(s);
            for row in 0..sheet.rows.len() as u32 {
                let name = workbook.metric_name(s, row);
                if !name.is_empty() {
                    metrics.entry((s, name.to_lowercase())).or_insert(row);
                }
            }
        }
        let layouts = workbook
            .document()
            .sheets
            .iter()
            .enumerate()
            .map(|(s, sheet)| (sheet.layout, workbook.grid_size(s as u32).1))
            .collect();
        let defined = workbook
            .document()
            .names
            .iter()
            .map(|n| n.name.to_lowercase())
            .collect();
        Names {
            sheets,
            metrics,
            layouts,
            defined,
        }
    }

    /// The layout of the sheet a reference names (`None`: the formula's own).
    fn layout_of(&self, name: Option<&str>, own: u32) -> Option<Layout> {
        let index = match name {
            None => own,
            Some(name) => *self.sheets.get(&name.to_lowercase())?,
        };
        self.layouts.get(index as usize).map(|(l, _)| *l)
    }

    /// Rows added above a sheet's grid in the export: the header of a
    /// metric sheet; none for a grid sheet.
    fn header_rows(&self, sheet: u32) -> u32 {
        match self.layouts.get(sheet as usize) {
            Some((Layout::Grid, _)) => 0,
            _ => HEADER_ROWS,
        }
    }
}

/// A `LET` name as Excel writes it, `_xlpm.name`.
fn let_name_expr(name: &str) -> Expr {
    Expr::Reference(Reference::Metric {
        sheet: None,
        name: format!("_xlpm.{}", name.strip_prefix("_xlpm.").unwrap_or(name)),
        offset: 0,
        explicit_offset: false,
    })
}

/// One period cell's formula being translated.
struct Context<'a> {
    workbook: &'a Workbook,
    names: &'a Names,
    sheet: u32,
    period: u32,
    /// The column relative A1 columns are written from: the first period for
    /// a row formula, the cell's own column for a cell formula.
    anchor_col: u32,
    /// For a formula on a grid sheet, its column (relative columns stay as
    /// written; metric names are read at this column).
    grid_col: Option<u32>,
    /// The names bound by the `LET`s being translated (written `_xlpm.name`,
    /// as Excel stores them).
    let_names: std::cell::RefCell<Vec<String>>,
}

/// Translates Lever formula `text` (with or without `=`) as it is computed in
/// `period` of a row on `sheet` into Excel formula text (without `=`) for the
/// exported layout. `row_formula` says whether the text is the row's formula
/// (relative A1 columns written from the first period) or the cell's own.
/// Text that does not parse gives `#NAME?`, as Lever computes it.
pub fn excel_formula(
    workbook: &Workbook,
    sheet: u32,
    period: u32,
    row_formula: bool,
    text: &str,
) -> String {
    let Ok(expr) = formula::parse(text) else {
        return ErrorKind::Name.as_str().to_string();
    };
    let names = Names::new(workbook);
    let context = Context {
        workbook,
        names: &names,
        sheet,
        period,
        anchor_col: if row_formula {
            FIRST_PERIOD_COL
        } else {
            FIRST_PERIOD_COL + period
        },
        grid_col: None,
        let_names: Default::default(),
    };
    formula::print(&context.translate(&expr, Position::Scalar))
}

impl Context<'_> {
    fn translate(&self, expr: &Expr, position: Position) -> Expr {
        let operand = position.operand();
        match expr {
            Expr::Number(_) | Expr::Text(_) | Expr::Bool(_) | Expr::Missing => expr.clone(),
            Expr::Error(kind) => Expr::Error(excel_error(*kind)),
            Expr::RangeOp(left, right) => Expr::RangeOp(
                Box::new(self.translate(left, Position::RangeParam)),
                Box::new(self.translate(right, Position::RangeParam)),
            ),
            Expr::Array(rows) => Expr::Array(
                rows.iter()
                    .map(|row| row.iter().map(|v| self.translate(v, position)).collect())
                    .collect(),
            ),
            Expr::Group(inner) => Expr::Group(Box::new(self.translate(inner, position))),
            Expr::Unary(op, inner) => Expr::Unary(*op, Box::new(self.translate(inner, operand))),
            Expr::Percent(inner) => Expr::Percent(Box::new(self.translate(inner, operand))),
            Expr::Binary(op, lhs, rhs) => Expr::Binary(
                *op,
                Box::new(self.translate(lhs, operand)),
                Box::new(self.translate(rhs, operand)),
            ),
            Expr::Call { name, args } => self.call(name, args, position),
            Expr::Reference(reference) => self.reference(reference, position),
        }
    }

    fn call(&self, name: &str, args: &[Expr], position: Position) -> Expr {
        if name.eq_ignore_ascii_case("LET") && args.len() >= 3 && args.len() % 2 == 1 {
            return self.let_(args, position);
        }
        let Some(function) = functions::lookup(name) else {
            // Unknown in Lever (#NAME?); Excel says the same of an unknown name.
            return Expr::Error(ErrorKind::Name);
        };
        if args.len() < function.min_args || args.len() > function.max_args {
            // Lever computes #VALUE!; Excel would refuse the formula.
            return Expr::Error(ErrorKind::Value);
        }
        let args = args
            .iter()
            .enumerate()
            .map(|(index, arg)| self.translate(arg, position.argument(function, index)))
            .collect();
        Expr::Call {
            name: function.name.to_string(),
            args,
        }
    }

    /// `LET` as Excel stores it: `_xlfn.LET(_xlpm.x, …)` (the prefix is the
    /// writer's), its names written `_xlpm.x` wherever they are used; the
    /// values are translated where the LET stands, as Lever compiles them.
    fn let_(&self, args: &[Expr], position: Position) -> Expr {
        let outer = self.let_names.borrow().len();
        let mut out = Vec::with_capacity(args.len());
        for pair in args[..args.len() - 1].chunks(2) {
            let [name, value] = pair else { continue };
            let Some(name) = (match name {
                Expr::Reference(reference) => reference.plain_name(),
                _ => None,
            }) else {
                self.let_names.borrow_mut().truncate(outer);
                return Expr::Error(ErrorKind::Value);
            };
            // A value sees only the names bound before it.
            out.push(let_name_expr(name));
            out.push(self.translate(value, position));
            self.let_names.borrow_mut().push(name.to_lowercase());
        }
        out.push(self.translate(&args[args.len() - 1], position));
        self.let_names.borrow_mut().truncate(outer);
        // Written plain: the writer adds `_xlfn.` to LET and to the newer
        // functions inside it, as Excel stores them.
        Expr::Call {
            name: "LET".into(),
            args: out,
        }
    }

    fn reference(&self, reference: &Reference, position: Position) -> Expr {
        if let Some(name) = reference.plain_name()
            && self.let_names.borrow().contains(&name.to_lowercase())
        {
            return let_name_expr(name);
        }
        match reference {
            Reference::Invalid => Expr::Error(ErrorKind::Ref),
            Reference::Cell { sheet, cell } => {
                let Some(target) = self.target_sheet(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                let Some(sheet) = self.sheet_prefix(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                match self.cell(*cell, target) {
                    Some(cell) => Expr::Reference(Reference::Cell { sheet, cell }),
                    None => Expr::Error(ErrorKind::Ref),
                }
            }
            Reference::Range { sheet, start, end } => {
                let Some(target) = self.target_sheet(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                let Some(sheet) = self.sheet_prefix(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                match (self.cell(*start, target), self.cell(*end, target)) {
                    (Some(start), Some(end)) => {
                        Expr::Reference(Reference::Range { sheet, start, end })
                    }
                    _ => Expr::Error(ErrorKind::Ref),
                }
            }
            Reference::Lines {
                sheet,
                axis,
                start,
                end,
            } => {
                let Some(target) = self.target_sheet(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                let Some(sheet) = self.sheet_prefix(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                // Each end moves as a cell in its line would: rows by the
                // header row, relative columns by the period.
                let moved = |line: &LineRef| -> Option<LineRef> {
                    let as_cell = match axis {
                        Axis::Columns => CellRef {
                            row: 0,
                            col: line.index,
                            row_abs: true,
                            col_abs: line.abs,
                        },
                        Axis::Rows => CellRef {
                            row: line.index,
                            col: 0,
                            row_abs: line.abs,
                            col_abs: true,
                        },
                    };
                    let cell = self.cell(as_cell, target)?;
                    let index = match axis {
                        Axis::Columns => cell.col,
                        Axis::Rows => cell.row,
                    };
                    Some(LineRef { index, ..*line })
                };
                match (moved(start), moved(end)) {
                    (Some(start), Some(end)) => Expr::Reference(Reference::Lines {
                        sheet,
                        axis: *axis,
                        start,
                        end,
                    }),
                    _ => Expr::Error(ErrorKind::Ref),
                }
            }
            Reference::Metric {
                sheet,
                name,
                offset,
                explicit_offset,
            } => {
                if sheet.is_none()
                    && *offset == 0
                    && !explicit_offset
                    && self.names.defined.contains(&name.to_lowercase())
                {
                    // A defined name is written as the same Excel name.
                    return Expr::Reference(reference.clone());
                }
                let Some(prefix) = self.sheet_prefix(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                let Some(target) = self.target_sheet(sheet.as_deref()) else {
                    return Expr::Error(ErrorKind::Ref);
                };
                let Some(&row) = self.names.metrics.get(&(target, name.to_lowercase())) else {
                    return Expr::Error(ErrorKind::Name);
                };
                if let Some((Layout::Grid, width)) = self.names.layouts.get(target as usize) {
                    return self.grid_metric(
                        prefix,
                        row,
                        *width,
                        *offset,
                        *explicit_offset,
                        position,
                    );
                }
                let xrow = row + HEADER_ROWS;
                let periods = self.workbook.periods();
                if !explicit_offset && position != Position::Scalar {
                    let end_col = FIRST_PERIOD_COL + periods.saturating_sub(1);
                    let absolute = |col| CellRef {
                        row: xrow,
                        col,
                        row_abs: true,
                        col_abs: true,
                    };
                    return Expr::Reference(Reference::Range {
                        sheet: prefix,
                        start: absolute(FIRST_PERIOD_COL),
                        end: absolute(end_col),
                    });
                }
                let own_period = match self.grid_col {
                    // A grid formula reads a metric sheet at its own column.
                    Some(col) => i64::from(col) - i64::from(FIRST_PERIOD_COL),
                    None => i64::from(self.period),
                };
                let target_period = own_period + i64::from(*offset);
                if target_period < 0 || target_period >= i64::from(periods) {
                    // Lever reads an empty cell outside the timeline.
                    return Expr::Number(0.0);
                }
                Expr::Reference(Reference::Cell {
                    sheet: prefix,
                    cell: CellRef {
                        row: xrow,
                        col: FIRST_PERIOD_COL + target_period as u32,
                        row_abs: false,
                        col_abs: false,
                    },
                })
            }
        }
    }

    /// A metric of a grid sheet: its row at the formula's column (plus the
    /// offset), or the row's used columns where a range is expected.
    fn grid_metric(
        &self,
        prefix: Option<String>,
        row: u32,
        width: u32,
        offset: i32,
        explicit_offset: bool,
        position: Position,
    ) -> Expr {
        if !explicit_offset && position != Position::Scalar {
            let absolute = |col| CellRef {
                row,
                col,
                row_abs: true,
                col_abs: true,
            };
            return Expr::Reference(Reference::Range {
                sheet: prefix,
                start: absolute(0),
                end: absolute(width.saturating_sub(1)),
            });
        }
        let own = match self.grid_col {
            Some(col) => i64::from(col),
            None => i64::from(FIRST_PERIOD_COL + self.period),
        };
        let col = own + i64::from(offset);
        if col < 0 || col >= i64::from(width) {
            return Expr::Number(0.0);
        }
        Expr::Reference(Reference::Cell {
            sheet: prefix,
            cell: CellRef {
                row,
                col: col as u32,
                row_abs: false,
                col_abs: false,
            },
        })
    }

    /// The index of the sheet a reference names (`None`: the formula's own).
    fn target_sheet(&self, sheet: Option<&str>) -> Option<u32> {
        match sheet {
            None => Some(self.sheet),
            Some(name) => self.names.sheets.get(&name.to_lowercase()).copied(),
        }
    }

    /// The sheet prefix to print: `None` stays `None`; a named sheet is
    /// spelled as in the model. `None` (outer) if the sheet does not exist.
    fn sheet_prefix(&self, sheet: Option<&str>) -> Option<Option<String>> {
        match sheet {
            None => Some(None),
            Some(name) => {
                let index = *self.names.sheets.get(&name.to_lowercase())?;
                let sheet = self.workbook.document().sheets.get(index as usize)?;
                Some(Some(sheet.name.clone()))
            }
        }
    }

    /// An A1 cell of the formula as written in the exported cell: one row
    /// down for the header of a metric sheet `target`, and (in a metric
    /// sheet's formula) a relative column moved to the period being
    /// computed. `None` if it falls off the sheet.
    fn cell(&self, cell: CellRef, target: u32) -> Option<CellRef> {
        let row = cell
            .row
            .checked_add(self.names.header_rows(target))
            .filter(|&r| r <= MAX_ROW)?;
        let col = if cell.col_abs || self.grid_col.is_some() {
            cell.col
        } else {
            let shifted = i64::from(cell.col) + i64::from(FIRST_PERIOD_COL + self.period)
                - i64::from(self.anchor_col);
            u32::try_from(shifted).ok().filter(|&c| c <= MAX_COL)?
        };
        Some(CellRef { row, col, ..cell })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 3, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (section: "Units"),
                (label: "Price", unit: "RUB", format: Money(0), formula: "=price[-1]", values: [100]),
                (label: "Paid", formula: "=paid[-1] + 1", values: [10]),
                (label: "Revenue", formula: "=price * paid"),
                (label: "Customers", formula: "=customers[-1] + new"),
                (label: "New", values: [1, 2, 3]),
                (label: "Cash", formula: "=SUM(revenue) / 12"),
                (label: "A", values: [1, -1, 2]),
                (label: "B", values: [5, 6, 7]),
                (label: "C", formula: "=IF(a > 0, b[-1], 0)"),
                (label: "D", formula: "=MAX(cash[0], 0) + B2 + $C$3 + SUM(C2:D3)"),
                (label: "E", formula: "=Inputs!rate * 'Unit economics'!x + SUMPRODUCT(a * b)"),
            ],
        ),
        (name: "Inputs", rows: [(label: "Rate", values: [0.5, 0.6, 0.7])]),
        (name: "Unit economics", rows: [(label: "X", formula: "=Inputs!rate * 2 + SUM(Inputs!rate)")]),
    ],
)"#;

    fn book() -> Workbook {
        match Workbook::parse(MODEL, "test") {
            Ok(book) => book,
            Err(e) => panic!("test model: {e}"),
        }
    }

    fn row_formula(book: &Workbook, sheet: u32, name: &str, period: u32) -> String {
        let (s, row) = book.find_metric(name).unwrap_or((sheet, 0));
        let text = book.rows(s)[row as usize].formula.clone();
        excel_formula(book, s, period, true, &text)
    }

    #[test]
    fn this_period_names_become_the_same_column() {
        let book = book();
        assert_eq!(row_formula(&book, 0, "revenue", 0), "C3 * C4");
        assert_eq!(row_formula(&book, 0, "revenue", 2), "E3 * E4");
    }

    #[test]
    fn previous_period_is_the_column_before_or_zero() {
        let book = book();
        assert_eq!(row_formula(&book, 0, "customers", 0), "0 + C7");
        assert_eq!(row_formula(&book, 0, "customers", 1), "C6 + D7");
        assert_eq!(row_formula(&book, 0, "c", 1), "IF(D9 > 0, C10, 0)");
        assert_eq!(row_formula(&book, 0, "c", 0), "IF(C9 > 0, 0, 0)");
    }

    #[test]
    fn bare_names_in_range_parameters_are_the_whole_row() {
        let book = book();
        assert_eq!(row_formula(&book, 0, "cash", 1), "SUM($C$5:$E$5) / 12");
        assert_eq!(
            row_formula(&book, 0, "e", 0),
            "Inputs!C2 * 'Unit economics'!C2 + SUMPRODUCT($C$9:$E$9 * $C$10:$E$10)"
        );
    }

    #[test]
    fn a1_references_move_down_for_the_header_and_follow_the_period() {
        let book = book();
        assert_eq!(
            row_formula(&book, 0, "d", 0),
            "MAX(C8, 0) + B3 + $C$4 + SUM(C3:D4)"
        );
        assert_eq!(
            row_formula(&book, 0, "d", 2),
            "MAX(E8, 0) + D3 + $C$4 + SUM(E3:F4)"
        );
        // A cell's own formula is written from its own column.
        assert_eq!(excel_formula(&book, 0, 2, false, "=B2 + A1"), "B3 + A2");
        // Off the bottom edge: #REF!.
        assert_eq!(excel_formula(&book, 0, 0, true, "=A1048576"), "#REF!");
    }

    #[test]
    fn cross_sheet_names_and_errors() {
        let book = book();
        assert_eq!(
            excel_formula(&book, 2, 1, true, "=Inputs!rate * 2 + SUM(Inputs!rate)"),
            "Inputs!D2 * 2 + SUM(Inputs!$C$2:$E$2)"
        );
        assert_eq!(excel_formula(&book, 0, 0, true, "=nope + 1"), "#NAME? + 1");
        assert_eq!(excel_formula(&book, 0, 0, true, "=Nowhere!A1"), "#REF!");
        assert_eq!(excel_formula(&book, 0, 0, true, "=ROUND(1)"), "#VALUE!");
        assert_eq!(excel_formula(&book, 0, 0, true, "=1 +"), "#NAME?");
    }

    #[test]
    fn number_formats() {
        assert_eq!(number_format(Format::General), None);
        assert_eq!(number_format(Format::Integer).as_deref(), Some("#,##0"));
        assert_eq!(
            number_format(Format::Decimal(2)).as_deref(),
            Some("#,##0.00")
        );
        assert_eq!(number_format(Format::Money(0)).as_deref(), Some("#,##0"));
        assert_eq!(number_format(Format::Percent(1)).as_deref(), Some("0.0%"));
        assert_eq!(number_format(Format::Percent(0)).as_deref(), Some("0%"));
        assert_eq!(
            number_format(Format::Multiple(1)).as_deref(),
            Some("0.0\"x\"")
        );
    }

    #[test]
    fn cached_results_use_excel_spellings() {
        assert_eq!(cached_result(&Value::Number(0.25)), "0.25");
        assert_eq!(cached_result(&Value::Empty), "0");
        assert_eq!(cached_result(&Value::Bool(true)), "TRUE");
        assert_eq!(cached_result(&Value::error(ErrorKind::Div0)), "#DIV/0!");
        assert_eq!(cached_result(&Value::error(ErrorKind::Circular)), "#N/A");
    }
}
