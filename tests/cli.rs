//! The command line as a user meets it: exit codes, refusals, in-place fixes.

mod common;
use common::*;

use std::fs;

#[test]
fn check_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dirty.txt"), "trailing  \r\nspaces").unwrap();
    fs::write(dir.path().join("clean.txt"), "All fine.\n").unwrap();
    assert_eq!(code(&fettle(dir.path(), &["check", "clean.txt"])), 0);
    let dirty = fettle(dir.path(), &["check", "dirty.txt"]);
    assert_eq!(code(&dirty), 1);
    assert!(String::from_utf8_lossy(&dirty.stdout).contains("dirty.txt"));
    let missing = fettle(dir.path(), &["check", "missing.txt", "clean.txt"]);
    assert_eq!(code(&missing), 2);
    assert!(String::from_utf8_lossy(&missing.stdout).contains("missing.txt"));
}

#[test]
fn check_diff_is_a_clean_patch_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "one  \ntwo").unwrap();
    let out = fettle(dir.path(), &["check", "--diff", "a.txt"]);
    assert_eq!(code(&out), 1);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("--- a/a.txt\n+++ b/a.txt\n@@"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-one  \n") && stdout.contains("+one\n+two\n"),
        "{stdout}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).is_empty(),
        "the summary goes to stderr"
    );
}

#[test]
fn check_json_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "x\u{200b}y").unwrap();
    let out = fettle(dir.path(), &["check", "--format", "json", "a.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["files"][0]["edits"][0]["rule"], "invisible-chars");
    assert_eq!(v["files"][0]["edits"][0]["line"], 1);
    assert_eq!(v["files"][0]["edits"][0]["column"], 2);
    assert_eq!(v["summary"]["changed"], 1);
}

#[test]
fn diff_and_format_are_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "x\n").unwrap();
    assert_eq!(
        code(&fettle(
            dir.path(),
            &["check", "--diff", "--format", "json", "a.txt"]
        )),
        2
    );
}

#[test]
fn clean_refuses_output_inside_source() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("src")).unwrap();
    fs::write(dir.path().join("src/a.txt"), "x\n").unwrap();
    for out in ["src", "src/cleaned", "./src/../src/x"] {
        let o = fettle(dir.path(), &["clean", "src", "--out", out]);
        assert_eq!(code(&o), 2, "--out {out}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("inside the source")
                || String::from_utf8_lossy(&o.stderr).contains("source itself")
        );
    }
    assert!(!dir.path().join("src/cleaned").exists());
    let ok = fettle(
        dir.path(),
        &["clean", "src", "--out", "out", "--report", "report.json"],
    );
    assert_eq!(code(&ok), 0, "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(
        fs::read_to_string(dir.path().join("out/a.txt")).unwrap(),
        "x\n"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["files"][0]["path"], "src/a.txt");
}

#[test]
fn clean_never_touches_source_and_skips_binaries() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("src")).unwrap();
    fs::write(dir.path().join("src/a.txt"), "dirty  \r\n").unwrap();
    fs::write(
        dir.path().join("src/img.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    )
    .unwrap();
    let o = fettle(dir.path(), &["clean", "src", "--out", "out"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        fs::read(dir.path().join("src/a.txt")).unwrap(),
        b"dirty  \r\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out/a.txt")).unwrap(),
        "dirty\n"
    );
    assert!(!dir.path().join("out/img.png").exists());
    assert!(String::from_utf8_lossy(&o.stdout).contains("binary"));
}

#[test]
fn fix_rewrites_only_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.txt");
    let dirty = dir.path().join("dirty.txt");
    fs::write(&clean, "Fine.\n").unwrap();
    fs::write(&dirty, "Not fine.  \n\n\n\nReally.").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dirty, fs::Permissions::from_mode(0o640)).unwrap();
    }
    let before = fs::metadata(&clean).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = fettle(dir.path(), &["fix", "clean.txt", "dirty.txt"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        fs::metadata(&clean).unwrap().modified().unwrap(),
        before,
        "unchanged file was rewritten"
    );
    assert_eq!(
        fs::read_to_string(&dirty).unwrap(),
        "Not fine.\n\nReally.\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&dirty).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
    assert_eq!(code(&fettle(dir.path(), &["check", "dirty.txt"])), 0);
}

#[test]
fn detect_tsv_and_binary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "plain\n").unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("hi\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    fs::write(dir.path().join("b.txt"), utf16).unwrap();
    fs::write(
        dir.path().join("c.pdf"),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    )
    .unwrap();
    let o = fettle(dir.path(), &["detect", "--format", "tsv", "."]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "a.txt\tUTF-8\nb.txt\tUTF-16LE\nc.pdf\tbinary\n"
    );
    let human = String::from_utf8(fettle(dir.path(), &["detect", "b.txt"]).stdout).unwrap();
    assert!(
        human.contains("by=bom") && human.contains("crlf=1"),
        "{human}"
    );
}

