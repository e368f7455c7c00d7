//! Reading an Excel workbook (`.xlsx`) into a Lever model.
//!
//! Every worksheet becomes a grid sheet ([`Layout::Grid`]) with its values
//! and formulas at the same addresses, so references, ranges and cross-sheet
//! references keep working as written. Shared formulas arrive expanded for
//! every cell (calamine rewrites the anchor's relative references by the
//! cell's offset). Workbook-level defined names that refer to a cell, a
//! range or a constant are kept as names ([`crate::model::DefinedName`]).
//! The first text cell of a row becomes the row's metric name when that
//! label gives a usable name that is unique on the sheet. Number formats map
//! to Lever's [`Format`] where they can; other codes are kept per cell in
//! [`crate::model::document::SheetFile::excel_formats`].
//!
//! What Lever cannot represent (macros, pivot tables, charts, drawings,
//! array formulas, data validation, conditional formats, external links,
//! unknown functions, unmapped number formats, unusable defined names) is
//! listed in the [`ImportReport`]; nothing is dropped silently.
//!
//! Safety: the file is checked before calamine reads it. An encrypted
//! (password-protected) workbook is an OLE compound file, not a zip, and is
//! refused with a clear message; so is anything that is not a zip archive.
//! Every zip entry is decompressed once with a budget ([`MAX_UNPACKED_BYTES`]
//! in all, [`MAX_ENTRIES`] entries), so a zip bomb stops with an error
//! instead of filling memory. Cells are streamed, and a sheet whose used area
//! is larger than [`MAX_GRID_CELLS`] is refused before anything that size is
//! allocated. External links are listed, never opened; macros are never run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxFormulaMetadata};

use crate::engine::functions;
use crate::formula::{self, Expr, Reference};
use crate::model::document::{
    CellInput, DefinedName, FORMAT_VERSION, Format, Layout, RowFile, SheetFile, Step, Timeline,
    WorkbookFile,
};
use crate::model::interop::cross_check::{self, CachedCell, CachedValue, CrossCheck};
use crate::model::io::FileError;
use crate::model::{column_letters, names};

/// The most bytes all entries of a workbook may decompress to (1 GiB).
pub const MAX_UNPACKED_BYTES: u64 = 1 << 30;
/// The most entries a workbook's zip archive may have.
pub const MAX_ENTRIES: usize = 20_000;
/// The largest workbook file read (512 MiB).
pub const MAX_FILE_BYTES: u64 = 512 << 20;
/// The most grid cells (used rows × used columns, over all sheets) an
/// imported workbook may have: Lever keeps every cell of a sheet's used
/// area in memory.
pub const MAX_GRID_CELLS: u64 = 20_000_000;

/// What an import brought across and what it could not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// The file imported.
    pub file: String,
    /// One summary per imported sheet, in tab order.
    pub sheets: Vec<SheetSummary>,
    /// Number of defined names imported.
    pub defined_names: usize,
    /// Everything that is not represented in the model.
    pub not_imported: Vec<NotImported>,
    /// The values Excel saved with the formula cells, for the cross-check
    /// ([`crate::model::Workbook::open_any`] uses them up).
    pub cached: Vec<CachedCell>,
    /// How the computed formula cells compare with Excel's saved values,
    /// once the workbook has been computed.
    pub cross_check: Option<CrossCheck>,
}

/// Counts for one imported sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetSummary {
    /// The sheet's name.
    pub name: String,
    /// Non-empty cells (values and formulas).
    pub cells: usize,
    /// Cells holding a formula.
    pub formulas: usize,
    /// Rows that got a metric name from their label.
    pub metric_names: usize,
}

/// Kinds of workbook content that Lever does not represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unsupported {
    /// VBA macros (`vbaProject.bin`): ignored, never run.
    Macros,
    /// Pivot tables: their cells keep the values Excel last computed.
    PivotTables,
    /// Charts and chart sheets.
    Charts,
    /// Pictures, shapes and other drawings.
    Drawings,
    /// Links to other workbooks: never followed.
    ExternalLinks,
    /// Array formulas: only the first cell of each keeps the formula.
    ArrayFormulas,
    /// Data validation rules.
    DataValidation,
    /// Conditional formats.
    ConditionalFormats,
    /// Functions Lever does not have: the cells compute `#NAME?`.
    UnknownFunctions,
    /// Formulas Lever cannot read: kept as written, they compute `#NAME?`.
    UnreadableFormulas,
    /// Cells of a shared formula whose anchor cell (the one holding the
    /// formula's text) is missing: they keep Excel's value.
    SharedFormulas,
    /// Number formats with no Lever equivalent: kept per cell as text.
    NumberFormats,
    /// Defined names Lever cannot use (formulas, built-in print areas,
    /// invalid targets).
    DefinedNames,
    /// Sheets that are not worksheets (dialog and macro sheets).
    OtherSheets,
}

impl Unsupported {
    /// A short description for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Unsupported::Macros => "macros (ignored, never run)",
            Unsupported::PivotTables => "pivot tables (their cells keep Excel's last values)",
            Unsupported::Charts => "charts",
            Unsupported::Drawings => "drawings and pictures",
            Unsupported::ExternalLinks => "links to other workbooks (not followed)",
            Unsupported::ArrayFormulas => {
                "array formulas (imported as ordinary formulas in their first cell; the other cells keep Excel's values)"
            }
            Unsupported::DataValidation => "data validation rules",
            Unsupported::ConditionalFormats => "conditional formats",
            Unsupported::UnknownFunctions => {
                "functions Lever does not have (the cells show #NAME?)"
            }
            Unsupported::UnreadableFormulas => {
                "formulas Lever cannot read (kept as written; the cells show #NAME?)"
            }
            Unsupported::SharedFormulas => {
                "shared formulas without the cell that holds their text (the cells keep Excel's values)"
            }
            Unsupported::NumberFormats => {
                "number formats without a Lever equivalent (kept as text, shown as General)"
            }
            Unsupported::DefinedNames => "defined names Lever cannot use",
            Unsupported::OtherSheets => "sheets that are not worksheets",
        }
    }
}

