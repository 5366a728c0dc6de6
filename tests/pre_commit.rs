//! The shipped `.pre-commit-hooks.yaml` under the real pre-commit tool
//! (`pip install pre-commit`), on a temporary git repository.
//!
//! `pre-commit try-repo` reads the hook definitions from a repository, as a
//! user's `.pre-commit-config.yaml` would. The shipped hooks are
//! `language: rust`, which makes pre-commit build fettle with cargo (minutes);
//! the copy tried here is the shipped file with only the language changed to
//! `system`, so the fettle built for the tests runs instead: ids, entries,
//! arguments and file types are the shipped ones.
//!
//! Skips with a notice when pre-commit or git is missing; `.ci/run` installs
//! pre-commit and sets FETTLE_REQUIRE_PRE_COMMIT=1, which turns the skip into a
//! failure.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tools_or_skip() -> bool {
    if available("pre-commit") && available("git") {
        return true;
    }
    if std::env::var_os("FETTLE_REQUIRE_PRE_COMMIT").is_some() {
        panic!("FETTLE_REQUIRE_PRE_COMMIT is set but pre-commit or git is missing");
    }
    common::skip_notice(
        "pre-commit or git not found; skipping the pre-commit hook test (pip install pre-commit)",
    );
    false
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=fettle",
            "-c",
            "user.email=fettle@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository holding the shipped hooks, run by the test binary.
fn hook_repository(dir: &Path) -> PathBuf {
    let shipped =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    assert_eq!(
        shipped.matches("\n  language: rust\n").count(),
        2,
        "both shipped hooks build with cargo"
    );
    let repo = dir.join("hooks");
    fs::create_dir(&repo).unwrap();
    fs::write(
        repo.join(".pre-commit-hooks.yaml"),
        shipped.replace("\n  language: rust\n", "\n  language: system\n"),
    )
    .unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "hooks"]);
    repo
}

fn try_repo(work: &Path, hooks: &Path, hook: &str, cache: &Path) -> Output {
    let fettle_dir = Path::new(env!("CARGO_BIN_EXE_fettle")).parent().unwrap();
    let path = format!(
        "{}:{}",
        fettle_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("pre-commit")
        .current_dir(work)
        .args(["try-repo"])
        .arg(hooks)
        .args([hook, "--all-files", "--color", "never"])
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", cache)
        .env("GIT_AUTHOR_NAME", "fettle")
        .env("GIT_AUTHOR_EMAIL", "fettle@example.com")
        .env("GIT_COMMITTER_NAME", "fettle")
        .env("GIT_COMMITTER_EMAIL", "fettle@example.com")
        .output()
        .unwrap()
}

fn combined(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn pre_commit_fixes_then_passes_and_leaves_excluded_files_alone() {
    if !tools_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hooks = hook_repository(dir.path());
    let cache = dir.path().join("cache");
    let work = dir.path().join("work");
    fs::create_dir_all(work.join("legacy")).unwrap();
    fs::write(
        work.join("chapter.txt"),
        "Some prose with trailing blanks.   \r\nAnd no final newline.",
    )
    .unwrap();
    fs::write(work.join("clean.txt"), "Already clean text.\n").unwrap();
    let excluded = "An excluded file, left as it is.   \r\n";
    fs::write(work.join("legacy/old.txt"), excluded).unwrap();
    fs::write(
        work.join("fettle.toml"),
        "[files]\nexclude = [\"legacy/**\", \"*.toml\"]\n",
    )
    .unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);

    let before = try_repo(&work, &hooks, "fettle-check", &cache);
    assert_eq!(before.status.code(), Some(1), "{}", combined(&before));

    let first = try_repo(&work, &hooks, "fettle-fix", &cache);
    assert_eq!(first.status.code(), Some(1), "{}", combined(&first));
    assert!(
        combined(&first).contains("files were modified by this hook"),
        "{}",
        combined(&first)
    );
    assert_eq!(
        fs::read_to_string(work.join("chapter.txt")).unwrap(),
        "Some prose with trailing blanks.\nAnd no final newline.\n"
    );

    let second = try_repo(&work, &hooks, "fettle-fix", &cache);
    assert_eq!(second.status.code(), Some(0), "{}", combined(&second));
    let after = try_repo(&work, &hooks, "fettle-check", &cache);
    assert_eq!(after.status.code(), Some(0), "{}", combined(&after));

    assert_eq!(
        fs::read_to_string(work.join("legacy/old.txt")).unwrap(),
        excluded,
        "excluded by [files] exclude, although pre-commit named it"
    );
}
