//! The bootstrap of one point's per-request rows: `resamples` draws of the rows with
//! replacement (a fixed-seed SplitMix64, so a comparison is reproducible), each summarised by
//! every [`Stat`] at once. A draw is kept as counts per row, so means are one weighted pass and
//! percentiles one scan of the rows in sorted order: O(rows) per resample, whatever the number
//! of statistics.

use crate::model::RequestSamples;

/// Requests a percentile needs beyond it to be resampled (p99: 2 000 requests, p90: 200).
pub const MIN_TAIL: usize = 20;

/// A statistic of per-request rows that a compared metric rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    Mean(Field),
    /// Nearest-rank percentile (`q` in hundredths: 50, 90, 99).
    Percentile(Field, u8),
    /// Σ output tokens / Σ E2E latency: output throughput per request slot (Little's law: a
    /// closed-loop client's output TPS is its concurrency times this).
    TokensPerLatency,
    /// Σ (input + output tokens) / Σ E2E latency: total throughput per slot (NaN without
    /// input lengths).
    TotalTokensPerLatency,
    /// Requests / Σ E2E latency: request throughput per slot.
    RequestsPerLatency,
    /// 1 / mean TPOT: TPS/User.
    InverseMean(Field),
    /// Σ (E2E − TTFT) / Σ (output tokens − 1): the token-weighted mean inter-token latency.
    TokenWeightedItl,
}

/// A per-request column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Ttft,
    Tpot,
    E2el,
}

const FIELDS: [Field; 3] = [Field::Ttft, Field::Tpot, Field::E2el];

fn column(rows: &RequestSamples, f: Field) -> &[f32] {
    match f {
        Field::Ttft => &rows.ttft_ms,
        Field::Tpot => &rows.tpot_ms,
        Field::E2el => &rows.e2el_ms,
    }
}

/// SplitMix64: small, fast, good enough for resampling indices.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2⁻³² for n < 2³²).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// The rows of one point, prepared for resampling.
pub struct Resampler<'a> {
    rows: &'a RequestSamples,
    /// Per field, the indices of its finite values in increasing order of value.
    sorted: [Vec<u32>; 3],
}