/// One item of the workbook that is not represented in the model.
#[derive(Debug, Clone, PartialEq)]
pub struct NotImported {
    /// What kind of content.
    pub kind: Unsupported,
    /// Which: part names, sheet names, cells, codes, counts.
    pub detail: String,
}

impl ImportReport {
    /// True if everything in the workbook was represented.
    pub fn is_complete(&self) -> bool {
        self.not_imported.is_empty()
    }

    /// The items of one kind.
    pub fn items(&self, kind: Unsupported) -> impl Iterator<Item = &NotImported> {
        self.not_imported.iter().filter(move |i| i.kind == kind)
    }

    fn add(&mut self, kind: Unsupported, detail: impl Into<String>) {
        self.not_imported.push(NotImported {
            kind,
            detail: detail.into(),
        });
    }
}

impl fmt::Display for ImportReport {
    /// The report as shown by `lever convert` (and in the editor's dialog).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("{n} {one}")
            } else {
                format!("{n} {many}")
            }
        };
        writeln!(
            f,
            "{}: imported {}, {}",
            self.file,
            plural(self.sheets.len(), "sheet", "sheets"),
            plural(self.defined_names, "defined name", "defined names")
        )?;
        for sheet in &self.sheets {
            writeln!(
                f,
                "  {}: {}, {}, {}",
                sheet.name,
                plural(sheet.cells, "cell", "cells"),
                plural(sheet.formulas, "formula", "formulas"),
                plural(sheet.metric_names, "metric name", "metric names")
            )?;
        }
        if let Some(check) = &self.cross_check {
            write!(f, "{check}")?;
        }
        if self.not_imported.is_empty() {
            return writeln!(f, "everything was imported");
        }
        writeln!(f, "not imported:")?;
        let mut kinds: Vec<Unsupported> = self.not_imported.iter().map(|i| i.kind).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            writeln!(f, "  {}:", kind.describe())?;
            for item in self.items(kind) {
                writeln!(f, "    {}", item.detail)?;
            }
        }
        Ok(())
    }
}

/// What the importer is doing, for a progress display.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Checking the archive (decompressing every entry once).
    Checking,
    /// Reading sheet `index` (1-based) of `count`.
    Sheet {
        /// The sheet's name.
        name: String,
        /// 1-based position.
        index: usize,
        /// Number of sheets.
        count: usize,
    },
}

/// True if `path` names an Excel workbook by its extension (`.xlsx`, `.xlsm`).
pub fn is_xlsx_path(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| e == "xlsx" || e == "xlsm")
}

/// Reads the Excel workbook at `path` into a model document, with the
/// report of what could not be represented.
pub fn import_xlsx(path: &Path) -> Result<(WorkbookFile, ImportReport), FileError> {
    import_xlsx_with_progress(path, &mut |_| {})
}

