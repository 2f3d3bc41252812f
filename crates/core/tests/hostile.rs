//! Hostile and pathological inputs: each reaches a named limit, gives a typed diagnostic naming
//! the file, keeps what came before the limit, and stays within a memory bound measured by the
//! counting allocator of this test binary. Inputs are scaled down from the reported cases but
//! keep their shape.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use runlens_core::model::{Dataset, InputLimit};
use runlens_core::Ingest;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Tests of this binary run one at a time so that peaks are their own.
static SERIAL: Mutex<()> = Mutex::new(());

const MB: usize = 1 << 20;

/// Run `f` and return its result and the peak of live heap bytes above the start while it ran.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = CURRENT.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(start))
}

/// Ingest the files and take the dataset, measuring the peak (inputs are built before).
fn load(files: &[(&str, Vec<u8>)]) -> (Dataset, usize) {
    peak_of(|| {
        let mut ingest = Ingest::new();
        for (name, bytes) in files {
            ingest.add_bytes(name, bytes);
        }
        ingest.dataset()
    })
}

fn limits<'a>(
    ds: &'a Dataset,
    file: &'a str,
) -> impl Iterator<Item = (&'a InputLimit, Option<u64>)> {
    ds.diagnostics
        .iter()
        .filter(move |d| d.file == file)
        .filter_map(|d| d.limit.as_ref().map(|l| (l, d.line)))
}

/// Case 1: a decode line per sample, each naming one new field. Columns are capped at
/// `MAX_FIELD_NAMES` (256); before, memory grew as lines × names.
#[test]
fn worker_log_with_a_new_field_name_on_every_line() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let path = "run/logs/n1_decode_w0.err";
    let lines = 6_000;
    let mut text = String::new();
    for i in 0..lines {
        text += &format!(
            "[2026-01-01 00:00:00 TP0] Decode batch, #running-req: 4, token usage: 0.10, field{i}: {i}\n"
        );
    }
    let (ds, peak) = load(&[(path, text.into_bytes())]);
    let log = &ds.worker_logs[0].log;
    let decode = &log.series[0];
    assert_eq!(decode.len(), lines, "every sample is kept");
    assert_eq!(
        decode.columns.len(),
        256,
        "names up to the limit are columns"
    );
    assert!(decode.column("running_req").is_some());
    let found: Vec<_> = limits(&ds, path).collect();
    assert!(
        found.iter().any(|(l, line)| matches!(l,
            InputLimit::FieldNames { max: 256, dropped_values } if *dropped_values == (lines - 254) as u64)
            && *line == Some(255)),
        "{found:?}"
    );
    // 6 000 × 256 columns × 4 bytes = 6 MB of cells; before the limit 6 000² × 4 = 144 MB.
    assert!(peak < 24 * MB, "peak {} MB", peak / MB);
}

/// Case 2: a vLLM spec-decoding line whose per-position list has 150 000 entries, then stats
/// lines of the same series. Fields per sample are capped at `MAX_FIELDS_PER_SAMPLE` (512);
/// before, each list position became a column and every later line grew all of them.
#[test]
fn vllm_log_with_a_huge_list_then_many_stats_lines() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let path = "run/logs/n1_decode_w0.err";
    let head = "INFO 07-09 03:15:05 [metrics.py:1] SpecDecoding metrics: Mean acceptance length: 2.33, Per-position acceptance rate: ";
    let mut text = String::from(head);
    for i in 0..150_000 {
        text += if i % 2 == 0 { "0.5, " } else { "0.25, " };
    }
    text += "\n";
    for i in 0..2_000 {
        text += &format!("INFO 07-09 03:15:{:02} [metrics.py:1] SpecDecoding metrics: Mean acceptance length: 2.{i}, Per-position acceptance rate: 0.6, 0.4\n", i % 60);
    }
    let (ds, peak) = load(&[(path, text.into_bytes())]);
    let log = &ds.worker_logs[0].log;
    let spec = &log.series[0];
    assert_eq!(
        spec.len(),
        2_001,
        "the long line and every stats line are samples"
    );
    assert!(spec.columns.len() <= 512);
    assert_eq!(
        spec.column("per_position_acceptance_rate_1").unwrap()[1],
        0.4
    );
    let found: Vec<_> = limits(&ds, path).collect();
    assert!(
        found.iter().any(|(l, line)| matches!(l,
            InputLimit::FieldsPerSample { max: 512, lines: 1, dropped } if *dropped > 100_000)
            && *line == Some(1)),
        "{found:?}"
    );
    assert!(peak < 24 * MB, "peak {} MB", peak / MB);
}

