//! Leave-authors-out evaluation of `replacement-restore`.
//!
//! ```sh
//! cargo run --release --example eval_restore -- [../shared/corpus] [../shared/langs] [FOLDS]
//! ```
//!
//! The authors of `corpus/en` are split into FOLDS (default 5) folds of
//! about equal size; no author is in two folds. For each fold a model is
//! trained on the other folds' books (less their calibration authors, on
//! which its thresholds are set, as `train_restore` does for the shipped
//! model) and the fold's books are damaged with the `fffd` corruption of
//! `examples/eval.rs` (Windows-1252 bytes read as UTF-8, U+FFFD for each
//! invalid sequence) and repaired by fettle's repair stage with that model.
//! Prints per fold and overall: exact restoration, restoration per role,
//! intact characters changed (compared by position), `likely` and `guess`
//! precision, and the share left as U+FFFD.

use fettle::decode;
use fettle::edit::Confidence;
use fettle::repair::charmap::Page;
use fettle::repair::restore::features::{truth_roles, Label, QuoteState, LABELS};
use fettle::repair::restore::{model::Model, training, use_model};
use fettle::rule::Stage;
use fettle::Config;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let corpus = PathBuf::from(args.first().map_or("../shared/corpus", |s| s.as_str()));
    let langs = PathBuf::from(args.get(1).map_or("../shared/langs", |s| s.as_str()));
    let folds: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let books = match training::books(&corpus) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("note: {}: {e}; nothing to evaluate", corpus.display());
            return;
        }
    };
    // Authors by size, each to the smallest fold so far.
    let mut authors: Vec<(String, u64)> = Vec::new();
    for b in &books {
        let size: u64 = b
            .files
            .iter()
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum();
        match authors.iter_mut().find(|a| a.0 == b.author) {
            Some(a) => a.1 += size,
            None => authors.push((b.author.clone(), size)),
        }
    }
    authors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut fold_of: Vec<(String, usize)> = Vec::new();
    let mut sizes = vec![0u64; folds];
    for (a, size) in &authors {
        let f = (0..folds).min_by_key(|&f| sizes[f]).expect("folds");
        sizes[f] += size;
        fold_of.push((a.clone(), f));
    }
    let fold = |author: &str| fold_of.iter().find(|a| a.0 == author).map(|a| a.1);
    let foreign = training::foreign_texts(&langs);
    let config = Config::only_stage(Stage::Repair);
    let mut total = Score::default();
    let mut rows = Vec::new();
    for f in 0..folds {
        let mut others: Vec<&str> = fold_of
            .iter()
            .filter(|a| a.1 != f)
            .map(|a| a.0.as_str())
            .collect();
        others.sort_unstable();
        let calibration: Vec<&str> = others.iter().copied().step_by(6).collect();
        let files = |keep: &dyn Fn(&str) -> bool| -> Vec<PathBuf> {
            books
                .iter()
                .filter(|b| keep(&b.author))
                .flat_map(|b| b.files.clone())
                .collect()
        };
        let train: Vec<Vec<PathBuf>> = books
            .iter()
            .filter(|b| fold(&b.author) != Some(f) && !calibration.contains(&b.author.as_str()))
            .map(|b| b.files.clone())
            .collect();
        let calibrate = files(&|a| calibration.contains(&a));
        let test = files(&|a| fold(a) == Some(f));
        let built = training::build(&train, &calibrate, &foreign);
        let model: &'static Model =
            Box::leak(Box::new(Model::from_bytes(&built.bytes).expect("model")));
        use_model(Some(model));
        let mut score = Score::default();
        for path in &test {
            let Ok(clean) = std::fs::read_to_string(path) else {
                continue;
            };
            score.add(&clean, &config);
        }
        let mut names: Vec<&str> = fold_of
            .iter()
            .filter(|a| a.1 == f)
            .map(|a| a.0.as_str())
            .collect();
        names.sort_unstable();
        println!(
            "fold {}: {} files; authors: {}",
            f + 1,
            test.len(),
            names.join(", ")
        );
        rows.push((format!("fold {}", f + 1), score.clone()));
        total.merge(&score);
    }
    use_model(None);
    let mut confusions: Vec<_> = total.confusions.iter().collect();
    confusions.sort_by_key(|c| std::cmp::Reverse(*c.1));
    rows.push(("overall".into(), total.clone()));
    println!();
    println!("| fold | lost chars | exact | likely restorations | likely precision | guess restorations | guess precision | left as U+FFFD | intact chars changed |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, s) in &rows {
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
            s.lost,
            pct(s.exact, s.lost),
            s.likely.0,
            pct(s.likely.1, s.likely.0),
            s.guess.0,
            pct(s.guess.1, s.guess.0),
            pct(s.left, s.lost),
            s.intact_changed
        );
    }
    println!();
    print!("| role |");
    for (name, _) in &rows {
        print!(" {name} |");
    }
    println!();
    print!("|---|");
    for _ in &rows {
        print!("---:|");
    }
    println!();
    for role in 0..=LABELS {
        let label = if role == LABELS {
            "several under one U+FFFD"
        } else {
            Label::ALL[role].name()
        };
        print!("| {label} |");
        for (_, s) in &rows {
            let (n, ok) = s.roles[role];
            print!(" {} of {n} |", pct(ok, n));
        }
        println!();
    }
    println!("\nMost frequent wrong restorations (all folds):\n\n| role | restored as | count |\n|---|---|---:|");
    for ((want, got), n) in confusions.iter().take(15) {
        println!("| {want} | {got:?} | {n} |");
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2}%", 100.0 * a as f64 / b as f64)
    }
}

