//! The bundled sample models: they load, save back byte for byte, compute
//! with no error cells, agree with an independent evaluation of the same
//! formulas (tools/gen_sample_models.py), and their key figures are sane.

use std::path::Path;

use lever::engine::Value;
use lever::model::{CellInput, Command, Workbook};

const MODELS: [&str; 3] = [
    "models/edtech-growth.ron",
    "models/funnel.ron",
    "models/saas.ron",
];

fn open(path: &str) -> Workbook {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    Workbook::load(&full).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_model_round_trips_byte_for_byte() {
    for path in MODELS {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .expect("model is readable");
        let workbook = Workbook::parse(&text, path).expect("model parses");
        assert!(
            workbook.to_text() == text,
            "{path}: load → save changed the text"
        );
    }
}

#[test]
fn every_model_computes_without_errors_or_name_problems() {
    for path in MODELS {
        let workbook = open(path);
        assert_eq!(workbook.problems(), Vec::<String>::new(), "{path}");
        let errors = workbook.errors();
        assert!(
            errors.is_empty(),
            "{path}: {} error cells, first {:?}",
            errors.len(),
            errors.first()
        );
    }
}

/// Parses one CSV line (fields may be quoted with "").
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[test]
fn values_agree_with_the_independent_evaluation() {
    for (path, expected) in [
        (
            "models/edtech-growth.ron",
            "tests/data/edtech-growth.expected.csv",
        ),
        ("models/funnel.ron", "tests/data/funnel.expected.csv"),
        ("models/saas.ron", "tests/data/saas.expected.csv"),
    ] {
        // The independent evaluation is of the plan: booked actuals hidden.
        let mut workbook = open(path);
        workbook.set_actuals_shown(false);
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(expected))
            .expect("expected values exist");
        let metric_rows: Vec<u32> = workbook
            .rows(0)
            .iter()
            .enumerate()
            .filter(|(_, r)| r.section.is_empty() && !r.label.is_empty())
            .map(|(i, _)| i as u32)
            .collect();
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), metric_rows.len(), "{path}: row count");
        let mut mismatches = Vec::new();
        for (line, &row) in lines.iter().zip(&metric_rows) {
            let fields = csv_fields(line);
            assert_eq!(fields[0], workbook.rows(0)[row as usize].label, "{path}");
            for (period, want) in fields[2..].iter().enumerate() {
                let want: f64 = want.parse().expect("expected value is a number");
                let got = workbook.value(0, row, period as u32);
                let ok = matches!(got, Value::Number(n)
                    if (n - want).abs() <= 1e-9 * want.abs().max(1.0));
                if !ok {
                    mismatches.push(format!("{} @{period}: {got:?} != {want}", fields[0]));
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{path}: {} mismatches: {:#?}",
            mismatches.len(),
            &mismatches[..mismatches.len().min(20)]
        );
    }
}

#[test]
fn the_edtech_model_is_the_size_of_a_real_one() {
    let workbook = open("models/edtech-growth.ron");
    let rows = workbook.rows(0);
    assert!((280..=320).contains(&rows.len()), "{} rows", rows.len());
    assert_eq!(workbook.periods(), 36);
    let sections = rows.iter().filter(|r| !r.section.is_empty()).count();
    assert!(sections >= 8, "{sections} sections");
}

fn at(workbook: &Workbook, name: &str, period: u32) -> f64 {
    let (sheet, row) = workbook
        .find_metric(name)
        .unwrap_or_else(|| panic!("no metric `{name}`"));
    match workbook.value(sheet, row, period) {
        Value::Number(n) => *n,
        other => panic!("{name} @{period}: {other:?}"),
    }
}

#[test]
fn the_edtech_key_figures_are_sane() {
    let w = open("models/edtech-growth.ron");
    for period in [0, 11, 35] {
        let conversion = at(&w, "paid_conversion", period);
        assert!(
            (0.0..1.0).contains(&conversion),
            "paid conversion {conversion}"
        );
        let gross = at(&w, "gross_revenue", period);
        let net = at(&w, "net_revenue", period);
        assert!(
            net < gross && net > 0.8 * gross,
            "net {net} vs gross {gross}"
        );
        assert!(at(&w, "instalment_share", period) > 0.5);
        assert!(at(&w, "cash", period) > 0.0);
        assert!(at(&w, "support_cost", period) > 0.0);
        assert!(at(&w, "ltv_to_cac", period) > 1.0);
    }
    // Tens of millions of roubles a month at the start, growing.
    let first = at(&w, "gross_revenue", 0);
    let last = at(&w, "gross_revenue", 35);
    assert!((10e6..100e6).contains(&first), "{first}");
    assert!(last > 2.0 * first, "{first} → {last}");
    // Loss-making at first, profitable by the third year.
    assert!(at(&w, "ebitda", 0) < 0.0);
    assert!(at(&w, "ebitda", 35) > 0.0);
}

#[test]
fn raising_the_price_ripples_from_conversion_to_margin() {
    let mut w = open("models/edtech-growth.ron");
    let (sheet, row) = w.find_metric("list_price").expect("list_price exists");
    let old_price = at(&w, "list_price", 0);
    let old_units = at(&w, "units_sold", 0);
    let old_support = at(&w, "support_cost", 35);
    let ripple = w
        .apply(vec![Command::SetCell {
            sheet,
            row,
            period: 0,
            input: CellInput::Number(old_price * 1.1),
        }])
        .expect("edit applies");
    let order: Vec<&str> = ripple
        .metrics()
        .iter()
        .map(|m| w.metric_name(m.sheet, m.row))
        .collect();
    let position = |name: &str| {
        order
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("{name} not in the ripple {order:?}"))
    };
    assert_eq!(position("list_price"), 0);
    assert!(position("price") < position("paid_conversion"));
    assert!(position("paid_conversion") < position("units_sold"));
    assert!(position("units_sold") < position("gross_revenue"));
    assert!(position("gross_revenue") < position("net_revenue"));
    assert!(position("customers") < position("support_cost"));
    assert!(position("support_cost") < position("ebitda"));
    assert!(at(&w, "units_sold", 0) < old_units);
    assert!(at(&w, "support_cost", 35) < old_support);
    // Undo puts everything back.
    w.undo().expect("undo");
    assert_eq!(at(&w, "units_sold", 0), old_units);
}

#[test]
fn the_funnel_multiplies_its_stage_conversions() {
    let w = open("models/funnel.ron");
    for period in 0..12 {
        let leads = at(&w, "leads", period);
        let product: f64 = [
            "lead_to_contact",
            "contact_to_qualified",
            "qualified_to_invoice",
            "invoice_to_paid",
        ]
        .iter()
        .map(|name| at(&w, name, period))
        .product();
        let paid = at(&w, "paid", period);
        assert!(
            (paid - leads * product).abs() < 1e-9 * paid,
            "{paid} vs {}",
            leads * product
        );
    }
}
