//! Running the pipeline over files: which files ([`walk`]), reading them
//! ([`read`]), processing them on the thread pool, writing results
//! ([`write`]), and handing reports to a printer in input order
//! ([`in_order`]), with a [`progress`] bar and the `--corpus-prior` first
//! pass ([`prior`]).

use crate::config::Config;
use crate::decode::prior::CorpusPrior;
use crate::pipeline::{self, Processed};
use crate::report::{names, FileReport, Printer, Status, Summary, Texts};
use crate::validate::corpus::{self, FileSummary};
use crate::validate::policy::{self, Policy};
use anyhow::{Context as _, Result};
use std::io::Write as _;
use std::path::{Path, PathBuf};

mod in_order;
mod prior;
mod progress;
mod read;
mod walk;
mod write;

use in_order::InOrder;
use progress::Progress;
pub use walk::{discover, Input, Inputs};
pub use write::{check_out_dir, CleanTarget, FixOptions};

/// What to do with each file once processed.
#[derive(Debug, Clone)]
pub enum Action {
    /// Write the cleaned copy under `out`, at the path relative to `src`.
    Clean { src: PathBuf, out: PathBuf },
    /// Change nothing; report.
    Check,
    /// Rewrite changed files in place, atomically.
    Fix,
    /// Only decode; report encodings.
    Detect,
}

pub struct Options {
    pub config: Config,
    pub forced: Option<&'static encoding_rs::Encoding>,
    pub action: Action,
    /// The name standard input (`-`) goes by, for the config's per-path
    /// settings and in reports (`--stdin-filename`); `-` when unset.
    pub stdin_name: Option<String>,
    /// What `fix` may rewrite.
    pub fix: FixOptions,
}

impl Options {
    pub fn new(
        config: Config,
        forced: Option<&'static encoding_rs::Encoding>,
        action: Action,
    ) -> Self {
        Options {
            config,
            forced,
            action,
            stdin_name: None,
            fix: FixOptions::default(),
        }
    }
}

/// A path as printed (see [`crate::report::names::shown`]); `./a.txt`,
/// found by walking the default `.`, is shown as `a.txt`.
pub fn shown_name(path: &Path) -> String {
    names::shown(without_dot(path))
}

/// `path` without a leading `./`.
fn without_dot(path: &Path) -> &Path {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest,
        _ => path,
    }
}

/// The exact bytes of the name `shown` stands for, when they differ.
fn name_bytes(path: &Path, shown: &str) -> Option<Vec<u8>> {
    names::exact_bytes(without_dot(path), shown)
}

/// At most this many files are in flight or waiting for their turn to be
/// printed: memory stays bounded however many files there are, and a large
/// file does not stall the others until this many have finished after it.
const WINDOW: usize = 256;

