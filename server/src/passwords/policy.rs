//! The rules for every new password in the portal (DESIGN.md, "Numbers";
//! NIST SP 800-63B): 12 to 128 characters of any kind (counted in NFKC), no
//! composition rules; refused when it contains the login, the PESEL or a
//! name, when it is among the most common passwords (zxcvbn's dictionaries
//! plus Polish favourites), when it is on the list of breached passwords,
//! and when the two typed copies differ. "Same as the current one" needs the
//! hash, and the range API the network: the caller checks those
//! (`super::check`), and runs these rules off the async runtime.

use app::pages::change_password::NewPasswordProblem;

use super::{breached::BreachedList, normalise::NormalisedPassword};
use crate::domain::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// What a password must not contain.
#[derive(Debug, Clone)]
pub struct PersonalData {
    pub login: String,
    pub pesel: String,
    pub first_name: String,
    pub last_name: String,
}

/// A candidate new password in NFKC, at most [`PASSWORD_MAX_CHARS`]
/// characters (it may be empty or short): the only input zxcvbn is ever
/// given, so the work per request is bounded.
#[derive(Debug, Clone)]
pub struct Candidate(NormalisedPassword);

impl Candidate {
    /// `Err(TooLong)` over the maximum: checked before normalising (a byte
    /// count first, so a huge input costs nothing) and after (NFKC may
    /// lengthen a password: "ﬃ" is "ffi").
    pub fn new(typed: &str) -> Result<Candidate, NewPasswordProblem> {
        // 128 characters are at most 512 bytes of UTF-8.
        if typed.len() > PASSWORD_MAX_CHARS * 4 || typed.chars().count() > PASSWORD_MAX_CHARS {
            return Err(NewPasswordProblem::TooLong);
        }
        let normalised = NormalisedPassword::new(typed);
        if normalised.expose().chars().count() > PASSWORD_MAX_CHARS {
            return Err(NewPasswordProblem::TooLong);
        }
        Ok(Candidate(normalised))
    }

    pub fn as_str(&self) -> &str {
        self.0.expose()
    }

    /// The form to hash.
    pub fn normalised(&self) -> &NormalisedPassword {
        &self.0
    }
}

/// Popular Polish passwords and their stems, which zxcvbn's English
/// dictionaries do not know. zxcvbn ranks them as a dictionary, so variants
/// (capitals, digits and symbols around them, l33t) are caught too.
const POLISH_FAVOURITES: &[&str] = &[
    "haslo", "hasło", "polska", "polskapolska", "kochanie", "kochamcie", "kocham", "kochamcię",
    "zaq12wsx", "zaq1xsw2", "1qaz2wsx", "zaq1@wsx", "qazwsx", "misiek", "misiaczek", "skarbie",
    "skarbek", "sloneczko", "słoneczko", "slonko", "słonko", "kotek", "kotku", "myszka",
    "niunia", "zabka", "żabka", "mamusia", "tatus", "tatuś", "rodzina", "dupa", "dupadupa",
    "legia", "legiawarszawa", "lechpoznan", "wislakrakow", "cracovia", "gornik", "slask",
    "warszawa", "krakow", "kraków", "gdansk", "gdańsk", "wroclaw", "wrocław", "poznan",
    "poznań", "lodz", "łódź", "szczecin", "lublin", "katowice", "bialystok", "białystok",
    "agnieszka", "katarzyna", "kasia", "monika", "karolina", "magda", "magdalena", "ania",
    "anna", "marta", "ewelina", "justyna", "joanna", "asia", "natalia", "aleksandra", "ola",
    "piotr", "piotrek", "marcin", "mateusz", "bartek", "bartosz", "lukasz", "łukasz", "tomek",
    "tomasz", "krzysztof", "michal", "michał", "pawel", "paweł", "kamil", "kacper", "jakub",
    "kuba", "adrian", "dawid", "damian", "grzegorz", "wojtek", "wojciech", "andrzej",
    "janpawel", "papiez", "jezus", "maryja", "niebo", "aniolek", "aniołek", "cukierek",
    "czekolada", "ksiezniczka", "księżniczka", "kochamciebie", "zabawka", "komputer",
    "internet", "samochod", "samochód", "pieseczek", "piesek", "burek", "reksio", "azor",
    "zus", "ezus", "pue", "puezus", "emerytura", "renta", "ubezpieczenie", "pracownik",
];

