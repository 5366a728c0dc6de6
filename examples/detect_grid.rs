//! Detection accuracy on a synthetic grid made from the held-out part of
//! `../shared/langs/` (the paragraphs [`is_held_out`] keeps out of the
//! language tables): every language × every legacy encoding that can
//! represent it, snippets of 64, 256 and 1,024 bytes.
//!
//! ```sh
//! cargo run --release --example detect_grid                 # the test half
//! cargo run --release --example detect_grid -- --calibrate  # the calibration half
//! cargo run --release --example detect_grid -- --write target/detect-grid.tsv
//! python3 bench/detect_grid_peers.py target/detect-grid.tsv # chardet, charset-normalizer
//! ```
//!
//! The held-out paragraphs are split in two: the even ones calibrate the
//! confidence margins (`--calibrate` prints how right each margin is), the
//! odd ones are the test. A snippet is cut from consecutive held-out
//! paragraphs the encoding represents, at a character boundary, to at most
//! the length; a snippet of plain ASCII asks nothing and is skipped. A
//! detection is right when it decodes the snippet to the same text. A miss
//! whose reading the language models see as the same text
//! ([`normalize`]: Romanian with cedilla `ş ţ` in windows-1250 is the same
//! bytes as with comma `ș ț` in ISO-8859-16) is one no detector can tell
//! apart: it is counted as a miss and also reported on its own line.
//! `--confusion` prints every miss at 1,024 bytes as (language, true
//! encoding → chosen encoding) with the characters read differently.
//! `--write FILE` writes the test snippets (language, encoding, length,
//! bytes in hex, fettle's verdict) for the peers' script.

