//! The SLURM job's own stdout/stderr, `log.out` / `log.err` (G0/G1 run root, G2 `logs/`): its
//! first lines name the container, which G0 runs record nowhere else (format reference §1.1):
//! `CONTAINER_IMAGE=/lustre/fsw/user+sglang-v0.5.4.sqsh` or
//! `srun --container-image=/lustre/…/nvidia+sglang+v0.5.4.sqsh …`.

use super::{Format, Record};
use crate::model::{FormatError, RunMetadata};
use crate::text::paths::file_name;

pub struct SlurmJobLog;

/// Lines of the log searched for the container.
const HEAD_LINES: usize = 100;

impl Format for SlurmJobLog {
    fn name(&self) -> &'static str {
        "slurm-job-log"
    }

    fn describes(&self) -> &'static str {
        "srt-slurm job logs log.out / log.err (container image)"
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

/// `…CONTAINER_IMAGE=/a/b/user+sglang-v0.5.4.sqsh…` → the image as written
/// (`/a/b/user+sglang-v0.5.4.sqsh`); [`crate::model::container_display_name`] shortens it for
/// display.
pub fn container_in_line(line: &str) -> Option<String> {
    let start = ["CONTAINER_IMAGE=", "--container-image="]
        .iter()
        .find_map(|k| line.find(k).map(|i| i + k.len()))?;
    let value = line
        .get(start..)
        .unwrap_or("")
        .split_whitespace()
        .next()?
        .trim_matches(['"', '\'']);
    (!value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::container_display_name;

    #[test]
    fn container_names_as_the_dashboard_shows_them() {
        let shown = |line: &str| container_in_line(line).and_then(|c| container_display_name(&c));
        assert_eq!(
            container_in_line("export CONTAINER_IMAGE=/lustre/u+sglang-v0.5.4.sqsh").as_deref(),
            Some("/lustre/u+sglang-v0.5.4.sqsh"),
            "the raw value is kept"
        );
        assert_eq!(
            shown("export CONTAINER_IMAGE=/lustre/u+sglang-v0.5.4.sqsh").as_deref(),
            Some("sglang-v0.5.4")
        );
        assert_eq!(
            shown("srun --container-image=\"/x/nvidia+dynamo+0.6.sqsh\" --mpi=pmix").as_deref(),
            Some("dynamo+0.6")
        );
        assert_eq!(
            shown("CONTAINER_IMAGE=lmsysorg/sglang:v0.5.4").as_deref(),
            Some("lmsysorg/sglang:v0.5.4")
        );
        assert_eq!(container_in_line("nothing here"), None);
    }
}
