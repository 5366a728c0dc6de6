//! Whole-corpus properties: the committed `cleaned/` is current, cleaning is
//! idempotent, and every file's edit record reproduces its output.

use fettle::pipeline::{process, Processed};
use fettle::Config;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn fixture_files() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for dir in files_or_dirs(&root().join("tests/fixtures")) {
        all.extend(
            files(&dir)
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "txt")),
        );
    }
    all
}

fn files_or_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn committed_cleaned_matches_a_fresh_run() {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_fettle"))
        .current_dir(root())
        .args(["clean", "seeds", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let fresh = files(out.path());
    let committed = files(&root().join("cleaned"));
    let names = |v: &[PathBuf]| {
        v.iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&fresh),
        names(&committed),
        "cleaned/ has other files than a fresh run"
    );
    for (a, b) in fresh.iter().zip(&committed) {
        assert!(
            std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
            "{} is stale: run `cargo run --release -- clean seeds --out cleaned` and review the diff",
            b.display()
        );
    }
}

#[test]
fn cleaning_cleaned_text_changes_nothing() {
    let config = Config::default();
    let mut inputs = files(&root().join("seeds"));
    inputs.extend(fixture_files());
    for path in inputs {
        let Processed::Text(first) = process(&std::fs::read(&path).unwrap(), &config, None) else {
            continue;
        };
        let Processed::Text(second) = process(first.output.as_bytes(), &config, None) else {
            panic!("{}: cleaned text is no longer text", path.display())
        };
        assert_eq!(
            second.output,
            first.output,
            "{}: second clean changed the text",
            path.display()
        );
        assert!(
            second.edits.is_empty(),
            "{}: second clean made edits {:?}",
            path.display(),
            second.edits
        );
    }
}

#[test]
fn edit_record_reproduces_output_for_every_seed_and_fixture() {
    let config = Config::default();
    let mut inputs = files(&root().join("seeds"));
    inputs.extend(fixture_files());
    for path in inputs {
        let Processed::Text(t) = process(&std::fs::read(&path).unwrap(), &config, None) else {
            continue;
        };
        assert_eq!(
            fettle::edit::apply_edits(&t.decoded.text, &t.edits),
            t.output,
            "{}",
            path.display()
        );
        for pair in t.edits.windows(2) {
            assert!(
                pair[0].end <= pair[1].start,
                "{}: overlapping edits",
                path.display()
            );
        }
        for e in &t.edits {
            assert_ne!(
                e.before(&t.decoded.text),
                e.after.as_str(),
                "{}: an edit that changes nothing",
                path.display()
            );
        }
    }
}
