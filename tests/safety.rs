//! Never lose data: what `clean` and `fix` write, and what they refuse, when
//! the file system is not a tidy folder of regular files (symlinks, hard
//! links, owners, modes, special files, a full disk, a kill, two runs at
//! once), and output that tells the truth about it (docs/safety.md).

mod common;
use common::*;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The names of fettle's temporary files under `dir`, hidden or not.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else if name.starts_with(".fettle-") || name.starts_with(".tmp") {
                found.push(e.path());
            }
        }
    }
    found
}

const DIRTY: &str = "trailing  \r\nspaces\u{200b} here\n";
const FIXED: &str = "trailing\nspaces here\n";

/// What fettle makes of `text`, found by running it on a copy.
fn cleaned(text: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("x.txt"), text).unwrap();
    let o = fettle(dir.path(), &["fix", "x.txt"]);
    // 1: findings fix cannot fix remain (a short file).
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    fs::read(dir.path().join("x.txt")).unwrap()
}

#[test]
fn clean_never_writes_its_source_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), DIRTY).unwrap();
    for out in [".", "./sub/..", "link"] {
        if out == "link" {
            std::os::unix::fs::symlink(".", dir.path().join("link")).unwrap();
        }
        let o = fettle(dir.path(), &["clean", "a.txt", "--out", out]);
        assert_eq!(code(&o), 2, "--out {out}: {}", stderr(&o));
        assert!(stderr(&o).contains("source"), "{}", stderr(&o));
        assert_eq!(fs::read_to_string(dir.path().join("a.txt")).unwrap(), DIRTY);
    }
}

#[test]
fn clean_does_not_write_through_symlinks_in_dst() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src/sub")).unwrap();
    fs::create_dir_all(root.join("elsewhere")).unwrap();
    fs::write(root.join("src/a.txt"), DIRTY).unwrap();
    fs::write(root.join("src/sub/b.txt"), DIRTY).unwrap();
    fs::create_dir(root.join("out")).unwrap();
    // A link in DST to the source file itself, and a folder link out of DST.
    std::os::unix::fs::symlink("../src/a.txt", root.join("out/a.txt")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", root.join("out/sub")).unwrap();
    let o = fettle(root, &["clean", "src", "--out", "out"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(root.join("src/a.txt")).unwrap(), DIRTY);
    assert_eq!(
        fs::read_to_string(root.join("src/sub/b.txt")).unwrap(),
        DIRTY
    );
    // The link was replaced by the cleaned copy, not followed; the copy
    // has the source's permissions.
    let a = fs::symlink_metadata(root.join("out/a.txt")).unwrap();
    assert!(a.is_file());
    let source_mode = fs::metadata(root.join("src/a.txt")).unwrap().mode() & 0o777;
    assert_eq!(a.mode() & 0o777, source_mode);
    assert_eq!(fs::read_to_string(root.join("out/a.txt")).unwrap(), FIXED);
    // Nothing went through the folder link.
    assert_eq!(fs::read_dir(root.join("elsewhere")).unwrap().count(), 0);
    let err = stderr(&o) + &stdout(&o);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(
        stderr(&o).contains("1 file not written") && stderr(&o).contains("b.txt"),
        "{}",
        stderr(&o)
    );
    assert!(temporaries(root).is_empty());
}

/// A full disk: the files that fit are whole, the others are absent and
/// named, and no temporary file is left. On a small tmpfs when running as
/// root; otherwise with a file size limit (`ulimit -f`), whose error the
/// write sees the same way.
#[test]
fn a_full_disk_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("src")).unwrap();
    let line = "a line of text with trailing blanks   \r\n";
    let text = line.repeat(200_000 / line.len());
    for i in 0..12 {
        fs::write(root.join(format!("src/f{i:02}.txt")), &text).unwrap();
    }
    let expected = cleaned(text.as_bytes());
    fs::create_dir(root.join("disk")).unwrap();
    let mounted = is_root()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(root.join("disk"))
            .status()
            .is_ok_and(|s| s.success());
    let o = if mounted {
        let o = fettle(root, &["clean", "src", "--out", "disk/out"]);
        let out = root.join("disk/out");
        check_full_disk(&o, &out, &expected);
        let _ = Command::new("umount").arg(root.join("disk")).status();
        o
    } else {
        skip_notice("not root or no mount: the full disk is a file size limit (ulimit -f)");
        // Files of at most 600 KiB: the cleaned copies (~190 KB) fit, a
        // bigger file does not.
        fs::write(root.join("src/big.txt"), text.repeat(8)).unwrap();
        let o = Command::new("bash")
            .current_dir(root)
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f 600; exec {} clean src --out disk/out",
                env!("CARGO_BIN_EXE_fettle")
            ))
            .output()
            .unwrap();
        assert!(stderr(&o).contains("big.txt"), "{}", stderr(&o));
        fs::remove_file(root.join("src/big.txt")).unwrap();
        check_full_disk(&o, &root.join("disk/out"), &expected);
        o
    };
    assert_eq!(code(&o), 2);
}

