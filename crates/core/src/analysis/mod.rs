//! Analyses: numbers computed from the model — TPS/GPU, TPS/User and the Pareto frontier
//! ([`metrics`]), column statistics ([`stats`]), node series per worker / DP rank / cluster
//! ([`aggregate`]), the scheduler ([`scheduler`]) and P2P ([`p2p`]) analyses of one directory,
//! the tables the exports write ([`export`]), each run's health lints ([`health`]), benchmark windows with their steady state
//! ([`windows`]), prefill/decode rate matching ([`rate_match`]) and clocks that disagree between
//! nodes ([`clock_skew`]). Analyses read the model and the text helpers
//! only; ingest is their one caller that runs them over a whole dataset.

pub mod aggregate;
pub mod clock_skew;
pub mod compare;
pub mod decimate;
pub mod export;
pub mod health;
pub mod metrics;
pub mod p2p;
pub mod rate_match;
pub mod redact;
pub mod scheduler;
pub mod slo;
pub mod stats;
pub mod windows;
