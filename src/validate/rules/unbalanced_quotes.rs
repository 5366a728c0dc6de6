use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};
use crate::validate::quote_convention::{Convention, Marks};
use std::ops::Range;

crate::declare_rule! {
    /// ## What it does
    /// Reports paragraphs whose double quotes do not pair up: an odd number of
    /// straight `"`, or not as many closing as opening marks in the paragraph's
    /// quotation convention (`validate::quote_convention`): `“…”` in English,
    /// `„…“` in German (`„…”` in Polish), `«…»` in French (with or without
    /// no-break spaces inside), `»…«` in German books, `”…”` in Swedish; nested
    /// quotations of the other kind (`“…”` inside guillemets) must pair up too.
    /// The convention is read from the paragraph's own marks, else the file's.
    /// The convention of continued
    /// speech is respected: a paragraph that leaves a quotation open is fine when
    /// the next paragraph opens with a quote, and so is a quotation set out over
    /// several lines (verse, a letter) that opens with `“` on one line and closes
    /// with `”` on a later line of the same block, with no double quotes between.
    /// Paragraphs are blank-line blocks of
    /// hard-wrapped lines, or single lines (see `validate::paragraphs`). Single
    /// quotes are not counted: `’` is also the apostrophe.
    ///
    /// ## Why
    /// A lost quotation mark turns narration into speech (or back) for the rest
    /// of the paragraph; it is the commonest trace of a bad conversion or a
    /// truncated line, and readers and dialogue extractors both trip on it.
    ///
    /// ## Example
    /// `"Come here, he said.` → finding at 1:1: `unbalanced double quotes in this
    /// paragraph: 1 straight "`; `„Komm her“, sagte er.` is balanced.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct UnbalancedQuotes {
        id: "unbalanced-quotes",
        stage: Validate,
        summary: "paragraphs whose double quotation marks do not pair up",
        default_enabled: true,
    }
}

/// Longest quotation set out over lines that is taken as one (verse, letters).
const MAX_QUOTED_LINES: usize = 40;

/// The [`Marks`] of each paragraph of `text`, as [`Marks::of`] counts them.
/// `“`, `”` and `„` are E2 80 9C, 9D and 9E in UTF-8, `«` and `»` C2 AB and
/// C2 BB: only `"` and those last bytes are searched for (not E2, which
/// every `’` and `—` starts with), and the bytes before them checked.
/// Paragraphs start and end at character boundaries, so a sequence is
/// either wholly in one or not at all.
///
/// One search over the whole text, with the hits dealt out to the paragraphs
/// (which are in order and do not overlap): a search per paragraph pays the
/// search's set-up once per line. `non_ascii`: the text may hold more than
/// ASCII (else `„`, `«` and `»` are not searched for).
fn paragraph_marks(text: &str, paras: &[Range<usize>], non_ascii: bool) -> Vec<Marks> {
    let bytes = text.as_bytes();
    let mut marks = vec![Marks::default(); paras.len()];
    let lead = |at: usize| at >= 2 && bytes[at - 2..at] == [0xE2, 0x80];
    let mut k = 0; // the first paragraph that does not end before the hit
    for at in memchr::memchr3_iter(b'"', 0x9C, 0x9D, bytes) {
        while k < paras.len() && paras[k].end <= at {
            k += 1;
        }
        let Some(p) = paras.get(k) else { break };
        if at < p.start {
            continue; // between paragraphs
        }
        let c = match bytes[at] {
            b'"' => '"',
            0x9C if lead(at) => '“',
            0x9D if lead(at) => '”',
            _ => continue,
        };
        marks[k].count(c, || {
            let start = at - 2;
            text[p.start..start]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace)
                && text[at + 1..p.end]
                    .chars()
                    .next()
                    .is_some_and(|n| !n.is_whitespace())
        });
    }
    if non_ascii {
        let mut k = 0;
        for at in memchr::memchr3_iter(0x9E, 0xAB, 0xBB, bytes) {
            while k < paras.len() && paras[k].end <= at {
                k += 1;
            }
            let Some(p) = paras.get(k) else { break };
            if at < p.start {
                continue;
            }
            let c = match bytes[at] {
                0x9E if lead(at) => '„',
                0xAB if at >= 1 && bytes[at - 1] == 0xC2 => '«',
                0xBB if at >= 1 && bytes[at - 1] == 0xC2 => '»',
                _ => continue,
            };
            marks[k].count(c, || false);
        }
    }
    marks
}

/// A paragraph's double quotation marks as its convention pairs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pairs {
    convention: Convention,
    straight: usize,
    /// Opening and closing marks of the convention's quotations.
    open: usize,
    close: usize,
    /// Opening and closing marks of the other kind used for nested
    /// quotations (`“…”` inside guillemets, guillemets inside the others).
    inner: (usize, usize),
}

