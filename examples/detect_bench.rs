//! Detection accuracy and speed on the labelled charset corpus at
//! `../shared/peers/charset/`: fettle's detector against plain chardetng
//! (the obvious use: feed the whole file, `guess(None, true)`).
//!
//! ```sh
//! cargo run --release --example detect_bench            # summary
//! cargo run --release --example detect_bench -- --misses # and every miss
//! cargo run --release --example detect_bench -- --compact-check DIR... # also on these files
//! ```
//!
//! It also checks that showing chardetng only the words that hold a
//! non-ASCII byte ([`fettle::decode::detect::chardet_guess`]) gives the same
//! verdict as showing it the whole detection window, on every file and slice
//! of the corpus and on the files under any `--compact-check` directories.
//!
//! A guess is right when decoding the bytes with it yields exactly the text
//! the label yields ("decodes the same").

use fettle::decode::{self, Content, DecodeInput};
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/charset");
    let Ok(labels) = std::fs::read_to_string(root.join("labels.tsv")) else {
        eprintln!("no corpus at {}: nothing to measure", root.display());
        return;
    };
    let show_misses = std::env::args().any(|a| a == "--misses");
    // Misses are shown for the tuning half (even lines of labels.tsv) only,
    // unless --all: the odd half stays held out.
    let show_all = std::env::args().any(|a| a == "--all");
    let files: Vec<(String, Vec<u8>, &'static encoding_rs::Encoding)> = labels
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(p, e)| {
            let bytes = std::fs::read(root.join(p)).expect("corpus file");
            let enc = encoding_rs::Encoding::for_label(e.as_bytes()).expect("label");
            (p.to_string(), bytes, enc)
        })
        .collect();
    let total_bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let truths: Vec<String> = files
        .iter()
        .map(|(_, b, e)| e.decode(b).0.into_owned())
        .collect();

    // Timing: rounds alternate between the two detectors; the fastest round
    // of each counts (the machine is shared and noisy).
    let rounds = 7;
    let mut plain = Vec::new();
    let mut ours = Vec::new();
    let (mut plain_time, mut ours_time) = (f64::MAX, f64::MAX);
    for _ in 0..rounds {
        plain.clear();
        let start = Instant::now();
        for (_, bytes, _) in &files {
            let mut d = chardetng::EncodingDetector::new();
            d.feed(bytes, true);
            plain.push(d.guess(None, true));
        }
        plain_time = plain_time.min(start.elapsed().as_secs_f64());
        // fettle: detection only (the decode stage minus the final decode).
        ours.clear();
        let start = Instant::now();
        for (_, bytes, _) in &files {
            ours.push(decode::sniff(bytes));
        }
        ours_time = ours_time.min(start.elapsed().as_secs_f64());
    }

    let mut plain_ok = 0;
    let mut ours_ok = 0;
    let mut short = (0, 0, 0); // files, plain ok, ours ok
    let mut halves = [(0, 0, 0); 2]; // files, plain ok, ours ok
    let mut ambiguous = (0, 0); // ambiguous verdicts, of which right
    for (i, (path, bytes, label)) in files.iter().enumerate() {
        let show_misses = show_misses && (show_all || i % 2 == 0);
        let truth = &truths[i];
        let p = plain[i].decode(bytes).0 == *truth;
        let d = match decode::decode(DecodeInput::new(&bytes[..])) {
            Content::Text(d) => d,
            Content::Binary(r) => {
                if show_misses {
                    println!("MISS {path}: {} -> binary ({r})", label.name());
                }
                halves[i % 2].0 += 1;
                halves[i % 2].1 += p as usize;
                plain_ok += p as usize;
                continue;
            }
        };
        let o = d.text == *truth;
        plain_ok += p as usize;
        ours_ok += o as usize;
        halves[i % 2].0 += 1;
        halves[i % 2].1 += p as usize;
        halves[i % 2].2 += o as usize;
        if d.ambiguous {
            ambiguous.0 += 1;
            ambiguous.1 += o as usize;
        }
        if bytes.len() < 512 {
            short.0 += 1;
            short.1 += p as usize;
            short.2 += o as usize;
        }
        if show_misses && !o {
            println!(
                "MISS {path}: {} -> {} ({}, {:?}, score {:.2}, runner-up {:?}{})",
                label.name(),
                d.encoding,
                d.method.as_str(),
                d.confidence,
                d.score,
                d.runner_up,
                if d.ambiguous { ", ambiguous" } else { "" }
            );
        }
        if show_misses && o && d.ambiguous {
            println!(
                "AMBIGUOUS-BUT-RIGHT {path}: {} runner-up {:?}",
                d.encoding, d.runner_up
            );
        }
    }
    let n = files.len();
    let mb = total_bytes as f64 / 1e6;
    println!("{n} files, {mb:.2} MB; {} under 512 bytes", short.0);
    println!(
        "plain chardetng: {plain_ok}/{n} = {:.1}% decodes-same (short {}/{}), {:.1} ms, {:.0} MB/s",
        100.0 * plain_ok as f64 / n as f64,
        short.1,
        short.0,
        plain_time * 1e3,
        mb / plain_time
    );
    println!(
        "fettle:          {ours_ok}/{n} = {:.1}% decodes-same (short {}/{}), {:.1} ms, {:.0} MB/s",
        100.0 * ours_ok as f64 / n as f64,
        short.2,
        short.0,
        ours_time * 1e3,
        mb / ours_time
    );
    short_slices(&files);
    compact_check(&files);
    for (h, name) in [
        (0, "tuning half (even lines)"),
        (1, "held-out half (odd lines)"),
    ] {
        let (n, p, o) = halves[h];
        println!(
            "{name}: plain {p}/{n} = {:.1}%, fettle {o}/{n} = {:.1}%",
            100.0 * p as f64 / n as f64,
            100.0 * o as f64 / n as f64
        );
    }
    println!(
        "fettle ambiguous verdicts: {} ({} of them right)",
        ambiguous.0, ambiguous.1
    );
}

