//! A run's GPU count from every source that states one, in order of trust: `{jobid}.json`
//! metadata, the recipe, the result files (`gpus_16`, `ctx_8_gen_8` in their names, `tp` or
//! `n_gpus` inside), the launch commands in the run's logs, then tokens of the run directory's
//! name (`tp4`, `gpus_16`). The first source that states a count is used and recorded; any other
//! that states a different total becomes a [`RunFinding::GpuCountConflict`].

use std::collections::BTreeMap;

use super::assemble::{gpu_counts_from_metadata, RunSources};
use crate::model::node_config::{flag_key, ParallelSize};
use crate::model::{BenchmarkPoint, GpuCounts, GpuSource, RunFinding, Service, WorkerLog};
use crate::text::paths::{file_name, number_after, size_token};

/// The count used, where it came from, and the disagreements.
pub struct GpuEvidence {
    pub counts: GpuCounts,
    pub from: Option<GpuSource>,
    pub findings: Vec<RunFinding>,
}

/// Launch flags that turn on DP attention (the DP ranks share the TP GPUs).
const DP_ATTENTION_FLAGS: &[&str] = &["enable_dp_attention", "enable_attention_dp", "dp_attention"];

pub fn gpu_evidence(
    src: &RunSources<'_>,
    points: &[&BenchmarkPoint],
    logs: &[&WorkerLog],
) -> GpuEvidence {
    let mut stated: Vec<(GpuCounts, GpuSource)> = Vec::new();
    let described = gpu_counts_from_metadata(&src.merged());
    if described.total().is_some() {
        let from_metadata = src
            .meta
            .is_some_and(|m| gpu_counts_from_metadata(m).total().is_some());
        let from = if from_metadata {
            GpuSource::Metadata
        } else {
            GpuSource::Recipe
        };
        stated.push((described, from));
    }
    if let Some(c) = from_results(points) {
        stated.push(c);
    }
    if let Some(c) = from_launches(logs) {
        stated.push(c);
    }
    if let Some(c) = from_directory_name(file_name(src.root)) {
        stated.push(c);
    }
    let mut stated = stated.into_iter();
    let Some((counts, from)) = stated.next() else {
        return GpuEvidence {
            counts: GpuCounts::default(),
            from: None,
            findings: Vec::new(),
        };
    };
    let accepted = [counts.node_based, counts.worker_based, counts.total()];
    let findings = stated
        .filter_map(|(other, other_from)| {
            let n = other.total()?;
            (!accepted.contains(&Some(n))).then(|| RunFinding::GpuCountConflict {
                used: counts.total().unwrap_or(0),
                used_from: from.clone(),
                other: n,
                other_from,
            })
        })
        .collect();
    GpuEvidence {
        counts,
        from: Some(from),
        findings,
    }
}

fn worker_count(total: u32) -> GpuCounts {
    GpuCounts {
        worker_based: Some(total),
        ..Default::default()
    }
}

/// G1/G2 result names carry the GPU split (`…_gpus_16_ctx_8_gen_8.json`, `…_ctx4_gen8.json`);
/// other producers state a count inside the result.
fn from_results(points: &[&BenchmarkPoint]) -> Option<(GpuCounts, GpuSource)> {
    points.iter().find_map(|p| {
        let name = file_name(&p.source);
        let (ctx, gen) = (number_after(name, "ctx"), number_after(name, "gen"));
        let total = p.gpus_reported.or(ctx.zip(gen).map(|(c, g)| c + g))?;
        let mut counts = worker_count(total);
        counts.prefill = ctx;
        counts.decode = gen;
        Some((
            counts,
            GpuSource::ResultFile {
                path: p.source.clone(),
            },
        ))
    })
}

/// Σ over the run's GPU workers of TP × PP × DP from their launch commands; the files of one
/// worker (several nodes, `.out` and `.err`, a command file beside the log) count once, by
/// the largest size any of them states.
fn from_launches(logs: &[&WorkerLog]) -> Option<(GpuCounts, GpuSource)> {
    let mut per_worker: BTreeMap<(Service, Option<&str>), (u32, GpuSource)> = BTreeMap::new();
    for log in logs {
        let service = log.identity.service;
        if !matches!(
            service,
            Service::Prefill | Service::Decode | Service::Agg | Service::Unknown
        ) {
            continue;
        }
        let dp_attention = log.launches.iter().any(|l| {
            l.flags.iter().any(|(k, v)| {
                DP_ATTENTION_FLAGS.contains(&flag_key(k).as_str())
                    && !v.eq_ignore_ascii_case("false")
            })
        });
        let Some(gpus) = log.parallelism.gpus(dp_attention) else {
            continue;
        };
        let cited = log
            .launches
            .iter()
            .find_map(|l| {
                let flags: Vec<String> = l
                    .flags
                    .iter()
                    .filter(|(k, _)| {
                        // The sizes that multiply GPUs (EP shares them) and DP attention.
                        matches!(
                            ParallelSize::of_flag(k),
                            Some(ParallelSize::Tp | ParallelSize::Dp | ParallelSize::Pp)
                        ) || DP_ATTENTION_FLAGS.contains(&flag_key(k).as_str())
                    })
                    .map(|(k, v)| {
                        if v.is_empty() {
                            k.clone()
                        } else {
                            format!("{k} {v}")
                        }
                    })
                    .collect();
                (!flags.is_empty()).then(|| (l.line, flags.join(" ")))
            })
            .unwrap_or((0, "server arguments".into()));
        let source = GpuSource::LaunchCommand {
            path: log.path.clone(),
            line: cited.0,
            flags: cited.1,
        };
        let key = (service, log.identity.worker_id.as_deref());
        match per_worker.get(&key) {
            Some((n, _)) if *n >= gpus => {}
            _ => {
                per_worker.insert(key, (gpus, source));
            }
        }
    }
    let total: u32 = per_worker.values().map(|(n, _)| *n).sum();
    let (_, first) = per_worker.into_values().next()?;
    (total > 0).then(|| (worker_count(total), first))
}

