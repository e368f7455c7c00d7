//! Property tests for the formula module: printing round-trips through the
//! parser for random syntax trees, and parsing or rewriting arbitrary text
//! never panics.

use lever::formula::{
    BinaryOp, CellRef, ErrorKind, Expr, Reference, Structural, UnaryOp, apply_structural,
    is_valid_name, parse, print, rename_metric, rename_sheet,
};
use proptest::prelude::*;

const BINARY_OPS: [BinaryOp; 12] = [
    BinaryOp::Power,
    BinaryOp::Multiply,
    BinaryOp::Divide,
    BinaryOp::Add,
    BinaryOp::Subtract,
    BinaryOp::Concat,
    BinaryOp::Equal,
    BinaryOp::NotEqual,
    BinaryOp::Less,
    BinaryOp::Greater,
    BinaryOp::LessEqual,
    BinaryOp::GreaterEqual,
];

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..10_000).prop_map(f64::from),
        0.0..1.0f64,
        any::<f64>()
            .prop_filter("finite", |n| n.is_finite())
            .prop_map(f64::abs),
    ]
}

fn sheet() -> impl Strategy<Value = Option<String>> {
    const NAMES: &[&str] = &[
        "Inputs",
        "Unit economics",
        "Bob's",
        "Q1",
        "2024",
        "выручка",
        "v1.2",
        "TRUE",
        "a!b",
        "'quoted'",
    ];
    prop_oneof![
        3 => Just(None),
        1 => prop::sample::select(NAMES).prop_map(|s| Some(s.to_string())),
    ]
}

fn cell() -> impl Strategy<Value = CellRef> {
    let row = prop_oneof![0u32..20, 0u32..=1_048_575];
    let col = prop_oneof![0u32..30, 0u32..=16_383];
    (row, col, any::<bool>(), any::<bool>()).prop_map(|(row, col, row_abs, col_abs)| CellRef {
        row,
        col,
        row_abs,
        col_abs,
    })
}

/// Names the parser reads back as metric names.
fn metric_name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z_][a-zA-Z0-9_.]{0,8}", "[а-яА-Я_][а-яА-Я0-9_]{0,6}"]
        .prop_filter("a plain name", |name| is_valid_name(name))
}

fn function_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][A-Z0-9_.]{0,8}",
        "[А-Я][А-Я0-9_]{0,5}",
        Just("LOG10".to_string()),
        Just("TRUE".to_string()),
    ]
}

/// Orders a range's corners the way the parser does.
fn normalise(a: CellRef, b: CellRef) -> (CellRef, CellRef) {
    let (top, bottom) = if a.row <= b.row { (a, b) } else { (b, a) };
    let (left, right) = if a.col <= b.col { (a, b) } else { (b, a) };
    (
        CellRef {
            col: left.col,
            col_abs: left.col_abs,
            ..top
        },
        CellRef {
            col: right.col,
            col_abs: right.col_abs,
            ..bottom
        },
    )
}

fn reference() -> impl Strategy<Value = Reference> {
    prop_oneof![
        (sheet(), cell()).prop_map(|(sheet, cell)| Reference::Cell { sheet, cell }),
        (sheet(), cell(), cell()).prop_map(|(sheet, a, b)| {
            let (start, end) = normalise(a, b);
            Reference::Range { sheet, start, end }
        }),
        (sheet(), metric_name(), any::<i32>(), any::<bool>()).prop_map(
            |(sheet, name, offset, explicit_offset)| Reference::Metric {
                sheet,
                name,
                offset: if explicit_offset { offset } else { 0 },
                explicit_offset,
            }
        ),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        number().prop_map(Expr::Number),
        any::<String>().prop_map(Expr::Text),
        any::<bool>().prop_map(Expr::Bool),
        prop::sample::select(ErrorKind::ALL.as_slice()).prop_map(Expr::Error),
        reference().prop_map(Expr::Reference),
    ]
}

