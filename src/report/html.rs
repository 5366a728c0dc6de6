//! `fettle review PATH… --html FILE` and `clean --html FILE`: one
//! self-contained HTML page for reviewing a cleanup.
//!
//! Per file that would change: its encoding, the findings (with the text
//! around each, invisible characters shown), and a line diff whose changed
//! characters are highlighted and whose invisible characters (no-break and
//! other special spaces, zero-width characters, CR, BOM, U+FFFD, controls,
//! combining marks) are drawn as labelled badges. Each diff hunk lists the
//! edits that produced it with rule and confidence; check boxes filter hunks
//! and findings by rule and confidence, and the totals follow the filter. The
//! filter can also be set from the address: `page.html#conf=guess,likely`,
//! `#rule=nbsp-spacing`.
//!
//! The page has inline CSS and JavaScript only and a Content-Security-Policy
//! of `default-src 'none'`: it fetches nothing when viewed.

use super::helpers::{encoding_change, is_damage};
use super::{CorpusFindings, EditRecord, FileReport, Printer, Status, Summary, Texts};
use crate::edit::Confidence;
use similar::{Algorithm, ChangeTag, DiffOp, DiffTag, TextDiff};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::{Duration, Instant};

/// Lines of context around each change.
const CONTEXT: usize = 3;
/// Diff rows rendered per file; later hunks list their edits only.
const ROWS_PER_FILE: usize = 5000;
/// Edits listed per hunk; the rest are counted per rule and confidence.
const EDITS_PER_HUNK: usize = 20;
/// Findings listed per file; the rest are counted per rule.
const FINDINGS_PER_FILE: usize = 200;
/// Characters of context on each side of a finding.
const FINDING_CONTEXT: usize = 40;
/// Above this many bytes, a block of changed lines is not diffed by character.
const INLINE_LIMIT: usize = 100_000;
/// Once the files' sections reach this many bytes, the files after are
/// left out of the page (and named in a note): a browser cannot open a page
/// of hundreds of megabytes.
const PAGE_LIMIT: usize = 32 << 20;
/// Files left out that the note names.
const LEFT_OUT_NAMED: usize = 50;

pub struct HtmlPrinter<W: Write> {
    out: W,
    title: String,
    body: String,
    by_rule: BTreeMap<&'static str, (usize, usize)>,
    by_confidence: BTreeMap<Confidence, usize>,
    shown_files: usize,
    encoding_files: usize,
    /// Files not rendered because the page reached [`PAGE_LIMIT`].
    left_out: usize,
    left_out_names: Vec<String>,
    page_limit: usize,
}

impl<W: Write> HtmlPrinter<W> {
    pub fn new(out: W, title: impl Into<String>) -> Self {
        HtmlPrinter {
            out,
            title: title.into(),
            body: String::new(),
            by_rule: BTreeMap::new(),
            by_confidence: BTreeMap::new(),
            shown_files: 0,
            encoding_files: 0,
            left_out: 0,
            left_out_names: Vec::new(),
            page_limit: PAGE_LIMIT,
        }
    }

