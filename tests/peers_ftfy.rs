//! ftfy's own test cases (`../shared/peers/ftfy/*.json`), run through
//! fettle's repair stage.
//!
//! The repair stage alone is compared, because the normalize stage makes
//! choices ftfy does not (no-break spaces, final newline, NFC), which would
//! hide what the comparison is about. ftfy's `fixed` also straightens curly
//! quotes; fettle keeps them by default, so when a case has no
//! `fixed-encoding`, quotes are straightened on both sides before comparing.
//! Where ftfy leaves a U+FFFD for a byte that was lost, fettle may restore a
//! character instead; such an output counts as a pass ("better") when it
//! equals ftfy's with each of those U+FFFD replaced by one character.
//!
//! Floor: every case ftfy 6.3.1 passes passes here, and every negative case
//! comes out unchanged. Known failures of ftfy are reported, not asserted.

mod common;

use fettle::rule::Stage;
use fettle::Config;
use std::path::Path;

/// The repair stage, applying every repair it finds (`guess` too), as ftfy
/// does: what is compared is what the repairs can do, not the threshold.
fn repair_only() -> Config {
    let mut config = Config::only_stage(Stage::Repair);
    config.fix.min_confidence = fettle::edit::Confidence::Guess;
    config
}

fn repair(text: &str, config: &Config) -> String {
    let input = fettle::decode::DecodeInput::new(text.as_bytes()).forced(Some(encoding_rs::UTF_8));
    let fettle::decode::Content::Text(decoded) = fettle::decode::decode(input) else {
        unreachable!("a forced encoding always gives text")
    };
    fettle::pipeline::clean_decoded(&decoded, config).0
}

fn straighten(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '‘' | '’' | '‚' | '‛' => '\'',
            '“' | '”' | '„' | '‟' => '"',
            c => c,
        })
        .collect()
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Same,
    /// Equal but where ftfy leaves U+FFFD, fettle restored a character.
    Better,
    Differs,
}

fn compare(ours: &str, expected: &str) -> Verdict {
    if ours == expected {
        return Verdict::Same;
    }
    let (o, e): (Vec<char>, Vec<char>) = (ours.chars().collect(), expected.chars().collect());
    if o.len() == e.len() && o.iter().zip(&e).all(|(a, b)| a == b || *b == '\u{FFFD}') {
        return Verdict::Better;
    }
    Verdict::Differs
}

#[test]
fn ftfy_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/ftfy");
    if !dir.is_dir() {
        common::skip_notice(&format!(
            "skipping ftfy peer cases: {} not found (../shared is absent)",
            dir.display()
        ));
        return;
    }
    let config = repair_only();
    let mut failures = Vec::new();
    for file in [
        "in-the-wild",
        "synthetic",
        "negative",
        "language-names",
        "known-failures",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{file}.json"))).unwrap();
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        let (mut same, mut better, mut differs) = (0, 0, 0);
        for case in &cases {
            let original = case["original"].as_str().unwrap();
            let ours = repair(original, &config);
            let verdict = match case.get("fixed-encoding").and_then(|v| v.as_str()) {
                Some(expected) => compare(&ours, expected),
                None => compare(
                    &straighten(&ours),
                    &straighten(case["fixed"].as_str().unwrap()),
                ),
            };
            let known_failure = case["expect"] == "fail";
            let negative = file == "negative";
            let ok = match verdict {
                Verdict::Same => true,
                Verdict::Better => !negative,
                Verdict::Differs => false,
            };
            if verdict == Verdict::Better {
                eprintln!("{file}: fettle restores ftfy's U+FFFD: {original:?} -> {ours:?}");
            }
            match (ok, verdict) {
                (true, Verdict::Same) => same += 1,
                (true, _) => better += 1,
                _ => differs += 1,
            }
            if known_failure {
                eprintln!(
                    "known failure of ftfy, fettle {}: {original:?} -> {ours:?}",
                    if ok { "gets it right" } else { "also fails" }
                );
            } else if !ok {
                failures.push(format!(
                    "{file}: {:?}\n   got      {ours:?}\n   expected {:?}",
                    original,
                    case.get("fixed-encoding")
                        .unwrap_or(&case["fixed"])
                        .as_str()
                        .unwrap()
                ));
            }
        }
        eprintln!(
            "{file}: {} cases, {same} same, {better} better (U+FFFD restored), {differs} differ",
            cases.len()
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
