//! Run discovery: group parsed records into runs (format reference §1.1, §1.2, §1.8, §1.9).
//! [`paths`] decides which run a file belongs to; [`assemble`] fills a run's attributes with
//! their provenance. Runs without results are reported as skipped, each with its reason.
//! Discovery computes nothing: derived metrics and the scheduler and P2P analyses are run by
//! ingest over what is grouped here.

pub mod assemble;
pub mod gpus;
pub mod paths;
pub mod plausible;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::formats::Record;
use crate::model::{
    BenchmarkPoint, Dataset, Diagnostic, EnergyReport, NodeConfig, P2pLog, Run, RunMetadata,
    RunNodeConfig, RunWorkerLog, SchedulerTable, SkipReason, SkippedRun, WorkerLog,
};
use crate::text::paths::parent;
use assemble::{assemble_run, RunSources};
use paths::run_root;

/// The records of a load, partitioned by kind in one pass.
#[derive(Default)]
pub struct Partition<'a> {
    pub metadata: Vec<&'a RunMetadata>,
    pub configs: Vec<&'a RunMetadata>,
    pub points: Vec<&'a BenchmarkPoint>,
    pub node_configs: Vec<&'a NodeConfig>,
    pub worker_logs: Vec<&'a Arc<WorkerLog>>,
    pub scheduler: Vec<&'a SchedulerTable>,
    pub p2p: Vec<&'a P2pLog>,
    /// Problems with parts of files that were otherwise read.
    pub diagnostics: Vec<&'a Diagnostic>,
    pub energy: Vec<&'a EnergyReport>,
    pub requests: Vec<&'a crate::formats::aiperf_records::RequestRows>,
}

impl<'a> Partition<'a> {
    pub fn of(records: &'a [Record]) -> Self {
        let mut p = Partition::default();
        for r in records {
            match r {
                Record::Metadata(m) => p.metadata.push(m),
                Record::Config(c) => p.configs.push(c),
                Record::Point(x) => p.points.push(x),
                Record::NodeConfig(c) => p.node_configs.push(c),
                Record::WorkerLog(l) => p.worker_logs.push(l),
                Record::Scheduler(t) => p.scheduler.push(t),
                Record::P2p(l) => p.p2p.push(l),
                Record::Diagnostic(d) => p.diagnostics.push(d),
                Record::Energy(e) => p.energy.push(e),
                Record::Requests(r) => p.requests.push(r),
            }
        }
        p
    }
}

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

/// Which of two descriptions of one run directory fills a field first: the resolved recipe
/// srt-slurm 2.x writes (`config_resolved.yaml`, `recipe.lock.yaml`; aliases expanded, defaults
/// filled), then the recipe as submitted, then a per-job `config_<suffix>.yaml`, then job logs.
fn description_rank(path: &str) -> u8 {
    match crate::text::paths::file_name(path) {
        "config_resolved.yaml" | "recipe.lock.yaml" => 0,
        "config.yaml" | "config.yml" | "recipe.yaml" => 1,
        n if n.starts_with("config_") => 2,
        _ => 3,
    }
}

/// The path a point's run is found from: its file's, or for a row of a suite report the path
/// of its test's own result file beside the report (`r/benchmark_results.json` row
/// `serving_m_qps_4` → `r/serving_m_qps_4.json`), so that both copies share a run.
fn point_path(p: &BenchmarkPoint) -> std::borrow::Cow<'_, str> {
    match p.suite_test.as_deref() {
        Some(t) if !t.is_empty() && !t.contains('/') => match parent(&p.source) {
            "" => format!("{t}.json").into(),
            dir => format!("{dir}/{t}.json").into(),
        },
        _ => p.source.as_str().into(),
    }
}

