//! `fettle_text._fettle`: fettle's pipeline for Python.
//!
//! The functions take `str` (and policy keywords, see `policy`), run the
//! record profile of the pipeline (`fettle::Config::for_records`) and hand
//! back `str`s and the objects of `types`, with offsets as Python string
//! indices. `fix_batch` and long texts run without the GIL.

mod batch;
mod policy;
mod text;
mod types;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use std::borrow::Cow;
use std::sync::{mpsc, Mutex};
use text::{text_of, CharIndex};
use types::{Detection, Edit, Finding};

/// fettle allocates and frees many short strings per text; mimalloc is
/// markedly faster at that than the system allocator (as in the CLI).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Texts shorter than this are cleaned holding the GIL: releasing and
/// taking it back costs more than other threads could gain.
const DETACH_FROM: usize = 4096;

/// Run `work` on `text`, without the GIL when the text is long.
fn run<T: Send>(py: Python<'_>, text: &str, work: impl FnOnce() -> T + Send) -> T {
    if text.len() < DETACH_FROM {
        work()
    } else {
        py.detach(work)
    }
}

/// Clean `text` with the record profile (no newline is added at the end).
#[pyfunction]
#[pyo3(signature = (text, /, **policy))]
fn fix_text<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyString>> {
    let config = policy::config_of(policy)?;
    let text = text_of(text, "text")?;
    let output = run(py, &text, || fettle::clean_str_with(&text, &config).0);
    Ok(PyString::new(py, &output))
}

/// Clean `text` and say what changed: `(cleaned, edits)`.
#[pyfunction]
#[pyo3(signature = (text, /, **policy))]
fn fix_and_explain<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyString>, Vec<Edit>)> {
    let config = policy::config_of(policy)?;
    let text = text_of(text, "text")?;
    let (output, edits) = run(py, &text, || {
        let (output, edits, _) = fettle::clean_str_with(&text, &config);
        let mut index = CharIndex::new(&text);
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|e| {
                let (start, end) = index.span(e.start, e.end);
                Edit {
                    rule: e.rule().to_string(),
                    merged: e.merged().iter().map(|r| r.to_string()).collect(),
                    start,
                    end,
                    before: e.before(&text).to_string(),
                    after: e.after.to_string(),
                    confidence: e.confidence().as_str(),
                }
            })
            .collect();
        (output, edits)
    });
    Ok((PyString::new(py, &output), edits))
}

/// What fettle reports about `text` (problems it does not fix).
#[pyfunction]
#[pyo3(signature = (text, /, **policy))]
fn check<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyDict>>,
) -> PyResult<Vec<Finding>> {
    let config = policy::config_of(policy)?;
    let text = text_of(text, "text")?;
    Ok(run(py, &text, || {
        let (_, _, findings) = fettle::clean_str_with(&text, &config);
        let mut index = CharIndex::new(&text);
        findings
            .into_iter()
            .map(|f| {
                let (start, end) = index.span(f.start, f.end);
                Finding {
                    rule: f.rule.to_string(),
                    severity: f.severity.as_str(),
                    start,
                    end,
                    message: f.message,
                }
            })
            .collect()
    }))
}

/// Detect the encoding of `data`.
#[pyfunction]
fn detect(py: Python<'_>, data: std::borrow::Cow<'_, [u8]>) -> Detection {
    let content = py.detach(|| fettle::decode::decode(fettle::decode::DecodeInput::new(&data[..])));
    detection_of(content)
}

/// The Python view of what the decode stage decided.
fn detection_of(content: fettle::decode::Content) -> Detection {
    match content {
        fettle::decode::Content::Binary(reason) => Detection {
            encoding: None,
            confidence: 1.0,
            method: None,
            runner_up: None,
            ambiguous: false,
            bom: false,
            language: None,
            binary: Some(reason),
        },
        fettle::decode::Content::Text(decoded) => Detection {
            encoding: Some(decoded.encoding),
            confidence: decoded.score,
            method: Some(decoded.method.as_str()),
            runner_up: decoded.runner_up,
            ambiguous: decoded.ambiguous,
            bom: decoded.bom.is_some(),
            language: decoded.language,
            binary: None,
        },
    }
}