/// A line longer than `MAX_LINE` (1 MiB) is cut there, with a diagnostic at its line.
#[test]
fn overlong_log_line_is_cut_with_a_diagnostic() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let path = "run/logs/n1_decode_w0.err";
    let mut text = String::from(
        "[2026-01-01 00:00:00 TP0] Decode batch, #running-req: 4, token usage: 0.10\n",
    );
    text += &"x".repeat(3 << 20);
    text += "\n[2026-01-01 00:00:01 TP0] Decode batch, #running-req: 5, token usage: 0.10\n";
    let (ds, peak) = load(&[(path, text.into_bytes())]);
    assert_eq!(ds.worker_logs[0].log.series[0].len(), 2);
    let found: Vec<_> = limits(&ds, path).collect();
    assert!(
        found.iter().any(|(l, line)| matches!(l,
            InputLimit::LineLength { max, lines: 1 } if *max == 1 << 20)
            && *line == Some(2)),
        "{found:?}"
    );
    // The input itself is 3 MB and held by the caller; the pass keeps at most one cut line.
    assert!(peak < 8 * MB, "peak {} MB", peak / MB);
}

/// Case 3: a TRT-LLM iteration-stats JSON line with 60 000 keys.
#[test]
fn trtllm_iteration_json_line_with_many_keys() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let path = "run/logs/n1_decode_w0.err";
    let mut text = String::new();
    for n in 0..200 {
        let mut line =
            format!("{{\"iter\": {n}, \"iterLatencyMS\": 10.5, \"numActiveRequests\": 4");
        if n == 0 {
            for k in 0..60_000 {
                line += &format!(", \"k{k}\": {k}");
            }
        }
        line += ", \"timestamp\": \"2026-01-01 00:00:00\"}\n";
        text += &line;
    }
    let (ds, peak) = load(&[(path, text.into_bytes())]);
    let log = &ds.worker_logs[0].log;
    let iter = &log.series[0];
    assert_eq!(iter.len(), 200);
    assert!(iter.column("iter_latency_ms").is_some());
    assert!(iter.columns.len() <= 256);
    let found: Vec<_> = limits(&ds, path).collect();
    assert!(
        found
            .iter()
            .any(|(l, _)| matches!(l, InputLimit::FieldsPerSample { max: 512, .. })),
        "{found:?}"
    );
    assert!(peak < 48 * MB, "peak {} MB", peak / MB);
}

fn points(ds: &Dataset) -> Vec<&runlens_core::model::BenchmarkPoint> {
    ds.runs.iter().flat_map(|r| r.points.iter()).collect()
}

/// Case 4: result JSON nested 100 000 deep never panics or overflows the stack. Readers that
/// build a JSON tree stop at serde_json's recursion limit (`MAX_JSON_DEPTH`, 128) with a typed
/// diagnostic; the bench_serving reader skips arrays and objects without descending and keeps
/// the summary.
#[test]
fn deeply_nested_result_json_is_a_depth_diagnostic() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let deep = |open: &str, close: &str| {
        format!(
            "{{\"max_concurrency\": 4, \"output_throughput\": 10.0, \"x\": {}1{}}}",
            open.repeat(100_000),
            close.repeat(100_000)
        )
    };
    let path = "run/results_concurrency_4.json";
    let text = deep("[", "]");
    runlens_core::parse_with_every_format(path, text.as_bytes(), 4096);
    let (ds, _) = load(&[(path, text.into_bytes())]);
    assert_eq!(points(&ds)[0].output_throughput, Some(10.0));

    // Readers that parse a tree: AIPerf and genai-perf exports (claimed by name).
    for path in [
        "run/concurrency_4/profile_export_aiperf.json",
        "run/artifacts/profile_export_genai_perf.json",
    ] {
        let text = format!(
            "{{\"x\": {}1{}}}",
            "{\"a\":".repeat(100_000),
            "}".repeat(100_000)
        );
        runlens_core::parse_with_every_format(path, text.as_bytes(), 4096);
        let (ds, _) = load(&[(path, text.into_bytes())]);
        let found: Vec<_> = limits(&ds, path).collect();
        assert!(
            found
                .iter()
                .any(|(l, _)| matches!(l, InputLimit::JsonDepth { max: 128 })),
            "{path}: {:?} {:?}",
            ds.diagnostics,
            ds.unrecognized
        );
    }
}

