//! Helpers shared by integration tests. Not every test file uses every one.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

/// Print a notice that a test is skipped. Written to the process's stderr
/// directly, not through `eprintln!`, so the test harness does not capture
/// it: a user running `cargo test` on a fresh clone sees why a test did
/// nothing.
pub fn skip_notice(message: &str) {
    let _ = writeln!(std::io::stderr(), "note: {message}");
}

/// Run the `fettle` binary in `dir`.
pub fn fettle(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fettle"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The exit code of a finished run.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// Standard output, which must be UTF-8.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Standard error, lossily.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