/// Short-file accuracy on more than the corpus's dozen short files: a
/// 256-byte slice of every file, from 32 bytes before its first non-ASCII
/// byte, scored the same way (label vs guess on the slice), for plain
/// chardetng, fettle, and fettle with the corpus prior taken from the full
/// files of the same directory (the corpus's directories each hold one
/// encoding, so this is the favourable case the prior is for).
fn short_slices(files: &[(String, Vec<u8>, &'static encoding_rs::Encoding)]) {
    use fettle::decode::prior::CorpusPrior;
    use std::collections::BTreeMap;
    let mut by_dir: BTreeMap<&str, Vec<decode::EncodingVerdict>> = BTreeMap::new();
    for (path, bytes, _) in files {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        by_dir.entry(dir).or_default().push(decode::sniff(bytes));
    }
    let priors: BTreeMap<&str, Option<CorpusPrior>> = by_dir
        .iter()
        .map(|(d, dets)| (*d, CorpusPrior::from_detections(dets)))
        .collect();
    let (mut n, mut plain_ok, mut ours_ok, mut prior_ok) = (0, 0, 0, 0);
    for (path, bytes, label) in files {
        let Some(first) = bytes.iter().position(|&b| b >= 0x80) else {
            continue;
        };
        let start = first.saturating_sub(32);
        let slice = &bytes[start..bytes.len().min(start + 256)];
        if decode::bom::sniff(slice).is_some() || slice.contains(&0) {
            continue;
        }
        let truth = label.decode_without_bom_handling(slice).0;
        n += 1;
        let mut d = chardetng::EncodingDetector::new();
        d.feed(slice, true);
        plain_ok += (d.guess(None, true).decode_without_bom_handling(slice).0 == truth) as usize;
        let text = |s: Content| match s {
            Content::Text(d) => d.text,
            Content::Binary(_) => String::new(),
        };
        let ours = decode::decode(DecodeInput::new(slice));
        if let (true, Content::Text(d)) = (
            std::env::var_os("SLICE_MISSES").is_some() && n % 2 == 1,
            &ours,
        ) {
            if d.text != truth {
                println!(
                    "SLICE MISS {path}: {} -> {} {:?} score {:.2} runner-up {:?}{}",
                    label.name(),
                    d.encoding,
                    d.confidence,
                    d.score,
                    d.runner_up,
                    if d.ambiguous { " AMBIGUOUS" } else { "" }
                );
            }
        }
        ours_ok += (text(ours) == truth) as usize;
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let prior = priors[dir].as_ref();
        prior_ok +=
            (text(decode::decode(DecodeInput::new(slice).corpus_prior(prior))) == truth) as usize;
    }
    let pct = |k: usize| 100.0 * k as f64 / n as f64;
    println!(
        "256-byte slices ({n}): plain chardetng {plain_ok} = {:.1}%, fettle {ours_ok} = {:.1}%, fettle + corpus prior by directory {prior_ok} = {:.1}%",
        pct(plain_ok),
        pct(ours_ok),
        pct(prior_ok)
    );
}

/// chardetng's verdict on a file's detection window, shown whole and shown
/// only its words with non-ASCII bytes: how often they differ, on the corpus
/// files, their 256-byte slices, and the files under `--compact-check` DIRs.
fn compact_check(files: &[(String, Vec<u8>, &'static encoding_rs::Encoding)]) {
    use fettle::decode::detect::{chardet_guess, window_end};
    let verdicts = |bytes: &[u8]| {
        let first = bytes.iter().position(|&b| b >= 0x80)?;
        let end = window_end(bytes, first);
        let window = &bytes[first..end];
        let mut whole = chardetng::EncodingDetector::new();
        whole.feed(window, end == bytes.len());
        Some((
            whole.guess_assess(None, false),
            chardet_guess(window, end == bytes.len()),
        ))
    };
    let mut extra = Vec::new();
    let mut args = std::env::args()
        .skip_while(|a| a != "--compact-check")
        .skip(1);
    for dir in args.by_ref() {
        for entry in ignore::WalkBuilder::new(dir).build().flatten() {
            if entry.file_type().is_some_and(|t| t.is_file()) {
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    extra.push((entry.path().display().to_string(), bytes));
                }
            }
        }
    }
    let slices = files.iter().filter_map(|(p, b, _)| {
        let first = b.iter().position(|&x| x >= 0x80)?;
        let start = first.saturating_sub(32);
        Some((
            format!("{p} (slice)"),
            b[start..b.len().min(start + 256)].to_vec(),
        ))
    });
    let all: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(p, b, _)| (p.clone(), b.clone()))
        .chain(slices)
        .chain(extra)
        .collect();
    let (mut n, mut same) = (0, 0);
    for (path, bytes) in &all {
        let Some((whole, compact)) = verdicts(bytes) else {
            continue;
        };
        n += 1;
        if whole == compact {
            same += 1;
        } else {
            println!(
                "COMPACT DIFFERS {path}: whole window {:?}, non-ASCII words {:?}",
                (whole.0.name(), whole.1),
                (compact.0.name(), compact.1)
            );
        }
    }
    println!(
        "chardetng on non-ASCII words only: same verdict as the whole window on {same}/{n} windows"
    );
}
