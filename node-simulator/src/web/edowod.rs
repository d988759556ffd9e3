//! e-dowód on the computer: the choice of tool, then the QR code with the
//! session number, the live status of the card reading, and the code from
//! the eDO App.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;

use super::layout::{
    FieldError, Input, error_for, error_summary, field_error, input, page_with_form, radios,
};
use super::protocol::{End, finish};
use crate::state::{AppState, Edo, EdoPhase, EdoTool, Means, random_digits, random_token};

#[derive(Deserialize, Default)]
pub struct ToolForm {
    #[serde(default)]
    narzedzie: String,
}

fn tool_page(flow_id: &str, errors: &[FieldError]) -> Response {
    page_with_form(
        "e-dowód: wybierz narzędzie",
        errors,
        html! {
            h1 { "Zaloguj się e-dowodem" }
            (error_summary(errors))
            form method="post" action={ "/logowanie/" (flow_id) "/e-dowod" } novalidate {
                (radios("narzedzie", "Czym odczytasz e-dowód?", &[
                    ("telefon", "Telefon z NFC", Some("Z aplikacją eDO App.")),
                    ("czytnik", "Czytnik NFC", Some("Podłączony do komputera.")),
                ], None, error_for(errors, "narzedzie")))
                button type="submit" class="button" { "Dalej" }
            }
            (super::back_to_choice(flow_id))
        },
    )
    .into_response()
}

/// GET /logowanie/{flow}/e-dowod
pub async fn tool(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    match super::require_flow(&state, &flow_id) {
        Ok(_) => tool_page(&flow_id, &[]),
        Err(r) => r,
    }
}

/// POST /logowanie/{flow}/e-dowod
pub async fn tool_submit(
    State(state): State<AppState>,
    Path(flow_id): Path<String>,
    Form(form): Form<ToolForm>,
) -> Response {
    let tool = match form.narzedzie.as_str() {
        "telefon" => EdoTool::Phone,
        "czytnik" => EdoTool::Reader,
        _ => {
            if let Err(r) = super::require_flow(&state, &flow_id) {
                return r;
            }
            return tool_page(
                &flow_id,
                &[field_error("narzedzie", "Wybierz, czym odczytasz e-dowód")],
            );
        }
    };
    {
        let mut memory = state.memory();
        let Some(flow) = memory.flows.get_mut(&flow_id) else {
            drop(memory);
            return super::flow_gone(&state);
        };
        let edo = Edo {
            tool,
            session_number: random_digits(8),
            token: random_token(),
            phase: EdoPhase::Waiting,
        };
        let old = flow.edo.replace(edo.clone()).map(|e| e.token);
        if let Some(old) = old {
            memory.edo_tokens.remove(&old);
        }
        memory.edo_tokens.insert(edo.token, flow_id.clone());
    }
    super::see_other(&format!("/logowanie/{flow_id}/e-dowod/kod"))
}

/// "1234 5678"
pub fn grouped(number: &str) -> String {
    let (a, b) = number.split_at(number.len() / 2);
    format!("{a} {b}")
}

fn status_of(phase: &EdoPhase) -> (&'static str, &'static str) {
    match phase {
        EdoPhase::Waiting => (
            "oczekiwanie",
            "Czekamy na odczytanie karty w aplikacji eDO App.",
        ),
        EdoPhase::CardRead { .. } => (
            "karta-odczytana",
            "Karta odczytana. Wpisz kod z aplikacji eDO App.",
        ),
        EdoPhase::Blocked => (
            "karta-zablokowana",
            "Karta została zablokowana po 3 błędnych numerach PIN1. Wybierz inny sposób logowania.",
        ),
    }
}

fn qr_svg(url: &str) -> String {
    let code = match qrcode::QrCode::new(url.as_bytes()) {
        Ok(c) => c,
        Err(_) => return String::new(),
    };
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    let svg = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => &svg,
    };
    svg.replacen("<svg", r#"<svg aria-hidden="true" focusable="false""#, 1)
}

const POLL_JS: &str = r#"(function(){var r=document.getElementById('edo-stan');if(!r||!window.fetch)return;var u=r.getAttribute('data-url'),s=r.getAttribute('data-stan');
setInterval(function(){fetch(u,{cache:'no-store',credentials:'same-origin'}).then(function(x){return x.json()}).then(function(j){if(j.stan&&j.stan!==s){s=j.stan;r.textContent=j.komunikat;}}).catch(function(){});},2000);})();"#;

