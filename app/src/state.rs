//! View state in the URL hash (`#tab=latency&y=total&tpot=median&cutoff=30&stat=p99&logy=1`):
//! reloading the page and loading the same data restores the same view. Data never goes in the
//! hash. Unknown or malformed keys are ignored, so old links keep working.

use crate::tabs::latency::{LatencyOptions, Statistic};
use crate::tabs::pareto::{ParetoOptions, TpotBasis, YMetric};
use crate::tabs::Tab;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewState {
    pub tab: Tab,
    pub pareto: ParetoOptions,
    pub latency: LatencyOptions,
}

impl Default for ViewState {
    fn default() -> Self {
        Self {
            tab: Tab::Pareto,
            pareto: ParetoOptions::default(),
            latency: LatencyOptions::default(),
        }
    }
}

impl ViewState {
    pub fn to_hash(&self) -> String {
        let mut parts = vec![format!("tab={}", self.tab.id())];
        if self.pareto.y == YMetric::Total {
            parts.push("y=total".into());
        }
        if self.pareto.tpot == TpotBasis::Median {
            parts.push("tpot=median".into());
        }
        if let Some(c) = self.pareto.cutoff {
            parts.push(format!("cutoff={c}"));
        }
        if !self.pareto.frontier {
            parts.push("frontier=0".into());
        }
        if self.latency.stat != Statistic::Mean {
            parts.push(format!("stat={}", self.latency.stat.label().to_lowercase()));
        }
        if self.latency.log_y {
            parts.push("logy=1".into());
        }
        format!("#{}", parts.join("&"))
    }

    pub fn from_hash(hash: &str) -> Self {
        let mut s = ViewState::default();
        for pair in hash.trim_start_matches('#').split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            match k {
                "tab" => s.tab = Tab::from_id(v).unwrap_or(s.tab),
                "y" => {
                    s.pareto.y = if v == "total" {
                        YMetric::Total
                    } else {
                        YMetric::Output
                    }
                }
                "tpot" => {
                    s.pareto.tpot = if v == "median" {
                        TpotBasis::Median
                    } else {
                        TpotBasis::Mean
                    }
                }
                "cutoff" => {
                    s.pareto.cutoff = v.parse().ok().filter(|c: &f64| c.is_finite() && *c >= 0.0)
                }
                "frontier" => s.pareto.frontier = v != "0",
                "stat" => {
                    s.latency.stat = Statistic::ALL
                        .into_iter()
                        .find(|st| st.label().eq_ignore_ascii_case(v))
                        .unwrap_or(s.latency.stat)
                }
                "logy" => s.latency.log_y = v == "1",
                _ => {}
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_round_trips() {
        let s = ViewState {
            tab: Tab::Latency,
            pareto: ParetoOptions {
                y: YMetric::Total,
                tpot: TpotBasis::Median,
                cutoff: Some(42.5),
                frontier: false,
            },
            latency: LatencyOptions {
                stat: Statistic::P99,
                log_y: true,
            },
        };
        assert_eq!(ViewState::from_hash(&s.to_hash()), s);
        assert_eq!(ViewState::from_hash(""), ViewState::default());
        assert_eq!(
            ViewState::from_hash("#tab=nope&cutoff=abc&x"),
            ViewState::default()
        );
    }
}
