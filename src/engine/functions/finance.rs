//! Financial functions: discounted cash flows (`NPV`, `XNPV`, `IRR`,
//! `XIRR`, `MIRR`), the annuity family (`PMT`, `IPMT`, `PPMT`, `CUMIPMT`,
//! `CUMPRINC`, `PV`, `FV`, `NPER`, `RATE`) with Excel's `[fv]`, `[type]`
//! arguments, `ISPMT`, depreciation (`SLN`, `DB`, `DDB`), rates and growth
//! (`EFFECT`, `NOMINAL`, `FVSCHEDULE`, `PDURATION`, `RRI`), fractional
//! dollar prices (`DOLLARDE`, `DOLLARFR`) and Treasury bills (`TBILLEQ`,
//! `TBILLPRICE`, `TBILLYIELD`).
//! Root finding is Newton's method with a bracketing bisection fallback;
//! every loop is bounded.

use crate::engine::functions::args::Arg;
use crate::engine::functions::date::{MAX_SERIAL, date_serial, days_in_month, serial_to_ymd};
use crate::engine::functions::helpers::{
    aggregate_numbers, fail, num_arg, opt_num_arg, sum_of, values_of,
};
use crate::engine::value::{CellError, ErrorKind, Value};

/// Newton iterations before falling back to bisection.
const NEWTON_STEPS: usize = 100;
/// Bisection halvings (far more than a double's precision needs).
const BISECTION_STEPS: usize = 300;
/// Rates at which the fallback looks for a sign change.
const BRACKET_GRID: [f64; 31] = [
    -0.999_999, -0.9999, -0.999, -0.99, -0.95, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.2,
    -0.1, -0.05, -0.01, 0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 100.0, 1e3,
    1e6,
];

/// Finds a root of `f` (which returns value and derivative) near `guess`:
/// Newton first; if that fails, bisection on the sign change of `f` found
/// on [`BRACKET_GRID`] closest to the guess. Rates ≤ -1 are outside the domain.
fn solve_rate(f: impl Fn(f64) -> Option<(f64, f64)>, guess: f64) -> Option<f64> {
    let mut r = guess;
    for _ in 0..NEWTON_STEPS {
        let Some((value, slope)) = f(r) else { break };
        if value == 0.0 {
            return Some(r);
        }
        if slope == 0.0 || !slope.is_finite() {
            break;
        }
        let next = r - value / slope;
        if !next.is_finite() || next <= -1.0 {
            break;
        }
        if (next - r).abs() <= 1e-12 * next.abs().max(1.0) {
            return Some(next);
        }
        r = next;
    }
    bisect(&|x| f(x).map(|(v, _)| v), guess)
}

/// Bisection fallback for [`solve_rate`].
fn bisect(f: &dyn Fn(f64) -> Option<f64>, guess: f64) -> Option<f64> {
    let samples: Vec<(f64, f64)> = BRACKET_GRID
        .iter()
        .filter_map(|&x| f(x).filter(|v| v.is_finite()).map(|v| (x, v)))
        .collect();
    let (mut lo, mut hi) = samples
        .windows(2)
        .filter_map(|w| match w {
            [(a, fa), (b, fb)] if fa.signum() != fb.signum() || *fa == 0.0 => {
                Some(((*a, *fa), (*b, *fb)))
            }
            _ => None,
        })
        .min_by(|x, y| {
            let dist =
                |p: &((f64, f64), (f64, f64))| (p.0.0 - guess).abs().min((p.1.0 - guess).abs());
            dist(x).total_cmp(&dist(y))
        })?;
    for _ in 0..BISECTION_STEPS {
        let mid = (lo.0 + hi.0) / 2.0;
        if mid <= lo.0 || mid >= hi.0 {
            break;
        }
        let fm = f(mid)?;
        if fm == 0.0 {
            return Some(mid);
        }
        if fm.signum() == lo.1.signum() {
            lo = (mid, fm);
        } else {
            hi = (mid, fm);
        }
    }
    let root = (lo.0 + hi.0) / 2.0;
    // Reject a "root" that is really a pole (sign change through infinity).
    let scale = f(root)?.abs();
    (scale.is_finite()).then_some(root)
}

/// `NPV(rate, values…)`: the first value is discounted one period; a rate
/// of -1 is `#NUM!`.
pub fn npv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let values = aggregate_numbers(args.get(1..).unwrap_or_default())?;
    if rate == -1.0 {
        return fail(ErrorKind::Num);
    }
    let base = 1.0 + rate;
    Ok(sum_of(
        values
            .iter()
            .enumerate()
            .map(|(i, v)| v / base.powf(i as f64 + 1.0)),
    ))
}

/// Cash flows need at least one positive and one negative value.
fn has_sign_change(values: &[f64]) -> bool {
    values.iter().any(|v| *v > 0.0) && values.iter().any(|v| *v < 0.0)
}

