//! Long computations off the UI thread: a [`Job`] runs a closure on its own
//! thread with a copy of the workbook, reports progress the UI can show,
//! and can be cancelled; the editor stays responsive meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::model::Workbook;

/// Progress of a running job, shared with its thread.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
}

impl Progress {
    /// Records progress; returns false once the job is cancelled (the
    /// computation should stop).
    pub fn report(&self, done: usize, total: usize) -> bool {
        self.done.store(done, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        !self.cancelled.load(Ordering::Relaxed)
    }
}

/// A computation running on another thread.
#[derive(Debug)]
pub struct Job<T> {
    progress: Arc<Progress>,
    result: Receiver<T>,
}

/// How a job stands.
#[derive(Debug)]
pub enum Poll<T> {
    /// Still running: (done, total).
    Running(usize, usize),
    /// Finished with this result.
    Done(T),
    /// The thread ended without a result (it panicked).
    Lost,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a copy of `workbook` (with the same scenario shown),
    /// built on the job's thread from a copy of the document: the job never
    /// touches the workbook being edited, and the editor does not wait for
    /// the copy's first calculation.
    pub fn start(
        workbook: &Workbook,
        work: impl FnOnce(&mut Workbook, &Progress) -> T + Send + 'static,
    ) -> Result<Job<T>, String> {
        let doc = workbook.document().clone();
        let active = workbook.active_scenario();
        let progress = Arc::new(Progress::default());
        let (send, result) = channel();
        let shared = Arc::clone(&progress);
        std::thread::Builder::new()
            .name("lever-job".into())
            .spawn(move || {
                let mut copy = Workbook::new(doc);
                if copy.set_active_scenario(active).is_ok() {
                    let outcome = work(&mut copy, &shared);
                    let _ = send.send(outcome);
                }
            })
            .map_err(|e| format!("could not start the computation: {e}"))?;
        Ok(Job { progress, result })
    }

    /// Asks the job to stop at its next progress report.
    pub fn cancel(&self) {
        self.progress.cancelled.store(true, Ordering::Relaxed);
    }

    /// How the job stands now.
    pub fn poll(&self) -> Poll<T> {
        match self.result.try_recv() {
            Ok(value) => Poll::Done(value),
            Err(TryRecvError::Empty) => Poll::Running(
                self.progress.done.load(Ordering::Relaxed),
                self.progress.total.load(Ordering::Relaxed),
            ),
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }

    /// (done, total) as last reported.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.progress.done.load(Ordering::Relaxed),
            self.progress.total.load(Ordering::Relaxed),
        )
    }

    /// A progress bar counting `unit` (`cells`, `inputs`) and a Cancel
    /// button; keeps the frame loop running while the job does.
    pub fn progress_ui(&self, ui: &mut egui::Ui, unit: &str) {
        let (done, total) = self.progress();
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.add(
            egui::ProgressBar::new(fraction)
                .desired_width(180.0)
                .text(format!("{done} of {total} {unit}")),
        );
        if ui.button("Cancel").clicked() {
            self.cancel();
        }
        ui.ctx().request_repaint();
    }

    /// Waits for the result (for tests and small jobs).
    pub fn wait(self) -> Option<T> {
        self.result.recv().ok()
    }
}

/// Takes the result of the job in `slot` once it has finished (emptying
/// the slot): `Ok(result)`, or `Err` with a message if its thread ended
/// without one. `None` while it runs, or when there is no job.
pub fn take_finished<T: Send + 'static>(slot: &mut Option<Job<T>>) -> Option<Result<T, String>> {
    let outcome = match slot.as_ref()?.poll() {
        Poll::Running(..) => return None,
        Poll::Done(result) => Ok(result),
        Poll::Lost => Err("the computation stopped unexpectedly".to_string()),
    };
    *slot = None;
    Some(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reports_progress_and_stops_when_cancelled() {
        let workbook = Workbook::parse(crate::ui::SAMPLE, "sample.ron").unwrap();
        let job = Job::start(&workbook, |_, progress| {
            let mut done = 0;
            while progress.report(done, 1_000_000) && done < 1_000_000 {
                done += 1;
                std::thread::sleep(std::time::Duration::from_micros(10));
            }
            done
        })
        .unwrap();
        job.cancel();
        let done = job.wait().unwrap();
        assert!(done < 1_000_000, "the job stopped early ({done})");
    }

    #[test]
    fn a_job_works_on_a_copy() {
        let workbook = Workbook::parse(crate::ui::SAMPLE, "sample.ron").unwrap();
        let text = workbook.to_text();
        let job = Job::start(&workbook, |copy, _| {
            copy.apply(vec![crate::model::Command::SetCell {
                sheet: 0,
                row: 2,
                period: 0,
                input: crate::model::CellInput::Number(1.0),
            }])
            .is_ok()
        })
        .unwrap();
        assert!(job.wait().unwrap());
        assert_eq!(workbook.to_text(), text);
    }
}
