//! The simulator driven in process over HTTP (tower `oneshot`).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use node_simulator::{AppState, Config, router};
use tower::ServiceExt;

use super::*;

pub struct Sim {
    pub app: axum::Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub csp: String,
    pub body: String,
}

pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl Sim {
    pub fn new() -> Self {
        Self::with(Config::dev_defaults())
    }
    pub fn with(config: Config) -> Self {
        Self {
            app: router(AppState::new(config).unwrap()),
        }
    }
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let h = resp.headers();
        let location = h
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let csp = h
            .get(header::CONTENT_SECURITY_POLICY)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = String::from_utf8(
            resp.into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
        .unwrap();
        Reply {
            status,
            location,
            csp,
            body,
        }
    }
    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }
    pub async fn post(&self, uri: &str, pairs: &[(&str, &str)]) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form_encode(pairs)))
                .unwrap(),
        )
        .await
    }
    pub async fn soap(&self, uri: &str, xml: String) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "text/xml; charset=utf-8")
                .header("SOAPAction", "\"\"")
                .body(Body::from(xml))
                .unwrap(),
        )
        .await
    }
    /// Start a login; returns the flow's base path.
    pub async fn start(&self, loa: &str) -> String {
        let r = self
            .post(
                "/login/SingleSignOnService",
                &[
                    ("SAMLRequest", &authn_request(&sp_signer(), "_req42", loa)),
                    ("RelayState", "rs-1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        r.location.unwrap()
    }
    pub async fn resolve(&self, artifact: &str) -> String {
        let r = self
            .soap(
                "/login-services/idpArtifactResolutionService",
                artifact_resolve(&sp_signer(), "_resolve7", artifact),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body
    }
}

/// The value of the first `name="…" value="…"` hidden input.
pub fn hidden(body: &str, name: &str) -> String {
    let i = body
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {body}"));
    let rest = &body[i + name.len() + 15..];
    rest[..rest.find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#x2F;", "/")
}

pub fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let i = body
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in {body}"))
        + start.len();
    &body[i..i + body[i..].find(end).unwrap()]
}