/// Process every input on the thread pool and print in input order, then
/// run the corpus rules on the files' summaries. Returns the totals.
///
/// The calling thread walks the inputs, hands each file to the pool (no
/// more than [`WINDOW`] ahead of the printer), and prints results as soon
/// as every earlier file has been printed. There is no barrier between
/// groups of files, so the cores stay busy until the last file.
pub fn run(inputs: Inputs, options: &Options, printer: &mut dyn Printer) -> Result<Summary> {
    let needs = PrinterNeeds {
        texts: printer.wants_texts(),
        edit_positions: printer.wants_edit_positions(),
    };
    let clean = match &options.action {
        Action::Clean { src, out } => Some(CleanTarget::new(src, out)?),
        _ => None,
    };
    if matches!(options.action, Action::Clean { .. } | Action::Fix) {
        write::remove_temporaries_on_signals();
    }
    let prior = if options.config.decode.corpus_prior && options.forced.is_none() {
        prior::corpus_prior(&inputs, options)
    } else {
        None
    };
    let policy = Policy::new(&options.config)?;
    let with_corpus =
        !matches!(options.action, Action::Detect) && corpus::any_enabled(&options.config);
    let job = Job {
        options,
        prior: prior.as_ref(),
        policy: &policy,
        needs,
        with_corpus,
        clean,
    };
    let mut summary = Summary::default();
    let mut spool = corpus::Spool::new();
    let progress = Progress::new(&inputs);
    let mut print = |done: Done| -> Result<()> {
        summary.add(&done.report);
        if done.unwritten {
            summary.unwritten.push(done.report.path.clone());
        }
        if let Some(file_summary) = done.corpus {
            spool
                .push(file_summary)
                .context("cannot write the corpus summaries to a temporary file")?;
        }
        let texts = done
            .texts
            .as_ref()
            .map(|(input, output)| Texts { input, output });
        progress.suspend(|| printer.file(&done.report, texts.as_ref()))?;
        Ok(())
    };
    let in_order = InOrder::new();
    rayon::in_place_scope(|scope| -> Result<()> {
        let (mut sent, mut printed) = (0, 0);
        for (i, input) in inputs.walk(true).enumerate() {
            while i >= printed + WINDOW {
                for result in in_order.take(sent) {
                    print(result)?;
                    printed += 1;
                }
            }
            let (job, progress, in_order) = (&job, &progress, &in_order);
            scope.spawn(move |_| {
                let result = work_or_report_panic(job, input);
                progress.advance(result.report.size);
                in_order.put(i, result);
            });
            sent = i + 1;
        }
        while printed < sent {
            for result in in_order.take(sent) {
                print(result)?;
                printed += 1;
            }
        }
        Ok(())
    })?;
    progress.finish();
    if with_corpus {
        let findings = corpus_findings(spool, options, &policy)?;
        summary.add_corpus(findings.counts());
        printer.corpus(findings)?;
    }
    printer.finish(&summary)?;
    Ok(summary)
}

/// `job.process(input)`, or, should it panic (a bug), an error report
/// naming the file: the run goes on with the other files, and the printer,
/// waiting for this file's turn, is not left waiting forever.
fn work_or_report_panic(job: &Job, input: Input) -> Done {
    let path = job.name_of(&input);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job.process(input))).unwrap_or_else(
        |_| {
            let message = "internal error: fettle panicked on this file (a bug; please report it)";
            Done::report(FileReport::error(path, 0, message.to_string()))
        },
    )
}

/// A processed file.
struct Done {
    report: FileReport,
    /// The decoded input and the output, when the printer wants them.
    texts: Option<(String, String)>,
    /// The file's summary for the corpus rules.
    corpus: Option<FileSummary>,
    /// Its cleaned text should have been written and was not.
    unwritten: bool,
}

impl Done {
    fn report(report: FileReport) -> Done {
        Done {
            report,
            texts: None,
            corpus: None,
            unwritten: false,
        }
    }
}

/// Run the corpus rules, passing each finding through the policy as it is
/// found; the survivors come back sorted by path, as a stream.
fn corpus_findings(
    spool: corpus::Spool,
    options: &Options,
    policy: &Policy,
) -> Result<corpus::CorpusFindings> {
    let files = spool
        .finish()
        .context("cannot sort the corpus summaries in a temporary file")?;
    corpus::run(&files, &options.config, &mut |f| f.judge(policy))
        .context("corpus rules: cannot read or write their temporary files")
}

/// What the printer needs of each file besides its report.
#[derive(Clone, Copy)]
struct PrinterNeeds {
    /// The input and output texts.
    texts: bool,
    /// The line and column of each edit.
    edit_positions: bool,
}

/// Everything a worker needs to process one file.
struct Job<'a> {
    options: &'a Options,
    prior: Option<&'a CorpusPrior>,
    policy: &'a Policy,
    needs: PrinterNeeds,
    with_corpus: bool,
    clean: Option<CleanTarget>,
}

