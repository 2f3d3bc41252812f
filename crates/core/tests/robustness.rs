//! Bad input never panics: every registered format and the whole ingestion path are fed
//! mutated real files, random bytes, invalid UTF-8, NUL bytes, lone `\r`, huge lines, wrong JSON
//! types and truncations. Whatever happens must be a diagnostic or an unrecognised file.

use runlens_core::Ingest;

/// xorshift64*: deterministic, dependency-free randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let fixtures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/generations/runs/"
    );
    let file = |rel: &str| std::fs::read(format!("{fixtures}{rel}")).unwrap();
    let extra = |rel: &str| {
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/").to_owned() + rel)
            .unwrap()
    };
    vec![
        ("r/results_concurrency_4_gpus_12.json", file("outputs/3003/logs/sa-bench_isl_8192_osl_1024/results_concurrency_4_gpus_12_ctx_4_gen_8.json")),
        ("outputs/3003/3003.json", file("outputs/3003/3003.json")),
        ("2002/2002.json", file("2002_1P_1D_20251120_090000/2002.json")),
        ("outputs/3003/config.yaml", file("outputs/3003/config.yaml")),
        ("outputs/3003/logs/benchmark.out", file("outputs/3003/logs/benchmark.out")),
        ("outputs/3003/logs/benchmark-rollup.csv", file("outputs/3003/logs/benchmark-rollup.csv")),
        ("c/concurrency_4/profile_export_aiperf.json", file("outputs/4004/logs/aiperf_isl_1024_osl_128_1767000000/concurrency_4/profile_export_aiperf.json")),
        ("c/concurrency_4/profile_export_aiperf.csv", file("outputs/4004/logs/aiperf_isl_1024_osl_128_1767000000/concurrency_4/profile_export_aiperf.csv")),
        ("1001/log.out", file("1001_1P_2D_20251101_101500/log.out")),
        ("x_conc4.json", br#"{"conc": 4, "tput_per_gpu": 1.0, "output_tput_per_gpu": 0.5, "mean_ttft": 0.1}"#.to_vec()),
        ("s/per_request.csv", extra("scheduler/runs/sched-basic/per_request.csv")),
        ("s/per_iteration.csv", extra("scheduler/runs/sched-basic/per_iteration.csv")),
        ("s/events.csv", extra("scheduler/runs/sched-basic/events.csv")),
        ("s/state_transitions.csv", extra("scheduler/runs/sched-basic/state_transitions.csv")),
        ("p/combined.log", extra("p2p-nccl/runs/p2p-ok/combined.log")),
    ]
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    match rng.below(8) {
        0 => bytes.truncate(rng.below(bytes.len() + 1)),
        1 => {
            for _ in 0..1 + rng.below(16) {
                if !bytes.is_empty() {
                    let i = rng.below(bytes.len());
                    bytes[i] = rng.next() as u8;
                }
            }
        }
        2 => bytes.iter_mut().for_each(|b| {
            if *b == b'\n' {
                *b = b'\r'
            }
        }),
        3 => bytes.insert(rng.below(bytes.len() + 1), 0),
        4 => bytes.extend(std::iter::repeat_n(b'x', 2 << 20)),
        5 => bytes = (0..rng.below(4096)).map(|_| rng.next() as u8).collect(),
        6 => {
            // Swap a number for a string, an object or null.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let replacement = ["\"x\"", "null", "{}", "[]", "-1", "1e999", "true"][rng.below(7)];
            bytes = text
                .replacen(char::is_numeric, replacement, 1 + rng.below(3))
                .into_bytes();
        }
        _ => bytes.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]),
    }
    bytes
}

#[test]
fn formats_never_panic_on_mutated_input() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (path, seed) in seeds() {
        for _ in 0..40 {
            let bytes = mutate(&mut rng, &seed);
            runlens_core::parse_with_every_format(path, &bytes, 4096);
        }
    }
}

#[test]
fn ingestion_never_panics_and_reports_every_bad_archive() {
    let mut rng = Rng(42);
    let archive = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/generations/generations.tar.gz"
    ))
    .unwrap();
    let zip = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/demo/demo-runs.zip"
    ))
    .unwrap();
    for i in 0..60 {
        let mut ingest = Ingest::new();
        let (name, seed) = if i % 2 == 0 {
            ("a.tar.gz", &archive)
        } else {
            ("a.zip", &zip)
        };
        let mut bytes = seed.clone();
        let cut = rng.below(bytes.len());
        if i % 3 == 0 {
            bytes.truncate(cut);
        } else {
            bytes[cut] ^= 0x5a;
        }
        ingest.add_bytes(name, &bytes);
        let ds = ingest.dataset();
        if i % 3 == 0 {
            assert!(
                ds.diagnostics.iter().any(|d| d.file.starts_with(name)),
                "a truncated {name} must be reported: {:?}",
                ds.diagnostics
            );
        }
    }
}

#[test]
fn odd_inputs_become_diagnostics_or_unrecognised_files() {
    let cases: &[(&str, &[u8])] = &[
        ("r/results_concurrency_1.json", b"[1, 2, 3]"),
        (
            "r/results_concurrency_1.json",
            b"{\"output_throughput\": \"fast\", \"max_concurrency\": 1}",
        ),
        (
            "r/results_concurrency_1.json",
            b"{\"max_concurrency\": null, \"output_throughput\": null}",
        ),
        ("123/123.json", b"{\"run_metadata\": 5}"),
        ("123/123.json", b"\"just a string\""),
        ("r/config.yaml", b"[1, 2"),
        ("r/benchmark.out", b"\r\r\r\0\0"),
        ("r/x.tar", b"not a tar at all, just text"),
        ("r/x.zip", b"PK\x03\x04garbage"),
        ("r/x.tgz", b""),
    ];
    for (path, bytes) in cases {
        let mut ingest = Ingest::new();
        ingest.add_bytes(path, bytes);
        let ds = ingest.dataset();
        assert!(
            !ds.diagnostics.is_empty() || !ds.unrecognized.is_empty() || !ds.skipped.is_empty(),
            "{path} {:?} vanished without a trace",
            String::from_utf8_lossy(bytes)
        );
        assert!(ds.runs.iter().all(|r| !r.points.is_empty()));
    }
}

#[test]
fn a_benchmark_named_log_without_a_result_table_is_unrecognized_not_an_error() {
    use runlens_core::model::Severity;
    let mut ingest = Ingest::new();
    ingest.add_bytes(
        "r/bench_setup.log",
        b"+ pip install -r requirements.txt\nDownloading model...\ndone\n",
    );
    let ds = ingest.dataset();
    assert!(
        ds.diagnostics.iter().all(|d| d.severity != Severity::Error),
        "{:?}",
        ds.diagnostics
    );
    let file = ds
        .unrecognized
        .iter()
        .find(|u| u.path == "r/bench_setup.log")
        .expect("listed as unrecognized");
    assert!(
        file.reason.starts_with("serving-console:"),
        "{}",
        file.reason
    );

    // A log that says it ran the benchmark but holds no table is still an error.
    let mut ingest = Ingest::new();
    ingest.add_bytes(
        "r/bench_c8.log",
        b"Maximum request concurrency: 8\nTraceback (most recent call last):\n",
    );
    let ds = ingest.dataset();
    assert!(ds
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && d.file == "r/bench_c8.log"));
}
