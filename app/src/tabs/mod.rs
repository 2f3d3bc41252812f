//! One module per dashboard tab: each turns core data into chart options and tables.

pub mod pareto;