use fettle::decode::language::{is_held_out, normalize};
use fettle::decode::single_byte::CANDIDATES;
use fettle::decode::{self, Content, DecodeInput};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const LENGTHS: [usize; 3] = [64, 256, 1024];
/// Snippets per language, encoding and length.
const PER_CELL: usize = 12;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/langs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("no language texts at {}: nothing to measure", dir.display());
        return;
    };
    let args: Vec<String> = std::env::args().collect();
    let calibrate = args.iter().any(|a| a == "--calibrate");
    let write = args
        .iter()
        .position(|a| a == "--write")
        .map(|i| args[i + 1].clone());
    let misses = args.iter().any(|a| a == "--misses");
    let confusion_wanted = args.iter().any(|a| a == "--confusion");
    // Misses at 1,024 bytes: (language, true → chosen, characters) -> count.
    let mut confusion: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    // Misses the models cannot tell from a hit, per length.
    let mut lookalike: BTreeMap<usize, usize> = BTreeMap::new();
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let multi_byte = [
        encoding_rs::GBK,
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
    ];
    let encodings: Vec<&'static encoding_rs::Encoding> = CANDIDATES
        .iter()
        .copied()
        .filter(|e| *e != encoding_rs::ISO_8859_8_I)
        .chain(multi_byte)
        .collect();
    let mut out = String::new();
    // (length) -> (n, right); (encoding) -> per length; margins.
    let mut by_len: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    let mut by_enc: BTreeMap<&str, [(usize, usize); 3]> = BTreeMap::new();
    let mut likely = (0, 0);
    let mut ambiguous = (0, 0);
    let mut language_right = (0, 0);
    let mut margins: Vec<(f32, bool)> = Vec::new();
    for path in paths {
        let code = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let held: Vec<&str> = text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .enumerate()
            .filter(|(i, _)| is_held_out(*i))
            .map(|(_, p)| p.trim())
            .collect();
        // Calibration half: even held-out paragraphs; test half: odd.
        let part: Vec<&str> = held
            .iter()
            .enumerate()
            .filter(|(i, _)| (i % 2 == 0) == calibrate)
            .map(|(_, p)| *p)
            .collect();
        let east_asian = ["ja", "ko", "zh-Hans", "zh-Hant"].contains(&code.as_str());
        for &encoding in &encodings {
            // The East Asian encodings hold Greek, Cyrillic and some accented
            // Latin letters too, but are only written in their languages.
            if multi_byte.contains(&encoding) != east_asian {
                continue;
            }
            let fits: Vec<&str> = part
                .iter()
                .copied()
                .filter(|p| !encoding.encode(p).2)
                .collect();
            // The encoding must represent most of the language.
            if fits.len() * 2 < part.len() || fits.is_empty() {
                continue;
            }
            let joined = fits.join("\n");
            for (li, &len) in LENGTHS.iter().enumerate() {
                for snippet in snippets(&joined, encoding, len, PER_CELL) {
                    let bytes = encoding.encode(snippet).0;
                    if bytes.is_ascii() {
                        continue;
                    }
                    let truth = encoding.decode_without_bom_handling(&bytes).0;
                    let d = match decode::decode(DecodeInput::new(&bytes[..])) {
                        Content::Text(d) => d,
                        Content::Binary(_) => continue,
                    };
                    let right = d.text == truth;
                    if !right {
                        let same_to_models = d
                            .text
                            .chars()
                            .map(normalize)
                            .eq(truth.chars().map(normalize));
                        if same_to_models {
                            *lookalike.entry(len).or_default() += 1;
                        }
                        if len == 1024 {
                            let mut differ: Vec<String> = truth
                                .chars()
                                .zip(d.text.chars())
                                .filter(|(a, b)| a != b)
                                .map(|(a, b)| format!("{a}>{b}"))
                                .collect();
                            differ.sort();
                            differ.dedup();
                            differ.truncate(4);
                            let key = (
                                code.clone(),
                                format!("{} -> {}", encoding.name(), d.encoding),
                                differ.join(" "),
                            );
                            *confusion.entry(key).or_default() += 1;
                        }
                    }
                    let cell = by_len.entry(len).or_default();
                    cell.0 += 1;
                    cell.1 += right as usize;
                    let e = &mut by_enc.entry(encoding.name()).or_default()[li];
                    e.0 += 1;
                    e.1 += right as usize;
                    if d.confidence >= fettle::edit::Confidence::Likely {
                        likely.0 += 1;
                        likely.1 += right as usize;
                    }
                    if d.ambiguous {
                        ambiguous.0 += 1;
                        ambiguous.1 += right as usize;
                    }
                    if let Some(l) = d.language {
                        language_right.0 += 1;
                        language_right.1 += (l == code) as usize;
                    }
                    if d.runner_up.is_some() {
                        margins.push((d.score, right));
                    }
                    if misses && !right {
                        println!(
                            "MISS {code} {} {len}: -> {} {:?} {:?} score {:.3}",
                            encoding.name(),
                            d.encoding,
                            d.language,
                            d.confidence,
                            d.score
                        );
                    }
                    if write.is_some() {
                        let hex: String = bytes.iter().fold(String::new(), |mut s, b| {
                            let _ = write!(s, "{b:02x}");
                            s
                        });
                        let _ = writeln!(
                            out,
                            "{code}\t{}\t{len}\t{hex}\t{}",
                            encoding.name(),
                            d.encoding
                        );
                    }
                }
            }
        }
    }
    let pct = |(n, k): (usize, usize)| 100.0 * k as f64 / n.max(1) as f64;
    println!(
        "{} half of the held-out text",
        if calibrate { "calibration" } else { "test" }
    );
    for (len, cell) in &by_len {
        println!("{len:5} bytes: {}/{} = {:.2}%", cell.1, cell.0, pct(*cell));
    }
    for (len, n) in &lookalike {
        println!("{len:5} bytes: {n} of the misses read the same to the models (no detector can tell them apart)");
    }
    println!("by encoding (64 / 256 / 1024 bytes):");
    for (name, cells) in &by_enc {
        println!(
            "  {name:15} {:6.1}% {:6.1}% {:6.1}%   (n = {} {} {})",
            pct(cells[0]),
            pct(cells[1]),
            pct(cells[2]),
            cells[0].0,
            cells[1].0,
            cells[2].0
        );
    }
    println!(
        "likely verdicts right: {}/{} = {:.2}%; ambiguous verdicts: {} ({} right); language right: {}/{} = {:.1}%",
        likely.1,
        likely.0,
        pct(likely),
        ambiguous.0,
        ambiguous.1,
        language_right.1,
        language_right.0,
        pct(language_right)
    );
    if confusion_wanted {
        println!("misses at 1024 bytes (language, true -> chosen, characters read differently):");
        for ((code, pages, chars), n) in &confusion {
            println!("  {n:3} {code:8} {pages:32} {chars}");
        }
    }
    if calibrate {
        // How right verdicts are from each score up: the `likely` margin is
        // the lowest score above which at least 99% are right.
        margins.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut n, mut k) = (0, 0);
        let mut last = 1.0;
        for (score, right) in &margins {
            n += 1;
            k += *right as usize;
            if (*score - last).abs() > 0.02 || n == margins.len() {
                println!(
                    "  score >= {score:.3}: {k}/{n} right = {:.2}%",
                    100.0 * k as f64 / n as f64
                );
                last = *score;
            }
        }
    }
    if let Some(file) = write {
        std::fs::write(&file, out).unwrap();
        println!("wrote {file}");
    }
}

/// Up to `count` snippets of `text`, each the longest run of whole
/// characters from a starting point whose encoding is at most `len` bytes;
/// the starting points spread evenly over the text, at word starts.
fn snippets<'a>(
    text: &'a str,
    encoding: &'static encoding_rs::Encoding,
    len: usize,
    count: usize,
) -> Vec<&'a str> {
    let mut out = Vec::new();
    for k in 0..count {
        let mut start = text.len() * k / count;
        while !text.is_char_boundary(start) {
            start += 1;
        }
        if let Some(space) = text[start..].find(' ') {
            if k > 0 {
                start += space + 1;
            }
        }
        let rest = &text[start..];
        let mut end = 0;
        let mut bytes = 0;
        for (i, c) in rest.char_indices() {
            let mut buf = [0u8; 4];
            let n = encoding.encode(c.encode_utf8(&mut buf)).0.len();
            if bytes + n > len {
                break;
            }
            bytes += n;
            end = i + c.len_utf8();
        }
        if bytes * 4 >= len * 3 {
            out.push(&rest[..end]);
        }
    }
    out
}