#[test]
fn bad_config_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("fettle.toml"),
        "[rules]\nno-such-rule = true\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.txt"), "x\n").unwrap();
    let o = fettle(dir.path(), &["check", "a.txt"]);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("fettle.toml") && err.contains("no-such-rule"),
        "{err}"
    );
}

#[test]
fn config_turns_rules_off() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("fettle.toml"),
        "[rules]\nfinal-newline = false\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.txt"), "no newline").unwrap();
    assert_eq!(code(&fettle(dir.path(), &["check", "a.txt"])), 0);
}

#[test]
fn forced_encoding_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    // "Привет, мир" in KOI8-R; on its own it could pass for other code pages.
    fs::write(
        dir.path().join("koi.txt"),
        b"\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2\n",
    )
    .unwrap();
    let o = fettle(
        dir.path(),
        &[
            "detect",
            "--encoding",
            "koi8-r",
            "--format",
            "tsv",
            "koi.txt",
        ],
    );
    assert_eq!(code(&o), 0);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "koi.txt\tKOI8-R\n");
    let human = String::from_utf8(
        fettle(dir.path(), &["detect", "--encoding", "koi8-r", "koi.txt"]).stdout,
    )
    .unwrap();
    assert!(human.contains("by=forced"), "{human}");
    let o = fettle(
        dir.path(),
        &["clean", "koi.txt", "--out", "out", "--encoding", "koi8-r"],
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        fs::read_to_string(dir.path().join("out/koi.txt")).unwrap(),
        "Привет, мир\n"
    );
    // The same from the config file.
    fs::write(
        dir.path().join("fettle.toml"),
        "[decode]\nencoding = \"koi8-r\"\n",
    )
    .unwrap();
    let o = fettle(dir.path(), &["detect", "--format", "tsv", "koi.txt"]);
    assert_eq!(String::from_utf8(o.stdout).unwrap(), "koi.txt\tKOI8-R\n");
    let bad = fettle(dir.path(), &["detect", "--encoding", "no-such", "koi.txt"]);
    assert_eq!(code(&bad), 2);
}

#[test]
fn ambiguous_encoding_is_a_check_finding() {
    let dir = tempfile::tempdir().unwrap();
    // One non-ASCII byte alone, `é` in windows-1252, `י` in windows-1255:
    // no letters around it for the language models to tell (`caf\xe9` is
    // French by its ASCII letters).
    fs::write(dir.path().join("snippet.txt"), b"\xe9\n").unwrap();
    let o = fettle(dir.path(), &["check", "snippet.txt"]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("ambiguous-encoding")
            && out.contains("windows-1255")
            && out.contains("windows-1252"),
        "{out}"
    );
    let human = String::from_utf8(fettle(dir.path(), &["detect", "snippet.txt"]).stdout).unwrap();
    assert!(
        human.contains("runner-up=windows-1252") && human.contains("AMBIGUOUS"),
        "{human}"
    );
    let json =
        String::from_utf8(fettle(dir.path(), &["check", "--format", "json", "snippet.txt"]).stdout)
            .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let enc = &v["files"][0]["encoding"];
    assert_eq!(enc["ambiguous"], true);
    assert_eq!(enc["runner_up"]["name"], "windows-1252");
    // Forcing the encoding settles it.
    let o = fettle(
        dir.path(),
        &["check", "--encoding", "windows-1252", "snippet.txt"],
    );
    assert!(!String::from_utf8(o.stdout)
        .unwrap()
        .contains("ambiguous-encoding"));
}

