//! Targets, initiatives and the review: the founders' monthly loop after
//! the plan.
//!
//! A [`Target`] asks a metric to reach a value in a period, or to grow by a
//! percent or an amount against a base period (`net_revenue@May 2026 =
//! +10% vs Apr 2026`). Its [`Initiative`]s each promise to move one metric
//! by an [`Effect`] (percentage points, percent or an amount) from a start
//! period on.
//!
//! [`evaluate`] computes what the initiatives deliver **through the model**,
//! not by adding their effects by hand: on the engine
//! ([`Workbook::substitute`]), each initiative's metric takes its promised
//! values from its start period on, and the target is read again. The
//! initiatives go one after another, upstream ones (those the others' metrics
//! read) first, then in their listed order, so each one's share is how much
//! the target moved when it was added, and the shares add up exactly to what
//! they deliver together. The model without the initiatives is the forecast
//! as it stands, except that actuals booked after the base period (for a
//! change goal; from the first initiative's start for a value goal) are put
//! back to the plan: once those months close, the promise is still measured
//! against what was known when it was made. An initiative that started by
//! then is already in that state and acts from there on.
//!
//! Progress compares each initiative's metric, as booked in the latest closed
//! period, with its before-state (the period before it started) and with the
//! promise; the review ([`review_edit`]) writes that comparison, initiative
//! by initiative, into the changelog as one dated, undoable edit.

use super::document::{
    CellInput, ChangelogEntry, Effect, Format, Goal, Initiative, Target, Timeline,
};
use super::{Command, Edit, Value, Workbook, actuals, display, scenario, timeline, waterfall};

/// How far a realised effect may fall short of, or exceed, the promise
/// and still count as what was expected: ±20%.
pub const TOLERANCE: f64 = 0.2;

/// Checks a target against a timeline: its periods are months of it, its
/// numbers finite, each initiative named.
pub fn check(target: &Target, tl: &Timeline) -> Result<(), String> {
    let on_timeline = |month: &str, what: &str| -> Result<(), String> {
        if timeline::month_period(tl, month).is_none() {
            return Err(format!(
                "target `{}`: {what} `{month}` is not a month of the timeline",
                target.metric
            ));
        }
        Ok(())
    };
    if target.metric.trim().is_empty() {
        return Err("a target needs a metric".into());
    }
    on_timeline(&target.period, "the period")?;
    let finite = |n: f64| -> Result<(), String> {
        if n.is_finite() {
            Ok(())
        } else {
            Err(format!(
                "target `{}`: the goal is not a finite number",
                target.metric
            ))
        }
    };
    match &target.goal {
        Goal::Value(v) => finite(*v)?,
        Goal::Growth { percent: n, vs } | Goal::Increase { amount: n, vs } => {
            finite(*n)?;
            on_timeline(vs, "the base period")?;
        }
    }
    if !target.reviewed.is_empty() && !super::command::valid_date(&target.reviewed) {
        return Err(format!(
            "target `{}`: the review date `{}` is not a day like 2026-06-03",
            target.metric, target.reviewed
        ));
    }
    for i in &target.initiatives {
        if i.name.trim().is_empty() {
            return Err(format!(
                "target `{}`: an initiative needs a name",
                target.metric
            ));
        }
        if i.metric.trim().is_empty() {
            return Err(format!(
                "target `{}`, initiative `{}`: which metric does it move?",
                target.metric, i.name
            ));
        }
        let n = match i.effect {
            Effect::Points(n) | Effect::Percent(n) | Effect::Amount(n) => n,
        };
        if !n.is_finite() {
            return Err(format!(
                "target `{}`, initiative `{}`: the effect is not a finite number",
                target.metric, i.name
            ));
        }
        on_timeline(&i.start, &format!("initiative `{}` starts in", i.name))?;
    }
    Ok(())
}

/// Reads a number as people type a change: `+10`, `-2.5`, `1,200`,
/// `1 200`.
fn signed_number(text: &str) -> Option<f64> {
    let plain: String = text
        .trim()
        .chars()
        .filter(|&c| c != ',' && c != ' ' && c != '\u{a0}' && c != '+')
        .collect();
    plain
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && !plain.is_empty())
}

