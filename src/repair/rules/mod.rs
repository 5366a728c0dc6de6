//! The repair rules, one file each (but `replacement-restore`, whose model
//! has its own folder, `super::restore`); `super::RULES` is the order they
//! run in.

pub mod c1_controls;
pub mod mixed_encoding;
pub mod mojibake;