/// [`import_xlsx`], calling `progress` as it goes.
pub fn import_xlsx_with_progress(
    path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<(WorkbookFile, ImportReport), FileError> {
    let origin = path.display().to_string();
    let io_error = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(invalid(
            &origin,
            format!(
                "the workbook is {} MB; Lever opens workbooks of up to {} MB",
                size >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    import_bytes(bytes, &origin, progress)
}

/// Imports workbook bytes; `origin` names them in messages and the report.
pub fn import_bytes(
    bytes: Vec<u8>,
    origin: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<(WorkbookFile, ImportReport), FileError> {
    progress(Progress::Checking);
    let package = check_package(&bytes, origin)?;
    let mut report = ImportReport {
        file: origin.to_string(),
        ..ImportReport::default()
    };
    package.report(&mut report);

    let mut xlsx: Xlsx<Cursor<Vec<u8>>> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| invalid(origin, format!("not an Excel workbook (.xlsx): {e}")))?;
    let metadata = xlsx.sheets_metadata().to_vec();
    let worksheets: Vec<String> = metadata
        .iter()
        .filter_map(|sheet| match sheet.typ {
            SheetType::WorkSheet => Some(sheet.name.clone()),
            SheetType::ChartSheet => {
                report.add(Unsupported::Charts, format!("chart sheet `{}`", sheet.name));
                None
            }
            _ => {
                report.add(Unsupported::OtherSheets, format!("`{}`", sheet.name));
                None
            }
        })
        .collect();
    if worksheets.is_empty() {
        return Err(invalid(
            origin,
            "the workbook has no worksheet to import".into(),
        ));
    }

    let sheet_set: HashSet<String> = worksheets.iter().map(|s| s.to_lowercase()).collect();
    let defined = import_defined_names(&package.defined_names, &sheet_set, &mut report);
    let reserved: HashSet<String> = package
        .defined_names
        .iter()
        .map(|raw| raw.name.to_lowercase())
        .collect();

    let mut sheets = Vec::with_capacity(worksheets.len());
    let mut area: u64 = 0;
    let mut unknown_functions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unreadable: Vec<String> = Vec::new();
    let mut orphaned: Vec<String> = Vec::new();
    let mut unmapped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (index, name) in worksheets.iter().enumerate() {
        progress(Progress::Sheet {
            name: name.clone(),
            index: index + 1,
            count: worksheets.len(),
        });
        let SheetCells {
            cells,
            cached,
            orphans,
        } = read_cells(&mut xlsx, name, origin)?;
        orphaned.extend(orphans);
        // Cells calling a volatile function, for the cross-check.
        let mut volatile: HashSet<(u32, u32)> = HashSet::new();
        let (rows, cols) = cells.iter().fold((0u64, 0u64), |(r, c), cell| {
            (
                r.max(u64::from(cell.row) + 1),
                c.max(u64::from(cell.col) + 1),
            )
        });
        area += rows * cols;
        if area > MAX_GRID_CELLS {
            return Err(invalid(
                origin,
                format!(
                    "sheet `{name}` uses {rows} rows × {cols} columns; Lever holds at most {MAX_GRID_CELLS} cells per workbook"
                ),
            ));
        }
        let formats = read_number_formats(&mut xlsx, name, &cells, origin)?;
        let mut sheet = SheetFile {
            name: name.clone(),
            layout: Layout::Grid,
            rows: vec![RowFile::default(); rows as usize],
            excel_formats: Vec::new(),
        };
        let mut summary = SheetSummary {
            name: name.clone(),
            ..SheetSummary::default()
        };
        for cell in cells {
            let address = format!("{}{}", column_letters(cell.col), cell.row + 1);
            if let CellInput::Formula(text) = &cell.input {
                summary.formulas += 1;
                match formula::parse(text) {
                    Ok(expr) => {
                        for function in formula::function_names(&expr) {
                            if cross_check::is_volatile(function) {
                                volatile.insert((cell.row, cell.col));
                            }
                            if !functions::is_known(function) {
                                unknown_functions
                                    .entry(function.to_uppercase())
                                    .or_default()
                                    .push(format!("{name}!{address}"));
                            }
                        }
                    }
                    Err(e) => unreadable.push(format!("{name}!{address}: {text} ({e})")),
                }
            }
            summary.cells += 1;
            let values = &mut sheet.rows[cell.row as usize].values;
            if values.len() <= cell.col as usize {
                values.resize(cell.col as usize + 1, CellInput::Empty);
            }
            values[cell.col as usize] = cell.input;
        }
        let sheet_index = index as u32;
        report
            .cached
            .extend(cached.into_iter().map(|((row, col), value)| CachedCell {
                sheet: sheet_index,
                row,
                col,
                volatile: volatile.contains(&(row, col)),
                value,
            }));
        apply_formats(&mut sheet, &formats, &mut unmapped);
        summary.metric_names = name_rows(&mut sheet, &reserved);
        report.sheets.push(summary);
        sheets.push(sheet);
    }
    for (function, cells) in unknown_functions {
        report.add(
            Unsupported::UnknownFunctions,
            format!("{function}: {}", list_cells(&cells)),
        );
    }
    for item in unreadable {
        report.add(Unsupported::UnreadableFormulas, item);
    }
    if !orphaned.is_empty() {
        report.add(Unsupported::SharedFormulas, list_cells(&orphaned));
    }
    for (code, cells) in unmapped {
        report.add(
            Unsupported::NumberFormats,
            format!("`{code}`: {}", list_cells(&cells)),
        );
    }
    report.defined_names = defined.len();
    let doc = WorkbookFile {
        version: FORMAT_VERSION,
        timeline: Timeline {
            start: "2026-01".into(),
            periods: 12,
            step: Step::Month,
        },
        sheets,
        names: defined,
        scenarios: Vec::new(),
        changelog: Vec::new(),
        funnels: Vec::new(),
        investor: None,
        correlations: Vec::new(),
        actuals: None,
        plans: Vec::new(),
        locale: String::new(),
        targets: Vec::new(),
    };
    Ok((doc, report))
}

/// `n cells: A1, B2, …` (at most five cells named).
fn list_cells(cells: &[String]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<&str> = cells.iter().take(SHOWN).map(String::as_str).collect();
    let more = if cells.len() > SHOWN { ", …" } else { "" };
    let count = if cells.len() == 1 {
        "1 cell".to_string()
    } else {
        format!("{} cells", cells.len())
    };
    format!("{count} ({}{more})", shown.join(", "))
}

fn invalid(origin: &str, message: String) -> FileError {
    FileError::Invalid {
        origin: origin.to_string(),
        message,
    }
}

// ----- the archive check -----

/// What the archive check found.
#[derive(Debug, Default)]
struct Package {
    macros: Vec<String>,
    pivot_tables: usize,
    charts: usize,
    drawings: usize,
    external_links: Vec<String>,
    /// Per worksheet part: (array formulas, data validations, conditional formats).
    markers: BTreeMap<String, [usize; 3]>,
    /// Worksheet part → sheet name, from the workbook and its relationships.
    sheet_parts: HashMap<String, String>,
    /// The workbook's defined names with their scopes.
    defined_names: Vec<RawName>,
}

const MARKERS: [&[u8]; 3] = [
    b"t=\"array\"",
    b"<dataValidation ",
    b"<conditionalFormatting",
];

impl Package {
    fn report(&self, report: &mut ImportReport) {
        for part in &self.macros {
            report.add(Unsupported::Macros, part.clone());
        }
        if self.pivot_tables > 0 {
            report.add(
                Unsupported::PivotTables,
                format!("{} pivot table(s)", self.pivot_tables),
            );
        }
        if self.charts > 0 {
            report.add(Unsupported::Charts, format!("{} chart(s)", self.charts));
        }
        if self.drawings > 0 {
            report.add(
                Unsupported::Drawings,
                format!("{} drawing part(s)", self.drawings),
            );
        }
        for link in &self.external_links {
            report.add(Unsupported::ExternalLinks, link.clone());
        }
        for (part, counts) in &self.markers {
            let sheet = self
                .sheet_parts
                .get(part)
                .map_or_else(|| part.clone(), |name| format!("sheet `{name}`"));
            let kinds = [
                Unsupported::ArrayFormulas,
                Unsupported::DataValidation,
                Unsupported::ConditionalFormats,
            ];
            for (kind, &count) in kinds.iter().zip(counts) {
                if count > 0 {
                    report.add(*kind, format!("{sheet}: {count}"));
                }
            }
        }
    }
}

/// Checks that `bytes` are a readable, unencrypted xlsx package of bounded
/// size, and notes the parts Lever does not import.
fn check_package(bytes: &[u8], origin: &str) -> Result<Package, FileError> {
    const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(&CFB_MAGIC) {
        // An encrypted OOXML file is a compound file with an
        // "EncryptionInfo" stream (its name is stored in UTF-16).
        let marker: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let encrypted = bytes.windows(marker.len()).any(|w| w == marker.as_slice());
        return Err(invalid(
            origin,
            if encrypted {
                "this workbook is password-protected; save it without a password in Excel and try again".into()
            } else {
                "not an Excel workbook (.xlsx): this is an older Excel (.xls) or other OLE file; save it as .xlsx in Excel and try again".into()
            },
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"PK\x05\x06") {
        return Err(invalid(
            origin,
            "not an Excel workbook (.xlsx): the file is not a zip archive".into(),
        ));
    }
    let damaged =
        |e: zip::result::ZipError| invalid(origin, format!("not an Excel workbook (.xlsx): {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if archive.len() > MAX_ENTRIES {
        return Err(invalid(
            origin,
            format!(
                "the workbook has {} parts; Lever reads at most {MAX_ENTRIES}",
                archive.len()
            ),
        ));
    }
    let too_big = || {
        invalid(
            origin,
            format!(
                "the workbook decompresses to more than {} MB (a zip bomb?); refusing to read it",
                MAX_UNPACKED_BYTES >> 20
            ),
        )
    };
    // The sizes the archive declares, before inflating anything; the
    // inflation below enforces the same budget on the actual bytes.
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(damaged)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(too_big());
    }
    let mut package = Package::default();
    let mut budget = MAX_UNPACKED_BYTES;
    let mut workbook_xml = String::new();
    let mut workbook_rels = String::new();
    let mut has_workbook = false;
    for index in 0..archive.len() {
        let (name, encrypted) = {
            let entry = archive.by_index_raw(index).map_err(damaged)?;
            let name = entry.name().map_err(damaged)?.to_string();
            (name, entry.encrypted())
        };
        if encrypted {
            return Err(invalid(
                origin,
                "this workbook is password-protected; save it without a password in Excel and try again".into(),
            ));
        }
        let lower = name.to_lowercase();
        let mut entry = archive.by_index(index).map_err(damaged)?;
        let keep_text = lower == "xl/workbook.xml" || lower == "xl/_rels/workbook.xml.rels";
        let is_sheet = lower.starts_with("xl/worksheets/") && lower.ends_with(".xml");
        let mut text = Vec::new();
        let mut counts = [0usize; 3];
        let used = unpack(&mut entry, budget, |chunk, tail| {
            if keep_text {
                text.extend_from_slice(chunk);
            }
            if is_sheet {
                count_markers(tail, chunk, &mut counts);
            }
        })
        .map_err(|e| match e {
            Unpack::TooBig => too_big(),
            Unpack::Io(e) => invalid(
                origin,
                format!("not an Excel workbook (.xlsx): {name}: {e}"),
            ),
        })?;
        budget -= used;
        if lower == "xl/workbook.xml" {
            has_workbook = true;
            workbook_xml = String::from_utf8_lossy(&text).into_owned();
        } else if lower == "xl/_rels/workbook.xml.rels" {
            workbook_rels = String::from_utf8_lossy(&text).into_owned();
        } else if lower.ends_with("vbaproject.bin") {
            package.macros.push(name.clone());
        } else if lower.starts_with("xl/pivottables/") && lower.ends_with(".xml") {
            package.pivot_tables += 1;
        } else if lower.starts_with("xl/charts/chart") && lower.ends_with(".xml") {
            package.charts += 1;
        } else if lower.starts_with("xl/drawings/") && lower.ends_with(".xml") {
            package.drawings += 1;
        } else if lower.starts_with("xl/externallinks/") && lower.ends_with(".xml") {
            package.external_links.push(name.clone());
        }
        if is_sheet && counts.iter().any(|&c| c > 0) {
            package.markers.insert(name.clone(), counts);
        }
    }
    if !has_workbook {
        return Err(invalid(
            origin,
            "not an Excel workbook (.xlsx): the archive has no xl/workbook.xml".into(),
        ));
    }
    package.sheet_parts = sheet_parts(&workbook_xml, &workbook_rels);
    package.defined_names = raw_defined_names(&workbook_xml);
    Ok(package)
}

enum Unpack {
    TooBig,
    Io(std::io::Error),
}

/// Decompresses `reader` in chunks of at most `budget` bytes in all, calling
/// `each(chunk, previous chunk's tail)`; returns the bytes read.
fn unpack(
    reader: &mut dyn Read,
    budget: u64,
    mut each: impl FnMut(&[u8], &[u8]),
) -> Result<u64, Unpack> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut tail: Vec<u8> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Unpack::Io(e)),
        };
        total += n as u64;
        if total > budget {
            return Err(Unpack::TooBig);
        }
        each(&buffer[..n], &tail);
        let keep = n.min(32);
        tail.clear();
        tail.extend_from_slice(&buffer[n - keep..n]);
    }
}

/// Counts [`MARKERS`] in `chunk`, including those that start in `tail`
/// (the end of the previous chunk) and end in `chunk`.
fn count_markers(tail: &[u8], chunk: &[u8], counts: &mut [usize; 3]) {
    for (marker, count) in MARKERS.iter().zip(counts.iter_mut()) {
        *count += occurrences(chunk, marker);
        // Matches straddling the boundary.
        let head = &chunk[..chunk.len().min(marker.len() - 1)];
        let mut joined = tail[tail.len().saturating_sub(marker.len() - 1)..].to_vec();
        joined.extend_from_slice(head);
        *count += occurrences(&joined, marker);
    }
}

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() || haystack.len() < needle.len() {
        return 0;
    }
    haystack
        .windows(needle.len())
        .filter(|w| w == &needle)
        .count()
}

/// Worksheet part (`xl/worksheets/sheet1.xml`) → sheet name, read from the
/// workbook part and its relationships.
fn sheet_parts(workbook: &str, rels: &str) -> HashMap<String, String> {
    let targets: HashMap<String, String> = tags(rels, "Relationship")
        .into_iter()
        .filter_map(|tag| Some((attribute(tag, "Id")?, attribute(tag, "Target")?)))
        .collect();
    tags(workbook, "sheet")
        .into_iter()
        .filter_map(|tag| {
            let name = attribute(tag, "name")?;
            let id = attribute(tag, "r:id")?;
            let target = targets.get(&id)?;
            let part = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            Some((part, name))
        })
        .collect()
}

/// The attribute text of every `<name …>` tag in `xml`.
fn tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    xml.match_indices(&open)
        .filter_map(|(at, _)| {
            let rest = &xml[at + open.len()..];
            rest.find('>').map(|end| &rest[..end])
        })
        .collect()
}

