//! Assembling one run: every attribute from the best source that has it — `{jobid}.json`
//! metadata, then the recipe (`config.yaml`) and job logs, then the directory name, then the
//! result files — each recorded with where it came from; GPU counts by both accountings;
//! completeness; one point per concurrency. Derived metrics are computed later, by the
//! analyses.

use std::collections::{HashMap, HashSet};

use super::gpus::gpu_evidence;
use super::paths::{parse_dir_name, DirName};
use crate::formats::duplicate_rank;
use crate::model::{
    BenchmarkPoint, Generation, GpuCounts, MetadataVersion, Provenance, RoleCounts, Run,
    RunMetadata, Sourced, Topology, WorkerLog,
};
use crate::text::paths::{file_name, isl_osl_from_path, parent};
use crate::text::time::normalize_date;

/// What is known about a run before its points: metadata, recipe, directory name.
pub struct RunSources<'a> {
    pub root: &'a str,
    pub meta: Option<&'a RunMetadata>,
    pub config: Option<&'a RunMetadata>,
    pub dir: DirName,
}

fn sourced<T>(value: T, from: Provenance) -> Sourced<T> {
    Sourced { value, from }
}

impl<'a> RunSources<'a> {
    pub fn new(
        root: &'a str,
        meta: Option<&'a RunMetadata>,
        config: Option<&'a RunMetadata>,
    ) -> Self {
        Self {
            root,
            meta,
            config,
            dir: parse_dir_name(file_name(root)),
        }
    }

    /// A field from metadata, else from the recipe, with its provenance.
    fn pick<T>(&self, field: impl Fn(&RunMetadata) -> Option<T>) -> Option<Sourced<T>> {
        self.meta
            .and_then(&field)
            .map(|v| sourced(v, Provenance::Metadata))
            .or_else(|| {
                self.config
                    .and_then(&field)
                    .map(|v| sourced(v, Provenance::ConfigYaml))
            })
    }

    fn value<T>(&self, field: impl Fn(&RunMetadata) -> Option<T>) -> Option<T> {
        self.pick(field).map(|s| s.value)
    }

    /// The metadata and recipe merged field by field (metadata first).
    pub fn merged(&self) -> RunMetadata {
        let mut merged = self.meta.cloned().unwrap_or_default();
        if let Some(config) = self.config {
            merged.fill_missing_from(config);
        }
        merged
    }

    pub fn job_id(&self) -> Sourced<String> {
        self.meta
            .and_then(|m| m.job_id.clone())
            .map(|j| sourced(j, Provenance::Metadata))
            .or_else(|| {
                self.dir
                    .job_id
                    .clone()
                    .map(|j| sourced(j, Provenance::DirectoryName))
            })
            .unwrap_or_else(|| {
                let name = file_name(self.root);
                let name = if name.is_empty() { "loose files" } else { name };
                sourced(name.to_owned(), Provenance::DirectoryName)
            })
    }

    pub fn profiling(&self) -> bool {
        self.value(|m| m.profiler.clone())
            .is_some_and(|p| p.contains("profiler"))
            || self.meta.is_some_and(|m| m.profiling_enabled)
            || self.config.is_some_and(|m| m.profiling_enabled)
    }

    fn generation(&self) -> Generation {
        match self.meta.and_then(|m| m.version) {
            Some(MetadataVersion::V2) => Generation::G2,
            Some(MetadataVersion::V1) => Generation::G1,
            None if self.dir.topology.is_some() && self.dir.job_id.is_some() => Generation::G0,
            None if self.dir.job_id.is_some()
                && (self.config.is_some() || parent(self.root).ends_with("outputs")) =>
            {
                Generation::G2
            }
            None => Generation::Loose,
        }
    }

    fn topology(&self) -> Option<Sourced<Topology>> {
        let from = |m: &RunMetadata| {
            let aggregated = m.mode.as_deref() == Some("aggregated")
                || m.agg_workers.unwrap_or(0) > 0
                || m.agg_nodes.unwrap_or(0) > 0;
            if aggregated {
                Some(Topology::Aggregated {
                    workers: m.agg_workers.unwrap_or(0),
                })
            } else if m.prefill_workers.is_some() || m.decode_workers.is_some() {
                Some(Topology::Disaggregated {
                    prefill_workers: m.prefill_workers.unwrap_or(0),
                    decode_workers: m.decode_workers.unwrap_or(0),
                })
            } else {
                None
            }
        };
        self.pick(from).or_else(|| {
            self.dir
                .topology
                .map(|t| sourced(t, Provenance::DirectoryName))
        })
    }
}

