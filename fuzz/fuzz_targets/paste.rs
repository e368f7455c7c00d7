//! Clipboard paste: any text pasted into a bundled model at any cell, by
//! the editor's own code path (`edits::paste`, then one `apply`), is
//! refused with a message or applied as one edit; undoing it restores the
//! model exactly. The model is `models/funnel.ron` (sections, explicit
//! names, row formulas, lags): the paste path is the same as on the larger
//! sample, and a small model recalculates fast enough for many runs.

#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use lever::model::Workbook;
use lever::model::document::WorkbookFile;
use lever::ui::edits;
use lever::ui::view::GridCell;

const MODEL_TEXT: &str = include_str!("../../models/funnel.ron");

thread_local! {
    static MODEL: RefCell<(Workbook, WorkbookFile)> = RefCell::new({
        let workbook = Workbook::parse(MODEL_TEXT, "funnel.ron").expect("the model loads");
        let doc = workbook.document().clone();
        (workbook, doc)
    });
}

fuzz_target!(|data: &[u8]| {
    // Two bytes pick the cell, the rest is the clipboard text.
    let [row, col, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    MODEL.with(|model| {
        let (workbook, start) = &mut *model.borrow_mut();
        let rows = workbook.rows(0).len() as u32;
        let cols = lever::model::FIRST_PERIOD_COL + workbook.periods();
        // Mostly inside the grid, sometimes just past its edges.
        let at = GridCell::new(u32::from(*row) * (rows + 2) / 255, u32::from(*col) % (cols + 2));
        let Ok(edit) = edits::paste(workbook, 0, at, text) else {
            return;
        };
        if workbook.apply(edit).is_err() {
            assert!(workbook.document() == start, "a refused paste changed the model");
            return;
        }
        assert!(workbook.undo().is_some(), "the paste is one undo step");
        if workbook.document() != start {
            let expected = lever::model::io::to_text(start);
            let now = workbook.to_text();
            let line = expected
                .lines()
                .zip(now.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("\nwas: {a}\nnow: {b}"))
                .unwrap_or_default();
            panic!("undoing the paste at {at:?} did not restore the model{line}\n{text:?}");
        }
    });
});
