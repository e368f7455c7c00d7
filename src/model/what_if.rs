//! What-if analysis: how much a target metric moves when each input moves.
//!
//! A *target* is one metric in one period, or a metric's total over the
//! timeline ([`parse_target`] reads `revenue`, `revenue@3`,
//! `revenue@Mar 2026`, `revenue@total`). An *input* is a metric row with at
//! least one number typed into its `values` (e.g. `=price[-1]` with a month-1
//! value). [`sensitivity`] flexes each input's numbers down and up by a swing,
//! recomputes incrementally, reads the target and puts everything back: the
//! tornado chart's data.

use super::{CellInput, Command, Workbook};

/// What a sensitivity run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One metric in one period.
    Period {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
        /// Period index (0 = first period).
        period: u32,
    },
    /// The sum of a metric's numeric values over every period.
    Total {
        /// Sheet index.
        sheet: u32,
        /// Row index.
        row: u32,
    },
}

impl Target {
    /// The target's (sheet, row).
    pub fn cell_row(&self) -> (u32, u32) {
        match *self {
            Target::Period { sheet, row, .. } | Target::Total { sheet, row } => (sheet, row),
        }
    }

    /// The period cells the target reads, as (sheet, row, period), for a
    /// timeline of `periods` periods.
    pub fn cells(&self, periods: u32) -> Vec<(u32, u32, u32)> {
        match *self {
            Target::Period { sheet, row, period } => vec![(sheet, row, period)],
            Target::Total { sheet, row } => (0..periods).map(|p| (sheet, row, p)).collect(),
        }
    }
}

/// How one input moves the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// Sheet index of the input.
    pub sheet: u32,
    /// Row index of the input.
    pub row: u32,
    /// The input's formula name, e.g. `lead_to_contact`.
    pub name: String,
    /// The input's label, e.g. `Lead → contact`.
    pub label: String,
    /// The target with the input's numbers × (1 − swing); `None` if the
    /// target is then not a number.
    pub low: Option<f64>,
    /// The target as the model stands.
    pub base: f64,
    /// The target with the input's numbers × (1 + swing); `None` if the
    /// target is then not a number.
    pub high: Option<f64>,
    /// `((high − low) / base) / (2 · swing)`: the % change of the target per
    /// 1% change of the input; `None` when base is 0 or low/high is missing.
    pub elasticity: Option<f64>,
}

impl Sensitivity {
    /// `|high − low|`, the bar's width in a tornado chart (`None` if either
    /// end is missing).
    pub fn spread(&self) -> Option<f64> {
        Some((self.high? - self.low?).abs())
    }
}

/// Reads `metric`, `metric@3` (1-based period number), `metric@Mar 2026`
/// (period label, case-insensitive) or `metric@total`; `metric` alone means
/// its total. `metric` may be `Sheet!metric`.
pub fn parse_target(workbook: &Workbook, text: &str) -> Result<Target, String> {
    let text = text.trim();
    let (metric, period) = match text.rsplit_once('@') {
        Some((metric, period)) => (metric.trim(), Some(period.trim())),
        None => (text, None),
    };
    if metric.is_empty() {
        return Err(format!("no metric in target `{text}` (e.g. revenue@total)"));
    }
    let (sheet, row) = workbook
        .find_metric(metric)
        .ok_or_else(|| format!("no metric `{metric}`"))?;
    let Some(period) = period else {
        return Ok(Target::Total { sheet, row });
    };
    if period.eq_ignore_ascii_case("total") {
        return Ok(Target::Total { sheet, row });
    }
    let labels = workbook.period_labels();
    let span = match (labels.first(), labels.last()) {
        (Some(first), Some(last)) => format!("the timeline runs {first} – {last}"),
        _ => "the timeline is empty".to_string(),
    };
    if let Ok(n) = period.parse::<u64>() {
        return if n >= 1 && n <= labels.len() as u64 {
            Ok(Target::Period {
                sheet,
                row,
                period: (n - 1) as u32,
            })
        } else {
            Err(format!(
                "no period `{period}` ({span}, periods 1 to {})",
                labels.len()
            ))
        };
    }
    let wanted = period.split_whitespace().collect::<Vec<_>>().join(" ");
    labels
        .iter()
        .position(|l| l.eq_ignore_ascii_case(&wanted))
        .map(|p| Target::Period {
            sheet,
            row,
            period: p as u32,
        })
        .ok_or_else(|| format!("no period `{period}` ({span})"))
}