fn check_full_disk(o: &std::process::Output, out: &Path, expected: &[u8]) {
    assert_eq!(code(o), 2, "{}", stderr(o));
    assert!(stderr(o).contains("not written"), "{}", stderr(o));
    let mut whole = 0;
    for e in fs::read_dir(out).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "left behind: {name}");
        if name == "big.txt" {
            panic!("big.txt was written");
        }
        assert_eq!(fs::read(e.path()).unwrap(), expected, "{name} is partial");
        whole += 1;
    }
    // Every file not there is named as not written.
    for i in 0..12 {
        let name = format!("f{i:02}.txt");
        if !out.join(&name).exists() {
            assert!(stderr(o).contains(&name), "{name}: {}", stderr(o));
        }
    }
    eprintln!("full disk: {whole} files written whole");
}

#[test]
fn fix_writes_a_symlinks_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("t.txt"), DIRTY).unwrap();
    std::os::unix::fs::symlink("t.txt", dir.path().join("s.txt")).unwrap();
    let o = fettle(dir.path(), &["fix", "s.txt"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(fs::symlink_metadata(dir.path().join("s.txt"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(dir.path().join("t.txt")).unwrap(), FIXED);
}

#[test]
fn fix_refuses_hard_links_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), DIRTY).unwrap();
    fs::hard_link(dir.path().join("a.txt"), dir.path().join("b.txt")).unwrap();
    let o = fettle(dir.path(), &["fix", "a.txt"]);
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(out.contains("a.txt") && out.contains("hard links"), "{out}");
    assert_eq!(fs::read_to_string(dir.path().join("b.txt")).unwrap(), DIRTY);
    let o = fettle(dir.path(), &["fix", "--write-hard-links", "a.txt"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(fs::read_to_string(dir.path().join("a.txt")).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(dir.path().join("b.txt")).unwrap(), FIXED);
}

#[test]
fn fix_keeps_owner_mode_and_extended_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    fs::write(&path, DIRTY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let root = is_root();
    if root {
        std::os::unix::fs::chown(&path, Some(1234), Some(5678)).unwrap();
    } else {
        skip_notice("not root: the owner is not changed, only kept");
    }
    let before = fs::metadata(&path).unwrap();
    let xattrs = xattr::set(&path, "user.fettle", b"kept").is_ok();
    if !xattrs {
        skip_notice("no user extended attributes on this file system");
    }
    let o = fettle(dir.path(), &["fix", "a.txt"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let after = fs::metadata(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXED);
    assert_ne!(after.ino(), before.ino(), "replaced, not rewritten");
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if root {
        assert_eq!((after.uid(), after.gid()), (1234, 5678));
    }
    assert_eq!(after.mode() & 0o7777, 0o640);
    if xattrs {
        assert_eq!(
            xattr::get(&path, "user.fettle").unwrap().as_deref(),
            Some(&b"kept"[..])
        );
    }
}

#[test]
fn fix_leaves_read_only_files_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    fs::write(&path, DIRTY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let o = fettle(dir.path(), &["fix", "a.txt"]);
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).contains("read-only"), "{}", stdout(&o));
    assert_eq!(fs::read_to_string(&path).unwrap(), DIRTY);
    let o = fettle(dir.path(), &["fix", "--force", "a.txt"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXED);
    assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o444);
}

#[test]
fn special_files_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("d")).unwrap();
    fs::write(dir.path().join("d/a.txt"), "All fine here.\n").unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.path().join("d/pipe"))
        .status()
        .is_ok_and(|s| s.success());
    if made {
        // Named: an error (and no wait for a writer).
        let o = fettle(dir.path(), &["check", "d/pipe"]);
        assert_eq!(code(&o), 2);
        assert!(stdout(&o).contains("FIFO"), "{}", stdout(&o));
        // Met in a walk: skipped with a note.
        let o = fettle(dir.path(), &["check", "d"]);
        assert!(stderr(&o).contains("pipe: skipped"), "{}", stderr(&o));
        assert!(!stdout(&o).contains("pipe"), "{}", stdout(&o));
    } else {
        skip_notice("mkfifo is not available");
    }
    let o = fettle(dir.path(), &["check", "/dev/null"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stdout(&o).contains("character device"), "{}", stdout(&o));

    let with_stdin = |args: &[&str], input: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fettle"))
            .current_dir(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    };
    let o = with_stdin(&["check", "-"], DIRTY.as_bytes());
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).starts_with("-: UTF-8"), "{}", stdout(&o));
    let o = with_stdin(
        &["check", "--stdin-filename", "notes/x.txt", "-"],
        DIRTY.as_bytes(),
    );
    assert!(stdout(&o).starts_with("notes/x.txt: "), "{}", stdout(&o));
    // `fix -`: the fixed text on stdout, the report on stderr.
    let o = with_stdin(&["fix", "-"], DIRTY.as_bytes());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), FIXED);
    assert!(stderr(&o).contains("1 fixed"), "{}", stderr(&o));
    let o = with_stdin(&["fix", "-"], b"\x00\x01binary\x00");
    assert_eq!(o.stdout, b"\x00\x01binary\x00");
}

