//! The parser: tokens → [`Expr`], by recursive descent with precedence
//! climbing. It owns the grammar and the wording of syntax errors.
//!
//! Grammar (EBNF; upper-case names are tokens from the lexer):
//!
//! ```text
//! formula    = [ "=" ] expr ;
//! expr       = concat { ( "=" | "<>" | "<" | ">" | "<=" | ">=" ) concat } ;
//! concat     = additive { "&" additive } ;
//! additive   = term { ( "+" | "-" ) term } ;
//! term       = power { ( "*" | "/" ) power } ;
//! power      = percent { "^" percent } ;
//! percent    = prefix { "%" } ;
//! prefix     = ( "-" | "+" ) prefix | primary ;
//! primary    = NUMBER | STRING | BOOL | ERROR
//!            | "(" expr ")"
//!            | "{" row { ";" row } "}"                    (* array constant *)
//!            | call
//!            | reference ;
//! call       = ( NAME | CELL | BOOL ) "(" [ arg { "," arg } ] ")" ;  (* LOG10( is a call *)
//! arg        = [ expr ] ;                                      (* empty = Missing *)
//! row        = value { "," value } ;
//! value      = [ "+" | "-" ] NUMBER | STRING | BOOL | ERROR ;
//! reference  = [ SHEET ] CELL [ ":" CELL ]
//!            | [ SHEET ] LINES                              (* A:C, $3:$5 *)
//!            | [ SHEET ] NAME [ "[" [ "+" | "-" ] NUMBER "]" ] ;
//! ```
//!
//! All binary operators are left-associative (`2^3^2` is `(2^3)^2`), and a
//! prefix operator binds tighter than everything but a range (`-2^2` is
//! `(-2)^2`), as in Excel. Recursion is limited: more than [`MAX_NESTING`]
//! nested parentheses, calls or prefix operators, or a tree taller than
//! [`MAX_HEIGHT`], is the error "formula nested too deeply".

use std::fmt;

use super::ast::{BinaryOp, CellRef, Expr, Reference, UnaryOp};
use super::lexer::tokenize;
use super::token::{Span, Token, TokenKind, column};

/// Most parentheses, calls and prefix operators that may be nested.
pub const MAX_NESTING: usize = 256;
/// Greatest height of the syntax tree (a long chain like `1+1+…+1` is tall).
pub const MAX_HEIGHT: usize = 1024;

/// Why a formula could not be parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What was found and what was expected, e.g. "unexpected `)`".
    pub message: String,
    /// Where in the text (byte offsets).
    pub span: Span,
    /// 1-based column of `span.start`, in characters of the text as given
    /// (a leading `=` counts).
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.message, self.column)
    }
}

impl std::error::Error for ParseError {}

/// Parses formula text (with or without a leading `=`) into an expression.
///
/// # Errors
///
/// A [`ParseError`] naming what was found, what was expected and the column,
/// e.g. "expected an expression after `+` at column 4" for `=1+`.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    parse_with_sites(text).map(|(expr, _)| expr)
}

/// Where one reference is written in the text; used to rewrite it in place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RefSite {
    /// The reference as parsed.
    pub reference: Reference,
    /// The whole reference: sheet prefix, cells or name, and offset.
    pub span: Span,
    /// The sheet prefix including its `!`, if written.
    pub sheet: Option<Span>,
    /// The tokens after the sheet prefix.
    pub body: SiteBody,
}

/// The tokens that make up a reference after its sheet prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SiteBody {
    /// One cell, or the two ends of a range, in the order written (a range's
    /// [`Reference`] is normalised, these are not).
    Cells(Vec<(CellRef, Span)>),
    /// The metric name token (without the `[n]` offset).
    Name(Span),
    /// A whole-column or whole-row token (`A:C`, `$3:$3`).
    Lines(Span),
}

