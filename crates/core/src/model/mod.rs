//! The typed model every printer (CLI, web app) reads: runs, their benchmark points, runs that
//! were skipped and why, files nobody understood, and diagnostics. Everything here is plain
//! data (serde), so the web worker can send it to the page as one message.

pub mod diagnostics;
pub mod findings;
pub mod node_config;
pub mod p2p;
pub mod requests;
pub mod run_metadata;
pub mod scheduler;
pub mod serde_nan;
pub mod summary;
pub mod worker_log;

use serde::{Deserialize, Serialize};

pub use diagnostics::{Diagnostic, FormatError, InputError, InputLimit, Severity};
pub use findings::{
    GpuSource, HealthFinding, InvalidPoint, LogFinding, PdSide, RunFinding, SkewBasis, SkipReason,
};
pub use node_config::{GpuInfo, NodeConfig, Parallelism};
pub use p2p::{P2pAnalysis, P2pEvent, P2pFinding, P2pKind, P2pLog};
pub use requests::RequestSamples;
pub use run_metadata::{MetadataVersion, RunMetadata};
pub use scheduler::{SchedulerAnalysis, SchedulerFile, SchedulerTable};
pub use summary::{Bin, Summary};
pub use worker_log::{
    Column, Coverage, LaunchCommand, LogDialect, MemorySample, Ranks, SampleKind, Series, Service,
    WorkerIdentity, WorkerLog,
};

/// Everything learned from one or more drops.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// Runs with at least one benchmark point, newest first.
    pub runs: Vec<Run>,
    /// Runs that were found but not plotted, each with its reason.
    pub skipped: Vec<SkippedRun>,
    /// Files no format recognised (with the reason), so nothing is silently lost.
    pub unrecognized: Vec<UnrecognizedFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Worker logs, each with the run it belongs to (runs without results included).
    pub worker_logs: Vec<RunWorkerLog>,
    /// Node configuration dumps, each with the run it belongs to.
    pub node_configs: Vec<RunNodeConfig>,
    /// vLLM scheduler-logging analyses, one per directory of CSVs.
    #[serde(default)]
    pub scheduler: Vec<SchedulerAnalysis>,
    /// P2P NCCL connector timelines, one per directory of logs.
    #[serde(default)]
    pub p2p: Vec<P2pAnalysis>,
    /// Bytes of input consumed (compressed size for archives).
    pub input_bytes: u64,
    /// Files seen, archive members included.
    pub files_seen: u64,
}

impl Dataset {
    /// Physical nodes of a run and the services each hosts (from worker-log file names),
    /// sorted by node name.
    pub fn node_services(&self, run_key: &str) -> Vec<(String, Vec<Service>)> {
        let mut nodes: std::collections::BTreeMap<String, Vec<Service>> = Default::default();
        for l in self.worker_logs.iter().filter(|l| l.run_key == run_key) {
            if let Some(node) = &l.log.identity.node {
                let services = nodes.entry(node.clone()).or_default();
                if !services.contains(&l.log.identity.service) {
                    services.push(l.log.identity.service);
                }
            }
        }
        nodes.into_iter().collect()
    }
}

/// A worker log and the run it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunWorkerLog {
    /// [`Run::key`] (or the skipped run's root).
    pub run_key: String,
    /// Earliest timestamp of any worker log of the run: subtract it to get seconds since the
    /// run's start on one shared axis.
    pub run_start_s: Option<f64>,
    /// Shared with the ingest's records: a dataset never copies the sample columns.
    pub log: std::sync::Arc<WorkerLog>,
}

/// A node configuration dump and the run it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunNodeConfig {
    pub run_key: String,
    pub config: NodeConfig,
}

/// Which on-disk layout of srt-slurm (or other tool) a run uses; see the format reference §0.1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Generation {
    /// `{jobid}_{xP_yD|nA}_{date}/` without metadata.
    G0,
    /// Same naming with `{jobid}.json` metadata v1.0.
    G1,
    /// `outputs/{jobid}/` with flat metadata v2.0 and `logs/`.
    G2,
    /// Result files without any srt-slurm run structure around them.
    #[default]
    Loose,
}

