//! Redaction before sharing: host names, IP addresses, user names (and the home paths that name
//! them), absolute file-system paths, model names and paths, environment values and tags are
//! replaced everywhere in a dataset by stable pseudonyms (`node-1`, `node-2`, … in order of first
//! appearance, so topology stays readable). [`plan`] lists what would be replaced, with counts,
//! for the user to confirm; [`apply`] replaces it in every string of the model.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::Dataset;

/// A kind of value to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedactKind {
    Hosts,
    Ips,
    Users,
    Paths,
    Models,
    Env,
    Tags,
}

impl RedactKind {
    pub const ALL: [RedactKind; 7] = [
        RedactKind::Hosts,
        RedactKind::Ips,
        RedactKind::Users,
        RedactKind::Paths,
        RedactKind::Models,
        RedactKind::Env,
        RedactKind::Tags,
    ];

    /// What the kind covers, for the page's redaction dialog.
    pub fn label(self) -> &'static str {
        match self {
            RedactKind::Hosts => "host names",
            RedactKind::Ips => "IP addresses",
            RedactKind::Users => "user names (and their home paths)",
            RedactKind::Paths => "file-system paths",
            RedactKind::Models => "model names and paths",
            RedactKind::Env => "environment values",
            RedactKind::Tags => "tags",
        }
    }

    fn pseudonym_stem(self) -> &'static str {
        match self {
            RedactKind::Hosts => "node",
            RedactKind::Ips => "ip",
            RedactKind::Users => "user",
            RedactKind::Paths => "/path",
            RedactKind::Models => "model",
            RedactKind::Env => "env",
            RedactKind::Tags => "tag",
        }
    }
}

impl fmt::Display for RedactKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            RedactKind::Hosts => "hosts",
            RedactKind::Ips => "ips",
            RedactKind::Users => "users",
            RedactKind::Paths => "paths",
            RedactKind::Models => "models",
            RedactKind::Env => "env",
            RedactKind::Tags => "tags",
        })
    }
}

impl FromStr for RedactKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        RedactKind::ALL
            .into_iter()
            .find(|k| k.to_string() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "unknown redaction {s:?} (hosts, ips, users, paths, models, env, tags, all)"
                )
            })
    }
}

/// One value to replace, its pseudonym and how many times it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    pub kind: RedactKind,
    pub original: String,
    pub pseudonym: String,
    pub occurrences: usize,
}

/// Values shorter than this are never replaced (they would hit unrelated text).
const MIN_TOKEN: usize = 3;

fn each_string(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| each_string(x, f)),
        Value::Object(o) => o.values().for_each(|x| each_string(x, f)),
        _ => {}
    }
}

fn each_string_mut(v: &mut Value, f: &mut dyn FnMut(&mut String)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter_mut().for_each(|x| each_string_mut(x, f)),
        Value::Object(o) => o.values_mut().for_each(|x| each_string_mut(x, f)),
        _ => {}
    }
}

/// IPv4 addresses in `s`.
fn ipv4s(s: &str) -> Vec<&str> {
    let is_part = |c: char| c.is_ascii_digit() || c == '.';
    s.split(|c: char| !is_part(c))
        .filter(|t| {
            let parts: Vec<&str> = t.split('.').collect();
            parts.len() == 4
                && parts.iter().all(|p| {
                    !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|n| n <= 255)
                })
        })
        .collect()
}

/// Absolute paths in `s` (`/a/b…`, at least two components).
fn abs_paths(s: &str) -> Vec<&str> {
    s.split(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '=' | ',' | ';' | '(' | ')' | '[' | ']')
    })
    .map(|t| t.trim_end_matches(['.', ':']))
    .filter(|t| t.len() > MIN_TOKEN && t.strip_prefix('/').is_some_and(|rest| rest.contains('/')))
    .collect()
}

/// User names in home paths (`/home/<u>`, `/Users/<u>`).
fn home_users(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for prefix in ["/home/", "/Users/"] {
        let mut rest = s;
        while let Some((_, after)) = rest.split_once(prefix) {
            let user = after.split(['/', ' ', '"', '\'', ':']).next().unwrap_or("");
            if !user.is_empty() {
                out.push(user);
            }
            rest = after;
        }
    }
    out
}

/// What [`apply`] would replace for `kinds`, in order of kind then first appearance.
/// The model as JSON, through text: serde's `Value` serializer would be a second copy of all the
/// model's serialisation code in the worker's wasm, the text one is there already.
fn json_of(ds: &Dataset) -> Value {
    serde_json::to_vec(ds)
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok())
        .unwrap_or(Value::Null)
}

