//! Repair evaluation: corrupt clean texts in known ways, run fettle's repair
//! stage, and score the output against the truth.
//!
//! ```sh
//! cargo run --release --example eval -- [FILES or DIRS…]
//! ```
//!
//! Default inputs: the clean seeds (000, 001, 002, 004) and `../shared/prose`
//! when present. Every corruption is character-local, so output and truth are
//! aligned by construction: each corrupted span remembers the truth
//! characters it came from. Per corruption the table shows how many truth
//! characters were damaged, the share restored exactly, and the collateral:
//! intact characters the repair changed, as a share of all characters.

use fettle::decode;
use fettle::edit::Edit;
use fettle::repair::charmap::Page;
use fettle::rule::Stage;
use fettle::Config;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A corrupted text and, for each of its spans, the truth span it came from.
struct Corrupted {
    /// What fettle reads: raw bytes.
    bytes: Vec<u8>,
    /// The decoded text the spans refer to.
    text: String,
    /// (truth byte range, corrupted-text byte range), in order, covering both.
    spans: Vec<(Range<usize>, Range<usize>)>,
}

const CORRUPTIONS: &[(&str, &str)] = &[
    ("clean", "no corruption (collateral on intact text)"),
    (
        "fffd",
        "Windows-1252 bytes read as UTF-8, U+FFFD for invalid bytes",
    ),
    (
        "cp1252",
        "UTF-8 read as Windows-1252 (undefined bytes as C1 controls)",
    ),
    (
        "cp1252-lossy",
        "UTF-8 read as Windows-1252, undefined bytes as U+FFFD",
    ),
    ("two-layers", "UTF-8 read as Windows-1252, twice"),
    (
        "latin1-c1",
        "Windows-1252 bytes read as Latin-1 (C1 controls)",
    ),
    (
        "mixed",
        "half the paragraphs saved as Windows-1252 in a UTF-8 file",
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inputs: Vec<PathBuf> = if args.is_empty() {
        let mut v: Vec<PathBuf> = ["000", "001", "002", "004"]
            .iter()
            .filter_map(|p| find_seed(&root.join("seeds"), p))
            .collect();
        let prose = root.join("../shared/prose");
        if prose.is_dir() {
            v.push(prose);
        } else {
            eprintln!(
                "note: {} not found, evaluating the seeds only",
                prose.display()
            );
        }
        v
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    let files = collect(&inputs);
    let truths: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    let total_chars: usize = truths.iter().map(|(_, t)| t.chars().count()).sum();
    println!(
        "{} files, {} characters, {:.1} MB\n",
        truths.len(),
        total_chars,
        truths.iter().map(|(_, t)| t.len()).sum::<usize>() as f64 / 1e6
    );
    let config = repair_only();
    println!(
        "| corruption | damaged chars | restored exactly | not restored | collateral chars | collateral % of chars | repair MB/s | detect+decode MB/s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut forced_notes = Vec::new();
    let only = std::env::var("EVAL_ONLY").ok();
    // `EVAL_DUMP=FILE` writes every edit, to compare two versions' output.
    let mut dump = std::env::var_os("EVAL_DUMP")
        .map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("EVAL_DUMP")));
    for (name, _) in CORRUPTIONS {
        if only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        let mut score = Score::default();
        let mut seconds = 0.0;
        let mut decode_seconds = 0.0;
        let mut megabytes = 0.0;
        for (i, (path, truth)) in truths.iter().enumerate() {
            let c = corrupt(name, truth, i as u64);
            let r = repair(&c, &config);
            score.forced += usize::from(r.forced);
            seconds += r.repair_seconds;
            decode_seconds += r.decode_seconds;
            megabytes += c.bytes.len() as f64 / 1e6;
            if let Some(d) = dump.as_mut() {
                use std::io::Write;
                for e in &r.edits {
                    writeln!(
                        d,
                        "{name}\t{}\t{}\t{}\t{:?}\t{:?}\t{:?}",
                        path.display(),
                        e.start,
                        e.end,
                        e.after,
                        e.confidence(),
                        e.rule()
                    )
                    .expect("EVAL_DUMP");
                }
            }
            score.add(truth, &c, &r.edits, path);
        }
        println!(
            "| {name} | {} | {} | {} | {} | {:.4}% | {:.0} | {:.0} |",
            score.damaged,
            percent(score.restored, score.damaged),
            score.damaged - score.restored,
            score.collateral,
            100.0 * score.collateral as f64 / score.chars.max(1) as f64,
            megabytes / seconds.max(1e-9),
            megabytes / decode_seconds.max(1e-9),
        );
        if score.forced > 0 {
            forced_notes.push(format!(
                "`{name}`: detection did not read {} of {} files as UTF-8; they were decoded with UTF-8 forced",
                score.forced,
                truths.len()
            ));
        }
        if std::env::var_os("EVAL_SHOW").is_some() {
            for m in score.misses.iter().take(2000) {
                eprintln!("  {name}: {m}");
            }
            let mut v: Vec<_> = score.by_want.iter().collect();
            v.sort_by_key(|(_, n)| std::cmp::Reverse(**n));
            for ((want, got), n) in v.iter().take(25) {
                eprintln!("  {name}: {n} x want {want:?} got {got:?}");
            }
        }
    }
    println!();
    for (name, what) in CORRUPTIONS {
        println!("- `{name}`: {what}");
    }
    for note in forced_notes {
        println!("\nnote: {note}");
    }
}

fn percent(a: usize, b: usize) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2}%", 100.0 * a as f64 / b as f64)
    }
}

