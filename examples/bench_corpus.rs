//! Build a benchmark corpus on disk from the seeds and clean prose.
//!
//! ```sh
//! cargo run --release --example bench_corpus -- --out /tmp/corpus --mb 200
//! ```
//!
//! Writes, under `--out`:
//!
//! - `clean/small/NNN/*.txt`: many small files (1–64 KiB) of clean text, 70%
//!   of `--mb`; `clean/large/*.txt`: three large files, 10% each;
//! - `damaged/...`: the same layout, every file damaged (see
//!   `benches/support/corpus.rs`: mojibake, double mojibake, U+FFFD,
//!   windows-1252, mixed encodings, all with layout junk), plus the raw seeds;
//! - `clean.sample`, `damaged.sample`: lists of small files adding up to
//!   `--sample-mb`, for timing slower tools on a representative subset;
//! - with `--big-mb N`: `big/big.txt`, one damaged file of N MiB (layout junk
//!   and mixed encodings), for the single-large-file memory test;
//! - with `--many N`: `many/NNN/*.txt`, N small files (1–4 KiB of clean
//!   prose, 500 per folder), every tenth an exact copy of the one before and
//!   every tenth but five a near copy, for peak memory against the number
//!   of files (with the corpus rules finding something to remember).
//!
//! Sizes are MiB of input bytes per class. The same `--seed` gives the same
//! corpus.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use corpus::{Damage, Rng};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const MIB: usize = 1 << 20;

struct Args {
    out: PathBuf,
    mb: usize,
    sample_mb: usize,
    big_mb: usize,
    many: usize,
    seed: u64,
}

fn parse_args() -> Args {
    let mut args = Args {
        out: PathBuf::new(),
        mb: 32,
        sample_mb: 8,
        big_mb: 0,
        many: 0,
        seed: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--out" => args.out = PathBuf::from(value()),
            "--mb" => args.mb = value().parse().unwrap_or_else(|_| usage("--mb N")),
            "--sample-mb" => {
                args.sample_mb = value().parse().unwrap_or_else(|_| usage("--sample-mb N"))
            }
            "--big-mb" => args.big_mb = value().parse().unwrap_or_else(|_| usage("--big-mb N")),
            "--many" => args.many = value().parse().unwrap_or_else(|_| usage("--many N")),
            "--seed" => args.seed = value().parse().unwrap_or_else(|_| usage("--seed N")),
            _ => usage(&format!("unknown argument {a}")),
        }
    }
    if args.out.as_os_str().is_empty() {
        usage("--out DIR is required");
    }
    args
}

fn usage(message: &str) -> ! {
    eprintln!("bench_corpus: {message}");
    eprintln!(
        "usage: bench_corpus --out DIR [--mb N] [--sample-mb N] [--big-mb N] [--many N] [--seed N]"
    );
    std::process::exit(2);
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = corpus::clean_sources(root);
    let paras = corpus::paragraphs(&sources);
    let seeds = corpus::raw_seeds(root);
    let mut rng = Rng::new(args.seed);

    for class in ["clean", "damaged"] {
        if args.mb == 0 {
            break;
        }
        let dir = args.out.join(class);
        let target = args.mb * MIB;
        let mut written = 0usize;
        let mut sample = Vec::new();
        let mut sample_bytes = 0usize;
        let mut n = 0usize;
        // Many small files: 70%.
        while written < target * 7 / 10 {
            // Log-uniform between 1 KiB and 64 KiB.
            let size =
                (1024.0 * 64f64.powf((rng.next() >> 11) as f64 / (1u64 << 53) as f64)) as usize;
            let bytes = if class == "damaged" && !seeds.is_empty() && n.is_multiple_of(97) {
                seeds[(n / 97) % seeds.len()].clone()
            } else {
                make(class, &paras, size, n, &mut rng)
            };
            let path = dir.join(format!("small/{:03}/{n:06}.txt", n / 500));
            write(&path, &bytes)?;
            if sample_bytes < args.sample_mb * MIB {
                sample_bytes += bytes.len();
                sample.push(path);
            }
            written += bytes.len();
            n += 1;
        }
        // A few large files: 3 × 10%.
        for k in 0..3 {
            let bytes = make(class, &paras, target / 10, k * 7 + 1, &mut rng);
            write(&dir.join(format!("large/large-{k}.txt")), &bytes)?;
            written += bytes.len();
        }
        let mut list = fs::File::create(args.out.join(format!("{class}.sample")))?;
        for p in &sample {
            writeln!(list, "{}", p.display())?;
        }
        println!(
            "{class}: {n} small + 3 large files, {:.1} MiB; sample {} files, {:.1} MiB",
            written as f64 / MIB as f64,
            sample.len(),
            sample_bytes as f64 / MIB as f64
        );
    }

    if args.many > 0 {
        let mut previous = String::new();
        for n in 0..args.many {
            let text = match n % 10 {
                9 => previous.clone(),
                4 => {
                    // The one before with its first line changed.
                    let rest = previous.split_once('\n').map_or("", |(_, rest)| rest);
                    format!("A new first line for copy {n}.\n{rest}")
                }
                _ => {
                    let size = 1024 + (rng.next() % (3 * 1024) as u64) as usize;
                    corpus::clean_text(&paras, size, &mut rng)
                }
            };
            write(
                &args.out.join(format!("many/{:03}/{n:06}.txt", n / 500)),
                text.as_bytes(),
            )?;
            previous = text;
        }
        println!("many: {} small files", args.many);
    }

    if args.big_mb > 0 {
        let path = args.out.join("big/big.txt");
        fs::create_dir_all(path.parent().unwrap())?;
        let mut file = std::io::BufWriter::new(fs::File::create(&path)?);
        let mut written = 0usize;
        while written < args.big_mb * MIB {
            let text = corpus::clean_text(&paras, 4 * MIB, &mut rng);
            let bytes = corpus::damage(&text, Damage::Mixed, &mut rng);
            file.write_all(&bytes)?;
            written += bytes.len();
        }
        file.flush()?;
        println!(
            "big: {} ({:.1} MiB)",
            path.display(),
            written as f64 / MIB as f64
        );
    }
    Ok(())
}

/// One file of `class`, about `size` bytes.
fn make(class: &str, paras: &[&str], size: usize, n: usize, rng: &mut Rng) -> Vec<u8> {
    let text = corpus::clean_text(paras, size, rng);
    if class == "clean" {
        return text.into_bytes();
    }
    let kind = Damage::ALL[n % Damage::ALL.len()];
    corpus::damage(&text, kind, rng)
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, bytes)
}
