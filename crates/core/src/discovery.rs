//! Run discovery: group parsed records into runs and fill each run's attributes from the best
//! source available — metadata, then the directory name, then the result files — recording
//! where every value came from (format reference §1.1, §1.2, §1.8, §1.9).
//!
//! A result file belongs to the deepest ancestor directory holding run metadata; failing that,
//! to the nearest ancestor named like a job (`12345`, `12345_1P_4D_20251110_192145`); failing
//! that, to the parent of its `*_isl_*_osl_*` result directory (skipping a `logs/` level); and
//! finally to its own directory.

use std::collections::BTreeMap;

use crate::formats::srt_metadata::{normalize_date, MetadataVersion, RunMetadata};
use crate::formats::Record;
use crate::metrics;
use crate::model::{
    BenchmarkPoint, Dataset, Generation, GpuCounts, Provenance, Run, SkippedRun, Sourced, Topology,
};

/// What a run directory's name says: `{jobid}_{xP_yD|nA}_{YYYYMMDD_HHMMSS}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirName {
    pub job_id: Option<String>,
    pub topology: Option<Topology>,
    pub date: Option<String>,
}

/// Parse a directory name of the G0/G1 form (each part optional).
pub fn parse_dir_name(name: &str) -> DirName {
    let tokens: Vec<&str> = name.split('_').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let job_id = tokens.first().filter(|t| digits(t)).map(|t| t.to_string());
    let count = |t: &str, suffix: char| {
        t.strip_suffix(suffix)
            .filter(|n| digits(n))
            .and_then(|n| n.parse::<u32>().ok())
    };
    let mut topology = None;
    for w in tokens.windows(2) {
        if let (Some(p), Some(d)) = (count(w[0], 'P'), count(w[1], 'D')) {
            topology = Some(Topology::Disaggregated {
                prefill_workers: p,
                decode_workers: d,
            });
        }
    }
    if topology.is_none() {
        topology = tokens
            .iter()
            .skip(1)
            .find_map(|t| count(t, 'A'))
            .map(|workers| Topology::Aggregated { workers });
    }
    let date = tokens.windows(2).find_map(|w| {
        (w[0].len() == 8 && digits(w[0]) && w[1].len() == 6 && digits(w[1]))
            .then(|| normalize_date(&format!("{}_{}", w[0], w[1])))
            .flatten()
    });
    DirName {
        job_id,
        topology,
        date,
    }
}

/// `…_isl_8192_osl_1024…` anywhere in the path → `(8192, 1024)`.
pub fn isl_osl_from_path(path: &str) -> Option<(u32, u32)> {
    let i = path.rfind("isl_")?;
    let rest = &path[i + 4..];
    let isl_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let isl = rest[..isl_digits].parse().ok()?;
    let rest = rest[isl_digits..].strip_prefix("_osl_")?;
    let osl = rest[..rest.bytes().take_while(u8::is_ascii_digit).count()]
        .parse()
        .ok()?;
    Some((isl, osl))
}

/// Number following `marker` (optionally after `_`) in `name`: `gpus_16`, `gpus16`.
pub fn number_after(name: &str, marker: &str) -> Option<u32> {
    let i = name.find(marker)?;
    let rest = name[i + marker.len()..].trim_start_matches('_');
    rest[..rest.bytes().take_while(u8::is_ascii_digit).count()]
        .parse()
        .ok()
}

fn is_job_dir(name: &str) -> bool {
    let first = name.split('_').next().unwrap_or("");
    !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit())
}

fn parent(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..i]).unwrap_or("")
}

