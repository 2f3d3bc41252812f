//! Worker-log time series: one columnar series per (worker file, sample kind, rank), memory and
//! KV snapshots, launch commands, and per-file coverage. Columns are `f32` (NaN where a line did
//! not carry the field) next to one `f64` column of timestamps, so a 1 GB log stays a few
//! hundred MB. Timestamps are seconds since the epoch as the log wrote them; `analysis::aggregate::align`
//! turns them into seconds since the run's start.

use serde::{Deserialize, Serialize};

use super::findings::LogFinding;
use super::serde_nan::nan_as_null;
use crate::text::paths::parent;

/// What one sample line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleKind {
    /// SGLang `Prefill batch` line.
    Prefill,
    /// SGLang `Decode batch` line.
    Decode,
    /// vLLM engine statistics (`Avg prompt throughput: …`).
    EngineStats,
    /// vLLM `SpecDecoding metrics: …`.
    SpecDecoding,
    /// Per-iteration log: TRT-LLM `iter = …` and iteration-stats JSON, vLLM `Iteration(N): …`
    /// (`--enable-logging-iteration-details`).
    Iteration,
    /// vLLM KV-connector `KV Transfer metrics: …` (NIXL, Mooncake, LMCache, MultiConnector).
    KvTransfer,
}

impl SampleKind {
    pub fn label(self) -> &'static str {
        match self {
            SampleKind::Prefill => "prefill",
            SampleKind::Decode => "decode",
            SampleKind::EngineStats => "engine_stats",
            SampleKind::SpecDecoding => "spec_decoding",
            SampleKind::Iteration => "iteration",
            SampleKind::KvTransfer => "kv_transfer",
        }
    }
}

/// Parallel ranks a line was tagged with (`[… DP3 TP3 EP3]`, vLLM `Engine 001`, TRT-LLM rank).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Ranks {
    pub dp: Option<u32>,
    pub tp: Option<u32>,
    pub ep: Option<u32>,
    pub pp: Option<u32>,
}

/// One named column of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// snake_case field name (`running_req`, `gen_throughput`, `token_usage`, …).
    pub name: String,
    #[serde(with = "nan_as_null::vec_f32")]
    pub values: Vec<f32>,
}

/// Samples of one kind from one rank of one worker file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub kind: SampleKind,
    pub ranks: Ranks,
    /// Seconds since the epoch (NaN when the line had no usable timestamp).
    #[serde(with = "nan_as_null::vec_f64")]
    pub time_s: Vec<f64>,
    /// 1-based line of each sample in its file.
    #[serde(with = "crate::model::serde_nan::columns::vec_u64")]
    pub line: Vec<u64>,
    pub columns: Vec<Column>,
}

impl Series {
    pub fn new(kind: SampleKind, ranks: Ranks) -> Self {
        Self {
            kind,
            ranks,
            time_s: Vec::new(),
            line: Vec::new(),
            columns: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.time_s.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time_s.is_empty()
    }

    pub fn column(&self, name: &str) -> Option<&[f32]> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.values.as_slice())
    }

    /// Add a column (backfilled with NaN) and return its index; an existing one is reused.
    pub fn column_index(&mut self, name: &str) -> usize {
        if let Some(i) = self.columns.iter().position(|c| c.name == name) {
            return i;
        }
        self.columns.push(Column {
            name: name.to_owned(),
            values: vec![f32::NAN; self.time_s.len()],
        });
        self.columns.len() - 1
    }

    /// Append a row of NaN to every column; the caller then sets the row's values.
    pub fn push_empty_row(&mut self, time_s: f64, line: u64) -> usize {
        for c in &mut self.columns {
            c.values.push(f32::NAN);
        }
        self.time_s.push(time_s);
        self.line.push(line);
        self.time_s.len() - 1
    }

    /// Append the samples of `other` (same kind and ranks) column by column: columns new to
    /// this series are backfilled with NaN, columns `other` lacks are padded with NaN. Linear in
    /// the cells of both.
    pub fn append(&mut self, other: Series) {
        let (n, m) = (self.len(), other.len());
        let mut index: std::collections::HashMap<String, usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        for c in &mut self.columns {
            c.values.resize(n + m, f32::NAN);
        }
        for c in other.columns {
            let i = *index.entry(c.name.clone()).or_insert_with(|| {
                self.columns.push(Column {
                    name: c.name.clone(),
                    values: vec![f32::NAN; n + m],
                });
                self.columns.len() - 1
            });
            let dst = &mut self.columns[i].values[n..];
            for (d, v) in dst.iter_mut().zip(c.values) {
                *d = v;
            }
        }
        self.time_s.extend(other.time_s);
        self.line.extend(other.line);
    }

    /// Append one sample; fields new to this series get a column backfilled with NaN.
    pub fn push(&mut self, time_s: f64, line: u64, fields: &[(&str, f32)]) {
        let n = self.time_s.len();
        for (name, _) in fields {
            if !self.columns.iter().any(|c| c.name == *name) {
                self.columns.push(Column {
                    name: (*name).to_owned(),
                    values: vec![f32::NAN; n],
                });
            }
        }
        for c in &mut self.columns {
            let v = fields
                .iter()
                .find(|(name, _)| *name == c.name)
                .map_or(f32::NAN, |(_, v)| *v);
            c.values.push(v);
        }
        self.time_s.push(time_s);
        self.line.push(line);
    }
}

