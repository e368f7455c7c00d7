//! Engine benchmarks on generated founder models (300×60 and 10,000×120):
//! a full recalculation, one input edit (month 1 of the first input) with
//! every dependent brought up to date, loading and saving the `.ron` file,
//! and the memory a loaded 10,000×120 workbook holds; and whole-column
//! references (`SUM(Data!B:B)`, `VLOOKUP(k, Data!A:C, 3, FALSE)`,
//! `SUMIF(Data!A:A, k, Data!C:C)`) over a 10,000-row sheet next to the same
//! formulas with explicit ranges.
//!
//! Each figure is measured next to two references in the same run, so ratios
//! can be compared across noisy machines: a hand-written straight-line kernel
//! over `Vec<f64>` (the practical floor) and, with
//! `--features bench-ironcalc`, the IronCalc engine.
//!
//! Run: `cargo bench --bench engine` (add `--features bench-ironcalc`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lever::engine::{CellAddr, Engine, Input, Periods, SheetSpec, Value};
use lever::model::generate::{self, Recipe};
use lever::model::{CellInput, Command, Workbook, io};

/// Counts live heap bytes, to report the memory of a loaded workbook.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SIZES: [(usize, u32); 2] = [(300, 60), (10_000, 120)];
const SEED: u64 = 42;

/// The hand-written kernel: the same model as plain `Vec<f64>` arithmetic in
/// row-major order (a topological order, since rows read earlier rows).
struct Kernel {
    recipes: Vec<Recipe>,
    periods: usize,
    values: Vec<f64>,
}

impl Kernel {
    fn new(rows: usize, periods: u32) -> Kernel {
        let recipes = generate::recipes(rows, SEED);
        let periods = periods as usize;
        let mut kernel = Kernel {
            values: vec![0.0; recipes.len() * periods],
            recipes,
            periods,
        };
        for (i, recipe) in kernel.recipes.iter().enumerate() {
            if let Recipe::Input { base, growth } = recipe {
                for p in 0..periods {
                    kernel.values[i * periods + p] =
                        generate::input_value(*base, *growth, p as u32);
                }
            }
        }
        kernel
    }

    fn cell(&self, row: usize, period: usize, total: f64) -> f64 {
        let p = self.periods;
        let v = |r: usize| self.values[r * p + period];
        match self.recipes[row] {
            Recipe::Input { .. } => self.values[row * p + period],
            Recipe::Blend { a, b, factor } => (v(a) + v(b)) / 2.0 * factor,
            Recipe::Product { a, b, scale } => v(a) * v(b) / (v(b).abs() + scale),
            Recipe::Lag { a, b } => {
                let prev = if period == 0 {
                    0.0
                } else {
                    self.values[a * p + period - 1]
                };
                prev * 0.5 + v(b) * 0.5
            }
            Recipe::Choose { a, b, c, threshold } => {
                if v(a) > threshold {
                    v(b)
                } else {
                    v(c)
                }
            }
            Recipe::Round { a, b } => ((v(a) * 1.1 - v(b) * 0.1) * 100.0).round() / 100.0,
            Recipe::Clamp { a, b, c } => v(a).min(v(b)).max(v(c)),
            Recipe::Total { b, .. } => total / p as f64 + v(b),
            Recipe::Rolling { a, b } => {
                let back = |k: usize| {
                    if period >= k {
                        self.values[a * p + period - k]
                    } else {
                        0.0
                    }
                };
                (back(2) + back(1) + v(a)) / 6.0 + v(b) / 2.0
            }
            Recipe::Offset { a, b } => {
                // This or the previous period of `a`, chosen by `b` (before
                // the first period, the unit column: text, summing to 0).
                let back = (v(b).abs().round() as usize) % 2;
                let at = if period >= back {
                    self.values[a * p + period - back]
                } else {
                    0.0
                };
                at + v(b) / 2.0
            }
            Recipe::Mean4 { a, b, c, d } => (v(a) + v(b) + v(c) + v(d)) / 4.0,
        }
    }

    fn row_total(&self, row: usize) -> f64 {
        match self.recipes[row] {
            Recipe::Total { a, .. } => self.values[a * self.periods..(a + 1) * self.periods]
                .iter()
                .sum(),
            _ => 0.0,
        }
    }

