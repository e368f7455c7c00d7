//! Funnels: a chain of count rows (lead → contact → qualified → invoice →
//! paid) read as one sales funnel.
//!
//! A funnel is declared in the file ([`Funnel`]): its stage metrics in order,
//! optionally the conversion metric driving each step, and the money one
//! final-stage unit brings (e.g. `price`). [`report`] computes, over a range
//! of periods:
//!
//! - each stage's count (summed over the range) and each step's conversion
//!   `Σ next / Σ this`, the units lost, and the end-to-end conversion;
//! - the *biggest drop*: the step with the **lowest conversion** (the
//!   bottleneck in rate terms; [`FunnelStep::lost`] gives the absolute loss);
//! - for each step, "+1 pp here gives +N final units and +X money per
//!   period". Where the step's conversion metric is an *input* (a row with
//!   typed numbers), this is computed **through the model**: the metric is
//!   raised by 0.01 in every period of the range with an incremental probe
//!   (so capacity limits, price effects etc. count), and put back. Otherwise
//!   it is computed **analytically from the counts**: in a chain, the final
//!   stage is proportional to each conversion, so +1 pp at a step whose
//!   conversion is `c` adds `final × 0.01 / c` in each period;
//! - equivalences: "+1 pp at A equals +k pp at B" with `k = gain(A) /
//!   gain(B)` — exact when the final stage is linear in each conversion (a
//!   plain chain), a first-order estimate otherwise. With visit → lead 3%
//!   and lead → payment 20%, +1 pp visit → lead (×4/3 leads) equals
//!   20% × 1/3 = +6.67 pp lead → payment;
//! - for the steps whose conversion metric has a benchmark, the gain of
//!   moving it to the market ("cheapest lever first"), ranked.
//!
//! A stage cell that is not a number (an error, text) counts as 0.
//! [`stage_series`] gives each stage's count per period for charts.

use std::ops::Range;

use super::benchmark::{self, Verdict};
use super::document::Funnel;
use super::{CellInput, Command, Value, Workbook};

/// One stage of a computed funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStage {
    /// Sheet index of the stage's count metric.
    pub sheet: u32,
    /// Row index.
    pub row: u32,
    /// The metric's formula name.
    pub name: String,
    /// The metric's label.
    pub label: String,
    /// The count, summed over the range.
    pub count: f64,
}

/// How a step's "+1 pp" gain was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GainMethod {
    /// By raising the step's input conversion metric in the model
    /// (incremental probe, undone at once).
    Probe,
    /// From the counts: the final stage scales with the step's conversion.
    Analytic,
}

/// A step between two neighbouring stages.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    /// Index of the stage the step starts from (it ends at `from + 1`).
    pub from: usize,
    /// `Σ next stage / Σ this stage` over the range; `None` if this stage is 0.
    pub conversion: Option<f64>,
    /// Units lost at the step: `Σ this − Σ next`.
    pub lost: f64,
    /// The conversion metric driving the step, as (sheet, row, name), if the
    /// funnel names one.
    pub metric: Option<(u32, u32, String)>,
    /// How the gains were computed.
    pub method: GainMethod,
    /// Final-stage units per period gained by +1 pp at this step.
    pub gain_units: Option<f64>,
    /// Money per period gained by +1 pp (final units × the funnel's value).
    pub gain_money: Option<f64>,
    /// The step's conversion against the conversion metric's benchmark.
    pub benchmark: Option<Verdict>,
    /// Final-stage units per period gained by moving the conversion to the
    /// market (0 when it is not worse than the market).
    pub to_market_units: Option<f64>,
    /// Money per period gained by moving the conversion to the market.
    pub to_market_money: Option<f64>,
}

