//! The per-point table: one row per (run, concurrency) with the reference dashboard's columns
//! (format reference §2.3, same names and order) followed by runlens' extra columns. The CLI
//! prints it as CSV or JSON and the app downloads it; neither decides columns or formulas.
//! Missing values are [`Cell::Missing`], printed as empty CSV cells and JSON `null`, never "N/A".

use crate::model::{BenchmarkPoint, Dataset, LatencyStats, Run, Topology};

/// One value of the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(u64),
    Num(f64),
    /// A worker-log value (stored as `f32`; printed with `f32`'s shortest form, `6.73` not
    /// `6.730000019073486`).
    Num32(f32),
    Missing,
}

impl Cell {
    fn text(v: Option<String>) -> Cell {
        v.map_or(Cell::Missing, Cell::Text)
    }
    fn int(v: Option<impl Into<u64>>) -> Cell {
        v.map_or(Cell::Missing, |v| Cell::Int(v.into()))
    }
    fn num(v: Option<f64>) -> Cell {
        match v {
            Some(v) if v.is_nan() => Cell::Missing,
            Some(v) => Cell::Num(v),
            None => Cell::Missing,
        }
    }

    /// Text for a CSV cell: empty when missing, `inf` for an unlimited rate.
    pub fn to_csv(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(f) if f.is_infinite() => if *f > 0.0 { "inf" } else { "-inf" }.into(),
            Cell::Num(f) => f.to_string(),
            Cell::Num32(f) if f.is_finite() => f.to_string(),
            Cell::Num32(_) | Cell::Missing => String::new(),
        }
    }

    /// JSON value: `null` when missing, the string `"inf"` for an unlimited rate.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Text(s) => s.clone().into(),
            Cell::Int(i) => (*i).into(),
            Cell::Num(f) if f.is_infinite() => "inf".into(),
            Cell::Num(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
            }
            Cell::Num32(f) => f
                .to_string()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(serde_json::Value::Null, Into::into),
            Cell::Missing => serde_json::Value::Null,
        }
    }
}

/// The reference's per-point columns, in its order.
pub const REFERENCE_COLUMNS: [&str; 22] = [
    "Run ID",
    "Run Date",
    "Profiler",
    "ISL",
    "OSL",
    "Prefill Nodes",
    "Decode Nodes",
    "Prefill Workers",
    "Decode Workers",
    "Frontends",
    "GPUs per Node",
    "Total GPUs",
    "Request Rate",
    "Concurrency",
    "Output TPS",
    "Total TPS",
    "Output TPS/GPU",
    "Total TPS/GPU",
    "Output TPS/User",
    "Mean TTFT (ms)",
    "Mean TPOT (ms)",
    "Mean ITL (ms)",
];

/// runlens' columns after the reference's.
pub const EXTRA_COLUMNS: [&str; 37] = [
    "Job ID",
    "Generation",
    "Topology",
    "GPU Type",
    "Agg Nodes",
    "Agg Workers",
    "Node-based GPUs",
    "Worker-based GPUs",
    "Output TPS/User (median TPOT)",
    "Output TPS/Decode GPU",
    "Input TPS/Prefill GPU",
    "Median TTFT (ms)",
    "P90 TTFT (ms)",
    "P99 TTFT (ms)",
    "Median TPOT (ms)",
    "P90 TPOT (ms)",
    "P99 TPOT (ms)",
    "Median ITL (ms)",
    "P90 ITL (ms)",
    "P99 ITL (ms)",
    "Mean E2EL (ms)",
    "Median E2EL (ms)",
    "P90 E2EL (ms)",
    "P99 E2EL (ms)",
    "Request Throughput (req/s)",
    "Request Goodput (req/s)",
    "Completed",
    "Duration (s)",
    "Total Input Tokens",
    "Total Output Tokens",
    "Peak Output TPS",
    "E2E Interactivity P90 (tok/s/user)",
    "E2E Interactivity P75 (tok/s/user)",
    "GPU Count Source",
    "Tool",
    "Invalid",
    "Source",
];

/// Every column name, reference first.
pub fn point_columns() -> Vec<&'static str> {
    REFERENCE_COLUMNS
        .iter()
        .chain(EXTRA_COLUMNS.iter())
        .copied()
        .collect()
}

