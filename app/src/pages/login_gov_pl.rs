//! "Zaloguj przez login.gov.pl": the button (on the sign-in page and its own
//! page) and the pages of a sign-in the portal could not finish. The button
//! is a plain form post to the server, which answers with the signed request
//! for the node (docs/national-node.md); the node's answer comes back to
//! `/saml/acs`, which leads on to "Wybierz konto" or here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{components::PageHeading, routes};

/// Why a sign-in through login.gov.pl ended without signing in; the query
/// value of its page (`/login-gov-pl/blad?powod=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeFailure {
    /// Cancelled at the node, or the person could not authenticate there.
    Cancelled,
    /// The means used does not reach the level of assurance eZUS requires.
    LoaTooLow,
    /// The answer could not be trusted: signature, addressee, decryption, replay.
    Trust,
    /// Too late, or the answer does not belong to a sign-in of this browser.
    Expired,
    /// The node did not answer over the back channel.
    Unavailable,
    /// Our own fault (the database, randomness).
    Technical,
}

impl NodeFailure {
    const ALL: [NodeFailure; 6] = [
        NodeFailure::Cancelled,
        NodeFailure::LoaTooLow,
        NodeFailure::Trust,
        NodeFailure::Expired,
        NodeFailure::Unavailable,
        NodeFailure::Technical,
    ];

    pub fn as_query(self) -> &'static str {
        match self {
            NodeFailure::Cancelled => "anulowano",
            NodeFailure::LoaTooLow => "poziom",
            NodeFailure::Trust => "zaufanie",
            NodeFailure::Expired => "wygaslo",
            NodeFailure::Unavailable => "niedostepny",
            NodeFailure::Technical => "przerwa",
        }
    }

    pub fn parse(query: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_query() == query)
    }

    /// The page's address.
    pub fn path(self) -> String {
        format!("{}?powod={}", routes::LOGIN_GOV_PL_FAILED, self.as_query())
    }

    /// The heading, what happened, and what to do.
    fn text(self) -> (&'static str, &'static str, &'static str) {
        match self {
            NodeFailure::Cancelled => (
                "Logowanie przez login.gov.pl zostało przerwane",
                "Logowanie zostało anulowane w login.gov.pl albo nie udało się tam potwierdzić Twojej tożsamości. Nie zalogowaliśmy Cię do eZUS.",
                "Spróbuj ponownie i wybierz sposób logowania, którego używasz, albo zaloguj się loginem i hasłem.",
            ),
            NodeFailure::LoaTooLow => (
                "Ten sposób logowania nie wystarczy do eZUS",
                "Sposób, którym zalogowałeś się w login.gov.pl, daje zbyt niski poziom pewności, że to Ty. eZUS wymaga co najmniej poziomu „znaczący”.",
                "Spróbuj ponownie i wybierz Profil Zaufany, e-dowód albo bankowość elektroniczną.",
            ),
            NodeFailure::Trust => (
                "Błąd zaufania",
                "Odpowiedź, która przyszła w Twoim imieniu, nie ma ważnego podpisu login.gov.pl albo nie była przeznaczona dla eZUS. Dla Twojego bezpieczeństwa jej nie przyjęliśmy i nie zalogowaliśmy Cię.",
                "Rozpocznij logowanie od nowa na tej stronie. Jeśli błąd się powtarza, zaloguj się loginem i hasłem albo zadzwoń do Centrum Kontaktu Klientów ZUS: 22 560 16 00.",
            ),
            NodeFailure::Expired => (
                "Logowanie przez login.gov.pl wygasło",
                "Logowanie trwało zbyt długo, zostało już zakończone albo nie zaczęło się w tej przeglądarce. Nie zalogowaliśmy Cię.",
                "Rozpocznij logowanie od nowa.",
            ),
            NodeFailure::Unavailable => (
                "login.gov.pl nie odpowiada",
                "Nie udało nam się połączyć z login.gov.pl, żeby potwierdzić Twoje logowanie. Nie zalogowaliśmy Cię.",
                "Spróbuj ponownie za kilka minut albo zaloguj się loginem i hasłem.",
            ),
            NodeFailure::Technical => (
                "Nie udało się dokończyć logowania",
                "Wystąpił błąd techniczny po stronie eZUS. Nie zalogowaliśmy Cię.",
                "Spróbuj ponownie za kilka minut albo zaloguj się loginem i hasłem.",
            ),
        }
    }
}

/// The button that starts a sign-in through login.gov.pl: a plain form,
/// so that it works without JavaScript.
#[component]
pub fn LoginGovPlButton(#[prop(default = "Zaloguj przez login.gov.pl")] label: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=routes::LOGIN_GOV_PL_START class="form form--inline">
            <button type="submit" class="button button--secondary">{label}</button>
        </form>
    }
}

/// The section on the sign-in page.
#[component]
pub fn LoginGovPlSection() -> impl IntoView {
    view! {
        <section class="node-sign-in" aria-labelledby="login-gov-pl-title">
            <h2 class="heading-s" id="login-gov-pl-title">"Zaloguj przez login.gov.pl"</h2>
            <p>"Użyj Profilu Zaufanego, e-dowodu albo bankowości elektronicznej – bez loginu i hasła do eZUS."</p>
            <LoginGovPlButton/>
            <p class="hint">
                "Profil Zaufany to Twoje konto w usługach państwa, a „Zarejestruj się” zakłada profil w eZUS – to dwie różne rzeczy, ale przez login.gov.pl założysz profil w eZUS od razu potwierdzony."
            </p>
        </section>
    }
}

#[component]
pub fn LoginGovPlPage() -> impl IntoView {
    view! {
        <Title text="Zaloguj przez login.gov.pl"/>
        <div class="page page--narrow">
            <PageHeading>"Zaloguj przez login.gov.pl"</PageHeading>
            <p>
                "Zalogujesz się przez krajowy węzeł login.gov.pl: Profilem Zaufanym, e-dowodem albo przez bankowość elektroniczną. Nie potrzebujesz wtedy kodu weryfikacyjnego."
            </p>
            <p>
                "Jeśli Twój profil w eZUS jest niepotwierdzony, takie logowanie od razu go potwierdzi. Jeśli nie masz jeszcze profilu, po powrocie założysz go z danymi przekazanymi przez login.gov.pl."
            </p>
            <LoginGovPlButton/>
            <p><a href=routes::SIGN_IN>"Wróć do logowania loginem i hasłem"</a></p>
        </div>
    }
}

#[component]
pub fn LoginGovPlFailedPage() -> impl IntoView {
    let query = use_query_map();
    let failure = move || query.read().get("powod").and_then(|q| NodeFailure::parse(&q)).unwrap_or(NodeFailure::Expired);
    let text = move || failure().text();
    view! {
        <Title text=move || text().0.to_string()/>
        <div class="page page--narrow">
            <PageHeading>{move || text().0}</PageHeading>
            <div class="notice notice--error" role="note">
                <p>{move || text().1}</p>
            </div>
            <p>{move || text().2}</p>
            <LoginGovPlButton label="Spróbuj ponownie przez login.gov.pl"/>
            <p><a href=routes::SIGN_IN>"Zaloguj się loginem i hasłem"</a></p>
        </div>
    }
}
