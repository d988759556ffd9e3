//! Logging: human-readable lines in dev mode, JSON lines otherwise.
//! `RUST_LOG` sets the level (default: info).

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// The server's log: on stdout.
pub fn init(dev_mode: bool) {
    install(dev_mode, std::io::stdout);
}

/// An operator command's log: on stderr, so that stdout holds only what
/// the command says it did.
pub fn init_on_stderr(dev_mode: bool) {
    install(dev_mode, std::io::stderr);
}

fn install<W>(dev_mode: bool, writer: W)
where
    W: for<'w> fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if dev_mode {
        registry.with(fmt::layer().compact().with_writer(writer)).try_init()
    } else {
        registry.with(fmt::layer().json().flatten_event(true).with_writer(writer)).try_init()
    };
    // Tests start many servers in one process: the first one installs it.
    let _ = result;
}

/// The most of a user-supplied string that reaches a log line.
pub const LOGGED_CHARS: usize = 64;

/// A user-supplied string (a login, an account or role value, a header) as
/// it may appear in a log line: at most [`LOGGED_CHARS`] characters, with
/// control characters escaped, so it can neither forge lines nor flood them.
pub fn sanitised(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == LOGGED_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_strings_are_truncated_and_cannot_forge_lines() {
        assert_eq!(sanitised("jkowalski"), "jkowalski");
        assert_eq!(sanitised("a\nINFO forged line\r\u{1b}[31m"), "a\\nINFO forged line\\r\\u{1b}[31m");
        let long = sanitised(&"x".repeat(10_000));
        assert_eq!(long.chars().count(), LOGGED_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(sanitised("Zażółć"), "Zażółć");
    }
}