    fn full(&mut self) {
        for row in 0..self.recipes.len() {
            if matches!(self.recipes[row], Recipe::Input { .. }) {
                continue;
            }
            let total = self.row_total(row);
            for period in 0..self.periods {
                let value = self.cell(row, period, total);
                self.values[row * self.periods + period] = value;
            }
        }
    }

    /// The cells an edit of (row, period) reaches, in evaluation order.
    fn reach(&self, row: usize, period: usize) -> Vec<(usize, usize)> {
        let p = self.periods;
        let mut hit = vec![false; self.values.len()];
        hit[row * p + period] = true;
        let mut out = Vec::new();
        for r in 0..self.recipes.len() {
            let row_hit = |x: usize| hit[x * p..(x + 1) * p].iter().any(|&h| h);
            let whole = matches!(self.recipes[r], Recipe::Total { a, .. } if row_hit(a));
            for q in 0..p {
                let reads = |x: usize| hit[x * p + q];
                let affected = whole
                    || match self.recipes[r] {
                        Recipe::Input { .. } => false,
                        Recipe::Blend { a, b, .. }
                        | Recipe::Product { a, b, .. }
                        | Recipe::Round { a, b } => reads(a) || reads(b),
                        Recipe::Total { b, .. } => reads(b),
                        Recipe::Rolling { a, b } => {
                            (0..3).any(|k| q >= k && hit[a * p + q - k]) || reads(b)
                        }
                        Recipe::Lag { a, b } => (q > 0 && hit[a * p + q - 1]) || reads(b),
                        Recipe::Offset { a, b } => {
                            (q > 0 && hit[a * p + q - 1]) || reads(a) || reads(b)
                        }
                        Recipe::Choose { a, b, c, .. } | Recipe::Clamp { a, b, c } => {
                            reads(a) || reads(b) || reads(c)
                        }
                        Recipe::Mean4 { a, b, c, d } => {
                            reads(a) || reads(b) || reads(c) || reads(d)
                        }
                    };
                if affected {
                    hit[r * p + q] = true;
                    out.push((r, q));
                }
            }
        }
        out
    }

    fn edit(&mut self, row: usize, period: usize, value: f64, reach: &[(usize, usize)]) {
        self.values[row * self.periods + period] = value;
        let mut total_row = usize::MAX;
        let mut total = 0.0;
        for &(r, q) in reach {
            if r != total_row {
                total_row = r;
                total = self.row_total(r);
            }
            let v = self.cell(r, q, total);
            self.values[r * self.periods + q] = v;
        }
    }
}

fn first_input_row(rows: usize) -> usize {
    generate::recipes(rows, SEED)
        .iter()
        .position(|r| matches!(r, Recipe::Input { .. }))
        .unwrap_or(0)
}

fn label(rows: usize, periods: u32) -> String {
    format!("{rows}x{periods}")
}

/// Checks that the kernel computed what Lever computed (and that the model
/// holds numbers, not a cascade of overflow errors), so that the ratio
/// compares the same work. The kernel rounds in binary (`ROUND` of a tie
/// may differ by a cent, passed on to the rows reading it), hence the
/// tolerance.
fn assert_same_values(kernel: &Kernel, workbook: &Workbook) {
    for (i, &expected) in kernel.values.iter().enumerate() {
        let (row, period) = (i / kernel.periods, i % kernel.periods);
        let got = workbook.value(0, row as u32, period as u32).as_number();
        assert!(
            got.is_some_and(|x| (x - expected).abs() <= 0.05 + 1e-6 * expected.abs()),
            "row {row}, period {period}: Lever {got:?}, kernel {expected}"
        );
    }
}

