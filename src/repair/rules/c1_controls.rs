use crate::edit::{Confidence, Fix};
use crate::repair::charmap::cp1252_of_c1;
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Replaces C1 control characters (U+0080–U+009F) by the Windows-1252
    /// characters of the same byte value: U+0093 → `“`, U+0092 → `’`, U+0085 → `…`.
    ///
    /// ## Why
    /// Windows-1252 text decoded as ISO-8859-1 (Latin-1) turns its curly quotes,
    /// dashes and ellipses into invisible C1 controls, which have no use in text.
    ///
    /// ## Example
    /// `\u{84}Handwerk\u{93}` → `„Handwerk“`
    ///
    /// ## Fix safety
    /// Likely. The five values Windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
    /// 0x90, 0x9D) are left alone. U+0085 (NEXT LINE) is left alone in a text
    /// that uses it as its line ending (several, and no LF).
    pub struct C1Controls {
        id: "c1-controls",
        stage: Repair,
        summary: "C1 control characters (Windows-1252 read as Latin-1) become their Windows-1252 characters",
        default_enabled: true,
    }
}

impl Rule for C1Controls {
    fn run(&self, text: &str, _ctx: &Context, out: &mut Outcome) {
        // C1 controls are encoded as 0xC2 0x80..=0x9F.
        let bytes = text.as_bytes();
        let has_c1 =
            memchr::memchr_iter(0xC2, bytes).any(|i| matches!(bytes.get(i + 1), Some(0x80..=0x9F)));
        if !has_c1 {
            return;
        }
        let nel_is_newline =
            memchr::memchr(b'\n', bytes).is_none() && text.matches('\u{85}').nth(1).is_some();
        for i in memchr::memchr_iter(0xC2, bytes) {
            let Some(&b) = bytes.get(i + 1) else { continue };
            if !(0x80..=0x9F).contains(&b) || (b == 0x85 && nel_is_newline) {
                continue;
            }
            if let Some(c) = cp1252_of_c1(char::from(b)) {
                let mut buf = [0; 4];
                let c: &str = c.encode_utf8(&mut buf);
                out.fixes.push(Fix::new(i..i + 2, c, Confidence::Likely));
            }
        }
    }
}
