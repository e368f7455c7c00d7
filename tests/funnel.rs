//! Funnels and benchmarks against hand-checked numbers: the field example
//! "+1 pp visit → lead equals +7 pp lead → payment", the sample funnel
//! calculator, and `lever funnel` as a table and as CSV.

mod common;

use common::{lever, stderr, stdout};
use lever::model::Workbook;
use lever::model::benchmark::Standing;
use lever::model::funnel::{self, GainMethod};

/// Visit → lead 3% (market 4%), lead → payment 20% (market 10%).
const FIELD_EXAMPLE: &str = r#"(
    version: 1,
    timeline: (start: "2026-01", periods: 3, step: Month),
    sheets: [
        (
            name: "Model",
            rows: [
                (label: "Visits", unit: "visits", format: Integer, formula: "=visits[-1]", values: [50000]),
                (label: "Visit → lead", name: "visit_to_lead", unit: "%", format: Percent(1), formula: "=visit_to_lead[-1]", values: [0.03], benchmark: (value: 0.04, better: Higher, source: "market")),
                (label: "Leads", unit: "leads", format: Integer, formula: "=visits * visit_to_lead"),
                (label: "Lead → payment", name: "lead_to_payment", unit: "%", format: Percent(1), formula: "=lead_to_payment[-1]", values: [0.2], benchmark: (value: 0.1, better: Higher, source: "market")),
                (label: "Payments", unit: "deals", format: Integer, formula: "=leads * lead_to_payment"),
                (label: "Price", unit: "RUB", format: Money(0), formula: "=price[-1]", values: [20000]),
                (label: "Revenue", unit: "RUB", format: Money(0), formula: "=payments * price"),
            ],
        ),
    ],
    scenarios: [],
    changelog: [],
    funnels: [
        (name: "Site", stages: ["visits", "leads", "payments"], conversions: ["visit_to_lead", "lead_to_payment"], value: "price"),
    ],
)
"#;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn one_pp_visit_to_lead_equals_about_seven_pp_lead_to_payment() {
    let mut w = Workbook::parse(FIELD_EXAMPLE, "example.ron").expect("parses");
    let r = funnel::report(&mut w, "site", 0..3).expect("computes");
    // 50,000 visits × 3% = 1,500 leads × 20% = 300 payments a month.
    let counts: Vec<f64> = r.stages.iter().map(|s| s.count).collect();
    assert_eq!(counts, [150_000.0, 4_500.0, 900.0]);
    // +1 pp visit → lead: 2,000 leads × 20% = 400 payments, +100 a month,
    // +2,000,000 RUB. +1 pp lead → payment: 1,500 × 21% = 315, +15.
    let (a, b) = (&r.steps[0], &r.steps[1]);
    assert_eq!((a.method, b.method), (GainMethod::Probe, GainMethod::Probe));
    assert!(close(a.gain_units.unwrap(), 100.0));
    assert!(close(a.gain_money.unwrap(), 2_000_000.0));
    assert!(close(b.gain_units.unwrap(), 15.0));
    // The same 100 payments need lead → payment 20% → 26.67%: +6.67 pp.
    let k = r.equivalence[0][1].unwrap();
    assert!(close(k, 20.0 / 3.0), "{k}");
    assert_eq!(format!("{k:.0}"), "7");
    // Visit → lead is 1 pp under the market; lead → payment 10 pp over it.
    let va = a.benchmark.as_ref().unwrap();
    assert_eq!(va.standing, Standing::Worse);
    assert!(
        va.explanation
            .starts_with("3.0% vs market 4.0% (market): 1.0 pp worse")
    );
    assert_eq!(b.benchmark.as_ref().unwrap().standing, Standing::Better);
    // Reaching the market at visit → lead is the cheapest lever.
    assert!(close(a.to_market_money.unwrap(), 2_000_000.0));
    assert_eq!(b.to_market_money, Some(0.0));
    assert_eq!(r.ranking, [0, 1]);
    assert_eq!(r.biggest_drop, Some(0));
    assert!(close(r.end_to_end.unwrap(), 0.006));
}

#[test]
fn the_sample_funnel_by_hand() {
    let mut w = Workbook::load(std::path::Path::new("models/funnel.ron")).expect("loads");
    let r = funnel::report(&mut w, "Sales", 0..1).expect("computes");
    // 10,000 leads × 70% × 50% × 40% × 50% = 700 paid.
    let counts: Vec<f64> = r.stages.iter().map(|s| s.count).collect();
    assert!(close(counts[4], 700.0));
    assert_eq!(r.biggest_drop, Some(2), "qualified → invoice, 40%");
    // +1 pp at a step with conversion c gives 700 × 0.01 / c paid.
    for (step, c) in r.steps.iter().zip([0.7, 0.5, 0.4, 0.5]) {
        assert!(close(step.gain_units.unwrap(), 7.0 / c), "{c}");
        assert!(close(step.gain_money.unwrap(), 7.0 / c * 69_900.0), "{c}");
    }
    // Against the market: invoice → paid 50% vs 55–65% gives 700 × 5/50 =
    // 70 paid; lead → contact 70% vs 75% gives 700 × 5/70 = 50.
    assert_eq!(&r.ranking[..2], [3, 0]);
    assert!(close(r.steps[3].to_market_units.unwrap(), 70.0));
    assert!(close(r.steps[0].to_market_units.unwrap(), 50.0));
}

#[test]
fn cli_funnel_table_and_csv() {
    let output = lever(&[
        "funnel",
        "models/funnel.ron",
        "--funnel",
        "sales",
        "--period",
        "Jan 2026",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("Funnel \"Sales\", Jan 2026\n"), "{text}");
    assert!(text.contains("End to end: 7.00%"), "{text}");
    assert!(
        text.contains("Biggest drop (lowest conversion): Qualified → Invoices, 40.0% (2,100 lost)"),
        "{text}"
    );
    assert!(
        text.contains("1.  Invoices → Paid customers  +70.0 paid  +4,893,000"),
        "{text}"
    );

    let output = lever(&[
        "funnel",
        "models/funnel.ron",
        "--funnel",
        "Sales",
        "--period",
        "1..2",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[0].starts_with("stage,count,conversion,lost,gain_units_per_pp"));
    // Leads 10,000 + 10,300.
    assert_eq!(lines[1], "leads,20300,,,,,,,,");
    let paid: Vec<&str> = lines[5].split(',').collect();
    assert_eq!(paid[0], "paid");
    assert_eq!(paid[6], "model");
    assert_eq!(paid[7], "worse");
}

#[test]
fn cli_funnel_errors_name_the_problem() {
    let output = lever(&["funnel", "models/funnel.ron", "--funnel", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no funnel `nope` (funnels: Sales)"),
        "{}",
        stderr(&output)
    );
    let output = lever(&[
        "funnel",
        "models/funnel.ron",
        "--funnel",
        "sales",
        "--period",
        "Feb 2031",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no period `Feb 2031`"),
        "{}",
        stderr(&output)
    );
    let output = lever(&[
        "funnel",
        "models/funnel.ron",
        "--funnel",
        "sales",
        "--period",
        "5..2",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("runs backwards"),
        "{}",
        stderr(&output)
    );
}
