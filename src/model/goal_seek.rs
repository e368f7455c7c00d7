//! Goal seek: "set `ebitda@total` to 50 m by changing `price`".
//!
//! The input ([`InputRef`]) is one input cell (its value is sought) or a
//! whole input row (a factor on its typed numbers is sought). The root
//! finder brackets the answer by stepping outward from the current value in
//! both directions with doubling steps (a bounded number of evaluations),
//! then narrows the bracket with Brent's method. Each evaluation is one
//! incremental recalculation; the workbook is put back as it was, and the
//! answer comes with the [`Edit`] that sets it, to be applied as one
//! undoable step ([`apply`]).

use super::display::format_number;
use super::input_ref::{InputRef, Setter};
use super::what_if::Target;
use super::{Edit, EditError, Format, Ripple, Value, Workbook};

/// Largest number of outward steps in each direction while bracketing; the
/// last step is 0.01 × 2^29 ≈ 5.4·10⁶ times the starting value.
const MAX_EXPANSIONS: u32 = 30;
/// Largest number of Brent iterations once bracketed.
const MAX_ITERATIONS: u32 = 100;

/// A goal seek's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalSeek {
    /// The input changed.
    pub input: InputRef,
    /// Its value before (for a row: the factor 1).
    pub start: f64,
    /// The value found (for a row: the factor on its typed numbers).
    pub solution: f64,
    /// The target's value before.
    pub target_before: f64,
    /// The target's value with the solution.
    pub achieved: f64,
    /// Number of recalculations it took.
    pub evaluations: usize,
    /// The edit that sets the input to the solution; apply it with
    /// [`apply`] (or [`Workbook::apply`]) as one undoable step.
    pub edit: Edit,
}

/// How a target reads in messages: `ebitda@total`, `paid@Jan 2026`.
pub fn describe_target(workbook: &Workbook, target: &Target) -> String {
    match *target {
        Target::Total { sheet, row } => format!("{}@total", workbook.metric_name(sheet, row)),
        Target::Period { sheet, row, period } => {
            let labels = workbook.period_labels();
            let name = workbook.metric_name(sheet, row);
            match labels.get(period as usize) {
                Some(label) => format!("{name}@{label}"),
                None => format!("{name}@{}", period + 1),
            }
        }
    }
}

/// The target's value for a what-if run: the period cell's number, or the
/// sum of the row's numbers when no period holds an error; `None` otherwise.
pub(crate) fn strict_target_value(workbook: &Workbook, target: &Target) -> Option<f64> {
    match *target {
        Target::Period { sheet, row, period } => workbook.value(sheet, row, period).as_number(),
        Target::Total { sheet, row } => {
            let values = workbook.row_values(sheet, row);
            if values.iter().any(Value::is_error) {
                return None;
            }
            Some(values.iter().filter_map(Value::as_number).sum())
        }
    }
}

/// Finds the value of `input` that makes `target` equal `value`. The
/// workbook is left exactly as it was (document, values, history).
pub fn goal_seek(
    workbook: &mut Workbook,
    target: &Target,
    value: f64,
    input: &InputRef,
) -> Result<GoalSeek, String> {
    if !value.is_finite() {
        return Err(format!("the goal `{value}` is not a finite number"));
    }
    let target_text = describe_target(workbook, target);
    let input_text = input.describe(workbook);
    let setter = Setter::new(workbook, input, "goal seek")?;
    let target_before = strict_target_value(workbook, target)
        .ok_or_else(|| format!("the target `{target_text}` is not a number"))?;
    let cells = target.cells(workbook.periods());
    let (result, evaluations) = workbook.focused(&cells, |workbook| {
        let mut run = Run {
            workbook,
            setter: &setter,
            target,
            inverse: None,
            evaluations: 0,
        };
        let result = seek(&mut run, value, target_before);
        let evaluations = run.evaluations;
        run.finish().map(|()| (result, evaluations))
    })?;
    let row_format = |(sheet, row): (u32, u32), w: &Workbook| {
        w.rows(sheet)
            .get(row as usize)
            .map_or(Format::General, |r| r.format)
    };
    let target_format = row_format(target.cell_row(), workbook);
    let show_target = |n: f64| format_number(n, target_format);
    let show_input = |x: f64| match input {
        InputRef::Row { .. } => format!("×{}", format_number(x, Format::General)),
        InputRef::Cell { .. } => format_number(x, row_format(input.cell_row(), workbook)),
    };
    let what = match input {
        InputRef::Row { .. } => format!("factor on `{input_text}`"),
        InputRef::Cell { .. } => format!("value of `{input_text}`"),
    };
    match result {
        Outcome::Found { x, achieved }
            if (achieved - value).abs() > 1e-6 * value.abs().max(target_before.abs()).max(1.0) =>
        {
            Err(format!(
                "no {what} gives {target_text} = {} (it jumps there); closest: {target_text} = {} at {}",
                show_target(value),
                show_target(achieved),
                show_input(x)
            ))
        }
        Outcome::Found { x, achieved } => Ok(GoalSeek {
            input: *input,
            start: setter.start(),
            solution: x,
            target_before,
            achieved,
            evaluations,
            edit: setter.edit(x),
        }),
        Outcome::Independent => Err(format!(
            "`{target_text}` does not depend on `{input_text}`; pick an input it is computed from"
        )),
        Outcome::NoSolution {
            low,
            high,
            closest_x,
            closest,
        } => Err(format!(
            "no {what} between {} and {} gives {target_text} = {}; closest: {target_text} = {} at {}",
            show_input(low),
            show_input(high),
            show_target(value),
            show_target(closest),
            show_input(closest_x)
        )),
        Outcome::NotNumber { x } => Err(format!(
            "`{target_text}` is not a number when `{input_text}` is {}",
            show_input(x)
        )),
        Outcome::Failed(message) => Err(message),
    }
}

