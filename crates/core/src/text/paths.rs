//! `/`-separated paths of the virtual file tree: file name, parent, grouping by directory, and
//! the numbers path components state (concurrency, `gpus_16`, `isl_8192_osl_1024`).

/// Last path component.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Byte range of the concurrency digits one path component states, and their value:
/// `concurrency_16`, `…_conc16_…`, `c16none`, `kimi_conc32.json`.
pub fn concurrency_token(component: &str) -> Option<(usize, usize, u32)> {
    let mut offset = 0;
    let tokens: Vec<(usize, &str)> = component
        .split(['_', '-', '.'])
        .map(|t| {
            let start = offset;
            offset += t.len() + 1;
            (start, t)
        })
        .collect();
    tokens.iter().enumerate().find_map(|(i, &(start, t))| {
        let lower = t.to_ascii_lowercase();
        if lower == "concurrency" || lower == "conc" {
            let &(s, n) = tokens.get(i + 1)?;
            let digits = n.bytes().take_while(u8::is_ascii_digit).count();
            return (digits == n.len() && digits > 0)
                .then(|| Some((s, s + digits, n.parse().ok()?)))
                .flatten();
        }
        let prefix = ["concurrency", "conc", "c"]
            .iter()
            .find(|p| lower.starts_with(*p))?;
        let rest = t.get(prefix.len()..).unwrap_or("");
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let tail_ok = rest
            .get(digits..)
            .unwrap_or("")
            .bytes()
            .all(|b| b.is_ascii_alphabetic());
        let at = start + prefix.len();
        (digits > 0 && tail_ok)
            .then(|| {
                Some((
                    at,
                    at + digits,
                    rest.get(..digits).unwrap_or("").parse().ok()?,
                ))
            })
            .flatten()
    })
}

/// Byte range of the request rate a path component states after a `qps` token
/// (`serving_llama8B_tp1_qps_16_concurrency_8` → the `16`; `inf` too).
pub fn qps_token(component: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    let mut previous: Option<&str> = None;
    for t in component.split('_') {
        let start = offset;
        offset += t.len() + 1;
        let is_rate = !t.is_empty()
            && (t.eq_ignore_ascii_case("inf")
                || t.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
        if previous.is_some_and(|p| p.eq_ignore_ascii_case("qps")) && is_rate {
            return Some((start, start + t.len()));
        }
        previous = Some(t);
    }
    None
}

/// Concurrency stated by a path; the deepest component that states one wins.
pub fn concurrency_from_path(path: &str) -> Option<u32> {
    path.rsplit('/')
        .find_map(|c| concurrency_token(c).map(|t| t.2))
}
/// `…_isl_8192_osl_1024…` anywhere in the path → `(8192, 1024)`.
pub fn isl_osl_from_path(path: &str) -> Option<(u32, u32)> {
    let i = path.rfind("isl_")?;
    let rest = path.get(i + 4..).unwrap_or("");
    let isl_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let isl = rest.get(..isl_digits).unwrap_or("").parse().ok()?;
    let rest = rest.get(isl_digits..).unwrap_or("").strip_prefix("_osl_")?;
    let osl = rest
        .get(..rest.bytes().take_while(u8::is_ascii_digit).count())
        .unwrap_or("")
        .parse()
        .ok()?;
    Some((isl, osl))
}

/// Number following `marker` (optionally after `_`) in `name`: `gpus_16`, `gpus16`.
pub fn number_after(name: &str, marker: &str) -> Option<u32> {
    let i = name.find(marker)?;
    let rest = name
        .get(i + marker.len()..)
        .unwrap_or("")
        .trim_start_matches('_');
    rest.get(..rest.bytes().take_while(u8::is_ascii_digit).count())
        .unwrap_or("")
        .parse()
        .ok()
}

/// A size a name states as its own token, `marker` then digits (`tp4`, `tp_4`, `gpus16`,
/// `gpus_16`; case-insensitive; tokens split at `_`, `-` and `.`), with the token as written.
/// `http8` or `stp4` are not `tp` tokens.
pub fn size_token<'a>(name: &'a str, marker: &str) -> Option<(u32, &'a str)> {
    let tokens: Vec<&str> = name.split(['_', '-', '.', '/']).collect();
    tokens.iter().enumerate().find_map(|(i, t)| {
        let head = t.get(..marker.len())?;
        if !head.eq_ignore_ascii_case(marker) {
            return None;
        }
        let digits = t.get(marker.len()..).unwrap_or("");
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Some((digits.parse().ok()?, *t));
        }
        let next = tokens.get(i + 1)?;
        (digits.is_empty() && !next.is_empty() && next.bytes().all(|b| b.is_ascii_digit()))
            .then(|| next.parse().ok())
            .flatten()
            .map(|n| {
                let start = t.as_ptr() as usize - name.as_ptr() as usize;
                (
                    n,
                    name.get(start..start + t.len() + 1 + next.len())
                        .unwrap_or(""),
                )
            })
    })
}

/// Items grouped by the directory of their path, directories in order.
pub fn group_by_dir<'a, T>(
    items: &[&'a T],
    path_of: impl Fn(&T) -> &str,
) -> std::collections::BTreeMap<String, Vec<&'a T>> {
    let mut by_dir: std::collections::BTreeMap<String, Vec<&'a T>> = Default::default();
    for item in items {
        by_dir
            .entry(parent(path_of(item)).to_owned())
            .or_default()
            .push(*item);
    }
    by_dir
}

/// Directory part of a `/`-separated path (`""` for a bare name).
pub fn parent(path: &str) -> &str {
    path.rfind('/')
        .map(|i| path.get(..i).unwrap_or(""))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_tokens_are_whole_tokens() {
        let name = "kimik2.7_tp4_conc4_vllm_tp4-dcp1-ep1-dpafalse";
        assert_eq!(size_token(name, "tp"), Some((4, "tp4")));
        assert_eq!(size_token(name, "ep"), Some((1, "ep1")));
        assert_eq!(size_token("a_gpus_16_ctx_8", "gpus"), Some((16, "gpus_16")));
        assert_eq!(size_token("GPUS8", "gpus"), Some((8, "GPUS8")));
        assert_eq!(size_token("http8_stp4", "tp"), None);
        assert_eq!(size_token("tp_x", "tp"), None);
        assert_eq!(size_token("", "tp"), None);
    }

    #[test]
    fn concurrency_in_paths_of_every_tool() {
        assert_eq!(
            concurrency_from_path("results_concurrency_64_gpus_8.json"),
            Some(64)
        );
        assert_eq!(
            concurrency_from_path("isl_1_osl_2_concurrency_16_req_rate_inf_ctx4_gen8.json"),
            Some(16)
        );
        assert_eq!(concurrency_from_path("kimik2.5_8k1k_conc32.json"), Some(32));
        assert_eq!(concurrency_from_path("results.json"), None);
        assert_eq!(
            concurrency_from_path(
                "r/aiperf_isl_1_osl_2_17/concurrency_16/profile_export_aiperf.json"
            ),
            Some(16)
        );
        assert_eq!(
            concurrency_from_path("m1517_direct_results/c16none/profile_export_aiperf.csv"),
            Some(16)
        );
        assert_eq!(
            concurrency_from_path("x/agentic_kimi_tp4_conc16_kvdram_fp4/aiperf_artifacts/p.json"),
            Some(16)
        );
        assert_eq!(
            concurrency_from_path("x/vllm_bench_serve_conc64.log"),
            Some(64)
        );
        assert_eq!(
            concurrency_from_path(
                "x/artifacts/Qwen3_conversation_20251229/profile_export_aiperf.json"
            ),
            None
        );
    }
}