    /// Leave files out once the page holds `bytes` of them (default 32 MiB).
    pub fn with_page_limit(mut self, bytes: usize) -> Self {
        self.page_limit = bytes;
        self
    }
}

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The badge label and name of a character that would otherwise be invisible
/// or look like another one.
pub fn badge(c: char) -> Option<(String, &'static str)> {
    let named = |label: &str, name: &'static str| Some((label.to_string(), name));
    match c {
        '\r' => named("CR", "CARRIAGE RETURN"),
        '\u{a0}' => named("NBSP", "NO-BREAK SPACE"),
        '\u{202f}' => named("NNBSP", "NARROW NO-BREAK SPACE"),
        '\u{2007}' => named("FIGSP", "FIGURE SPACE"),
        '\u{2009}' => named("THINSP", "THIN SPACE"),
        '\u{200a}' => named("HAIRSP", "HAIR SPACE"),
        '\u{3000}' => named("IDSP", "IDEOGRAPHIC SPACE"),
        '\u{200b}' => named("ZWSP", "ZERO WIDTH SPACE"),
        '\u{200c}' => named("ZWNJ", "ZERO WIDTH NON-JOINER"),
        '\u{200d}' => named("ZWJ", "ZERO WIDTH JOINER"),
        '\u{2060}' => named("WJ", "WORD JOINER"),
        '\u{feff}' => named("BOM", "ZERO WIDTH NO-BREAK SPACE (byte-order mark)"),
        '\u{ad}' => named("SHY", "SOFT HYPHEN"),
        '\u{200e}' => named("LRM", "LEFT-TO-RIGHT MARK"),
        '\u{200f}' => named("RLM", "RIGHT-TO-LEFT MARK"),
        '\u{85}' => named("NEL", "NEXT LINE"),
        '\u{2028}' => named("LSEP", "LINE SEPARATOR"),
        '\u{2029}' => named("PSEP", "PARAGRAPH SEPARATOR"),
        '\u{fffd}' => named("U+FFFD", "REPLACEMENT CHARACTER: a character was lost"),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some((
            format!("U+{:04X}", c as u32),
            "bidirectional formatting character",
        )),
        '\t' | '\n' | ' ' => None,
        c if c.is_control() => Some((format!("U+{:04X}", c as u32), "control character")),
        c if c.is_whitespace() => Some((format!("U+{:04X}", c as u32), "special space")),
        '\u{2061}'..='\u{2064}' | '\u{180e}' => {
            Some((format!("U+{:04X}", c as u32), "invisible character"))
        }
        '\u{300}'..='\u{36f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}' => Some((format!("U+{:04X}", c as u32), "combining mark")),
        _ => None,
    }
}

/// Render text with invisible characters as badges. A `\n` is drawn as an
/// `LF` badge only when `newline` is set (inside changed text).
fn render_text(out: &mut String, text: &str, newline: bool) {
    render_text_with(out, text, newline, false)
}

/// [`render_text`], optionally drawing spaces as `␣`.
fn render_text_with(out: &mut String, text: &str, newline: bool, spaces: bool) {
    for c in text.chars() {
        if c == ' ' && spaces {
            out.push_str("<span class=\"sp\" title=\"SPACE\">␣</span>");
            continue;
        }
        if c == '\n' {
            if newline {
                out.push_str(
                    "<span class=\"inv\" data-char=\"U+000A\" title=\"LINE FEED\">LF</span>",
                );
            }
            continue;
        }
        match badge(c) {
            Some((label, name)) => {
                let class = if c == '\u{fffd}' { "inv lost" } else { "inv" };
                let _ = write!(
                    out,
                    "<span class=\"{class}\" data-char=\"U+{:04X}\" title=\"U+{:04X} {}\">{}</span>",
                    c as u32,
                    c as u32,
                    escape(name),
                    escape(&label)
                );
            }
            None => match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            },
        }
    }
}

/// One side of a diff line: (changed, text) segments.
type Segments = Vec<(bool, String)>;

fn render_segments(segments: &Segments) -> String {
    let mut out = String::new();
    for (changed, text) in segments {
        if *changed {
            out.push_str("<mark>");
            render_text(&mut out, text, true);
            out.push_str("</mark>");
        } else {
            render_text(&mut out, text, false);
        }
    }
    out
}

/// Split a char-level diff of two blocks into per-line segments for each side.
fn inline_lines(old: &str, new: &str) -> (Vec<Segments>, Vec<Segments>) {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .deadline(Instant::now() + Duration::from_secs(2))
        .diff_chars(old, new);
    let mut olds: Vec<Segments> = vec![Vec::new()];
    let mut news: Vec<Segments> = vec![Vec::new()];
    fn push(lines: &mut Vec<Segments>, changed: bool, text: &str) {
        for piece in text.split_inclusive('\n') {
            let line = lines.last_mut().expect("never empty");
            match line.last_mut() {
                Some((c, t)) if *c == changed => t.push_str(piece),
                _ => line.push((changed, piece.to_string())),
            }
            if piece.ends_with('\n') {
                lines.push(Vec::new());
            }
        }
    }
    for change in diff.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut olds, false, value);
                push(&mut news, false, value);
            }
            ChangeTag::Delete => push(&mut olds, true, value),
            ChangeTag::Insert => push(&mut news, true, value),
        }
    }
    for lines in [&mut olds, &mut news] {
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
    }
    (olds, news)
}

fn whole(lines: &[&str], changed: bool) -> Vec<Segments> {
    lines
        .iter()
        .map(|l| vec![(changed, l.to_string())])
        .collect()
}

