use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports control characters left in the final text: C0 controls other
    /// than tab, line feed and carriage return, DEL, and the C1 controls
    /// U+0080–U+009F (for which it names the Windows-1252 character the byte
    /// usually stood for). A run of adjacent controls is one finding.
    ///
    /// ## Why
    /// Controls are invisible, break terminals, XML and many tokenizers, and in
    /// prose are always damage: `invisible-chars` removes the C0 ones and repair
    /// maps C1 controls back, so what is left was turned off or undecidable.
    ///
    /// ## Example
    /// `don\u{92}t` (a C1 control) → finding `control-chars` at 1:4: `control
    /// character U+0092 (as a Windows-1252 byte: "’")`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct ControlChars {
        id: "control-chars",
        stage: Validate,
        summary: "control characters (C0 other than tab/newline, DEL, C1) left in the text",
        default_enabled: true,
    }
}

fn is_reported(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn describe(c: char) -> String {
    let mut s = format!("U+{:04X}", c as u32);
    if ('\u{80}'..='\u{9f}').contains(&c) {
        let bytes = [c as u32 as u8];
        let (w, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
        if w.chars().next().is_some_and(|w| w != c) {
            s.push_str(&format!(" (as a Windows-1252 byte: \"{w}\")"));
        }
    }
    s
}

impl Rule for ControlChars {
    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        if !ctx.facts.controls && !ctx.facts.c1_controls {
            return;
        }
        let bytes = text.as_bytes();
        // Controls are ASCII bytes or C2 80..C2 9F: skip everything else fast.
        let candidate =
            |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b == 0xC2;
        // Without C0 controls and DEL (the facts rule them out) a candidate
        // is the byte C2, which memchr finds a vector at a time.
        let only_c2 = !ctx.facts.controls;
        let next = |from: &[u8]| {
            if only_c2 {
                memchr::memchr(0xC2, from)
            } else {
                from.iter().position(|&b| candidate(b))
            }
        };
        let mut i = 0;
        while let Some(skip) = next(&bytes[i..]) {
            i += skip;
            let at = i;
            let mut chars = Vec::new();
            while let Some(c) = text[i..].chars().next().filter(|&c| is_reported(c)) {
                chars.push(c);
                i += c.len_utf8();
            }
            if chars.is_empty() {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let names: Vec<String> = chars.iter().map(|&c| describe(c)).collect();
            let message = if chars.len() == 1 {
                format!("control character {}", names[0])
            } else {
                format!("{} control characters: {}", chars.len(), names.join(", "))
            };
            out.findings
                .push(Finding::new(INFO.id, Severity::Warning, at..i, message));
        }
    }
}
