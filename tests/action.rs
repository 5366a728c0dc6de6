//! `action.yml`, the composite GitHub Action: its structure, and its shell
//! steps run here as the runner would run them (bash -eo pipefail, the
//! inputs substituted, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files), with
//! the real fettle binary and no network (`cargo` is a stand-in that
//! records how it was asked to install).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn action() -> Yaml {
    let text = fs::read_to_string(root().join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

fn text(y: &Yaml) -> &str {
    y.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {y:?}"))
}

#[test]
fn action_is_a_composite_action_whose_expressions_are_declared() {
    let action = action();
    assert!(!text(&action["name"]).is_empty());
    assert!(!text(&action["description"]).is_empty());
    assert_eq!(text(&action["runs"]["using"]), "composite");
    let inputs = action["inputs"].as_hash().unwrap();
    for (name, input) in inputs {
        assert!(
            !text(&input["description"]).is_empty(),
            "input {name:?} has no description"
        );
        assert!(
            input["default"].as_str().is_some(),
            "input {name:?} has no default"
        );
    }
    let declared: Vec<&str> = inputs.keys().map(text).collect();
    assert_eq!(declared, ["paths", "args", "install"]);
    let steps = action["runs"]["steps"].as_vec().unwrap();
    assert!(!steps.is_empty());
    let mut ids = Vec::new();
    for step in steps {
        assert!(!text(&step["name"]).is_empty());
        assert_eq!(
            text(&step["shell"]),
            "bash",
            "composite run steps need a shell"
        );
        assert!(
            !text(&step["run"]).contains("${{"),
            "expressions go through env:"
        );
        if let Some(id) = step["id"].as_str() {
            ids.push(id.to_string());
        }
    }
    // Every expression names a declared input or a step's output.
    let whole = fs::read_to_string(root().join("action.yml")).unwrap();
    for expression in whole.split("${{").skip(1) {
        let inner = expression.split("}}").next().unwrap().trim();
        if let Some(input) = inner.strip_prefix("inputs.") {
            assert!(declared.contains(&input), "undeclared input {inner}");
        } else if let Some(rest) = inner.strip_prefix("steps.") {
            let id = rest.split('.').next().unwrap();
            assert!(ids.iter().any(|i| i == id), "unknown step {inner}");
        } else {
            panic!("unexpected expression {inner}");
        }
    }
}

/// The outcome of running every step in order, stopping at the first that
/// fails, as the runner does.
struct Run {
    /// (step name, exit code, stdout)
    steps: Vec<(String, i32, String)>,
    summary: String,
    outputs: String,
    cargo_calls: String,
}

fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> Run {
    let action = action();
    let mut values: BTreeMap<String, String> = action["inputs"]
        .as_hash()
        .unwrap()
        .iter()
        .map(|(k, v)| (text(k).to_string(), text(&v["default"]).to_string()))
        .collect();
    for (k, v) in inputs {
        values.insert(k.to_string(), v.to_string());
    }
    let scratch = tempfile::tempdir().unwrap();
    let bin = scratch.path().join("bin");
    fs::create_dir(&bin).unwrap();
    let calls = scratch.path().join("cargo-calls");
    let cargo = bin.join("cargo");
    fs::write(
        &cargo,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", calls.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&cargo, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let fettle_dir = Path::new(env!("CARGO_BIN_EXE_fettle")).parent().unwrap();
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        fettle_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let summary = scratch.path().join("summary.md");
    let output = scratch.path().join("output");
    let mut run = Run {
        steps: Vec::new(),
        summary: String::new(),
        outputs: String::new(),
        cargo_calls: String::new(),
    };
    for step in action["runs"]["steps"].as_vec().unwrap() {
        let script = scratch.path().join("step.sh");
        fs::write(&script, text(&step["run"])).unwrap();
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(workspace)
            .env("PATH", &path)
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &output);
        if let Some(env) = step["env"].as_hash() {
            for (key, value) in env {
                let mut value = text(value).to_string();
                for (name, given) in &values {
                    value = value.replace(&format!("${{{{ inputs.{name} }}}}"), given);
                }
                assert!(!value.contains("${{"), "unsubstituted {value}");
                command.env(text(key), value);
            }
        }
        let out = command.output().unwrap();
        let code = out.status.code().unwrap();
        run.steps.push((
            text(&step["name"]).to_string(),
            code,
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ));
        if code != 0 {
            break;
        }
    }
    run.summary = fs::read_to_string(&summary).unwrap_or_default();
    run.outputs = fs::read_to_string(&output).unwrap_or_default();
    run.cargo_calls = fs::read_to_string(&calls).unwrap_or_default();
    run
}

#[test]
fn action_annotates_summarises_and_fails_on_a_dirty_corpus() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("corpus")).unwrap();
    fs::write(
        dir.path().join("corpus/a.txt"),
        "Trailing blanks here.   \n",
    )
    .unwrap();
    fs::write(dir.path().join("corpus/b.txt"), "A clean line of text.\n").unwrap();
    fs::write(dir.path().join("elsewhere.txt"), "Not checked.  \n").unwrap();
    let run = run_action(dir.path(), &[("paths", "corpus")]);
    assert_eq!(
        run.cargo_calls.trim(),
        format!("install --locked --path {}", root().display())
    );
    assert_eq!(run.steps.len(), 2, "both steps ran");
    assert_eq!(run.steps[0].1, 0, "install step");
    assert!(run.steps[0].2.starts_with("fettle "), "{}", run.steps[0].2);
    let (_, code, annotations) = &run.steps[1];
    assert_eq!(*code, 1, "a dirty corpus fails the step");
    assert!(
        annotations.contains("::warning file=corpus/a.txt,line=1"),
        "{annotations}"
    );
    assert!(!annotations.contains("elsewhere.txt"));
    assert!(run.summary.contains("corpus/a.txt"), "{}", run.summary);
    assert!(
        run.summary.contains("trailing-whitespace"),
        "{}",
        run.summary
    );
    assert_eq!(run.outputs.trim(), "exit-code=1");
}

#[test]
fn action_passes_a_clean_corpus_and_can_use_an_installed_fettle() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "A clean line of text, long enough to be prose and ending well.\n",
    )
    .unwrap();
    let run = run_action(
        dir.path(),
        &[("install", "false"), ("args", "--config fettle.toml")],
    );
    // `--config` names a missing file: an error, exit 2, reported as such.
    assert_eq!(run.steps[1].1, 2);
    assert_eq!(run.outputs.trim(), "exit-code=2");
    assert!(run.cargo_calls.is_empty(), "install: false builds nothing");
    fs::write(
        dir.path().join("fettle.toml"),
        "[files]\nexclude = [\"*.toml\"]\n",
    )
    .unwrap();
    let run = run_action(
        dir.path(),
        &[("install", "false"), ("args", "--config fettle.toml")],
    );
    assert_eq!(run.steps[1].1, 0, "{}", run.steps[1].2);
    assert_eq!(run.outputs.trim(), "exit-code=0");
    assert!(!run.summary.is_empty());
}
