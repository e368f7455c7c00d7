//! What-if benchmarks on the bundled sample `models/edtech-growth.ron`
//! (297 rows × 36 months): the full tornado of `ebitda@total` (every input
//! ±10%), a 20 × 20 two-input data table, a goal seek, and a Monte Carlo
//! simulation of 10,000 runs over the sample's uncertain inputs, and the
//! driver waterfall of 36 inputs' actuals.
//!
//! Each is measured next to a baseline in the same run that does the same
//! evaluations with a full recalculation (`Workbook::recalc_all`) after each
//! change, so the ratio shows what incremental recalculation buys.
//!
//! Run: `cargo bench --bench what_if`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lever::model::data_table::{self, Axis};
use lever::model::goal_seek;
use lever::model::input_ref::{InputRef, parse_input};
use lever::model::simulate::{self, Sampler};
use lever::model::variance::Basis;
use lever::model::what_if::{self, Target, parse_target, target_value};
use lever::model::{CellInput, Command, Edit, Workbook};
use lever::model::{targets, waterfall};

fn sample() -> Workbook {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/edtech-growth.ron");
    Workbook::load(std::path::Path::new(path)).expect("sample loads")
}

/// Sets `edit`, recalculates everything, reads the target, and undoes with
/// another full recalculation: one evaluation without incremental help.
fn full_eval(workbook: &mut Workbook, edit: Edit, target: &Target) -> Option<f64> {
    workbook.apply(edit).expect("edit applies");
    workbook.recalc_all();
    let value = target_value(workbook, target);
    workbook.undo().expect("undo");
    workbook.recalc_all();
    value
}

/// The edit that multiplies every typed number of a row by `factor`.
fn scale_row(workbook: &Workbook, sheet: u32, row: u32, factor: f64) -> Edit {
    what_if::row_numbers(workbook, sheet, row)
        .into_iter()
        .map(|(period, n)| Command::SetCell {
            sheet,
            row,
            period,
            input: CellInput::Number(n * factor),
        })
        .collect()
}

fn set_cell(input: &InputRef, value: f64) -> Edit {
    match *input {
        InputRef::Cell { sheet, row, period } => vec![Command::SetCell {
            sheet,
            row,
            period,
            input: CellInput::Number(value),
        }],
        InputRef::Row { .. } => unreachable!("a cell input"),
    }
}

fn tornado(c: &mut Criterion) {
    let mut workbook = sample();
    let target = parse_target(&workbook, "ebitda@total").expect("target");
    let inputs: Vec<(u32, u32)> = what_if::inputs(&workbook, 0)
        .into_iter()
        .filter(|&row| (0, row) != target.cell_row())
        .map(|row| (0, row))
        .collect();
    let bars = what_if::sensitivity(&mut workbook, &target, 0.1, None)
        .expect("runs")
        .len();
    eprintln!("tornado: {bars} inputs, {} recalculations", 3 * bars);
    let mut group = c.benchmark_group("what_if");
    group.bench_function("tornado_ebitda_total", |b| {
        b.iter(|| {
            black_box(what_if::sensitivity(&mut workbook, &target, 0.1, None).map(|r| r.len()))
        })
    });
    group.sample_size(10);
    group.bench_function("tornado_full_recalc_baseline", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for &(sheet, row) in &inputs {
                for factor in [0.9, 1.1] {
                    let edit = scale_row(&workbook, sheet, row, factor);
                    sum += full_eval(&mut workbook, edit, &target).unwrap_or(0.0);
                }
            }
            black_box(sum)
        })
    });
    group.finish();
}

