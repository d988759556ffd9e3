//! The protocol endpoints: single sign-on (HTTP-POST), artifact resolution
//! and single logout (SOAP), and the end of every login: the artifact posted
//! back to the SP's ACS.

use std::time::Instant;

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::layout::page;
use crate::demo::IDENTITIES;
use crate::saml::parse::Expected;
use crate::saml::{
    ArtifactResponseBuilder, AssertionData, LogoutResponseBuilder, Outcome, ResponseBuilder, esc,
    new_artifact, new_id, parse_artifact_resolve, parse_authn_request, parse_logout_request,
};
use crate::state::{
    ARTIFACT_TTL, AppState, FLOW_TTL, Flow, Means, NodeSession, REPLAY_TTL, StoredArtifact,
    random_token,
};

#[derive(Deserialize)]
pub struct SsoForm {
    #[serde(rename = "SAMLRequest", default)]
    saml_request: String,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

fn bad_request(detail: &str) -> Response {
    page(
        "Nieprawidłowe żądanie logowania",
        html! {
            h1 { "Nieprawidłowe żądanie logowania" }
            p { "Serwis, z którego tu trafiłeś, przesłał żądanie logowania, którego symulator nie może przyjąć. Wróć do serwisu i spróbuj ponownie." }
            details {
                summary { "Szczegóły techniczne" }
                p { code { (detail) } }
            }
        },
    )
    .status(StatusCode::BAD_REQUEST)
    .into_response()
}

/// POST /login/SingleSignOnService
pub async fn single_sign_on(State(state): State<AppState>, Form(form): Form<SsoForm>) -> Response {
    let cfg = &state.config;
    let sso = cfg.sso_url();
    let expected = Expected {
        sp_entity_id: &cfg.sp_entity_id,
        destination: &sso,
        acs_url: &cfg.acs_url,
    };
    if form.saml_request.is_empty() {
        return bad_request("missing SAMLRequest");
    }
    if form
        .relay_state
        .as_ref()
        .is_some_and(|r| r.chars().count() > 80)
    {
        return bad_request("RelayState longer than 80 characters");
    }
    let request = match parse_authn_request(&form.saml_request, &state.verifier, &expected) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "AuthnRequest refused");
            return bad_request(&e.to_string());
        }
    };
    let id = random_token();
    let mut memory = state.memory();
    if memory
        .seen_requests
        .insert(request.id.clone(), Instant::now() + REPLAY_TTL)
        .is_some()
    {
        drop(memory);
        tracing::warn!(request_id = %request.id, "AuthnRequest replayed");
        return bad_request("this AuthnRequest ID was already used");
    }
    tracing::info!(request_id = %request.id, min_loa = ?request.min_loa, flow = %id, "AuthnRequest accepted");
    memory.flows.insert(
        id.clone(),
        Flow {
            request_id: request.id,
            relay_state: form.relay_state.filter(|r| !r.is_empty()),
            min_loa: request.min_loa,
            expires: Instant::now() + FLOW_TTL,
            edo: None,
            bank_consent: None,
        },
    );
    drop(memory);
    super::see_other(&format!("/logowanie/{id}"))
}

/// How a login at the node ended.
pub enum End {
    Authenticated {
        identity: usize,
        means: Means,
    },
    /// "Anuluj", "Nie zgadzam się".
    Cancelled,
}

/// End the flow: build and store the signed Response under a fresh artifact
/// and send the browser back to the ACS with it.
pub fn finish(state: &AppState, flow_id: &str, end: End) -> Response {
    let Some(flow) = state.memory().flows.remove(flow_id) else {
        return super::flow_gone(state);
    };
    let cfg = &state.config;
    let outcome = match end {
        End::Cancelled => Outcome::AuthnFailed(Some("Użytkownik anulował logowanie".into())),
        End::Authenticated { means, .. } if state.loa_of(means) < flow.min_loa => {
            tracing::info!(
                means = means.polish(),
                "level of assurance too low: NoAuthnContext"
            );
            Outcome::NoAuthnContext(Some(format!(
                "Sposób logowania {} nie zapewnia wymaganego poziomu bezpieczeństwa",
                means.polish()
            )))
        }
        End::Authenticated { identity, means } => {
            let person = &IDENTITIES[identity];
            let session_index = new_id();
            let data = AssertionData {
                name_id: person.name_id(),
                session_index: session_index.clone(),
                loa: state.loa_of(means),
                given_name: person.given_name.to_uppercase(),
                family_name: person.family_name.to_uppercase(),
                date_of_birth: person.date_of_birth.to_owned(),
                person_identifier: person.pesel.to_owned(),
            };
            tracing::info!(login = person.login, means = means.polish(), %session_index, "authenticated");
            state.memory().sessions.insert(
                session_index,
                NodeSession {
                    name_id: data.name_id.clone(),
                    identity,
                    means,
                },
            );
            Outcome::Success(data)
        }
    };
    let response = ResponseBuilder::new(
        &cfg.node_entity_id,
        &cfg.sp_entity_id,
        &cfg.acs_url,
        &flow.request_id,
        outcome.clone(),
    )
    .build(&state.signer, &state.target);
    let response_xml = match response {
        Ok(x) => x,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the Response");
            return super::layout::message_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Błąd symulatora",
                &["Symulator nie mógł przygotować odpowiedzi. Szczegóły są w jego dzienniku."],
                None,
            )
            .into_response();
        }
    };
    let artifact = new_artifact(&cfg.node_entity_id);
    state.memory().artifacts.insert(
        artifact.clone(),
        StoredArtifact {
            outcome,
            response_xml,
            expires: Instant::now() + ARTIFACT_TTL,
        },
    );
    post_back(&cfg.acs_url, &artifact, flow.relay_state.as_deref())
}

