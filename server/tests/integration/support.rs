//! Starts the real server on a random port against a fresh database, and
//! talks to it as a browser without JavaScript would.



use std::path::PathBuf;

use base64::{Engine, engine::general_purpose::URL_SAFE};
use ezus_server::{
    config::Settings,
    demo_data::{self, DemoPerson},
    passwords::hasher::PasswordHasher,
    startup::Application,
};
use reqwest::{StatusCode, header};
use sea_orm::ConnectionTrait;

/// The demo people: Jan (modern password, e-mail), Anna (legacy password,
/// SMS) and Piotr (unconfirmed profile).
pub const JAN: &DemoPerson = &demo_data::DEMO_PEOPLE[0];
pub const ANNA: &DemoPerson = &demo_data::DEMO_PEOPLE[1];
pub const PIOTR: &DemoPerson = &demo_data::DEMO_PEOPLE[2];

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh, empty database of the given kind. `None` only for PostgreSQL
/// outside CI when no server is reachable (said on stderr); under CI=true an
/// unreachable PostgreSQL fails the test.
pub async fn fresh_database(backend: Backend) -> Option<String> {
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("ezus-test-{}.sqlite", random_suffix()));
            Some(format!("sqlite://{}?mode=rwc", path.display()))
        }
        Backend::Postgres => {
            let base = std::env::var("EZUS_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let admin = match ezus_server::db::connect(&base, 1).await {
                Ok(db) => db,
                Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
                    panic!("PostgreSQL at {base} is required under CI=true: {e}")
                }
                Err(e) => {
                    eprintln!("SKIPPED (not under CI): PostgreSQL at {base} unreachable: {e}");
                    return None;
                }
            };
            let name = format!("ezus_test_{}", random_suffix());
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            Some(format!("{prefix}/{name}"))
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub client: reqwest::Client,
    pub cookie_name: &'static str,
    _shared: Shared,
}

/// Servers started by tests, and whether the soak runs: the soak
/// (`soak.rs`) saturates both cores for a minute, so it starts only when no
/// test server runs, and none starts while it runs. Tests with timing in
/// them (throttle delays, statistical timing) would fail beside it.
struct LoadGate {
    live: usize,
    exclusive: bool,
}

static LOAD_GATE: std::sync::Mutex<LoadGate> = std::sync::Mutex::new(LoadGate { live: 0, exclusive: false });

/// A test server's share of the machine (waits while the soak runs).
pub struct Shared(());

