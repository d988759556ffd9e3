//! Errors that reach the person. Each ends as a clear Polish message; what
//! went wrong technically is logged by the back end, never shown.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// The error of a server function that needs a signed-in session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("a step of the sign-in is pending")]
    StepPending { path: String },
    #[error("service unavailable")]
    Unavailable,
    /// The call's arguments could not be read: a field missing or given
    /// twice, a body that is no form or not UTF-8. Answered 400.
    #[error("the request could not be read")]
    BadInput,
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status of a script call refused with this error.
    pub fn status(&self) -> http::StatusCode {
        match self {
            AppError::NotSignedIn => http::StatusCode::UNAUTHORIZED,
            AppError::StepPending { .. } => http::StatusCode::CONFLICT,
            AppError::BadInput => http::StatusCode::BAD_REQUEST,
            AppError::Unavailable | AppError::Transport(_) => http::StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The message for the person.
    pub fn message(&self) -> &'static str {
        match self {
            AppError::NotSignedIn => "Twoja sesja wygasła lub nie jesteś zalogowany. Zaloguj się ponownie.",
            AppError::StepPending { .. } => "Najpierw dokończ logowanie.",
            AppError::Unavailable => UNAVAILABLE,
            AppError::BadInput => BAD_INPUT,
            AppError::Transport(_) => TRANSPORT,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        server_fn_failure(value).into()
    }
}

/// What went wrong when server_fn itself failed, before or after a server
/// function's body: the error types of the pages are made from this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFnFailure {
    /// On the server: the call's arguments could not be read.
    BadInput,
    /// Anything else: the call did not get through (the network on the
    /// client; an answer that could not be built on the server).
    Transport(String),
}

impl From<ServerFnFailure> for AppError {
    fn from(value: ServerFnFailure) -> Self {
        match value {
            ServerFnFailure::BadInput => AppError::BadInput,
            ServerFnFailure::Transport(detail) => AppError::Transport(detail),
        }
    }
}

/// Sorts server_fn's own error. On the server, `Args`, `MissingArg` and
/// `Deserialization` only arise while reading a call's body (the server
/// decodes no answers): the call is refused as bad input, with status 400
/// and a log line (`ports::refuse_bad_input`), instead of the 500
/// server_fn would answer. In the browser the same kinds mean an answer that
/// could not be read: a transport problem.
pub fn server_fn_failure(error: ServerFnErrorErr) -> ServerFnFailure {
    match error {
        #[cfg(feature = "ssr")]
        unreadable @ (ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_)) => {
            crate::ports::refuse_bad_input(&unreadable.to_string());
            ServerFnFailure::BadInput
        }
        other => ServerFnFailure::Transport(other.to_string()),
    }
}

pub const UNAVAILABLE: &str =
    "Usługa jest chwilowo niedostępna. Spróbuj ponownie za kilka minut.";
pub const BAD_INPUT: &str =
    "Formularz nie dotarł do nas w całości albo został uszkodzony. Odśwież stronę i wypełnij go ponownie.";
pub const TRANSPORT: &str =
    "Nie udało się połączyć z eZUS. Sprawdź połączenie z internetem i spróbuj ponownie.";

#[cfg(feature = "ssr")]
impl From<crate::ports::SessionRefusal> for AppError {
    fn from(value: crate::ports::SessionRefusal) -> Self {
        use crate::ports::SessionRefusal;
        match value {
            SessionRefusal::NotSignedIn => AppError::NotSignedIn,
            SessionRefusal::StepPending(step) => AppError::StepPending {
                path: crate::routes::path_of(step).to_string(),
            },
            SessionRefusal::Unavailable => AppError::Unavailable,
        }
    }
}

/// The Polish form of a noun after a number: 1 minutę, 2–4 minuty,
/// 5–21 minut, 22–24 minuty, 25 minut…
pub fn polish_plural(n: u64, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        few
    } else {
        many
    }
}

/// A wait in words, in the accusative ("za …"): "30 sekund", "1 minutę",
/// "2 minuty"; a minute or more in whole minutes, rounded up.
pub fn wait_in_words(secs: u64) -> String {
    if secs >= 60 {
        let minutes = secs.div_ceil(60);
        format!("{minutes} {}", polish_plural(minutes, "minutę", "minuty", "minut"))
    } else {
        format!("{secs} {}", polish_plural(secs, "sekundę", "sekundy", "sekund"))
    }
}

/// A recovery form asked too often: when it may be used again.
pub fn too_many_requests(retry_after_secs: u64) -> String {
    format!(
        "Zbyt wiele prób w krótkim czasie. Ze względów bezpieczeństwa kolejną możesz podjąć za {}.",
        wait_in_words(retry_after_secs)
    )
}

#[cfg(test)]
mod tests {
    use super::{polish_plural, wait_in_words};

    #[test]
    fn waits_are_said_in_seconds_then_in_whole_minutes() {
        assert_eq!(wait_in_words(1), "1 sekundę");
        assert_eq!(wait_in_words(30), "30 sekund");
        assert_eq!(wait_in_words(59), "59 sekund");
        assert_eq!(wait_in_words(60), "1 minutę");
        assert_eq!(wait_in_words(61), "2 minuty");
        assert_eq!(wait_in_words(3000), "50 minut");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn on_the_server_unreadable_arguments_are_bad_input_and_nothing_else_is() {
        use super::{ServerFnErrorErr as E, ServerFnFailure, server_fn_failure};
        for unreadable in [E::Args("missing field `login`".into()), E::MissingArg("login".into()), E::Deserialization("invalid utf-8".into())] {
            assert_eq!(server_fn_failure(unreadable), ServerFnFailure::BadInput);
        }
        for other in [E::Serialization("x".into()), E::Response("x".into()), E::ServerError("x".into())] {
            assert!(matches!(server_fn_failure(other), ServerFnFailure::Transport(_)));
        }
    }

    #[test]
    fn polish_plurals() {
        let m = |n| polish_plural(n, "minutę", "minuty", "minut");
        assert_eq!([m(1), m(2), m(4), m(5), m(12), m(14), m(21), m(22), m(25)],
            ["minutę", "minuty", "minuty", "minut", "minut", "minut", "minut", "minuty", "minut"]);
    }
}