/// `IRR(values, [guess=0.1])`.
pub fn irr(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let values = aggregate_numbers(args.get(..1).unwrap_or_default())?;
    let guess = opt_num_arg(args, 1, 0.1)?;
    if !has_sign_change(&values) || guess <= -1.0 {
        return fail(ErrorKind::Num);
    }
    let f = |r: f64| {
        if r <= -1.0 {
            return None;
        }
        let base = 1.0 + r;
        let value = sum_of(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| v / base.powf(i as f64)),
        );
        let slope = sum_of(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| -(i as f64) * v / base.powf(i as f64 + 1.0)),
        );
        Some((value, slope))
    };
    solve_rate(f, guess).ok_or_else(|| CellError::new(ErrorKind::Num))
}

/// The values of an argument that must all be numbers (`XNPV`, `XIRR`):
/// errors propagate, anything else that is not a number is `#VALUE!`.
fn strict_numbers(arg: Option<&Arg<'_>>) -> Result<Vec<f64>, CellError> {
    let Some(arg) = arg else {
        return fail(ErrorKind::Value);
    };
    values_of(arg)
        .into_iter()
        .map(|v| match v {
            Value::Number(n) => Ok(n),
            Value::Error(e) => Err(e),
            _ => fail(ErrorKind::Value),
        })
        .collect()
}

/// Cash flows and their dates (truncated, in years from the first date) for
/// `XNPV`/`XIRR`, with Microsoft's documented errors: a nonnumeric value or
/// date, or a date that is not a valid date (outside 0..=9999-12-31), is
/// `#VALUE!`; different counts of values and dates, or a date before the
/// first date, is `#NUM!`.
fn dated_flows(
    values: Option<&Arg<'_>>,
    dates: Option<&Arg<'_>>,
) -> Result<Vec<(f64, f64)>, CellError> {
    let values = strict_numbers(values)?;
    let dates: Vec<f64> = strict_numbers(dates)?.into_iter().map(f64::trunc).collect();
    if values.len() != dates.len() || values.is_empty() {
        return fail(ErrorKind::Num);
    }
    if dates.iter().any(|d| !(0.0..=MAX_SERIAL).contains(d)) {
        return fail(ErrorKind::Value);
    }
    let first = dates.first().copied().unwrap_or_default();
    if dates.iter().any(|d| *d < first) {
        return fail(ErrorKind::Num);
    }
    Ok(values
        .iter()
        .zip(&dates)
        .map(|(v, d)| (*v, (d - first) / 365.0))
        .collect())
}

/// Present value and its derivative of dated flows at `rate`.
fn xnpv_at(flows: &[(f64, f64)], rate: f64) -> Option<(f64, f64)> {
    if rate <= -1.0 {
        return None;
    }
    let base = 1.0 + rate;
    let value = sum_of(flows.iter().map(|(v, t)| v / base.powf(*t)));
    let slope = sum_of(flows.iter().map(|(v, t)| -t * v / base.powf(t + 1.0)));
    Some((value, slope))
}

/// `XNPV(rate, values, dates)`.
pub fn xnpv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let flows = dated_flows(args.get(1), args.get(2))?;
    match xnpv_at(&flows, rate) {
        Some((v, _)) if v.is_finite() => Ok(v),
        _ => fail(ErrorKind::Num),
    }
}

/// `XIRR(values, dates, [guess=0.1])`.
pub fn xirr(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let flows = dated_flows(args.first(), args.get(1))?;
    let guess = opt_num_arg(args, 2, 0.1)?;
    let amounts: Vec<f64> = flows.iter().map(|(v, _)| *v).collect();
    if !has_sign_change(&amounts) || guess <= -1.0 {
        return fail(ErrorKind::Num);
    }
    solve_rate(|r| xnpv_at(&flows, r), guess).ok_or_else(|| CellError::new(ErrorKind::Num))
}

/// The `[type]` argument: payments at the start (1) or end (0) of periods.
fn payment_type(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    Ok(if opt_num_arg(args, i, 0.0)? != 0.0 {
        1.0
    } else {
        0.0
    })
}

/// `(1+r)^n` and `(1+r)^n − 1`, the latter accurate for small rates. A
/// rate of -1 or less has no logarithm but still a power when `n` is an
/// integer (`(1-2)^3 = -1`), so Microsoft's annuity equation holds there
/// and `FV(-2,3,-100)` is 100; a fractional `n` gives NaN, i.e. `#NUM!`.
fn growth(rate: f64, nper: f64) -> (f64, f64) {
    if rate <= -1.0 {
        let f = (1.0 + rate).powf(nper);
        return (f, f - 1.0);
    }
    let g = (nper * rate.ln_1p()).exp_m1();
    (1.0 + g, g)
}

/// `PMT(rate, nper, pv, [fv], [type])`.
pub fn pmt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let nper = num_arg(args, 1)?;
    let pv = num_arg(args, 2)?;
    let fv = opt_num_arg(args, 3, 0.0)?;
    let t = payment_type(args, 4)?;
    if nper == 0.0 {
        return fail(ErrorKind::Num);
    }
    Ok(payment(rate, nper, pv, fv, t))
}

/// The annuity payment (`nper` ≠ 0).
fn payment(rate: f64, nper: f64, pv: f64, fv: f64, t: f64) -> f64 {
    if rate == 0.0 {
        return -(pv + fv) / nper;
    }
    let (f, g) = growth(rate, nper);
    -(rate * (pv * f + fv)) / ((1.0 + rate * t) * g)
}

