//! Every `console` example in README.md and docs/*.md runs, and its output
//! must match (trycmd, as clap and typos test theirs).
//!
//! Each page runs in a fresh sandbox: a copy of `tests/cmd/sandbox/` (a
//! small corpus) and of `seeds/`, with an empty `.git` so configuration
//! discovery stops there. Commands other than `fettle` (cargo, pip) are
//! written in `sh` blocks, which trycmd does not run.
//!
//! `TRYCMD=overwrite cargo test --test docs` rewrites the outputs in the
//! pages themselves after a change of output.

use std::fs;
use std::path::{Path, PathBuf};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The pages with examples to run.
fn pages(root: &Path) -> Vec<PathBuf> {
    let mut pages = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    docs.sort();
    pages.extend(
        docs.into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "md")),
    );
    pages
        .into_iter()
        .filter(|p| {
            fs::read_to_string(p)
                .unwrap()
                .lines()
                .any(|l| l.trim_start().starts_with("```console"))
        })
        .collect()
}

#[test]
fn documented_commands_print_what_the_documentation_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir().unwrap();
    let mut copies = Vec::new();
    for page in pages(root) {
        let name = page
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('/', "-");
        let case = scratch.path().join(&name);
        fs::copy(&page, &case).unwrap();
        let sandbox = case.with_extension("in");
        copy_dir(&root.join("tests/cmd/sandbox"), &sandbox);
        copy_dir(&root.join("seeds"), &sandbox.join("seeds"));
        fs::create_dir(sandbox.join(".git")).unwrap();
        copies.push((page, case));
    }
    assert!(
        copies.iter().any(|(p, _)| p.ends_with("README.md")),
        "the README has examples"
    );
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("fettle", Path::new(env!("CARGO_BIN_EXE_fettle")))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    for (_, case) in &copies {
        cases.case(case);
    }
    cases.run();
    // In overwrite mode trycmd rewrote the copies: bring them home.
    if std::env::var("TRYCMD").is_ok_and(|v| v == "overwrite") {
        for (page, case) in &copies {
            fs::copy(case, page).unwrap();
        }
    }
}