#[test]
fn corpus_prior_settles_short_files() {
    let dir = tempfile::tempdir().unwrap();
    let sentences = [
        "Вчера вечером мы долго гуляли по набережной и разговаривали о книгах.",
        "Потом пошёл дождь, и все разошлись по домам, обещая встретиться снова.",
        "Утром в саду пели птицы, а на столе остывал забытый всеми чай.",
        "Он написал письмо старому другу, но так и не решился его отправить.",
    ];
    for (i, s) in sentences.iter().enumerate() {
        let bytes = encoding_rs::WINDOWS_1251.encode(s).0.into_owned();
        fs::write(dir.path().join(format!("long{i}.txt")), bytes).unwrap();
    }
    // "он" alone reads as Hebrew to the detector.
    fs::write(dir.path().join("short.txt"), b"\xee\xed\n").unwrap();
    let tsv = |args: &[&str]| {
        let o = fettle(dir.path(), args);
        assert_eq!(code(&o), 0);
        String::from_utf8(o.stdout).unwrap()
    };
    let alone = tsv(&["detect", "--format", "tsv", "short.txt", "long0.txt"]);
    assert!(alone.contains("short.txt\twindows-1255"), "{alone}");
    let with = tsv(&["detect", "--corpus-prior", "--format", "tsv", "."]);
    assert!(with.contains("short.txt\twindows-1251"), "{with}");
    assert_eq!(with.matches("windows-1251").count(), 5, "{with}");
    let human = fettle(
        dir.path(),
        &[
            "detect",
            "--corpus-prior",
            "short.txt",
            "long0.txt",
            "long1.txt",
        ],
    );
    assert!(String::from_utf8(human.stdout)
        .unwrap()
        .contains("by=corpus-prior"));
    assert!(String::from_utf8(human.stderr)
        .unwrap()
        .contains("corpus prior windows-1251"));
    fs::write(
        dir.path().join("fettle.toml"),
        "[decode]\ncorpus-prior = true\n",
    )
    .unwrap();
    let from_config = tsv(&["detect", "--format", "tsv", "."]);
    assert!(
        from_config.contains("short.txt\twindows-1251"),
        "{from_config}"
    );
}

#[test]
fn files_over_the_size_limit_are_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("big.txt"), "x".repeat(2000) + "\n").unwrap();
    fs::write(dir.path().join("small.txt"), "fine\n").unwrap();
    let o = fettle(
        dir.path(),
        &["check", "--max-file-size", "1K", "big.txt", "small.txt"],
    );
    assert_eq!(code(&o), 2);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("big.txt: error: file is 2001 bytes, over the limit of 1024 bytes"),
        "{stdout}"
    );
    assert!(
        stdout.contains("small.txt: UTF-8 (utf-8) clean"),
        "{stdout}"
    );
    // The config key sets the same limit.
    fs::write(
        dir.path().join("fettle.toml"),
        "[decode]\nmax-file-size = 100\n",
    )
    .unwrap();
    let o = fettle(dir.path(), &["check", "big.txt"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stdout).contains("over the limit of 100 bytes"));
    let o = fettle(dir.path(), &["check", "--max-file-size", "lots", "big.txt"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a size"));
}

/// More files than the runner keeps in flight, a large one first so that
/// later files finish before it, on two threads: the report lists every
/// file once, in walk order (arguments in order, directories sorted), and
/// `clean` writes every one, creating the directories it needs.
#[test]
fn many_files_keep_their_order_on_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let mut expected = Vec::new();
    for (d, sub) in ["a", "b/deep", "c"].iter().enumerate() {
        fs::create_dir_all(src.join(sub)).unwrap();
        for i in 0..250 {
            let name = format!("src/{sub}/{i:03}.txt");
            let text = if d == 0 && i == 0 {
                "A long line of text.  \n".repeat(100_000)
            } else {
                format!("File {i} of {sub}. \n")
            };
            fs::write(dir.path().join(&name), text).unwrap();
            expected.push(name);
        }
    }
    expected.push("missing.txt".to_string());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_fettle"))
            .current_dir(dir.path())
            .env("RAYON_NUM_THREADS", "2")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["check", "--format", "json", "src", "missing.txt"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, expected);
    assert_eq!(report["summary"]["errors"], 1);

    let out = run(&["clean", "src", "--out", "out"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for name in &expected[..expected.len() - 1] {
        let cleaned = dir.path().join(name.replacen("src/", "out/", 1));
        let text = fs::read_to_string(&cleaned).unwrap();
        assert!(!text.contains(" \n"), "{name} was not cleaned");
    }
}

/// `fettle check | head`: when the reader goes away, fettle stops quietly
/// (no "Broken pipe" error message) with exit code 2, the output being
/// incomplete.
#[test]
fn a_closed_stdout_stops_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    // Far more output than a pipe buffers, so fettle is still writing when
    // the reader goes away.
    for i in 0..3000 {
        fs::write(dir.path().join(format!("{i:04}.txt")), "trailing  \r\n").unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fettle"))
        .current_dir(dir.path())
        .args(["check", "."])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("0000.txt"), "{first}");
    // The reader is dropped here: stdout is closed.
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 2);
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

#[test]
fn check_and_fix_default_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(
        dir.path().join("sub/a.txt"),
        "Some text with a blank at the end. \n",
    )
    .unwrap();
    let check = fettle(dir.path(), &["check"]);
    assert_eq!(code(&check), 1);
    assert!(stdout(&check).contains("sub/a.txt"), "{}", stdout(&check));
    assert_eq!(code(&fettle(dir.path(), &["fix"])), 0);
    assert_eq!(
        fs::read_to_string(dir.path().join("sub/a.txt")).unwrap(),
        "Some text with a blank at the end.\n"
    );
    assert_eq!(code(&fettle(dir.path(), &["check"])), 0);
}

