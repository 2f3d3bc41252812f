//! srt-slurm run metadata `{jobid}.json`, both versions, every field null-safe.
//!
//! v1.0 (G1, Nov–Dec 2025): `{"version": "1.0", "run_metadata": {"slurm_job_id", "run_date":
//! "20251110_192145", "container", "gpus_per_node", "prefill_nodes", …}, "profiler_metadata":
//! {"type": "sa-bench", "isl": "8192", "osl": "1024", "concurrencies": "16x32x64"}, "tags": []}`.
//! v2.0 (G2, Dec 2025 →): flat `{"version": "2.0", "job_id", "generated_at", "model": {"path",
//! "container"}, "resources": {"gpu_type", "gpus_per_node", "prefill_nodes": null, …},
//! "backend_type", "benchmark": {"type", "isl", "osl"}, "tags": []}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{contains, file_name, json_object, Format, Record};
use crate::diagnostics::FormatError;

pub struct SrtMetadata;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MetadataVersion {
    V1,
    V2,
}

/// Run metadata normalised across versions; absent and null fields are `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMetadata {
    pub path: String,
    pub version: Option<MetadataVersion>,
    pub job_id: Option<String>,
    pub job_name: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub run_date: Option<String>,
    pub container: Option<String>,
    pub model: Option<String>,
    pub gpu_type: Option<String>,
    pub gpus_per_node: Option<u32>,
    pub prefill_nodes: Option<u32>,
    pub decode_nodes: Option<u32>,
    pub agg_nodes: Option<u32>,
    pub prefill_workers: Option<u32>,
    pub decode_workers: Option<u32>,
    pub agg_workers: Option<u32>,
    pub gpus_per_prefill: Option<u32>,
    pub gpus_per_decode: Option<u32>,
    pub gpus_per_agg: Option<u32>,
    /// `aggregated` or `disaggregated` when stated.
    pub mode: Option<String>,
    pub backend: Option<String>,
    /// Benchmark type (`sa-bench`, `torch-profiler`, `mooncake-router`, …).
    pub profiler: Option<String>,
    pub isl: Option<u32>,
    pub osl: Option<u32>,
    pub concurrencies: Vec<u32>,
    pub tags: Vec<String>,
    /// A recipe with a `profiling:` block that is enabled (G2 profiling runs).
    pub profiling_enabled: bool,
    /// Additional frontends (v1.0 `num_additional_frontends`).
    pub frontends: Option<u32>,
}

impl Format for SrtMetadata {
    fn name(&self) -> &'static str {
        "srt-slurm-metadata"
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        let name = file_name(path);
        let Some(stem) = name.strip_suffix(".json") else {
            return false;
        };
        let numeric_name = !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit());
        numeric_name
            || contains(head, b"\"run_metadata\"")
            || (contains(head, b"\"job_id\"") && contains(head, b"\"resources\""))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let value = json_object(bytes, "a JSON object")?;
        out.push(Record::Metadata(Box::new(metadata_from_json(path, &value))));
        Ok(())
    }
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

/// `16x32x64`, `[16, 32]`, `"16,32"` → `[16, 32, 64]`; garbage entries are ignored.
pub fn parse_concurrency_list(v: &Value) -> Vec<u32> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| {
                i.as_u64()
                    .map(|n| n as u32)
                    .or_else(|| i.as_str()?.trim().parse().ok())
            })
            .collect(),
        Value::String(s) => s
            .split(['x', ',', ' '])
            .filter_map(|t| t.trim().parse().ok())
            .collect(),
        Value::Number(n) => n.as_u64().map(|n| vec![n as u32]).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// `20251110_192145` or `2025-11-10 19:21:45` → `2025-11-10 19:21:45`.
pub fn normalize_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let b = raw.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if b.len() == 15 && (b[8] == b'_' || b[8] == b'-') && digits(&b[..8]) && digits(&b[9..]) {
        return Some(format!(
            "{}-{}-{} {}:{}:{}",
            &raw[0..4],
            &raw[4..6],
            &raw[6..8],
            &raw[9..11],
            &raw[11..13],
            &raw[13..15]
        ));
    }
    if b.len() >= 19 && b[4] == b'-' && b[7] == b'-' && (b[10] == b' ' || b[10] == b'T') {
        return Some(format!("{} {}", &raw[..10], &raw[11..19]));
    }
    None
}

