//! The pipeline for one file: decode → repair → normalize → validate.
//!
//! This module knows nothing about files or printing: bytes and a config in,
//! a [`Processed`] out. `crate::run` does the file system and `crate::report`
//! the printing.

use crate::config::Config;
use crate::decode::{self, Content, DecodeInput, DecodedText, LineEndings};
use crate::edit::{Edit, EditLog};
use crate::facts::TextFacts;
use crate::finding::Finding;
use crate::rule::{Context, Outcome, TextViews};

/// The result of running the pipeline on one file's bytes.
#[derive(Debug)]
pub enum Processed {
    Text(Box<TextResult>),
    Binary(String),
}

#[derive(Debug)]
pub struct TextResult {
    pub decoded: DecodedText,
    /// Line endings as found in the decoded input.
    pub line_endings: LineEndings,
    /// The cleaned text.
    pub output: String,
    /// Every change, in byte offsets of `decoded.text`, sorted.
    pub edits: Vec<Edit>,
    /// Findings, in byte offsets of `decoded.text`, sorted.
    pub findings: Vec<Finding>,
}

impl TextResult {
    pub fn changed(&self) -> bool {
        !self.edits.is_empty() || self.decoded.bom.is_some() || self.decoded.encoding != "UTF-8"
    }
}

/// Run every enabled rule on `bytes`.
pub fn process(
    bytes: &[u8],
    config: &Config,
    forced: Option<&'static encoding_rs::Encoding>,
) -> Processed {
    process_with_prior(bytes, config, forced, None)
}

/// [`process`] with a collection's dominant encoding as a prior for weak
/// guesses (`--corpus-prior`).
pub fn process_with_prior(
    bytes: &[u8],
    config: &Config,
    forced: Option<&'static encoding_rs::Encoding>,
    prior: Option<&decode::prior::CorpusPrior>,
) -> Processed {
    let input = DecodeInput::new(bytes).forced(forced).corpus_prior(prior);
    finish(decode::decode(input), config)
}

/// [`process_with_prior`], taking ownership of the bytes: a UTF-8 file
/// becomes its decoded text without a copy, which halves the memory a large
/// file needs.
pub fn process_owned(
    bytes: Vec<u8>,
    config: &Config,
    forced: Option<&'static encoding_rs::Encoding>,
    prior: Option<&decode::prior::CorpusPrior>,
) -> Processed {
    let input = DecodeInput::new(bytes).forced(forced).corpus_prior(prior);
    finish(decode::decode(input), config)
}

fn finish(content: Content, config: &Config) -> Processed {
    let decoded = match content {
        Content::Binary(reason) => return Processed::Binary(reason),
        Content::Text(d) => d,
    };
    let facts = TextFacts::of(&decoded.text);
    let line_endings = LineEndings::count_with(&decoded.text, &facts);
    let (output, edits, findings) =
        clean_with_facts(&decoded, config, facts, line_endings, &mut |_, _| {});
    Processed::Text(Box::new(TextResult {
        line_endings,
        decoded,
        output,
        edits,
        findings,
    }))
}

/// Run the repair, normalize and validate rules on decoded text.
pub fn clean_decoded(decoded: &DecodedText, config: &Config) -> (String, Vec<Edit>, Vec<Finding>) {
    clean_decoded_observed(decoded, config, &mut |_, _| {})
}

/// A point of the rule loop reached, for [`clean_decoded_observed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The decoded text's facts and line endings are known.
    Facts,
    /// The rule has run.
    Ran,
    /// The rule's findings are placed and its fixes applied.
    Applied,
}

