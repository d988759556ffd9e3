//! The configuration's own rules: the shipped file, every key named when bad.
use super::*;

const SHIPPED: &str = include_str!("../../../Leptos.toml");

/// The shipped file as ./scripts/serve runs it (EZUS_SITE__DEV_MODE=true);
/// as shipped it refuses its dev-inbox transports. Shared with the tests of
/// the other tables (`config/sms.rs`, `config/retention.rs`).
pub(super) static DEV_FILE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| SHIPPED.replace("dev_mode = false", "dev_mode = true"));

fn dev() -> String {
    DEV_FILE.clone()
}

/// The file without login.gov.pl (its shipped settings are the simulator's).
fn without_node(text: &str) -> String {
    text.replace("\nenabled = true\n# The SP's", "\nenabled = false\n# The SP's")
}

/// A production file: real transports, dev mode off.
fn production() -> String {
    // The shipped node settings are the simulator's, with published keys.
    without_node(SHIPPED)
        .replace("email_transport = \"dev_inbox\"", "email_transport = \"smtp\"")
        .replace("smtp_host = \"\"", "smtp_host = \"mail.zus.pl\"")
        .replace("sms_transport = \"dev_inbox\"", "sms_transport = \"http\"")
        .replace("sms_gateway_url = \"\"", "sms_gateway_url = \"https://sms.zus.pl/send\"")
        .replace("sms_gateway_token = \"\"", "sms_gateway_token = \"t0ken\"")
}

#[test]
fn the_published_node_keys_and_plain_http_are_refused_outside_dev_mode() {
    let node_on = production().replace("\nenabled = false\n# The SP's", "\nenabled = true\n# The SP's");
    let e = Settings::from_toml(&node_on, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("national_node") && e.contains("https://"), "{e}");
    let https = node_on.replace("\"http://127.0.0.1:", "\"https://127.0.0.1:");
    let e = Settings::from_toml(&https, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("national_node") && e.contains("dev-keys"), "{e}");
    let own = https.replace("server/dev-keys/", "/etc/ezus/").replace("node-simulator/dev-keys/", "/etc/ezus/");
    assert!(Settings::from_toml(&own, "Leptos.toml").unwrap().national_node.enabled);
    let e = Settings::from_toml(&dev().replace("min_loa = \"substantial\"", "min_loa = \"medium\""), "Leptos.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("national_node.min_loa"), "{e}");
}

#[test]
fn the_shipped_file_is_not_in_dev_mode_and_asks_for_real_transports() {
    assert!(SHIPPED.contains("\ndev_mode = false\n"));
    let e = Settings::from_toml(SHIPPED, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.email_transport") && e.contains("dev mode"), "{e}");
    let s = Settings::from_toml(&production(), "Leptos.toml").unwrap();
    assert!(!s.site.dev_mode);
}

#[test]
fn dev_mode_only_on_loopback_and_never_with_real_transports() {
    let on_all = |text: &str| text.replace("site-addr = \"127.0.0.1:3000\"", "site-addr = \"0.0.0.0:3000\"");
    let e = Settings::from_toml(&on_all(&dev()), "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("site.dev_mode") && e.contains("loopback"), "{e}");
    let v6 = dev().replace("site-addr = \"127.0.0.1:3000\"", "site-addr = \"[::1]:3000\"");
    assert!(Settings::from_toml(&v6, "Leptos.toml").is_ok());
    let real = production().replace("dev_mode = false", "dev_mode = true");
    let e = Settings::from_toml(&real, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("site.dev_mode") && e.contains("dev_inbox"), "{e}");
}

#[test]
fn beyond_loopback_production_must_say_which_proxies_to_trust() {
    let exposed = production().replace("site-addr = \"127.0.0.1:3000\"", "site-addr = \"0.0.0.0:8080\"");
    let e = Settings::from_toml(&exposed, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("http.trusted_proxies") && e.contains("0.0.0.0:8080"), "{e}");
    let none = exposed.replace("# trusted_proxies = [\"10.0.0.0/8\"]", "trusted_proxies = []");
    assert!(Settings::from_toml(&none, "Leptos.toml").unwrap().http.trusted_proxies().is_empty());
    let some = exposed.replace("# trusted_proxies = [\"10.0.0.0/8\"]", "trusted_proxies = [\"10.0.0.0/8\", \"192.0.2.1\"]");
    assert_eq!(Settings::from_toml(&some, "Leptos.toml").unwrap().http.trusted_proxies().len(), 2);
    let bad = exposed.replace("# trusted_proxies = [\"10.0.0.0/8\"]", "trusted_proxies = [\"10.0.0.0/33\"]");
    let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("http.trusted_proxies") && e.contains("10.0.0.0/33"), "{e}");
}

#[test]
fn the_dev_file_is_valid() {
    let s = Settings::from_toml(&dev(), "Leptos.toml").unwrap();
    assert!(s.database.url.starts_with("sqlite:"));
    assert_eq!(s.argon2.memory_kib, 19456);
    assert_eq!(s.session.idle_timeout_secs, 900);
    assert_eq!(s.session.absolute_timeout_secs, 12 * 3600);
    assert_eq!(&*s.leptos_options().output_name, "ezus");
}

#[test]
fn a_bad_value_names_its_key() {
    let bad = SHIPPED.replace("memory_kib = 19456", "memory_kib = \"lots\"");
    let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("memory_kib"), "{e}");

    let bad = SHIPPED.replace("sqlite://", "mysql://");
    let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("database.url"), "{e}");

    let bad = SHIPPED.replace("idle_timeout_secs = 900", "idle_timeout_secs = 90000");
    let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("session.absolute_timeout_secs"), "{e}");
}

