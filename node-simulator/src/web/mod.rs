//! The simulator's HTTP side: the protocol endpoints and the Polish pages.
// Handlers return the ready page (a `Response`) as the error of their
// helpers; it is built once per request, its size does not matter.
#![allow(clippy::result_large_err)]

pub mod bank;
pub mod choice;
pub mod edo_app;
pub mod edowod;
pub mod layout;
pub mod protocol;
pub mod pz;
pub mod sessions;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;

use crate::state::{AppState, Flow};
use layout::{CspNonce, Page, message_page, page};

const CSS: &str = include_str!("../../static/symulator.css");

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/zdrowie", get(|| async { "ok" }))
        .route("/sesje", get(sessions::show))
        .route("/static/symulator.css", get(css))
        .route("/login/SingleSignOnService", post(protocol::single_sign_on))
        .route(
            "/login-services/idpArtifactResolutionService",
            post(protocol::artifact_resolution),
        )
        .route(
            "/login-services/singleLogoutService",
            post(protocol::single_logout),
        )
        .route("/logowanie/{flow}", get(choice::show))
        .route("/logowanie/{flow}/anuluj", post(choice::cancel))
        .route(
            "/logowanie/{flow}/profil-zaufany",
            get(pz::show).post(pz::submit),
        )
        .route(
            "/logowanie/{flow}/profil-zaufany/nie-pamietam-hasla",
            get(pz::forgotten),
        )
        .route("/logowanie/{flow}/profil-zaufany/zaloz", get(pz::create))
        .route(
            "/logowanie/{flow}/e-dowod",
            get(edowod::tool).post(edowod::tool_submit),
        )
        .route(
            "/logowanie/{flow}/e-dowod/kod",
            get(edowod::code).post(edowod::code_submit),
        )
        .route("/logowanie/{flow}/e-dowod/stan", get(edowod::status))
        .route("/edo/{token}", get(edo_app::show).post(edo_app::submit))
        .route(
            "/logowanie/{flow}/bank",
            get(bank::choose).post(bank::choose_submit),
        )
        .route(
            "/logowanie/{flow}/bank/{bank}",
            get(bank::login).post(bank::login_submit),
        )
        .route(
            "/logowanie/{flow}/bank/{bank}/zgoda",
            get(bank::consent).post(bank::consent_submit),
        )
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

/// Security headers on every answer; the CSP allows the page's inline
/// script by its nonce only, and forms to post to the portal's ACS origin.
async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let script = match resp.extensions().get::<CspNonce>() {
        Some(CspNonce(n)) => format!("'nonce-{n}'"),
        None => "'none'".to_owned(),
    };
    let csp = format!(
        "default-src 'none'; script-src {script}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self' {portal}; base-uri 'none'; frame-ancestors 'none'",
        portal = state.config.portal_origin()
    );
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        CSS,
    )
}

async fn index(State(state): State<AppState>) -> Page {
    page(
        "Symulator węzła krajowego",
        html! {
            h1 { "Symulator węzła krajowego login.gov.pl" }
            p { "Ten symulator zastępuje login.gov.pl w środowisku deweloperskim portalu eZUS. Logowanie zaczyna się w portalu." }
            p { a href=(state.config.portal_origin()) { "Przejdź do portalu eZUS" } }
        },
    )
}

async fn not_found() -> Page {
    message_page(
        StatusCode::NOT_FOUND,
        "Nie znaleziono strony",
        &["Nie ma takiej strony w symulatorze."],
        None,
    )
}

/// The page for an unknown or expired login.
pub fn flow_gone(state: &AppState) -> Response {
    let portal = state.config.portal_origin();
    message_page(
        StatusCode::NOT_FOUND,
        "Sesja logowania wygasła",
        &["Ta sesja logowania nie istnieje albo wygasła. Wróć do portalu eZUS i zacznij logowanie od nowa."],
        Some((&portal, "Wróć do portalu eZUS")),
    )
    .into_response()
}

/// The flow, or the "expired" page.
pub fn require_flow(state: &AppState, id: &str) -> Result<Flow, Response> {
    state.flow(id).ok_or_else(|| flow_gone(state))
}

/// A link back to the choice of means.
pub fn back_to_choice(flow: &str) -> maud::Markup {
    html! { p class="back" { a href={ "/logowanie/" (flow) } { "Wróć do wyboru sposobu logowania" } } }
}

/// 303 See Other to `location`.
pub fn see_other(location: &str) -> Response {
    axum::response::Redirect::to(location).into_response()
}
