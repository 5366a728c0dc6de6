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

use super::charmap::Page;
use crate::edit::{Confidence, Fix};
use crate::rule::{Context, Outcome, Rule};
use features::{Label, Window};
use model::Model;
use std::sync::{OnceLock, RwLock};

pub use paragraphs::paragraphs;

crate::declare_rule! {
    /// ## What it does
    /// Restores characters that were already replaced by U+FFFD before fettle saw
    /// the text: apostrophes, opening and closing single and double quotes, em
    /// and en dashes, ellipses, no-break spaces, pound signs, and letters lost
    /// inside a known word (`caf�` → `café`). Each restoration carries the
    /// probability the model gives it; where no reading is probable enough, the
    /// U+FFFD stays and `replacement-char` reports it.
    ///
    /// ## Why
    /// Windows-1252 text read as UTF-8 with replacement loses every curly quote,
    /// apostrophe and dash. The bytes are gone, but the typography of prose is
    /// regular enough that the lost character can nearly always be told.
    ///
    /// ## Example
    /// `�You really love her don�t you?� Buffy said` →
    /// `“You really love her don’t you?” Buffy said`
    ///
    /// ## Fix safety
    /// Never certain: the original character is lost. `likely` when the
    /// model's posterior reaches the threshold calibrated on books left out of
    /// training (right at least 99.5% of the time there), `guess` below it
    /// (`docs/restoration.md` gives the measured figures). A lost letter is
    /// restored only when exactly one reading makes a known word. A text whose
    /// words the model does not know (another language) is left alone: its
    /// quotes follow conventions the model was not trained on. A U+FFFD at the
    /// very end of a UTF-16 or UTF-32 file (a truncated code unit) is left.
    pub struct ReplacementRestore {
        id: "replacement-restore",
        stage: Repair,
        summary: "U+FFFD restored by a model learned from prose: quotes, apostrophes, dashes, letters",
        default_enabled: true,
    }
}

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
        // Restored characters are context for the U+FFFD left: the text is
        // read again with them until a round restores nothing, so that
        // cleaning the cleaned text changes nothing. Only restorations that
        // will be applied (sure enough for `fix.min-confidence`) become
        // context: the cleaned text holds those and no others. A withheld
        // one is proposed as the last round read it. `origin[k]`: where in
        // `text` the k-th U+FFFD still left is.
        let min = ctx.config.fix.min_confidence;
        let mut current = std::borrow::Cow::Borrowed(text);
        let mut origin: Vec<usize> = lost_in(text);
        let mut withheld: std::collections::BTreeMap<usize, Fix> = Default::default();
        // A later round rests on the earlier ones' restorations.
        let mut floor = Confidence::Likely;
        for _round in 0..MAX_ROUNDS {
            let here = lost_in(&current);
            let mut restored: Vec<(usize, char)> = Vec::new();
            let mut round_floor = floor;
            withheld.clear();
            for choice in read(model, &current, ctx.facts.unicode_newlines) {
                let Ok(k) = here.binary_search(&choice.at) else {
                    continue;
                };
                if truncated_unit && origin[k] + FFFD.len_utf8() == text.len() {
                    continue;
                }
                let Some(c) = choice.char else {
                    continue;
                };
                if choice.posterior < model.thresholds.restore {
                    continue;
                }
                let confidence = if choice.posterior >= model.thresholds.likely_for(choice.class) {
                    Confidence::Likely
                } else {
                    Confidence::Guess
                };
                let fix = Fix::new(
                    origin[k]..origin[k] + FFFD.len_utf8(),
                    &*c.encode_utf8(&mut [0; 4]),
                    confidence.min(floor),
                );
                if confidence.min(floor) < min {
                    withheld.insert(origin[k], fix);
                    continue;
                }
                round_floor = round_floor.min(confidence);
                out.fixes.push(fix);
                restored.push((k, c));
            }
            if restored.is_empty() || restored.len() == here.len() {
                break;
            }
            floor = round_floor;
            let mut next = String::with_capacity(current.len());
            let mut copied = 0;
            for &(k, c) in &restored {
                next.push_str(&current[copied..here[k]]);
                next.push(c);
                copied = here[k] + FFFD.len_utf8();
            }
            next.push_str(&current[copied..]);
            let mut r = restored.iter().map(|&(k, _)| k).peekable();
            origin = origin
                .iter()
                .enumerate()
                .filter(|&(k, _)| {
                    let gone = r.peek() == Some(&k);
                    if gone {
                        r.next();
                    }
                    !gone
                })
                .map(|(_, &o)| o)
                .collect();
            current = std::borrow::Cow::Owned(next);
        }
        out.fixes.extend(withheld.into_values());
    }
}

