//! Read-only queries over a parsed formula: which references and which
//! functions it uses. The engine uses these to build its dependency graph.

use super::ast::{Expr, Reference};

/// Every reference in `expr`, in order of appearance (duplicates kept).
pub fn references(expr: &Expr) -> Vec<&Reference> {
    let mut found = Vec::new();
    visit(expr, &mut |e| {
        if let Expr::Reference(reference) = e {
            found.push(reference);
        }
    });
    found
}

/// The name of every function called in `expr`, upper-cased as parsed, in
/// order of appearance (an outer call before the calls in its arguments;
/// duplicates kept).
pub fn function_names(expr: &Expr) -> Vec<&str> {
    let mut found = Vec::new();
    visit(expr, &mut |e| {
        if let Expr::Call { name, .. } = e {
            found.push(name.as_str());
        }
    });
    found
}

/// The names bound by the `LET`s of `expr` (as written, without `_xlpm.`).
pub fn let_names(expr: &Expr) -> Vec<&str> {
    let mut found = Vec::new();
    visit(expr, &mut |e| {
        if let Expr::Call { name, args } = e
            && name.eq_ignore_ascii_case("LET")
        {
            for pair in args.chunks(2).filter(|pair| pair.len() == 2) {
                if let Expr::Reference(reference) = &pair[0]
                    && let Some(name) = reference.plain_name()
                {
                    found.push(name.strip_prefix("_xlpm.").unwrap_or(name));
                }
            }
        }
    });
    found
}

/// Calls `f` on `expr` and then on its sub-expressions, left to right.
fn visit<'a>(expr: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    f(expr);
    match expr {
        Expr::Unary(_, inner) | Expr::Percent(inner) | Expr::Group(inner) => visit(inner, f),
        Expr::Binary(_, lhs, rhs) | Expr::RangeOp(lhs, rhs) => {
            visit(lhs, f);
            visit(rhs, f);
        }
        Expr::Call { args, .. } => args.iter().for_each(|arg| visit(arg, f)),
        Expr::Number(_)
        | Expr::Text(_)
        | Expr::Bool(_)
        | Expr::Error(_)
        | Expr::Reference(_)
        | Expr::Array(_)
        | Expr::Missing => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::parse;

    #[test]
    fn in_order_of_appearance() {
        let Ok(expr) = parse("=SUM(B2:B4, price[-1]) * -(Inputs!A1 + IF(x, ROUND(y, 0)))") else {
            panic!("did not parse");
        };
        let refs: Vec<String> = references(&expr)
            .into_iter()
            .map(|r| crate::formula::print(&Expr::Reference(r.clone())))
            .collect();
        assert_eq!(refs, ["B2:B4", "price[-1]", "Inputs!A1", "x", "y"]);
        assert_eq!(function_names(&expr), ["SUM", "IF", "ROUND"]);
    }

    #[test]
    fn none_in_literals() {
        let Ok(expr) = parse("=1 + \"A1\" & #REF!") else {
            panic!("did not parse");
        };
        assert!(references(&expr).is_empty());
        assert!(function_names(&expr).is_empty());
    }
}
