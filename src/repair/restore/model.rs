//! The restoration model: counts of what each context held in clean prose,
//! turned into probabilities, and the bytes they are stored as
//! (`models/restore/model.bin`, built by `examples/train_restore.rs`).
//!
//! - The context model gives P(label | context) from the deepest of
//!   [`LEVELS`] nested context keys seen in training; each level's estimate
//!   is interpolated with its parent's (Witten–Bell), so a rare context
//!   leans on a coarser one by as much as its own counts are thin.
//! - The quote-state model gives how the open quotes change that:
//!   ln P(label | state, coarse context) − ln P(label | coarse context).
//! - `end` is ln P(a paragraph ends in this state): open quotes left at a
//!   paragraph's end are as likely as prose makes them, no more.
//! - The lexicon (words of the training text) decides lost letters and how
//!   well a text fits the model.
//! - The thresholds were calibrated on books left out of training.

use super::features::{is_cp1252_high, Label, Window, COARSE, LABELS, LEVELS, STATES};
use rustc_hash::{FxHashMap, FxHashSet};

const MAGIC: &[u8; 8] = b"FTRESTO2";
/// ln-probabilities are stored as `-ln p * SCALE` in a u16.
const SCALE: f32 = 1024.0;

/// Posterior thresholds, measured on books the counts did not come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// From this posterior on, a restoration is `likely`.
    pub likely: f32,
    /// Below this posterior the U+FFFD is left.
    pub restore: f32,
    /// A text whose words next to U+FFFD are known words less often than
    /// this is not the model's kind of text: nothing is restored.
    pub fit: f32,
    /// The measured precision of letters the lexicon restores.
    pub letter: f32,
    /// From this posterior on, a restoration of each [`class`] is
    /// `likely`: the model's posteriors are sharper for some kinds of
    /// character than for others, so each kind is calibrated on its own.
    pub likely_by_class: [f32; CLASSES],
}

impl Thresholds {
    /// The `likely` threshold for a restoration of class `class`.
    pub fn likely_for(&self, class: usize) -> f32 {
        self.likely_by_class
            .get(class)
            .copied()
            .unwrap_or(self.likely)
    }
}

/// How many calibration classes there are (see [`class`]).
pub const CLASSES: usize = 9;

/// The calibration class of restoring `c` in window `w`: `’` between
/// letters (an apostrophe inside a word), any other `’`, `‘`, `“`, `”`,
/// dashes, `…`, the no-break space, the rest.
pub fn class(c: char, w: &Window) -> usize {
    match c {
        '’' if !w.left_letters.is_empty() && !w.right_letters.is_empty() => 0,
        '’' => 1,
        '‘' => 2,
        '“' => 3,
        '”' => 4,
        '—' | '–' => 5,
        '…' => 6,
        '\u{a0}' => 7,
        _ => 8,
    }
}

pub struct Model {
    index: FxHashMap<u64, u32>,
    /// `LABELS` u16 per stored context, in the order of `index`'s values.
    dists: Vec<u16>,
    prior: [f32; LABELS],
    state_adjust: Vec<[f32; LABELS]>,
    pub end: [f32; STATES],
    lexicon: FxHashSet<String>,
    /// A known word with one letter above ASCII replaced by U+FFFD → that
    /// letter (`None` when several letters make known words).
    holes: FxHashMap<String, Option<char>>,
    /// The same from the words of other languages, for holes no English
    /// word fills.
    foreign_holes: FxHashMap<String, Option<char>>,
    pub thresholds: Thresholds,
}

impl Model {
    /// ln P(label | context), from the deepest known context key.
    pub fn context(&self, w: &Window, out: &mut [f32; LABELS]) {
        let keys = w.keys();
        for key in keys.iter().rev() {
            if let Some(&i) = self.index.get(key) {
                let d = &self.dists[i as usize * LABELS..][..LABELS];
                for (o, &q) in out.iter_mut().zip(d) {
                    *o = -f32::from(q) / SCALE;
                }
                return;
            }
        }
        *out = self.prior;
    }

    /// P(label | state, coarse) / P(label | coarse).
    pub fn state_adjust(&self, state: usize, coarse: usize) -> &[f32; LABELS] {
        &self.state_adjust[state * COARSE + coarse]
    }

