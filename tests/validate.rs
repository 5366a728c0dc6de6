//! Validation as a maintainer meets it: corpus rules, severities, per-path
//! overrides, inline suppression, exit codes, and `fettle check seeds/`.

mod common;
use common::*;

use serde_json::Value;
use std::fs;
use std::path::Path;

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let o = fettle(dir, &all);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    (code(&o), v)
}

/// `(path, rule)` of every corpus finding.
fn corpus(v: &Value) -> Vec<(String, String)> {
    v["corpus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Rules of every per-file finding of `path`.
fn file_rules(v: &Value, path: &str) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .flat_map(|f| f["findings"].as_array().unwrap().clone())
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

const STORY: &str = "It was a dark and stormy night, and the rain fell in torrents, except at \
occasional intervals, when it was checked by a violent gust of wind which swept up the streets.\n\n\
For it is in London that our scene lies, rattling along the housetops, and fiercely agitating the \
scanty flame of the lamps that struggled against the darkness.\n";

#[test]
fn duplicates_and_near_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("c")).unwrap();
    fs::write(d.join("c/a.txt"), STORY).unwrap();
    // The same text with CRLF and trailing blanks: identical after cleaning.
    fs::write(
        d.join("c/b.txt"),
        STORY
            .replace('\n', "  \r\n")
            .replace("  \r\n  \r\n", "\r\n\r\n"),
    )
    .unwrap();
    // The same text plus a sentence: a near-duplicate.
    fs::write(
        d.join("c/c.txt"),
        format!("{STORY}\nThe end came quickly after that night.\n"),
    )
    .unwrap();
    fs::write(
        d.join("c/d.txt"),
        "Something else entirely, written about gardens and bees and summer afternoons in a \
         small village by the sea, where nothing ever happens to anyone at all.\n",
    )
    .unwrap();
    let (exit, v) = json(d, &["c"]);
    assert_eq!(exit, 1);
    let found = corpus(&v);
    assert!(
        found.contains(&("c/b.txt".into(), "duplicate-files".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("c/c.txt".into(), "near-duplicates".into())),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(p, _)| p == "c/d.txt" || p == "c/a.txt"),
        "{found:?}"
    );
    // c.txt is reported once, against a.txt, not again against its copy b.txt.
    assert_eq!(found.len(), 2, "{found:?}");
    let dup = &v["corpus"][0];
    assert_eq!(dup["related"][0], "c/a.txt");
    assert_eq!(dup["severity"], "warning");
    assert_eq!(v["summary"]["findings_by_rule"]["duplicate-files"], 1);
    assert!(v["summary"]["corpus_findings"].as_u64().unwrap() >= 2);

    // The human output lists them after the files.
    let human = String::from_utf8(fettle(d, &["check", "c"]).stdout).unwrap();
    assert!(
        human.contains("c/b.txt: warning duplicate-files: identical to c/a.txt after cleaning"),
        "{human}"
    );
}

/// Forty drafts of one story: every draft after the first is reported once,
/// against an earlier draft, not once per similar pair (780 pairs here).
#[test]
fn many_drafts_are_reported_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("drafts")).unwrap();
    let long = STORY.repeat(3);
    for k in 0..40 {
        fs::write(
            d.join(format!("drafts/{k:02}.txt")),
            format!("{long}\nDraft number {k} ends here, revised once more.\n"),
        )
        .unwrap();
    }
    let (_, v) = json(d, &["drafts"]);
    let near: Vec<_> = v["corpus"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "near-duplicates")
        .collect();
    let paths: std::collections::BTreeSet<&str> =
        near.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(near.len(), 39, "{near:?}");
    assert_eq!(paths.len(), 39, "one finding per file: {near:?}");
    assert!(
        !paths.contains("drafts/00.txt"),
        "the first draft is the original"
    );
    for f in &near {
        let (path, related) = (
            f["path"].as_str().unwrap(),
            f["related"][0].as_str().unwrap(),
        );
        assert!(
            related < path,
            "{path} is compared with earlier files: {related}"
        );
    }
}

#[test]
fn file_names_and_case_collisions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("c")).unwrap();
    fs::write(d.join("c/Story.txt"), STORY).unwrap();
    fs::write(d.join("c/story.txt"), format!("{STORY}Other.\n")).unwrap();
    fs::write(d.join("c/what?.txt"), "A question. And more words here.\n").unwrap();
    fs::write(d.join("c/aux.txt"), "A device name. And more words here.\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"c/caf\xe9.txt");
        fs::write(d.join(name), "Latin-1 name. And more words here.\n").unwrap();
    }
    let (_, v) = json(d, &["c"]);
    let found = corpus(&v);
    assert!(
        found.contains(&("c/story.txt".into(), "case-collision".into())),
        "{found:?}"
    );
    assert!(found.contains(&("c/what?.txt".into(), "file-names".into())));
    assert!(found.contains(&("c/aux.txt".into(), "file-names".into())));
    #[cfg(unix)]
    assert!(
        // The name as printed: its byte that is not UTF-8 escaped.
        found.contains(&("c/caf\\xe9.txt".into(), "file-names".into())),
        "{found:?}"
    );
    assert!(!found.contains(&("c/Story.txt".into(), "file-names".into())));
}

