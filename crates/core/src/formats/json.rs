//! JSON helpers shared by the JSON formats: a whole file as an object, and null-safe lookups
//! of nested values as text or counts.

use serde_json::Value;

use crate::model::FormatError;

/// Parse a whole file as a JSON object; empty files, invalid JSON and other values are errors.
pub(crate) fn json_object(bytes: &[u8], expected: &'static str) -> Result<Value, FormatError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FormatError::Empty);
    }
    let v: Value = serde_json::from_slice(bytes)?;
    if !v.is_object() {
        let found = match &v {
            Value::Array(_) => "an array",
            Value::Null => "null",
            Value::String(_) => "a string",
            _ => "a scalar",
        };
        return Err(FormatError::Shape {
            expected,
            found: found.into(),
        });
    }
    Ok(v)
}
pub(crate) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .filter(|v| !v.is_null())
}

pub(crate) fn text(v: &Value, path: &[&str]) -> Option<String> {
    match at(v, path)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn count(v: &Value, path: &[&str]) -> Option<u32> {
    match at(v, path)? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