/// Node-based and worker-based GPU counts from metadata, null-safe (format reference §1.8).
pub fn gpu_counts_from_metadata(m: &RunMetadata) -> GpuCounts {
    let gpn = m.gpus_per_node;
    let nodes = |n: Option<u32>| n.zip(gpn).map(|(n, g)| n * g);
    let aggregated = m.mode.as_deref() == Some("aggregated") || m.agg_workers.unwrap_or(0) > 0;
    let (prefill, decode) = (nodes(m.prefill_nodes), nodes(m.decode_nodes));
    let node_based = if aggregated {
        nodes(m.agg_nodes)
    } else {
        match (prefill, decode) {
            (None, None) => None,
            (p, d) => Some(p.unwrap_or(0) + d.unwrap_or(0)),
        }
    };
    let workers = |w: Option<u32>, per: Option<u32>| w.zip(per).map(|(w, g)| w * g);
    let parts = [
        workers(m.prefill_workers, m.gpus_per_prefill),
        workers(m.decode_workers, m.gpus_per_decode),
        workers(m.agg_workers, m.gpus_per_agg),
    ];
    let worker_based = parts
        .iter()
        .any(Option::is_some)
        .then(|| parts.iter().flatten().sum());
    GpuCounts {
        node_based: node_based.filter(|&n| n > 0),
        worker_based: worker_based.filter(|&n| n > 0),
        prefill: if aggregated { None } else { prefill },
        decode: if aggregated { None } else { decode },
    }
}

/// Keep, per point of a run, only the copies of the best-ranked tool that reported it. A point
/// is its concurrency and request rate (a qps sweep at one concurrency is one point per rate);
/// a copy that states no rate matches every rate of its concurrency (a rollup or CSV that omits
/// the rate repeats the same points). One pass for the best ranks, one to keep (a scan per point
/// was quadratic in a run of 100 000 result files).
fn drop_lesser_duplicates(points: &mut Vec<BenchmarkPoint>) {
    #[derive(Default)]
    struct Best {
        any: Option<u8>,
        unstated: Option<u8>,
        by_rate: HashMap<u64, u8>,
    }
    let lower = |slot: &mut Option<u8>, r: u8| *slot = Some(slot.map_or(r, |b| b.min(r)));
    let mut best: HashMap<Option<u32>, Best> = HashMap::new();
    let ranks: Vec<u8> = points.iter().map(|p| duplicate_rank(&p.tool)).collect();
    for (p, &r) in points.iter().zip(&ranks) {
        let b = best.entry(p.concurrency).or_default();
        lower(&mut b.any, r);
        match p.request_rate {
            None => lower(&mut b.unstated, r),
            Some(rate) => {
                let e = b.by_rate.entry(rate.to_bits()).or_insert(r);
                *e = (*e).min(r);
            }
        }
    }
    let mut i = 0;
    points.retain(|p| {
        i += 1;
        let r = ranks[i - 1];
        let Some(b) = best.get(&p.concurrency) else {
            return true;
        };
        let rival = match p.request_rate {
            None => b.any,
            Some(rate) => match (b.by_rate.get(&rate.to_bits()).copied(), b.unstated) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            },
        };
        rival.is_none_or(|best| r <= best)
    });
}

