//! Train the language tables the detector ships (`models/lang/ngrams.bin`)
//! from the Universal Dependencies text in `../shared/langs/`.
//!
//! ```sh
//! cargo run --release --example train_lang -- ../shared/langs models/lang/ngrams.bin
//! sha256sum models/lang/ngrams.bin > models/lang/ngrams.bin.sha256
//! ```
//!
//! For each `<code>.txt` it counts the characters and adjacent character
//! pairs of the paragraphs that are not held out
//! ([`fettle::decode::language::is_held_out`]), each paragraph between two
//! word boundaries, characters normalised as the detector normalises them.
//! It keeps the characters seen at least [`MIN_CHAR`] times (at most
//! [`MAX_CHARS`]) and the pairs seen at least [`MIN_PAIR`] times (at most
//! [`MAX_PAIRS`]): what is left out is what the smoothing covers anyway.
//! `--exclude CODE,CODE` leaves languages out of the tables.

use fettle::decode::language::{is_held_out, normalize, write_tables, Counts};
use std::collections::HashMap;
use std::path::PathBuf;

const MIN_CHAR: u32 = 2;
const MAX_CHARS: usize = 3000;
const MIN_PAIR: u32 = 3;
const MAX_PAIRS: usize = 4000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exclude: Vec<String> = args
        .iter()
        .position(|a| a == "--exclude")
        .map(|i| args[i + 1].split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--exclude"))
        .map(|(_, a)| a)
        .collect();
    let [dir, out] = positional[..] else {
        eprintln!("usage: train_lang LANGS_DIR OUT_FILE [--exclude CODE,...]");
        std::process::exit(2);
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let mut languages = Vec::new();
    for path in paths {
        let code = path.file_stem().unwrap().to_string_lossy().to_string();
        if exclude.contains(&code) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let counts = count(&code, &text);
        println!(
            "{code}: {} characters, {} pairs kept",
            counts.chars.len(),
            counts.pairs.len()
        );
        languages.push(counts);
    }
    let bytes = write_tables(&languages);
    std::fs::write(out, &bytes).unwrap_or_else(|e| panic!("{out}: {e}"));
    println!(
        "{} languages, {} bytes -> {out}",
        languages.len(),
        bytes.len()
    );
}

/// The kept counts of one language's training paragraphs.
fn count(code: &str, text: &str) -> Counts {
    let mut chars: HashMap<char, u32> = HashMap::new();
    let mut pairs: HashMap<(char, char), u32> = HashMap::new();
    let paragraphs = text.split("\n\n").filter(|p| !p.trim().is_empty());
    for (_, paragraph) in paragraphs.enumerate().filter(|(i, _)| !is_held_out(*i)) {
        let mut prev = ' ';
        *chars.entry(' ').or_default() += 1;
        for c in paragraph.trim().chars().map(normalize).chain([' ']) {
            if c == ' ' && prev == ' ' {
                continue;
            }
            *chars.entry(c).or_default() += 1;
            *pairs.entry((prev, c)).or_default() += 1;
            prev = c;
        }
    }
    let mut kept: Vec<(char, u32)> = chars.into_iter().filter(|&(_, n)| n >= MIN_CHAR).collect();
    kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    kept.truncate(MAX_CHARS);
    let index: HashMap<char, u32> = kept
        .iter()
        .enumerate()
        .map(|(i, &(c, _))| (c, i as u32))
        .collect();
    let mut kept_pairs: Vec<(u32, u32, u32)> = pairs
        .into_iter()
        .filter(|&(_, n)| n >= MIN_PAIR)
        .filter_map(|((a, b), n)| Some((*index.get(&a)?, *index.get(&b)?, n)))
        .collect();
    kept_pairs.sort_by(|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    kept_pairs.truncate(MAX_PAIRS);
    Counts {
        code: code.to_string(),
        chars: kept,
        pairs: kept_pairs,
    }
}
