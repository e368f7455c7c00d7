//! The printer: [`Expr`] → canonical formula text (without the leading `=`).
//! It owns the canonical spelling: spacing, number format, quoting of strings
//! and sheet names, and the parentheses a tree built without
//! [`Expr::Group`]s needs to keep its shape. Whatever it prints parses back to
//! the same tree.

use super::ast::{Axis, CellRef, Expr, LineRef, Reference, UnaryOp};
use super::lexer::{is_name_continue, is_name_start, scan_cell};

/// Prints `expr` as canonical formula text, without a leading `=`.
///
/// Binary operators get one space each side, except `^`; numbers use the
/// shortest text that reads back as the same `f64` (`0.1`, `1500`, `1e-7`,
/// `1.5e20`); parentheses are added where the tree's shape needs them
/// (`(a + b) * c`, `a - (b - c)`). A non-finite number prints as `#NUM!`.
pub fn print(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr);
    out
}

/// How tightly an expression holds together when printed: an operand whose
/// level is below what its context needs gets parentheses. Binary operators
/// use their precedence (1–5).
fn level(expr: &Expr) -> u8 {
    match expr {
        Expr::Binary(op, _, _) => op.precedence(),
        Expr::Percent(_) => 6,
        Expr::Unary(_, _) => 7,
        Expr::Number(n) if n.is_sign_negative() && n.is_finite() => 7,
        _ => 8,
    }
}

/// Writes `expr`, in parentheses if its level is below `min_level`.
fn write_operand(out: &mut String, expr: &Expr, min_level: u8) {
    if level(expr) < min_level {
        out.push('(');
        write_expr(out, expr);
        out.push(')');
    } else {
        write_expr(out, expr);
    }
}

fn write_expr(out: &mut String, expr: &Expr) {
    match expr {
        Expr::Number(n) => out.push_str(&format_number(*n)),
        Expr::Text(text) => {
            out.push('"');
            out.push_str(&text.replace('"', "\"\""));
            out.push('"');
        }
        Expr::Bool(true) => out.push_str("TRUE"),
        Expr::Bool(false) => out.push_str("FALSE"),
        Expr::Error(kind) => out.push_str(kind.as_str()),
        Expr::RangeOp(left, right) => {
            write_expr(out, left);
            out.push(':');
            write_expr(out, right);
        }
        Expr::Array(rows) => {
            out.push('{');
            for (r, row) in rows.iter().enumerate() {
                if r > 0 {
                    out.push(';');
                }
                for (c, value) in row.iter().enumerate() {
                    if c > 0 {
                        out.push(',');
                    }
                    write_expr(out, value);
                }
            }
            out.push('}');
        }
        Expr::Reference(reference) => write_reference(out, reference),
        Expr::Unary(op, operand) => {
            out.push(match op {
                UnaryOp::Negate => '-',
                UnaryOp::Plus => '+',
            });
            write_operand(out, operand, 7);
        }
        Expr::Percent(operand) => {
            write_operand(out, operand, 6);
            out.push('%');
        }
        Expr::Binary(op, lhs, rhs) => {
            let precedence = op.precedence();
            write_operand(out, lhs, precedence);
            let spaced = precedence != 5;
            if spaced {
                out.push(' ');
            }
            out.push_str(op.symbol());
            if spaced {
                out.push(' ');
            }
            // Left-associative: an equal-precedence right operand needs parentheses.
            write_operand(out, rhs, precedence + 1);
        }
        Expr::Call { name, args } => {
            out.push_str(name);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    if *arg != Expr::Missing {
                        out.push(' ');
                    }
                }
                write_expr(out, arg);
            }
            out.push(')');
        }
        Expr::Group(inner) => {
            out.push('(');
            write_expr(out, inner);
            out.push(')');
        }
        Expr::Missing => {}
    }
}

