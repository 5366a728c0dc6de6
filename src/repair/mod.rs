//! Stage 2, repair: undo damage done to the text before fettle saw it
//! (mojibake, C1 controls, bytes of another encoding, U+FFFD replacements).
//!
//! Each rule is one file; `RULES` below is the order they run in: bytes of
//! another encoding first (they turn U+FFFD back into characters), then C1
//! controls (so a Latin-1 reading looks like a Windows-1252 one), then
//! mojibake, and last the U+FFFD that only context can restore.

pub mod c1_controls;
pub mod charclass;
pub mod charmap;
pub mod mixed_encoding;
pub mod mojibake;

use crate::rule::Rule;

/// Repair rules in the order they run.
pub static RULES: &[&dyn Rule] = &[
    &mixed_encoding::MixedEncoding,
    &c1_controls::C1Controls,
    &mojibake::Mojibake,
];
