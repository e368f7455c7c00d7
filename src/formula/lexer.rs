//! The lexer: formula text → [`Token`]s. It owns the spelling of every token:
//! numbers, strings, booleans, error literals, A1 cells, sheet prefixes, names
//! and operators. It never panics and always moves forward, so it terminates.

use super::ast::{Axis, CellRef, ErrorKind, LineRef};
use super::token::{Span, Token, TokenKind};

/// Largest zero-based column (`XFD`).
pub const MAX_COL: u32 = 16_383;
/// Largest zero-based row (row 1048576).
pub const MAX_ROW: u32 = 1_048_575;

/// A lexing failure: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Human-readable message, e.g. "unclosed string".
    pub message: String,
    /// Where the problem is.
    pub span: Span,
}

/// Splits `text` into tokens, skipping whitespace and one leading `=`.
pub fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let mut lexer = Lexer { text, pos: 0 };
    lexer.skip_whitespace();
    if lexer.peek() == Some('=') {
        lexer.pos += 1;
    }
    let mut tokens = Vec::new();
    loop {
        lexer.skip_whitespace();
        if lexer.peek().is_none() {
            return Ok(tokens);
        }
        tokens.push(lexer.token()?);
    }
}

/// Whether `c` may start a name (function, metric or unquoted sheet name).
pub fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Whether `c` may continue a name.
pub fn is_name_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// Whether `name` can be written as a metric name without quoting: it lexes as
/// one name token (so it is not a cell like `Q1`, nor `TRUE`/`FALSE`).
pub fn is_valid_name(name: &str) -> bool {
    let mut lexer = Lexer { text: name, pos: 0 };
    matches!(lexer.token(), Ok(Token { kind: TokenKind::Name(_), span }) if span.end == name.len())
}

/// Parses an A1 cell reference (`B3`, `$b$3`, `XFD1048576`) at the start of
/// `text`. Returns the cell and its length in bytes. Fails if the letters or
/// digits are out of range, the row has a leading zero, or a name character
/// follows (`B3x` is a name, not a cell).
pub fn scan_cell(text: &str) -> Option<(CellRef, usize)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let col_abs = bytes.first() == Some(&b'$');
    if col_abs {
        i += 1;
    }
    let letters_start = i;
    let mut col: u32 = 0;
    while let Some(b) = bytes.get(i).filter(|b| b.is_ascii_alphabetic()) {
        if i - letters_start == 3 {
            return None;
        }
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
        i += 1;
    }
    if i == letters_start || col == 0 || col - 1 > MAX_COL {
        return None;
    }
    let row_abs = bytes.get(i) == Some(&b'$');
    if row_abs {
        i += 1;
    }
    let digits_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let digits = text.get(digits_start..i)?;
    if digits.is_empty() || digits.starts_with('0') || digits.len() > 7 {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    if row - 1 > MAX_ROW {
        return None;
    }
    let next = text.get(i..).and_then(|rest| rest.chars().next());
    if next.is_some_and(|c| is_name_continue(c) || c == '$') {
        return None;
    }
    let cell = CellRef {
        row: row - 1,
        col: col - 1,
        row_abs,
        col_abs,
    };
    Some((cell, i))
}

/// Parses a whole-column or whole-row reference (`A:C`, `$b:$b`, `3:5`,
/// `$60:$60`) at the start of `text`: both ends letters, or both digits,
/// joined by `:`, and no name character after. Returns the axis, the two
/// ends as written, and the length in bytes.
pub fn scan_lines(text: &str) -> Option<(Axis, LineRef, LineRef, usize)> {
    let bytes = text.as_bytes();
    let (axis, start, first_len) = scan_line_end(bytes, None)?;
    if bytes.get(first_len) != Some(&b':') {
        return None;
    }
    let (_, end, second_len) = scan_line_end(&bytes[first_len + 1..], Some(axis))?;
    let len = first_len + 1 + second_len;
    let next = text.get(len..).and_then(|rest| rest.chars().next());
    if next.is_some_and(|c| is_name_continue(c) || c == '$' || c == '!') {
        return None;
    }
    Some((axis, start, end, len))
}