impl Generation {
    pub fn label(self) -> &'static str {
        match self {
            Generation::G0 => "G0",
            Generation::G1 => "G1",
            Generation::G2 => "G2",
            Generation::Loose => "loose",
        }
    }
}

/// Where a run attribute came from, so the user can judge it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Metadata,
    ConfigYaml,
    DirectoryName,
    Results,
    #[default]
    Default,
}

/// A value together with where it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    pub value: T,
    pub from: Provenance,
}

/// Prefill/decode or aggregated serving layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Topology {
    Disaggregated {
        prefill_workers: u32,
        decode_workers: u32,
    },
    Aggregated {
        workers: u32,
    },
}

impl Topology {
    /// The reference's label: `1P/4D` or `8A`.
    pub fn label(&self) -> String {
        match self {
            Topology::Disaggregated {
                prefill_workers,
                decode_workers,
            } => {
                format!("{prefill_workers}P/{decode_workers}D")
            }
            Topology::Aggregated { workers } => format!("{workers}A"),
        }
    }
}

/// GPU counts of a run, by the two accountings in use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GpuCounts {
    /// Nodes × GPUs per node (the reference dashboard's denominator).
    pub node_based: Option<u32>,
    /// Σ workers × GPUs per worker ("working" GPUs, as the rollup CSV counts them).
    pub worker_based: Option<u32>,
    /// GPUs serving prefill (disaggregated runs), node-based when known.
    pub prefill: Option<u32>,
    /// GPUs serving decode (disaggregated runs), node-based when known.
    pub decode: Option<u32>,
}

impl GpuCounts {
    /// The denominator used by default: node-based, else worker-based.
    pub fn total(&self) -> Option<u32> {
        self.node_based
            .filter(|&n| n > 0)
            .or(self.worker_based.filter(|&n| n > 0))
    }
}

/// A count per serving role (nodes or workers); `None` where the source is silent or null.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCounts {
    pub prefill: Option<u32>,
    pub decode: Option<u32>,
    pub agg: Option<u32>,
}

/// One benchmark run: a job directory (or a group of loose result files).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Unique key within the dataset (the run root path).
    pub key: String,
    pub job_id: Sourced<String>,
    /// Directory of the run inside the dropped tree.
    pub root: String,
    pub generation: Generation,
    pub topology: Option<Sourced<Topology>>,
    pub gpus: GpuCounts,
    /// Where [`Run::gpus`] was read (`None` when no source states a count).
    #[serde(default)]
    pub gpus_from: Option<GpuSource>,
    pub gpus_per_node: Option<u32>,
    pub nodes: RoleCounts,
    pub workers: RoleCounts,
    /// Additional frontends (v1.0 `num_additional_frontends`).
    pub frontends: Option<u32>,
    pub job_name: Option<String>,
    pub gpu_type: Option<Sourced<String>>,
    pub isl: Option<Sourced<u32>>,
    pub osl: Option<Sourced<u32>>,
    /// Benchmark tool (`sa-bench`, `aiperf`, ...).
    pub profiler: Option<Sourced<String>>,
    pub container: Option<Sourced<String>>,
    pub model: Option<Sourced<String>>,
    pub backend: Option<String>,
    pub tags: Vec<String>,
    /// Run date as `YYYY-MM-DD HH:MM:SS` when known.
    pub date: Option<Sourced<String>>,
    /// Concurrencies the run was configured for (empty when unknown) and where they came from.
    pub expected_concurrencies: Vec<u32>,
    pub expected_concurrencies_from: Option<Provenance>,
    /// Expected concurrencies with no result.
    pub missing_concurrencies: Vec<u32>,
    /// Points in concurrency order.
    pub points: Vec<BenchmarkPoint>,
    /// What assembling the run noticed (conflicting sources, …).
    #[serde(default)]
    pub findings: Vec<RunFinding>,
}

impl Run {
    /// `8192/1024`, when both are known.
    pub fn isl_osl_label(&self) -> Option<String> {
        Some(format!(
            "{}/{}",
            self.isl.as_ref()?.value,
            self.osl.as_ref()?.value
        ))
    }

