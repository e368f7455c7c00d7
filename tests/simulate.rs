//! Monte Carlo simulation through the model API, checked against closed
//! forms: the mean and variance of a product of independent uniforms, a sum
//! of normals, a correlation reproduced within sampling error, the
//! probability of running out of cash, the seed, and the model left as it
//! was. Also the errors for bad ranges and conditions.

use lever::model::simulate::{Spec, simulate};
use lever::model::uncertainty::{Distribution, Uncertainty};
use lever::model::what_if::{Target, parse_target};
use lever::model::{Command, Correlation, Workbook};

fn model(rows: &str, periods: u32) -> Workbook {
    model_with(rows, periods, "")
}

fn model_with(rows: &str, periods: u32, tail: &str) -> Workbook {
    let text = format!(
        "(version: 1, timeline: (start: \"2026-01\", periods: {periods}, step: Month), \
         sheets: [(name: \"Model\", rows: [{rows}])], {tail})"
    );
    Workbook::parse(&text, "test.ron").expect("model parses")
}

fn spec(workbook: &Workbook, target: &str, runs: usize) -> Spec {
    Spec {
        runs,
        seed: 7,
        ..Spec::new(parse_target(workbook, target).expect("target"))
    }
}

/// Simulates `target` over `runs` runs with seed 7.
fn sim(
    w: &mut Workbook,
    target: &str,
    runs: usize,
) -> Result<lever::model::simulate::Outcome, String> {
    let spec = spec(w, target, runs);
    simulate(w, &spec)
}

/// The target in each run of `spec` with the same draws applied as
/// ordinary edits, each undone before the next.
fn plain_samples(w: &mut Workbook, spec: &Spec) -> Vec<f64> {
    let mut sampler = lever::model::simulate::Sampler::new(w, spec.seed).expect("inputs");
    (0..spec.runs)
        .map(|_| {
            w.apply(sampler.next_run()).expect("draws apply");
            let value = lever::model::what_if::target_value(w, &spec.target);
            w.undo().expect("undo");
            value.unwrap_or(f64::NAN)
        })
        .collect()
}

const PRODUCT: &str = r#"
    (label: "A", formula: "=a[-1]", values: [2], uncertainty: (dist: Uniform(low: 1, high: 3))),
    (label: "B", formula: "=b[-1]", values: [4], uncertainty: (dist: Uniform(low: 2, high: 6))),
    (label: "Y", formula: "=a * b"),
"#;

#[test]
fn a_product_of_uniforms_has_the_known_mean_and_variance() {
    let mut w = model(PRODUCT, 3);
    let outcome = sim(&mut w, "y@2", 20_000).expect("runs");
    let s = outcome.summary.expect("numbers");
    // E[ab] = E[a]E[b] = 2 × 4; Var = E[a²]E[b²] − 64 = 13/3 × 52/3 − 64.
    let variance: f64 = 13.0 / 3.0 * 52.0 / 3.0 - 64.0;
    let se = (variance / 20_000.0).sqrt();
    assert!((s.mean - 8.0).abs() < 4.0 * se, "mean {}", s.mean);
    assert!(
        (s.sd - variance.sqrt()).abs() < 0.05 * variance.sqrt(),
        "sd {} vs {}",
        s.sd,
        variance.sqrt()
    );
    assert_eq!(outcome.base, Some(8.0));
    assert_eq!(s.count, 20_000);
    // Moving together: every period holds the same draw.
    let (sheet, row) = w.find_metric("y").expect("y");
    let y = outcome.metric(sheet, row).expect("recorded");
    let means: Vec<f64> = y.periods.iter().map(|p| p.expect("numbers").mean).collect();
    assert!(
        means.iter().all(|m| (m - means[0]).abs() < 1e-9),
        "{means:?}"
    );
}

