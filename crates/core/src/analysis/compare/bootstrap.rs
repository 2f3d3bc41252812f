//! The bootstrap of one point's per-request rows: `resamples` draws of the rows with
//! replacement (a fixed-seed SplitMix64, so a comparison is reproducible), each summarised by
//! every [`Stat`] at once.
//!
//! A draw accumulates the sums every mean and ratio needs straight from the drawn rows (one
//! packed row per draw, no per-row counts). A percentile needs no pass at all: the k-th
//! smallest of n uniform draws over the sorted values is the value at ⌊m·U₍ₖ₎⌋, and the order
//! statistic U₍ₖ₎ of n uniforms is Beta(k, n + 1 − k) — one Beta variate per percentile and
//! draw gives exactly the nearest-rank percentile of a resample. 10 000 rows × 1 000 draws of
//! every statistic take a few tens of milliseconds.

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

fn field_index(f: Field) -> usize {
    match f {
        Field::Ttft => 0,
        Field::Tpot => 1,
        Field::E2el => 2,
    }
}

fn column(rows: &RequestSamples, f: Field) -> &[f32] {
    match f {
        Field::Ttft => &rows.ttft_ms,
        Field::Tpot => &rows.tpot_ms,
        Field::E2el => &rows.e2el_ms,
    }
}

/// One request's terms of every sum, packed so a draw reads one 32-byte row.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(32))]
struct Terms([f32; 8]);

const TTFT: usize = 0;
const E2EL: usize = 1;
const OUT_TOKENS: usize = 2;
const ITL_TOKENS: usize = 3;
const IN_TOKENS: usize = 4;
/// TPOT, 0 where it is not finite (one-token requests).
const TPOT: usize = 5;
/// 1 where TPOT is finite, else 0.
const TPOT_ROWS: usize = 6;
/// 1 for every row: the requests drawn.
const ROWS: usize = 7;

/// The sums of one draw (or of the sample), in the order of [`Terms`].
type Sums = [f64; 8];

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

    /// Gamma(shape, 1) for shape ≥ 1 (Marsaglia and Tsang, 2000).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.unit();
            if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
                return d * v;
            }
        }
    }

    /// Beta(a, b) for a, b ≥ 1.
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }
}

