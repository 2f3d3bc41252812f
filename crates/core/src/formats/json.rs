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

/// Python's `json.dump` writes non-finite floats as the bare tokens `NaN`, `Infinity` and
/// `-Infinity`, which strict JSON (and serde_json) rejects. Returns the text with each such token
/// outside a string replaced by the string `"NaN"`, `"Infinity"` or `"-Infinity"` (read back by
/// [`non_finite`]); the input is borrowed unchanged when it has none. Text inside strings (a
/// generated text saying "NaN") is left alone.
pub(crate) fn python_json(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const TOKENS: [&[u8]; 3] = [b"-Infinity", b"Infinity", b"NaN"];
    let mut out: Option<Vec<u8>> = None;
    let (mut in_string, mut escaped) = (false, false);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if matches!(b, b'-' | b'I' | b'N') {
            if let Some(t) = TOKENS.iter().find(|t| bytes[i..].starts_with(t)) {
                let o = out.get_or_insert_with(|| Vec::with_capacity(bytes.len() + 64));
                o.extend_from_slice(&bytes[copied..i]);
                o.push(b'"');
                o.extend_from_slice(t);
                o.push(b'"');
                i += t.len();
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    match out {
        Some(mut o) => {
            o.extend_from_slice(&bytes[copied..]);
            std::borrow::Cow::Owned(o)
        }
        None => std::borrow::Cow::Borrowed(bytes),
    }
}

/// The value a non-finite number was written as: Python's tokens as [`python_json`] quotes them,
/// and the strings `"inf"`/`"-inf"`/`"nan"` some producers write themselves.
pub(crate) fn non_finite(v: &Value) -> Option<f64> {
    match v.as_str()?.trim().to_ascii_lowercase().as_str() {
        "infinity" | "inf" => Some(f64::INFINITY),
        "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    }
}

/// A number, or a string holding one (`json.dump(default=str)` writes numpy integers as `"550"`,
/// LLMPerf writes some numbers as strings). Non-finite values are missing.
pub(crate) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_tokens_outside_strings_become_strings() {
        let text =
            br#"{"a": NaN, "b": [Infinity, -Infinity], "t": "NaN and Infinity \" NaN", "c": 1}"#;
        let fixed = python_json(text);
        let v: Value = serde_json::from_slice(&fixed).unwrap();
        assert_eq!(non_finite(&v["b"][0]), Some(f64::INFINITY));
        assert_eq!(non_finite(&v["b"][1]), Some(f64::NEG_INFINITY));
        assert!(non_finite(&v["a"]).is_some_and(f64::is_nan));
        assert_eq!(v["t"], "NaN and Infinity \" NaN");
        assert!(matches!(
            python_json(b"{\"a\": 1}"),
            std::borrow::Cow::Borrowed(_)
        ));
        // Truncated or odd input never panics.
        for t in [&b"NaN"[..], b"-", b"\"unterminated", b"N", b"-Inf", b"\\"] {
            let _ = python_json(t);
        }
    }
}
