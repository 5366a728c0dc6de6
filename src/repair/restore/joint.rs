//! The joint decision: every lost character of a paragraph is read
//! together with which quotes are open, by forward–backward over the quote
//! state. The state a paragraph ends in is carried into the next one, so a
//! quotation continued over paragraphs is read as such.
//!
//! Each lost character's distribution given the state is the context
//! model's, adjusted by the quote-state model and renormalized over the
//! labels the state allows (a quote that is not open cannot close). The
//! posterior of a label is its probability summed over every reading of
//! the paragraph: that is the restoration's confidence.

use super::features::{Label, QuoteState, Window, LABELS, STATES};
use super::model::Model;

/// One lost character's reading.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Byte offset of the U+FFFD.
    pub at: usize,
    pub window: Window,
    /// Posterior per label.
    pub posterior: [f32; LABELS],
}

/// An item of a paragraph's sequence.
enum Item {
    /// A lost character: its index in the paragraph's table of
    /// P(label | context, state) per state (kept apart: one allocation per
    /// paragraph, not per character).
    Lost(usize),
    /// An intact quote mark (`’` may be either role).
    Intact(&'static [Label]),
}

/// The quote state distribution at the start of the next paragraph.
pub type Carry = [f64; STATES];

pub fn start() -> Carry {
    let mut c = [0.0; STATES];
    c[0] = 1.0;
    c
}

/// Read the lost characters at `lost` in the paragraph `text[start..end]`,
/// starting from `carry`; returns the carry for the next paragraph.
pub fn read_paragraph(
    model: &Model,
    text: &str,
    (start, end): (usize, usize),
    lost: &[usize],
    carry: &Carry,
    out: &mut Vec<Reading>,
) -> Carry {
    let bytes = text.as_bytes();
    let mut items = Vec::with_capacity(lost.len() + 4);
    let mut windows = Vec::with_capacity(lost.len());
    let mut conds = Vec::with_capacity(lost.len());
    let mut li = 0;
    let quotes = memchr::memchr2_iter(b'"', 0xE2, &bytes[start..end]).map(|i| start + i);
    for at in quotes.chain([end]) {
        while li < lost.len() && lost[li] < at {
            let mut w = Window::read(text, start, end, lost[li]);
            w.set_lexical(|word| model.knows(word));
            items.push(Item::Lost(conds.len()));
            conds.push(conditional(model, &w));
            windows.push((lost[li], w));
            li += 1;
        }
        if at == end {
            break;
        }
        let intact: &'static [Label] = match &bytes[at..(at + 3).min(end)] {
            [0xE2, 0x80, 0x9C] => &[Label::OpenDouble],
            [0xE2, 0x80, 0x9D] => &[Label::CloseDouble],
            [0xE2, 0x80, 0x98] => &[Label::OpenSingle],
            [0xE2, 0x80, 0x99] => &[Label::Apostrophe, Label::CloseSingle],
            [b'"', ..] => {
                let prev = text[..at].chars().next_back();
                if prev.is_none_or(|p| p.is_whitespace() || "([—".contains(p)) {
                    &[Label::OpenDouble]
                } else {
                    &[Label::CloseDouble]
                }
            }
            _ => continue,
        };
        items.push(Item::Intact(intact));
    }
    let n = items.len();
    // Forward, each step scaled to sum 1.
    let mut fwd = vec![[0f64; STATES]; n + 1];
    fwd[0] = *carry;
    for (i, item) in items.iter().enumerate() {
        let mut next = [0f64; STATES];
        for (s, &a) in fwd[i].iter().enumerate() {
            if a == 0.0 {
                continue;
            }
            step(item, &conds, s, |_, s2, p| next[s2] += a * p);
        }
        normalize(&mut next);
        fwd[i + 1] = next;
    }
    // Backward from the paragraph's end, weighted by how often prose ends
    // a paragraph in each state.
    let mut bwd = vec![[0f64; STATES]; n + 1];
    for (b, &e) in bwd[n].iter_mut().zip(&model.end) {
        *b = f64::from(e).exp();
    }
    normalize(&mut bwd[n]);
    for i in (0..n).rev() {
        let mut here = [0f64; STATES];
        for (s, h) in here.iter_mut().enumerate() {
            step(&items[i], &conds, s, |_, s2, p| *h += p * bwd[i + 1][s2]);
        }
        normalize(&mut here);
        bwd[i] = here;
    }
    let mut w = windows.into_iter();
    for (i, item) in items.iter().enumerate() {
        if !matches!(item, Item::Lost(_)) {
            continue;
        }
        let (at, window) = w.next().expect("a window per lost item");
        let mut post = [0f64; LABELS];
        for (s, &a) in fwd[i].iter().enumerate() {
            if a == 0.0 {
                continue;
            }
            step(item, &conds, s, |y, s2, p| {
                post[y as usize] += a * p * bwd[i + 1][s2]
            });
        }
        normalize(&mut post);
        out.push(Reading {
            at,
            window,
            posterior: post.map(|p| p as f32),
        });
    }
    // The carry: the final state, weighted by the paragraph's end, into a
    // new paragraph.
    let mut carry = [0f64; STATES];
    for s in 0..STATES {
        let p = fwd[n][s] * f64::from(model.end[s]).exp();
        carry[QuoteState::from_index(s).next_paragraph().index()] += p;
    }
    normalize(&mut carry);
    carry
}

/// The moves of `item` from state `s`: (label, next state, probability).
#[inline]
fn step(
    item: &Item,
    conds: &[[[f32; LABELS]; STATES]],
    s: usize,
    mut f: impl FnMut(Label, usize, f64),
) {
    let state = QuoteState::from_index(s);
    match item {
        Item::Lost(k) => {
            let p = &conds[*k];
            for (y, &label) in Label::ALL.iter().enumerate() {
                let py = p[s][y];
                if py > 0.0 {
                    let s2 = state.after(label).expect("allowed labels only");
                    f(label, s2.index(), f64::from(py));
                }
            }
        }
        Item::Intact(labels) => {
            let mut any = false;
            for &label in *labels {
                if let Some(s2) = state.after(label) {
                    f(label, s2.index(), 1.0);
                    any = true;
                }
            }
            // A quote that closes nothing: the text is unbalanced here;
            // read on in the same state.
            if !any {
                f(labels[0], s, 1.0);
            }
        }
    }
}

/// P(label | context, state) for every state, over the labels it allows.
fn conditional(model: &Model, w: &Window) -> [[f32; LABELS]; STATES] {
    let mut ln = [0f32; LABELS];
    model.context(w, &mut ln);
    let base = ln.map(f32::exp);
    let coarse = w.coarse();
    let mut out = [[0f32; LABELS]; STATES];
    for (s, row) in out.iter_mut().enumerate() {
        let state = QuoteState::from_index(s);
        let adjust = model.state_adjust(s, coarse);
        let mut sum = 0.0;
        for (y, &label) in Label::ALL.iter().enumerate() {
            if state.after(label).is_some() {
                row[y] = base[y] * adjust[y];
                sum += row[y];
            }
        }
        if sum > 0.0 {
            for v in row.iter_mut() {
                *v /= sum;
            }
        }
    }
    out
}

fn normalize<const N: usize>(v: &mut [f64; N]) {
    let sum: f64 = v.iter().sum();
    if sum > 0.0 {
        for x in v.iter_mut() {
            *x /= sum;
        }
    }
}