/// Applies a goal seek's answer as one undoable edit; returns the ripple.
pub fn apply(workbook: &mut Workbook, seek: &GoalSeek) -> Result<Ripple, EditError> {
    workbook.apply(seek.edit.clone())
}

enum Outcome {
    Found {
        x: f64,
        achieved: f64,
    },
    Independent,
    NoSolution {
        low: f64,
        high: f64,
        closest_x: f64,
        closest: f64,
    },
    NotNumber {
        x: f64,
    },
    Failed(String),
}

/// Evaluations against the workbook, undone by [`Run::finish`].
pub(crate) struct Run<'a> {
    pub(crate) workbook: &'a mut Workbook,
    pub(crate) setter: &'a Setter,
    pub(crate) target: &'a Target,
    pub(crate) inverse: Option<Edit>,
    pub(crate) evaluations: usize,
}

impl Run<'_> {
    /// Sets the input to `x` and reads the target (`Ok(None)`: not a number,
    /// or `x` out of the representable range).
    pub(crate) fn eval(&mut self, x: f64) -> Result<Option<f64>, String> {
        let edit = self.setter.edit(x);
        let finite = edit.iter().all(|c| match c {
            super::Command::SetCell {
                input: super::CellInput::Number(n),
                ..
            } => n.is_finite(),
            _ => true,
        });
        if !x.is_finite() || !finite {
            return Ok(None);
        }
        let inverse = self.workbook.try_edit(edit).map_err(|e| e.to_string())?;
        self.inverse.get_or_insert(inverse);
        self.evaluations += 1;
        Ok(strict_target_value(self.workbook, self.target))
    }

    /// Puts the workbook back as it was before the first evaluation.
    pub(crate) fn finish(self) -> Result<(), String> {
        match self.inverse {
            Some(inverse) => self.workbook.restore(inverse).map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }
}

fn seek(run: &mut Run, value: f64, before: f64) -> Outcome {
    let start = run.setter.start();
    let goal_tol = 1e-10 * value.abs().max(before.abs()).max(1e-300);
    let f0 = before - value;
    if f0.abs() <= goal_tol {
        return Outcome::Found {
            x: start,
            achieved: before,
        };
    }
    // Bracket: step outward both ways, doubling, until the sign changes. A
    // side whose step crossed zero into values where the target is not a
    // number (a negative price under a power law) halves towards zero
    // instead.
    let step0 = if start != 0.0 {
        start.abs() * 0.01
    } else {
        0.01
    };
    let mut last = [(start, f0), (start, f0)];
    let mut halving = [false, false];
    let mut closest = (start, f0);
    let (mut low, mut high) = (start, start);
    let mut all_same = true;
    let mut bracket = None;
    'outer: for k in 0..MAX_EXPANSIONS {
        let step = step0 * 2f64.powi(k as i32);
        for (side, sign) in [(0usize, 1.0), (1usize, -1.0)] {
            let x = if halving[side] {
                last[side].0 / 2.0
            } else {
                start + sign * step
            };
            let f = match run.eval(x) {
                Ok(Some(y)) => y - value,
                Ok(None) => {
                    if start != 0.0 && (x > 0.0) != (start > 0.0) {
                        halving[side] = true;
                    }
                    continue;
                }
                Err(e) => return Outcome::Failed(e),
            };
            low = low.min(x);
            high = high.max(x);
            if f != f0 {
                all_same = false;
            }
            if f.abs() < closest.1.abs() {
                closest = (x, f);
            }
            if f.abs() <= goal_tol {
                return Outcome::Found {
                    x,
                    achieved: f + value,
                };
            }
            let (px, pf) = last[side];
            if (f > 0.0) != (pf > 0.0) {
                bracket = Some(((px, pf), (x, f)));
                break 'outer;
            }
            last[side] = (x, f);
        }
    }
    let Some(((a, fa), (b, fb))) = bracket else {
        if all_same {
            return Outcome::Independent;
        }
        return Outcome::NoSolution {
            low,
            high,
            closest_x: closest.0,
            closest: closest.1 + value,
        };
    };
    brent(run, value, goal_tol, (a, fa), (b, fb))
}

/// Brent's method on a bracket (fa and fb of opposite signs).
fn brent(
    run: &mut Run,
    value: f64,
    goal_tol: f64,
    (a, fa): (f64, f64),
    (b, fb): (f64, f64),
) -> Outcome {
    let (mut a, mut fa, mut b, mut fb) = (a, fa, b, fb);
    let (mut c, mut fc) = (b, fb);
    let (mut d, mut e) = (b - a, b - a);
    for _ in 0..MAX_ITERATIONS {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 1e-300;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol || fb.abs() <= goal_tol {
            break;
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            }
            p = p.abs();
            let min1 = 3.0 * xm * q - (tol * q).abs();
            let min2 = (e * q).abs();
            if 2.0 * p < min1.min(min2) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(xm) };
        fb = match run.eval(b) {
            Ok(Some(y)) => y - value,
            Ok(None) => return Outcome::NotNumber { x: b },
            Err(e) => return Outcome::Failed(e),
        };
    }
    // The workbook holds the last evaluation, at b, unless b came from a
    // swap: read the target there to report what the answer achieves.
    match run.eval(b) {
        Ok(Some(y)) => Outcome::Found { x: b, achieved: y },
        Ok(None) => Outcome::NotNumber { x: b },
        Err(e) => Outcome::Failed(e),
    }
}
