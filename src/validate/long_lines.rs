//! ## What it does
//! Reports lines longer than `[long-lines] max` characters (default 25,000).
//!
//! ## Why
//! Published prose keeps paragraphs well under that (the longest diary
//! entries run to about 20,000 characters); a longer line is usually a file
//! whose line breaks were lost (CR-only endings read as one line, HTML
//! flattened to text) and it chokes editors and line-based tools.
//!
//! ## Example
//! With `max = 20`: `This line is longer than twenty characters` → finding
//! at 1:1: `line is 43 characters long (max 20): line breaks may have been
//! lost`.
//!
//! ## Fix safety
//! Reports only.

use crate::finding::{Finding, Severity};
use crate::rule::{Context, Outcome, Rule, RuleInfo, Stage};

pub struct LongLines;

static INFO: RuleInfo = RuleInfo {
    id: "long-lines",
    stage: Stage::Validate,
    summary: "lines longer than [long-lines] max characters",
    default_enabled: true,
};

impl Rule for LongLines {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn run(&self, text: &str, ctx: &Context, out: &mut Outcome) {
        let max = ctx.config.long_lines.max;
        if text.len() <= max {
            return;
        }
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        let mut start = 0;
        for end in ends {
            let body = &text[start..end];
            // Bytes bound characters from above: count only when it can matter.
            if body.len() > max {
                let n = body.chars().count();
                if n > max {
                    out.findings.push(Finding::new(
                        INFO.id,
                        Severity::Warning,
                        start..start,
                        format!(
                            "line is {n} characters long (max {max}): line breaks may have been lost"
                        ),
                    ));
                }
            }
            start = end + 1;
        }
    }
}
