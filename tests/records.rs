//! `fettle records` end to end: the binary on JSONL files, shards and stdin.

mod common;

use common::{code, fettle, stderr, stdout};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Fields other than the text, spelled as a writer other than serde might:
/// numbers serde_json would respell, an escaped key, nested values.
const OTHER_FIELDS: &str = r#""id":ID, "score": 1.0,"big":123456789012345678901234567890, "tiny":1e-400,"huge":1E400,"k\u00e9y":{"nested":[true,null,"\u00e9\ud83d\ude00"]}"#;

/// Record `i`: every third one has trailing white space and mojibake to
/// clean; the text key comes after the other fields, so each line up to
/// the text's value must come out byte for byte.
fn record(i: usize) -> String {
    let text = if i.is_multiple_of(3) {
        format!("Record {i} says it\u{e2}\u{80}\u{99}s done.   \nNext line.")
    } else {
        format!("Record {i} is clean.\nSecond line.")
    };
    format!(
        "{{{}, \"text\": {}}}\n",
        OTHER_FIELDS.replace("ID", &i.to_string()),
        serde_json::to_string(&text).unwrap()
    )
}

fn records(n: usize) -> String {
    (0..n).map(record).collect()
}

/// The part of a record line before its text's value.
fn before_text(line: &str) -> &str {
    &line[..line.find("\"text\": ").expect("a text key") + "\"text\": ".len()]
}

