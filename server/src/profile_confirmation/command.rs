//! The operator command `server confirm-profile --pesel <PESEL> [--note <TEKST>]`:
//! the confirmation of a profile at a ZUS office. It loads the server's
//! settings, connects to and migrates the database, confirms, and says what
//! it did on stdout (log lines and refusals go to stderr).
//!
//! Exit codes: 0 confirmed; 1 the database failed; 2 bad arguments (an
//! invalid PESEL among them) or a bad configuration; 3 no profile has this
//! PESEL; 4 the profile was already confirmed (also when another operator
//! confirmed it a moment before).

use std::process::ExitCode;

use crate::{
    config::Settings,
    db,
    domain::{IdDocument, Pesel, PeselError, calendar},
    telemetry,
};

use super::{Attribution, ConfirmError, ConfirmationMethod, ProfileConfirmations, ProfileKey};

pub const EXIT_DATABASE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_UNKNOWN_PESEL: u8 = 3;
pub const EXIT_ALREADY_CONFIRMED: u8 = 4;

/// The longest note kept with a confirmation (the column's size).
pub const NOTE_MAX_CHARS: usize = 500;

/// What `confirm-profile` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmProfileArgs {
    /// `--pesel`, or `--document` for a person without a PESEL.
    pub key: ProfileKey,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    #[error("brak numeru PESEL: podaj --pesel <PESEL> albo, dla osoby bez numeru PESEL, --document <SERIA_NUMER> (--pesel or --document is required)")]
    MissingPesel,
    #[error("podaj --pesel albo --document, nie oba (--pesel or --document, not both)")]
    BothKeys,
    #[error("nieprawidłowa seria i numer dokumentu: od 5 do 20 liter i cyfr (invalid document series and number)")]
    InvalidDocument,
    #[error("{0} podano więcej niż raz ({0} given more than once)")]
    Repeated(&'static str),
    #[error("{0} wymaga wartości ({0} needs a value)")]
    MissingValue(&'static str),
    #[error("nieznana opcja {0} (unknown option)")]
    UnknownOption(String),
    #[error("nieprawidłowy PESEL: {problem} (invalid PESEL: {0})", problem = pesel_problem(.0))]
    InvalidPesel(PeselError),
    #[error("uwaga może mieć najwyżej {NOTE_MAX_CHARS} znaków, bez znaków sterujących (the note must be at most {NOTE_MAX_CHARS} characters, without control characters)")]
    BadNote,
}

fn pesel_problem(e: &PeselError) -> &'static str {
    match e {
        PeselError::Format => "numer musi mieć dokładnie 11 cyfr",
        PeselError::BirthDate => "numer nie zawiera prawidłowej daty urodzenia",
        PeselError::CheckDigit => "cyfra kontrolna się nie zgadza",
    }
}

impl ConfirmProfileArgs {
    /// The arguments after `confirm-profile`: `--pesel <PESEL>` (or
    /// `--pesel=<PESEL>`), optionally `--note <TEKST>`, once each.
    pub fn parse<I, S>(args: I) -> Result<Self, ArgsError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut pesel = None;
        let mut document = None;
        let mut note = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let arg = arg.as_ref();
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg, None),
            };
            let (name, slot): (&'static str, &mut Option<String>) = match name {
                "--pesel" => ("--pesel", &mut pesel),
                "--document" => ("--document", &mut document),
                "--note" => ("--note", &mut note),
                _ => return Err(ArgsError::UnknownOption(crate::telemetry::sanitised(arg))),
            };
            if slot.is_some() {
                return Err(ArgsError::Repeated(name));
            }
            let value = match inline {
                Some(value) => value,
                None => args.next().map(|v| v.as_ref().to_owned()).ok_or(ArgsError::MissingValue(name))?,
            };
            *slot = Some(value);
        }
        let key = match (pesel, document) {
            (Some(_), Some(_)) => return Err(ArgsError::BothKeys),
            (Some(pesel), None) => ProfileKey::Pesel(Pesel::parse(&pesel).map_err(ArgsError::InvalidPesel)?),
            (None, Some(document)) => ProfileKey::Document(IdDocument::parse(&document).ok_or(ArgsError::InvalidDocument)?),
            (None, None) => return Err(ArgsError::MissingPesel),
        };
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if let Some(n) = &note
            && (n.chars().count() > NOTE_MAX_CHARS || n.chars().any(char::is_control))
        {
            return Err(ArgsError::BadNote);
        }
        Ok(ConfirmProfileArgs { key, note })
    }
}

impl ConfirmError {
    pub fn exit_code(&self) -> u8 {
        match self {
            ConfirmError::UnknownPesel { .. } => EXIT_UNKNOWN_PESEL,
            ConfirmError::AlreadyConfirmed { .. } => EXIT_ALREADY_CONFIRMED,
            ConfirmError::Database(_) => EXIT_DATABASE,
        }
    }
}