/// Random trees of the shapes the parser builds, with or without the
/// `Group`s that their printed form needs.
fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 64, 4, |inner| {
        let arg = prop_oneof![4 => inner.clone(), 1 => Just(Expr::Missing)];
        prop_oneof![
            (any::<bool>(), inner.clone()).prop_map(|(negate, e)| {
                let op = if negate {
                    UnaryOp::Negate
                } else {
                    UnaryOp::Plus
                };
                Expr::Unary(op, Box::new(e))
            }),
            inner.clone().prop_map(|e| Expr::Percent(Box::new(e))),
            (
                prop::sample::select(BINARY_OPS.as_slice()),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| Expr::Binary(op, Box::new(l), Box::new(r))),
            (function_name(), prop::collection::vec(arg, 0..4)).prop_map(|(name, mut args)| {
                // `F()` has no arguments, not one missing one.
                if args == [Expr::Missing] {
                    args.clear();
                }
                Expr::Call { name, args }
            }),
            inner.prop_map(|e| Expr::Group(Box::new(e))),
        ]
    })
}

/// The tree without its `Group` nodes: its meaning.
fn strip_groups(expr: &Expr) -> Expr {
    let strip = |e: &Expr| Box::new(strip_groups(e));
    match expr {
        Expr::Group(inner) => strip_groups(inner),
        Expr::Unary(op, e) => Expr::Unary(*op, strip(e)),
        Expr::Percent(e) => Expr::Percent(strip(e)),
        Expr::Binary(op, l, r) => Expr::Binary(*op, strip(l), strip(r)),
        Expr::Call { name, args } => Expr::Call {
            name: name.clone(),
            args: args.iter().map(strip_groups).collect(),
        },
        other => other.clone(),
    }
}

/// Pieces of formulas, for sequences that come closer to parsing than
/// random text does.
const FRAGMENTS: &[&str] = &[
    "1",
    "2.5",
    ".5",
    "1e3",
    "1e",
    "-",
    "+",
    "*",
    "/",
    "^",
    "&",
    "%",
    "=",
    "<>",
    "<",
    ">=",
    "(",
    ")",
    ",",
    ":",
    "[",
    "]",
    "[-1]",
    "$",
    "A1",
    "$B$2",
    "B$3",
    "XFD1",
    "SUM",
    "sum(",
    "IF(",
    "price",
    "выручка",
    "Inputs!",
    "'Unit economics'!",
    "'",
    "!",
    "\"",
    "\"a\"\"b\"",
    "#REF!",
    "#N/A",
    "#",
    "TRUE",
    " ",
    "\t",
    "@",
    "ы",
    "😀",
    "LOG10(",
    "A:A",
    "1:3",
    "$B:$D",
    "{",
    "}",
    ";",
    "{1,2;3,4}",
];

fn formulaish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

/// Parsing `text` must not panic; an error must point inside the text; a
/// success must print to text that parses to the same tree. Rewriting must
/// not panic either, and what it returns must parse.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Ok(expr) => {
            let printed = print(&expr);
            let again = parse(&printed);
            prop_assert_eq!(again.as_ref().ok(), Some(&expr), "printed {:?}", printed);
        }
        Err(e) => {
            prop_assert!(!e.message.is_empty());
            prop_assert!(text.get(e.span.start..e.span.end).is_some(), "{:?}", e);
            prop_assert!(e.column >= 1 && e.column <= text.chars().count() + 1);
        }
    }
    let rewritten = [
        rename_metric(text, "Model", "Model", "price", "unit_price"),
        rename_sheet(text, "Inputs", "Q1 plan"),
        apply_structural(
            text,
            "Model",
            "Model",
            Structural::DeleteRows { at: 1, count: 2 },
        ),
        apply_structural(
            text,
            "Model",
            "Inputs",
            Structural::InsertCols { at: 0, count: 3 },
        ),
    ];
    for result in rewritten.into_iter().flatten() {
        prop_assert!(parse(&result).is_ok(), "rewrote {:?} to {:?}", text, result);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Printing keeps the tree's meaning, and what the parser builds from
    /// printed text prints and parses back to itself exactly.
    #[test]
    fn print_then_parse_round_trips(e in expr()) {
        let printed = print(&e);
        let parsed = match parse(&printed) {
            Ok(parsed) => parsed,
            Err(err) => return Err(TestCaseError::fail(format!("{printed:?}: {err}"))),
        };
        prop_assert_eq!(strip_groups(&parsed), strip_groups(&e), "printed {:?}", printed);
        prop_assert_eq!(print(&parsed), printed.clone());
        prop_assert_eq!(parse(&print(&parsed)).ok(), Some(parsed));
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_text(&text)?;
    }

    #[test]
    fn formula_like_text_never_panics(text in formulaish()) {
        check_text(&text)?;
    }
}
