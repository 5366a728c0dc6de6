//! Snapshot tests for every rule: each file under `tests/fixtures/<rule-id>/`
//! is run through the pipeline with only that rule enabled, and the snapshot
//! shows the decoded encoding, every edit, every finding and the diff. A new
//! case needs no code: drop a file in the folder and review the snapshot with
//! `cargo insta review`.
//!
//! A `fettle.toml` in the rule's folder, if present, is the config for its
//! fixtures, and `<name>.toml` beside a fixture the config for that one
//! (the rule is still the only one enabled).

use fettle::pipeline::{process, Processed};
use fettle::report::visible;
use fettle::Config;
use std::fmt::Write;
use std::path::Path;

fn config_for(fixture: &Path) -> Config {
    let dir = fixture.parent().unwrap();
    let rule = dir.file_name().unwrap().to_str().unwrap();
    let own = fixture.with_extension("toml");
    let file = if own.is_file() {
        own
    } else {
        dir.join("fettle.toml")
    };
    let mut config = match std::fs::read_to_string(file) {
        Ok(text) => Config::parse(&text).expect("fixture config parses"),
        Err(_) => Config::default(),
    };
    let only = Config::only(rule);
    config.rules = only.rules;
    config
}

/// The snapshot text for one fixture.
pub fn render(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let config = config_for(path);
    let mut out = String::new();
    match process(&bytes, &config, None) {
        Processed::Binary(reason) => writeln!(out, "binary: {reason}").unwrap(),
        Processed::Text(t) => {
            // The record is complete: the edits alone turn input into output.
            assert_eq!(
                fettle::edit::apply_edits(&t.decoded.text, &t.edits),
                t.output,
                "{}",
                path.display()
            );
            writeln!(
                out,
                "encoding: {} ({})",
                t.decoded.encoding,
                t.decoded.method.as_str()
            )
            .unwrap();
            writeln!(out, "edits:").unwrap();
            for e in &t.edits {
                writeln!(
                    out,
                    "  {}..{} {} [{}] \"{}\" -> \"{}\"",
                    e.start,
                    e.end,
                    e.rule(),
                    e.confidence().as_str(),
                    visible(e.before(&t.decoded.text)),
                    visible(&e.after)
                )
                .unwrap();
            }
            writeln!(out, "findings:").unwrap();
            for f in &t.findings {
                writeln!(
                    out,
                    "  {}..{} {} {}: {}",
                    f.start,
                    f.end,
                    f.severity.as_str(),
                    f.rule,
                    f.message
                )
                .unwrap();
            }
            writeln!(out, "diff:").unwrap();
            let diff = similar::TextDiff::from_lines(&t.decoded.text, &t.output);
            write!(out, "{}", diff.unified_diff().context_radius(1)).unwrap();
        }
    }
    out
}

#[test]
fn rule_fixtures() {
    insta::glob!("fixtures/*/*.txt", |path| {
        insta::assert_snapshot!(render(path));
    });
}

#[test]
fn every_rule_has_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for id in fettle::rules::ids() {
        let dir = root.join(id);
        let has = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .any(|e| e.path().extension().is_some_and(|x| x == "txt"))
            })
            .unwrap_or(false);
        assert!(has, "rule {id} has no fixture in {}", dir.display());
    }
}

/// `docs/rules.md` is generated from the rules' declarations; it must match
/// them.
#[test]
fn docs_rules_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fettle::rules::markdown(),
        "docs/rules.md is stale: refresh it with `cargo run -- rules --markdown > docs/rules.md`"
    );
}
