//! Run discovery: group parsed records into runs (format reference §1.1, §1.2, §1.8, §1.9).
//! [`paths`] decides which run a file belongs to; [`assemble`] fills a run's attributes with
//! their provenance. Runs without results are reported as skipped, each with its reason.

pub mod assemble;
pub mod paths;

use std::collections::{BTreeMap, BTreeSet};

pub use paths::{isl_osl_from_path, number_after, parse_dir_name, run_root};

use crate::formats::srt_metadata::RunMetadata;
use crate::formats::Record;
use crate::model::{BenchmarkPoint, Dataset, Run, RunNodeConfig, RunWorkerLog, SkippedRun};
use assemble::{assemble_run, RunSources};
use paths::parent;

/// The run directory a metadata or recipe file describes: its own directory, or the parent of
/// a `logs/` directory (G2 keeps job logs under `logs/`).
fn described_dir(path: &str) -> String {
    let dir = parent(path);
    match dir.strip_suffix("/logs") {
        Some(run) => run.to_owned(),
        None if dir == "logs" => String::new(),
        None => dir.to_owned(),
    }
}

/// Merge two partial descriptions of one directory (e.g. `config.yaml` and `log.out`).
fn merge_config(a: &RunMetadata, b: &RunMetadata) -> RunMetadata {
    let mut m = a.clone();
    macro_rules! fill {
        ($($f:ident),*) => { $( if m.$f.is_none() { m.$f = b.$f.clone(); } )* };
    }
    fill!(
        job_name,
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
    fill!(mode, backend, profiler, isl, osl, frontends, run_date);
    if m.concurrencies.is_empty() {
        m.concurrencies = b.concurrencies.clone();
    }
    m.profiling_enabled |= b.profiling_enabled;
    m
}

/// Group records into runs.
pub fn build_dataset(records: &[Record]) -> Dataset {
    let mut metadata: BTreeMap<String, &RunMetadata> = BTreeMap::new();
    let mut configs: BTreeMap<String, RunMetadata> = BTreeMap::new();
    for r in records {
        match r {
            Record::Metadata(m) => {
                metadata.insert(parent(&m.path).to_owned(), m.as_ref());
            }
            Record::Config(c) => {
                let dir = described_dir(&c.path);
                let merged = match configs.get(&dir) {
                    Some(existing) => merge_config(existing, c),
                    None => c.as_ref().clone(),
                };
                configs.insert(dir, merged);
            }
            Record::Point(_)
            | Record::WorkerLog(_)
            | Record::NodeConfig(_)
            | Record::Scheduler(_)
            | Record::P2p(_) => {}
        }
    }
    let run_dirs: BTreeSet<String> = metadata.keys().chain(configs.keys()).cloned().collect();
    let mut points_by_root: BTreeMap<String, Vec<&BenchmarkPoint>> = BTreeMap::new();
    for r in records {
        if let Record::Point(p) = r {
            points_by_root
                .entry(run_root(&p.source, &run_dirs))
                .or_default()
                .push(p);
        }
    }
    let mut ds = Dataset::default();
    let roots: BTreeSet<&String> = run_dirs.iter().chain(points_by_root.keys()).collect();
    for root in roots {
        let src = RunSources::new(root, metadata.get(root).copied(), configs.get(root));
        let points = points_by_root.get(root).map(Vec::as_slice).unwrap_or(&[]);
        // A recipe or log alone in a loose folder is not a run.
        if points.is_empty() && src.meta.is_none() && src.dir.job_id.is_none() {
            continue;
        }
        let run = assemble_run(&src, points);
        if run.points.is_empty() {
            let reason = if src.profiling() {
                "Profiling job (no benchmark results)"
            } else {
                "No benchmark results found"
            };
            ds.skipped.push(SkippedRun {
                job_id: run.job_id.value,
                root: run.root,
                reason: reason.into(),
            });
        } else {
            ds.runs.push(run);
        }
    }
    attach_worker_logs(records, &run_dirs, &mut ds);
    attach_scheduler_logs(records, &mut ds);
    ds.runs.sort_by(|a, b| {
        let date = |r: &Run| r.date.as_ref().map(|d| d.value.clone());
        date(b)
            .cmp(&date(a))
            .then_with(|| b.job_id.value.cmp(&a.job_id.value))
    });
    ds
}

/// Scheduler CSVs, one analysis per directory; their row problems become diagnostics.
fn attach_scheduler_logs(records: &[Record], ds: &mut Dataset) {
    let tables: Vec<&crate::formats::scheduler_csv::SchedulerTable> = records
        .iter()
        .filter_map(|r| match r {
            Record::Scheduler(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    for t in &tables {
        ds.diagnostics.extend(t.problems.iter().cloned());
    }
    ds.scheduler = crate::scheduler::analyse_all(&tables);
    let p2p: Vec<&crate::formats::p2p_nccl::P2pLog> = records
        .iter()
        .filter_map(|r| match r {
            Record::P2p(l) => Some(l.as_ref()),
            _ => None,
        })
        .collect();
    ds.p2p = crate::p2p::analyse_all(&p2p);
}

/// The run a worker log belongs to: as for results, but a loose log belongs to its folder.
fn log_root(path: &str, run_dirs: &BTreeSet<String>) -> String {
    if let Some(root) = paths::enclosing_run_dir(path, run_dirs) {
        return root;
    }
    let dir = parent(path);
    dir.strip_suffix("/logs")
        .unwrap_or(if dir == "logs" { "" } else { dir })
        .to_owned()
}

fn attach_worker_logs(records: &[Record], run_dirs: &BTreeSet<String>, ds: &mut Dataset) {
    let mut logs: Vec<RunWorkerLog> = records
        .iter()
        .filter_map(|r| match r {
            Record::WorkerLog(l) => Some(RunWorkerLog {
                run_key: log_root(&l.path, run_dirs),
                run_start_s: None,
                log: (**l).clone(),
            }),
            _ => None,
        })
        .collect();
    // `.out` and `.err` of one named worker are one worker.
    logs.sort_by(|a, b| {
        a.run_key
            .cmp(&b.run_key)
            .then_with(|| a.log.path.cmp(&b.log.path))
    });
    let mut merged: Vec<RunWorkerLog> = Vec::with_capacity(logs.len());
    for l in logs {
        let same = |m: &RunWorkerLog| {
            m.run_key == l.run_key
                && m.log.identity == l.log.identity
                && l.log.identity.service != crate::timeseries::Service::Unknown
                && paths::parent(&m.log.path) == paths::parent(&l.log.path)
        };
        match merged.iter_mut().find(|m| same(m)) {
            Some(m) => m.log.merge(l.log),
            None => merged.push(l),
        }
    }
    let mut logs = merged;
    let mut starts: BTreeMap<String, f64> = BTreeMap::new();
    for l in &logs {
        if let Some(s) = l.log.start_s() {
            let e = starts.entry(l.run_key.clone()).or_insert(s);
            *e = e.min(s);
        }
    }
    for l in &mut logs {
        l.run_start_s = starts.get(&l.run_key).copied();
    }
    logs.sort_by(|a, b| {
        a.run_key
            .cmp(&b.run_key)
            .then_with(|| a.log.path.cmp(&b.log.path))
    });
    ds.worker_logs = logs;
    for r in records {
        if let Record::NodeConfig(c) = r {
            ds.diagnostics.extend(c.warnings.iter().cloned());
            ds.node_configs.push(RunNodeConfig {
                run_key: log_root(&c.path, run_dirs),
                config: (**c).clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_concurrency_results_win_over_a_rollup_of_the_same_run() {
        let point = |source: &str, tool: &str, c: u32, tps: f64| {
            Record::Point(Box::new(BenchmarkPoint {
                source: source.into(),
                tool: tool.into(),
                concurrency: Some(c),
                output_throughput: Some(tps),
                ..Default::default()
            }))
        };
        let records = vec![
            point(
                "outputs/7/logs/benchmark-rollup.csv",
                "srt-rollup-csv",
                4,
                1.0,
            ),
            point(
                "outputs/7/logs/benchmark-rollup.csv",
                "srt-rollup-csv",
                8,
                2.0,
            ),
            point(
                "outputs/7/logs/sa-bench_isl_1_osl_1/results_concurrency_4.json",
                "sa-bench-json",
                4,
                10.0,
            ),
        ];
        let ds = build_dataset(&records);
        let tps: Vec<_> = ds.runs[0]
            .points
            .iter()
            .map(|p| (p.concurrency, p.output_throughput))
            .collect();
        assert_eq!(
            tps,
            vec![(Some(4), Some(10.0)), (Some(8), Some(2.0))],
            "rollup fills only the gap"
        );
    }

    #[test]
    fn profiling_recipe_without_results_is_skipped_as_profiling() {
        let config = RunMetadata {
            path: "outputs/55/config.yaml".into(),
            profiling_enabled: true,
            ..Default::default()
        };
        let ds = build_dataset(&[Record::Config(Box::new(config))]);
        assert_eq!(ds.skipped.len(), 1);
        assert_eq!(ds.skipped[0].job_id, "55");
        assert_eq!(ds.skipped[0].reason, "Profiling job (no benchmark results)");
    }

    #[test]
    fn out_and_err_of_one_worker_are_merged() {
        let log = |path: &str, text: &str| {
            let mut out = Vec::new();
            crate::formats::Format::parse(
                &crate::formats::worker_log::WorkerLogFormat,
                path,
                text.as_bytes(),
                &mut out,
            )
            .unwrap();
            out.pop().unwrap()
        };
        let records = vec![
            log("3667_1P_4D_20251110_192145/cn01_decode_w0.err", "[2025-11-10 19:30:00 TP0] Decode batch, #running-req: 1, gen throughput (token/s): 5.0\n"),
            log("3667_1P_4D_20251110_192145/cn01_decode_w0.out", "+ python3 -m dynamo.sglang --tp-size 4 --dp-size 2\n[2025-11-10 19:30:01 TP0] Decode batch, #running-req: 2, gen throughput (token/s): 6.0\n"),
            log("3667_1P_4D_20251110_192145/cn02_prefill_w0.err", "[2025-11-10 19:29:58 TP0] Prefill batch, #new-seq: 1, input throughput (token/s): 9.0\n"),
        ];
        let ds = build_dataset(&records);
        assert_eq!(ds.worker_logs.len(), 2);
        let decode = ds
            .worker_logs
            .iter()
            .find(|l| l.log.identity.service == crate::timeseries::Service::Decode)
            .unwrap();
        assert_eq!(decode.log.sample_count(), 2);
        assert_eq!(decode.log.merged_paths.len(), 1);
        assert_eq!(
            (decode.log.parallelism.tp, decode.log.parallelism.dp),
            (Some(4), Some(2))
        );
        let topology = ds.node_services("3667_1P_4D_20251110_192145");
        assert_eq!(topology.len(), 2);
        assert_eq!(
            topology[0],
            ("cn01".to_owned(), vec![crate::timeseries::Service::Decode])
        );
        // Both workers share the run's time origin: the prefill line two seconds earlier.
        let start = decode.run_start_s.unwrap();
        assert_eq!(decode.log.series[0].time_s[0] - start, 2.0);
    }

    #[test]
    fn job_log_under_logs_describes_the_run_root() {
        assert_eq!(described_dir("outputs/55/logs/log.out"), "outputs/55");
        assert_eq!(
            described_dir("3667_1P_4D_20251110_192145/log.out"),
            "3667_1P_4D_20251110_192145"
        );
    }
}