fn metadata_from_json(path: &str, v: &Value) -> RunMetadata {
    let tags = at(v, &["tags"])
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(rm) = at(v, &["run_metadata"]) {
        let pm = at(v, &["profiler_metadata"]).or_else(|| at(v, &["benchmark"]));
        let p = |k: &str| pm.and_then(|pm| text(pm, &[k]));
        return RunMetadata {
            path: path.to_owned(),
            version: Some(MetadataVersion::V1),
            job_id: text(rm, &["slurm_job_id"]).or_else(|| text(rm, &["job_id"])),
            job_name: text(rm, &["job_name"]),
            run_date: text(rm, &["run_date"])
                .or_else(|| text(v, &["generated_at"]))
                .and_then(|d| normalize_date(&d)),
            container: text(rm, &["container"]),
            model: text(rm, &["model_dir"]),
            gpu_type: text(rm, &["gpu_type"]),
            gpus_per_node: count(rm, &["gpus_per_node"]),
            prefill_nodes: count(rm, &["prefill_nodes"]),
            decode_nodes: count(rm, &["decode_nodes"]),
            agg_nodes: count(rm, &["agg_nodes"]),
            prefill_workers: count(rm, &["prefill_workers"]),
            decode_workers: count(rm, &["decode_workers"]),
            agg_workers: count(rm, &["agg_workers"]),
            gpus_per_prefill: None,
            gpus_per_decode: None,
            gpus_per_agg: None,
            mode: text(rm, &["mode"]),
            backend: None,
            profiler: p("type"),
            isl: p("isl").and_then(|s| s.parse().ok()),
            osl: p("osl").and_then(|s| s.parse().ok()),
            concurrencies: pm
                .and_then(|pm| at(pm, &["concurrencies"]))
                .map(parse_concurrency_list)
                .unwrap_or_default(),
            tags,
            profiling_enabled: false,
            frontends: count(rm, &["num_additional_frontends"]),
        };
    }
    RunMetadata {
        version: Some(MetadataVersion::V2),
        job_id: text(v, &["job_id"]),
        job_name: text(v, &["job_name"]),
        run_date: text(v, &["generated_at"]).and_then(|d| normalize_date(&d)),
        backend: text(v, &["backend_type"]),
        tags,
        ..flat_layout(path, v)
    }
}

/// The `model` / `resources` / `benchmark` sections shared by v2.0 metadata and the recipe.
pub(crate) fn flat_layout(path: &str, v: &Value) -> RunMetadata {
    let r = |k: &str| count(v, &["resources", k]);
    RunMetadata {
        path: path.to_owned(),
        container: text(v, &["model", "container"]),
        model: text(v, &["model", "path"]),
        gpu_type: text(v, &["resources", "gpu_type"]),
        gpus_per_node: r("gpus_per_node"),
        prefill_nodes: r("prefill_nodes"),
        decode_nodes: r("decode_nodes"),
        agg_nodes: r("agg_nodes"),
        prefill_workers: r("prefill_workers"),
        decode_workers: r("decode_workers"),
        agg_workers: r("agg_workers"),
        gpus_per_prefill: r("gpus_per_prefill"),
        gpus_per_decode: r("gpus_per_decode"),
        gpus_per_agg: r("gpus_per_agg"),
        profiler: text(v, &["benchmark", "type"]),
        isl: count(v, &["benchmark", "isl"]),
        osl: count(v, &["benchmark", "osl"]),
        concurrencies: at(v, &["benchmark", "concurrencies"])
            .map(parse_concurrency_list)
            .unwrap_or_default(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> RunMetadata {
        let mut out = Vec::new();
        SrtMetadata
            .parse("runs/123/123.json", text.as_bytes(), &mut out)
            .unwrap();
        match out.pop() {
            Some(Record::Metadata(m)) => *m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn v1_reads_profiler_metadata() {
        let m = parse(
            r#"{"version":"1.0","run_metadata":{"slurm_job_id":"3667","run_date":"20251110_192145",
            "gpus_per_node":4,"prefill_nodes":1,"decode_nodes":4,"prefill_workers":1,"decode_workers":4,
            "mode":"disaggregated","gpu_type":"gb200"},
            "profiler_metadata":{"type":"sa-bench","isl":"8192","osl":"1024","concurrencies":"16x32x64"}}"#,
        );
        assert_eq!(m.version, Some(MetadataVersion::V1));
        assert_eq!(m.job_id.as_deref(), Some("3667"));
        assert_eq!(m.run_date.as_deref(), Some("2025-11-10 19:21:45"));
        assert_eq!((m.isl, m.osl), (Some(8192), Some(1024)));
        assert_eq!(m.concurrencies, vec![16, 32, 64]);
    }

    #[test]
    fn v2_with_null_resources_does_not_fail() {
        let m = parse(
            r#"{"version":"2.0","job_id":null,"generated_at":"2026-05-01 10:00:00",
            "resources":{"gpu_type":"gb300","gpus_per_node":4,"prefill_nodes":1,"decode_nodes":2,"agg_nodes":null,
            "prefill_workers":1,"decode_workers":2,"agg_workers":0},"benchmark":{"type":"sa-bench","isl":1024,"osl":null}}"#,
        );
        assert_eq!(m.job_id, None);
        assert_eq!(m.agg_nodes, None);
        assert_eq!(m.decode_nodes, Some(2));
        assert_eq!((m.isl, m.osl), (Some(1024), None));
    }

    #[test]
    fn non_objects_are_shape_errors() {
        let mut out = Vec::new();
        assert!(SrtMetadata.parse("1.json", b"[1]", &mut out).is_err());
        assert!(SrtMetadata.parse("1.json", b"", &mut out).is_err());
        assert!(SrtMetadata.parse("1.json", b"{\"a\":", &mut out).is_err());
    }
}
