//! runlens-core: everything runlens knows about benchmark runs, with no I/O and no web.
//!
//! Bytes come in through [`ingest::Ingest`] (one call per dropped file, directory entry or
//! archive, each a `Read + Seek` stream the caller owns); a typed [`model::Dataset`] comes out.
//! Archives are expanded by [`vfs`] as streams, every file is offered to the formats registered in
//! [`formats`], files are grouped into runs by [`discovery`], and derived numbers (TPS/GPU,
//! TPS/User, Pareto frontier) come from [`metrics`]. Nothing here panics on bad input: problems
//! become [`diagnostics::Diagnostic`]s that name the file.
//!
//! The same crate is compiled natively (CLI, tests) and to `wasm32-unknown-unknown` (the web
//! worker), so it depends on no platform API.

pub mod aggregate;
pub mod diagnostics;
pub mod discovery;
pub mod export;
pub mod formats;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod p2p;
pub mod scheduler;
pub mod stats;
pub mod timeseries;
pub mod vfs;

pub use ingest::{Ingest, Progress};
pub use model::Dataset;
