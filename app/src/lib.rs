//! runlens-app: the web page. It renders; it never parses.
//!
//! The page ([`app`], [`components`], [`tabs`]) hands dropped files to a Web Worker ([`worker`],
//! built from `src/bin/worker.rs`) that runs runlens-core as wasm. The two talk only through the
//! message enums in [`protocol`]. [`js`] binds the few browser helpers written in JavaScript
//! (`js/runlens.js`: folder walking on drop, ECharts glue).

pub mod app;
pub mod components;
pub mod data;
pub mod filters;
pub mod js;
pub mod protocol;
pub mod state;
pub mod tabs;
pub mod worker;
