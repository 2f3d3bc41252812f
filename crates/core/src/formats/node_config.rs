//! Dynamo's node configuration dump `*_config.json` (`--dump-config-to`; G1
//! `{node}_{prefill|decode}_config.json` in the run root, G2 `logs/{node}_config.json`), format
//! reference §1.4 and spec 000:
//! `{"gpu_info": {"count": 8, "gpus": [{"name": "NVIDIA H100", "memory_total": "80GB", …}]},
//!   "config": {"server_args": {"tp_size": 8, "dp_size": 8, …}}, "environment": {"NCCL_DEBUG": "INFO", …},
//!   "runtime_info": {"command_line_args": ["python3", "-m", "dynamo.sglang", "--tp-size", "8", …]}, …}`.
//! Missing top-level keys are reported as the reference's validation warnings.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{contains, file_name, json_object, Format, Record};
use crate::diagnostics::{Diagnostic, FormatError};

pub struct NodeConfigJson;

/// Parallel sizes of a worker, from flags, server args or a config dump.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parallelism {
    pub tp: Option<u32>,
    pub dp: Option<u32>,
    pub ep: Option<u32>,
    pub pp: Option<u32>,
}

impl Parallelism {
    /// From flag or argument names as SGLang, vLLM and TRT-LLM spell them.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut p = Parallelism::default();
        for (k, v) in pairs {
            let n = v.trim().parse::<u32>().ok();
            match k.trim_start_matches('-').replace('-', "_").as_str() {
                "tp_size" | "tp" | "tensor_parallel_size" => p.tp = p.tp.or(n),
                "dp_size" | "dp" | "data_parallel_size" => p.dp = p.dp.or(n),
                "ep_size" | "ep" | "expert_parallel_size" | "moe_expert_parallel_size" => {
                    p.ep = p.ep.or(n)
                }
                "pp_size" | "pp" | "pipeline_parallel_size" => p.pp = p.pp.or(n),
                _ => {}
            }
        }
        p
    }
}

/// One GPU as the dump describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GpuInfo {
    pub name: Option<String>,
    pub memory_total: Option<String>,
    pub driver_version: Option<String>,
}

/// Environment variable categories of the Configuration view.
pub const ENV_CATEGORIES: &[(&str, &[&str])] = &[
    ("NCCL", &["NCCL_"]),
    ("SGLANG", &["SGLANG_", "SGL_", "DYN_SKIP_SGLANG"]),
    ("CUDA", &["CUDA_"]),
    ("MOONCAKE", &["MC_", "MOONCAKE_"]),
    ("UCX", &["UCX_"]),
    ("NIXL", &["NIXL_"]),
    ("OMPI", &["OMPI_", "PMIX_"]),
    ("VLLM", &["VLLM_"]),
    ("TRTLLM", &["TRTLLM_", "TLLM_", "TENSORRT_LLM"]),
];

/// The category of an environment variable (`other` when none fits).
pub fn env_category(name: &str) -> &'static str {
    ENV_CATEGORIES
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|p| name.starts_with(p)))
        .map_or("other", |(c, _)| c)
}

/// A node configuration dump.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeConfig {
    pub path: String,
    /// File name without `_config.json` (the node, possibly with its role).
    pub node: String,
    pub gpu_count: Option<u32>,
    pub gpus: Vec<GpuInfo>,
    /// `config.server_args` flattened to text values, in file order.
    pub server_args: Vec<(String, String)>,
    pub environment: Vec<(String, String)>,
    /// `runtime_info.command_line_args`.
    pub command_line: Vec<String>,
    pub parallelism: Parallelism,
    pub versions: Vec<(String, String)>,
    /// Validation warnings (missing `config`, `gpu_info`, `environment`, …).
    pub warnings: Vec<Diagnostic>,
}

