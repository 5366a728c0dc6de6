//! `fettle records`: JSONL records in, the same records out with their text
//! field cleaned and a report field added, one line in, one line out, in
//! order. See `docs/records.md`.
//!
//! Three stages run at once, joined by bounded channels so that memory stays
//! flat however long the input: a thread reads and decompresses batches of
//! lines ([`reader`]); the calling thread cleans each batch's records on
//! every core ([`record`], with rayon, which keeps their order); a thread
//! writes them ([`writer`]), tells bad lines on stderr and counts
//! ([`summary`]).

pub mod check;
pub mod reader;
pub mod record;
pub mod report_field;
pub mod summary;
pub mod writer;

use crate::validate::policy::{PathPolicy, Policy};
use anyhow::Result;
use rayon::prelude::*;
use reader::{Lines, RawLine};
use record::{Cleaner, Done, Verdict};
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
pub use summary::Summary;

/// Batches waiting between two stages: enough to keep every stage busy,
/// few enough that memory stays a few batches.
const QUEUED_BATCHES: usize = 2;

/// An input being read: its name in messages and its findings' policy.
struct Source {
    name: String,
    policy: PathPolicy,
}

/// What flows from the reader to the cleaner to the writer.
enum Item<T> {
    Lines(Arc<Source>, Vec<T>),
    /// An input that could not be opened or read on.
    Failed(String),
}

/// Where a run writes: the records (or, with `--check`, the check lines)
/// and the messages about bad lines.
pub struct Outputs<'a> {
    pub records: &'a mut (dyn Write + Send),
    pub messages: &'a mut (dyn Write + Send),
}

/// Clean the records of every input (`-` is stdin), in order. `check`:
/// write check lines instead of records.
pub fn run(
    inputs: &[PathBuf],
    cleaner: &Cleaner,
    check: bool,
    outputs: Outputs,
) -> Result<Summary> {
    let policy = Policy::new(&cleaner.config)?;
    std::thread::scope(|scope| {
        let (lines_tx, lines_rx) = sync_channel(QUEUED_BATCHES);
        let (done_tx, done_rx) = sync_channel(QUEUED_BATCHES);
        scope.spawn(move || read(inputs, &policy, lines_tx));
        let writer = scope.spawn(move || write(done_rx, check, outputs));
        for item in lines_rx {
            let item = match item {
                Item::Lines(source, lines) => {
                    let done = lines
                        .into_par_iter()
                        .map(|line: RawLine| {
                            (line.number, cleaner.process(line.bytes, &source.policy))
                        })
                        .collect();
                    Item::Lines(source, done)
                }
                Item::Failed(message) => Item::Failed(message),
            };
            if done_tx.send(item).is_err() {
                break; // the writer stopped on an error, which it returns
            }
        }
        drop(done_tx);
        writer.join().expect("the writer does not panic")
    })
}

/// The reader stage: every input's lines in batches, in order.
fn read(inputs: &[PathBuf], policy: &Policy, out: SyncSender<Item<RawLine>>) {
    for path in inputs {
        let name = reader::display_name(path);
        let mut lines = match Lines::open(path) {
            Ok(lines) => lines,
            Err(e) => {
                if out.send(Item::Failed(format!("{e:#}"))).is_err() {
                    return;
                }
                continue;
            }
        };
        let source = Arc::new(Source {
            policy: policy.for_path(&name),
            name,
        });
        loop {
            let item = match lines.next_batch() {
                Ok(batch) if batch.is_empty() => break,
                Ok(batch) => Item::Lines(source.clone(), batch),
                Err(e) => Item::Failed(format!(
                    "{}: cannot read past line {}: {e}",
                    source.name,
                    lines.next_number() - 1
                )),
            };
            let failed = matches!(item, Item::Failed(_));
            if out.send(item).is_err() {
                return;
            }
            if failed {
                break;
            }
        }
    }
}

/// The writer stage: records (or check lines) out in order, bad lines and
/// unreadable inputs told as they come, everything counted.
fn write(done: Receiver<Item<(u64, Done)>>, check: bool, outputs: Outputs) -> Result<Summary> {
    let Outputs { records, messages } = outputs;
    let mut summary = Summary::default();
    for item in done {
        let (source, lines) = match item {
            Item::Lines(source, lines) => (source, lines),
            Item::Failed(message) => {
                summary.input_errors += 1;
                writeln!(messages, "fettle: error: {message}")?;
                continue;
            }
        };
        for (number, done) in &lines {
            summary.add(done);
            match &done.verdict {
                Verdict::Bad(reason) => writeln!(
                    messages,
                    "{}:{number}: bad record, passed through unchanged: {reason}",
                    source.name
                )?,
                Verdict::Record(report) if check => {
                    check::write_record(records, &source.name, *number, report)?
                }
                Verdict::Record(_) => {}
            }
            if !check {
                records.write_all(&done.line)?;
            }
        }
    }
    records.flush()?;
    messages.flush()?;
    Ok(summary)
}
