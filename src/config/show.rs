//! `fettle config`: the effective configuration as TOML, each key annotated
//! with where its value came from (the file, the command line, or the
//! built-in default), as `ruff check --show-settings` does.

use super::{Loaded, Origin};
use std::fmt::Write as _;
use toml::Value;

/// A key set on the command line (`decode.encoding` for `--encoding`), with
/// the flag that set it.
pub struct FromCommandLine {
    pub key: &'static str,
    pub flag: &'static str,
}

impl Loaded {
    /// The configuration as TOML that `--config` would read back, each key
    /// followed by a comment naming its source.
    pub fn show(&self, command_line: &[FromCommandLine]) -> String {
        let mut out = String::new();
        let file = self.path.as_ref().map(|p| p.display().to_string());
        match (&self.origin, &file) {
            (Origin::Explicit, Some(f)) => writeln!(out, "# configuration file: {f} (--config)"),
            (Origin::Discovered, Some(f)) => writeln!(out, "# configuration file: {f}"),
            _ => writeln!(
                out,
                "# no configuration file (fettle.toml or .fettle.toml from here up to the repository root): built-in defaults"
            ),
        }
        .unwrap();
        let source = |path: &[&str]| -> String {
            let dotted = path.join(".");
            if let Some(c) = command_line.iter().find(|c| c.key == dotted) {
                return c.flag.to_string();
            }
            let mut at = Some(&self.table);
            for (i, key) in path.iter().enumerate() {
                match at.and_then(|t| t.get(*key)) {
                    Some(Value::Table(t)) if i + 1 < path.len() => at = Some(t),
                    Some(_) if i + 1 == path.len() => return file.clone().unwrap_or_default(),
                    _ => break,
                }
            }
            "default".to_string()
        };
        let mut effective = match Value::try_from(&self.config) {
            Ok(Value::Table(t)) => t,
            _ => unreachable!("a configuration serializes to a table"),
        };
        // Every rule with its state, not only the ones the file names.
        let rules: toml::Table = crate::rules::infos()
            .map(|info| {
                (
                    info.id.to_string(),
                    Value::Boolean(self.config.enabled(info)),
                )
            })
            .collect();
        effective.insert("rules".to_string(), Value::Table(rules));
        for (section, value) in &effective {
            match value {
                Value::Table(table) => {
                    writeln!(out, "\n[{section}]").unwrap();
                    if table.is_empty() {
                        writeln!(out, "# (nothing set)").unwrap();
                    }
                    for (key, value) in table {
                        let line = format!("{key} = {}", inline(value));
                        writeln!(out, "{line:<40} # {}", source(&[section, key])).unwrap();
                    }
                }
                Value::Array(items) => {
                    if items.is_empty() {
                        writeln!(out, "\n# [[{section}]]: none").unwrap();
                    }
                    for item in items {
                        writeln!(out, "\n[[{section}]]  # {}", source(&[section])).unwrap();
                        if let Value::Table(table) = item {
                            for (key, value) in table {
                                writeln!(out, "{key} = {}", inline(value)).unwrap();
                            }
                        }
                    }
                }
                other => writeln!(
                    out,
                    "{section} = {}  # {}",
                    inline(other),
                    source(&[section])
                )
                .unwrap(),
            }
        }
        out
    }
}

/// A value on one line: tables inline.
fn inline(value: &Value) -> String {
    match value {
        Value::Table(t) => {
            let fields: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect();
            if fields.is_empty() {
                "{}".to_string()
            } else {
                format!("{{ {} }}", fields.join(", "))
            }
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_what_it_reads_back_and_the_source_of_each_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(
            dir.path().join(".fettle.toml"),
            "[blank-lines]\nmax = 2\n[rules]\nscene-breaks = false\n[files]\nexclude = [\"a/**\"]\n[[overrides]]\npaths = [\"*.md\"]\nignore = [\"long-lines\"]\n",
        )
        .unwrap();
        let loaded = Loaded::find_from(None, dir.path()).unwrap();
        let shown = loaded.show(&[FromCommandLine {
            key: "decode.corpus-prior",
            flag: "--corpus-prior",
        }]);
        let file = ".fettle.toml"; // found in the working directory: shown relative
        let line = |start: &str| {
            shown
                .lines()
                .find(|l| l.starts_with(start))
                .unwrap_or_else(|| panic!("no `{start}` in\n{shown}"))
                .to_string()
        };
        assert!(line("max = 2").ends_with(&format!("# {file}")), "{shown}");
        assert!(line("scene-breaks = false").ends_with(&format!("# {file}")));
        assert!(line("nfc = true").ends_with("# default"));
        assert!(line("corpus-prior = ").ends_with("# --corpus-prior"));
        assert!(line("exclude = [\"a/**\"]").ends_with(&format!("# {file}")));
        // Without the comments it is a configuration that reads back.
        let reread = crate::config::Config::parse(&shown).unwrap();
        assert_eq!(reread.blank_lines.max, 2);
        assert_eq!(reread.overrides.len(), 1);
        assert_eq!(reread.files.exclude, ["a/**"]);
    }
}
