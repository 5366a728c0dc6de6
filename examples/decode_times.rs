//! Time the decode stage and the facts scan per decode method over a list of
//! files, one thread: `cargo run --release --example decode_times -- FILE...`
//! (7 rounds, keeps each figure's minimum). The copy of the bytes that
//! `decode` takes over is not counted.
use fettle::decode::{self, Content, DecodeInput, LineEndings};
use fettle::facts::TextFacts;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn main() {
    let files: Vec<Vec<u8>> = std::env::args()
        .skip(1)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let mut best: BTreeMap<String, (Duration, usize, usize)> = BTreeMap::new();
    for _ in 0..7 {
        let mut t: BTreeMap<String, (Duration, usize, usize)> = BTreeMap::new();
        for bytes in &files {
            let owned = bytes.clone();
            let start = Instant::now();
            let sniffed = decode::decode(DecodeInput::new(owned));
            let took = start.elapsed();
            let Content::Text(decoded) = sniffed else {
                continue;
            };
            let e = t
                .entry(format!("decode {}", decoded.method.as_str()))
                .or_default();
            e.0 += took;
            e.1 += 1;
            e.2 += bytes.len();
            let start = Instant::now();
            let facts = TextFacts::of(&decoded.text);
            let mid = Instant::now();
            let endings = LineEndings::count_with(&decoded.text, &facts);
            let end = Instant::now();
            std::hint::black_box((facts, endings));
            let e = t.entry("facts".into()).or_default();
            e.0 += mid - start;
            e.1 += 1;
            e.2 += decoded.text.len();
            let e = t.entry("line endings".into()).or_default();
            e.0 += end - mid;
            e.1 += 1;
            e.2 += decoded.text.len();
        }
        for (k, v) in t {
            let e = best.entry(k).or_insert(v);
            e.0 = e.0.min(v.0);
        }
    }
    let mut total = Duration::ZERO;
    for (k, (d, n, size)) in &best {
        total += *d;
        println!(
            "{k:24} {:8.2} ms  {n:5} files {:9} bytes",
            d.as_secs_f64() * 1e3,
            size
        );
    }
    println!("{:24} {:8.2} ms", "total", total.as_secs_f64() * 1e3);
}