#[test]
fn a_file_named_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("d")).unwrap();
    fs::write(dir.path().join("d/a.txt"), DIRTY).unwrap();
    let o = fettle(
        dir.path(),
        &["check", "d/a.txt", "./d/a.txt", "d", "d/../d/a.txt"],
    );
    let out = stdout(&o);
    assert_eq!(out.matches("a.txt: UTF-8").count(), 1, "{out}");
    assert!(!out.contains("duplicate"), "{out}");
    assert!(out.contains("1 file: 1 would change"), "{out}");
}

/// SIGKILL in the middle of `fix` on a large file: the file is whole (the
/// original or the fixed text), and the next run removes the temporary
/// file the killed one left.
#[test]
fn a_killed_fix_leaves_a_whole_file_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    // 12 MB: large enough that the kill lands while the file is written
    // (the debug build the tests run is slow), small enough for CI.
    let text = "a line with a trailing blank \r\n".repeat(400_000);
    fs::write(&path, &text).unwrap();
    let fixed = cleaned(text.as_bytes());
    let mut caught = 0;
    for delay_ms in [0u64, 30] {
        fs::write(&path, &text).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_fettle"))
            .current_dir(dir.path())
            .args(["fix", "."])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill as soon as its temporary file appears (or once it is done).
        let start = std::time::Instant::now();
        loop {
            if !temporaries(dir.path()).is_empty() {
                std::thread::sleep(std::time::Duration::from_millis(delay_ms / 10));
                caught += 1;
                break;
            }
            if child.try_wait().unwrap().is_some()
                || start.elapsed() > std::time::Duration::from_secs(120)
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        let _ = child.kill();
        // Reaped, so that its process number is free.
        child.wait().unwrap();
        let now = fs::read(&path).unwrap();
        assert!(
            now == text.as_bytes() || now == fixed,
            "big.txt is neither the original nor the fixed text ({} bytes)",
            now.len()
        );
        let o = fettle(dir.path(), &["fix", "."]);
        assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
        assert!(
            temporaries(dir.path()).is_empty(),
            "{:?}",
            temporaries(dir.path())
        );
        assert_eq!(fs::read(&path).unwrap(), fixed);
    }
    eprintln!("killed while writing: {caught} of 2 runs");
}

