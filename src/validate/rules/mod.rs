//! The per-file validate rules, one file each; `super::RULES` is the order
//! they run in. Corpus-level rules are in `super::corpus`.

pub mod ambiguous_encoding;
pub mod control_chars;
pub mod ends_mid_sentence;
pub mod long_lines;
pub mod mixed_line_endings;
pub mod mixed_quotes;
pub mod replacement_char;
pub mod residual_mojibake;
pub mod short_file;
pub mod trailing_note;
pub mod unbalanced_quotes;