/// The target's current value: the period cell's number, or the sum of the
/// row's numeric period values for a total; `None` if the period cell is not
/// a number.
pub fn target_value(workbook: &Workbook, target: &Target) -> Option<f64> {
    match *target {
        Target::Period { sheet, row, period } => workbook.value(sheet, row, period).as_number(),
        Target::Total { sheet, row } => Some(
            workbook
                .row_values(sheet, row)
                .iter()
                .filter_map(|v| v.as_number())
                .sum(),
        ),
    }
}

/// The input rows of a sheet: metric rows with at least one number typed
/// into `values`, top to bottom.
pub fn inputs(workbook: &Workbook, sheet: u32) -> Vec<u32> {
    workbook
        .rows(sheet)
        .iter()
        .enumerate()
        .filter(|(row, info)| {
            info.section.is_empty()
                && !workbook.metric_name(sheet, *row as u32).is_empty()
                && info
                    .values
                    .iter()
                    .any(|v| matches!(v, CellInput::Number(_)))
        })
        .map(|(row, _)| row as u32)
        .collect()
}

/// The numbers an input row holds as the workbook shows it (with the active
/// scenario's overrides): (period, number) for each period whose effective
/// input is a typed number.
pub fn row_numbers(workbook: &Workbook, sheet: u32, row: u32) -> Vec<(u32, f64)> {
    (0..workbook.periods())
        .filter_map(|p| match workbook.effective_input(sheet, row, p) {
            CellInput::Number(n) => Some((p, *n)),
            _ => None,
        })
        .collect()
}

/// Flexes each input (default: every input on every sheet except the
/// target's own row) by ± `swing` (0.1 = 10%), reads the target, and ranks
/// the inputs by how far they move it, widest first. Each flex is one
/// incremental recalculation, undone at once: afterwards the workbook's
/// text, values and undo/redo history are as before.
pub fn sensitivity(
    workbook: &mut Workbook,
    target: &Target,
    swing: f64,
    inputs: Option<&[(u32, u32)]>,
) -> Result<Vec<Sensitivity>, String> {
    sensitivity_with_progress(workbook, target, swing, inputs, &mut |_, _| true)
}