#[test]
fn a_sum_of_normals_is_normal() {
    let rows = r#"
        (label: "A", formula: "=a[-1]", values: [10], uncertainty: (dist: Normal(mean: 10, sd: 3))),
        (label: "B", formula: "=b[-1]", values: [5], uncertainty: (dist: Normal(mean: 5, sd: 4))),
        (label: "Y", formula: "=a + b"),
    "#;
    let mut w = model(rows, 2);
    let s = sim(&mut w, "y@1", 20_000)
        .expect("runs")
        .summary
        .expect("numbers");
    // N(15, 5): P5 = 15 − 1.645 × 5, P95 = 15 + 1.645 × 5.
    assert!((s.mean - 15.0).abs() < 0.15, "mean {}", s.mean);
    assert!((s.sd - 5.0).abs() < 0.15, "sd {}", s.sd);
    assert!((s.p5 - (15.0 - 8.224)).abs() < 0.3, "p5 {}", s.p5);
    assert!((s.p95 - (15.0 + 8.224)).abs() < 0.3, "p95 {}", s.p95);
    assert!((s.p50 - 15.0).abs() < 0.2, "p50 {}", s.p50);
}

#[test]
fn the_seed_makes_runs_identical() {
    let mut w = model(PRODUCT, 3);
    let a = sim(&mut w, "y@total", 500).expect("runs");
    let b = sim(&mut w, "y@total", 500).expect("runs");
    assert_eq!(a.samples, b.samples);
    let other = Spec {
        seed: 8,
        ..spec(&w, "y@total", 500)
    };
    let c = simulate(&mut w, &other).expect("runs");
    assert_ne!(a.samples, c.samples);
}

#[test]
fn a_rank_correlation_is_reproduced_within_sampling_error() {
    let rows = r#"
        (label: "A", formula: "=a[-1]", values: [10], uncertainty: (dist: Normal(mean: 10, sd: 3))),
        (label: "B", formula: "=b[-1]", values: [1], uncertainty: (dist: LogNormal(mean: 1, sd: 0.5))),
        (label: "Y", formula: "=a"),
    "#;
    let tail = r#"correlations: [(a: "a", b: "b", rho: 0.8)]"#;
    let mut w = model_with(rows, 2, tail);
    let outcome = sim(&mut w, "y@1", 10_000).expect("runs");
    let b = outcome
        .drivers
        .iter()
        .find(|d| d.name == "b")
        .and_then(|d| d.rank_correlation)
        .expect("b varies");
    // Spearman's ρ over 10,000 pairs: standard error ≈ (1 − ρ²)/√n ≈ 0.004.
    assert!((b - 0.8).abs() < 0.02, "rank correlation {b}");
    let a = &outcome.drivers[0];
    assert_eq!((a.name.as_str(), a.rank_correlation), ("a", Some(1.0)));
}

#[test]
fn the_probability_of_running_out_of_cash_and_when() {
    // cash = 10 + p·flow for p ≥ 1, flow uniform on (−10, 2): MIN(cash) < 0
    // iff 10 + 3·flow < 0, probability (10 − 10/3)/12 = 5/9. It comes true
    // in the third month when flow < −5 (5/12), in the fourth when
    // −5 < flow < −10/3 (5/36).
    let rows = r#"
        (label: "Flow", formula: "=flow[-1]", values: [0], uncertainty: (dist: Uniform(low: -10, high: 2))),
        (label: "Cash", formula: "=cash[-1] + flow", values: [10]),
    "#;
    let mut w = model(rows, 4);
    let spec = Spec {
        condition: Some("MIN(cash) < 0".into()),
        ..spec(&w, "cash@4", 20_000)
    };
    let outcome = simulate(&mut w, &spec).expect("runs");
    let c = outcome.condition.expect("a condition");
    assert!(
        (c.probability - 5.0 / 9.0).abs() < 0.015,
        "{}",
        c.probability
    );
    assert_eq!(c.most_often(), Some(2));
    let share = |p: usize| c.first_true[p] as f64 / 20_000.0;
    assert_eq!((c.first_true[0], c.first_true[1]), (0, 0));
    assert!((share(2) - 5.0 / 12.0).abs() < 0.015, "{}", share(2));
    assert!((share(3) - 5.0 / 36.0).abs() < 0.015, "{}", share(3));
}