/// The auto-submitting form to the ACS, with a visible button for no-JS.
fn post_back(acs: &str, artifact: &str, relay_state: Option<&str>) -> Response {
    page(
        "Powrót do serwisu",
        html! {
            h1 { "Powrót do portalu eZUS" }
            form id="powrot" method="post" action=(acs) {
                input type="hidden" name="SAMLart" value=(artifact);
                @if let Some(r) = relay_state { input type="hidden" name="RelayState" value=(r); }
                p { "Przekazujemy wynik logowania do portalu eZUS. Jeśli nic się nie dzieje, wybierz „Kontynuuj”." }
                button type="submit" class="button" { "Kontynuuj" }
            }
        },
    )
    .script("document.getElementById('powrot').submit();")
    .into_response()
}

fn soap(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    r
}

fn soap_fault(reason: &str) -> Response {
    soap(
        StatusCode::INTERNAL_SERVER_ERROR,
        crate::saml::soap_envelope(&format!(
            "<soap11:Fault><faultcode>soap11:Client</faultcode><faultstring>{}</faultstring></soap11:Fault>",
            esc(reason)
        )),
    )
}

/// POST /login-services/idpArtifactResolutionService
pub async fn artifact_resolution(State(state): State<AppState>, body: String) -> Response {
    let cfg = &state.config;
    let ars = cfg.artifact_resolution_url();
    let expected = Expected {
        sp_entity_id: &cfg.sp_entity_id,
        destination: &ars,
        acs_url: &cfg.acs_url,
    };
    let resolve = match parse_artifact_resolve(&body, &state.verifier, &expected) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "ArtifactResolve refused");
            return soap_fault(&e.to_string());
        }
    };
    let stored = state.memory().artifacts.remove(&resolve.artifact);
    let mut builder = ArtifactResponseBuilder::new(&cfg.node_entity_id, &resolve.id);
    match stored {
        Some(a) if a.expires > Instant::now() => {
            tracing::info!(resolve_id = %resolve.id, "artifact resolved");
            builder = builder.with_response(&a.outcome, a.response_xml);
        }
        _ => {
            tracing::info!(resolve_id = %resolve.id, "unknown, used or expired artifact: empty Success")
        }
    }
    match builder.build(&state.signer) {
        Ok(xml) => soap(StatusCode::OK, xml),
        Err(e) => {
            tracing::error!(error = %e, "cannot sign the ArtifactResponse");
            soap_fault("internal error")
        }
    }
}

/// POST /login-services/singleLogoutService
pub async fn single_logout(State(state): State<AppState>, body: String) -> Response {
    let cfg = &state.config;
    let slo = cfg.logout_url();
    let expected = Expected {
        sp_entity_id: &cfg.sp_entity_id,
        destination: &slo,
        acs_url: &cfg.acs_url,
    };
    let request = match parse_logout_request(&body, &state.verifier, &expected) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "LogoutRequest refused");
            return soap_fault(&e.to_string());
        }
    };
    let ended = {
        let mut memory = state.memory();
        match &request.session_index {
            Some(si)
                if memory
                    .sessions
                    .get(si)
                    .is_some_and(|s| s.name_id == request.name_id) =>
            {
                memory.sessions.remove(si)
            }
            _ => None,
        }
    };
    match ended {
        Some(s) => tracing::info!(
            name_id = %request.name_id,
            session_index = request.session_index.as_deref().unwrap_or(""),
            login = IDENTITIES[s.identity].login,
            means = s.means.polish(),
            "single logout: node session ended"
        ),
        None => tracing::info!(
            name_id = %request.name_id,
            session_index = request.session_index.as_deref().unwrap_or(""),
            "single logout: no such node session (already ended)"
        ),
    }
    match LogoutResponseBuilder::new(&cfg.node_entity_id, &request.id).build(&state.signer) {
        Ok(xml) => soap(StatusCode::OK, xml),
        Err(e) => {
            tracing::error!(error = %e, "cannot sign the LogoutResponse");
            soap_fault("internal error")
        }
    }
}
