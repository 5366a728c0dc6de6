//! ## What it does
//! Restores characters that were already replaced by U+FFFD before fettle saw
//! the text: apostrophes, opening and closing single and double quotes, em
//! and en dashes, ellipses, no-break spaces, pound signs, and letters lost
//! inside a known word (`caf�` → `café`). Each restoration carries the
//! probability the model gives it; where no reading is probable enough, the
//! U+FFFD stays and `replacement-char` reports it.
//!
//! ## Why
//! Windows-1252 text read as UTF-8 with replacement loses every curly quote,
//! apostrophe and dash. The bytes are gone, but the typography of prose is
//! regular enough that the lost character can nearly always be told.
//!
//! ## Example
//! `�You really love her don�t you?� Buffy said` →
//! `“You really love her don’t you?” Buffy said`
//!
//! ## Fix safety
//! Never certain: the original character is lost. `likely` when the
//! model's posterior reaches the threshold calibrated on books left out of
//! training (right at least 99.5% of the time there), `guess` below it
//! (`docs/restoration.md` gives the measured figures). A lost letter is
//! restored only when exactly one reading makes a known word. A text whose
//! words the model does not know (another language) is left alone: its
//! quotes follow conventions the model was not trained on. A U+FFFD at the
//! very end of a UTF-16 or UTF-32 file (a truncated code unit) is left.
//!
//! How it decides: a model learned from public-domain prose
//! (`models/restore/`, `examples/train_restore.rs`) gives each U+FFFD a
//! probability per candidate from its context (`features.rs`, `model.rs`);
//! the candidates of a paragraph are read together with which quotes are
//! open, carried across paragraphs (`joint.rs`).

pub mod features;
pub mod joint;
pub mod model;
mod paragraphs;
pub mod training;

use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule, RuleInfo, Stage};
use features::{Label, Window};
use model::Model;
use std::sync::{OnceLock, RwLock};

pub use paragraphs::paragraphs;

pub struct ReplacementRestore;

static INFO: RuleInfo = RuleInfo {
    id: "replacement-restore",
    stage: Stage::Repair,
    summary: "U+FFFD restored by a model learned from prose: quotes, apostrophes, dashes, letters",
    default_enabled: true,
};

const FFFD: char = '\u{FFFD}';

/// The committed model (see `models/restore/README.md`).
static MODEL_BYTES: &[u8] = include_bytes!("../../../models/restore/model.bin");

/// A model used instead of the committed one (evaluation of models
/// trained with some authors left out).
static OVERRIDE: RwLock<Option<&'static Model>> = RwLock::new(None);

/// Use `model` instead of the committed model from now on (`None`: the
/// committed one again). For evaluating models trained on part of a corpus.
pub fn use_model(model: Option<&'static Model>) {
    *OVERRIDE.write().unwrap_or_else(|e| e.into_inner()) = model;
}

/// The model in use: the committed one, parsed on first use (`None` if it
/// does not parse), unless [`use_model`] set another.
pub fn model() -> Option<&'static Model> {
    if let Some(m) = *OVERRIDE.read().unwrap_or_else(|e| e.into_inner()) {
        return Some(m);
    }
    static MODEL: OnceLock<Option<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| Model::from_bytes(MODEL_BYTES).ok())
        .as_ref()
}

impl Rule for ReplacementRestore {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.replacement {
            return;
        }
        let Some(model) = model() else {
            return;
        };
        // A U+FFFD ending a UTF-16/32 file stands for a cut code unit.
        let truncated_unit = ctx.decoded.encoding.starts_with("UTF-16")
            || ctx.decoded.encoding.starts_with("UTF-32");
        for choice in read(model, text, ctx.facts.unicode_newlines) {
            if truncated_unit && choice.at + FFFD.len_utf8() == text.len() {
                continue;
            }
            let Some(c) = choice.char else {
                continue;
            };
            if choice.posterior < model.thresholds.restore {
                continue;
            }
            let confidence = if choice.posterior >= model.thresholds.likely {
                Confidence::Likely
            } else {
                Confidence::Guess
            };
            out.fixes.push(Fix::new(
                choice.at..choice.at + FFFD.len_utf8(),
                &*c.encode_utf8(&mut [0; 4]),
                confidence,
            ));
        }
    }
}