fn write_reference(out: &mut String, reference: &Reference) {
    match reference {
        Reference::Cell { sheet, cell } => {
            write_sheet(out, sheet.as_deref());
            out.push_str(&cell_text(*cell));
        }
        Reference::Range { sheet, start, end } => {
            write_sheet(out, sheet.as_deref());
            out.push_str(&cell_text(*start));
            out.push(':');
            out.push_str(&cell_text(*end));
        }
        Reference::Lines {
            sheet,
            axis,
            start,
            end,
        } => {
            write_sheet(out, sheet.as_deref());
            out.push_str(&lines_text(*axis, *start, *end));
        }
        Reference::Metric {
            sheet,
            name,
            offset,
            explicit_offset,
        } => {
            write_sheet(out, sheet.as_deref());
            out.push_str(name);
            if *explicit_offset || *offset != 0 {
                out.push_str(&format!("[{offset}]"));
            }
        }
        Reference::Invalid => out.push_str("#REF!"),
    }
}

fn write_sheet(out: &mut String, sheet: Option<&str>) {
    if let Some(sheet) = sheet {
        out.push_str(&sheet_prefix(sheet));
    }
}

/// The shortest text that reads back as `n`: plain digits for ordinary
/// magnitudes, `e` notation for very large or small ones.
pub(crate) fn format_number(n: f64) -> String {
    if !n.is_finite() {
        return "#NUM!".to_string();
    }
    let magnitude = n.abs();
    if magnitude == 0.0 || (1e-5..1e15).contains(&magnitude) {
        format!("{n}")
    } else {
        format!("{n:e}")
    }
}

/// A sheet prefix with its `!`, quoted if the name is not a plain name or
/// could be mistaken for a cell or a boolean: `Inputs!`, `'Unit economics'!`,
/// `'Bob''s'!`, `'Q1'!`.
pub(crate) fn sheet_prefix(sheet: &str) -> String {
    if sheet_needs_quotes(sheet) {
        format!("'{}'!", sheet.replace('\'', "''"))
    } else {
        format!("{sheet}!")
    }
}

fn sheet_needs_quotes(sheet: &str) -> bool {
    let mut chars = sheet.chars();
    let plain = chars.next().is_some_and(is_name_start) && chars.all(is_name_continue);
    let like_cell = scan_cell(sheet).is_some_and(|(_, len)| len == sheet.len());
    let like_bool = sheet.eq_ignore_ascii_case("TRUE") || sheet.eq_ignore_ascii_case("FALSE");
    !plain || like_cell || like_bool
}

/// A whole-column or whole-row reference: `A:C`, `$3:$3`.
pub(crate) fn lines_text(axis: Axis, start: LineRef, end: LineRef) -> String {
    let end_text = |line: LineRef| {
        let dollar = if line.abs { "$" } else { "" };
        match axis {
            Axis::Columns => format!("{dollar}{}", column_letters(line.index)),
            Axis::Rows => format!("{dollar}{}", u64::from(line.index) + 1),
        }
    };
    format!("{}:{}", end_text(start), end_text(end))
}

/// A cell in A1 notation with its `$` flags, e.g. `$B3`.
pub(crate) fn cell_text(cell: CellRef) -> String {
    let col_dollar = if cell.col_abs { "$" } else { "" };
    let row_dollar = if cell.row_abs { "$" } else { "" };
    format!(
        "{col_dollar}{}{row_dollar}{}",
        column_letters(cell.col),
        u64::from(cell.row) + 1
    )
}

