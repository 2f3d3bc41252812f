//! One module per dashboard tab: each turns core data into chart options and tables.

pub mod latency;
pub mod pareto;

/// The tabs of the page, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Pareto,
    Latency,
    Runs,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Pareto, Tab::Latency, Tab::Runs];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Pareto => "pareto",
            Tab::Latency => "latency",
            Tab::Runs => "runs",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Pareto => "Pareto",
            Tab::Latency => "Latency",
            Tab::Runs => "Runs & files",
        }
    }

    pub fn from_id(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.id() == id)
    }
}