/// Case 8: a key written twice takes its last value, as Python's `json` and jq read it.
#[test]
fn duplicate_json_keys_take_the_last_value() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let text = br#"{"max_concurrency": 4, "output_throughput": 1.0, "request_throughput": 2.0, "output_throughput": 250.0, "max_concurrency": 8}"#;
    let (ds, _) = load(&[("run/results_concurrency_8.json", text.to_vec())]);
    let p = points(&ds);
    assert_eq!(p.len(), 1, "{:?}", ds.diagnostics);
    assert_eq!(p[0].output_throughput, Some(250.0));
    assert_eq!(p[0].concurrency, Some(8));
}

/// Case 5: a multi-byte character at byte 19 of a run date once panicked a string slice; every
/// text cut at a computed offset now uses `get` (the core denies `clippy::string_slice`). A
/// multi-byte character is put at every position of dates, paths and log lines whose parsers
/// cut text at offsets.
#[test]
fn multi_byte_characters_at_every_offset_never_panic() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let meta = r#"{"version":"1.0","run_metadata":{"slurm_job_id":"3667","run_date":"2025-11-10 19:21:45"}}"#;
    let at = meta.find("2025-11-10").unwrap() + 19;
    let mut bad = meta.to_owned();
    bad.insert(at, 'é');
    let (ds, _) = load(&[("outputs/3667/3667.json", bad.into_bytes())]);
    assert!(ds
        .diagnostics
        .iter()
        .all(|d| d.severity != runlens_core::model::Severity::Error));

    let lines = [
        "INFO 07-09 03:15:05 [p2p_nccl_engine.py:1] P2pNcclEngine init, rank:0, local_rank:0",
        "(VllmWorker pid=12) INFO 07-09 03:15:05 [x.py:1] ncclCommInitRank Success, rank:1",
        "server_args=ServerArgs(model_path='/m', tp_size=8)",
        "non-default args: {'model': '/m', 'tensor_parallel_size': 4}",
        "+ python3 -m sglang.launch_server --model-path /m --tp-size 8",
        "CONTAINER_IMAGE=nvcr.io/x:1",
    ];
    let paths = [
        "sweep/isl_1024_osl_128/conc16/results_concurrency_16_gpus_8_tp4.json",
        "outputs/1/logs/node1_decode_w0.err",
    ];
    for line in lines {
        for (i, _) in line.char_indices() {
            let mut l = line.to_owned();
            l.insert(i, 'é');
            runlens_core::parse_with_every_format("n1_prefill_w0.err", l.as_bytes(), 7);
            runlens_core::parse_with_every_format("slurm-1.out", l.as_bytes(), 7);
        }
    }
    for path in paths {
        for (i, _) in path.char_indices() {
            let mut p = path.to_owned();
            p.insert(i, 'é');
            let mut ingest = Ingest::new();
            ingest.add_bytes(&p, br#"{"max_concurrency": 4, "output_throughput": 1.0}"#);
            ingest.add_bytes(&p.replace(".json", ".err"), lines[0].as_bytes());
            let _ = ingest.dataset();
        }
    }
}

