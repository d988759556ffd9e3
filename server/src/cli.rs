//! What the `server` binary was asked to do: with no arguments it runs the
//! portal (as `cargo leptos` and the deployment start it); with a command,
//! it runs that operator command and exits. `main.rs` only dispatches.

use std::ffi::OsString;

use crate::profile_confirmation::command::{ArgsError, ConfirmProfileArgs};

pub const USAGE: &str = "\
Użycie (usage):
  server                                                  uruchamia portal (runs the portal)
  server confirm-profile --pesel <PESEL> [--note <TEKST>] potwierdza profil w placówce ZUS (confirms a profile at a ZUS office)
  server confirm-profile --document <SERIA_NUMER> [...]   to samo dla osoby bez numeru PESEL (the same, for a person without a PESEL)
  server --help                                           ta pomoc (this help)
Kody wyjścia confirm-profile (exit codes): 0 potwierdzono, 1 błąd bazy danych,
  2 błędne argumenty lub konfiguracja, 3 brak profilu z tym numerem PESEL,
  4 profil był już potwierdzony.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Serve,
    Help,
    ConfirmProfile(ConfirmProfileArgs),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    #[error("nieznane polecenie {0} (unknown command)")]
    UnknownCommand(String),
    #[error("argument nie jest tekstem UTF-8 (an argument is not UTF-8)")]
    NotUnicode,
    #[error("confirm-profile: {0}")]
    ConfirmProfile(#[from] ArgsError),
}

/// The arguments after the program's name.
pub fn parse<I>(args: I) -> Result<Invocation, UsageError>
where
    I: IntoIterator<Item = OsString>,
{
    let args = args.into_iter().map(|a| a.into_string().map_err(|_| UsageError::NotUnicode)).collect::<Result<Vec<_>, _>>()?;
    let Some((command, rest)) = args.split_first() else {
        return Ok(Invocation::Serve);
    };
    match command.as_str() {
        "-h" | "--help" | "help" => Ok(Invocation::Help),
        "confirm-profile" if rest.iter().any(|a| a == "-h" || a == "--help") => Ok(Invocation::Help),
        "confirm-profile" => Ok(Invocation::ConfirmProfile(ConfirmProfileArgs::parse(rest)?)),
        other => Err(UsageError::UnknownCommand(crate::telemetry::sanitised(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PeselError;

    fn parse(args: &[&str]) -> Result<Invocation, UsageError> {
        super::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn no_arguments_run_the_portal() {
        assert_eq!(parse(&[]), Ok(Invocation::Serve));
    }

    #[test]
    fn confirm_profile_takes_its_arguments() {
        let Ok(Invocation::ConfirmProfile(args)) = parse(&["confirm-profile", "--pesel", "89113056793"]) else {
            panic!("not parsed");
        };
        assert_eq!(args.key, crate::profile_confirmation::ProfileKey::Pesel(crate::domain::Pesel::parse("89113056793").unwrap()));
        assert_eq!(
            parse(&["confirm-profile", "--pesel", "1234"]),
            Err(UsageError::ConfirmProfile(ArgsError::InvalidPesel(PeselError::Format)))
        );
        assert_eq!(parse(&["confirm-profile"]), Err(UsageError::ConfirmProfile(ArgsError::MissingPesel)));
    }

    #[test]
    fn help_and_unknown_commands() {
        assert_eq!(parse(&["--help"]), Ok(Invocation::Help));
        assert_eq!(parse(&["confirm-profile", "--help"]), Ok(Invocation::Help));
        assert_eq!(parse(&["confirm"]), Err(UsageError::UnknownCommand("confirm".into())));
        assert_eq!(parse(&["--pesel", "89113056793"]), Err(UsageError::UnknownCommand("--pesel".into())));
    }

    #[cfg(unix)]
    #[test]
    fn an_argument_that_is_not_utf8_is_refused() {
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![b'-', b'-', 0xff]);
        assert_eq!(super::parse([OsString::from("confirm-profile"), bad]), Err(UsageError::NotUnicode));
    }
}
