//! Where the configuration comes from: `--config FILE`, else the nearest
//! `fettle.toml` or `.fettle.toml` from the working directory up to the
//! repository root, else the built-in defaults.

use super::{Config, FILE_NAMES};
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};

/// How the configuration file was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--config FILE`.
    Explicit,
    /// Found by walking up from the working directory.
    Discovered,
    /// No file: the built-in defaults.
    Defaults,
}

/// A configuration and where it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The file read, if any.
    pub path: Option<PathBuf>,
    pub origin: Origin,
    /// The file's own text, parsed but not merged with the defaults, so
    /// `fettle config` can tell the keys it sets from the defaults.
    pub table: toml::Table,
    /// The directory `[files] exclude` globs are relative to: the file's
    /// directory, or the working directory without a file.
    pub root: PathBuf,
}

impl Loaded {
    /// The configuration for a run started in the current directory.
    pub fn find(explicit: Option<&Path>) -> Result<Loaded> {
        let cwd = std::env::current_dir().context("cannot read the working directory")?;
        Loaded::find_from(explicit, &cwd)
    }

    /// The configuration for a run started in `cwd`.
    pub fn find_from(explicit: Option<&Path>, cwd: &Path) -> Result<Loaded> {
        let (path, origin) = match explicit {
            Some(p) => (Some(cwd.join(p)), Origin::Explicit),
            None => match discover(cwd) {
                Some(p) => (Some(p), Origin::Discovered),
                None => (None, Origin::Defaults),
            },
        };
        let Some(path) = path else {
            return Ok(Loaded {
                config: Config::default(),
                path: None,
                origin,
                table: toml::Table::new(),
                root: cwd.to_path_buf(),
            });
        };
        // As the user would write it: relative to the working directory
        // when the file is below it.
        let shown = match explicit {
            Some(p) => p.to_path_buf(),
            None => path.strip_prefix(cwd).unwrap_or(&path).to_path_buf(),
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read config", shown.display()))?;
        let config =
            Config::parse(&text).with_context(|| format!("{}: invalid config", shown.display()))?;
        let table = text.parse::<toml::Table>().unwrap_or_default();
        let root = path.parent().unwrap_or(cwd).to_path_buf();
        Ok(Loaded {
            config,
            path: Some(shown),
            origin,
            table,
            root,
        })
    }
}

/// The first `fettle.toml` or `.fettle.toml` in `start` or a directory
/// above it. The walk stops at the repository root (a directory holding
/// `.git`), so a configuration outside the repository never applies to it.
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn nearest_file_wins_and_the_walk_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let deep = repo.join("a/b");
        fs::create_dir_all(&deep).unwrap();
        fs::write(dir.path().join("fettle.toml"), "").unwrap();
        // Outside the repository: not seen once `.git` marks the root.
        fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(discover(&deep), None);
        fs::write(repo.join(".fettle.toml"), "").unwrap();
        assert_eq!(discover(&deep), Some(repo.join(".fettle.toml")));
        fs::write(repo.join("a/fettle.toml"), "").unwrap();
        assert_eq!(discover(&deep), Some(repo.join("a/fettle.toml")));
        // Both names in one directory: `fettle.toml` first.
        fs::write(repo.join("a/.fettle.toml"), "").unwrap();
        assert_eq!(discover(&deep), Some(repo.join("a/fettle.toml")));
    }

    #[test]
    fn the_root_of_excludes_is_the_files_directory() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        fs::create_dir_all(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("fettle.toml"), "[blank-lines]\nmax = 2\n").unwrap();
        let loaded = Loaded::find_from(None, &dir.path().join("sub")).unwrap();
        assert_eq!(loaded.origin, Origin::Discovered);
        assert_eq!(loaded.root, dir.path());
        assert_eq!(loaded.config.blank_lines.max, 2);
    }
}
