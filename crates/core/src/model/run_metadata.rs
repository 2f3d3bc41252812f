//! What a run says about itself: srt-slurm metadata (`{jobid}.json` v1/v2), recipes
//! (`config.yaml`) and job logs, normalised into one [`RunMetadata`].

use serde::{Deserialize, Serialize};

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
impl RunMetadata {
    /// Fill every field this description leaves empty from `other` (the one merge of two partial
    /// descriptions of a run: metadata over recipe, recipe over job log).
    pub fn fill_missing_from(&mut self, other: &RunMetadata) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f.clone(); } )* };
        }
        fill!(
            version,
            job_id,
            job_name,
            run_date,
            container,
            model,
            gpu_type,
            gpus_per_node,
            prefill_nodes,
            decode_nodes,
            agg_nodes
        );
        fill!(
            prefill_workers,
            decode_workers,
            agg_workers,
            gpus_per_prefill,
            gpus_per_decode,
            gpus_per_agg
        );
        fill!(mode, backend, profiler, isl, osl, frontends);
        if self.concurrencies.is_empty() {
            self.concurrencies = other.concurrencies.clone();
        }
        if self.tags.is_empty() {
            self.tags = other.tags.clone();
        }
        self.profiling_enabled |= other.profiling_enabled;
    }
}
