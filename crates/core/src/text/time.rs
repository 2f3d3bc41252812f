//! Log timestamps to seconds since the Unix epoch (UTC, as written; logs carry no zone).
//!
//! Accepted: `2026-06-05 19:21:14`, `2026-06-05 19:21:14.123`, ISO `2026-04-01T10:00:00.123456Z`,
//! year-less vLLM `05-29 13:30:57` (year supplied by the caller), time-only `19:21:14` (day 0),
//! TRT-LLM `MM/DD/YYYY-HH:MM:SS`; run dates of metadata and directory names
//! ([`normalize_date`]); and the formatting back to text. The one date and time module of the
//! crate: every parser uses it.

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `HH:MM:SS[.fff]` at the start of `b` → (seconds of day, bytes used).
pub fn time_of_day(b: &[u8]) -> Option<(f64, usize)> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, s) = (digits(&b[0..2])?, digits(&b[3..5])?, digits(&b[6..8])?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut secs = f64::from(h * 3600 + m * 60 + s);
    let mut used = 8;
    if b.len() > 9 && (b[8] == b'.' || b[8] == b',') {
        let frac_len = b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac_len > 0 {
            let frac = &b[9..9 + frac_len.min(9)];
            secs += f64::from(digits(frac)?) / 10f64.powi(frac.len() as i32);
            used = 9 + frac_len;
        }
    }
    Some((secs, used))
}

/// `YYYY-MM-DD` followed by ` ` or `T` and a time → (epoch seconds, bytes used).
pub fn date_time(b: &[u8]) -> Option<(f64, usize)> {
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b' ' || b[10] == b'T') {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let (tod, used) = time_of_day(&b[11..])?;
    let mut used = 11 + used;
    if b.get(used) == Some(&b'Z') {
        used += 1;
    }
    Some((
        days_from_civil(i64::from(y), mo, d) as f64 * 86_400.0 + tod,
        used,
    ))
}

