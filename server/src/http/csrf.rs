//! Cross-site request forgery: a request that changes anything (every
//! method but GET, HEAD and OPTIONS: server-function calls and plain form
//! posts, the sign-in form included, against login CSRF) must come from the
//! portal's own pages. Browsers say where a request comes from in `Origin`
//! (or, without it, `Sec-Fetch-Site`), and a page elsewhere cannot forge
//! either. SameSite=Lax on the cookie is the second line.

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderMap, Method, StatusCode, header};

/// The portal's own origin, as browsers write it: configured
/// (`site.public_origin`), or else the origin of the `Host` the browser
/// asked for — which a page elsewhere cannot change in its victim's request.
#[derive(Debug, Clone, Default)]
pub struct SameOrigin {
    public_origin: Option<String>,
}

impl SameOrigin {
    pub fn new(public_origin: &str) -> Self {
        let origin = public_origin.trim().trim_end_matches('/');
        SameOrigin { public_origin: (!origin.is_empty()).then(|| origin.to_ascii_lowercase()) }
    }

    /// Whether a state-changing request with these headers comes from our pages.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        match text(header::ORIGIN) {
            Some(origin) => {
                let origin = origin.to_ascii_lowercase();
                match &self.public_origin {
                    Some(ours) => origin == *ours,
                    None => {
                        let authority = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
                        let host = text(header::HOST).map(str::to_ascii_lowercase);
                        authority.is_some() && authority == host.as_deref()
                    }
                }
            }
            // No Origin (older browsers on same-origin posts): the fetch metadata decides.
            None => text(http::HeaderName::from_static("sec-fetch-site")) == Some("same-origin"),
        }
    }
}

/// The one state-changing address a page elsewhere posts to by design:
/// login.gov.pl returns the artifact to the assertion consumer service.
/// What protects it instead: the answer counts only for the browser whose
/// cookie began that very sign-in (`national_node::store::take_request`),
/// and everything it says comes signed over the back channel.
const CROSS_SITE_BY_DESIGN: &str = app::routes::SAML_ACS;

pub async fn guard(policy: SameOrigin, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || request.uri().path() == CROSS_SITE_BY_DESIGN
        || policy.allows(request.headers())
    {
        return next.run(request).await;
    }
    let text = |name| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("-").chars().take(80).collect::<String>();
    tracing::warn!(
        path = %request.uri().path(),
        origin = %crate::telemetry::sanitised(&text(header::ORIGIN)),
        sec_fetch_site = %crate::telemetry::sanitised(&text(http::HeaderName::from_static("sec-fetch-site"))),
        "cross-site request refused"
    );
    (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_own_origin_passes_and_any_other_does_not() {
        let by_host = SameOrigin::new("");
        assert!(by_host.allows(&headers(&[("host", "ezus.zus.pl"), ("origin", "https://ezus.zus.pl")])));
        assert!(by_host.allows(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")])));
        assert!(!by_host.allows(&headers(&[("host", "ezus.zus.pl"), ("origin", "https://evil.example")])));
        assert!(!by_host.allows(&headers(&[("host", "ezus.zus.pl"), ("origin", "https://ezus.zus.pl.evil.example")])));
        assert!(!by_host.allows(&headers(&[("host", "ezus.zus.pl"), ("origin", "null")])));
        assert!(!by_host.allows(&headers(&[("origin", "https://ezus.zus.pl")])), "no Host, no match");

        let configured = SameOrigin::new("https://ezus.zus.pl/");
        assert!(configured.allows(&headers(&[("host", "backend:3000"), ("origin", "https://ezus.zus.pl")])));
        assert!(!configured.allows(&headers(&[("host", "ezus.zus.pl"), ("origin", "http://ezus.zus.pl")])));
    }

    #[test]
    fn without_origin_only_same_origin_fetch_metadata_passes() {
        let policy = SameOrigin::new("");
        assert!(policy.allows(&headers(&[("sec-fetch-site", "same-origin")])));
        for site in ["cross-site", "same-site", "none"] {
            assert!(!policy.allows(&headers(&[("sec-fetch-site", site)])), "{site}");
        }
        assert!(!policy.allows(&HeaderMap::new()), "neither header: refused");
    }
}