/// A funnel computed over a range of periods.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelReport {
    /// The funnel's name.
    pub name: String,
    /// The periods covered.
    pub periods: Range<u32>,
    /// `Jan 2026` or `Jan 2026 – Dec 2026`.
    pub period_label: String,
    /// The stages in order.
    pub stages: Vec<FunnelStage>,
    /// The steps between them (`stages.len() − 1`).
    pub steps: Vec<FunnelStep>,
    /// Last stage / first stage; `None` if the first is 0.
    pub end_to_end: Option<f64>,
    /// The step with the lowest conversion.
    pub biggest_drop: Option<usize>,
    /// The funnel's money over the range (Σ final units × value), if it has
    /// a value metric.
    pub money: Option<f64>,
    /// `equivalence[a][b]`: the pp at step `b` that give what +1 pp at step
    /// `a` gives (`None` where a gain is missing or zero).
    pub equivalence: Vec<Vec<Option<f64>>>,
    /// Steps with a benchmark, the largest gain from reaching the market
    /// first (by money when the funnel has a value, else by units).
    pub ranking: Vec<usize>,
}

/// A funnel's metrics found in the workbook.
struct Resolved {
    stages: Vec<(u32, u32)>,
    conversions: Vec<Option<(u32, u32)>>,
    value: Option<(u32, u32)>,
}

/// The funnel named `name` (case-insensitive) in the file.
pub fn find<'a>(workbook: &'a Workbook, name: &str) -> Result<&'a Funnel, String> {
    let funnels = &workbook.document().funnels;
    funnels
        .iter()
        .find(|f| f.name.trim().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| {
            if funnels.is_empty() {
                format!("no funnel `{name}`: the model declares no funnels")
            } else {
                let names: Vec<&str> = funnels.iter().map(|f| f.name.as_str()).collect();
                format!("no funnel `{name}` (funnels: {})", names.join(", "))
            }
        })
}