/// `{id}_{P}P_{D}D_{YYYYMMDD_HHMMSS}` (aggregated runs `{id}_{A}A_{…}`, unlike the reference,
/// whose aggregated ids never matched its own charts).
pub fn run_id(run: &Run) -> String {
    let topo = match run.topology.as_ref().map(|t| t.value) {
        Some(Topology::Disaggregated {
            prefill_workers,
            decode_workers,
        }) => format!("_{prefill_workers}P_{decode_workers}D"),
        Some(Topology::Aggregated { workers }) => format!("_{workers}A"),
        None => String::new(),
    };
    let date = run
        .date
        .as_ref()
        .map(|d| {
            format!(
                "_{}",
                d.value.replace('-', "").replace(' ', "_").replace(':', "")
            )
        })
        .unwrap_or_default();
    format!("{}{topo}{date}", run.job_id.value)
}

fn latency_cells(s: &LatencyStats) -> [Cell; 3] {
    [Cell::num(s.median), Cell::num(s.p90), Cell::num(s.p99)]
}

fn row(run: &Run, p: &BenchmarkPoint) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Text(run_id(run)),
        Cell::text(run.date.as_ref().map(|d| d.value.clone())),
        Cell::text(run.profiler.as_ref().map(|p| p.value.clone())),
        Cell::int(run.isl.as_ref().map(|v| v.value)),
        Cell::int(run.osl.as_ref().map(|v| v.value)),
        Cell::int(run.nodes.prefill),
        Cell::int(run.nodes.decode),
        Cell::int(run.workers.prefill),
        Cell::int(run.workers.decode),
        Cell::int(run.frontends),
        Cell::int(run.gpus_per_node),
        Cell::int(run.gpus.total()),
        Cell::num(p.request_rate),
        Cell::int(p.concurrency),
        Cell::num(p.output_throughput),
        Cell::num(p.total_token_throughput),
        Cell::num(p.derived.output_tps_per_gpu),
        Cell::num(p.derived.total_tps_per_gpu),
        Cell::num(p.derived.output_tps_per_user),
        Cell::num(p.ttft_ms.mean),
        Cell::num(p.tpot_ms.mean),
        Cell::num(p.itl_ms.mean),
        Cell::Text(run.job_id.value.clone()),
        Cell::Text(run.generation.label().into()),
        Cell::text(run.topology.as_ref().map(|t| t.value.label())),
        Cell::text(run.gpu_type.as_ref().map(|g| g.value.clone())),
        Cell::int(run.nodes.agg),
        Cell::int(run.workers.agg),
        Cell::int(run.gpus.node_based),
        Cell::int(run.gpus.worker_based),
        Cell::num(p.derived.output_tps_per_user_median),
        Cell::num(p.derived.output_tps_per_decode_gpu),
        Cell::num(p.derived.input_tps_per_prefill_gpu),
    ];
    cells.extend(latency_cells(&p.ttft_ms));
    cells.extend(latency_cells(&p.tpot_ms));
    cells.extend(latency_cells(&p.itl_ms));
    cells.push(Cell::num(p.e2el_ms.mean));
    cells.extend(latency_cells(&p.e2el_ms));
    cells.extend([
        Cell::num(p.request_throughput),
        Cell::num(p.request_goodput),
        Cell::int(p.completed),
        Cell::num(p.duration_s),
        Cell::int(p.total_input_tokens),
        Cell::int(p.total_output_tokens),
        Cell::num(p.peak_output_throughput),
        Cell::num(p.derived.e2e_interactivity_p90),
        Cell::num(p.derived.e2e_interactivity_p75),
        Cell::text(run.gpus_from.as_ref().map(ToString::to_string)),
        Cell::Text(p.tool.clone()),
        Cell::text(p.invalid.as_ref().map(ToString::to_string)),
        Cell::Text(p.source.clone()),
    ]);
    cells
}

/// Every point of every run, in run then concurrency order.
pub fn point_rows(ds: &Dataset) -> Vec<Vec<Cell>> {
    ds.runs
        .iter()
        .flat_map(|run| run.points.iter().map(move |p| row(run, p)))
        .collect()
}