impl Shared {
    pub async fn enter() -> Shared {
        loop {
            {
                let mut gate = LOAD_GATE.lock().unwrap();
                if !gate.exclusive {
                    gate.live += 1;
                    return Shared(());
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        LOAD_GATE.lock().unwrap().live -= 1;
    }
}

/// The whole machine, for the soak (waits until no test server runs).
pub struct Exclusive(());

impl Exclusive {
    pub async fn enter() -> Exclusive {
        loop {
            {
                let mut gate = LOAD_GATE.lock().unwrap();
                if gate.live == 0 && !gate.exclusive {
                    gate.exclusive = true;
                    return Exclusive(());
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
}

impl Drop for Exclusive {
    fn drop(&mut self) {
        LOAD_GATE.lock().unwrap().exclusive = false;
    }
}

/// Settings as shipped, with a random port, the given database and a
/// cheaper argon2 (tests hash a lot).
pub fn test_settings(database_url: &str, dev_mode: bool) -> Settings {
    // The shipped file with dev mode on (it refuses its dev-inbox transports
    // otherwise); the tests then choose the mode they exercise.
    let shipped = std::fs::read_to_string(repo_root().join("Leptos.toml")).unwrap();
    let mut settings = Settings::from_toml(&shipped.replace("dev_mode = false", "dev_mode = true"), "Leptos.toml").unwrap();
    settings.database.url = database_url.to_owned();
    settings.site.dev_mode = dev_mode;
    settings.argon2.memory_kib = 8192;
    settings.argon2.iterations = 1;
    // Many servers in one process: each its own metrics port.
    settings.metrics.listen = "127.0.0.1:0".into();
    let leptos = settings.leptos.as_mut().unwrap();
    leptos.site_addr = "127.0.0.1:0".parse().unwrap();
    leptos.site_root = repo_root().join("target/site").display().to_string().into();
    // The hash list lives beside the server binary, not beside a test binary:
    // these servers name /pkg's files without hashes (tests that need hashed
    // names make their own site, see http_stack).
    leptos.hash_files = false;
    settings
}

impl TestApp {
    /// The production configuration (dev mode off) with the three test people.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let url = fresh_database(backend).await?;
        Some(Self::spawn_with(test_settings(&url, false)).await)
    }

    pub async fn spawn_with(settings: Settings) -> TestApp {
        let shared = Shared::enter().await;
        let database_url = settings.database.url.clone();
        let dev_mode = settings.site.dev_mode;
        let hasher = PasswordHasher::new(&settings.argon2).unwrap();
        let application = Application::build(settings).await.expect("server starts");
        let address = format!("http://{}", application.address());
        tokio::spawn(application.run_until_stopped());
        let db = ezus_server::db::connect(&database_url, 4).await.unwrap();
        demo_data::load(&db, &hasher, demo_data::DEMO_PEOPLE).await.unwrap();
        // As a browser on the portal's own pages: every request says so.
        let mut same_origin = header::HeaderMap::new();
        same_origin.insert(header::ORIGIN, address.parse().unwrap());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(same_origin)
            .build()
            .unwrap();
        TestApp {
            address,
            database_url,
            client,
            cookie_name: if dev_mode { "ezus_session" } else { "__Host-ezus_session" },
            _shared: shared,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path)).header(header::ACCEPT, "text/html");
        if let Some(token) = session {
            request = request.header(header::COOKIE, format!("{}={token}", self.cookie_name));
        }
        request.send().await.unwrap()
    }

    /// A form post as a browser without JavaScript sends it from `page`.
    pub async fn post_form(&self, endpoint: &str, page: &str, fields: &[(&str, &str)], session: Option<&str>) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(endpoint))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, self.url(page))
            .form(fields);
        if let Some(token) = session {
            request = request.header(header::COOKIE, format!("{}={token}", self.cookie_name));
        }
        request.send().await.unwrap()
    }

    pub async fn sign_in(&self, login: &str, password: &str) -> reqwest::Response {
        self.post_form("/api/zaloguj", "/logowanie", &[("login", login), ("password", password)], None).await
    }

    /// Signs in — with the verification code too, unless `expected` is a
    /// step before it — and returns the session token; panics unless the
    /// server sends the browser to `expected`.
    pub async fn signed_in(&self, login: &str, password: &str, expected: &str) -> String {
        let response = self.sign_in(login, password).await;
        let token = session_cookie(&response, self.cookie_name).expect("a session cookie");
        let at = location(&response);
        if at.as_deref() == Some("/kod-weryfikacyjny") && expected != "/kod-weryfikacyjny" {
            let (token, at) = self.confirm_code(login, &token).await;
            assert_eq!(at.as_deref(), Some(expected));
            return token;
        }
        assert_eq!(at.as_deref(), Some(expected));
        token
    }

    /// The newest sign-in code sent to the person with this login (read from
    /// the outbox, as the dev inbox shows it).
    pub async fn last_code(&self, login: &str) -> String {
        use ezus_server::db::entities::outbox;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let login = login.trim().to_lowercase();
        let person = demo_data::DEMO_PEOPLE.iter().find(|p| p.login == login).expect("a test person");
        let message = outbox::Entity::find()
            .filter(outbox::Column::Recipient.is_in([person.email, person.phone]))
            .filter(outbox::Column::Purpose.eq("sign_in_code"))
            .order_by_desc(outbox::Column::Id)
            .one(&self.db().await)
            .await
            .unwrap()
            .expect("a code was sent");
        message
            .body
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("six digits in the message")
            .to_owned()
    }

    pub async fn submit_code(&self, code: &str, token: &str) -> reqwest::Response {
        self.post_form("/api/potwierdz-kod", "/kod-weryfikacyjny", &[("code", code)], Some(token)).await
    }

    /// Types the last code sent; returns the new token and where the browser goes.
    pub async fn confirm_code(&self, login: &str, token: &str) -> (String, Option<String>) {
        let code = self.last_code(login).await;
        let response = self.submit_code(&code, token).await;
        let new_token = session_cookie(&response, self.cookie_name).expect("a new token after the code");
        assert_ne!(new_token, token, "the token changes at the step up");
        (new_token, location(&response))
    }

    /// The server's tables, for checks of what it stored.
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        ezus_server::db::connect(&self.database_url, 4).await.unwrap()
    }
}

/// The page without Leptos's hydration markers (`<!>`, empty comments that
/// a browser shows nothing of, placed between the parts of a view): what a
/// test compares text in.
pub fn without_markers(html: &str) -> String {
    html.replace("<!>", "")
}

pub fn location(response: &reqwest::Response) -> Option<String> {
    response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned())
}

/// The value of our session cookie in `Set-Cookie`, and the whole header.
pub fn set_cookie_header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
}

pub fn session_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    set_cookie_header(response, name).map(|h| {
        h.split(';').next().unwrap().split_once('=').unwrap().1.to_owned()
    })
}

/// The server function error that a no-JS redirect carries in `__err`.
pub fn redirected_error(response: &reqwest::Response) -> Option<serde_json::Value> {
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = location(response)?;
    let url = reqwest::Url::parse(&location).ok()?;
    let (_, err) = url.query_pairs().find(|(k, _)| k == "__err")?;
    serde_json::from_slice(&URL_SAFE.decode(err.as_bytes()).ok()?).ok()
}

/// Runs each test body once against SQLite and once against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            use $crate::support::*;
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = TestApp::spawn(Backend::Sqlite).await.unwrap();
                    $body
                }
            )*
        }
        mod postgres {
            use $crate::support::*;
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some($app) = TestApp::spawn(Backend::Postgres).await else { return };
                    $body
                }
            )*
        }
    };
}
