//! How numbers and dates are written for people: "+48 600 100 200",
//! "24 listopada 2028".

use leptos::prelude::*;

/// A phone number in E.164 (`+48600100200`) as people write it: the
/// country code, then groups of three ("+48 600 100 200"). A number of
/// another shape is left as it is.
pub fn phone(e164: &str) -> String {
    match e164.strip_prefix("+48") {
        Some(rest) if rest.len() == 9 && rest.bytes().all(|b| b.is_ascii_digit()) => {
            format!("+48 {} {} {}", &rest[..3], &rest[3..6], &rest[6..])
        }
        _ => e164.to_owned(),
    }
}

const MONTHS: [&str; 12] = [
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października",
    "listopada", "grudnia",
];

/// An ISO date (`2028-11-24`) in words: "24 listopada 2028". None if it is
/// not one.
pub fn date_long(iso: &str) -> Option<String> {
    let mut parts = iso.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let (year, month, day): (u32, usize, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let name = MONTHS.get(month.checked_sub(1)?)?;
    (y.len() == 4 && (1..=31).contains(&day)).then(|| format!("{day} {name} {year}"))
}

/// A date for people, machine-readable in `datetime`.
#[component]
pub fn Date(iso: String) -> impl IntoView {
    let words = date_long(&iso).unwrap_or_else(|| iso.clone());
    view! { <time datetime=iso>{words}</time> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_mobile_numbers_are_grouped() {
        assert_eq!(phone("+48600100200"), "+48 600 100 200");
        assert_eq!(phone("+420601200300"), "+420601200300");
        assert_eq!(phone("+4860010020"), "+4860010020");
    }

    #[test]
    fn dates_are_written_with_the_month_in_words() {
        assert_eq!(date_long("2028-11-24").as_deref(), Some("24 listopada 2028"));
        assert_eq!(date_long("2020-01-01").as_deref(), Some("1 stycznia 2020"));
        assert_eq!(date_long("2020-13-01"), None);
        assert_eq!(date_long("2020-00-01"), None);
        assert_eq!(date_long("jutro"), None);
    }
}
