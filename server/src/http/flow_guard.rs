//! Keeps every page request on the step its session is at: no step of the
//! sign-in can be skipped or reached by typing its address, with or without
//! JavaScript. Pages still check the session themselves through the back
//! end; this answers the typed address before anything is rendered.

use app::routes;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use http::Method;

use crate::session::{SessionGate, Stage};

/// Where a page request must go instead, given the session's stage.
pub fn redirect_for(path: &str, stage: Option<Stage>) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let at = |page: &str| path == page || path.starts_with(&format!("{page}/"));
    if path.is_empty() {
        return Some(stage.map_or(routes::SIGN_IN, Stage::home));
    }
    if at(routes::SIGN_IN) {
        return stage.map(Stage::home);
    }
    // The stages each flow page is open to.
    let open_to: &[Stage] = if at(routes::PORTAL) {
        &[Stage::InPortal]
    } else if at(routes::CHANGE_PASSWORD) {
        &[Stage::PasswordChangeRequired]
    } else if at(routes::VERIFY_CODE) {
        &[Stage::CodeRequired]
    } else if at(routes::CHOOSE_ACCOUNT) {
        // Also to switch accounts later, without signing in again.
        &[Stage::ChoosingAccount, Stage::ChoosingRole, Stage::InPortal]
    } else if at(routes::PROFILE) {
        &[Stage::ChoosingAccount, Stage::ChoosingRole, Stage::InPortal]
    } else if at(routes::CHOOSE_ROLE) {
        &[Stage::ChoosingRole, Stage::InPortal]
    } else {
        return None;
    };
    match stage {
        None => Some(routes::SIGN_IN),
        Some(s) if open_to.contains(&s) => None,
        Some(s) => Some(s.home()),
    }
}

pub async fn guard(State(gate): State<SessionGate>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let path = request.uri().path();
    // Only the flow's own pages are guarded; everything else costs no look-up.
    if redirect_for(path, None).is_none() && redirect_for(path, Some(Stage::InPortal)).is_none() {
        return next.run(request).await;
    }
    let stage = match gate.session_of(request.headers()).await {
        Ok(session) => session.map(|s| s.state.stage),
        Err(e) => {
            // The page will say the service is unavailable.
            tracing::error!(error = %e, "flow guard: session look-up failed");
            return next.run(request).await;
        }
    };
    match redirect_for(path, stage) {
        // A cookie whose session is gone: it expired or was ended elsewhere.
        // Say so on the sign-in page, and drop the dead cookie.
        Some(target) if target == routes::SIGN_IN && stage.is_none() && gate.has_session_cookie(request.headers()) => {
            let mut response = Redirect::to(&format!("{}?{}", routes::SIGN_IN, routes::SESSION_ENDED_QUERY)).into_response();
            response.headers_mut().append(http::header::SET_COOKIE, gate.clear_cookie());
            response
        }
        Some(target) => Redirect::to(target).into_response(),
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn signed_out_people_are_sent_to_sign_in() {
        for path in ["/", "/portal", "/portal/", "/zmiana-hasla", "/kod-weryfikacyjny", "/wybierz-konto", "/wybierz-role"] {
            assert_eq!(redirect_for(path, None), Some("/logowanie"), "{path}");
        }
        assert_eq!(redirect_for("/logowanie", None), None);
    }

    #[test]
    fn a_pending_password_change_cannot_be_skipped() {
        for path in ["/", "/portal", "/logowanie", "/wybierz-konto", "/wybierz-role"] {
            assert_eq!(redirect_for(path, Some(PasswordChangeRequired)), Some("/zmiana-hasla"), "{path}");
        }
        assert_eq!(redirect_for("/zmiana-hasla", Some(PasswordChangeRequired)), None);
    }

    #[test]
    fn the_code_cannot_be_skipped() {
        for path in ["/", "/portal", "/logowanie", "/wybierz-konto", "/wybierz-role", "/zmiana-hasla"] {
            assert_eq!(redirect_for(path, Some(CodeRequired)), Some("/kod-weryfikacyjny"), "{path}");
        }
        assert_eq!(redirect_for("/kod-weryfikacyjny", Some(CodeRequired)), None);
        assert_eq!(redirect_for("/kod-weryfikacyjny", None), Some("/logowanie"));
        assert_eq!(redirect_for("/kod-weryfikacyjny", Some(InPortal)), Some("/portal"));
        assert_eq!(redirect_for("/kod-weryfikacyjny", Some(PasswordChangeRequired)), Some("/zmiana-hasla"));
    }

    #[test]
    fn the_account_and_role_must_be_chosen_before_the_portal() {
        assert_eq!(redirect_for("/portal", Some(ChoosingAccount)), Some("/wybierz-konto"));
        assert_eq!(redirect_for("/wybierz-role", Some(ChoosingAccount)), Some("/wybierz-konto"));
        assert_eq!(redirect_for("/portal", Some(ChoosingRole)), Some("/wybierz-role"));
        assert_eq!(redirect_for("/wybierz-konto", Some(ChoosingRole)), None, "going back to the account is fine");
    }

    #[test]
    fn signed_in_people_skip_sign_in_and_finished_steps_and_may_switch() {
        assert_eq!(redirect_for("/logowanie", Some(InPortal)), Some("/portal"));
        assert_eq!(redirect_for("/zmiana-hasla", Some(InPortal)), Some("/portal"));
        assert_eq!(redirect_for("/", Some(InPortal)), Some("/portal"));
        for path in ["/portal", "/wybierz-konto", "/wybierz-role", "/profil", "/profil/potwierdz"] {
            assert_eq!(redirect_for(path, Some(InPortal)), None, "{path}");
        }
    }

    #[test]
    fn other_pages_are_open_to_everyone() {
        for path in ["/deklaracja-dostepnosci", "/rejestracja", "/wylogowano", "/pkg/ezus.css", "/portalx"] {
            assert_eq!(redirect_for(path, None), None, "{path}");
            assert_eq!(redirect_for(path, Some(PasswordChangeRequired)), None, "{path}");
        }
    }
}
