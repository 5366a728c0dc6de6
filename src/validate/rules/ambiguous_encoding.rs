use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule};

crate::declare_rule! {
    /// ## What it does
    /// Reports a file whose encoding detection was ambiguous: the best two
    /// candidate encodings decode it to different text and the evidence between
    /// them is thin (or no candidate decodes it plausibly). The finding names the
    /// chosen encoding and the runner-up with their scores.
    ///
    /// ## Why
    /// A wrong guess turns a whole file into mojibake. When the bytes do not
    /// decide, silently picking one reading hides the risk; the user can settle
    /// it with `--encoding NAME` (or `[decode] encoding`), or `--corpus-prior`
    /// when the file belongs to a collection in one encoding.
    ///
    /// ## Example
    /// A file holding one byte 0xE9 and no letters, `י` in windows-1255 and
    /// `é` in windows-1252 → finding `ambiguous-encoding` at 1:1: "encoding is
    /// ambiguous: decoded as windows-1255 (score 0.54), but windows-1252 (score
    /// 0.46) gives different text; pass --encoding if you know it".
    ///
    /// ## Fix safety
    /// Reports only; decoding is never changed by this rule.
    pub struct AmbiguousEncoding {
        id: "ambiguous-encoding",
        stage: Validate,
        summary: "encoding detection could not tell two readings apart",
        default_enabled: true,
    }
}

impl Rule for AmbiguousEncoding {
    fn run(&self, _text: &str, ctx: &Context, out: &mut Outcome) {
        let d = ctx.decoded;
        if !d.ambiguous {
            return;
        }
        let message = match d.runner_up {
            Some((runner, score)) => format!(
                "encoding is ambiguous: decoded as {} (score {:.2}), but {} (score {:.2}) gives different text; pass --encoding if you know it",
                d.encoding, d.score, runner, score
            ),
            None => format!(
                "encoding is ambiguous: decoded as {} (score {:.2}); pass --encoding if you know it",
                d.encoding, d.score
            ),
        };
        out.findings
            .push(Finding::new(INFO.id, Severity::Warning, 0..0, message));
    }
}
