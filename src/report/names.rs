//! File names as printed. A name may hold any byte but `/` and NUL: a
//! newline would break a line-per-file output, an escape sequence would
//! reach the terminal, and bytes that are not UTF-8 have no text. Printed
//! names escape them all; the JSON report keeps the exact bytes besides.

use std::fmt::Write as _;
use std::path::Path;

/// The name as printed: control characters as `\n`, `\t`, `\e`, `\x7f`...,
/// bytes that are not UTF-8 as `\xNN`, and `\` as `\\` (so that the
/// escapes read back unambiguously). Any other name prints as it is.
pub fn shown(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{1b}' => out.push_str("\\e"),
                c if c.is_control() || is_bidi_control(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// The name [`shown`] printed, read back: escapes become their characters
/// again, and each `\xNN` byte becomes U+FFFD. For rules that judge the
/// name itself (`file-names`), not its printed form.
pub fn unshown(shown: &str) -> String {
    let mut out = String::with_capacity(shown.len());
    let mut chars = shown.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('e') => out.push('\u{1b}'),
            Some('x') => {
                chars.next();
                chars.next();
                out.push('\u{FFFD}');
            }
            Some('u') => {
                let rest: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let c = u32::from_str_radix(&rest, 16).ok().and_then(char::from_u32);
                out.push(c.unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Characters that reorder what a terminal shows around them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The name's exact bytes, when [`shown`] is not the name itself.
pub fn exact_bytes(path: &Path, shown: &str) -> Option<Vec<u8>> {
    let bytes = path.as_os_str().as_encoded_bytes();
    (bytes != shown.as_bytes()).then(|| bytes.to_vec())
}

/// A relative path in its one spelling: `./s`, `s/./t` and `s//t` are
/// `s`, `s/t` and `s/t`, so that paths named differently still match (a
/// baseline recorded with `./s` and checked with `s`), and so that git,
/// which refuses `a/./s`, reads diff headers.
pub fn normalized(path: &str) -> String {
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// A name for a git diff header (`a/NAME`), quoted as git quotes it when it
/// holds a control character, `"`, `\`, or bytes that are not UTF-8:
/// `"a/new\nline"`, octal escapes for the rest.
pub fn git_header(prefix: &str, name: &[u8]) -> String {
    let needs_quotes = name
        .iter()
        .any(|&b| b < 0x20 || b == 0x7f || b == b'"' || b == b'\\')
        || std::str::from_utf8(name).is_err();
    if !needs_quotes {
        return format!("{prefix}{}", String::from_utf8_lossy(name));
    }
    let mut out = String::from("\"");
    out.push_str(prefix);
    for &b in name {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn names_are_escaped_and_their_bytes_kept() {
        let name = Path::new(OsStr::from_bytes(b"a\nb\x1b[31m\xff\\c\xc3\xa9.txt"));
        let s = shown(name);
        assert_eq!(s, "a\\nb\\e[31m\\xff\\\\cé.txt");
        assert_eq!(exact_bytes(name, &s).unwrap(), name.as_os_str().as_bytes());
        assert_eq!(unshown(&s), "a\nb\u{1b}[31m\u{FFFD}\\cé.txt");
        assert_eq!(unshown(&shown(Path::new("a\u{202e}b"))), "a\u{202e}b");
        assert_eq!(shown(Path::new("dir/é.txt")), "dir/é.txt");
        assert_eq!(exact_bytes(Path::new("dir/é.txt"), "dir/é.txt"), None);
    }

    #[test]
    fn paths_have_one_spelling() {
        assert_eq!(normalized("./s"), "s");
        assert_eq!(normalized("././a//b/./c.txt"), "a/b/c.txt");
        assert_eq!(normalized("/abs/./x"), "/abs/x");
        assert_eq!(normalized("./"), ".");
        assert_eq!(normalized("../up"), "../up");
    }

    #[test]
    fn git_headers_are_quoted_like_git() {
        assert_eq!(git_header("a/", b"plain.txt"), "a/plain.txt");
        assert_eq!(git_header("a/", "é.txt".as_bytes()), "a/é.txt");
        assert_eq!(git_header("b/", b"x\ny\xff\"z"), "\"b/x\\ny\\377\\\"z\"");
    }
}