/// [`sensitivity`], calling `progress` with (inputs done, inputs in all)
/// after each input; returning `false` stops the run with an error (the
/// workbook is put back as it was either way).
pub fn sensitivity_with_progress(
    workbook: &mut Workbook,
    target: &Target,
    swing: f64,
    inputs: Option<&[(u32, u32)]>,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<Sensitivity>, String> {
    if !(swing > 0.0 && swing < 1.0) {
        return Err(format!(
            "the swing must be more than 0 and less than 100% (got {}); e.g. 10% or 0.1",
            super::display::shortest_number(swing)
        ));
    }
    let base = target_value(workbook, target).ok_or_else(|| {
        let (sheet, row) = target.cell_row();
        format!(
            "the target `{}` is not a number",
            workbook.metric_name(sheet, row)
        )
    })?;
    let chosen: Vec<(u32, u32)> = match inputs {
        Some(list) => list.to_vec(),
        None => {
            let own = target.cell_row();
            (0..workbook.document().sheets.len() as u32)
                .flat_map(|sheet| {
                    self::inputs(workbook, sheet)
                        .into_iter()
                        .map(move |row| (sheet, row))
                })
                .filter(|&cell| cell != own)
                .collect()
        }
    };
    let cells = target.cells(workbook.periods());
    let mut out = workbook.focused(&cells, |workbook| {
        flex_each(workbook, target, swing, base, chosen, progress)
    })?;
    // Widest first; inputs whose flex broke the target go last. Spreads are
    // compared at 10 significant digits so that float noise does not reorder
    // equal bars, and the sort is stable, so ties keep the model's order.
    let key = |s: &Sensitivity| {
        s.spread()
            .map(|x| format!("{x:.9e}").parse::<f64>().unwrap_or(x))
    };
    out.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(out)
}

/// Flexes each of `chosen` low and high, reading the target; the model is
/// put back after each.
fn flex_each(
    workbook: &mut Workbook,
    target: &Target,
    swing: f64,
    base: f64,
    chosen: Vec<(u32, u32)>,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<Sensitivity>, String> {
    let total = chosen.len();
    let mut out = Vec::with_capacity(total);
    for (done, (sheet, row)) in chosen.into_iter().enumerate() {
        if !progress(done, total) {
            return Err(format!("stopped after {done} of {total} inputs"));
        }
        let Some(info) = workbook.rows(sheet).get(row as usize) else {
            return Err(format!("no row {} on sheet {}", row + 1, sheet + 1));
        };
        let label = info.label.clone();
        let numbers = row_numbers(workbook, sheet, row);
        let name = workbook.metric_name(sheet, row).to_string();
        let flex_edit = |factor: f64| -> super::Edit {
            numbers
                .iter()
                .map(|&(period, n)| Command::SetCell {
                    sheet,
                    row,
                    period,
                    input: CellInput::Number(n * factor),
                })
                .collect()
        };
        let failed = |e: super::EditError| format!("flexing `{name}`: {e}");
        // Low, then high over it, then back: both flexes set the same cells,
        // so the first inverse restores the model (three recalculations).
        let inverse = workbook.try_edit(flex_edit(1.0 - swing)).map_err(failed)?;
        let low = target_value(workbook, target);
        let high = match workbook.try_edit(flex_edit(1.0 + swing)) {
            Ok(_) => Ok(target_value(workbook, target)),
            Err(e) => Err(failed(e)),
        };
        workbook.restore(inverse).map_err(failed)?;
        let high = high?;
        let elasticity = match (low, high) {
            (Some(low), Some(high)) if base != 0.0 => {
                Some((high - low) / base / (2.0 * swing)).filter(|e| e.is_finite())
            }
            _ => None,
        };
        out.push(Sensitivity {
            sheet,
            row,
            name,
            label,
            low,
            base,
            high,
            elasticity,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUNNEL: &str = include_str!("../../models/funnel.ron");

    fn funnel() -> Workbook {
        Workbook::parse(FUNNEL, "funnel.ron").expect("funnel parses")
    }

    #[test]
    fn a_stopped_run_reports_progress_and_leaves_the_model_as_it_was() {
        let mut w = funnel();
        let text = w.to_text();
        let (sheet, row) = w.find_metric("paid").unwrap();
        let before: Vec<_> = w.row_values(sheet, row).to_vec();
        let target = Target::Total { sheet, row };
        let mut seen = Vec::new();
        let outcome = sensitivity_with_progress(&mut w, &target, 0.1, None, &mut |done, total| {
            seen.push((done, total));
            done < 3
        });
        assert!(outcome.unwrap_err().contains("stopped after 3"));
        assert_eq!(seen.len(), 4);
        assert!(seen.iter().all(|&(_, total)| total == seen[0].1));
        assert_eq!(w.to_text(), text);
        assert_eq!(w.row_values(sheet, row), &before[..]);
    }

    const STAGES: [&str; 4] = [
        "lead_to_contact",
        "contact_to_qualified",
        "qualified_to_invoice",
        "invoice_to_paid",
    ];

    #[test]
    fn targets_parse_by_number_label_and_total() {
        let w = funnel();
        let (sheet, row) = w.find_metric("paid").expect("paid");
        assert_eq!(
            parse_target(&w, "paid@3"),
            Ok(Target::Period {
                sheet,
                row,
                period: 2
            })
        );
        assert_eq!(
            parse_target(&w, "PAID@mar 2026"),
            Ok(Target::Period {
                sheet,
                row,
                period: 2
            })
        );
        assert_eq!(
            parse_target(&w, "paid@total"),
            Ok(Target::Total { sheet, row })
        );
        assert_eq!(parse_target(&w, "paid"), Ok(Target::Total { sheet, row }));
        assert_eq!(parse_target(&w, "nope@1"), Err("no metric `nope`".into()));
        assert_eq!(
            parse_target(&w, "paid@Feb 2031"),
            Err("no period `Feb 2031` (the timeline runs Jan 2026 – Dec 2026)".into())
        );
        assert!(
            parse_target(&w, "paid@13")
                .expect_err("out of range")
                .contains("no period `13`")
        );
    }

    #[test]
    fn inputs_are_rows_with_typed_numbers() {
        let w = funnel();
        let names: Vec<&str> = inputs(&w, 0)
            .into_iter()
            .map(|r| w.metric_name(0, r))
            .collect();
        assert_eq!(
            names,
            [
                "leads",
                "leads_growth",
                "lead_to_contact",
                "contact_to_qualified",
                "qualified_to_invoice",
                "invoice_to_paid",
                "price",
                "pp_step"
            ]
        );
    }

    fn check_funnel(target_text: &str) {
        let mut w = funnel();
        let text = w.to_text();
        let values: Vec<_> = (0..w.rows(0).len() as u32)
            .map(|r| w.row_values(0, r).to_vec())
            .collect();
        let target = parse_target(&w, target_text).expect("target");
        let result = sensitivity(&mut w, &target, 0.1, None).expect("runs");
        for stage in STAGES {
            let s = result.iter().find(|s| s.name == stage).expect("stage");
            let e = s.elasticity.expect("elasticity");
            assert!((e - 1.0).abs() < 1e-9, "{stage}: {e}");
        }
        let n = result.len();
        assert_eq!(n, 8);
        let top: Vec<&str> = result[..5].iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            top[0], "leads",
            "equal bars keep the model's order: {top:?}"
        );
        assert_eq!(top[1..], STAGES, "equal bars keep the model's order");
        let last: Vec<&str> = result[n - 2..].iter().map(|s| s.name.as_str()).collect();
        assert!(
            last.contains(&"price") && last.contains(&"pp_step"),
            "{last:?}"
        );
        for s in &result[n - 2..] {
            assert_eq!(s.elasticity, Some(0.0));
            assert_eq!(s.low, Some(s.base));
        }
        assert!(result.iter().all(|s| s.name != "paid"));
        assert_eq!(w.to_text(), text);
        let after: Vec<_> = (0..w.rows(0).len() as u32)
            .map(|r| w.row_values(0, r).to_vec())
            .collect();
        assert_eq!(after, values);
        assert!(!w.can_undo() && !w.can_redo());
    }

    #[test]
    fn paid_moves_one_for_one_with_each_stage_in_period_one() {
        check_funnel("paid@1");
    }

    #[test]
    fn paid_total_moves_one_for_one_with_each_stage() {
        check_funnel("paid@total");
    }

    #[test]
    fn history_is_kept() {
        let mut w = funnel();
        let (sheet, row) = w.find_metric("price").expect("price");
        w.apply(vec![Command::SetCell {
            sheet,
            row,
            period: 0,
            input: CellInput::Number(1.0),
        }])
        .expect("edit");
        w.apply(vec![Command::SetCell {
            sheet,
            row,
            period: 0,
            input: CellInput::Number(2.0),
        }])
        .expect("edit");
        w.undo().expect("undo");
        let (undo, id, text) = (w.undo_len(), w.state_id(), w.to_text());
        let target = parse_target(&w, "revenue@total").expect("target");
        sensitivity(&mut w, &target, 0.2, None).expect("runs");
        assert_eq!((w.undo_len(), w.state_id(), w.to_text()), (undo, id, text));
        w.redo().expect("the redo entry survives");
        assert_eq!(w.input(sheet, row, 0), &CellInput::Number(2.0));
    }

    #[test]
    fn swing_must_be_between_zero_and_one() {
        let mut w = funnel();
        let target = parse_target(&w, "paid@1").expect("target");
        for swing in [0.0, -0.1, 1.0, f64::NAN] {
            let err = sensitivity(&mut w, &target, swing, None).expect_err("rejected");
            assert!(err.contains("swing"), "{err}");
        }
    }

    #[test]
    fn zero_base_has_no_elasticity() {
        let mut w = funnel();
        let (sheet, row) = w.find_metric("leads").expect("leads");
        w.apply(vec![Command::SetCell {
            sheet,
            row,
            period: 0,
            input: CellInput::Number(0.0),
        }])
        .expect("edit");
        let target = parse_target(&w, "paid@1").expect("target");
        let result = sensitivity(&mut w, &target, 0.1, None).expect("runs");
        assert!(result.iter().all(|s| s.elasticity.is_none()));
    }
}
