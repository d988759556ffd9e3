//! What every code page derives from its two actions — typing the code and
//! sending another — so that the sign-in, the forgotten password and the
//! registration read and behave alike.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use crate::pages::verify_code::{CodeError, CodeProblem};

/// In the address after a code was sent again without JavaScript.
pub const SENT_AGAIN: &str = "wyslano";

#[derive(Clone, Copy)]
pub struct CodeEntry {
    /// The latest problem, of either action.
    pub error: Signal<Option<CodeError>>,
    /// The problem that stands at the code field.
    pub code_message: Signal<Option<String>>,
    /// A new code went ("Wysłaliśmy nowy kod").
    pub sent_again: Signal<bool>,
    /// Seconds before another code may be sent, as the server last said it.
    pub resend_in: Signal<u64>,
    /// Too many wrong tries (or the code died): only a new code helps, so
    /// the page offers "Wyślij nowy kod" instead of the field.
    pub code_dead: Signal<bool>,
}

impl CodeEntry {
    /// From the page's two actions; `first_wait` is what the page's data said.
    pub fn new<S, R>(submit: ServerAction<S>, resend: ServerAction<R>, first_wait: u64) -> Self
    where
        S: ServerFn<Output = (), Error = CodeError> + Clone + Send + Sync + 'static,
        R: ServerFn<Output = u64, Error = CodeError> + Clone + Send + Sync + 'static,
    {
        let query = use_query_map();
        // A new code makes the old one's problem history.
        Effect::new(move |_| {
            if matches!(resend.value().get(), Some(Ok(_))) {
                submit.clear();
            }
        });
        let (submit, resend) = (submit.value(), resend.value());
        let error = Signal::derive(move || submit.get().and_then(Result::err).or_else(|| resend.get().and_then(Result::err)));
        CodeEntry {
            error,
            code_message: Signal::derive(move || match error.get() {
                Some(CodeError::Problem(p)) if p.at_field() => Some(p.message()),
                _ => None,
            }),
            sent_again: Signal::derive(move || {
                matches!(resend.get(), Some(Ok(_))) || (resend.get().is_none() && query.read().get(SENT_AGAIN).is_some())
            }),
            resend_in: Signal::derive(move || match resend.get() {
                Some(Ok(secs)) | Some(Err(CodeError::Problem(CodeProblem::ResendTooSoon { retry_after_secs: secs }))) => secs,
                _ => first_wait,
            }),
            code_dead: Signal::derive(move || {
                matches!(submit.get(), Some(Err(CodeError::Problem(CodeProblem::Exhausted | CodeProblem::Expired))))
                    && !matches!(resend.get(), Some(Ok(_)))
            }),
        }
    }

    /// The error summary's lines.
    pub fn summary(self) -> Signal<Vec<super::FieldError>> {
        let error = self.error;
        Signal::derive(move || error.get().map(|e| vec![e.summary()]).unwrap_or_default())
    }
}