/// Parses `text` and also reports where each reference is written, in order
/// of appearance.
pub(crate) fn parse_with_sites(text: &str) -> Result<(Expr, Vec<RefSite>), ParseError> {
    let tokens = tokenize(text).map_err(|e| error_at(text, e.message, e.span))?;
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        nesting: 0,
        sites: Vec::new(),
    };
    if parser.tokens.is_empty() {
        return Err(error_at(text, "empty formula", Span::new(0, text.len())));
    }
    let parsed = parser.expr(1)?;
    if let Some(token) = parser.peek() {
        let message = format!("unexpected {}{}", parser.describe(token), hint(token));
        return Err(parser.error(message, token.span));
    }
    Ok((parsed.expr, parser.sites))
}

fn error_at(text: &str, message: impl Into<String>, span: Span) -> ParseError {
    ParseError {
        message: message.into(),
        span,
        column: column(text, span.start),
    }
}

/// An expression and the height of its tree (a leaf is 1).
struct Parsed {
    expr: Expr,
    height: usize,
}

impl Parsed {
    fn leaf(expr: Expr) -> Parsed {
        Parsed { expr, height: 1 }
    }
}

/// True if `expr` can stand on either side of the range operator: a cell
/// or range reference, a call (which may return one), or such a join.
fn joins(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Call { .. }
            | Expr::RangeOp(..)
            | Expr::Reference(Reference::Cell { .. } | Reference::Range { .. })
    )
}

/// A hint for a token that is out of place: `;` is the argument separator
/// in some spreadsheet locales, and only separates array rows here.
fn hint(token: &Token) -> &'static str {
    if token.kind == TokenKind::Semicolon {
        " (arguments are separated by `,`; `;` separates the rows of an array like `{1,2;3,4}`)"
    } else {
        ""
    }
}

/// Precedence of postfix `%`: tighter than every binary operator.
const PERCENT_PRECEDENCE: u8 = 6;