#[derive(Default, Clone)]
struct Score {
    lost: usize,
    exact: usize,
    left: usize,
    /// (restorations, right) at `likely` or above, and at `guess`.
    likely: (usize, usize),
    guess: (usize, usize),
    intact_changed: usize,
    /// Per role (and one more for several characters under one U+FFFD):
    /// (lost, restored exactly).
    roles: [(usize, usize); LABELS + 1],
    /// Wrong restorations by (wanted, got), to see which roles are mixed up.
    confusions: std::collections::BTreeMap<(String, String), usize>,
}

impl Score {
    fn merge(&mut self, o: &Score) {
        self.lost += o.lost;
        self.exact += o.exact;
        self.left += o.left;
        self.likely.0 += o.likely.0;
        self.likely.1 += o.likely.1;
        self.guess.0 += o.guess.0;
        self.guess.1 += o.guess.1;
        self.intact_changed += o.intact_changed;
        for (k, v) in &o.confusions {
            *self.confusions.entry(k.clone()).or_default() += v;
        }
        for (a, b) in self.roles.iter_mut().zip(&o.roles) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }

    /// Damage `clean` as the `fffd` corruption does, repair it, and score.
    fn add(&mut self, clean: &str, config: &Config) {
        let roles = roles_of(clean);
        let table = Page::Windows1252.table();
        // Windows-1252 bytes, and the truth character each byte came from.
        let mut raw = Vec::with_capacity(clean.len());
        let mut owner = Vec::with_capacity(clean.len());
        for (i, c) in clean.char_indices() {
            match table.encode(c) {
                Some(b) => {
                    raw.push(b);
                    owner.push(i);
                }
                None => {
                    for b in c.encode_utf8(&mut [0; 4]).bytes() {
                        raw.push(b);
                        owner.push(i);
                    }
                }
            }
        }
        // Units of the damaged text: (text range, truth range, lost?).
        let mut text = String::with_capacity(raw.len() + raw.len() / 8);
        let mut units: Vec<(std::ops::Range<usize>, std::ops::Range<usize>, bool)> = Vec::new();
        let mut pos = 0;
        let truth_end = |last_byte: usize| {
            let i = owner[last_byte];
            i + clean[i..].chars().next().map_or(0, char::len_utf8)
        };
        for chunk in raw.utf8_chunks() {
            for c in chunk.valid().chars() {
                let n = c.len_utf8();
                let at = text.len();
                text.push(c);
                let tr = owner[pos]..truth_end(pos + n - 1);
                let lost = clean[tr.clone()] != *c.encode_utf8(&mut [0; 4]);
                units.push((at..text.len(), tr, lost));
                pos += n;
            }
            let bad = chunk.invalid();
            if !bad.is_empty() {
                let at = text.len();
                text.push('\u{FFFD}');
                units.push((
                    at..text.len(),
                    owner[pos]..truth_end(pos + bad.len() - 1),
                    true,
                ));
                pos += bad.len();
            }
        }
        let decoded = decode::DecodedText::of_string(text);
        let (_, edits, _) = fettle::pipeline::clean_decoded(&decoded, config);
        let mut e = 0;
        for (tx, tr, lost) in units {
            while e < edits.len() && edits[e].end <= tx.start && edits[e].start < tx.start {
                e += 1;
            }
            let edit = edits
                .get(e)
                .filter(|ed| ed.start < tx.end && ed.end > tx.start);
            let want = &clean[tr.clone()];
            if !lost {
                if edit.is_some() {
                    self.intact_changed += want.chars().count();
                }
                continue;
            }
            self.lost += 1;
            let role = if want.chars().count() > 1 {
                LABELS
            } else {
                roles
                    .get(&tr.start)
                    .map_or(Label::Other as usize, |&l| l as usize)
            };
            self.roles[role].0 += 1;
            match edit {
                Some(ed) if ed.start == tx.start && ed.end == tx.end => {
                    let right = ed.after == want;
                    if !right {
                        let role_name = if role == LABELS {
                            "several"
                        } else {
                            Label::ALL[role].name()
                        };
                        *self
                            .confusions
                            .entry((role_name.to_string(), ed.after.to_string()))
                            .or_default() += 1;
                    }
                    self.exact += usize::from(right);
                    self.roles[role].1 += usize::from(right);
                    let slot = if ed.confidence() >= Confidence::Likely {
                        &mut self.likely
                    } else {
                        &mut self.guess
                    };
                    slot.0 += 1;
                    slot.1 += usize::from(right);
                }
                Some(_) => {}
                None => self.left += 1,
            }
        }
    }
}

/// The role of each character of a clean file that would be lost, by its
/// byte offset.
fn roles_of(clean: &str) -> std::collections::HashMap<usize, Label> {
    let mut out = std::collections::HashMap::new();
    let mut state = QuoteState::default();
    let mut offset = 0;
    for p in clean.split("\n\n") {
        let (roles, end) = truth_roles(p, state.next_paragraph());
        for (i, label, _) in roles {
            out.insert(offset + i, label);
        }
        state = end;
        offset += p.len() + 2;
    }
    out
}
