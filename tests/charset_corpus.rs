//! Detection accuracy on the labelled charset corpus at
//! `../shared/peers/charset/` (395 files from chardet's test suite; skipped
//! with a notice when absent).
//!
//! A detection is right when the decoded text is exactly the text the label
//! decodes to ("decodes the same"). The floor is 98% overall; short files
//! (under 512 bytes) are reported separately, and every miss is printed by
//! encoding (`cargo test --test charset_corpus -- --nocapture`).

mod common;

use fettle::decode::{self, Content, DecodeInput};
use std::collections::BTreeMap;
use std::path::Path;

/// The share of files that must decode to the labelled text (issue #16 asks 99.5%).
const FLOOR: f64 = 0.995;
const SHORT: usize = 512;

#[test]
fn decodes_same_accuracy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/charset");
    let Ok(labels) = std::fs::read_to_string(root.join("labels.tsv")) else {
        common::skip_notice(&format!(
            "skipping charset accuracy: no labelled charset corpus at {} (../shared is absent)",
            root.display()
        ));
        return;
    };
    let mut total = 0;
    let mut right = 0;
    let mut short = (0, 0);
    let mut misses: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut per_label: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for line in labels.lines() {
        let Some((path, label)) = line.split_once('\t') else {
            continue;
        };
        let bytes = std::fs::read(root.join(path)).expect("corpus file");
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).expect("known label");
        let truth = encoding.decode(&bytes).0;
        let (ok, got) = match decode::decode(DecodeInput::new(&bytes[..])) {
            Content::Text(d) => (d.text == truth, d.encoding.to_string()),
            Content::Binary(reason) => (false, format!("binary ({reason})")),
        };
        total += 1;
        right += ok as usize;
        let entry = per_label.entry(label.to_string()).or_default();
        entry.0 += 1;
        entry.1 += ok as usize;
        if bytes.len() < SHORT {
            short.0 += 1;
            short.1 += ok as usize;
        }
        if !ok {
            misses
                .entry(label.to_string())
                .or_default()
                .push(format!("{path} -> {got}"));
        }
    }
    let accuracy = right as f64 / total as f64;
    println!(
        "decodes-same: {right}/{total} = {:.1}%; files under {SHORT} bytes: {}/{}",
        100.0 * accuracy,
        short.1,
        short.0
    );
    for (label, (n, ok)) in &per_label {
        if ok < n {
            println!("  {label}: {ok}/{n}");
            for m in &misses[label] {
                println!("    miss {m}");
            }
        }
    }
    assert!(
        accuracy >= FLOOR,
        "accuracy {:.1}% is under the floor of {:.0}%",
        100.0 * accuracy,
        100.0 * FLOOR
    );
}

/// The unlabelled Unicode files (encoding_rs has no UTF-32 label): every
/// UTF-16/32 file, with or without BOM, decodes to the same text as its
/// UTF-8 form would, i.e. without a single undecodable unit.
#[test]
fn utf16_and_utf32_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/charset/files");
    if !root.is_dir() {
        common::skip_notice(&format!(
            "skipping UTF-16/32 corpus files: no charset corpus at {} (../shared is absent)",
            root.display()
        ));
        return;
    }
    for (dir, expect) in [
        ("UTF-16BE", "UTF-16BE"),
        ("UTF-16LE", "UTF-16LE"),
        ("UTF-32BE", "UTF-32BE"),
        ("UTF-32LE", "UTF-32LE"),
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let Content::Text(d) = decode::decode(DecodeInput::new(&bytes[..])) else {
                panic!("{} taken for binary", path.display());
            };
            assert_eq!(d.encoding, expect, "{}", path.display());
            assert!(d.invalid.is_empty(), "{}", path.display());
            assert!(d.text.contains('<') || d.text.contains('\n'));
        }
    }
}
