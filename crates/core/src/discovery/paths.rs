//! What paths say about runs: job directory names (`{jobid}_{xP_yD|nA}_{YYYYMMDD_HHMMSS}`),
//! ISL/OSL in result directory names, GPU counts in result file names, and which directory is
//! the root of the run a file belongs to.
//!
//! A file belongs to the deepest ancestor directory holding run metadata or a recipe; failing
//! that, to the nearest ancestor named like a job (`12345`, `12345_1P_4D_20251110_192145`);
//! failing that, to the parent of its `*_isl_*_osl_*` result directory (skipping a `logs/` level);
//! failing that, loose files are grouped per sweep (path with the concurrency masked). A loose
//! worker log belongs to the directory above the `logs/` tree it is in, sub-folders of srt-slurm
//! 2.x included ([`above_logs_tree`]).

use std::collections::BTreeSet;

use crate::model::Topology;
use crate::text::paths::{concurrency_token, file_name, parent, qps_token};
use crate::text::time::normalize_date;

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

pub fn is_job_dir(name: &str) -> bool {
    let first = name.split('_').next().unwrap_or("");
    !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit())
}

/// Sub-folders srt-slurm 2.x fans `logs/` out into (`logs/workers/`, `logs/services/logs/`,
/// `logs/telemetry/`, `logs/fingerprints/`).
const LOGS_TREE: &[&str] = &["logs", "workers", "services", "telemetry", "fingerprints"];

/// The directory above the `logs/` tree a directory is in (`r/logs` → `r`, `r/logs/workers` → `r`,
/// `r/logs/services/logs` → `r`), if it is in one; a `workers/` folder outside any `logs/` is
/// its own directory.
pub fn above_logs_tree(dir: &str) -> Option<&str> {
    let mut rest = dir;
    let mut root = None;
    while LOGS_TREE.contains(&file_name(rest)) {
        let up = parent(rest);
        if file_name(rest) == "logs" {
            root = Some(up);
        }
        if up.is_empty() {
            break;
        }
        rest = up;
    }
    root
}

/// The run root of a result file (see the module doc).
/// The run directory a file sits in, if an ancestor is known to be one (it holds metadata or a
/// recipe) or is named like a job; deepest first.
pub fn enclosing_run_dir(path: &str, run_dirs: &BTreeSet<String>) -> Option<String> {
    let mut dir = parent(path);
    loop {
        if run_dirs.contains(dir) {
            return Some(dir.to_owned());
        }
        if dir.is_empty() {
            break;
        }
        dir = parent(dir);
    }
    let dirs: Vec<&str> = parent(path).split('/').filter(|s| !s.is_empty()).collect();
    dirs.iter()
        .rposition(|d| is_job_dir(d))
        .map(|i| dirs[..=i].join("/"))
}

