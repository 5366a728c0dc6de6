//! `[files] exclude`: paths fettle does not read.
//!
//! Globs are relative to the configuration file's directory, so a
//! configuration means the same files wherever fettle is started below it.
//! As in `[[overrides]]`, a glob with a `/` is matched against the whole
//! relative path (`*` stays within a directory, `**` crosses them); a glob
//! without one is matched against every component's name, so `drafts`
//! excludes any directory of that name and `*.md` any Markdown file.

use anyhow::{Context as _, Result};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Component, Path, PathBuf};

/// Compiled exclusion globs.
#[derive(Debug, Clone)]
pub struct Globs {
    /// Globs with a `/`, matched against the relative path.
    full: GlobSet,
    /// Globs without one, matched against each component.
    name: GlobSet,
}

impl Globs {
    pub fn new(patterns: &[String], table: &str) -> Result<Globs> {
        let mut full = GlobSetBuilder::new();
        let mut name = GlobSetBuilder::new();
        for pattern in patterns {
            let p = pattern.strip_prefix("./").unwrap_or(pattern);
            let p = p.strip_suffix('/').unwrap_or(p);
            let glob = GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .with_context(|| format!("bad glob `{pattern}` in {table}"))?;
            if p.contains('/') {
                full.add(glob);
            } else {
                name.add(glob);
            }
        }
        Ok(Globs {
            full: full.build()?,
            name: name.build()?,
        })
    }

    fn is_empty(&self) -> bool {
        self.full.is_empty() && self.name.is_empty()
    }
}

/// Which paths a run skips.
#[derive(Debug, Clone)]
pub struct Exclude {
    globs: Globs,
    /// The directory the globs are relative to.
    root: PathBuf,
    /// The working directory, to make relative paths absolute.
    cwd: PathBuf,
    /// Apply the globs to paths named on the command line too.
    force: bool,
    /// Files this run writes (`-o`, `--report`, `--html`), absolute: never
    /// read, or a run over `.` would read its own half-written report.
    outputs: Vec<PathBuf>,
}

impl Exclude {
    /// `None` when there is nothing to exclude.
    pub fn new(
        patterns: &[String],
        root: &Path,
        force: bool,
        outputs: &[&Path],
    ) -> Result<Option<Exclude>> {
        let globs = Globs::new(patterns, "[files] exclude")?;
        if globs.is_empty() && outputs.is_empty() {
            return Ok(None);
        }
        let cwd = std::env::current_dir().context("cannot read the working directory")?;
        Ok(Some(Exclude {
            globs,
            root: normalize(&cwd.join(root)),
            force,
            outputs: outputs.iter().map(|p| normalize(&cwd.join(p))).collect(),
            cwd,
        }))
    }

    /// Is this path, found by walking a directory, excluded?
    pub fn walked(&self, path: &Path) -> bool {
        let absolute = normalize(&self.cwd.join(path));
        if self.outputs.contains(&absolute) {
            return true;
        }
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        let text = relative.to_string_lossy();
        self.globs.full.is_match(text.as_ref())
            || relative
                .components()
                .any(|c| self.globs.name.is_match(c.as_os_str()))
    }

    /// Is this path, named on the command line, excluded? Only with
    /// `--force-exclude`: a file named explicitly is otherwise always read.
    pub fn named(&self, path: &Path) -> bool {
        (self.force && self.walked(path)) || self.outputs.contains(&normalize(&self.cwd.join(path)))
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system (the path may
/// not exist, and symbolic links should not move it out of the root).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exclude(patterns: &[&str], force: bool) -> Exclude {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let cwd = std::env::current_dir().unwrap();
        Exclude::new(&patterns, &cwd, force, &[]).unwrap().unwrap()
    }

    #[test]
    fn globs_with_a_slash_match_the_path_others_any_component() {
        let e = exclude(&["legacy/**", "*.md", "drafts"], false);
        assert!(e.walked(Path::new("legacy/a.txt")));
        assert!(e.walked(Path::new("./legacy/deep/a.txt")));
        assert!(
            !e.walked(Path::new("src/legacy/a.txt")),
            "anchored at the root"
        );
        assert!(e.walked(Path::new("notes/README.md")));
        assert!(e.walked(Path::new("book/drafts")));
        assert!(e.walked(Path::new("book/drafts/ch1.txt")));
        assert!(!e.walked(Path::new("book/ch1.txt")));
        assert!(!e.walked(Path::new("legacy.txt")));
    }

    #[test]
    fn named_paths_are_excluded_only_when_forced() {
        assert!(!exclude(&["*.md"], false).named(Path::new("a.md")));
        assert!(exclude(&["*.md"], true).named(Path::new("a.md")));
    }

    #[test]
    fn the_runs_own_output_files_are_never_read() {
        let e = Exclude::new(&[], Path::new("."), false, &[Path::new("out/report.json")])
            .unwrap()
            .unwrap();
        assert!(e.walked(Path::new("./out/report.json")));
        assert!(e.named(Path::new("out/report.json")));
        assert!(!e.walked(Path::new("out/other.json")));
    }

    #[test]
    fn absolute_paths_and_paths_outside_the_root() {
        let e = exclude(&["legacy/**"], false);
        let cwd = std::env::current_dir().unwrap();
        assert!(e.walked(&cwd.join("legacy/a.txt")));
        assert!(!e.walked(Path::new("/elsewhere/a.txt")));
    }

    #[test]
    fn bad_globs_are_errors() {
        assert!(Globs::new(&["a[".to_string()], "[files] exclude").is_err());
        assert!(Exclude::new(&[], Path::new("."), true, &[])
            .unwrap()
            .is_none());
    }
}
