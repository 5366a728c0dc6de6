//! The `fettle` command line.

mod generate;
mod output;

use crate::config::{Exclude, Loaded};
use crate::report::baseline::{Baseline, BaselinePrinter};
use crate::report::{
    DetectPrinter, DiffPrinter, GithubPrinter, HtmlPrinter, HumanPrinter, JsonPrinter,
    MarkdownPrinter, Printer, QuietPrinter, SarifPrinter, StatisticsPrinter, Summary,
};
use crate::run::{self, Action, Options};
use anyhow::{bail, Context as _, Result};
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use output::{styled, OutputOptions, Stdout};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Clean and validate text corpora: detect encodings, repair damage,
/// normalize white space, and report every change.
#[derive(Debug, Parser)]
#[command(name = "fettle", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Configuration file (default: the first fettle.toml or .fettle.toml
    /// in the working directory or above it, up to the repository root).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Apply `[files] exclude` to paths named on the command line too (as
    /// pre-commit passes them); otherwise a named file is always read.
    #[arg(long, global = true)]
    pub force_exclude: bool,
    /// Decode every file with this encoding instead of detecting it
    /// (an encoding_rs / WHATWG label such as windows-1252 or shift_jis).
    #[arg(long, global = true, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Detect every file first and let the encoding most confidently detected
    /// files share settle weak guesses (short files, ambiguous verdicts).
    #[arg(long, global = true)]
    pub corpus_prior: bool,
    /// Refuse files larger than this (bytes, or with a K, M or G suffix,
    /// powers of 1024), overriding `[decode] max-file-size` (default 1G).
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Apply only fixes at least this sure; the others are reported as
    /// findings with the text they would write (overrides `[fix]
    /// min-confidence`; default likely).
    #[arg(long, global = true, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<MinConfidence>,
    /// The name standard input (`-`) goes by in reports and for the
    /// config's per-path settings.
    #[arg(long, global = true, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

/// `--min-confidence`: the least sure fix that is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    /// Only fixes that cannot lose what the author meant.
    Certain,
    /// Also fixes with strong evidence (the default).
    Likely,
    /// Every fix, the most likely reading where context leaves a doubt.
    Guess,
}

impl From<MinConfidence> for crate::edit::Confidence {
    fn from(level: MinConfidence) -> Self {
        use crate::edit::Confidence;
        match level {
            MinConfidence::Certain => Confidence::Certain,
            MinConfidence::Likely => Confidence::Likely,
            MinConfidence::Guess => Confidence::Guess,
        }
    }
}