/// The record from its text on (the text, the report field, what follows):
/// serde_json without `arbitrary_precision` refuses the other fields' 1E400.
fn value(line: &str) -> serde_json::Value {
    let from_text = format!("{{{}", &line[line.find("\"text\"").expect("a text key")..]);
    serde_json::from_str(&from_text).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// The record's `id`.
fn id(line: &str) -> u64 {
    let after = &line[line.find("\"id\":").expect("an id") + 5..];
    after[..after.find(',').unwrap()].parse().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Run `fettle records ARGS` with `input` on stdin.
fn with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fettle"))
        .current_dir(dir)
        .arg("records")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    output
}

#[test]
fn one_line_out_per_line_in_in_order_with_other_fields_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    // Several batches' worth, so that batches and threads are crossed.
    let input = records(5000);
    std::fs::write(dir.path().join("shard.jsonl"), &input).unwrap();
    let out = fettle(dir.path(), &["records", "shard.jsonl"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let output = stdout(&out);
    let (ins, outs): (Vec<&str>, Vec<&str>) = (input.lines().collect(), output.lines().collect());
    assert_eq!(ins.len(), outs.len());
    for (i, (line_in, line_out)) in ins.iter().zip(&outs).enumerate() {
        assert_eq!(
            before_text(line_in),
            before_text(line_out),
            "line {}",
            i + 1
        );
        let record = value(line_out);
        let report = &record["fettle"];
        assert_eq!(
            report["changed"],
            i.is_multiple_of(3),
            "line {}: {line_out}",
            i + 1
        );
        if i.is_multiple_of(3) {
            assert_eq!(
                record["text"],
                format!("Record {i} says it\u{2019}s done.\nNext line.")
            );
            assert_eq!(report["edits_per_rule"]["mojibake"], 1);
            assert_eq!(report["edits_per_rule"]["trailing-whitespace"], 1);
        } else {
            // A clean record is the line as read plus the report field.
            let kept = line_in.strip_suffix('}').unwrap();
            assert!(
                line_out.starts_with(&format!("{kept},\"fettle\":{{")),
                "line {}: {line_out}",
                i + 1
            );
        }
    }
    assert!(
        stderr(&out).contains("5000 records, 1667 changed, 3334 edits, 0 findings, 0 bad lines"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn edits_give_code_point_offsets_into_both_texts() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{e9}t\u{e9} \u{1F600} caf\u{c3}\u{a9} it\u{e2}\u{80}\u{99}s  \nand\u{a0} more  ";
    let line = format!("{{\"text\":{}}}\n", serde_json::to_string(text).unwrap());
    let out = with_stdin(dir.path(), &["--edits"], line.as_bytes());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let record = value(&stdout(&out));
    let cleaned: Vec<char> = record["text"].as_str().unwrap().chars().collect();
    let original: Vec<char> = text.chars().collect();
    let edits = record["fettle"]["edits"].as_array().unwrap();
    assert!(edits.len() >= 3, "{edits:?}");
    let at = |e: &serde_json::Value, k: &str| e[k].as_u64().unwrap() as usize;
    for e in edits {
        let before: String = original[at(e, "start")..at(e, "end")].iter().collect();
        let after: String = cleaned[at(e, "cleaned_start")..at(e, "cleaned_end")]
            .iter()
            .collect();
        assert_eq!(before, e["before"].as_str().unwrap(), "{e}");
        assert_eq!(after, e["after"].as_str().unwrap(), "{e}");
        assert!(["certain", "likely", "guess"].contains(&e["confidence"].as_str().unwrap()));
    }
}

#[test]
fn bad_lines_pass_through_in_place_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        record(0),
        "not json at all\n".to_string(),
        "{\"id\": 7}\n".to_string(),
        "{\"text\": [\"a\"]}\n".to_string(),
        record(1),
    ];
    let mut input = lines.concat().into_bytes();
    input.extend_from_slice(b"{\"text\": \"\xff\xfe\"}\n");
    input.extend_from_slice(record(2).trim_end().as_bytes()); // no final newline
    std::fs::write(dir.path().join("mixed.jsonl"), &input).unwrap();
    let out = fettle(dir.path(), &["records", "mixed.jsonl"]);
    assert_eq!(code(&out), 2);
    let output = out.stdout.split(|&b| b == b'\n').collect::<Vec<_>>();
    assert_eq!(output.len(), 8, "seven lines, each ending in a newline");
    assert_eq!(output[1], b"not json at all");
    assert_eq!(output[2], b"{\"id\": 7}");
    assert_eq!(output[3], b"{\"text\": [\"a\"]}");
    assert_eq!(output[5], b"{\"text\": \"\xff\xfe\"}");
    for i in [0, 4, 6] {
        let line = std::str::from_utf8(output[i]).unwrap();
        assert!(value(line)["fettle"].is_object(), "{line}");
    }
    let err = stderr(&out);
    for expected in [
        "mixed.jsonl:2: bad record, passed through unchanged: not JSON",
        "mixed.jsonl:3: bad record, passed through unchanged: no `text` field",
        "mixed.jsonl:4: bad record, passed through unchanged: `text` is an array, not a string",
        "mixed.jsonl:6: bad record, passed through unchanged: invalid UTF-8 at byte 11",
        "3 records, 1 changed, 2 edits, 0 findings, 4 bad lines",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}

#[test]
fn gzip_and_zstd_shards_in_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = records(300);
    std::fs::write(dir.path().join("a.jsonl"), &input).unwrap();
    std::fs::write(dir.path().join("a.jsonl.gz"), gzip(input.as_bytes())).unwrap();
    std::fs::write(
        dir.path().join("a.jsonl.zst"),
        zstd::encode_all(input.as_bytes(), 3).unwrap(),
    )
    .unwrap();
    let plain = fettle(dir.path(), &["records", "a.jsonl"]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    for shard in ["a.jsonl.gz", "a.jsonl.zst"] {
        let out = fettle(dir.path(), &["records", shard]);
        assert_eq!(code(&out), 0, "{shard}: {}", stderr(&out));
        assert_eq!(out.stdout, plain.stdout, "{shard}");
    }
    let out = fettle(
        dir.path(),
        &["records", "a.jsonl.zst", "--out", "clean.jsonl.gz"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let gz = std::fs::read(dir.path().join("clean.jsonl.gz")).unwrap();
    assert_eq!(gunzip(&gz), plain.stdout);
    let out = fettle(
        dir.path(),
        &["records", "a.jsonl.gz", "--out", "clean.jsonl.zst"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let zst = std::fs::read(dir.path().join("clean.jsonl.zst")).unwrap();
    assert_eq!(zstd::decode_all(&zst[..]).unwrap(), plain.stdout);
    let out = fettle(dir.path(), &["records", "a.jsonl", "--out", "clean.jsonl"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.path().join("clean.jsonl")).unwrap(),
        plain.stdout
    );
}

#[test]
fn stdin_gives_what_a_file_gives_compressed_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let input = records(100);
    std::fs::write(dir.path().join("a.jsonl"), &input).unwrap();
    let file = fettle(dir.path(), &["records", "a.jsonl"]);
    let piped = with_stdin(dir.path(), &[], input.as_bytes());
    assert_eq!(code(&piped), 0, "{}", stderr(&piped));
    assert_eq!(piped.stdout, file.stdout);
    let dash = with_stdin(dir.path(), &["-"], &gzip(input.as_bytes()));
    assert_eq!(dash.stdout, file.stdout);
}

#[test]
fn several_inputs_follow_one_another_and_a_missing_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), records(3)).unwrap();
    std::fs::write(dir.path().join("b.jsonl"), records(5)).unwrap();
    let out = fettle(
        dir.path(),
        &["records", "a.jsonl", "missing.jsonl", "b.jsonl"],
    );
    assert_eq!(code(&out), 2);
    let ids: Vec<u64> = stdout(&out).lines().map(id).collect();
    assert_eq!(ids, [0, 1, 2, 0, 1, 2, 3, 4]);
    assert!(
        stderr(&out).contains("missing.jsonl: cannot open"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_exits_0_when_clean_1_with_changes_2_with_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let clean: String = [1, 2, 4].map(record).concat();
    std::fs::write(dir.path().join("clean.jsonl"), &clean).unwrap();
    std::fs::write(dir.path().join("dirty.jsonl"), records(4)).unwrap();
    std::fs::write(dir.path().join("bad.jsonl"), format!("{clean}oops\n")).unwrap();

    let out = fettle(dir.path(), &["records", "--check", "clean.jsonl"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty());

    let out = fettle(dir.path(), &["records", "--check", "dirty.jsonl"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(
        lines,
        [
            "dirty.jsonl:1: would change: 2 edits (mojibake 1, trailing-whitespace 1)",
            "dirty.jsonl:4: would change: 2 edits (mojibake 1, trailing-whitespace 1)",
        ]
    );

    let out = fettle(dir.path(), &["records", "--check", "bad.jsonl"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("bad.jsonl:4: bad record"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_lists_findings_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fettle.toml"), "[long-lines]\nmax = 10\n").unwrap();
    let input = "{\"text\":\"fine\"}\n{\"text\":\"short\\n\u{e9}\u{e9} is too long a line\"}\n";
    std::fs::write(dir.path().join("f.jsonl"), input).unwrap();
    let out = fettle(dir.path(), &["records", "--check", "f.jsonl"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("f.jsonl:2: warning long-lines:"), "{text}");
    assert!(text.contains("(characters 6..6 of the text)"), "{text}");
}

#[test]
fn the_records_table_sets_keys_and_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fettle.toml"),
        "[records]\ntext-key = \"body\"\nreport-key = \"qc\"\n[records.rules]\ntrailing-whitespace = false\n",
    )
    .unwrap();
    let input = "{\"body\":\"a  \\nb \u{c3}\u{a9}t\u{c3}\u{a9}\"}\n";
    let out = with_stdin(dir.path(), &[], input.as_bytes());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let record: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(record["body"], "a  \nb \u{e9}t\u{e9}");
    assert_eq!(record["qc"]["edits_per_rule"]["mojibake"], 2);
    // Flags win over the table.
    let out = with_stdin(dir.path(), &["--text-key", "t"], input.as_bytes());
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no `t` field"));
}

#[test]
fn running_again_replaces_the_report_field() {
    let dir = tempfile::tempdir().unwrap();
    let once = with_stdin(dir.path(), &[], records(6).as_bytes());
    let twice = with_stdin(dir.path(), &[], &once.stdout);
    assert_eq!(code(&twice), 0, "{}", stderr(&twice));
    for line in stdout(&twice).lines() {
        assert_eq!(line.matches("\"fettle\":").count(), 1, "{line}");
        assert_eq!(value(line)["fettle"]["changed"], false, "{line}");
    }
}