pub fn plan(ds: &Dataset, kinds: &[RedactKind]) -> Vec<Redaction> {
    let json = json_of(ds);
    let mut found: Vec<(RedactKind, String)> = Vec::new();
    let mut add = |kind: RedactKind, v: &str| {
        let v = v.trim();
        if v.len() >= MIN_TOKEN && kinds.contains(&kind) && !found.iter().any(|(_, o)| o == v) {
            found.push((kind, v.to_owned()));
        }
    };
    for l in &ds.worker_logs {
        if let Some(n) = &l.log.identity.node {
            add(RedactKind::Hosts, n);
        }
    }
    for c in &ds.node_configs {
        add(RedactKind::Hosts, &c.config.node);
        for (k, v) in &c.config.environment {
            if matches!(k.as_str(), "USER" | "LOGNAME" | "SLURM_JOB_USER") {
                add(RedactKind::Users, v);
            }
            if matches!(k.as_str(), "HOSTNAME" | "SLURMD_NODENAME") {
                add(RedactKind::Hosts, v);
            }
        }
        for (k, v) in &c.config.server_args {
            if k.contains("model") {
                add(RedactKind::Models, v);
            }
        }
    }
    for r in &ds.runs {
        if let Some(m) = &r.model {
            add(RedactKind::Models, &m.value);
        }
        for p in &r.points {
            if let Some(m) = &p.model_id {
                add(RedactKind::Models, m);
            }
        }
        for t in &r.tags {
            add(RedactKind::Tags, t);
        }
    }
    each_string(&json, &mut |s| {
        for u in home_users(s) {
            add(RedactKind::Users, u);
        }
        for ip in ipv4s(s) {
            add(RedactKind::Ips, ip);
        }
        for p in abs_paths(s) {
            add(RedactKind::Paths, p);
        }
    });
    // Environment values last: a value that is also a host or a path keeps that pseudonym.
    for c in &ds.node_configs {
        for (_, v) in &c.config.environment {
            add(RedactKind::Env, v);
        }
    }
    let mut counters: BTreeMap<RedactKind, usize> = BTreeMap::new();
    let mut plan: Vec<Redaction> = found
        .into_iter()
        .map(|(kind, original)| {
            let n = counters.entry(kind).or_default();
            *n += 1;
            Redaction {
                kind,
                pseudonym: format!("{}-{n}", kind.pseudonym_stem()),
                original,
                occurrences: 0,
            }
        })
        .collect();
    each_string(&json, &mut |s| {
        for r in plan.iter_mut() {
            r.occurrences += s.matches(r.original.as_str()).count();
        }
    });
    plan.sort_by_key(|r| r.kind);
    plan
}

/// `ds` with every planned value replaced by its pseudonym, in every string of the model
/// (longer values first, so a path goes before the host name inside it).
pub fn apply(ds: &Dataset, plan: &[Redaction]) -> Dataset {
    serde_json::from_value(apply_to_json(ds, plan)).unwrap_or_else(|_| ds.clone())
}

/// [`apply`] as the model's JSON, for writing straight to a saved dataset
/// (`ingest::saved::save_dataset_json`) without building the model back.
pub fn apply_to_json(ds: &Dataset, plan: &[Redaction]) -> Value {
    let mut order: Vec<&Redaction> = plan.iter().collect();
    order.sort_by_key(|r| std::cmp::Reverse(r.original.len()));
    let mut json = json_of(ds);
    each_string_mut(&mut json, &mut |s| {
        for r in &order {
            if s.contains(r.original.as_str()) {
                *s = s.replace(r.original.as_str(), &r.pseudonym);
            }
        }
    });
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeConfig, RunNodeConfig};

    #[test]
    fn hosts_ips_users_paths_and_env_get_stable_pseudonyms() {
        let ds = Dataset {
            node_configs: vec![RunNodeConfig {
                run_key: "runs/42".into(),
                config: NodeConfig {
                    node: "gpu-a17".into(),
                    path: "/home/alice/runs/42/logs/gpu-a17_config.json".into(),
                    environment: vec![
                        ("USER".into(), "alice".into()),
                        ("MASTER_ADDR".into(), "10.1.2.3".into()),
                        ("HF_TOKEN".into(), "hf_secret".into()),
                    ],
                    server_args: vec![("model_path".into(), "/models/Secret-70B".into())],
                    ..Default::default()
                },
            }],
            ..Default::default()
        };
        let plan = plan(&ds, &RedactKind::ALL);
        let find = |o: &str| {
            plan.iter()
                .find(|r| r.original == o)
                .map(|r| r.pseudonym.clone())
        };
        assert_eq!(find("gpu-a17").as_deref(), Some("node-1"));
        assert_eq!(find("10.1.2.3").as_deref(), Some("ip-1"));
        assert_eq!(find("alice").as_deref(), Some("user-1"));
        assert_eq!(find("hf_secret").as_deref(), Some("env-1"));
        assert!(find("/models/Secret-70B").is_some());
        let out = apply(&ds, &plan);
        let text = serde_json::to_string(&out).unwrap();
        for secret in ["gpu-a17", "10.1.2.3", "alice", "hf_secret", "Secret-70B"] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        // Written straight from the JSON, the saved dataset reads back as the redacted model.
        let saved = crate::ingest::saved::save_dataset_json(&apply_to_json(&ds, &plan));
        assert_eq!(crate::ingest::saved::load_dataset(&saved).unwrap(), out);
        // Only the kinds asked for.
        let only_hosts = super::plan(&ds, &[RedactKind::Hosts]);
        assert!(only_hosts.iter().all(|r| r.kind == RedactKind::Hosts));
    }
}
