//! The function registry: one table of every spreadsheet function Lever knows
//! (name, arity, implementation), with one file per family:
//!
//! - `math.rs`: sums, products, rounding, powers, logarithms, `MOD`, `CEILING`/`FLOOR`
//! - `stats.rs`: counts, `AVERAGE`, `MIN`/`MAX`, `MEDIAN`, `MODE`, `LARGE`/`SMALL`,
//!   `RANK`, variance, percentiles and quartiles, `CORREL`/`SLOPE`/`FORECAST`
//! - `aggregate.rs`: `SUBTOTAL`, `AGGREGATE`
//! - `criteria.rs`: `SUMIF(S)`, `COUNTIF(S)`, `AVERAGEIF(S)`, `MAXIFS`, `MINIFS`
//! - `logical.rs`: `IF`, `IFS`, `IFERROR`, `IFNA`, `AND`, `OR`, `XOR`, `NOT`
//! - `info.rs`: the `IS…` tests, `NA`
//! - `lookup.rs`: `MATCH`, `XMATCH`, `VLOOKUP`, `HLOOKUP`, `XLOOKUP`, `LOOKUP`,
//!   `INDEX`, `CHOOSE`, `ROWS`, `COLUMNS`
//! - `text.rs`: `LEN`, `LEFT`, `MID`, `CONCAT`, `SUBSTITUTE`, `FIND`, `VALUE`,
//!   `TEXTBEFORE`, `TEXTAFTER`, `NUMBERVALUE`, `FIXED`, `DOLLAR`, …
//! - `format.rs`: `TEXT` and its number/date format language
//! - `date.rs`: serial dates, `DATE`, `YEAR`, `EDATE`, `EOMONTH`, `DAYS`,
//!   `WEEKNUM`, `WORKDAY`, `NETWORKDAYS`, `YEARFRAC`, `DATEDIF`, …
//! - `finance.rs`: `NPV`, `IRR`, `XNPV`, `XIRR`, `MIRR`, `PMT`, `IPMT`, `PPMT`,
//!   `CUMIPMT`, `CUMPRINC`, `PV`, `FV`, `NPER`, `RATE`, `SLN`, `DB`, `DDB`,
//!   `EFFECT`, `NOMINAL`
//! - `reference.rs`: `OFFSET`, `INDIRECT`, `ROW`, `COLUMN`, `INDEX` as a reference
//!
//! Shared argument handling (coercion, aggregate rules) is in `helpers.rs`;
//! value coercions and criteria are in `engine::coerce`.

pub mod aggregate;
pub mod args;
pub mod criteria;
pub mod date;
pub mod finance;
pub mod format;
pub(crate) mod helpers;
pub mod info;
pub mod logical;
pub mod lookup;
pub mod math;
pub mod reference;
pub mod stats;
pub mod text;

pub use args::{Arg, Array, RangeRef};

use crate::engine::value::Value;

