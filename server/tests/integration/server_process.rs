//! The real server binary as a child process, for the tests that kill it
//! (SIGKILL) and for the soak: a process of its own, on a SQLite file, as
//! `end2end/start-server.mjs` starts it for Playwright.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use std::process::{Child, Command};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh SQLite file (not yet created) and its database URL.
pub fn fresh_sqlite_file(name: &str) -> (PathBuf, String) {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let path = std::env::temp_dir().join(format!("ezus-{name}-{suffix}.sqlite"));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    (path, url)
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct ServerProcess {
    child: Child,
    /// None for the soak's own server (it holds the whole machine).
    _shared: Option<crate::support::Shared>,
    pub port: u16,
    pub address: String,
    /// Where its log lines go (kept for a failing test to show).
    pub log: PathBuf,
}

impl ServerProcess {
    /// Starts `server` on `port` against `database_url`, with the shipped
    /// `Leptos.toml` and `env` on top, and waits until `/healthz` answers.
    pub async fn start(port: u16, database_url: &str, env: &[(&str, String)]) -> ServerProcess {
        Self::start_as(Some(crate::support::Shared::enter().await), port, database_url, env).await
    }

    /// For the soak, which holds [`crate::support::Exclusive`] already.
    pub async fn start_alone(port: u16, database_url: &str, env: &[(&str, String)]) -> ServerProcess {
        Self::start_as(None, port, database_url, env).await
    }

    async fn start_as(shared: Option<crate::support::Shared>, port: u16, database_url: &str, env: &[(&str, String)]) -> ServerProcess {
        let root = repo_root();
        let log = std::env::temp_dir().join(format!("ezus-server-{port}-{}.log", std::process::id()));
        let log_file = std::fs::OpenOptions::new().create(true).append(true).open(&log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .current_dir(&root)
            .env("EZUS_CONFIG", root.join("Leptos.toml"))
            .env("LEPTOS_SITE_ROOT", root.join("target/site"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            // No hash list: ./scripts/test runs these before `cargo leptos
            // build` writes one, and they fetch no page assets.
            .env("LEPTOS_HASH_FILES", "false")
            .env("EZUS_DATABASE__URL", database_url)
            .env("EZUS_METRICS__LISTEN", "127.0.0.1:0")
            .env("EZUS_NATIONAL_NODE__ENABLED", "false")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("the server binary starts");
        let server = ServerProcess { child, _shared: shared, port, address: format!("http://127.0.0.1:{port}"), log };
        server.wait_until_healthy(Duration::from_secs(60)).await;
        server
    }

    async fn wait_until_healthy(&self, within: Duration) {
        let client = reqwest::Client::new();
        let start = Instant::now();
        while start.elapsed() < within {
            if let Ok(r) = client.get(format!("{}/healthz", self.address)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not answer /healthz within {within:?}; its log:\n{}", self.log_text());
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flush, nothing finished.
    pub async fn kill(mut self) {
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        assert!(!status.success(), "killed, not exited: {status:?}");
    }

    /// Ends it the gentle way (SIGTERM), for the end of a test.
    pub async fn stop(mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() {
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

impl Drop for ServerProcess {
    /// A test that fails leaves no server behind.
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Removes a SQLite file and its companions.
pub fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