#[test]
fn fix_exits_1_when_findings_remain_that_it_cannot_fix() {
    let dir = tempfile::tempdir().unwrap();
    // An empty file: a `short-file` warning no fix removes.
    fs::write(dir.path().join("empty.txt"), "").unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "A sentence with trailing blanks.  \n",
    )
    .unwrap();
    let fix = fettle(dir.path(), &["fix", "."]);
    assert_eq!(code(&fix), 1, "{}", stdout(&fix));
    assert_eq!(
        fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "A sentence with trailing blanks.\n",
        "what could be fixed was"
    );
    assert_eq!(code(&fettle(dir.path(), &["fix", "--exit-zero"])), 0);
    fs::remove_file(dir.path().join("empty.txt")).unwrap();
    assert_eq!(code(&fettle(dir.path(), &["fix"])), 0);
}

#[test]
fn exit_zero_output_file_quiet_and_statistics() {
    let dir = tempfile::tempdir().unwrap();
    // Twenty words and more: no `short-file` finding.
    let prose = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.";
    fs::write(dir.path().join("dirty.txt"), format!("{prose}  \r\n")).unwrap();
    let other = "The river ran past the mill where the old miller kept his books, counting every sack of grain twice before the winter came.";
    fs::write(dir.path().join("clean.txt"), format!("{other}\n")).unwrap();
    assert_eq!(code(&fettle(dir.path(), &["check", "--exit-zero"])), 0);
    // Errors still fail.
    assert_eq!(
        code(&fettle(
            dir.path(),
            &["check", "--exit-zero", "missing.txt"]
        )),
        2
    );

    let to_file = fettle(
        dir.path(),
        &[
            "check",
            "-o",
            "report.json",
            "--format",
            "json",
            "dirty.txt",
            "clean.txt",
        ],
    );
    assert_eq!(code(&to_file), 1);
    assert!(to_file.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["changed"], 1);

    // A report written under the checked directory is not read by its own run.
    let into_tree = fettle(dir.path(), &["check", "-o", "report.txt"]);
    assert_eq!(code(&into_tree), 1);
    let report = fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(
        report.contains("dirty.txt") && !report.contains("report.txt"),
        "{report}"
    );
    fs::remove_file(dir.path().join("report.txt")).unwrap();
    fs::remove_file(dir.path().join("report.json")).unwrap();

    let quiet = stdout(&fettle(
        dir.path(),
        &["check", "-q", "dirty.txt", "clean.txt"],
    ));
    assert!(quiet.contains("dirty.txt"), "{quiet}");
    assert!(!quiet.contains("clean.txt"), "{quiet}");
    assert!(!quiet.contains("files:"), "no totals: {quiet}");

    let statistics = fettle(dir.path(), &["check", "--statistics", "dirty.txt"]);
    assert_eq!(code(&statistics), 1);
    let lines: Vec<String> = stdout(&statistics)
        .lines()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        ["1 line-endings edit", "1 trailing-whitespace edit"],
        "{}",
        stdout(&statistics)
    );
    // One mode at a time.
    assert_eq!(
        code(&fettle(dir.path(), &["check", "--statistics", "--diff"])),
        2
    );
}

