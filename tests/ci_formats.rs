//! The CI output formats: GitHub annotations, SARIF, the Markdown summary,
//! and `--baseline`.

mod common;
use common::*;

use serde_json::Value;
use std::fs;
use std::path::Path;

/// A file with lone CRs, CRLFs, no-break spaces, trailing blanks, a zero-width
/// space and blank-line runs: edits on many lines, of several rules.
const MESSY: &str = "Title\r\rIt was\u{a0} cold.  \rzero\u{200b}width\r\n\r\n\r\n\r\nthe end";

#[test]
fn github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a,b:c.txt"), MESSY).unwrap();
    fs::write(dir.path().join("lost.txt"), "fian\u{fffd}e\n").unwrap();
    let many: String = (0..30).map(|i| format!("line {i} \n\n\n\n")).collect();
    fs::write(dir.path().join("many.txt"), many).unwrap();
    fs::write(dir.path().join("clean.txt"), "Fine.\n").unwrap();
    let o = fettle(dir.path(), &["check", "--format", "github", "."]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    // Every line is a workflow command but the last, a plain total.
    for l in &lines[..lines.len() - 1] {
        assert!(
            l.starts_with("::warning ") || l.starts_with("::error ") || l.starts_with("::notice "),
            "{l}"
        );
    }
    assert!(lines.last().unwrap().starts_with("fettle: 4 files"));
    // Properties escape `,` and `:`; the title is the rule.
    assert!(out.contains("::warning file=a%2Cb%3Ac.txt,line="), "{out}");
    assert!(out.contains(",title=nbsp-spacing::"), "{out}");
    // U+FFFD is damage: an error, at its line and column (reported by
    // replacement-restore when it proposes a character it does not apply).
    assert!(
        out.contains("::error file=lost.txt,line=1,col=5,title=replacement-char::")
            || out.contains("::error file=lost.txt,line=1,col=5,title=replacement-restore::"),
        "{out}"
    );
    // Data never carries a raw CR or LF (they would end the command).
    assert!(!out.contains('\r'));
    // Edit groups: the three trailing-whitespace/line-ending edits of a run of
    // adjacent lines are one annotation per rule, not one per edit.
    let ws = lines
        .iter()
        .filter(|l| l.contains("a%2Cb%3Ac.txt") && l.contains("title=trailing-whitespace"))
        .count();
    assert_eq!(ws, 1, "{out}");
    // many.txt: 30 trailing-whitespace and 30 blank-lines edits, 4 lines apart:
    // capped at 10 per rule, and the omission is announced.
    let many_ws = lines
        .iter()
        .filter(|l| l.contains("file=many.txt") && l.contains("title=trailing-whitespace"))
        .count();
    assert_eq!(many_ws, 10, "{out}");
    assert!(
        out.contains("::notice title=fettle::") && out.contains("more annotations not printed"),
        "{out}"
    );
    // A blank-line run ends on the last line it covers.
    assert!(
        out.contains("file=many.txt,line=2,col=1,endLine=4,title=blank-lines::"),
        "{out}"
    );
}

#[test]
fn github_escaping() {
    use fettle::report::github::{escape_data, escape_property};
    assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
    assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
}

/// SARIF (line, column) → byte offset, counting lines as SARIF does (LF, CR,
/// CRLF) and columns in code points.
fn sarif_offset(text: &str, line: u64, column: u64) -> usize {
    let bytes = text.as_bytes();
    let mut at = 0;
    for _ in 1..line {
        while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
            at += 1;
        }
        if bytes.get(at) == Some(&b'\r') && bytes.get(at + 1) == Some(&b'\n') {
            at += 1;
        }
        at += 1;
    }
    let rest = &text[at..];
    at + rest
        .char_indices()
        .nth(column as usize - 1)
        .map_or(rest.len(), |(i, _)| i)
}

