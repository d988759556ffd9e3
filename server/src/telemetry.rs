//! Logging: human-readable lines in dev mode, JSON lines otherwise.
//! `RUST_LOG` sets the level (default: info).

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init(dev_mode: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if dev_mode {
        registry.with(fmt::layer().compact()).try_init()
    } else {
        registry.with(fmt::layer().json().flatten_event(true)).try_init()
    };
    // Tests start many servers in one process: the first one installs it.
    let _ = result;
}
