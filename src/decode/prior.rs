//! Corpus-level consistency (`--corpus-prior`, `[decode] corpus-prior`).
//!
//! Files of one collection usually share an encoding. With the option on, a
//! first pass detects every file; the encoding most of the *confidently*
//! detected legacy files agree on becomes a prior, and a second pass lets it
//! settle files whose own evidence is weak (a short file, a `guess`, an
//! ambiguous verdict).
//!
//! The prior is worth `ln((m + 1) / (o + 1))` cost units, where `m` files were
//! confidently detected in the dominant encoding and `o` in others: the
//! Laplace odds that one more file of the collection is in the dominant
//! encoding. A weak file switches to it when its reading in the dominant
//! encoding costs at most that much more than its own guess's reading (costs
//! from [`super::plausible`], on the detection window) and decodes without
//! undecodable bytes. Files detected with confidence are never touched, nor
//! are ASCII, UTF-8, BOM or UTF-16/32 files.

use super::detect::{self, Guess};
use super::plausible::text_cost;
use super::{EncodingVerdict, Method};
use crate::edit::Confidence;
use encoding_rs::Encoding;
use std::collections::BTreeMap;

/// A collection's dominant legacy encoding.
#[derive(Debug, Clone, Copy)]
pub struct CorpusPrior {
    pub encoding: &'static Encoding,
    /// Confidently detected files in `encoding`.
    pub agreeing: usize,
    /// Confidently detected legacy files in other encodings.
    pub others: usize,
}

impl CorpusPrior {
    /// The dominant encoding among confident legacy detections, when it has
    /// at least two files and a majority.
    pub fn from_detections<'a>(
        detections: impl IntoIterator<Item = &'a EncodingVerdict>,
    ) -> Option<Self> {
        let mut counts: BTreeMap<&'static str, (usize, &'static Encoding)> = BTreeMap::new();
        let mut total = 0;
        for d in detections {
            if let EncodingVerdict::Guess(g) = d {
                if is_strong(g) {
                    counts.entry(g.encoding.name()).or_insert((0, g.encoding)).0 += 1;
                    total += 1;
                }
            }
        }
        let (m, encoding) = counts.into_values().max_by_key(|(n, _)| *n)?;
        (m >= 2 && m * 2 > total).then_some(CorpusPrior {
            encoding,
            agreeing: m,
            others: total - m,
        })
    }

    /// The prior's weight in cost units.
    pub fn log_odds(&self) -> f32 {
        ((self.agreeing as f32 + 1.0) / (self.others as f32 + 1.0)).ln()
    }

    /// Let the prior settle `guess` for `bytes` if the guess is weak.
    pub fn apply(&self, bytes: &[u8], guess: Guess) -> Guess {
        if guess.method != Method::Guess || !is_weak(&guess) || guess.encoding == self.encoding {
            return guess;
        }
        let Some(first) = bytes.iter().position(|&b| b >= 0x80) else {
            return guess;
        };
        let end = detect::window_end(bytes, first);
        let window = &bytes[first.saturating_sub(1)..end];
        let (prior_text, prior_errors) = self.encoding.decode_without_bom_handling(window);
        if prior_errors {
            return guess;
        }
        let own_text = guess.encoding.decode_without_bom_handling(window).0;
        if own_text == prior_text {
            return guess;
        }
        let extra = text_cost(&prior_text) - text_cost(&own_text);
        let margin = self.log_odds() - extra;
        if margin < 0.0 {
            return guess;
        }
        let share = 1.0 / (1.0 + (-margin).exp());
        Guess {
            encoding: self.encoding,
            method: Method::CorpusPrior,
            confidence: Confidence::Guess,
            score: share,
            runner_up: Some((guess.encoding, 1.0 - share)),
            ambiguous: 1.0 - share >= detect::AMBIGUOUS_SHARE,
            language: None,
        }
    }
}

/// Detected with enough evidence to vote for the collection's encoding.
fn is_strong(g: &Guess) -> bool {
    g.method == Method::Guess && g.confidence >= Confidence::Likely && !g.ambiguous
}

/// Weak enough for the collection's encoding to overrule.
fn is_weak(g: &Guess) -> bool {
    g.confidence == Confidence::Guess || g.ambiguous
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1251;

    #[test]
    fn prior_settles_a_short_file() {
        let long = WINDOWS_1251
            .encode("Вчера вечером мы долго гуляли по набережной и разговаривали о книгах, а потом пошёл дождь.")
            .0
            .into_owned();
        let detections: Vec<EncodingVerdict> = (0..5).map(|_| super::super::sniff(&long)).collect();
        let prior = CorpusPrior::from_detections(&detections).expect("a dominant encoding");
        assert_eq!(prior.encoding, WINDOWS_1251);
        // "да" alone, weakly guessed as Latin "äà".
        let short = b"\xe4\xe0\n";
        let alone = Guess {
            encoding: encoding_rs::WINDOWS_1252,
            method: Method::Guess,
            confidence: Confidence::Guess,
            score: 0.5,
            runner_up: None,
            ambiguous: true,
            language: None,
        };
        let settled = prior.apply(short, alone);
        assert_eq!(settled.encoding, WINDOWS_1251);
        assert_eq!(settled.method, Method::CorpusPrior);
        // A confidently detected file keeps its encoding.
        let french =
            b"Tr\xe8s bien, le caf\xe9 \xe9tait d\xe9j\xe0 pr\xeat \xe0 l'\xe9t\xe9, na\xefvement.";
        let EncodingVerdict::Guess(own) = super::super::sniff(french) else {
            panic!()
        };
        assert_eq!(prior.apply(french, own).encoding, own.encoding);
    }
}