#[test]
fn color_is_ansi_only_when_asked_or_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "").unwrap();
    let always = stdout(&fettle(dir.path(), &["check", "--color", "always"]));
    assert!(always.contains("\u{1b}["), "{always}");
    let plain = stdout(&fettle(dir.path(), &["check", "--color", "never"]));
    assert!(!plain.contains('\u{1b}'));
    // Not a terminal: auto means none.
    let auto = stdout(&fettle(dir.path(), &["check"]));
    assert_eq!(auto, plain);
    // Machine formats are never coloured.
    let json = stdout(&fettle(
        dir.path(),
        &["check", "--color", "always", "--format", "json"],
    ));
    assert!(!json.contains('\u{1b}'));
}

#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    let bash = fettle(dir.path(), &["completions", "bash"]);
    assert_eq!(code(&bash), 0);
    assert!(stdout(&bash).contains("--force-exclude"));
    let man = fettle(dir.path(), &["man"]);
    assert_eq!(code(&man), 0);
    assert!(
        stdout(&man).starts_with(".ie"),
        "roff: {}",
        &stdout(&man)[..40]
    );
    assert!(stdout(&man).contains("fettle"));
    assert_eq!(code(&fettle(dir.path(), &["man", "--out-dir", "man"])), 0);
    assert!(dir.path().join("man/fettle-check.1").is_file());
}

#[test]
fn configuration_is_found_above_the_working_directory_up_to_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(repo.join("corpus/deep")).unwrap();
    fs::write(
        repo.join("corpus/deep/a.txt"),
        "Trailing blanks.  \nAnd more text.\n",
    )
    .unwrap();
    // Outside the repository: never read.
    fs::write(
        dir.path().join("fettle.toml"),
        "[rules]\nnot-a-rule = true\n",
    )
    .unwrap();
    assert_eq!(code(&fettle(&repo.join("corpus"), &["check"])), 1);
    fs::write(
        repo.join(".fettle.toml"),
        "[rules]\ntrailing-whitespace = false\n",
    )
    .unwrap();
    assert_eq!(code(&fettle(&repo.join("corpus/deep"), &["check"])), 0);
    let shown = stdout(&fettle(&repo.join("corpus"), &["config"]));
    let line = shown
        .lines()
        .find(|l| l.starts_with("trailing-whitespace = false"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(line.ends_with(".fettle.toml"), "{line}");
    assert!(shown.contains("# configuration file: "), "{shown}");
}

#[test]
fn excluded_files_are_skipped_and_named_ones_only_with_force_exclude() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    fs::create_dir_all(dir.path().join("corpus/legacy")).unwrap();
    fs::write(dir.path().join("corpus/legacy/old.txt"), "Old blanks.  \n").unwrap();
    fs::write(dir.path().join("corpus/new.txt"), "A new and clean text.\n").unwrap();
    fs::write(
        dir.path().join("fettle.toml"),
        "[files]\nexclude = [\"legacy\"]\n",
    )
    .unwrap();
    let walked = fettle(dir.path(), &["check", "corpus"]);
    assert_eq!(code(&walked), 0, "{}", stdout(&walked));
    assert!(!stdout(&walked).contains("old.txt"));
    // A named file is read...
    assert_eq!(
        code(&fettle(dir.path(), &["check", "corpus/legacy/old.txt"])),
        1
    );
    // ...unless exclusion is forced, as pre-commit's hooks do.
    let forced = fettle(
        dir.path(),
        &[
            "fix",
            "--force-exclude",
            "corpus/legacy/old.txt",
            "corpus/new.txt",
        ],
    );
    assert_eq!(code(&forced), 0);
    assert_eq!(
        fs::read_to_string(dir.path().join("corpus/legacy/old.txt")).unwrap(),
        "Old blanks.  \n"
    );
    // Globs are relative to the configuration file, wherever fettle starts.
    let below = fettle(
        &dir.path().join("corpus"),
        &["check", "--force-exclude", "legacy/old.txt"],
    );
    assert!(!stdout(&below).contains("old.txt"), "{}", stdout(&below));
}

#[test]
fn every_argument_is_described_in_help() {
    use clap::CommandFactory;
    let command = fettle::cli::Cli::command();
    let mut missing = Vec::new();
    for sub in command.get_subcommands() {
        for arg in sub.get_arguments() {
            if arg.get_help().is_none() && arg.get_id() != "help" && arg.get_id() != "version" {
                missing.push(format!("{} {}", sub.get_name(), arg.get_id()));
            }
        }
    }
    assert!(missing.is_empty(), "arguments without help: {missing:?}");
}
