//! Text helpers at the bottom of the crate, one copy of each: line splitting with carry
//! ([`lines`]), dates and times ([`time`]), ANSI stripping ([`ansi`]), numbers ([`number`]),
//! key/value and argument splitting ([`pairs`]), path helpers ([`paths`]) and byte-order marks and
//! UTF-16 decoding ([`encoding`]). Nothing here
//! knows a format or the model.

pub mod ansi;
pub mod encoding;
pub mod lines;
pub mod number;
pub mod pairs;
pub mod paths;
pub mod time;

/// Whether `haystack` contains `needle` (SIMD byte search, no allocation).
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}