/// Fixed leading columns of the per-sample worker table (`runlens nodes`).
pub const NODE_COLUMNS: [&str; 10] = [
    "run",
    "worker",
    "node",
    "service",
    "dp",
    "tp",
    "ep",
    "timestamp",
    "elapsed_s",
    "kind",
];

/// Every field (snake_case) seen in any worker log, in order of first appearance.
fn node_fields(ds: &Dataset) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    for l in &ds.worker_logs {
        for s in &l.log.series {
            for c in &s.columns {
                if !fields.contains(&c.name) {
                    fields.push(c.name.clone());
                }
            }
        }
    }
    fields
}

/// Columns of the per-sample worker table: [`NODE_COLUMNS`], then every field.
pub fn node_columns(ds: &Dataset) -> Vec<String> {
    let mut columns: Vec<String> = NODE_COLUMNS.iter().map(|c| c.to_string()).collect();
    columns.extend(node_fields(ds));
    columns
}

/// Each parsed worker-log sample as one row of [`node_columns`], handed to `f` in log order
/// (one row buffer, reused: 30 million samples are never held as rows at once). Stops at the
/// first error `f` returns.
pub fn try_for_each_node_row<E>(
    ds: &Dataset,
    mut f: impl FnMut(&[Cell]) -> Result<(), E>,
) -> Result<(), E> {
    use crate::text::time::format_epoch;
    let fields = node_fields(ds);
    let mut row: Vec<Cell> = Vec::with_capacity(NODE_COLUMNS.len() + fields.len());
    for l in &ds.worker_logs {
        let worker = crate::text::paths::file_name(&l.log.path).to_owned();
        for s in &l.log.series {
            let col_of: Vec<Option<usize>> = fields
                .iter()
                .map(|f| s.columns.iter().position(|c| &c.name == f))
                .collect();
            for i in 0..s.len() {
                let t = s.time_s[i];
                row.clear();
                row.extend([
                    Cell::Text(l.run_key.clone()),
                    Cell::Text(worker.clone()),
                    Cell::text(l.log.identity.node.clone()),
                    Cell::Text(l.log.identity.service.label().into()),
                    Cell::int(s.ranks.dp),
                    Cell::int(s.ranks.tp),
                    Cell::int(s.ranks.ep),
                    Cell::text(Some(format_epoch(t)).filter(|x| !x.is_empty())),
                    Cell::num(
                        l.run_start_s
                            .map(|start| t - start)
                            .filter(|e| e.is_finite()),
                    ),
                    Cell::Text(s.kind.label().into()),
                ]);
                row.extend(
                    col_of
                        .iter()
                        .map(|c| match c.map(|c| s.columns[c].values[i]) {
                            Some(v) if v.is_finite() => Cell::Num32(v),
                            _ => Cell::Missing,
                        }),
                );
                f(&row)?;
            }
        }
    }
    Ok(())
}

/// [`node_columns`] and every row of [`try_for_each_node_row`], collected (small datasets).
pub fn node_rows(ds: &Dataset) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut rows = Vec::new();
    let _ = try_for_each_node_row(ds, |r| {
        rows.push(r.to_vec());
        Ok::<(), std::convert::Infallible>(())
    });
    (node_columns(ds), rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_one_cell_per_column() {
        let mut ingest = crate::Ingest::new();
        ingest.add_bytes(
            "r/concurrency_4.json",
            br#"{"max_concurrency": 4, "output_throughput": 1.5, "request_rate": "inf"}"#,
        );
        let rows = point_rows(&ingest.dataset());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), point_columns().len());
        let rate = point_columns()
            .iter()
            .position(|c| *c == "Request Rate")
            .unwrap();
        assert_eq!(rows[0][rate].to_csv(), "inf");
        let tpot = point_columns()
            .iter()
            .position(|c| *c == "Mean TPOT (ms)")
            .unwrap();
        assert_eq!(
            rows[0][tpot].to_csv(),
            "",
            "missing is an empty cell, never N/A"
        );
        assert_eq!(rows[0][tpot].to_json(), serde_json::Value::Null);
    }
}
