//! The SAML routes outside Leptos: the start (an auto-submitting form to
//! the node), the assertion consumer service the node posts the artifact
//! to, and the SP's metadata.

use std::sync::Arc;

use app::{pages::login_gov_pl::NodeFailure, ports::CspNonce, routes};
use axum::{
    Form, Router,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use http::{StatusCode, header, request::Parts};
use serde::Deserialize;

use super::{
    protocol,
    service::{AutoPost, Finished, NationalNodeService},
};

/// What the node posts to the ACS. Anything else in the form is ignored.
#[derive(Debug, Deserialize)]
pub struct AcsForm {
    #[serde(rename = "SAMLart", default)]
    pub artifact: String,
    #[serde(rename = "RelayState", default)]
    pub relay_state: String,
}

/// The routes, on any router (with or without the node configured: without
/// it, the start says the node is unavailable and the rest is 404).
pub fn add<S: Clone + Send + Sync + 'static>(router: Router<S>, node: Option<Arc<NationalNodeService>>) -> Router<S> {
    let Some(node) = node else {
        return router.route(routes::LOGIN_GOV_PL_START, post(|| async { see_other(&NodeFailure::Unavailable.path()) }));
    };
    let (start, acs, metadata) = (node.clone(), node.clone(), node);
    router
        .route(routes::LOGIN_GOV_PL_START, post(move |parts: Parts| begin(start.clone(), parts)))
        .route(
            routes::SAML_ACS,
            post(move |parts: Parts, form: Form<AcsForm>| finish(acs.clone(), parts, form.0)),
        )
        .route(
            routes::SAML_METADATA,
            get(move || {
                let xml = protocol::metadata(metadata.profile());
                async move { ([(header::CONTENT_TYPE, "application/samlmetadata+xml")], xml) }
            }),
        )
}

async fn begin(node: Arc<NationalNodeService>, parts: Parts) -> Response {
    match node.begin().await {
        Ok((form, cookie)) => {
            let nonce = parts.extensions.get::<CspNonce>().map(|n| n.0.clone());
            let mut response = auto_post_page(&form, nonce.as_deref()).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(failure) => see_other(&failure.path()),
    }
}

async fn finish(node: Arc<NationalNodeService>, parts: Parts, form: AcsForm) -> Response {
    let outcome = node.finish(&parts, &form.artifact, &form.relay_state).await;
    let (label, failure) = match &outcome {
        Ok(Finished::SignedIn { .. }) => ("accepted", None),
        Ok(Finished::Register { .. }) => ("registration_offered", None),
        Err(failure) => ("refused", Some(failure.as_query())),
    };
    crate::metrics::sign_in("login_gov_pl", label, failure);
    let (to, cookie) = match outcome {
        Ok(Finished::SignedIn { step, session_cookie, .. }) => (routes::path_of(step).to_owned(), Some(session_cookie)),
        Ok(Finished::Register { identity_cookie }) => (routes::REGISTER.to_owned(), Some(identity_cookie)),
        Err(failure) => (failure.path(), None),
    };
    let mut response = see_other(&to);
    // The request is answered either way: its cookie has done its work.
    response.headers_mut().append(header::SET_COOKIE, node.clear_browser_cookie());
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The page that carries the signed request to the node: submitted by a
/// script at once, or by its button without JavaScript.
fn auto_post_page(form: &AutoPost, nonce: Option<&str>) -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
    let script = nonce
        .map(|n| format!(r#"<script nonce="{}">document.getElementById("do-wezla").submit();</script>"#, escape(n)))
        .unwrap_or_default();
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Przechodzisz do login.gov.pl – eZUS</title>
<link rel="stylesheet" href="{css}">
</head>
<body>
<main id="tresc" class="site-main">
<div class="page page--narrow">
<h1 class="page-heading">Przechodzisz do login.gov.pl</h1>
<p>Za chwilę otworzy się strona login.gov.pl. Jeśli tak się nie stanie, wybierz przycisk poniżej.</p>
<form id="do-wezla" class="form" method="post" action="{action}">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay}">
<button type="submit" class="button">Przejdź do login.gov.pl</button>
</form>
</div>
</main>
{script}
</body>
</html>"#,
        action = escape(&form.action),
        request = escape(&form.saml_request),
        relay = escape(&form.relay_state),
        css = crate::http::static_files::stylesheet_href(),
    );
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}