fn code_page(
    state: &AppState,
    flow_id: &str,
    edo: &Edo,
    value: &str,
    errors: &[FieldError],
) -> Response {
    let url = state.config.edo_app_url(&edo.token);
    let number = grouped(&edo.session_number);
    let (stan, message) = status_of(&edo.phase);
    let base = format!("/logowanie/{flow_id}/e-dowod/kod");
    let instructions: Markup = match edo.tool {
        EdoTool::Phone => html! {
            ol {
                li { "Uruchom aplikację eDO App na telefonie z NFC." }
                li { "Zeskanuj kod QR albo wpisz w aplikacji numer sesji." }
                li { "W aplikacji wpisz numer CAN i PIN1, a potem przyłóż e-dowód do telefonu." }
                li { "Wpisz poniżej kod, który pokaże aplikacja." }
            }
        },
        EdoTool::Reader => html! {
            ol {
                li { "Połóż e-dowód na czytniku NFC podłączonym do komputera." }
                li { "Uruchom aplikację eDO App na komputerze i podaj numer sesji." }
                li { "Wpisz numer CAN i PIN1, a potem wpisz poniżej kod z aplikacji." }
            }
            p class="note" { "W symulatorze czytnik zastępuje ta sama strona eDO App co przy telefonie – otwórz link poniżej." }
        },
    };
    page_with_form(
        "e-dowód: kod QR",
        errors,
        html! {
            h1 { "Odczytaj e-dowód w aplikacji eDO App" }
            (error_summary(errors))
            (instructions)
            figure class="qr" {
                div class="qr-code" role="img" aria-label={ "Kod QR do zeskanowania w aplikacji eDO App. Numer sesji: " (number) } {
                    (PreEscaped(qr_svg(&url)))
                }
                figcaption { "Numer sesji: " strong class="session-number" { (number) } }
            }
            p class="note" { "Symulator: strona aplikacji eDO App dla tej sesji – " a href=(url) { "otwórz eDO App (symulator)" } "." }
            h2 { "Stan" }
            p id="edo-stan" class="status" role="status" aria-live="polite" data-url={ "/logowanie/" (flow_id) "/e-dowod/stan" } data-stan=(stan) { (message) }
            form method="get" action=(base) {
                button type="submit" class="button button-secondary" { "Sprawdź" }
            }
            form method="post" action=(base) novalidate {
                (input(Input { id: "kod", label: "Kod z aplikacji eDO App", value, inputmode: Some("numeric"),
                    autocomplete: Some("one-time-code"), maxlength: Some(6), class: Some("input-short"),
                    hint: Some("6 cyfr."), error: error_for(errors, "kod"), ..Default::default() }))
                button type="submit" class="button" { "Potwierdź" }
            }
            (super::back_to_choice(flow_id))
        },
    )
    .script(POLL_JS)
    .into_response()
}

/// GET /logowanie/{flow}/e-dowod/kod
pub async fn code(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    let flow = match super::require_flow(&state, &flow_id) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match flow.edo {
        Some(edo) => code_page(&state, &flow_id, &edo, "", &[]),
        None => super::see_other(&format!("/logowanie/{flow_id}/e-dowod")),
    }
}

#[derive(Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    kod: String,
}

/// POST /logowanie/{flow}/e-dowod/kod
pub async fn code_submit(
    State(state): State<AppState>,
    Path(flow_id): Path<String>,
    Form(form): Form<CodeForm>,
) -> Response {
    let flow = match super::require_flow(&state, &flow_id) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(edo) = flow.edo else {
        return super::see_other(&format!("/logowanie/{flow_id}/e-dowod"));
    };
    let kod: String = form.kod.chars().filter(|c| !c.is_whitespace()).collect();
    let error = if kod.is_empty() {
        "Wpisz kod z aplikacji eDO App"
    } else if kod.len() != 6 || !kod.chars().all(|c| c.is_ascii_digit()) {
        "Kod z aplikacji eDO App ma 6 cyfr"
    } else {
        match &edo.phase {
            EdoPhase::CardRead { identity, code } if *code == kod => {
                return finish(
                    &state,
                    &flow_id,
                    End::Authenticated {
                        identity: *identity,
                        means: Means::EDowod,
                    },
                );
            }
            EdoPhase::CardRead { .. } => "Nieprawidłowy kod z aplikacji eDO App",
            EdoPhase::Waiting => "Najpierw odczytaj e-dowód w aplikacji eDO App",
            EdoPhase::Blocked => "Karta jest zablokowana. Wybierz inny sposób logowania",
        }
    };
    code_page(&state, &flow_id, &edo, &kod, &[field_error("kod", error)])
}

/// GET /logowanie/{flow}/e-dowod/stan — for the polling script.
pub async fn status(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    match state.flow(&flow_id).and_then(|f| f.edo) {
        Some(edo) => {
            let (stan, komunikat) = status_of(&edo.phase);
            Json(serde_json::json!({ "stan": stan, "komunikat": komunikat })).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "stan": "wygasla", "komunikat": "Sesja logowania wygasła." })),
        )
            .into_response(),
    }
}