/// The signature of every function: evaluated arguments in, one value out.
pub type FunctionImpl = fn(&[Arg<'_>]) -> Value;

/// One entry of the registry.
#[derive(Debug)]
pub struct FunctionSpec {
    /// Upper-case name as written in formulas, e.g. `SUMIFS`.
    pub name: &'static str,
    /// Fewest arguments accepted.
    pub min_args: usize,
    /// Most arguments accepted (`usize::MAX` for variadic functions).
    pub max_args: usize,
    /// True if operators inside the arguments work elementwise on ranges
    /// (`SUMPRODUCT((A1:A3>1)*B1:B3)`).
    pub array_args: bool,
    /// The implementation.
    pub implementation: FunctionImpl,
}

/// Registry entries are equal when they are the same function.
impl PartialEq for FunctionSpec {
    fn eq(&self, other: &FunctionSpec) -> bool {
        self.name == other.name
    }
}

/// Variadic: no upper bound on the argument count.
const V: usize = usize::MAX;

/// One registry entry; the family function returns a `Result` or a value,
/// which the generated wrapper turns into a [`Value`].
macro_rules! func {
    ($name:literal, $min:expr, $max:expr, $f:path) => {
        func!(@ $name, $min, $max, $f, false)
    };
    ($name:literal, $min:expr, $max:expr, $f:path, array) => {
        func!(@ $name, $min, $max, $f, true)
    };
    (@ $name:literal, $min:expr, $max:expr, $f:path, $array:expr) => {
        FunctionSpec {
            name: $name,
            min_args: $min,
            max_args: $max,
            array_args: $array,
            implementation: |args| helpers::IntoValue::into_value($f(args)),
        }
    };
}

/// Every function, sorted by name (byte order), for binary search.
pub static FUNCTIONS: &[FunctionSpec] = &[
    func!("ABS", 1, 1, math::abs),
    func!("AGGREGATE", 3, V, aggregate::aggregate),
    func!("AND", 1, V, logical::and),
    func!("AVERAGE", 1, V, stats::average),
    func!("AVERAGEIF", 2, 3, criteria::averageif),
    func!("AVERAGEIFS", 3, V, criteria::averageifs),
    func!("CEILING", 1, 2, math::ceiling),
    func!("CEILING.MATH", 1, 3, math::ceiling_math),
    func!("CHOOSE", 2, V, lookup::choose),
    func!("COLUMN", 0, 1, reference::column),
    func!("COLUMNS", 1, 1, lookup::columns),
    func!("CONCAT", 1, V, text::concat),
    func!("CONCATENATE", 1, V, text::concatenate),
    func!("CORREL", 2, 2, stats::correl),
    func!("COUNT", 1, V, stats::count),
    func!("COUNTA", 1, V, stats::counta),
    func!("COUNTBLANK", 1, 1, stats::countblank),
    func!("COUNTIF", 2, 2, criteria::countif),
    func!("COUNTIFS", 2, V, criteria::countifs),
    func!("CUMIPMT", 6, 6, finance::cumipmt),
    func!("CUMPRINC", 6, 6, finance::cumprinc),
    func!("DATE", 3, 3, date::date),
    func!("DATEDIF", 3, 3, date::datedif),
    func!("DATEVALUE", 1, 1, date::datevalue),
    func!("DAY", 1, 1, date::day),
    func!("DAYS", 2, 2, date::days),
    func!("DB", 4, 5, finance::db),
    func!("DDB", 4, 5, finance::ddb),
    func!("DOLLAR", 1, 2, text::dollar),
    func!("EDATE", 2, 2, date::edate),
    func!("EFFECT", 2, 2, finance::effect),
    func!("EOMONTH", 2, 2, date::eomonth),
    func!("EXACT", 2, 2, text::exact),
    func!("EXP", 1, 1, math::exp),
    func!("FALSE", 0, 0, logical::false_),
    func!("FIND", 2, 3, text::find),
    func!("FIXED", 1, 3, text::fixed),
    func!("FLOOR", 1, 2, math::floor),
    func!("FLOOR.MATH", 1, 3, math::floor_math),
    func!("FORECAST", 3, 3, stats::forecast),
    func!("FORECAST.LINEAR", 3, 3, stats::forecast),
    func!("FV", 3, 5, finance::fv),
    func!("HLOOKUP", 3, 4, lookup::hlookup),
    func!("IF", 2, 3, logical::if_),
    func!("IFERROR", 2, 2, logical::iferror),
    func!("IFNA", 2, 2, logical::ifna),
    func!("IFS", 2, V, logical::ifs),
    func!("INDEX", 2, 3, lookup::index),
    func!("INDIRECT", 1, 2, reference::indirect),
    func!("INT", 1, 1, math::int),
    func!("INTERCEPT", 2, 2, stats::intercept),
    func!("IPMT", 4, 6, finance::ipmt),
    func!("IRR", 1, 2, finance::irr),
    func!("ISBLANK", 1, 1, info::isblank),
    func!("ISERR", 1, 1, info::iserr),
    func!("ISERROR", 1, 1, info::iserror),
    func!("ISLOGICAL", 1, 1, info::islogical),
    func!("ISNA", 1, 1, info::isna),
    func!("ISNONTEXT", 1, 1, info::isnontext),
    func!("ISNUMBER", 1, 1, info::isnumber),
    func!("ISTEXT", 1, 1, info::istext),
    func!("LARGE", 2, 2, stats::large),
    func!("LEFT", 1, 2, text::left),
    func!("LEN", 1, 1, text::len),
    func!("LN", 1, 1, math::ln),
    func!("LOG", 1, 2, math::log),
    func!("LOG10", 1, 1, math::log10),
    func!("LOOKUP", 2, 3, lookup::lookup),
    func!("LOWER", 1, 1, text::lower),
    func!("MATCH", 2, 3, lookup::match_),
    func!("MAX", 1, V, stats::max),
    func!("MAXIFS", 3, V, criteria::maxifs),
    func!("MEDIAN", 1, V, stats::median),
    func!("MID", 3, 3, text::mid),
    func!("MIN", 1, V, stats::min),
    func!("MINIFS", 3, V, criteria::minifs),
    func!("MIRR", 3, 3, finance::mirr),
    func!("MOD", 2, 2, math::modulo),
    func!("MODE", 1, V, stats::mode),
    func!("MODE.SNGL", 1, V, stats::mode),
    func!("MONTH", 1, 1, date::month),
    func!("NA", 0, 0, info::na),
    func!("NETWORKDAYS", 2, 3, date::networkdays),
    func!("NOMINAL", 2, 2, finance::nominal),
    func!("NOT", 1, 1, logical::not),
    func!("NPER", 3, 5, finance::nper),
    func!("NPV", 2, V, finance::npv),
    func!("NUMBERVALUE", 1, 3, text::numbervalue),
    func!("OFFSET", 3, 5, reference::offset),
    func!("OR", 1, V, logical::or),
    func!("PERCENTILE", 2, 2, stats::percentile_inc),
    func!("PERCENTILE.EXC", 2, 2, stats::percentile_exc),
    func!("PERCENTILE.INC", 2, 2, stats::percentile_inc),
    func!("PI", 0, 0, math::pi),
    func!("PMT", 3, 5, finance::pmt),
    func!("POWER", 2, 2, math::power),
    func!("PPMT", 4, 6, finance::ppmt),
    func!("PRODUCT", 1, V, math::product),
    func!("PV", 3, 5, finance::pv),
    func!("QUARTILE", 2, 2, stats::quartile_inc),
    func!("QUARTILE.EXC", 2, 2, stats::quartile_exc),
    func!("QUARTILE.INC", 2, 2, stats::quartile_inc),
    func!("QUOTIENT", 2, 2, math::quotient),
    func!("RANK", 2, 3, stats::rank_eq),
    func!("RANK.EQ", 2, 3, stats::rank_eq),
    func!("RATE", 3, 6, finance::rate),
    func!("REPT", 2, 2, text::rept),
    func!("RIGHT", 1, 2, text::right),
    func!("ROUND", 2, 2, math::round),
    func!("ROUNDDOWN", 2, 2, math::rounddown),
    func!("ROUNDUP", 2, 2, math::roundup),
    func!("ROW", 0, 1, reference::row),
    func!("ROWS", 1, 1, lookup::rows),
    func!("SEARCH", 2, 3, text::search),
    func!("SIGN", 1, 1, math::sign),
    func!("SLN", 3, 3, finance::sln),
    func!("SLOPE", 2, 2, stats::slope),
    func!("SMALL", 2, 2, stats::small),
    func!("SQRT", 1, 1, math::sqrt),
    func!("STDEV", 1, V, stats::stdev_s),
    func!("STDEV.P", 1, V, stats::stdev_p),
    func!("STDEV.S", 1, V, stats::stdev_s),
    func!("STDEVP", 1, V, stats::stdev_p),
    func!("SUBSTITUTE", 3, 4, text::substitute),
    func!("SUBTOTAL", 2, V, aggregate::subtotal),
    func!("SUM", 1, V, math::sum),
    func!("SUMIF", 2, 3, criteria::sumif),
    func!("SUMIFS", 3, V, criteria::sumifs),
    func!("SUMPRODUCT", 1, V, math::sumproduct, array),
    func!("SUMSQ", 1, V, math::sumsq),
    func!("TEXT", 2, 2, format::text),
    func!("TEXTAFTER", 2, 6, text::textafter),
    func!("TEXTBEFORE", 2, 6, text::textbefore),
    func!("TEXTJOIN", 3, V, text::textjoin),
    func!("TRIM", 1, 1, text::trim),
    func!("TRUE", 0, 0, logical::true_),
    func!("TRUNC", 1, 2, math::trunc),
    func!("UPPER", 1, 1, text::upper),
    func!("VALUE", 1, 1, text::value),
    func!("VAR", 1, V, stats::var_s),
    func!("VAR.P", 1, V, stats::var_p),
    func!("VAR.S", 1, V, stats::var_s),
    func!("VARP", 1, V, stats::var_p),
    func!("VLOOKUP", 3, 4, lookup::vlookup),
    func!("WEEKDAY", 1, 2, date::weekday),
    func!("WEEKNUM", 1, 2, date::weeknum),
    func!("WORKDAY", 2, 3, date::workday),
    func!("XIRR", 2, 3, finance::xirr),
    func!("XLOOKUP", 3, 6, lookup::xlookup),
    func!("XMATCH", 2, 4, lookup::xmatch),
    func!("XNPV", 3, 3, finance::xnpv),
    func!("XOR", 1, V, logical::xor),
    func!("YEAR", 1, 1, date::year),
    func!("YEARFRAC", 2, 3, date::yearfrac),
];

/// Finds a function by name, case-insensitively.
pub fn lookup(name: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS
        .binary_search_by(|f| {
            f.name
                .bytes()
                .cmp(name.bytes().map(|b| b.to_ascii_uppercase()))
        })
        .ok()
        .and_then(|i| FUNCTIONS.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::ErrorKind;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in FUNCTIONS.windows(2) {
            if let [a, b] = pair {
                assert!(a.name < b.name, "{} before {}", a.name, b.name);
            }
        }
        for f in FUNCTIONS {
            assert_eq!(f.name, f.name.to_ascii_uppercase());
            assert!(f.min_args <= f.max_args, "{}", f.name);
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(lookup("sumifs").map(|f| f.name), Some("SUMIFS"));
        assert_eq!(lookup("Stdev.S").map(|f| f.name), Some("STDEV.S"));
        assert!(lookup("NOPE").is_none());
        assert!(lookup("SUMPRODUCT").is_some_and(|f| f.array_args));
    }

    #[test]
    fn every_function_is_total_on_odd_arguments() {
        let odd = [
            Value::Empty,
            Value::Number(0.0),
            Value::Number(-1.0),
            Value::Number(1e308),
            Value::Number(-1e308),
            Value::Number(f64::NAN),
            Value::Number(4_294_967_296.5),
            Value::text(""),
            Value::text("abc"),
            Value::text("*?~"),
            Value::Bool(true),
            Value::error(ErrorKind::NA),
        ];
        let empty = Array {
            rows: 0,
            cols: 0,
            data: vec![],
        };
        let grid: Vec<Value> = odd.iter().cloned().chain(odd.iter().cloned()).collect();
        let range = RangeRef {
            data: &grid,
            stride: 4,
            row0: 1,
            col0: 1,
            rows: 3,
            cols: 2,
        };
        let wide = RangeRef {
            rows: 1_000,
            cols: 3,
            ..range
        };
        for f in FUNCTIONS {
            let max = f.max_args.min(f.min_args + 3);
            for n in f.min_args..=max {
                for v in &odd {
                    let args: Vec<Arg<'_>> = (0..n).map(|_| Arg::Value(v.clone())).collect();
                    let _ = (f.implementation)(&args);
                    let mut with_array = args.clone();
                    if let Some(first) = with_array.first_mut() {
                        *first = Arg::Array(empty.clone());
                    }
                    let _ = (f.implementation)(&with_array);
                    for r in [range, wide] {
                        let mut with_range = args.clone();
                        if let Some(first) = with_range.first_mut() {
                            *first = Arg::Range {
                                range: r,
                                at: (2, 9),
                            };
                        }
                        let _ = (f.implementation)(&with_range);
                        let all: Vec<Arg<'_>> = (0..n)
                            .map(|_| Arg::Range {
                                range: r,
                                at: (2, 2),
                            })
                            .collect();
                        let _ = (f.implementation)(&all);
                    }
                    for r in [range, wide] {
                        let mut with_range = args.clone();
                        if let Some(first) = with_range.first_mut() {
                            *first = Arg::Range {
                                range: r,
                                at: (2, 9),
                            };
                        }
                        let _ = (f.implementation)(&with_range);
                        let all: Vec<Arg<'_>> = (0..n)
                            .map(|_| Arg::Range {
                                range: r,
                                at: (2, 2),
                            })
                            .collect();
                        let _ = (f.implementation)(&all);
                    }
                }
            }
        }
    }
}