/// Rows of a diff table.
struct Rows<'a> {
    html: &'a mut String,
    count: usize,
    /// Rows this table may still have; rows past it are only counted.
    budget: usize,
    skipped: usize,
    in_body: bool,
    /// The hunk's edits, and byte offsets of the input's lines.
    edits: Vec<&'a EditRecord>,
    offsets: &'a [usize],
}

impl Rows<'_> {
    /// Open a `<tbody>` for changed rows of input lines `lines`, naming the
    /// edits there as `rule:confidence` pairs, for the filter.
    fn full(&self) -> bool {
        self.count >= self.budget
    }
    fn open_plain(&mut self) {
        if !self.full() {
            self.html.push_str("<tbody>\n");
            self.in_body = true;
        }
    }
    fn open(&mut self, lines: std::ops::Range<usize>) {
        if self.full() {
            return;
        }
        self.in_body = true;
        let (a, b) = (self.offsets[lines.start], self.offsets[lines.end]);
        let mut tags: Vec<String> = Vec::new();
        // Edits are sorted and do not overlap, so their ends are sorted too.
        let first = self.edits.partition_point(|e| e.end < a);
        for e in self.edits[first..].iter().take_while(|e| e.start <= b) {
            let inside =
                (e.start < b && e.end > a) || (e.start == e.end && a <= e.start && e.start <= b);
            if inside {
                for rule in e.merged.iter().chain([&e.rule]) {
                    let tag = format!("{rule}:{}", e.confidence.as_str());
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
            }
        }
        let _ = writeln!(
            self.html,
            "<tbody class=\"change\" data-edits=\"{}\">",
            escape(&tags.join(" "))
        );
    }
    fn close(&mut self) {
        if std::mem::take(&mut self.in_body) {
            self.html.push_str("</tbody>\n");
        }
    }

    fn row(&mut self, class: &str, old: Option<usize>, new: Option<usize>, content: &str) {
        if self.full() || !self.in_body {
            self.skipped += 1;
            return;
        }
        let num = |n: Option<usize>| n.map_or(String::new(), |n| (n + 1).to_string());
        let sign = match class {
            "del" => "-",
            "ins" => "+",
            _ => " ",
        };
        let _ = writeln!(
            self.html,
            "<tr class=\"{class}\"><td class=\"ln\">{}</td><td class=\"ln\">{}</td><td class=\"sign\">{sign}</td><td class=\"code\">{content}</td></tr>",
            num(old),
            num(new)
        );
        self.count += 1;
    }
}