/// The rows of one point, prepared for resampling.
pub struct Resampler<'a> {
    rows: &'a RequestSamples,
    /// Per field, the indices of its finite values in increasing order of value.
    sorted: [Vec<u32>; 3],
    terms: Vec<Terms>,
    inputs: bool,
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
        let inputs = rows.input_tokens.len() == rows.len();
        let terms = (0..rows.len())
            .map(|i| {
                let tpot = rows.tpot_ms[i];
                let out = rows.output_tokens[i];
                let mut t = [0.0f32; 8];
                t[TTFT] = rows.ttft_ms[i];
                t[E2EL] = rows.e2el_ms[i];
                t[OUT_TOKENS] = out as f32;
                t[ITL_TOKENS] = out.saturating_sub(1) as f32;
                t[IN_TOKENS] = if inputs {
                    rows.input_tokens[i] as f32
                } else {
                    0.0
                };
                t[TPOT] = if tpot.is_finite() { tpot } else { 0.0 };
                t[TPOT_ROWS] = if tpot.is_finite() { 1.0 } else { 0.0 };
                t[ROWS] = 1.0;
                Terms(t)
            })
            .collect();
        Resampler {
            rows,
            sorted,
            terms,
            inputs,
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The sums over the whole sample.
    fn sample_sums(&self) -> Sums {
        let mut s = [0.0; 8];
        for t in &self.terms {
            for (acc, &v) in s.iter_mut().zip(&t.0) {
                *acc += f64::from(v);
            }
        }
        s
    }

    /// The sums over `n` rows drawn with replacement. Each 64-bit draw gives two indices
    /// (Lemire's multiply-shift on each 32-bit half; the bias is below n / 2³²).
    ///
    /// Never inlined: V8 runs a wasm function in its baseline compiler until the function is
    /// called again after it turned hot, so the hot loop must be its own function, called once
    /// per resample, not inlined into the loop over resamples.
    #[inline(never)]
    fn drawn_sums(&self, rng: &mut SplitMix64) -> Sums {
        // Two sets of accumulators, one per half of each 64-bit draw, so the two rows' loads
        // and additions overlap.
        #[inline(always)]
        fn add(acc: &mut Sums, t: &[f32; 8]) {
            for (a, &v) in acc.iter_mut().zip(t) {
                *a += f64::from(v);
            }
        }
        let terms = self.terms.as_slice();
        let n = terms.len() as u64;
        let at = |i: u64| &terms[((i * n) >> 32) as usize].0;
        let (mut a, mut b) = ([0.0; 8], [0.0; 8]);
        for _ in 0..n / 2 {
            let x = rng.next_u64();
            add(&mut a, at(x >> 32));
            add(&mut b, at(x & 0xFFFF_FFFF));
        }
        if n % 2 == 1 {
            add(&mut a, at(rng.next_u64() >> 32));
        }
        std::array::from_fn(|k| a[k] + b[k])
    }

    /// How many values a percentile of `field` ranks among, given the draw's sums: every row
    /// for TTFT and E2E latency, the rows with a TPOT for TPOT.
    fn ranked(field: Field, s: &Sums) -> f64 {
        if field == Field::Tpot {
            s[TPOT_ROWS]
        } else {
            s[ROWS]
        }
    }

    /// Every stat that is a mean or a ratio of sums; percentiles are left NaN.
    fn stats_of_sums(&self, s: &Sums, stats: &[Stat], out: &mut Vec<f64>) {
        out.clear();
        for stat in stats {
            out.push(match *stat {
                Stat::Mean(Field::Ttft) => s[TTFT] / s[ROWS],
                Stat::Mean(Field::E2el) => s[E2EL] / s[ROWS],
                Stat::Mean(Field::Tpot) => s[TPOT] / s[TPOT_ROWS],
                Stat::InverseMean(Field::Ttft) => s[ROWS] / s[TTFT],
                Stat::InverseMean(Field::E2el) => s[ROWS] / s[E2EL],
                Stat::InverseMean(Field::Tpot) => s[TPOT_ROWS] / s[TPOT],
                Stat::TokensPerLatency => s[OUT_TOKENS] / s[E2EL],
                Stat::TotalTokensPerLatency if self.inputs => {
                    (s[IN_TOKENS] + s[OUT_TOKENS]) / s[E2EL]
                }
                Stat::TotalTokensPerLatency => f64::NAN,
                Stat::RequestsPerLatency => s[ROWS] / s[E2EL],
                Stat::TokenWeightedItl => (s[E2EL] - s[TTFT]) / s[ITL_TOKENS],
                Stat::Percentile(..) => f64::NAN,
            });
        }
    }

    /// The nearest-rank rank of percentile `q` among `total` values.
    fn rank(q: u8, total: f64) -> f64 {
        ((f64::from(q) / 100.0) * total).ceil().max(1.0)
    }

    /// The value of `field` at 0-based position `at` of its sorted finite values.
    fn sorted_value(&self, field: Field, at: usize) -> f64 {
        let order = &self.sorted[field_index(field)];
        order
            .get(at.min(order.len().saturating_sub(1)))
            .map_or(f64::NAN, |&i| {
                f64::from(column(self.rows, field)[i as usize])
            })
    }

    /// Percentile `q` of `field` over the whole sample.
    fn sample_percentile(&self, field: Field, q: u8, s: &Sums) -> f64 {
        let m = self.sorted[field_index(field)].len();
        let total = Self::ranked(field, s);
        if (m as f64) < total {
            return f64::NAN; // a TTFT or E2E latency that is not a number
        }
        self.sorted_value(field, Self::rank(q, total) as usize - 1)
    }

    /// Percentile `q` of `field` over a resample whose sums are `s`: the k-th smallest of the
    /// `total` draws that land on the field's `m` finite values is the value at ⌊m·B⌋ with
    /// B ~ Beta(k, total + 1 − k).
    fn drawn_percentile(&self, field: Field, q: u8, s: &Sums, rng: &mut SplitMix64) -> f64 {
        let m = self.sorted[field_index(field)].len();
        let total = Self::ranked(field, s);
        if m == 0 || total < 1.0 || (field != Field::Tpot && (m as f64) < total) {
            return f64::NAN;
        }
        let k = Self::rank(q, total);
        let b = rng.beta(k, total + 1.0 - k);
        self.sorted_value(field, (b * m as f64) as usize)
    }

    /// Whether the rows can resample `stat`: a percentile needs [`MIN_TAIL`] requests beyond it
    /// (the bootstrap of a tail percentile from a handful of values is not to be trusted), the
    /// total throughput needs input lengths.
    pub fn supports(&self, stat: Stat) -> bool {
        match stat {
            Stat::Percentile(f, q) => {
                let n = self.sorted[field_index(f)].len();
                n as f64 * (1.0 - f64::from(q) / 100.0) >= MIN_TAIL as f64
            }
            Stat::TotalTokensPerLatency => self.inputs,
            _ => true,
        }
    }

    /// `resamples` bootstrap draws; for each stat, the draws' values divided by the value on the
    /// whole sample (the multiplicative fluctuation of the statistic). Indexed `[stat][draw]`.
    pub fn fluctuations(&self, stats: &[Stat], resamples: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut out = vec![Vec::with_capacity(resamples); stats.len()];
        if self.is_empty() {
            return out;
        }
        let whole = self.on_sample(stats);
        let mut rng = SplitMix64::new(seed);
        let mut values = Vec::with_capacity(stats.len());
        for _ in 0..resamples {
            let sums = self.drawn_sums(&mut rng);
            self.stats_of_sums(&sums, stats, &mut values);
            for (v, stat) in values.iter_mut().zip(stats) {
                if let Stat::Percentile(f, q) = *stat {
                    *v = self.drawn_percentile(f, q, &sums, &mut rng);
                }
            }
            for ((dst, v), w) in out.iter_mut().zip(&values).zip(&whole) {
                dst.push(v / w);
            }
        }
        out
    }

    /// Every stat on the whole sample.
    pub fn on_sample(&self, stats: &[Stat]) -> Vec<f64> {
        let mut v = Vec::new();
        let sums = self.sample_sums();
        self.stats_of_sums(&sums, stats, &mut v);
        for (v, stat) in v.iter_mut().zip(stats) {
            if let Stat::Percentile(f, q) = *stat {
                *v = self.sample_percentile(f, q, &sums);
            }
        }
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

    /// The nearest-rank percentile of explicit resamples, drawn and sorted one by one: the
    /// definition the Beta shortcut must reproduce in distribution.
    fn explicit_percentile_draws(values: &[f32], q: u8, resamples: usize) -> Vec<f64> {
        let mut rng = SplitMix64::new(99);
        let n = values.len();
        (0..resamples)
            .map(|_| {
                let mut draw: Vec<f32> = (0..n)
                    .map(|_| values[rng.below(n)])
                    .filter(|v| v.is_finite())
                    .collect();
                draw.sort_by(f32::total_cmp);
                let rank = ((f64::from(q) / 100.0) * draw.len() as f64).ceil().max(1.0);
                f64::from(draw[rank as usize - 1])
            })
            .collect()
    }

    fn mean_sd(v: &[f64]) -> (f64, f64) {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
        (m, var.sqrt())
    }

    #[test]
    fn beta_percentiles_match_explicit_resamples_in_distribution() {
        let mut rng = SplitMix64::new(5);
        // Skewed latencies, and one request in ten without a TPOT (one output token).
        let values: Vec<f32> = (0..3000)
            .map(|_| (50.0 * (0.4 * rng.normal()).exp()) as f32)
            .collect();
        let mut r = rows(&values);
        for t in r.tpot_ms.iter_mut().step_by(10) {
            *t = f32::NAN;
        }
        let s = Resampler::new(&r);
        for (field, col) in [(Field::Ttft, &r.ttft_ms), (Field::Tpot, &r.tpot_ms)] {
            for q in [50u8, 90, 99] {
                let whole = s.on_sample(&[Stat::Percentile(field, q)])[0];
                let fast: Vec<f64> = s.fluctuations(&[Stat::Percentile(field, q)], 2000, 3)[0]
                    .iter()
                    .map(|f| f * whole)
                    .collect();
                let slow = explicit_percentile_draws(col, q, 2000);
                let ((fm, fsd), (sm, ssd)) = (mean_sd(&fast), mean_sd(&slow));
                assert!(
                    (fm - sm).abs() < 0.15 * ssd,
                    "{field:?} p{q}: mean {fm} vs {sm} (sd {ssd})"
                );
                assert!(
                    (fsd / ssd - 1.0).abs() < 0.06,
                    "{field:?} p{q}: sd {fsd} vs {ssd}"
                );
            }
        }
    }
}
