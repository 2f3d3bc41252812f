//! The `points` and `nodes` printers: the core's per-point and per-sample tables as CSV (empty
//! cells where a value is missing), JSON (`null`) or an aligned text table (`-`). The core
//! decides the columns and their values; this module only lays them out.

use std::io::{self, Write};

use runlens_core::analysis::export::{
    node_columns, point_columns, point_rows, try_for_each_node_row, Cell,
};
use runlens_core::Dataset;

use crate::cli::TableFormat;
use crate::table;

fn write_csv<C: AsRef<str>>(
    columns: &[C],
    rows: &[Vec<Cell>],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(columns.iter().map(AsRef::as_ref))?;
    for row in rows {
        w.write_record(row.iter().map(Cell::to_csv))?;
    }
    w.flush()
}

fn json_rows<C: AsRef<str>>(columns: &[C], rows: &[Vec<Cell>]) -> Vec<serde_json::Value> {
    rows.iter()
        .map(|row| {
            serde_json::Value::Object(
                columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.as_ref().to_owned(), v.to_json()))
                    .collect(),
            )
        })
        .collect()
}

fn write_text<C: AsRef<str>>(
    columns: &[C],
    rows: &[Vec<Cell>],
    out: &mut dyn Write,
) -> io::Result<()> {
    let header: Vec<String> = columns.iter().map(|c| c.as_ref().to_owned()).collect();
    let lines: Vec<Vec<String>> = std::iter::once(header)
        .chain(rows.iter().map(|row| row.iter().map(text_cell).collect()))
        .collect();
    out.write_all(table::aligned(&lines).as_bytes())
}

/// One row per (run, concurrency). JSON is pretty-printed, as it always was.
pub fn write_points(ds: &Dataset, format: TableFormat, out: &mut dyn Write) -> io::Result<()> {
    let columns = point_columns();
    let rows = point_rows(ds);
    match format {
        TableFormat::Csv => write_csv(&columns, &rows, out),
        TableFormat::Text => write_text(&columns, &rows, out),
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &json_rows(&columns, &rows))?;
            writeln!(out)
        }
    }
}

fn text_cell(c: &Cell) -> String {
    match c.to_csv() {
        s if s.is_empty() => "-".to_owned(),
        s => s,
    }
}

/// One row per worker-log sample, streamed: a 4 GB log's 30 million samples are written as
/// they are formatted, never held as rows (the aligned text table measures its columns in a
/// first pass). JSON is one line, as it always was (samples are many).
pub fn write_nodes(ds: &Dataset, format: TableFormat, out: &mut dyn Write) -> io::Result<()> {
    let columns = node_columns(ds);
    match format {
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&columns)?;
            try_for_each_node_row(ds, |row| w.write_record(row.iter().map(Cell::to_csv)))?;
            w.flush()
        }
        TableFormat::Text => {
            let mut widths = Vec::new();
            table::widen(&mut widths, &columns);
            let _ = try_for_each_node_row(ds, |row| {
                let cells: Vec<String> = row.iter().map(text_cell).collect();
                table::widen(&mut widths, &cells);
                Ok::<(), std::convert::Infallible>(())
            });
            let mut out = io::BufWriter::new(out);
            out.write_all(table::aligned_line(&columns, &widths).as_bytes())?;
            try_for_each_node_row(ds, |row| {
                let cells: Vec<String> = row.iter().map(text_cell).collect();
                out.write_all(table::aligned_line(&cells, &widths).as_bytes())
            })?;
            out.flush()
        }
        TableFormat::Json => {
            let mut out = io::BufWriter::new(out);
            out.write_all(b"[")?;
            let mut first = true;
            try_for_each_node_row(ds, |row| {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                let object: serde_json::Map<String, serde_json::Value> = columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.clone(), v.to_json()))
                    .collect();
                serde_json::to_writer(&mut out, &object).map_err(io::Error::from)
            })?;
            out.write_all(b"]\n")?;
            out.flush()
        }
    }
}
