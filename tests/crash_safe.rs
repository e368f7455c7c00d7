//! Saving is crash-safe: `lever generate` (which saves through the same
//! atomic path as the editor) is killed with SIGKILL at random moments, a
//! thousand times, and the file on disk is always either the complete old
//! model or the complete new one.

use std::process::{Command, Stdio};
use std::time::Duration;

use lever::model::generate::Rng;

#[test]
fn a_killed_save_leaves_the_old_or_the_new_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model.ron");
    let path_text = path.to_str().expect("utf-8 path").to_string();
    let generate = |rows: &str| {
        Command::new(env!("CARGO_BIN_EXE_lever"))
            .args(["generate", &path_text, "--rows", rows, "--periods", "12"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("lever starts")
    };
    // The two versions the file can be in.
    assert!(generate("400").wait().expect("waits").success());
    let new_text = std::fs::read_to_string(&path).expect("reads");
    assert!(generate("300").wait().expect("waits").success());
    let old_text = std::fs::read_to_string(&path).expect("reads");
    assert_ne!(old_text, new_text);

    let mut rng = Rng::new(2026);
    let (mut old_seen, mut new_seen) = (0, 0);
    for round in 0..1000 {
        let mut child = generate("400");
        std::thread::sleep(Duration::from_micros(rng.below(12_000) as u64));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&path).expect("the file is always there");
        if text == old_text {
            old_seen += 1;
        } else if text == new_text {
            new_seen += 1;
            // Put the old version back for the next round.
            std::fs::write(&path, &old_text).expect("restores");
        } else {
            panic!("round {round}: the file is neither the old nor the new model");
        }
    }
    // Both outcomes happened, so the kills really landed during saves.
    assert!(
        old_seen > 0 && new_seen > 0,
        "old {old_seen}, new {new_seen}"
    );
}
