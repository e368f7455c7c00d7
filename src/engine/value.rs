//! Runtime values of cells and expressions, and spreadsheet errors as values.

use arcstr::ArcStr;
use std::fmt;

pub use crate::formula::ErrorKind;

/// The value of a cell or of an evaluated expression.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// A cell with nothing in it. Counts as 0 or "" where a number or text is needed.
    #[default]
    Empty,
    /// A finite number. Dates are numbers too (Excel serial days since 1899-12-30).
    Number(f64),
    /// Text.
    Text(ArcStr),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// An error value such as `#DIV/0!`, with an optional explanation.
    Error(CellError),
}

/// An error value: its kind (what Excel shows) and an optional detail for the
/// user (for a circular reference, the cycle's cells).
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    /// What kind of error, e.g. `#DIV/0!`.
    pub kind: ErrorKind,
    /// A human explanation, e.g. "circular reference: B3 → C3 → B3".
    pub detail: Option<ArcStr>,
}

impl CellError {
    /// An error of `kind` with no detail.
    pub fn new(kind: ErrorKind) -> Self {
        CellError { kind, detail: None }
    }

    /// An error of `kind` with an explanation.
    pub fn with_detail(kind: ErrorKind, detail: impl Into<ArcStr>) -> Self {
        CellError {
            kind,
            detail: Some(detail.into()),
        }
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())
    }
}

impl Value {
    /// An error value of `kind` with no detail.
    pub fn error(kind: ErrorKind) -> Value {
        Value::Error(CellError::new(kind))
    }

    /// A number, or `#NUM!` if it is not finite (overflow, NaN): spreadsheets
    /// never hold infinities.
    pub fn number(n: f64) -> Value {
        if n.is_finite() {
            Value::Number(n)
        } else {
            Value::error(ErrorKind::Num)
        }
    }

    /// A text value.
    pub fn text(s: impl AsRef<str>) -> Value {
        Value::Text(ArcStr::from(s.as_ref()))
    }

    /// The number inside, if this is a number.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The error inside, if this is an error.
    pub fn as_error(&self) -> Option<&CellError> {
        match self {
            Value::Error(e) => Some(e),
            _ => None,
        }
    }

    /// True for [`Value::Error`].
    pub fn is_error(&self) -> bool {
        matches!(self, Value::Error(_))
    }

    /// True for [`Value::Empty`].
    pub fn is_empty(&self) -> bool {
        matches!(self, Value::Empty)
    }

    /// Equality for change detection: numbers compare bitwise-equal values,
    /// errors by kind and detail.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a == b || (a.is_nan() && b.is_nan()),
            _ => self == other,
        }
    }
}

impl fmt::Display for Value {
    /// The value as a spreadsheet shows it in a "General" cell: numbers in
    /// shortest round-trip form, booleans `TRUE`/`FALSE`, errors `#DIV/0!`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Empty => Ok(()),
            Value::Number(n) => write!(f, "{}", crate::engine::coerce::number_to_text(*n)),
            Value::Text(s) => f.write_str(s),
            Value::Bool(true) => f.write_str("TRUE"),
            Value::Bool(false) => f.write_str("FALSE"),
            Value::Error(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_takes_24_bytes() {
        // A million cells of a 10,000 × 120 model: every byte here is a MB.
        // The tag shares the byte of the error kind.
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }
}
