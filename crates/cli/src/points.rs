//! The `points` and `nodes` printers: the core's per-point and per-sample tables as CSV or JSON.

use std::io::Write;

use runlens_core::analysis::export::{node_rows, point_columns, point_rows, Cell};
use runlens_core::Dataset;

pub fn write_csv(ds: &Dataset, out: impl Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(point_columns())?;
    for row in point_rows(ds) {
        w.write_record(row.iter().map(|c| c.to_csv()))?;
    }
    w.flush()
}

pub fn write_json(ds: &Dataset, mut out: impl Write) -> std::io::Result<()> {
    let columns = point_columns();
    let rows: Vec<serde_json::Value> = point_rows(ds)
        .iter()
        .map(|row| {
            let obj = columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.to_string(), v.to_json()))
                .collect();
            serde_json::Value::Object(obj)
        })
        .collect();
    serde_json::to_writer_pretty(&mut out, &rows)?;
    writeln!(out)
}

pub fn write_nodes_csv(ds: &Dataset, out: impl Write) -> std::io::Result<()> {
    let (columns, rows) = node_rows(ds);
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&columns)?;
    for row in rows {
        w.write_record(row.iter().map(Cell::to_csv))?;
    }
    w.flush()
}

pub fn write_nodes_json(ds: &Dataset, mut out: impl Write) -> std::io::Result<()> {
    let (columns, rows) = node_rows(ds);
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            serde_json::Value::Object(
                columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.clone(), v.to_json()))
                    .collect(),
            )
        })
        .collect();
    serde_json::to_writer(&mut out, &rows)?;
    writeln!(out)
}
