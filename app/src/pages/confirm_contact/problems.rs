//! Why a confirmation of a contact change was refused, in the words the
//! page shows.

use serde::{Deserialize, Serialize};

use crate::{components::FieldError, errors::AppError, pages::verify_code::CodeProblem};

/// One code field: its label, where its code went, its error.
#[derive(Clone, Copy)]
pub(super) struct CodeField {
    pub id: &'static str,
    pub label: &'static str,
}

/// A refused confirmation. With one code, `Problem` stands at its field
/// (or, like a throttle, for the whole form); with two, each field's
/// problem is in `Codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ContactCodeError {
    #[error("code refused: {0:?}")]
    Problem(CodeProblem),
    #[error("codes refused: {code:?}, {current_code:?}")]
    Codes { code: Option<CodeProblem>, current_code: Option<CodeProblem> },
    /// Nothing waits to be confirmed any more: codes cannot be sent again.
    #[error("no pending change")]
    ChangeExpired,
    #[error(transparent)]
    App(#[from] AppError),
}

const CHANGE_EXPIRED: &str =
    "Ta zmiana straciła ważność – od wysłania ostatniego kodu minęło ponad 10 minut. Wróć do danych profilu i wpisz zmianę ponownie.";

impl ContactCodeError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::ChangeExpired => http::StatusCode::GONE,
            Self::Problem(p) => p.status(),
            Self::Codes { code, current_code } => {
                code.or(*current_code).map_or(http::StatusCode::UNPROCESSABLE_ENTITY, CodeProblem::status)
            }
            Self::App(app) => app.status(),
        }
    }

    /// The problem standing at a field, if any.
    pub(super) fn at(&self, field: &str) -> Option<CodeProblem> {
        match (self, field) {
            (Self::Problem(p), "code") if p.at_field() => Some(*p),
            (Self::Codes { code, .. }, "code") => *code,
            (Self::Codes { current_code, .. }, "current_code") => *current_code,
            _ => None,
        }
    }

    /// The summary of the page with two code fields.
    pub(super) fn summary(&self, fields: [CodeField; 2]) -> Vec<FieldError> {
        match self {
            Self::Problem(CodeProblem::Expired) => vec![FieldError::general(
                "Kody straciły ważność albo zostały już użyte. Wróć do danych profilu i wyślij zmianę ponownie.",
            )],
            Self::Problem(p) if p.at_field() => vec![FieldError::at("code", p.message())],
            Self::Problem(p) => vec![FieldError::general(p.message())],
            Self::Codes { .. } => fields
                .into_iter()
                .filter_map(|field| self.at(field.id).map(|p| FieldError::at(field.id, field_message(p, field.label))))
                .collect(),
            Self::ChangeExpired => vec![FieldError::general(CHANGE_EXPIRED)],
            Self::App(app) => vec![FieldError::general(app.message())],
        }
    }
}

/// A code's problem, naming the field it stands at (two fields: the person
/// must know which code is meant).
pub(super) fn field_message(problem: CodeProblem, label: &str) -> String {
    let named = {
        let mut chars = label.chars();
        chars.next().map(|c| c.to_lowercase().chain(chars).collect::<String>()).unwrap_or_default()
    };
    match problem {
        CodeProblem::Missing => format!("Wpisz {named}."),
        CodeProblem::Malformed => format!("{label} ma 6 cyfr. Wpisz same cyfry."),
        CodeProblem::Wrong { tries_left } => format!(
            "Nieprawidłowy {named}. Możesz spróbować jeszcze {tries_left} {}.",
            crate::errors::polish_plural(tries_left as u64, "raz", "razy", "razy")
        ),
        CodeProblem::Exhausted => format!("{label} wpisano nieprawidłowo zbyt wiele razy. Wyślij nowe kody."),
        CodeProblem::Expired => {
            format!("{label} stracił ważność albo został już użyty. Wróć do danych profilu i wyślij zmianę ponownie.")
        }
        other => other.message(),
    }
}

impl leptos::server_fn::error::FromServerFnError for ContactCodeError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        ContactCodeError::App(crate::errors::server_fn_failure(value).into())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::ContactCodeRefusal> for ContactCodeError {
    fn from(value: crate::ports::ContactCodeRefusal) -> Self {
        use crate::ports::ContactCodeRefusal;
        match value {
            ContactCodeRefusal::Session(s) => ContactCodeError::App(s.into()),
            ContactCodeRefusal::Problem(p) => ContactCodeError::Problem(p),
            ContactCodeRefusal::Codes { code, current_code } => ContactCodeError::Codes { code, current_code },
        }
    }
}

/// With one code, every problem stands at its field.
pub(super) fn one_code_message(error: &ContactCodeError) -> String {
    match error {
        ContactCodeError::Problem(CodeProblem::Exhausted) => {
            "Wpisano nieprawidłowy kod zbyt wiele razy. Wyślij nowy kod i wpisz go.".into()
        }
        ContactCodeError::Problem(p) => p.message(),
        ContactCodeError::Codes { code, current_code } => code.or(*current_code).map(CodeProblem::message).unwrap_or_default(),
        ContactCodeError::ChangeExpired => CHANGE_EXPIRED.into(),
        ContactCodeError::App(app) => app.message().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_two_fields_each_message_names_its_code() {
        let current = CodeField { id: "current_code", label: "Kod z obecnego adresu e-mail" };
        assert_eq!(field_message(CodeProblem::Missing, current.label), "Wpisz kod z obecnego adresu e-mail.");
        assert_eq!(
            field_message(CodeProblem::Wrong { tries_left: 4 }, current.label),
            "Nieprawidłowy kod z obecnego adresu e-mail. Możesz spróbować jeszcze 4 razy."
        );
        let new = CodeField { id: "code", label: "Kod z nowego numeru" };
        let error = ContactCodeError::Codes { code: None, current_code: Some(CodeProblem::Malformed) };
        let summary = error.summary([new, current]);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].field_id, Some("current_code"));
        assert_eq!(summary[0].message, "Kod z obecnego adresu e-mail ma 6 cyfr. Wpisz same cyfry.");
    }
}