#[test]
fn two_fix_runs_at_once() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        fs::write(
            dir.path().join(format!("f{i:02}.txt")),
            DIRTY.repeat(2000 + i),
        )
        .unwrap();
    }
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_fettle"))
            .current_dir(dir.path())
            .args(["fix", "."])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for o in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        // A file the other run replaced between reading and writing is
        // refused, not overwritten with a stale result.
        for line in stdout(&o).lines().filter(|l| l.contains(": error: ")) {
            assert!(line.contains("changed since it was read"), "{line}");
        }
        // 1: findings fix cannot fix remain; 2: a refused file.
        assert!(matches!(code(&o), 0..=2), "{}", stderr(&o));
    }
    for i in 0..40 {
        let got = fs::read_to_string(dir.path().join(format!("f{i:02}.txt"))).unwrap();
        assert_eq!(got, FIXED.repeat(2000 + i));
    }
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn names_are_escaped_and_json_keeps_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"new\nline\x1b[31m\xe9.txt");
    fs::write(dir.path().join(odd), DIRTY).unwrap();
    let o = fettle(dir.path(), &["check", "."]);
    let out = stdout(&o);
    assert!(out.contains("new\\nline\\e[31m\\xe9.txt: UTF-8"), "{out}");
    assert!(!out.contains('\x1b'));
    let o = fettle(dir.path(), &["detect", "--format", "tsv", "."]);
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    let o = fettle(dir.path(), &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let bytes: Vec<u8> = v["files"][0]["path_bytes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    assert_eq!(bytes, b"new\nline\x1b[31m\xe9.txt");
    // The diff names it as git does, and git applies it.
    if git_available() {
        let o = fettle(dir.path(), &["check", "--diff", "."]);
        assert!(stdout(&o).starts_with("--- \"a/new\\nline\\033[31m\\351.txt\""));
        git_apply(dir.path(), &o.stdout);
        assert_eq!(fs::read_to_string(dir.path().join(odd)).unwrap(), FIXED);
    }
}

#[test]
fn counts_add_up_and_say_one_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "one  \n").unwrap();
    let o = fettle(dir.path(), &["check", "a.txt"]);
    let out = stdout(&o);
    assert!(
        out.contains("would change: 1 edit (trailing-whitespace 1)"),
        "{out}"
    );
    assert!(out.contains("1 file: 1 would change, 0 clean"), "{out}");
    // Fixed once; the second run writes nothing and says so.
    assert!(stdout(&fettle(dir.path(), &["fix", "a.txt"])).contains("1 file: 1 fixed"));
    let again = stdout(&fettle(dir.path(), &["fix", "a.txt"]));
    assert!(
        again.contains("1 file: 0 fixed, 0 with findings only, 1 clean")
            || again.contains("1 file: 0 fixed, 1 clean"),
        "{again}"
    );
    // Re-encoding is a change of its own.
    fs::write(dir.path().join("w.txt"), b"caf\xe9 au lait, na\xefve\n").unwrap();
    let out = stdout(&fettle(dir.path(), &["check", "w.txt"]));
    assert!(out.contains("re-encode windows-1252 → UTF-8"), "{out}");
    assert!(out.contains("1 would change"), "{out}");
}

fn git_available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip_notice("git is not installed: the patches are not applied");
    }
    ok
}

/// `git apply --check`, then `git apply`, of `patch` in `dir`.
fn git_apply(dir: &Path, patch: &[u8]) {
    for check in [true, false] {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir).arg("apply");
        if check {
            cmd.arg("--check");
        }
        let mut child = cmd
            .arg("-")
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(patch).unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "git apply{}: {}\n{}",
            if check { " --check" } else { "" },
            stderr(&o),
            String::from_utf8_lossy(patch)
        );
    }
}