#[test]
fn per_period_draws_keep_the_rows_shape_and_moving_together_keeps_its_steps() {
    let rows = r#"
        (label: "Steps", values: [10, 20, 30], uncertainty: (dist: Uniform(low: 9, high: 11))),
        (label: "Season", formula: "=season[-1] * 2", values: [10], uncertainty: (dist: Uniform(low: 9, high: 11), per_period: true)),
        (label: "Out", formula: "=steps + season"),
    "#;
    let mut w = model(rows, 3);
    let steps = w.find_metric("steps").expect("steps");
    let season = w.find_metric("season").expect("season");
    let spec = Spec {
        metrics: vec![steps, season],
        ..spec(&w, "out@total", 4_000)
    };
    let outcome = simulate(&mut w, &spec).expect("runs");
    let means = |(s, r): (u32, u32)| -> Vec<f64> {
        outcome
            .metric(s, r)
            .expect("recorded")
            .periods
            .iter()
            .map(|p| p.expect("numbers").mean)
            .collect()
    };
    for (got, want) in means(steps).iter().zip([10.0, 20.0, 30.0]) {
        assert!((got - want).abs() < 0.05 * want, "steps {got} vs {want}");
    }
    for (got, want) in means(season).iter().zip([10.0, 20.0, 40.0]) {
        assert!((got - want).abs() < 0.05 * want, "season {got} vs {want}");
    }
    // The steps move in lockstep (sd doubles and triples); the season's
    // periods are drawn apart, so its third period's spread is not 4× the first.
    let sd = |(s, r): (u32, u32), p: usize| outcome.metric(s, r).unwrap().periods[p].unwrap().sd;
    assert!((sd(steps, 2) / sd(steps, 0) - 3.0).abs() < 1e-6);
    let ratio = sd(season, 2) / sd(season, 0);
    assert!(
        (ratio - 4.0).abs() > 1e-9 && (ratio - 4.0).abs() < 0.4,
        "{ratio}"
    );
    let out = outcome.summary.expect("numbers");
    // Out's total: steps' 60 in lockstep (sd 60/30·√(1/3)… ) plus three
    // independent season draws, so its spread is below that of a lockstep.
    let lockstep = (6.0 + 7.0) * (2.0 / 12f64.sqrt());
    assert!(out.sd < lockstep, "sd {} vs lockstep {lockstep}", out.sd);
}

#[test]
fn a_simulation_leaves_the_model_and_its_history_as_they_were() {
    let mut w = model(PRODUCT, 3);
    let (sheet, row) = w.find_metric("a").expect("a");
    w.apply(vec![Command::SetCell {
        sheet,
        row,
        period: 0,
        input: lever::model::CellInput::Number(2.5),
    }])
    .expect("edit");
    let (text, undo, values) = (w.to_text(), w.undo_len(), w.row_values(0, 2).to_vec());
    sim(&mut w, "y@total", 300).expect("runs");
    assert_eq!(w.to_text(), text);
    assert_eq!(w.undo_len(), undo);
    assert_eq!(w.row_values(0, 2), &values[..]);
    assert!(!w.can_redo());
}