    /// `16, 32`: the expected concurrencies with no result, `None` when nothing is missing.
    pub fn missing_label(&self) -> Option<String> {
        (!self.missing_concurrencies.is_empty()).then(|| {
            self.missing_concurrencies
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    /// The container as the dashboard names it ([`container_display_name`]); the raw value stays
    /// in [`Run::container`].
    pub fn container_label(&self) -> Option<String> {
        container_display_name(&self.container.as_ref()?.value)
    }

    /// `jobid | 1P/4D | 8192/1024 [gb200] tags`, the run label used in lists.
    pub fn label(&self) -> String {
        let mut label = self.job_id.value.clone();
        if let Some(t) = &self.topology {
            label.push_str(" | ");
            label.push_str(&t.value.label());
        }
        if let (Some(i), Some(o)) = (&self.isl, &self.osl) {
            label.push_str(&format!(" | {}/{}", i.value, o.value));
        }
        if let Some(g) = &self.gpu_type {
            label.push_str(&format!(" [{}]", g.value));
        }
        if !self.tags.is_empty() {
            label.push(' ');
            label.push_str(&self.tags.join(", "));
        }
        label
    }
}

/// How the dashboard names a container: a `.sqsh` path loses its directory, its `.sqsh` and the
/// `user+` prefix (`/lustre/u+sglang-v0.5.4.sqsh` → `sglang-v0.5.4`); image names stay as they are.
pub fn container_display_name(value: &str) -> Option<String> {
    let value = value.trim();
    let shown = if value.ends_with(".sqsh") || value.starts_with('/') {
        let base = value.rsplit('/').next().unwrap_or(value);
        let base = base.strip_suffix(".sqsh").unwrap_or(base);
        base.split_once('+').map_or(base, |(_, rest)| rest)
    } else {
        value
    };
    (!shown.is_empty()).then(|| shown.to_owned())
}

/// Statistics of one latency metric, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyStats {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub std: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99: Option<f64>,
}

/// One (run, concurrency) result as written by a benchmark client, plus derived metrics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkPoint {
    /// File the numbers were read from.
    pub source: String,
    /// Format that read it (`sa-bench-json`, `aiperf-json`, …); see the format registry.
    pub tool: String,
    /// GPU count the result itself states (file name `gpus_16`, InferenceX `n_gpus`/`tp`), used
    /// when the run has no metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpus_reported: Option<u32>,
    /// Per-GPU throughputs the producer computed itself (InferenceX), used when no GPU count is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_output_tps_per_gpu: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_total_tps_per_gpu: Option<f64>,
    /// E2E-normalized interactivity the producer computed itself, tokens/s/user: `1 / p90` (and
    /// `p75`) of each request's `E2E latency (s) / output tokens` (AIPerf
    /// `e2e_normalized_interactivity_p90`), used when the point has no per-request rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_e2e_interactivity_p90: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_e2e_interactivity_p75: Option<f64>,
    /// Input/output sequence lengths the result states (InferenceX), used when the run has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isl: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub osl: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// Requests per second asked for; infinity means unlimited (`"inf"` in JSON).
    #[serde(
        default,
        with = "serde_nan::option_inf_as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_prompts: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_output_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_throughput: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_goodput: Option<f64>,
    /// Output tokens per second (whole deployment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_throughput: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_token_throughput: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_output_throughput: Option<f64>,
    pub ttft_ms: LatencyStats,
    pub tpot_ms: LatencyStats,
    pub itl_ms: LatencyStats,
    pub e2el_ms: LatencyStats,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Per-request arrays present in the source file (`ttfts`, `itls`, …). They are skipped while
    /// reading the summary; a per-request view re-reads them from `source`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_request_arrays: Vec<String>,
    /// Per-request rows when the file holds the client's arrays (`ttfts`, `itls`,
    /// `output_lens`); what the comparison's bootstrap resamples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<Box<RequestSamples>>,
    /// Where `requests` came from when not this point's own result: a vLLM scheduler's
    /// `per_request.csv` beside it (server-side latencies: from the scheduler's arrival, not the
    /// client's send).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_from: Option<String>,
    /// Derived with the run's GPU count; computed by `analysis::metrics`.
    pub derived: DerivedMetrics,
    /// Why the point is not a valid measurement (computed by `analysis::metrics`); `None`: valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<InvalidPoint>,
    /// Requests that failed, as the producer counts them (LLMPerf `results_number_errors`,
    /// gptManagerBenchmark `num_error_samples`); `None` where the file does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_requests: Option<u64>,
    /// Mean number of requests in flight that the client measured (SGLang `bench_serving`'s
    /// `concurrency` = Σ end-to-end latencies / duration), as opposed to the configured
    /// [`BenchmarkPoint::concurrency`] limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_measured: Option<f64>,
    /// Successful repeated trials the numbers are the mean of (AIPerf confidence aggregates,
    /// `num_successful_runs`); `None` for a single measurement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trials: Option<u32>,
    /// Confidence interval `(low, high)` of the mean output token throughput over the trials
    /// (AIPerf `ci_low`/`ci_high`, tokens/s; the level is AIPerf's `confidence_level`, 0.95 by
    /// default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_throughput_ci: Option<(f64, f64)>,
    /// The producer's own verdict on the run (AIPerf `metadata.submission_valid`, MLPerf LoadGen
    /// `Result is VALID`); `None` when the producer gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_valid: Option<bool>,
    /// Why the producer judged the run invalid (AIPerf `submission_invalid_reasons`, unmet
    /// LoadGen constraints), in its own words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid_reasons: Vec<String>,
    /// Energy per output token in joules over the measurement window, CPU + GPU legs that were
    /// measured (srt-slurm power/energy report `joules_per_output_token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_j_per_output_token: Option<f64>,
    /// Average GPU power of the whole deployment over the measurement window, in watts
    /// (srt-slurm `perf_per_watt.gpu_avg_power_w`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avg_power_w: Option<f64>,
    /// Output tokens per second per average GPU watt (srt-slurm
    /// `perf_per_watt.output_tokens_per_second_per_gpu_watt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tps_per_watt: Option<f64>,
    /// The test of a benchmark-suite report this point is a row of (vLLM suite `Test name`,
    /// `serving_llama8B_tp1_sharegpt_qps_1`); discovery groups it with that test's own result
    /// file, `{dir}/{test}.json`. `None` for a file holding one test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite_test: Option<String>,
}

/// Energy of one concurrency point, from srt-slurm's power/energy report; discovery copies it
/// onto the run's points of that concurrency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnergyReport {
    /// File it was read from.
    pub path: String,
    pub concurrency: u32,
    /// `sa-bench` or `aiperf`.
    pub benchmark_type: Option<String>,
    pub joules_per_output_token: Option<f64>,
    pub gpu_avg_power_w: Option<f64>,
    pub output_tps_per_gpu_watt: Option<f64>,
    /// Which of the producer's files said it: 0 the terminal `power_energy_report.json`
    /// (authoritative), 1 a per-point `power_energy_c{N}.json`, 2 a line of the incremental
    /// `power_energy_report.jsonl`; the lowest wins.
    pub rank: u8,
}

/// Numbers computed from a point and its run (default definitions of DESIGN.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DerivedMetrics {
    /// Output TPS / total GPUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tps_per_gpu: Option<f64>,
    /// Total TPS / total GPUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tps_per_gpu: Option<f64>,
    /// 1000 / mean TPOT (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tps_per_user: Option<f64>,
    /// 1000 / median TPOT (ms) (InferenceX's definition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tps_per_user_median: Option<f64>,
    /// Output TPS / decode GPUs (disaggregated runs; InferenceX's denominator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tps_per_decode_gpu: Option<f64>,
    /// Input TPS (total − output) / prefill GPUs (disaggregated runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tps_per_prefill_gpu: Option<f64>,
    /// E2E-normalized interactivity, tokens/s/user: `1 / p90(E2E latency (s) / output tokens)`
    /// over the point's requests (InferenceX's slow-tail definition), else the producer's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e2e_interactivity_p90: Option<f64>,
    /// The same at p75.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e2e_interactivity_p75: Option<f64>,
}

/// A run that was found but yields nothing to plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedRun {
    pub job_id: String,
    pub root: String,
    pub reason: SkipReason,
}

/// A file that no format claimed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnrecognizedFile {
    pub path: String,
    pub size: u64,
    pub reason: String,
}