/// Group records into runs: runs with their points (derived metrics not yet computed), skipped
/// runs with their reason, worker logs and node configs with the run each belongs to.
pub fn build_dataset(records: &Partition<'_>) -> Dataset {
    let mut metadata: BTreeMap<String, &RunMetadata> = BTreeMap::new();
    for m in &records.metadata {
        metadata.insert(parent(&m.path).to_owned(), m);
    }
    let mut configs: BTreeMap<String, RunMetadata> = BTreeMap::new();
    let mut in_order = records.configs.clone();
    in_order.sort_by(|a, b| {
        description_rank(&a.path)
            .cmp(&description_rank(&b.path))
            .then_with(|| a.path.cmp(&b.path))
    });
    for c in in_order {
        let dir = described_dir(&c.path);
        match configs.get_mut(&dir) {
            Some(existing) => existing.fill_missing_from(c),
            None => {
                configs.insert(dir, (*c).clone());
            }
        }
    }
    let run_dirs: BTreeSet<String> = metadata.keys().chain(configs.keys()).cloned().collect();
    let mut points_by_root: BTreeMap<String, Vec<&BenchmarkPoint>> = BTreeMap::new();
    for p in &records.points {
        points_by_root
            .entry(run_root(&point_path(p), &run_dirs))
            .or_default()
            .push(p);
    }
    let mut logs_by_root: BTreeMap<String, Vec<&WorkerLog>> = BTreeMap::new();
    for l in &records.worker_logs {
        // A sweep of loose folders (`x_conc4/`, `x_conc8/`) is one run `x_conc*`: the logs of
        // each folder belong to it.
        let own = log_root(&l.path, &run_dirs);
        let root = if points_by_root.contains_key(&own) {
            own
        } else {
            Some(run_root(&l.path, &run_dirs))
                .filter(|sweep| points_by_root.contains_key(sweep))
                .unwrap_or(own)
        };
        logs_by_root.entry(root).or_default().push(l.as_ref());
    }
    let mut energy_by_root: BTreeMap<String, Vec<&EnergyReport>> = BTreeMap::new();
    for e in &records.energy {
        energy_by_root
            .entry(run_root(&e.path, &run_dirs))
            .or_default()
            .push(e);
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
        let logs = logs_by_root.get(root).map(Vec::as_slice).unwrap_or(&[]);
        let mut run = assemble_run(&src, points, logs);
        if let Some(energy) = energy_by_root.get(root) {
            attach_energy(&mut run.points, energy);
        }
        if run.points.is_empty() {
            ds.skipped.push(SkippedRun {
                job_id: run.job_id.value,
                root: run.root,
                reason: if src.profiling() {
                    SkipReason::ProfilingJob
                } else {
                    SkipReason::NoResults
                },
            });
        } else {
            ds.runs.push(run);
        }
    }
    attach_worker_logs(records, &run_dirs, &mut ds);
    attach_request_rows(&records.requests, &mut ds);
    ds.diagnostics
        .extend(records.diagnostics.iter().map(|d| (*d).clone()));
    ds.runs.sort_by(|a, b| {
        let date = |r: &Run| r.date.as_ref().map(|d| d.value.clone());
        date(b)
            .cmp(&date(a))
            .then_with(|| b.job_id.value.cmp(&a.job_id.value))
    });
    ds
}

/// Give each point without per-request rows the rows written beside its file (AIPerf's
/// `profile_export.jsonl` next to `profile_export_aiperf.json`); rows that no point takes are
/// reported, not dropped silently.
fn attach_request_rows(rows: &[&crate::formats::aiperf_records::RequestRows], ds: &mut Dataset) {
    for r in rows {
        let dir = parent(&r.path);
        let point = ds
            .runs
            .iter_mut()
            .flat_map(|run| run.points.iter_mut())
            .find(|p| p.requests.is_none() && parent(&p.source) == dir);
        match point {
            Some(p) if !r.samples.is_empty() => p.requests = Some(Box::new(r.samples.clone())),
            Some(_) => {}
            None => ds.diagnostics.push(Diagnostic::warning(
                &r.path,
                "per-request records with no result summary beside them (profile_export_aiperf.json): not attached to a point",
            )),
        }
    }
}

/// Copy each point's energy from the best-ranked report of its run and concurrency.
fn attach_energy(points: &mut [BenchmarkPoint], energy: &[&EnergyReport]) {
    for p in points.iter_mut() {
        let Some(e) = energy
            .iter()
            .filter(|e| Some(e.concurrency) == p.concurrency)
            .min_by_key(|e| e.rank)
        else {
            continue;
        };
        p.energy_j_per_output_token = e.joules_per_output_token;
        p.avg_power_w = e.gpu_avg_power_w;
        p.output_tps_per_watt = e.output_tps_per_gpu_watt;
    }
}

