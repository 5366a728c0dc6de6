//! Helpers shared by integration tests.

use std::io::Write;

/// Print a notice that a test is skipped. Written to the process's stderr
/// directly, not through `eprintln!`, so the test harness does not capture
/// it: a user running `cargo test` on a fresh clone sees why a test did
/// nothing.
pub fn skip_notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "note: {message}");
}
