//! The function registry: one table of every spreadsheet function Lever knows
//! (name, arity, implementation), with one file per family:
//!
//! - `math.rs`: sums, products, rounding, powers, logarithms, `MOD`, `CEILING`/`FLOOR`
//! - `integer.rs`: factorials and combinations, `GCD`/`LCM`, `EVEN`/`ODD`,
//!   `MROUND`, `BASE`/`DECIMAL`, `ROMAN`/`ARABIC`, sums of squares
//! - `trig.rs`: trigonometric and hyperbolic functions, their inverses,
//!   `DEGREES`/`RADIANS`
//! - `stats.rs`: counts, `AVERAGE`, `MIN`/`MAX`, `MEDIAN`, `MODE`, `LARGE`/`SMALL`,
//!   `RANK`, variance, percentiles and quartiles, `CORREL`/`SLOPE`/`FORECAST`
//! - `describe.rs`: deviations, geometric and harmonic means, skew and
//!   kurtosis, covariance, `PERCENTRANK`, `RANK.AVG`, `TRIMMEAN`, `PROB`, the
//!   `…A` variants that count text and booleans
//! - `distributions.rs`: normal, lognormal, exponential, binomial, Poisson,
//!   gamma, beta, t, chi-squared, F and Weibull distributions and inverses,
//!   `FISHER`, `STANDARDIZE`, `CONFIDENCE`
//! - `aggregate.rs`: `SUBTOTAL`, `AGGREGATE`
//! - `criteria.rs`: `SUMIF(S)`, `COUNTIF(S)`, `AVERAGEIF(S)`, `MAXIFS`, `MINIFS`
//! - `logical.rs`: `IF`, `IFS`, `SWITCH`, `IFERROR`, `IFNA`, `AND`, `OR`,
//!   `XOR`, `NOT` (`LET` is compiled, see `engine::compile`)
//! - `info.rs`: the `IS…` tests (with `ISEVEN`, `ISODD`), `NA`, `N`, `T`,
//!   `TYPE`, `ERROR.TYPE`
//! - `lookup.rs`: `MATCH`, `XMATCH`, `VLOOKUP`, `HLOOKUP`, `XLOOKUP`, `LOOKUP`,
//!   `INDEX`, `CHOOSE`, `ROWS`, `COLUMNS`, `ADDRESS`
//! - `text.rs`: `LEN`, `LEFT`, `MID`, `CONCAT`, `SUBSTITUTE`, `REPLACE`,
//!   `FIND`, `VALUE`, `TEXTBEFORE`, `TEXTAFTER`, `NUMBERVALUE`, `FIXED`,
//!   `DOLLAR`, `CHAR`/`CODE`, `UNICHAR`/`UNICODE`, `CLEAN`, `PROPER`, …
//! - `format.rs`: `TEXT` and its number/date format language
//! - `date.rs`: serial dates and times, `DATE`, `TIME`, `YEAR`, `HOUR`,
//!   `EDATE`, `EOMONTH`, `DAYS`, `DAYS360`, `WEEKNUM`, `ISOWEEKNUM`,
//!   `WORKDAY(.INTL)`, `NETWORKDAYS(.INTL)`, `YEARFRAC`, `DATEDIF`, …
//! - `finance.rs`: `NPV`, `IRR`, `XNPV`, `XIRR`, `MIRR`, `PMT`, `IPMT`, `PPMT`,
//!   `CUMIPMT`, `CUMPRINC`, `PV`, `FV`, `NPER`, `RATE`, `SLN`, `DB`, `DDB`,
//!   `EFFECT`, `NOMINAL`, `ISPMT`, `FVSCHEDULE`, `PDURATION`, `RRI`,
//!   `DOLLARDE`/`DOLLARFR`, the `TBILL…` functions
//! - `reference.rs`: `OFFSET`, `INDIRECT`, `ROW`, `COLUMN`, `INDEX` as a reference
//! - `dynamic.rs`: functions returning arrays: `SEQUENCE`, `FILTER`, `SORT`,
//!   `SORTBY`, `UNIQUE`, `TRANSPOSE`
//!
//! Shared argument handling (coercion, aggregate rules) is in `helpers.rs`;
//! value coercions and criteria are in `engine::coerce`.