#[test]
fn dev_inbox_transports_are_refused_outside_dev_mode() {
    let production = SHIPPED.to_owned();
    let e = Settings::from_toml(&production, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.email_transport") && e.contains("dev mode"), "{e}");

    let smtp = production
        .replace("email_transport = \"dev_inbox\"", "email_transport = \"smtp\"")
        .replace("smtp_host = \"\"", "smtp_host = \"mail.zus.pl\"");
    let e = Settings::from_toml(&smtp, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.sms_transport") && e.contains("dev mode"), "{e}");

    let both = smtp
        .replace("sms_transport = \"dev_inbox\"", "sms_transport = \"http\"")
        .replace("sms_gateway_url = \"\"", "sms_gateway_url = \"https://sms.zus.pl/send\"")
        .replace("sms_gateway_token = \"\"", "sms_gateway_token = \"t0ken\"");
    let clear = both
        .replace("smtp_tls = \"starttls\"", "smtp_tls = \"none\"")
        .replace("smtp_username = \"\"", "smtp_username = \"ezus\"")
        .replace("smtp_password = \"\"", "smtp_password = \"tajne\"");
    let e = Settings::from_toml(&clear, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.smtp_tls"), "{e}");

    let s = Settings::from_toml(&without_node(&both), "Leptos.toml").unwrap();
    assert_eq!(s.notifications.email_transport, EmailTransport::Smtp);
    assert_eq!(s.notifications.sms_transport, SmsTransport::Http);
    assert!(!format!("{s:?}").contains("t0ken"), "the token stays out of debug output");
}

#[test]
fn each_transport_names_the_key_it_is_missing() {
    let smtp = SHIPPED.replace("email_transport = \"dev_inbox\"", "email_transport = \"smtp\"");
    let e = Settings::from_toml(&smtp, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.smtp_host"), "{e}");

    let with_host = smtp.replace("smtp_host = \"\"", "smtp_host = \"mail.zus.pl\"");
    let no_from = with_host.replace("mail_from = \"eZUS <no-reply@zus.pl>\"", "mail_from = \"no-reply\"");
    let e = Settings::from_toml(&no_from, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.mail_from"), "{e}");
    let user_only = with_host.replace("smtp_username = \"\"", "smtp_username = \"ezus\"");
    let e = Settings::from_toml(&user_only, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.smtp_password"), "{e}");

    let http = dev().replace("sms_transport = \"dev_inbox\"", "sms_transport = \"http\"");
    let e = Settings::from_toml(&http, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.sms_gateway_url"), "{e}");
    let with_url = http.replace("sms_gateway_url = \"\"", "sms_gateway_url = \"https://sms.zus.pl/send\"");
    let e = Settings::from_toml(&with_url, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.sms_gateway_token"), "{e}");

    let unknown = SHIPPED.replace("sms_transport = \"dev_inbox\"", "sms_transport = \"pigeon\"");
    let e = Settings::from_toml(&unknown, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("sms_transport"), "{e}");

    let never = dev().replace("poll_interval_ms = 1000", "poll_interval_ms = 0");
    let e = Settings::from_toml(&never, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("notifications.poll_interval_ms"), "{e}");
}

#[test]
fn the_breached_passwords_table_is_checked() {
    let s = Settings::from_toml(&dev(), "Leptos.toml").unwrap();
    assert_eq!(s.breached_passwords.range_api_url, "", "off unless configured");
    let bad = dev().replace("range_api_url = \"\"", "range_api_url = \"ftp://x\"");
    let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("breached_passwords.range_api_url"), "{e}");
    let bad = dev().replace("timeout_ms = 2000", "timeout_ms = 0");
    let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("breached_passwords.timeout_ms"), "{e}");
}

#[test]
fn a_missing_key_is_named() {
    let bad = SHIPPED.replace("max_connections = 10", "");
    let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
    assert!(e.contains("max_connections"), "{e}");
}