    pub fn knows(&self, word: &str) -> bool {
        self.lexicon.contains(word)
    }

    /// The letters that make `hole` (a lowercase word with one U+FFFD) a
    /// known word: `Some(Some(c))` for exactly one, `Some(None)` for several.
    pub fn hole(&self, hole: &str) -> Option<Option<char>> {
        self.holes.get(hole).copied()
    }

    /// The letter that makes `hole` a word of another language, when
    /// exactly one does and no English word fits.
    pub fn foreign_hole(&self, hole: &str) -> Option<char> {
        self.foreign_holes.get(hole).copied().flatten()
    }

    pub fn lexicon_len(&self) -> usize {
        self.lexicon.len()
    }

    pub fn from_bytes(b: &[u8]) -> Result<Model, String> {
        let mut r = Reader { b, at: 0 };
        if r.take(8)? != MAGIC {
            return Err("not a restoration model".into());
        }
        let thresholds = Thresholds {
            likely: r.f32()?,
            restore: r.f32()?,
            fit: r.f32()?,
            letter: r.f32()?,
            likely_by_class: [0.0; CLASSES],
        };
        let mut thresholds = thresholds;
        for t in &mut thresholds.likely_by_class {
            *t = r.f32()?;
        }
        let mut prior = [0f32; LABELS];
        for p in &mut prior {
            *p = r.f32()?;
        }
        let mut end = [0f32; STATES];
        for e in &mut end {
            *e = r.f32()?;
        }
        let mut state_adjust = vec![[0f32; LABELS]; STATES * COARSE];
        for row in &mut state_adjust {
            for v in row.iter_mut() {
                *v = r.f32()?.exp();
            }
        }
        let n = r.u32()? as usize;
        let mut index = FxHashMap::with_capacity_and_hasher(n, Default::default());
        let mut dists = Vec::with_capacity(n * LABELS);
        for i in 0..n {
            index.insert(r.u64()?, i as u32);
            for _ in 0..LABELS {
                dists.push(r.u16()?);
            }
        }
        let words = r.u32()? as usize;
        let text = std::str::from_utf8(r.take(words)?).map_err(|e| e.to_string())?;
        let lexicon: FxHashSet<String> = text
            .split('\n')
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        let n = r.u32()? as usize;
        let foreign = std::str::from_utf8(r.take(n)?).map_err(|e| e.to_string())?;
        let holes = holes_of(lexicon.iter().map(String::as_str));
        // Other languages' words only where they are long enough not to
        // be chance (`caf�`, `na�ve`, `man�uvres`) and English has no word.
        let foreign_holes = holes_of(
            foreign
                .split('\n')
                .filter(|w| w.chars().count() >= 4 && !lexicon.contains(*w)),
        )
        .into_iter()
        .filter(|(k, _)| !holes.contains_key(k))
        .collect();
        Ok(Model {
            holes,
            foreign_holes,
            index,
            dists,
            prior,
            state_adjust,
            end,
            lexicon,
            thresholds,
        })
    }
}

/// Each word with one letter above ASCII replaced by U+FFFD → that letter
/// (`None` when several letters make words).
fn holes_of<'a>(words: impl Iterator<Item = &'a str>) -> FxHashMap<String, Option<char>> {
    let mut holes: FxHashMap<String, Option<char>> = FxHashMap::default();
    for w in words.filter(|w| !w.is_ascii()) {
        for (i, c) in w.char_indices() {
            if c.is_alphabetic() && is_cp1252_high(c) {
                let key = format!("{}\u{FFFD}{}", &w[..i], &w[i + c.len_utf8()..]);
                holes
                    .entry(key)
                    .and_modify(|e| {
                        if *e != Some(c) {
                            *e = None
                        }
                    })
                    .or_insert(Some(c));
            }
        }
    }
    holes
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let s = self.b.get(self.at..self.at + n).ok_or("model truncated")?;
        self.at += n;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("2")))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }
    fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }
}