/// The model's reading of one U+FFFD.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Byte offset of the U+FFFD.
    pub at: usize,
    pub label: Label,
    /// The character to restore; `None`: leave the U+FFFD.
    pub char: Option<char>,
    /// How probable the reading is (for letters: the lexicon's measured
    /// precision).
    pub posterior: f32,
}

/// Read every U+FFFD of `text`. Empty when the text does not fit the model.
/// `unicode_breaks`: the text may hold Unicode line breaks.
pub fn read(model: &Model, text: &str, unicode_breaks: bool) -> Vec<Choice> {
    let bytes = text.as_bytes();
    let lost: Vec<usize> = memchr::memmem::find_iter(bytes, "\u{FFFD}".as_bytes()).collect();
    if lost.is_empty() {
        return Vec::new();
    }
    let paras = paragraphs(text, unicode_breaks);
    if !fits(model, text, &paras, &lost) {
        return Vec::new();
    }
    let mut readings = Vec::with_capacity(lost.len());
    let mut carry = joint::start();
    let mut last_para = usize::MAX;
    for (k, &(start, end)) in paras.iter().enumerate() {
        let first = lost.partition_point(|&p| p < start);
        let last = lost.partition_point(|&p| p < end);
        if first == last {
            continue;
        }
        // Quote state carries over from the paragraph before only.
        if last_para.wrapping_add(1) != k {
            carry = joint::start();
        }
        last_para = k;
        carry = joint::read_paragraph(
            model,
            text,
            (start, end),
            &lost[first..last],
            &carry,
            &mut readings,
        );
    }
    readings
        .into_iter()
        .map(|r| choose(model, r.at, &r.window, &r.posterior))
        .collect()
}

/// The reading of one U+FFFD from its posterior, with lost letters decided
/// by the lexicon.
fn choose(model: &Model, at: usize, w: &Window, posterior: &[f32]) -> Choice {
    let leave = |label| Choice {
        at,
        label,
        char: None,
        posterior: 0.0,
    };
    if !w.left_letters.is_empty() || !w.right_letters.is_empty() {
        let (left, right) = (
            w.left_letters.to_lowercase(),
            w.right_letters.to_lowercase(),
        );
        if let Some(letter) = model.hole(&format!("{left}{FFFD}{right}")) {
            // Other readings that make known words: an apostrophe inside,
            // or the word(s) on either side standing alone.
            let apostrophe =
                !left.is_empty() && !right.is_empty() && model.knows(&format!("{left}’{right}"));
            let apart = (left.is_empty() || model.knows(&left))
                && (right.is_empty() || model.knows(&right));
            return match letter {
                Some(c) if !apostrophe && !apart => Choice {
                    at,
                    label: Label::Letter,
                    char: Some(
                        if w.left_letters.is_empty()
                            && w.right_letters.starts_with(char::is_uppercase)
                            || w.left_letters.chars().all(char::is_uppercase)
                                && !w.left_letters.is_empty()
                        {
                            c.to_uppercase().next().unwrap_or(c)
                        } else {
                            c
                        },
                    ),
                    posterior: model.thresholds.letter,
                },
                _ => leave(Label::Letter),
            };
        }
    }
    let (best, &p) = posterior
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .expect("labels");
    let label = Label::ALL[best];
    match label.char() {
        Some(c) => Choice {
            at,
            label,
            char: Some(c),
            posterior: p,
        },
        None => leave(label),
    }
}

/// Does the text fit the model? The share of known words among the words
/// of the damaged paragraphs (up to a sample) must reach the calibrated
/// floor; too few words to judge count as a fit.
fn fits(model: &Model, text: &str, paras: &[(usize, usize)], lost: &[usize]) -> bool {
    const SAMPLE: usize = 400;
    let (mut words, mut known) = (0usize, 0usize);
    let mut lower = String::new();
    for &(start, end) in paras {
        if words >= SAMPLE {
            break;
        }
        let first = lost.partition_point(|&p| p < start);
        if first == lost.len() || lost[first] >= end {
            continue;
        }
        for w in model::words(&text[start..end]) {
            if w.len() < 2 {
                continue;
            }
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
            words += 1;
            known += usize::from(model.knows(&lower));
            if words >= SAMPLE {
                break;
            }
        }
    }
    words < 20 || known as f32 >= model.thresholds.fit * words as f32
}