fn full_recalc(c: &mut Criterion) {
    let mut group = c.benchmark_group("full_recalc");
    for (rows, periods) in SIZES {
        let id = label(rows, periods);
        group.sample_size(if rows > 1000 { 10 } else { 50 });
        let mut workbook = Workbook::new(generate::founder_model(rows, periods, SEED));
        group.bench_function(BenchmarkId::new("lever", &id), |b| {
            b.iter(|| black_box(workbook.recalc_all().evaluated))
        });
        let mut kernel = Kernel::new(rows, periods);
        kernel.full();
        assert_same_values(&kernel, &workbook);
        group.bench_function(BenchmarkId::new("kernel", &id), |b| {
            b.iter(|| {
                kernel.full();
                black_box(kernel.values[kernel.values.len() - 1])
            })
        });
        #[cfg(feature = "bench-ironcalc")]
        {
            let mut model = ironcalc_model(rows, periods);
            group.bench_function(BenchmarkId::new("ironcalc", &id), |b| {
                b.iter(|| model.evaluate())
            });
        }
    }
    group.finish();
}

fn edit_input(c: &mut Criterion) {
    let mut group = c.benchmark_group("edit_input");
    for (rows, periods) in SIZES {
        let id = label(rows, periods);
        let input_row = first_input_row(rows);
        let mut workbook = Workbook::new(generate::founder_model(rows, periods, SEED));
        let mut flip = false;
        group.bench_function(BenchmarkId::new("lever", &id), |b| {
            b.iter(|| {
                flip = !flip;
                let value = if flip { 120.0 } else { 80.0 };
                let ripple = workbook
                    .apply(vec![Command::SetCell {
                        sheet: 0,
                        row: input_row as u32,
                        period: 0,
                        input: CellInput::Number(value),
                    }])
                    .map(|r| r.changes.len());
                black_box(ripple)
            })
        });
        let changed = workbook
            .apply(vec![Command::SetCell {
                sheet: 0,
                row: input_row as u32,
                period: 0,
                input: CellInput::Number(99.0),
            }])
            .map(|r| r.changes.len())
            .unwrap_or(0);
        eprintln!("edit_input {id}: one edit changes {changed} cells");
        let mut kernel = Kernel::new(rows, periods);
        kernel.full();
        let reach = kernel.reach(input_row, 0);
        group.bench_function(BenchmarkId::new("kernel", &id), |b| {
            b.iter(|| {
                flip = !flip;
                kernel.edit(input_row, 0, if flip { 120.0 } else { 80.0 }, &reach);
                black_box(kernel.values[kernel.values.len() - 1])
            })
        });
        #[cfg(feature = "bench-ironcalc")]
        {
            group.sample_size(if rows > 1000 { 10 } else { 30 });
            let mut model = ironcalc_model(rows, periods);
            group.bench_function(BenchmarkId::new("ironcalc", &id), |b| {
                b.iter(|| {
                    flip = !flip;
                    let value = if flip { "120" } else { "80" };
                    let _ = model.set_user_input(0, input_row as i32 + 1, 3, value.to_string());
                    model.evaluate();
                })
            });
        }
    }
    group.finish();
}

/// The headline edit on the bundled sample: the list price in month 1.
fn sample_price_edit(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/edtech-growth.ron");
    let mut workbook = Workbook::load(std::path::Path::new(path)).expect("sample loads");
    let (sheet, row) = workbook
        .find_metric("list_price")
        .expect("list_price exists");
    let mut flip = false;
    let mut group = c.benchmark_group("sample");
    group.bench_function("edtech_price_edit", |b| {
        b.iter(|| {
            flip = !flip;
            let price = if flip { 82_390.0 } else { 74_900.0 };
            let ripple = workbook.apply(vec![Command::SetCell {
                sheet,
                row,
                period: 0,
                input: CellInput::Number(price),
            }]);
            black_box(ripple.map(|r| r.changes.len()))
        })
    });
    group.bench_function("edtech_full_recalc", |b| {
        b.iter(|| black_box(workbook.recalc_all().evaluated))
    });
    group.finish();
    let changed = workbook
        .apply(vec![Command::SetCell {
            sheet,
            row,
            period: 0,
            input: CellInput::Number(80_000.0),
        }])
        .map(|r| r.changes.len())
        .unwrap_or(0);
    eprintln!("sample price edit changes {changed} cells");
}

