//! Reusable page pieces; each file is one component.

pub mod chart;
pub mod loader;
pub mod notices;
pub mod progress;
pub mod run_table;
pub mod sidebar;
pub mod widgets;
pub mod worker_client;
