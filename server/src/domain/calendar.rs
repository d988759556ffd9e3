//! Dates as the pages show them, from the milliseconds the database keeps.

/// `2026-11-22`, the civil date (UTC) of a moment.
pub fn date_of(millis: i64) -> String {
    // Days since the epoch to a civil date (Howard Hinnant's algorithm).
    let days = millis.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-11-22 19:45:03 UTC`.
pub fn date_time_of(millis: i64) -> String {
    let secs = millis.div_euclid(1000).rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02} UTC", date_of(millis), secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_and_times_in_utc() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(951_782_400_000), "2000-02-29");
        assert_eq!(date_time_of(1_795_376_703_000), "2026-11-22 19:45:03 UTC");
        assert_eq!(date_of(-86_400_000), "1969-12-31");
    }
}
