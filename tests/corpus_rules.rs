//! Snapshot tests for the corpus rules, the counterpart of `tests/rules.rs`:
//! each directory `tests/fixtures/corpus/<rule-id>/<case>/` is a small
//! collection checked with only that corpus rule enabled, and the snapshot lists
//! the corpus findings. A new case needs no code: add a directory of files
//! and review the snapshot with `cargo insta review`.
//!
//! The case's files are copied to a temporary directory first, their names
//! percent-decoded (`what%3F.txt` becomes `what?.txt`, `caf%E9.txt` a name
//! that is not UTF-8), so that names a checkout on another system could not
//! hold (reserved, case-colliding, not UTF-8) can still be tested. A
//! `fettle.toml` beside the cases, in the rule's folder, sets its options.

mod common;

use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

fn dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_dir());
    v.sort();
    v
}

/// `name` with every `%XX` replaced by the byte 0xXX.
fn percent_decoded(name: &str) -> Vec<u8> {
    let bytes = name.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = name
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(unix)]
fn os_name(bytes: Vec<u8>) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStringExt;
    std::ffi::OsString::from_vec(bytes)
}

#[cfg(not(unix))]
fn os_name(bytes: Vec<u8>) -> std::ffi::OsString {
    String::from_utf8_lossy(&bytes).into_owned().into()
}

/// The config: the rule's `fettle.toml` if any, with every other corpus
/// rule off (the per-file rules run as by default: corpus rules judge the
/// cleaned texts).
fn config(rule: &str, rule_dir: &Path) -> String {
    let mut text = std::fs::read_to_string(rule_dir.join("fettle.toml")).unwrap_or_default();
    assert!(
        !text.contains("[rules]"),
        "{}: the harness writes [rules]",
        rule_dir.display()
    );
    text.push_str("\n[rules]\n");
    for other in fettle::validate::corpus::RULES {
        let id = other.info().id;
        writeln!(text, "{id} = {}", id == rule).unwrap();
    }
    text
}

/// The snapshot text of one case: each corpus finding on one line.
fn render(rule: &str, case: &Path) -> String {
    let work = tempfile::tempdir().unwrap();
    let name = case.file_name().unwrap().to_str().unwrap();
    let copy = work.path().join(name);
    std::fs::create_dir(&copy).unwrap();
    for file in std::fs::read_dir(case).unwrap() {
        let file = file.unwrap();
        let to = copy.join(os_name(percent_decoded(
            file.file_name().to_str().expect("fixture names are UTF-8"),
        )));
        std::fs::copy(file.path(), to).unwrap();
    }
    let config_path = work.path().join("fettle.toml");
    std::fs::write(&config_path, config(rule, case.parent().unwrap())).unwrap();
    let out = common::fettle(
        work.path(),
        &["check", "--format", "json", "--config", "fettle.toml", name],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", common::stderr(&out));
    });
    assert_ne!(common::code(&out), 2, "{}", common::stderr(&out));
    let mut text = String::new();
    for f in v["corpus"].as_array().unwrap() {
        writeln!(
            text,
            "{} {} {}: {} {}",
            f["path"].as_str().unwrap(),
            f["severity"].as_str().unwrap(),
            f["rule"].as_str().unwrap(),
            f["message"].as_str().unwrap(),
            f["related"]
        )
        .unwrap();
    }
    text
}

#[test]
fn corpus_rule_fixtures() {
    for rule_dir in dirs(&fixtures()) {
        let rule = rule_dir.file_name().unwrap().to_str().unwrap().to_string();
        for case in dirs(&rule_dir) {
            let case_name = case.file_name().unwrap().to_str().unwrap();
            let mut settings = insta::Settings::clone_current();
            settings.set_input_file(&case);
            settings.bind(|| {
                insta::assert_snapshot!(format!("{rule}__{case_name}"), render(&rule, &case));
            });
        }
    }
}

#[test]
fn every_corpus_rule_has_fixtures() {
    for rule in fettle::validate::corpus::RULES {
        let id = rule.info().id;
        assert!(
            !dirs(&fixtures().join(id)).is_empty(),
            "corpus rule {id} has no case in tests/fixtures/corpus/{id}/"
        );
    }
}
