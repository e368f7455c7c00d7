//! The Targets tab in the editor, driven as a user would (egui_kittest):
//! the sample's targets with the gap and the verdicts, a target and an
//! initiative typed in and added, the review written into the changelog,
//! each an undoable edit.

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use lever::ui::App;

fn harness(mut app: App) -> Harness<'static, App> {
    app.files.config_dir = None;
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    harness.run();
    harness
}

fn by_label(text: &str) -> By<'_> {
    By::new().predicate(move |node| node.label().as_deref() == Some(text))
}

/// The text field labelled `text`.
fn field(text: &str) -> By<'_> {
    By::new().predicate(move |node| {
        node.role() == egui::accesskit::Role::TextInput && node.label().as_deref() == Some(text)
    })
}

fn open_targets(harness: &mut Harness<'_, App>) {
    harness.get(by_label("Analysis")).click();
    harness.run();
    harness.get(by_label("Targets")).click();
    harness.run();
}

fn type_into(harness: &mut Harness<'_, App>, label: &str, text: &str) {
    harness.get(field(label)).click();
    harness.run();
    harness.get(field(label)).type_text(text);
    harness.run();
}

#[test]
fn the_sample_target_shows_what_the_initiatives_deliver_and_the_gap() {
    let mut harness = harness(App::with_sample());
    open_targets(&mut harness);
    // The first target (April) is closed: missed, with verdicts.
    assert!(
        harness
            .query_by_label("net_revenue@Apr 2026 = +30% vs Feb 2026 (missed)")
            .is_some()
    );
    assert!(harness.query_all_by_label("over-estimated").count() >= 1);
    assert!(harness.query_by_label("as expected").is_some());
    // The June target is open, with a gap.
    harness
        .get_by_label_contains("net_revenue@Jun 2026 = +15% vs May 2026 (gap")
        .click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("3.6% is not covered")
            .is_some()
    );
    assert!(harness.query_by_label("New closing script").is_some());
}

#[test]
fn a_target_and_an_initiative_are_added_and_undone() {
    let mut harness = harness(App::with_sample());
    let before = harness.state().doc.workbook.to_text();
    open_targets(&mut harness);
    type_into(
        &mut harness,
        "New target",
        "paid_deals@Jul 2026 = +12% vs Jun 2026",
    );
    harness.get(by_label("Add target")).click();
    harness.run();
    assert_eq!(harness.state().doc.workbook.document().targets.len(), 3);
    assert!(
        harness
            .query_all_by_label_contains("paid_deals@Jul 2026 = +12% vs Jun 2026")
            .count()
            == 2,
        "listed and shown as the chosen target"
    );
    type_into(&mut harness, "Initiative", "Auto-dialer");
    type_into(&mut harness, "Owner", "Head of sales");
    type_into(&mut harness, "Moves", "sla_minutes");
    type_into(&mut harness, "From", "Jul 2026");
    type_into(&mut harness, "By", "-5");
    harness.get(by_label("Add initiative")).click();
    harness.run();
    assert_eq!(harness.state().analysis.targets.error, None);
    let targets = harness.state().doc.workbook.document().targets.clone();
    let added = &targets[2].initiatives[0];
    assert_eq!(
        (added.name.as_str(), added.metric.as_str()),
        ("Auto-dialer", "sla_minutes")
    );
    assert!(harness.query_by_label("Auto-dialer").is_some());
    // A bad effect is refused with the reason and changes nothing.
    type_into(&mut harness, "Initiative", "Magic");
    type_into(&mut harness, "Moves", "paid_deals");
    type_into(&mut harness, "By", "lots");
    type_into(&mut harness, "From", "Jul 2026");
    harness.get(by_label("Add initiative")).click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("is not an effect")
            .is_some()
    );
    assert_eq!(
        harness.state().doc.workbook.document().targets[2]
            .initiatives
            .len(),
        1
    );
    // Two undos take both edits back.
    for _ in 0..2 {
        harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
        harness.run();
    }
    assert_eq!(harness.state().doc.workbook.to_text(), before);
}

#[test]
fn the_review_is_written_into_the_changelog_in_one_undoable_edit() {
    let mut harness = harness(App::with_sample());
    let before = harness.state().doc.workbook.to_text();
    open_targets(&mut harness);
    harness.get(by_label("Write review to changelog")).click();
    harness.run();
    let doc = harness.state().doc.workbook.document().clone();
    let entry = doc
        .changelog
        .iter()
        .find(|e| e.area == "review")
        .expect("a review entry");
    assert!(
        entry
            .text
            .starts_with("Review of Net revenue, Apr 2026 (goal +30% vs Feb 2026): reached +27.1%"),
        "{}",
        entry.text
    );
    assert!(
        entry.text.contains("realised +2 pp: over-estimated"),
        "{}",
        entry.text
    );
    assert!(!doc.targets[0].reviewed.is_empty());
    // The changelog keeps date order around the new entry.
    let dates: Vec<&str> = doc.changelog.iter().map(|e| e.date.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().doc.workbook.to_text(), before);
}
