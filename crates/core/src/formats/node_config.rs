//! Dynamo's node configuration dump `*_config.json` (`--dump-config-to`; G1
//! `{node}_{prefill|decode}_config.json` in the run root, G2 `logs/{node}_config.json`), format
//! reference §1.4 and spec 000:
//! `{"gpu_info": {"count": 8, "gpus": [{"name": "NVIDIA H100", "memory_total": "80GB", …}]},
//!   "config": {"server_args": {"tp_size": 8, "dp_size": 8, …}}, "environment": {"NCCL_DEBUG": "INFO", …},
//!   "runtime_info": {"command_line_args": ["python3", "-m", "dynamo.sglang", "--tp-size", "8", …]}, …}`.
//! Missing top-level keys are reported as the reference's validation warnings.

use serde_json::Value;

use super::{json_object, Format, Record};
use crate::model::{Diagnostic, FormatError, GpuInfo, NodeConfig, Parallelism};
use crate::text::contains;
use crate::text::paths::file_name;

pub struct NodeConfigJson;

impl Format for NodeConfigJson {
    fn name(&self) -> &'static str {
        "node-config-json"
    }

    fn describes(&self) -> &'static str {
        "Dynamo node configuration dumps *_config.json (GPUs, server args, environment)"
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
    use crate::model::node_config::env_category;

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