impl<'a> Resampler<'a> {
    pub fn new(rows: &'a RequestSamples) -> Self {
        let sorted = FIELDS.map(|f| {
            let col = column(rows, f);
            let mut idx: Vec<u32> = (0..col.len() as u32)
                .filter(|&i| col[i as usize].is_finite())
                .collect();
            idx.sort_by(|&a, &b| col[a as usize].total_cmp(&col[b as usize]));
            idx
        });
        Resampler { rows, sorted }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every stat of `stats` over the rows weighted by `counts` (all ones: the sample itself).
    fn evaluate(&self, counts: &[u32], stats: &[Stat], out: &mut Vec<f64>) {
        let r = self.rows;
        // One weighted pass for every sum.
        let (mut n, mut ttft, mut e2el, mut out_tok, mut itl_tok) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut tpot, mut tpot_n, mut in_tok) = (0.0, 0.0, 0.0);
        let inputs = r.input_tokens.len() == counts.len();
        for (i, &c) in counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let c = f64::from(c);
            n += c;
            ttft += c * f64::from(r.ttft_ms[i]);
            e2el += c * f64::from(r.e2el_ms[i]);
            out_tok += c * f64::from(r.output_tokens[i]);
            itl_tok += c * f64::from(r.output_tokens[i].saturating_sub(1));
            if inputs {
                in_tok += c * f64::from(r.input_tokens[i]);
            }
            let t = r.tpot_ms[i];
            if t.is_finite() {
                tpot += c * f64::from(t);
                tpot_n += c;
            }
        }
        out.clear();
        for stat in stats {
            out.push(match *stat {
                Stat::Mean(Field::Ttft) => ttft / n,
                Stat::Mean(Field::E2el) => e2el / n,
                Stat::Mean(Field::Tpot) => tpot / tpot_n,
                Stat::InverseMean(Field::Ttft) => n / ttft,
                Stat::InverseMean(Field::E2el) => n / e2el,
                Stat::InverseMean(Field::Tpot) => tpot_n / tpot,
                Stat::TokensPerLatency => out_tok / e2el,
                Stat::TotalTokensPerLatency if inputs => (in_tok + out_tok) / e2el,
                Stat::TotalTokensPerLatency => f64::NAN,
                Stat::RequestsPerLatency => n / e2el,
                Stat::TokenWeightedItl => (e2el - ttft) / itl_tok,
                Stat::Percentile(..) => f64::NAN,
            });
        }
        // Every percentile of one field in one scan of its rows in sorted order.
        for (fi, &field) in FIELDS.iter().enumerate() {
            let mut wanted: Vec<(u8, usize)> = stats
                .iter()
                .enumerate()
                .filter_map(|(i, s)| match *s {
                    Stat::Percentile(f, q) if f == field => Some((q, i)),
                    _ => None,
                })
                .collect();
            if wanted.is_empty() {
                continue;
            }
            wanted.sort_unstable();
            let total = if field == Field::Tpot { tpot_n } else { n };
            let col = column(r, field);
            let order = &self.sorted[fi];
            let mut next = 0;
            let mut seen = 0.0;
            for &i in order {
                seen += f64::from(counts[i as usize]);
                while next < wanted.len() {
                    let (q, slot) = wanted[next];
                    let rank = ((f64::from(q) / 100.0) * total).ceil().max(1.0);
                    if seen < rank {
                        break;
                    }
                    out[slot] = f64::from(col[i as usize]);
                    next += 1;
                }
                if next == wanted.len() {
                    break;
                }
            }
        }
    }

    /// Whether the rows can resample `stat`: a percentile needs [`MIN_TAIL`] requests beyond it
    /// (the bootstrap of a tail percentile from a handful of values is not to be trusted), the
    /// total throughput needs input lengths.
    pub fn supports(&self, stat: Stat) -> bool {
        match stat {
            Stat::Percentile(f, q) => {
                let n = self.sorted[FIELDS.iter().position(|x| *x == f).unwrap_or(0)].len();
                n as f64 * (1.0 - f64::from(q) / 100.0) >= MIN_TAIL as f64
            }
            Stat::TotalTokensPerLatency => self.rows.input_tokens.len() == self.rows.len(),
            _ => true,
        }
    }

    /// `resamples` bootstrap draws; for each stat, the draws' values divided by the value on the
    /// whole sample (the multiplicative fluctuation of the statistic). Indexed `[stat][draw]`.
    pub fn fluctuations(&self, stats: &[Stat], resamples: usize, seed: u64) -> Vec<Vec<f64>> {
        let n = self.len();
        let mut out = vec![Vec::with_capacity(resamples); stats.len()];
        if n == 0 {
            return out;
        }
        let mut counts = vec![1u32; n];
        let mut whole = Vec::new();
        self.evaluate(&counts, stats, &mut whole);
        let mut rng = SplitMix64::new(seed);
        let mut values = Vec::with_capacity(stats.len());
        for _ in 0..resamples {
            counts.iter_mut().for_each(|c| *c = 0);
            for _ in 0..n {
                counts[rng.below(n)] += 1;
            }
            self.evaluate(&counts, stats, &mut values);
            for ((dst, v), w) in out.iter_mut().zip(&values).zip(&whole) {
                dst.push(v / w);
            }
        }
        out
    }

    /// Every stat on the whole sample.
    pub fn on_sample(&self, stats: &[Stat]) -> Vec<f64> {
        let mut v = Vec::new();
        self.evaluate(&vec![1; self.len()], stats, &mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(values: &[f32]) -> RequestSamples {
        RequestSamples {
            ttft_ms: values.to_vec(),
            tpot_ms: values.to_vec(),
            e2el_ms: values.iter().map(|v| v * 10.0).collect(),
            output_tokens: vec![11; values.len()],
            input_tokens: Vec::new(),
        }
    }

    #[test]
    fn statistics_on_the_whole_sample_are_the_known_answers() {
        let r = rows(&[1.0, 2.0, 3.0, 4.0]);
        let s = Resampler::new(&r);
        let v = s.on_sample(&[
            Stat::Mean(Field::Ttft),
            Stat::Percentile(Field::Ttft, 50),
            Stat::Percentile(Field::Ttft, 99),
            Stat::TokensPerLatency,
            Stat::InverseMean(Field::Tpot),
            Stat::TokenWeightedItl,
        ]);
        assert_eq!(v[0], 2.5);
        assert_eq!(v[1], 2.0, "nearest rank: ceil(0.5·4) = 2nd value");
        assert_eq!(v[2], 4.0);
        assert_eq!(v[3], 44.0 / 100.0);
        assert_eq!(v[4], 1.0 / 2.5);
        assert_eq!(v[5], (100.0 - 10.0) / 40.0);
    }

    #[test]
    fn fluctuations_centre_on_one_and_are_reproducible() {
        let mut rng = SplitMix64::new(1);
        let values: Vec<f32> = (0..2000)
            .map(|_| (100.0 + 10.0 * rng.normal()) as f32)
            .collect();
        let r = rows(&values);
        let s = Resampler::new(&r);
        let a = s.fluctuations(&[Stat::Mean(Field::Ttft)], 200, 7);
        let b = s.fluctuations(&[Stat::Mean(Field::Ttft)], 200, 7);
        assert_eq!(a, b);
        let mean = a[0].iter().sum::<f64>() / 200.0;
        assert!((mean - 1.0).abs() < 0.002, "{mean}");
        // Standard error of the mean: 10 / sqrt(2000) / 100 ≈ 0.00224.
        let sd = (a[0].iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 199.0).sqrt();
        assert!((sd - 0.00224).abs() < 0.0006, "{sd}");
    }
}