/// The run a worker log belongs to: as for results, but a loose log belongs to its folder.
fn log_root(path: &str, run_dirs: &BTreeSet<String>) -> String {
    if let Some(root) = paths::enclosing_run_dir(path, run_dirs) {
        return root;
    }
    let dir = parent(path);
    paths::above_logs_tree(dir).unwrap_or(dir).to_owned()
}

/// A log's root when no run has that key: the one run whose sweep key lives in that
/// directory (loose `results_concurrency_*.json` beside a `logs/` folder are the run
/// `dir/results_concurrency_*`), else the one run whose masked sweep key the root itself
/// matches (an InferenceX point folder `…_conc4_…/server.log` beside its results, the run
/// `…_conc*_…`), else the root itself.
fn adopt_loose_run(root: String, runs: &[Run]) -> String {
    if runs.iter().any(|r| r.key == root) {
        return root;
    }
    fn only<'a>(mut it: impl Iterator<Item = &'a Run>) -> Option<String> {
        match (it.next(), it.next()) {
            (Some(r), None) => Some(r.key.clone()),
            _ => None,
        }
    }
    only(runs.iter().filter(|r| parent(&r.key) == root))
        .or_else(|| {
            only(
                runs.iter()
                    .filter(|r| r.key.contains('*') && masked_match(&r.key, &root)),
            )
        })
        .unwrap_or(root)
}

