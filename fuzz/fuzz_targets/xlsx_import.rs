//! The `.xlsx` importer: any bytes import or give an error (no panic, no
//! hang, bounded memory); an imported workbook computes, and saving it as
//! `.ron` gives text that loads again to the same model.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lever::model::Workbook;
use lever::model::interop::xlsx_import;
use lever::model::io;

fuzz_target!(|data: &[u8]| {
    let Ok((doc, _report)) = xlsx_import::import_bytes(data.to_vec(), "fuzz.xlsx", &mut |_| {})
    else {
        return;
    };
    let saved = io::to_text(&doc);
    let again = match io::parse(&saved, "saved.ron") {
        Ok(again) => again,
        Err(e) => panic!("the imported workbook, saved, does not load: {e}\n{saved}"),
    };
    assert_eq!(io::to_text(&again), saved);
    let workbook = Workbook::new(doc);
    let _ = workbook.errors();
});