/// Counts gathered from clean text, turned into a [`Model`].
#[derive(Default)]
pub struct Counts {
    /// Per level: key → (parent key, counts per label).
    levels: Vec<FxHashMap<u64, (u64, [u32; LABELS])>>,
    state: Vec<[u32; LABELS]>,
    end: [u32; STATES],
    words: FxHashMap<String, u32>,
    /// Words of other languages with a letter Windows-1252 writes above
    /// 0x7F: lost letters only, never the fit of a text.
    foreign_words: FxHashMap<String, u32>,
}

impl Counts {
    pub fn new() -> Self {
        Counts {
            levels: vec![FxHashMap::default(); LEVELS],
            state: vec![[0; LABELS]; STATES * COARSE],
            ..Default::default()
        }
    }

    /// Count one lost character: its context, the quote state before it
    /// and what it was.
    pub fn add(&mut self, w: &Window, state: usize, label: Label) {
        let keys = w.keys();
        let mut parent = 0;
        for (level, &key) in self.levels.iter_mut().zip(&keys) {
            level.entry(key).or_insert((parent, [0; LABELS])).1[label as usize] += 1;
            parent = key;
        }
        self.state[state * COARSE + w.coarse()][label as usize] += 1;
    }

    /// Count the state a paragraph ended in.
    pub fn add_paragraph_end(&mut self, state: usize) {
        self.end[state] += 1;
    }

    /// Count the words of clean text (runs of letters with `’` inside).
    pub fn add_words(&mut self, text: &str) {
        for w in words(text) {
            *self.words.entry(w.to_lowercase()).or_default() += 1;
        }
    }

    /// Count the words of a text in another language that hold a letter
    /// Windows-1252 writes above 0x7F and no letter it cannot write.
    pub fn add_foreign_words(&mut self, text: &str) {
        for w in words(text) {
            if !w.is_ascii() && w.chars().all(|c| c.is_ascii() || is_cp1252_high(c)) {
                *self.foreign_words.entry(w.to_lowercase()).or_default() += 1;
            }
        }
    }

    /// Is `word` (lowercase) in the lexicon the model will have?
    pub fn knows(&self, word: &str) -> bool {
        self.words.get(word).is_some_and(|&c| in_lexicon(word, c))
    }

    /// Would `word` be in the lexicon without the words of `own`?
    pub fn knows_without(&self, word: &str, own: &Counts) -> bool {
        let all = self.words.get(word).copied().unwrap_or(0);
        let mine = own.words.get(word).copied().unwrap_or(0);
        all > mine && in_lexicon(word, all - mine)
    }

    /// Add the context counts of `other` (not its words).
    pub fn merge_contexts(&mut self, other: Counts) {
        for (mine, theirs) in self.levels.iter_mut().zip(other.levels) {
            for (key, (parent, c)) in theirs {
                let e = mine.entry(key).or_insert((parent, [0; LABELS]));
                for (a, b) in e.1.iter_mut().zip(c) {
                    *a += b;
                }
            }
        }
        for (a, b) in self.state.iter_mut().zip(other.state) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.end.iter_mut().zip(other.end) {
            *a += b;
        }
    }