fn region_range(text: &str, region: &Value) -> std::ops::Range<usize> {
    let n = |k: &str| {
        region[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{k} in {region}"))
    };
    sarif_offset(text, n("startLine"), n("startColumn"))
        ..sarif_offset(text, n("endLine"), n("endColumn"))
}

#[test]
fn sarif_structure_and_fixes() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("in")).unwrap();
    fs::write(dir.path().join("in/messy file.txt"), MESSY).unwrap();
    fs::write(dir.path().join("in/lost.txt"), "fian\u{fffd}e\n").unwrap();
    fs::write(dir.path().join("in/bom.txt"), "\u{feff}BOM.\n").unwrap();
    fs::write(dir.path().join("in/clean.txt"), "Fine.\n").unwrap();
    let o = fettle(dir.path(), &["check", "--format", "sarif", "in"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();

    // Required top level.
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"]
        .as_str()
        .unwrap()
        .contains("sarif-schema-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "fettle");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    // Rule metadata: every registered rule, with description and help.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in fettle::rules::ids() {
        assert!(ids.contains(&id), "{id} missing from driver.rules");
    }
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !r[key]["text"].as_str().unwrap_or("").is_empty(),
                "{key} of {}",
                r["id"]
            );
        }
        assert!(["note", "warning", "error"]
            .contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let nbsp = rules.iter().find(|r| r["id"] == "nbsp-spacing").unwrap();
    assert!(
        nbsp["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Fix safety"),
        "help comes from the rule's doc: {nbsp}"
    );

    // Results: rule ids and indexes agree; every location has a region.
    let results = run["results"].as_array().unwrap();
    let artifacts = run["artifacts"].as_array().unwrap();
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], id);
        assert!(["note", "warning", "error"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        let index = loc["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(
            artifacts[index]["location"]["uri"],
            loc["artifactLocation"]["uri"]
        );
        if id != "encoding" {
            assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        }
    }
    let uris: Vec<&str> = artifacts
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    for uri in ["in/bom.txt", "in/lost.txt", "in/messy%20file.txt"] {
        assert!(uris.contains(&uri), "{uris:?}");
    }
    for (i, uri) in uris.iter().enumerate() {
        assert!(
            results
                .iter()
                .any(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == i),
            "artifact {uri} without results"
        );
    }
    let lost = results
        .iter()
        .find(|r| {
            r["ruleId"] == "replacement-char"
                || (r["ruleId"] == "replacement-restore"
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        == "in/lost.txt")
        })
        .unwrap();
    assert_eq!(lost["level"], "error");
    assert_eq!(
        lost["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1, "startColumn": 5, "endLine": 1, "endColumn": 6})
    );
    assert!(results.iter().any(|r| r["ruleId"] == "encoding"
        && r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("byte-order mark")));

    // The fixes are exact: applied to the input (regions counted the SARIF
    // way, lone CRs included), they give what `fettle clean` writes.
    let mut replacements: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for r in results {
        // Edit results carry fixes; so do withheld fixes (offered with
        // `applied: false`), which `clean` does not apply.
        let withheld = r["properties"]["applied"] == false;
        assert_eq!(
            r["properties"]["edits"].is_u64() || withheld,
            r.get("fixes").is_some()
        );
        if withheld {
            continue;
        }
        for fix in r["fixes"].as_array().into_iter().flatten() {
            assert!(!fix["description"]["text"].as_str().unwrap().is_empty());
            let change = &fix["artifactChanges"][0];
            assert_eq!(change["artifactLocation"]["uri"], "in/messy%20file.txt");
            for rep in change["replacements"].as_array().unwrap() {
                replacements.push((
                    region_range(MESSY, &rep["deletedRegion"]),
                    rep["insertedContent"]["text"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    replacements.sort_by_key(|(r, _)| r.start);
    let mut fixed = MESSY.to_string();
    for (range, text) in replacements.iter().rev() {
        fixed.replace_range(range.clone(), text);
    }
    let c = fettle(dir.path(), &["clean", "in", "--out", "out"]);
    assert_eq!(code(&c), 0);
    assert_eq!(
        fixed,
        fs::read_to_string(dir.path().join("out/messy file.txt")).unwrap()
    );
}

#[test]
fn markdown_summary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = fettle(
        root,
        &["check", "--format", "markdown", "tests/data/review"],
    );
    assert_eq!(code(&o), 1);
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn markdown_escapes_table_cells() {
    use fettle::report::markdown::{code, text};
    assert_eq!(code("a|b"), "`a\\|b`");
    assert_eq!(code("x`y"), "``x`y``");
    assert_eq!(code("`x"), "`` `x ``");
    assert_eq!(code(""), "(empty)");
    assert_eq!(text("a|b *c* <d>"), "a\\|b \\*c\\* \\<d\\>");
}

#[test]
fn baseline_records_then_fails_only_on_new_or_worse() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("corpus")).unwrap();
    fs::write(d.join("corpus/a.txt"), "One  \nTwo\u{a0} three.\n").unwrap();
    fs::write(d.join("corpus/b.txt"), "Fine.\n").unwrap();
    let args = ["check", "corpus", "--baseline", "base.json"];

    // No baseline yet: record it, exit 0 although the corpus is dirty.
    let o = fettle(d, &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote baseline base.json"));
    let base: Value = serde_json::from_slice(&fs::read(d.join("base.json")).unwrap()).unwrap();
    assert_eq!(base["fettle_baseline"], 1);
    assert_eq!(
        base["files"]["corpus/a.txt"]["edits"]["trailing-whitespace"],
        1
    );
    assert_eq!(base["files"]["corpus/a.txt"]["edits"]["nbsp-spacing"], 1);
    assert!(base["files"].get("corpus/b.txt").is_none());

    // Same state, and a line shift above the known issues: still passes.
    fs::write(
        d.join("corpus/a.txt"),
        "New first line.\nOne  \nTwo\u{a0} three.\n",
    )
    .unwrap();
    let o = fettle(d, &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("no new or worse issues"));

    // Worse (a second trailing blank) and new (b.txt): fail, and name them;
    // the printer sees only the new problems.
    fs::write(d.join("corpus/a.txt"), "One  \nTwo\u{a0} three. \n").unwrap();
    fs::write(d.join("corpus/b.txt"), "\u{feff}Fine.\n").unwrap();
    let o = fettle(
        d,
        &[
            "check",
            "corpus",
            "--baseline",
            "base.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("corpus/a.txt: trailing-whitespace: 2 edits (baseline 1)"),
        "{err}"
    );
    assert!(
        err.contains("corpus/b.txt: UTF-8 byte-order mark removed"),
        "{err}"
    );
    assert!(!err.contains("nbsp-spacing"), "{err}");
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rules: Vec<&str> = report["files"][0]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["trailing-whitespace", "trailing-whitespace"]);

    // --update-baseline accepts the current state.
    let o = fettle(
        d,
        &[
            "check",
            "corpus",
            "--baseline",
            "base.json",
            "--update-baseline",
        ],
    );
    assert_eq!(code(&o), 0);
    let o = fettle(d, &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // Better than the baseline passes and says so.
    fs::write(d.join("corpus/a.txt"), "One.\n").unwrap();
    let o = fettle(d, &args);
    assert_eq!(code(&o), 0);
    assert!(stderr(&o).contains("improved"), "{}", stderr(&o));

    // A corrupt baseline is an error, not a silent pass.
    fs::write(d.join("base.json"), "{\"nope\": 1}").unwrap();
    assert_eq!(code(&fettle(d, &args)), 2);
    // --update-baseline needs --baseline.
    assert_eq!(
        code(&fettle(d, &["check", "corpus", "--update-baseline"])),
        2
    );
}

#[test]
fn clean_and_review_write_the_html_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("src")).unwrap();
    fs::write(d.join("src/a.txt"), "x\u{a0} <y>\n").unwrap();
    let o = fettle(
        d,
        &[
            "clean",
            "src",
            "--out",
            "out",
            "--html",
            "clean.html",
            "--report",
            "r.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(d.join("out/a.txt")).unwrap(), "x <y>\n");
    assert!(d.join("r.json").exists());
    let page = fs::read_to_string(d.join("clean.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("data-path=\"src/a.txt\""));
    assert!(page.contains("&lt;y&gt;") && !page.contains("<y>"));
    assert!(page.contains(">NBSP</span>"));

    // review changes nothing, exits 0 with changes, 2 on an unreadable path.
    let o = fettle(d, &["review", "src", "--html", "review.html"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote review.html"));
    assert_eq!(
        fs::read_to_string(d.join("src/a.txt")).unwrap(),
        "x\u{a0} <y>\n"
    );
    let o = fettle(d, &["review", "src", "missing", "--html", "review.html"]);
    assert_eq!(code(&o), 2);
    assert!(fs::read_to_string(d.join("review.html"))
        .unwrap()
        .contains("data-path=\"missing\""));
}

#[test]
fn corpus_findings_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("c")).unwrap();
    let text = "The same text, word for word, in two files of the corpus.\n";
    fs::write(d.join("c/a.txt"), text).unwrap();
    fs::write(d.join("c/b.txt"), text).unwrap();

    let gh = stdout(&fettle(d, &["check", "c", "--format", "github"]));
    assert!(
        gh.contains("::warning file=c/b.txt,title=duplicate-files::identical to c/a.txt"),
        "{gh}"
    );
    let md = stdout(&fettle(d, &["check", "c", "--format", "markdown"]));
    assert!(
        md.contains("### Corpus findings")
            && md.contains("| warning | `c/b.txt` | `duplicate-files` |"),
        "{md}"
    );
    let sarif: Value =
        serde_json::from_str(&stdout(&fettle(d, &["check", "c", "--format", "sarif"]))).unwrap();
    let run = &sarif["runs"][0];
    let dup = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "duplicate-files")
        .expect("a duplicate-files result");
    let index = dup["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        run["tool"]["driver"]["rules"][index]["id"],
        "duplicate-files"
    );
    assert_eq!(
        dup["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "c/a.txt"
    );

    // The baseline records corpus findings and accepts them afterwards.
    let args = ["check", "c", "--baseline", "base.json"];
    assert_eq!(code(&fettle(d, &args)), 0);
    let base: Value = serde_json::from_slice(&fs::read(d.join("base.json")).unwrap()).unwrap();
    assert_eq!(base["files"]["c/b.txt"]["corpus"]["duplicate-files"], 1);
    assert_eq!(code(&fettle(d, &args)), 0);
    fs::write(d.join("c/c.txt"), text).unwrap();
    let o = fettle(d, &args);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("c/c.txt: duplicate-files: 1 corpus findings (baseline 0)"),
        "{}",
        stderr(&o)
    );
}