/// Clean many texts on every core, without the GIL: `[fix_text(t) for t in
/// texts]`, faster.
///
/// Making `str`s of the cleaned texts needs the GIL, so it is one thread's
/// work; it overlaps the cleaning instead of following it: the texts are
/// cleaned in chunks on the rayon pool while this thread turns each chunk
/// done into `str`s, in order. A text that comes out unchanged gives back
/// its own `str` (when it is exactly a `str`), so clean text costs no copy.
#[pyfunction]
#[pyo3(signature = (texts, /, **policy))]
fn fix_batch<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    policy: Option<&Bound<'py, PyDict>>,
) -> PyResult<Vec<Bound<'py, PyString>>> {
    let config = policy::config_of(policy)?;
    if texts.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "texts must be an iterable of str, not a str",
        ));
    }
    let objects = texts.try_iter()?.collect::<PyResult<Vec<_>>>()?;
    let inputs = objects
        .iter()
        .enumerate()
        .map(|(i, o)| text_of(o, format_args!("texts[{i}]")))
        .collect::<PyResult<Vec<_>>>()?;
    let mut results = Vec::with_capacity(inputs.len());
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<Option<String>>)>();
    rayon::in_place_scope(|scope| {
        let chunks = batch::chunks(&inputs, rayon::current_num_threads());
        for (index, range) in chunks.iter().cloned().enumerate() {
            let (done_tx, chunk, config) = (done_tx.clone(), &inputs[range], &config);
            scope.spawn(move |_| {
                let cleaned = chunk
                    .iter()
                    .map(|text| {
                        let output = fettle::clean_str_with(text, config).0;
                        (output != **text).then_some(output)
                    })
                    .collect();
                // The receiver waits for every chunk unless it panicked.
                let _ = done_tx.send((index, cleaned));
            });
        }
        drop(done_tx);
        let mut in_order = batch::InOrder::new();
        // Without the GIL while waiting, so that other Python threads run
        // (the Mutex only makes the receiver shareable with `detach`).
        let done_rx = Mutex::new(done_rx);
        let next = || done_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
        while let Ok((index, cleaned)) = py.detach(next) {
            for (range, cleaned) in in_order.push(index, cleaned, &chunks) {
                for ((object, input), output) in objects[range.clone()]
                    .iter()
                    .zip(&inputs[range])
                    .zip(cleaned)
                {
                    let read_as_is = matches!(input, Cow::Borrowed(_));
                    results.push(str_of(py, object, input, read_as_is, output));
                }
            }
        }
    });
    Ok(results)
}

/// The `str` `fix_batch` returns for `object`, whose text was `input`
/// (`read_as_is`: not changed in the reading, as a lone surrogate is) and
/// came out as `output` (`None`: unchanged).
fn str_of<'py>(
    py: Python<'py>,
    object: &Bound<'py, PyAny>,
    input: &str,
    read_as_is: bool,
    output: Option<String>,
) -> Bound<'py, PyString> {
    match output {
        Some(cleaned) => PyString::new(py, &cleaned),
        // The same `str`, unless it is a subclass's.
        None if read_as_is && object.is_exact_instance_of::<PyString>() => {
            object.cast::<PyString>().expect("an exact str").clone()
        }
        None => PyString::new(py, input),
    }
}

/// The ids of the rules a policy may name in `rules`, `enable`, `disable`;
/// with `stage` ("repair", "normalize", "validate", "corpus"), that
/// stage's only.
#[pyfunction]
#[pyo3(signature = (stage = None))]
fn rule_ids(stage: Option<&str>) -> PyResult<Vec<&'static str>> {
    let stages = ["repair", "normalize", "validate", "corpus"];
    if let Some(stage) = stage.filter(|s| !stages.contains(s)) {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "unknown stage `{stage}` (known: {})",
            stages.join(", ")
        )));
    }
    Ok(fettle::rules::infos()
        .filter(|info| stage.is_none_or(|s| stage_name(info.stage) == s))
        .map(|info| info.id)
        .collect())
}

fn stage_name(stage: fettle::rule::Stage) -> &'static str {
    use fettle::rule::Stage;
    match stage {
        Stage::Repair => "repair",
        Stage::Normalize => "normalize",
        Stage::Validate => "validate",
        Stage::Corpus => "corpus",
    }
}

#[pymodule]
fn _fettle(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fix_text, m)?)?;
    m.add_function(wrap_pyfunction!(fix_and_explain, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(detect, m)?)?;
    m.add_function(wrap_pyfunction!(fix_batch, m)?)?;
    m.add_function(wrap_pyfunction!(rule_ids, m)?)?;
    m.add_class::<Edit>()?;
    m.add_class::<Finding>()?;
    m.add_class::<Detection>()?;
    Ok(())
}
