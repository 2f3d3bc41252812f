//! The configuration beside the metrics: what differs between the two sides of a comparison
//! — run attributes (container and version, engine, model, topology, GPU type and counts,
//! ISL/OSL, benchmark client) and, from the node configuration dumps, every launch flag,
//! environment variable and package version. Entries equal on both sides are counted, not
//! listed. A side of several runs shows every value its runs have, joined by ` | `.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Side;

/// What kind of setting differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigCategory {
    Run,
    Flag,
    Env,
    Version,
}

impl fmt::Display for ConfigCategory {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            ConfigCategory::Run => "run",
            ConfigCategory::Flag => "flag",
            ConfigCategory::Env => "env",
            ConfigCategory::Version => "version",
        })
    }
}

/// One setting whose values differ; `None`: the side does not have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigDifference {
    pub category: ConfigCategory,
    pub name: String,
    pub baseline: Option<String>,
    pub candidate: Option<String>,
}

type Entries = BTreeMap<(ConfigCategory, String), BTreeSet<String>>;

fn entries(side: &Side) -> Entries {
    let mut e = Entries::new();
    let mut put = |cat: ConfigCategory, name: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            e.entry((cat, name.to_owned())).or_default().insert(v);
        }
    };
    for run in &side.runs {
        put(
            ConfigCategory::Run,
            "container",
            run.container.as_ref().map(|c| c.value.clone()),
        );
        put(
            ConfigCategory::Run,
            "model",
            run.model.as_ref().map(|m| m.value.clone()),
        );
        put(ConfigCategory::Run, "engine", run.backend.clone());
        put(
            ConfigCategory::Run,
            "GPU type",
            run.gpu_type.as_ref().map(|g| g.value.clone()),
        );
        put(
            ConfigCategory::Run,
            "topology",
            run.topology.as_ref().map(|t| t.value.label()),
        );
        put(
            ConfigCategory::Run,
            "GPUs",
            run.gpus.total().map(|g| g.to_string()),
        );
        put(ConfigCategory::Run, "ISL/OSL", run.isl_osl_label());
        put(
            ConfigCategory::Run,
            "generation",
            Some(run.generation.label().to_owned()),
        );
        put(
            ConfigCategory::Run,
            "profiler",
            run.profiler.as_ref().map(|p| p.value.clone()),
        );
        for p in &run.points {
            put(
                ConfigCategory::Run,
                "benchmark client",
                Some(p.tool.clone()),
            );
        }
    }
    for flags in &side.launch_flags {
        for (k, v) in flags.iter() {
            put(ConfigCategory::Flag, k, Some(v.clone()));
        }
    }
    for c in &side.configs {
        for (k, v) in &c.server_args {
            put(ConfigCategory::Flag, k, Some(v.clone()));
        }
        for (k, v) in &c.environment {
            put(ConfigCategory::Env, k, Some(v.clone()));
        }
        for (k, v) in &c.versions {
            put(ConfigCategory::Version, k, Some(v.clone()));
        }
        for g in &c.gpus {
            put(
                ConfigCategory::Version,
                "GPU driver",
                g.driver_version.clone(),
            );
        }
    }
    e
}

fn joined(values: Option<&BTreeSet<String>>) -> Option<String> {
    values.map(|v| v.iter().cloned().collect::<Vec<_>>().join(" | "))
}

/// The differing settings, by category and name, and how many settings were equal.
pub fn differences(baseline: &Side, candidate: &Side) -> (Vec<ConfigDifference>, usize) {
    let (b, c) = (entries(baseline), entries(candidate));
    let keys: BTreeSet<&(ConfigCategory, String)> = b.keys().chain(c.keys()).collect();
    let mut same = 0;
    let mut out = Vec::new();
    for key in keys {
        let (vb, vc) = (b.get(key), c.get(key));
        if vb == vc {
            same += 1;
            continue;
        }
        out.push(ConfigDifference {
            category: key.0,
            name: key.1.clone(),
            baseline: joined(vb),
            candidate: joined(vc),
        });
    }
    (out, same)
}