impl Format for NodeConfigJson {
    fn name(&self) -> &'static str {
        "node-config-json"
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        path.ends_with("_config.json")
            || (path.ends_with(".json")
                && (contains(head, b"\"gpu_info\"") || contains(head, b"\"server_args\""))
                && contains(head, b"\"environment\""))
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let v = json_object(bytes, "a config dump object")?;
        out.push(Record::NodeConfig(Box::new(node_config(path, &v))));
        Ok(())
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn node_config(path: &str, v: &Value) -> NodeConfig {
    let mut warnings = Vec::new();
    for key in ["config", "gpu_info", "environment"] {
        if v.get(key).is_none_or(Value::is_null) {
            warnings.push(Diagnostic::warning(
                path,
                format!("config dump has no `{key}`"),
            ));
        }
    }
    let server_args = v.pointer("/config/server_args").and_then(Value::as_object);
    if v.get("config").is_some_and(|c| !c.is_null()) && server_args.is_none() {
        warnings.push(Diagnostic::warning(
            path,
            "config dump has no `config.server_args`",
        ));
    }
    let gpus = v.pointer("/gpu_info/gpus").and_then(Value::as_array);
    if v.get("gpu_info").is_some_and(|g| !g.is_null()) && gpus.is_none() {
        warnings.push(Diagnostic::warning(
            path,
            "config dump has no `gpu_info.gpus`",
        ));
    }
    let server_args: Vec<(String, String)> = server_args
        .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default();
    let command_line: Vec<String> = v
        .pointer("/runtime_info/command_line_args")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(text).collect())
        .unwrap_or_default();
    let mut parallelism =
        Parallelism::from_pairs(server_args.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let flag_pairs: Vec<(&str, &str)> = command_line
        .windows(2)
        .map(|w| (w[0].as_str(), w[1].as_str()))
        .collect();
    let from_flags = Parallelism::from_pairs(flag_pairs);
    parallelism.tp = parallelism.tp.or(from_flags.tp);
    parallelism.dp = parallelism.dp.or(from_flags.dp);
    parallelism.ep = parallelism.ep.or(from_flags.ep);
    parallelism.pp = parallelism.pp.or(from_flags.pp);
    let field = |g: &Value, k: &str| g.get(k).filter(|x| !x.is_null()).map(text);
    NodeConfig {
        path: path.to_owned(),
        node: file_name(path)
            .trim_end_matches(".json")
            .trim_end_matches("_config")
            .to_owned(),
        gpu_count: v
            .pointer("/gpu_info/count")
            .and_then(Value::as_u64)
            .map(|c| c as u32),
        gpus: gpus
            .map(|g| {
                g.iter()
                    .map(|g| GpuInfo {
                        name: field(g, "name"),
                        memory_total: field(g, "memory_total"),
                        driver_version: field(g, "driver_version"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        server_args,
        environment: v
            .get("environment")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            .unwrap_or_default(),
        command_line,
        parallelism,
        versions: [
            "dynamo_version",
            "sglang_version",
            "vllm_version",
            "trtllm_version",
        ]
        .iter()
        .filter_map(|k| {
            v.get(*k)
                .filter(|x| !x.is_null())
                .map(|x| (k.to_string(), text(x)))
        })
        .collect(),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_with_server_args_and_command_line() {
        let mut out = Vec::new();
        NodeConfigJson
            .parse(
                "logs/cn01_prefill_config.json",
                br#"{"gpu_info": {"count": 8, "gpus": [{"name": "NVIDIA H100", "memory_total": "80GB"}]},
                    "config": {"server_args": {"tp_size": 8, "dp_size": 8, "served_model_name": "R1"}},
                    "environment": {"NCCL_DEBUG": "INFO", "SGLANG_X": "1", "PATH": "/bin"},
                    "runtime_info": {"command_line_args": ["python3", "-m", "dynamo.sglang", "--ep-size", "8"]}}"#,
                &mut out,
            )
            .unwrap();
        let Some(Record::NodeConfig(c)) = out.pop() else {
            panic!()
        };
        assert_eq!(c.node, "cn01_prefill");
        assert_eq!(
            c.parallelism,
            Parallelism {
                tp: Some(8),
                dp: Some(8),
                ep: Some(8),
                pp: None
            }
        );
        assert_eq!(c.gpus[0].name.as_deref(), Some("NVIDIA H100"));
        assert!(c.warnings.is_empty());
        assert_eq!(env_category("NCCL_DEBUG"), "NCCL");
        assert_eq!(env_category("DYN_SKIP_SGLANG_LOG_FORMATTING"), "SGLANG");
        assert_eq!(env_category("PATH"), "other");
    }

    #[test]
    fn missing_keys_are_validation_warnings() {
        let mut out = Vec::new();
        NodeConfigJson
            .parse(
                "n_config.json",
                br#"{"config": {}, "gpu_info": null}"#,
                &mut out,
            )
            .unwrap();
        let Some(Record::NodeConfig(c)) = out.pop() else {
            panic!()
        };
        let messages: Vec<&str> = c.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(messages.contains(&"config dump has no `gpu_info`"));
        assert!(messages.contains(&"config dump has no `environment`"));
        assert!(messages.contains(&"config dump has no `config.server_args`"));
    }
}