#[test]
fn encoding_outlier() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("c")).unwrap();
    let text = "Le café où nous étions était fermé. Déjà l'été s'achevait et les élèves \
                rentraient à l'école, très pressés, après des vacances à la mer.\n";
    for i in 0..3 {
        fs::write(d.join(format!("c/u{i}.txt")), format!("{i} {text}")).unwrap();
    }
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    fs::write(d.join("c/w.txt"), &latin1).unwrap();
    fs::write(d.join("c/ascii.txt"), "Plain ASCII only, nothing to see.\n").unwrap();
    let (_, v) = json(d, &["c"]);
    let outliers: Vec<_> = v["corpus"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "encoding-outlier")
        .collect();
    assert_eq!(outliers.len(), 1, "{outliers:?}");
    assert_eq!(outliers[0]["path"], "c/w.txt");
    let message = outliers[0]["message"].as_str().unwrap();
    assert!(
        message.contains("windows-1252") && message.contains("3 of 4 non-ASCII files are UTF-8"),
        "{message}"
    );
}

#[test]
fn info_findings_do_not_fail_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Mixed quote styles (info) and nothing to clean.
    fs::write(d.join("a.txt"), "“Yes,” he said. \"No,\" she said.\n").unwrap();
    let o = fettle(d, &["check", "a.txt"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(code(&o), 0, "{out}");
    assert!(out.contains("info mixed-quotes"), "{out}");
    // Raised to a warning, it fails.
    fs::write(
        d.join("fettle.toml"),
        "[severity]\nmixed-quotes = \"warning\"\n",
    )
    .unwrap();
    assert_eq!(code(&fettle(d, &["check", "a.txt"])), 1);
    // Turned off, it is not reported at all.
    fs::write(
        d.join("fettle.toml"),
        "[severity]\nmixed-quotes = \"off\"\n",
    )
    .unwrap();
    let o = fettle(d, &["check", "a.txt"]);
    assert_eq!(code(&o), 0);
    assert!(!String::from_utf8_lossy(&o.stdout).contains("mixed-quotes"));
}

#[test]
fn inline_suppression() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("fettle.toml"), "[long-lines]\nmax = 40\n").unwrap();
    let long = "This line is much longer than forty characters, surely it is.";
    fs::write(
        d.join("a.txt"),
        format!(
            "{long}\n{long} fettle: ignore[long-lines]\n{long} fettle: ignore[other-rule]\n{long} fettle: ignore\n"
        ),
    )
    .unwrap();
    let (_, v) = json(d, &["a.txt"]);
    let lines: Vec<u64> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "long-lines")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![1, 3]);

    // A file-level marker silences per-file and corpus findings of that rule.
    fs::write(
        d.join("b.txt"),
        format!("{STORY}[fettle: ignore-file[long-lines, duplicate-files]]\n"),
    )
    .unwrap();
    fs::write(
        d.join("c.txt"),
        format!("{STORY}[fettle: ignore-file[long-lines, duplicate-files]]\n"),
    )
    .unwrap();
    let (_, v) = json(d, &["b.txt", "c.txt"]);
    assert!(corpus(&v).is_empty(), "{:?}", corpus(&v));
    assert!(file_rules(&v, "b.txt").is_empty());
}

#[test]
fn per_path_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("c/legacy")).unwrap();
    let cut = "The story begins here.\n\nShe opened the door and saw the man standing in the\n";
    fs::write(d.join("c/legacy/old.txt"), cut).unwrap();
    fs::write(d.join("c/new.txt"), cut.replace("story", "tale")).unwrap();
    fs::write(
        d.join("fettle.toml"),
        r#"
[[overrides]]
paths = ["c/legacy/**"]
ignore = ["ends-mid-sentence"]

[[overrides]]
paths = ["new.txt"]
severity = { ends-mid-sentence = "error" }
"#,
    )
    .unwrap();
    let (exit, v) = json(d, &["c"]);
    assert_eq!(exit, 1);
    assert_eq!(file_rules(&v, "c/legacy/old.txt"), vec!["short-file"]);
    assert_eq!(
        file_rules(&v, "c/new.txt"),
        vec!["short-file", "ends-mid-sentence"]
    );
    let new = &v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "c/new.txt")
        .unwrap()["findings"][1];
    assert_eq!(new["severity"], "error");

    // An override's unknown rule id is a config error.
    fs::write(
        d.join("fettle.toml"),
        "[[overrides]]\npaths = [\"*\"]\nignore = [\"nope\"]\n",
    )
    .unwrap();
    let o = fettle(d, &["check", "c"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("nope"));
}

/// What `fettle check seeds/` says about the seeds, as a maintainer reads it.
#[test]
fn check_seeds_human() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = fettle(root, &["check", "--config", "/dev/null", "seeds/"]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("trailing-note"), "{out}");
    assert!(out.contains("final-newline"), "{out}");
    insta::assert_snapshot!(out);
}
