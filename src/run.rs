//! Running the pipeline over files: discovery, reading, parallel processing,
//! writing, and handing reports to a printer in sorted order.

use crate::config::Config;
use crate::decode::{self, prior::CorpusPrior};
use crate::pipeline::{self, Processed};
use crate::report::{FileReport, Printer, Status, Summary, Texts};
use crate::validate::corpus::{self, FileSummary};
use crate::validate::policy::{self, Policy};
use anyhow::{bail, Context as _, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

mod in_order;
use in_order::InOrder;

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
}

/// A file to process, or a path that could not be walked.
#[derive(Debug)]
pub enum Input {
    /// A file, with its open handle and size when it was named explicitly
    /// (see [`open_root`]).
    File(PathBuf, Option<(fs::File, u64)>),
    Error(PathBuf, String),
}

/// The paths to process. Directories are walked lazily, so the list of
/// files is never held in memory: a run over a million files keeps only the
/// files in flight.
#[derive(Debug, Clone)]
pub struct Inputs {
    roots: Vec<PathBuf>,
    /// `[files] exclude`, when the configuration has one.
    exclude: Option<std::sync::Arc<crate::config::Exclude>>,
}

/// Every file under `paths`, in order: directories are walked recursively,
/// sorted by name, with the usual ignore rules (hidden files, .gitignore);
/// files named explicitly are always taken.
pub fn discover(paths: &[PathBuf]) -> Inputs {
    Inputs {
        roots: paths.to_vec(),
        exclude: None,
    }
}

impl Inputs {
    /// Skip the paths `exclude` names: walked ones always, named ones with
    /// `--force-exclude`.
    pub fn excluding(mut self, exclude: Option<crate::config::Exclude>) -> Inputs {
        self.exclude = exclude.map(std::sync::Arc::new);
        self
    }

    /// Walk the paths (again): each call starts a new walk.
    pub fn iter(&self) -> impl Iterator<Item = Input> + Send + '_ {
        self.roots
            .iter()
            .flat_map(|root| -> Box<dyn Iterator<Item = Input> + Send> {
                let exclude = self.exclude.clone();
                if exclude.as_ref().is_some_and(|e| e.named(root)) {
                    return Box::new(std::iter::empty());
                }
                if let Some(file) = open_root(root) {
                    return Box::new(std::iter::once(Input::File(root.clone(), Some(file))));
                }
                match fs::metadata(root) {
                    Err(e) => Box::new(std::iter::once(Input::Error(root.clone(), e.to_string()))),
                    Ok(m) if m.is_file() => {
                        Box::new(std::iter::once(Input::File(root.clone(), None)))
                    }
                    Ok(_) => Box::new(
                        ignore::WalkBuilder::new(root)
                            .sort_by_file_name(|a, b| a.cmp(b))
                            .filter_entry(move |entry| {
                                entry.depth() == 0
                                    || !exclude.as_ref().is_some_and(|e| e.walked(entry.path()))
                            })
                            .build()
                            .filter_map(|entry| match entry {
                                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                                    Some(Input::File(e.into_path(), None))
                                }
                                Ok(_) => None,
                                Err(e) => Some(Input::Error(root.clone(), e.to_string())),
                            }),
                    ),
                }
            })
    }
}

/// The regular file at `root`, opened, and its size, or `None` when `root` is anything
/// else (a directory, a FIFO, missing, unreadable...), which the caller then
/// looks at with `fs::metadata` as before.
///
/// Opening an explicitly named file here and asking the open handle for its
/// type (`fstat`) saves the separate `stat` of its path: the worker reads
/// from this handle instead of opening the path again. `O_NONBLOCK` keeps
/// the open of a FIFO from waiting for a writer (it has no effect on reading
/// a regular file), `O_NOCTTY` keeps a terminal from becoming ours.
#[cfg(unix)]
fn open_root(root: &Path) -> Option<(fs::File, u64)> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(root)
        .ok()?;
    let metadata = file.metadata().ok()?;
    metadata.is_file().then_some((file, metadata.len()))
}