/// Reads an initiative's effect: `+2 pp` (percentage points), `+5%`
/// (percent of the metric), `-300` or `+1,200` (an amount).
pub fn parse_effect(text: &str) -> Result<Effect, String> {
    let t = text.trim();
    let bad = || {
        format!(
            "`{t}` is not an effect: write `+2 pp` (points), `+5%` (percent) or `+1,200` (an amount)"
        )
    };
    let lower = t.to_lowercase();
    if let Some(rest) = lower.strip_suffix("pp") {
        return signed_number(rest).map(Effect::Points).ok_or_else(bad);
    }
    if let Some(rest) = t.strip_suffix('%') {
        return signed_number(rest).map(Effect::Percent).ok_or_else(bad);
    }
    signed_number(t).map(Effect::Amount).ok_or_else(bad)
}

fn signed(n: f64) -> String {
    let text = display::shortest_number(n);
    if n > 0.0 { format!("+{text}") } else { text }
}

/// An effect as typed: `+2 pp`, `+5%`, `-300`.
pub fn effect_text(effect: Effect) -> String {
    match effect {
        Effect::Points(n) => format!("{} pp", signed(n)),
        Effect::Percent(n) => format!("{}%", signed(n)),
        Effect::Amount(n) => signed(n),
    }
}

/// The metric's value once `effect` has acted on `value`.
pub fn apply_effect(effect: Effect, value: f64) -> f64 {
    match effect {
        Effect::Points(n) => value + n / 100.0,
        Effect::Percent(n) => value * (1.0 + n / 100.0),
        Effect::Amount(n) => value + n,
    }
}

/// How far `now` is from `before`, in `effect`'s unit (points, percent or
/// an amount); `None` for a percent of 0.
pub fn measured(effect: Effect, before: f64, now: f64) -> Option<f64> {
    match effect {
        Effect::Points(_) => Some((now - before) * 100.0),
        Effect::Percent(_) => (before != 0.0).then(|| (now / before - 1.0) * 100.0),
        Effect::Amount(_) => Some(now - before),
    }
}

fn effect_size(effect: Effect) -> f64 {
    match effect {
        Effect::Points(n) | Effect::Percent(n) | Effect::Amount(n) => n,
    }
}

/// Reads a target as typed: `METRIC@PERIOD = GOAL`, where the goal is a
/// value (`50,000,000`, `25%`) or a change against a base period (`+10% vs
/// Apr 2026`, `+2 pp vs Apr 2026`, `+5,000,000 vs Apr 2026`).
pub fn parse_target(workbook: &Workbook, text: &str) -> Result<Target, String> {
    let example = "e.g. `net_revenue@May 2026 = +10% vs Apr 2026`";
    let (left, goal) = text
        .split_once('=')
        .ok_or_else(|| format!("no goal after `=` ({example})"))?;
    let (metric, period) = left
        .split_once('@')
        .ok_or_else(|| format!("no period after `@` ({example})"))?;
    let (metric, period, goal) = (metric.trim(), period.trim(), goal.trim());
    let tl = &workbook.document().timeline;
    let key = metric_key(workbook, metric)?;
    let month = |text: &str| -> Result<String, String> {
        timeline::find_period(tl, text)
            .map(|p| timeline::period_month(tl, p))
            .ok_or_else(|| format!("no period `{}` on the timeline", text.trim()))
    };
    let period = month(period)?;
    let percent_metric = matches!(format_of(workbook, &key), Format::Percent(_));
    // ASCII lowering keeps byte offsets, so `at` indexes `goal` too.
    let lower = goal.to_ascii_lowercase();
    let goal = match lower.find(" vs ") {
        Some(at) => {
            let change = goal[..at].trim();
            let vs = month(&goal[at + 4..])?;
            match parse_effect(change)? {
                Effect::Percent(percent) => Goal::Growth { percent, vs },
                Effect::Points(_) if !percent_metric => {
                    return Err(format!(
                        "`{change}`: points (pp) are for a percentage, and `{metric}` is not one; \
                         write `+10%` or an amount"
                    ));
                }
                Effect::Points(points) => Goal::Increase {
                    amount: points / 100.0,
                    vs,
                },
                Effect::Amount(amount) => Goal::Increase { amount, vs },
            }
        }
        None => {
            let lowered = goal.to_ascii_lowercase();
            if goal.starts_with(['+', '-']) || lowered.ends_with("pp") {
                return Err(format!(
                    "`{goal}` is a change: say against which period, e.g. `{goal} vs Apr 2026`"
                ));
            }
            if goal.ends_with('%') && !percent_metric {
                return Err(format!(
                    "`{goal}` is a percentage, and `{metric}` is not one: for growth write \
                     `+{} vs Apr 2026`, for a value the amount",
                    goal.trim_start_matches('+')
                ));
            }
            match CellInput::from_typed(goal) {
                CellInput::Number(n) => Goal::Value(n),
                _ => return Err(format!("`{goal}` is not a number ({example})")),
            }
        }
    };
    let target = Target {
        metric: key,
        period,
        goal,
        ..Target::default()
    };
    check(&target, tl)?;
    Ok(target)
}

