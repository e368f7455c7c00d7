//! Targets, initiatives and the review through the model API, with
//! hand-checked numbers: a three-input revenue model whose initiatives'
//! delivery is worked out by hand, progress and verdicts once actuals
//! arrive, the review as one undoable edit, renames carrying targets, bad
//! targets refused, and the file round trip.

use lever::model::actuals::{self, parse_csv};
use lever::model::document::{Effect, Goal};
use lever::model::targets::{self, Verdict};
use lever::model::{Command, Workbook};

fn model_with(rows: &str, periods: u32, tail: &str) -> Workbook {
    let text = format!(
        "(version: 1, timeline: (start: \"2026-01\", periods: {periods}, step: Month), \
         sheets: [(name: \"Model\", rows: [{rows}])], {tail})"
    );
    Workbook::parse(&text, "test.ron").expect("model parses")
}

fn import(w: &mut Workbook, csv: &str, close: Option<u32>) {
    let table = parse_csv(csv).expect("csv");
    let preview = actuals::preview(w, &table, &[]).expect("layout");
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let edit = actuals::import_edit(w, &preview, close).expect("edit");
    w.apply(edit).expect("applies");
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * a.abs().max(b.abs()).max(1.0)
}

const REVENUE: &str = r#"
    (label: "Leads", formula: "=leads[-1]", values: [1000]),
    (label: "Lead → paid", name: "conv", format: Percent(1), formula: "=conv[-1]", values: [0.2]),
    (label: "Price", formula: "=price[-1]", values: [100]),
    (label: "Paid", formula: "=leads * conv"),
    (label: "Revenue", formula: "=paid * price"),
"#;

const TARGET: &str = r#"targets: [(
    metric: "revenue", period: "2026-04", goal: Growth(percent: 10, vs: "2026-03"),
    initiatives: [
        (name: "Call reviews", owner: "Head of sales", metric: "conv", effect: Points(1), start: "2026-04"),
        (name: "Price rise", owner: "CEO", metric: "price", effect: Percent(2), start: "2026-04"),
    ],
)]"#;

#[test]
fn initiatives_deliver_through_the_model_as_computed_by_hand() {
    let mut w = model_with(REVENUE, 6, TARGET);
    let before = w.to_text();
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    // March: 1000 × 20% × 100 = 20,000; the goal +10% = 22,000.
    assert_eq!(o.base, Some((2, 20_000.0)));
    assert!(close(o.goal, 22_000.0));
    assert_eq!(o.without, 20_000.0);
    // Conversion +1 pp: 1000 × 21% × 100 = 21,000 (+1,000); then the
    // price +2%: 1000 × 21% × 102 = 21,420 (+420, the interaction with
    // the conversion falls to the later initiative).
    assert!(close(o.initiatives[0].delivered, 1_000.0));
    assert!(close(o.initiatives[1].delivered, 420.0));
    assert!(close(o.with, 21_420.0));
    assert!(close(o.delivered(), 1_420.0));
    assert!(close(o.gap(), 580.0));
    let t = &w.document().targets[0].clone();
    assert_eq!(
        targets::summary(&w, t, &o),
        "goal +10.0%; without the initiatives the model gives +0.0%; the initiatives \
         deliver +7.1%; 2.9% is not covered"
    );
    assert_eq!(o.achieved, None);
    // Nothing changed in the model.
    assert_eq!(w.to_text(), before);
    let (s, r) = w.find_metric("revenue").expect("metric");
    assert_eq!(w.value(s, r, 3).as_number(), Some(20_000.0));
}

#[test]
fn upstream_initiatives_act_first_so_a_computed_metric_keeps_them() {
    // One initiative moves Paid (computed from leads), the other the leads
    // upstream of it; listed downstream first, the leads still count.
    let tail = r#"targets: [(
        metric: "revenue", period: "2026-02", goal: Value(30000),
        initiatives: [
            (name: "Closing script", metric: "paid", effect: Amount(10), start: "2026-02"),
            (name: "More ads", metric: "leads", effect: Percent(50), start: "2026-02"),
        ],
    )]"#;
    let mut w = model_with(REVENUE, 3, tail);
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    // Leads first: 1500 × 20% × 100 = 30,000 (+10,000); then paid 300 + 10
    // = 310: 31,000 (+1,000).
    assert_eq!(o.order, vec![1, 0]);
    assert!(close(o.initiatives[1].delivered, 10_000.0));
    assert!(close(o.initiatives[0].delivered, 1_000.0));
    assert!(close(o.with, 31_000.0));
    assert!(o.gap() < 0.0);
    let t = w.document().targets[0].clone();
    assert!(targets::summary(&w, &t, &o).ends_with("the goal is covered"));
}