fn load_and_save(c: &mut Criterion) {
    let mut group = c.benchmark_group("file");
    group.sample_size(10);
    for (rows, periods) in SIZES {
        let id = label(rows, periods);
        let text = io::to_text(&generate::founder_model(rows, periods, SEED));
        group.bench_function(BenchmarkId::new("load", &id), |b| {
            b.iter(|| black_box(Workbook::parse(&text, "bench.ron").map(|w| w.periods())))
        });
        let workbook = Workbook::parse(&text, "bench.ron").expect("generated model parses");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("model.ron");
        group.bench_function(BenchmarkId::new("save", &id), |b| {
            b.iter(|| black_box(workbook.save(&path).is_ok()))
        });
    }
    group.finish();
}

/// Structural edits on the live workbook, all made in place: a rename, and
/// row inserts, deletes and moves. Each iteration
/// undoes the previous one's change by doing the opposite edit, so the
/// model stays the same size.
fn structural_edits(c: &mut Criterion) {
    let mut group = c.benchmark_group("structure");
    group.sample_size(10);
    for (rows, periods) in SIZES {
        let id = label(rows, periods);
        let mut workbook = Workbook::new(generate::founder_model(rows, periods, SEED));
        let middle = (rows / 2) as u32;
        let mut flip = false;
        let apply = |workbook: &mut Workbook, command: Command| {
            black_box(workbook.apply(vec![command]).map(|r| r.changes.len()))
        };
        group.bench_function(BenchmarkId::new("rename_metric", &id), |b| {
            b.iter(|| {
                flip = !flip;
                let name = if flip {
                    "renamed".to_string()
                } else {
                    generate::row_name(middle as usize)
                };
                apply(
                    &mut workbook,
                    Command::RenameMetric {
                        sheet: 0,
                        row: middle,
                        name,
                    },
                )
            })
        });
        group.bench_function(BenchmarkId::new("insert_or_delete_row", &id), |b| {
            b.iter(|| {
                flip = !flip;
                let command = if flip {
                    Command::InsertRows {
                        sheet: 0,
                        at: middle,
                        rows: vec![lever::model::RowFile::default()],
                    }
                } else {
                    Command::DeleteRows {
                        sheet: 0,
                        at: middle,
                        count: 1,
                    }
                };
                apply(&mut workbook, command)
            })
        });
        group.bench_function(BenchmarkId::new("move_row", &id), |b| {
            b.iter(|| {
                flip = !flip;
                let (from, to) = if flip {
                    (middle, middle + 5)
                } else {
                    (middle + 5, middle)
                };
                apply(
                    &mut workbook,
                    Command::MoveRows {
                        sheet: 0,
                        from,
                        count: 1,
                        to,
                    },
                )
            })
        });
    }
    group.finish();
}

fn memory(_: &mut Criterion) {
    let (rows, periods) = SIZES[1];
    let text = io::to_text(&generate::founder_model(rows, periods, SEED));
    let before = LIVE.load(Ordering::Relaxed);
    let workbook = Workbook::parse(&text, "bench.ron");
    let after = LIVE.load(Ordering::Relaxed);
    eprintln!(
        "memory {}: a loaded workbook holds {:.1} MB ({} bytes of file text)",
        label(rows, periods),
        (after.saturating_sub(before)) as f64 / 1e6,
        text.len()
    );
    drop(workbook);
}

