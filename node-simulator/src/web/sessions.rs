//! `/sesje`: who is signed in at the simulated node, so that a developer
//! (and the portal's end-to-end test) can see single logout take effect.
//! The real node has nothing like it; the simulator holds only demo people.

use axum::extract::State;
use maud::html;

use super::layout::{Page, page};
use crate::demo::IDENTITIES;
use crate::state::AppState;

/// GET /sesje
pub async fn show(State(state): State<AppState>) -> Page {
    let mut rows: Vec<(&str, String, &str)> = state
        .memory()
        .sessions
        .values()
        .map(|s| {
            (
                IDENTITIES[s.identity].login,
                format!(
                    "{} {}",
                    IDENTITIES[s.identity].given_name, IDENTITIES[s.identity].family_name
                ),
                s.means.polish(),
            )
        })
        .collect();
    rows.sort();
    page(
        "Sesje w symulatorze",
        html! {
            h1 { "Sesje w symulatorze" }
            p { "Osoby zalogowane teraz w symulatorze login.gov.pl. Wylogowanie w portalu (pojedyncze wylogowanie) usuwa sesję z tej listy." }
            @if rows.is_empty() {
                p { "Nikt nie jest zalogowany." }
            } @else {
                table {
                    caption class="visually-hidden" { "Aktywne sesje" }
                    thead { tr { th scope="col" { "Nazwa użytkownika" } th scope="col" { "Osoba" } th scope="col" { "Sposób logowania" } } }
                    tbody {
                        @for (login, name, means) in &rows {
                            tr { td { (login) } td { (name) } td { (means) } }
                        }
                    }
                }
            }
        },
    )
}
