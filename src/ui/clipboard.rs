//! Tab-separated text, the clipboard format Excel, LibreOffice and Google
//! Sheets exchange: rows end with a newline, cells are separated by tabs,
//! and a cell holding a tab, a newline or a quote is quoted with `"`.

/// A block of cells as clipboard text.
pub fn to_tsv(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| quote(c)).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

fn quote(cell: &str) -> String {
    if cell.contains(['\t', '\n', '\r', '"']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// Clipboard text as a block of cells (a trailing newline does not add an
/// empty row; `\r\n` line ends are accepted).
pub fn from_tsv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_cell_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cell.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if at_cell_start => {
                quoted = true;
                at_cell_start = false;
            }
            '\t' => {
                row.push(std::mem::take(&mut cell));
                at_cell_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
                at_cell_start = true;
            }
            c => {
                cell.push(c);
                at_cell_start = false;
            }
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_awkward_cells() {
        let block = vec![
            vec![
                "1".to_string(),
                "a\tb".to_string(),
                "say \"hi\"".to_string(),
            ],
            vec![
                "=price * 2".to_string(),
                String::new(),
                "two\nlines".to_string(),
            ],
        ];
        assert_eq!(from_tsv(&to_tsv(&block)), block);
    }

    #[test]
    fn reads_what_spreadsheets_write() {
        assert_eq!(
            from_tsv("1\t2\r\n3\t4\r\n"),
            vec![vec!["1", "2"], vec!["3", "4"]]
        );
        assert_eq!(from_tsv("5"), vec![vec!["5"]]);
        assert_eq!(from_tsv(""), Vec::<Vec<String>>::new());
    }
}
