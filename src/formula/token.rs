//! Tokens: the lexer's output and the parser's input. Each token knows where it
//! came from ([`Span`]), which is what lets error messages point at a column
//! and lets [`rewrite`](super::rewrite) edit formula text in place.

use super::ast::{Axis, CellRef, ErrorKind, LineRef};

/// A byte range `start..end` in the formula text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The text this span covers, or `""` if it does not fit `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// The 1-based column, counted in characters, of byte `offset` in `text`.
/// An offset at or past the end gives the column just after the last character.
pub fn column(text: &str, offset: usize) -> usize {
    text.char_indices().take_while(|&(i, _)| i < offset).count() + 1
}

/// One token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where it is in the text.
    pub span: Span,
}

/// The kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// A number literal (always finite and non-negative).
    Number(f64),
    /// A string literal, with `""` already turned into `"`.
    Text(String),
    /// `TRUE` or `FALSE`, in any case.
    Bool(bool),
    /// An error literal such as `#DIV/0!`.
    Error(ErrorKind),
    /// An A1 cell reference such as `B3` or `$B$3`.
    Cell(CellRef),
    /// A whole-column or whole-row reference such as `A:C` or `$3:$3`,
    /// with its ends as written.
    Lines(Axis, LineRef, LineRef),
    /// A function or metric name.
    Name(String),
    /// A sheet prefix including its `!`: `Inputs!` or `'Unit economics'!`
    /// (the name is stored unquoted).
    Sheet(String),
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `^`
    Caret,
    /// `&`
    Ampersand,
    /// `%`
    Percent,
    /// `=`
    Equal,
    /// `<>`
    NotEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `<=`
    LessEqual,
    /// `>=`
    GreaterEqual,
    /// `:`
    Colon,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `;` (between the rows of an array constant)
    Semicolon,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_counts_characters_not_bytes() {
        let text = "=выручка+@";
        assert_eq!(column(text, 0), 1);
        assert_eq!(column(text, 1), 2);
        let at = text.find('@').unwrap_or_default();
        assert_eq!(column(text, at), 10);
        assert_eq!(column(text, text.len()), 11);
        assert_eq!(column(text, 1000), 11);
    }

    #[test]
    fn span_slice_never_panics() {
        assert_eq!(Span::new(1, 3).slice("abcd"), "bc");
        assert_eq!(Span::new(3, 1).slice("abcd"), "");
        assert_eq!(Span::new(0, 9).slice("abcd"), "");
        assert_eq!(Span::new(0, 1).slice("ы"), "");
    }
}
