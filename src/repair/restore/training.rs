//! Training and calibration, shared by `examples/train_restore.rs` (which
//! builds the committed model) and `examples/eval_restore.rs` (which builds
//! one model per fold of authors left out).
//!
//! The damage is simulated as the `fffd` corruption of `examples/eval.rs`
//! produces it on this prose: every character Windows-1252 writes as a byte
//! from 0x80 becomes U+FFFD.

use super::features::{is_cp1252_high, truth_roles, Label, QuoteState, Window};
use super::model::{Counts, Model, Thresholds, CLASSES};
use std::path::{Path, PathBuf};

/// A book of the corpus: its author and chapter files.
#[derive(Debug, Clone)]
pub struct Book {
    pub author: String,
    pub title: String,
    pub files: Vec<PathBuf>,
}

/// The books of `corpus/en`, by the table in `corpus/README.md` (author,
/// title and file prefix of each).
pub fn books(corpus: &Path) -> std::io::Result<Vec<Book>> {
    let readme = std::fs::read_to_string(corpus.join("README.md"))?;
    let mut books: Vec<(Book, String)> = Vec::new();
    for line in readme.lines() {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        if cols.len() < 8 || !cols[5].starts_with('`') || cols[1].starts_with("**") {
            continue;
        }
        let prefix = cols[5].trim_matches('`').to_string();
        books.push((
            Book {
                author: cols[1].to_string(),
                title: cols[2].to_string(),
                files: Vec::new(),
            },
            prefix,
        ));
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("en"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for f in files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        // The longest prefix wins (`dubliners-` against a shorter one).
        if let Some((book, _)) = books
            .iter_mut()
            .filter(|(_, p)| name.starts_with(p.as_str()))
            .max_by_key(|(_, p)| p.len())
        {
            book.files.push(f);
        }
    }
    Ok(books.into_iter().map(|(b, _)| b).collect())
}

/// A clean paragraph damaged: the text with U+FFFD, and per U+FFFD its
/// offset, what it was, its role and the quote state before it.
pub struct Damaged {
    pub text: String,
    pub lost: Vec<(usize, char, Label, QuoteState)>,
}

/// Damage one clean paragraph, starting in quote state `state`; returns the
/// state it ends in too.
pub fn damage(paragraph: &str, state: QuoteState) -> (Damaged, QuoteState) {
    let (roles, end) = truth_roles(paragraph, state);
    let mut text = String::with_capacity(paragraph.len() + 16);
    let mut lost = Vec::with_capacity(roles.len());
    let mut r = roles.iter().peekable();
    for (i, c) in paragraph.char_indices() {
        match r.peek() {
            Some(&&(at, label, st)) if at == i && is_cp1252_high(c) => {
                r.next();
                lost.push((text.len(), c, label, st));
                text.push('\u{FFFD}');
            }
            Some(&&(at, ..)) if at == i => {
                // Outside Windows-1252: not lost by this damage.
                r.next();
                text.push(c);
            }
            _ => text.push(c),
        }
    }
    (Damaged { text, lost }, end)
}

/// The paragraphs of a corpus file (blocks between blank lines).
pub fn paragraphs_of(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

/// Count a clean file's lost characters into `counts`, whose words are
/// already counted.
pub fn count_file(counts: &mut Counts, text: &str, knows: &dyn Fn(&str) -> bool) {
    let mut state = QuoteState::default();
    for p in paragraphs_of(text) {
        let (d, end) = damage(p, state.next_paragraph());
        for &(at, _, label, st) in &d.lost {
            let mut w = Window::read(&d.text, 0, d.text.len(), at);
            w.set_lexical(knows);
            counts.add(&w, st.index(), label);
        }
        counts.add_paragraph_end(end.index());
        state = end;
    }
}

/// Posterior and correctness of every restoration the model proposes on
/// damaged `files`, and the fit share of each file.
#[derive(Default)]
pub struct Calibration {
    /// (posterior, right, class) of each proposed non-letter restoration.
    pub scored: Vec<(f32, bool, usize)>,
    /// Lexicon letters: (proposed, right).
    pub letters: (usize, usize),
}

pub fn calibrate_on(model: &Model, files: &[PathBuf]) -> Calibration {
    let mut cal = Calibration::default();
    for f in files {
        let Ok(clean) = std::fs::read_to_string(f) else {
            continue;
        };
        let (text, truth) = damage_file(&clean);
        let choices = super::read(model, &text, false);
        let mut t = truth.iter().peekable();
        for ch in choices {
            while t.peek().is_some_and(|&&(at, _)| at < ch.at) {
                t.next();
            }
            let Some(&&(at, want)) = t.peek() else { break };
            if at != ch.at {
                continue;
            }
            let Some(got) = ch.char else { continue };
            if ch.label == Label::Letter {
                cal.letters.0 += 1;
                cal.letters.1 += usize::from(got == want);
            } else {
                cal.scored.push((ch.posterior, got == want, ch.class));
            }
        }
    }
    cal
}

/// A whole clean file damaged: its text and (offset, truth) per U+FFFD.
pub fn damage_file(clean: &str) -> (String, Vec<(usize, char)>) {
    let mut text = String::with_capacity(clean.len() + clean.len() / 16);
    let mut truth = Vec::new();
    for c in clean.chars() {
        if is_cp1252_high(c) {
            truth.push((text.len(), c));
            text.push('\u{FFFD}');
        } else {
            text.push(c);
        }
    }
    (text, truth)
}

/// The share of a text's words the model knows (see `fits` in the rule).
pub fn known_share(model: &Model, text: &str) -> f32 {
    let (mut n, mut k) = (0usize, 0usize);
    for w in super::model::words(text).filter(|w| w.len() >= 2).take(400) {
        n += 1;
        k += usize::from(model.knows(&w.to_lowercase()));
    }
    k as f32 / n.max(1) as f32
}

/// Precision the `likely` threshold is set for on the calibration books:
/// above the 99.5% promised, so that books unlike them keep it.
pub const LIKELY_TARGET: f64 = 0.997;

/// A class with fewer calibration restorations than this takes the
/// threshold of all classes together.
pub const MIN_CLASS: usize = 500;

/// The lowest posterior from which the restorations of `scored` (sorted by
/// posterior, highest first) were right at least `LIKELY_TARGET` of the
/// time.
fn likely_threshold<'a>(scored: impl Iterator<Item = &'a (f32, bool, usize)>) -> f32 {
    let (mut right, mut n) = (0usize, 0usize);
    let mut likely = 1.0f32;
    for &(p, ok, _) in scored {
        n += 1;
        right += usize::from(ok);
        if right as f64 >= LIKELY_TARGET * n as f64 {
            likely = p;
        }
    }
    likely.max(0.5)
}

/// The thresholds from a calibration: `likely` is the lowest posterior from
/// which the restorations were right at least `LIKELY_TARGET` of the time,
/// over all classes and for each class with enough restorations; `restore`
/// the lowest from which they were right at least a third of the time
/// (a `guess` is the model's best reading; leaving the U+FFFD is never
/// right).
pub fn thresholds(cal: &mut Calibration, fit: f32) -> Thresholds {
    cal.scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let likely = likely_threshold(cal.scored.iter());
    let mut likely_by_class = [likely; CLASSES];
    for (class, t) in likely_by_class.iter_mut().enumerate() {
        let n = cal.scored.iter().filter(|s| s.2 == class).count();
        if n >= MIN_CLASS {
            *t = likely_threshold(cal.scored.iter().filter(|s| s.2 == class));
        }
    }
    // From the lowest posterior up: the first bin of 200 right a third of the time.
    let mut restore = 0.0f32;
    let mut asc: Vec<(f32, bool, usize)> = cal.scored.clone();
    asc.reverse();
    for chunk in asc.chunks(200) {
        let ok = chunk.iter().filter(|c| c.1).count();
        if ok * 3 >= chunk.len() {
            restore = chunk[0].0;
            break;
        }
    }
    let letter = if cal.letters.0 == 0 {
        0.0
    } else {
        cal.letters.1 as f32 / cal.letters.0 as f32
    };
    Thresholds {
        likely,
        restore,
        fit,
        letter,
        likely_by_class,
    }
}

/// What [`build`] measured on the calibration books.
pub struct Built {
    pub bytes: Vec<u8>,
    pub thresholds: Thresholds,
    /// Calibration restorations proposed, and right, at `likely`.
    pub likely: (usize, usize),
    /// The same below `likely` (at `guess`, from `restore` up).
    pub guess: (usize, usize),
    pub contexts_counted: usize,
}

/// Contexts seen fewer times than this are left to their coarser parent.
pub const MIN_COUNT: u32 = 2;

/// Train on `train`, calibrate on `calibrate` (books of other authors) and
/// on `foreign` (texts in other languages by language code, for the fit
/// floor, and the words of some for lost letters).
pub fn build(train: &[Vec<PathBuf>], calibrate: &[PathBuf], foreign: &[(String, String)]) -> Built {
    let mut counts = Counts::new();
    let mut contexts_counted = 0;
    let books: Vec<Vec<String>> = train
        .iter()
        .map(|files| {
            files
                .iter()
                .filter_map(|f| std::fs::read_to_string(f).ok())
                .collect()
        })
        .collect();
    for text in books.iter().flatten() {
        counts.add_words(text);
    }
    // Which readings make known words is judged, for a book's lost
    // characters, by the words of the other books: as it will be for a
    // book the model has not seen.
    for book in &books {
        let mut own = Counts::new();
        for text in book {
            own.add_words(text);
        }
        let knows = |w: &str| counts.knows_without(w, &own);
        let mut contexts = Counts::new();
        for text in book {
            contexts_counted += text.chars().filter(|&c| is_cp1252_high(c)).count();
            count_file(&mut contexts, text, &knows);
        }
        counts.merge_contexts(contexts);
    }
    for (code, text) in foreign {
        if !NO_WORDS_FROM.contains(&code.as_str()) {
            counts.add_foreign_words(text);
        }
    }
    let provisional = Thresholds {
        likely: 1.0,
        restore: 0.0,
        fit: 0.0,
        letter: 0.0,
        likely_by_class: [1.0; CLASSES],
    };
    let model = Model::from_bytes(&counts.to_bytes(provisional, MIN_COUNT)).expect("model");
    let mut cal = calibrate_on(&model, calibrate);
    // The fit floor: the share of known words that best tells the
    // calibration books from the foreign texts.
    let english: Vec<f32> = calibrate
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|t| known_share(&model, &damage_file(&t).0))
        .collect();
    let others: Vec<f32> = foreign
        .iter()
        .flat_map(|(_, t)| {
            let d = damage_file(t).0;
            let words: Vec<&str> = super::model::words(&d).collect();
            words
                .chunks(400)
                .map(|c| known_share(&model, &c.join(" ")))
                .collect::<Vec<_>>()
        })
        .collect();
    let fit = best_split(&english, &others);
    let thresholds = thresholds(&mut cal, fit);
    let (mut likely, mut guess) = ((0, 0), (0, 0));
    for &(p, ok, class) in &cal.scored {
        let slot = if p >= thresholds.likely_for(class) {
            &mut likely
        } else if p >= thresholds.restore {
            &mut guess
        } else {
            continue;
        };
        slot.0 += 1;
        slot.1 += usize::from(ok);
    }
    Built {
        bytes: counts.to_bytes(thresholds, MIN_COUNT),
        thresholds,
        likely,
        guess,
        contexts_counted,
    }
}