/// `1048576`, `512K`, `100M`, `1G` (powers of 1024; `KiB`, `MB`... also read).
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 1048576, 512K, 100M or 1G"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("unknown unit in `{s}`: use K, M or G")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{s}` is too large"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a cleaned UTF-8 copy of every file under SRC to the same relative
    /// path under DST. SRC is never modified.
    Clean {
        /// Directory or file to clean (default: seeds).
        #[arg(default_value = "seeds", hide_default_value = true)]
        src: PathBuf,
        /// Output directory; must not be SRC or inside it.
        #[arg(long, default_value = "cleaned", value_name = "DST")]
        out: PathBuf,
        /// Also write the full JSON report to FILE.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Also write the HTML review page (see `fettle review`) to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Change nothing; exit 0 if every file is clean, 1 if any would change or
    /// has findings, 2 on errors.
    #[command(group(ArgGroup::new("mode").args(["diff", "format", "statistics"]).multiple(false)))]
    Check {
        /// Files and directories to check (directories are walked, skipping
        /// hidden and git-ignored files).
        #[arg(value_name = "PATH", default_value = ".")]
        paths: Vec<PathBuf>,
        /// Print unified diffs of what `clean` and `fix` would write: the
        /// fixes at `--min-confidence` or above (stdout is a clean patch).
        #[arg(long)]
        diff: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Compare with the findings recorded in FILE and fail only on new or
        /// worse ones; when FILE does not exist, record them there and exit 0.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Rewrite the --baseline FILE with the current findings and exit 0.
        #[arg(long, requires = "baseline")]
        update_baseline: bool,
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Change nothing; write one self-contained HTML page showing every
    /// change as a diff, with invisible characters made visible and filters by
    /// rule and confidence. Exit 0, or 2 on errors.
    Review {
        /// Files and directories to review.
        #[arg(value_name = "PATH", default_value = ".")]
        paths: Vec<PathBuf>,
        /// Where to write the page.
        #[arg(long, value_name = "FILE")]
        html: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Rewrite changed files in place, atomically, keeping owner, mode and
    /// extended attributes; a symlink's target is rewritten and the link
    /// kept. `-` reads standard input and writes the result to stdout.
    /// Exit 1 when findings remain that fixing cannot remove, 2 on errors.
    Fix {
        /// Files and directories to fix.
        #[arg(value_name = "PATH", default_value = ".")]
        paths: Vec<PathBuf>,
        /// Rewrite read-only files too.
        #[arg(long)]
        force: bool,
        /// Write files with several hard links in place (not atomically),
        /// so that every name sees the fix; without it they are refused.
        #[arg(long)]
        write_hard_links: bool,
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        output: OutputOptions,
    },
    /// Print each file's encoding, how it was decided, BOM, line endings,
    /// size and whether it is binary.
    Detect {
        /// Files and directories to detect.
        #[arg(value_name = "PATH", default_value = ".")]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DetectFormat::Human)]
        format: DetectFormat,
        #[command(flatten)]
        common: Common,
    },
    /// Clean the text field of JSONL records (datasets, shards): the same
    /// records out, one line per line in order, each with a report field.
    /// Exit 0, or 2 if any line was not a record (passed through unchanged).
    Records {
        #[command(flatten)]
        args: RecordsArgs,
        #[command(flatten)]
        common: Common,
    },
    /// List every rule with its stage and whether it runs by default.
    Rules {
        /// Print this rule's documentation: what it does, why, an example,
        /// how safe its fixes are, and its options.
        #[arg(long, value_name = "RULE")]
        explain: Option<String>,
        /// Print the rule reference as Markdown (`docs/rules.md`).
        #[arg(long, conflicts_with = "explain")]
        markdown: bool,
    },
    /// Print the effective configuration as TOML, each key with where it
    /// came from (the configuration file, the command line, or the default).
    Config {
        #[command(flatten)]
        common: Common,
    },
    /// Print a shell completion script, e.g. `fettle completions bash >
    /// ~/.local/share/bash-completion/completions/fettle`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page fettle(1) (roff), or write one page per command
    /// into a directory.
    Man {
        /// Write fettle.1, fettle-check.1, ... into DIR instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A line per file, its findings, and the totals.
    Human,
    /// The full report (schema in docs/formats.md).
    Json,
    /// GitHub Actions workflow commands (`::warning file=…`): annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// A Markdown summary, for `$GITHUB_STEP_SUMMARY`.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetectFormat {
    /// Encoding, how it was decided, BOM, line endings, size.
    Human,
    /// `path<TAB>encoding`, for scripts.
    Tsv,
}

/// Exit codes, as ruff's: 0 clean, 1 changes needed or findings, 2 error.
pub(crate) const EXIT_CLEAN: u8 = 0;
pub(crate) const EXIT_DIRTY: u8 = 1;
pub(crate) const EXIT_ERROR: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(code) => ExitCode::from(code),
        // The reader of stdout went away (`fettle check | head`): nothing
        // is wrong with the input, and there is no one left to tell.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_ERROR),
        Err(e) => {
            eprintln!("fettle: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The configuration with the command line's settings applied.
fn configure(common: &Common) -> Result<Loaded> {
    let mut loaded = Loaded::find(common.config.as_deref())?;
    let config = &mut loaded.config;
    if let Some(label) = &common.encoding {
        config.decode.encoding = Some(label.clone());
    }
    if common.corpus_prior {
        config.decode.corpus_prior = true;
    }
    if let Some(limit) = common.max_file_size {
        config.decode.max_file_size = limit;
    }
    if let Some(level) = common.min_confidence {
        config.fix.min_confidence = level.into();
    }
    Ok(loaded)
}

/// The keys [`configure`] takes from the command line, for `fettle config`.
fn from_command_line(common: &Common) -> Vec<crate::config::FromCommandLine> {
    use crate::config::FromCommandLine as Set;
    let mut set = Vec::new();
    if common.encoding.is_some() {
        set.push(Set {
            key: "decode.encoding",
            flag: "--encoding",
        });
    }
    if common.corpus_prior {
        set.push(Set {
            key: "decode.corpus-prior",
            flag: "--corpus-prior",
        });
    }
    if common.max_file_size.is_some() {
        set.push(Set {
            key: "decode.max-file-size",
            flag: "--max-file-size",
        });
    }
    if common.min_confidence.is_some() {
        set.push(Set {
            key: "fix.min-confidence",
            flag: "--min-confidence",
        });
    }
    set
}

/// The run's options and its files under `paths`, less `[files] exclude`.
///
/// `outputs` are the files the run writes, which it must not read.
fn setup(
    common: &Common,
    action: Action,
    paths: &[PathBuf],
    outputs: &[Option<&PathBuf>],
) -> Result<(Options, run::Inputs)> {
    let Loaded { config, root, .. } = configure(common)?;
    let outputs: Vec<&std::path::Path> = outputs.iter().flatten().map(|p| p.as_path()).collect();
    let exclude = Exclude::new(&config.files.exclude, &root, common.force_exclude, &outputs)?;
    let inputs = run::discover(paths).excluding(exclude);
    let forced = match &config.decode.encoding {
        Some(label) => Some(
            encoding_rs::Encoding::for_label(label.as_bytes())
                .with_context(|| format!("unknown encoding `{label}`"))?,
        ),
        None => None,
    };
    let mut options = Options::new(config, forced, action);
    options.stdin_name = common.stdin_filename.clone();
    Ok((options, inputs))
}

/// Name the files `clean` or `fix` did not write, after their error lines.
fn report_unwritten(summary: &Summary) {
    const SHOWN: usize = 20;
    let unwritten = &summary.unwritten;
    if unwritten.is_empty() {
        return;
    }
    eprintln!(
        "fettle: {} not written:",
        crate::report::count(unwritten.len(), "file")
    );
    for name in unwritten.iter().take(SHOWN) {
        eprintln!("  {name}");
    }
    if unwritten.len() > SHOWN {
        eprintln!("  … and {} more", unwritten.len() - SHOWN);
    }
}

pub fn execute(cli: Cli) -> Result<u8> {
    if let Command::Records { args, common } = cli.command {
        return records(args, &common);
    }
    let output = match &cli.command {
        Command::Clean { output, .. }
        | Command::Check { output, .. }
        | Command::Fix { output, .. } => Some(output.clone()),
        _ => None,
    };
    let mut sink = match &output {
        Some(output) => output.open()?,
        None => output::Sink::Stdout(Stdout::new()),
    };
    let code = execute_to(cli, &mut sink)?;
    sink.flush()?;
    Ok(code)
}

fn execute_to(cli: Cli, stdout: &mut (dyn Write + 'static)) -> Result<u8> {
    match cli.command {
        Command::Clean {
            src,
            out,
            report,
            html,
            common,
            output,
        } => {
            if run::Inputs::is_stdin(&src) {
                bail!("clean reads files and folders; for standard input use `fettle fix -` (it writes the result to stdout)");
            }
            if !src.exists() {
                bail!("{}: no such file or directory", src.display());
            }
            run::check_out_dir(&src, &out)?;
            let action = Action::Clean {
                src: src.clone(),
                out,
            };
            let outputs = [output.output_file.as_ref(), report.as_ref(), html.as_ref()];
            let (options, inputs) = setup(&common, action, std::slice::from_ref(&src), &outputs)?;
            let mut human = human_printer(stdout, &output, false, "cleaned");
            let mut json = match report {
                Some(path) => Some(JsonPrinter::new(create(&path, "report")?)),
                None => None,
            };
            let mut page = match html {
                Some(path) => Some(HtmlPrinter::new(
                    create(&path, "HTML page")?,
                    "fettle clean",
                )),
                None => None,
            };
            let mut printers: Vec<&mut dyn Printer> = vec![human.as_mut()];
            if let Some(json) = json.as_mut() {
                printers.push(json);
            }
            if let Some(page) = page.as_mut() {
                printers.push(page);
            }
            let summary = run::run(inputs, &options, &mut Tee(printers))?;
            report_unwritten(&summary);
            Ok(if summary.errors > 0 {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            })
        }
        Command::Check {
            paths,
            diff,
            format,
            baseline,
            update_baseline,
            common,
            output,
        } => {
            let outputs = [output.output_file.as_ref(), baseline.as_ref()];
            let (options, inputs) = setup(&common, Action::Check, &paths, &outputs)?;
            let mut printer: Box<dyn Printer + '_> = if diff {
                Box::new(DiffPrinter::new(stdout))
            } else {
                match format {
                    Format::Human => human_printer(stdout, &output, true, "would change"),
                    Format::Json => Box::new(JsonPrinter::new(stdout)),
                    Format::Github => Box::new(GithubPrinter::new(stdout)),
                    Format::Sarif => Box::new(SarifPrinter::new(stdout)),
                    Format::Markdown => Box::new(MarkdownPrinter::new(stdout)),
                }
            };
            let code = match baseline {
                None => check_exit(&run::run(inputs, &options, printer.as_mut())?),
                Some(baseline) => check_with_baseline(
                    inputs,
                    &options,
                    printer.as_mut(),
                    &baseline,
                    update_baseline,
                )?,
            };
            Ok(gate(code, &output))
        }
        Command::Review {
            paths,
            html,
            common,
        } => {
            let (options, inputs) = setup(&common, Action::Check, &paths, &[Some(&html)])?;
            let mut page = HtmlPrinter::new(create(&html, "HTML page")?, "fettle review");
            let summary = run::run(inputs, &options, &mut page)?;
            {
                use crate::report::count;
                eprintln!(
                    "wrote {}: {}, {} would change, {}, {}, {}",
                    run::shown_name(&html),
                    count(summary.files, "file"),
                    summary.changed,
                    count(summary.edits, "edit"),
                    count(summary.findings, "finding"),
                    count(summary.errors, "error")
                );
            }
            Ok(if summary.errors > 0 {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            })
        }
        Command::Fix {
            paths,
            force,
            write_hard_links,
            common,
            output,
        } => {
            let (mut options, mut inputs) =
                setup(&common, Action::Fix, &paths, &[output.output_file.as_ref()])?;
            options.fix = run::FixOptions {
                force,
                write_hard_links,
            };
            inputs.remove_leftovers = true;
            // `fix -` writes the fixed text to stdout: the report goes to
            // stderr.
            let mut stderr = io::stderr();
            let out: &mut (dyn Write + 'static) = if inputs.reads_stdin() {
                &mut stderr
            } else {
                stdout
            };
            let mut printer = human_printer(out, &output, false, "fixed");
            let summary = run::run(inputs, &options, printer.as_mut())?;
            drop(printer);
            report_unwritten(&summary);
            // As `ruff check --fix`: what was fixed is done; findings that
            // fixing cannot remove still fail.
            let code = if summary.errors > 0 {
                EXIT_ERROR
            } else if summary.failing_findings() > 0 {
                EXIT_DIRTY
            } else {
                EXIT_CLEAN
            };
            Ok(gate(code, &output))
        }
        Command::Detect {
            paths,
            format,
            common,
        } => {
            let (options, inputs) = setup(&common, Action::Detect, &paths, &[])?;
            let mut printer = DetectPrinter::new(stdout, format == DetectFormat::Tsv);
            let summary = run::run(inputs, &options, &mut printer)?;
            Ok(if summary.errors > 0 {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            })
        }
        // Writes from its own thread: handled by `execute`, before stdout is locked.
        Command::Records { .. } => unreachable!("fettle records is run by execute"),
        Command::Rules { explain, markdown } => {
            let out = stdout;
            if let Some(id) = explain {
                let Some(info) = crate::rules::info(&id) else {
                    anyhow::bail!(
                        "unknown rule `{id}` (known: {})",
                        crate::rules::all_ids().join(", ")
                    );
                };
                write!(out, "# {}\n\n{}", info.id, crate::rules::explain(info))?;
                return Ok(EXIT_CLEAN);
            }
            if markdown {
                write!(out, "{}", crate::rules::markdown())?;
                return Ok(EXIT_CLEAN);
            }
            for info in crate::rules::infos() {
                let stage = format!("{:?}", info.stage).to_lowercase();
                let default = if info.default_enabled { "on" } else { "off" };
                writeln!(
                    out,
                    "{:<22} {:<10} {:<4} {}",
                    info.id, stage, default, info.summary
                )?;
            }
            Ok(EXIT_CLEAN)
        }
        Command::Config { common } => {
            let loaded = configure(&common)?;
            write!(stdout, "{}", loaded.show(&from_command_line(&common)))?;
            Ok(EXIT_CLEAN)
        }
        Command::Completions { shell } => {
            generate::completions(shell, stdout)?;
            Ok(EXIT_CLEAN)
        }
        Command::Man { out_dir } => {
            generate::man(out_dir.as_deref(), stdout)?;
            Ok(EXIT_CLEAN)
        }
    }
}

/// The human-readable printer as the output options shape it: coloured or
/// not, quiet, or replaced by the per-rule statistics.
fn human_printer<'a>(
    out: &'a mut (dyn Write + 'static),
    output: &OutputOptions,
    list_findings: bool,
    verb: &'static str,
) -> Box<dyn Printer + 'a> {
    if output.statistics {
        return Box::new(StatisticsPrinter::new(out));
    }
    let human = HumanPrinter::new(styled(out, output.colored()), list_findings, verb);
    if output.quiet {
        Box::new(QuietPrinter::new(human))
    } else {
        Box::new(human)
    }
}

/// `--exit-zero` turns "changes needed or findings" into success.
fn gate(code: u8, output: &OutputOptions) -> u8 {
    if code == EXIT_DIRTY {
        output.dirty_code()
    } else {
        code
    }
}

/// The arguments of `fettle records` but the common ones.
#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// JSONL files; `.gz` and `.zst` are read transparently.
    /// `-` or nothing: standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write the records to FILE (compressed if it ends in .gz or .zst)
    /// instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "check")]
    pub out: Option<PathBuf>,
    /// The field holding the text to clean (default: `[records] text-key`,
    /// else `text`).
    #[arg(long, value_name = "KEY")]
    pub text_key: Option<String>,
    /// The field added with counts per rule and findings (default:
    /// `[records] report-key`, else `fettle`).
    #[arg(long, value_name = "KEY")]
    pub report_key: Option<String>,
    /// Also list every edit in the report field, with its offsets in
    /// code points in the original and in the cleaned text.
    #[arg(long, conflicts_with = "check")]
    pub edits: bool,
    /// Change nothing: print what would change and the findings of each
    /// record with its line number; exit 1 if any, as `check` does.
    #[arg(long)]
    pub check: bool,
}

/// `fettle records`: the record profile of the configuration, keys from the
/// flags or `[records]`, records to stdout or `--out`, totals on stderr.
fn records(args: RecordsArgs, common: &Common) -> Result<u8> {
    use crate::records::{self, record::Cleaner, writer::Sink, Outputs};
    if common.encoding.is_some() || common.corpus_prior || common.max_file_size.is_some() {
        bail!("records are JSON, always UTF-8: --encoding, --corpus-prior and --max-file-size do not apply");
    }
    let (config, _) = crate::config::Config::load(common.config.as_deref())?;
    let config = config.for_records();
    let cleaner = Cleaner {
        text_key: args
            .text_key
            .unwrap_or_else(|| config.records.text_key.clone()),
        report_key: args
            .report_key
            .unwrap_or_else(|| config.records.report_key.clone()),
        config,
        with_edits: args.edits,
        output: !args.check,
    };
    if cleaner.text_key == cleaner.report_key {
        bail!(
            "the text key and the report key must differ (both `{}`)",
            cleaner.text_key
        );
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.paths
    };
    let mut file = match &args.out {
        Some(path) => Some(Sink::create(path)?),
        None => None,
    };
    let mut messages = io::stderr();
    let summary = match file.as_mut() {
        Some(sink) => records::run(
            &paths,
            &cleaner,
            args.check,
            Outputs {
                records: sink,
                messages: &mut messages,
            },
        )?,
        None => {
            let mut sink = Sink::stdout();
            let summary = records::run(
                &paths,
                &cleaner,
                args.check,
                Outputs {
                    records: &mut sink,
                    messages: &mut messages,
                },
            )?;
            sink.finish()?;
            summary
        }
    };
    if let Some(sink) = file {
        sink.finish()?;
    }
    eprintln!("fettle records: {summary}");
    Ok(if summary.has_errors() {
        EXIT_ERROR
    } else if args.check && (summary.changed > 0 || summary.failing_findings > 0) {
        EXIT_DIRTY
    } else {
        EXIT_CLEAN
    })
}

/// `check --baseline`: record, update, or compare and fail on regressions.
fn check_with_baseline(
    inputs: run::Inputs,
    options: &Options,
    printer: &mut dyn Printer,
    path: &std::path::Path,
    update: bool,
) -> Result<u8> {
    let known = if update || !path.exists() {
        None
    } else {
        Some(Baseline::load(path)?)
    };
    let recording = known.is_none();
    let mut filter = BaselinePrinter::new(printer, known);
    let summary = run::run(inputs, options, &mut filter)?;
    if summary.errors > 0 {
        return Ok(EXIT_ERROR);
    }
    let (files, issues) = filter.current.files.values().fold((0, 0), |(f, n), c| {
        (
            f + 1,
            n + c.edits.values().sum::<usize>()
                + c.findings.values().sum::<usize>()
                + usize::from(c.encoding.is_some()),
        )
    });
    if recording {
        filter.current.save(path)?;
        eprintln!(
            "fettle: wrote baseline {}: {issues} issues in {files} files recorded; later runs with --baseline fail only on new or worse ones",
            path.display()
        );
        return Ok(EXIT_CLEAN);
    }
    const SHOWN: usize = 50;
    if filter.regressions.is_empty() {
        eprintln!(
            "fettle: baseline {}: no new or worse issues ({issues} known issues in {files} files){}",
            path.display(),
            if filter.improved > 0 {
                format!(
                    "; {} improved, --update-baseline records that",
                    filter.improved
                )
            } else {
                String::new()
            }
        );
        Ok(EXIT_CLEAN)
    } else {
        eprintln!(
            "fettle: baseline {}: {} new or worse:",
            path.display(),
            filter.regressions.len()
        );
        for line in filter.regressions.iter().take(SHOWN) {
            eprintln!("  {line}");
        }
        if filter.regressions.len() > SHOWN {
            eprintln!("  … and {} more", filter.regressions.len() - SHOWN);
        }
        Ok(EXIT_DIRTY)
    }
}

fn check_exit(summary: &Summary) -> u8 {
    if summary.errors > 0 {
        EXIT_ERROR
    } else if summary.changed > 0 || summary.failing_findings() > 0 {
        EXIT_DIRTY
    } else {
        EXIT_CLEAN
    }
}

/// Create an output file, buffered.
fn create(path: &std::path::Path, what: &str) -> Result<io::BufWriter<std::fs::File>> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("{}: cannot create {what}", path.display()))?;
    Ok(io::BufWriter::new(file))
}