#[test]
fn progress_and_the_review_once_the_period_closes() {
    let mut w = model_with(REVENUE, 6, TARGET);
    import(
        &mut w,
        "metric,Jan 2026,Feb 2026,Mar 2026,Apr 2026\n\
         conv,20%,20%,20%,20.5%\n\
         price,100,100,100,100\n",
        None,
    );
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    // The promise is measured against the forecast before April's actuals.
    assert_eq!(o.without, 20_000.0);
    assert!(close(o.with, 21_420.0));
    // April closed at 1000 × 20.5% × 100 = 20,500: +2.5%.
    assert!(close(o.achieved.expect("closed"), 20_500.0));
    assert_eq!(targets::met(&w, &o), Some(false));
    let conv = &o.initiatives[0];
    assert_eq!(conv.progress.before, Some((2, 0.2)));
    assert!(close(conv.realised.expect("measured"), 0.5));
    let t = w.document().targets[0].clone();
    assert_eq!(
        conv.verdict(&t.initiatives[0]),
        Some(Verdict::OverEstimated)
    );
    assert_eq!(o.initiatives[1].realised, Some(0.0));

    let start = w.to_text();
    let edit = targets::review_edit(&mut w, 0, "2026-05-04").expect("review");
    w.apply(edit).expect("applies");
    let entry = w
        .document()
        .changelog
        .iter()
        .find(|e| e.area == "review")
        .expect("entry")
        .clone();
    assert_eq!(entry.date, "2026-05-04");
    assert_eq!(entry.area, "review");
    assert_eq!(entry.metrics, vec!["revenue", "conv", "price"]);
    assert_eq!(
        entry.text,
        "Review of Revenue, Apr 2026 (goal +10% vs Mar 2026): reached +2.5%, goal missed by 7.5%. \
         Call reviews (Head of sales): Lead → paid expected +1 pp, realised +0.5 pp: over-estimated. \
         Price rise (CEO): Price expected +2%, realised 0%: over-estimated."
    );
    assert_eq!(w.document().targets[0].reviewed, "2026-05-04");
    // One edit: one undo takes both back.
    w.undo().expect("undo");
    assert_eq!(w.to_text(), start);
}

#[test]
fn a_review_waits_for_the_period_to_close() {
    let mut w = model_with(REVENUE, 6, TARGET);
    let e = targets::review_edit(&mut w, 0, "2026-05-04").expect_err("not closed");
    assert!(e.contains("Apr 2026 is not closed yet"), "{e}");
}

#[test]
fn targets_are_typed_as_people_say_them() {
    let w = model_with(REVENUE, 6, "");
    let t = targets::parse_target(&w, "Revenue@May 2026 = +10% vs Apr 2026").expect("parses");
    assert_eq!(t.metric, "revenue");
    assert_eq!(t.period, "2026-05");
    assert_eq!(
        t.goal,
        Goal::Growth {
            percent: 10.0,
            vs: "2026-04".into()
        }
    );
    assert_eq!(
        targets::target_text(&w, &t),
        "revenue@May 2026 = +10% vs Apr 2026"
    );
    let t = targets::parse_target(&w, "conv@2026-03 = +2 pp vs Feb 2026").expect("parses");
    assert!(matches!(t.goal, Goal::Increase { amount, .. } if close(amount, 0.02)));
    assert_eq!(targets::goal_text(&w, &t), "+2 pp vs Feb 2026");
    let t = targets::parse_target(&w, "revenue@Jun 2026 = 25,000").expect("parses");
    assert_eq!(t.goal, Goal::Value(25_000.0));
    for (bad, says) in [
        ("revenue@May 2026", "no goal"),
        ("revenu@May 2026 = 5", "no metric `revenu`"),
        ("revenue@May 2030 = 5", "no period `May 2030`"),
        ("revenue@May 2026 = +10%", "say against which period"),
        ("revenue@May 2026 = lots", "not a number"),
        ("revenue@May 2026 = -10%", "say against which period"),
        ("revenue@May 2026 = 10%", "is not one"),
        (
            "revenue@May 2026 = +2 pp vs Apr 2026",
            "points (pp) are for a percentage",
        ),
        // A character whose lower case has another length must not split
        // the text in the wrong place.
        (
            "revenue@May 2026 = \u{212A}\u{212A}+10% vs Apr 2026",
            "is not an effect",
        ),
    ] {
        let e = targets::parse_target(&w, bad).expect_err(bad);
        assert!(e.contains(says), "{bad}: {e}");
    }
    let i = targets::parse_initiative(&w, "Script", "", "Lead → paid", "+1.5 pp", "Apr 2026")
        .expect("parses");
    assert_eq!((i.metric.as_str(), i.effect), ("conv", Effect::Points(1.5)));
    assert!(targets::parse_initiative(&w, "", "", "conv", "+1 pp", "Apr 2026").is_err());
}

