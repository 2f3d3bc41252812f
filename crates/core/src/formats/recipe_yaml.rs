//! srt-slurm recipe `config.yaml`, copied into every G2 run root (format reference §1.3), in both
//! layouts srt-slurm has written.
//!
//! v1 (srt-slurm 1.x):
//! ```yaml
//! name: dsr1-1p4d
//! model: {path: /models/DeepSeek-R1, container: sglang+v0.5.9.sqsh, precision: fp4}
//! resources: {gpu_type: gb200, gpus_per_node: 4, prefill_nodes: 1, decode_nodes: 4, prefill_workers: 1, decode_workers: 4}
//! backend: {type: sglang, prefill_environment: {…}, sglang_config: {prefill: {…}, decode: {…}}}
//! benchmark: {type: sa-bench, isl: 8192, osl: 1024, concurrencies: "16x32x64"}   # or a list
//! profiling: {enabled: true, type: torch}
//! ```
//! `schema: 2` (srt-slurm 2.x; NVIDIA/srt-slurm `docs/schema-reference.md` @ 01aebde8 and
//! `docs/legacy-v1.md` @ 507a2d1b): the topology moves to `roles.{prefill,decode,agg}` with
//! `nodes` (`colocate` on decode replaces the v1 `decode_nodes: 0`), `workers`, `gpus` (per
//! worker; unset means `nodes × gpus_per_node ÷ workers`), and optionally a role's own `engine`
//! and `container`; the engine is `engine: sglang` or `engine: {type: sglang, …}` instead of
//! `backend.type`. `model`, `resources.{gpu_type,gpus_per_node}` and `benchmark` keep their v1
//! keys. The resolved copies srt-slurm 2.x writes beside the recipe (`config_resolved.yaml`,
//! `recipe.lock.yaml`, `config_<suffix>.yaml`) are read the same way.
//!
//! Read with serde-saphyr (panic-free) into the same [`RunMetadata`] as `{jobid}.json`;
//! discovery uses it where the metadata is silent (v2.0 metadata has no concurrencies).

use serde_json::Value;

use super::json::{at, count, text};
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
        "srt-slurm recipes: config.yaml (v1 and schema 2), config_resolved.yaml, recipe.lock.yaml"
    }

    fn sniff(&self, path: &str, head: &[u8]) -> bool {
        let name = file_name(path);
        if matches!(
            name,
            "config.yaml"
                | "config.yml"
                | "recipe.yaml"
                | "config_resolved.yaml"
                | "recipe.lock.yaml"
        ) {
            return true;
        }
        // `config_<suffix>.yaml`: a resolved recipe only when it reads like one.
        let suffixed =
            name.starts_with("config_") && (name.ends_with(".yaml") || name.ends_with(".yml"));
        let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        suffixed && (contains(b"roles:") || contains(b"resources:"))
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
    let mut m = RunMetadata {
        job_name: text(v, &["name"]),
        backend: text(v, &["backend", "type"]).or_else(|| engine_type(at(v, &["engine"]))),
        profiling_enabled,
        ..flat_layout(path, v)
    };
    if let Some(Value::Object(roles)) = at(v, &["roles"]) {
        apply_roles(&mut m, roles);
    }
    m
}

/// `engine: sglang` or `engine: {type: sglang, …}`.
fn engine_type(engine: Option<&Value>) -> Option<String> {
    match engine? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        e @ Value::Object(_) => text(e, &["type"]),
        _ => None,
    }
}