/// The floor that misclassifies the smallest share of `high` (should be
/// at or above) plus `low` (should be below).
fn best_split(high: &[f32], low: &[f32]) -> f32 {
    if low.is_empty() || high.is_empty() {
        return 0.0;
    }
    let mut cands: Vec<f32> = high.iter().chain(low).copied().collect();
    cands.sort_by(f32::total_cmp);
    let cost = |t: f32| {
        high.iter().filter(|&&x| x < t).count() as f64 / high.len() as f64
            + low.iter().filter(|&&x| x >= t).count() as f64 / low.len() as f64
    };
    let mut best = (f64::INFINITY, 0.0);
    for w in cands.windows(2) {
        let t = (w[0] + w[1]) / 2.0;
        let c = cost(t);
        if c < best.0 {
            best = (c, t);
        }
    }
    best.1
}

/// Languages of `langs/` whose treebanks' licences (NonCommercial, or GPL
/// at the commit read) keep their words out of the shipped model; only the
/// fit floor, one number, is measured on them.
pub const NO_WORDS_FROM: &[&str] = &[
    "it", "gl", "et", "hu", "pl", "eu", "uk", "bg", "el", "ur", "ca", "he", "zh-Hans",
];

/// The texts of `langs/` other than English, by language code: for the fit
/// floor, and (less [`NO_WORDS_FROM`]) words for lost letters.
pub fn foreign_texts(langs: &Path) -> Vec<(String, String)> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(langs)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v.into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter(|p| p.file_stem().is_some_and(|s| s != "en"))
        .filter_map(|p| {
            let code = p.file_stem()?.to_str()?.to_string();
            let t = std::fs::read_to_string(&p).ok()?;
            // Half of each: the other half stays out for measuring.
            let half = (0..=t.len() / 2)
                .rev()
                .find(|&i| t.is_char_boundary(i))
                .unwrap_or(0);
            Some((code, t[..half].to_string()))
        })
        .collect()
}