fn utf16(s: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in s.encode_utf16() {
        out.extend(if little_endian {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

/// Case 6: a UTF-8 byte-order mark no longer makes a result file "not understood"; UTF-16
/// files (either byte order) are decoded, with a diagnostic naming the encoding.
#[test]
fn byte_order_marks_and_utf16_result_files_are_read() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let result = r#"{"max_concurrency": 4, "output_throughput": 321.5, "model_id": "m-é"}"#;
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(result.as_bytes());
    let log = "[2026-01-01 00:00:00 TP0] Decode batch, #running-req: 4, token usage: 0.10\n";
    let files = [
        ("a/results_concurrency_4.json", with_bom),
        ("b/results_concurrency_4.json", utf16(result, true)),
        ("c/results_concurrency_4.json", utf16(result, false)),
        ("c/logs/n1_decode_w0.err", utf16(&log.repeat(3), true)),
    ];
    let (ds, _) = load(&files);
    assert!(ds.unrecognized.is_empty(), "{:?}", ds.unrecognized);
    let p = points(&ds);
    assert_eq!(p.len(), 3, "{:?}", ds.diagnostics);
    assert!(p
        .iter()
        .all(|p| p.output_throughput == Some(321.5) && p.model_id.as_deref() == Some("m-é")));
    for (file, enc) in [
        ("b/results_concurrency_4.json", "UTF-16LE"),
        ("c/results_concurrency_4.json", "UTF-16BE"),
    ] {
        assert!(
            limits(&ds, file)
                .any(|(l, _)| matches!(l, InputLimit::Encoding { encoding } if encoding == enc)),
            "{file}: {:?}",
            ds.diagnostics
        );
    }
    assert!(limits(&ds, "a/results_concurrency_4.json").next().is_none());
    assert_eq!(ds.worker_logs[0].log.series[0].len(), 3);
}

/// Case 7: a result whose summary keys come after large arrays (sorted keys) is past the 4 KiB
/// sniffed head; a JSON object no format claims from its head is sniffed again whole (up to
/// `RESNIFF_BYTES`, 64 MiB).
#[test]
fn result_keys_after_the_sniffed_head_are_found() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let lens: Vec<String> = (0..5_000).map(|i| (i % 977).to_string()).collect();
    let text = format!(
        r#"{{"arrival_times": [{}], "max_concurrency": 4, "output_throughput": 12.5}}"#,
        lens.join(", ")
    );
    assert!(text.find("max_concurrency").unwrap() > 4096);
    let (ds, _) = load(&[("run/results_concurrency_4.json", text.into_bytes())]);
    assert!(ds.unrecognized.is_empty(), "{:?}", ds.unrecognized);
    assert_eq!(points(&ds)[0].output_throughput, Some(12.5));
    // A JSON object that is no result stays unrecognised after the second look.
    let other = format!(r#"{{"traceEvents": [{}]}}"#, lens.join(", "));
    let (ds, _) = load(&[("run/trace.json", other.into_bytes())]);
    assert_eq!(ds.unrecognized.len(), 1);
}

/// `n` tiny result files of one run (metadata beside them), each at its own concurrency.
fn one_run_with(n: usize) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "outputs/77/77.json".to_owned(),
        br#"{"version":"1.0","run_metadata":{"slurm_job_id":"77","run_date":"20251110_192145"}}"#
            .to_vec(),
    )];
    for i in 0..n {
        files.push((
            format!(
                "outputs/77/logs/sa-bench_isl_8_osl_8/results_concurrency_{}.json",
                i + 1
            ),
            format!(
                r#"{{"max_concurrency": {}, "output_throughput": {}.5, "completed": 10}}"#,
                i + 1,
                i % 100 + 1
            )
            .into_bytes(),
        ));
    }
    files
}

fn seconds_to_load(files: &[(String, Vec<u8>)]) -> (Dataset, f64) {
    let start = std::time::Instant::now();
    let mut ingest = Ingest::new();
    for (name, bytes) in files {
        ingest.add_bytes(name, bytes);
    }
    let ds = ingest.dataset();
    (ds, start.elapsed().as_secs_f64())
}

/// Case 10: one run of many result files. Keeping the best-ranked duplicate per concurrency was
/// a scan of all points per point (quadratic); loading 10 × the files must cost about 10 × the
/// time (asserted under 25 ×, a quadratic step gives 100 ×).
#[test]
fn one_run_with_many_result_files_loads_in_near_linear_time() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (small, big) = (one_run_with(2_000), one_run_with(20_000));
    // The best of three small loads (the first warms up), against one large one.
    let mut t_small = f64::INFINITY;
    for _ in 0..3 {
        let (ds, t) = seconds_to_load(&small);
        assert_eq!(ds.runs[0].points.len(), 2_000);
        t_small = t_small.min(t);
    }
    let (ds, t_big) = seconds_to_load(&big);
    assert_eq!(ds.runs.len(), 1);
    assert_eq!(ds.runs[0].points.len(), 20_000);
    let ratio = t_big / t_small;
    eprintln!("2k files {t_small:.3} s, 20k files {t_big:.3} s, ratio {ratio:.1}");
    assert!(ratio < 25.0, "ratio {ratio:.1}");
}

