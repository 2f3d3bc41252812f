//! Key/value and argument splitting: `key: value, …` fields of log messages, top-level
//! `k=v` pairs of Python reprs and connector messages (brackets and quotes nest), shell words
//! and `--flag value` pairs of command lines and argv lists.

use super::number::trim;

/// Split `key: value, key: value, …` (separator `", "`), calling `f(key, value)`; a part
/// without `sep` is passed with an empty key (a list continuation such as `0.413`).
pub fn for_each_field<'a>(b: &'a [u8], sep: u8, mut f: impl FnMut(&'a [u8], &'a [u8])) {
    for part in b.split(|&c| c == b',') {
        let part = trim(part);
        if part.is_empty() {
            continue;
        }
        match part.iter().position(|&c| c == sep) {
            Some(i) => f(&part[..i], &part[i + 1..]),
            None => f(b"", part),
        }
    }
}
/// Split a shell command into words (single/double quotes and backslash escapes honoured).
fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// `--flag value`, `--flag=value`, `--switch` (→ `true`) pairs of a command line.
pub fn command_flags(args: &str) -> Vec<(String, String)> {
    flags_from_argv(&shell_words(args))
}

/// `--flag value`, `--flag=value`, `--switch` (→ `true`) pairs of an argv list (a config dump's
/// `command_line_args`, or a command line split into words).
pub fn flags_from_argv(argv: &[String]) -> Vec<(String, String)> {
    let mut flags = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        if let Some(flag) = argv[i].strip_prefix("--") {
            if let Some((k, v)) = flag.split_once('=') {
                flags.push((k.to_owned(), v.to_owned()));
            } else if argv.get(i + 1).is_some_and(|n| !n.starts_with("--")) {
                flags.push((flag.to_owned(), argv[i + 1].clone()));
                i += 1;
            } else {
                flags.push((flag.to_owned(), "true".to_owned()));
            }
        }
        i += 1;
    }
    flags
}

/// Top-level parts of a comma-separated body: brackets nest, and with `quotes` so do `'…'` and
/// `"…"` (Python reprs; connector messages may contain apostrophes, so they pass `false`).
pub fn top_level_parts(body: &str, quotes: bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') if quotes => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth <= 0 => {
                parts.push(body.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(body.get(start..).unwrap_or(""));
    parts
}

/// Top-level `key=value` or `'key': value` pairs of a Python repr body (brackets and quotes nest).
pub fn python_pairs(body: &str, sep: char) -> Vec<(String, String)> {
    top_level_parts(body, true)
        .into_iter()
        .filter_map(|p| {
            let (k, v) = p.split_once(sep)?;
            let unquote = |s: &str| s.trim().trim_matches(|c| c == '\'' || c == '"').to_owned();
            Some((unquote(k), unquote(v)))
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// Top-level `k=v, k=v` (or `k:v`) pairs of a log message; brackets keep lists whole, parts
/// whose key is empty or has a space are not pairs.
pub fn message_pairs(body: &str, sep: char) -> Vec<(String, String)> {
    top_level_parts(body, false)
        .into_iter()
        .filter_map(|p| {
            let (k, v) = p.trim().split_once(sep)?;
            let k = k.trim();
            (!k.is_empty() && !k.contains(' ')).then(|| (k.to_owned(), v.trim().to_owned()))
        })
        .collect()
}
