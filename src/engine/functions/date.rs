//! Dates as Excel serial numbers (1900 date system, including Excel's
//! fictitious 1900-02-29 = serial 60) and times as fractions of a day; the
//! date functions `DATE`, `YEAR`, `MONTH`, `DAY`, `EDATE`, `EOMONTH`,
//! `DAYS`, `DAYS360`, `WEEKDAY`, `WEEKNUM`, `ISOWEEKNUM`, `WORKDAY`,
//! `WORKDAY.INTL`, `NETWORKDAYS`, `NETWORKDAYS.INTL`, `YEARFRAC`,
//! `DATEDIF`, `DATEVALUE`; the time functions `TIME`, `TIMEVALUE`, `HOUR`,
//! `MINUTE`, `SECOND`; also the parsing of date/time text used by coercion.

use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{
    fail, is_given, num_arg, opt_bool_arg, opt_num_arg, scalar, trunc_i64,
};
use crate::engine::value::{CellError, ErrorKind, Value};

/// Largest serial Excel accepts: 9999-12-31.
pub const MAX_SERIAL: f64 = 2_958_465.0;

/// Days from 1970-01-01 to 1899-12-30, the epoch of serials from 61 on.
const EPOCH_OFFSET: i64 = -25_569;

/// A calendar date in Excel's calendar: `day` may be 0 for serial 0
/// ("1900-01-00") and 29 in February 1900.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd {
    /// Year, 1900–9999.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of month.
    pub day: u32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> Ymd {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Ymd { year, month, day }
}

/// Days in a month of Excel's calendar (February 1900 has 29 days).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 || year == 1900;
            if leap { 29 } else { 28 }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The date of a serial number (its integer part); `#NUM!` outside
/// 0..=[`MAX_SERIAL`].
pub fn serial_to_ymd(serial: f64) -> Result<Ymd, CellError> {
    if !(0.0..MAX_SERIAL + 1.0).contains(&serial) {
        return fail(ErrorKind::Num);
    }
    let s = serial.floor() as i64;
    Ok(match s {
        0 => Ymd {
            year: 1900,
            month: 1,
            day: 0,
        },
        60 => Ymd {
            year: 1900,
            month: 2,
            day: 29,
        },
        1..=59 => civil_from_days(s + 1 + EPOCH_OFFSET),
        _ => civil_from_days(s + EPOCH_OFFSET),
    })
}

/// The serial of the first day of a month (`month` 1–12).
fn first_of_month_serial(year: i64, month: u32) -> i64 {
    let real = days_from_civil(year, month, 1) - EPOCH_OFFSET;
    // Before March 1900 Excel's serials are one less than real day counts.
    if real <= 60 { real - 1 } else { real }
}

/// Excel's `DATE` arithmetic: year (0–1899 means 1900+year), month and day
/// may overflow or be ≤ 0 and roll over. `#NUM!` outside 0..=[`MAX_SERIAL`].
pub fn date_serial(year: i64, month: i64, day: i64) -> Result<f64, CellError> {
    let year = if (0..1900).contains(&year) {
        year + 1900
    } else {
        year
    };
    if !(1900..=9999).contains(&year) {
        return fail(ErrorKind::Num);
    }
    // Clamp so that the arithmetic below cannot overflow; results that far
    // out are rejected by the range check anyway.
    let month = month.clamp(-1_000_000, 1_000_000);
    let day = day.clamp(-10_000_000, 10_000_000);
    let total_months = year * 12 + month - 1;
    let y = total_months.div_euclid(12);
    let m = (total_months.rem_euclid(12) + 1) as u32;
    if !(0..=10_000).contains(&y) {
        return fail(ErrorKind::Num);
    }
    let serial = first_of_month_serial(y, m) + day - 1;
    if !(0..=MAX_SERIAL as i64).contains(&serial) {
        return fail(ErrorKind::Num);
    }
    Ok(serial as f64)
}

