//! The choice of means, and cancelling.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::page;
use super::protocol::{End, finish};
use crate::state::{AppState, Means};

/// GET /logowanie/{flow}
pub async fn show(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    let flow = match super::require_flow(&state, &flow_id) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let means = [
        (
            Means::ProfilZaufany,
            "profil-zaufany",
            "Profil Zaufany",
            "Nazwa użytkownika lub e-mail i hasło.",
        ),
        (
            Means::EDowod,
            "e-dowod",
            "e-dowód",
            "Dowód osobisty z warstwą elektroniczną, telefon z NFC lub czytnik.",
        ),
        (
            Means::Bank,
            "bank",
            "Bankowość elektroniczna",
            "Logowanie przez Twój bank.",
        ),
    ];
    page(
        "Wybierz sposób logowania",
        html! {
            h1 { "Wybierz sposób logowania" }
            p { "Logujesz się do serwisu " strong { "eZUS" } " (" (state.config.sp_entity_id) ")." }
            p class="hint" { "Serwis wymaga poziomu bezpieczeństwa co najmniej: " (flow.min_loa.polish()) "." }
            ul class="means" {
                @for (m, path, name, hint) in means {
                    li {
                        a class="means-link" href={ "/logowanie/" (flow_id) "/" (path) } aria-describedby={ "opis-" (path) } { (name) }
                        p class="hint" id={ "opis-" (path) } {
                            (hint) " Poziom bezpieczeństwa: " (state.loa_of(m).polish()) "."
                        }
                    }
                }
            }
            form method="post" action={ "/logowanie/" (flow_id) "/anuluj" } {
                button type="submit" class="button button-secondary" { "Anuluj" }
            }
        },
    )
    .into_response()
}

/// POST /logowanie/{flow}/anuluj — back to the portal with AuthnFailed.
pub async fn cancel(State(state): State<AppState>, Path(flow_id): Path<String>) -> Response {
    finish(&state, &flow_id, End::Cancelled)
}
