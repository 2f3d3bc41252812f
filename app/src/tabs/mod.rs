//! One module per dashboard tab: each turns core data into chart options and tables.

pub mod charts;
pub mod compare;
pub mod configuration;
pub mod latency;
pub mod node_catalogue;
pub mod node_metrics;
pub mod p2p;
pub mod pareto;
pub mod rate_match;
pub mod scheduler;

/// A request to open Node Metrics on one run, zoomed to one concurrency's benchmark window
/// (from a picked Pareto point).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFocus {
    pub run_key: String,
    pub concurrency: Option<u32>,
}

/// Moves between tabs with what the next tab should show; provided as context by the page.
#[derive(Clone, Copy)]
pub struct Navigator {
    pub tab: leptos::prelude::RwSignal<Tab>,
    pub node_focus: leptos::prelude::RwSignal<Option<NodeFocus>>,
}

impl Navigator {
    /// Open Node Metrics on `focus`.
    pub fn show_nodes(&self, focus: NodeFocus) {
        use leptos::prelude::Set;
        self.node_focus.set(Some(focus));
        self.tab.set(Tab::NodeMetrics);
    }
}

/// The tabs of the page, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Pareto,
    Latency,
    NodeMetrics,
    RateMatch,
    Configuration,
    Scheduler,
    P2p,
    Compare,
    Runs,
}

impl Tab {
    pub const ALL: [Tab; 9] = [
        Tab::Pareto,
        Tab::Latency,
        Tab::NodeMetrics,
        Tab::RateMatch,
        Tab::Configuration,
        Tab::Scheduler,
        Tab::P2p,
        Tab::Compare,
        Tab::Runs,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Pareto => "pareto",
            Tab::Latency => "latency",
            Tab::NodeMetrics => "nodes",
            Tab::RateMatch => "rate",
            Tab::Configuration => "config",
            Tab::Scheduler => "sched",
            Tab::P2p => "p2p",
            Tab::Compare => "compare",
            Tab::Runs => "runs",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Pareto => "Pareto",
            Tab::Latency => "Latency",
            Tab::NodeMetrics => "Node Metrics",
            Tab::RateMatch => "Rate Match",
            Tab::Configuration => "Configuration",
            Tab::Scheduler => "Scheduler",
            Tab::P2p => "P2P NCCL",
            Tab::Compare => "Compare",
            Tab::Runs => "Runs & files",
        }
    }

    pub fn from_id(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.id() == id)
    }
}