/// The future value of an annuity.
fn future_value(rate: f64, nper: f64, pmt: f64, pv: f64, t: f64) -> f64 {
    if rate == 0.0 {
        return -(pv + pmt * nper);
    }
    let (f, g) = growth(rate, nper);
    -(pv * f + pmt * (1.0 + rate * t) * g / rate)
}

/// The interest part of payment `per` (1-based) of an annuity with
/// payment `pmt`, as Excel and LibreOffice compute it: the balance after
/// the previous payments times the rate (nothing in period 1 when payments
/// are due at the start).
fn interest_part(rate: f64, per: f64, pmt: f64, pv: f64, t: f64) -> f64 {
    let balance = if per == 1.0 {
        if t == 1.0 { 0.0 } else { -pv }
    } else if t == 1.0 {
        future_value(rate, per - 2.0, pmt, pv, 1.0) - pmt
    } else {
        future_value(rate, per - 1.0, pmt, pv, 0.0)
    };
    balance * rate
}

/// Reads `(rate, per, nper, pv, fv, type)` of `IPMT`/`PPMT` and gives the
/// payment and its interest part; `per` outside 1..=nper is `#NUM!`.
fn payment_parts(args: &[Arg<'_>]) -> Result<(f64, f64), CellError> {
    let rate = num_arg(args, 0)?;
    let per = num_arg(args, 1)?;
    let nper = num_arg(args, 2)?;
    let pv = num_arg(args, 3)?;
    let fv = opt_num_arg(args, 4, 0.0)?;
    let t = payment_type(args, 5)?;
    if !(per >= 1.0 && per <= nper) {
        return fail(ErrorKind::Num);
    }
    let pmt = payment(rate, nper, pv, fv, t);
    Ok((pmt, interest_part(rate, per, pmt, pv, t)))
}

/// `IPMT(rate, per, nper, pv, [fv], [type])`: the interest part of a payment.
pub fn ipmt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(payment_parts(args)?.1)
}

/// `PPMT(rate, per, nper, pv, [fv], [type])`: the principal part of a payment.
pub fn ppmt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (pmt, interest) = payment_parts(args)?;
    Ok(pmt - interest)
}

/// Most periods `CUMIPMT`/`CUMPRINC` sum one by one (a longer span is
/// `#NUM!`, a bound Excel does not have but no real loan reaches).
const MAX_CUMULATIVE_PERIODS: f64 = 1e6;

/// `CUMIPMT`/`CUMPRINC(rate, nper, pv, start, end, type)`: the interest
/// (or principal) paid from period `start` to `end`, both truncated as
/// Microsoft documents (LibreOffice rounds `start` up instead). `#NUM!` for
/// rate, nper or pv ≤ 0, start < 1, end < start, end > nper, or a type
/// other than 0 or 1.
fn cumulative(args: &[Arg<'_>], principal: bool) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let nper = num_arg(args, 1)?;
    let pv = num_arg(args, 2)?;
    let start = num_arg(args, 3)?.trunc();
    let end = num_arg(args, 4)?.trunc();
    let t = num_arg(args, 5)?;
    // Written so that NaN fails every test.
    let valid = rate > 0.0
        && nper > 0.0
        && pv > 0.0
        && start >= 1.0
        && end >= start
        && end <= nper
        && (t == 0.0 || t == 1.0)
        && end - start <= MAX_CUMULATIVE_PERIODS;
    if !valid {
        return fail(ErrorKind::Num);
    }
    let pmt = payment(rate, nper, pv, 0.0, t);
    let mut interest = crate::engine::functions::helpers::Sum::default();
    let mut per = start;
    while per <= end {
        interest.add(interest_part(rate, per, pmt, pv, t));
        per += 1.0;
    }
    let interest = interest.total();
    Ok(if principal {
        (end - start + 1.0) * pmt - interest
    } else {
        interest
    })
}

/// `CUMIPMT(rate, nper, pv, start_period, end_period, type)`.
pub fn cumipmt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    cumulative(args, false)
}

