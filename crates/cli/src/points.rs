//! The `points` printer: the core's per-point table as CSV or JSON.

use std::io::Write;

use runlens_core::export::{point_columns, point_rows};
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