impl Pairs {
    fn of(m: &Marks, convention: Convention) -> Pairs {
        let guillemets = (m.laquo, m.raquo);
        let (open, close, inner) = match convention {
            Convention::English => (m.left, m.right, guillemets),
            Convention::LowNine { .. } => (m.low, m.left + m.right, guillemets),
            Convention::Guillemets => (m.laquo, m.raquo, (m.left, m.right)),
            Convention::Reversed => (m.raquo, m.laquo, (m.left, m.right)),
            // The same mark opens and closes: they alternate.
            Convention::Swedish => (m.right.div_ceil(2), m.right / 2, guillemets),
        };
        Pairs {
            convention,
            straight: m.straight,
            open,
            close,
            inner,
        }
    }

    fn balanced(&self) -> bool {
        self.straight.is_multiple_of(2) && self.open == self.close && self.inner.0 == self.inner.1
    }

    /// Does the paragraph leave a quotation open (continued speech): one
    /// more opening than closing mark, of one kind or of the outer and the
    /// nested kind, and nothing else amiss?
    fn left_open(&self) -> bool {
        let (s, o, c) = (self.straight % 2, self.open, self.close);
        let (main_ok, main_open) = (
            s == 0 && o == c,
            (s == 1 && o == c) || (s == 0 && o == c + 1),
        );
        let (inner_ok, inner_open) = (
            self.inner.0 == self.inner.1,
            self.inner.0 == self.inner.1 + 1,
        );
        (main_open && (inner_ok || inner_open)) || (main_ok && inner_open)
    }

    /// Only the opening mark of a quotation set out over lines.
    fn opens_only(&self) -> bool {
        (self.straight, self.open, self.close, self.inner) == (0, 1, 0, (0, 0))
    }

    fn closes_only(&self) -> bool {
        (self.straight, self.open, self.close, self.inner) == (0, 0, 1, (0, 0))
    }

    fn none(&self) -> bool {
        (self.straight, self.open, self.close, self.inner) == (0, 0, 0, (0, 0))
    }
}

impl Rule for UnbalancedQuotes {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let paras = ctx.paragraphs();
        let marks = paragraph_marks(text, paras, ctx.facts.non_ascii);
        let mut whole = Marks::default();
        for m in &marks {
            whole.add(m);
        }
        let file = whole.convention();
        let pairs: Vec<Pairs> = marks
            .iter()
            .map(|m| Pairs::of(m, m.convention_in(file)))
            .collect();
        let mut multi_line = vec![false; paras.len()];
        for k in 0..paras.len() {
            if !pairs[k].opens_only() || multi_line[k] {
                continue;
            }
            // A quotation set out over lines: the next quoted line closes it.
            let mut j = k + 1;
            while j < paras.len() && j - k <= MAX_QUOTED_LINES && pairs[j].none() {
                j += 1;
            }
            let same_block =
                |a: usize, b: usize| !text[paras[a].end..paras[b].start].contains("\n\n");
            if j < paras.len()
                && j - k <= MAX_QUOTED_LINES
                && pairs[j].closes_only()
                && same_block(k, j)
            {
                multi_line[k] = true;
                multi_line[j] = true;
            }
        }
        for (k, p) in paras.iter().enumerate() {
            let q = &pairs[k];
            if q.balanced() || multi_line[k] {
                continue;
            }
            let next_opens = paras.get(k + 1).is_some_and(|n| {
                let (open, _) = q.convention.double();
                let (next_open, _) = pairs[k + 1].convention.double();
                text[n.clone()]
                    .trim_start()
                    .starts_with(['"', '“', '«', open, next_open])
            });
            if q.left_open() && next_opens {
                continue; // continued speech
            }
            let mut parts = Vec::new();
            if q.straight % 2 == 1 {
                parts.push(format!("{} straight \"", q.straight));
            }
            let (open, close) = q.convention.double();
            if q.open != q.close {
                parts.push(if open == close {
                    format!("an odd number of {open} ({})", q.open + q.close)
                } else {
                    format!("{} {open} but {} {close}", q.open, q.close)
                });
            }
            if q.inner.0 != q.inner.1 {
                let (a, b) = match q.convention {
                    Convention::Guillemets | Convention::Reversed => ('“', '”'),
                    _ => ('«', '»'),
                };
                parts.push(format!("{} {a} but {} {b}", q.inner.0, q.inner.1));
            }
            out.findings.push(Finding::new(
                INFO.id,
                Severity::Warning,
                p.start..p.start,
                format!(
                    "unbalanced double quotes in this paragraph: {}",
                    parts.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::paragraph_marks;
    use crate::text::paragraphs;
    use crate::validate::quote_convention::Marks;
    use proptest::prelude::*;

    proptest! {
        /// One search over the text counts what reading each paragraph
        /// character by character counts.
        #[test]
        fn agrees_with_a_count_per_paragraph(
            text in "[a \"\n\r\u{201c}\u{201d}\u{201e}\u{ab}\u{bb}\u{a0}\u{2019}\u{9c}\u{43b}]{0,120}",
        ) {
            let paras = paragraphs(&text);
            let expected: Vec<Marks> = paras.iter().map(|p| Marks::of(&text[p.clone()])).collect();
            prop_assert_eq!(paragraph_marks(&text, &paras, true), expected);
        }
    }
}