/// `CUMPRINC(rate, nper, pv, start_period, end_period, type)`.
pub fn cumprinc(args: &[Arg<'_>]) -> Result<f64, CellError> {
    cumulative(args, true)
}

/// `SLN(cost, salvage, life)`: straight-line depreciation per period.
pub fn sln(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let cost = num_arg(args, 0)?;
    let salvage = num_arg(args, 1)?;
    let life = num_arg(args, 2)?;
    if life == 0.0 {
        return fail(ErrorKind::Div0);
    }
    Ok((cost - salvage) / life)
}

/// `DDB(cost, salvage, life, period, [factor=2])`: declining balance at
/// `factor / life` per period, never below the salvage value. `#NUM!` for a
/// negative cost or salvage, salvage above cost, factor ≤ 0, or a period
/// outside 1..=life.
pub fn ddb(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let cost = num_arg(args, 0)?;
    let salvage = num_arg(args, 1)?;
    let life = num_arg(args, 2)?;
    let period = num_arg(args, 3)?;
    let factor = opt_num_arg(args, 4, 2.0)?;
    if cost < 0.0
        || salvage < 0.0
        || factor <= 0.0
        || salvage > cost
        || !(period >= 1.0 && period <= life)
    {
        return fail(ErrorKind::Num);
    }
    let mut rate = factor / life;
    let old_value = if rate >= 1.0 {
        rate = 1.0;
        if period == 1.0 { cost } else { 0.0 }
    } else {
        cost * (1.0 - rate).powf(period - 1.0)
    };
    let new_value = cost * (1.0 - rate).powf(period);
    let depreciation = if new_value < salvage {
        old_value - salvage
    } else {
        old_value - new_value
    };
    Ok(depreciation.max(0.0))
}

/// `DB(cost, salvage, life, period, [month=12])`: fixed-declining balance
/// at `1 − (salvage/cost)^(1/life)` rounded to three decimals, the first
/// year prorated to `month` months and the remainder in period `life + 1`.
/// `#NUM!` for cost ≤ 0, salvage < 0 or above cost, life ≤ 0, a period
/// outside 1..=life+1, month outside 1..=12, or a life over 1200 periods
/// (as LibreOffice; the loop over periods stays bounded).
pub fn db(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let cost = num_arg(args, 0)?;
    let salvage = num_arg(args, 1)?;
    let life = num_arg(args, 2)?;
    let period = num_arg(args, 3)?;
    let month = opt_num_arg(args, 4, 12.0)?;
    let valid = (1.0..=12.0).contains(&month)
        && life > 0.0
        && life <= 1200.0
        && salvage >= 0.0
        && salvage <= cost
        && cost > 0.0
        && period > 0.0
        && period <= life + 1.0;
    if !valid {
        return fail(ErrorKind::Num);
    }
    let rate = 1.0 - (salvage / cost).powf(1.0 / life);
    let rate = (rate * 1000.0 + 0.5).floor() / 1000.0;
    let first = cost * rate * month / 12.0;
    if period.floor() == 1.0 {
        return Ok(first);
    }
    let mut total = first;
    let mut depreciation = 0.0;
    let last = life.min(period).floor() as u32;
    for _ in 2..=last {
        depreciation = (cost - total) * rate;
        total += depreciation;
    }
    if period > life {
        depreciation = (cost - total) * rate * (12.0 - month) / 12.0;
    }
    Ok(depreciation)
}

/// `EFFECT(nominal_rate, npery)`: the effective annual rate; `npery` is
/// truncated, and a rate ≤ 0 or `npery` < 1 is `#NUM!`.
pub fn effect(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let nominal = num_arg(args, 0)?;
    let periods = num_arg(args, 1)?.trunc();
    if nominal <= 0.0 || periods < 1.0 {
        return fail(ErrorKind::Num);
    }
    Ok((periods * (nominal / periods).ln_1p()).exp_m1())
}

/// `NOMINAL(effect_rate, npery)`: the nominal annual rate; the same rules
/// as [`effect`].
pub fn nominal(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let effective = num_arg(args, 0)?;
    let periods = num_arg(args, 1)?.trunc();
    if effective <= 0.0 || periods < 1.0 {
        return fail(ErrorKind::Num);
    }
    Ok(periods * (effective.ln_1p() / periods).exp_m1())
}

/// `MIRR(values, finance_rate, reinvest_rate)`: the numbers of `values`
/// (text, booleans and blanks in it are skipped), negative flows
/// discounted at the finance rate and positive ones compounded at the
/// reinvestment rate. `#DIV/0!` without both a positive and a negative flow.
pub fn mirr(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let values = aggregate_numbers(args.get(..1).unwrap_or_default())?;
    let finance_rate = num_arg(args, 1)?;
    let reinvest_rate = num_arg(args, 2)?;
    if !has_sign_change(&values) {
        return fail(ErrorKind::Div0);
    }
    if finance_rate <= -1.0 || reinvest_rate <= -1.0 {
        return fail(ErrorKind::Num);
    }
    let n = values.len() as f64;
    let positive = sum_of(
        values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0.0)
            .map(|(i, v)| v * (1.0 + reinvest_rate).powf(n - 1.0 - i as f64)),
    );
    let negative = sum_of(
        values
            .iter()
            .enumerate()
            .filter(|(_, v)| **v < 0.0)
            .map(|(i, v)| v / (1.0 + finance_rate).powf(i as f64)),
    );
    Ok((-positive / negative).powf(1.0 / (n - 1.0)) - 1.0)
}

/// `PV(rate, nper, pmt, [fv], [type])`.
pub fn pv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let nper = num_arg(args, 1)?;
    let pmt = num_arg(args, 2)?;
    let fv = opt_num_arg(args, 3, 0.0)?;
    let t = payment_type(args, 4)?;
    if rate == 0.0 {
        return Ok(-(fv + pmt * nper));
    }
    let (f, g) = growth(rate, nper);
    Ok(-(fv + pmt * (1.0 + rate * t) * g / rate) / f)
}

/// `FV(rate, nper, pmt, [pv], [type])`.
pub fn fv(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let nper = num_arg(args, 1)?;
    let pmt = num_arg(args, 2)?;
    let pv = opt_num_arg(args, 3, 0.0)?;
    let t = payment_type(args, 4)?;
    Ok(future_value(rate, nper, pmt, pv, t))
}