#[test]
fn a_rename_carries_targets_and_undo_puts_them_back() {
    let mut w = model_with(REVENUE, 6, TARGET);
    let start = w.to_text();
    let (s, r) = w.find_metric("conv").expect("metric");
    w.apply(vec![Command::RenameMetric {
        sheet: s,
        row: r,
        name: "lead_to_paid".into(),
    }])
    .expect("renames");
    assert_eq!(
        w.document().targets[0].initiatives[0].metric,
        "lead_to_paid"
    );
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    assert!(close(o.initiatives[0].delivered, 1_000.0));
    w.undo().expect("undo");
    assert_eq!(w.to_text(), start);
}

#[test]
fn bad_targets_are_refused_in_the_file_and_as_edits() {
    let bad = TARGET.replace("\"2026-04\", goal", "\"2031-04\", goal");
    let text = format!(
        "(version: 1, timeline: (start: \"2026-01\", periods: 6, step: Month), \
         sheets: [(name: \"Model\", rows: [{REVENUE}])], {bad})"
    );
    let e = Workbook::parse(&text, "bad.ron").expect_err("refused");
    assert!(e.to_string().contains("`2031-04` is not a month"), "{e}");
    let mut w = model_with(REVENUE, 6, TARGET);
    let before = w.to_text();
    let mut targets = w.document().targets.clone();
    targets[0].initiatives[0].name.clear();
    let e = w
        .apply(vec![Command::SetTargets { targets }])
        .expect_err("refused");
    assert!(e.to_string().contains("needs a name"), "{e}");
    assert_eq!(w.to_text(), before);
    // An initiative whose metric is gone says so; the others still count.
    let ghost = TARGET.replace("metric: \"price\"", "metric: \"ghost\"");
    let mut w = model_with(REVENUE, 6, &ghost);
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    assert_eq!(o.initiatives[1].error.as_deref(), Some("no metric `ghost`"));
    assert!(close(o.delivered(), 1_000.0));
}