/// The first rule the candidate breaks, if any. `repeated` is compared in
/// NFKC too. CPU-bound (zxcvbn): run it off the async runtime.
pub fn first_problem(new: &Candidate, repeated: &str, who: &PersonalData, breached: &BreachedList) -> Option<NewPasswordProblem> {
    let new_str = new.as_str();
    if new_str.is_empty() {
        return Some(NewPasswordProblem::Missing);
    }
    if new_str.chars().count() < PASSWORD_MIN_CHARS {
        return Some(NewPasswordProblem::TooShort);
    }
    let folded = fold(new_str);
    if who.login.chars().count() >= 3 && folded.contains(&fold(&who.login)) {
        return Some(NewPasswordProblem::ContainsLogin);
    }
    if !who.pesel.is_empty() && new_str.contains(who.pesel.as_str()) {
        return Some(NewPasswordProblem::ContainsPesel);
    }
    if [&who.first_name, &who.last_name]
        .iter()
        .any(|name| name.chars().count() >= 3 && folded.contains(&fold(name)))
    {
        return Some(NewPasswordProblem::ContainsName);
    }
    if is_common(new) {
        return Some(NewPasswordProblem::Common);
    }
    if breached.contains(new_str) {
        return Some(NewPasswordProblem::Breached);
    }
    if repeated.is_empty() {
        // Not "they differ": the repeat was not typed at all.
        return Some(NewPasswordProblem::RepeatMissing);
    }
    if NormalisedPassword::new(repeated).expose() != new_str {
        return Some(NewPasswordProblem::RepeatMismatch);
    }
    None
}

/// How strong a candidate is, 0 (trivial) to 4 (very strong), by zxcvbn
/// with the Polish favourites and the person's own data as dictionaries.
pub fn strength(password: &Candidate, who: &PersonalData) -> u8 {
    let mut inputs: Vec<&str> = POLISH_FAVOURITES.to_vec();
    inputs.extend([who.login.as_str(), &who.pesel, &who.first_name, &who.last_name]);
    u8::from(zxcvbn::zxcvbn(password.as_str(), &inputs).score())
}

/// Too guessable: zxcvbn estimates fewer than 10^8 guesses (score 0–2),
/// which is what its dictionaries of common passwords, Polish favourites,
/// keyboard walks, repeats and dates come to.
pub fn is_common(password: &Candidate) -> bool {
    let entropy = zxcvbn::zxcvbn(password.as_str(), POLISH_FAVOURITES);
    u8::from(entropy.score()) < 3
}

/// Lower case without Polish diacritics, so "Łukasz" is found in "lukasz1990".
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            other => other,
        })
        .collect()
}