impl Job<'_> {
    /// The name `input` is reported by.
    fn name_of(&self, input: &Input) -> String {
        match input {
            Input::File(p, _) | Input::Error(p, _) => shown_name(p),
            Input::Stdin => self.stdin_name(),
        }
    }

    fn stdin_name(&self) -> String {
        self.options
            .stdin_name
            .clone()
            .unwrap_or_else(|| "-".to_string())
    }

    fn process(&self, input: Input) -> Done {
        let limit = self.options.config.decode.max_file_size;
        let (path, read) = match input {
            Input::Error(path, message) => {
                return self.unread(&path, FileReport::error(shown_name(&path), 0, message))
            }
            Input::File(path, file) => {
                // One open, one fstat, one read: the size limit is checked
                // on the open file, before anything is read.
                let read = read::read_within(&path, file, limit);
                (path, read)
            }
            Input::Stdin => {
                let path = PathBuf::from(self.stdin_name());
                (path, read::read_stdin(limit))
            }
        };
        let stdin = read.as_ref().is_ok_and(|r| r.metadata.is_none());
        let shown = if stdin {
            self.stdin_name()
        } else {
            shown_name(&path)
        };
        let read = match read {
            Ok(read) => read,
            Err((size, message)) => {
                let mut report = FileReport::error(shown, size, message);
                report.path_bytes = name_bytes(&path, &report.path);
                return self.unread(&path, report);
            }
        };
        let options = self.options;
        // `fix -` echoes binary input unchanged, so it needs the bytes.
        let stdin_copy =
            (stdin && matches!(options.action, Action::Fix)).then(|| read.bytes.clone());
        let mut processed =
            pipeline::process_owned(read.bytes, &options.config, options.forced, self.prior);
        let markers = match &mut processed {
            Processed::Text(t) => policy::apply_file(
                &self.policy.for_path(&path.to_string_lossy()),
                &t.decoded.text,
                &mut t.findings,
            ),
            Processed::Binary(_) => policy::Markers::default(),
        };
        let corpus = self.with_corpus.then(|| {
            let mut s = FileSummary::new(&path, shown.clone(), Some(&processed), &options.config);
            s.ignore_file = markers.file;
            s
        });
        let path_bytes = name_bytes(&path, &shown);
        let mut report =
            FileReport::from_processed(shown, read.size, &mut processed, self.needs.edit_positions);
        report.path_bytes = path_bytes;
        let written = if stdin {
            echo_to_stdout(&processed, stdin_copy)
        } else {
            self.write(&path, read.metadata.as_ref(), &processed, &report)
        };
        let unwritten = written.is_err();
        if let Err(e) = written {
            report.status = Status::Error;
            report.error = Some(format!("{e:#}"));
        }
        let texts = match processed {
            Processed::Text(t) if self.needs.texts => Some((t.decoded.text, t.output)),
            _ => None,
        };
        Done {
            report,
            texts,
            corpus,
            unwritten,
        }
    }

    /// The report of a file that was not read.
    fn unread(&self, path: &Path, report: FileReport) -> Done {
        let corpus = self
            .with_corpus
            .then(|| FileSummary::new(path, report.path.clone(), None, &self.options.config));
        Done {
            corpus,
            ..Done::report(report)
        }
    }

    /// Write the result as the action says: `clean` a copy under DST,
    /// `fix` the file itself when it changes.
    fn write(
        &self,
        path: &Path,
        read: Option<&std::fs::Metadata>,
        processed: &Processed,
        report: &FileReport,
    ) -> Result<()> {
        let Processed::Text(t) = processed else {
            return Ok(());
        };
        match &self.options.action {
            Action::Check | Action::Detect => Ok(()),
            Action::Clean { .. } => match &self.clean {
                Some(target) => target.write(path, read, t.output.as_bytes()),
                None => Ok(()),
            },
            Action::Fix if report.would_change() => {
                write::fix_file(path, t.output.as_bytes(), read, self.options.fix)
            }
            Action::Fix => Ok(()),
        }
    }
}

/// `fix -`: the cleaned text on stdout, as formatters do (binary input
/// goes through unchanged). Written to a duplicate of the descriptor: the
/// main thread holds the lock of `std::io::stdout` for the printers (which
/// write to stderr in this case).
fn echo_to_stdout(processed: &Processed, input: Option<Vec<u8>>) -> Result<()> {
    use std::os::fd::AsFd;
    let Some(input) = input else { return Ok(()) };
    let bytes = match processed {
        Processed::Text(t) => t.output.as_bytes(),
        Processed::Binary(_) => &input,
    };
    let mut stdout = std::fs::File::from(std::io::stdout().as_fd().try_clone_to_owned()?);
    stdout.write_all(bytes)?;
    Ok(())
}
