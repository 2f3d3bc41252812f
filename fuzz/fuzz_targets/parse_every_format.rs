//! Every registered format's parser on arbitrary bytes under a chosen file name.
#![no_main]

mod paths;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (path, chunk, bytes) = paths::split(data);
    runlens_core::parse_with_every_format(path, bytes, chunk);
});
