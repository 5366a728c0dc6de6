//! Time each stage and rule of the pipeline over a list of files, one thread:
//! `cargo run --release --example stage_times -- FILE...` (7 rounds, keeps
//! each step's minimum). The rule loop is the pipeline's own
//! (`pipeline::clean_decoded_observed`); each step is the time since the
//! previous one.
use fettle::config::Config;
use fettle::decode::{self, Content, DecodeInput};
use fettle::pipeline::{self, Step};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn main() {
    let files: Vec<Vec<u8>> = std::env::args()
        .skip(1)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let config = Config::default();
    let mut best: BTreeMap<String, Duration> = BTreeMap::new();
    for _ in 0..7 {
        // Each round on a fresh thread: per-thread memos (`mojibake` keeps
        // one) start empty, as in a fresh process.
        let t = std::thread::scope(|s| s.spawn(|| round(&files, &config)).join().unwrap());
        for (k, v) in t {
            let e = best.entry(k).or_insert(v);
            *e = (*e).min(v);
        }
    }
    let total: Duration = best.values().sum();
    for (k, v) in &best {
        if v.as_micros() >= 100 {
            println!("{k:40} {:8.2} ms", v.as_secs_f64() * 1e3);
        }
    }
    println!("{:40} {:8.2} ms", "total", total.as_secs_f64() * 1e3);
}

/// One timed pass over every file: time per step.
fn round(files: &[Vec<u8>], config: &Config) -> BTreeMap<String, Duration> {
    let mut t: BTreeMap<String, Duration> = BTreeMap::new();
    for bytes in files {
        let mut last = Instant::now();
        let Content::Text(decoded) = decode::decode(DecodeInput::new(bytes.clone())) else {
            continue;
        };
        *t.entry("0 decode".into()).or_default() += last.elapsed();
        last = Instant::now();
        // Rules numbered in pipeline order, so that they print in it.
        let mut k = 0;
        let mut observe = |id: &'static str, step: Step| {
            let key = match step {
                Step::Facts => "0 facts".to_string(),
                Step::Ran => {
                    k += 1;
                    format!("{k:02} {id}")
                }
                Step::Applied => format!("{k:02} {id} apply"),
            };
            *t.entry(key).or_default() += last.elapsed();
            last = Instant::now();
        };
        pipeline::clean_decoded_observed(&decoded, config, &mut observe);
    }
    t
}