fn last_component(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The run root of a result file (see the module doc).
pub fn run_root(path: &str, metadata_dirs: &BTreeMap<String, &RunMetadata>) -> String {
    let mut dir = parent(path);
    loop {
        if metadata_dirs.contains_key(dir) {
            return dir.to_owned();
        }
        if dir.is_empty() {
            break;
        }
        dir = parent(dir);
    }
    let dirs: Vec<&str> = parent(path).split('/').filter(|s| !s.is_empty()).collect();
    if let Some(i) = dirs.iter().rposition(|d| is_job_dir(d)) {
        return dirs[..=i].join("/");
    }
    if let Some(i) = dirs
        .iter()
        .rposition(|d| d.contains("isl_") && d.contains("_osl_"))
    {
        let mut end = i;
        if end > 0 && dirs[end - 1] == "logs" {
            end -= 1;
        }
        return dirs[..end].join("/");
    }
    // Loose result files: one run per sweep, i.e. per path with its concurrency masked
    // (`x/m_conc64.json` → `x/m_conc*`, `sweep/run_c16none/aiperf/p.json` → `sweep/run_c*none`).
    let parts: Vec<&str> = path.split('/').collect();
    let last = parts.len() - 1;
    for i in (0..parts.len()).rev() {
        let part = if i == last {
            parts[i].rsplit_once('.').map_or(parts[i], |(stem, _)| stem)
        } else {
            parts[i]
        };
        if let Some((start, end, _)) = crate::formats::concurrency_token(part) {
            let masked = format!("{}*{}", &part[..start], &part[end..]);
            let mut root: Vec<&str> = parts[..i].to_vec();
            root.push(&masked);
            return root.join("/");
        }
    }
    // A loose file stating no concurrency is its own run (a rollup or console log of a sweep).
    let stem = parts[last]
        .rsplit_once('.')
        .map_or(parts[last], |(stem, _)| stem);
    if parts.len() > 1 {
        format!("{}/{stem}", parent(path))
    } else {
        stem.to_owned()
    }
}

/// Group records into runs.
pub fn build_dataset(records: &[Record]) -> Dataset {
    let mut metadata_dirs: BTreeMap<String, &RunMetadata> = BTreeMap::new();
    for r in records {
        if let Record::Metadata(m) = r {
            metadata_dirs.insert(parent(&m.path).to_owned(), m.as_ref());
        }
    }
    let mut points_by_root: BTreeMap<String, Vec<&BenchmarkPoint>> = BTreeMap::new();
    for r in records {
        if let Record::Point(p) = r {
            points_by_root
                .entry(run_root(&p.source, &metadata_dirs))
                .or_default()
                .push(p);
        }
    }
    let mut ds = Dataset::default();
    for root in metadata_dirs
        .keys()
        .chain(points_by_root.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let meta = metadata_dirs.get(root.as_str()).copied();
        let points = points_by_root
            .get(root.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let run = assemble_run(root, meta, points);
        if run.points.is_empty() {
            let profiling = run
                .profiler
                .as_deref()
                .is_some_and(|p| p.contains("profiler"));
            ds.skipped.push(SkippedRun {
                job_id: run.job_id.value.clone(),
                root: run.root.clone(),
                reason: if profiling {
                    "Profiling job (no benchmark results)".into()
                } else {
                    "No benchmark results found".into()
                },
            });
        } else {
            ds.runs.push(run);
        }
    }
    ds.runs.sort_by(|a, b| {
        let date = |r: &Run| r.date.as_ref().map(|d| d.value.clone());
        date(b)
            .cmp(&date(a))
            .then_with(|| b.job_id.value.cmp(&a.job_id.value))
    });
    ds
}

fn sourced<T>(value: T, from: Provenance) -> Sourced<T> {
    Sourced { value, from }
}

fn assemble_run(root: &str, meta: Option<&RunMetadata>, points: &[&BenchmarkPoint]) -> Run {
    let dir = parse_dir_name(last_component(root));
    let job_id = meta
        .and_then(|m| m.job_id.clone())
        .map(|j| sourced(j, Provenance::Metadata))
        .or_else(|| {
            dir.job_id
                .clone()
                .map(|j| sourced(j, Provenance::DirectoryName))
        })
        .unwrap_or_else(|| {
            let name = last_component(root);
            sourced(
                if name.is_empty() {
                    "loose files".to_owned()
                } else {
                    name.to_owned()
                },
                Provenance::DirectoryName,
            )
        });
    let generation = match meta.and_then(|m| m.version) {
        Some(MetadataVersion::V2) => Generation::G2,
        Some(MetadataVersion::V1) => Generation::G1,
        None if dir.topology.is_some() && dir.job_id.is_some() => Generation::G0,
        None if parent(root).ends_with("outputs") && dir.job_id.is_some() => Generation::G2,
        None => Generation::Loose,
    };
    let meta_topology = meta.and_then(|m| {
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
    });
    let topology = meta_topology
        .map(|t| sourced(t, Provenance::Metadata))
        .or_else(|| dir.topology.map(|t| sourced(t, Provenance::DirectoryName)));

    let mut gpus = meta.map(gpu_counts_from_metadata).unwrap_or_default();
    if gpus.total().is_none() {
        // G1/G2 result names carry the GPU split: `…_gpus_16_ctx_8_gen_8.json`, `…_ctx4_gen8.json`;
        // other producers state a GPU count inside the result.
        for p in points {
            let name = last_component(&p.source);
            let (ctx, gen) = (number_after(name, "ctx"), number_after(name, "gen"));
            if let Some(total) = p.gpus_reported.or(ctx.zip(gen).map(|(c, g)| c + g)) {
                gpus.worker_based = Some(total);
                gpus.prefill = gpus.prefill.or(ctx);
                gpus.decode = gpus.decode.or(gen);
                break;
            }
        }
    }

    let path_isl_osl = points.iter().find_map(|p| isl_osl_from_path(&p.source));
    let result_isl_osl = points.iter().find_map(|p| p.isl.zip(p.osl));
    let isl = meta
        .and_then(|m| m.isl)
        .map(|v| sourced(v, Provenance::Metadata))
        .or_else(|| path_isl_osl.map(|(i, _)| sourced(i, Provenance::DirectoryName)))
        .or_else(|| result_isl_osl.map(|(i, _)| sourced(i, Provenance::Results)));
    let osl = meta
        .and_then(|m| m.osl)
        .map(|v| sourced(v, Provenance::Metadata))
        .or_else(|| path_isl_osl.map(|(_, o)| sourced(o, Provenance::DirectoryName)))
        .or_else(|| result_isl_osl.map(|(_, o)| sourced(o, Provenance::Results)));
    let date = meta
        .and_then(|m| m.run_date.clone())
        .map(|d| sourced(d, Provenance::Metadata))
        .or_else(|| {
            dir.date
                .clone()
                .map(|d| sourced(d, Provenance::DirectoryName))
        })
        .or_else(|| {
            points
                .iter()
                .filter_map(|p| p.date.as_deref().and_then(normalize_date))
                .min()
                .map(|d| sourced(d, Provenance::Results))
        });

    let total = gpus.total();
    let mut owned: Vec<BenchmarkPoint> = points
        .iter()
        .map(|p| {
            let mut p = (*p).clone();
            p.derived = metrics::derive(&p, total);
            p
        })
        .collect();
    owned.sort_by(|a, b| {
        a.concurrency
            .cmp(&b.concurrency)
            .then_with(|| a.source.cmp(&b.source))
    });
    drop_lesser_duplicates(&mut owned);

    let expected = meta.map(|m| m.concurrencies.clone()).unwrap_or_default();
    let missing = expected
        .iter()
        .copied()
        .filter(|c| !owned.iter().any(|p| p.concurrency == Some(*c)))
        .collect();

    Run {
        key: root.to_owned(),
        job_id,
        root: root.to_owned(),
        generation,
        topology,
        gpus,
        gpus_per_node: meta.and_then(|m| m.gpus_per_node),
        gpu_type: meta.and_then(|m| m.gpu_type.clone()),
        isl,
        osl,
        profiler: meta
            .and_then(|m| m.profiler.clone())
            .or_else(|| (!owned.is_empty()).then(|| "sa-bench".to_owned())),
        container: meta.and_then(|m| m.container.clone()),
        model: meta
            .and_then(|m| m.model.clone())
            .or_else(|| owned.iter().find_map(|p| p.model_id.clone())),
        backend: meta
            .and_then(|m| m.backend.clone())
            .or_else(|| owned.iter().find_map(|p| p.backend.clone())),
        tags: meta.map(|m| m.tags.clone()).unwrap_or_default(),
        date,
        expected_concurrencies: expected,
        missing_concurrencies: missing,
        points: owned,
    }
}

/// Preference between tools that report the same concurrency of one run (AIPerf writes a JSON
/// and a CSV of the same numbers; rollups repeat per-concurrency files): lower is better.
fn tool_rank(tool: &str) -> usize {
    const ORDER: &[&str] = &[
        "sa-bench-json",
        "aiperf-json",
        "aiperf-csv",
        "inferencex-json",
        "serving-console",
        "srt-rollup-json",
        "srt-rollup-csv",
    ];
    ORDER.iter().position(|t| *t == tool).unwrap_or(ORDER.len())
}

/// Keep, per concurrency, only the points of the best-ranked tool that reported it.
fn drop_lesser_duplicates(points: &mut Vec<BenchmarkPoint>) {
    let best = |c: Option<u32>, points: &[BenchmarkPoint]| {
        points
            .iter()
            .filter(|p| p.concurrency == c)
            .map(|p| tool_rank(&p.tool))
            .min()
            .unwrap_or(usize::MAX)
    };
    let keep: Vec<bool> = points
        .iter()
        .map(|p| tool_rank(&p.tool) == best(p.concurrency, points))
        .collect();
    let mut i = 0;
    points.retain(|_| {
        i += 1;
        keep[i - 1]
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g0_directory_names() {
        let d = parse_dir_name("3667_1P_4D_20251110_192145");
        assert_eq!(d.job_id.as_deref(), Some("3667"));
        assert_eq!(
            d.topology,
            Some(Topology::Disaggregated {
                prefill_workers: 1,
                decode_workers: 4
            })
        );
        assert_eq!(d.date.as_deref(), Some("2025-11-10 19:21:45"));
        let a = parse_dir_name("4001_8A_20251201_080000");
        assert_eq!(a.topology, Some(Topology::Aggregated { workers: 8 }));
        assert_eq!(parse_dir_name("1042857-1p1d-tp4").job_id, None);
    }

    #[test]
    fn roots_of_every_layout() {
        let none = BTreeMap::new();
        assert_eq!(
            run_root(
                "outputs/123/logs/sa-bench_isl_1_osl_2/results_concurrency_4_gpus_8.json",
                &none
            ),
            "outputs/123"
        );
        assert_eq!(
            run_root(
                "x/3667_1P_4D_20251110_192145/sa-bench_isl_1_osl_2/c.json",
                &none
            ),
            "x/3667_1P_4D_20251110_192145"
        );
        assert_eq!(
            run_root("drop/logs/sa-bench_isl_1_osl_2/c.json", &none),
            "drop"
        );
        assert_eq!(run_root("concurrency_4.json", &none), "concurrency_*");
        assert_eq!(
            run_root("s/run_c16none/aiperf/profile_export_aiperf.json", &none),
            "s/run_c*none"
        );
        assert_eq!(
            run_root("r/m_conc64_gpus_8.json", &none),
            "r/m_conc*_gpus_8"
        );
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
    fn isl_osl_from_result_paths() {
        assert_eq!(
            isl_osl_from_path("r/sa-bench_isl_8192_osl_1024/x.json"),
            Some((8192, 1024))
        );
        assert_eq!(isl_osl_from_path("r/isl_1_osl_x.json"), None);
    }
}
