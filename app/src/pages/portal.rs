//! `/portal`: the start page of the chosen account and role, switching, and
//! signing out.

use crate::components::PageHeading;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    choose_account::{AccountKind, scope_label},
    choose_role::RoleKind,
};
use crate::{
    components::{PasswordChangedNotice, SessionPage, SignOutForm},
    errors::AppError,
    format::{self, Date},
    routes,
};

/// Everything the start page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSummary {
    pub first_name: String,
    pub last_name: String,
    pub login: String,
    pub account_kind: AccountKind,
    /// The account's name: the person's or the payer's.
    pub account_name: String,
    /// The role, for the individual account.
    pub role: Option<RoleKind>,
    pub can_switch_account: bool,
    pub can_switch_role: bool,
    pub start: StartPage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsuranceTitle {
    pub code: String,
    pub description: String,
    pub payer_name: String,
    pub since: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benefit {
    pub kind: String,
    pub case_number: String,
    pub since: String,
}

/// The content of the start page, by account and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartPage {
    Insured { titles: Vec<InsuranceTitle> },
    Beneficiary { benefits: Vec<Benefit> },
    General { email: String, phone: String, recovery_channel: String },
    Payer { name: String, nip: String, address: String },
    Proxy {
        payer_name: String,
        nip: String,
        grantor: String,
        /// For the verb's form: "udzielił" / "udzieliła".
        #[serde(default)]
        grantor_sex: Option<Sex>,
        scope: String,
        valid_to: Option<String>,
    },
}

/// A person's sex, as Polish grammar needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Female,
    Male,
}

/// The label before a proxy grant's grantor, in agreement with their sex.
pub fn granted_by(sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Female) => "Pełnomocnictwa udzieliła",
        Some(Sex::Male) => "Pełnomocnictwa udzielił",
        None => "Pełnomocnictwo udzielone przez",
    }
}

#[server(prefix = "/api", endpoint = "portal")]
pub async fn load_portal() -> Result<PortalSummary, AppError> {
    use crate::ports::{self, AccountsPort};
    ports::load(|port: std::sync::Arc<dyn AccountsPort>, request| async move { port.portal(&request).await }).await
}

/// Ends the session on the server and removes the cookie.
#[server(prefix = "/api", endpoint = "wyloguj")]
pub async fn sign_out() -> Result<(), AppError> {
    let Some((backend, request)) = crate::ports::port_and_request::<dyn crate::ports::SignInPort>() else {
        return Err(AppError::Unavailable);
    };
    let result = match backend.sign_out(&request).await {
        Ok(clear_cookie) => {
            crate::ports::append_set_cookie(clear_cookie);
            leptos_axum::redirect(routes::SIGNED_OUT);
            Ok(())
        }
        Err(refusal) => Err(AppError::from(refusal)),
    };
    crate::ports::with_refusal_status(result, AppError::status)
}

#[component]
pub fn PortalPage() -> impl IntoView {
    view! {
        <SessionPage
            title="Twoje konto"
            load=load_portal
            render=|summary| view! { <PortalView summary/> }.into_any()
        />
    }
}

fn account_label(summary: &PortalSummary) -> String {
    match summary.account_kind {
        AccountKind::Individual => format!("Konto indywidualne – {}", summary.account_name),
        AccountKind::Payer => format!("Konto płatnika – {}", summary.account_name),
        AccountKind::Proxy => format!("Konto pełnomocnika – {}", summary.account_name),
    }
}

#[component]
fn PortalView(summary: PortalSummary) -> impl IntoView {
    let account = account_label(&summary);
    let role = summary.role;
    view! {
        <div class="page">
            <PageHeading>"Witaj, " {summary.first_name.clone()} " " {summary.last_name.clone()}</PageHeading>
            <PasswordChangedNotice/>
            <section aria-labelledby="where-title" class="where">
                <h2 class="visually-hidden" id="where-title">"Gdzie pracujesz"</h2>
                <dl class="summary-list">
                    <div class="summary-list__row">
                        <dt>"Konto"</dt>
                        <dd>{account}</dd>
                        {summary.can_switch_account.then(|| view! {
                            <dd class="summary-list__action"><a href=routes::CHOOSE_ACCOUNT>"Zmień konto"</a></dd>
                        })}
                    </div>
                    {role.map(|role| view! {
                        <div class="summary-list__row">
                            <dt>"Rola"</dt>
                            <dd>{role.label()}{(role == RoleKind::Ogolna).then(|| view! {
                                <span class="hint">" – " {RoleKind::GENERAL_MEANS}</span>
                            })}</dd>
                            {summary.can_switch_role.then(|| view! {
                                <dd class="summary-list__action"><a href=routes::CHOOSE_ROLE>"Zmień rolę"</a></dd>
                            })}
                        </div>
                    }.into_any())}
                    <div class="summary-list__row">
                        <dt>"Login"</dt>
                        <dd>{summary.login.clone()}</dd>
                    </div>
                </dl>
            </section>
            {view! { <StartPageView start=summary.start/> }.into_any()}
            <p><a href=routes::PROFILE>"Dane profilu"</a>" – adres e-mail, telefon i kanał odzyskiwania dostępu"</p>
            <SignOutForm/>
        </div>
    }
}

