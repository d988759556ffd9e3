//! The refusal of a form that anyone may send (the recovery forms): every
//! problem of its fields, or a throttle — with what was typed, so that a
//! page rendered without JavaScript can put it back (never a password).

use serde::{Deserialize, Serialize};

use crate::{
    components::FieldError,
    errors::{self, AppError},
};

/// A problem that stands at one field of a form.
pub trait FieldProblem {
    fn message(&self) -> String;
    /// The id of the field.
    fn field(&self) -> &'static str;
}

/// `T` is what was typed (a struct of the form's text fields); it travels
/// flattened beside the problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FormError<P, T> {
    #[error("form refused: {problems:?}")]
    Problems {
        problems: Vec<P>,
        #[serde(flatten)]
        typed: T,
    },
    #[error("throttled for {retry_after_secs} s")]
    Throttled {
        retry_after_secs: u64,
        #[serde(flatten)]
        typed: T,
    },
    #[error(transparent)]
    App(#[from] AppError),
}

impl<P: FieldProblem, T: Clone + Default> FormError<P, T> {
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Problems { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled { .. } => http::StatusCode::TOO_MANY_REQUESTS,
            Self::App(app) => app.status(),
        }
    }

    pub fn typed(&self) -> T {
        match self {
            Self::Problems { typed, .. } | Self::Throttled { typed, .. } => typed.clone(),
            Self::App(_) => T::default(),
        }
    }

    pub fn summary(&self) -> Vec<FieldError> {
        match self {
            Self::Problems { problems, .. } => problems.iter().map(|p| FieldError::at(p.field(), p.message())).collect(),
            Self::Throttled { retry_after_secs, .. } => vec![FieldError::general(errors::too_many_requests(*retry_after_secs))],
            Self::App(app) => vec![FieldError::general(app.message())],
        }
    }

    /// The problem standing at a field, if any.
    pub fn at(&self, field: &str) -> Option<String> {
        match self {
            Self::Problems { problems, .. } => problems.iter().find(|p| p.field() == field).map(FieldProblem::message),
            _ => None,
        }
    }

    /// The answer to a refusal of the back end (a throttle also sets `Retry-After`).
    #[cfg(feature = "ssr")]
    pub fn refused(refusal: crate::ports::FormRefusal<P>, typed: T) -> Self {
        use crate::ports::FormRefusal;
        match refusal {
            FormRefusal::Problems(problems) => Self::Problems { problems, typed },
            FormRefusal::Throttled { retry_after_secs } => {
                crate::ports::set_retry_after(retry_after_secs);
                Self::Throttled { retry_after_secs, typed }
            }
            FormRefusal::Unavailable => AppError::Unavailable.into(),
        }
    }
}

impl<P, T> leptos::server_fn::error::FromServerFnError for FormError<P, T>
where
    P: std::fmt::Debug + Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    T: std::fmt::Debug + Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
{
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        FormError::App(errors::server_fn_failure(value).into())
    }
}
