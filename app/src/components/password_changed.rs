//! "Hasło zostało zmienione": said on the page that follows a password
//! change (whichever it is), from its address.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::routes;

#[component]
pub fn PasswordChangedNotice() -> impl IntoView {
    let query = use_query_map();
    let changed = move || query.read().get(routes::PASSWORD_CHANGED_QUERY).is_some();
    move || {
        changed().then(|| {
            view! {
                <div class="notice" role="status">
                    <p>"Hasło zostało zmienione. Od teraz logujesz się nowym hasłem."</p>
                </div>
            }
        })
    }
}
