//! Per-request measurements of one benchmark point, as the benchmark client recorded them
//! (bench_serving's `ttfts`/`itls`/`output_lens` arrays, written with `--save-detailed` or
//! `--output-details`). The comparison statistics resample them; summaries alone cannot give
//! a verdict's uncertainty.

use serde::{Deserialize, Serialize};

use super::serde_nan::nan_as_null::vec_f32;

/// One column per measurement, one row per successful request, in the file's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestSamples {
    /// Time to first token, ms.
    #[serde(with = "vec_f32")]
    pub ttft_ms: Vec<f32>,
    /// (E2E latency − TTFT) / (output tokens − 1), ms; NaN for requests of one output token.
    #[serde(with = "vec_f32")]
    pub tpot_ms: Vec<f32>,
    /// End-to-end latency (TTFT + the inter-token latencies), ms.
    #[serde(with = "vec_f32")]
    pub e2el_ms: Vec<f32>,
    /// Output tokens of the request.
    pub output_tokens: Vec<u32>,
    /// Prompt tokens of the request; empty when the file has no `input_lens`.
    #[serde(default)]
    pub input_tokens: Vec<u32>,
}

impl RequestSamples {
    /// Requests held.
    pub fn len(&self) -> usize {
        self.ttft_ms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ttft_ms.is_empty()
    }

    /// Rows from the client's arrays (seconds): `ttfts[i]`, the sum of `itls[i]`, `output_lens[i]`
    /// and, when given with the same length, `input_lens[i]`. Requests that produced no token
    /// (failed, `output_lens` 0) are left out; `None` when the arrays' lengths disagree or
    /// nothing is left.
    pub fn from_client_arrays(
        ttft_s: &[f64],
        itl_sum_s: &[f64],
        output_lens: &[f64],
        input_lens: &[f64],
    ) -> Option<Self> {
        let n = ttft_s.len();
        if n == 0 || itl_sum_s.len() != n || output_lens.len() != n {
            return None;
        }
        let inputs = input_lens.len() == n;
        let mut s = RequestSamples::default();
        for (i, ((&ttft, &itl), &out)) in ttft_s.iter().zip(itl_sum_s).zip(output_lens).enumerate()
        {
            if !(out >= 1.0 && ttft.is_finite() && ttft >= 0.0 && itl.is_finite() && itl >= 0.0) {
                continue;
            }
            let out_tokens = out.min(u32::MAX as f64) as u32;
            s.ttft_ms.push((ttft * 1e3) as f32);
            s.e2el_ms.push(((ttft + itl) * 1e3) as f32);
            s.tpot_ms.push(if out_tokens > 1 {
                (itl * 1e3 / f64::from(out_tokens - 1)) as f32
            } else {
                f32::NAN
            });
            s.output_tokens.push(out_tokens);
            if inputs {
                s.input_tokens
                    .push(input_lens[i].clamp(0.0, u32::MAX as f64) as u32);
            }
        }
        (!s.is_empty()).then_some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_from_client_arrays_skip_failed_requests() {
        let s = RequestSamples::from_client_arrays(
            &[0.1, 0.0, 0.2],
            &[0.9, 0.0, 0.0],
            &[10.0, 0.0, 1.0],
            &[5.0, 6.0, 7.0],
        )
        .unwrap();
        assert_eq!(s.input_tokens, vec![5, 7]);
        assert_eq!(s.len(), 2);
        assert_eq!(s.ttft_ms, vec![100.0, 200.0]);
        assert_eq!(s.e2el_ms, vec![1000.0, 200.0]);
        assert_eq!(s.tpot_ms[0], 100.0);
        assert!(s.tpot_ms[1].is_nan());
        assert_eq!(s.output_tokens, vec![10, 1]);
        assert!(RequestSamples::from_client_arrays(&[0.1], &[], &[1.0], &[]).is_none());
    }
}