fn data_table_20x20(c: &mut Criterion) {
    let mut workbook = sample();
    let target = parse_target(&workbook, "ebitda@total").expect("target");
    let rows = Axis {
        input: parse_input(&workbook, "list_price", "data table").expect("input"),
        values: (0..20).map(|i| 0.8 + 0.02 * f64::from(i)).collect(),
    };
    let cols = Axis {
        input: parse_input(&workbook, "base_paid_conversion@1", "data table").expect("input"),
        values: (0..20).map(|i| 0.35 + 0.01 * f64::from(i)).collect(),
    };
    let mut group = c.benchmark_group("what_if");
    group.bench_function("data_table_20x20", |b| {
        b.iter(|| {
            black_box(
                data_table::data_table(&mut workbook, &target, &rows, Some(&cols), &mut |_, _| {
                    true
                })
                .map(|t| t.cells.len()),
            )
        })
    });
    group.sample_size(10);
    let (sheet, row) = rows.input.cell_row();
    group.bench_function("data_table_20x20_full_recalc_baseline", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for &r in &rows.values {
                let row_edit = scale_row(&workbook, sheet, row, r);
                workbook.apply(row_edit).expect("row edit");
                workbook.recalc_all();
                for &col in &cols.values {
                    let edit = set_cell(&cols.input, col);
                    sum += full_eval(&mut workbook, edit, &target).unwrap_or(0.0);
                }
                workbook.undo().expect("undo");
                workbook.recalc_all();
            }
            black_box(sum)
        })
    });
    group.finish();
}

fn goal_seek_price(c: &mut Criterion) {
    let mut workbook = sample();
    let target = parse_target(&workbook, "ebitda@total").expect("target");
    let input = parse_input(&workbook, "list_price", "goal seek").expect("input");
    let goal = target_value(&workbook, &target).expect("number") + 10_000_000.0;
    let result = goal_seek::goal_seek(&mut workbook, &target, goal, &input).expect("found");
    eprintln!(
        "goal seek: factor {} in {} evaluations",
        result.solution, result.evaluations
    );
    let evaluations = result.evaluations;
    let mut group = c.benchmark_group("what_if");
    group.bench_function("goal_seek_ebitda_by_price", |b| {
        b.iter(|| {
            black_box(
                goal_seek::goal_seek(&mut workbook, &target, goal, &input).map(|r| r.solution),
            )
        })
    });
    group.sample_size(10);
    let (sheet, row) = input.cell_row();
    group.bench_function("goal_seek_full_recalc_baseline", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for i in 0..evaluations {
                let edit = scale_row(&workbook, sheet, row, 1.0 + 0.001 * i as f64);
                sum += full_eval(&mut workbook, edit, &target).unwrap_or(0.0);
            }
            black_box(sum)
        })
    });
    group.finish();
}

fn simulation_10k(c: &mut Criterion) {
    let mut workbook = sample();
    let target = parse_target(&workbook, "ebitda@total").expect("target");
    let spec = simulate::Spec {
        runs: 10_000,
        seed: 1,
        ..simulate::Spec::new(target)
    };
    let mut group = c.benchmark_group("what_if");
    group.sample_size(10);
    group.bench_function("simulation_10k_ebitda_total", |b| {
        b.iter(|| {
            black_box(
                simulate::simulate(&mut workbook, &spec)
                    .map(|o| o.summary.map(|s| s.mean))
                    .expect("runs"),
            )
        })
    });
    // The same draws, each run's edit applied and the whole model
    // recalculated, then undone.
    group.bench_function("simulation_10k_full_recalc_baseline", |b| {
        b.iter(|| {
            let mut sampler = Sampler::new(&workbook, spec.seed).expect("inputs");
            let mut sum = 0.0;
            for _ in 0..spec.runs {
                workbook.apply(sampler.next_run()).expect("draws apply");
                workbook.recalc_all();
                sum += target_value(&workbook, &target).unwrap_or(0.0);
                workbook.undo().expect("undo");
            }
            black_box(sum)
        })
    });
    group.finish();
}

/// Booking actuals 5% above the plan for the first four months of each of
/// the sample's first `count` inputs: one edit per input.
fn actuals_edits(workbook: &Workbook, count: usize) -> Vec<Edit> {
    what_if::inputs(workbook, 0)
        .into_iter()
        .take(count)
        .map(|row| {
            (0..4)
                .filter_map(|p| {
                    let n = workbook.value(0, row, p).as_number()?;
                    Some(Command::SetActualCell {
                        sheet: 0,
                        row,
                        period: p,
                        input: CellInput::Number(n * 1.05),
                    })
                })
                .collect()
        })
        .collect()
}

