//! Security headers on every response, with a fresh CSP nonce per request
//! that the page shell puts on the hydration scripts.

use app::ports::CspNonce;
use axum::{extract::Request, middleware::Next, response::Response};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use http::{HeaderValue, header};

#[derive(Clone)]
pub struct SecurityHeaders {
    pub hsts: bool,
    /// The node's origin (login.gov.pl), which the page that starts a
    /// sign-in there — and only that page — may post a form to.
    pub node_form_action: Option<String>,
}

/// `https://host[:port]` of a URL, for a CSP source.
pub fn origin_of(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    Some(url.origin().ascii_serialization()).filter(|o| o != "null")
}

pub async fn apply(policy: SecurityHeaders, mut request: Request, next: Next) -> Response {
    let mut bytes = [0u8; 16];
    let nonce = match getrandom::fill(&mut bytes) {
        Ok(()) => Some(URL_SAFE_NO_PAD.encode(bytes)),
        Err(e) => {
            // Without a nonce no script runs: the pages still work without JavaScript.
            tracing::error!(error = %e, "no randomness for the CSP nonce");
            None
        }
    };
    if let Some(nonce) = &nonce {
        request.extensions_mut().insert(CspNonce(nonce.clone()));
    }
    let static_asset = request.uri().path().starts_with("/pkg/");
    let form_action = match &policy.node_form_action {
        Some(node) if request.uri().path() == app::routes::LOGIN_GOV_PL_START => format!("'self' {node}"),
        _ => "'self'".to_owned(),
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let script_src = match &nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'none'".into(),
    };
    let csp = format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action {form_action}; frame-ancestors 'none'"
    );
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    // Pages carry personal data: never store them in a shared cache or the
    // back/forward cache of a public computer.
    if !static_asset && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
