//! The simulated eDO App (the "phone" page opened from the QR code): the
//! card, its CAN and PIN1. Three wrong PIN1s block the card until the
//! simulator restarts. Success shows the code to type on the computer.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::edowod::grouped;
use super::layout::{
    FieldError, Input, error_for, error_summary, field_error, input, message_page, page,
    page_with_form,
};
use crate::demo::{CARD_CAN, CARD_PIN1, IDENTITIES, PIN_TRIES};
use crate::state::{AppState, Edo, EdoPhase, random_digits};

#[derive(Deserialize, Default)]
pub struct CardForm {
    #[serde(default)]
    karta: String,
    #[serde(default)]
    can: String,
    #[serde(default)]
    pin1: String,
}

fn gone() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Sesja eDO App wygasła",
        &["Ta sesja eDO App nie istnieje, wygasła albo karta została już odczytana. Zacznij logowanie e-dowodem od nowa na komputerze."],
        None,
    )
    .app()
    .into_response()
}

/// The flow id and its e-dowód state for an eDO App token.
fn lookup(state: &AppState, token: &str) -> Option<(String, Edo)> {
    let memory = state.memory();
    let flow_id = memory.edo_tokens.get(token)?.clone();
    let edo = memory.flows.get(&flow_id)?.edo.clone()?;
    (edo.token == token).then_some((flow_id, edo))
}

fn form_page(token: &str, edo: &Edo, form: &CardForm, errors: &[FieldError]) -> Response {
    let karta_error = error_for(errors, "karta");
    page_with_form(
        "Odczyt e-dowodu",
        errors,
        html! {
            h1 { "Odczytaj e-dowód" }
            (error_summary(errors))
            p { "Numer sesji: " strong class="session-number" { (grouped(&edo.session_number)) } }
            form method="post" action={ "/edo/" (token) } novalidate {
                div class={ "field" @if karta_error.is_some() { " field-error" } } {
                    label for="karta" { "Karta" }
                    @if let Some(e) = karta_error { p class="error-message" id="karta-blad" { span class="visually-hidden" { "Błąd: " } (e) } }
                    select id="karta" name="karta" aria-invalid=[karta_error.map(|_| "true")]
                        aria-describedby=[karta_error.map(|_| "karta-blad")] {
                        option value="" { "Wybierz kartę" }
                        @for (i, p) in IDENTITIES.iter().enumerate() {
                            option value=(i) selected[form.karta == i.to_string()] { (p.full_name()) }
                        }
                    }
                }
                (input(Input { id: "can", label: "Numer CAN", value: &form.can, inputmode: Some("numeric"),
                    autocomplete: Some("off"), maxlength: Some(6), class: Some("input-short"),
                    hint: Some("6 cyfr z prawego dolnego rogu przedniej strony dowodu."), error: error_for(errors, "can"), ..Default::default() }))
                (input(Input { id: "pin1", label: "PIN1", kind: "password", inputmode: Some("numeric"),
                    autocomplete: Some("off"), maxlength: Some(4), class: Some("input-short"),
                    hint: Some("4 cyfry."), error: error_for(errors, "pin1"), ..Default::default() }))
                button type="submit" class="button" { "Odczytaj kartę" }
            }
        },
    )
    .app()
    .into_response()
}

/// GET /edo/{token}
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match lookup(&state, &token) {
        Some((_, edo)) => form_page(&token, &edo, &CardForm::default(), &[]),
        None => gone(),
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.chars().all(|c| c.is_ascii_digit())
}

/// POST /edo/{token}
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(mut form): Form<CardForm>,
) -> Response {
    let Some((flow_id, edo)) = lookup(&state, &token) else {
        return gone();
    };
    form.can.retain(|c| !c.is_whitespace());
    let card: Option<usize> = form.karta.parse().ok().filter(|&i| i < IDENTITIES.len());
    let mut errors = Vec::new();
    if card.is_none() {
        errors.push(field_error("karta", "Wybierz kartę"));
    }
    if !digits(&form.can, 6) {
        errors.push(field_error("can", "Numer CAN ma 6 cyfr"));
    }
    if !digits(&form.pin1, 4) {
        errors.push(field_error("pin1", "PIN1 ma 4 cyfry"));
    }
    if let (true, Some(card)) = (errors.is_empty(), card) {
        let mut memory = state.memory();
        let wrong = memory.wrong_pins.get(&card).copied().unwrap_or(0);
        let set_phase = |memory: &mut crate::state::Memory, phase: EdoPhase| {
            if let Some(e) = memory.flows.get_mut(&flow_id).and_then(|f| f.edo.as_mut()) {
                e.phase = phase;
            }
        };
        if wrong >= PIN_TRIES {
            set_phase(&mut memory, EdoPhase::Blocked);
            errors.push(field_error(
                "karta",
                "Ta karta jest zablokowana po 3 błędnych numerach PIN1. W symulatorze odblokujesz ją, uruchamiając symulator ponownie",
            ));
        } else if form.can != CARD_CAN {
            errors.push(field_error("can", "Numer CAN nie pasuje do tej karty"));
        } else if form.pin1 != CARD_PIN1 {
            let wrong = wrong + 1;
            memory.wrong_pins.insert(card, wrong);
            tracing::info!(card, wrong, "eDO App: wrong PIN1");
            if wrong >= PIN_TRIES {
                set_phase(&mut memory, EdoPhase::Blocked);
                errors.push(field_error(
                    "pin1",
                    "Błędny PIN1. Karta została zablokowana po 3 błędnych próbach",
                ));
            } else {
                errors.push(field_error(
                    "pin1",
                    format!("Błędny PIN1. Pozostałe próby: {}", PIN_TRIES - wrong),
                ));
            }
        } else {
            memory.wrong_pins.remove(&card);
            let code = random_digits(6);
            set_phase(
                &mut memory,
                EdoPhase::CardRead {
                    identity: card,
                    code: code.clone(),
                },
            );
            memory.edo_tokens.remove(&token);
            drop(memory);
            return page(
                "Karta odczytana",
                html! {
                    h1 { "Karta odczytana" }
                    p { "Wpisz ten kod na komputerze, w polu „Kod z aplikacji eDO App”:" }
                    p class="big-code" id="kod-edo" { (code) }
                    p { "Możesz zamknąć tę stronę." }
                },
            )
            .app()
            .into_response();
        }
    }
    form.pin1.clear();
    form_page(&token, &edo, &form, &errors)
}
