//! Profil Zaufany: user name or e-mail and password.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::layout::{
    FieldError, Input, error_for, error_summary, field_error, input, message_page, page_with_form,
};
use super::protocol::{End, finish};
use crate::demo::{Identity, PZ_PASSWORD};
use crate::state::{AppState, Means};

#[derive(Deserialize, Default)]
pub struct PzForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    haslo: String,
}

fn form_page(flow_id: &str, login: &str, errors: &[FieldError]) -> Response {
    let base = format!("/logowanie/{flow_id}/profil-zaufany");
    page_with_form(
        "Profil Zaufany",
        errors,
        html! {
            h1 { "Zaloguj się przez Profil Zaufany" }
            (error_summary(errors))
            form method="post" action=(base) novalidate {
                (input(Input { id: "login", label: "Nazwa użytkownika lub adres e-mail", value: login,
                    autocomplete: Some("username"), error: error_for(errors, "login"), ..Default::default() }))
                (input(Input { id: "haslo", label: "Hasło", kind: "password",
                    autocomplete: Some("current-password"), error: error_for(errors, "haslo"), ..Default::default() }))
                button type="submit" class="button" { "Zaloguj się" }
            }
            ul class="links" {
                li { a href={ (base) "/nie-pamietam-hasla" } { "Nie pamiętasz hasła?" } }
                li { a href={ (base) "/zaloz" } { "Załóż Profil Zaufany" } }
            }
            (super::back_to_choice(flow_id))
        },
    )
    .into_response()
}

/// GET /logowanie/{flow}/profil-zaufany
pub async fn show(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    if let Err(r) = super::require_flow(&state, &flow_id) {
        return r;
    }
    form_page(&flow_id, "", &[])
}

/// POST /logowanie/{flow}/profil-zaufany
pub async fn submit(
    State(state): State<AppState>,
    Path(flow_id): Path<String>,
    Form(form): Form<PzForm>,
) -> Response {
    if let Err(r) = super::require_flow(&state, &flow_id) {
        return r;
    }
    let mut errors = Vec::new();
    if form.login.trim().is_empty() {
        errors.push(field_error(
            "login",
            "Wpisz nazwę użytkownika lub adres e-mail",
        ));
    }
    if form.haslo.is_empty() {
        errors.push(field_error("haslo", "Wpisz hasło"));
    }
    if errors.is_empty() {
        match Identity::by_pz_login(&form.login) {
            Some(identity) if form.haslo == PZ_PASSWORD => {
                return finish(
                    &state,
                    &flow_id,
                    End::Authenticated {
                        identity,
                        means: Means::ProfilZaufany,
                    },
                );
            }
            _ => errors.push(field_error(
                "login",
                "Nieprawidłowa nazwa użytkownika lub hasło",
            )),
        }
        tracing::info!("Profil Zaufany: wrong user name or password");
    }
    form_page(&flow_id, form.login.trim(), &errors)
}

fn info(state: &AppState, flow_id: &str, title: &str, paragraphs: &[&str]) -> Response {
    if let Err(r) = super::require_flow(state, flow_id) {
        return r;
    }
    let back = format!("/logowanie/{flow_id}");
    message_page(
        StatusCode::OK,
        title,
        paragraphs,
        Some((&back, "Wróć do wyboru sposobu logowania")),
    )
    .into_response()
}

/// GET …/profil-zaufany/nie-pamietam-hasla
pub async fn forgotten(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    info(
        &state,
        &flow_id,
        "Nie pamiętasz hasła do Profilu Zaufanego?",
        &[
            "W prawdziwym systemie nowe hasło ustawiasz na stronie pz.gov.pl (opcja „Nie pamiętam hasła”) – dostaniesz link na adres e-mail zapisany w Profilu Zaufanym.",
            "To jest symulator: hasło wszystkich kont demonstracyjnych to Symulator-PZ-2024.",
        ],
    )
}

/// GET …/profil-zaufany/zaloz
pub async fn create(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    info(
        &state,
        &flow_id,
        "Jak założyć Profil Zaufany",
        &[
            "W prawdziwym systemie Profil Zaufany zakładasz na stronie pz.gov.pl: przez bankowość elektroniczną, e-dowodem albo wnioskiem potwierdzonym w punkcie potwierdzającym (np. w urzędzie lub w placówce ZUS).",
            "To jest symulator: nie można tu założyć profilu. Użyj jednego z kont demonstracyjnych.",
        ],
    )
}