/// On the built-in list (from SecLists' top 1,000,000), yet scored 3 or
/// more by zxcvbn and free of the test person's data: only the list
/// refuses them.
#[cfg(test)]
pub(crate) const BREACHED_BUT_NOT_COMMON: [&str; 3] = ["medalofhonor", "teamocristiane", "woodscanalone"];

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> PersonalData {
        PersonalData { login: "anowak".into(), pesel: "58072204561".into(), first_name: "Anna".into(), last_name: "Nowak".into() }
    }

    fn check_as(p: &str, who: &PersonalData) -> Option<NewPasswordProblem> {
        let candidate = match Candidate::new(p) {
            Ok(c) => c,
            Err(problem) => return Some(problem),
        };
        first_problem(&candidate, p, who, &BreachedList::built_in().unwrap())
    }

    fn check(p: &str) -> Option<NewPasswordProblem> {
        check_as(p, &who())
    }

    #[test]
    fn a_long_unusual_passphrase_passes() {
        assert_eq!(check("rower deszcz latarnia 7"), None);
        assert_eq!(check("Zielony-Parasol-nad-Wisłą"), None);
        // Any characters, no composition rules: all lower-case letters and spaces are fine.
        assert_eq!(check("kiedy sowa spi w stodole"), None);
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(check("Krótkie-1"), Some(NewPasswordProblem::TooShort));
        assert_eq!(check(""), Some(NewPasswordProblem::Missing));
        assert_eq!(check(&"żółw-".repeat(26)), Some(NewPasswordProblem::TooLong));
    }

    #[test]
    fn a_candidate_over_128_characters_is_too_long_before_zxcvbn_sees_it() {
        assert!(Candidate::new(&"ż".repeat(128)).is_ok());
        assert_eq!(Candidate::new(&"ż".repeat(129)).unwrap_err(), NewPasswordProblem::TooLong);
        assert_eq!(Candidate::new(&"x".repeat(100_000)).unwrap_err(), NewPasswordProblem::TooLong);
        // 100 typed characters, 300 once normalised ("ﬃ" is "ffi"): too long too.
        assert_eq!(Candidate::new(&"ﬃ".repeat(100)).unwrap_err(), NewPasswordProblem::TooLong);
    }

    #[test]
    fn the_rules_see_the_normalised_password() {
        // The login typed in full-width letters is still the login.
        assert_eq!(check("ａｎｏｗａｋ-ma-kota-od-lat"), Some(NewPasswordProblem::ContainsLogin));
        // A repeat typed in another Unicode form is the same password.
        let nfc = "Zielony-Parasol-nad-Wisłą";
        let nfd = "Zielony-Parasol-nad-Wisła\u{0328}";
        assert_eq!(first_problem(&Candidate::new(nfc).unwrap(), nfd, &who(), &BreachedList::from_text("")), None);
    }

    #[test]
    fn common_passwords_are_refused_polish_ones_too() {
        for p in ["password1234", "qwertyuiop123", "123456789012", "zaq12wsxcde3", "Kochamcie123!", "Polska123456", "Haslo1234567"] {
            assert_eq!(check(p), Some(NewPasswordProblem::Common), "{p}");
        }
    }

    #[test]
    fn breached_passwords_that_zxcvbn_lets_through_are_refused_by_the_list() {
        for p in BREACHED_BUT_NOT_COMMON {
            let candidate = Candidate::new(p).unwrap();
            assert!(!is_common(&candidate), "{p}: zxcvbn alone would pass it");
            assert_eq!(first_problem(&candidate, p, &who(), &BreachedList::from_text("")), None, "{p}");
            assert_eq!(check(p), Some(NewPasswordProblem::Breached), "{p}");
        }
        // Whatever the case.
        assert_eq!(check(&BREACHED_BUT_NOT_COMMON[0].to_uppercase()), Some(NewPasswordProblem::Breached));
    }

    #[test]
    fn personal_data_is_refused_whatever_the_case_and_diacritics() {
        assert_eq!(check("ANOWAK-ma-kota-od-lat"), Some(NewPasswordProblem::ContainsLogin));
        assert_eq!(check("moj pesel 58072204561"), Some(NewPasswordProblem::ContainsPesel));
        assert_eq!(check("nowak to moje nazwisko"), Some(NewPasswordProblem::ContainsName));
        let lukasz = PersonalData { login: "lzietek".into(), pesel: String::new(), first_name: "Łukasz".into(), last_name: "Żiętek".into() };
        assert_eq!(check_as("lukasz-ma-rower-99", &lukasz), Some(NewPasswordProblem::ContainsName));
    }

    #[test]
    fn strength_grows_with_unusual_length() {
        let strength_of = |p: &str| strength(&Candidate::new(p).unwrap(), &who());
        assert!(strength_of("Polska123456") <= 1);
        assert!(strength_of("anowak1234567") <= 1, "own data counts as a dictionary");
        assert_eq!(strength_of("rower deszcz latarnia 7"), 4);
    }

    #[test]
    fn the_repeat_must_match() {
        let candidate = Candidate::new("rower deszcz latarnia 7").unwrap();
        assert_eq!(
            first_problem(&candidate, "rower deszcz latarnia 8", &who(), &BreachedList::from_text("")),
            Some(NewPasswordProblem::RepeatMismatch)
        );
        assert_eq!(
            first_problem(&candidate, "", &who(), &BreachedList::from_text("")),
            Some(NewPasswordProblem::RepeatMissing),
            "an empty repeat is asked for, not called different"
        );
    }
}