/// The key a metric is kept under (`metric`, `Sheet!metric`), for a name
/// or label as typed (case-insensitive).
pub fn metric_key(workbook: &Workbook, text: &str) -> Result<String, String> {
    let text = text.trim();
    let by_label = || {
        (0..workbook.document().sheets.len() as u32).find_map(|s| {
            workbook
                .rows(s)
                .iter()
                .position(|r| r.section.is_empty() && r.label.trim().eq_ignore_ascii_case(text))
                .map(|r| (s, r as u32))
        })
    };
    let (sheet, row) = workbook
        .find_metric(text)
        .or_else(by_label)
        .ok_or_else(|| format!("no metric `{text}`"))?;
    scenario::key_for(workbook.document(), workbook.metric_names(), sheet, row)
        .ok_or_else(|| format!("`{text}` has no metric name"))
}

fn resolve(workbook: &Workbook, key: &str) -> Option<(u32, u32)> {
    scenario::resolve_key(&workbook.document().sheets, workbook.metric_names(), key)
}

fn label_of(workbook: &Workbook, key: &str) -> String {
    resolve(workbook, key)
        .map(|(s, r)| workbook.rows(s)[r as usize].label.clone())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| key.to_string())
}

fn format_of(workbook: &Workbook, key: &str) -> Format {
    resolve(workbook, key).map_or(Format::General, |(s, r)| {
        workbook.rows(s)[r as usize].format
    })
}

fn period_label(workbook: &Workbook, month: &str) -> String {
    let tl = &workbook.document().timeline;
    timeline::month_period(tl, month)
        .map_or_else(|| month.to_string(), |p| timeline::period_label(tl, p))
}

/// The goal as typed: `+10% vs Apr 2026`, `+2 pp vs Apr 2026`,
/// `50,000,000`.
pub fn goal_text(workbook: &Workbook, target: &Target) -> String {
    let format = format_of(workbook, &target.metric);
    let percent_metric = matches!(format, Format::Percent(_));
    match &target.goal {
        Goal::Value(v) => display::format_number(*v, format),
        Goal::Growth { percent, vs } => {
            format!("{}% vs {}", signed(*percent), period_label(workbook, vs))
        }
        Goal::Increase { amount, vs } if percent_metric => format!(
            "{} pp vs {}",
            signed(amount * 100.0),
            period_label(workbook, vs)
        ),
        Goal::Increase { amount, vs } => {
            format!("{} vs {}", signed(*amount), period_label(workbook, vs))
        }
    }
}

/// The target as typed: `net_revenue@May 2026 = +10% vs Apr 2026`.
pub fn target_text(workbook: &Workbook, target: &Target) -> String {
    format!(
        "{}@{} = {}",
        target.metric,
        period_label(workbook, &target.period),
        goal_text(workbook, target)
    )
}

/// Whether a realised effect met its promise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within [`TOLERANCE`] of the promise.
    AsExpected,
    /// It did less than promised (or moved the other way).
    OverEstimated,
    /// It did more than promised.
    UnderEstimated,
}