fn binary_op(kind: &TokenKind) -> Option<BinaryOp> {
    Some(match kind {
        TokenKind::Caret => BinaryOp::Power,
        TokenKind::Star => BinaryOp::Multiply,
        TokenKind::Slash => BinaryOp::Divide,
        TokenKind::Plus => BinaryOp::Add,
        TokenKind::Minus => BinaryOp::Subtract,
        TokenKind::Ampersand => BinaryOp::Concat,
        TokenKind::Equal => BinaryOp::Equal,
        TokenKind::NotEqual => BinaryOp::NotEqual,
        TokenKind::Less => BinaryOp::Less,
        TokenKind::Greater => BinaryOp::Greater,
        TokenKind::LessEqual => BinaryOp::LessEqual,
        TokenKind::GreaterEqual => BinaryOp::GreaterEqual,
        _ => return None,
    })
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    nesting: usize,
    sites: Vec<RefSite>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self) -> Option<&TokenKind> {
        self.peek().map(|t| &t.kind)
    }

    /// The token after the next one.
    fn peek_second_kind(&self) -> Option<&TokenKind> {
        self.tokens.get(self.pos + 1).map(|t| &t.kind)
    }

    fn previous(&self) -> Option<&Token> {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i))
    }

    fn advance(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    /// Consumes the next token if it is `kind`.
    fn eat(&mut self, kind: &TokenKind) -> bool {
        let found = self.peek_kind() == Some(kind);
        if found {
            self.pos += 1;
        }
        found
    }

    /// The span just past the end of the text.
    fn end_span(&self) -> Span {
        Span::new(self.text.len(), self.text.len())
    }

    fn error(&self, message: impl Into<String>, span: Span) -> ParseError {
        error_at(self.text, message, span)
    }

    fn error_at_end(&self, message: impl Into<String>) -> ParseError {
        self.error(message, self.end_span())
    }

    /// The token as written, in backticks, shortened if long.
    fn describe(&self, token: &Token) -> String {
        let written = token.span.slice(self.text);
        if written.chars().count() > 24 {
            let short: String = written.chars().take(20).collect();
            format!("`{short}…`")
        } else {
            format!("`{written}`")
        }
    }

    fn too_deep(&self, span: Span) -> ParseError {
        self.error("formula nested too deeply", span)
    }

    /// Enters one level of nesting (parenthesis, call or prefix operator).
    fn enter(&mut self, span: Span) -> Result<(), ParseError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(self.too_deep(span));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    /// A node over children of the given heights, checked against [`MAX_HEIGHT`].
    fn node(&self, expr: Expr, child_height: usize, span: Span) -> Result<Parsed, ParseError> {
        let height = child_height + 1;
        if height > MAX_HEIGHT {
            return Err(self.too_deep(span));
        }
        Ok(Parsed { expr, height })
    }

    /// Parses binary operators of at least `min_precedence` (precedence
    /// climbing) and postfix `%`.
    fn expr(&mut self, min_precedence: u8) -> Result<Parsed, ParseError> {
        let mut lhs = self.prefix()?;
        while let Some(token) = self.peek() {
            let span = token.span;
            if token.kind == TokenKind::Percent {
                if PERCENT_PRECEDENCE < min_precedence {
                    break;
                }
                self.pos += 1;
                lhs = self.node(Expr::Percent(Box::new(lhs.expr)), lhs.height, span)?;
                continue;
            }
            let Some(op) = binary_op(&token.kind) else {
                break;
            };
            if op.precedence() < min_precedence {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(op.precedence() + 1)?;
            let height = lhs.height.max(rhs.height);
            let expr = Expr::Binary(op, Box::new(lhs.expr), Box::new(rhs.expr));
            lhs = self.node(expr, height, span)?;
        }
        Ok(lhs)
    }

    fn prefix(&mut self) -> Result<Parsed, ParseError> {
        let op = match self.peek_kind() {
            Some(TokenKind::Minus) => UnaryOp::Negate,
            Some(TokenKind::Plus) => UnaryOp::Plus,
            _ => return self.primary(),
        };
        let span = self.peek().map(|t| t.span).unwrap_or_default();
        self.pos += 1;
        self.enter(span)?;
        let operand = self.prefix()?;
        self.leave();
        self.node(
            Expr::Unary(op, Box::new(operand.expr)),
            operand.height,
            span,
        )
    }

    /// A primary, then `:` joining it to another as Excel's range operator
    /// when either side is a function call (`INDEX(A:A,2):INDEX(A:A,9)`,
    /// `A1:INDEX(B:B,n)`); `A1:B2` itself is one reference token pair.
    fn primary(&mut self) -> Result<Parsed, ParseError> {
        let mut left = self.primary_operand()?;
        while self.peek_kind() == Some(&TokenKind::Colon) && joins(&left.expr) {
            let colon = self.advance();
            let right = self.primary_operand()?;
            if !joins(&right.expr) {
                let span = colon.map_or(Span::new(0, 0), |t| t.span);
                return Err(self.error("`:` must join two cells, like `B2:M2`", span));
            }
            let height = left.height.max(right.height);
            let span = colon.map_or(Span::new(0, 0), |t| t.span);
            left = self.node(
                Expr::RangeOp(Box::new(left.expr), Box::new(right.expr)),
                height,
                span,
            )?;
        }
        Ok(left)
    }

    fn primary_operand(&mut self) -> Result<Parsed, ParseError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected_operand());
        };
        let next_is_paren = self.peek_second_kind() == Some(&TokenKind::LParen);
        match token.kind {
            TokenKind::Number(n) => {
                self.pos += 1;
                if self.peek_kind() == Some(&TokenKind::Colon) {
                    let shown = self.range_shown(token.span);
                    let message = format!("`:` must join two cells, like `B2:M2`, found `{shown}`");
                    return Err(self.error(message, token.span));
                }
                Ok(Parsed::leaf(Expr::Number(n)))
            }
            TokenKind::Text(text) => {
                self.pos += 1;
                Ok(Parsed::leaf(Expr::Text(text)))
            }
            TokenKind::Error(kind) => {
                self.pos += 1;
                Ok(Parsed::leaf(Expr::Error(kind)))
            }
            TokenKind::Bool(_) | TokenKind::Name(_) if next_is_paren => self.call(token),
            TokenKind::Cell(cell) if next_is_paren && !cell.row_abs && !cell.col_abs => {
                self.call(token)
            }
            TokenKind::Bool(value) => {
                self.pos += 1;
                Ok(Parsed::leaf(Expr::Bool(value)))
            }
            TokenKind::LParen => self.group(token.span),
            TokenKind::LBrace => self.array(token.span),
            TokenKind::Cell(_)
            | TokenKind::Name(_)
            | TokenKind::Sheet(_)
            | TokenKind::Lines(..) => self.reference(),
            TokenKind::LBracket => Err(self.error(
                "unexpected `[`: a period offset like `[-1]` must follow a metric name",
                token.span,
            )),
            _ => Err(self.expected_operand()),
        }
    }

    /// The error for a missing operand at the current token.
    fn expected_operand(&self) -> ParseError {
        let after = self.previous().filter(|p| binary_op(&p.kind).is_some());
        match (self.peek(), after) {
            (None, Some(op)) => self.error_at_end(format!(
                "expected an expression after {}",
                self.describe(op)
            )),
            (None, None) => self.error_at_end("unexpected end of formula"),
            (Some(found), Some(op)) => self.error(
                format!(
                    "expected an expression after {}, found {}",
                    self.describe(op),
                    self.describe(found)
                ),
                found.span,
            ),
            (Some(found), None) => self.error(
                format!("unexpected {}{}", self.describe(found), hint(found)),
                found.span,
            ),
        }
    }

    /// `( expr )`; the `(` is next.
    fn group(&mut self, open: Span) -> Result<Parsed, ParseError> {
        self.pos += 1;
        self.enter(open)?;
        let inner = self.expr(1)?;
        self.leave();
        match self.peek() {
            Some(t) if t.kind == TokenKind::RParen => self.pos += 1,
            Some(t) => {
                let message = format!("expected `)` to close `(`, found {}", self.describe(t));
                return Err(self.error(message, t.span));
            }
            None => return Err(self.error_at_end("missing `)` to close `(`")),
        }
        self.node(Expr::Group(Box::new(inner.expr)), inner.height, open)
    }

    /// `{1,2;3,4}`: rows of constants separated by `;`, values by `,`, as
    /// Excel writes array constants; `{` is next.
    fn array(&mut self, open: Span) -> Result<Parsed, ParseError> {
        self.pos += 1;
        let mut rows: Vec<Vec<Expr>> = vec![Vec::new()];
        loop {
            let value = self.array_value()?;
            if let Some(row) = rows.last_mut() {
                row.push(value);
            }
            match self.advance() {
                Some(Token {
                    kind: TokenKind::Comma,
                    ..
                }) => {}
                Some(Token {
                    kind: TokenKind::Semicolon,
                    ..
                }) => rows.push(Vec::new()),
                Some(Token {
                    kind: TokenKind::RBrace,
                    span,
                }) => {
                    let width = rows.first().map_or(0, Vec::len);
                    if rows.iter().any(|r| r.len() != width) {
                        return Err(self.error(
                            "every row of an array constant needs the same number of values",
                            open.to(span),
                        ));
                    }
                    return Ok(Parsed::leaf(Expr::Array(rows)));
                }
                Some(t) => {
                    let message = format!(
                        "expected `,`, `;` or `}}` in an array constant, found {}",
                        self.describe(&t)
                    );
                    return Err(self.error(message, t.span));
                }
                None => return Err(self.error_at_end("missing `}` to close `{`")),
            }
        }
    }

    /// One value of an array constant: a number (with an optional sign),
    /// text, a boolean or an error.
    fn array_value(&mut self) -> Result<Expr, ParseError> {
        let sign = match self.peek_kind() {
            Some(TokenKind::Minus) => {
                self.pos += 1;
                -1.0
            }
            Some(TokenKind::Plus) => {
                self.pos += 1;
                1.0
            }
            _ => 0.0,
        };
        let Some(token) = self.advance() else {
            return Err(self.error_at_end("missing `}` to close `{`"));
        };
        match token.kind {
            TokenKind::Number(n) => Ok(Expr::Number(if sign < 0.0 { -n } else { n })),
            TokenKind::Text(text) if sign == 0.0 => Ok(Expr::Text(text)),
            TokenKind::Bool(value) if sign == 0.0 => Ok(Expr::Bool(value)),
            TokenKind::Error(kind) if sign == 0.0 => Ok(Expr::Error(kind)),
            _ => {
                let message = format!(
                    "an array constant holds only numbers, text, TRUE/FALSE and errors, found {}",
                    self.describe(&token)
                );
                Err(self.error(message, token.span))
            }
        }
    }

    /// `NAME( args )`; `name_token` and then `(` are next.
    fn call(&mut self, name_token: Token) -> Result<Parsed, ParseError> {
        self.pos += 2;
        self.enter(name_token.span)?;
        let written = name_token.span.slice(self.text);
        let mut args = Vec::new();
        let mut height = 0;
        let mut closed = self.eat(&TokenKind::RParen);
        while !closed {
            let arg = match self.peek_kind() {
                Some(TokenKind::Comma | TokenKind::RParen) => Parsed::leaf(Expr::Missing),
                None => break,
                Some(_) => self.expr(1)?,
            };
            height = height.max(arg.height);
            args.push(arg.expr);
            match self.advance() {
                Some(t) if t.kind == TokenKind::Comma => {}
                Some(t) if t.kind == TokenKind::RParen => closed = true,
                Some(t) => {
                    let message = format!(
                        "expected `,` or `)` in `{written}(`, found {}{}",
                        self.describe(&t),
                        hint(&t)
                    );
                    return Err(self.error(message, t.span));
                }
                None => break,
            }
        }
        if !closed {
            return Err(self.error_at_end(format!("missing `)` to close `{written}(`")));
        }
        self.leave();
        let name = upper_name(written);
        self.node(Expr::Call { name, args }, height, name_token.span)
    }

    /// The text of a would-be range starting at `first`, for messages: up to
    /// the token after the `:` that is next.
    fn range_shown(&self, first: Span) -> &str {
        let last = self
            .tokens
            .get(self.pos + 1)
            .filter(|t| {
                matches!(
                    t.kind,
                    TokenKind::Number(_) | TokenKind::Name(_) | TokenKind::Cell(_)
                )
            })
            .or(self.peek())
            .map_or(first, |t| t.span);
        first.to(last).slice(self.text)
    }

    /// `[SHEET] CELL [: CELL]` or `[SHEET] NAME [ [n] ]`.
    fn reference(&mut self) -> Result<Parsed, ParseError> {
        let Some(first) = self.advance() else {
            return Err(self.expected_operand());
        };
        let (sheet, sheet_span, body) = match &first.kind {
            TokenKind::Sheet(name) => {
                let body = self.advance();
                match body {
                    Some(t)
                        if matches!(
                            t.kind,
                            TokenKind::Cell(_) | TokenKind::Name(_) | TokenKind::Lines(..)
                        ) =>
                    {
                        (Some(name.clone()), Some(first.span), t)
                    }
                    Some(t) => {
                        let message = format!(
                            "expected a cell or metric name after {}, found {}",
                            self.describe(&first),
                            self.describe(&t)
                        );
                        return Err(self.error(message, t.span));
                    }
                    None => {
                        let message = format!(
                            "expected a cell or metric name after {}",
                            self.describe(&first)
                        );
                        return Err(self.error_at_end(message));
                    }
                }
            }
            _ => (None, None, first),
        };
        let start = sheet_span.unwrap_or(body.span);
        match body.kind {
            TokenKind::Cell(cell) => self.cells(sheet, sheet_span, start, cell, body.span),
            TokenKind::Lines(axis, first, second) => {
                let (first, second) = if second.index < first.index {
                    (second, first)
                } else {
                    (first, second)
                };
                let reference = Reference::Lines {
                    sheet,
                    axis,
                    start: first,
                    end: second,
                };
                self.sites.push(RefSite {
                    reference: reference.clone(),
                    span: start.to(body.span),
                    sheet: sheet_span,
                    body: SiteBody::Lines(body.span),
                });
                Ok(Parsed::leaf(Expr::Reference(reference)))
            }
            TokenKind::Name(name) => self.metric(sheet, sheet_span, start, name, body.span),
            _ => Err(self.expected_operand()),
        }
    }

    /// A cell, or a range if `:` follows; the first cell has been consumed.
    fn cells(
        &mut self,
        sheet: Option<String>,
        sheet_span: Option<Span>,
        start: Span,
        first: CellRef,
        first_span: Span,
    ) -> Result<Parsed, ParseError> {
        let mut written = vec![(first, first_span)];
        // `A1:INDEX(…)` is the range operator, left to `primary`.
        let call_follows = matches!(
            self.tokens.get(self.pos + 1).map(|t| &t.kind),
            Some(TokenKind::Name(_) | TokenKind::Cell(_))
        ) && matches!(
            self.tokens.get(self.pos + 2).map(|t| &t.kind),
            Some(TokenKind::LParen)
        );
        let reference = if self.peek_kind() == Some(&TokenKind::Colon)
            && !call_follows
            && self.eat(&TokenKind::Colon)
        {
            let (second, second_span) = match self.advance() {
                Some(Token {
                    kind: TokenKind::Cell(cell),
                    span,
                }) => (cell, span),
                Some(t) => {
                    let message = format!(
                        "expected a cell reference after `:`, found {}",
                        self.describe(&t)
                    );
                    return Err(self.error(message, t.span));
                }
                None => return Err(self.error_at_end("expected a cell reference after `:`")),
            };
            written.push((second, second_span));
            let (start, end) = normalise_range(first, second);
            Reference::Range { sheet, start, end }
        } else {
            Reference::Cell { sheet, cell: first }
        };
        let span = start.to(written.last().map_or(first_span, |&(_, s)| s));
        self.sites.push(RefSite {
            reference: reference.clone(),
            span,
            sheet: sheet_span,
            body: SiteBody::Cells(written),
        });
        Ok(Parsed::leaf(Expr::Reference(reference)))
    }

    /// A metric name and optional `[n]`; the name has been consumed.
    fn metric(
        &mut self,
        sheet: Option<String>,
        sheet_span: Option<Span>,
        start: Span,
        name: String,
        name_span: Span,
    ) -> Result<Parsed, ParseError> {
        if self.peek_kind() == Some(&TokenKind::Colon) {
            let shown = self.range_shown(name_span);
            let message = format!("`:` must join two cells, like `B2:M2`, found `{shown}`");
            return Err(self.error(message, name_span));
        }
        let mut span = start.to(name_span);
        let mut offset = 0;
        let explicit_offset = self.peek_kind() == Some(&TokenKind::LBracket);
        if explicit_offset {
            self.pos += 1;
            let (value, close) = self.offset(&name)?;
            offset = value;
            span = span.to(close);
        }
        let reference = Reference::Metric {
            sheet,
            name,
            offset,
            explicit_offset,
        };
        self.sites.push(RefSite {
            reference: reference.clone(),
            span,
            sheet: sheet_span,
            body: SiteBody::Name(name_span),
        });
        Ok(Parsed::leaf(Expr::Reference(reference)))
    }

    /// The inside of `[n]` after the `[`, through the `]`. Returns the offset
    /// and the span of the `]`.
    fn offset(&mut self, name: &str) -> Result<(i32, Span), ParseError> {
        let negative = self.eat(&TokenKind::Minus);
        if !negative {
            self.eat(&TokenKind::Plus);
        }
        let value = match self.advance() {
            Some(Token {
                kind: TokenKind::Number(n),
                span,
            }) => {
                let signed = if negative { -n } else { n };
                if signed.fract() != 0.0 {
                    let message = format!(
                        "a period offset must be a whole number, found `{}`",
                        span.slice(self.text)
                    );
                    return Err(self.error(message, span));
                }
                if signed < f64::from(i32::MIN) || signed > f64::from(i32::MAX) {
                    let message = format!("period offset `{}` is too large", span.slice(self.text));
                    return Err(self.error(message, span));
                }
                // In range and whole, so the conversion is exact.
                signed as i32
            }
            Some(t) => {
                let message = format!(
                    "expected a whole-number offset like `[-1]` after `{name}[`, found {}",
                    self.describe(&t)
                );
                return Err(self.error(message, t.span));
            }
            None => {
                return Err(self.error_at_end(format!(
                    "expected a whole-number offset like `[-1]` after `{name}[`"
                )));
            }
        };
        match self.advance() {
            Some(t) if t.kind == TokenKind::RBracket => Ok((value, t.span)),
            Some(t) => {
                let message = format!(
                    "expected `]` to close `{name}[`, found {}",
                    self.describe(&t)
                );
                Err(self.error(message, t.span))
            }
            None => Err(self.error_at_end(format!("missing `]` to close `{name}[`"))),
        }
    }
}

