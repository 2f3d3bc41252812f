//! Launch commands and server arguments found in logs, as ordered flag maps.
//!
//! `+ python3 -m dynamo.sglang --model-path /model --tp-size 8 \` (continued over lines),
//! `python -m sglang.launch_server …`, `sglang serve …`, `vllm serve MODEL --tensor-parallel-size=4 …`,
//! `trtllm-serve …`, `python3 -m dynamo.trtllm …`,
//! `server_args=ServerArgs(model_path='Qwen/Qwen3-14B', tp_size=2, …)`,
//! vLLM `non-default args: {'model': 'X', 'tensor_parallel_size': 4, …}`.

use crate::model::LaunchCommand;
use crate::text::pairs::python_pairs;

/// Programs whose command lines are launch commands, and the name they are recorded under.
const PROGRAMS: &[(&str, &str)] = &[
    ("-m dynamo.sglang", "dynamo.sglang"),
    ("-m dynamo.vllm", "dynamo.vllm"),
    ("-m dynamo.trtllm", "dynamo.trtllm"),
    ("-m sglang.launch_server", "sglang.launch_server"),
    ("sglang serve ", "sglang serve"),
    ("vllm serve ", "vllm serve"),
    ("trtllm-serve ", "trtllm-serve"),
    (
        "-m vllm.entrypoints.openai.api_server",
        "vllm.entrypoints.openai.api_server",
    ),
];

/// Which launch program a line starts, if any (not a warning that merely mentions one).
pub fn command_program(line: &str) -> Option<(&'static str, usize)> {
    if line.contains("Warning") || line.contains("warning") || !line.contains("--") {
        return None;
    }
    PROGRAMS
        .iter()
        .find_map(|(needle, name)| line.find(needle).map(|i| (*name, i + needle.len())))
}

/// `server_args=ServerArgs(…)` or `non-default args: {…}` in a line.
pub fn args_dump(line: &str, line_no: u64) -> Option<LaunchCommand> {
    if let Some(i) = line.find("ServerArgs(") {
        let body = line.get(i + 11..).unwrap_or("");
        let body = body
            .strip_suffix(')')
            .unwrap_or(body.trim_end().trim_end_matches(')'));
        return Some(LaunchCommand {
            line: line_no,
            program: "ServerArgs".into(),
            flags: python_pairs(body, '='),
        });
    }
    if let Some(i) = line.find("non-default args: {") {
        let body = line.get(i + 19..).unwrap_or("");
        let body = body.trim_end().strip_suffix('}').unwrap_or(body);
        return Some(LaunchCommand {
            line: line_no,
            program: "non-default args".into(),
            flags: python_pairs(body, ':'),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::pairs::{command_flags, flags_from_argv};

    #[test]
    fn commands_with_quotes_equals_and_switches() {
        let (program, at) = command_program(
            "+ python3 -m dynamo.sglang --model-path /m --tp-size 8 --trust-remote-code",
        )
        .unwrap();
        assert_eq!(program, "dynamo.sglang");
        let flags = command_flags(
            "+ python3 -m dynamo.sglang --model-path /m --tp-size 8 --trust-remote-code"
                .get(at..)
                .unwrap(),
        );
        assert_eq!(
            flags,
            vec![
                ("model-path".into(), "/m".into()),
                ("tp-size".into(), "8".into()),
                ("trust-remote-code".into(), "true".into())
            ]
        );
        let vllm = command_flags(
            r#"amd/Kimi --tensor-parallel-size=4 --kv-transfer-config \{\"kv_connector\":\"X\"\}"#,
        );
        assert_eq!(vllm[0], ("tensor-parallel-size".into(), "4".into()));
        assert_eq!(
            vllm[1],
            (
                "kv-transfer-config".into(),
                r#"{"kv_connector":"X"}"#.into()
            )
        );
        assert!(command_program(
            "launch_server.py:56: UserWarning: 'python -m sglang.launch_server' is --x"
        )
        .is_none());
    }

    #[test]
    fn argv_lists() {
        let argv: Vec<String> = [
            "python3",
            "-m",
            "dynamo.sglang",
            "--tp-size",
            "8",
            "--enable-dp-attention",
            "--x=1",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            flags_from_argv(&argv),
            vec![
                ("tp-size".into(), "8".into()),
                ("enable-dp-attention".into(), "true".into()),
                ("x".into(), "1".into())
            ]
        );
    }

    #[test]
    fn python_reprs() {
        let c = args_dump("[t] server_args=ServerArgs(model_path='Q/Q', tp_size=2, cfg=CudaGraphConfig(a=1, b=2), l=[1, 2])", 3).unwrap();
        assert_eq!(c.flags[1], ("tp_size".into(), "2".into()));
        assert_eq!(c.flags[2].0, "cfg");
        assert_eq!(c.flags.len(), 4);
        let v = args_dump("INFO non-default args: {'model': 'M', 'tensor_parallel_size': 4, 'x': {'a': 1, 'b': 2}}", 1).unwrap();
        assert_eq!(v.flags[1], ("tensor_parallel_size".into(), "4".into()));
        assert_eq!(v.flags.len(), 3);
    }
}