/// Column letters for a zero-based column: 0 → `A`, 26 → `AA`.
pub(crate) fn column_letters(col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let digit = (n - 1) % 26;
        letters.push(char::from(b'A' + digit as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::ast::BinaryOp;
    use crate::formula::parse;

    fn round(text: &str) -> String {
        match parse(text) {
            Ok(expr) => print(&expr),
            Err(e) => panic!("{text:?}: {e}"),
        }
    }

    fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }

    fn name(n: &str) -> Expr {
        Expr::Reference(Reference::Metric {
            sheet: None,
            name: n.into(),
            offset: 0,
            explicit_offset: false,
        })
    }

    #[test]
    fn canonical_spacing() {
        assert_eq!(round("=price*paid"), "price * paid");
        assert_eq!(round("=2 ^ 3"), "2^3");
        assert_eq!(round("=-2^2"), "-2^2");
        assert_eq!(round("= - A1 %"), "-A1%");
        assert_eq!(round("=a<>b"), "a <> b");
        assert_eq!(round("=sum( 1 ,2 )"), "SUM(1, 2)");
        assert_eq!(round("=IF(A1,,2)"), "IF(A1,, 2)");
        assert_eq!(round("=F(1,)"), "F(1,)");
        assert_eq!(round("=(1+2)*3"), "(1 + 2) * 3");
        assert_eq!(round(r#"="say ""hi""""#), r#""say ""hi""""#);
        assert_eq!(round("=true&#n/a"), "TRUE & #N/A");
    }

    #[test]
    fn numbers() {
        for (text, printed) in [
            ("0.1", "0.1"),
            ("1500", "1500"),
            ("1.5e3", "1500"),
            ("1E-7", "1e-7"),
            ("1.5e20", "1.5e20"),
            (".5", "0.5"),
            ("0", "0"),
            ("123456789012345", "123456789012345"),
            ("1e15", "1e15"),
            ("0.00001", "0.00001"),
        ] {
            assert_eq!(round(text), printed, "{text}");
        }
        assert_eq!(format_number(f64::NAN), "#NUM!");
    }

    #[test]
    fn references() {
        assert_eq!(round("=$b$3+b$3+$b3"), "$B$3 + B$3 + $B3");
        assert_eq!(round("=inputs!b9:a1"), "inputs!A1:B9");
        assert_eq!(
            round("='Unit economics'!price[-1]"),
            "'Unit economics'!price[-1]"
        );
        assert_eq!(round("='Inputs'!price[+2]"), "Inputs!price[2]");
        assert_eq!(round("=price[0]"), "price[0]");
        assert_eq!(round("='Q1'!A1"), "'Q1'!A1");
        assert_eq!(round("=Q1!A1"), "'Q1'!A1");
        assert_eq!(round("='Bob''s'!A1"), "'Bob''s'!A1");
        assert_eq!(round("='2024'!A1"), "'2024'!A1");
        assert_eq!(round("='true'!A1"), "'true'!A1");
        assert_eq!(round("=выручка!A1"), "выручка!A1");
        assert_eq!(print(&Expr::Reference(Reference::Invalid)), "#REF!");
    }

    #[test]
    fn inserts_parentheses_for_programmatic_trees() {
        use BinaryOp::*;
        let (a, b, c) = (name("a"), name("b"), name("c"));
        let sum = bin(Add, a.clone(), b.clone());
        assert_eq!(print(&bin(Multiply, sum.clone(), c.clone())), "(a + b) * c");
        assert_eq!(
            print(&bin(
                Subtract,
                a.clone(),
                bin(Subtract, b.clone(), c.clone())
            )),
            "a - (b - c)"
        );
        assert_eq!(
            print(&bin(Power, a.clone(), bin(Power, b.clone(), c.clone()))),
            "a^(b^c)"
        );
        assert_eq!(
            print(&Expr::Unary(UnaryOp::Negate, Box::new(sum.clone()))),
            "-(a + b)"
        );
        assert_eq!(
            print(&Expr::Unary(
                UnaryOp::Negate,
                Box::new(Expr::Percent(Box::new(a.clone())))
            )),
            "-(a%)"
        );
        assert_eq!(print(&Expr::Percent(Box::new(sum))), "(a + b)%");
        assert_eq!(
            print(&bin(
                Power,
                Expr::Unary(UnaryOp::Negate, Box::new(a.clone())),
                b
            )),
            "-a^b"
        );
    }

    #[test]
    fn column_letters_cover_the_alphabet_edges() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
