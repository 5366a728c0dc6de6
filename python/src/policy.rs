//! Keyword arguments (`quote_style="straight"`, `disable=["nfc"]`, …) made
//! a [`Config`]: the record profile with the caller's choices.
//!
//! The keywords become a `fettle.toml` table, so that the configuration
//! file's own parser checks names and values: a typo is an error, never a
//! policy silently ignored. Names take `_` for the file's `-`.
//!
//! - `rules={"nfc": False}`, `enable=[...]`, `disable=[...]`: rules on/off;
//! - `quote_style="keep"|"straight"|"curly"`: `[quote-style] style`;
//! - `blank_lines=N`: `[blank-lines] max`;
//! - `scene_break_marker="* * *"`: `[scene-breaks] marker`;
//! - any other name is the key of that name: a dict is a table
//!   (`long_lines={"max": 1000}`), anything else a top-level value.

use fettle::Config;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use std::sync::{Arc, LazyLock, Mutex};
use toml::{Table, Value};

/// The record profile with no keywords: built once.
static RECORD_PROFILE: LazyLock<Arc<Config>> =
    LazyLock::new(|| Arc::new(Config::default().for_records()));

/// The last policy parsed and its configuration: a loop calling with the
/// same keywords (a datatrove step, say) parses them once.
static LAST_POLICY: Mutex<Option<(Table, Arc<Config>)>> = Mutex::new(None);

/// The configuration `policy` asks for (the record profile when empty).
pub fn config_of(policy: Option<&Bound<'_, PyDict>>) -> PyResult<Arc<Config>> {
    let Some(policy) = policy.filter(|p| !p.is_empty()) else {
        return Ok(Arc::clone(&RECORD_PROFILE));
    };
    let mut table = Table::new();
    for (name, value) in policy.iter() {
        let name: String = name.extract()?;
        add(&mut table, &name, &value)?;
    }
    if let Some((last, config)) = LAST_POLICY.lock().expect("not poisoned").as_ref() {
        if *last == table {
            return Ok(Arc::clone(config));
        }
    }
    match parse(&table) {
        Ok(config) => {
            let config = Arc::new(config);
            *LAST_POLICY.lock().expect("not poisoned") = Some((table, Arc::clone(&config)));
            Ok(config)
        }
        Err(whole) => {
            // Name the keyword at fault: the first that fails alone.
            for (name, value) in policy.iter() {
                let name: String = name.extract()?;
                let mut alone = Table::new();
                add(&mut alone, &name, &value)?;
                if let Err(message) = parse(&alone) {
                    return Err(PyValueError::new_err(format!("policy `{name}`: {message}")));
                }
            }
            Err(PyValueError::new_err(format!("policy: {whole}")))
        }
    }
}

/// The record profile with `table` as the user's configuration.
pub fn parse(table: &Table) -> Result<Config, String> {
    let text = toml::to_string(table).map_err(|e| e.to_string())?;
    match Config::parse(&text) {
        Ok(config) => Ok(config.for_records()),
        Err(e) => Err(match e.downcast_ref::<toml::de::Error>() {
            Some(toml_error) => toml_error.message().to_string(),
            None => format!("{e:#}"),
        }),
    }
}

/// Put keyword `name` into the configuration table.
fn add(table: &mut Table, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let key = name.replace('_', "-");
    let mut set = |section: &str, field: &str, value: Value| {
        section_of(table, section).insert(field.to_string(), value);
    };
    match key.as_str() {
        "enable" | "disable" => {
            let on = key == "enable";
            for id in value.try_iter()? {
                let id = id?;
                let id: String = id.extract().map_err(|_| {
                    PyTypeError::new_err(format!("policy `{name}`: rule ids are str"))
                })?;
                set("rules", &id, Value::Boolean(on));
            }
        }
        "quote-style" => set("quote-style", "style", value_of(name, value)?),
        "blank-lines" => set("blank-lines", "max", value_of(name, value)?),
        "scene-break-marker" => set("scene-breaks", "marker", value_of(name, value)?),
        _ => match value_of(name, value)? {
            Value::Table(entries) => {
                let section = section_of(table, &key);
                for (field, value) in entries {
                    // Rule ids keep their dashes; other tables take `_` too.
                    let field = if key == "rules" || key == "severity" {
                        field
                    } else {
                        field.replace('_', "-")
                    };
                    section.insert(field, value);
                }
            }
            other => {
                table.insert(key, other);
            }
        },
    }
    Ok(())
}

/// The table `name` of `table`, created if missing.
fn section_of<'t>(table: &'t mut Table, name: &str) -> &'t mut Table {
    let entry = table
        .entry(name.to_string())
        .or_insert_with(|| Value::Table(Table::new()));
    if !entry.is_table() {
        *entry = Value::Table(Table::new());
    }
    entry.as_table_mut().expect("made a table above")
}

/// A Python value as a TOML value.
fn value_of(name: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if value.is_instance_of::<PyBool>() {
        return Ok(Value::Boolean(value.extract()?));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(Value::Integer(value.extract().map_err(|_| {
            PyValueError::new_err(format!("policy `{name}`: integer out of range"))
        })?));
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(Value::Float(value.extract()?));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.to_str()?.to_string()));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut table = Table::new();
        for (k, v) in dict.iter() {
            let k: String = k
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("policy `{name}`: keys are str")))?;
            table.insert(k, value_of(name, &v)?);
        }
        return Ok(Value::Table(table));
    }
    if let Ok(items) = value.try_iter() {
        let items = items
            .map(|item| value_of(name, &item?))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "policy `{name}`: cannot use a {} value",
        value.get_type().name()?
    )))
}