/// Send every report to several printers.
struct Tee<'a>(Vec<&'a mut dyn Printer>);

impl Printer for Tee<'_> {
    fn file(
        &mut self,
        report: &crate::report::FileReport,
        texts: Option<&crate::report::Texts>,
    ) -> io::Result<()> {
        self.0.iter_mut().try_for_each(|p| p.file(report, texts))
    }
    /// Printers that show only counts get the counts; if one printer
    /// reads the findings it gets the stream, if several, a copy each.
    fn corpus(&mut self, findings: crate::report::CorpusFindings) -> io::Result<()> {
        use crate::report::CorpusFindings;
        let counts = findings.counts().clone();
        let readers = self.0.iter().filter(|p| p.reads_corpus_findings()).count();
        let (mut stream, all) = if readers > 1 {
            (None, Some(findings.into_vec()?))
        } else {
            (Some(findings), None)
        };
        for p in &mut self.0 {
            let given = if !p.reads_corpus_findings() {
                CorpusFindings::counts_only(counts.clone())
            } else if let Some(all) = &all {
                CorpusFindings::from_vec(all.clone())
            } else {
                stream.take().expect("one reader")
            };
            p.corpus(given)?;
        }
        Ok(())
    }
    fn reads_corpus_findings(&self) -> bool {
        self.0.iter().any(|p| p.reads_corpus_findings())
    }
    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.0.iter_mut().try_for_each(|p| p.finish(summary))
    }
    fn wants_texts(&self) -> bool {
        self.0.iter().any(|p| p.wants_texts())
    }
    fn wants_edit_positions(&self) -> bool {
        self.0.iter().any(|p| p.wants_edit_positions())
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes() {
        assert_eq!(super::parse_size("1048576"), Ok(1 << 20));
        assert_eq!(super::parse_size("512K"), Ok(512 << 10));
        assert_eq!(super::parse_size("100MiB"), Ok(100 << 20));
        assert_eq!(super::parse_size("1g"), Ok(1 << 30));
        assert!(super::parse_size("1T").is_err());
        assert!(super::parse_size("M").is_err());
    }
}