#[component]
fn StartPageView(start: StartPage) -> impl IntoView {
    match start {
        StartPage::Insured { titles } => view! {
            <section aria-labelledby="start-title">
                <h2 id="start-title">"Twoje ubezpieczenia"</h2>
                {if titles.is_empty() {
                    view! { <p>"Nie masz zgłoszonych tytułów ubezpieczenia."</p> }.into_any()
                } else {
                    view! {
                        <table class="table" role="table">
                            <caption class="visually-hidden">"Tytuły ubezpieczenia"</caption>
                            <thead><tr>
                                <th scope="col">"Tytuł ubezpieczenia"</th>
                                <th scope="col">"Kod"</th>
                                <th scope="col">"Płatnik"</th>
                                <th scope="col">"Od"</th>
                            </tr></thead>
                            <tbody>
                                {titles.into_iter().map(|t| view! {
                                    // Each cell carries its header, shown when the
                                    // cells stack on a narrow screen (1.3.1);
                                    // screen readers get it from the table.
                                    <tr>
                                        <td><span class="table__label" aria-hidden="true">"Tytuł ubezpieczenia"</span>{t.description}</td>
                                        <td><span class="table__label" aria-hidden="true">"Kod"</span>{t.code}</td>
                                        <td><span class="table__label" aria-hidden="true">"Płatnik"</span>{t.payer_name}</td>
                                        <td><span class="table__label" aria-hidden="true">"Od"</span><Date iso=t.since/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        }.into_any(),
        StartPage::Beneficiary { benefits } => view! {
            <section aria-labelledby="start-title">
                <h2 id="start-title">"Twoje świadczenia"</h2>
                {if benefits.is_empty() {
                    view! { <p>"Nie otrzymujesz świadczeń z ZUS."</p> }.into_any()
                } else {
                    view! {
                        <ul class="card-list">
                            {benefits.into_iter().map(|b| view! {
                                <li class="card">
                                    <h3 class="heading-s">{b.kind}</h3>
                                    <p>"Numer sprawy: " {b.case_number}</p>
                                    <p>"Wypłacane od: " <Date iso=b.since/></p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }.into_any(),
        StartPage::General { email, phone, recovery_channel } => view! {
            <section aria-labelledby="start-title">
                <h2 id="start-title">"Twoje dane kontaktowe"</h2>
                <dl class="summary-list">
                    <div class="summary-list__row"><dt>"Adres e-mail"</dt><dd>{email}</dd></div>
                    <div class="summary-list__row"><dt>"Telefon komórkowy"</dt><dd>{format::phone(&phone)}</dd></div>
                    <div class="summary-list__row"><dt>"Kanał odzyskiwania dostępu"</dt><dd>{recovery_channel}</dd></div>
                </dl>
            </section>
        }.into_any(),
        StartPage::Payer { name, nip, address } => view! {
            <section aria-labelledby="start-title">
                <h2 id="start-title">"Twoja firma"</h2>
                <dl class="summary-list">
                    <div class="summary-list__row"><dt>"Nazwa"</dt><dd>{name}</dd></div>
                    <div class="summary-list__row"><dt>"NIP"</dt><dd>{nip}</dd></div>
                    <div class="summary-list__row"><dt>"Adres"</dt><dd>{address}</dd></div>
                </dl>
            </section>
        }.into_any(),
        StartPage::Proxy { payer_name, nip, grantor, grantor_sex, scope, valid_to } => view! {
            <section aria-labelledby="start-title">
                <h2 id="start-title">"Działasz jako pełnomocnik"</h2>
                <dl class="summary-list">
                    <div class="summary-list__row"><dt>"Płatnik"</dt><dd>{payer_name}</dd></div>
                    <div class="summary-list__row"><dt>"NIP"</dt><dd>{nip}</dd></div>
                    <div class="summary-list__row"><dt>{granted_by(grantor_sex)}</dt><dd>{grantor}</dd></div>
                    <div class="summary-list__row"><dt>"Zakres"</dt><dd>{scope_label(&scope)}</dd></div>
                    <div class="summary-list__row"><dt>"Ważne do"</dt><dd>{match valid_to {
                        Some(iso) => view! { <Date iso/> }.into_any(),
                        None => "bezterminowo".into_any(),
                    }}</dd></div>
                </dl>
            </section>
        }.into_any(),
    }
}
