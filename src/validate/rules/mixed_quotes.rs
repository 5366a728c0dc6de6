use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that, as found, mixes quote styles: straight double quotes
    /// `"` with curly `“ ”`, or straight apostrophes `'` with curly `’ ‘`. One
    /// finding per kind (double, single), with the counts and the position of the
    /// first quote of the rarer style. It looks at the decoded input.
    ///
    /// ## Why
    /// A consistent text uses one style. A mixture usually means parts were
    /// typed or converted by different tools (a chapter pasted from a word
    /// processor into a plain-text story), or a smart-quote conversion stopped
    /// half way; tokenizers and search then see two spellings of `don't`.
    /// fettle does not choose a style for you.
    ///
    /// ## Example
    /// `“Yes,” he said. "No."` → finding at 1:17: `mixed double quotes as found:
    /// 2 curly “”, 2 straight " (first straight here)`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct MixedQuotes {
        id: "mixed-quotes",
        stage: Validate,
        summary: "the file as found mixes straight and curly quotes or apostrophes",
        default_enabled: true,
    }
}

struct Kind {
    name: &'static str,
    straight: char,
    curly: &'static [char],
    curly_name: &'static str,
}

const KINDS: [Kind; 2] = [
    Kind {
        name: "double quotes",
        straight: '"',
        curly: &['\u{201c}', '\u{201d}'],
        curly_name: "curly “”",
    },
    Kind {
        name: "apostrophes and single quotes",
        straight: '\'',
        curly: &['\u{2018}', '\u{2019}'],
        curly_name: "curly ‘’",
    },
];

impl Rule for MixedQuotes {
    fn run(&self, _text: &str, ctx: &Context, out: &mut Outcome) {
        let input = &ctx.decoded.text;
        if !ctx.input_facts.non_ascii {
            return;
        }
        // Per kind: (count, first offset) of the straight and the curly
        // quotes, in one pass: quotes are `"`, `'` or start with the byte E2.
        let mut seen = [[(0usize, None::<usize>); 2]; KINDS.len()];
        let bytes = input.as_bytes();
        for at in memchr::memchr3_iter(b'"', b'\'', 0xE2, bytes) {
            // The curly quotes are E2 80 98..9D: other characters starting
            // with E2 (dashes, ellipsis) are passed over without decoding.
            let c = match bytes[at] {
                b'"' => '"',
                b'\'' => '\'',
                _ => match bytes.get(at + 1..at + 3) {
                    Some([0x80, 0x98]) => '\u{2018}',
                    Some([0x80, 0x99]) => '\u{2019}',
                    Some([0x80, 0x9C]) => '\u{201c}',
                    Some([0x80, 0x9D]) => '\u{201d}',
                    _ => continue,
                },
            };
            for (kind, slots) in KINDS.iter().zip(&mut seen) {
                let slot = if c == kind.straight {
                    &mut slots[0]
                } else if kind.curly.contains(&c) {
                    &mut slots[1]
                } else {
                    continue;
                };
                slot.0 += 1;
                slot.1.get_or_insert(at);
            }
        }
        for (kind, &[straight, curly]) in KINDS.iter().zip(&seen) {
            let (Some(s_at), Some(c_at)) = (straight.1, curly.1) else {
                continue;
            };
            let straight_name = format!("straight {}", kind.straight);
            let (at, len, rarer) = if straight.0 <= curly.0 {
                (s_at, 1, "straight")
            } else {
                (c_at, 3, "curly")
            };
            let (first, second) = if curly.0 >= straight.0 {
                (
                    format!("{} {}", curly.0, kind.curly_name),
                    format!("{} {straight_name}", straight.0),
                )
            } else {
                (
                    format!("{} {straight_name}", straight.0),
                    format!("{} {}", curly.0, kind.curly_name),
                )
            };
            out.input_findings.push(Finding::new(
                INFO.id,
                Severity::Info,
                at..at + len,
                format!(
                    "mixed {} as found: {first}, {second} (first {rarer} here)",
                    kind.name
                ),
            ));
        }
    }
}
