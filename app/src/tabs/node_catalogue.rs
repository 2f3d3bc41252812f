//! The Node Metrics chart catalogue: how the page presents each node metric the core aggregates
//! (chart id, section, title, y axis). The core knows metrics as data ([`NodeMetric`]); every
//! name a person reads lives here.

use runlens_core::analysis::aggregate::{AggregatedSeries, NodeMetric, NodeMetricSeries, Reducer};

/// One chart of the Node Metrics view.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeChart {
    pub metric: NodeMetric,
    pub aggregated_workers: bool,
    /// Stable DOM id (`decode-gen-throughput`, `agg-decode-kv`).
    pub id: String,
    pub section: String,
    pub title: String,
    /// Y axis name with unit.
    pub y_name: String,
    /// The reduction the series use (percentages are always averaged).
    pub reducer: Reducer,
    /// Width of the time buckets, seconds.
    pub bucket_s: f64,
    pub series: Vec<AggregatedSeries>,
}

/// `(id, section, title, y axis)` of a metric.
pub fn presentation(m: NodeMetric) -> (&'static str, &'static str, &'static str, &'static str) {
    match m {
        NodeMetric::PrefillInputThroughput => (
            "prefill-input-throughput",
            "Prefill",
            "Input throughput",
            "Input throughput (tokens/s)",
        ),
        NodeMetric::PrefillInflight => (
            "prefill-inflight",
            "Prefill",
            "Inflight requests",
            "Inflight requests",
        ),
        NodeMetric::PrefillKv => (
            "prefill-kv",
            "Prefill",
            "KV cache utilisation",
            "KV cache used (%)",
        ),
        NodeMetric::PrefillQueue => (
            "prefill-queue",
            "Prefill",
            "Queued requests",
            "Queued requests",
        ),
        NodeMetric::DecodeRunning => (
            "decode-running",
            "Decode",
            "Running requests",
            "Running requests",
        ),
        NodeMetric::DecodeGenThroughput => (
            "decode-gen-throughput",
            "Decode",
            "Generation throughput",
            "Generation throughput (tokens/s)",
        ),
        NodeMetric::DecodeKv => (
            "decode-kv",
            "Decode",
            "KV cache utilisation",
            "KV cache used (%)",
        ),
        NodeMetric::DecodeQueue => (
            "decode-queue",
            "Decode",
            "Queued requests",
            "Queued requests",
        ),
        NodeMetric::DecodePrealloc => (
            "decode-prealloc",
            "Disaggregation flow",
            "Prealloc queue",
            "Requests",
        ),
        NodeMetric::DecodeTransfer => (
            "decode-transfer",
            "Disaggregation flow",
            "Transfer queue",
            "Requests",
        ),
        NodeMetric::PrefillBootstrap => (
            "prefill-bootstrap",
            "Disaggregation flow",
            "Bootstrap queue (prefill)",
            "Requests",
        ),
        NodeMetric::EnginePromptThroughput => (
            "engine-prompt-throughput",
            "Engine (vLLM)",
            "Prompt throughput",
            "Prompt throughput (tokens/s)",
        ),
        NodeMetric::EngineGenerationThroughput => (
            "engine-generation-throughput",
            "Engine (vLLM)",
            "Generation throughput",
            "Generation throughput (tokens/s)",
        ),
        NodeMetric::EngineRunning => (
            "engine-running",
            "Engine (vLLM)",
            "Running requests",
            "Running requests",
        ),
        NodeMetric::EngineWaiting => (
            "engine-waiting",
            "Engine (vLLM)",
            "Waiting requests",
            "Waiting requests",
        ),
        NodeMetric::EngineKv => (
            "engine-kv",
            "Engine (vLLM)",
            "GPU KV cache usage",
            "KV cache used (%)",
        ),
        NodeMetric::KvTransferThroughput => (
            "kv-transfer-throughput",
            "Engine (vLLM)",
            "KV transfer throughput",
            "Throughput (MB/s)",
        ),
        NodeMetric::IterationScheduled => (
            "iteration-scheduled",
            "Iterations (TRT-LLM)",
            "Scheduled requests",
            "Requests",
        ),
        NodeMetric::IterationKv => (
            "iteration-kv",
            "Iterations (TRT-LLM)",
            "KV cache utilisation",
            "KV cache used (%)",
        ),
        NodeMetric::IterationStepTime => (
            "iteration-step-time",
            "Iterations (TRT-LLM)",
            "Host step time",
            "Step time (ms)",
        ),
    }
}

/// The charts of a run's node metric series, in the core's order.
pub fn charts_of(series: Vec<NodeMetricSeries>) -> Vec<NodeChart> {
    series
        .into_iter()
        .map(|s| {
            let (id, section, title, y_name) = presentation(s.metric);
            let (id, section) = if s.aggregated_workers {
                (
                    format!("agg-{id}"),
                    format!("Aggregated workers: {section}"),
                )
            } else {
                (id.to_owned(), section.to_owned())
            };
            NodeChart {
                metric: s.metric,
                aggregated_workers: s.aggregated_workers,
                id,
                section,
                title: title.to_owned(),
                y_name: y_name.to_owned(),
                reducer: s.reducer,
                bucket_s: s.bucket_s,
                series: s.series,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_a_unique_id() {
        let mut ids: Vec<&str> = NodeMetric::ALL.iter().map(|m| presentation(*m).0).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), NodeMetric::ALL.len());
    }
}