/// The same generated model in IronCalc, with A1 formulas.
#[cfg(feature = "bench-ironcalc")]
fn ironcalc_model(rows: usize, periods: u32) -> ironcalc_base::Model<'static> {
    let mut model =
        ironcalc_base::Model::new_empty("bench", "en", "UTC", "en").expect("ironcalc model");
    let recipes = generate::recipes(rows, SEED);
    let col = |p: u32| lever::engine::column_letters(2 + p);
    let last = col(periods - 1);
    for (i, recipe) in recipes.iter().enumerate() {
        let row = i as i32 + 1;
        for p in 0..periods {
            let at = |r: usize| format!("{}{}", col(p), r + 1);
            let prev = |r: usize| {
                if p == 0 {
                    "0".to_string()
                } else {
                    format!("{}{}", col(p - 1), r + 1)
                }
            };
            let input = match *recipe {
                Recipe::Input { base, growth } => {
                    generate::input_value(base, growth, p).to_string()
                }
                Recipe::Blend { a, b, factor } => format!("=({}+{})/2*{factor}", at(a), at(b)),
                Recipe::Product { a, b, scale } => {
                    format!("={}*{b}/(ABS({b})+{scale})", at(a), b = at(b))
                }
                Recipe::Lag { a, b } => format!("={}*0.5+{}*0.5", prev(a), at(b)),
                Recipe::Choose { a, b, c, threshold } => {
                    format!("=IF({}>{threshold},{},{})", at(a), at(b), at(c))
                }
                Recipe::Round { a, b } => format!("=ROUND({}*1.1-{}*0.1,2)", at(a), at(b)),
                Recipe::Clamp { a, b, c } => format!("=MAX(MIN({},{}),{})", at(a), at(b), at(c)),
                Recipe::Total { a, b } => {
                    format!("=SUM($C${}:${last}${})/{periods}+{}", a + 1, a + 1, at(b))
                }
                Recipe::Rolling { a, b } => {
                    let back = |k: u32| {
                        if p >= k {
                            format!("{}{}", col(p - k), a + 1)
                        } else {
                            "0".to_string()
                        }
                    };
                    format!("=SUM({},{},{})/6+{}/2", back(2), back(1), at(a), at(b))
                }
                Recipe::Offset { a, b } => format!(
                    "=SUM(OFFSET({},0,-MOD(ROUND(ABS({}),0),2)))+{}/2",
                    at(a),
                    at(b),
                    at(b)
                ),
                Recipe::Mean4 { a, b, c, d } => {
                    format!("=({}+{}+{}+{})/4", at(a), at(b), at(c), at(d))
                }
            };
            let _ = model.set_user_input(0, row, p as i32 + 3, input);
        }
    }
    model.evaluate();
    model
}

/// An engine with a 10,000-row `Data` grid (key, number, number) and a
/// `Calc` grid of 100 rows of lookups and sums over it, written with
/// `columns` (`B:B`) or with the explicit ranges (`B1:B10000`).
fn lookup_engine(whole_columns: bool) -> Engine {
    const ROWS: u32 = 10_000;
    let spec = |name: &str, rows, cols| SheetSpec {
        name: name.into(),
        rows,
        cols,
        metrics: Vec::new(),
    };
    let mut engine = Engine::new(
        Periods {
            first_col: 0,
            count: 1,
        },
        vec![spec("Data", ROWS, 3), spec("Calc", 100, 3)],
    );
    engine.set_grid(0);
    engine.set_grid(1);
    for row in 0..ROWS {
        let put = |engine: &mut Engine, col, value| {
            engine.load(lever::engine::Edit::Cell(
                CellAddr::new(0, row, col),
                Input::Constant(value),
            ));
        };
        put(&mut engine, 0, Value::text(format!("k{row}")));
        put(&mut engine, 1, Value::Number(f64::from(row)));
        put(&mut engine, 2, Value::Number(f64::from(row) * 2.0));
    }
    let (a, b, c, ac) = if whole_columns {
        ("Data!A:A", "Data!B:B", "Data!C:C", "Data!A:C")
    } else {
        (
            "Data!A1:A10000",
            "Data!B1:B10000",
            "Data!C1:C10000",
            "Data!A1:C10000",
        )
    };
    for row in 0..100u32 {
        let key = format!("\"k{}\"", row * 97);
        let formulas = [
            format!("=SUM({b})"),
            format!("=VLOOKUP({key},{ac},3,FALSE)"),
            format!("=SUMIF({a},{key},{c})"),
        ];
        for (col, formula) in formulas.into_iter().enumerate() {
            engine.load(lever::engine::Edit::Cell(
                CellAddr::new(1, row, col as u32),
                Input::Formula(formula),
            ));
        }
    }
    engine.recalc_all();
    engine
}

fn whole_columns(c: &mut Criterion) {
    let mut group = c.benchmark_group("whole_columns");
    group.sample_size(20);
    for (name, whole) in [("explicit_ranges", false), ("whole_columns", true)] {
        let mut engine = lookup_engine(whole);
        group.bench_function(name, |b| {
            b.iter(|| black_box(engine.recalc_all().evaluated))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    whole_columns,
    memory,
    sample_price_edit,
    full_recalc,
    edit_input,
    structural_edits,
    load_and_save
);
criterion_main!(benches);
