//! The HTML review page, rendered by a real browser: `fettle review` writes
//! the page for `tests/data/review/`, headless Chromium loads it (no network,
//! fresh profile) and dumps the DOM after the page's script ran; the test
//! asserts on that DOM — the script computed the totals, the filters (set from
//! the address) hide and dim what they should, and invisible characters are
//! drawn as badges.
//!
//! Skips with a notice when no Chromium is installed (`CHROMIUM=/path` picks
//! one), unless `FETTLE_REQUIRE_BROWSER` is set: `.ci/run` installs the Debian
//! package `chromium` and sets it, so in CI the browser half always runs.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURES: &str = "tests/data/review";

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Load `url` in headless Chromium and return the DOM after scripts ran.
fn dump_dom(browser: &Path, url: &str, work: &Path) -> String {
    let profile = tempfile::tempdir_in(work).unwrap();
    let out_path = work.join("dom.html");
    let out = fs::File::create(&out_path).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::from(out))
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    // A guard against a hung browser, not a timing assertion.
    let give_up = Instant::now() + Duration::from_secs(180);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if Instant::now() > give_up {
            let _ = child.kill();
            panic!("chromium did not finish loading {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    fs::read_to_string(out_path).unwrap()
}

/// The text of the element with this id.
fn text_of(dom: &str, id: &str) -> String {
    let open = format!("id=\"{id}\">");
    let start = dom.find(&open).unwrap_or_else(|| panic!("no #{id}")) + open.len();
    dom[start..start + dom[start..].find('<').unwrap()].to_string()
}

/// The opening tag of the first element with the attribute `attr`
/// (`name="value"`).
fn tag_with<'a>(dom: &'a str, attr: &str) -> &'a str {
    let at = dom
        .find(&format!(" {attr}"))
        .unwrap_or_else(|| panic!("no element with {attr}"));
    let start = dom[..at].rfind('<').unwrap();
    &dom[start..at + dom[at..].find('>').unwrap()]
}

/// The opening tag of the `<section>` for a file.
fn section_tag<'a>(dom: &'a str, path: &str) -> &'a str {
    tag_with(dom, &format!("data-path=\"{path}\""))
}

/// The `data-edits` of every `<tbody>` of changed rows, and whether the
/// filters dim it (`data-dim`).
fn change_blocks(dom: &str) -> Vec<(&str, bool)> {
    dom.split("<tbody ")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap()])
        .filter_map(|attrs| {
            let at = attrs.find("data-edits=\"")? + "data-edits=\"".len();
            let edits = &attrs[at..at + attrs[at..].find('"').unwrap()];
            Some((edits, attrs.contains("data-dim")))
        })
        .collect()
}

