//! Times in events: RFC 3339 stamps checked by shape, Unix milliseconds printed for people.
//!
//! No date library: the service needs exactly two things, and both are a few lines of
//! calendar arithmetic (Howard Hinnant's `civil_from_days`).

/// Whether `raw` is an RFC 3339 date-time (`2026-12-02T09:30:00Z`, optional fraction,
/// `Z` or `±hh:mm`) with every field in range, February 29th only in leap years.
pub fn is_rfc3339(raw: &str) -> bool {
    let b = raw.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't') {
        return false;
    }
    let num = |from: usize, len: usize| -> Option<u32> {
        let s = raw.get(from..from + len)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let fields = (|| {
        let ok = b[4] == b'-' && b[7] == b'-' && b[13] == b':' && b[16] == b':';
        ok.then_some(())?;
        Some((
            num(0, 4)?,
            num(5, 2)?,
            num(8, 2)?,
            num(11, 2)?,
            num(14, 2)?,
            num(17, 2)?,
        ))
    })();
    let Some((year, month, day, hour, minute, second)) = fields else {
        return false;
    };
    let mut rest = &raw[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &frac[digits..];
    }
    let zone_ok = match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
                && (h1 - b'0') * 10 + (h2 - b'0') < 24
                && (m1 - b'0') * 10 + (m2 - b'0') < 60
        }
        _ => false,
    };
    zone_ok
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour < 24
        && minute < 60
        && second < 61
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Unix milliseconds as `2026-12-02 09:30 UTC` (minutes, rounded down).
pub fn format_utc_minutes(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        of_day / 3600,
        (of_day % 3600) / 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_stamps_are_accepted() {
        for ok in [
            "2026-12-02T09:30:00Z",
            "2026-12-02T09:30:00.123456Z",
            "2024-02-29T23:59:59+05:30",
            "2026-12-02t09:30:00z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
    }

    #[test]
    fn impossible_or_misshapen_stamps_are_refused() {
        for bad in [
            "",
            "2026-12-02",
            "2026-12-02 09:30:00Z",
            "2026-13-02T09:30:00Z",
            "2026-02-29T09:30:00Z",
            "2026-04-31T09:30:00Z",
            "2026-12-02T24:00:00Z",
            "2026-12-02T09:30:00",
            "2026-12-02T09:30:00.Z",
            "2026-12-02T09:30:00+25:00",
            "2026-12-02T09:30:00Zjunk",
            "２026-12-02T09:30:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn unix_milliseconds_print_as_utc_minutes() {
        assert_eq!(format_utc_minutes(0), "1970-01-01 00:00 UTC");
        assert_eq!(
            format_utc_minutes(1_764_667_800_000),
            "2025-12-02 09:30 UTC"
        );
        assert_eq!(format_utc_minutes(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc_minutes(-1), "1969-12-31 23:59 UTC");
    }
}