impl Verdict {
    /// How the review words it.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::AsExpected => "as expected",
            Verdict::OverEstimated => "over-estimated",
            Verdict::UnderEstimated => "under-estimated",
        }
    }

    /// The verdict on `realised` against the promised `expected` (both in
    /// the effect's unit, signed).
    pub fn of(expected: f64, realised: f64) -> Verdict {
        if expected == 0.0 {
            return if realised.abs() < 1e-12 {
                Verdict::AsExpected
            } else if realised > 0.0 {
                Verdict::UnderEstimated
            } else {
                Verdict::OverEstimated
            };
        }
        let ratio = realised / expected;
        if ratio < 1.0 - TOLERANCE {
            Verdict::OverEstimated
        } else if ratio > 1.0 + TOLERANCE {
            Verdict::UnderEstimated
        } else {
            Verdict::AsExpected
        }
    }
}

/// An initiative's metric before it started and in the latest closed
/// period since.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The period before the start, and the metric's value then.
    pub before: Option<(u32, f64)>,
    /// The latest closed period from the start to the target's period, and
    /// the metric's actual then (booked, or computed from booked cells
    /// only); `None` until there is one.
    pub now: Option<(u32, f64)>,
}

/// One initiative, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeOutcome {
    /// Its metric's sheet and row; `None` if the metric is missing.
    pub cell_row: Option<(u32, u32)>,
    /// Its metric's label.
    pub metric_label: String,
    /// How far the target moved when it was added (in the target's unit).
    pub delivered: f64,
    /// Its metric before and since.
    pub progress: Progress,
    /// Its realised effect so far, in the effect's unit, once a period
    /// since its start is closed.
    pub realised: Option<f64>,
    /// Why it could not be evaluated.
    pub error: Option<String>,
}

impl InitiativeOutcome {
    /// The verdict on the realised effect against `initiative`'s promise.
    pub fn verdict(&self, initiative: &Initiative) -> Option<Verdict> {
        self.realised
            .map(|r| Verdict::of(effect_size(initiative.effect), r))
    }
}

/// A target, evaluated through the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The target metric's sheet and row.
    pub cell_row: (u32, u32),
    /// The target's period.
    pub period: u32,
    /// The base period and the metric's value in it (for a change goal).
    pub base: Option<(u32, f64)>,
    /// The value the goal asks for.
    pub goal: f64,
    /// The target in the model without the initiatives.
    pub without: f64,
    /// The target with them.
    pub with: f64,
    /// The value the period closed at, once it is closed.
    pub achieved: Option<f64>,
    /// The initiatives in the target's order.
    pub initiatives: Vec<InitiativeOutcome>,
    /// The order the initiatives were added in (indexes, upstream first).
    pub order: Vec<usize>,
}

impl Outcome {
    /// What the initiatives deliver together: `with − without`.
    pub fn delivered(&self) -> f64 {
        self.with - self.without
    }

    /// What the goal still lacks with the initiatives: `goal − with`
    /// (negative when the goal is exceeded).
    pub fn gap(&self) -> f64 {
        self.goal - self.with
    }

    /// `amount` as a share of the base period's value (for a growth goal),
    /// e.g. delivered 0.068 = +6.8% of April.
    pub fn of_base(&self, amount: f64) -> Option<f64> {
        self.base
            .map(|(_, b)| b)
            .filter(|b| *b != 0.0)
            .map(|b| amount / b.abs())
    }
}

/// Evaluates every target of the workbook (an error for a target whose
/// metric or period is gone). The workbook ends as it was.
pub fn evaluate_all(workbook: &mut Workbook) -> Vec<Result<Outcome, String>> {
    (0..workbook.document().targets.len())
        .map(|i| evaluate(workbook, i))
        .collect()
}

/// Evaluates target `index`: the goal, the model without and with the
/// initiatives, each one's share, their progress and the closing value.
/// The workbook's document, values and view end as they were.
pub fn evaluate(workbook: &mut Workbook, index: usize) -> Result<Outcome, String> {
    let target = workbook
        .document()
        .targets
        .get(index)
        .cloned()
        .ok_or_else(|| format!("no target number {}", index + 1))?;
    let shown = workbook.actuals_shown();
    workbook.set_actuals_shown(true);
    let result = evaluate_shown(workbook, &target);
    workbook.set_actuals_shown(shown);
    result
}

