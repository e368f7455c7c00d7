//! The `.ron` loader: any text loads or gives an error; a loaded model
//! computes, saves to text that loads again, and saving that gives the same
//! text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lever::model::Workbook;
use lever::model::io;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = io::parse(text, "fuzz.ron") else {
        return;
    };
    let saved = io::to_text(&file);
    let again = match io::parse(&saved, "saved.ron") {
        Ok(again) => again,
        Err(e) => panic!("the saved text does not load: {e}\n{saved}"),
    };
    assert_eq!(io::to_text(&again), saved, "load → save → load changed the model");
    let workbook = Workbook::new(file);
    let _ = workbook.errors();
    assert_eq!(workbook.to_text(), saved);
});
