//! Stage 4, validate: report what could not be fixed.
//!
//! Each per-file rule is one file in [`rules`]; [`quote_convention`] is the
//! machinery the quote rules share, [`policy`] applies severities and
//! suppressions to every finding, and [`corpus`] holds the rules that need the
//! whole collection.

pub mod corpus;
pub mod policy;
pub mod quote_convention;
pub mod rules;

/// The paragraph splitter's former path.
pub use crate::text as paragraphs;

// The rules' modules keep their paths of before the `rules/` folder.
pub use rules::{
    ambiguous_encoding, control_chars, ends_mid_sentence, long_lines, mixed_line_endings,
    mixed_quotes, replacement_char, residual_mojibake, short_file, trailing_note,
    unbalanced_quotes,
};

use crate::rule::Rule;

/// Per-file validate rules; they only report, on the final text (rules about
/// the text as found read `ctx.decoded` and report in `input_findings`).
/// Corpus-level rules are in [`corpus`]; severities, overrides and inline
/// suppression are applied afterwards in one place, [`policy`].
pub static RULES: &[&dyn Rule] = &[
    &replacement_char::ReplacementChar,
    &ambiguous_encoding::AmbiguousEncoding,
    &residual_mojibake::ResidualMojibake,
    &control_chars::ControlChars,
    &mixed_line_endings::MixedLineEndings,
    &mixed_quotes::MixedQuotes,
    &unbalanced_quotes::UnbalancedQuotes,
    &long_lines::LongLines,
    &short_file::ShortFile,
    &ends_mid_sentence::EndsMidSentence,
    &trailing_note::TrailingNote,
];