fn evaluate_shown(workbook: &mut Workbook, target: &Target) -> Result<Outcome, String> {
    let tl = workbook.document().timeline.clone();
    let (sheet, row) = resolve(workbook, &target.metric)
        .ok_or_else(|| format!("no metric `{}`", target.metric))?;
    let period = timeline::month_period(&tl, &target.period)
        .ok_or_else(|| format!("`{}` is not on the timeline", target.period))?;
    let number = |w: &Workbook, s: u32, r: u32, p: u32| w.value(s, r, p).as_number();
    let closed = actuals::closed_period(workbook.document());
    let base = match &target.goal {
        Goal::Value(_) => None,
        Goal::Growth { vs, .. } | Goal::Increase { vs, .. } => {
            let p = timeline::month_period(&tl, vs)
                .ok_or_else(|| format!("`{vs}` is not on the timeline"))?;
            let v = number(workbook, sheet, row, p).ok_or_else(|| {
                format!(
                    "{} is not a number in {}",
                    target.metric,
                    period_label(workbook, vs)
                )
            })?;
            Some((p, v))
        }
    };
    let goal = match (&target.goal, base) {
        (Goal::Value(v), _) => *v,
        (Goal::Growth { percent, .. }, Some((_, b))) => b * (1.0 + percent / 100.0),
        (Goal::Increase { amount, .. }, Some((_, b))) => b + amount,
        _ => unreachable!("a change goal has a base"),
    };
    let achieved = closed
        .filter(|&c| c >= period)
        .and_then(|_| number(workbook, sheet, row, period));
    // Each initiative's metric, start and progress, read before anything
    // is substituted.
    let mut outcomes = Vec::new();
    let mut resolved: Vec<Option<((u32, u32), u32)>> = Vec::new();
    for i in &target.initiatives {
        let cell_row = resolve(workbook, &i.metric);
        let start = timeline::month_period(&tl, &i.start);
        let mut outcome = InitiativeOutcome {
            cell_row,
            metric_label: label_of(workbook, &i.metric),
            delivered: 0.0,
            progress: Progress {
                before: None,
                now: None,
            },
            realised: None,
            error: None,
        };
        match (cell_row, start) {
            (Some((s, r)), Some(start)) => {
                let before = start
                    .checked_sub(1)
                    .and_then(|p| number(workbook, s, r, p).map(|v| (p, v)));
                // Only what really happened tells what the initiative did: a
                // booked actual, or a metric computed from booked ones.
                let now = closed
                    .filter(|&c| c >= start)
                    .map(|c| c.min(period.max(start)))
                    .filter(|&p| workbook.is_measured(s, r, p))
                    .and_then(|p| number(workbook, s, r, p).map(|v| (p, v)));
                outcome.progress = Progress { before, now };
                outcome.realised = match (before, now) {
                    (Some((_, b)), Some((_, n))) => measured(i.effect, b, n),
                    _ => None,
                };
                resolved.push(Some(((s, r), start)));
            }
            (None, _) => {
                outcome.error = Some(format!("no metric `{}`", i.metric));
                resolved.push(None);
            }
            (_, None) => {
                outcome.error = Some(format!("`{}` is not on the timeline", i.start));
                resolved.push(None);
            }
        }
        outcomes.push(outcome);
    }
    // The forecast the promise is measured against: actuals after the base
    // period (for a change goal) or from the first initiative's start (for
    // a value goal) go back to the plan.
    let anchor = match base {
        Some((b, _)) => b + 1,
        None => resolved
            .iter()
            .flatten()
            .map(|(_, start)| *start)
            .min()
            .unwrap_or(period)
            .min(period),
    };
    for (i, r) in resolved.iter_mut().enumerate() {
        if let Some((_, start)) = r
            && *start > period
        {
            outcomes[i].error = Some(format!(
                "starts after {}, the target's month",
                timeline::period_label(&tl, period)
            ));
            *r = None;
        }
    }
    let reset: Vec<((u32, u32, u32), CellInput)> = workbook
        .actual_cells()
        .into_iter()
        .filter(|&(_, _, p)| p >= anchor)
        .map(|(s, r, p)| {
            let plan = workbook
                .scenario_input(s, r, p)
                .unwrap_or_else(|| workbook.input(s, r, p))
                .clone();
            ((s, r, p), plan)
        })
        .collect();
    let mut touched: Vec<(u32, u32, u32)> = reset.iter().map(|(c, _)| *c).collect();
    workbook.substitute(&reset);
    let without = number(workbook, sheet, row, period);
    // Upstream initiatives first, then in their listed order.
    let rows: Vec<(u32, u32)> = resolved.iter().flatten().map(|(cr, _)| *cr).collect();
    let depth = waterfall::depths(workbook, &rows);
    let mut order: Vec<usize> = (0..target.initiatives.len())
        .filter(|&i| resolved[i].is_some())
        .collect();
    order.sort_by_key(|&i| {
        let (cr, _) = resolved[i].unwrap_or_default();
        (depth.get(&cr).copied().unwrap_or(0), i)
    });
    let mut previous = without;
    let periods = workbook.periods();
    for &i in &order {
        let Some(((s, r), start)) = resolved[i] else {
            continue;
        };
        let effect = target.initiatives[i].effect;
        // An initiative that started by the anchor is already in the state
        // measured against; it acts from the anchor on. A blank cell counts
        // as 0 (so `+50` on a row left blank gives 50).
        let cells: Vec<((u32, u32, u32), CellInput)> = (start.max(anchor)..periods)
            .filter_map(|p| {
                let v = match workbook.value(s, r, p) {
                    Value::Empty => Some(0.0),
                    v => v.as_number(),
                };
                v.map(|v| ((s, r, p), CellInput::Number(apply_effect(effect, v))))
            })
            .collect();
        if cells.is_empty() {
            outcomes[i].error = Some(format!(
                "{} holds no number from its start to move",
                outcomes[i].metric_label
            ));
        }
        touched.extend(cells.iter().map(|(c, _)| *c));
        workbook.substitute(&cells);
        let now = number(workbook, sheet, row, period);
        if let (Some(now), Some(before)) = (now, previous) {
            outcomes[i].delivered = now - before;
        }
        previous = now;
    }
    let with = previous;
    workbook.restore_cells(touched);
    let (Some(without), Some(with)) = (without, with) else {
        return Err(format!(
            "{} is not a number in {} with or without the initiatives",
            target.metric,
            timeline::period_label(&tl, period)
        ));
    };
    Ok(Outcome {
        cell_row: (sheet, row),
        period,
        base,
        goal,
        without,
        with,
        achieved,
        initiatives: outcomes,
        order,
    })
}

