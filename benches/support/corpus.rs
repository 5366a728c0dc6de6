//! Benchmark inputs: clean text, and the same text damaged the way real files
//! are damaged. Shared by `benches/pipeline.rs` (in memory) and
//! `examples/bench_corpus.rs` (a corpus on disk); not part of the library.
//!
//! Clean text is the committed `cleaned/` seeds plus `../shared/prose` when it
//! is there. Damage is done with the encoders and decoders that did it in the
//! wild, never by pasting known mojibake strings:
//!
//! - mojibake: UTF-8 bytes read as windows-1252 and saved again as UTF-8
//!   (`’` → `â€™`), once or twice;
//! - replacement: windows-1252 bytes read as UTF-8 with replacement, so every
//!   non-ASCII character became U+FFFD and was saved that way;
//! - legacy: the whole file saved as windows-1252 (the decoder must guess);
//! - mixed: a UTF-8 file with paragraphs pasted in as windows-1252 bytes;
//! - layout: CRLF or CR line endings, trailing blanks, no-break space before
//!   a space, zero-width spaces and soft hyphens, decomposed accents, runs of
//!   blank lines, home-made scene breaks, a missing or doubled final newline.

#![allow(dead_code)]

use std::fs;
use std::path::Path;

/// A small deterministic generator (splitmix64), so a corpus is the same on
/// every machine for the same seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// How a damaged file was damaged (besides layout junk, which all get).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    Mojibake,
    DoubleMojibake,
    Replacement,
    Legacy,
    Mixed,
    /// Only layout damage; the encoding is fine.
    LayoutOnly,
}

impl Damage {
    pub const ALL: [Damage; 6] = [
        Damage::Mojibake,
        Damage::DoubleMojibake,
        Damage::Replacement,
        Damage::Legacy,
        Damage::Mixed,
        Damage::LayoutOnly,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Damage::Mojibake => "mojibake",
            Damage::DoubleMojibake => "double-mojibake",
            Damage::Replacement => "replacement",
            Damage::Legacy => "legacy-cp1252",
            Damage::Mixed => "mixed",
            Damage::LayoutOnly => "layout",
        }
    }
}

/// The clean texts: `cleaned/` of the repository, and `../shared/prose` when
/// present. `root` is the repository root.
pub fn clean_sources(root: &Path) -> Vec<String> {
    let mut texts = Vec::new();
    for dir in [root.join("cleaned"), root.join("../shared/prose")] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if let Ok(t) = fs::read_to_string(&p) {
                texts.push(t);
            }
        }
    }
    assert!(!texts.is_empty(), "no clean text under {}", root.display());
    texts
}

/// The raw seeds (real damage, as found), as bytes.
pub fn raw_seeds(root: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = fs::read_dir(root.join("seeds"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| fs::read(p).ok()).collect()
}

/// Paragraphs of all clean sources, to cut files from.
pub fn paragraphs(sources: &[String]) -> Vec<&str> {
    sources
        .iter()
        .flat_map(|t| t.split("\n\n"))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// A clean text of about `size` bytes: consecutive paragraphs from a random
/// place, one blank line between them, one final newline.
pub fn clean_text(paras: &[&str], size: usize, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(size + 4096);
    let mut i = rng.below(paras.len());
    while out.len() < size {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(paras[i]);
        i = (i + 1) % paras.len();
    }
    out.push('\n');
    out
}

/// UTF-8 bytes read as windows-1252: the classic mojibake.
pub fn mojibake(text: &str) -> String {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(text.as_bytes())
        .0
        .into_owned()
}

/// Windows-1252 bytes (characters it lacks become `?`, as a lossy encoder
/// writes them).
pub fn cp1252_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
        if bad {
            out.push(b'?');
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

/// Windows-1252 bytes read as UTF-8 with replacement: U+FFFD for every
/// non-ASCII character.
pub fn replacement(text: &str) -> String {
    String::from_utf8_lossy(&cp1252_bytes(text)).into_owned()
}

/// Layout junk, on a share of lines chosen by `rng`.
pub fn layout_junk(text: &str, rng: &mut Rng) -> String {
    let ending = match rng.below(4) {
        0 | 1 => "\r\n",
        2 => "\n",
        _ => "\r",
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    if rng.chance(0.3) {
        out.push_str(ending);
        out.push_str(ending);
    }
    for line in text.lines() {
        let mut line = line.to_string();
        if !line.is_empty() && rng.chance(0.02) {
            line = decompose(&line);
        }
        if rng.chance(0.03) {
            if let Some(at) = line.find(". ") {
                line.replace_range(at + 1..at + 2, "\u{a0} ");
            }
        }
        if rng.chance(0.01) {
            if let Some(at) = line.find(' ') {
                let junk = ["\u{200b}", "\u{ad}", "\u{feff}", "\u{2060}"][rng.below(4)];
                line.insert_str(at, junk);
            }
        }
        out.push_str(&line);
        if rng.chance(0.1) {
            out.push_str(["  ", " ", "\t", " \u{a0}"][rng.below(4)]);
        }
        out.push_str(ending);
        if line.is_empty() && rng.chance(0.1) {
            for _ in 0..rng.below(4) {
                out.push_str(ending);
            }
        }
        if line.is_empty() && rng.chance(0.01) {
            out.push_str(["oOoOoOo", "~*~*~", "* * * * *", "-----", "xXx"][rng.below(5)]);
            out.push_str(ending);
            out.push_str(ending);
        }
    }
    if rng.chance(0.3) {
        while out.ends_with(ending) {
            out.truncate(out.len() - ending.len());
        }
    } else if rng.chance(0.3) {
        out.push_str(ending);
    }
    out
}

/// Accented Latin letters as base letter + combining mark (NFD, for the
/// common ones).
fn decompose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        let (base, mark) = match c {
            'é' => ('e', '\u{301}'),
            'è' => ('e', '\u{300}'),
            'á' => ('a', '\u{301}'),
            'à' => ('a', '\u{300}'),
            'ï' => ('i', '\u{308}'),
            'ö' => ('o', '\u{308}'),
            'ü' => ('u', '\u{308}'),
            'ç' => ('c', '\u{327}'),
            'ñ' => ('n', '\u{303}'),
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push(base);
        out.push(mark);
    }
    out
}

/// Damage a clean text: layout junk, then the encoding damage `kind`.
pub fn damage(text: &str, kind: Damage, rng: &mut Rng) -> Vec<u8> {
    let text = layout_junk(text, rng);
    match kind {
        Damage::Mojibake => mojibake(&text).into_bytes(),
        Damage::DoubleMojibake => mojibake(&mojibake(&text)).into_bytes(),
        Damage::Replacement => replacement(&text).into_bytes(),
        Damage::Legacy => cp1252_bytes(&text),
        Damage::Mixed => {
            let mut out = Vec::with_capacity(text.len());
            let lines = text.split_inclusive(['\n', '\r']);
            for (i, line) in lines.enumerate() {
                if i % 6 == 3 {
                    out.extend_from_slice(&cp1252_bytes(line));
                } else {
                    out.extend_from_slice(line.as_bytes());
                }
            }
            out
        }
        Damage::LayoutOnly => text.into_bytes(),
    }
}