/// `NPER(rate, pmt, pv, [fv], [type])`.
pub fn nper(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let pmt = num_arg(args, 1)?;
    let pv = num_arg(args, 2)?;
    let fv = opt_num_arg(args, 3, 0.0)?;
    let t = payment_type(args, 4)?;
    if rate == 0.0 {
        if pmt == 0.0 {
            return fail(ErrorKind::Num);
        }
        return Ok(-(pv + fv) / pmt);
    }
    if rate <= -1.0 {
        return fail(ErrorKind::Num);
    }
    let p = pmt * (1.0 + rate * t);
    let ratio = (p - fv * rate) / (p + pv * rate);
    if !(ratio > 0.0 && ratio.is_finite()) {
        return fail(ErrorKind::Num);
    }
    Ok(ratio.ln() / rate.ln_1p())
}

/// `RATE(nper, pmt, pv, [fv], [type], [guess=0.1])`.
pub fn rate(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let nper = num_arg(args, 0)?;
    let pmt = num_arg(args, 1)?;
    let pv = num_arg(args, 2)?;
    let fv = opt_num_arg(args, 3, 0.0)?;
    let t = payment_type(args, 4)?;
    let guess = opt_num_arg(args, 5, 0.1)?;
    if nper <= 0.0 || guess <= -1.0 {
        return fail(ErrorKind::Num);
    }
    let f = |r: f64| {
        if r <= -1.0 {
            return None;
        }
        if r.abs() < 1e-10 {
            // Limits at r → 0 of the value and the derivative.
            let value = pv + pmt * nper + fv;
            let slope = pv * nper + pmt * (t * nper + nper * (nper - 1.0) / 2.0);
            return Some((value, slope));
        }
        let (f, g) = growth(r, nper);
        let dfdr = nper * f / (1.0 + r);
        let value = pv * f + pmt * (1.0 + r * t) * g / r + fv;
        let slope = pv * dfdr + pmt * (t * g / r + (1.0 + r * t) * (dfdr * r - g) / (r * r));
        Some((value, slope))
    };
    solve_rate(f, guess).ok_or_else(|| CellError::new(ErrorKind::Num))
}

