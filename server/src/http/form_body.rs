//! Server functions (`/api/…`) read their arguments as a URL-encoded form:
//! that is what a browser posts without JavaScript and what the Leptos
//! client sends with it. A call with any other body type (JSON, multipart,
//! text/plain, none) is refused with 415 before anything reads it — server_fn
//! would otherwise parse it as a form anyway, so a JSON body or a
//! `text/plain` form would run an argument-less function. What cannot be
//! read as a form is refused with 400 by the pages' error types
//! (`app::errors::server_fn_failure`).

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderMap, Method, StatusCode, header};

/// Where the server functions are mounted (`#[server(prefix = "/api")]`).
pub const SERVER_FN_PREFIX: &str = "/api/";

const FORM: &str = "application/x-www-form-urlencoded";

/// Whether the body is declared a URL-encoded form (parameters such as
/// `charset` allowed; the media type is case-insensitive).
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case(FORM))
}

pub async fn form_only(request: Request, next: Next) -> Response {
    let server_fn_call = request.method() == Method::POST && request.uri().path().starts_with(SERVER_FN_PREFIX);
    if !server_fn_call || is_form(request.headers()) {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .chars()
        .take(80)
        .collect::<String>();
    tracing::warn!(
        path = %request.uri().path(),
        content_type = %crate::telemetry::sanitised(&declared),
        "server function call refused: its body is not a form"
    );
    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the arguments as application/x-www-form-urlencoded").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(content_type: Option<&str>) -> bool {
        let mut headers = HeaderMap::new();
        if let Some(value) = content_type {
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
        }
        is_form(&headers)
    }

    #[test]
    fn only_a_url_encoded_form_is_a_form() {
        assert!(with(Some("application/x-www-form-urlencoded")));
        assert!(with(Some("Application/X-WWW-Form-URLEncoded; charset=UTF-8")));
        assert!(!with(None));
        assert!(!with(Some("application/json")));
        assert!(!with(Some("text/plain")));
        assert!(!with(Some("multipart/form-data; boundary=x")));
        assert!(!with(Some("application/x-www-form-urlencodedx")));
    }
}