/// Serving role of a worker, from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Prefill,
    Decode,
    Agg,
    Frontend,
    Nginx,
    Nats,
    Etcd,
    /// A loose log recognised by content only.
    Unknown,
}

impl Service {
    pub fn label(self) -> &'static str {
        match self {
            Service::Prefill => "prefill",
            Service::Decode => "decode",
            Service::Agg => "agg",
            Service::Frontend => "frontend",
            Service::Nginx => "nginx",
            Service::Nats => "nats",
            Service::Etcd => "etcd",
            Service::Unknown => "unknown",
        }
    }
}

/// Who wrote a log: `<node>_<service>_<id>.err|.out`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkerIdentity {
    pub node: Option<String>,
    pub service: Service,
    pub worker_id: Option<String>,
}

/// A memory or KV-cache snapshot (SGLang `Load weight end`, `KV Cache is allocated`, vLLM
/// `Available KV cache memory`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemorySample {
    #[serde(with = "nan_as_null")]
    pub time_s: f64,
    pub line: u64,
    pub ranks: Ranks,
    pub avail_mem_gb: Option<f64>,
    pub mem_usage_gb: Option<f64>,
    pub kv_tokens: Option<u64>,
    pub kv_size_gb: Option<f64>,
}

/// A launch command found in a log: program and `--flag value` pairs in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LaunchCommand {
    pub line: u64,
    /// `dynamo.sglang`, `sglang.launch_server`, `vllm serve`, `ServerArgs`, `non-default args`, …
    pub program: String,
    pub flags: Vec<(String, String)>,
}

/// Which line grammar a file speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogDialect {
    SglangScheduler,
    VllmEngineStats,
    TrtllmIteration,
}

/// How much of a file was understood.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub dialects: Vec<LogDialect>,
    pub lines_total: u64,
    /// Lines that became samples, snapshots or launch commands.
    pub lines_understood: u64,
    pub lines_ignored: u64,
    /// Up to five ignored lines that look like metrics, with their line numbers.
    pub ignored_metric_samples: Vec<(u64, String)>,
}

/// Everything learned from one worker log file (`.out` and `.err` of a worker are separate
/// files here; discovery groups them by identity).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerLog {
    pub path: String,
    /// Other files merged into this worker (the `.out` beside an `.err`).
    pub merged_paths: Vec<String>,
    /// Parallel sizes from the launch command or server arguments.
    pub parallelism: super::node_config::Parallelism,
    pub identity: WorkerIdentity,
    pub series: Vec<Series>,
    pub memory: Vec<MemorySample>,
    pub launches: Vec<LaunchCommand>,
    pub coverage: Coverage,
    /// Health findings, each at a line of this file.
    pub findings: Vec<LogFinding>,
}

impl WorkerLog {
    /// Number of samples of every kind.
    pub fn sample_count(&self) -> usize {
        self.series.iter().map(Series::len).sum()
    }

