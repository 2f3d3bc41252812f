//! Serde helpers for NaN, which JSON cannot carry: missing values travel as `null` and come
//! back as NaN.

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
            s.collect_seq(v.iter().map(|x| x.is_finite().then_some(*x)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
            Ok(Vec::<Option<f64>>::deserialize(d)?
                .into_iter()
                .map(|x| x.unwrap_or(f64::NAN))
                .collect())
        }
    }

    pub mod vec_f32 {
        use super::*;

        pub fn serialize<S: Serializer>(v: &[f32], s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(v.iter().map(|x| x.is_finite().then_some(*x)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
            Ok(Vec::<Option<f32>>::deserialize(d)?
                .into_iter()
                .map(|x| x.unwrap_or(f32::NAN))
                .collect())
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