/// The (unescaped) value of attribute `name` in a tag's attribute text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let mut search = tag;
    loop {
        let at = search.find(&key)?;
        // The attribute must start the text or follow whitespace.
        if at == 0 || search[..at].ends_with(char::is_whitespace) {
            let rest = &search[at + key.len()..];
            let end = rest.find('"')?;
            return Some(unescape(&rest[..end]));
        }
        search = &search[at + key.len()..];
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

// ----- cells -----

/// One imported cell.
struct ImportedCell {
    row: u32,
    col: u32,
    input: CellInput,
    /// True if the value is a number (or a formula), so a number format matters.
    numeric: bool,
}

/// Streams the cells of sheet `name`: constants as typed, formula cells as
/// formulas, each with the value Excel cached for it.
///
/// Shared formulas are expanded here rather than by calamine: Excel writes
/// a shared formula's text once, in the cell that holds it (the anchor),
/// and every other cell of the group shifts that text's relative
/// references by its own distance from the anchor. calamine shifts from the
/// top-left corner of the group's `ref` range instead, which is a different
/// cell when the anchor is not that corner (giving plausible but wrong
/// references), and drops cells listed before their anchor. Lever shifts
/// with its own fill rewriting ([`crate::model::shift_formula`]), the same
/// as Ctrl+D, once the whole sheet has been read.
fn read_cells(
    xlsx: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    origin: &str,
) -> Result<SheetCells, FileError> {
    let damaged = |e: calamine::XlsxError| invalid(origin, format!("sheet `{name}`: {e}"));
    let mut reader = xlsx.worksheet_cells_reader(name).map_err(damaged)?;
    let mut out = SheetCells::default();
    // Shared formula index → (anchor row, anchor column, Lever formula text).
    let mut anchors: HashMap<usize, (u32, u32, String)> = HashMap::new();
    // Cells of shared groups: index into `out.cells`, shared index.
    let mut derived: Vec<(usize, usize)> = Vec::new();
    let mut count: u64 = 0;
    while let Some(cell) = reader.next_cell_with_formula_metadata().map_err(damaged)? {
        count += 1;
        if count > MAX_GRID_CELLS {
            return Err(invalid(
                origin,
                format!("sheet `{name}` has more than {MAX_GRID_CELLS} cells"),
            ));
        }
        let (row, col) = cell.pos;
        if row >= crate::model::io::MAX_GRID_ROWS || col >= crate::model::io::MAX_GRID_COLS {
            continue;
        }
        let (input, numeric) = match cell.formula {
            Some(XlsxFormulaMetadata::Normal { formula }) if !formula.trim().is_empty() => {
                (CellInput::Formula(excel_to_lever(&formula)), true)
            }
            Some(XlsxFormulaMetadata::Shared {
                shared_index,
                formula,
                ..
            }) if !formula.trim().is_empty() => {
                let text = excel_to_lever(&formula);
                anchors.insert(shared_index, (row, col, text.clone()));
                (CellInput::Formula(text), true)
            }
            Some(XlsxFormulaMetadata::SharedDerived { shared_index }) => {
                derived.push((out.cells.len(), shared_index));
                // The text is filled in below, once every anchor is known.
                (CellInput::Formula(String::new()), true)
            }
            _ => constant(&cell.value),
        };
        let is_formula = matches!(input, CellInput::Formula(_));
        if matches!(input, CellInput::Empty) {
            continue;
        }
        if is_formula {
            out.cached.push(((row, col), cached_value(&cell.value)));
        }
        out.cells.push(ImportedCell {
            row,
            col,
            input,
            numeric,
        });
    }
    for (index, shared_index) in derived {
        let Some(cell) = out.cells.get_mut(index) else {
            continue;
        };
        match anchors.get(&shared_index) {
            Some((row, col, text)) => {
                let rows = i64::from(cell.row) - i64::from(*row);
                let cols = i64::from(cell.col) - i64::from(*col);
                cell.input = CellInput::Formula(crate::model::shift_formula(text, rows, cols));
            }
            None => {
                // A group without its anchor has no formula text to share:
                // the cell keeps the value Excel computed, and says so.
                let address = format!("{}{}", column_letters(cell.col), cell.row + 1);
                out.orphans.push(format!("{name}!{address}"));
                cell.input = out
                    .cached
                    .iter()
                    .find(|((r, c), _)| (*r, *c) == (cell.row, cell.col))
                    .map_or(CellInput::Empty, |(_, v)| v.as_input());
            }
        }
    }
    out.cells.retain(|c| !matches!(c.input, CellInput::Empty));
    Ok(out)
}

/// What [`read_cells`] found on one sheet.
#[derive(Default)]
struct SheetCells {
    cells: Vec<ImportedCell>,
    /// The value Excel cached for each formula cell, by (row, column).
    cached: Vec<((u32, u32), CachedValue)>,
    /// Cells of a shared formula group whose anchor is missing.
    orphans: Vec<String>,
}

/// The value Excel saved with a formula cell (what it last computed).
fn cached_value(value: &DataRef<'_>) -> CachedValue {
    match value {
        DataRef::Int(i) => CachedValue::Number(*i as f64),
        DataRef::Float(f) => CachedValue::Number(*f),
        DataRef::DateTime(d) => CachedValue::Number(d.as_f64()),
        DataRef::String(s) => CachedValue::Text(s.clone()),
        DataRef::SharedString(s) => CachedValue::Text((*s).to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => CachedValue::Text(s.clone()),
        DataRef::Bool(b) => CachedValue::Bool(*b),
        DataRef::Error(e) => CachedValue::Error(e.to_string()),
        DataRef::Empty => CachedValue::None,
    }
}

/// A constant cell value; true if it is a number.
fn constant(value: &DataRef<'_>) -> (CellInput, bool) {
    match value {
        DataRef::Int(i) => (CellInput::Number(*i as f64), true),
        DataRef::Float(f) if f.is_finite() => (CellInput::Number(*f), true),
        DataRef::Float(_) => (CellInput::Formula("=#NUM!".into()), false),
        DataRef::String(s) => (CellInput::Text(s.clone()), false),
        DataRef::SharedString(s) => (CellInput::Text((*s).to_string()), false),
        DataRef::Bool(b) => (CellInput::Bool(*b), false),
        DataRef::DateTime(d) => (CellInput::Number(d.as_f64()), true),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => (CellInput::Text(s.clone()), false),
        // An error typed as a constant is kept as the error literal.
        DataRef::Error(e) => (CellInput::Formula(format!("={e}")), false),
        DataRef::Empty => (CellInput::Empty, false),
    }
}

/// Excel formula text (as stored, without `=`) as a Lever formula: with
/// `=`, and without the `_xlfn.`/`_xlws.`/`_xludf.` prefixes Excel writes
/// before newer functions and the `_xlpm.` it writes before `LET` names. Text inside string literals is left alone.
pub fn excel_to_lever(text: &str) -> String {
    const PREFIXES: [&str; 4] = ["_xlfn.", "_xlws.", "_xludf.", "_xlpm."];
    let text = text.trim();
    let text = text.strip_prefix('=').unwrap_or(text);
    let mut out = String::with_capacity(text.len() + 1);
    out.push('=');
    let mut in_string = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            in_string = !in_string;
        }
        if !in_string
            && let Some(prefix) = PREFIXES.iter().find(|p| {
                rest.get(..p.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(p))
            })
        {
            rest = &rest[prefix.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

// ----- number formats -----

/// Number format codes of the numeric cells of sheet `name` that have one
/// other than General, by (row, col).
fn read_number_formats(
    xlsx: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    cells: &[ImportedCell],
    origin: &str,
) -> Result<HashMap<(u32, u32), String>, FileError> {
    let numeric: HashSet<(u32, u32)> = cells
        .iter()
        .filter(|c| c.numeric)
        .map(|c| (c.row, c.col))
        .collect();
    let mut out = HashMap::new();
    if numeric.is_empty() {
        return Ok(out);
    }
    let damaged = |e: calamine::XlsxError| invalid(origin, format!("sheet `{name}`: {e}"));
    let mut reader = xlsx.worksheet_cells_reader(name).map_err(damaged)?;
    while let Some((row, col, style)) = reader.next_style_id().map_err(damaged)? {
        if !numeric.contains(&(row, col)) {
            continue;
        }
        let code = reader
            .styles()
            .get(style)
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.clone());
        if let Some(code) = code
            && !code.eq_ignore_ascii_case("general")
        {
            out.insert((row, col), code);
        }
    }
    Ok(out)
}

/// Lever's format for an Excel number format code, if there is one:
/// `0`/`#,##0` → Integer, `0.00`/`#,##0.00` → Decimal, `0.0%` → Percent,
/// `0.0"x"` → Multiple. Anything else (dates, currencies, fractions,
/// several sections, colours…) has none.
pub fn map_number_format(code: &str) -> Option<Format> {
    let code = code.trim();
    if code.eq_ignore_ascii_case("general") {
        return Some(Format::General);
    }
    let decimals = |body: &str| -> Option<(bool, u8)> {
        let (int_part, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let grouped = match int_part {
            "0" => false,
            "#,##0" => true,
            _ => return None,
        };
        let n = match frac {
            None => 0,
            Some(f) if !f.is_empty() && f.len() <= 10 && f.chars().all(|c| c == '0') => {
                f.len() as u8
            }
            Some(_) => return None,
        };
        Some((grouped, n))
    };
    if let Some(body) = code.strip_suffix('%') {
        let (grouped, n) = decimals(body)?;
        return (!grouped).then_some(Format::Percent(n));
    }
    if let Some(body) = code
        .strip_suffix("\"x\"")
        .or_else(|| code.strip_suffix("\\x"))
    {
        let (grouped, n) = decimals(body)?;
        return (!grouped).then_some(Format::Multiple(n));
    }
    match decimals(code)? {
        (_, 0) => Some(Format::Integer),
        (_, n) => Some(Format::Decimal(n)),
    }
}

/// Sets each row's format to the mapped format most of its numeric cells
/// have, and keeps the Excel code of every cell the row format does not
/// describe; unmapped codes are collected for the report.
fn apply_formats(
    sheet: &mut SheetFile,
    formats: &HashMap<(u32, u32), String>,
    unmapped: &mut BTreeMap<String, Vec<String>>,
) {
    let mut by_row: BTreeMap<u32, Vec<(u32, &String)>> = BTreeMap::new();
    for ((row, col), code) in formats {
        by_row.entry(*row).or_default().push((*col, code));
    }
    for (row, mut cells) in by_row {
        cells.sort();
        let mut counts: Vec<(Format, usize)> = Vec::new();
        for (_, code) in &cells {
            if let Some(format) = map_number_format(code) {
                match counts.iter_mut().find(|(f, _)| *f == format) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((format, 1)),
                }
            }
        }
        // The most common mapped format (the first seen on a tie).
        let row_format = counts
            .iter()
            .fold(None::<(Format, usize)>, |best, &(f, n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((f, n)),
            })
            .map_or(Format::General, |(f, _)| f);
        sheet.rows[row as usize].format = row_format;
        for (col, code) in cells {
            let address = format!("{}{}", column_letters(col), row + 1);
            match map_number_format(code) {
                Some(format) if format == row_format => {}
                Some(_) => sheet.excel_formats.push((address, code.clone())),
                None => {
                    unmapped
                        .entry(code.clone())
                        .or_default()
                        .push(format!("{}!{address}", sheet.name));
                    sheet.excel_formats.push((address, code.clone()));
                }
            }
        }
    }
}

// ----- names -----

/// Gives each row the name of its first text cell when that label makes a
/// usable name, unique on the sheet and not a defined name. Returns how many
/// rows got one.
fn name_rows(sheet: &mut SheetFile, reserved: &HashSet<String>) -> usize {
    let candidates: Vec<Option<String>> = sheet
        .rows
        .iter()
        .map(|row| {
            let label = row.values.iter().find_map(|v| match v {
                CellInput::Text(t) if !t.trim().is_empty() => Some(t.as_str()),
                _ => None,
            })?;
            let name = names::derive_name(label);
            (names::name_problem(&name).is_none()
                && formula::is_valid_name(&name)
                && !reserved.contains(&name))
            .then_some(name)
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for name in candidates.iter().flatten() {
        *seen.entry(name.clone()).or_default() += 1;
    }
    let mut named = 0;
    for (row, name) in sheet.rows.iter_mut().zip(candidates) {
        if let Some(name) = name
            && seen.get(&name) == Some(&1)
        {
            row.name = name;
            named += 1;
        }
    }
    named
}

/// A defined name as the workbook part declares it.
#[derive(Debug, Clone, PartialEq)]
struct RawName {
    name: String,
    /// The sheet the name is scoped to (`localSheetId`, resolved to the
    /// sheet's name); `None` for a workbook-level name.
    scope: Option<String>,
    target: String,
}

/// Every `<definedName>` of the workbook part, with its scope: Excel's
/// `localSheetId` is the position of the scope sheet in `<sheets>`.
/// (Read here rather than through calamine, whose list drops the scope.)
fn raw_defined_names(workbook: &str) -> Vec<RawName> {
    let sheets: Vec<String> = tags(workbook, "sheet")
        .into_iter()
        .filter_map(|tag| attribute(tag, "name"))
        .collect();
    const OPEN: &str = "<definedName ";
    const CLOSE: &str = "</definedName>";
    let mut out = Vec::new();
    for (at, _) in workbook.match_indices(OPEN) {
        let rest = &workbook[at + OPEN.len()..];
        let Some(end) = rest.find('>') else { continue };
        let tag = &rest[..end];
        let Some(name) = attribute(tag, "name") else {
            continue;
        };
        let target = if tag.ends_with('/') {
            String::new()
        } else {
            let body = &rest[end + 1..];
            body.find(CLOSE)
                .map_or_else(String::new, |close| unescape(&body[..close]))
        };
        let scope = attribute(tag, "localSheetId").map(|id| {
            id.trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| sheets.get(i).cloned())
                // An index past the sheet list names no sheet we import.
                .unwrap_or_else(|| format!("#{id}"))
        });
        out.push(RawName {
            name,
            scope,
            target,
        });
    }
    out
}

/// The workbook's defined names that Lever can use: a cell or range on an
/// imported sheet, or a constant, at workbook level or scoped to an
/// imported sheet. Others are reported.
fn import_defined_names(
    raw: &[RawName],
    sheets: &HashSet<String>,
    report: &mut ImportReport,
) -> Vec<DefinedName> {
    let mut out: Vec<DefinedName> = Vec::new();
    let mut seen = HashSet::new();
    for RawName {
        name,
        scope,
        target,
    } in raw
    {
        let refuse = |report: &mut ImportReport, why: &str| {
            let shown = match scope {
                Some(sheet) => format!("{sheet}!{name}"),
                None => name.clone(),
            };
            report.add(
                Unsupported::DefinedNames,
                format!("{shown} = {target} ({why})"),
            );
        };
        if name.to_lowercase().starts_with("_xlnm.") {
            refuse(report, "a built-in name such as a print area");
            continue;
        }
        if !formula::is_valid_name(name) || names::looks_like_cell(name) {
            refuse(report, "the name cannot be used in Lever formulas");
            continue;
        }
        if let Some(sheet) = scope
            && !sheets.contains(&sheet.to_lowercase())
        {
            refuse(report, "it belongs to a sheet that is not imported");
            continue;
        }
        let key = (
            scope.as_ref().map(|s| s.to_lowercase()),
            name.to_lowercase(),
        );
        if !seen.insert(key) {
            refuse(report, "the name is defined more than once");
            continue;
        }
        let text = excel_to_lever(target);
        let usable = match formula::parse(&text) {
            Ok(Expr::Reference(Reference::Cell { sheet, .. }))
            | Ok(Expr::Reference(Reference::Range { sheet, .. }))
            | Ok(Expr::Reference(Reference::Lines { sheet, .. })) => match sheet {
                Some(sheet) if sheets.contains(&sheet.to_lowercase()) => Ok(()),
                Some(_) => Err("it refers to a sheet that is not imported"),
                None => Err("it has no sheet"),
            },
            Ok(Expr::Number(_) | Expr::Text(_) | Expr::Bool(_)) => Ok(()),
            Ok(_) => Err("it is a formula, not a cell, range or constant"),
            Err(_) => Err("Lever cannot read its target"),
        };
        match usable {
            Ok(()) => out.push(DefinedName {
                name: name.clone(),
                sheet: scope.clone().unwrap_or_default(),
                refers_to: text.trim_start_matches('=').to_string(),
            }),
            Err(why) => refuse(report, why),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_formula_text_is_normalised() {
        assert_eq!(excel_to_lever("SUM(A1:A3)"), "=SUM(A1:A3)");
        assert_eq!(
            excel_to_lever("_xlfn.XLOOKUP(A1,B:B,C:C)"),
            "=XLOOKUP(A1,B:B,C:C)"
        );
        assert_eq!(
            excel_to_lever("\"_xlfn.kept\"&_xlfn.CONCAT(A1)"),
            "=\"_xlfn.kept\"&CONCAT(A1)"
        );
        // Multi-byte characters near the start are not cut in half.
        assert_eq!(excel_to_lever("LEN(\"héllo\")"), "=LEN(\"héllo\")");
        assert_eq!(excel_to_lever("é"), "=é");
    }

    #[test]
    fn number_formats_map_where_they_can() {
        assert_eq!(map_number_format("General"), Some(Format::General));
        assert_eq!(map_number_format("0"), Some(Format::Integer));
        assert_eq!(map_number_format("#,##0"), Some(Format::Integer));
        assert_eq!(map_number_format("#,##0.00"), Some(Format::Decimal(2)));
        assert_eq!(map_number_format("0.0%"), Some(Format::Percent(1)));
        assert_eq!(map_number_format("0%"), Some(Format::Percent(0)));
        assert_eq!(map_number_format("0.0\"x\""), Some(Format::Multiple(1)));
        assert_eq!(map_number_format("yyyy-mm-dd"), None);
        assert_eq!(map_number_format("\"$\"#,##0.00"), None);
        assert_eq!(map_number_format("#,##0;(#,##0)"), None);
    }

    #[test]
    fn markers_are_counted_across_chunk_boundaries() {
        let mut counts = [0; 3];
        count_markers(b"", b"<f t=\"arr", &mut counts);
        count_markers(b"<f t=\"arr", b"ay\">x</f> t=\"array\"", &mut counts);
        assert_eq!(counts, [2, 0, 0]);
    }

    #[test]
    fn inflation_stops_at_the_budget() {
        // Whatever the archive declares, reading stops past the budget.
        let mut zeros = std::io::repeat(0).take(10_000);
        assert!(matches!(
            unpack(&mut zeros, 4096, |_, _| {}),
            Err(Unpack::TooBig)
        ));
        let mut small = std::io::repeat(0).take(1000);
        assert!(matches!(unpack(&mut small, 4096, |_, _| {}), Ok(1000)));
    }

    #[test]
    fn sheet_parts_come_from_the_relationships() {
        let workbook = r#"<sheets><sheet name="A &amp; B" sheetId="1" r:id="rId1"/></sheets>"#;
        let rels = r#"<Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/>"#;
        let parts = sheet_parts(workbook, rels);
        assert_eq!(
            parts.get("xl/worksheets/sheet1.xml").map(String::as_str),
            Some("A & B")
        );
    }

    #[test]
    fn bad_bytes_give_clear_errors() {
        let err = import_bytes(b"hello".to_vec(), "x.xlsx", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a zip archive"), "{err}");
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
        let err = import_bytes(cfb, "x.xlsx", &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains("password-protected"), "{err}");
    }
}