#[test]
fn bad_simulations_say_what_is_wrong() {
    let mut w = model(PRODUCT, 3);
    let err = |w: &mut Workbook, spec: Spec| simulate(w, &spec).expect_err("refused");
    let typo = Spec {
        condition: Some("MIN(cahs) < 0".into()),
        ..spec(&w, "y@total", 10)
    };
    assert!(err(&mut w, typo).contains("#NAME?"));
    let syntax = Spec {
        condition: Some("MIN(y) <".into()),
        ..spec(&w, "y@total", 10)
    };
    assert!(err(&mut w, syntax).contains("does not read"));
    let zero = spec(&w, "y@total", 0);
    assert!(err(&mut w, zero).contains("1 to 100000"));
    let mut plain = model(
        r#"(label: "A", values: [1]), (label: "Y", formula: "=a")"#,
        2,
    );
    let target = Spec::new(Target::Total { sheet: 0, row: 1 });
    assert!(err(&mut plain, target).contains("no input has a range"));
    let contradictory = model_with(
        &PRODUCT.replace("(label: \"Y\"", "(label: \"C\", values: [1], uncertainty: (dist: Uniform(low: 0, high: 1))), (label: \"Y\""),
        3,
        r#"correlations: [(a: "a", b: "b", rho: 0.9), (a: "b", b: "c", rho: 0.9), (a: "a", b: "c", rho: -0.9)]"#,
    );
    let mut contradictory = contradictory;
    let s = spec(&contradictory, "y@total", 10);
    assert!(err(&mut contradictory, s).contains("contradict"));
}

#[test]
fn bad_ranges_are_refused_where_they_are_typed_and_change_nothing() {
    let text = PRODUCT.replace("Uniform(low: 1, high: 3)", "Uniform(low: 3, high: 1)");
    let err = Workbook::parse(
        &format!(
            "(version: 1, timeline: (start: \"2026-01\", periods: 3, step: Month), \
             sheets: [(name: \"Model\", rows: [{text}])])"
        ),
        "bad.ron",
    )
    .expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("row 1 (A)") && message.contains("backwards"),
        "{message}"
    );

    let mut w = model(PRODUCT, 3);
    let before = w.to_text();
    let set = |row, dist, per_period, period| Command::SetUncertainty {
        sheet: 0,
        row,
        uncertainty: Some(Box::new(Uncertainty {
            dist,
            period,
            per_period,
        })),
    };
    let normal = |sd| Distribution::Normal { mean: 1.0, sd };
    for (command, want) in [
        (set(2, normal(1.0), false, None), "computed"),
        (set(0, normal(-1.0), false, None), "standard deviation"),
        (set(0, normal(1.0), false, Some(2)), "holds none"),
        (
            set(
                0,
                Distribution::Discrete(vec![(1.0, 0.5), (2.0, 0.6)]),
                false,
                None,
            ),
            "add up to 1.1",
        ),
    ] {
        let e = w.apply(vec![command]).expect_err("refused").to_string();
        assert!(e.contains(want), "{e}");
    }
    let bad = Command::SetCorrelations {
        correlations: vec![Correlation {
            a: "a".into(),
            b: "b".into(),
            rho: 2.0,
        }],
    };
    assert!(w.apply(vec![bad]).is_err());
    assert_eq!(w.to_text(), before);
}

#[test]
fn ranges_and_correlations_round_trip_and_follow_a_rename() {
    let tail = r#"correlations: [(a: "a", b: "b", rho: -0.5)]"#;
    let mut w = model_with(PRODUCT, 3, tail);
    let text = w.to_text();
    assert!(
        text.contains("uncertainty: (dist: Uniform(low: 1, high: 3))")
            && text.contains("correlations: [\n        (a: \"a\", b: \"b\", rho: -0.5),"),
        "{text}"
    );
    let again = Workbook::parse(&text, "again.ron").expect("reads back");
    assert_eq!(again.to_text(), text);
    w.apply(vec![Command::RenameMetric {
        sheet: 0,
        row: 0,
        name: "price".into(),
    }])
    .expect("rename");
    assert_eq!(w.document().correlations[0].a, "price");
    assert!(w.to_text().contains("=price * b"));
    w.undo().expect("undo");
    assert_eq!(w.to_text(), text);
}

