//! load → save → load is the identity for random models: any labels, units,
//! names, numbers, texts (quotes, backslashes, newlines, Unicode), booleans,
//! formulas and empty cells come back exactly, and the saved text is stable.

use lever::model::document::{
    Benchmark, Better, CellInput, ChangelogEntry, FORMAT_VERSION, Format, Rollup, RowFile,
    Scenario, ScenarioOverride, SheetFile, Step, Timeline, WorkbookFile,
};
use lever::model::io;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z ,.%→]{0,12}",
        "[\\\\\"'\\n\\t=а-я€]{0,6}",
        any::<String>().prop_map(|s| s.chars().take(10).collect()),
    ]
}

fn cell() -> impl Strategy<Value = CellInput> {
    prop_oneof![
        Just(CellInput::Empty),
        any::<f64>()
            .prop_filter("finite", |n| n.is_finite())
            .prop_map(CellInput::Number),
        (-1e6f64..1e6).prop_map(|n| CellInput::Number((n * 100.0).round() / 100.0)),
        any::<bool>().prop_map(CellInput::Bool),
        text().prop_map(CellInput::Text),
        "[a-z_]{1,8}".prop_map(|n| CellInput::Formula(format!("={n} * 2"))),
    ]
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::General),
        Just(Format::Integer),
        (0u8..6).prop_map(Format::Decimal),
        (0u8..6).prop_map(Format::Percent),
        (0u8..6).prop_map(Format::Money),
        (0u8..6).prop_map(Format::Multiple),
    ]
}

fn row(periods: usize) -> impl Strategy<Value = RowFile> {
    (
        prop_oneof![3 => Just(String::new()), 1 => text()],
        text(),
        prop_oneof![Just(String::new()), "[a-z_]{1,8}"],
        text(),
        format(),
        prop_oneof![
            Just(String::new()),
            "[a-z_]{1,8}".prop_map(|n| format!("={n}[-1]"))
        ],
        prop::collection::vec(cell(), 0..=periods),
        (prop::option::of(benchmark()), prop::option::of(rollup())),
    )
        .prop_map(
            |(section, label, name, unit, format, formula, mut values, (benchmark, rollup))| {
                while values.last() == Some(&CellInput::Empty) {
                    values.pop();
                }
                RowFile {
                    section,
                    label,
                    name,
                    unit,
                    format,
                    formula,
                    values,
                    benchmark,
                    rollup,
                }
            },
        )
}

fn benchmark() -> impl Strategy<Value = Benchmark> {
    (
        -1e9..1e9f64,
        prop::option::of(0.0..1e6f64),
        any::<bool>(),
        prop_oneof![Just(String::new()), text()],
    )
        .prop_map(|(value, width, higher, source)| Benchmark {
            value,
            high: width.map(|w| value + w),
            better: if higher {
                Better::Higher
            } else {
                Better::Lower
            },
            source,
        })
}

fn rollup() -> impl Strategy<Value = Rollup> {
    prop_oneof![
        Just(Rollup::Sum),
        Just(Rollup::Last),
        Just(Rollup::Average),
        (text(), text()).prop_map(|(n, d)| Rollup::Ratio(n, d)),
    ]
}

fn workbook() -> impl Strategy<Value = WorkbookFile> {
    (1usize..8).prop_flat_map(|periods| {
        (
            prop::collection::vec(
                (
                    "[A-Za-z ]{1,10}",
                    prop::collection::vec(row(periods), 0..12),
                ),
                1..3,
            ),
            prop::collection::vec((text(), text()), 0..3),
            prop::collection::vec(
                (
                    text(),
                    text(),
                    text(),
                    prop::collection::vec("[a-z_]{1,6}", 0..3),
                ),
                0..3,
            ),
        )
            .prop_map(move |(sheets, scenarios, changelog)| WorkbookFile {
                version: FORMAT_VERSION,
                timeline: Timeline {
                    start: "2026-01".into(),
                    periods: periods as u32,
                    step: Step::Month,
                },
                sheets: sheets
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, rows))| SheetFile {
                        name: format!("{name} {i}"),
                        layout: Default::default(),
                        rows,
                        excel_formats: Vec::new(),
                    })
                    .collect(),
                names: Vec::new(),
                scenarios: scenarios
                    .into_iter()
                    .map(|(name, note)| Scenario {
                        name,
                        note,
                        overrides: vec![ScenarioOverride {
                            metric: "price".into(),
                            values: vec![
                                CellInput::Number(1.5),
                                CellInput::Empty,
                                CellInput::Number(2.0),
                            ],
                        }],
                    })
                    .collect(),
                changelog: changelog
                    .into_iter()
                    .map(|(date, area, text, metrics)| ChangelogEntry {
                        date,
                        area,
                        text,
                        metrics,
                    })
                    .collect(),
                funnels: Vec::new(),
                investor: None,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn load_save_load_is_the_identity(file in workbook()) {
        let text = io::to_text(&file);
        let loaded = io::parse(&text, "random.ron").expect("saved text loads");
        prop_assert_eq!(&loaded, &file);
        prop_assert_eq!(io::to_text(&loaded), text);
    }
}