/// Rounds of restoring with the previous rounds' restorations as context.
const MAX_ROUNDS: usize = 8;

fn lost_in(text: &str) -> Vec<usize> {
    memchr::memmem::find_iter(text.as_bytes(), "\u{FFFD}".as_bytes()).collect()
}

/// The model's reading of one U+FFFD.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Byte offset of the U+FFFD.
    pub at: usize,
    pub label: Label,
    /// The character to restore; `None`: leave the U+FFFD.
    pub char: Option<char>,
    /// How probable the character is (for letters: the lexicon's measured
    /// precision).
    pub posterior: f32,
    /// Its calibration class ([`model::class`]).
    pub class: usize,
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
        .map(|r| {
            if completes_mojibake(text, r.at) {
                Choice {
                    at: r.at,
                    label: Label::Other,
                    char: None,
                    posterior: 0.0,
                    class: model::CLASSES,
                }
            } else {
                choose(model, r.at, &r.window, &r.posterior)
            }
        })
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
        class: model::CLASSES,
    };
    if !w.left_letters.is_empty() || !w.right_letters.is_empty() {
        let (left, right) = (
            features::lowercase(&w.left_letters),
            features::lowercase(&w.right_letters),
        );
        let hole = features::joined(&left, FFFD, &right);
        // Other languages' words only for a letter inside a word of five
        // letters or more (`na�ve`, `man�uvres`): shorter, or at a word's
        // edge, a foreign word matches by chance.
        let inside = !left.is_empty() && !right.is_empty() && hole.chars().count() >= 5;
        let found = model
            .hole(&hole)
            .or_else(|| model.foreign_hole(&hole).filter(|_| inside).map(Some));
        if let Some(letter) = found {
            // Other readings that make known words: an apostrophe inside,
            // or the word(s) on either side standing alone.
            let apostrophe = !left.is_empty()
                && !right.is_empty()
                && model.knows(&features::joined(&left, '’', &right));
            let apart = (left.is_empty() || model.knows(&left))
                && (right.is_empty() || model.knows(&right));
            // With another reading that makes words, the context model
            // decides (a letter it cannot restore: it leaves those).
            if !apostrophe && !apart {
                return match letter {
                    Some(c) => Choice {
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
                        class: model::CLASSES,
                    },
                    None => leave(Label::Letter),
                };
            }
        }
    }
    // The roles that restore the same character (`’` as apostrophe and as
    // closing quote) pool their probability: what is restored is the
    // character, whichever role it plays.
    let pooled = |y: usize| match Label::ALL[y].char() {
        Some(c) => Label::ALL
            .iter()
            .zip(posterior)
            .filter(|(l, _)| l.char() == Some(c))
            .map(|(_, &p)| p)
            .sum(),
        None => posterior[y],
    };
    let (best, p) = (0..posterior.len())
        .map(|y| (y, pooled(y)))
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(posterior[a.0].total_cmp(&posterior[b.0]))
        })
        .expect("labels");
    let label = Label::ALL[best];
    match label.char() {
        Some(c) => Choice {
            at,
            label,
            char: Some(c),
            posterior: p,
            class: model::class(c, w),
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

/// Would restoring the U+FFFD at `at` complete a UTF-8 sequence in
/// Windows-1252 bytes, with a lead character before it (`Ã`, `é`) and
/// continuation characters (or other U+FFFD) between and after? Every
/// character restored here has a continuation byte in Windows-1252, so the
/// restored text would hold mojibake that the next cleaning would undo; and
/// the U+FFFD is then most likely a lost byte of mojibake. It is left.
fn completes_mojibake(text: &str, at: usize) -> bool {
    let t = Page::Windows1252.table();
    let cont = |c: char| c == FFFD || (!c.is_ascii() && matches!(t.encode(c), Some(0x80..=0xBF)));
    let mut between = 0;
    for c in text[..at].chars().rev().take(3) {
        if cont(c) {
            between += 1;
            continue;
        }
        let need = match t.encode(c) {
            Some(0xC2..=0xDF) if !c.is_ascii() => 1,
            Some(0xE0..=0xEF) => 2,
            Some(0xF0..=0xF4) => 3,
            _ => return false,
        };
        let after = text[at + FFFD.len_utf8()..]
            .chars()
            .take(3)
            .take_while(|&c| cont(c))
            .count();
        return between < need && between + 1 + after >= need;
    }
    false
}
