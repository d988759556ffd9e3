//! The browser side of eZUS: takes over the server-rendered HTML.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronously: a lazy page's code (a WASM file of its own with `cargo
    // leptos --split`) is fetched before its HTML is taken over.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Tests (and the CSS) wait for this mark before they use enhanced behaviour.
        let _ = body.dataset().set("hydrated", "true");
    });
}