/// Shared body of `DOLLARDE`/`DOLLARFR`: `fraction` is truncated; below 0
/// is `#NUM!`, below 1 `#DIV/0!`. The fractional part of `dollar` is
/// rescaled from `from` to `to` parts, where one side is `fraction` and the
/// other the power of ten with as many digits (16 ↔ 100).
fn rescale_dollar(args: &[Arg<'_>], to_decimal: bool) -> Result<f64, CellError> {
    let dollar = num_arg(args, 0)?;
    let fraction = num_arg(args, 1)?.trunc();
    if fraction < 0.0 {
        return fail(ErrorKind::Num);
    }
    if fraction < 1.0 {
        return fail(ErrorKind::Div0);
    }
    let digits = 10f64.powf(fraction.log10().ceil());
    let (from, to) = if to_decimal {
        (fraction, digits)
    } else {
        (digits, fraction)
    };
    let whole = dollar.trunc();
    Ok(whole + (dollar - whole) * to / from)
}

/// `DOLLARDE(fractional_dollar, fraction)`: a price written as whole
/// dollars and a fraction's numerator after the point (1.02 with fraction
/// 16 is 1 2/16) as a decimal number (1.125).
pub fn dollarde(args: &[Arg<'_>]) -> Result<f64, CellError> {
    rescale_dollar(args, true)
}

/// `DOLLARFR(decimal_dollar, fraction)`: the inverse of `DOLLARDE`
/// (1.125 with fraction 16 is 1.02).
pub fn dollarfr(args: &[Arg<'_>]) -> Result<f64, CellError> {
    rescale_dollar(args, false)
}

/// `FVSCHEDULE(principal, schedule)`: the principal compounded at each
/// rate of the schedule in turn. Blank cells are rates of 0; text or
/// booleans in the schedule are `#VALUE!`, errors propagate.
pub fn fvschedule(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let principal = num_arg(args, 0)?;
    let Some(schedule) = args.get(1) else {
        return fail(ErrorKind::Value);
    };
    if let Arg::Value(v) = schedule {
        return Ok(principal * (1.0 + crate::engine::coerce::to_number(v)?));
    }
    let mut value = principal;
    let mut problem = None;
    schedule.for_each_non_blank(|v| {
        if problem.is_some() {
            return;
        }
        match v {
            Value::Number(rate) => value *= 1.0 + rate,
            Value::Empty => {}
            Value::Error(e) => problem = Some(e.clone()),
            Value::Text(_) | Value::Bool(_) => problem = Some(CellError::new(ErrorKind::Value)),
        }
    });
    match problem {
        Some(e) => Err(e),
        None => Ok(value),
    }
}

/// `ISPMT(rate, per, nper, pv)`: the interest paid in period `per` of a loan
/// repaid in equal principal parts (`pv · rate · (per/nper − 1)`); `nper`
/// of 0 is `#DIV/0!`.
pub fn ispmt(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let per = num_arg(args, 1)?;
    let nper = num_arg(args, 2)?;
    let pv = num_arg(args, 3)?;
    if nper == 0.0 {
        return fail(ErrorKind::Div0);
    }
    Ok(pv * rate * (per / nper - 1.0))
}

/// `PDURATION(rate, pv, fv)`: the periods an investment takes to grow from
/// `pv` to `fv` at `rate`; any argument ≤ 0 is `#NUM!`.
pub fn pduration(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let rate = num_arg(args, 0)?;
    let pv = num_arg(args, 1)?;
    let fv = num_arg(args, 2)?;
    if rate <= 0.0 || pv <= 0.0 || fv <= 0.0 {
        return fail(ErrorKind::Num);
    }
    Ok((fv.ln() - pv.ln()) / rate.ln_1p())
}

/// `RRI(nper, pv, fv)`: the equivalent interest rate per period for growth
/// from `pv` to `fv` in `nper` periods; `nper` ≤ 0 or `pv` of 0 is `#NUM!`.
pub fn rri(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let nper = num_arg(args, 0)?;
    let pv = num_arg(args, 1)?;
    let fv = num_arg(args, 2)?;
    if nper <= 0.0 || pv == 0.0 {
        return fail(ErrorKind::Num);
    }
    let growth = (fv / pv).powf(1.0 / nper) - 1.0;
    if growth.is_finite() {
        Ok(growth)
    } else {
        fail(ErrorKind::Num)
    }
}

/// The settlement and maturity of a Treasury bill (truncated) and the
/// actual days between them, with the third argument; `#NUM!` for a date
/// outside the calendar, a maturity not after the settlement or more than
/// one calendar year after it, or a third argument ≤ 0.
fn treasury_bill(args: &[Arg<'_>]) -> Result<(f64, f64), CellError> {
    let settlement = num_arg(args, 0)?.trunc();
    let maturity = num_arg(args, 1)?.trunc();
    let third = num_arg(args, 2)?;
    let valid = |d: f64| (0.0..=MAX_SERIAL).contains(&d);
    if !valid(settlement) || !valid(maturity) || settlement >= maturity || third <= 0.0 {
        return fail(ErrorKind::Num);
    }
    // One calendar year on, the day clamped to the month's end (Feb 29).
    let start = serial_to_ymd(settlement)?;
    let next_year = start.year + 1;
    let day = start.day.clamp(1, days_in_month(next_year, start.month));
    let year_later =
        date_serial(next_year, i64::from(start.month), i64::from(day)).unwrap_or(f64::INFINITY);
    if maturity > year_later {
        return fail(ErrorKind::Num);
    }
    Ok((maturity - settlement, third))
}

/// `TBILLPRICE(settlement, maturity, discount)`: the price per 100 face
/// value, `100 · (1 − discount · days / 360)`.
pub fn tbillprice(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (days, discount) = treasury_bill(args)?;
    Ok(100.0 * (1.0 - discount * days / 360.0))
}

/// `TBILLYIELD(settlement, maturity, price)`: the yield,
/// `(100 − price) / price · 360 / days`.
pub fn tbillyield(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (days, price) = treasury_bill(args)?;
    Ok((100.0 - price) / price * 360.0 / days)
}

/// `TBILLEQ(settlement, maturity, discount)`: the bond-equivalent yield,
/// `365 · discount / (360 − discount · days)`, the formula Excel documents
/// (and applies for bills of more than half a year too).
pub fn tbilleq(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let (days, discount) = treasury_bill(args)?;
    Ok(365.0 * discount / (360.0 - discount * days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::functions::args::Array;
    use crate::engine::functions::helpers::IntoValue as _;

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    fn col(xs: &[f64]) -> Arg<'static> {
        Arg::Array(Array {
            rows: xs.len() as u32,
            cols: 1,
            data: xs.iter().map(|x| Value::Number(*x)).collect(),
        })
    }

    fn close(a: Result<f64, CellError>, b: f64) {
        let a = a.unwrap();
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn annuities() {
        close(
            pmt(&[n(0.05 / 12.0), n(360.0), n(200_000.0)]),
            -1_073.643_246_024_277_6,
        );
        close(pmt(&[n(0.0), n(10.0), n(1000.0)]), -100.0);
        close(pv(&[n(0.05), n(10.0), n(-100.0)]), 772.173_492_918_482);
        close(fv(&[n(0.05), n(10.0), n(-100.0)]), 1_257.789_253_554_883_7);
        close(fv(&[n(0.0), n(10.0), n(-100.0), n(-50.0)]), 1050.0);
        close(nper(&[n(0.05), n(-100.0), n(772.173_492_918_482)]), 10.0);
        close(rate(&[n(10.0), n(-100.0), n(772.173_492_918_482)]), 0.05);
        close(rate(&[n(10.0), n(-100.0), n(1000.0)]), 0.0);
        assert_eq!(pmt(&[n(0.05), n(0.0), n(100.0)]), fail(ErrorKind::Num));
        assert_eq!(nper(&[n(0.0), n(0.0), n(100.0)]), fail(ErrorKind::Num));
    }

    #[test]
    fn annuities_at_rates_of_minus_one_and_below() {
        close(fv(&[n(-1.0), n(10.0), n(-100.0)]), 100.0);
        close(fv(&[n(-2.0), n(3.0), n(-100.0)]), 100.0);
        close(fv(&[n(-1.5), n(2.0), n(-100.0), n(100.0)]), 25.0);
        close(fv(&[n(-1.0), n(0.0), n(-100.0)]), 0.0);
        close(pv(&[n(-2.0), n(3.0), n(-100.0)]), -100.0);
        close(pmt(&[n(-2.0), n(3.0), n(1000.0)]), 1000.0);
        let num = |r: Result<f64, CellError>| r.into_value() == Value::error(ErrorKind::Num);
        assert!(num(fv(&[n(-2.0), n(2.5), n(-100.0)])));
        assert!(num(pv(&[n(-1.0), n(10.0), n(-100.0)])));
        assert!(num(fv(&[n(-1.0), n(-1.0), n(-100.0)])));
    }

    #[test]
    fn cash_flows() {
        close(
            npv(&[n(0.1), n(-100.0), n(60.0), n(60.0)]),
            3.756_574_004_507_875,
        );
        close(irr(&[col(&[-100.0, 60.0, 60.0])]), 0.130_662_386_291_807_1);
        assert_eq!(irr(&[col(&[100.0, 60.0])]), fail(ErrorKind::Num));
        let values = col(&[-1000.0, 600.0, 600.0]);
        let dates = col(&[45658.0, 46023.0, 46388.0]);
        close(
            xnpv(&[n(0.1), values.clone(), dates.clone()]),
            41.322_314_049_586_78,
        );
        close(
            xirr(&[values.clone(), dates.clone()]),
            0.130_662_386_291_807_1,
        );
        assert_eq!(
            xnpv(&[n(0.1), values.clone(), col(&[1.0])]),
            fail(ErrorKind::Num)
        );
        // Dates: not a valid date is #VALUE!, before the first #NUM!.
        let with_dates = |ds: &[f64]| xnpv(&[n(0.1), values.clone(), col(ds)]);
        assert_eq!(with_dates(&[45658.0, 46023.0, 3e6]), fail(ErrorKind::Value));
        assert_eq!(
            with_dates(&[-1.0, 46023.0, 46388.0]),
            fail(ErrorKind::Value)
        );
        assert_eq!(
            with_dates(&[46023.0, 45658.0, 46388.0]),
            fail(ErrorKind::Num)
        );
        close(
            with_dates(&[45658.9, 46023.5, 46388.0]),
            41.322_314_049_586_78,
        );
        assert_eq!(
            xirr(&[values.clone(), col(&[45658.0, 46023.0, 2_958_466.0])]),
            fail(ErrorKind::Value)
        );
        assert_eq!(
            xirr(&[col(&[100.0, 60.0, 60.0]), dates.clone()]),
            fail(ErrorKind::Num)
        );
        assert_eq!(
            xirr(&[values, dates, Arg::Value(Value::text("x"))]),
            fail(ErrorKind::Value)
        );
        // Pathological flows terminate with #NUM!.
        let _ = irr(&[col(&[-1.0, 1e308, -1e308, 1e308])]);
    }

    #[test]
    fn payment_parts_and_depreciation() {
        // The principal parts of all payments repay the loan, for both types.
        for t in [0.0, 1.0] {
            let total: f64 = (1..=10)
                .map(|per| {
                    ppmt(&[n(0.05), n(f64::from(per)), n(10.0), n(1000.0), n(0.0), n(t)]).unwrap()
                })
                .sum();
            close(Ok(total), -1000.0);
            close(
                cumprinc(&[n(0.05), n(10.0), n(1000.0), n(1.0), n(10.0), n(t)]),
                -1000.0,
            );
        }
        close(
            ipmt(&[n(0.1), n(3.0), n(3.0), n(8000.0)]),
            -292.447_129_909_365_2,
        );
        assert_eq!(
            ipmt(&[n(0.1), n(0.5), n(3.0), n(8000.0)]),
            fail(ErrorKind::Num)
        );
        assert_eq!(
            cumipmt(&[n(0.1), n(1e9), n(1.0), n(1.0), n(1e8), n(0.0)]),
            fail(ErrorKind::Num)
        );
        close(sln(&[n(30000.0), n(7500.0), n(10.0)]), 2250.0);
        close(ddb(&[n(2400.0), n(300.0), n(10.0), n(1.0)]), 480.0);
        close(
            db(&[n(1e6), n(1e5), n(6.0), n(1.0), n(7.0)]),
            186_083.333_333_333_34,
        );
        close(effect(&[n(0.0525), n(4.0)]), 0.053_542_667_370_758_19);
        close(nominal(&[n(0.053_542_667_370_758_19), n(4.0)]), 0.0525);
        close(
            mirr(&[
                col(&[-120_000.0, 39000.0, 30000.0, 21000.0, 37000.0, 46000.0]),
                n(0.1),
                n(0.12),
            ]),
            0.126_094_130_365_905_1,
        );
        assert_eq!(
            mirr(&[col(&[1.0, 2.0]), n(0.1), n(0.1)]),
            fail(ErrorKind::Div0)
        );
    }

    #[test]
    fn dollar_fractions_and_growth() {
        close(dollarde(&[n(1.02), n(16.0)]), 1.125);
        close(dollarde(&[n(1.1), n(32.0)]), 1.3125);
        close(dollarde(&[n(-1.02), n(16.9)]), -1.125);
        close(dollarde(&[n(1.5), n(1.0)]), 1.5);
        close(dollarde(&[n(1.09), n(10.0)]), 1.09);
        close(dollarfr(&[n(1.125), n(16.0)]), 1.02);
        close(dollarfr(&[n(1.125), n(32.0)]), 1.04);
        close(dollarfr(&[n(-1.125), n(16.0)]), -1.02);
        assert_eq!(dollarde(&[n(1.02), n(0.5)]), fail(ErrorKind::Div0));
        assert_eq!(dollarfr(&[n(1.02), n(-1.0)]), fail(ErrorKind::Num));
        close(fvschedule(&[n(1.0), col(&[0.09, 0.11, 0.1])]), 1.330_89);
        close(fvschedule(&[n(100.0), n(0.5)]), 150.0);
        let with = |v: Value| {
            fvschedule(&[
                n(1.0),
                Arg::Array(Array {
                    rows: 1,
                    cols: 2,
                    data: vec![Value::Number(0.5), v],
                }),
            ])
        };
        close(with(Value::Empty), 1.5);
        assert_eq!(with(Value::text("0.1")), fail(ErrorKind::Value));
        assert_eq!(with(Value::Bool(true)), fail(ErrorKind::Value));
        assert_eq!(with(Value::error(ErrorKind::NA)), fail(ErrorKind::NA));
        close(
            ispmt(&[n(0.1 / 12.0), n(1.0), n(36.0), n(8_000_000.0)]),
            -64_814.814_814_814_81,
        );
        close(
            ispmt(&[n(0.1), n(1.0), n(3.0), n(8_000_000.0)]),
            -533_333.333_333_333_4,
        );
        assert_eq!(
            ispmt(&[n(0.1), n(1.0), n(0.0), n(1.0)]),
            fail(ErrorKind::Div0)
        );
        close(
            pduration(&[n(0.025), n(2000.0), n(2200.0)]),
            3.859_866_162_622_648,
        );
        close(
            pduration(&[n(0.025 / 12.0), n(1000.0), n(1200.0)]),
            87.605_476_419_375_62,
        );
        assert_eq!(pduration(&[n(0.0), n(1.0), n(2.0)]), fail(ErrorKind::Num));
        assert_eq!(pduration(&[n(0.1), n(-1.0), n(2.0)]), fail(ErrorKind::Num));
        close(
            rri(&[n(96.0), n(10000.0), n(11000.0)]),
            0.000_993_307_376_291_330_3,
        );
        close(rri(&[n(2.0), n(100.0), n(0.0)]), -1.0);
        assert_eq!(rri(&[n(0.0), n(1.0), n(2.0)]), fail(ErrorKind::Num));
        assert_eq!(rri(&[n(1.0), n(0.0), n(2.0)]), fail(ErrorKind::Num));
        assert_eq!(rri(&[n(2.0), n(-1.0), n(2.0)]), fail(ErrorKind::Num));
    }

    #[test]
    fn treasury_bills() {
        // Microsoft's examples: settlement 2008-03-31, maturity 2008-06-01.
        let (s, m) = (39538.0, 39600.0);
        close(tbillprice(&[n(s), n(m), n(0.09)]), 98.45);
        close(tbilleq(&[n(s), n(m), n(0.0914)]), 0.094_151_493_565_943_02);
        close(
            tbillyield(&[n(s), n(m), n(98.45)]),
            0.091_416_962_925_342_64,
        );
        close(tbillprice(&[n(s + 0.9), n(m + 0.5), n(0.09)]), 98.45);
        assert_eq!(tbillprice(&[n(m), n(s), n(0.09)]), fail(ErrorKind::Num));
        assert_eq!(tbillprice(&[n(s), n(s), n(0.09)]), fail(ErrorKind::Num));
        assert_eq!(tbillprice(&[n(s), n(m), n(0.0)]), fail(ErrorKind::Num));
        assert_eq!(tbillyield(&[n(s), n(m), n(-1.0)]), fail(ErrorKind::Num));
        assert_eq!(tbilleq(&[n(-1.0), n(m), n(0.09)]), fail(ErrorKind::Num));
        // One calendar year is the limit: 2008-03-31 to 2009-03-31.
        let year = 39903.0;
        close(
            tbillyield(&[n(s), n(year), n(95.0)]),
            5.0 / 95.0 * 360.0 / 365.0,
        );
        assert_eq!(
            tbillyield(&[n(s), n(year + 1.0), n(95.0)]),
            fail(ErrorKind::Num)
        );
        // From a February 29 the year ends on February 28.
        let feb29 = 39507.0;
        assert!(tbillyield(&[n(feb29), n(feb29 + 365.0), n(95.0)]).is_ok());
        assert_eq!(
            tbillyield(&[n(feb29), n(feb29 + 366.0), n(95.0)]),
            fail(ErrorKind::Num)
        );
    }
}