    /// The model's bytes. Contexts seen fewer than `min_count` times are
    /// left to their parent; so is a context whose estimate is its parent's.
    pub fn to_bytes(&self, thresholds: Thresholds, min_count: u32) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        for v in [
            thresholds.likely,
            thresholds.restore,
            thresholds.fit,
            thresholds.letter,
        ]
        .iter()
        .chain(&thresholds.likely_by_class)
        {
            out.extend_from_slice(&v.to_le_bytes());
        }
        // Level estimates, coarse to fine.
        let total: [u32; LABELS] = self.levels[0].values().fold([0; LABELS], |mut a, (_, c)| {
            for (x, y) in a.iter_mut().zip(c) {
                *x += y;
            }
            a
        });
        let n: f64 = total.iter().map(|&c| f64::from(c)).sum();
        let prior: Vec<f64> = total
            .iter()
            .map(|&c| (f64::from(c) + 0.5) / (n + 0.5 * LABELS as f64))
            .collect();
        for p in &prior {
            out.extend_from_slice(&(p.ln() as f32).to_le_bytes());
        }
        // ln P(a paragraph ends in this state).
        let paragraphs: f64 = self.end.iter().map(|&c| f64::from(c)).sum();
        for s in 0..STATES {
            let p = (f64::from(self.end[s]) + 0.5) / (paragraphs + 0.5 * STATES as f64);
            out.extend_from_slice(&(p.ln() as f32).to_le_bytes());
        }
        // Quote-state adjustment per coarse context.
        for s in 0..STATES {
            for c in 0..COARSE {
                let mut marginal = [0f64; LABELS];
                for s2 in 0..STATES {
                    for (m, &x) in marginal.iter_mut().zip(&self.state[s2 * COARSE + c]) {
                        *m += f64::from(x);
                    }
                }
                let here = &self.state[s * COARSE + c];
                let nh: f64 = here.iter().map(|&x| f64::from(x)).sum();
                let nm: f64 = marginal.iter().sum();
                for y in 0..LABELS {
                    let pm = (marginal[y] + prior[y]) / (nm + 1.0);
                    // Witten–Bell towards the marginal.
                    let t = here.iter().filter(|&&x| x > 0).count() as f64 + 1.0;
                    let ph = (f64::from(here[y]) + t * pm) / (nh + t);
                    out.extend_from_slice(&((ph.ln() - pm.ln()) as f32).to_le_bytes());
                }
            }
        }
        let mut est: Vec<FxHashMap<u64, [f64; LABELS]>> = Vec::new();
        let mut stored: Vec<(u64, [u16; LABELS])> = Vec::new();
        for (k, level) in self.levels.iter().enumerate() {
            let mut here = FxHashMap::default();
            for (&key, (parent, counts)) in level {
                let parent: [f64; LABELS] = if k == 0 {
                    prior.clone().try_into().expect("labels")
                } else {
                    match est[k - 1].get(parent) {
                        Some(p) => *p,
                        None => continue,
                    }
                };
                let nk: f64 = counts.iter().map(|&c| f64::from(c)).sum();
                if k > 0 && nk < f64::from(min_count) {
                    continue;
                }
                let t = counts.iter().filter(|&&c| c > 0).count() as f64;
                let mut p = [0f64; LABELS];
                for y in 0..LABELS {
                    p[y] = (f64::from(counts[y]) + t * parent[y]) / (nk + t);
                }
                let q = quantize(&p);
                if k == 0
                    || q.iter()
                        .zip(&quantize(&parent))
                        .any(|(a, b)| a.abs_diff(*b) > 8)
                {
                    stored.push((key, q));
                }
                here.insert(key, p);
            }
            est.push(here);
        }
        stored.sort_unstable_by_key(|s| s.0);
        out.extend_from_slice(&(stored.len() as u32).to_le_bytes());
        for (key, q) in &stored {
            out.extend_from_slice(&key.to_le_bytes());
            for v in q {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        let mut lexicon: Vec<&str> = self
            .words
            .iter()
            .filter(|(w, &c)| in_lexicon(w, c))
            .map(|(w, _)| w.as_str())
            .collect();
        lexicon.sort_unstable();
        let text = lexicon.join("\n");
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        // Foreign words seen twice that the lexicon does not hold.
        let mut foreign: Vec<&str> = self
            .foreign_words
            .iter()
            .filter(|(w, &c)| c >= 2 && !self.words.contains_key(*w))
            .map(|(w, _)| w.as_str())
            .collect();
        foreign.sort_unstable();
        let text = foreign.join("\n");
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        out
    }
}

/// Words seen twice, and every word with a letter outside ASCII, go into
/// the lexicon.
fn in_lexicon(word: &str, count: u32) -> bool {
    count >= 2 || !word.is_ascii()
}

fn quantize(p: &[f64; LABELS]) -> [u16; LABELS] {
    p.map(|x| {
        (-(x.max(1e-12)).ln() * f64::from(SCALE))
            .round()
            .min(65535.0) as u16
    })
}

/// The words of `text`: runs of letters, with `’` between letters kept.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(char::is_alphabetic)?;
        let s = &rest[start..];
        let mut end = 0;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_alphabetic() {
                end = i + c.len_utf8();
            } else if c == '’' && chars.peek().is_some_and(|&(_, n)| n.is_alphabetic()) {
                continue;
            } else {
                break;
            }
        }
        let w = &s[..end];
        rest = &s[end..];
        Some(w)
    })
}
