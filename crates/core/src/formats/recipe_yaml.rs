//! srt-slurm recipe `config.yaml`, copied into every G2 run root (format reference §1.3).
//!
//! ```yaml
//! name: dsr1-1p4d
//! model: {path: /models/DeepSeek-R1, container: sglang+v0.5.9.sqsh, precision: fp4}
//! resources: {gpu_type: gb200, gpus_per_node: 4, prefill_nodes: 1, decode_nodes: 4, prefill_workers: 1, decode_workers: 4}
//! backend: {type: sglang, prefill_environment: {…}, sglang_config: {prefill: {…}, decode: {…}}}
//! benchmark: {type: sa-bench, isl: 8192, osl: 1024, concurrencies: "16x32x64"}   # or a list
//! profiling: {enabled: true, type: torch}
//! ```
//! Read with serde-saphyr (panic-free) into the same [`RunMetadata`] as `{jobid}.json`;
//! discovery uses it where the metadata is silent (v2.0 metadata has no concurrencies).

use serde_json::Value;

use super::json::{at, text};
use super::srt_metadata::flat_layout;
use super::{Format, Record};
use crate::model::{FormatError, RunMetadata};
use crate::text::paths::file_name;

pub struct RecipeYaml;

impl Format for RecipeYaml {
    fn name(&self) -> &'static str {
        "srt-recipe-yaml"
    }

    fn describes(&self) -> &'static str {
        "srt-slurm recipes config.yaml"
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        matches!(
            file_name(path),
            "config.yaml" | "config.yml" | "recipe.yaml"
        )
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let text = std::str::from_utf8(bytes).map_err(|e| FormatError::Shape {
            expected: "UTF-8 YAML",
            found: e.to_string(),
        })?;
        if text.trim().is_empty() {
            return Err(FormatError::Empty);
        }
        let v: Value = serde_saphyr::from_str(text).map_err(|e| FormatError::Shape {
            expected: "YAML",
            found: e.to_string().lines().next().unwrap_or("").to_owned(),
        })?;
        if !v.is_object() {
            return Err(FormatError::Shape {
                expected: "a YAML mapping",
                found: "another value".into(),
            });
        }
        out.push(Record::Config(Box::new(recipe_from_yaml(path, &v))));
        Ok(())
    }
}

fn recipe_from_yaml(path: &str, v: &Value) -> RunMetadata {
    let profiling_enabled = match at(v, &["profiling"]) {
        Some(Value::Object(p)) => p
            .get("enabled")
            .and_then(Value::as_bool)
            .unwrap_or(p.contains_key("type")),
        Some(Value::Bool(b)) => *b,
        _ => false,
    };
    RunMetadata {
        job_name: text(v, &["name"]),
        backend: text(v, &["backend", "type"]),
        profiling_enabled,
        ..flat_layout(path, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RunMetadata, FormatError> {
        let mut out = Vec::new();
        RecipeYaml.parse("outputs/9/config.yaml", text.as_bytes(), &mut out)?;
        match out.pop() {
            Some(Record::Config(m)) => Ok(*m),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn recipe_with_concurrency_list_and_profiling() {
        let m = parse(
            "name: x\nresources:\n  gpu_type: gb200\n  gpus_per_node: 4\n  agg_workers: 2\n  gpus_per_agg: 4\n\
             benchmark:\n  type: sa-bench\n  isl: 1024\n  osl: 128\n  concurrencies: [4, 8, 16]\nprofiling:\n  enabled: true\n",
        )
        .unwrap();
        assert_eq!(m.concurrencies, vec![4, 8, 16]);
        assert_eq!(
            (m.isl, m.osl, m.agg_workers),
            (Some(1024), Some(128), Some(2))
        );
        assert!(m.profiling_enabled);
        assert_eq!(
            parse("benchmark:\n  concurrencies: 16x32\n")
                .unwrap()
                .concurrencies,
            vec![16, 32]
        );
    }

    #[test]
    fn bad_yaml_is_an_error_not_a_panic() {
        for text in [
            "",
            "- a\n- b\n",
            "a: [1, 2\n",
            "\u{0}\u{1}: :",
            "key: 'unterminated\n",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }
}