/// One end of a whole-line reference: `$`, then column letters or row
/// digits (of `axis` if given).
fn scan_line_end(bytes: &[u8], axis: Option<Axis>) -> Option<(Axis, LineRef, usize)> {
    let abs = bytes.first() == Some(&b'$');
    let begin = usize::from(abs);
    let body_len = bytes[begin..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let body = &bytes[begin..begin + body_len];
    let found = if !body.is_empty() && body.len() <= 3 && body.iter().all(u8::is_ascii_alphabetic) {
        let col = body.iter().fold(0u32, |acc, b| {
            acc * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
        });
        (col - 1 <= MAX_COL).then_some((Axis::Columns, col - 1))
    } else if !body.is_empty()
        && body.len() <= 7
        && body[0] != b'0'
        && body.iter().all(u8::is_ascii_digit)
    {
        let row: u32 = std::str::from_utf8(body).ok()?.parse().ok()?;
        (row - 1 <= MAX_ROW).then_some((Axis::Rows, row - 1))
    } else {
        None
    };
    let (kind, index) = found?;
    if axis.is_some_and(|a| a != kind) {
        return None;
    }
    Some((kind, LineRef { index, abs }, begin + body_len))
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Advances past characters while `pred` holds.
    fn eat_while(&mut self, pred: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&pred) {
            self.bump();
        }
    }

    fn skip_whitespace(&mut self) {
        self.eat_while(char::is_whitespace);
    }

    fn error(&self, message: impl Into<String>, start: usize) -> LexError {
        LexError {
            message: message.into(),
            span: Span::new(start, self.pos.max(start)),
        }
    }

    /// Reads one token; the caller has skipped whitespace and checked that
    /// there is at least one character left.
    fn token(&mut self) -> Result<Token, LexError> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.error("unexpected end of formula", start));
        };
        if (matches!(c, '0'..='9' | '$') || is_name_start(c))
            && let Some((axis, first, second, len)) = scan_lines(self.rest())
        {
            self.pos += len;
            return Ok(Token {
                kind: TokenKind::Lines(axis, first, second),
                span: Span::new(start, self.pos),
            });
        }
        let kind = match c {
            '0'..='9' => self.number()?,
            '.' if self.peek_second().is_some_and(|d| d.is_ascii_digit()) => self.number()?,
            '"' => self.string()?,
            '\'' => self.quoted_sheet()?,
            '#' => self.error_literal()?,
            '$' => self.dollar_cell()?,
            c if is_name_start(c) => self.word(),
            _ => self.operator(c)?,
        };
        Ok(Token {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn number(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.eat_while(|c| c.is_ascii_digit());
        if self.peek() == Some('.') {
            self.bump();
            self.eat_while(|c| c.is_ascii_digit());
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let mut exponent = self.rest().chars().skip(1);
            let has_digits = match exponent.next() {
                Some('+' | '-') => exponent.next().is_some_and(|c| c.is_ascii_digit()),
                Some(c) => c.is_ascii_digit(),
                None => false,
            };
            if has_digits {
                self.bump();
                if matches!(self.peek(), Some('+' | '-')) {
                    self.bump();
                }
                self.eat_while(|c| c.is_ascii_digit());
            }
        }
        if self.peek().is_some_and(is_name_continue) {
            self.eat_while(is_name_continue);
            let found = self.text.get(start..self.pos).unwrap_or("");
            return Err(self.error(format!("invalid number `{found}`"), start));
        }
        let literal = self.text.get(start..self.pos).unwrap_or("");
        match literal.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(TokenKind::Number(n)),
            _ => Err(self.error(format!("number `{literal}` is too large"), start)),
        }
    }

    /// Reads a `"`-quoted string (the opening quote is next).
    fn string(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        let value = self
            .quoted('"')
            .ok_or_else(|| self.error("unclosed string", start))?;
        Ok(TokenKind::Text(value))
    }

    /// Reads `'…'!`, a quoted sheet name and its `!`.
    fn quoted_sheet(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        let name = self
            .quoted('\'')
            .ok_or_else(|| self.error("unclosed sheet name", start))?;
        if self.peek() != Some('!') {
            let quoted = self.text.get(start..self.pos).unwrap_or("");
            return Err(self.error(format!("expected `!` after sheet name `{quoted}`"), start));
        }
        self.bump();
        if name.is_empty() {
            return Err(self.error("empty sheet name", start));
        }
        Ok(TokenKind::Sheet(name))
    }

    /// Reads text between two `quote`s, where a doubled quote stands for one.
    /// Returns `None` (having consumed everything) if the closing quote is missing.
    fn quoted(&mut self, quote: char) -> Option<String> {
        self.bump();
        let mut value = String::new();
        loop {
            let c = self.bump()?;
            if c != quote {
                value.push(c);
            } else if self.peek() == Some(quote) {
                self.bump();
                value.push(quote);
            } else {
                return Some(value);
            }
        }
    }

    fn error_literal(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        let rest = self.rest();
        let found = ErrorKind::ALL.into_iter().find(|kind| {
            let literal = kind.as_str();
            rest.get(..literal.len())
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(literal))
        });
        if let Some(kind) = found {
            self.pos += kind.as_str().len();
            return Ok(TokenKind::Error(kind));
        }
        self.bump();
        self.eat_while(|c| c.is_alphanumeric() || c == '/');
        if matches!(self.peek(), Some('!' | '?')) {
            self.bump();
        }
        let found = self.text.get(start..self.pos).unwrap_or("#");
        Err(self.error(format!("unknown error value `{found}`"), start))
    }

    /// Reads a cell reference that starts with `$`.
    fn dollar_cell(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        if let Some((cell, len)) = scan_cell(self.rest()) {
            self.pos += len;
            return Ok(TokenKind::Cell(cell));
        }
        self.bump();
        self.eat_while(|c| is_name_continue(c) || c == '$');
        let found = self.text.get(start..self.pos).unwrap_or("$");
        let body = found.trim_start_matches('$');
        let message = if !body.is_empty() && body.chars().all(|c| c.is_ascii_alphabetic()) {
            format!("`{found}` is not a cell: write a whole column as `{found}:{found}`")
        } else if !body.is_empty() && body.chars().all(|c| c.is_ascii_digit()) {
            format!("`{found}` is not a cell: write a whole row as `{found}:{found}`")
        } else {
            format!("invalid cell reference `{found}`")
        };
        Err(self.error(message, start))
    }

    /// Reads a name, cell, boolean or unquoted sheet prefix.
    fn word(&mut self) -> TokenKind {
        let start = self.pos;
        self.eat_while(is_name_continue);
        let word = self.text.get(start..self.pos).unwrap_or("");
        if self.peek() == Some('!') {
            self.bump();
            return TokenKind::Sheet(word.to_string());
        }
        if let Some((cell, len)) = self.text.get(start..).and_then(scan_cell) {
            self.pos = start + len;
            return TokenKind::Cell(cell);
        }
        if word.eq_ignore_ascii_case("TRUE") {
            TokenKind::Bool(true)
        } else if word.eq_ignore_ascii_case("FALSE") {
            TokenKind::Bool(false)
        } else {
            TokenKind::Name(word.to_string())
        }
    }

    fn operator(&mut self, c: char) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.bump();
        let kind = match c {
            '+' => TokenKind::Plus,
            '-' => TokenKind::Minus,
            '*' => TokenKind::Star,
            '/' => TokenKind::Slash,
            '^' => TokenKind::Caret,
            '&' => TokenKind::Ampersand,
            '%' => TokenKind::Percent,
            '=' => TokenKind::Equal,
            ':' => TokenKind::Colon,
            '(' => TokenKind::LParen,
            ')' => TokenKind::RParen,
            ',' => TokenKind::Comma,
            '[' => TokenKind::LBracket,
            ']' => TokenKind::RBracket,
            '{' => TokenKind::LBrace,
            '}' => TokenKind::RBrace,
            ';' => TokenKind::Semicolon,
            '<' => match self.peek() {
                Some('=') => {
                    self.bump();
                    TokenKind::LessEqual
                }
                Some('>') => {
                    self.bump();
                    TokenKind::NotEqual
                }
                _ => TokenKind::Less,
            },
            '>' => {
                if self.peek() == Some('=') {
                    self.bump();
                    TokenKind::GreaterEqual
                } else {
                    TokenKind::Greater
                }
            }
            '!' => {
                return Err(self.error(
                    "unexpected `!`: quote sheet names that are not plain names, like `'Q1 2024'!B3`",
                    start,
                ));
            }
            other => return Err(self.error(format!("unknown character `{other}`"), start)),
        };
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        match tokenize(text) {
            Ok(tokens) => tokens.into_iter().map(|t| t.kind).collect(),
            Err(e) => panic!("{text:?}: {}", e.message),
        }
    }

    fn lex_error(text: &str) -> String {
        match tokenize(text) {
            Ok(tokens) => panic!("{text:?} lexed: {tokens:?}"),
            Err(e) => e.message,
        }
    }

    fn cell(row: u32, col: u32, row_abs: bool, col_abs: bool) -> TokenKind {
        TokenKind::Cell(CellRef {
            row,
            col,
            row_abs,
            col_abs,
        })
    }

    #[test]
    fn numbers() {
        for (text, value) in [
            ("1", 1.0),
            ("1.5e3", 1500.0),
            (".5", 0.5),
            ("1E-7", 1e-7),
            ("2.", 2.0),
            ("1e+2", 100.0),
            ("007", 7.0),
        ] {
            assert_eq!(kinds(text), vec![TokenKind::Number(value)], "{text}");
        }
        assert_eq!(lex_error("1e"), "invalid number `1e`");
        assert_eq!(lex_error("2x"), "invalid number `2x`");
        assert_eq!(lex_error("1.2.3"), "invalid number `1.2.3`");
        assert_eq!(lex_error("1e999"), "number `1e999` is too large");
    }

    #[test]
    fn strings_and_literals() {
        assert_eq!(kinds(r#""a""b""#), vec![TokenKind::Text("a\"b".into())]);
        assert_eq!(kinds(r#""""#), vec![TokenKind::Text(String::new())]);
        assert_eq!(lex_error(r#""abc"#), "unclosed string");
        assert_eq!(
            kinds("true FALSE tRuE"),
            vec![
                TokenKind::Bool(true),
                TokenKind::Bool(false),
                TokenKind::Bool(true)
            ]
        );
        for kind in ErrorKind::ALL {
            assert_eq!(kinds(kind.as_str()), vec![TokenKind::Error(kind)]);
            let lower = kind.as_str().to_lowercase();
            assert_eq!(kinds(&lower), vec![TokenKind::Error(kind)]);
        }
        assert_eq!(lex_error("#FOO!"), "unknown error value `#FOO!`");
        assert_eq!(lex_error("#"), "unknown error value `#`");
    }

    #[test]
    fn cells() {
        assert_eq!(kinds("B3"), vec![cell(2, 1, false, false)]);
        assert_eq!(kinds("$B$3"), vec![cell(2, 1, true, true)]);
        assert_eq!(kinds("B$3"), vec![cell(2, 1, true, false)]);
        assert_eq!(kinds("$B3"), vec![cell(2, 1, false, true)]);
        assert_eq!(kinds("ab12"), vec![cell(11, 27, false, false)]);
        assert_eq!(
            kinds("XFD1048576"),
            vec![cell(MAX_ROW, MAX_COL, false, false)]
        );
        assert_eq!(kinds("Q1"), vec![cell(0, 16, false, false)]);
        // Out of range or with extra characters: names, not cells.
        for name in [
            "XFE1", "A1048577", "A0", "A01", "ABCD1", "B3x", "A1.5", "B_3",
        ] {
            assert_eq!(kinds(name), vec![TokenKind::Name(name.into())], "{name}");
        }
        assert_eq!(lex_error("$XFE1"), "invalid cell reference `$XFE1`");
        assert!(lex_error("$A").starts_with("`$A` is not a cell: write a whole column as"));
        assert!(lex_error("$3").starts_with("`$3` is not a cell: write a whole row as"));
    }

    #[test]
    fn whole_columns_and_rows() {
        use crate::formula::ast::{Axis, LineRef};
        let line = |index, abs| LineRef { index, abs };
        assert_eq!(
            kinds("A:C"),
            vec![TokenKind::Lines(
                Axis::Columns,
                line(0, false),
                line(2, false)
            )]
        );
        assert_eq!(
            kinds("$xfd:$A"),
            vec![TokenKind::Lines(
                Axis::Columns,
                line(16383, true),
                line(0, true)
            )]
        );
        assert_eq!(
            kinds("$3:10"),
            vec![TokenKind::Lines(Axis::Rows, line(2, true), line(9, false))]
        );
        // Mixed kinds, out of range or followed by a name character: not lines.
        for text in ["A:1", "1:A", "XFE:XFE", "A:A1", "0:1", "1:1048577", "A:B_"] {
            assert!(
                !matches!(kinds(text).first(), Some(TokenKind::Lines(..))),
                "{text}"
            );
        }
    }

    #[test]
    fn names_and_sheets() {
        assert_eq!(
            kinds("STDEV.S visit_to_lead выручка _x"),
            vec![
                TokenKind::Name("STDEV.S".into()),
                TokenKind::Name("visit_to_lead".into()),
                TokenKind::Name("выручка".into()),
                TokenKind::Name("_x".into()),
            ]
        );
        assert_eq!(
            kinds("Inputs!B3"),
            vec![TokenKind::Sheet("Inputs".into()), cell(2, 1, false, false)]
        );
        assert_eq!(
            kinds("'Bob''s plan'!price"),
            vec![
                TokenKind::Sheet("Bob's plan".into()),
                TokenKind::Name("price".into())
            ]
        );
        assert_eq!(kinds("Q1!A1").first(), Some(&TokenKind::Sheet("Q1".into())));
        assert_eq!(lex_error("'abc"), "unclosed sheet name");
        assert_eq!(
            lex_error("'abc'B3"),
            "expected `!` after sheet name `'abc'`"
        );
        assert_eq!(lex_error("''!B3"), "empty sheet name");
    }

    #[test]
    fn operators_and_whitespace() {
        use TokenKind::*;
        assert_eq!(
            kinds(" = 1+-*/^&%=<><<=>>=:(),[] "),
            vec![
                Number(1.0),
                Plus,
                Minus,
                Star,
                Slash,
                Caret,
                Ampersand,
                Percent,
                Equal,
                NotEqual,
                Less,
                LessEqual,
                Greater,
                GreaterEqual,
                Colon,
                LParen,
                RParen,
                Comma,
                LBracket,
                RBracket,
            ]
        );
        assert_eq!(kinds("==1"), vec![Equal, Number(1.0)]);
        assert_eq!(lex_error("@"), "unknown character `@`");
        assert_eq!(lex_error("."), "unknown character `.`");
    }

    #[test]
    fn spans_are_byte_offsets() {
        let tokens = tokenize("=выручка + 1").unwrap_or_default();
        let spans: Vec<Span> = tokens.iter().map(|t| t.span).collect();
        assert_eq!(
            spans,
            vec![Span::new(1, 15), Span::new(16, 17), Span::new(18, 19)]
        );
    }

    #[test]
    fn valid_names() {
        assert!(is_valid_name("price"));
        assert!(is_valid_name("выручка"));
        assert!(is_valid_name("STDEV.S"));
        for bad in ["", "Q1", "TRUE", "a b", "1a", "a!", "a-b", "'a'"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