/// A change in the target's terms: `+6.8%` of the base for a growth goal,
/// else the amount in the metric's format.
pub fn change_text(workbook: &Workbook, target: &Target, outcome: &Outcome, amount: f64) -> String {
    let (s, r) = outcome.cell_row;
    let format = workbook.rows(s)[r as usize].format;
    match (&target.goal, outcome.of_base(amount)) {
        (Goal::Growth { .. }, Some(share)) => format!("{:+.1}%", share * 100.0),
        (Goal::Increase { .. }, _) if matches!(format, Format::Percent(_)) => {
            format!("{:+.1} pp", amount * 100.0)
        }
        _ => {
            let text = display::format_number(amount, format);
            if amount > 0.0 {
                format!("+{text}")
            } else {
                text
            }
        }
    }
}

/// How far the model with the initiatives falls short of the goal, in the
/// metric's good direction: positive while the goal is not covered (for a
/// lower-is-better metric, while the value is above it).
pub fn shortfall(workbook: &Workbook, outcome: &Outcome) -> f64 {
    let (s, r) = outcome.cell_row;
    match crate::model::variance::better(workbook, s, r) {
        super::document::Better::Higher => outcome.gap(),
        super::document::Better::Lower => -outcome.gap(),
    }
}

/// True if the model with the initiatives reaches the goal.
pub fn covered(workbook: &Workbook, outcome: &Outcome) -> bool {
    shortfall(workbook, outcome) <= 1e-9 * outcome.goal.abs().max(1.0)
}

/// The one-line answer: the goal, what the model gives without the
/// initiatives, what they deliver, and what is not covered — as changes
/// against the base period for a change goal, else as values.
pub fn summary(workbook: &Workbook, target: &Target, outcome: &Outcome) -> String {
    let change = |x: f64| change_text(workbook, target, outcome, x);
    let (s, r) = outcome.cell_row;
    let format = workbook.rows(s)[r as usize].format;
    let (goal, without) = match outcome.base {
        Some((_, b)) => (change(outcome.goal - b), change(outcome.without - b)),
        None => (
            display::format_number(outcome.goal, format),
            display::format_number(outcome.without, format),
        ),
    };
    let rest = if covered(workbook, outcome) {
        "the goal is covered".to_string()
    } else {
        let short = shortfall(workbook, outcome).abs();
        format!("{} is not covered", change(short).trim_start_matches('+'))
    };
    format!(
        "goal {goal}; without the initiatives the model gives {without}; \
         the initiatives deliver {}; {rest}",
        change(outcome.delivered())
    )
}

