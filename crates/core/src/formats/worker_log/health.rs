//! Health findings from a worker log, each tied to file and line: KV cache saturated for a
//! sustained stretch, a queue that keeps growing, retracted or preempted requests, decode without
//! CUDA graphs, Python tracebacks, and a log that stops while the server was still serving.

use std::rc::Rc;

use crate::model::{HealthFinding, SampleKind, WorkerLog};

/// KV usage (fraction) counted as saturated.
const KV_HIGH: f32 = HealthFinding::KV_HIGH_PCT as f32 / 100.0;
/// Consecutive saturated samples that make a finding.
const KV_SUSTAINED_SAMPLES: u32 = 10;

/// Facts gathered while streaming; turned into findings at the end.
#[derive(Default)]
pub struct Events {
    preempt_first: Option<u64>,
    preempt_count: u64,
    traceback_last: Option<u64>,
    shutdown_last: Option<u64>,
    sample_last: Option<u64>,
    content_last: u64,
    retracted_first: Option<u64>,
    decode_samples: u64,
    decode_graph_off: u64,
    decode_graph_off_first: Option<u64>,
    kv_run: u32,
    kv_run_start: u64,
    kv_worst: Option<(u64, u32)>,
}

/// Phrases with which servers report preempted or retracted requests (not flags that merely
/// mention preemption, like `enable_priority_preemption=False` in a `ServerArgs` dump).
const PREEMPTION_PHRASES: &[&[u8]] = &[
    b"is preempted by",
    b"were preempted",
    b"Preempted ",
    b"Retract requests",
    b"#retracted_reqs",
];

pub fn reports_preemption(line: &[u8]) -> bool {
    PREEMPTION_PHRASES
        .iter()
        .any(|p| memchr::memmem::find(line, p).is_some())
}

const SHUTDOWN_WORDS: &[&[u8]] = &[
    b"Shutting down",
    b"shutdown",
    b"SIGTERM",
    b"Killed",
    b"exited with",
    b"Received sig",
];

impl Events {
    pub fn line(&mut self, line: u64, has_content: bool) {
        if has_content {
            self.content_last = line;
        }
    }

    pub fn preempted(&mut self, line: u64) {
        self.preempt_first.get_or_insert(line);
        self.preempt_count += 1;
    }

    pub fn traceback(&mut self, line: u64) {
        self.traceback_last = Some(line);
    }

    pub fn shutdown_marker(&mut self, line_no: u64, line: &[u8]) {
        if SHUTDOWN_WORDS
            .iter()
            .any(|w| memchr::memmem::find(line, w).is_some())
        {
            self.shutdown_last = Some(line_no);
        }
    }

    pub fn sample(&mut self, line: u64, kind: SampleKind, fields: &[(Rc<str>, f32)]) {
        self.sample_last = Some(line);
        let get = |name: &str| fields.iter().find(|(k, _)| &**k == name).map(|(_, v)| *v);
        if get("retracted_req").is_some_and(|v| v > 0.0)
            || get("num_preempted").is_some_and(|v| v > 0.0)
        {
            self.retracted_first.get_or_insert(line);
        }
        // vLLM V1 stats lines count the interval's preemptions (`Preemptions: 3`).
        if get("preemptions").is_some_and(|v| v > 0.0) {
            self.preempted(line);
        }
        if kind == SampleKind::Decode {
            self.decode_samples += 1;
            if get("cuda_graph") == Some(0.0) {
                self.decode_graph_off += 1;
                self.decode_graph_off_first.get_or_insert(line);
            }
        }
        let kv = get("token_usage")
            .or_else(|| get("full_token_usage"))
            .or_else(|| get("gpu_kv_cache_usage").map(|p| p / 100.0))
            .or_else(|| get("kv_cache_util"));
        if let Some(kv) = kv {
            if kv >= KV_HIGH {
                if self.kv_run == 0 {
                    self.kv_run_start = line;
                }
                self.kv_run += 1;
                if self.kv_run >= KV_SUSTAINED_SAMPLES
                    && self.kv_worst.is_none_or(|(_, n)| self.kv_run > n)
                {
                    self.kv_worst = Some((self.kv_run_start, self.kv_run));
                }
            } else {
                self.kv_run = 0;
            }
        }
    }

    pub fn findings(&self, log: &WorkerLog) -> Vec<HealthFinding> {
        let mut out = Vec::new();
        if let Some((line, samples)) = self.kv_worst {
            out.push(HealthFinding::KvSaturated { line, samples });
        }
        for s in &log.series {
            let queue = s.column("queue_req").or_else(|| s.column("waiting"));
            if let Some(q) = queue.filter(|q| q.len() >= 8) {
                let quarter = q.len() / 4;
                let mean = |v: &[f32]| {
                    let v: Vec<f32> = v.iter().copied().filter(|x| x.is_finite()).collect();
                    v.iter().sum::<f32>() / v.len().max(1) as f32
                };
                let (first, last) = (mean(&q[..quarter]), mean(&q[q.len() - quarter..]));
                let rising = q.windows(2).filter(|w| w[1] > w[0]).count()
                    > q.windows(2).filter(|w| w[1] < w[0]).count();
                if last > 10.0 && last > 2.0 * first.max(1.0) && rising {
                    out.push(HealthFinding::QueueGrowing {
                        line: *s.line.last().unwrap_or(&0),
                        kind: s.kind,
                        first_mean: first,
                        last_mean: last,
                    });
                }
            }
        }
        if let Some(line) = self.retracted_first {
            out.push(HealthFinding::Retracted { line });
        }
        if let Some(line) = self.preempt_first {
            out.push(HealthFinding::Preempted {
                line,
                lines: self.preempt_count,
            });
        }
        if self.decode_samples > 0 && self.decode_graph_off == self.decode_samples {
            out.push(HealthFinding::CudaGraphsOff {
                line: self.decode_graph_off_first.unwrap_or(0),
            });
        }
        if let Some(line) = self.traceback_last {
            out.push(HealthFinding::Traceback { line });
        }
        if let Some(last_sample) = self.sample_last {
            let stopped_after = self.shutdown_last.is_some_and(|s| s > last_sample);
            if !stopped_after
                && self.content_last.saturating_sub(last_sample) < 50
                && self.traceback_last.is_none_or(|t| t < last_sample)
            {
                out.push(HealthFinding::EndsWhileServing { line: last_sample });
            }
        }
        out
    }
}
