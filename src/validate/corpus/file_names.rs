use super::{CorpusFinding, CorpusRule, Files, FindingCollector};
use crate::config::Config;
use std::io;

crate::declare_rule! {
    /// ## What it does
    /// Reports paths that will not survive another operating system or tool: a
    /// name that is not valid UTF-8; a component with a character Windows forbids
    /// (`< > : " \ | ? *`, control characters), ending in a space or a dot, or a
    /// reserved device name (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`,
    /// `LPT1`–`LPT9`, also with an extension: `aux.txt`); a component longer
    /// than 255 bytes. Components given on the command line as `.`/`..` are
    /// not checked.
    ///
    /// ## Why
    /// A corpus is unpacked on machines other than the one it was built on: a
    /// name Windows cannot create makes the whole archive fail to extract there,
    /// and a non-UTF-8 name breaks JSON manifests and most tools.
    ///
    /// ## Example
    /// `notes/what?.txt` → `file-names: "what?.txt" has a character Windows
    /// forbids: ?`.
    ///
    /// ## Fix safety
    /// Reports only.
    pub struct FileNames {
        id: "file-names",
        stage: Corpus,
        summary: "file names that are not UTF-8 or not portable (Windows-illegal, reserved)",
        default_enabled: true,
    }
}

const RESERVED: &[&str] = &["CON", "PRN", "AUX", "NUL"];

fn reserved(component: &str) -> bool {
    let stem = component.split('.').next().unwrap_or("").trim_end();
    let upper = stem.to_ascii_uppercase();
    RESERVED.contains(&upper.as_str())
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && matches!(upper.as_bytes()[3], b'1'..=b'9'))
}

/// What is wrong with one path component, if anything.
pub fn problems(component: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bad: String = component
        .chars()
        .filter(|&c| matches!(c, '<' | '>' | ':' | '"' | '\\' | '|' | '?' | '*') || c < ' ')
        .flat_map(|c| {
            if c < ' ' {
                format!("U+{:04X}", c as u32).chars().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if !bad.is_empty() {
        found.push(format!(
            "\"{component}\" has characters Windows forbids: {bad}"
        ));
    }
    if component.ends_with(' ') || component.ends_with('.') {
        found.push(format!(
            "\"{component}\" ends in a space or dot, which Windows drops"
        ));
    }
    if reserved(component) {
        found.push(format!(
            "\"{component}\" is a reserved device name on Windows"
        ));
    }
    if component.len() > 255 {
        found.push(format!(
            "\"{component}\" is {} bytes long, over the usual limit of 255",
            component.len()
        ));
    }
    found
}

impl CorpusRule for FileNames {
    fn run(&self, files: &Files, _config: &Config, out: &mut FindingCollector) -> io::Result<()> {
        for f in files.iter() {
            let (_, f) = f?;
            let mut found = Vec::new();
            if !f.path_is_utf8 {
                found.push(
                    "the path is not valid UTF-8 (its other bytes shown as \\xNN)".to_string(),
                );
            }
            // Judge the name, not its printed form (which escapes `\`,
            // control characters and bytes that are not UTF-8).
            let name = crate::report::names::unshown(&f.path);
            for component in name.split('/') {
                if matches!(component, "" | "." | "..") {
                    continue;
                }
                found.extend(problems(component));
            }
            if !found.is_empty() {
                out.push(CorpusFinding::warning(
                    &f,
                    &INFO,
                    found.join("; "),
                    Vec::new(),
                ))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_problems() {
        assert!(problems("story.txt").is_empty());
        assert!(problems("a?b.txt")[0].contains('?'));
        assert!(problems("aux.txt")[0].contains("reserved"));
        assert!(problems("COM3")[0].contains("reserved"));
        assert!(problems("COM0").is_empty());
        assert!(problems("console.txt").is_empty());
        assert!(problems("end.")[0].contains("dot"));
        assert!(problems("tab\there")[0].contains("U+0009"));
    }
}