/// Whether the closing value met the goal (respecting "lower is better").
pub fn met(workbook: &Workbook, outcome: &Outcome) -> Option<bool> {
    let achieved = outcome.achieved?;
    let (s, r) = outcome.cell_row;
    Some(match crate::model::variance::better(workbook, s, r) {
        super::document::Better::Higher => achieved >= outcome.goal,
        super::document::Better::Lower => achieved <= outcome.goal,
    })
}

/// The review of target `index` as a changelog text: the closing value
/// against the goal, then each initiative's promise against what it did.
pub fn review_text(workbook: &Workbook, target: &Target, outcome: &Outcome) -> String {
    let (s, r) = outcome.cell_row;
    let label = &workbook.rows(s)[r as usize].label;
    let tl = &workbook.document().timeline;
    let mut text = format!(
        "Review of {label}, {} (goal {})",
        timeline::period_label(tl, outcome.period),
        goal_text(workbook, target)
    );
    if let Some(achieved) = outcome.achieved {
        let reached = match outcome.base {
            Some((_, b)) => change_text(workbook, target, outcome, achieved - b),
            None => display::format_number(achieved, workbook.rows(s)[r as usize].format),
        };
        let verdict = if met(workbook, outcome) == Some(true) {
            "goal met".to_string()
        } else {
            format!(
                "goal missed by {}",
                change_text(workbook, target, outcome, (outcome.goal - achieved).abs())
                    .trim_start_matches('+')
            )
        };
        text.push_str(&format!(": reached {reached}, {verdict}."));
    } else {
        text.push_str(": the period is not closed yet.");
    }
    for (i, o) in target.initiatives.iter().zip(&outcome.initiatives) {
        let owner = if i.owner.is_empty() {
            String::new()
        } else {
            format!(" ({})", i.owner)
        };
        let realised = match (o.realised, o.verdict(i)) {
            (Some(r), Some(v)) => {
                format!("realised {}: {}", measured_text(i.effect, r), v.text())
            }
            _ => "no actual booked yet".into(),
        };
        text.push_str(&format!(
            " {}{owner}: {} expected {}, {realised}.",
            i.name,
            o.metric_label,
            effect_text(i.effect)
        ));
    }
    text
}

