use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports every U+FFFD REPLACEMENT CHARACTER left in the text, saying whether
    /// it stands for bytes the detected encoding could not decode (with the bytes)
    /// or was already in the input.
    ///
    /// ## Why
    /// U+FFFD marks a character that was lost; publishing it ships damage.
    ///
    /// ## Example
    /// `didn\u{fffd}t` → finding `replacement-char` at 1:5.
    ///
    /// A U+FFFD that a repair rule proposed to restore, with less confidence
    /// than the run applies, is reported once, by that rule's finding (which
    /// says what it probably was), not again here.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct ReplacementChar {
        id: "replacement-char",
        stage: Validate,
        summary: "U+FFFD left in the text: a character was lost",
        default_enabled: true,
    }
}

impl Rule for ReplacementChar {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.replacement {
            return;
        }
        let here: Vec<usize> = text.match_indices('\u{FFFD}').map(|(i, _)| i).collect();
        let mut original = here.clone();
        ctx.log.to_original_many(&mut original);
        let invalid = &ctx.decoded.invalid;
        for (at, orig) in here.into_iter().zip(original) {
            if is_withheld(ctx.withheld, orig) {
                continue; // its finding names the character it probably was
            }
            let message = match invalid.binary_search_by_key(&orig, |b| b.offset) {
                Ok(k) => format!(
                    "undecodable bytes {} at byte {} of the file, shown as U+FFFD",
                    invalid[k]
                        .bytes
                        .iter()
                        .map(|b| format!("{b:02X}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    invalid[k].raw_offset
                ),
                Err(_) => {
                    "U+FFFD replacement character in the input: the original character was lost"
                        .to_string()
                }
            };
            out.findings.push(Finding::new(
                INFO.id,
                Severity::Warning,
                at..at + 3,
                message,
            ));
        }
    }
}

/// Is the input offset `at` inside a withheld fix's range? The ranges are
/// sorted by start; those of a few bytes (a character, a word) are looked at.
fn is_withheld(withheld: &[std::ops::Range<usize>], at: usize) -> bool {
    let k = withheld.partition_point(|r| r.start <= at);
    withheld[..k]
        .iter()
        .rev()
        .take_while(|r| r.start + 256 > at)
        .any(|r| r.contains(&at))
}
