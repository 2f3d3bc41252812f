//! A node's configuration as its dump (`*_config.json`) or launch command describes it: GPUs,
//! server arguments, environment by category, parallel sizes.

use serde::{Deserialize, Serialize};

use super::diagnostics::Diagnostic;

/// Parallel sizes of a worker, from flags, server args or a config dump.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parallelism {
    pub tp: Option<u32>,
    pub dp: Option<u32>,
    pub ep: Option<u32>,
    pub pp: Option<u32>,
}

impl Parallelism {
    /// GPUs one worker launched with these sizes uses: TP × PP × DP, where DP attention
    /// (`dp_attention`) splits the TP GPUs instead of adding replicas. `None` when no size is known.
    pub fn gpus(&self, dp_attention: bool) -> Option<u32> {
        if self.tp.is_none() && self.pp.is_none() && self.dp.is_none() {
            return None;
        }
        let dp = if dp_attention {
            1
        } else {
            self.dp.unwrap_or(1)
        };
        Some(
            self.tp
                .unwrap_or(1)
                .saturating_mul(self.pp.unwrap_or(1))
                .saturating_mul(dp),
        )
    }

    /// From flag or argument names as SGLang, vLLM and TRT-LLM spell them.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut p = Parallelism::default();
        for (k, v) in pairs {
            let n = v.trim().parse::<u32>().ok();
            let slot = match ParallelSize::of_flag(k) {
                Some(ParallelSize::Tp) => &mut p.tp,
                Some(ParallelSize::Dp) => &mut p.dp,
                Some(ParallelSize::Ep) => &mut p.ep,
                Some(ParallelSize::Pp) => &mut p.pp,
                None => continue,
            };
            *slot = slot.or(n);
        }
        p
    }
}

/// A flag or argument name in one spelling: `--tensor-parallel-size` → `tensor_parallel_size`.
pub fn flag_key(name: &str) -> String {
    name.trim_start_matches('-').replace('-', "_")
}

/// Which parallel size a launch flag or server argument sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParallelSize {
    Tp,
    Dp,
    Ep,
    Pp,
}

impl ParallelSize {
    /// The size a flag or argument name sets, as SGLang, vLLM and TRT-LLM spell them.
    pub fn of_flag(name: &str) -> Option<Self> {
        match flag_key(name).as_str() {
            "tp_size" | "tp" | "tensor_parallel_size" => Some(Self::Tp),
            "dp_size" | "dp" | "data_parallel_size" => Some(Self::Dp),
            "ep_size" | "ep" | "expert_parallel_size" | "moe_expert_parallel_size" => {
                Some(Self::Ep)
            }
            "pp_size" | "pp" | "pipeline_parallel_size" => Some(Self::Pp),
            _ => None,
        }
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
