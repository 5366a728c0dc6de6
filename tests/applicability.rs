//! `check --diff` shows exactly what `fix` writes, at every confidence
//! threshold: for each rule fixture, the patch `check --diff` prints, applied
//! with `patch` to the decoded input, gives the bytes `fix` wrote. And what
//! the threshold withholds is reported as findings carrying the proposal.

use fettle::pipeline::{process, Processed};
use fettle::Config;
use std::path::{Path, PathBuf};
use std::process::Command;

const LEVELS: [&str; 3] = ["certain", "likely", "guess"];

fn fettle() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fettle"))
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|x| x == "txt") {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

/// The config of a fixture as the CLI reads it: `<name>.toml` beside it, or
/// its folder's `fettle.toml`, if any.
fn config_of(fixture: &Path) -> Option<PathBuf> {
    [
        fixture.with_extension("toml"),
        fixture.parent().unwrap().join("fettle.toml"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

fn has_patch() -> bool {
    Command::new("patch").arg("--version").output().is_ok()
}

/// The configuration the CLI runs a fixture with at `level`.
fn library_config(fixture: &Path, level: &str) -> Config {
    let mut config = match config_of(fixture) {
        Some(path) => Config::parse(&std::fs::read_to_string(path).unwrap()).unwrap(),
        None => Config::default(),
    };
    config.fix.min_confidence = serde_json::from_value(serde_json::json!(level)).unwrap();
    config
}

#[test]
fn diff_is_exactly_what_fix_writes() {
    if !has_patch() {
        eprintln!("SKIP: `patch` is not installed");
        return;
    }
    let mut checked = 0;
    for fixture in fixtures() {
        let bytes = std::fs::read(&fixture).unwrap();
        for level in LEVELS {
            let t = match process(&bytes, &library_config(&fixture, level), None) {
                Processed::Text(t) => t,
                Processed::Binary(_) => break,
            };
            let dir = tempfile::tempdir().unwrap();
            let (fixed, patched, original) = (
                dir.path().join("fixed"),
                dir.path().join("patched"),
                dir.path().join("original"),
            );
            for d in [&fixed, &patched, &original] {
                std::fs::create_dir_all(d).unwrap();
            }
            std::fs::write(fixed.join("f.txt"), &bytes).unwrap();
            std::fs::write(original.join("f.txt"), &bytes).unwrap();
            std::fs::write(patched.join("f.txt"), &t.decoded.text).unwrap();
            let with_config = |cmd: &mut Command| {
                if let Some(c) = config_of(&fixture) {
                    cmd.arg("--config").arg(c);
                }
                cmd.args(["--min-confidence", level]);
            };

            let mut check = fettle();
            check.current_dir(&fixed).args(["check", "--diff", "f.txt"]);
            with_config(&mut check);
            let diff = check.output().unwrap();
            assert!(
                diff.status.code().is_some_and(|c| c < 2),
                "{}: check --diff failed: {}",
                fixture.display(),
                String::from_utf8_lossy(&diff.stderr)
            );
            let mut fix = fettle();
            fix.current_dir(&fixed).args(["fix", "f.txt"]);
            with_config(&mut fix);
            // 1 is fine: findings `fix` cannot fix remain (as ruff does).
            let code = fix.status().unwrap().code();
            assert!(
                matches!(code, Some(0 | 1)),
                "{}: fix exited {code:?}",
                fixture.display()
            );
            let mut clean = fettle();
            clean
                .current_dir(dir.path())
                .args(["clean", "original", "--out", "cleaned"]);
            with_config(&mut clean);
            assert_eq!(
                clean.status().unwrap().code(),
                Some(0),
                "{}",
                fixture.display()
            );

            // The patch, applied to the decoded input. (A unified diff
            // cannot carry lines ended by a lone CR: there the library's
            // output stands in for it.)
            // Nor does `check --diff` give hunks for a file it re-encodes
            // (not UTF-8 as found, or with a BOM): it names the file on
            // stderr instead (docs/safety.md).
            let lone_cr = t.decoded.text.replace("\r\n", "").contains('\r');
            let re_encoded = std::str::from_utf8(&bytes).is_err()
                || t.decoded.encoding != "UTF-8"
                || t.decoded.bom.is_some();
            if re_encoded && t.changed() {
                assert!(
                    String::from_utf8_lossy(&diff.stderr).contains("f.txt"),
                    "{} at {level}: a re-encoding is not noted on stderr",
                    fixture.display()
                );
            }
            if lone_cr || re_encoded {
                std::fs::write(patched.join("f.txt"), &t.output).unwrap();
            } else if !diff.stdout.is_empty() {
                let patch_file = dir.path().join("diff.patch");
                std::fs::write(&patch_file, &diff.stdout).unwrap();
                let applied = Command::new("patch")
                    .current_dir(&patched)
                    .args([
                        "-p1",
                        "--binary",
                        "--quiet",
                        "--no-backup-if-mismatch",
                        "-i",
                    ])
                    .arg(&patch_file)
                    .output()
                    .unwrap();
                assert!(
                    applied.status.success(),
                    "{} at {level}: patch did not apply: {}{}",
                    fixture.display(),
                    String::from_utf8_lossy(&applied.stdout),
                    String::from_utf8_lossy(&applied.stderr)
                );
            }
            let from_diff = std::fs::read(patched.join("f.txt")).unwrap();
            let written = std::fs::read(fixed.join("f.txt")).unwrap();
            let cleaned = std::fs::read(dir.path().join("cleaned/f.txt")).unwrap();
            assert!(
                cleaned == from_diff,
                "{} at {level}: clean wrote\n{:?}\nbut the diff gives\n{:?}",
                fixture.display(),
                String::from_utf8_lossy(&cleaned),
                String::from_utf8_lossy(&from_diff)
            );
            if t.changed() {
                assert!(
                    written == from_diff,
                    "{} at {level}: fix wrote\n{:?}\nbut the diff gives\n{:?}",
                    fixture.display(),
                    String::from_utf8_lossy(&written),
                    String::from_utf8_lossy(&from_diff)
                );
            } else {
                // Nothing to apply: `fix` leaves the file as it is (even
                // bytes that are not UTF-8, which `clean` must write as
                // U+FFFD), and the diff is empty.
                assert!(written == bytes, "{} at {level}", fixture.display());
                assert!(diff.stdout.is_empty(), "{} at {level}", fixture.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} fixture runs");
}

/// Run `check --format json` on `text` at `level`; the parsed report.
fn check_json(text: &str, level: Option<&str>) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), text).unwrap();
    let mut cmd = fettle();
    cmd.current_dir(dir.path())
        .args(["check", "--format", "json", "f.txt"]);
    if let Some(level) = level {
        cmd.args(["--min-confidence", level]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

/// Text with a U+FFFD `replacement-restore` restores as an apostrophe for
/// sure and one it can only guess.
const LOST: &str = "\u{fffd}You really love her don\u{fffd}t you?\u{fffd} Buffy said.\n\n\
As a sister, a friend. And so on \u{fffd} said nobody.\n";

#[test]
fn withheld_edits_are_findings_with_the_proposal() {
    let (code, report) = check_json(LOST, None);
    assert_eq!(code, 1);
    let file = &report["files"][0];
    let edits = file["edits"].as_array().unwrap();
    assert!(
        edits.iter().all(|e| e["confidence"] != "guess"),
        "{edits:?}"
    );
    let withheld: Vec<&serde_json::Value> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("proposed").is_some())
        .collect();
    assert_eq!(withheld.len(), 1, "{file}");
    let f = withheld[0];
    assert_eq!(f["rule"], "replacement-restore");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["proposed"]["before"], "\u{fffd}");
    assert_eq!(f["proposed"]["confidence"], "guess");
    let after = f["proposed"]["after"].as_str().unwrap();
    assert_eq!(
        f["message"].as_str().unwrap(),
        format!("U+FFFD: probably {after} (guess, not applied)")
    );
    // Reported once: not again as a `replacement-char` finding.
    let start = f["start"].as_u64().unwrap();
    assert!(!file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["rule"] == "replacement-char" && g["start"].as_u64() == Some(start)));

    // At `guess` it is applied, and nothing is withheld.
    let (_, report) = check_json(LOST, Some("guess"));
    let file = &report["files"][0];
    assert!(file["edits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["start"].as_u64() == Some(start) && e["after"] == after));
    assert!(!file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.get("proposed").is_some()));

    // At `certain` nothing of the rule is applied.
    let (_, report) = check_json(LOST, Some("certain"));
    let file = &report["files"][0];
    assert!(!file["edits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["rule"] == "replacement-restore"));
}

#[test]
fn config_key_sets_the_threshold_and_the_flag_wins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), LOST).unwrap();
    std::fs::write(
        dir.path().join("fettle.toml"),
        "[fix]\nmin-confidence = \"guess\"\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = fettle()
            .current_dir(dir.path())
            .args(["check", "--format", "json", "f.txt"])
            .args(extra)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["files"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f.get("proposed").is_some())
            .count()
    };
    assert_eq!(run(&[]), 0);
    assert_eq!(run(&["--min-confidence", "likely"]), 1);
    std::fs::write(
        dir.path().join("fettle.toml"),
        "[fix]\nmin-confidence = \"sure\"\n",
    )
    .unwrap();
    let out = fettle()
        .current_dir(dir.path())
        .args(["check", "f.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Every output format shows a withheld edit, and it fails `check`.
#[test]
fn withheld_edits_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), LOST).unwrap();
    for format in ["human", "github", "markdown", "sarif"] {
        let out = fettle()
            .current_dir(dir.path())
            .args(["check", "--format", format, "f.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        let shown = if format == "markdown" {
            "Fixes not applied"
        } else {
            "(guess, not applied)"
        };
        assert!(text.contains(shown), "{format}: {text}");
        if format == "sarif" {
            let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
            let results = sarif["runs"][0]["results"].as_array().unwrap();
            let withheld = results
                .iter()
                .find(|r| r["properties"]["applied"] == false)
                .expect("a withheld result");
            assert_eq!(withheld["ruleId"], "replacement-restore");
            let text = &withheld["fixes"][0]["artifactChanges"][0]["replacements"][0]
                ["insertedContent"]["text"];
            assert!(text.is_string(), "{withheld}");
        }
    }
}

/// At every threshold, for every fixture and seed: each recorded edit (a
/// merged one too) is at least as sure as asked, and cleaning the cleaned
/// text applies nothing more.
#[test]
fn every_level_applies_only_what_it_may_and_is_idempotent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = fixtures();
    for e in std::fs::read_dir(root.join("seeds")).unwrap() {
        inputs.push(e.unwrap().path());
    }
    for path in inputs {
        let bytes = std::fs::read(&path).unwrap();
        for level in LEVELS {
            let config = library_config(&path, level);
            let Processed::Text(first) = process(&bytes, &config, None) else {
                break;
            };
            let min = config.fix.min_confidence;
            assert!(
                first.edits.iter().all(|e| e.confidence() >= min),
                "{} at {level}: {:?}",
                path.display(),
                first.edits
            );
            if first.decoded.ambiguous {
                continue; // the second reading may take another code page
            }
            let Processed::Text(second) = process(first.output.as_bytes(), &config, None) else {
                panic!("{}: cleaned text is not text", path.display());
            };
            assert!(
                second.edits.is_empty(),
                "{} at {level}: a second cleaning made {:?}",
                path.display(),
                second.edits
            );
        }
    }
}
