//! Templates for File → New: a blank sheet, the funnel calculator, the
//! EdTech growth model and a SaaS model. The three models are the bundled
//! `models/*.ron` files (generated and independently checked by
//! `tools/gen_sample_models.py`), compiled into the binary.

use super::document::{FORMAT_VERSION, RowFile, SheetFile, Step, Timeline, WorkbookFile};
use super::io;

/// A model to start from.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Short name used on the command line, e.g. `saas`.
    pub name: &'static str,
    /// One line for a menu.
    pub description: &'static str,
    /// The model.
    pub file: WorkbookFile,
}

const FUNNEL: &str = include_str!("../../models/funnel.ron");
const EDTECH: &str = include_str!("../../models/edtech-growth.ron");
const SAAS: &str = include_str!("../../models/saas.ron");

/// An empty model: one sheet "Model" of 40 empty rows over 36 months from
/// January 2026.
pub fn blank() -> WorkbookFile {
    WorkbookFile {
        version: FORMAT_VERSION,
        timeline: Timeline {
            start: "2026-01".into(),
            periods: 36,
            step: Step::Month,
        },
        sheets: vec![SheetFile {
            name: "Model".into(),
            layout: Default::default(),
            rows: (0..40).map(|_| RowFile::default()).collect(),
            excel_formats: Vec::new(),
        }],
        names: Vec::new(),
        scenarios: Vec::new(),
        changelog: Vec::new(),
        funnels: Vec::new(),
        investor: None,
        correlations: Vec::new(),
        actuals: None,
        plans: Vec::new(),
        locale: String::new(),
        targets: Vec::new(),
    }
}

fn bundled(text: &str, origin: &str) -> WorkbookFile {
    // The bundled files are checked by the tests; a failure here is a
    // build defect, shown as a blank model rather than a crash.
    io::parse(text, origin).unwrap_or_else(|_| blank())
}

/// Every template, in menu order: `blank`, `funnel`, `edtech`, `saas`.
pub fn all() -> Vec<Template> {
    vec![
        Template {
            name: "blank",
            description: "An empty sheet: 40 rows × 36 months",
            file: blank(),
        },
        Template {
            name: "funnel",
            description: "Funnel calculator: lead → contact → qualified → invoice → paid, with benchmarks",
            file: bundled(FUNNEL, "funnel.ron"),
        },
        Template {
            name: "edtech",
            description: "EdTech growth model: marketing, phone-sales funnel, price, team, P&L (297 rows × 36 months)",
            file: bundled(EDTECH, "edtech-growth.ron"),
        },
        Template {
            name: "saas",
            description: "SaaS model: trials, customers, MRR with churn and expansion, P&L, CAC, LTV, payback (24 months)",
            file: bundled(SAAS, "saas.ron"),
        },
    ]
}

/// The template called `name` (case-insensitive); the error lists the names.
pub fn find(name: &str) -> Result<Template, String> {
    let all = all();
    let names: Vec<&str> = all.iter().map(|t| t.name).collect();
    let list = names.join(", ");
    all.into_iter()
        .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| format!("no template `{name}` (templates: {list})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Workbook;

    #[test]
    fn every_template_computes_without_errors() {
        for t in all() {
            let w = Workbook::new(t.file.clone());
            assert!(
                w.errors().is_empty(),
                "{}: {:?}",
                t.name,
                w.errors().first()
            );
            assert!(w.problems().is_empty(), "{}: {:?}", t.name, w.problems());
            // Saved and read back unchanged.
            let back = io::parse(&w.to_text(), t.name).expect("reads back");
            assert_eq!(back, t.file, "{}", t.name);
        }
        let bundled: Vec<&str> = all().iter().map(|t| t.name).collect();
        assert_eq!(bundled, ["blank", "funnel", "edtech", "saas"]);
        assert_eq!(
            all()[1].file,
            io::parse(FUNNEL, "f").expect("funnel parses")
        );
    }

    #[test]
    fn the_saas_model_is_sane() {
        let w = Workbook::new(find("SaaS").expect("found").file);
        let at = |name: &str, p: u32| {
            let (s, r) = w.find_metric(name).expect(name);
            w.value(s, r, p).as_number().expect("a number")
        };
        assert!(w.rows(0).iter().filter(|r| !r.label.is_empty()).count() >= 40);
        // Month 1: 40,000 / 80 = 500 leads → 125 trials → 22.5 customers.
        assert_eq!(at("leads", 0), 500.0);
        assert!((at("new_customers", 0) - 22.5).abs() < 1e-9);
        // Customers: 250 + 22.5 − 6.25; MRR: 30,000 + 2,700 + 360 − 750.
        assert!((at("customers", 0) - 266.25).abs() < 1e-9);
        assert!((at("mrr", 0) - 32310.0).abs() < 1e-9);
        for p in 0..24 {
            assert!(at("mrr", p) > 0.0 && at("ltv_to_cac", p) > 0.0);
        }
        assert!(at("mrr", 23) > at("mrr", 0), "MRR grows");
        assert!(
            find("nope")
                .unwrap_err()
                .contains("templates: blank, funnel, edtech, saas")
        );
    }
}
