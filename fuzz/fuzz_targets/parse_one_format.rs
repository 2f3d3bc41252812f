//! One registered format's parser on arbitrary bytes under a chosen file name: the first input
//! byte picks the format, so each execution costs one parser, not all of them
//! (`parse_every_format` checks that they agree to share an input; this one goes deeper in each).
#![no_main]

mod paths;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static FORMATS: OnceLock<usize> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let index = usize::from(pick) % *FORMATS.get_or_init(|| runlens_core::formats().len());
    let (path, chunk, bytes) = paths::split(rest);
    runlens_core::parse_with_format(index, path, bytes, chunk);
});