#[test]
fn targets_round_trip_byte_for_byte() {
    let w = model_with(REVENUE, 6, TARGET);
    let text = w.to_text();
    assert!(
        text.contains(
            "                (name: \"Call reviews\", owner: \"Head of sales\", metric: \"conv\", effect: Points(1), start: \"2026-04\"),\n"
        ),
        "{text}"
    );
    assert!(text.contains("            goal: Growth(percent: 10, vs: \"2026-03\"),\n"));
    let again = Workbook::parse(&text, "again.ron").expect("reads");
    assert_eq!(again.to_text(), text);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// On random founder models with random initiatives (points, percent,
    /// amounts on typed and computed metrics, some with actuals booked
    /// after their start): the shares add up to what the initiatives
    /// deliver together, and the model is left exactly as it was.
    #[test]
    fn shares_add_up_and_the_model_is_untouched_on_random_models(
        seed in 0u64..10_000,
        picks in proptest::collection::vec((0usize..60, 0u32..8, 0u8..3, -20.0f64..20.0), 1..6),
        booked in proptest::collection::vec((0usize..60, 0u32..8, 0.5f64..1.5), 0..6),
    ) {
        let doc = lever::model::generate::founder_model(60, 8, seed);
        let mut w = Workbook::new(doc);
        let names: Vec<String> = (0..w.rows(0).len() as u32)
            .map(|r| w.metric_name(0, r).to_string())
            .filter(|n| !n.is_empty())
            .collect();
        proptest::prop_assume!(names.len() > 1);
        let mut edit = Vec::new();
        for (pick, period, factor) in &booked {
            let (s, r) = w.find_metric(&names[pick % names.len()]).expect("metric");
            if let Some(n) = w.value(s, r, *period).as_number() {
                edit.push(Command::SetActualCell { sheet: s, row: r, period: *period, input: lever::model::CellInput::Number(n * factor) });
            }
        }
        if !edit.is_empty() {
            w.apply(edit).expect("books");
            let mut actuals = w.document().actuals.as_deref().cloned().expect("booked");
            actuals.closed = "2026-05".into();
            w.apply(vec![Command::SetActuals { actuals: Some(Box::new(actuals)) }]).expect("closes");
        }
        let tl = w.document().timeline.clone();
        let initiatives = picks
            .iter()
            .enumerate()
            .map(|(i, (pick, start, kind, size))| lever::model::document::Initiative {
                name: format!("initiative {i}"),
                owner: String::new(),
                metric: names[pick % names.len()].clone(),
                effect: match kind {
                    0 => Effect::Points(*size),
                    1 => Effect::Percent(*size),
                    _ => Effect::Amount(*size * 100.0),
                },
                start: lever::model::timeline::period_month(&tl, *start),
            })
            .collect();
        let target = lever::model::document::Target {
            metric: names.last().expect("a metric").clone(),
            period: "2026-07".into(),
            goal: Goal::Growth { percent: 10.0, vs: "2026-06".into() },
            initiatives,
            ..Default::default()
        };
        w.apply(vec![Command::SetTargets { targets: vec![target] }]).expect("sets");
        let before = w.to_text();
        let values: Vec<Vec<lever::model::Value>> = (0..w.rows(0).len() as u32)
            .map(|r| w.row_values(0, r).to_vec())
            .collect();
        match targets::evaluate(&mut w, 0) {
            Ok(o) => {
                let shares: f64 = o.initiatives.iter().map(|i| i.delivered).sum();
                let scale = o.with.abs().max(o.without.abs()).max(1.0);
                proptest::prop_assert!(
                    (o.delivered() - shares).abs() <= 1e-9 * scale,
                    "{} vs {}", o.delivered(), shares
                );
            }
            Err(e) => proptest::prop_assert!(e.contains("not a number"), "{}", e),
        }
        proptest::prop_assert_eq!(w.to_text(), before);
        for (r, row) in values.iter().enumerate() {
            proptest::prop_assert_eq!(w.row_values(0, r as u32), row.as_slice());
        }
    }
}

#[test]
fn goals_read_in_their_own_unit_and_direction() {
    // A cost target: lower is better, so a value above the goal is short.
    let rows = r#"
        (label: "Support cost per customer", name: "support_cost", formula: "=support_cost[-1]", values: [100]),
        (label: "Lead → paid", name: "conv", format: Percent(1), formula: "=conv[-1]", values: [0.2]),
    "#;
    let tail = r#"targets: [
        (metric: "support_cost", period: "2026-03", goal: Growth(percent: -10, vs: "2026-02"),
         initiatives: [(name: "Self-service help", metric: "support_cost", effect: Percent(-4), start: "2026-03")]),
        (metric: "conv", period: "2026-03", goal: Increase(amount: 0.02, vs: "2026-02"),
         initiatives: [(name: "Script", metric: "conv", effect: Points(1.5), start: "2026-03")]),
    ]"#;
    let mut w = model_with(rows, 4, tail);
    let cost = targets::evaluate(&mut w, 0).expect("evaluates");
    assert!(close(cost.with, 96.0) && close(cost.goal, 90.0));
    assert!(!targets::covered(&w, &cost));
    assert!(close(targets::shortfall(&w, &cost), 6.0));
    let t = w.document().targets[0].clone();
    assert_eq!(
        targets::summary(&w, &t, &cost),
        "goal -10.0%; without the initiatives the model gives +0.0%; the initiatives \
         deliver -4.0%; 6.0% is not covered"
    );
    let conv = targets::evaluate(&mut w, 1).expect("evaluates");
    let t = w.document().targets[1].clone();
    assert_eq!(
        targets::summary(&w, &t, &conv),
        "goal +2.0 pp; without the initiatives the model gives +0.0 pp; the initiatives \
         deliver +1.5 pp; 0.5 pp is not covered"
    );
}

