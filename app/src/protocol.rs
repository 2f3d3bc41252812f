//! The worker protocol: one enum each way, serialised as JSON text.
//!
//! Files cannot be serialised, so a [`ToWorker::Ingest`] message travels as a two-element JS
//! array `[json, File[]]` whose `paths` line up with the files.

use runlens_core::analysis::aggregate::{Grouping, NodeMetricSeries, Reducer};
use runlens_core::analysis::compare::Comparison;
use runlens_core::analysis::rate_match::RateMatch;
use runlens_core::analysis::redact::{RedactKind, Redaction};
use runlens_core::analysis::windows::BenchmarkWindow;
use runlens_core::{Dataset, FormatInfo, Progress};
use serde::{Deserialize, Serialize};

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Read these files (paths relative to the drop, archives expanded) and add them to what is
    /// already loaded.
    Ingest { paths: Vec<String> },
    /// Add the demo run bundled with the app.
    LoadDemo,
    /// Forget everything loaded.
    Clear,
    /// Forget one run (everything read from under its directory).
    RemoveRun { root: String },
    /// Encode everything loaded as a `.runlens` dataset; answered with the bytes, not JSON
    /// (`["saved", report, Uint8Array, redactions JSON]`), for "Save dataset" or, with
    /// `report`, "Save report"; the `redact` kinds are replaced by pseudonyms first.
    Save {
        report: bool,
        #[serde(default)]
        redact: Vec<RedactKind>,
    },
    /// Die as an out-of-memory or a parser bug would (a wasm trap): the e2e test of the page's
    /// recovery sends it through `window.runlensCrashWorker()`.
    Crash,
    /// What saving with these redaction kinds would replace, with counts (for the dialog).
    RedactPlan { kinds: Vec<RedactKind> },
    /// Node Metrics charts of one run (its worker-log series stay in the worker).
    NodeCharts {
        run_key: String,
        grouping: Grouping,
        reducer: Reducer,
    },
    /// Prefill/decode rate match of one disaggregated run, with its benchmark windows.
    RateMatch { run_key: String },
    /// Compare a baseline with one or more candidates (the bootstraps run here, off the page's
    /// thread).
    Compare { request: CompareRequest },
}

/// One side of a comparison: its label and the keys of its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareSide {
    pub label: String,
    pub runs: Vec<String>,
}

/// A baseline and the candidates each compared with it, as the page's Compare tab chose them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRequest {
    pub baseline: CompareSide,
    pub candidates: Vec<CompareSide>,
    /// The TPS/User the curves' ratio is also given at.
    pub at: Option<f64>,
    /// The TPS/User range of the curves' mean heights (else the shared range).
    #[serde(default)]
    pub range: Option<(f64, f64)>,
}

/// Worker → page.
///
/// Both enums keep serde's external tagging (`{"Loaded": {…}}`): an internally tagged enum
/// (`#[serde(tag = "type")]`) is buffered whole into serde's generic `Content` tree before its
/// variant is read, which parsed a dataset twice on the page's thread and linked a second copy
/// of every model type's `Deserialize` into the page's wasm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker is listening (messages sent before this are lost), with the formats its
    /// registry reads — the page lists them without linking the parsers into its own wasm.
    Ready { formats: Vec<FormatInfo> },
    /// Bytes read so far of the current load.
    Progress { progress: Progress, elapsed_ms: f64 },
    /// The whole dataset after a load (everything loaded so far, not only the last drop), with
    /// worker-log sample columns left in the worker (see `worker::page_dataset`).
    Loaded {
        dataset: Box<Dataset>,
        elapsed_ms: f64,
    },
    /// While a long first load is still read: the runs and points of the results read so far
    /// (no worker logs), to chart before `Loaded`.
    Preview {
        dataset: Box<Dataset>,
        elapsed_ms: f64,
    },
    /// Answer to [`ToWorker::NodeCharts`]: the run's node metric series (the page names them).
    NodeCharts {
        run_key: String,
        grouping: Grouping,
        reducer: Reducer,
        series: Vec<NodeMetricSeries>,
        /// The run's benchmark windows on the same time axis, with their in-flight samples.
        windows: Vec<BenchmarkWindow>,
    },
    /// Answer to [`ToWorker::RateMatch`] (`None`: a side logged no rates, or ISL/OSL unknown).
    RateMatch {
        run_key: String,
        rate_match: Option<RateMatch>,
    },
    /// Answer to [`ToWorker::Compare`]: one comparison per candidate, in the request's order,
    /// with the time the worker took.
    Compared {
        request: CompareRequest,
        comparisons: Vec<Comparison>,
        elapsed_ms: f64,
    },
    /// Answer to [`ToWorker::RedactPlan`].
    RedactPlan {
        kinds: Vec<RedactKind>,
        redactions: Vec<Redaction>,
    },
    /// The load could not run at all (individual bad files are diagnostics in the dataset).
    Failed { message: String },
}

impl ToWorker {
    /// What the request does, for a crash report (\"reading a.tar.gz and 2 more files\").
    pub fn describe(&self) -> String {
        match self {
            ToWorker::Ingest { paths } => match paths.as_slice() {
                [] => "reading nothing".into(),
                [one] => format!("reading {one}"),
                [first, rest @ ..] => format!("reading {first} and {} more files", rest.len()),
            },
            ToWorker::LoadDemo => "loading the demo run".into(),
            ToWorker::Clear => "clearing".into(),
            ToWorker::RemoveRun { root } => format!("removing {root}"),
            ToWorker::Save { .. } => "saving".into(),
            ToWorker::RedactPlan { .. } => "listing redactions".into(),
            ToWorker::NodeCharts { run_key, .. } => format!("charting the nodes of {run_key}"),
            ToWorker::RateMatch { run_key } => format!("matching the rates of {run_key}"),
            ToWorker::Compare { request } => format!(
                "comparing {} with {}",
                request
                    .candidates
                    .iter()
                    .map(|c| c.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                request.baseline.label
            ),
            ToWorker::Crash => "crashing on purpose".into(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            serde_json::to_string(&FromWorker::Failed {
                message: format!("cannot encode worker message: {e}"),
            })
            .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let m = ToWorker::Ingest {
            paths: vec!["a/b.json".into()],
        };
        assert_eq!(serde_json::from_str::<ToWorker>(&m.to_json()).unwrap(), m);
        let f = FromWorker::Progress {
            progress: Progress {
                bytes_done: 5,
                ..Default::default()
            },
            elapsed_ms: 1.0,
        };
        assert_eq!(serde_json::from_str::<FromWorker>(&f.to_json()).unwrap(), f);
    }
}