#[test]
fn review_page_renders_in_a_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let page = work.path().join("review.html");
    let o = Command::new(env!("CARGO_BIN_EXE_fettle"))
        .current_dir(root)
        .args(["review", FIXTURES, "--html"])
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = fs::read_to_string(&page).unwrap();

    // Self-contained: no external resources, and a policy that forbids them.
    assert!(html.contains("default-src 'none'"));
    for attr in ["src=", "href=", "url(", "@import"] {
        assert!(!html.contains(attr), "page references {attr}");
    }
    // Text from the files is escaped.
    assert!(html.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"));

    // Expected figures come from the JSON report, not from the page.
    let o = Command::new(env!("CARGO_BIN_EXE_fettle"))
        .current_dir(root)
        .args(["check", "--format", "json", FIXTURES])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let edits: Vec<&Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["edits"].as_array().unwrap())
        .collect();
    let mut by_conf: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &edits {
        *by_conf
            .entry(e["confidence"].as_str().unwrap())
            .or_default() += 1;
        *by_rule.entry(e["rule"].as_str().unwrap()).or_default() += 1;
    }
    let findings = report["summary"]["findings"].as_u64().unwrap() as usize;
    // Files on the page: those that would change or have findings.
    let files = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "changed" || !f["findings"].as_array().unwrap().is_empty())
        .count();
    assert!(by_conf["likely"] > 0 && by_conf["certain"] > 0 && findings > 0);

    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("FETTLE_REQUIRE_BROWSER").is_none(),
            "FETTLE_REQUIRE_BROWSER is set but no chromium is installed"
        );
        common::skip_notice(
            "chromium not installed: skipping the browser half of the review-page test (.ci/run installs it)",
        );
        return;
    };
    let url = format!("file://{}", page.display());

    // Everything shown: the script ran and counted every edit and finding.
    let dom = dump_dom(&browser, &url, work.path());
    assert!(
        dom.contains("<body data-ready=\"1\">"),
        "the script did not run"
    );
    assert_eq!(text_of(&dom, "shown-edits"), edits.len().to_string());
    assert_eq!(text_of(&dom, "shown-findings"), findings.to_string());
    assert_eq!(text_of(&dom, "shown-files"), files.to_string());
    let blocks = change_blocks(&dom);
    assert!(!blocks.is_empty());
    assert!(blocks.iter().all(|&(_, dim)| !dim));
    // Invisible characters are badges that name them, U+FFFD too.
    for (label, code) in [
        ("NBSP", "U+00A0"),
        ("ZWSP", "U+200B"),
        ("BOM", "U+FEFF"),
        ("CR", "U+000D"),
        ("U+0301", "U+0301"),
        ("U+FFFD", "U+FFFD"),
    ] {
        let badge = tag_with(&dom, &format!("data-char=\"{code}\""));
        assert!(badge.contains(&format!("title=\"{code} ")), "{badge}");
        let after = &dom[dom.find(badge).unwrap() + badge.len() + 1..];
        assert!(
            after.starts_with(&format!("{label}</span>")),
            "{code}: {after:.40}"
        );
    }
    // Changed characters are highlighted: the no-break space inside a <mark>.
    assert!(dom
        .split("<mark>")
        .skip(1)
        .any(|rest| rest.starts_with("<span")
            && rest[..rest.find('>').unwrap()].contains("data-char=\"U+00A0\"")));
    assert!(section_tag(&dom, "tests/data/review/c.txt").contains("data-encoding"));

    // Only `likely` edits: the counts follow, certain edits are hidden.
    let dom = dump_dom(&browser, &format!("{url}#conf=likely"), work.path());
    assert_eq!(text_of(&dom, "shown-edits"), by_conf["likely"].to_string());
    assert!(tag_with(&dom, "data-conf=\"certain\"").contains("data-off"));
    assert!(!tag_with(&dom, "data-conf=\"likely\"").contains("data-off"));

    // Only one rule: other files are hidden, findings of other rules too, and
    // diff rows that other rules changed are dimmed.
    let dom = dump_dom(&browser, &format!("{url}#rule=nbsp-spacing"), work.path());
    assert_eq!(
        text_of(&dom, "shown-edits"),
        by_rule["nbsp-spacing"].to_string()
    );
    assert_eq!(text_of(&dom, "shown-findings"), "0");
    // a.txt (one block: every line changed) and d.txt (two blocks in one hunk).
    assert_eq!(text_of(&dom, "shown-files"), "2");
    assert!(section_tag(&dom, "tests/data/review/c.txt").contains("hidden"));
    assert!(!section_tag(&dom, "tests/data/review/a.txt").contains("hidden"));
    // d.txt's trailing-whitespace block shares a hunk with its nbsp block: dimmed.
    assert!(!section_tag(&dom, "tests/data/review/d.txt").contains("hidden"));
    let blocks = change_blocks(&dom);
    assert!(blocks.iter().any(|&(_, dim)| dim));
    assert!(blocks.iter().any(|&(_, dim)| !dim));
    for (tags, dim) in blocks {
        assert_eq!(!dim, tags.contains("nbsp-spacing:"), "{tags}");
    }
}
