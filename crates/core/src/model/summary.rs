//! Statistics of one column as the printers read them: [`Summary`] (count, mean, percentiles)
//! and histogram [`Bin`]s. They are computed by `analysis::stats`.

use serde::{Deserialize, Serialize};

use super::serde_nan::nan_as_null;

/// Count, mean and percentiles of the finite values of a column.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    #[serde(with = "nan_as_null")]
    pub mean: f64,
    #[serde(with = "nan_as_null")]
    pub p50: f64,
    #[serde(with = "nan_as_null")]
    pub p90: f64,
    #[serde(with = "nan_as_null")]
    pub p95: f64,
    #[serde(with = "nan_as_null")]
    pub p99: f64,
    #[serde(with = "nan_as_null")]
    pub min: f64,
    #[serde(with = "nan_as_null")]
    pub max: f64,
}

/// One histogram bin `[lo, hi)` (the last bin includes `hi`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub count: u64,
}
