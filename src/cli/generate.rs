//! `fettle completions SHELL` and `fettle man`: generated from the clap
//! definition, so they never fall behind the flags.

use anyhow::{Context as _, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// The completion script for `shell`, on `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut command = super::Cli::command();
    clap_complete::generate(shell, &mut command, "fettle", out);
    Ok(())
}

/// The man page `fettle(1)` on `out`, or with `dir` one page per command
/// written there (`fettle.1`, `fettle-check.1`, ...).
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    let command = super::Cli::command();
    match dir {
        None => clap_mangen::Man::new(command).render(out)?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("{}: cannot write the man pages", dir.display()))?;
        }
    }
    Ok(())
}