fn find_seed(dir: &Path, prefix: &str) -> Option<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    v.sort();
    v.into_iter().next()
}

fn collect(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            v.sort();
            out.extend(v.into_iter().filter(|p| p.is_file()));
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn repair_only() -> Config {
    Config::only_stage(Stage::Repair)
}

/// What [`repair`] found and how long it took.
struct Repaired {
    /// Edits in coordinates of the corrupted text.
    edits: Vec<Edit>,
    /// Detection had to be overridden to read the bytes as UTF-8.
    forced: bool,
    /// Detection and decoding (the fastest of the rounds).
    decode_seconds: f64,
    /// The repair stage on the decoded text (the fastest of the rounds).
    repair_seconds: f64,
}

/// Timing rounds per file: the fastest counts (the machine is shared).
/// `EVAL_ROUNDS` overrides it (for profiling).
fn rounds() -> usize {
    std::env::var("EVAL_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
}

/// Run the repair stage; the edits are in coordinates of `c.text`.
fn repair(c: &Corrupted, config: &Config) -> Repaired {
    let mut decode_seconds = f64::INFINITY;
    let mut decoded = None;
    for _ in 0..rounds() {
        let started = Instant::now();
        let d = match decode::decode(decode::DecodeInput::new(&c.bytes[..])) {
            decode::Content::Text(d) => d,
            decode::Content::Binary(r) => panic!("binary: {r}"),
        };
        decode_seconds = decode_seconds.min(started.elapsed().as_secs_f64());
        decoded = Some(d);
    }
    let decoded = decoded.unwrap();
    let forced = decoded.text != c.text;
    let decoded = if !forced {
        decoded
    } else {
        // Detection chose another encoding: read as UTF-8 (`--encoding utf-8`).
        let input = decode::DecodeInput::new(&c.bytes[..]).forced(Some(encoding_rs::UTF_8));
        match decode::decode(input) {
            decode::Content::Text(d) => d,
            decode::Content::Binary(r) => panic!("binary: {r}"),
        }
    };
    assert_eq!(decoded.text, c.text);
    let mut repair_seconds = f64::INFINITY;
    let mut edits = Vec::new();
    for _ in 0..rounds() {
        // Each round on a fresh thread: `mojibake` remembers the words it
        // repaired on a thread, and a round must not time the answers the
        // previous one worked out (cold memo: a conservative figure).
        let (e, seconds) = std::thread::scope(|s| {
            s.spawn(|| {
                let started = Instant::now();
                let e = fettle::pipeline::clean_decoded(&decoded, config).1;
                (e, started.elapsed().as_secs_f64())
            })
            .join()
            .expect("the repair does not panic")
        });
        edits = e;
        repair_seconds = repair_seconds.min(seconds);
    }
    Repaired {
        edits,
        forced,
        decode_seconds,
        repair_seconds,
    }
}

/// Deterministic pseudo-random numbers (a linear congruential generator).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Windows-1252 bytes of a character, or its UTF-8 when it has none.
fn cp1252_bytes(c: char, out: &mut Vec<u8>) {
    let t = Page::Windows1252.table();
    match t.encode(c) {
        Some(b) if c.is_ascii() || !matches!(c as u32, 0x80..=0x9F) => out.push(b),
        _ => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
    }
}

fn corrupt(name: &str, truth: &str, seed: u64) -> Corrupted {
    let t = Page::Windows1252.table();
    match name {
        "clean" => per_char(truth, |c, s| s.push(c)),
        "cp1252" | "cp1252-lossy" | "two-layers" => {
            let layers = if name == "two-layers" { 2 } else { 1 };
            let lossy = name == "cp1252-lossy";
            per_char(truth, |c, s| {
                let mut cur = c.to_string();
                for _ in 0..layers {
                    let mut next = String::new();
                    for b in cur.bytes() {
                        let d = t.decode(b);
                        if lossy && matches!(d as u32, 0x80..=0x9F) {
                            next.push('\u{FFFD}');
                        } else {
                            next.push(d);
                        }
                    }
                    cur = next;
                }
                s.push_str(&cur);
            })
        }
        "latin1-c1" => per_char(truth, |c, s| {
            let mut b = Vec::new();
            cp1252_bytes(c, &mut b);
            if b.len() == 1 && b[0] >= 0x80 {
                s.push(char::from(b[0]));
            } else {
                s.push(c);
            }
        }),
        "fffd" => {
            let mut raw = Vec::new();
            let mut raw_spans = Vec::new();
            for (i, c) in truth.char_indices() {
                let at = raw.len();
                cp1252_bytes(c, &mut raw);
                raw_spans.push((i..i + c.len_utf8(), at..raw.len()));
            }
            // The file holds the damaged text: the bytes are gone.
            let mut c = lossy_utf8(raw, raw_spans);
            c.bytes = c.text.clone().into_bytes();
            c
        }
        "mixed" => {
            // Paragraphs (split at blank lines) go to Windows-1252 at random,
            // in runs, like chapters saved on different machines.
            let mut rng = Lcg(seed.wrapping_add(0x5eed));
            let mut raw = Vec::new();
            let mut raw_spans = Vec::new();
            let mut legacy = false;
            let mut newlines = 0;
            for (i, c) in truth.char_indices() {
                if c == '\n' {
                    newlines += 1;
                } else if newlines >= 2 {
                    newlines = 0;
                    if rng.next() & 3 == 0 {
                        legacy = !legacy;
                    }
                } else {
                    newlines = 0;
                }
                let at = raw.len();
                if legacy {
                    cp1252_bytes(c, &mut raw);
                } else {
                    raw.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                raw_spans.push((i..i + c.len_utf8(), at..raw.len()));
            }
            lossy_utf8(raw, raw_spans)
        }
        _ => unreachable!(),
    }
}

/// A corruption that maps each truth character to some text on its own.
fn per_char(truth: &str, f: impl Fn(char, &mut String)) -> Corrupted {
    let mut text = String::with_capacity(truth.len() * 2);
    let mut spans = Vec::with_capacity(truth.len());
    for (i, c) in truth.char_indices() {
        let at = text.len();
        f(c, &mut text);
        spans.push((i..i + c.len_utf8(), at..text.len()));
    }
    Corrupted {
        bytes: text.clone().into_bytes(),
        text,
        spans,
    }
}

/// Decode raw bytes as UTF-8 with U+FFFD per invalid sequence (as the
/// decode stage does), carrying the truth spans over to the text.
fn lossy_utf8(raw: Vec<u8>, raw_spans: Vec<(Range<usize>, Range<usize>)>) -> Corrupted {
    // Which truth span each raw byte belongs to.
    let mut owner = vec![0usize; raw.len()];
    for (k, (_, r)) in raw_spans.iter().enumerate() {
        for o in &mut owner[r.clone()] {
            *o = k;
        }
    }
    let mut text = String::with_capacity(raw.len() + 16);
    let mut spans: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    // The group being built: truth spans lo..=hi, text from `out_start`.
    let mut group: Option<(usize, usize, usize)> = None;
    let mut pos = 0;
    let mut push_unit = |lo: usize, hi: usize, unit: &str, text: &mut String| {
        let out_start = text.len();
        text.push_str(unit);
        match group {
            Some((glo, ghi, gs)) if lo <= ghi => group = Some((glo, ghi.max(hi), gs)),
            Some((glo, ghi, gs)) => {
                spans.push((raw_spans[glo].0.start..raw_spans[ghi].0.end, gs..out_start));
                group = Some((lo, hi, out_start));
            }
            None => group = Some((lo, hi, out_start)),
        }
    };
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            let n = c.len_utf8();
            push_unit(
                owner[pos],
                owner[pos + n - 1],
                c.encode_utf8(&mut [0; 4]),
                &mut text,
            );
            pos += n;
        }
        let bad = chunk.invalid();
        if !bad.is_empty() {
            push_unit(
                owner[pos],
                owner[pos + bad.len() - 1],
                "\u{FFFD}",
                &mut text,
            );
            pos += bad.len();
        }
    }
    if let Some((glo, ghi, gs)) = group {
        spans.push((raw_spans[glo].0.start..raw_spans[ghi].0.end, gs..text.len()));
    }
    Corrupted {
        bytes: raw,
        text,
        spans,
    }
}

#[derive(Default)]
struct Score {
    /// Files detection did not read as UTF-8 (decoded with UTF-8 forced).
    forced: usize,
    chars: usize,
    damaged: usize,
    restored: usize,
    collateral: usize,
    misses: Vec<String>,
    /// Misses by (wanted, got).
    by_want: std::collections::BTreeMap<(String, String), usize>,
}

impl Score {
    fn add(&mut self, truth: &str, c: &Corrupted, edits: &[Edit], path: &Path) {
        self.chars += truth.chars().count();
        // Units: runs of spans that no edit crosses.
        let mut e = 0;
        let mut i = 0;
        while i < c.spans.len() {
            let start = c.spans[i].1.start;
            let mut j = i + 1;
            let mut end = c.spans[i].1.end;
            while j < c.spans.len()
                && edits[e..]
                    .iter()
                    .take_while(|ed| ed.start < end)
                    .any(|ed| ed.end > end)
            {
                end = c.spans[j].1.end;
                j += 1;
            }
            // Output of the unit: its text with the edits inside applied.
            let last = j == c.spans.len();
            let mut out = String::new();
            let mut at = start;
            while e < edits.len() && (edits[e].start < end || (last && edits[e].start == end)) {
                let ed = &edits[e];
                out.push_str(&c.text[at..ed.start]);
                out.push_str(&ed.after);
                at = ed.end;
                e += 1;
            }
            out.push_str(&c.text[at.min(end)..end]);
            let truth_span = c.spans[i].0.start..c.spans[j - 1].0.end;
            let want = &truth[truth_span];
            let mut damaged = 0;
            let mut intact = 0;
            for (tr, cr) in &c.spans[i..j] {
                let n = truth[tr.clone()].chars().count();
                if truth[tr.clone()] == c.text[cr.clone()] {
                    intact += n;
                } else {
                    damaged += n;
                }
            }
            self.damaged += damaged;
            if out == want {
                self.restored += damaged;
            } else {
                if intact > 0 && damaged == 0 {
                    self.collateral += intact;
                }
                *self
                    .by_want
                    .entry((want.to_string(), out.clone()))
                    .or_default() += 1;
                let filter = std::env::var("EVAL_WANT").ok();
                if self.misses.len() < 2000 && filter.as_deref().is_none_or(|f| f == want) {
                    let lo = start.saturating_sub(30);
                    let lo = (0..=lo)
                        .rev()
                        .find(|&k| c.text.is_char_boundary(k))
                        .unwrap_or(0);
                    let hi = (end + 30).min(c.text.len());
                    let hi = (hi..=c.text.len())
                        .find(|&k| c.text.is_char_boundary(k))
                        .unwrap();
                    self.misses.push(format!(
                        "{}: {:?} -> {:?}, want {:?} in {:?}",
                        path.file_name().unwrap().to_string_lossy(),
                        &c.text[start..end],
                        out,
                        want,
                        &c.text[lo..hi]
                    ));
                }
            }
            i = j;
        }
    }
}
