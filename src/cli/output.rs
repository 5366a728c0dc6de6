//! Where and how a command prints: the options every reporting command
//! shares (`-o`, `-q`, `--color`, `--statistics`, `--exit-zero`), in one
//! struct flattened into each of them.

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputOptions {
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print only the files that need attention (would change, have
    /// findings, or could not be read): no line per clean file, no totals.
    #[arg(short, long)]
    pub quiet: bool,
    /// Colour the human-readable output: `auto` when writing to a terminal
    /// (NO_COLOR and CLICOLOR_FORCE are honoured).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Print how many edits and findings each rule made, instead of a line
    /// per file.
    #[arg(long)]
    pub statistics: bool,
    /// Exit 0 even when files would change or have findings (errors still
    /// exit 2).
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl OutputOptions {
    /// The stream the report goes to: `--output-file`, or standard output.
    pub fn open(&self) -> Result<Sink> {
        Ok(match &self.output_file {
            Some(path) => Sink::File(io::BufWriter::new(
                std::fs::File::create(path).with_context(|| {
                    format!("{}: cannot create the output file", path.display())
                })?,
            )),
            None => Sink::Stdout(Stdout::new()),
        })
    }

    /// Should the human-readable output carry ANSI colours?
    pub fn colored(&self) -> bool {
        match self.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                self.output_file.is_none()
                    && anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }

    /// The exit code a dirty run gets: 1, or 0 with `--exit-zero`.
    pub fn dirty_code(&self) -> u8 {
        if self.exit_zero {
            super::EXIT_CLEAN
        } else {
            super::EXIT_DIRTY
        }
    }
}

/// Where the report goes.
pub enum Sink {
    Stdout(Stdout),
    File(io::BufWriter<std::fs::File>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::File(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.write_all(buf),
            Sink::File(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File(out) => out.flush(),
        }
    }
}

/// Standard output: line-buffered on a terminal, where someone watches the
/// files go by; block-buffered otherwise (a pipe, a file, a CI log), where
/// writing each file's line as it comes would be a system call per file.
pub enum Stdout {
    Terminal(io::StdoutLock<'static>),
    Other(io::BufWriter<io::StdoutLock<'static>>),
}

impl Stdout {
    pub fn new() -> Self {
        let stdout = io::stdout();
        if stdout.is_terminal() {
            Stdout::Terminal(stdout.lock())
        } else {
            Stdout::Other(io::BufWriter::with_capacity(64 << 10, stdout.lock()))
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stdout::Terminal(out) => out.write(buf),
            Stdout::Other(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stdout::Terminal(out) => out.write_all(buf),
            Stdout::Other(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stdout::Terminal(out) => out.flush(),
            Stdout::Other(out) => out.flush(),
        }
    }
}

/// The human-readable printer's stream: its ANSI styles kept, or stripped
/// by anstream when the output is not coloured.
pub fn styled<'a>(out: &'a mut (dyn Write + 'static), colored: bool) -> Box<dyn Write + 'a> {
    if colored {
        Box::new(out)
    } else {
        Box::new(anstream::StripStream::new(out))
    }
}