#[test]
fn the_fast_runs_give_what_plain_edits_give_on_the_sample() {
    // After the first run, a simulation sets the drawn cells in the engine
    // and recomputes a fixed list of cells; applying each run's draws as
    // an ordinary edit must give the same target, run for run.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/edtech-growth.ron");
    let mut w = Workbook::load(std::path::Path::new(path)).expect("sample loads");
    for target in ["ebitda@total", "cash@Dec 2028", "net_revenue@Mar 2027"] {
        let spec = Spec {
            runs: 40,
            seed: 11,
            ..Spec::new(parse_target(&w, target).expect("target"))
        };
        let fast = simulate(&mut w, &spec).expect("runs");
        let plain = plain_samples(&mut w, &spec);
        assert_eq!(fast.samples, plain, "{target}");
    }
}

#[test]
fn a_model_with_volatile_formulas_simulates_by_plain_edits() {
    // OFFSET's cells are known only when it is computed, so no fixed list
    // of cells can be made: every run is an ordinary edit.
    let rows = r#"
        (label: "A", formula: "=a[-1]", values: [2], uncertainty: (dist: Uniform(low: 1, high: 3))),
        (label: "Y", formula: "=SUM(OFFSET(a[0], 0, 0, 1, 1)) * 10"),
    "#;
    let mut w = model(rows, 3);
    let spec = spec(&w, "y@total", 50);
    let fast = simulate(&mut w, &spec).expect("runs");
    let plain = plain_samples(&mut w, &spec);
    assert_eq!(fast.samples, plain);
    assert!(fast.samples.iter().all(|&y| (30.0..=90.0).contains(&y)));
}

#[test]
fn a_condition_reads_every_period_it_is_asked_about() {
    // Burn is the same in every period (one draw per run), so the
    // condition comes true in the first period whenever it does at all.
    let rows = r#"
        (label: "Flow", formula: "=flow[-1]", values: [0], uncertainty: (dist: Uniform(low: -10, high: 2))),
        (label: "Burn", formula: "=-flow"),
        (label: "Cash", formula: "=cash[-1] + flow", values: [10]),
    "#;
    let mut w = model(rows, 4);
    let spec = Spec {
        condition: Some("burn > 5".into()),
        ..spec(&w, "cash@4", 2_000)
    };
    let c = simulate(&mut w, &spec)
        .expect("runs")
        .condition
        .expect("a condition");
    assert!(
        (c.probability - 5.0 / 12.0).abs() < 0.04,
        "{}",
        c.probability
    );
    assert_eq!(c.most_often(), Some(0));
    assert_eq!(c.first_true[1..], [0, 0, 0]);
}

#[test]
fn a_simulation_under_a_scenario_puts_every_value_back() {
    let rows = r#"
        (label: "A", formula: "=a[-1]", values: [5000], uncertainty: (dist: Discrete([(0, 0.3), (5000, 0.7)]))),
        (label: "Y", formula: "=a * 2"),
    "#;
    let tail = r#"scenarios: [(name: "S", note: "", overrides: [(metric: "a", values: [5000])])]"#;
    let mut w = model_with(rows, 3, tail);
    w.set_active_scenario(Some(0)).expect("scenario");
    let before: Vec<_> = (0..2).map(|r| w.row_values(0, r).to_vec()).collect();
    for seed in 1..20 {
        let spec = Spec {
            seed,
            ..spec(&w, "y@total", 7)
        };
        simulate(&mut w, &spec).expect("runs");
        let after: Vec<_> = (0..2).map(|r| w.row_values(0, r).to_vec()).collect();
        assert_eq!(after, before, "seed {seed}");
    }
}

