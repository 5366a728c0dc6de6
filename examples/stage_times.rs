//! Time each stage and rule of the pipeline over a list of files, one thread:
//! `cargo run --release --example stage_times -- FILE...` (repeats 5 times,
//! keeps each rule's minimum). Mirrors `pipeline::clean_with_facts`.
use fettle::config::Config;
use fettle::decode::{self, Sniffed};
use fettle::edit::EditLog;
use fettle::facts::TextFacts;
use fettle::rule::{Context, Outcome, Shared};
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
        let mut t: BTreeMap<String, Duration> = BTreeMap::new();
        for bytes in &files {
            let now = Instant::now();
            let Sniffed::Text(decoded) = decode::decode_owned(bytes.clone(), None) else {
                continue;
            };
            *t.entry("0 decode".into()).or_default() += now.elapsed();
            let now = Instant::now();
            let mut facts = TextFacts::of(&decoded.text);
            *t.entry("0 facts".into()).or_default() += now.elapsed();
            let input_line_endings = fettle::decode::LineEndings::count_with(&decoded.text, &facts);
            let mut log = EditLog::borrowed(&decoded.text);
            let input_facts = facts;
            let mut shared = Shared::default();
            for (k, rule) in fettle::rules::all().enumerate() {
                let now = Instant::now();
                let mut out = Outcome::default();
                let ctx = Context {
                    config: &config,
                    decoded: &decoded,
                    log: &log,
                    facts,
                    input_facts,
                    input_line_endings,
                    shared: &shared,
                };
                rule.run(log.current(), &ctx, &mut out);
                *t.entry(format!("{k:02} {}", rule.info().id)).or_default() += now.elapsed();
                let now = Instant::now();
                if !out.fixes.is_empty() {
                    for fix in &out.fixes {
                        facts = facts.union(TextFacts::of(&fix.replacement));
                    }
                    log.apply(rule.info().id, out.fixes);
                    shared = Shared::default();
                }
                *t.entry(format!("{k:02} {} apply", rule.info().id))
                    .or_default() += now.elapsed();
            }
        }
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
