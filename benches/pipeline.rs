//! Throughput of each stage and of the whole pipeline, on clean text and on
//! text damaged in each way `support/corpus.rs` knows, built in memory from
//! the committed seeds (and `../shared/prose` when present).
//!
//! ```sh
//! cargo bench --bench pipeline                 # everything
//! cargo bench --bench pipeline -- pipeline/    # only the full pipeline
//! cargo bench --bench pipeline -- signature/   # only the near-duplicate signature
//! ```
//!
//! Criterion prints MiB/s for every benchmark (`thrpt`).
//!
//! Criterion runs each input many times on one thread, and `mojibake`
//! remembers the words it has repaired on a thread (see `fix_words`): after
//! the first iteration its figures, and the pipeline's on mojibake, are for
//! words seen before. `bench/run.sh` (fresh processes) and
//! `examples/eval.rs` (a fresh thread per round) time it cold.

#[path = "support/corpus.rs"]
mod corpus;

use corpus::{Damage, Rng};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fettle::decode::{self, Content, DecodeInput};
use fettle::{pipeline, Config};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// Size of each in-memory input.
const SIZE: usize = 1 << 20;

struct Inputs {
    /// (name, bytes): clean first, then one per kind of damage.
    all: Vec<(&'static str, Vec<u8>)>,
}

fn inputs() -> Inputs {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = corpus::clean_sources(root);
    let paras = corpus::paragraphs(&sources);
    let mut rng = Rng::new(5);
    let clean = corpus::clean_text(&paras, SIZE, &mut rng);
    let mut all = vec![("clean", clean.clone().into_bytes())];
    for kind in Damage::ALL {
        all.push((kind.name(), corpus::damage(&clean, kind, &mut rng)));
    }
    Inputs { all }
}

fn decoded(bytes: &[u8]) -> decode::DecodedText {
    match decode::decode(DecodeInput::new(bytes)) {
        Content::Text(d) => d,
        Content::Binary(r) => panic!("benchmark input is binary: {r}"),
    }
}

fn benches(c: &mut Criterion) {
    let inputs = inputs();
    let config = Config::default();

    let mut group = c.benchmark_group("pipeline");
    for (name, bytes) in &inputs.all {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| pipeline::process(black_box(bytes), &config, None))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("decode");
    for (name, bytes) in &inputs.all {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| decode::decode(DecodeInput::new(&black_box(bytes)[..])))
        });
    }
    group.finish();

    // The near-duplicate MinHash signature alone, on the clean text (what
    // `check` computes for every file after cleaning).
    let mut group = c.benchmark_group("signature");
    let (_, clean) = &inputs.all[0];
    let clean = decoded(clean).text;
    group.throughput(Throughput::Bytes(clean.len() as u64));
    group.bench_function("clean", |b| {
        b.iter(|| fettle::validate::corpus::near_duplicates::signature(black_box(&clean), 5))
    });
    group.finish();

    // Each rule alone (with the edit log), on the decoded text: where the
    // time of the full pipeline goes.
    for (name, bytes) in inputs
        .all
        .iter()
        .filter(|(n, _)| matches!(*n, "clean" | "mojibake" | "layout"))
    {
        let decoded = decoded(bytes);
        let mut group = c.benchmark_group(format!("rule/{name}"));
        group.throughput(Throughput::Bytes(decoded.text.len() as u64));
        for id in fettle::rules::ids() {
            let only = Config::only(id);
            group.bench_function(id, |b| {
                b.iter(|| pipeline::clean_decoded(black_box(&decoded), &only))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = pipeline_benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(pipeline_benches);