pub mod aggregate;
pub mod args;
pub mod clock;
pub mod criteria;
pub mod date;
pub mod describe;
pub mod distributions;
pub mod dynamic;
pub mod finance;
pub mod format;
pub(crate) mod helpers;
pub mod info;
pub mod integer;
pub mod logical;
pub mod lookup;
pub mod math;
pub mod reference;
pub mod stats;
pub mod text;
pub mod trig;

pub use args::{Arg, Array, RangeRef};

use crate::engine::value::Value;

/// The signature of every function: evaluated arguments in, one value out.
pub type FunctionImpl = fn(&[Arg<'_>]) -> Value;

/// The signature of a function that returns an array (`SEQUENCE`,
/// `FILTER`, …): handed to the function around it as an array.
pub type ArrayImpl = fn(&[Arg<'_>]) -> Result<Array, crate::engine::value::CellError>;

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
    /// The implementation (for an array function: the array's first value,
    /// what the formula shows in one cell).
    pub implementation: FunctionImpl,
    /// For a function that returns an array, the array.
    pub array_result: Option<ArrayImpl>,
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
            array_result: None,
        }
    };
    // A function returning an array: its arguments are read as arrays, and
    // in one cell it shows the array's first value.
    ($name:literal, $min:expr, $max:expr, $f:path, returns_array) => {
        FunctionSpec {
            name: $name,
            min_args: $min,
            max_args: $max,
            array_args: true,
            implementation: |args| match $f(args) {
                Ok(array) => array.data.into_iter().next().unwrap_or(Value::Empty),
                Err(e) => Value::Error(e),
            },
            array_result: Some($f),
        }
    };
}

/// Every function, sorted by name (byte order), for binary search.
pub static FUNCTIONS: &[FunctionSpec] = &[
    func!("ABS", 1, 1, math::abs),
    func!("ACOS", 1, 1, trig::acos),
    func!("ACOSH", 1, 1, trig::acosh),
    func!("ACOT", 1, 1, trig::acot),
    func!("ACOTH", 1, 1, trig::acoth),
    func!("ADDRESS", 2, 5, lookup::address),
    func!("AGGREGATE", 3, V, aggregate::aggregate),
    func!("AND", 1, V, logical::and),
    func!("ARABIC", 1, 1, integer::arabic),
    func!("ASIN", 1, 1, trig::asin),
    func!("ASINH", 1, 1, trig::asinh),
    func!("ATAN", 1, 1, trig::atan),
    func!("ATAN2", 2, 2, trig::atan2),
    func!("ATANH", 1, 1, trig::atanh),
    func!("AVEDEV", 1, V, describe::avedev),
    func!("AVERAGE", 1, V, stats::average),
    func!("AVERAGEA", 1, V, describe::averagea),
    func!("AVERAGEIF", 2, 3, criteria::averageif),
    func!("AVERAGEIFS", 3, V, criteria::averageifs),
    func!("BASE", 2, 3, integer::base),
    func!("BETA.DIST", 4, 6, distributions::beta_dist),
    func!("BETA.INV", 3, 5, distributions::beta_inv),
    func!("BETAINV", 3, 5, distributions::beta_inv),
    func!("BINOM.DIST", 4, 4, distributions::binom_dist),
    func!("BINOM.INV", 3, 3, distributions::binom_inv),
    func!("BINOMDIST", 4, 4, distributions::binomdist),
    func!("CEILING", 1, 2, math::ceiling),
    func!("CEILING.MATH", 1, 3, math::ceiling_math),
    func!("CEILING.PRECISE", 1, 2, integer::ceiling_precise),
    func!("CHAR", 1, 1, text::char_),
    func!("CHIDIST", 2, 2, distributions::chisq_dist_rt),
    func!("CHIINV", 2, 2, distributions::chisq_inv_rt),
    func!("CHISQ.DIST", 3, 3, distributions::chisq_dist),
    func!("CHISQ.DIST.RT", 2, 2, distributions::chisq_dist_rt),
    func!("CHISQ.INV", 2, 2, distributions::chisq_inv),
    func!("CHISQ.INV.RT", 2, 2, distributions::chisq_inv_rt),
    func!("CHOOSE", 2, V, lookup::choose),
    func!("CLEAN", 1, 1, text::clean),
    func!("CODE", 1, 1, text::code),
    func!("COLUMN", 0, 1, reference::column),
    func!("COLUMNS", 1, 1, lookup::columns),
    func!("COMBIN", 2, 2, integer::combin),
    func!("COMBINA", 2, 2, integer::combina),
    func!("CONCAT", 1, V, text::concat),
    func!("CONCATENATE", 1, V, text::concatenate),
    func!("CONFIDENCE", 3, 3, distributions::confidence),
    func!("CONFIDENCE.NORM", 3, 3, distributions::confidence_norm),
    func!("CONFIDENCE.T", 3, 3, distributions::confidence_t),
    func!("CORREL", 2, 2, stats::correl),
    func!("COS", 1, 1, trig::cos),
    func!("COSH", 1, 1, trig::cosh),
    func!("COT", 1, 1, trig::cot),
    func!("COTH", 1, 1, trig::coth),
    func!("COUNT", 1, V, stats::count),
    func!("COUNTA", 1, V, stats::counta),
    func!("COUNTBLANK", 1, 1, stats::countblank),
    func!("COUNTIF", 2, 2, criteria::countif),
    func!("COUNTIFS", 2, V, criteria::countifs),
    func!("COVAR", 2, 2, describe::covar),
    func!("COVARIANCE.P", 2, 2, describe::covariance_p),
    func!("COVARIANCE.S", 2, 2, describe::covariance_s),
    func!("CRITBINOM", 3, 3, distributions::critbinom),
    func!("CSC", 1, 1, trig::csc),
    func!("CSCH", 1, 1, trig::csch),
    func!("CUMIPMT", 6, 6, finance::cumipmt),
    func!("CUMPRINC", 6, 6, finance::cumprinc),
    func!("DATE", 3, 3, date::date),
    func!("DATEDIF", 3, 3, date::datedif),
    func!("DATEVALUE", 1, 1, date::datevalue),
    func!("DAY", 1, 1, date::day),
    func!("DAYS", 2, 2, date::days),
    func!("DAYS360", 2, 3, date::days360),
    func!("DB", 4, 5, finance::db),
    func!("DDB", 4, 5, finance::ddb),
    func!("DECIMAL", 2, 2, integer::decimal),
    func!("DEGREES", 1, 1, trig::degrees),
    func!("DEVSQ", 1, V, describe::devsq),
    func!("DOLLAR", 1, 2, text::dollar),
    func!("DOLLARDE", 2, 2, finance::dollarde),
    func!("DOLLARFR", 2, 2, finance::dollarfr),
    func!("EDATE", 2, 2, date::edate),
    func!("EFFECT", 2, 2, finance::effect),
    func!("EOMONTH", 2, 2, date::eomonth),
    func!("ERROR.TYPE", 1, 1, info::error_type),
    func!("EVEN", 1, 1, integer::even),
    func!("EXACT", 2, 2, text::exact),
    func!("EXP", 1, 1, math::exp),
    func!("EXPON.DIST", 3, 3, distributions::expon_dist),
    func!("EXPONDIST", 3, 3, distributions::expondist),
    func!("F.DIST", 4, 4, distributions::f_dist),
    func!("F.DIST.RT", 3, 3, distributions::f_dist_rt),
    func!("F.INV", 3, 3, distributions::f_inv),
    func!("F.INV.RT", 3, 3, distributions::f_inv_rt),
    func!("FACT", 1, 1, integer::fact),
    func!("FACTDOUBLE", 1, 1, integer::factdouble),
    func!("FALSE", 0, 0, logical::false_),
    func!("FDIST", 3, 3, distributions::f_dist_rt),
    func!("FILTER", 2, 3, dynamic::filter, returns_array),
    func!("FIND", 2, 3, text::find),
    func!("FINV", 3, 3, distributions::f_inv_rt),
    func!("FISHER", 1, 1, distributions::fisher),
    func!("FISHERINV", 1, 1, distributions::fisherinv),
    func!("FIXED", 1, 3, text::fixed),
    func!("FLOOR", 1, 2, math::floor),
    func!("FLOOR.MATH", 1, 3, math::floor_math),
    func!("FLOOR.PRECISE", 1, 2, integer::floor_precise),
    func!("FORECAST", 3, 3, stats::forecast),
    func!("FORECAST.LINEAR", 3, 3, stats::forecast),
    func!("FV", 3, 5, finance::fv),
    func!("FVSCHEDULE", 2, 2, finance::fvschedule),
    func!("GAMMA", 1, 1, distributions::gamma_fn),
    func!("GAMMA.DIST", 4, 4, distributions::gamma_dist),
    func!("GAMMA.INV", 3, 3, distributions::gamma_inv),
    func!("GAMMADIST", 4, 4, distributions::gamma_dist),
    func!("GAMMAINV", 3, 3, distributions::gamma_inv),
    func!("GAMMALN", 1, 1, distributions::gammaln),
    func!("GAMMALN.PRECISE", 1, 1, distributions::gammaln_precise),
    func!("GAUSS", 1, 1, distributions::gauss),
    func!("GCD", 1, V, integer::gcd),
    func!("GEOMEAN", 1, V, describe::geomean),
    func!("HARMEAN", 1, V, describe::harmean),
    func!("HLOOKUP", 3, 4, lookup::hlookup),
    func!("HOUR", 1, 1, date::hour),
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
    func!("ISEVEN", 1, 1, info::iseven),
    func!("ISLOGICAL", 1, 1, info::islogical),
    func!("ISNA", 1, 1, info::isna),
    func!("ISNONTEXT", 1, 1, info::isnontext),
    func!("ISNUMBER", 1, 1, info::isnumber),
    func!("ISO.CEILING", 1, 2, integer::iso_ceiling),
    func!("ISODD", 1, 1, info::isodd),
    func!("ISOWEEKNUM", 1, 1, date::isoweeknum),
    func!("ISPMT", 4, 4, finance::ispmt),
    func!("ISTEXT", 1, 1, info::istext),
    func!("KURT", 1, V, describe::kurt),
    func!("LARGE", 2, 2, stats::large),
    func!("LCM", 1, V, integer::lcm),
    func!("LEFT", 1, 2, text::left),
    func!("LEN", 1, 1, text::len),
    func!("LN", 1, 1, math::ln),
    func!("LOG", 1, 2, math::log),
    func!("LOG10", 1, 1, math::log10),
    func!("LOGINV", 3, 3, distributions::loginv),
    func!("LOGNORM.DIST", 4, 4, distributions::lognorm_dist),
    func!("LOGNORM.INV", 3, 3, distributions::lognorm_inv),
    func!("LOGNORMDIST", 3, 3, distributions::lognormdist),
    func!("LOOKUP", 2, 3, lookup::lookup),
    func!("LOWER", 1, 1, text::lower),
    func!("MATCH", 2, 3, lookup::match_),
    func!("MAX", 1, V, stats::max),
    func!("MAXA", 1, V, describe::maxa),
    func!("MAXIFS", 3, V, criteria::maxifs),
    func!("MEDIAN", 1, V, stats::median),
    func!("MID", 3, 3, text::mid),
    func!("MIN", 1, V, stats::min),
    func!("MINA", 1, V, describe::mina),
    func!("MINIFS", 3, V, criteria::minifs),
    func!("MINUTE", 1, 1, date::minute),
    func!("MIRR", 3, 3, finance::mirr),
    func!("MOD", 2, 2, math::modulo),
    func!("MODE", 1, V, stats::mode),
    func!("MODE.SNGL", 1, V, stats::mode),
    func!("MONTH", 1, 1, date::month),
    func!("MROUND", 2, 2, integer::mround),
    func!("MULTINOMIAL", 1, V, integer::multinomial),
    func!("N", 1, 1, info::n),
    func!("NA", 0, 0, info::na),
    func!("NETWORKDAYS", 2, 3, date::networkdays),
    func!("NETWORKDAYS.INTL", 2, 4, date::networkdays_intl),
    func!("NOMINAL", 2, 2, finance::nominal),
    func!("NORM.DIST", 4, 4, distributions::norm_dist),
    func!("NORM.INV", 3, 3, distributions::norm_inv_fn),
    func!("NORM.S.DIST", 2, 2, distributions::norm_s_dist),
    func!("NORM.S.INV", 1, 1, distributions::norm_s_inv),
    func!("NORMDIST", 4, 4, distributions::normdist),
    func!("NORMINV", 3, 3, distributions::norminv),
    func!("NORMSDIST", 1, 1, distributions::normsdist),
    func!("NORMSINV", 1, 1, distributions::normsinv),
    func!("NOT", 1, 1, logical::not),
    func!("NOW", 0, 0, clock::now),
    func!("NPER", 3, 5, finance::nper),
    func!("NPV", 2, V, finance::npv),
    func!("NUMBERVALUE", 1, 3, text::numbervalue),
    func!("ODD", 1, 1, integer::odd),
    func!("OFFSET", 3, 5, reference::offset),
    func!("OR", 1, V, logical::or),
    func!("PDURATION", 3, 3, finance::pduration),
    func!("PEARSON", 2, 2, describe::pearson),
    func!("PERCENTILE", 2, 2, stats::percentile_inc),
    func!("PERCENTILE.EXC", 2, 2, stats::percentile_exc),
    func!("PERCENTILE.INC", 2, 2, stats::percentile_inc),
    func!("PERCENTRANK", 2, 3, describe::percentrank),
    func!("PERCENTRANK.EXC", 2, 3, describe::percentrank_exc),
    func!("PERCENTRANK.INC", 2, 3, describe::percentrank_inc),
    func!("PERMUT", 2, 2, integer::permut),
    func!("PERMUTATIONA", 2, 2, integer::permutationa),
    func!("PHI", 1, 1, distributions::phi),
    func!("PI", 0, 0, math::pi),
    func!("PMT", 3, 5, finance::pmt),
    func!("POISSON", 3, 3, distributions::poisson),
    func!("POISSON.DIST", 3, 3, distributions::poisson_dist),
    func!("POWER", 2, 2, math::power),
    func!("PPMT", 4, 6, finance::ppmt),
    func!("PROB", 3, 4, describe::prob),
    func!("PRODUCT", 1, V, math::product),
    func!("PROPER", 1, 1, text::proper),
    func!("PV", 3, 5, finance::pv),
    func!("QUARTILE", 2, 2, stats::quartile_inc),
    func!("QUARTILE.EXC", 2, 2, stats::quartile_exc),
    func!("QUARTILE.INC", 2, 2, stats::quartile_inc),
    func!("QUOTIENT", 2, 2, math::quotient),
    func!("RADIANS", 1, 1, trig::radians),
    func!("RAND", 0, 0, clock::rand),
    func!("RANDBETWEEN", 2, 2, clock::randbetween),
    func!("RANK", 2, 3, stats::rank_eq),
    func!("RANK.AVG", 2, 3, describe::rank_avg),
    func!("RANK.EQ", 2, 3, stats::rank_eq),
    func!("RATE", 3, 6, finance::rate),
    func!("REPLACE", 4, 4, text::replace),
    func!("REPT", 2, 2, text::rept),
    func!("RIGHT", 1, 2, text::right),
    func!("ROMAN", 1, 2, integer::roman),
    func!("ROUND", 2, 2, math::round),
    func!("ROUNDDOWN", 2, 2, math::rounddown),
    func!("ROUNDUP", 2, 2, math::roundup),
    func!("ROW", 0, 1, reference::row),
    func!("ROWS", 1, 1, lookup::rows),
    func!("RRI", 3, 3, finance::rri),
    func!("RSQ", 2, 2, describe::rsq),
    func!("SEARCH", 2, 3, text::search),
    func!("SEC", 1, 1, trig::sec),
    func!("SECH", 1, 1, trig::sech),
    func!("SECOND", 1, 1, date::second),
    func!("SEQUENCE", 1, 4, dynamic::sequence, returns_array),
    func!("SERIESSUM", 4, 4, integer::seriessum),
    func!("SIGN", 1, 1, math::sign),
    func!("SIN", 1, 1, trig::sin),
    func!("SINH", 1, 1, trig::sinh),
    func!("SKEW", 1, V, describe::skew),
    func!("SKEW.P", 1, V, describe::skew_p),
    func!("SLN", 3, 3, finance::sln),
    func!("SLOPE", 2, 2, stats::slope),
    func!("SMALL", 2, 2, stats::small),
    func!("SORT", 1, 4, dynamic::sort, returns_array),
    func!("SORTBY", 2, V, dynamic::sortby, returns_array),
    func!("SQRT", 1, 1, math::sqrt),
    func!("SQRTPI", 1, 1, trig::sqrtpi),
    func!("STANDARDIZE", 3, 3, distributions::standardize),
    func!("STDEV", 1, V, stats::stdev_s),
    func!("STDEV.P", 1, V, stats::stdev_p),
    func!("STDEV.S", 1, V, stats::stdev_s),
    func!("STDEVA", 1, V, describe::stdeva),
    func!("STDEVP", 1, V, stats::stdev_p),
    func!("STDEVPA", 1, V, describe::stdevpa),
    func!("STEYX", 2, 2, describe::steyx),
    func!("SUBSTITUTE", 3, 4, text::substitute),
    func!("SUBTOTAL", 2, V, aggregate::subtotal),
    func!("SUM", 1, V, math::sum),
    func!("SUMIF", 2, 3, criteria::sumif),
    func!("SUMIFS", 3, V, criteria::sumifs),
    func!("SUMPRODUCT", 1, V, math::sumproduct, array),
    func!("SUMSQ", 1, V, math::sumsq),
    func!("SUMX2MY2", 2, 2, integer::sumx2my2, array),
    func!("SUMX2PY2", 2, 2, integer::sumx2py2, array),
    func!("SUMXMY2", 2, 2, integer::sumxmy2, array),
    func!("SWITCH", 3, V, logical::switch),
    func!("T", 1, 1, info::t),
    func!("T.DIST", 3, 3, distributions::t_dist),
    func!("T.DIST.2T", 2, 2, distributions::t_dist_2t),
    func!("T.DIST.RT", 2, 2, distributions::t_dist_rt),
    func!("T.INV", 2, 2, distributions::t_inv),
    func!("T.INV.2T", 2, 2, distributions::t_inv_2t),
    func!("TAN", 1, 1, trig::tan),
    func!("TANH", 1, 1, trig::tanh),
    func!("TBILLEQ", 3, 3, finance::tbilleq),
    func!("TBILLPRICE", 3, 3, finance::tbillprice),
    func!("TBILLYIELD", 3, 3, finance::tbillyield),
    func!("TDIST", 3, 3, distributions::tdist),
    func!("TEXT", 2, 2, format::text),
    func!("TEXTAFTER", 2, 6, text::textafter),
    func!("TEXTBEFORE", 2, 6, text::textbefore),
    func!("TEXTJOIN", 3, V, text::textjoin),
    func!("TIME", 3, 3, date::time),
    func!("TIMEVALUE", 1, 1, date::timevalue),
    func!("TINV", 2, 2, distributions::tinv),
    func!("TODAY", 0, 0, clock::today),
    func!("TRANSPOSE", 1, 1, dynamic::transpose, returns_array),
    func!("TRIM", 1, 1, text::trim),
    func!("TRIMMEAN", 2, 2, describe::trimmean),
    func!("TRUE", 0, 0, logical::true_),
    func!("TRUNC", 1, 2, math::trunc),
    func!("TYPE", 1, 1, info::type_),
    func!("UNICHAR", 1, 1, text::unichar),
    func!("UNICODE", 1, 1, text::unicode),
    func!("UNIQUE", 1, 3, dynamic::unique, returns_array),
    func!("UPPER", 1, 1, text::upper),
    func!("VALUE", 1, 1, text::value),
    func!("VALUETOTEXT", 1, 2, text::valuetotext),
    func!("VAR", 1, V, stats::var_s),
    func!("VAR.P", 1, V, stats::var_p),
    func!("VAR.S", 1, V, stats::var_s),
    func!("VARA", 1, V, describe::vara),
    func!("VARP", 1, V, stats::var_p),
    func!("VARPA", 1, V, describe::varpa),
    func!("VLOOKUP", 3, 4, lookup::vlookup),
    func!("WEEKDAY", 1, 2, date::weekday),
    func!("WEEKNUM", 1, 2, date::weeknum),
    func!("WEIBULL", 4, 4, distributions::weibull_dist),
    func!("WEIBULL.DIST", 4, 4, distributions::weibull_dist),
    func!("WORKDAY", 2, 3, date::workday),
    func!("WORKDAY.INTL", 2, 4, date::workday_intl),
    func!("XIRR", 2, 3, finance::xirr),
    func!("XLOOKUP", 3, 6, lookup::xlookup),
    func!("XMATCH", 2, 4, lookup::xmatch),
    func!("XNPV", 3, 3, finance::xnpv),
    func!("XOR", 1, V, logical::xor),
    func!("YEAR", 1, 1, date::year),
    func!("YEARFRAC", 2, 3, date::yearfrac),
];

/// True if formulas may call `name`: a function of the table, or one the
/// compiler handles itself (`LET`, which binds names).
pub fn is_known(name: &str) -> bool {
    lookup(name).is_some() || name.eq_ignore_ascii_case("LET")
}

/// The table's entry for `name` (case-insensitive).
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
            order: &[],
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
