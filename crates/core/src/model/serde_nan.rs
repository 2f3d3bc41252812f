//! Serde helpers for NaN, which JSON cannot carry: missing values travel as `null` and come
//! back as NaN; and the compact column form saved datasets use for long series.

pub mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        v.is_finite().then_some(*v).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }

    pub mod vec_f64 {
        use super::*;

        pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
            if crate::model::serde_nan::columns::compact() {
                return s.serialize_str(&crate::model::serde_nan::columns::encode_f64(v));
            }
            s.collect_seq(v.iter().map(|x| x.is_finite().then_some(*x)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
            d.deserialize_any(crate::model::serde_nan::columns::Visit::<f64>::default())
        }
    }

    pub mod vec_f32 {
        use super::*;

        pub fn serialize<S: Serializer>(v: &[f32], s: S) -> Result<S::Ok, S::Error> {
            if crate::model::serde_nan::columns::compact() {
                return s.serialize_str(&crate::model::serde_nan::columns::encode_f32(v));
            }
            s.collect_seq(v.iter().map(|x| x.is_finite().then_some(*x)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
            d.deserialize_any(crate::model::serde_nan::columns::Visit::<f32>::default())
        }
    }
}

/// An optional number that may be infinite (a request rate of `inf`: unlimited): JSON has no
/// infinity, so ±∞ travels as the strings `"inf"`/`"-inf"`, NaN as `null`.
pub mod option_inf_as_string {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(x) if x.is_infinite() => if *x > 0.0 { "inf" } else { "-inf" }.serialize(s),
            Some(x) if x.is_nan() => s.serialize_none(),
            other => other.serialize(s),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(f64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(match Option::<NumberOrText>::deserialize(d)? {
            None => None,
            Some(NumberOrText::Number(x)) => Some(x),
            Some(NumberOrText::Text(t)) => match t.as_str() {
                "inf" | "Infinity" => Some(f64::INFINITY),
                "-inf" | "-Infinity" => Some(f64::NEG_INFINITY),
                _ => t.parse().ok(),
            },
        })
    }
}

/// The compact form of numeric columns in saved datasets: instead of a JSON array, a string
/// `k32:K:`/`k64:K:` (numbers with at most K decimals, as they were printed in the log: the
/// integers value×10^K, each minus the previous one, zigzagged), `x32:`/`x64:` (other floats:
/// each value's bits XORed with the previous value's) or `d64:` (integers minus the previous
/// one), the bytes split into planes (all first bytes, then all second bytes, …) and
/// base64-encoded. Neighbouring samples share their high bytes, so the planes
/// are long runs that the saved file's gzip packs far tighter than decimal text; every bit of
/// every value (NaN and infinities included) comes back. Arrays are always read too, so older
/// files and JSON from elsewhere keep working.
pub mod columns {
    use std::cell::Cell;
    use std::fmt;
    use std::marker::PhantomData;

    use base64::engine::general_purpose::STANDARD_NO_PAD;
    use base64::Engine;
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    thread_local! {
        static COMPACT: Cell<bool> = const { Cell::new(false) };
    }

    /// Whether columns are being written in the compact form.
    pub fn compact() -> bool {
        COMPACT.with(Cell::get)
    }

    /// Run `f` with columns serialised in the compact form (saved datasets).
    pub fn with_compact_columns<T>(f: impl FnOnce() -> T) -> T {
        let before = COMPACT.with(|c| c.replace(true));
        let out = f();
        COMPACT.with(|c| c.set(before));
        out
    }

    /// A number type with a fixed-width bit pattern and its compact tag.
    pub trait Word: Copy + Default {
        const TAG: &'static str;
        const BYTES: usize;
        fn to_bits(self) -> u64;
        fn from_bits(bits: u64) -> Self;
        /// `this` relative to `prev` (XOR of bits, or difference of integers), and back.
        fn delta(this: u64, prev: u64) -> u64 {
            this ^ prev
        }
        fn undelta(delta: u64, prev: u64) -> u64 {
            delta ^ prev
        }
        fn from_json_number(x: f64) -> Self;
        fn from_json_null() -> Self;
        /// Floats: the tag of the decimal form, the value as f64, and the value back from an f64.
        const DECIMAL_TAG: Option<&'static str> = None;
        fn as_f64(self) -> f64 {
            0.0
        }
        fn from_f64(x: f64) -> Self {
            Self::from_json_number(x)
        }
    }

    impl Word for f32 {
        const TAG: &'static str = "x32:";
        const BYTES: usize = 4;
        fn to_bits(self) -> u64 {
            u64::from(f32::to_bits(self))
        }
        fn from_bits(bits: u64) -> Self {
            f32::from_bits(bits as u32)
        }
        fn from_json_number(x: f64) -> Self {
            x as f32
        }
        fn from_json_null() -> Self {
            f32::NAN
        }
        const DECIMAL_TAG: Option<&'static str> = Some("k32:");
        fn as_f64(self) -> f64 {
            f64::from(self)
        }
        fn from_f64(x: f64) -> Self {
            x as f32
        }
    }

    impl Word for f64 {
        const TAG: &'static str = "x64:";
        const BYTES: usize = 8;
        fn to_bits(self) -> u64 {
            f64::to_bits(self)
        }
        fn from_bits(bits: u64) -> Self {
            f64::from_bits(bits)
        }
        fn from_json_number(x: f64) -> Self {
            x
        }
        fn from_json_null() -> Self {
            f64::NAN
        }
        const DECIMAL_TAG: Option<&'static str> = Some("k64:");
        fn as_f64(self) -> f64 {
            self
        }
        fn from_f64(x: f64) -> Self {
            x
        }
    }

    impl Word for u64 {
        const TAG: &'static str = "d64:";
        const BYTES: usize = 8;
        fn to_bits(self) -> u64 {
            self
        }
        fn from_bits(bits: u64) -> Self {
            bits
        }
        fn delta(this: u64, prev: u64) -> u64 {
            this.wrapping_sub(prev)
        }
        fn undelta(delta: u64, prev: u64) -> u64 {
            delta.wrapping_add(prev)
        }
        fn from_json_number(x: f64) -> Self {
            x as u64
        }
        fn from_json_null() -> Self {
            0
        }
    }

    /// Bytes of `words` split into `width` planes, base64-encoded after `prefix`.
    fn planes_text(prefix: &str, words: &[u64], width: usize) -> String {
        let n = words.len();
        let mut planes = vec![0u8; n * width];
        for (i, w) in words.iter().enumerate() {
            for b in 0..width {
                if let Some(slot) = planes.get_mut(b * n + i) {
                    *slot = (w >> (8 * b)) as u8;
                }
            }
        }
        let mut out = String::with_capacity(prefix.len() + planes.len() * 4 / 3 + 4);
        out.push_str(prefix);
        STANDARD_NO_PAD.encode_string(&planes, &mut out);
        out
    }

    /// The words of [`planes_text`]'s base64 body.
    fn planes_words(body: &str, width: usize) -> Result<Vec<u64>, String> {
        let planes = STANDARD_NO_PAD
            .decode(body)
            .map_err(|e| format!("compact column: {e}"))?;
        if planes.len() % width != 0 {
            return Err(format!(
                "compact column of {} bytes is not a whole number of {width}-byte values",
                planes.len()
            ));
        }
        let n = planes.len() / width;
        Ok((0..n)
            .map(|i| {
                (0..width).fold(0u64, |w, b| {
                    w | u64::from(planes.get(b * n + i).copied().unwrap_or(0)) << (8 * b)
                })
            })
            .collect())
    }

    /// Most decimals the decimal form tries; integers beyond 2^53 are not exact in an f64.
    const MAX_DECIMALS: i32 = 6;
    const MAX_EXACT: f64 = 9_007_199_254_740_992.0;
    /// A missing value (NaN) and negative zero in the decimal form (beyond every exact integer).
    const MISSING: i64 = i64::MIN;
    const NEGATIVE_ZERO: i64 = i64::MIN + 1;

    fn zigzag(d: i64) -> u64 {
        ((d << 1) ^ (d >> 63)) as u64
    }

    fn unzigzag(z: u64) -> i64 {
        ((z >> 1) as i64) ^ -((z & 1) as i64)
    }

    /// `values` as integers value×10^k for the fewest decimals k that give every value back bit
    /// for bit (NaN as [`MISSING`]), if there is such a k.
    fn decimal_form<T: Word>(values: &[T]) -> Option<(i32, Vec<i64>)> {
        'k: for k in 0..=MAX_DECIMALS {
            let scale = 10f64.powi(k);
            let mut ints = Vec::with_capacity(values.len());
            for v in values {
                let x = v.as_f64();
                if x.is_nan() {
                    ints.push(MISSING);
                    continue;
                }
                if x == 0.0 && x.is_sign_negative() {
                    ints.push(NEGATIVE_ZERO);
                    continue;
                }
                let i = (x * scale).round();
                if !i.is_finite()
                    || i.abs() >= MAX_EXACT
                    || T::from_f64(i / scale).to_bits() != v.to_bits()
                {
                    continue 'k;
                }
                ints.push(i as i64);
            }
            return Some((k, ints));
        }
        None
    }

    fn encode<T: Word>(values: &[T]) -> String {
        if let Some(tag) = T::DECIMAL_TAG {
            if let Some((k, ints)) = decimal_form(values) {
                let mut prev = 0i64;
                let words: Vec<u64> = ints
                    .iter()
                    .map(|&i| {
                        let d = i.wrapping_sub(prev);
                        prev = i;
                        zigzag(d)
                    })
                    .collect();
                return planes_text(&format!("{tag}{k}:"), &words, 8);
            }
        }
        let mut prev = 0u64;
        let words: Vec<u64> = values
            .iter()
            .map(|v| {
                let bits = v.to_bits();
                let d = T::delta(bits, prev);
                prev = bits;
                d
            })
            .collect();
        planes_text(T::TAG, &words, T::BYTES)
    }

    /// The values of a compact column, or why it is not one.
    pub fn decode<T: Word>(text: &str) -> Result<Vec<T>, String> {
        if let Some(rest) = T::DECIMAL_TAG.and_then(|tag| text.strip_prefix(tag)) {
            let (k, body) = rest
                .split_once(':')
                .ok_or("compact column: no decimals count")?;
            let k: i32 = k
                .parse()
                .ok()
                .filter(|k| (0..=MAX_DECIMALS).contains(k))
                .ok_or_else(|| format!("compact column: bad decimals count {k:?}"))?;
            let scale = 10f64.powi(k);
            let mut prev = 0i64;
            return Ok(planes_words(body, 8)?
                .into_iter()
                .map(|z| {
                    prev = prev.wrapping_add(unzigzag(z));
                    if prev == MISSING {
                        T::from_json_null()
                    } else if prev == NEGATIVE_ZERO {
                        T::from_f64(-0.0)
                    } else {
                        T::from_f64(prev as f64 / scale)
                    }
                })
                .collect());
        }
        let body = text
            .strip_prefix(T::TAG)
            .ok_or_else(|| format!("a compact column starts with {:?}", T::TAG))?;
        let mut prev = 0u64;
        Ok(planes_words(body, T::BYTES)?
            .into_iter()
            .map(|d| {
                prev = T::undelta(d, prev);
                T::from_bits(prev)
            })
            .collect())
    }

    pub fn encode_f32(v: &[f32]) -> String {
        encode(v)
    }

    pub fn encode_f64(v: &[f64]) -> String {
        encode(v)
    }

    /// Reads a column as an array (`null` for a missing value) or in the compact form.
    pub struct Visit<T>(PhantomData<T>);

    impl<T> Default for Visit<T> {
        fn default() -> Self {
            Visit(PhantomData)
        }
    }

    impl<'de, T: Word> Visitor<'de> for Visit<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an array of numbers or a compact column ({}…)", T::TAG)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(x) = seq.next_element::<Option<f64>>()? {
                out.push(x.map_or_else(T::from_json_null, T::from_json_number));
            }
            Ok(out)
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<T>, E> {
            decode(text).map_err(E::custom)
        }
    }

    /// Integer columns (line numbers): arrays, or `d64:` when saving.
    pub mod vec_u64 {
        use super::*;

        pub fn serialize<S: Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
            if compact() {
                return s.serialize_str(&encode(v));
            }
            s.collect_seq(v)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
            d.deserialize_any(Visit::<u64>::default())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn every_bit_comes_back() {
            let f: Vec<f32> = vec![0.85, 0.851, f32::NAN, f32::INFINITY, -0.0, 1e-40, 1234.5];
            let back: Vec<f32> = decode(&encode(&f)).unwrap();
            assert_eq!(
                back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                f.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
            let t: Vec<f64> = (0..1000).map(|i| 1.7628e9 + f64::from(i) * 0.137).collect();
            assert_eq!(decode::<f64>(&encode(&t)).unwrap(), t);
            let lines: Vec<u64> = vec![3, 4, 9, 2, u64::MAX, 0];
            assert_eq!(decode::<u64>(&encode(&lines)).unwrap(), lines);
            assert_eq!(
                decode::<u64>(&encode::<u64>(&[])).unwrap(),
                Vec::<u64>::new()
            );
            // Numbers as logs print them take the decimal form, NaN included.
            let usage: Vec<f32> = vec![0.37, 0.4, f32::NAN, 0.41, -0.0, 12.0];
            let text = encode(&usage);
            assert!(text.starts_with("k32:2:"), "{text}");
            let back: Vec<f32> = decode(&text).unwrap();
            assert_eq!(
                back.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                usage.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
            let times: Vec<f64> = vec![1_762_800_000.125, 1_762_800_000.25, f64::NAN];
            assert!(encode(&times).starts_with("k64:3:"));
            let back: Vec<f64> = decode(&encode(&times)).unwrap();
            assert_eq!(back[..2], times[..2]);
            assert!(back[2].is_nan());
        }

        #[test]
        fn damaged_columns_are_errors_not_panics() {
            assert!(decode::<f32>("x64:AAAA").is_err());
            assert!(decode::<f32>("x32:!!!").is_err());
            assert!(decode::<f64>("x64:AAA").is_err(), "2 bytes are not one f64");
            assert!(decode::<f32>("k32:9:AAAA").is_err());
            assert!(decode::<f32>("k32:AAAA").is_err());
        }
    }
}
