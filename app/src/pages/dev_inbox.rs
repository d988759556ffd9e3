//! `/dev/skrzynka`: in dev mode only, every e-mail and SMS the portal would
//! have sent. Outside dev mode the page and its data do not exist (404).

use crate::components::PageHeading;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevMessage {
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub purpose: String,
    pub created_at: String,
    pub sent: bool,
}

#[server(prefix = "/api", endpoint = "dev-skrzynka")]
pub async fn load_dev_inbox() -> Result<Vec<DevMessage>, AppError> {
    let Some((backend, _request)) = crate::ports::port_and_request::<dyn crate::ports::DevInboxPort>() else {
        return Err(AppError::Unavailable);
    };
    let result = backend.dev_inbox().await.ok_or(AppError::Unavailable);
    crate::ports::with_refusal_status(result, |_| http::StatusCode::NOT_FOUND)
}

#[component]
pub fn DevInboxPage() -> impl IntoView {
    let messages = Resource::new_blocking(|| (), |_| load_dev_inbox());
    view! {
        <Title text="Skrzynka deweloperska"/>
        <div class="page">
            <PageHeading>"Skrzynka deweloperska"</PageHeading>
            <p class="hint">"Tryb deweloperski: tu widać wiadomości, które eZUS wysłałby e-mailem lub SMS-em. Najnowsze na górze."</p>
            <Suspense fallback=|| view! { <p>"Wczytywanie…"</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Ok(list) if list.is_empty() => view! { <p>"Brak wiadomości."</p> }.into_any(),
                        Ok(list) => view! {
                            <ol class="card-list">
                                {list.into_iter().map(|m| view! {
                                    <li class="card dev-message">
                                        <h2 class="heading-s">
                                            {if m.channel == "sms" { "SMS" } else { "E-mail" }} " do " {m.recipient}
                                        </h2>
                                        {m.subject.map(|s| view! { <p><strong>"Temat: "</strong>{s}</p> })}
                                        <pre class="dev-message__body">{m.body}</pre>
                                        <p class="hint">{m.created_at} " · " {m.purpose} " · " {if m.sent { "dostarczona" } else { "w kolejce" }}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(e) => view! { <div class="notice notice--error" role="alert">{e.message()}</div> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