#[cfg(not(unix))]
fn open_root(_root: &Path) -> Option<(fs::File, u64)> {
    None
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
    let wants = Wants {
        texts: printer.wants_texts(),
        edit_positions: printer.wants_edit_positions(),
    };
    let prior = if options.config.decode.corpus_prior && options.forced.is_none() {
        corpus_prior(&inputs, options)
    } else {
        None
    };
    let policy = Policy::new(&options.config)?;
    let with_corpus = matches!(options.action, Action::Check | Action::Clean { .. })
        && corpus::any_enabled(&options.config);
    let mut summary = Summary::default();
    let mut spool = corpus::Spool::new();
    let progress = Progress::new(&inputs);
    let work = |input: Input| match input {
        Input::Error(path, message) => (
            FileReport::error(display(&path), 0, message),
            None,
            with_corpus.then(|| FileSummary::new(&path, display(&path), None, &options.config)),
        ),
        Input::File(path, file) => process_file(
            &path,
            file,
            options,
            prior.as_ref(),
            &policy,
            wants,
            with_corpus,
        ),
    };
    let mut print = |(report, texts, file_summary): Processed1| -> Result<()> {
        summary.add(&report);
        if let Some(file_summary) = file_summary {
            spool
                .push(file_summary)
                .context("cannot write the corpus summaries to a temporary file")?;
        }
        let texts = texts
            .as_ref()
            .map(|(input, output)| Texts { input, output });
        progress.suspend(|| printer.file(&report, texts.as_ref()))?;
        Ok(())
    };
    let in_order = InOrder::new();
    rayon::in_place_scope(|scope| -> Result<()> {
        let (mut sent, mut printed) = (0, 0);
        for (i, input) in inputs.iter().enumerate() {
            while i >= printed + WINDOW {
                for result in in_order.take(sent) {
                    print(result)?;
                    printed += 1;
                }
            }
            let (work, progress, in_order) = (&work, &progress, &in_order);
            scope.spawn(move |_| {
                let result = work_or_report_panic(work, input);
                progress.advance(result.0.size);
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

/// `work(input)`, or, should it panic (a bug), an error report naming the
/// file: the run goes on with the other files, and the printer, waiting for
/// this file's turn, is not left waiting forever.
fn work_or_report_panic(work: impl FnOnce(Input) -> Processed1, input: Input) -> Processed1 {
    let path = match &input {
        Input::File(p, _) | Input::Error(p, _) => display(p),
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(input))).unwrap_or_else(|_| {
        let message = "internal error: fettle panicked on this file (a bug; please report it)";
        (FileReport::error(path, 0, message.to_string()), None, None)
    })
}

/// A processed file: its report, its texts when the printer wants them, and
/// its summary for the corpus rules.
type Processed1 = (FileReport, Option<(String, String)>, Option<FileSummary>);

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

/// A progress bar on stderr, for people waiting at a terminal: it appears
/// only when stderr is a terminal, `CI` is unset, and the run has taken
/// longer than [`Progress::DELAY`]; it is cleared at the end.
struct Progress {
    bar: Option<ProgressBar>,
    shown: AtomicBool,
}

impl Progress {
    const DELAY: Duration = Duration::from_secs(2);

    fn new(inputs: &Inputs) -> Self {
        let wanted = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = wanted.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            // The total comes from a second walk, on its own thread so
            // that the work starts at once; the bar shows only after
            // `DELAY`, by when the total is normally known.
            let (counting, inputs) = (bar.clone(), inputs.clone());
            std::thread::spawn(move || {
                let total = inputs
                    .iter()
                    .map(|i| match i {
                        Input::File(_, Some((_, size))) => size,
                        Input::File(p, None) => fs::metadata(p).map_or(0, |m| m.len()),
                        Input::Error(..) => 0,
                    })
                    .sum();
                counting.set_length(total);
            });
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}, {eta} left",
                )
                .expect("a valid template"),
            );
            bar
        });
        Progress {
            bar,
            shown: AtomicBool::new(false),
        }
    }

    /// Count `bytes` as done; show the bar once the run is slow enough.
    fn advance(&self, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(bytes);
        if !self.shown.load(Ordering::Relaxed)
            && bar.elapsed() >= Self::DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Run `f` (which prints) with the bar out of the way.
    fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) if self.shown.load(Ordering::Relaxed) => bar.suspend(f),
            _ => f(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A path as reported: `./a.txt`, found by walking the default `.`, is
/// shown as `a.txt`.
fn display(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    let shown = if shown.as_os_str().is_empty() {
        path
    } else {
        shown
    };
    shown.to_string_lossy().into_owned()
}

/// The first pass of `--corpus-prior`: detect every readable file and find
/// the collection's dominant legacy encoding. Says what it found on stderr.
fn corpus_prior(inputs: &Inputs, options: &Options) -> Option<CorpusPrior> {
    let limit = options.config.decode.max_file_size;
    let detections: Vec<_> = inputs
        .iter()
        .par_bridge()
        .filter_map(|input| match input {
            Input::File(path, _) if fs::metadata(&path).is_ok_and(|m| m.len() <= limit) => {
                fs::read(&path).ok().map(|bytes| decode::sniff(&bytes))
            }
            _ => None,
        })
        .collect();
    let prior = CorpusPrior::from_detections(&detections);
    match &prior {
        Some(p) => eprintln!(
            "fettle: corpus prior {} ({} confidently detected files agree, {} differ); it settles weak guesses",
            p.encoding.name(),
            p.agreeing,
            p.others
        ),
        None => eprintln!("fettle: corpus prior: no dominant legacy encoding; none applied"),
    }
    prior
}

/// What the printer needs of each file besides its report.
#[derive(Clone, Copy)]
struct Wants {
    /// The input and output texts.
    texts: bool,
    /// The line and column of each edit.
    edit_positions: bool,
}

fn process_file(
    path: &Path,
    file: Option<(fs::File, u64)>,
    options: &Options,
    prior: Option<&CorpusPrior>,
    policy: &Policy,
    wants: Wants,
    with_corpus: bool,
) -> Processed1 {
    let name = display(path);
    let unread = |report: FileReport| {
        let summary =
            with_corpus.then(|| FileSummary::new(path, report.path.clone(), None, &options.config));
        (report, None, summary)
    };
    // One open, one fstat, one read: the size limit is checked on the open
    // file, before anything is read.
    let (size, bytes) = match read_within(path, file, options.config.decode.max_file_size) {
        Ok(read) => read,
        Err((size, message)) => return unread(FileReport::error(name, size, message)),
    };
    let mut processed = pipeline::process_owned(bytes, &options.config, options.forced, prior);
    let markers = match &mut processed {
        Processed::Text(t) => {
            policy::apply_file(&policy.for_path(&name), &t.decoded.text, &mut t.findings)
        }
        Processed::Binary(_) => policy::Markers::default(),
    };
    let file_summary = with_corpus.then(|| {
        let mut s = FileSummary::new(path, name.clone(), Some(&processed), &options.config);
        s.ignore_file = markers.file;
        s
    });
    let mut report = FileReport::from_processed(name, size, &mut processed, wants.edit_positions);
    if let Err(e) = act(path, &processed, &report, &options.action) {
        report.status = Status::Error;
        report.error = Some(format!("{e:#}"));
    }
    let texts = match processed {
        Processed::Text(t) if wants.texts => Some((t.decoded.text, t.output)),
        _ => None,
    };
    (report, texts, file_summary)
}

/// The size and bytes of the file at `path` (read from `opened`, the file
/// and its size, when it is already open), or its size (0 when unknown) and
/// why it was not read: unreadable, or over `limit` bytes.
fn read_within(
    path: &Path,
    opened: Option<(fs::File, u64)>,
    limit: u64,
) -> std::result::Result<(u64, Vec<u8>), (u64, String)> {
    let (file, size) = match opened {
        Some(opened) => opened,
        None => {
            let file = fs::File::open(path).map_err(|e| (0, format!("cannot read: {e}")))?;
            let size = file
                .metadata()
                .map_err(|e| (0, format!("cannot read: {e}")))?
                .len();
            (file, size)
        }
    };
    if size > limit {
        return Err((
            size,
            format!("file is {size} bytes, over the limit of {limit} bytes (--max-file-size or [decode] max-file-size)"),
        ));
    }
    let bytes = read_sized(file, size, limit).map_err(|e| (size, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err((
            bytes.len() as u64,
            format!("file grew past the limit of {limit} bytes while being read"),
        ));
    }
    Ok((size, bytes))
}

/// The bytes of `file`, whose size was `size`, and at most `limit + 1` of
/// them (a file growing while it is read stops past the limit too). The
/// buffer is sized to the file plus one byte, so that a file that did not
/// change is read by one full read and one that finds its end;
/// `read_to_end` without a size hint would read it 8 KiB, 16 KiB, … at a
/// time, a system call each.
fn read_sized(mut file: fs::File, size: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let want = usize::try_from(size.min(limit).saturating_add(1)).unwrap_or(usize::MAX);
    let mut bytes = vec![0; want];
    let mut filled = 0;
    while filled < want {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    if filled == want {
        // It grew: the rest, up to the limit.
        file.take(limit.saturating_add(1).saturating_sub(filled as u64))
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn act(path: &Path, processed: &Processed, report: &FileReport, action: &Action) -> Result<()> {
    let Processed::Text(t) = processed else {
        return Ok(());
    };
    match action {
        Action::Check | Action::Detect => Ok(()),
        Action::Clean { src, out } => {
            let relative = if path == src.as_path() {
                Path::new(path.file_name().unwrap_or(path.as_os_str()))
            } else {
                path.strip_prefix(src).unwrap_or(path)
            };
            let dest = out.join(relative);
            // Write first and make the directory only when it is missing:
            // one system call per file instead of three.
            let written = match fs::write(&dest, &t.output) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if let Some(parent) = dest.parent() {
                        fs::create_dir_all(parent)
                            .with_context(|| format!("cannot create {}", parent.display()))?;
                    }
                    fs::write(&dest, &t.output)
                }
                result => result,
            };
            written.with_context(|| format!("cannot write {}", dest.display()))
        }
        Action::Fix if report.would_change() => write_atomically(path, t.output.as_bytes()),
        Action::Fix => Ok(()),
    }
}

/// Replace `path` with `bytes` via a temporary file in the same directory and
/// a rename, keeping the permissions: a crash leaves the old or the new file,
/// never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Refuse an output directory equal to or inside the source directory.
pub fn check_out_dir(src: &Path, out: &Path) -> Result<()> {
    let src_abs =
        fs::canonicalize(src).with_context(|| format!("{}: cannot read source", src.display()))?;
    let out_abs = absolute_existing_prefix(out)?;
    if src_abs.is_dir() && out_abs.starts_with(&src_abs) {
        bail!(
            "output directory {} is inside the source directory {}: choose a directory outside it",
            out.display(),
            src.display()
        );
    }
    if out_abs == src_abs {
        bail!("output {} is the source itself", out.display());
    }
    Ok(())
}

/// Canonicalize the longest existing ancestor of `path` and append the rest.
fn absolute_existing_prefix(path: &Path) -> Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut result = fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.iter().rev() {
        result.push(name);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file read by its size: whole when the size is right, and also when
    /// it grew or shrank since, never more than the limit plus one byte.
    #[test]
    fn read_sized_reads_the_file_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        fs::write(&path, "abcdef").unwrap();
        let read = |size, limit| read_sized(fs::File::open(&path).unwrap(), size, limit).unwrap();
        assert_eq!(read(6, 100), b"abcdef");
        assert_eq!(read(3, 100), b"abcdef", "grew since its size was taken");
        assert_eq!(read(9, 100), b"abcdef", "shrank");
        assert_eq!(read(3, 4), b"abcde", "grew past the limit: limit + 1 bytes");
        assert_eq!(read(0, 100), b"abcdef");
    }

    /// The walk's open handle reads the same as opening the path, and paths
    /// that are not regular files take the old way (walked, or an error).
    #[test]
    fn explicit_paths_read_the_same_through_their_handle() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        fs::write(&file, "caf\u{e9}\n").unwrap();
        let missing = dir.path().join("missing.txt");
        let inputs = discover(&[file.clone(), dir.path().to_path_buf(), missing.clone()]);
        let got: Vec<Input> = inputs.iter().collect();
        assert_eq!(got.len(), 3, "{got:?}");
        match &got[0] {
            Input::File(p, Some((_, size))) => assert_eq!((p, *size), (&file, 6)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(&got[1], Input::File(p, None) if *p == file));
        let expected = fs::metadata(&missing).unwrap_err().to_string();
        assert!(matches!(&got[2], Input::Error(p, m) if *p == missing && *m == expected));
        let Some(Input::File(_, opened)) = got.into_iter().next() else {
            unreachable!()
        };
        assert_eq!(
            read_within(&file, opened, 100).unwrap(),
            read_within(&file, None, 100).unwrap()
        );
        assert_eq!(
            read_within(&file, None, 100).unwrap(),
            (6, b"caf\xc3\xa9\n".to_vec())
        );
    }
}