    /// Earliest timestamp in the file.
    pub fn start_s(&self) -> Option<f64> {
        self.series
            .iter()
            .flat_map(|s| s.time_s.iter())
            .chain(self.memory.iter().map(|m| &m.time_s))
            .copied()
            .filter(|t| t.is_finite())
            .reduce(f64::min)
    }
}

impl WorkerLog {
    /// Everything but the sample values (coverage, findings, memory, launches, series kinds and
    /// column names stay): what the page needs of a log whose samples stay in the worker.
    pub fn without_samples(&self) -> WorkerLog {
        WorkerLog {
            path: self.path.clone(),
            merged_paths: self.merged_paths.clone(),
            parallelism: self.parallelism,
            identity: self.identity.clone(),
            series: self
                .series
                .iter()
                .map(|s| Series {
                    kind: s.kind,
                    ranks: s.ranks,
                    time_s: Vec::new(),
                    line: Vec::new(),
                    columns: s
                        .columns
                        .iter()
                        .map(|c| Column {
                            name: c.name.clone(),
                            values: Vec::new(),
                        })
                        .collect(),
                })
                .collect(),
            memory: self.memory.clone(),
            launches: self.launches.clone(),
            coverage: self.coverage.clone(),
            findings: self.findings.clone(),
        }
    }

    /// What makes two files one worker: the same directory and identity, for logs named by the
    /// `<node>_<service>_<id>` convention (`None` for loose logs, which are never merged).
    pub fn worker_key(&self) -> Option<(&str, &WorkerIdentity)> {
        (self.identity.service != Service::Unknown).then(|| (parent(&self.path), &self.identity))
    }

    /// Merge another file of the same worker: same-kind, same-rank series are concatenated in
    /// time order, everything else appended.
    pub fn merge(&mut self, other: WorkerLog) {
        self.merged_paths.push(other.path);
        for s in other.series {
            match self
                .series
                .iter_mut()
                .find(|x| x.kind == s.kind && x.ranks == s.ranks)
            {
                Some(mine) => mine.append(s),
                None => self.series.push(s),
            }
        }
        self.memory.extend(other.memory);
        self.launches.extend(other.launches);
        let (c, o) = (&mut self.coverage, other.coverage);
        c.lines_total += o.lines_total;
        c.lines_understood += o.lines_understood;
        c.lines_ignored += o.lines_ignored;
        for d in o.dialects {
            if !c.dialects.contains(&d) {
                c.dialects.push(d);
            }
        }
        c.ignored_metric_samples.extend(o.ignored_metric_samples);
        c.ignored_metric_samples.truncate(5);
        self.findings.extend(other.findings);
        let p = &mut self.parallelism;
        p.tp = p.tp.or(other.parallelism.tp);
        p.dp = p.dp.or(other.parallelism.dp);
        p.ep = p.ep.or(other.parallelism.ep);
        p.pp = p.pp.or(other.parallelism.pp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_pads_columns_either_side_lacks() {
        let mut a = Series::new(SampleKind::Decode, Ranks::default());
        a.push(1.0, 1, &[("x", 1.0)]);
        let mut b = Series::new(SampleKind::Decode, Ranks::default());
        b.push(2.0, 1, &[("y", 2.0)]);
        b.push(3.0, 2, &[("x", 3.0), ("y", 4.0)]);
        a.append(b);
        assert_eq!(a.len(), 3);
        let x = a.column("x").unwrap();
        assert_eq!((x[0], x[2]), (1.0, 3.0));
        assert!(x[1].is_nan());
        let y = a.column("y").unwrap();
        assert!(y[0].is_nan());
        assert_eq!((y[1], y[2]), (2.0, 4.0));
        assert_eq!(a.line, vec![1, 1, 2]);
    }

    #[test]
    fn missing_values_survive_json() {
        let mut s = Series::new(SampleKind::Decode, Ranks::default());
        s.push(f64::NAN, 1, &[("a", 1.0)]);
        s.push(2.0, 2, &[("b", 2.0)]);
        let back: Series = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert!(back.time_s[0].is_nan());
        assert!(back.column("a").unwrap()[1].is_nan());
        assert_eq!(back.column("b").unwrap()[1], 2.0);
        let m = MemorySample {
            time_s: f64::NAN,
            ..Default::default()
        };
        let back: MemorySample = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert!(back.time_s.is_nan());
    }
}
