//! Severities, per-path overrides and inline suppression: the one place where
//! findings are re-graded or dropped after the rules ran. Rules report with
//! their default severity and know nothing of this; `crate::run` passes every
//! finding, per-file and corpus, through [`Policy`].
//!
//! Order, for a finding of rule R on path P:
//! 1. the rule's default severity;
//! 2. `[severity] R = …` in `fettle.toml`;
//! 3. each `[[overrides]]` whose `paths` match P, in order: `ignore = [R]`
//!    drops the finding, `severity = { R = … }` re-grades it;
//! 4. a `fettle: ignore-file` / `fettle: ignore-file[R]` marker anywhere in
//!    the file, or a `fettle: ignore` / `fettle: ignore[R]` marker on the line
//!    where the finding starts, drops it.
//!
//! `off` at any step drops the finding. Markers are matched in the decoded
//! input, so a marker works whatever the normalize rules later change.
//! Unknown rule ids in markers are ignored (a marker is text, not config).

use crate::config::{Config, Level};
use crate::finding::Severity;
use anyhow::{Context as _, Result};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use std::sync::LazyLock;

/// The compiled policy of a configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    global: Vec<(String, Level)>,
    overrides: Vec<Compiled>,
}

#[derive(Debug, Clone)]
struct Compiled {
    /// Globs matched against the whole path.
    full: GlobSet,
    /// Globs without `/`, matched against the file name.
    name: GlobSet,
    ignore: Vec<String>,
    severity: Vec<(String, Level)>,
}

fn glob(pattern: &str) -> Result<Glob> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .with_context(|| format!("bad glob `{pattern}` in [[overrides]]"))
}

impl Policy {
    pub fn new(config: &Config) -> Result<Policy> {
        let mut overrides = Vec::new();
        for o in &config.overrides {
            let mut full = GlobSetBuilder::new();
            let mut name = GlobSetBuilder::new();
            for p in &o.paths {
                let p = p.strip_prefix("./").unwrap_or(p);
                if p.contains('/') {
                    full.add(glob(p)?);
                } else {
                    name.add(glob(p)?);
                }
            }
            overrides.push(Compiled {
                full: full.build()?,
                name: name.build()?,
                ignore: o.ignore.clone(),
                severity: o.severity.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            });
        }
        Ok(Policy {
            global: config
                .severity
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            overrides,
        })
    }

    /// The rules of this policy that apply to `path`.
    pub fn for_path(&self, path: &str) -> PathPolicy {
        let path = path.strip_prefix("./").unwrap_or(path);
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let mut levels = self.global.clone();
        for o in &self.overrides {
            if o.full.is_match(path) || o.name.is_match(file_name) {
                levels.extend(o.ignore.iter().map(|r| (r.clone(), Level::Off)));
                levels.extend(o.severity.iter().cloned());
            }
        }
        PathPolicy { levels }
    }
}

/// The effective severities for one path: later entries win.
#[derive(Debug, Clone, Default)]
pub struct PathPolicy {
    levels: Vec<(String, Level)>,
}

impl PathPolicy {
    /// The severity a finding of `rule` gets, or `None` when it is dropped.
    pub fn grade(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.levels.iter().rev().find(|(r, _)| r == rule) {
            Some((_, level)) => level.severity(),
            None => Some(default),
        }
    }
}

/// Which rules a marker names: all of them, or a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSet {
    pub all: bool,
    pub rules: Vec<String>,
}

impl RuleSet {
    pub fn contains(&self, rule: &str) -> bool {
        self.all || self.rules.iter().any(|r| r == rule)
    }
    pub fn is_empty(&self) -> bool {
        !self.all && self.rules.is_empty()
    }
    fn add(&mut self, list: Option<&str>) {
        match list {
            None => self.all = true,
            Some(list) => self.rules.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(String::from),
            ),
        }
    }
}