/// `gpus_16`, `ctx_8_gen_8`, else `tp4` (× `pp2`) in the run directory's own name.
fn from_directory_name(name: &str) -> Option<(GpuCounts, GpuSource)> {
    let named = |n: u32, token: &str| {
        Some((
            worker_count(n),
            GpuSource::DirectoryName {
                token: token.to_owned(),
            },
        ))
    };
    if let Some((n, token)) = size_token(name, "gpus").filter(|(n, _)| *n > 0) {
        return named(n, token);
    }
    if let (Some((c, ct)), Some((g, gt))) = (size_token(name, "ctx"), size_token(name, "gen")) {
        let mut found = named(c + g, &format!("{ct}_{gt}"))?;
        found.0.prefill = Some(c);
        found.0.decode = Some(g);
        return Some(found);
    }
    let (tp, token) = size_token(name, "tp").filter(|(n, _)| *n > 0)?;
    match size_token(name, "pp").filter(|(n, _)| *n > 1) {
        Some((pp, pt)) => named(tp * pp, &format!("{token} {pt}")),
        None => named(tp, token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::worker_log::{LaunchCommand, WorkerIdentity};
    use crate::model::Parallelism;

    fn log(
        path: &str,
        service: Service,
        id: Option<&str>,
        p: Parallelism,
        flags: &[(&str, &str)],
    ) -> WorkerLog {
        WorkerLog {
            path: path.to_owned(),
            merged_paths: Vec::new(),
            parallelism: p,
            identity: WorkerIdentity {
                node: None,
                service,
                worker_id: id.map(str::to_owned),
            },
            series: Vec::new(),
            memory: Vec::new(),
            launches: vec![LaunchCommand {
                line: 3,
                program: "x".into(),
                flags: flags
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            }],
            coverage: Default::default(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn launch_commands_count_each_worker_once_and_dp_attention_shares_tp() {
        let tp = |tp, dp| Parallelism {
            tp: Some(tp),
            dp,
            ..Default::default()
        };
        let logs = [
            log(
                "r/logs/n1_prefill_w0.out",
                Service::Prefill,
                Some("w0"),
                tp(4, None),
                &[("--tp", "4")],
            ),
            log(
                "r/logs/n1_decode_w0.out",
                Service::Decode,
                Some("w0"),
                tp(8, Some(8)),
                &[("--tp", "8"), ("--dp", "8"), ("--enable-dp-attention", "")],
            ),
            log(
                "r/logs/n2_decode_w0.out",
                Service::Decode,
                Some("w0"),
                tp(8, Some(8)),
                &[("--tp", "8"), ("--dp", "8"), ("--enable-dp-attention", "")],
            ),
            log(
                "r/logs/n1_frontend_0.out",
                Service::Frontend,
                None,
                tp(99, None),
                &[],
            ),
        ];
        let refs: Vec<&WorkerLog> = logs.iter().collect();
        let (counts, from) = from_launches(&refs).unwrap();
        assert_eq!(counts.total(), Some(12));
        assert!(
            matches!(from, GpuSource::LaunchCommand { line: 3, .. }),
            "{from:?}"
        );
    }

    #[test]
    fn directory_tokens() {
        let total = |n: &str| from_directory_name(n).and_then(|(c, _)| c.total());
        assert_eq!(total("kimik2.7_tp4_conc4_vllm_tp4-ep1-dpafalse"), Some(4));
        assert_eq!(total("x_gpus_16_ctx_8_gen_8"), Some(16));
        assert_eq!(total("ctx_2_gen_6_isl_1"), Some(8));
        assert_eq!(total("tp2_pp2"), Some(4));
        assert_eq!(total("3667_1P_4D_20251110_192145"), None);
    }
}