#[test]
fn a_scenario_carries_its_own_range_in_place_of_the_rows() {
    // Under "Wide", A has its own range (10 to 20, centre typed 15) in
    // place of the row's 1 to 3: E[ab] = 15 × 4 = 60; the base keeps 8.
    let tail = r#"scenarios: [(name: "Wide", note: "", overrides: [
        (metric: "a", values: [15], uncertainty: (dist: Uniform(low: 10, high: 20))),
    ])]"#;
    let mut w = model_with(PRODUCT, 3, tail);
    let text = w.to_text();
    assert!(
        text.contains(
            r#"(metric: "a", values: [15], uncertainty: (dist: Uniform(low: 10, high: 20)))"#
        ),
        "{text}"
    );
    assert_eq!(
        Workbook::parse(&text, "again.ron")
            .expect("reads")
            .to_text(),
        text
    );
    let base = sim(&mut w, "y@2", 4_000)
        .expect("runs")
        .summary
        .expect("numbers");
    assert!((base.mean - 8.0).abs() < 0.3, "base mean {}", base.mean);
    w.set_active_scenario(Some(0)).expect("scenario");
    let (s, a) = w.find_metric("a").expect("a");
    assert!(matches!(
        w.range(s, a).map(|u| &u.dist),
        Some(Distribution::Uniform { low, .. }) if *low == 10.0
    ));
    let wide = sim(&mut w, "y@2", 4_000)
        .expect("runs")
        .summary
        .expect("numbers");
    // Var(ab) with a ~ U(10, 20), b ~ U(2, 6): E[a²]E[b²] − 60².
    let variance = (225.0 + 100.0 / 12.0) * 52.0 / 3.0 - 3600.0;
    let se = (variance / 4_000.0_f64).sqrt();
    assert!(
        (wide.mean - 60.0).abs() < 4.0 * se,
        "scenario mean {}",
        wide.mean
    );
    assert!(wide.p5 >= 20.0 && wide.p95 <= 120.0);
}

#[test]
fn a_range_typed_under_a_scenario_goes_to_the_scenario_and_undoes_exactly() {
    let tail = r#"scenarios: [(name: "Wide", note: "", overrides: [])]"#;
    let mut w = model_with(PRODUCT, 3, tail);
    let start = w.to_text();
    w.set_active_scenario(Some(0)).expect("scenario");
    let (s, b) = w.find_metric("b").expect("b");
    let range = Uncertainty {
        dist: Distribution::Uniform {
            low: 3.0,
            high: 9.0,
        },
        period: None,
        per_period: false,
    };
    w.apply(vec![
        Command::SetCell {
            sheet: s,
            row: b,
            period: 0,
            input: lever::model::CellInput::Number(6.0),
        },
        Command::SetUncertainty {
            sheet: s,
            row: b,
            uncertainty: Some(Box::new(range.clone())),
        },
    ])
    .expect("applies");
    // The row keeps its own range; the scenario has the new one.
    let row_range = w.rows(s)[b as usize]
        .uncertainty
        .as_deref()
        .map(|u| u.dist.clone());
    assert_eq!(
        row_range,
        Some(Distribution::Uniform {
            low: 2.0,
            high: 6.0
        })
    );
    assert_eq!(w.range(s, b), Some(&range));
    assert_eq!(w.range_carrier(s, b), Some(0));
    let line = &w.document().scenarios[0].overrides[0];
    assert_eq!(line.uncertainty.as_deref(), Some(&range));
    // Removing it under the scenario falls back to the row's range.
    w.apply(vec![Command::SetUncertainty {
        sheet: s,
        row: b,
        uncertainty: None,
    }])
    .expect("removes");
    assert_eq!(
        w.range(s, b).map(|u| u.dist.clone()),
        Some(Distribution::Uniform {
            low: 2.0,
            high: 6.0
        })
    );
    // A bad range under the scenario is refused where it was typed.
    let bad = Uncertainty {
        dist: Distribution::Uniform {
            low: 9.0,
            high: 3.0,
        },
        period: None,
        per_period: false,
    };
    let e = w
        .apply(vec![Command::SetUncertainty {
            sheet: s,
            row: b,
            uncertainty: Some(Box::new(bad)),
        }])
        .expect_err("refused");
    assert!(e.to_string().contains("low"), "{e}");
    w.undo().expect("undo");
    w.undo().expect("undo");
    w.set_active_scenario(None).expect("base");
    assert_eq!(w.to_text(), start);
}