/// Whether `text` is `mask` with each `*` standing for a run of digits (the masked
/// concurrency or request rate of a sweep key).
fn masked_match(mask: &str, text: &str) -> bool {
    let mut rest = text;
    for (i, part) in mask.split('*').enumerate() {
        if i > 0 {
            let digits = rest
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b'.')
                .count();
            if digits == 0 {
                return false;
            }
            rest = rest.get(digits..).unwrap_or("");
        }
        match rest.strip_prefix(part) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Worker logs (shared, never copied) and node configs, each with its run and the run's time
/// origin. A worker's `.out` and `.err` were merged into one log as they were read.
fn attach_worker_logs(records: &Partition<'_>, run_dirs: &BTreeSet<String>, ds: &mut Dataset) {
    let mut logs: Vec<RunWorkerLog> = records
        .worker_logs
        .iter()
        .map(|l| RunWorkerLog {
            run_key: adopt_loose_run(log_root(&l.path, run_dirs), &ds.runs),
            run_start_s: None,
            log: Arc::clone(l),
        })
        .collect();
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
    for c in &records.node_configs {
        ds.diagnostics.extend(c.warnings.iter().cloned());
        ds.node_configs.push(RunNodeConfig {
            run_key: adopt_loose_run(log_root(&c.path, run_dirs), &ds.runs),
            config: (*c).clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_stand_for_numbers_only() {
        assert!(masked_match("r/a_conc*_x_qps_*", "r/a_conc64_x_qps_0.5"));
        assert!(!masked_match("r/a_conc*_x", "r/a_conc_x"));
        assert!(!masked_match("r/a_conc*_x", "r/a_concab_x"));
        assert!(!masked_match("r/a_conc*_x", "r/a_conc4_xy"));
    }

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
        let ds = build_dataset(&Partition::of(&records));
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
    fn energy_reports_attach_to_the_point_of_their_concurrency() {
        let energy = |path: &str, c: u32, j: f64, rank: u8| {
            Record::Energy(Box::new(EnergyReport {
                path: path.into(),
                concurrency: c,
                joules_per_output_token: Some(j),
                gpu_avg_power_w: Some(700.0),
                output_tps_per_gpu_watt: Some(0.5),
                rank,
                ..Default::default()
            }))
        };
        let point = |c: u32| {
            Record::Point(Box::new(BenchmarkPoint {
                source: format!("outputs/9/logs/sa-bench_isl_1_osl_1/results_concurrency_{c}.json"),
                tool: "sa-bench-json".into(),
                concurrency: Some(c),
                ..Default::default()
            }))
        };
        let records = vec![
            point(4),
            point(8),
            energy("outputs/9/logs/power_energy_report.jsonl", 4, 9.0, 2),
            energy(
                "outputs/9/logs/sa-bench_isl_1_osl_1/power_energy_c4.json",
                4,
                2.0,
                1,
            ),
            energy("outputs/9/logs/power_energy_report.json", 4, 1.5, 0),
            energy("outputs/10/logs/power_energy_report.json", 8, 3.0, 0),
        ];
        let ds = build_dataset(&Partition::of(&records));
        let got: Vec<_> = ds.runs[0]
            .points
            .iter()
            .map(|p| (p.concurrency, p.energy_j_per_output_token, p.avg_power_w))
            .collect();
        assert_eq!(
            got,
            vec![(Some(4), Some(1.5), Some(700.0)), (Some(8), None, None)],
            "the terminal report wins; another run's report is not ours"
        );
    }

    #[test]
    fn profiling_recipe_without_results_is_skipped_as_profiling() {
        let config = RunMetadata {
            path: "outputs/55/config.yaml".into(),
            profiling_enabled: true,
            ..Default::default()
        };
        let records = [Record::Config(Box::new(config))];
        let ds = build_dataset(&Partition::of(&records));
        assert_eq!(ds.skipped.len(), 1);
        assert_eq!(ds.skipped[0].job_id, "55");
        assert_eq!(ds.skipped[0].reason, SkipReason::ProfilingJob);
    }

    #[test]
    fn worker_logs_in_nested_logs_folders_belong_to_the_run() {
        use crate::model::worker_log::WorkerIdentity;
        use crate::model::Service;
        // srt-slurm 2.x `logs/workers/`, a drop with neither metadata nor recipe.
        let log = |path: &str| {
            Record::WorkerLog(Arc::new(WorkerLog {
                path: path.into(),
                merged_paths: Vec::new(),
                parallelism: Default::default(),
                identity: WorkerIdentity {
                    node: Some("n1".into()),
                    service: Service::Prefill,
                    worker_id: Some("w0".into()),
                },
                series: Vec::new(),
                memory: Vec::new(),
                launches: Vec::new(),
                coverage: Default::default(),
                findings: Vec::new(),
            }))
        };
        let records = vec![
            Record::Point(Box::new(BenchmarkPoint {
                source: "drop/logs/sa-bench_isl_1_osl_1/results_concurrency_4.json".into(),
                tool: "sa-bench-json".into(),
                concurrency: Some(4),
                ..Default::default()
            })),
            log("drop/logs/workers/n1_prefill_w0.out"),
            log("drop/logs/services/logs/service_etcd.out"),
        ];
        let ds = build_dataset(&Partition::of(&records));
        assert_eq!(ds.runs.len(), 1);
        assert_eq!(ds.runs[0].root, "drop");
        let keys: Vec<&str> = ds.worker_logs.iter().map(|l| l.run_key.as_str()).collect();
        assert_eq!(keys, vec!["drop", "drop"]);
    }

    #[test]
    fn a_resolved_recipe_fills_fields_before_the_submitted_one() {
        let config = |path: &str, container: &str, isl: Option<u32>| {
            Record::Config(Box::new(RunMetadata {
                path: path.into(),
                container: Some(container.into()),
                isl,
                ..Default::default()
            }))
        };
        let point = Record::Point(Box::new(BenchmarkPoint {
            source: "outputs/8/logs/sa-bench_isl_1_osl_1/results_concurrency_4.json".into(),
            tool: "sa-bench-json".into(),
            concurrency: Some(4),
            ..Default::default()
        }));
        // Read in any order: the job log, the recipe as submitted (an alias), the resolved copy.
        let records = vec![
            config("outputs/8/logs/log.out", "/x/other.sqsh", None),
            config("outputs/8/config.yaml", "sglang", Some(128)),
            config(
                "outputs/8/config_resolved.yaml",
                "/c/sglang+v0.5.9.sqsh",
                None,
            ),
            point,
        ];
        let ds = build_dataset(&Partition::of(&records));
        let run = &ds.runs[0];
        assert_eq!(
            run.container.as_ref().map(|c| c.value.as_str()),
            Some("/c/sglang+v0.5.9.sqsh")
        );
        assert_eq!(run.isl.as_ref().map(|v| v.value), Some(128));
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
