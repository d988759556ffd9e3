//! Server functions (`/api/…`) read their arguments as a URL-encoded form:
//! that is what a browser posts without JavaScript and what the Leptos
//! client sends with it. A call whose body is declared anything else (JSON,
//! multipart, text/plain), or carries a body with no type at all, is refused
//! with 415 before anything reads it — server_fn would otherwise parse it as
//! a form anyway, so a JSON or `text/plain` body would run a function
//! without arguments. A call with no body and no type (`curl -X POST`) is
//! the empty form. What cannot be read as a form is refused with 400 by the
//! pages' error types (`app::errors::server_fn_failure`).

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderMap, Method, StatusCode, header};

/// Where the server functions are mounted (`#[server(prefix = "/api")]`).
pub const SERVER_FN_PREFIX: &str = "/api/";

const FORM: &str = "application/x-www-form-urlencoded";

/// Whether the body may be read as a URL-encoded form: declared one
/// (parameters such as `charset` allowed; the media type is
/// case-insensitive), or not declared at all and empty.
fn is_form(headers: &HeaderMap) -> bool {
    match headers.get(header::CONTENT_TYPE) {
        Some(declared) => declared
            .to_str()
            .ok()
            .and_then(|v| v.split(';').next())
            .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case(FORM)),
        None => {
            let length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok());
            !headers.contains_key(header::TRANSFER_ENCODING) && length.is_none_or(|n| n.trim() == "0")
        }
    }
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
        with_body(content_type, Some("5"))
    }

    fn with_body(content_type: Option<&str>, length: Option<&str>) -> bool {
        let mut headers = HeaderMap::new();
        if let Some(value) = content_type {
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
        }
        match length {
            Some(n) => headers.insert(header::CONTENT_LENGTH, n.parse().unwrap()),
            None => headers.insert(header::TRANSFER_ENCODING, "chunked".parse().unwrap()),
        };
        is_form(&headers)
    }

    #[test]
    fn only_a_url_encoded_form_is_a_form() {
        assert!(with(Some("application/x-www-form-urlencoded")));
        assert!(with(Some("Application/X-WWW-Form-URLEncoded; charset=UTF-8")));
        assert!(!with(None), "a body of no declared type");
        assert!(!with_body(None, None), "a chunked body of no declared type");
        assert!(with_body(None, Some("0")), "no body at all: the empty form");
        assert!(is_form(&HeaderMap::new()), "no body at all: the empty form");
        assert!(!with_body(Some("application/json"), Some("0")));
        assert!(!with(Some("application/json")));
        assert!(!with(Some("text/plain")));
        assert!(!with(Some("multipart/form-data; boundary=x")));
        assert!(!with(Some("application/x-www-form-urlencodedx")));
    }
}