/// Reads argument `i` as a date serial (text dates are converted).
fn serial_arg(args: &[Arg<'_>], i: usize) -> Result<f64, CellError> {
    let s = num_arg(args, i)?;
    if !(0.0..MAX_SERIAL + 1.0).contains(&s) {
        return fail(ErrorKind::Num);
    }
    Ok(s)
}

/// `DATE(year, month, day)`.
pub fn date(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let y = trunc_i64(num_arg(args, 0)?);
    let m = trunc_i64(num_arg(args, 1)?);
    let d = trunc_i64(num_arg(args, 2)?);
    date_serial(y, m, d)
}

/// `YEAR(serial)`.
pub fn year(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(serial_to_ymd(serial_arg(args, 0)?)?.year as f64)
}

/// `MONTH(serial)`.
pub fn month(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(f64::from(serial_to_ymd(serial_arg(args, 0)?)?.month))
}

/// `DAY(serial)`.
pub fn day(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(f64::from(serial_to_ymd(serial_arg(args, 0)?)?.day))
}

/// The date `months` after the start date, with the day clamped to the
/// month's end, or the month's last day if `end_of_month`.
fn shift_months(args: &[Arg<'_>], end_of_month: bool) -> Result<f64, CellError> {
    let start = serial_to_ymd(serial_arg(args, 0)?)?;
    let months = trunc_i64(num_arg(args, 1)?).clamp(-1_000_000, 1_000_000);
    let total = start.year * 12 + i64::from(start.month) - 1 + months;
    let (y, m) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    if !(1900..=9999).contains(&y) {
        return fail(ErrorKind::Num);
    }
    let last = days_in_month(y, m);
    let d = if end_of_month {
        last
    } else {
        start.day.min(last)
    };
    date_serial(y, i64::from(m), i64::from(d))
}

/// `EDATE(start, months)`.
pub fn edate(args: &[Arg<'_>]) -> Result<f64, CellError> {
    shift_months(args, false)
}

/// `EOMONTH(start, months)`.
pub fn eomonth(args: &[Arg<'_>]) -> Result<f64, CellError> {
    shift_months(args, true)
}

/// `DAYS(end, start)`: whole days between two dates.
pub fn days(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let end = serial_arg(args, 0)?;
    let start = serial_arg(args, 1)?;
    Ok(end.floor() - start.floor())
}

/// Day of week of a serial, 0 = Sunday (Excel: serial 1 is a Sunday).
fn weekday_index(serial: f64) -> i64 {
    (serial.floor() as i64 + 6).rem_euclid(7)
}

/// `WEEKDAY(serial, [type=1])`: types 1 (Sun=1), 2 (Mon=1), 3 (Mon=0),
/// 11–17 (Mon…Sun = 1).
pub fn weekday(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let serial = serial_arg(args, 0)?;
    let kind = trunc_i64(opt_num_arg(args, 1, 1.0)?);
    let sunday0 = weekday_index(serial);
    let first_day = match kind {
        1 | 17 => 0,
        2 | 11 => 1,
        3 => return Ok(((sunday0 + 6) % 7) as f64),
        12..=16 => kind - 10,
        _ => return fail(ErrorKind::Num),
    };
    Ok(((sunday0 - first_day).rem_euclid(7) + 1) as f64)
}

/// `WEEKNUM(serial, [type=1])`: the week of the year, week 1 being the
/// one holding January 1 and weeks starting on Sunday (types 1, 17),
/// Monday (2, 11) or Tuesday…Saturday (12–16); type 21 is the ISO week
/// (weeks from Monday, week 1 holding the year's first Thursday). Other
/// types are `#NUM!`.
pub fn weeknum(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let serial = serial_arg(args, 0)?.floor();
    let kind = trunc_i64(opt_num_arg(args, 1, 1.0)?);
    let first_day = match kind {
        1 | 17 => 0,
        2 | 11 => 1,
        12..=16 => kind - 10,
        21 => return iso_week(serial),
        _ => return fail(ErrorKind::Num),
    };
    let date = serial_to_ymd(serial)?;
    let jan1 = date_serial(date.year, 1, 1)?;
    let offset = (weekday_index(jan1) - first_day).rem_euclid(7);
    let day_of_year = serial - jan1;
    Ok(((day_of_year as i64 + offset) / 7 + 1) as f64)
}

/// The ISO 8601 week number of a serial date.
fn iso_week(serial: f64) -> Result<f64, CellError> {
    // The Thursday of the same Monday-based week decides the year.
    let monday0 = (weekday_index(serial) + 6) % 7;
    let thursday = serial - monday0 as f64 + 3.0;
    // The first days of 1900 can belong to the last week of 1899, whose
    // January 1 is 365 days before serial 1.
    let jan1 = if thursday < 1.0 {
        -364.0
    } else {
        date_serial(serial_to_ymd(thursday)?.year, 1, 1)?
    };
    Ok(((thursday - jan1) / 7.0).floor() + 1.0)
}

/// `ISOWEEKNUM(date)`: the ISO 8601 week number (weeks from Monday, week 1
/// holding the year's first Thursday).
pub fn isoweeknum(args: &[Arg<'_>]) -> Result<f64, CellError> {
    iso_week(serial_arg(args, 0)?.floor())
}

/// The holidays argument of `WORKDAY`/`NETWORKDAYS` (argument `i`), as
/// sorted whole serials: blanks are skipped, an error propagates, other
/// values that are not dates are `#VALUE!`.
fn holidays(args: &[Arg<'_>], i: usize) -> Result<Vec<f64>, CellError> {
    let Some(arg) = args.get(i) else {
        return Ok(Vec::new());
    };
    let mut days = Vec::new();
    let mut problem = None;
    arg.for_each_non_blank(|v| {
        if problem.is_some() {
            return;
        }
        match v {
            Value::Empty => {}
            Value::Error(e) => problem = Some(e.clone()),
            other => match crate::engine::coerce::to_number(other) {
                Ok(n) if (0.0..MAX_SERIAL + 1.0).contains(&n) => days.push(n.floor()),
                Ok(_) => problem = Some(CellError::new(ErrorKind::Num)),
                Err(e) => problem = Some(e),
            },
        }
    });
    if let Some(e) = problem {
        return Err(e);
    }
    days.sort_by(f64::total_cmp);
    days.dedup();
    Ok(days)
}

/// The days of the week that are not working days, indexed by
/// [`weekday_index`] (0 = Sunday).
type Weekend = [bool; 7];

/// Saturday and Sunday, the weekend of `WORKDAY` and `NETWORKDAYS`.
const SATURDAY_SUNDAY: Weekend = [true, false, false, false, false, false, true];

/// The weekend argument `i` of `WORKDAY.INTL`/`NETWORKDAYS.INTL`: absent or
/// empty is Saturday–Sunday; a number 1–7 (two days: 1 Saturday–Sunday,
/// 2 Sunday–Monday, …, 7 Friday–Saturday) or 11–17 (one day: 11 Sunday, 12
/// Monday, …, 17 Saturday), other numbers `#NUM!`; or a text of seven
/// `0`/`1` characters for Monday…Sunday (1 = weekend), other text
/// `#VALUE!`.
fn weekend_arg(args: &[Arg<'_>], i: usize) -> Result<Weekend, CellError> {
    if !is_given(args, i) {
        return Ok(SATURDAY_SUNDAY);
    }
    let mut weekend = [false; 7];
    match scalar(args, i) {
        Value::Text(t) => {
            let bits: Vec<char> = t.chars().collect();
            if bits.len() != 7 {
                return fail(ErrorKind::Value);
            }
            for (monday0, bit) in bits.iter().enumerate() {
                weekend[(monday0 + 1) % 7] = match bit {
                    '1' => true,
                    '0' => false,
                    _ => return fail(ErrorKind::Value),
                };
            }
        }
        v => {
            let code = trunc_i64(crate::engine::coerce::to_number(&v)?);
            match code {
                // 1 = Saturday + Sunday, 2 = Sunday + Monday, …
                1..=7 => {
                    let first = (code + 5) % 7;
                    weekend[first as usize] = true;
                    weekend[((first + 1) % 7) as usize] = true;
                }
                // 11 = Sunday, 12 = Monday, …, 17 = Saturday.
                11..=17 => weekend[(code - 11) as usize] = true,
                _ => return fail(ErrorKind::Num),
            }
        }
    }
    Ok(weekend)
}

/// True if a whole serial is not a weekend day and not a holiday.
fn is_workday(serial: f64, weekend: &Weekend, holidays: &[f64]) -> bool {
    !weekend[weekday_index(serial) as usize]
        && holidays.binary_search_by(|h| h.total_cmp(&serial)).is_err()
}

/// The date `days` working days after (or before, if negative) `start`.
/// `#NUM!` if the result is not a valid date, `#VALUE!` if every day of the
/// week is a weekend day.
fn add_workdays(
    start: f64,
    days: f64,
    weekend: &Weekend,
    holidays: &[f64],
) -> Result<f64, CellError> {
    if days.abs() > MAX_SERIAL {
        return fail(ErrorKind::Num);
    }
    if weekend.iter().all(|w| *w) {
        return fail(ErrorKind::Value);
    }
    let step = if days < 0.0 { -1.0 } else { 1.0 };
    let mut left = days.abs();
    let mut serial = start;
    // Whole weeks first: each holds the same working days, less the
    // holidays on working days inside it; the last few days one by one.
    let per_week = weekend.iter().filter(|w| !**w).count() as f64;
    while left > per_week {
        let weeks = ((left - 1.0) / per_week).floor();
        let target = serial + step * 7.0 * weeks;
        if !(0.0..=MAX_SERIAL).contains(&target) {
            return fail(ErrorKind::Num);
        }
        let (low, high) = if step > 0.0 {
            (serial + 1.0, target)
        } else {
            (target, serial - 1.0)
        };
        let from = holidays.partition_point(|h| *h < low);
        let to = holidays.partition_point(|h| *h <= high);
        let off = holidays[from..to]
            .iter()
            .filter(|h| !weekend[weekday_index(**h) as usize])
            .count() as f64;
        left -= weeks * per_week - off;
        serial = target;
    }
    while left > 0.0 {
        serial += step;
        if !(0.0..=MAX_SERIAL).contains(&serial) {
            return fail(ErrorKind::Num);
        }
        if is_workday(serial, weekend, holidays) {
            left -= 1.0;
        }
    }
    Ok(serial)
}

/// `WORKDAY(start, days, [holidays])`: the date `days` working days (Monday
/// to Friday, not holidays) after (or before, if negative) the start date.
/// `#NUM!` if the result is not a valid date.
pub fn workday(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let start = serial_arg(args, 0)?.floor();
    let days = num_arg(args, 1)?.trunc();
    let holidays = holidays(args, 2)?;
    add_workdays(start, days, &SATURDAY_SUNDAY, &holidays)
}

/// `WORKDAY.INTL(start, days, [weekend=1], [holidays])`: `WORKDAY` with the
/// weekend days given by a number or a `"0000011"` string (see
/// [`weekend_arg`]); a weekend of all seven days is `#VALUE!`.
pub fn workday_intl(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let start = serial_arg(args, 0)?.floor();
    let days = num_arg(args, 1)?.trunc();
    let weekend = weekend_arg(args, 2)?;
    let holidays = holidays(args, 3)?;
    add_workdays(start, days, &weekend, &holidays)
}

/// The working days from `start` to `end`, both included; negative if the
/// end is before the start.
fn count_workdays(start: f64, end: f64, weekend: &Weekend, holidays: &[f64]) -> f64 {
    let (low, high, sign) = if end < start {
        (end, start, -1.0)
    } else {
        (start, end, 1.0)
    };
    let per_week = weekend.iter().filter(|w| !**w).count() as f64;
    // Whole weeks hold the same working days; the rest are counted one by one.
    let weeks = ((high - low + 1.0) / 7.0).floor();
    let mut count = weeks * per_week;
    let mut serial = low + weeks * 7.0;
    while serial <= high {
        count += f64::from(u8::from(!weekend[weekday_index(serial) as usize]));
        serial += 1.0;
    }
    let holidays_inside = holidays
        .iter()
        .filter(|h| (low..=high).contains(*h) && !weekend[weekday_index(**h) as usize])
        .count();
    sign * (count - holidays_inside as f64)
}

/// `NETWORKDAYS(start, end, [holidays])`: the working days (Monday to
/// Friday, not holidays) from start to end, both included; negative if the
/// end is before the start.
pub fn networkdays(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let start = serial_arg(args, 0)?.floor();
    let end = serial_arg(args, 1)?.floor();
    let holidays = holidays(args, 2)?;
    Ok(count_workdays(start, end, &SATURDAY_SUNDAY, &holidays))
}

/// `NETWORKDAYS.INTL(start, end, [weekend=1], [holidays])`: `NETWORKDAYS`
/// with the weekend days given by a number or a `"0000011"` string (see
/// [`weekend_arg`]); `"1111111"` gives 0.
pub fn networkdays_intl(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let start = serial_arg(args, 0)?.floor();
    let end = serial_arg(args, 1)?.floor();
    let weekend = weekend_arg(args, 2)?;
    let holidays = holidays(args, 3)?;
    Ok(count_workdays(start, end, &weekend, &holidays))
}

/// `DAYS360(start, end, [european=FALSE])`: the days between two dates in
/// a 360-day year of twelve 30-day months; negative if the end is first.
/// The US (NASD) method, as Excel applies it: a start on the 31st or on the
/// last day of February counts as the 30th; an end on the 31st counts as
/// the 30th only if the start (so adjusted) is the 30th. The European
/// method counts every 31st as the 30th.
pub fn days360(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let d1 = serial_to_ymd(serial_arg(args, 0)?)?;
    let d2 = serial_to_ymd(serial_arg(args, 1)?)?;
    let european = opt_bool_arg(args, 2, false)?;
    let (mut day1, mut day2) = (d1.day, d2.day);
    if european {
        day1 = day1.min(30);
        day2 = day2.min(30);
    } else {
        if day1 == 31 || last_of_february(d1) {
            day1 = 30;
        }
        if day2 == 31 && day1 == 30 {
            day2 = 30;
        }
    }
    let months = (d2.year - d1.year) * 12 + i64::from(d2.month) - i64::from(d1.month);
    Ok(months as f64 * 30.0 + f64::from(day2) - f64::from(day1))
}

/// True if `date` is the last day of February.
fn last_of_february(date: Ymd) -> bool {
    date.month == 2 && date.day == days_in_month(date.year, 2)
}

/// True for Gregorian leap years (1900 counts, as in Excel's calendar).
fn is_leap(year: i64) -> bool {
    days_in_month(year, 2) == 29
}

/// `YEARFRAC(start, end, [basis=0])`: the fraction of a year between two
/// dates (in either order) by day-count basis 0 (US 30/360), 1
/// (actual/actual), 2 (actual/360), 3 (actual/365) or 4 (European 30/360),
/// following Excel's rules (as analysed by D. A. Wheeler); other bases are
/// `#NUM!`.
pub fn yearfrac(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let a = serial_arg(args, 0)?.floor();
    let b = serial_arg(args, 1)?.floor();
    let basis = trunc_i64(opt_num_arg(args, 2, 0.0)?);
    let (start, end) = if a <= b { (a, b) } else { (b, a) };
    let (d1, d2) = (serial_to_ymd(start)?, serial_to_ymd(end)?);
    let days = end - start;
    let thirty_360 = |day1: u32, day2: u32| {
        let months = (d2.year - d1.year) * 12 + i64::from(d2.month) - i64::from(d1.month);
        (months as f64 * 30.0 + f64::from(day2) - f64::from(day1)) / 360.0
    };
    match basis {
        0 => {
            let (mut day1, mut day2) = (d1.day, d2.day);
            if day1 == 31 && day2 == 31 {
                (day1, day2) = (30, 30);
            } else if day1 == 31 {
                day1 = 30;
            } else if day1 == 30 && day2 == 31 {
                day2 = 30;
            } else if last_of_february(d1) && last_of_february(d2) {
                (day1, day2) = (30, 30);
            } else if last_of_february(d1) {
                day1 = 30;
            }
            Ok(thirty_360(day1, day2))
        }
        1 => {
            let within_a_year = d1.year == d2.year
                || (d1.year + 1 == d2.year
                    && (d1.month > d2.month || (d1.month == d2.month && d1.day >= d2.day)));
            let year_length = if within_a_year {
                let feb29_between = (is_leap(d1.year) && d1.month < 3)
                    || (is_leap(d2.year) && (d2.month > 2 || (d2.month == 2 && d2.day == 29)));
                if (d1.year == d2.year && is_leap(d1.year)) || feb29_between {
                    366.0
                } else {
                    365.0
                }
            } else {
                let span = date_serial(d2.year + 1, 1, 1)? - date_serial(d1.year, 1, 1)?;
                span / (d2.year - d1.year + 1) as f64
            };
            Ok(days / year_length)
        }
        2 => Ok(days / 360.0),
        3 => Ok(days / 365.0),
        4 => Ok(thirty_360(d1.day.min(30), d2.day.min(30))),
        _ => fail(ErrorKind::Num),
    }
}

/// `DATEDIF(start, end, unit)`: complete years (`"Y"`), months (`"M"`) or
/// days (`"D"`) from start to end; `"YM"` months and `"YD"` days ignoring
/// years, `"MD"` days ignoring months and years (which, as Microsoft warns,
/// can be negative: Excel counts from the start day in the month before
/// the end). A start after the end or another unit is `#NUM!`.
pub fn datedif(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let start = serial_arg(args, 0)?.floor();
    let end = serial_arg(args, 1)?.floor();
    let unit = crate::engine::functions::helpers::text_arg(args, 2)?.to_ascii_uppercase();
    if start > end {
        return fail(ErrorKind::Num);
    }
    let (d1, d2) = (serial_to_ymd(start)?, serial_to_ymd(end)?);
    let months = (d2.year - d1.year) * 12 + i64::from(d2.month)
        - i64::from(d1.month)
        - i64::from(d2.day < d1.day);
    match unit.as_str() {
        "D" => Ok(end - start),
        "M" => Ok(months as f64),
        "Y" => Ok((months / 12) as f64),
        "YM" => Ok((months % 12) as f64),
        "MD" if d2.day >= d1.day => Ok(f64::from(d2.day - d1.day)),
        "MD" => Ok(end - date_serial(d2.year, i64::from(d2.month) - 1, i64::from(d1.day))?),
        "YD" => {
            let same_year = date_serial(d2.year, i64::from(d1.month), i64::from(d1.day))?;
            let anniversary = if same_year > end {
                date_serial(d2.year - 1, i64::from(d1.month), i64::from(d1.day))?
            } else {
                same_year
            };
            Ok(end - anniversary)
        }
        _ => fail(ErrorKind::Num),
    }
}

/// `DATEVALUE(text)`: the serial of a date written as text.
pub fn datevalue(args: &[Arg<'_>]) -> Result<f64, CellError> {
    match args.first().map(Arg::scalar) {
        Some(Value::Text(t)) => parse_date_time_text(t.trim())
            .map(f64::floor)
            .ok_or_else(|| CellError::new(ErrorKind::Value)),
        Some(Value::Error(e)) => Err(e),
        _ => fail(ErrorKind::Value),
    }
}

/// `TIME(hour, minute, second)`: the fraction of a day of a time. Each
/// part is truncated and must lie in -32768..=32767 (else `#NUM!`); parts
/// beyond a day carry over (`TIME(0, 90, 0)` is 1:30) and the total wraps
/// at 24 hours. A negative total is `#NUM!`.
pub fn time(args: &[Arg<'_>]) -> Result<f64, CellError> {
    let mut seconds = 0;
    for (i, unit) in [3600, 60, 1].into_iter().enumerate() {
        let part = num_arg(args, i)?.trunc();
        if !(-32768.0..=32767.0).contains(&part) {
            return fail(ErrorKind::Num);
        }
        seconds += part as i64 * unit;
    }
    if seconds < 0 {
        return fail(ErrorKind::Num);
    }
    Ok((seconds % 86_400) as f64 / 86_400.0)
}

/// `TIMEVALUE(text)`: the time of day (fraction of a day) of a time or
/// date-time written as text (`"18:45"`, `"6:45 PM"`, `"2026-01-15
/// 06:00"`); a date alone is 0. Anything but text is `#VALUE!`.
pub fn timevalue(args: &[Arg<'_>]) -> Result<f64, CellError> {
    match scalar(args, 0) {
        Value::Text(t) => parse_date_time_text(t.trim())
            .map(|serial| serial - serial.floor())
            .ok_or_else(|| CellError::new(ErrorKind::Value)),
        Value::Error(e) => Err(e),
        _ => fail(ErrorKind::Value),
    }
}

/// Reads argument 0 of `HOUR`/`MINUTE`/`SECOND` as a serial (time text is
/// converted) and splits its time of day, rounded to the second.
fn time_of_day_arg(args: &[Arg<'_>]) -> Result<(u32, u32, u32), CellError> {
    Ok(time_parts(serial_arg(args, 0)?))
}

/// `HOUR(serial)`: the hour 0–23 of the time part; a negative serial is
/// `#NUM!`.
pub fn hour(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(f64::from(time_of_day_arg(args)?.0))
}

/// `MINUTE(serial)`: the minute 0–59 of the time part.
pub fn minute(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(f64::from(time_of_day_arg(args)?.1))
}

/// `SECOND(serial)`: the second 0–59 of the time part (rounded).
pub fn second(args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(f64::from(time_of_day_arg(args)?.2))
}

/// Parses a date and/or time written as text: `yyyy-mm-dd`, `yyyy/mm/dd`,
/// `m/d/yyyy`, optionally followed by ` hh:mm[:ss]` (or `T`), or a time
/// alone; a time may end in `AM`/`PM`. Gives the serial number (time as
/// the fraction of a day).
pub fn parse_date_time_text(t: &str) -> Option<f64> {
    let t = t.trim();
    if let Some(time) = parse_time(t) {
        return Some(time);
    }
    let (date_part, time_part) = match t.split_once([' ', 'T']) {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let date = parse_date(date_part)?;
    let time = match time_part {
        Some(tp) => parse_time(tp)?,
        None => 0.0,
    };
    Some(date + time)
}

/// `yyyy-mm-dd`, `yyyy/mm/dd` or `m/d/yyyy` as a serial.
fn parse_date(t: &str) -> Option<f64> {
    let sep = if t.contains('-') { '-' } else { '/' };
    let parts: Vec<&str> = t.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if sep == '/' && c.len() == 4 {
        (num(c)?, num(a)?, num(b)?)
    } else {
        return None;
    };
    let month = u32::try_from(m).ok().filter(|m| (1..=12).contains(m))?;
    if d < 1 || d > i64::from(days_in_month(y, month)) || !(1900..=9999).contains(&y) {
        return None;
    }
    date_serial(y, m, d).ok()
}

/// `hh:mm` or `hh:mm:ss[.fff]`, optionally followed by `AM` or `PM` (any
/// case, with or without a space; the hour is then 0–12, and may stand
/// alone: `6 PM`), as a fraction of a day.
fn parse_time(t: &str) -> Option<f64> {
    let upper = t.to_ascii_uppercase();
    let meridiem = ["AM", "PM"]
        .into_iter()
        .position(|suffix| upper.ends_with(suffix));
    let t = match meridiem {
        Some(_) => t.get(..t.len() - 2)?.trim_end(),
        None => t,
    };
    let parts: Vec<&str> = t.split(':').collect();
    let (h, m, s) = match parts.as_slice() {
        // An hour alone counts only with AM or PM (`6 PM`), as in Excel.
        [h] if meridiem.is_some() => (*h, "0", "0"),
        [h, m] => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let int = |s: &str, max: u32| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    let h = match meridiem {
        // 12 AM is midnight, 12 PM noon.
        Some(pm) => int(h, 12)? % 12 + 12 * pm as u32,
        None => int(h, 23)?,
    };
    let m = int(m, 59)?;
    let s: f64 = if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && !s.is_empty() {
        s.parse().ok().filter(|v| *v < 60.0)?
    } else {
        return None;
    };
    Some((f64::from(h) * 3600.0 + f64::from(m) * 60.0 + s) / 86_400.0)
}

/// Hour, minute, second of the time part of a serial, rounded to the
/// nearest second.
pub fn time_parts(serial: f64) -> (u32, u32, u32) {
    let secs = ((serial - serial.floor()) * 86_400.0).round() as u32 % 86_400;
    (secs / 3600, secs / 60 % 60, secs % 60)
}

/// Day of week of a serial, 0 = Sunday.
pub fn day_of_week(serial: f64) -> u32 {
    weekday_index(serial) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Day-by-day stepping, the definition `add_workdays` jumps through.
    fn add_workdays_by_steps(start: f64, days: f64, weekend: &Weekend, holidays: &[f64]) -> f64 {
        let step = days.signum();
        let (mut left, mut serial) = (days.abs(), start);
        while left > 0.0 {
            serial += step;
            if is_workday(serial, weekend, holidays) {
                left -= 1.0;
            }
        }
        serial
    }

    #[test]
    fn whole_weeks_jump_to_where_steps_go() {
        let weekends: [Weekend; 3] = [
            SATURDAY_SUNDAY,
            [false, false, false, false, false, false, true],
            [true, false, true, false, true, false, true],
        ];
        let holidays: Vec<f64> = (0..60).map(|i| 46_000.0 + f64::from(i * i % 211)).collect();
        let mut sorted = holidays.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        for weekend in &weekends {
            for start in [45_990.0, 46_003.0, 46_100.0] {
                for days in [-400.0, -37.0, -6.0, -1.0, 0.0, 1.0, 5.0, 13.0, 250.0, 999.0] {
                    assert_eq!(
                        add_workdays(start, days, weekend, &sorted),
                        Ok(add_workdays_by_steps(start, days, weekend, &sorted)),
                        "{start} {days} {weekend:?}"
                    );
                }
            }
        }
        // A big count is quick and lands on a working day.
        let far = add_workdays(1.0, 2_000_000.0, &SATURDAY_SUNDAY, &[]).expect("in range");
        assert!(is_workday(far, &SATURDAY_SUNDAY, &[]));
    }

    fn n(x: f64) -> Arg<'static> {
        Arg::Value(Value::Number(x))
    }

    #[test]
    fn serials() {
        assert_eq!(date_serial(1900, 1, 1), Ok(1.0));
        assert_eq!(date_serial(1900, 2, 28), Ok(59.0));
        assert_eq!(date_serial(1900, 2, 29), Ok(60.0));
        assert_eq!(date_serial(1900, 3, 1), Ok(61.0));
        assert_eq!(date_serial(2026, 1, 15), Ok(46037.0));
        assert_eq!(date_serial(2026, 14, 1), date_serial(2027, 2, 1));
        assert_eq!(date_serial(126, 1, 15), Ok(46037.0));
        assert_eq!(date_serial(2026, 1, 0), date_serial(2025, 12, 31));
        assert_eq!(date_serial(1900, 1, 0), Ok(0.0));
        assert_eq!(date_serial(1900, 1, -1), fail(ErrorKind::Num));
        assert_eq!(date_serial(10000, 1, 1), fail(ErrorKind::Num));
        assert_eq!(date_serial(9999, 12, 31), Ok(MAX_SERIAL));
        assert_eq!(date_serial(2000, i64::MAX, i64::MIN), fail(ErrorKind::Num));
        for s in [0.0, 1.0, 59.0, 60.0, 61.0, 46037.0, MAX_SERIAL] {
            let d = serial_to_ymd(s).unwrap();
            assert_eq!(
                date_serial(d.year, d.month.into(), d.day.into()),
                Ok(s),
                "{s}"
            );
        }
        assert_eq!(serial_to_ymd(-1.0), fail(ErrorKind::Num));
    }

    #[test]
    fn month_shifts() {
        let jan31 = date_serial(2026, 1, 31).unwrap();
        assert_eq!(edate(&[n(jan31), n(1.0)]), date_serial(2026, 2, 28));
        assert_eq!(eomonth(&[n(jan31), n(-1.0)]), date_serial(2025, 12, 31));
        assert_eq!(eomonth(&[n(jan31), n(1e300)]), fail(ErrorKind::Num));
        assert_eq!(days(&[n(10.5), n(3.9)]), Ok(7.0));
        assert_eq!(weekday(&[n(46037.0)]), Ok(5.0)); // 2026-01-15 is a Thursday
        assert_eq!(weekday(&[n(46037.0), n(2.0)]), Ok(4.0));
        assert_eq!(weekday(&[n(46037.0), n(3.0)]), Ok(3.0));
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_date_time_text("2026-01-15"), Some(46037.0));
        assert_eq!(parse_date_time_text("1/15/2026"), Some(46037.0));
        assert_eq!(parse_date_time_text("2026-01-15 12:00"), Some(46037.5));
        assert_eq!(parse_date_time_text("06:00"), Some(0.25));
        assert_eq!(parse_date_time_text("2026-02-30"), None);
        assert_eq!(parse_date_time_text("12"), None);
        assert_eq!(time_parts(0.75), (18, 0, 0));
    }

    #[test]
    fn weeks_workdays_and_fractions() {
        let d = |y, m, day| date_serial(y, m, day).unwrap();
        assert_eq!(weeknum(&[n(d(2025, 12, 31))]), Ok(53.0));
        assert_eq!(weeknum(&[n(d(2026, 1, 4)), n(2.0)]), Ok(1.0));
        assert_eq!(weeknum(&[n(d(2027, 1, 1)), n(21.0)]), Ok(53.0));
        assert_eq!(weeknum(&[n(d(2024, 12, 30)), n(21.0)]), Ok(1.0));
        assert_eq!(weeknum(&[n(1.0), n(4.0)]), fail(ErrorKind::Num));
        assert_eq!(workday(&[n(d(2026, 1, 16)), n(1.0)]), Ok(d(2026, 1, 19)));
        assert_eq!(workday(&[n(d(2026, 1, 19)), n(-1.0)]), Ok(d(2026, 1, 16)));
        assert_eq!(workday(&[n(MAX_SERIAL), n(1.0)]), fail(ErrorKind::Num));
        // The week arithmetic agrees with counting day by day.
        for (start, end) in [(46023.0, 46053.0), (46039.0, 46040.0), (45000.0, 46111.0)] {
            let by_day = (start as i64..=end as i64)
                .filter(|s| (1..=5).contains(&weekday_index(*s as f64)))
                .count() as f64;
            assert_eq!(networkdays(&[n(start), n(end)]), Ok(by_day));
            assert_eq!(networkdays(&[n(end), n(start)]), Ok(-by_day));
        }
        let frac = |a: f64, b: f64, basis: f64| yearfrac(&[n(a), n(b), n(basis)]).unwrap();
        let (jan1, jul30) = (d(2012, 1, 1), d(2012, 7, 30));
        assert!((frac(jan1, jul30, 0.0) - 0.580_555_555_555_555_6).abs() < 1e-12);
        assert!((frac(jul30, jan1, 1.0) - 0.576_502_732_240_437_1).abs() < 1e-12);
        assert_eq!(yearfrac(&[n(jan1), n(jul30), n(5.0)]), fail(ErrorKind::Num));
        let dif =
            |a: f64, b: f64, unit: &str| datedif(&[n(a), n(b), Arg::Value(Value::text(unit))]);
        assert_eq!(dif(d(2001, 6, 1), d(2002, 8, 15), "yd"), Ok(75.0));
        assert_eq!(dif(d(2001, 6, 20), d(2002, 8, 15), "MD"), Ok(26.0));
        assert_eq!(
            dif(d(2002, 8, 15), d(2001, 6, 20), "D"),
            fail(ErrorKind::Num)
        );
    }

    #[test]
    fn times() {
        let close = |r: Result<f64, CellError>, want: f64| {
            let got = r.unwrap();
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        };
        close(time(&[n(12.0), n(0.0), n(0.0)]), 0.5);
        close(time(&[n(0.0), n(90.0), n(0.0)]), 0.0625);
        close(time(&[n(25.0), n(0.0), n(0.0)]), 1.0 / 24.0);
        close(time(&[n(1.0), n(-30.0), n(0.9)]), 1.0 / 48.0);
        close(time(&[n(0.0), n(0.0), n(32767.0)]), 32767.0 / 86400.0 % 1.0);
        assert_eq!(time(&[n(0.0), n(-1.0), n(0.0)]), fail(ErrorKind::Num));
        assert_eq!(time(&[n(32768.0), n(0.0), n(0.0)]), fail(ErrorKind::Num));
        let t = |s: &str| Arg::Value(Value::text(s));
        close(timevalue(&[t("6:45 PM")]), 0.78125);
        close(timevalue(&[t("18:45")]), 0.78125);
        close(timevalue(&[t("12:30 am")]), 0.5 / 24.0);
        close(timevalue(&[t("12:00PM")]), 0.5);
        close(timevalue(&[t("6 PM")]), 0.75);
        close(timevalue(&[t("6am")]), 0.25);
        assert_eq!(timevalue(&[t("6")]), fail(ErrorKind::Value));
        close(timevalue(&[t("2026-01-15 06:00")]), 0.25);
        close(timevalue(&[t("2026-01-15 6:00 PM")]), 0.75);
        close(timevalue(&[t("2026-01-15")]), 0.0);
        assert_eq!(timevalue(&[t("13:00 PM")]), fail(ErrorKind::Value));
        assert_eq!(timevalue(&[t("noon")]), fail(ErrorKind::Value));
        assert_eq!(timevalue(&[n(0.5)]), fail(ErrorKind::Value));
        let at = n(46037.0 + 0.78125 + 3.0 / 86400.0);
        assert_eq!(hour(std::slice::from_ref(&at)), Ok(18.0));
        assert_eq!(minute(std::slice::from_ref(&at)), Ok(45.0));
        assert_eq!(second(&[at]), Ok(3.0));
        assert_eq!(hour(&[t("6:45 PM")]), Ok(18.0));
        assert_eq!(minute(&[n(0.0)]), Ok(0.0));
        assert_eq!(hour(&[n(-0.5)]), fail(ErrorKind::Num));
        assert_eq!(second(&[t("x")]), fail(ErrorKind::Value));
    }

    #[test]
    fn iso_weeks_and_days360() {
        let d = |y, m, day| date_serial(y, m, day).unwrap();
        assert_eq!(isoweeknum(&[n(d(2026, 1, 1))]), Ok(1.0));
        assert_eq!(isoweeknum(&[n(d(2027, 1, 1) + 0.5)]), Ok(53.0));
        assert_eq!(isoweeknum(&[n(d(2024, 12, 30))]), Ok(1.0));
        assert_eq!(isoweeknum(&[n(0.0)]), Ok(52.0));
        assert_eq!(isoweeknum(&[n(2.0)]), Ok(1.0));
        assert_eq!(isoweeknum(&[n(-1.0)]), fail(ErrorKind::Num));
        let d360 = |a: f64, b: f64, eu: bool| days360(&[n(a), n(b), Arg::Value(Value::Bool(eu))]);
        assert_eq!(d360(d(2011, 1, 30), d(2011, 2, 1), false), Ok(1.0));
        assert_eq!(d360(d(2011, 1, 1), d(2011, 12, 31), false), Ok(360.0));
        assert_eq!(d360(d(2011, 1, 1), d(2011, 12, 31), true), Ok(359.0));
        assert_eq!(d360(d(2011, 2, 28), d(2011, 3, 31), false), Ok(30.0));
        assert_eq!(d360(d(2011, 2, 28), d(2011, 3, 31), true), Ok(32.0));
        assert_eq!(d360(d(2012, 2, 28), d(2012, 3, 31), false), Ok(33.0));
        assert_eq!(d360(d(2011, 1, 15), d(2011, 2, 28), false), Ok(43.0));
        assert_eq!(d360(d(2011, 12, 31), d(2011, 1, 1), false), Ok(-359.0));
        assert_eq!(days360(&[n(d(2011, 1, 1)), n(d(2011, 12, 31))]), Ok(360.0));
        assert_eq!(days360(&[n(-1.0), n(1.0)]), fail(ErrorKind::Num));
    }

    #[test]
    fn international_weekends() {
        use crate::engine::functions::args::Array;
        let d = |y, m, day| date_serial(y, m, day).unwrap();
        let t = |s: &str| Arg::Value(Value::text(s));
        let holidays = Arg::Array(Array {
            rows: 1,
            cols: 2,
            data: vec![Value::text("2006/1/2"), Value::text("2006/1/16")],
        });
        let (jan1, jan31, feb1, feb28) =
            (d(2006, 1, 1), d(2006, 1, 31), d(2006, 2, 1), d(2006, 2, 28));
        assert_eq!(networkdays_intl(&[n(jan1), n(jan31)]), Ok(22.0));
        assert_eq!(networkdays_intl(&[n(feb28), n(jan31)]), Ok(-21.0));
        assert_eq!(
            networkdays_intl(&[n(jan1), n(feb1), n(7.0), holidays.clone()]),
            Ok(22.0)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(feb1), t("0010001"), holidays.clone()]),
            Ok(20.0)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(jan31), t("1111111")]),
            Ok(0.0)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(jan31), t("0000000")]),
            Ok(31.0)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(jan31), Arg::Value(Value::Empty), holidays]),
            Ok(20.0)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(jan31), n(0.0)]),
            fail(ErrorKind::Num)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(jan31), n(8.0)]),
            fail(ErrorKind::Num)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(jan31), t("000001")]),
            fail(ErrorKind::Value)
        );
        assert_eq!(
            networkdays_intl(&[n(jan1), n(jan31), t("00000x1")]),
            fail(ErrorKind::Value)
        );
        // Every weekend code agrees with counting day by day.
        for code in (1..=7).chain(11..=17) {
            let weekend = weekend_arg(&[n(f64::from(code))], 0).unwrap();
            assert_eq!(
                weekend.iter().filter(|w| **w).count(),
                if code < 10 { 2 } else { 1 }
            );
            let (start, end) = (45000.0, 45123.0);
            let by_day = (45000..=45123)
                .filter(|s| !weekend[weekday_index(f64::from(*s)) as usize])
                .count() as f64;
            assert_eq!(
                networkdays_intl(&[n(start), n(end), n(f64::from(code))]),
                Ok(by_day)
            );
        }
        let jan1_2012 = d(2012, 1, 1);
        assert_eq!(workday_intl(&[n(jan1_2012), n(90.0), n(11.0)]), Ok(41013.0));
        assert_eq!(
            workday_intl(&[n(jan1_2012), n(30.0), n(17.0)]),
            Ok(d(2012, 2, 5))
        );
        assert_eq!(
            workday_intl(&[n(jan1_2012), n(30.0), n(0.0)]),
            fail(ErrorKind::Num)
        );
        assert_eq!(
            workday_intl(&[n(jan1_2012), n(1.0), t("1111111")]),
            fail(ErrorKind::Value)
        );
        assert_eq!(
            workday_intl(&[n(jan1_2012), n(0.0), t("1111110")]),
            Ok(jan1_2012)
        );
        // 2012-01-01 is a Sunday: with only Sundays working, 2 days on is
        // 2012-01-15.
        assert_eq!(
            workday_intl(&[n(jan1_2012), n(2.0), t("1111110")]),
            Ok(d(2012, 1, 15))
        );
        assert_eq!(
            workday_intl(&[n(d(2026, 1, 19)), n(-1.0)]),
            Ok(d(2026, 1, 16))
        );
    }
}