/// [`clean_decoded`], calling `observe` at each [`Step`] with the rule's id
/// (`"facts"` for [`Step::Facts`]): `examples/stage_times.rs` times the
/// steps through it.
pub fn clean_decoded_observed(
    decoded: &DecodedText,
    config: &Config,
    observe: &mut dyn FnMut(&'static str, Step),
) -> (String, Vec<Edit>, Vec<Finding>) {
    let facts = TextFacts::of(&decoded.text);
    let line_endings = LineEndings::count_with(&decoded.text, &facts);
    observe("facts", Step::Facts);
    clean_with_facts(decoded, config, facts, line_endings, observe)
}

/// [`clean_decoded_observed`], given the facts and line endings of the
/// decoded text.
fn clean_with_facts(
    decoded: &DecodedText,
    config: &Config,
    mut facts: TextFacts,
    input_line_endings: LineEndings,
    observe: &mut dyn FnMut(&'static str, Step),
) -> (String, Vec<Edit>, Vec<Finding>) {
    let mut log = EditLog::borrowed(&decoded.text);
    let mut findings = Vec::new();
    let mut views = TextViews::default();
    let mut withheld: Vec<std::ops::Range<usize>> = Vec::new();
    let input_facts = facts;
    for rule in crate::rules::all() {
        if !config.enabled(rule.info()) {
            continue;
        }
        // A rule whose fixes were partly withheld and partly applied runs
        // again on the text they left: its judgement of the withheld ones
        // may depend on the applied ones (a quotation's other mark), and a
        // second cleaning must find nothing more to apply. Its findings are
        // those of the last round.
        for round in 1.. {
            let mut out = Outcome::default();
            let ctx = Context {
                config,
                decoded,
                log: &log,
                facts,
                input_facts,
                input_line_endings,
                views: &views,
                withheld: &withheld,
            };
            rule.run(log.current(), &ctx, &mut out);
            observe(rule.info().id, Step::Ran);
            let findings_before = out.findings.len();
            crate::applicability::withhold(
                rule.info().id,
                log.current(),
                &mut out.fixes,
                config.fix.min_confidence,
                &mut out.findings,
            );
            let withheld_now = out.findings.len() - findings_before;
            let current = log.current();
            let again = withheld_now > 0
                && round < MAX_ROUNDS
                && !rule.settles_withheld_itself()
                && out
                    .fixes
                    .iter()
                    .any(|f| current.get(f.range.clone()) != Some(f.replacement.as_str()));
            if !again {
                place_findings(&log, &mut out, findings_before, &mut withheld);
                findings.append(&mut out.findings);
                findings.append(&mut out.input_findings);
            }
            if !out.fixes.is_empty() {
                for fix in &out.fixes {
                    // Printable ASCII, tab and LF have no facts: most
                    // replacements (`\n`, deletions) need no scan.
                    let plain = fix
                        .replacement
                        .bytes()
                        .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n'));
                    if !plain {
                        facts = facts.union(TextFacts::of(&fix.replacement));
                    }
                }
                log.apply(rule.info().id, out.fixes);
                views = TextViews::default();
            }
            observe(rule.info().id, Step::Applied);
            if !again {
                break;
            }
        }
    }
    findings.sort_by_key(|f| (f.start, f.end));
    let (output, edits) = log.into_output();
    (output, edits, findings)
}

/// Rounds a rule runs at most while some of its fixes are withheld and
/// others applied (see `clean_with_facts`).
const MAX_ROUNDS: usize = 4;

/// Map a rule's findings (from `withheld_from` on, the withheld fixes) from
/// the current text to the decoded input, and note the withheld fixes'
/// ranges for the rules after it.
fn place_findings(
    log: &EditLog,
    out: &mut Outcome,
    withheld_from: usize,
    withheld: &mut Vec<std::ops::Range<usize>>,
) {
    if out.findings.is_empty() {
        return;
    }
    let mut starts: Vec<usize> = out.findings.iter().map(|f| f.start).collect();
    let mut ends: Vec<usize> = out.findings.iter().map(|f| f.end).collect();
    log.to_original_many(&mut starts);
    log.to_original_many(&mut ends);
    for ((f, s), e) in out.findings.iter_mut().zip(starts).zip(ends) {
        f.start = s;
        f.end = e.max(s);
    }
    if out.findings.len() > withheld_from {
        withheld.extend(out.findings[withheld_from..].iter().map(|f| f.start..f.end));
        withheld.sort_by_key(|r| (r.start, r.end));
    }
}
