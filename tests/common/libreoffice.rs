//! Running LibreOffice headless on an exported workbook: a throwaway profile
//! that always recalculates `.xlsx` files on load, the conversion to CSV, and
//! reading the CSV back. Used by the tests that check Lever's Excel exports
//! against a real recalculation (they skip when `soffice` is missing).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether `soffice` can be run; prints why the calling test is skipped when
/// it cannot.
pub fn available() -> bool {
    if Command::new("soffice").arg("--version").output().is_ok() {
        return true;
    }
    eprintln!(
        "skipped: soffice not found (scripts/install-test-deps.sh, or apt-get install -y --no-install-recommends libreoffice-calc-nogui)"
    );
    false
}

/// Creates a LibreOffice profile in `dir/profile` whose "recalculate Excel
/// 2007+ files on load" setting is "always" (`OOXMLRecalcMode` 0), so a
/// workbook exported without cached results gets real values.
pub fn recalculating_profile(dir: &Path) -> PathBuf {
    let profile = dir.join("profile");
    std::fs::create_dir_all(profile.join("user")).expect("profile");
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .expect("profile");
    profile
}

/// Which sheets [`to_csv`] writes.
#[derive(Debug, Clone, Copy)]
pub enum Sheets {
    /// The sheet at this 1-based position, as `<stem>.csv`.
    Number(u32),
    /// Every sheet, each as `<stem>-<sheet name>.csv`.
    All,
}

/// Has LibreOffice (with `profile`) open `xlsx` and save `sheets` as CSV in
/// `out`: field separator `,`, quote `"`, UTF-8, raw values rather than as
/// shown (the filter options of LibreOffice's CSV filter; the last token is
/// the sheet, `-1` for all).
pub fn to_csv(profile: &Path, xlsx: &Path, out: &Path, sheets: Sheets) {
    let sheet = match sheets {
        Sheets::Number(n) => n.to_string(),
        Sheets::All => "-1".to_string(),
    };
    let output = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to"])
        .arg(format!(
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"
        ))
        .arg("--outdir")
        .arg(out)
        .arg(xlsx)
        .output()
        .expect("soffice runs");
    assert!(
        output.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The CSV file LibreOffice wrote for `sheet` of `<stem>.xlsx` in `out` (a
/// one-sheet workbook may be written without the sheet suffix).
pub fn sheet_csv(out: &Path, stem: &str, sheet: &str) -> PathBuf {
    [
        out.join(format!("{stem}-{sheet}.csv")),
        out.join(format!("{stem}.csv")),
    ]
    .into_iter()
    .find(|p| p.exists())
    .unwrap_or_else(|| panic!("LibreOffice wrote no CSV for sheet `{sheet}` of {stem}.xlsx"))
}

/// Reads a CSV file LibreOffice wrote: rows of fields, quoted fields
/// unquoted (`""` is a quote), line breaks inside quotes kept.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("csv");
    csv_rows(&text)
}

/// Splits CSV text into rows of fields (see [`read_csv`]).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => row.push(std::mem::take(&mut field)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A field of LibreOffice's CSV as a number: percent-formatted cells are
/// written as `12.5%` (at full precision), date-formatted cells as an ISO
/// date `2024-01-01` (optionally with ` 12:30:00`), which is read back as
/// the spreadsheet's serial day number (days since 1899-12-30).
pub fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Some(serial) = date_serial(text) {
        return Some(serial);
    }
    let (text, scale) = match text.strip_suffix('%') {
        Some(t) => (t, 0.01),
        None => (text, 1.0),
    };
    text.parse::<f64>()
        .ok()
        .map(|v| v * scale)
        .filter(|v| v.is_finite())
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]` as a serial day number.
fn date_serial(text: &str) -> Option<f64> {
    let (date, time) = match text.split_once(' ') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    // 1970-01-01 is serial day 25569.
    let mut serial = (days + 25_569) as f64;
    if let Some(time) = time {
        let parts: Vec<f64> = time
            .split(':')
            .map(|p| p.parse::<f64>().ok())
            .collect::<Option<_>>()?;
        let seconds = match parts.as_slice() {
            [h, m] => h * 3600.0 + m * 60.0,
            [h, m, s] => h * 3600.0 + m * 60.0 + s,
            _ => return None,
        };
        serial += seconds / 86_400.0;
    }
    Some(serial)
}