/// `check --diff` of every fixture is a patch `git apply` takes, and
/// applying it gives what `fix` writes (files whose bytes are not UTF-8
/// are left out of the patch and named on stderr).
#[test]
fn every_fixture_diff_applies_with_git() {
    if !git_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    copy_tree(&fixtures, dir.path(), &mut files);
    let o = fettle(dir.path(), &["check", "--diff", "."]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    git_apply(dir.path(), &o.stdout);
    let fixed = tempfile::tempdir().unwrap();
    copy_tree(&fixtures, fixed.path(), &mut Vec::new());
    let f = fettle(fixed.path(), &["fix", "."]);
    assert!(matches!(code(&f), 0 | 1), "{}", stdout(&f));
    let notes = stderr(&o);
    let mut applied = 0;
    for rel in files {
        let (patched, expected) = (
            fs::read(dir.path().join(&rel)).unwrap(),
            fs::read(fixed.path().join(&rel)).unwrap(),
        );
        if patched != expected {
            assert!(
                notes
                    .lines()
                    .any(|l| l.starts_with(&format!("{}: ", rel.display()))),
                "{}: the patch differs from fix and no note says why\n{notes}",
                rel.display()
            );
        } else {
            applied += 1;
        }
    }
    assert!(applied > 20, "{applied}");
}

fn copy_tree(from: &Path, to: &Path, files: &mut Vec<PathBuf>) {
    fn go(root: &Path, from: &Path, to: &Path, files: &mut Vec<PathBuf>) {
        for e in fs::read_dir(from).unwrap().flatten() {
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                fs::create_dir_all(&target).unwrap();
                go(root, &e.path(), &target, files);
            } else if e.file_name() != "fettle.toml" {
                fs::copy(e.path(), &target).unwrap();
                files.push(e.path().strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    go(from, from, to, files);
}

#[test]
fn baseline_paths_match_however_spelled() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("s")).unwrap();
    fs::write(dir.path().join("s/a.txt"), "one  \n").unwrap();
    let o = fettle(dir.path(), &["check", "--baseline", "b.json", "./s"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = fettle(dir.path(), &["check", "--baseline", "b.json", "s"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("no new or worse"), "{}", stderr(&o));
}

#[test]
fn the_review_page_has_a_size_cap() {
    use fettle::report::HtmlPrinter;
    use fettle::run::{self, Action, Options};
    let dir = tempfile::tempdir().unwrap();
    for i in 0..5 {
        fs::write(dir.path().join(format!("f{i}.txt")), DIRTY).unwrap();
    }
    let mut page = Vec::new();
    let options = Options::new(fettle::Config::default(), None, Action::Check);
    let mut printer = HtmlPrinter::new(&mut page, "review").with_page_limit(1);
    run::run(
        run::discover(&[dir.path().to_path_buf()]),
        &options,
        &mut printer,
    )
    .unwrap();
    drop(printer);
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("data-left-out=\"4\""), "{page}");
    // One file's section (a corpus section, with an empty path, aside).
    let files = page.matches("data-path=\"").count() - page.matches("data-path=\"\"").count();
    assert_eq!(files, 1, "{page}");
}

/// A text of `size` bytes with a fix every ~110 bytes: lines of plain
/// words, each with trailing blanks or a word in UTF-8 read as
/// windows-1252 (`cafÃ©`).
fn densely_damaged(size: usize) -> String {
    const WORDS: [&str; 12] = [
        "the", "morning", "letter", "arrived", "before", "anyone", "could", "read", "it", "aloud",
        "to", "them",
    ];
    const DAMAGE: [&str; 5] = [
        "  ",
        " caf\u{c3}\u{a9} ",
        " don\u{e2}\u{20ac}\u{2122}t ",
        "\t ",
        " na\u{c3}\u{af}ve ",
    ];
    let mut text = String::with_capacity(size + 200);
    let (mut w, mut d) = (0, 0);
    while text.len() < size {
        let start = text.len();
        while text.len() - start < 95 {
            text.push_str(WORDS[w % WORDS.len()]);
            text.push(' ');
            w += 1;
        }
        text.pop();
        let damage = DAMAGE[d % DAMAGE.len()];
        d += 1;
        if damage.trim().is_empty() {
            text.push_str(damage);
        } else {
            text.insert_str(start + 8, damage);
        }
        text.push('\n');
    }
    text
}

/// The peak resident memory of a run of `fettle args` in `dir`, in bytes,
/// and the run; `None` where `/usr/bin/time -v` cannot measure it.
fn peak_rss(dir: &Path, args: &[&str]) -> Option<(u64, std::process::Output)> {
    let o = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_fettle"))
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    let kb: u64 = String::from_utf8_lossy(&o.stderr)
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })?
        .parse()
        .ok()?;
    Some((kb * 1024, o))
}

/// Peak memory stays within 3× the file plus 50 MB, on a file with an
/// edit every ~110 bytes (24 MB: large enough for the factor to show
/// above the fixed 40-odd MB, small enough for a debug build), for
/// `check`, `check --format json`, `clean` and `fix` (docs/safety.md).
#[test]
fn memory_stays_within_three_times_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = densely_damaged(24 << 20);
    let size = text.len() as u64;
    fs::create_dir(dir.path().join("src")).unwrap();
    fs::write(dir.path().join("src/a.txt"), &text).unwrap();
    drop(text);
    let bound = 3 * size + (50 << 20);
    let runs: [&[&str]; 4] = [
        &["check", "src/a.txt"],
        &["check", "--format", "json", "src/a.txt"],
        &["clean", "src", "--out", "out"],
        &["fix", "src/a.txt"],
    ];
    for args in runs {
        let Some((peak, o)) = peak_rss(dir.path(), args) else {
            skip_notice("memory bound not measured: /usr/bin/time -v is not available");
            return;
        };
        assert!(matches!(code(&o), 0 | 1), "{args:?}: {}", stderr(&o));
        eprintln!(
            "{args:?}: peak RSS {} MiB, bound {} MiB",
            peak >> 20,
            bound >> 20
        );
        if args.contains(&"json") {
            // The file is as damaged as meant: an edit per ~110 bytes.
            let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let edits = report["summary"]["edits"].as_u64().unwrap();
            assert!(edits > size / 120, "{edits} edits in {size} bytes");
        }
        assert!(
            peak <= bound,
            "{args:?}: peak RSS {} MB for a {} MB file, over the bound of {} MB",
            peak >> 20,
            size >> 20,
            bound >> 20
        );
    }
}