pub fn run_root(path: &str, run_dirs: &BTreeSet<String>) -> String {
    if let Some(root) = enclosing_run_dir(path, run_dirs) {
        return root;
    }
    let dirs: Vec<&str> = parent(path).split('/').filter(|s| !s.is_empty()).collect();
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
    if let Some(root) = aiperf_tree_root(path, &dirs) {
        return root;
    }
    // Loose result files: one run per sweep, i.e. per path with its request rate and concurrency
    // masked (`x/m_conc64.json` → `x/m_conc*`, `sweep/run_c16none/aiperf/p.json` →
    // `sweep/run_c*none`, vLLM suite `r/serving_m_tp1_qps_4_concurrency_8.json` →
    // `r/serving_m_tp1_qps_*_concurrency_*`).
    let parts: Vec<&str> = path.split('/').collect();
    let last = parts.len() - 1;
    for i in (0..parts.len()).rev() {
        let part = if i == last {
            parts[i].rsplit_once('.').map_or(parts[i], |(stem, _)| stem)
        } else {
            parts[i]
        };
        let mask = |s: &str, (start, end): (usize, usize)| {
            format!(
                "{}*{}",
                s.get(..start).unwrap_or(""),
                s.get(end..).unwrap_or("")
            )
        };
        let rate_masked = qps_token(part).map(|r| mask(part, r));
        let part_q = rate_masked.as_deref().unwrap_or(part);
        let masked = concurrency_token(part_q)
            .map(|(start, end, _)| mask(part_q, (start, end)))
            .or(rate_masked.clone());
        if let Some(masked) = masked {
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

/// AIPerf multi-run and multi-phase trees: an export under `profile_runs/`, `aggregate/`,
/// `sweep_aggregate/` or `phases/` belongs to the benchmark directory above them, so trials, their
/// aggregate, the sweep aggregate, phase files and the root summary are one run (and duplicate
/// ranks pick one point per concurrency); a root summary whose path names no concurrency is the
/// run of its directory. In INDEPENDENT sweeps the cell directory
/// (`concurrency_10/profile_runs/…`) sits between; it is dropped too.
fn aiperf_tree_root(path: &str, dirs: &[&str]) -> Option<String> {
    if !file_name(path).starts_with("profile_export") {
        return None;
    }
    let tree = dirs.iter().position(|d| {
        matches!(
            *d,
            "profile_runs" | "aggregate" | "sweep_aggregate" | "phases"
        )
    });
    let Some(i) = tree else {
        // A root summary stating no concurrency in its path is the run of its directory, the
        // one its `phases/` belong to.
        return (!path.split('/').any(|c| concurrency_token(c).is_some())).then(|| dirs.join("/"));
    };
    let mut end = i;
    if end > 0 && concurrency_token(dirs[end - 1]).is_some() {
        end -= 1;
    }
    Some(dirs[..end].join("/"))
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
        let none = BTreeSet::new();
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
        // vLLM benchmark suite: a test's qps (and concurrency) sweep is one run.
        for p in [
            "r/serving_llama8B_tp1_sharegpt_qps_1.json",
            "r/serving_llama8B_tp1_sharegpt_qps_inf.json",
            "r/serving_llama8B_tp1_sharegpt_qps_0.5.json",
        ] {
            assert_eq!(
                run_root(p, &none),
                "r/serving_llama8B_tp1_sharegpt_qps_*",
                "{p}"
            );
        }
        assert_eq!(
            run_root("r/serving_m_tp1_qps_16_concurrency_8.json", &none),
            "r/serving_m_tp1_qps_*_concurrency_*"
        );
        assert_eq!(run_root("r/serving_m_qps.json", &none), "r/serving_m_qps");
    }

    #[test]
    fn nested_logs_folders_belong_above_logs() {
        for (dir, root) in [
            ("outputs/8/logs", Some("outputs/8")),
            ("outputs/8/logs/workers", Some("outputs/8")),
            ("outputs/8/logs/services/logs", Some("outputs/8")),
            ("outputs/8/logs/telemetry", Some("outputs/8")),
            ("logs/fingerprints", Some("")),
            ("logs", Some("")),
            ("outputs/8/workers", None),
            ("outputs/8", None),
            ("", None),
        ] {
            assert_eq!(above_logs_tree(dir), root, "{dir}");
        }
    }

    #[test]
    fn aiperf_trees_are_one_run() {
        let none = BTreeSet::new();
        for p in [
            "art/bench/profile_export_aiperf.json",
            "art/bench/phases/baseline/profile_export_aiperf.json",
            "art/bench/profile_runs/trial_0001/concurrency_10/profile_export_aiperf.json",
            "art/bench/aggregate/concurrency_10__isl_512/profile_export_aiperf_aggregate.json",
            "art/bench/sweep_aggregate/profile_export_aiperf_sweep.json",
            "art/bench/concurrency_10/profile_runs/trial_0002/profile_export_aiperf.json",
            "art/bench/concurrency_10/aggregate/profile_export_aiperf_aggregate.json",
        ] {
            assert_eq!(run_root(p, &none), "art/bench", "{p}");
        }
    }

    #[test]
    fn isl_osl_from_result_paths() {
        use crate::text::paths::isl_osl_from_path;
        assert_eq!(
            isl_osl_from_path("r/sa-bench_isl_8192_osl_1024/x.json"),
            Some((8192, 1024))
        );
        assert_eq!(isl_osl_from_path("r/isl_1_osl_x.json"), None);
    }
}
