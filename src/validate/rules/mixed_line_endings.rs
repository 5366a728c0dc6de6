use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that, as found, mixes line-ending styles (LF, CRLF, lone
    /// CR, the Unicode separators U+0085/U+2028/U+2029), with the count of each
    /// and the position of the first line ending of the rarest style. It looks at
    /// the decoded input, before `line-endings` turns everything into LF.
    ///
    /// ## Why
    /// `line-endings` fixes the text, but a mixture says something about the
    /// file: it was pieced together from several sources or edited with
    /// different tools, and the joins are worth a look (a lone CR in a CRLF file
    /// is often a lost line break).
    ///
    /// ## Example
    /// `one\r\ntwo\nthree\r\n` → finding at 2:4: `mixed line endings as found:
    /// 2 CRLF, 1 LF (first LF here)`.
    ///
    /// ## Fix safety
    /// Reports only; `line-endings` normalizes.
    pub struct MixedLineEndings {
        id: "mixed-line-endings",
        stage: Validate,
        summary: "the file as found mixes LF, CRLF, CR or Unicode line endings",
        default_enabled: true,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Lf,
    Crlf,
    Cr,
    Unicode,
}

impl Style {
    fn name(self) -> &'static str {
        match self {
            Style::Lf => "LF",
            Style::Crlf => "CRLF",
            Style::Cr => "CR",
            Style::Unicode => "Unicode separator",
        }
    }
}

/// Byte offset and length of the first line ending of `style`.
fn first(text: &str, style: Style) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    match style {
        Style::Lf => memchr::memchr_iter(b'\n', bytes)
            .find(|&i| i == 0 || bytes[i - 1] != b'\r')
            .map(|i| (i, 1)),
        Style::Crlf => memchr::memmem::find(bytes, b"\r\n").map(|i| (i, 2)),
        Style::Cr => memchr::memchr_iter(b'\r', bytes)
            .find(|&i| bytes.get(i + 1) != Some(&b'\n'))
            .map(|i| (i, 1)),
        Style::Unicode => text
            .char_indices()
            .find(|(_, c)| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))
            .map(|(i, c)| (i, c.len_utf8())),
    }
}

impl Rule for MixedLineEndings {
    fn run(&self, _text: &str, ctx: &Context, out: &mut Outcome) {
        // LF alone is one style: nothing to report.
        if !ctx.input_facts.cr && !ctx.input_facts.unicode_newlines {
            return;
        }
        let input = &ctx.decoded.text;
        let c = ctx.input_line_endings;
        let mut found: Vec<(Style, usize)> = [
            (Style::Lf, c.lf),
            (Style::Crlf, c.crlf),
            (Style::Cr, c.cr),
            (Style::Unicode, c.unicode),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
        if found.len() < 2 {
            return;
        }
        found.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let rarest = found.last().expect("two styles").0;
        let Some((at, len)) = first(input, rarest) else {
            return;
        };
        let counts: Vec<String> = found
            .iter()
            .map(|(s, n)| format!("{n} {}", s.name()))
            .collect();
        out.input_findings.push(Finding::new(
            INFO.id,
            Severity::Info,
            at..at + len,
            format!(
                "mixed line endings as found: {} (first {} here)",
                counts.join(", "),
                rarest.name()
            ),
        ));
    }
}