#[test]
fn an_amount_on_a_blank_row_counts_from_zero() {
    let rows = r#"
        (label: "Partner deals", name: "partner"),
        (label: "Deals", formula: "=10 + partner"),
    "#;
    let tail = r#"targets: [(metric: "deals", period: "2026-03", goal: Value(100),
        initiatives: [(name: "Reseller", metric: "partner", effect: Amount(50), start: "2026-02")])]"#;
    let mut w = model_with(rows, 4, tail);
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    assert_eq!((o.without, o.with), (10.0, 60.0));
    assert_eq!(o.initiatives[0].error, None);
}

#[test]
fn the_forecast_measured_against_is_anchored_at_the_base_period() {
    // Actuals booked after the base (March) do not move what the model
    // gives without the initiatives, however the initiatives are dated.
    let mut w = model_with(REVENUE, 6, TARGET);
    import(&mut w, "metric,Mar 2026,Apr 2026\nleads,1000,1300\n", None);
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    assert_eq!(o.without, 20_000.0);
    assert!(close(o.with, 21_420.0));
    // April closed with 1300 leads: 1300 × 20% × 100 = 26,000.
    assert!(close(o.achieved.expect("closed"), 26_000.0));
    // An initiative dated before the base is already in it: it acts from
    // April on, and the others' shares stay as they were.
    let mut early = w.document().targets.clone();
    early[0].initiatives[1].start = "2026-02".into();
    w.apply(vec![Command::SetTargets { targets: early }])
        .expect("sets");
    let o2 = targets::evaluate(&mut w, 0).expect("evaluates");
    assert_eq!(o2.without, o.without);
    assert!(close(o2.initiatives[0].delivered, 1_000.0));
    // An initiative that starts after the target's month says so.
    let mut late = w.document().targets.clone();
    late[0].initiatives[0].start = "2026-05".into();
    w.apply(vec![Command::SetTargets { targets: late }])
        .expect("sets");
    let o3 = targets::evaluate(&mut w, 0).expect("evaluates");
    assert!(
        o3.initiatives[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("starts after Apr 2026")),
        "{:?}",
        o3.initiatives[0].error
    );
    assert_eq!(o3.initiatives[0].delivered, 0.0);
}

#[test]
fn a_metric_computed_from_booked_counts_is_measured() {
    let rows = r#"
        (label: "Contacts", formula: "=contacts[-1]", values: [1000]),
        (label: "Qualified", formula: "=qualified[-1]", values: [500]),
        (label: "Contact → qualified", name: "conv", format: Percent(1), formula: "=qualified / contacts"),
        (label: "Price", formula: "=price[-1]", values: [100]),
        (label: "Revenue", formula: "=qualified * price"),
        (label: "Price, doubled", name: "price2", formula: "=price * 2"),
    "#;
    let tail = r#"targets: [(metric: "revenue", period: "2026-03", goal: Growth(percent: 10, vs: "2026-02"),
        initiatives: [
            (name: "Script", metric: "conv", effect: Points(5), start: "2026-03"),
            (name: "Premium", metric: "price2", effect: Percent(10), start: "2026-03"),
        ])]"#;
    let mut w = model_with(rows, 4, tail);
    import(
        &mut w,
        "metric,Jan 2026,Feb 2026,Mar 2026\ncontacts,1000,1000,1000\nqualified,500,500,540\n",
        None,
    );
    let o = targets::evaluate(&mut w, 0).expect("evaluates");
    // Conversion is computed from booked counts only: 50% → 54%, +4 pp.
    assert_eq!(o.initiatives[0].progress.now.map(|(p, _)| p), Some(2));
    assert!(close(o.initiatives[0].realised.expect("measured"), 4.0));
    // A metric computed from a plan input is not a measurement.
    assert_eq!(o.initiatives[1].realised, None);
}
