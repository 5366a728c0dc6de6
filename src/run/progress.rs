//! A progress bar on stderr, for people waiting at a terminal.

use super::walk::{Input, Inputs};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The bar appears only when stderr is a terminal, `CI` is unset, and the
/// run has taken longer than [`Progress::DELAY`]; it is cleared at the end.
pub struct Progress {
    bar: Option<ProgressBar>,
    shown: AtomicBool,
}

impl Progress {
    const DELAY: Duration = Duration::from_secs(2);

    pub fn new(inputs: &Inputs) -> Self {
        let wanted = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = wanted.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            // The total comes from a second walk, on its own thread so
            // that the work starts at once; the bar shows only after
            // `DELAY`, by when the total is normally known.
            let (counting, inputs) = (bar.clone(), inputs.clone());
            std::thread::spawn(move || {
                let total = inputs
                    .iter()
                    .map(|i| match i {
                        Input::File(_, Some((_, size))) => size,
                        Input::File(p, None) => fs::metadata(p).map_or(0, |m| m.len()),
                        Input::Stdin | Input::Error(..) => 0,
                    })
                    .sum();
                counting.set_length(total);
            });
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}, {eta} left",
                )
                .expect("a valid template"),
            );
            bar
        });
        Progress {
            bar,
            shown: AtomicBool::new(false),
        }
    }

    /// Count `bytes` as done; show the bar once the run is slow enough.
    pub fn advance(&self, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(bytes);
        if !self.shown.load(Ordering::Relaxed)
            && bar.elapsed() >= Self::DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Run `f` (which prints) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) if self.shown.load(Ordering::Relaxed) => bar.suspend(f),
            _ => f(),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