fn resolve(workbook: &Workbook, funnel: &Funnel) -> Result<Resolved, String> {
    let what = format!("funnel `{}`", funnel.name);
    if funnel.stages.len() < 2 {
        return Err(format!("{what} needs at least two stages"));
    }
    let metric = |name: &str, role: &str| {
        workbook
            .find_metric(name)
            .ok_or_else(|| format!("{what}: the {role} `{name}` is no metric"))
    };
    let stages = funnel
        .stages
        .iter()
        .map(|s| metric(s, "stage"))
        .collect::<Result<Vec<_>, _>>()?;
    let conversions = if funnel.conversions.is_empty() {
        vec![None; stages.len() - 1]
    } else if funnel.conversions.len() != stages.len() - 1 {
        return Err(format!(
            "{what}: {} conversions for {} steps (one per pair of neighbouring stages, \"\" for none)",
            funnel.conversions.len(),
            stages.len() - 1
        ));
    } else {
        funnel
            .conversions
            .iter()
            .map(|c| {
                if c.trim().is_empty() {
                    Ok(None)
                } else {
                    metric(c, "conversion").map(Some)
                }
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    let value = if funnel.value.trim().is_empty() {
        None
    } else {
        Some(metric(&funnel.value, "value")?)
    };
    Ok(Resolved {
        stages,
        conversions,
        value,
    })
}

/// The names of the funnels declared in the file, in file order.
pub fn names(workbook: &Workbook) -> Vec<String> {
    workbook
        .document()
        .funnels
        .iter()
        .map(|f| f.name.clone())
        .collect()
}

/// Each stage's count in every period, for funnel charts (no probes, so
/// cheap to call every frame): (stage label, one count per period; a cell
/// that is not a number counts as 0).
pub fn stage_series(workbook: &Workbook, name: &str) -> Result<Vec<(String, Vec<f64>)>, String> {
    let funnel = find(workbook, name)?;
    let r = resolve(workbook, funnel)?;
    Ok(r.stages
        .iter()
        .map(|&(sheet, row)| {
            (
                workbook.rows(sheet)[row as usize].label.clone(),
                (0..workbook.periods())
                    .map(|p| num(workbook, (sheet, row), p))
                    .collect(),
            )
        })
        .collect())
}

/// Reads `3`, `Mar 2026`, `Q1 2026`, `2026`, `total` (or `all`), or a range
/// `A..B` of the first two forms, as a range of periods.
pub fn parse_periods(workbook: &Workbook, text: &str) -> Result<Range<u32>, String> {
    let text = text.trim();
    let n = workbook.periods();
    if text.eq_ignore_ascii_case("total") || text.eq_ignore_ascii_case("all") {
        return Ok(0..n);
    }
    if let Some((a, b)) = text.split_once("..") {
        let a = parse_periods(workbook, a)?;
        let b = parse_periods(workbook, b)?;
        if b.end <= a.start {
            return Err(format!("the period range `{text}` runs backwards"));
        }
        return Ok(a.start..b.end);
    }
    let labels = workbook.period_labels();
    if let Ok(k) = text.parse::<u64>()
        && k >= 1
        && k <= u64::from(n)
    {
        return Ok(k as u32 - 1..k as u32);
    }
    let wanted = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(p) = labels.iter().position(|l| l.eq_ignore_ascii_case(&wanted)) {
        return Ok(p as u32..p as u32 + 1);
    }
    for grouping in [
        super::document::Grouping::Quarter,
        super::document::Grouping::Year,
    ] {
        if let Some(g) = super::rollup::groups(workbook, grouping)
            .into_iter()
            .find(|g| g.label.eq_ignore_ascii_case(&wanted))
        {
            return Ok(g.periods);
        }
    }
    let span = match (labels.first(), labels.last()) {
        (Some(first), Some(last)) => format!("the timeline runs {first} – {last}"),
        _ => "the timeline is empty".into(),
    };
    Err(format!(
        "no period `{text}` ({span}; use a number 1–{n}, a label like `Mar 2026`, `Q1 2026`, a year, `total`, or A..B)"
    ))
}

/// The label of a range: `Jan 2026` or `Jan 2026 – Dec 2026`.
pub fn range_label(workbook: &Workbook, periods: &Range<u32>) -> String {
    let labels = workbook.period_labels();
    let at = |p: u32| labels.get(p as usize).cloned().unwrap_or_default();
    if periods.end == periods.start + 1 {
        at(periods.start)
    } else {
        format!(
            "{} – {}",
            at(periods.start),
            at(periods.end.saturating_sub(1))
        )
    }
}

fn num(workbook: &Workbook, (sheet, row): (u32, u32), period: u32) -> f64 {
    workbook
        .value(sheet, row, period)
        .as_number()
        .unwrap_or(0.0)
}

/// Final units and money per period over `periods`, as the model stands.
fn outcome(workbook: &Workbook, r: &Resolved, periods: &Range<u32>) -> (f64, Option<f64>) {
    let last = *r.stages.last().expect("two stages");
    let mut units = 0.0;
    let mut money = 0.0;
    for p in periods.clone() {
        let f = num(workbook, last, p);
        units += f;
        if let Some(v) = r.value {
            money += f * num(workbook, v, p);
        }
    }
    (units, r.value.map(|_| money))
}

/// True if the row has a number typed into it (an input the probe can move).
fn is_input(workbook: &Workbook, (sheet, row): (u32, u32)) -> bool {
    workbook
        .rows(sheet)
        .get(row as usize)
        .is_some_and(|r| r.values.iter().any(|v| matches!(v, CellInput::Number(_))))
}

/// Gain (units, money) over the range from setting the step's conversion to
/// `new(p, current)` in each period, through the model.
fn probe_gain(
    workbook: &mut Workbook,
    r: &Resolved,
    metric: (u32, u32),
    periods: &Range<u32>,
    new: impl Fn(f64) -> f64,
) -> Result<(f64, Option<f64>), String> {
    let (sheet, row) = metric;
    let mut edit = Vec::new();
    for p in periods.clone() {
        let Value::Number(current) = workbook.value(sheet, row, p).clone() else {
            return Err(format!(
                "`{}` is not a number in {}",
                workbook.metric_name(sheet, row),
                range_label(workbook, &(p..p + 1))
            ));
        };
        let target = new(current);
        if target != current {
            edit.push(Command::SetCell {
                sheet,
                row,
                period: p,
                input: CellInput::Number(target),
            });
        }
    }
    let base = outcome(workbook, r, periods);
    if edit.is_empty() {
        return Ok((0.0, base.1.map(|_| 0.0)));
    }
    let after = workbook
        .probe(edit, |w| outcome(w, r, periods))
        .map_err(|e| e.to_string())?;
    Ok((after.0 - base.0, after.1.zip(base.1).map(|(a, b)| a - b)))
}

/// Gain (units, money) over the range from moving step `i`'s conversion in
/// each period from `c` to `new(c)`, from the counts (final ∝ conversion).
fn analytic_gain(
    workbook: &Workbook,
    r: &Resolved,
    i: usize,
    periods: &Range<u32>,
    new: impl Fn(f64) -> f64,
) -> Option<(f64, Option<f64>)> {
    let last = *r.stages.last().expect("two stages");
    let mut units = 0.0;
    let mut money = 0.0;
    for p in periods.clone() {
        let this = num(workbook, r.stages[i], p);
        let next = num(workbook, r.stages[i + 1], p);
        if this == 0.0 {
            continue;
        }
        let c = next / this;
        let delta = new(c) - c;
        if delta == 0.0 {
            continue;
        }
        // final = this × c × (downstream); downstream = final / next.
        if next == 0.0 {
            return None;
        }
        let gained = num(workbook, last, p) / next * this * delta;
        units += gained;
        if let Some(v) = r.value {
            money += gained * num(workbook, v, p);
        }
    }
    Some((units, r.value.map(|_| money)))
}

/// Computes the funnel named `name` over `periods` (see the module
/// documentation). Probes leave the workbook, its values and its undo
/// history as they were.
pub fn report(
    workbook: &mut Workbook,
    name: &str,
    periods: Range<u32>,
) -> Result<FunnelReport, String> {
    let funnel = find(workbook, name)?.clone();
    let r = resolve(workbook, &funnel)?;
    if periods.is_empty() || periods.end > workbook.periods() {
        return Err(format!(
            "periods {}–{} are outside the timeline (1–{})",
            periods.start + 1,
            periods.end,
            workbook.periods()
        ));
    }
    let n = f64::from(periods.end - periods.start);
    let stages: Vec<FunnelStage> = r
        .stages
        .iter()
        .map(|&(sheet, row)| FunnelStage {
            sheet,
            row,
            name: workbook.metric_name(sheet, row).to_string(),
            label: workbook.rows(sheet)[row as usize].label.clone(),
            count: periods
                .clone()
                .map(|p| num(workbook, (sheet, row), p))
                .sum(),
        })
        .collect();
    let mut steps = Vec::new();
    for i in 0..stages.len() - 1 {
        let (this, next) = (stages[i].count, stages[i + 1].count);
        let conversion = (this != 0.0).then(|| next / this);
        let metric = r.conversions[i];
        let probe = metric.filter(|&m| is_input(workbook, m));
        let method = if probe.is_some() {
            GainMethod::Probe
        } else {
            GainMethod::Analytic
        };
        let bench = metric.and_then(|(s, row)| {
            let info = &workbook.rows(s)[row as usize];
            Some((info.benchmark.clone()?, info.format))
        });
        let verdict = match (&bench, conversion) {
            (Some((b, format)), Some(c)) => Some(benchmark::classify(c, b, *format)),
            _ => None,
        };
        let gain = |workbook: &mut Workbook, shift: &dyn Fn(f64) -> f64| match probe {
            Some(m) => probe_gain(workbook, &r, m, &periods, shift),
            None => analytic_gain(workbook, &r, i, &periods, shift)
                .ok_or_else(|| "a stage is 0".to_string()),
        };
        let (gain_units, gain_money) = match gain(workbook, &|c| c + 0.01) {
            Ok((u, m)) => (Some(u / n), m.map(|m| m / n)),
            Err(_) => (None, None),
        };
        let (to_market_units, to_market_money) = match &bench {
            Some((b, format)) => {
                let b = b.clone();
                let format = *format;
                let shift = move |c: f64| benchmark::classify(c, &b, format).target;
                match gain(workbook, &shift) {
                    Ok((u, m)) => (Some(u / n), m.map(|m| m / n)),
                    Err(_) => (None, None),
                }
            }
            None => (None, None),
        };
        steps.push(FunnelStep {
            from: i,
            conversion,
            lost: this - next,
            metric: metric.map(|(s, row)| (s, row, workbook.metric_name(s, row).to_string())),
            method,
            gain_units,
            gain_money,
            benchmark: verdict,
            to_market_units,
            to_market_money,
        });
    }
    let first = stages[0].count;
    let end_to_end = (first != 0.0).then(|| stages[stages.len() - 1].count / first);
    let biggest_drop = steps
        .iter()
        .filter_map(|s| Some((s.from, s.conversion?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i);
    let (_, money) = outcome(workbook, &r, &periods);
    let equivalence = steps
        .iter()
        .map(|a| {
            steps
                .iter()
                .map(|b| match (a.gain_units, b.gain_units) {
                    (Some(ga), Some(gb)) if gb != 0.0 => Some(ga / gb),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let key = |s: &FunnelStep| {
        if r.value.is_some() {
            s.to_market_money
        } else {
            s.to_market_units
        }
    };
    let mut ranking: Vec<usize> = steps
        .iter()
        .filter(|s| s.benchmark.is_some())
        .map(|s| s.from)
        .collect();
    ranking.sort_by(|&a, &b| {
        let (x, y) = (key(&steps[a]), key(&steps[b]));
        y.unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&x.unwrap_or(f64::NEG_INFINITY))
    });
    Ok(FunnelReport {
        name: funnel.name.clone(),
        period_label: range_label(workbook, &periods),
        periods,
        stages,
        steps,
        end_to_end,
        biggest_drop,
        money,
        equivalence,
        ranking,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field example: visit → lead 3% (market 4%), lead → payment 20%
    /// (market 10%), 100,000 visits, price 10,000.
    const EXAMPLE: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 2, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (label: "Visits", formula: "=visits[-1]", values: [100000]),
                (label: "Visit → lead", name: "visit_to_lead", format: Percent(1), formula: "=visit_to_lead[-1]", values: [0.03], benchmark: (value: 0.04, better: Higher)),
                (label: "Lead → payment", name: "lead_to_payment", format: Percent(1), formula: "=lead_to_payment[-1]", values: [0.2], benchmark: (value: 0.1, better: Higher)),
                (label: "Leads", formula: "=visits * visit_to_lead"),
                (label: "Payments", formula: "=leads * lead_to_payment"),
                (label: "Price", formula: "=price[-1]", values: [10000]),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
    funnels: [
        (name: "Site", stages: ["visits", "leads", "payments"], conversions: ["visit_to_lead", "lead_to_payment"], value: "price"),
        (name: "Counts only", stages: ["visits", "leads", "payments"], value: "price"),
    ],
)
"#;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    fn check(name: &str, method: GainMethod) {
        let mut w = Workbook::parse(EXAMPLE, "example.ron").expect("parses");
        let text = w.to_text();
        let r = report(&mut w, name, 0..1).expect("computes");
        assert_eq!(w.to_text(), text);
        assert!(!w.can_undo());
        let counts: Vec<f64> = r.stages.iter().map(|s| s.count).collect();
        assert_eq!(counts, [100000.0, 3000.0, 600.0]);
        assert!(close(r.steps[0].conversion.unwrap(), 0.03));
        assert!(close(r.end_to_end.unwrap(), 0.006));
        assert_eq!(r.biggest_drop, Some(0));
        assert_eq!(r.steps[0].lost, 97000.0);
        assert!(r.steps.iter().all(|s| s.method == method));
        // +1 pp visit → lead: 4,000 leads × 20% = 800 payments, +200.
        assert!(close(r.steps[0].gain_units.unwrap(), 200.0));
        assert!(close(r.steps[0].gain_money.unwrap(), 2_000_000.0));
        // +1 pp lead → payment: 3,000 × 21% = 630, +30.
        assert!(close(r.steps[1].gain_units.unwrap(), 30.0));
        // +1 pp visit → lead equals +6.67 pp lead → payment (≈ 7 pp).
        let k = r.equivalence[0][1].unwrap();
        assert!(close(k, 20.0 / 3.0), "{k}");
        assert!(close(r.equivalence[1][0].unwrap(), 0.15));
        assert_eq!(r.money, Some(6_000_000.0));
        if method == GainMethod::Probe {
            // Visit → lead to the market 4% gives +200 payments; lead →
            // payment is already better than the market: nothing to gain.
            assert!(close(r.steps[0].to_market_units.unwrap(), 200.0));
            assert_eq!(r.steps[1].to_market_units, Some(0.0));
            assert_eq!(r.ranking, [0, 1]);
            let verdict = r.steps[0].benchmark.as_ref().unwrap();
            assert!(
                verdict.explanation.contains("1.0 pp worse"),
                "{}",
                verdict.explanation
            );
        } else {
            assert!(r.ranking.is_empty());
        }
    }

    #[test]
    fn one_pp_visit_to_lead_equals_seven_pp_lead_to_payment_through_the_model() {
        check("Site", GainMethod::Probe);
    }

    #[test]
    fn one_pp_visit_to_lead_equals_seven_pp_lead_to_payment_from_counts() {
        check("counts only", GainMethod::Analytic);
    }

    #[test]
    fn ranges_sum_the_periods() {
        let mut w = Workbook::parse(EXAMPLE, "example.ron").expect("parses");
        let r = report(&mut w, "Site", 0..2).expect("computes");
        assert_eq!(r.stages[2].count, 1200.0);
        // Gains are per period.
        assert!(close(r.steps[0].gain_units.unwrap(), 200.0));
        assert_eq!(r.period_label, "Jan 2026 – Feb 2026");
        assert_eq!(parse_periods(&w, "2").unwrap(), 1..2);
        assert_eq!(parse_periods(&w, "jan 2026..Feb 2026").unwrap(), 0..2);
        assert_eq!(parse_periods(&w, "Q1 2026").unwrap(), 0..2);
        assert_eq!(parse_periods(&w, "total").unwrap(), 0..2);
        assert!(
            parse_periods(&w, "3")
                .unwrap_err()
                .contains("no period `3`")
        );
    }

    #[test]
    fn series_per_stage_for_charts() {
        let w = Workbook::parse(EXAMPLE, "example.ron").expect("parses");
        assert_eq!(names(&w), ["Site", "Counts only"]);
        let series = stage_series(&w, "site").expect("computes");
        let labels: Vec<&str> = series.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["Visits", "Leads", "Payments"]);
        assert_eq!(series[2].1, [600.0, 600.0]);
    }

    #[test]
    fn bad_funnels_say_what_is_wrong() {
        let mut w = Workbook::parse(EXAMPLE, "example.ron").expect("parses");
        assert!(
            report(&mut w, "nope", 0..1)
                .unwrap_err()
                .contains("funnels: Site, Counts only")
        );
        let broken = EXAMPLE.replace(
            "\"leads\", \"payments\"], conversions",
            "\"lids\", \"payments\"], conversions",
        );
        let mut w = Workbook::parse(&broken, "example.ron").expect("parses");
        let err = report(&mut w, "site", 0..1).unwrap_err();
        assert_eq!(err, "funnel `Site`: the stage `lids` is no metric");
        let broken = EXAMPLE.replace("conversions: [\"visit_to_lead\", ", "conversions: [");
        let mut w = Workbook::parse(&broken, "example.ron").expect("parses");
        let err = report(&mut w, "site", 0..1).unwrap_err();
        assert!(err.contains("1 conversions for 2 steps"), "{err}");
        let mut w = Workbook::parse(EXAMPLE, "example.ron").expect("parses");
        assert!(
            report(&mut w, "site", 1..3)
                .unwrap_err()
                .contains("outside the timeline")
        );
    }
}
