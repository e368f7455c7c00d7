//! The functions of time and chance: `NOW`, `TODAY`, `RAND` and
//! `RANDBETWEEN`. Like Excel's they are volatile: the engine computes them
//! again in every recalculation.
//!
//! The engine stays free of IO: the time is the engine's [`Moment`], which
//! the workbook sets from the system clock before it recalculates, and a
//! random number is a hash of the recalculation's round and the cell's
//! place, so that one recalculation gives the same numbers however it is
//! walked (a full and an incremental recalculation agree), and the next
//! gives new ones, as in Excel.

use std::cell::Cell;

use crate::engine::functions::args::Arg;
use crate::engine::functions::helpers::{fail, num_arg};
use crate::engine::value::{CellError, ErrorKind};

/// What the functions of time and chance read while the engine evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Moment {
    /// The time as a date serial (days since 1899-12-30, the fraction of
    /// the day after the point).
    pub now: f64,
    /// The recalculation's round: random numbers change with it.
    pub round: u64,
}

thread_local! {
    static MOMENT: Cell<Moment> = const { Cell::new(Moment { now: 0.0, round: 0 }) };
}

/// Sets the moment until dropped (see [`Moment`]).
pub struct MomentGuard(Moment);

impl MomentGuard {
    /// Evaluates with `moment` until the guard is dropped.
    pub fn set(moment: Moment) -> MomentGuard {
        MomentGuard(MOMENT.with(|m| m.replace(moment)))
    }
}

impl Drop for MomentGuard {
    fn drop(&mut self) {
        MOMENT.with(|m| m.set(self.0));
    }
}

/// The date serial of a Unix time in seconds (UTC).
pub fn serial_of_unix(seconds: f64) -> f64 {
    // 1970-01-01 is serial 25,569.
    25_569.0 + seconds / 86_400.0
}

/// `NOW()`: the date and time as a serial.
pub fn now(_args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(MOMENT.with(|m| m.get().now))
}

/// `TODAY()`: the date as a serial (a whole number).
pub fn today(_args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(MOMENT.with(|m| m.get().now).floor())
}

/// A number in `[0, 1)` for the cell at (`sheet`, `row`, `col`) in this
/// round: SplitMix64 over the round and the place.
pub fn rand_at(sheet: u32, row: u32, col: u32) -> f64 {
    let round = MOMENT.with(|m| m.get().round);
    let place = (u64::from(sheet) << 48) ^ (u64::from(row) << 20) ^ u64::from(col);
    let mut x = round
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(place);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// `RANDBETWEEN(bottom, top)` for the cell at a place: a whole number
/// between the bounds, each first rounded away from zero as LibreOffice
/// does (`RANDBETWEEN(1.5, 3.2)` gives 2, 3 or 4); `#NUM!` if `bottom` is
/// then above `top`.
pub fn randbetween_at(
    args: &[Arg<'_>],
    (sheet, row, col): (u32, u32, u32),
) -> Result<f64, CellError> {
    let away = |x: f64| if x < 0.0 { x.floor() } else { x.ceil() };
    let (bottom, top) = (away(num_arg(args, 0)?), away(num_arg(args, 1)?));
    if bottom > top || !(top - bottom).is_finite() {
        return fail(ErrorKind::Num);
    }
    Ok((bottom + (rand_at(sheet, row, col) * (top - bottom + 1.0)).floor()).min(top))
}

/// `RAND()` where the cell is not known (inside an array expression).
pub fn rand(_args: &[Arg<'_>]) -> Result<f64, CellError> {
    Ok(rand_at(u32::MAX, 0, 0))
}

/// `RANDBETWEEN` where the cell is not known.
pub fn randbetween(args: &[Arg<'_>]) -> Result<f64, CellError> {
    randbetween_at(args, (u32::MAX, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::value::Value;

    #[test]
    fn the_clock_reads_the_moment_set() {
        let _guard = MomentGuard::set(Moment {
            now: serial_of_unix(1_765_195_200.0),
            round: 1,
        });
        // 2025-12-08 12:00 UTC.
        assert_eq!(today(&[]), Ok(45_999.0));
        assert!((now(&[]).expect("a time") - 45_999.5).abs() < 1e-9);
    }

    #[test]
    fn random_numbers_are_fixed_within_a_round_and_new_in_the_next() {
        let draw = |round| {
            let _guard = MomentGuard::set(Moment { now: 0.0, round });
            (rand_at(0, 3, 4), rand_at(0, 4, 3))
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let (a, b) = draw(7);
        assert_ne!(a, b);
        let _guard = MomentGuard::set(Moment { now: 0.0, round: 3 });
        let mut mean = 0.0;
        for row in 0..10_000 {
            let x = rand_at(0, row, 2);
            assert!((0.0..1.0).contains(&x));
            mean += x / 10_000.0;
        }
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }

    #[test]
    fn randbetween_stays_between_its_whole_bounds() {
        let _guard = MomentGuard::set(Moment { now: 0.0, round: 5 });
        let args = [
            Arg::Value(Value::Number(1.5)),
            Arg::Value(Value::Number(3.2)),
        ];
        let mut seen = [false; 3];
        for row in 0..200 {
            let x = randbetween_at(&args, (0, row, 0)).expect("a number");
            assert!((2.0..=4.0).contains(&x) && x == x.floor(), "{x}");
            seen[x as usize - 2] = true;
        }
        assert_eq!(seen, [true, true, true]);
        // LibreOffice: RANDBETWEEN(2.2; 2.9) is 3.
        let narrow = [
            Arg::Value(Value::Number(2.2)),
            Arg::Value(Value::Number(2.9)),
        ];
        assert_eq!(randbetween_at(&narrow, (0, 0, 0)), Ok(3.0));
        let empty = [
            Arg::Value(Value::Number(4.5)),
            Arg::Value(Value::Number(3.2)),
        ];
        assert!(randbetween_at(&empty, (0, 0, 0)).is_err());
    }
}
