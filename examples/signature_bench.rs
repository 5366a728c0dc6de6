//! Time the `near-duplicates` MinHash signature alone on the texts of a
//! directory (every file read as UTF-8; other files are skipped).
//!
//! ```sh
//! cargo run --release --example signature_bench -- /tmp/fb/clean [runs]
//! ```
//!
//! Prints the time per byte with the default shingle of 5 words, on one
//! thread: for each file the fastest of `runs` (default 15) passes, summed. A checksum of the
//! signatures is printed too, so that the work cannot be optimized away.

use fettle::validate::corpus::near_duplicates::signature;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/fb/clean".into()));
    let runs: usize = args.next().map_or(15, |r| r.parse().expect("runs"));
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| String::from_utf8(std::fs::read(p).ok()?).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    if bytes == 0 {
        eprintln!("no UTF-8 text under {}", dir.display());
        std::process::exit(2);
    }
    // Per file, the fastest of `runs` passes: the machine is shared, and the
    // minimum of each short measurement is the least disturbed.
    let mut best = vec![f64::INFINITY; texts.len()];
    let mut check = 0u64;
    for _ in 0..runs {
        for (t, best) in texts.iter().zip(&mut best) {
            let start = Instant::now();
            if let Some(sig) = signature(std::hint::black_box(t), 5) {
                check = check.wrapping_add(u64::from(sig[0]));
            }
            *best = best.min(start.elapsed().as_secs_f64());
        }
    }
    let total: f64 = best.iter().sum();
    println!(
        "{} files, {:.1} MB: {:.1} ms (sum of per-file minima over {runs} runs), {:.3} ns/byte, {:.0} MB/s (checksum {check:x})",
        texts.len(),
        bytes as f64 / 1e6,
        total * 1e3,
        total * 1e9 / bytes as f64,
        bytes as f64 / total / 1e6,
    );
}
