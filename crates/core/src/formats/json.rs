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

/// Python's `json.dump` writes `NaN`, `Infinity` and `-Infinity` for non-finite floats (an empty
/// pandas series' mean is `NaN`); JSON has no such literals. Each one outside a string becomes
/// `null`, so the value reads as missing. Bytes without them are returned as they are.
pub(crate) fn python_literals_to_null(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const LITERALS: &[&[u8]] = &[b"-Infinity", b"Infinity", b"NaN"];
    let has_literal = LITERALS
        .iter()
        .any(|l| bytes.windows(l.len()).any(|w| w == *l));
    if !has_literal {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let (mut in_string, mut escaped, mut i) = (false, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if let Some(l) = LITERALS.iter().find(|l| bytes[i..].starts_with(l)) {
            out.extend_from_slice(b"null");
            i += l.len();
            continue;
        }
        out.push(b);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// A number, or a string holding one (`json.dump(default=str)` writes numpy integers as `"550"`).
pub(crate) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}