/// Lines of `text`, each with its terminator (LF, CRLF or a lone CR).
fn lines_of(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            lines.push(&text[start..i + 1]);
            start = i + 1;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// A line without its terminator: what the line diff compares, so that a
/// change of line ending shows as one changed line, not as the whole file.
fn key(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// Line-diff ops between two texts: lines matched by content; matched lines
/// whose terminators differ become one-to-one replacements.
fn line_ops(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    let old_keys: Vec<&str> = old.iter().map(|l| key(l)).collect();
    let new_keys: Vec<&str> = new.iter().map(|l| key(l)).collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut ops = Vec::new();
    for op in similar::capture_diff_slices_deadline(
        Algorithm::Myers,
        &old_keys,
        &new_keys,
        Some(deadline),
    ) {
        let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        else {
            ops.push(op);
            continue;
        };
        // Split the run where the full lines differ.
        let mut i = 0;
        while i < len {
            let same = old[old_index + i] == new[new_index + i];
            let mut j = i + 1;
            while j < len && (old[old_index + j] == new[new_index + j]) == same {
                j += 1;
            }
            ops.push(if same {
                DiffOp::Equal {
                    old_index: old_index + i,
                    new_index: new_index + i,
                    len: j - i,
                }
            } else {
                DiffOp::Replace {
                    old_index: old_index + i,
                    old_len: j - i,
                    new_index: new_index + i,
                    new_len: j - i,
                }
            });
            i = j;
        }
    }
    merge_changes(ops)
}

/// A line diff may pair a changed block badly: lines inserted in one place,
/// their old versions deleted a few lines later, with blank lines matched in
/// between (a blank-line run collapsed next to a changed paragraph does that).
/// Fold every run of several non-equal ops that holds an unpaired one (an
/// insertion, a deletion, or a replacement of N lines by M) into one
/// replacement, so the old and new lines are shown, and highlighted, against
/// each other. Runs of one-to-one replacements stay as they are.
fn merge_changes(ops: Vec<DiffOp>) -> Vec<DiffOp> {
    let mut merged: Vec<DiffOp> = Vec::with_capacity(ops.len());
    let mut i = 0;
    while i < ops.len() {
        if ops[i].tag() == DiffTag::Equal {
            merged.push(ops[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < ops.len() && ops[j].tag() != DiffTag::Equal {
            j += 1;
        }
        let run = &ops[i..j];
        let unpaired = |op: &DiffOp| op.old_range().len() != op.new_range().len();
        if run.len() > 1 && run.iter().any(unpaired) {
            let old_index = run.iter().map(|op| op.old_range().start).min().unwrap_or(0);
            let old_end = run.iter().map(|op| op.old_range().end).max().unwrap_or(0);
            let new_index = run.iter().map(|op| op.new_range().start).min().unwrap_or(0);
            let new_end = run.iter().map(|op| op.new_range().end).max().unwrap_or(0);
            merged.push(DiffOp::Replace {
                old_index,
                old_len: old_end - old_index,
                new_index,
                new_len: new_end - new_index,
            });
        } else {
            merged.extend_from_slice(run);
        }
        i = j;
    }
    merged
}

fn render_op(rows: &mut Rows, op: &DiffOp, old_lines: &[&str], new_lines: &[&str]) {
    let (tag, old_range, new_range) = op.as_tag_tuple();
    let olds = &old_lines[old_range.clone()];
    let news = &new_lines[new_range.clone()];
    if tag == DiffTag::Equal {
        rows.open_plain();
        for (i, line) in olds.iter().enumerate() {
            let content = render_segments(&vec![(false, line.to_string())]);
            rows.row(
                "ctx",
                Some(old_range.start + i),
                Some(new_range.start + i),
                &content,
            );
        }
        rows.close();
        return;
    }
    if olds.len() == news.len() {
        // One to one: each old line right above its new line.
        for (i, (a, b)) in olds.iter().zip(news).enumerate() {
            if rows.full() {
                rows.skipped += 2;
                continue;
            }
            let (mut x, mut y) = inline_lines(a, b);
            let x = x.pop().unwrap_or_default();
            let y = y.pop().unwrap_or_default();
            let line = old_range.start + i;
            rows.open(line..line + 1);
            rows.row("del", Some(line), None, &render_segments(&x));
            rows.row("ins", None, Some(new_range.start + i), &render_segments(&y));
            rows.close();
        }
        return;
    }
    if rows.full() {
        rows.skipped += olds.len() + news.len();
        return;
    }
    let old: String = olds.concat();
    let new: String = news.concat();
    let (old_segs, new_segs) =
        if old.len() + new.len() <= INLINE_LIMIT && !old.is_empty() && !new.is_empty() {
            inline_lines(&old, &new)
        } else {
            (whole(olds, true), whole(news, true))
        };
    rows.open(old_range.clone());
    for (i, segs) in old_segs.iter().enumerate() {
        rows.row(
            "del",
            Some(old_range.start + i),
            None,
            &render_segments(segs),
        );
    }
    for (i, segs) in new_segs.iter().enumerate() {
        rows.row(
            "ins",
            None,
            Some(new_range.start + i),
            &render_segments(segs),
        );
    }
    rows.close();
}

fn edit_item(html: &mut String, rules: &str, confidence: Confidence, count: usize, content: &str) {
    let _ = writeln!(
        html,
        "<li class=\"edit\" data-rules=\"{}\" data-conf=\"{}\" data-count=\"{count}\">{content}</li>",
        escape(rules),
        confidence.as_str()
    );
}

/// A short `before → after` with badges.
fn before_after(before: &str, after: &str) -> String {
    let clip = |s: &str| -> String {
        let n = s.chars().count();
        if n > 60 {
            s.chars().take(59).collect::<String>() + "…"
        } else {
            s.to_string()
        }
    };
    let show = |out: &mut String, s: &str| render_text_with(out, &clip(s), true, true);
    let mut out = String::from("<code class=\"before\">");
    show(&mut out, before);
    out.push_str("</code> → <code class=\"after\">");
    show(&mut out, after);
    out.push_str("</code>");
    out
}

impl<W: Write> HtmlPrinter<W> {
    fn render_file(&mut self, r: &FileReport, texts: &Texts) {
        let html = &mut self.body;
        let enc = r.encoding.as_ref().expect("text files have an encoding");
        let change = encoding_change(r);
        let _ = writeln!(
            html,
            "<section class=\"file\" data-path=\"{}\"{}>",
            escape(&r.path),
            if change.is_some() {
                " data-encoding=\"1\""
            } else {
                ""
            }
        );
        let _ = writeln!(html, "<h2>{}</h2>", escape(&r.path));
        let _ = write!(
            html,
            "<p class=\"meta\">{} ({}, {}) · {} edits · {} findings",
            escape(enc.name),
            escape(enc.method),
            enc.confidence.as_str(),
            r.edits.len(),
            r.findings.len()
        );
        if let Some(change) = &change {
            let _ = write!(
                html,
                " · <span class=\"enc\" data-rules=\"encoding\">{}</span>",
                escape(change)
            );
        }
        html.push_str("</p>\n");

        // Findings, with the text around each.
        if !r.findings.is_empty() {
            html.push_str("<ul class=\"findings\">\n");
            let mut rest: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, f) in r.findings.iter().enumerate() {
                if i >= FINDINGS_PER_FILE {
                    *rest.entry(f.rule).or_insert(0) += 1;
                    continue;
                }
                let class = if is_damage(f) { "damage" } else { "" };
                let text = texts.input;
                let start = f.start.min(text.len());
                let end = f.end.clamp(start, text.len());
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
                let pre: String = {
                    let s = &text[line_start..start];
                    let n = s.chars().count();
                    s.chars().skip(n.saturating_sub(FINDING_CONTEXT)).collect()
                };
                let post: String = text[end..line_end].chars().take(FINDING_CONTEXT).collect();
                let mut snippet = String::new();
                render_text(&mut snippet, &pre, false);
                snippet.push_str("<mark>");
                render_text(&mut snippet, &text[start..end], true);
                snippet.push_str("</mark>");
                render_text(&mut snippet, &post, false);
                let _ = writeln!(
                    html,
                    "<li class=\"finding {} {class}\" data-rules=\"{}\" data-count=\"1\"><span class=\"pos\">{}:{}</span> <span class=\"rule\">{}</span> {} <code class=\"snippet\">{snippet}</code></li>",
                    f.severity.as_str(),
                    escape(f.rule),
                    f.line,
                    f.column,
                    escape(f.rule),
                    escape(&f.message),
                );
            }
            for (rule, n) in rest {
                let _ = writeln!(
                    html,
                    "<li class=\"finding more\" data-rules=\"{}\" data-count=\"{n}\">… and {n} more {} findings (<code>--format json</code> lists all)</li>",
                    escape(rule),
                    escape(rule)
                );
            }
            html.push_str("</ul>\n");
        }

        if texts.input == texts.output {
            html.push_str("</section>\n");
            return;
        }
        let old_lines = lines_of(texts.input);
        let new_lines = lines_of(texts.output);
        let mut offsets = Vec::with_capacity(old_lines.len() + 1);
        let mut at = 0;
        offsets.push(0);
        for l in &old_lines {
            at += l.len();
            offsets.push(at);
        }
        let groups = similar::group_diff_ops(line_ops(&old_lines, &new_lines), CONTEXT);
        // Assign every edit to the hunk whose input bytes contain its start.
        let mut per_hunk: Vec<Vec<usize>> = vec![Vec::new(); groups.len().max(1)];
        let mut h = 0;
        for (i, e) in r.edits.iter().enumerate() {
            while h + 1 < groups.len() {
                let last = groups[h].last().expect("groups are not empty");
                if e.start <= offsets[last.old_range().end] {
                    break;
                }
                h += 1;
            }
            per_hunk[h].push(i);
        }
        let mut rows_done = 0;
        for (g, ops) in groups.iter().enumerate() {
            let edits = &per_hunk[g];
            let mut rules: Vec<&str> = Vec::new();
            for &i in edits {
                let e = &r.edits[i];
                for rule in e.merged.iter().chain([&e.rule]) {
                    if !rules.contains(rule) {
                        rules.push(rule);
                    }
                }
            }
            let _ = writeln!(
                html,
                "<div class=\"hunk\" data-rules=\"{}\">",
                escape(&rules.join(" "))
            );
            html.push_str("<ul class=\"edits\">\n");
            let mut rest: BTreeMap<(String, Confidence), usize> = BTreeMap::new();
            for (k, &i) in edits.iter().enumerate() {
                let e = &r.edits[i];
                let mut names: Vec<&str> = e.merged.clone();
                names.push(e.rule);
                let names = names.join(" ");
                if k >= EDITS_PER_HUNK {
                    *rest.entry((names, e.confidence)).or_insert(0) += 1;
                    continue;
                }
                let summary = crate::rules::summary(e.rule);
                let content = format!(
                    "<span class=\"pos\">{}:{}</span> <span class=\"rule\" title=\"{}\">{}</span> <span class=\"conf {conf}\">{conf}</span> {}",
                    e.line,
                    e.column,
                    escape(summary),
                    escape(&names),
                    before_after(&e.before, &e.after),
                    conf = e.confidence.as_str(),
                );
                edit_item(html, &names, e.confidence, 1, &content);
            }
            for ((names, conf), n) in rest {
                let content = format!(
                    "… and {n} more <span class=\"rule\">{}</span> <span class=\"conf {c}\">{c}</span> edits here",
                    escape(&names),
                    c = conf.as_str()
                );
                edit_item(html, &names, conf, n, &content);
            }
            html.push_str("</ul>\n");
            if rows_done < ROWS_PER_FILE {
                html.push_str("<table class=\"diff\">\n");
                let mut rows = Rows {
                    html,
                    count: 0,
                    budget: ROWS_PER_FILE - rows_done,
                    skipped: 0,
                    in_body: false,
                    edits: edits.iter().map(|&i| &r.edits[i]).collect(),
                    offsets: &offsets,
                };
                for op in ops {
                    render_op(&mut rows, op, &old_lines, &new_lines);
                }
                rows_done += rows.count;
                let skipped = rows.skipped;
                html.push_str("</table>\n");
                if skipped > 0 {
                    let _ = writeln!(
                        html,
                        "<p class=\"cut\">{skipped} more diff rows not shown (<code>fettle check --diff</code> prints all of them).</p>"
                    );
                }
            } else {
                html.push_str("<p class=\"cut\">Diff not shown: this file's diff is long (<code>fettle check --diff</code> prints all of it).</p>\n");
            }
            html.push_str("</div>\n");
        }
        html.push_str("</section>\n");
    }
}

impl<W: Write> Printer for HtmlPrinter<W> {
    fn wants_texts(&self) -> bool {
        true
    }

    fn file(&mut self, r: &FileReport, texts: Option<&Texts>) -> io::Result<()> {
        for e in &r.edits {
            self.by_rule.entry(e.rule).or_default().0 += 1;
            *self.by_confidence.entry(e.confidence).or_insert(0) += 1;
        }
        for f in &r.findings {
            self.by_rule.entry(f.rule).or_default().1 += 1;
        }
        if encoding_change(r).is_some() {
            self.by_rule.entry("encoding").or_default();
            self.encoding_files += 1;
        }
        match (r.status, texts) {
            (Status::Error, _) => {
                let _ = writeln!(
                    self.body,
                    "<section class=\"file error\" data-path=\"{}\"><h2>{}</h2><p class=\"meta\">error: {}</p></section>",
                    escape(&r.path),
                    escape(&r.path),
                    escape(r.error.as_deref().unwrap_or(""))
                );
                self.shown_files += 1;
            }
            // Changed files, and clean ones with (info) findings.
            (Status::Changed, Some(_)) | (Status::Clean, Some(_))
                if (r.status == Status::Changed || !r.findings.is_empty())
                    && self.body.len() >= self.page_limit =>
            {
                self.left_out += 1;
                if self.left_out_names.len() < LEFT_OUT_NAMED {
                    self.left_out_names.push(r.path.clone());
                }
            }
            (Status::Changed, Some(texts)) | (Status::Clean, Some(texts))
                if r.status == Status::Changed || !r.findings.is_empty() =>
            {
                self.render_file(r, texts);
                self.shown_files += 1;
            }
            _ => {}
        }
        Ok(())
    }

    /// Corpus findings: one section before the files' ends, filterable by rule.
    /// The page is one document, built in memory: every finding is in it.
    fn corpus(&mut self, findings: CorpusFindings) -> io::Result<()> {
        if findings.counts().total == 0 {
            return Ok(());
        }
        let html = &mut self.body;
        html.push_str("<section class=\"file corpus\" data-path=\"\"><h2>Corpus findings</h2>\n<ul class=\"findings\">\n");
        for f in findings {
            let f = f?;
            self.by_rule.entry(f.rule).or_default().1 += 1;
            let related = if f.related.is_empty() {
                String::new()
            } else {
                format!(" (related: {})", escape(&f.related.join(", ")))
            };
            let _ = writeln!(
                html,
                "<li class=\"finding {}\" data-rules=\"{}\" data-count=\"1\"><span class=\"pos\">{}</span> <span class=\"rule\">{}</span> {}{related}</li>",
                f.severity.as_str(),
                escape(f.rule),
                escape(&f.path),
                escape(f.rule),
                escape(&f.message),
            );
        }
        html.push_str("</ul>\n</section>\n");
        self.shown_files += 1;
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let mut head = String::new();
        let _ = write!(
            head,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"fettle {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
            env!("CARGO_PKG_VERSION"),
            escape(&self.title),
            escape(&self.title)
        );
        let _ = writeln!(
            head,
            "<p id=\"totals\" data-files=\"{}\" data-changed=\"{}\" data-edits=\"{}\" data-findings=\"{}\"><b>{}</b> files: <b>{}</b> would change, {} clean, {} binary, {} errors · <b>{}</b> edits · <b>{}</b> findings</p>",
            s.files, s.changed, s.edits, s.findings, s.files, s.changed, s.clean, s.binary, s.errors, s.edits, s.findings
        );
        head.push_str("<form id=\"filters\">\n<fieldset><legend>Confidence</legend>\n");
        for conf in [Confidence::Guess, Confidence::Likely, Confidence::Certain] {
            let n = self.by_confidence.get(&conf).copied().unwrap_or(0);
            let _ = writeln!(
                head,
                "<label class=\"conf {c}\" data-conf=\"{c}\"><input type=\"checkbox\" name=\"conf\" value=\"{c}\" checked> {c} <span class=\"n\">{n}</span></label>",
                c = conf.as_str()
            );
        }
        head.push_str("</fieldset>\n<fieldset><legend>Rules</legend>\n");
        for (rule, (edits, findings)) in &self.by_rule {
            let summary = crate::rules::info(rule).map_or(
                "the file is re-encoded to UTF-8 or loses its byte-order mark",
                |i| i.summary,
            );
            let mut n = Vec::new();
            if *edits > 0 {
                n.push(format!("{edits} edits"));
            }
            if *findings > 0 {
                n.push(format!("{findings} findings"));
            }
            if *rule == "encoding" {
                n.push(format!("{} files", self.encoding_files));
            }
            let _ = writeln!(
                head,
                "<label title=\"{}\"><input type=\"checkbox\" name=\"rule\" value=\"{}\" checked> {} <span class=\"n\">{}</span></label>",
                escape(summary),
                escape(rule),
                escape(rule),
                escape(&n.join(", "))
            );
        }
        head.push_str(
            "</fieldset>\n<button type=\"button\" id=\"all\">show all</button>\n</form>\n",
        );
        head.push_str("<p id=\"shown\">Showing <b id=\"shown-edits\">…</b> edits and <b id=\"shown-findings\">…</b> findings in <b id=\"shown-files\">…</b> files.</p>\n</header>\n<main>\n");
        if self.left_out > 0 {
            let _ = write!(
                head,
                "<p class=\"left-out\" data-left-out=\"{n}\"><b>{n}</b> more files with changes or findings are left out: the page reached its size limit of {} MiB. Review them in smaller groups (one folder at a time). The first left out:",
                self.page_limit >> 20,
                n = self.left_out,
            );
            for name in &self.left_out_names {
                let _ = write!(head, " <code>{}</code>", escape(name));
            }
            head.push_str("</p>\n");
            eprintln!(
                "fettle: the review page reached its size limit of {} MiB: {} more files with changes or findings are left out of it (the page names them)",
                self.page_limit >> 20,
                self.left_out
            );
        }
        if self.shown_files == 0 {
            head.push_str("<p class=\"none\">Nothing would change.</p>\n");
        }
        self.out.write_all(head.as_bytes())?;
        self.out.write_all(self.body.as_bytes())?;
        write!(
            self.out,
            "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
        )?;
        self.out.flush()
    }
}

/// The review page's style sheet and script, inlined into the page (its
/// Content-Security-Policy allows only inline ones).
const STYLE: &str = include_str!("assets/review.css");

const SCRIPT: &str = include_str!("assets/review.js");
