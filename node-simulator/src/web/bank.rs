//! Bank sign-in: choose a bank, sign in with its demo credentials, agree to
//! pass the data to login.gov.pl.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::layout::{
    FieldError, Input, error_for, error_summary, field_error, input, page, page_with_form, radios,
};
use super::protocol::{End, finish};
use crate::demo::{BANK_PASSWORD, BANKS, Bank, IDENTITIES, Identity, bank};
use crate::state::{AppState, Means};

#[derive(Deserialize, Default)]
pub struct BankChoice {
    #[serde(default)]
    bank: String,
}

fn choose_page(flow_id: &str, errors: &[FieldError]) -> Response {
    let options: Vec<(&str, &str, Option<&str>)> =
        BANKS.iter().map(|b| (b.id, b.name, None)).collect();
    page_with_form(
        "Bankowość elektroniczna: wybierz bank",
        errors,
        html! {
            h1 { "Zaloguj się przez bank" }
            (error_summary(errors))
            form method="post" action={ "/logowanie/" (flow_id) "/bank" } novalidate {
                (radios("bank", "Wybierz swój bank", &options, None, error_for(errors, "bank")))
                button type="submit" class="button" { "Dalej" }
            }
            (super::back_to_choice(flow_id))
        },
    )
    .into_response()
}

/// GET /logowanie/{flow}/bank
pub async fn choose(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    match super::require_flow(&state, &flow_id) {
        Ok(_) => choose_page(&flow_id, &[]),
        Err(r) => r,
    }
}

/// POST /logowanie/{flow}/bank
pub async fn choose_submit(
    State(state): State<AppState>,
    Path(flow_id): Path<String>,
    Form(form): Form<BankChoice>,
) -> Response {
    if let Err(r) = super::require_flow(&state, &flow_id) {
        return r;
    }
    match bank(&form.bank) {
        Some(b) => super::see_other(&format!("/logowanie/{flow_id}/bank/{}", b.id)),
        None => choose_page(&flow_id, &[field_error("bank", "Wybierz swój bank")]),
    }
}

#[derive(Deserialize, Default)]
pub struct BankLogin {
    #[serde(default)]
    identyfikator: String,
    #[serde(default)]
    haslo: String,
}

fn login_page(flow_id: &str, b: &Bank, login: &str, errors: &[FieldError]) -> Response {
    let title = format!("{}: logowanie", b.name);
    page_with_form(
        &title,
        errors,
        html! {
            h1 { "Zaloguj się do: " (b.name) }
            (error_summary(errors))
            form method="post" action={ "/logowanie/" (flow_id) "/bank/" (b.id) } novalidate {
                (input(Input { id: "identyfikator", label: "Identyfikator", value: login,
                    autocomplete: Some("username"), error: error_for(errors, "identyfikator"), ..Default::default() }))
                (input(Input { id: "haslo", label: "Hasło", kind: "password",
                    autocomplete: Some("current-password"), error: error_for(errors, "haslo"), ..Default::default() }))
                button type="submit" class="button" { "Zaloguj się" }
            }
            p class="back" { a href={ "/logowanie/" (flow_id) "/bank" } { "Wybierz inny bank" } }
            (super::back_to_choice(flow_id))
        },
    )
    .into_response()
}

fn known_bank(state: &AppState, flow_id: &str, bank_id: &str) -> Result<&'static Bank, Response> {
    super::require_flow(state, flow_id)?;
    bank(bank_id).ok_or_else(|| super::see_other(&format!("/logowanie/{flow_id}/bank")))
}

/// GET /logowanie/{flow}/bank/{bank}
pub async fn login(
    State(state): State<AppState>,
    Path((flow_id, bank_id)): Path<(String, String)>,
) -> Response {
    match known_bank(&state, &flow_id, &bank_id) {
        Ok(b) => login_page(&flow_id, b, "", &[]),
        Err(r) => r,
    }
}

/// POST /logowanie/{flow}/bank/{bank}
pub async fn login_submit(
    State(state): State<AppState>,
    Path((flow_id, bank_id)): Path<(String, String)>,
    Form(form): Form<BankLogin>,
) -> Response {
    let b = match known_bank(&state, &flow_id, &bank_id) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    if form.identyfikator.trim().is_empty() {
        errors.push(field_error("identyfikator", "Wpisz identyfikator"));
    }
    if form.haslo.is_empty() {
        errors.push(field_error("haslo", "Wpisz hasło"));
    }
    if errors.is_empty() {
        match Identity::by_login(&form.identyfikator) {
            Some(identity) if form.haslo == BANK_PASSWORD => {
                if let Some(flow) = state.memory().flows.get_mut(&flow_id) {
                    flow.bank_consent = Some((b.id, identity));
                }
                return super::see_other(&format!("/logowanie/{flow_id}/bank/{}/zgoda", b.id));
            }
            _ => errors.push(field_error(
                "identyfikator",
                "Nieprawidłowy identyfikator lub hasło",
            )),
        }
    }
    login_page(&flow_id, b, form.identyfikator.trim(), &errors)
}

/// The identity signed in at this bank and waiting for consent.
fn pending(
    state: &AppState,
    flow_id: &str,
    bank_id: &str,
) -> Result<(&'static Bank, usize), Response> {
    let b = known_bank(state, flow_id, bank_id)?;
    match state.flow(flow_id).and_then(|f| f.bank_consent) {
        Some((id, identity)) if id == b.id => Ok((b, identity)),
        _ => Err(super::see_other(&format!(
            "/logowanie/{flow_id}/bank/{}",
            b.id
        ))),
    }
}

/// GET /logowanie/{flow}/bank/{bank}/zgoda
pub async fn consent(
    State(state): State<AppState>,
    Path((flow_id, bank_id)): Path<(String, String)>,
) -> Response {
    let (b, identity) = match pending(&state, &flow_id, &bank_id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let person = &IDENTITIES[identity];
    page(
        format!("{}: zgoda na przekazanie danych", b.name),
        html! {
            h1 { "Zgoda na przekazanie danych" }
            p { (b.name) " przekaże do login.gov.pl, a login.gov.pl do serwisu eZUS, te dane:" }
            dl class="data" {
                dt { "Imię" } dd { (person.given_name) }
                dt { "Nazwisko" } dd { (person.family_name) }
                dt { "PESEL" } dd { (person.pesel) }
                dt { "Data urodzenia" } dd { (person.date_of_birth) }
            }
            form method="post" action={ "/logowanie/" (flow_id) "/bank/" (b.id) "/zgoda" } class="buttons" {
                button type="submit" name="decyzja" value="tak" class="button" { "Zgadzam się" }
                button type="submit" name="decyzja" value="nie" class="button button-secondary" { "Nie zgadzam się" }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize, Default)]
pub struct Decision {
    #[serde(default)]
    decyzja: String,
}

/// POST /logowanie/{flow}/bank/{bank}/zgoda
pub async fn consent_submit(
    State(state): State<AppState>,
    Path((flow_id, bank_id)): Path<(String, String)>,
    Form(form): Form<Decision>,
) -> Response {
    let (_, identity) = match pending(&state, &flow_id, &bank_id) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if form.decyzja == "tak" {
        finish(
            &state,
            &flow_id,
            End::Authenticated {
                identity,
                means: Means::Bank,
            },
        )
    } else {
        finish(&state, &flow_id, End::Cancelled)
    }
}
