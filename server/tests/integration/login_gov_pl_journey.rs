//! Sign-in through login.gov.pl end to end over HTTP: the portal and the
//! node simulator (node-simulator/, an independent implementation of the
//! node's side) each on its own port, a browser-like client with cookies
//! going back and forth. SQLite and PostgreSQL.

use std::net::TcpListener as StdListener;

use ezus_server::{config::Settings, db::entities::person};
use node_simulator::{AppState, Config, saml::Loa};
use reqwest::{StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{Backend, TestApp, fresh_database, test_settings};

struct World {
    portal: TestApp,
    node: String,
    node_state: AppState,
    browser: reqwest::Client,
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn world(backend: Backend, tweak_node: impl FnOnce(&mut Config)) -> Option<World> {
    let url = fresh_database(backend).await?;
    let node_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let node = format!("http://{}", node_listener.local_addr().unwrap());
    let portal_port = free_port();
    let portal_origin = format!("http://127.0.0.1:{portal_port}");

    let mut config = Config::dev_defaults();
    config.public_url = node.clone();
    config.acs_url = format!("{portal_origin}/saml/acs");
    tweak_node(&mut config);
    let node_state = AppState::new(config).unwrap();
    tokio::spawn(axum::serve(node_listener, node_simulator::router(node_state.clone())).into_future());

    let mut settings: Settings = test_settings(&url, true);
    settings.leptos.as_mut().unwrap().site_addr = format!("127.0.0.1:{portal_port}").parse().unwrap();
    let n = &mut settings.national_node;
    n.acs_url = format!("{portal_origin}/saml/acs");
    n.sso_url = format!("{node}/login/SingleSignOnService");
    n.artifact_resolution_url = format!("{node}/login-services/idpArtifactResolutionService");
    n.logout_url = format!("{node}/login-services/singleLogoutService");
    let portal = TestApp::spawn_with(settings).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Some(World { portal, node, node_state, browser })
}

fn field(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().replace("&amp;", "&")
}

fn location(response: &reqwest::Response) -> String {
    response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

impl World {
    /// From the portal's button to the simulator's choice of means: the flow's address.
    async fn to_the_node(&self) -> String {
        let start = self
            .browser
            .post(self.portal.url("/login-gov-pl/start"))
            .header(header::ORIGIN, &self.portal.address)
            .send()
            .await
            .unwrap();
        assert_eq!(start.status(), StatusCode::OK);
        let html = start.text().await.unwrap();
        let form = [("SAMLRequest", field(&html, "SAMLRequest")), ("RelayState", field(&html, "RelayState"))];
        let sso = self.browser.post(format!("{}/login/SingleSignOnService", self.node)).form(&form).send().await.unwrap();
        assert_eq!(sso.status(), StatusCode::SEE_OTHER, "{}", sso.text().await.unwrap());
        location(&sso)
    }

    /// Profil Zaufany with the simulator's demo password: the post-back form's fields.
    async fn profil_zaufany(&self, flow: &str, login: &str) -> Vec<(String, String)> {
        let answer = self
            .browser
            .post(format!("{}{flow}/profil-zaufany", self.node))
            .form(&[("login", login), ("haslo", "Symulator-PZ-2024")])
            .send()
            .await
            .unwrap();
        self.post_back_fields(answer).await
    }

    async fn post_back_fields(&self, answer: reqwest::Response) -> Vec<(String, String)> {
        let html = answer.text().await.unwrap();
        assert!(html.contains(&format!(r#"action="{}""#, self.portal.url("/saml/acs"))), "{html}");
        vec![("SAMLart".into(), field(&html, "SAMLart")), ("RelayState".into(), field(&html, "RelayState"))]
    }

    /// The post back to the ACS, from the node's site: where it leads.
    async fn acs(&self, fields: &[(String, String)]) -> reqwest::Response {
        self.browser.post(self.portal.url("/saml/acs")).header(header::ORIGIN, &self.node).form(fields).send().await.unwrap()
    }

    async fn page(&self, path: &str) -> String {
        self.browser.get(self.portal.url(path)).send().await.unwrap().text().await.unwrap()
    }

    async fn person(&self, login: &str) -> person::Model {
        let db = ezus_server::db::connect(&self.portal.database_url, 1).await.unwrap();
        person::Entity::find().filter(person::Column::Login.eq(login)).one(&db).await.unwrap().unwrap()
    }
}

async fn jan_signs_in_with_profil_zaufany_and_chooses_an_account(backend: Backend) {
    let Some(w) = world(backend, |_| {}).await else { return };
    let flow = w.to_the_node().await;
    let back = w.profil_zaufany(&flow, "jkowalski").await;
    let landed = w.acs(&back).await;
    assert_eq!(landed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&landed), "/wybierz-konto", "a strong sign-in: no code");
    let page = w.page("/wybierz-konto").await;
    assert!(page.contains("Wybierz konto") && page.contains("Kowalski Usługi Remontowe"), "{page}");

    // The same artifact again (a replay, even with a fresh request of this browser).
    let flow = w.to_the_node().await;
    let fresh = w.profil_zaufany(&flow, "jkowalski").await;
    let replay = vec![back[0].clone(), fresh[1].clone()];
    assert_eq!(location(&w.acs(&replay).await), "/login-gov-pl/blad?powod=zaufanie");

    // Both in the audit trail, the sign-in with Jan's id.
    use ezus_server::db::entities::audit_event;
    use sea_orm::QueryOrder;
    let db = ezus_server::db::connect(&w.portal.database_url, 1).await.unwrap();
    let trail: Vec<(Option<i32>, String)> = audit_event::Entity::find()
        .filter(audit_event::Column::Event.eq("sign_in_login_gov_pl"))
        .order_by_asc(audit_event::Column::Id)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.person_id, e.outcome))
        .collect();
    assert_eq!(trail, vec![(Some(w.person("jkowalski").await.id), "ok".into()), (None, "zaufanie".into())]);
}

#[tokio::test]
async fn jan_signs_in_with_profil_zaufany_sqlite() {
    jan_signs_in_with_profil_zaufany_and_chooses_an_account(Backend::Sqlite).await;
}

#[tokio::test]
async fn jan_signs_in_with_profil_zaufany_postgres() {
    jan_signs_in_with_profil_zaufany_and_chooses_an_account(Backend::Postgres).await;
}

#[tokio::test]
async fn piotrs_unconfirmed_profile_is_confirmed_by_the_node_and_his_password_then_works() {
    let Some(w) = world(Backend::Sqlite, |_| {}).await else { return };
    assert!(!w.person("pzielinski").await.profile_confirmed);
    let flow = w.to_the_node().await;
    let back = w.profil_zaufany(&flow, "pzielinski").await;
    let landed = w.acs(&back).await;
    assert!(!location(&landed).contains("blad"), "{}", location(&landed));
    assert!(w.person("pzielinski").await.profile_confirmed);
    let signed_in = w.portal.sign_in("pzielinski", crate::support::PIOTR.password).await;
    assert_eq!(location(&signed_in), "/kod-weryfikacyjny", "the password sign-in now goes on to the code");
}

#[tokio::test]
async fn a_pesel_without_a_profile_is_offered_registration_with_its_data_locked_and_confirmed_at_once() {
    let Some(w) = world(Backend::Sqlite, |_| {}).await else { return };
    let flow = w.to_the_node().await;
    let back = w.profil_zaufany(&flow, "nowy-obywatel").await;
    let landed = w.acs(&back).await;
    assert_eq!(location(&landed), "/rejestracja");
    let form = w.page("/rejestracja").await;
    assert!(form.contains("Dane z login.gov.pl") && form.contains("88062101239") && form.contains("readonly"), "{form}");

    // The form says otherwise: the node's data win.
    let fields = [
        ("kind", "individual"),
        ("first_name", "Ktoś"),
        ("last_name", "Inny"),
        ("pesel", "75031412355"),
        ("email", "tomasz.nowicki@example.pl"),
        ("phone", "600 900 100"),
        ("channel", "email"),
        ("login", "tnowicki"),
        ("new_password", "sosna jezioro latarnia 7"),
        ("repeated", "sosna jezioro latarnia 7"),
    ];
    let origin = w.portal.address.clone();
    let started = w.browser.post(w.portal.url("/api/zarejestruj")).header(header::ORIGIN, &origin).form(&fields).send().await.unwrap();
    assert_eq!(location(&started), "/rejestracja/kod");
    let message = crate::profile::newest(&w.portal, "registration_code").await;
    assert_eq!(message.recipient, "tomasz.nowicki@example.pl");
    let code = crate::profile::code_in(&message);
    let confirmed = w
        .browser
        .post(w.portal.url("/api/rejestracja-potwierdz"))
        .header(header::ORIGIN, &origin)
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&confirmed), "/rejestracja/gotowe");
    let done = w.page("/rejestracja/gotowe").await;
    assert!(done.contains("Twój profil jest już potwierdzony"), "{done}");
    let made = w.person("tnowicki").await;
    assert_eq!((made.first_name.as_str(), made.last_name.as_str()), ("Tomasz", "Nowicki"));
    assert_eq!(made.pesel.as_deref(), Some("88062101239"));
    assert!(made.profile_confirmed, "vouched for by the node: confirmed at once");
}

#[tokio::test]
async fn cancelling_and_a_low_level_of_assurance_each_get_their_page() {
    let Some(w) = world(Backend::Sqlite, |c| c.loa_pz = Loa::Low).await else { return };
    let flow = w.to_the_node().await;
    let back = w.profil_zaufany(&flow, "jkowalski").await;
    assert_eq!(location(&w.acs(&back).await), "/login-gov-pl/blad?powod=poziom");

    let flow = w.to_the_node().await;
    let cancelled = w.browser.post(format!("{}{flow}/anuluj", w.node)).send().await.unwrap();
    let back = w.post_back_fields(cancelled).await;
    assert_eq!(location(&w.acs(&back).await), "/login-gov-pl/blad?powod=anulowano");
}

#[tokio::test]
async fn signing_out_after_the_node_signs_out_at_the_node_too() {
    let Some(w) = world(Backend::Sqlite, |_| {}).await else { return };
    let flow = w.to_the_node().await;
    let back = w.profil_zaufany(&flow, "jkowalski").await;
    w.acs(&back).await;
    assert_eq!(w.node_state.memory().sessions.len(), 1, "the node's session");
    let out = w
        .browser
        .post(w.portal.url("/api/wyloguj"))
        .header(header::ORIGIN, &w.portal.address)
        .send()
        .await
        .unwrap();
    assert!(out.status().is_redirection() || out.status().is_success(), "{}", out.status());
    assert!(w.node_state.memory().sessions.is_empty(), "the LogoutRequest ended it at the node");
}