/// Orders a range's corners so that start ≤ end in both row and column, each
/// coordinate keeping its own `$` flag.
pub(crate) fn normalise_range(a: CellRef, b: CellRef) -> (CellRef, CellRef) {
    let (top, bottom) = if a.row <= b.row { (a, b) } else { (b, a) };
    let (left, right) = if a.col <= b.col { (a, b) } else { (b, a) };
    let start = CellRef {
        row: top.row,
        row_abs: top.row_abs,
        col: left.col,
        col_abs: left.col_abs,
    };
    let end = CellRef {
        row: bottom.row,
        row_abs: bottom.row_abs,
        col: right.col,
        col_abs: right.col_abs,
    };
    (start, end)
}

/// A function name in upper case, character by character. A character
/// whose upper case is several characters (`ΰ` → `Ϋ́`, with combining
/// marks that are not name characters) is kept as written, so the name
/// prints back to text that parses to the same name.
fn upper_name(written: &str) -> String {
    written
        .chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::ast::ErrorKind;

    fn ok(text: &str) -> Expr {
        match parse(text) {
            Ok(expr) => expr,
            Err(e) => panic!("{text:?}: {e}"),
        }
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(expr) => panic!("{text:?} parsed as {expr:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn num(n: f64) -> Expr {
        Expr::Number(n)
    }

    fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(op, Box::new(l), Box::new(r))
    }

    fn neg(e: Expr) -> Expr {
        Expr::Unary(UnaryOp::Negate, Box::new(e))
    }

    fn cell(row: u32, col: u32) -> CellRef {
        CellRef {
            row,
            col,
            row_abs: false,
            col_abs: false,
        }
    }

    fn metric(name: &str, offset: i32, explicit_offset: bool) -> Expr {
        Expr::Reference(Reference::Metric {
            sheet: None,
            name: name.into(),
            offset,
            explicit_offset,
        })
    }

    #[test]
    fn precedence_quirks() {
        use BinaryOp::*;
        assert_eq!(ok("-2^2"), bin(Power, neg(num(2.0)), num(2.0)));
        assert_eq!(
            ok("2^3^2"),
            bin(Power, bin(Power, num(2.0), num(3.0)), num(2.0))
        );
        assert_eq!(ok("2^-1"), bin(Power, num(2.0), neg(num(1.0))));
        assert_eq!(
            ok("=1+2*3"),
            bin(Add, num(1.0), bin(Multiply, num(2.0), num(3.0)))
        );
        assert_eq!(
            ok("-A1%"),
            Expr::Percent(Box::new(neg(Expr::Reference(Reference::Cell {
                sheet: None,
                cell: cell(0, 0)
            }))))
        );
        assert_eq!(
            ok("1=1=TRUE"),
            bin(Equal, bin(Equal, num(1.0), num(1.0)), Expr::Bool(true))
        );
        assert_eq!(
            ok(r#"="a"&1+2"#),
            bin(Concat, Expr::Text("a".into()), bin(Add, num(1.0), num(2.0)))
        );
        assert_eq!(
            ok("2^3%"),
            bin(Power, num(2.0), Expr::Percent(Box::new(num(3.0))))
        );
    }

    #[test]
    fn calls_and_missing_args() {
        assert_eq!(
            ok("if(A1,,2)"),
            Expr::Call {
                name: "IF".into(),
                args: vec![
                    Expr::Reference(Reference::Cell {
                        sheet: None,
                        cell: cell(0, 0)
                    }),
                    Expr::Missing,
                    num(2.0)
                ]
            }
        );
        assert_eq!(
            ok("F()"),
            Expr::Call {
                name: "F".into(),
                args: vec![]
            }
        );
        assert_eq!(
            ok("F(,)"),
            Expr::Call {
                name: "F".into(),
                args: vec![Expr::Missing, Expr::Missing]
            }
        );
        assert_eq!(
            ok("log10(100)"),
            Expr::Call {
                name: "LOG10".into(),
                args: vec![num(100.0)]
            }
        );
        assert_eq!(
            ok("true()"),
            Expr::Call {
                name: "TRUE".into(),
                args: vec![]
            }
        );
    }

    #[test]
    fn references() {
        assert_eq!(ok("customers[-1]"), metric("customers", -1, true));
        assert_eq!(ok("customers[+2]"), metric("customers", 2, true));
        assert_eq!(ok("customers[ 0 ]"), metric("customers", 0, true));
        assert_eq!(ok("price"), metric("price", 0, false));
        assert_eq!(
            ok("'Unit economics'!price[-1]"),
            Expr::Reference(Reference::Metric {
                sheet: Some("Unit economics".into()),
                name: "price".into(),
                offset: -1,
                explicit_offset: true
            })
        );
        let abs = |row, col, row_abs, col_abs| CellRef {
            row,
            col,
            row_abs,
            col_abs,
        };
        assert_eq!(
            ok("Inputs!$C9:A$1"),
            Expr::Reference(Reference::Range {
                sheet: Some("Inputs".into()),
                start: abs(0, 0, true, false),
                end: abs(8, 2, false, true),
            })
        );
        assert_eq!(ok("#REF!"), Expr::Error(ErrorKind::Ref));
    }

    #[test]
    fn error_messages() {
        assert_eq!(err(""), "empty formula at column 1");
        assert_eq!(err("="), "empty formula at column 1");
        assert_eq!(err("=1+2)"), "unexpected `)` at column 5");
        assert_eq!(err("=1+"), "expected an expression after `+` at column 4");
        assert_eq!(
            err("=1+*2"),
            "expected an expression after `+`, found `*` at column 4"
        );
        assert_eq!(err("=SUM(1,"), "missing `)` to close `SUM(` at column 8");
        assert_eq!(err("=(1"), "missing `)` to close `(` at column 4");
        assert_eq!(err(r#"="abc"#), "unclosed string at column 2");
        assert_eq!(err("=@"), "unknown character `@` at column 2");
        assert_eq!(
            err("=A1:"),
            "expected a cell reference after `:` at column 5"
        );
        assert_eq!(
            err("=price[x]"),
            "expected a whole-number offset like `[-1]` after `price[`, found `x` at column 8"
        );
        assert!(
            err("=price:cost")
                .starts_with("`:` must join two cells, like `B2:M2`, found `price:cost`")
        );
        assert_eq!(err("=SUM((1)"), "missing `)` to close `SUM(` at column 9");
        assert_eq!(
            err("=SUM(1 2)"),
            "expected `,` or `)` in `SUM(`, found `2` at column 8"
        );
        assert!(err("=[1]").starts_with("unexpected `[`"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(err(&deep).starts_with("formula nested too deeply"));
        let deep = format!("{}1", "-".repeat(100_000));
        assert!(err(&deep).starts_with("formula nested too deeply"));
        let deep = "SUM(".repeat(100_000);
        assert!(err(&deep).starts_with("formula nested too deeply"));
        let long = format!("1{}", "+1".repeat(100_000));
        assert!(err(&long).starts_with("formula nested too deeply"));
        // Just inside the limits.
        let ok_depth = format!("{}1{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(parse(&ok_depth).is_ok());
        let ok_chain = format!("1{}", "+1".repeat(MAX_HEIGHT - 1));
        assert!(parse(&ok_chain).is_ok());
    }

    #[test]
    fn sites_record_spans() {
        let Ok((_, sites)) = parse_with_sites("=Inputs!B2:A1 + price[-1]") else {
            panic!("did not parse");
        };
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].span, Span::new(1, 13));
        assert_eq!(sites[0].sheet, Some(Span::new(1, 8)));
        assert_eq!(
            sites[0].body,
            SiteBody::Cells(vec![
                (cell(1, 1), Span::new(8, 10)),
                (cell(0, 0), Span::new(11, 13))
            ])
        );
        assert_eq!(sites[1].span, Span::new(16, 25));
        assert_eq!(sites[1].body, SiteBody::Name(Span::new(16, 21)));
    }
}