/// The suppression markers found in one file's text.
#[derive(Debug, Clone, Default)]
pub struct Markers {
    /// `fettle: ignore-file[…]`: for the whole file, corpus findings too.
    pub file: RuleSet,
    /// `fettle: ignore[…]`: byte range of the line (newline included) and its rules.
    lines: Vec<(std::ops::Range<usize>, RuleSet)>,
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"fettle:[ \t]*ignore(-file)?(?:\[([^\]\n]*)\])?").expect("marker regex")
});

impl Markers {
    /// Markers that silence only what a file-wide marker names.
    pub fn file_only(file: RuleSet) -> Markers {
        Markers {
            file,
            lines: Vec::new(),
        }
    }

    pub fn scan(text: &str) -> Markers {
        let mut markers = Markers::default();
        if memchr::memmem::find(text.as_bytes(), b"fettle:").is_none() {
            return markers;
        }
        for caps in MARKER.captures_iter(text) {
            let m = caps.get(0).expect("whole match");
            let list = caps.get(2).map(|l| l.as_str());
            if caps.get(1).is_some() {
                markers.file.add(list);
                continue;
            }
            let start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
            let end = text[m.end()..]
                .find('\n')
                .map_or(text.len(), |i| m.end() + i + 1);
            let mut set = RuleSet::default();
            set.add(list);
            markers.lines.push((start..end, set));
        }
        markers
    }

    /// Is a finding of `rule` starting at byte `offset` silenced?
    pub fn silences(&self, rule: &str, offset: Option<usize>) -> bool {
        self.file.contains(rule)
            || offset.is_some_and(|at| {
                self.lines
                    .iter()
                    .any(|(range, set)| range.contains(&at) && set.contains(rule))
            })
    }
}

/// Re-grade or drop one finding: `None` drops it.
pub fn judge(
    path: &PathPolicy,
    markers: &Markers,
    rule: &str,
    default: Severity,
    offset: Option<usize>,
) -> Option<Severity> {
    if markers.silences(rule, offset) {
        return None;
    }
    path.grade(rule, default)
}

/// Apply the policy to a file's findings (positions in `text`, the decoded
/// input). Returns the file's markers, which corpus findings need later.
pub fn apply_file(
    policy: &PathPolicy,
    text: &str,
    findings: &mut Vec<crate::finding::Finding>,
) -> Markers {
    let markers = Markers::scan(text);
    findings.retain_mut(
        |f| match judge(policy, &markers, f.rule, f.severity, Some(f.start)) {
            Some(s) => {
                f.severity = s;
                true
            }
            None => false,
        },
    );
    markers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_by_line_and_file() {
        let text = "one\ntwo fettle: ignore[long-lines, x]\nthree fettle: ignore\n";
        let m = Markers::scan(text);
        assert!(m.file.is_empty());
        assert!(m.silences("long-lines", Some(5)));
        assert!(m.silences("x", Some(4)));
        assert!(!m.silences("y", Some(5)));
        assert!(!m.silences("long-lines", Some(1)));
        assert!(m.silences("anything", Some(text.len() - 2)));
        let f = Markers::scan("a\n[fettle: ignore-file[trailing-note]]\n");
        assert!(f.silences("trailing-note", None));
        assert!(!f.silences("long-lines", Some(0)));
    }

    #[test]
    fn overrides_apply_in_order() {
        let config = Config::parse(
            r#"
[severity]
long-lines = "error"
[[overrides]]
paths = ["legacy/**"]
ignore = ["replacement-char"]
[[overrides]]
paths = ["*.md"]
severity = { long-lines = "info" }
"#,
        )
        .unwrap();
        let p = Policy::new(&config).unwrap();
        let legacy = p.for_path("./legacy/a/b.txt");
        assert_eq!(legacy.grade("replacement-char", Severity::Warning), None);
        assert_eq!(
            legacy.grade("long-lines", Severity::Warning),
            Some(Severity::Error)
        );
        let md = p.for_path("docs/x.md");
        assert_eq!(
            md.grade("long-lines", Severity::Warning),
            Some(Severity::Info)
        );
        assert_eq!(
            md.grade("replacement-char", Severity::Warning),
            Some(Severity::Warning)
        );
    }
}