/// vLLM `MM-DD HH:MM:SS` with the year given.
pub fn month_day_time(b: &[u8], year: i64) -> Option<(f64, usize)> {
    if b.len() < 14 || b[2] != b'-' || b[5] != b' ' {
        return None;
    }
    let (mo, d) = (digits(&b[0..2])?, digits(&b[3..5])?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let (tod, used) = time_of_day(&b[6..])?;
    Some((
        days_from_civil(year, mo, d) as f64 * 86_400.0 + tod,
        6 + used,
    ))
}

/// TRT-LLM's US-ordered stamps: `MM/DD/YYYY-HH:MM:SS` and `MM-DD-YYYY HH:MM:SS`.
pub fn us_date_time(b: &[u8]) -> Option<(f64, usize)> {
    if b.len() < 19 || !matches!(b[2], b'/' | b'-') || b[5] != b[2] || !matches!(b[10], b'-' | b' ')
    {
        return None;
    }
    let (mo, d, y) = (digits(&b[0..2])?, digits(&b[3..5])?, digits(&b[6..10])?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let (tod, used) = time_of_day(&b[11..])?;
    Some((
        days_from_civil(i64::from(y), mo, d) as f64 * 86_400.0 + tod,
        11 + used,
    ))
}

/// Year of an epoch-seconds timestamp.
pub fn year_of(epoch_s: f64) -> i64 {
    let days = (epoch_s / 86_400.0).floor() as i64;
    // Invert days_from_civil by stepping from an estimate.
    let mut y = 1970 + days / 365;
    while days_from_civil(y, 1, 1) > days {
        y -= 1;
    }
    while days_from_civil(y + 1, 1, 1) <= days {
        y += 1;
    }
    y
}

/// Civil date of a day count (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// `2026-06-05T19:21:14.250` (milliseconds), or empty for NaN.
pub fn format_epoch(t: f64) -> String {
    if !t.is_finite() {
        return String::new();
    }
    let ms = (t * 1000.0).round() as i64;
    let (days, rem) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}")
}

/// Seconds since the epoch → `(date, hours, minutes, seconds)` of the whole second.
fn civil_seconds(t: f64) -> ((i64, u32, u32), i64, i64, i64) {
    let secs = t.floor() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    (civil_from_days(days), rem / 3600, rem / 60 % 60, rem % 60)
}

/// `2025-11-10 19:21:45` (whole seconds), or empty for NaN.
pub fn format_date_time(t: f64) -> String {
    if !t.is_finite() {
        return String::new();
    }
    let ((y, m, d), h, mi, s) = civil_seconds(t);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// `11-01 10:30:45`: month, day and time as vLLM prints them (no year), or empty for NaN.
pub fn format_month_day_time(t: f64) -> String {
    if !t.is_finite() {
        return String::new();
    }
    let ((_, m, d), h, mi, s) = civil_seconds(t);
    format!("{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// A run date as metadata and directory names write it — `20251110_192145`,
/// `2025-11-10 19:21:45`, ISO `2025-11-10T19:21:45.123Z` — as `2025-11-10 19:21:45`; `None`
/// for anything else (never a panic, whatever the bytes).
pub fn normalize_date(raw: &str) -> Option<String> {
    let b = raw.trim().as_bytes();
    if b.len() == 15 && (b[8] == b'_' || b[8] == b'-') {
        let (y, mo, d) = (digits(&b[0..4])?, digits(&b[4..6])?, digits(&b[6..8])?);
        let (h, mi, s) = (digits(&b[9..11])?, digits(&b[11..13])?, digits(&b[13..15])?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
            return None;
        }
        return Some(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"));
    }
    date_time(b).map(|(t, _)| format_date_time(t))
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn epoch_round_trip() {
        let (t, _) = date_time(b"2026-06-05 19:21:14.250").unwrap();
        assert_eq!(format_epoch(t), "2026-06-05T19:21:14.250");
        assert_eq!(
            civil_from_days(days_from_civil(1999, 12, 31)),
            (1999, 12, 31)
        );
        assert_eq!(format_epoch(f64::NAN), "");
        assert_eq!(format_month_day_time(t), "06-05 19:21:14");
    }

    #[test]
    fn run_dates() {
        assert_eq!(
            normalize_date("20251110_192145").as_deref(),
            Some("2025-11-10 19:21:45")
        );
        assert_eq!(
            normalize_date(" 2025-11-10T19:21:45.123Z").as_deref(),
            Some("2025-11-10 19:21:45")
        );
        assert_eq!(normalize_date("yesterday"), None);
        // A multi-byte character at byte 19 once panicked a string slice here.
        assert_eq!(normalize_date("2025-11-10 19:21:4é"), None);
        assert_eq!(
            normalize_date("2025-11-10 19:21:45é").as_deref(),
            Some("2025-11-10 19:21:45")
        );
        assert_eq!(normalize_date("2025111é_19214"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(
            year_of(days_from_civil(2026, 12, 31) as f64 * 86_400.0),
            2026
        );
    }

    #[test]
    fn formats() {
        let (t, n) = date_time(b"2026-06-05 19:21:14 TP0]").unwrap();
        assert_eq!(n, 19);
        assert_eq!(
            t,
            days_from_civil(2026, 6, 5) as f64 * 86_400.0 + 19.0 * 3600.0 + 21.0 * 60.0 + 14.0
        );
        let (ms, n) = date_time(b"2026-06-05 19:21:14.250 DP0").unwrap();
        assert_eq!((ms - t, n), (0.25, 23));
        let (iso, n) = date_time(b"2026-06-05T19:21:14.500000Z rest").unwrap();
        assert_eq!((iso - t, n), (0.5, 27));
        let (v, _) = month_day_time(b"06-05 19:21:14 [loggers.py:1]", 2026).unwrap();
        assert_eq!(v, t);
        let (u, _) = us_date_time(b"06/05/2026-19:21:14 x").unwrap();
        assert_eq!(u, t);
        let (u, _) = us_date_time(b"06-05-2026 19:21:14").unwrap();
        assert_eq!(u, t);
        assert!(us_date_time(b"06-05/2026 19:21:14").is_none());
        assert!(date_time(b"2026-13-05 19:21:14").is_none());
        assert!(time_of_day(b"9:1:1").is_none());
    }
}
