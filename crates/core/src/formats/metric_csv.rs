//! The sectioned metric CSV that genai-perf and its successor AIPerf write: tables separated by
//! blank lines, each opening with a `Metric,avg,min,max,p99,…` header, one row per metric
//! (`Time to First Token (ms),12.5,…`); numbers may be quoted with thousands separators
//! (`"9,611.46"`), `N/A` where a statistic does not apply.

use crate::model::{FormatError, LatencyStats};

/// CSV rows as their trimmed cells (`flexible`: rows of any length), errors typed.
pub(crate) fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| FormatError::Shape {
            expected: "CSV",
            found: e.to_string(),
        })?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

/// A cell as a finite number; thousands separators are dropped.
pub(crate) fn num(cell: &str) -> Option<f64> {
    cell.replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// Every metric row of every table: (row key, lowercase column name → value).
pub(crate) struct MetricTable {
    rows: Vec<(String, Vec<(String, f64)>)>,
}

impl MetricTable {
    /// Read the tables; `key` turns a row's first cell into the name it is looked up by.
    pub(crate) fn read(bytes: &[u8], key: fn(&str) -> String) -> Result<Self, FormatError> {
        let mut header: Vec<String> = Vec::new();
        let mut rows = Vec::new();
        for record in csv_rows(bytes)? {
            let first = record.first().map(String::as_str).unwrap_or("");
            if first == "Metric" {
                header = record.iter().map(|c| c.to_ascii_lowercase()).collect();
                continue;
            }
            if first.is_empty() || header.is_empty() {
                continue;
            }
            let values = record
                .iter()
                .enumerate()
                .skip(1)
                .filter_map(|(i, c)| Some((header.get(i)?.clone(), num(c)?)))
                .collect();
            rows.push((key(first), values));
        }
        Ok(Self { rows })
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Column `col` of the row named `name` (case-insensitive).
    pub(crate) fn value(&self, name: &str, col: &str) -> Option<f64> {
        let (_, values) = self
            .rows
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        values.iter().find(|(c, _)| c == col).map(|(_, v)| *v)
    }

    /// A single-valued metric: its `value` column, else its `avg`.
    pub(crate) fn scalar(&self, name: &str) -> Option<f64> {
        self.value(name, "value")
            .or_else(|| self.value(name, "avg"))
    }

    /// A latency metric's statistics (in the row's own unit).
    pub(crate) fn latency(&self, name: &str) -> LatencyStats {
        LatencyStats {
            mean: self.value(name, "avg"),
            median: self.value(name, "p50"),
            std: self.value(name, "std"),
            p90: self.value(name, "p90"),
            p99: self.value(name, "p99"),
        }
    }
}
