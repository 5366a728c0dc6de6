//! Stage 2, repair: undo damage done to the text before fettle saw it
//! (mojibake, C1 controls, bytes of another encoding, U+FFFD replacements).
//!
//! Each rule is one file in [`rules`] (`replacement-restore`, which carries
//! a trained model, is the folder [`restore`]); [`charclass`] and [`charmap`]
//! are the machinery they share. `RULES` below is the order they run in: bytes of
//! another encoding first (they turn U+FFFD back into characters), then
//! mojibake (whose Latin-1 readings contain C1 controls), then the C1
//! controls left over, and last the U+FFFD that only context can restore.

pub mod charclass;
pub mod charmap;
pub mod restore;
pub mod rules;

// The rules' modules keep their paths of before the `rules/` folder.
pub use rules::{c1_controls, mixed_encoding, mojibake};

use crate::rule::Rule;

/// Repair rules in the order they run.
pub static RULES: &[&dyn Rule] = &[
    &mixed_encoding::MixedEncoding,
    &mojibake::Mojibake,
    &c1_controls::C1Controls,
    &restore::ReplacementRestore,
];