/// Runs the command; what it did goes to stdout, a refusal to stderr.
pub async fn run(args: ConfirmProfileArgs) -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("eZUS: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    telemetry::init_on_stderr(settings.site.dev_mode);
    let db = match db::connect_and_migrate(&settings.database).await {
        Ok(db) => db,
        Err(e) => {
            let url = crate::startup::redact(&settings.database.url);
            tracing::error!(error = %e, "confirm-profile: database {url} unavailable");
            eprintln!("eZUS: baza danych (database) {url}: {e}");
            return ExitCode::from(EXIT_DATABASE);
        }
    };
    let who = args.key.masked();
    let attribution = Attribution { run_by: run_by(), note: args.note };
    tracing::info!(command = "confirm-profile", %who, run_by = attribution.run_by.as_deref().unwrap_or("-"), "operator command");
    let confirmed = ProfileConfirmations::new(db).confirm(&args.key, ConfirmationMethod::Office, &attribution).await;
    match confirmed {
        Ok(c) => {
            println!("Profil potwierdzony (profile confirmed): login {}, {} {}, {who}.", c.login, c.first_name, c.last_name);
            println!(
                "Zapisano potwierdzenie nr {} w placówce ZUS, {} (recorded: office).",
                c.record_id,
                calendar::date_time_of(c.confirmed_at)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::warn!(command = "confirm-profile", %who, error = %e, "profile not confirmed");
            eprintln!("eZUS: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// `user@host` where the command runs, as far as it is known.
fn run_by() -> Option<String> {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).ok().filter(|u| !u.is_empty());
    let host = hostname::get().ok().and_then(|h| h.into_string().ok()).filter(|h| !h.is_empty());
    let who = match (user, host) {
        (Some(user), Some(host)) => format!("{user}@{host}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => return None,
    };
    Some(who.chars().filter(|c| !c.is_control()).take(255).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ConfirmProfileArgs, ArgsError> {
        ConfirmProfileArgs::parse(args)
    }

    #[test]
    fn the_pesel_with_or_without_equals_and_an_optional_note() {
        let plain = parse(&["--pesel", "89113056793"]).unwrap();
        assert_eq!(plain.key, ProfileKey::Pesel(Pesel::parse("89113056793").unwrap()));
        assert_eq!(plain.note, None);
        let joined = parse(&["--pesel=89113056793", "--note", "  dowód osobisty ABC123 "]).unwrap();
        assert_eq!(joined.key, plain.key);
        assert_eq!(joined.note.as_deref(), Some("dowód osobisty ABC123"));
        let first = parse(&["--note=", "--pesel", " 89113056793 "]).unwrap();
        assert_eq!((first.key, first.note), (plain.key.clone(), None));
        let document = parse(&["--document", "abc 123456"]).unwrap();
        assert_eq!(document.key, ProfileKey::Document(IdDocument::parse("ABC123456").unwrap()));
        assert_eq!(parse(&["--document", "AB"]), Err(ArgsError::InvalidDocument));
        assert_eq!(parse(&["--document", "ABC123456", "--pesel", "89113056793"]), Err(ArgsError::BothKeys));
    }

    #[test]
    fn an_invalid_pesel_is_refused_in_polish_and_english() {
        let e = parse(&["--pesel", "89113056794"]).unwrap_err();
        assert_eq!(e, ArgsError::InvalidPesel(PeselError::CheckDigit));
        let said = e.to_string();
        assert!(said.contains("nieprawidłowy PESEL: cyfra kontrolna") && said.contains("invalid PESEL"), "{said}");
        assert_eq!(parse(&["--pesel", "8911305679"]), Err(ArgsError::InvalidPesel(PeselError::Format)));
        assert_eq!(parse(&["--pesel", ""]), Err(ArgsError::InvalidPesel(PeselError::Format)));
    }

    #[test]
    fn missing_repeated_and_unknown_arguments_are_refused() {
        assert_eq!(parse(&[]), Err(ArgsError::MissingPesel));
        assert_eq!(parse(&["--note", "x"]), Err(ArgsError::MissingPesel));
        assert_eq!(parse(&["--pesel"]), Err(ArgsError::MissingValue("--pesel")));
        assert_eq!(parse(&["--pesel", "89113056793", "--pesel", "75031412355"]), Err(ArgsError::Repeated("--pesel")));
        assert_eq!(parse(&["89113056793"]), Err(ArgsError::UnknownOption("89113056793".into())));
        assert_eq!(parse(&["--pesel", "89113056793", "--force"]), Err(ArgsError::UnknownOption("--force".into())));
        assert_eq!(parse(&["--pesel-number=1"]), Err(ArgsError::UnknownOption("--pesel-number=1".into())));
        // An unknown option is echoed without its control characters.
        assert_eq!(parse(&["--x\n"]), Err(ArgsError::UnknownOption("--x\\n".into())));
    }

    #[test]
    fn a_note_is_bounded_and_plain() {
        let long = "a".repeat(NOTE_MAX_CHARS + 1);
        assert_eq!(parse(&["--pesel", "89113056793", "--note", &long]), Err(ArgsError::BadNote));
        assert_eq!(parse(&["--pesel", "89113056793", "--note", "a\nb"]), Err(ArgsError::BadNote));
        let longest = "ż".repeat(NOTE_MAX_CHARS);
        assert!(parse(&["--pesel", "89113056793", "--note", &longest]).is_ok());
    }

    #[test]
    fn each_refusal_has_its_exit_code() {
        let unknown = ConfirmError::UnknownPesel { who: "PESEL *******6793".into() };
        let again = ConfirmError::AlreadyConfirmed { login: "pzielinski".into(), who: "PESEL *******6793".into() };
        let down = ConfirmError::Database(sea_orm::DbErr::Custom("down".into()));
        assert_eq!([unknown.exit_code(), again.exit_code(), down.exit_code()], [3, 4, 1]);
    }
}