/// A realised effect in its effect's unit, rounded as people read it:
/// `+0.5 pp`, `+3.2%`, `-1250`.
pub fn measured_text(effect: Effect, realised: f64) -> String {
    match effect {
        Effect::Points(_) => effect_text(Effect::Points(round1(realised))),
        Effect::Percent(_) => effect_text(Effect::Percent(round1(realised))),
        Effect::Amount(_) => effect_text(Effect::Amount(round_amount(realised))),
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round_amount(x: f64) -> f64 {
    if x.abs() >= 100.0 {
        x.round()
    } else {
        round1(x)
    }
}

/// The review of target `index` written into the changelog, dated `date`
/// (`YYYY-MM-DD`), and the target marked reviewed: one edit. Refused
/// until the target's period is closed.
pub fn review_edit(workbook: &mut Workbook, index: usize, date: &str) -> Result<Edit, String> {
    let outcome = evaluate(workbook, index)?;
    let target = workbook.document().targets[index].clone();
    if outcome.achieved.is_none() {
        return Err(format!(
            "{} is not closed yet: book its actuals and close it first",
            timeline::period_label(&workbook.document().timeline, outcome.period)
        ));
    }
    let mut metrics = vec![target.metric.clone()];
    for i in &target.initiatives {
        if !metrics.contains(&i.metric) {
            metrics.push(i.metric.clone());
        }
    }
    let entry = ChangelogEntry {
        date: date.to_string(),
        area: "review".into(),
        text: review_text(workbook, &target, &outcome),
        metrics,
    };
    let mut targets = workbook.document().targets.clone();
    targets[index].reviewed = date.to_string();
    // The changelog stays in date order.
    let changelog = &workbook.document().changelog;
    let at = changelog
        .iter()
        .position(|e| e.date.as_str() > date)
        .unwrap_or(changelog.len());
    Ok(vec![
        Command::AddChangelogEntry {
            index: at as u32,
            entry,
        },
        Command::SetTargets { targets },
    ])
}

/// The edit that adds `target` at the end of the targets.
pub fn add_target_edit(workbook: &Workbook, target: Target) -> Edit {
    let mut targets = workbook.document().targets.clone();
    targets.push(target);
    vec![Command::SetTargets { targets }]
}

/// The edit that changes target `index` with `change`.
pub fn change_target_edit(
    workbook: &Workbook,
    index: usize,
    change: impl FnOnce(&mut Target),
) -> Result<Edit, String> {
    let mut targets = workbook.document().targets.clone();
    let target = targets
        .get_mut(index)
        .ok_or_else(|| format!("no target number {}", index + 1))?;
    change(target);
    check(target, &workbook.document().timeline)?;
    Ok(vec![Command::SetTargets { targets }])
}

/// Reads an initiative from its parts as typed: the metric by name or
/// label, the effect (`+2 pp`, `+5%`, `-300`) and the start period
/// (`May 2026`, `2026-05`).
pub fn parse_initiative(
    workbook: &Workbook,
    name: &str,
    owner: &str,
    metric: &str,
    effect: &str,
    start: &str,
) -> Result<Initiative, String> {
    if name.trim().is_empty() {
        return Err("an initiative needs a name".into());
    }
    let tl = &workbook.document().timeline;
    let start = timeline::find_period(tl, start)
        .map(|p| timeline::period_month(tl, p))
        .ok_or_else(|| format!("no period `{}` on the timeline", start.trim()))?;
    Ok(Initiative {
        name: name.trim().to_string(),
        owner: owner.trim().to_string(),
        metric: metric_key(workbook, metric)?,
        effect: parse_effect(effect)?,
        start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_read_as_typed() {
        assert_eq!(parse_effect("+2 pp"), Ok(Effect::Points(2.0)));
        assert_eq!(parse_effect("-1.5pp"), Ok(Effect::Points(-1.5)));
        assert_eq!(parse_effect("+5%"), Ok(Effect::Percent(5.0)));
        assert_eq!(parse_effect("1,200"), Ok(Effect::Amount(1200.0)));
        assert_eq!(parse_effect("-300"), Ok(Effect::Amount(-300.0)));
        assert!(parse_effect("a lot").is_err());
        assert!(parse_effect("pp").is_err());
        for e in [
            Effect::Points(2.0),
            Effect::Percent(-5.0),
            Effect::Amount(1200.0),
        ] {
            assert_eq!(parse_effect(&effect_text(e)), Ok(e));
        }
    }

    #[test]
    fn effects_act_and_are_measured_in_their_unit() {
        assert!((apply_effect(Effect::Points(2.0), 0.20) - 0.22).abs() < 1e-12);
        assert!((apply_effect(Effect::Percent(10.0), 200.0) - 220.0).abs() < 1e-9);
        assert_eq!(apply_effect(Effect::Amount(-5.0), 20.0), 15.0);
        let pp = measured(Effect::Points(2.0), 0.20, 0.212).unwrap();
        assert!((pp - 1.2).abs() < 1e-9);
        let pct = measured(Effect::Percent(10.0), 200.0, 230.0).unwrap();
        assert!((pct - 15.0).abs() < 1e-9);
        assert_eq!(measured(Effect::Percent(10.0), 0.0, 5.0), None);
    }

    #[test]
    fn verdicts_use_the_tolerance() {
        assert_eq!(Verdict::of(2.0, 1.2), Verdict::OverEstimated);
        assert_eq!(Verdict::of(2.0, 1.7), Verdict::AsExpected);
        assert_eq!(Verdict::of(2.0, 2.5), Verdict::UnderEstimated);
        assert_eq!(Verdict::of(2.0, -0.5), Verdict::OverEstimated);
        // A promised fall (a cost cut) that fell twice as far.
        assert_eq!(Verdict::of(-10.0, -20.0), Verdict::UnderEstimated);
        assert_eq!(Verdict::of(0.0, 0.0), Verdict::AsExpected);
    }
}