/// Case 9: implausible numbers are typed findings on their points (kept, listed, off charts by
/// default), never plotted as real measurements.
#[test]
fn implausible_numbers_mark_their_points_invalid() {
    use runlens_core::model::InvalidPoint;
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let digits_309 = format!("1{}", "0".repeat(308));
    let cases: Vec<(u32, String, Option<&str>)> = vec![
        (1, "-5.0".into(), Some("output_throughput")),
        (2, "1e308".into(), Some("output_throughput")),
        (3, digits_309, Some("output_throughput")),
        (
            4,
            "12.5, \"date\": \"0000-01-01T00:00:00\"".into(),
            Some("date"),
        ),
        (5, "12.5, \"mean_ttft_ms\": -3".into(), Some("ttft_ms")),
        (6, "12.5, \"date\": \"2026-01-01T00:00:00\"".into(), None),
    ];
    let mut files: Vec<(String, Vec<u8>)> = cases
        .iter()
        .map(|(c, tps, _)| {
            (
                format!("run/results_concurrency_{c}.json"),
                format!(r#"{{"max_concurrency": {c}, "output_throughput": {tps}}}"#).into_bytes(),
            )
        })
        .collect();
    files.push((
        "inf/results_concurrency_7.json".into(),
        br#"{"max_concurrency": 7, "output_throughput": Infinity, "request_throughput": 1.0}"#
            .to_vec(),
    ));
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let (ds, _) = load(&files);
    let all = points(&ds);
    for (c, _, metric) in &cases {
        let p = all
            .iter()
            .find(|p| p.concurrency == Some(*c))
            .unwrap_or_else(|| panic!("concurrency {c}: {:?}", ds.diagnostics));
        match (metric, &p.invalid) {
            (None, None) => {}
            (Some(m), Some(InvalidPoint::ImplausibleValue { metric, .. })) if metric == m => {}
            other => panic!("concurrency {c}: {other:?}"),
        }
    }
    // `Infinity` is no number: the point keeps its other throughput and no infinite value.
    let p = all
        .iter()
        .find(|p| p.concurrency == Some(7))
        .unwrap_or_else(|| panic!("{:?} {:?}", ds.diagnostics, ds.unrecognized));
    assert_eq!(p.output_throughput, None);
    assert_eq!(p.invalid, None);
    // The year-0 date is not the run's date.
    let roots: Vec<_> = ds.runs.iter().map(|r| r.root.as_str()).collect();
    let run = ds
        .runs
        .iter()
        .find(|r| r.points.iter().any(|p| p.concurrency == Some(6)))
        .unwrap_or_else(|| panic!("{roots:?}"));
    assert_eq!(
        run.date.as_ref().map(|d| d.value.as_str()),
        Some("2026-01-01 00:00:00")
    );
}

/// A launch command continued with `\` over 200 000 lines (a logical line of 5 MB) ends at
/// `MAX_COMMAND_BYTES` (1 MiB) with a diagnostic at the line it began on.
#[test]
fn endlessly_continued_launch_command_is_bounded() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let path = "run/logs/n1_decode_w0.err";
    let mut text = String::from("x\n+ python3 -m sglang.launch_server --tp-size 8 \\\n");
    for i in 0..200_000 {
        text += &format!("  --flag-{i} {i} \\\n");
    }
    text +=
        "  --last 1\n[2026-01-01 00:00:00 TP0] Decode batch, #running-req: 4, token usage: 0.10\n";
    let (ds, peak) = load(&[(path, text.into_bytes())]);
    let log = &ds.worker_logs[0].log;
    assert_eq!(log.series[0].len(), 1, "lines after the command are read");
    assert_eq!(log.launches[0].flags[0], ("tp-size".into(), "8".into()));
    let found: Vec<_> = limits(&ds, path).collect();
    assert!(
        found.iter().any(|(l, line)| matches!(l,
            InputLimit::CommandLength { max, commands: 1 } if *max == 1 << 20)
            && *line == Some(2)),
        "{found:?}"
    );
    assert!(peak < 48 * MB, "peak {} MB", peak / MB);
}

/// A loose `results_concurrency_4.json.gz` that inflates past the whole-parse bound
/// (`MAX_PARSED_FILE_BYTES`, 1 GiB): it states only its compressed size, so the bound must hold
/// on the bytes read. Before, it was read whole (a 3 GB one cost 6.2 GB resident).
#[test]
fn a_gzipped_result_inflating_past_the_whole_parse_bound_is_skipped_with_a_warning() {
    use std::io::Write;
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(br#"{"max_concurrency": 4, "output_throughput": 100.0, "pad": ""#)
        .unwrap();
    let chunk = vec![b'a'; 16 * MB];
    for _ in 0..(runlens_core::ingest::MAX_UNSIZED_PARSED_FILE_BYTES as usize / chunk.len() + 1) {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(br#""}"#).unwrap();
    let bytes = gz.finish().unwrap();
    let path = "run/results_concurrency_4.json.gz";
    let (ds, peak) = load(&[(path, bytes)]);
    assert!(ds.runs.is_empty());
    assert!(
        ds.diagnostics
            .iter()
            .any(|d| d.file.ends_with("results_concurrency_4.json")
                && d.message.contains("too large to parse whole")),
        "{:?}",
        ds.diagnostics
    );
    // At most the unsized bound read once (its buffer grown by doubling, capped at the bound:
    // 1.5 × 256 MiB at the last step), never the whole inflated stream nor a parsed copy of it.
    let bound = runlens_core::ingest::MAX_UNSIZED_PARSED_FILE_BYTES as usize;
    assert!(peak < bound * 2, "peak {} MB", peak / MB);
}
