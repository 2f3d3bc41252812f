//! The SLURM job's own stdout/stderr, `log.out` / `log.err` (G0/G1 run root, G2 `logs/`): its
//! first lines name the container, which G0 runs record nowhere else (format reference §1.1):
//! `CONTAINER_IMAGE=/lustre/fsw/user+sglang-v0.5.4.sqsh` or
//! `srun --container-image=/lustre/…/nvidia+sglang+v0.5.4.sqsh …`.

use super::srt_metadata::RunMetadata;
use super::{file_name, Format, Record};
use crate::diagnostics::FormatError;

pub struct SlurmJobLog;

/// Lines of the log searched for the container.
const HEAD_LINES: usize = 100;

impl Format for SlurmJobLog {
    fn name(&self) -> &'static str {
        "slurm-job-log"
    }

    fn sniff(&self, path: &str, _head: &[u8]) -> bool {
        matches!(file_name(path), "log.out" | "log.err")
    }

    fn parse(&self, path: &str, bytes: &[u8], out: &mut Vec<Record>) -> Result<(), FormatError> {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(1 << 20)]);
        let container = text.lines().take(HEAD_LINES).find_map(container_in_line);
        // A job log without a container line still belongs to its run; it just adds nothing.
        out.push(Record::Config(Box::new(RunMetadata {
            path: path.to_owned(),
            container,
            ..Default::default()
        })));
        Ok(())
    }
}

/// `…CONTAINER_IMAGE=/a/b/user+sglang-v0.5.4.sqsh…` → `sglang-v0.5.4` (user prefix and `.sqsh` dropped).
pub fn container_in_line(line: &str) -> Option<String> {
    let start = ["CONTAINER_IMAGE=", "--container-image="]
        .iter()
        .find_map(|k| line.find(k).map(|i| i + k.len()))?;
    let value = line[start..]
        .split_whitespace()
        .next()?
        .trim_matches(['"', '\'']);
    container_display_name(value)
}

/// How the dashboard names a container: a `.sqsh` path loses its directory, its `.sqsh` and the
/// `user+` prefix (`/lustre/u+sglang-v0.5.4.sqsh` → `sglang-v0.5.4`); image names stay as they are.
pub fn container_display_name(value: &str) -> Option<String> {
    let value = value.trim();
    let shown = if value.ends_with(".sqsh") || value.starts_with('/') {
        let base = value.rsplit('/').next().unwrap_or(value);
        let base = base.strip_suffix(".sqsh").unwrap_or(base);
        base.split_once('+').map_or(base, |(_, rest)| rest)
    } else {
        value
    };
    (!shown.is_empty()).then(|| shown.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_as_the_dashboard_shows_them() {
        assert_eq!(
            container_in_line("export CONTAINER_IMAGE=/lustre/u+sglang-v0.5.4.sqsh").as_deref(),
            Some("sglang-v0.5.4")
        );
        assert_eq!(
            container_in_line("srun --container-image=\"/x/nvidia+dynamo+0.6.sqsh\" --mpi=pmix")
                .as_deref(),
            Some("dynamo+0.6")
        );
        assert_eq!(container_in_line("nothing here"), None);
    }
}
