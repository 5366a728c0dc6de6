//! Build the restoration model `replacement-restore` ships with.
//!
//! ```sh
//! cargo run --release --example train_restore -- [../shared/corpus] [../shared/langs] [models/restore/model.bin]
//! ```
//!
//! Counts contexts of the lost characters in the books of `corpus/en`
//! (damage simulated: every character Windows-1252 writes above 0x7F
//! becomes U+FFFD), except the books of the calibration authors (every
//! sixth author in alphabetical order), on which the confidence thresholds
//! are then set; the texts in `langs/` (first half of each, English left
//! out) set how well a text must fit the model. Prints what it measured and
//! the model's sha256 (for `models/restore/README.md`).

use fettle::repair::restore::training;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| PathBuf::from(args.get(i).map_or(default, |s| s.as_str()));
    let corpus = arg(0, "../shared/corpus");
    let langs = arg(1, "../shared/langs");
    let out = arg(2, "models/restore/model.bin");
    let books = match training::books(&corpus) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", corpus.display());
            std::process::exit(2);
        }
    };
    let mut authors: Vec<&str> = books.iter().map(|b| b.author.as_str()).collect();
    authors.sort_unstable();
    authors.dedup();
    let calibration: Vec<&str> = authors.iter().copied().step_by(6).collect();
    let train: Vec<Vec<PathBuf>> = books
        .iter()
        .filter(|b| !calibration.contains(&b.author.as_str()))
        .map(|b| b.files.clone())
        .collect();
    let calibrate: Vec<PathBuf> = books
        .iter()
        .filter(|b| calibration.contains(&b.author.as_str()))
        .flat_map(|b| b.files.clone())
        .collect();
    println!(
        "training on {} books, calibrating on {} files by {}",
        train.len(),
        calibrate.len(),
        calibration.join(", ")
    );
    let foreign = training::foreign_texts(Path::new(&langs));
    let built = training::build(&train, &calibrate, &foreign);
    let t = built.thresholds;
    println!("lost characters counted: {}", built.contexts_counted);
    println!(
        "thresholds: likely from posterior {:.4}, restore from {:.4}, fit {:.3}, letters {:.4}",
        t.likely, t.restore, t.fit, t.letter
    );
    println!(
        "likely per class (’ inside a word, other ’, ‘, “, ”, dashes, …, no-break space, other): {:.4?}",
        t.likely_by_class
    );
    let pct = |(n, ok): (usize, usize)| 100.0 * ok as f64 / n.max(1) as f64;
    println!(
        "calibration: likely {} restorations, {:.3}% right; guess {}, {:.2}% right",
        built.likely.0,
        pct(built.likely),
        built.guess.0,
        pct(built.guess)
    );
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("model directory");
    }
    std::fs::write(&out, &built.bytes).expect("write the model");
    println!("wrote {} ({} bytes)", out.display(), built.bytes.len());
}
