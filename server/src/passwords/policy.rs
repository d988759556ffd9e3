//! The rules for every new password in the portal (DESIGN.md, "Numbers";
//! NIST SP 800-63B): 12 to 128 characters of any kind, no composition rules;
//! refused when it is among the most common or breached passwords (zxcvbn's
//! dictionaries plus Polish favourites), when it contains the login, the
//! PESEL or a name, and when the two typed copies differ. "Same as the
//! current one" needs the hash and is checked by the caller.

use app::pages::change_password::NewPasswordProblem;

use crate::domain::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// What a password must not contain.
pub struct PersonalData<'a> {
    pub login: &'a str,
    pub pesel: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
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

pub fn first_problem(new: &str, repeated: &str, who: &PersonalData<'_>) -> Option<NewPasswordProblem> {
    if new.is_empty() {
        return Some(NewPasswordProblem::Missing);
    }
    let chars = new.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Some(NewPasswordProblem::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Some(NewPasswordProblem::TooLong);
    }
    let folded = fold(new);
    if who.login.chars().count() >= 3 && folded.contains(&fold(who.login)) {
        return Some(NewPasswordProblem::ContainsLogin);
    }
    if !who.pesel.is_empty() && new.contains(who.pesel) {
        return Some(NewPasswordProblem::ContainsPesel);
    }
    if [who.first_name, who.last_name]
        .iter()
        .any(|name| name.chars().count() >= 3 && folded.contains(&fold(name)))
    {
        return Some(NewPasswordProblem::ContainsName);
    }
    if is_common(new) {
        return Some(NewPasswordProblem::Common);
    }
    if new != repeated {
        return Some(NewPasswordProblem::RepeatMismatch);
    }
    None
}

/// How strong a candidate is, 0 (trivial) to 4 (very strong), by zxcvbn
/// with the Polish favourites and the person's own data as dictionaries.
pub fn strength(password: &str, who: &PersonalData<'_>) -> u8 {
    let mut inputs: Vec<&str> = POLISH_FAVOURITES.to_vec();
    inputs.extend([who.login, who.pesel, who.first_name, who.last_name]);
    u8::from(zxcvbn::zxcvbn(password, &inputs).score())
}

/// Too guessable: zxcvbn estimates fewer than 10^8 guesses (score 0–2),
/// which is what its dictionaries of common and breached passwords, Polish
/// favourites, keyboard walks, repeats and dates come to.
pub fn is_common(password: &str) -> bool {
    let entropy = zxcvbn::zxcvbn(password, POLISH_FAVOURITES);
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

#[cfg(test)]
mod tests {
    use super::*;

    const WHO: PersonalData<'static> = PersonalData {
        login: "anowak",
        pesel: "58072204561",
        first_name: "Anna",
        last_name: "Nowak",
    };

    fn check(p: &str) -> Option<NewPasswordProblem> {
        first_problem(p, p, &WHO)
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
    fn common_and_breached_passwords_are_refused_polish_ones_too() {
        for p in ["password1234", "qwertyuiop123", "123456789012", "zaq12wsxcde3", "Kochamcie123!", "Polska123456", "Haslo1234567"] {
            assert_eq!(check(p), Some(NewPasswordProblem::Common), "{p}");
        }
    }

    #[test]
    fn personal_data_is_refused_whatever_the_case_and_diacritics() {
        assert_eq!(check("ANOWAK-ma-kota-od-lat"), Some(NewPasswordProblem::ContainsLogin));
        assert_eq!(check("moj pesel 58072204561"), Some(NewPasswordProblem::ContainsPesel));
        assert_eq!(check("nowak to moje nazwisko"), Some(NewPasswordProblem::ContainsName));
        let lukasz = PersonalData { login: "lzietek", pesel: "", first_name: "Łukasz", last_name: "Żiętek" };
        assert_eq!(first_problem("lukasz-ma-rower-99", "lukasz-ma-rower-99", &lukasz), Some(NewPasswordProblem::ContainsName));
    }

    #[test]
    fn strength_grows_with_unusual_length() {
        assert!(strength("Polska123456", &WHO) <= 1);
        assert!(strength("anowak1234567", &WHO) <= 1, "own data counts as a dictionary");
        assert_eq!(strength("rower deszcz latarnia 7", &WHO), 4);
    }

    #[test]
    fn the_repeat_must_match() {
        assert_eq!(
            first_problem("rower deszcz latarnia 7", "rower deszcz latarnia 8", &WHO),
            Some(NewPasswordProblem::RepeatMismatch)
        );
    }
}