fn waterfall_36_inputs(c: &mut Criterion) {
    let mut workbook = sample();
    let target = parse_target(&workbook, "ebitda@total").expect("target");
    let edits = actuals_edits(&workbook, 36);
    let booked: Edit = edits.iter().flatten().cloned().collect();
    let mut group = c.benchmark_group("what_if");
    let mut explained = sample();
    explained.apply(booked).expect("books");
    group.bench_function("waterfall_36_inputs_ebitda_total", |b| {
        b.iter(|| {
            black_box(
                waterfall::explain(&mut explained, target, Basis::Actuals)
                    .map(|w| w.total())
                    .expect("explains"),
            )
        })
    });
    // The same walk, each input's actuals booked as an edit and the whole
    // model recalculated, then all undone.
    group.bench_function("waterfall_36_inputs_full_recalc_baseline", |b| {
        b.iter(|| {
            let mut last = target_value(&workbook, &target);
            let mut sum = 0.0;
            for edit in &edits {
                workbook.apply(edit.clone()).expect("books");
                workbook.recalc_all();
                let now = target_value(&workbook, &target);
                sum += now.unwrap_or(0.0) - last.unwrap_or(0.0);
                last = now;
            }
            for _ in &edits {
                workbook.undo().expect("undo");
            }
            workbook.recalc_all();
            black_box(sum)
        })
    });
    group.finish();
}

/// The sample's targets (two, with three initiatives each) evaluated as
/// the Targets tab does after every edit, next to the same substitutions
/// made as ordinary edits with a full recalculation each.
fn targets_sample(c: &mut Criterion) {
    let mut workbook = sample();
    let mut group = c.benchmark_group("what_if");
    group.bench_function("targets_sample", |b| {
        b.iter(|| black_box(targets::evaluate_all(&mut workbook).len()))
    });
    let mut plain = sample();
    let steps: Vec<(Target, Vec<Edit>)> = plain
        .document()
        .targets
        .clone()
        .iter()
        .map(|t| {
            let target = parse_target(
                &plain,
                &format!("{}@{}", t.metric, period_label(&plain, &t.period)),
            )
            .expect("target");
            let edits = t
                .initiatives
                .iter()
                .map(|i| {
                    let (s, r) = plain.find_metric(&i.metric).expect("metric");
                    let start =
                        lever::model::timeline::month_period(&plain.document().timeline, &i.start)
                            .expect("start");
                    (start..plain.periods())
                        .filter_map(|p| {
                            plain.value(s, r, p).as_number().map(|v| Command::SetCell {
                                sheet: s,
                                row: r,
                                period: p,
                                input: CellInput::Number(targets::apply_effect(i.effect, v)),
                            })
                        })
                        .collect()
                })
                .collect();
            (target, edits)
        })
        .collect();
    group.bench_function("targets_sample_full_recalc_baseline", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for (target, edits) in &steps {
                for edit in edits {
                    plain.apply(edit.clone()).expect("applies");
                    plain.recalc_all();
                    sum += target_value(&plain, target).unwrap_or(0.0);
                }
                for _ in edits {
                    plain.undo().expect("undo");
                }
                plain.recalc_all();
            }
            black_box(sum)
        })
    });
    group.finish();
}

fn period_label(workbook: &Workbook, month: &str) -> String {
    let tl = &workbook.document().timeline;
    lever::model::timeline::period_label(
        tl,
        lever::model::timeline::month_period(tl, month).expect("month"),
    )
}

criterion_group!(
    benches,
    tornado,
    data_table_20x20,
    goal_seek_price,
    simulation_10k,
    waterfall_36_inputs,
    targets_sample
);
criterion_main!(benches);