/// Build the run from its sources and points.
pub fn assemble_run(src: &RunSources<'_>, points: &[&BenchmarkPoint], logs: &[&WorkerLog]) -> Run {
    let merged = src.merged();
    let gpus = gpu_evidence(src, points, logs);

    let path_isl_osl = points.iter().find_map(|p| isl_osl_from_path(&p.source));
    let result_isl_osl = points.iter().find_map(|p| p.isl.zip(p.osl));
    let isl = src
        .pick(|m| m.isl)
        .or_else(|| path_isl_osl.map(|(i, _)| sourced(i, Provenance::DirectoryName)))
        .or_else(|| result_isl_osl.map(|(i, _)| sourced(i, Provenance::Results)));
    let osl = src
        .pick(|m| m.osl)
        .or_else(|| path_isl_osl.map(|(_, o)| sourced(o, Provenance::DirectoryName)))
        .or_else(|| result_isl_osl.map(|(_, o)| sourced(o, Provenance::Results)));
    let date = src
        .pick(|m| m.run_date.clone())
        .or_else(|| {
            src.dir
                .date
                .clone()
                .map(|d| sourced(d, Provenance::DirectoryName))
        })
        .or_else(|| {
            let earliest = points
                .iter()
                .filter_map(|p| p.date.as_deref().and_then(normalize_date))
                .filter(|d| super::plausible::plausible_date(d))
                .min();
            earliest.map(|d| sourced(d, Provenance::Results))
        });

    let mut owned: Vec<BenchmarkPoint> = points.iter().map(|p| (*p).clone()).collect();
    owned.sort_by(|a, b| {
        a.concurrency
            .cmp(&b.concurrency)
            .then_with(|| a.source.cmp(&b.source))
    });
    drop_lesser_duplicates(&mut owned);

    let expected = src.pick(|m| (!m.concurrencies.is_empty()).then(|| m.concurrencies.clone()));
    let missing = expected
        .as_ref()
        .map(|e| {
            let have: HashSet<Option<u32>> = owned.iter().map(|p| p.concurrency).collect();
            e.value
                .iter()
                .copied()
                .filter(|c| !have.contains(&Some(*c)))
                .collect()
        })
        .unwrap_or_default();
    let results_text = |f: fn(&BenchmarkPoint) -> Option<String>| {
        owned
            .iter()
            .find_map(f)
            .map(|v| sourced(v, Provenance::Results))
    };

    Run {
        key: src.root.to_owned(),
        job_id: src.job_id(),
        root: src.root.to_owned(),
        generation: src.generation(),
        topology: src.topology(),
        gpus: gpus.counts,
        gpus_from: gpus.from,
        gpus_per_node: merged.gpus_per_node,
        nodes: RoleCounts {
            prefill: merged.prefill_nodes,
            decode: merged.decode_nodes,
            agg: merged.agg_nodes,
        },
        workers: RoleCounts {
            prefill: merged.prefill_workers,
            decode: merged.decode_workers,
            agg: merged.agg_workers,
        },
        frontends: src.value(|m| m.frontends),
        job_name: src.value(|m| m.job_name.clone()),
        gpu_type: src.pick(|m| m.gpu_type.clone()),
        isl,
        osl,
        profiler: src.pick(|m| m.profiler.clone()).or_else(|| {
            owned
                .first()
                .map(|p| sourced(p.tool.clone(), Provenance::Results))
        }),
        container: src.pick(|m| m.container.clone()),
        model: src
            .pick(|m| m.model.clone())
            .or_else(|| results_text(|p| p.model_id.clone())),
        backend: src
            .value(|m| m.backend.clone())
            .or_else(|| owned.iter().find_map(|p| p.backend.clone())),
        tags: src.meta.map(|m| m.tags.clone()).unwrap_or_default(),
        date,
        expected_concurrencies: expected
            .as_ref()
            .map(|e| e.value.clone())
            .unwrap_or_default(),
        expected_concurrencies_from: expected.map(|e| e.from),
        missing_concurrencies: missing,
        points: owned,
        findings: gpus.findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_collapse_by_concurrency_and_request_rate() {
        let point = |tool: &str, rate: Option<f64>| BenchmarkPoint {
            tool: tool.into(),
            source: format!("r/{tool}"),
            request_rate: rate,
            ..Default::default()
        };
        let mut points = vec![
            point("sa-bench-json", Some(1.0)),
            point("sa-bench-json", Some(4.0)),
            point("vllm-suite-json", Some(1.0)),
            point("vllm-suite-json", Some(4.0)),
            point("vllm-suite-json", Some(16.0)),
            point("vllm-suite-json", Some(f64::INFINITY)),
            // States no rate: matches the better tool's copies at every rate.
            point("vllm-suite-json", None),
        ];
        drop_lesser_duplicates(&mut points);
        let kept: Vec<(&str, Option<f64>)> = points
            .iter()
            .map(|p| (p.tool.as_str(), p.request_rate))
            .collect();
        assert_eq!(
            kept,
            vec![
                ("sa-bench-json", Some(1.0)),
                ("sa-bench-json", Some(4.0)),
                ("vllm-suite-json", Some(16.0)),
                ("vllm-suite-json", Some(f64::INFINITY)),
            ],
            "a rate only the lesser format reports stays"
        );
        // A better copy that states no rate stands for every rate of its concurrency.
        let mut points = vec![
            point("sa-bench-json", None),
            point("vllm-suite-json", Some(1.0)),
            point("vllm-suite-json", Some(4.0)),
        ];
        drop_lesser_duplicates(&mut points);
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].tool, "sa-bench-json");
    }

    #[test]
    fn aggregated_runs_get_gpus() {
        let m = RunMetadata {
            agg_workers: Some(2),
            gpus_per_agg: Some(4),
            gpus_per_node: Some(4),
            ..Default::default()
        };
        let g = gpu_counts_from_metadata(&m);
        assert_eq!(g.node_based, None, "no agg_nodes before 2026-04-21");
        assert_eq!(g.total(), Some(8), "falls back to worker-based");
    }

    #[test]
    fn recipe_fills_what_metadata_lacks_with_provenance() {
        let meta = RunMetadata {
            isl: Some(8192),
            ..Default::default()
        };
        let config = RunMetadata {
            isl: Some(1),
            osl: Some(1024),
            concurrencies: vec![4, 8],
            ..Default::default()
        };
        let src = RunSources::new("outputs/77", Some(&meta), Some(&config));
        let run = assemble_run(&src, &[], &[]);
        assert_eq!(
            run.isl,
            Some(Sourced {
                value: 8192,
                from: Provenance::Metadata
            })
        );
        assert_eq!(
            run.osl,
            Some(Sourced {
                value: 1024,
                from: Provenance::ConfigYaml
            })
        );
        assert_eq!(run.missing_concurrencies, vec![4, 8]);
        assert_eq!(
            run.expected_concurrencies_from,
            Some(Provenance::ConfigYaml)
        );
    }
}
