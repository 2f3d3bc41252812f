//! srt-slurm run metadata `{jobid}.json`, both versions, every field null-safe.
//!
//! v1.0 (G1, Nov–Dec 2025): `{"version": "1.0", "run_metadata": {"slurm_job_id", "run_date":
//! "20251110_192145", "container", "gpus_per_node", "prefill_nodes", …}, "profiler_metadata":
//! {"type": "sa-bench", "isl": "8192", "osl": "1024", "concurrencies": "16x32x64"}, "tags": []}`.
//! v2.0 (G2, Dec 2025 →): flat `{"version": "2.0", "job_id", "generated_at", "model": {"path",
//! "container"}, "resources": {"gpu_type", "gpus_per_node", "prefill_nodes": null, …},
//! "backend_type", "benchmark": {"type", "isl", "osl"}, "tags": []}`.

use serde_json::Value;

use super::json::{at, count, text};
use super::{json_object, Format, Record};
use crate::model::{FormatError, MetadataVersion, RunMetadata};
use crate::text::contains;
use crate::text::paths::file_name;
use crate::text::time::normalize_date;

pub struct SrtMetadata;

impl Format for SrtMetadata {
    fn name(&self) -> &'static str {
        "srt-slurm-metadata"
    }

    fn describes(&self) -> &'static str {
        "srt-slurm run metadata {jobid}.json (v1.0 and v2.0)"
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