/// The roles of a `schema: 2` recipe onto the v1 fields (`legacy-v1.md`: `roles.prefill.nodes`
/// is `resources.prefill_nodes`, `roles.prefill.gpus` is `resources.gpus_per_prefill`, …).
fn apply_roles(m: &mut RunMetadata, roles: &serde_json::Map<String, Value>) {
    let gpn = m.gpus_per_node;
    let mut role = |name: &str| -> Option<(Option<u32>, Option<u32>, Option<u32>)> {
        let r = roles.get(name).filter(|r| r.is_object())?;
        let nodes = match at(r, &["nodes"]) {
            Some(Value::String(s)) if s.trim().eq_ignore_ascii_case("colocate") => Some(0),
            _ => count(r, &["nodes"]),
        };
        let workers = count(r, &["workers"]);
        // The loader's default: the role's GPUs shared evenly by its workers.
        let gpus = count(r, &["gpus"]).or_else(|| match (nodes, workers, gpn) {
            (Some(n), Some(w), Some(g)) if n > 0 && w > 0 => Some(n * g / w),
            _ => None,
        });
        if m.backend.is_none() {
            m.backend = engine_type(at(r, &["engine"]));
        }
        if m.container.is_none() {
            m.container = text(r, &["container"]);
        }
        Some((nodes, workers, gpus))
    };
    let (prefill, decode, agg) = (role("prefill"), role("decode"), role("agg"));
    if let Some((n, w, g)) = prefill {
        (m.prefill_nodes, m.prefill_workers, m.gpus_per_prefill) = (n, w, g);
    }
    if let Some((n, w, g)) = decode {
        (m.decode_nodes, m.decode_workers, m.gpus_per_decode) = (n, w, g);
    }
    if let Some((n, w, g)) = agg {
        (m.agg_nodes, m.agg_workers, m.gpus_per_agg) = (n, w, g);
    }
    if agg.is_some() {
        m.mode = Some("aggregated".into());
    } else if prefill.is_some() || decode.is_some() {
        m.mode = Some("disaggregated".into());
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
    fn schema_2_roles_map_onto_the_v1_fields() {
        let m = parse(
            "schema: 2\nname: s2\nmodel:\n  path: /models/DeepSeek-R1\n  container: /c/sglang.sqsh\n  precision: fp8\n\
             resources:\n  gpu_type: gb200\n  gpus_per_node: 4\nengine: sglang\n\
             roles:\n  prefill:\n    nodes: 1\n    workers: 1\n    args:\n      tensor-parallel-size: 4\n  decode:\n    nodes: 2\n    workers: 1\n    gpus: 8\n\
             benchmark:\n  type: sa-bench\n  isl: 8192\n  osl: 1024\n  concurrencies: [4, 16]\n",
        )
        .unwrap();
        assert_eq!(m.backend.as_deref(), Some("sglang"));
        assert_eq!(m.mode.as_deref(), Some("disaggregated"));
        assert_eq!(
            (m.prefill_nodes, m.prefill_workers, m.gpus_per_prefill),
            (Some(1), Some(1), Some(4)),
            "gpus unset: nodes × gpus_per_node ÷ workers"
        );
        assert_eq!(
            (m.decode_nodes, m.decode_workers, m.gpus_per_decode),
            (Some(2), Some(1), Some(8))
        );
        assert_eq!((m.agg_nodes, m.agg_workers), (None, None));
        assert_eq!(m.model.as_deref(), Some("/models/DeepSeek-R1"));
        assert_eq!(m.container.as_deref(), Some("/c/sglang.sqsh"));
        assert_eq!(
            (m.isl, m.osl, m.gpus_per_node),
            (Some(8192), Some(1024), Some(4))
        );
        assert_eq!(m.concurrencies, vec![4, 16]);
    }

    #[test]
    fn schema_2_colocate_aggregated_and_role_engines() {
        let m = parse(
            "schema: 2\nresources:\n  gpus_per_node: 8\nengine:\n  type: vllm\n  connector: nixl\n\
             roles:\n  prefill: {nodes: 1, workers: 2, gpus: 2}\n  decode: {nodes: colocate, workers: 2, gpus: 2}\n",
        )
        .unwrap();
        assert_eq!(m.backend.as_deref(), Some("vllm"));
        assert_eq!(
            m.decode_nodes,
            Some(0),
            "colocate is the v1 `decode_nodes: 0`"
        );
        assert_eq!((m.decode_workers, m.gpus_per_decode), (Some(2), Some(2)));
        let a = parse(
            "schema: 2\nmodel: {path: m}\nroles:\n  agg:\n    nodes: 2\n    workers: 4\n    engine: {type: trtllm}\n    container: trt.sqsh\n",
        )
        .unwrap();
        assert_eq!(a.mode.as_deref(), Some("aggregated"));
        assert_eq!((a.agg_nodes, a.agg_workers), (Some(2), Some(4)));
        assert_eq!(a.gpus_per_agg, None, "no gpus_per_node stated: no default");
        assert_eq!(a.backend.as_deref(), Some("trtllm"));
        assert_eq!(a.container.as_deref(), Some("trt.sqsh"));
        // v1 recipes are unchanged: `backend.type` and `resources.*`.
        let v1 = parse(
            "backend:\n  type: sglang\nresources:\n  prefill_nodes: 1\n  decode_nodes: 0\n  prefill_workers: 1\n  decode_workers: 1\n",
        )
        .unwrap();
        assert_eq!(v1.backend.as_deref(), Some("sglang"));
        assert_eq!((v1.decode_nodes, v1.decode_workers), (Some(0), Some(1)));
        assert_eq!(v1.mode, None);
    }

    #[test]
    fn resolved_copies_are_sniffed_by_name_and_content() {
        let recipe = b"schema: 2\nroles:\n  agg: {nodes: 1}\n";
        for name in ["config_resolved.yaml", "recipe.lock.yaml", "config.yaml"] {
            assert!(RecipeYaml.sniff(&format!("o/1/{name}"), b""), "{name}");
        }
        assert!(RecipeYaml.sniff("o/1/config_c64.yaml", recipe));
        assert!(!RecipeYaml.sniff("o/1/config_other.yaml", b"a: 1\n"));
        assert!(!RecipeYaml.sniff("o/1/roles.yaml", recipe));
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
