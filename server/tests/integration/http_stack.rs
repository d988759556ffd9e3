//! What every response carries, and the answers of the HTTP layer.

use reqwest::{StatusCode, header};

use crate::on_both_databases;
use crate::support::*;

async fn sqlite_app(dev_mode: bool) -> TestApp {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    TestApp::spawn_with(test_settings(&url, dev_mode)).await
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_a_fresh_csp_nonce() {
    let app = sqlite_app(false).await;
    let first = app.get("/logowanie", None).await;
    let second = app.get("/logowanie", None).await;
    let h = first.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    let other_csp = second.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(!other_csp.contains(&nonce), "a nonce is never reused");
    // Every script in the page carries this response's nonce, so it runs.
    let html = first.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(html.matches(&format!(r#"nonce="{nonce}""#)).count(), scripts, "{html}");
}

#[tokio::test]
async fn dev_mode_sends_no_hsts_and_a_plain_http_cookie() {
    let app = sqlite_app(true).await;
    assert!(app.get("/logowanie", None).await.headers().get("strict-transport-security").is_none());
    let response = app.sign_in("jkowalski", JAN.password).await;
    let cookie = set_cookie_header(&response, "ezus_session").expect("dev cookie");
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
}

#[tokio::test]
async fn the_root_leads_to_sign_in() {
    let app = sqlite_app(false).await;
    let response = app.get("/", None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response).as_deref(), Some("/logowanie"));
}

#[tokio::test]
async fn unknown_paths_get_an_accessible_404_page() {
    let app = sqlite_app(false).await;
    let response = app.get("/nie/ma/takiej/strony", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="pl">"#));
    assert!(html.contains("Nie znaleziono strony"));
    assert!(html.contains("Przejdź do treści"));
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused_with_413_and_a_page() {
    let app = sqlite_app(false).await;
    let big = "a".repeat(64 * 1024 + 1);
    let response = app
        .client
        .post(app.url("/api/zaloguj"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("login={big}&password=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let html = response.text().await.unwrap();
    assert!(html.contains("Przesłane dane są zbyt duże"), "{html}");
    // Just under the limit is an ordinary (wrong) sign-in.
    let fits = "a".repeat(60 * 1024);
    let response = app.sign_in(&fits, "x").await;
    assert!(redirected_error(&response).unwrap().get("InvalidCredentials").is_some());
}

#[tokio::test]
async fn health_and_readiness() {
    let app = sqlite_app(false).await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

on_both_databases! {
    requests_from_other_sites_change_nothing(app) {
        // A page elsewhere posts the sign-in form (login CSRF) as a browser would.
        let forged = app.client.post(app.url("/api/zaloguj"))
            .header("origin", "https://evil.example")
            .header("accept", "text/html")
            .form(&[("login", "jkowalski"), ("password", JAN.password)])
            .send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert!(set_cookie_header(&forged, app.cookie_name).is_none(), "no session for the forger");
        let page = forged.text().await.unwrap();
        assert!(page.contains("<h1>Nie przyjęliśmy formularza</h1>") && page.contains("lang=\"pl\""), "{page}");

        // A signed-in victim: a foreign page's script call to sign out, and a
        // call with neither Origin nor Sec-Fetch-Site, change nothing.
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let cookie = format!("{}={token}", app.cookie_name);
        let bare_client = || reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let foreign = app.client.post(app.url("/api/wyloguj"))
            .header("origin", "https://evil.example").header("cookie", &cookie).header("accept", "application/json")
            .send().await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
        let bare = bare_client().post(app.url("/api/wyloguj")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(bare.status(), StatusCode::FORBIDDEN, "neither Origin nor Sec-Fetch-Site");
        let cross_site = bare_client().post(app.url("/api/wyloguj")).header("cookie", &cookie)
            .header("sec-fetch-site", "cross-site").send().await.unwrap();
        assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
        // Still signed in: nothing happened.
        assert_eq!(app.get("/portal", Some(&token)).await.status(), StatusCode::OK);
        // The same request from the portal's own page works.
        let own = bare_client().post(app.url("/api/wyloguj")).header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin").header("referer", app.url("/portal")).header("accept", "text/html")
            .send().await.unwrap();
        assert_eq!(location(&own).as_deref(), Some("/wylogowano"));
        assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/logowanie?sesja=wygasla"));
    }
}

#[tokio::test]
async fn static_files_come_precompressed_when_built_so_and_are_revalidated() {
    use std::io::Write;
    const HASHED: &str = "ezus.Qm9vLWJhci1iYXotcXV1eA.css";
    const IMMUTABLE: &str = "public, max-age=31536000, immutable";
    let site = std::env::temp_dir().join(format!("ezus-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/ezus.css"), "body{}").unwrap();
    std::fs::write(site.join("pkg").join(HASHED), "main{}").unwrap();
    // Gzip files made "at build time", different from what on-the-fly
    // compression would give: served as they are.
    let gzip = |text: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(text).unwrap();
        gz.finish().unwrap()
    };
    let built = gzip(b"body{color:black}");
    std::fs::write(site.join("pkg/ezus.css.gz"), &built).unwrap();
    let built_hashed = gzip(b"main{color:black}");
    std::fs::write(site.join("pkg").join(format!("{HASHED}.gz")), &built_hashed).unwrap();

    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, false);
    settings.leptos.as_mut().unwrap().site_root = site.display().to_string().into();
    let app = TestApp::spawn_with(settings.clone()).await;
    let get = |path: &str| app.client.get(app.url(path));

    // A name without a hash: revalidated on every use.
    let zipped = get("/pkg/ezus.css").header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(zipped.status(), StatusCode::OK);
    assert_eq!(zipped.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(zipped.headers()[header::CACHE_CONTROL], "no-cache", "no hash in the name: revalidated");
    assert!(zipped.headers().contains_key(header::CONTENT_SECURITY_POLICY), "security headers on static files too");
    let last_modified = zipped.headers()[header::LAST_MODIFIED].clone();
    assert_eq!(zipped.bytes().await.unwrap().as_ref(), built.as_slice());

    let plain = get("/pkg/ezus.css").send().await.unwrap();
    assert_eq!(plain.headers()[header::CACHE_CONTROL], "no-cache");
    assert_eq!(plain.text().await.unwrap(), "body{}");
    let unchanged = get("/pkg/ezus.css").header(header::IF_MODIFIED_SINCE, last_modified).send().await.unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.headers()[header::CACHE_CONTROL], "no-cache");

    // A name with the build's hash: kept for a year, compressed or not.
    let hashed = get(&format!("/pkg/{HASHED}")).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(hashed.status(), StatusCode::OK);
    assert_eq!(hashed.headers()[header::CACHE_CONTROL], IMMUTABLE, "a new build gives a new name");
    assert_eq!(hashed.headers()[header::CONTENT_ENCODING], "gzip");
    assert!(hashed.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    assert_eq!(hashed.bytes().await.unwrap().as_ref(), built_hashed.as_slice());
    let hashed_plain = get(&format!("/pkg/{HASHED}")).send().await.unwrap();
    assert_eq!(hashed_plain.headers()[header::CACHE_CONTROL], IMMUTABLE);
    assert_eq!(hashed_plain.text().await.unwrap(), "main{}");
    // A hashed name that is not there (an older build's page): not kept.
    let gone = get("/pkg/ezus.R29uZS1nb25lLWdvbmUtZ2.css").send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(gone.headers()[header::CACHE_CONTROL], "no-cache", "a 404 is never immutable");

    // A server told that its site is hashed, without the hash list beside its
    // binary, would write pages naming files that are not there: it refuses.
    settings.leptos.as_mut().unwrap().hash_files = true;
    let refused = ezus_server::startup::Application::build(settings).await.err().expect("refused to start");
    assert!(refused.to_string().contains("hash-files"), "{refused}");
    let _ = std::fs::remove_dir_all(&site);
}

#[tokio::test]
async fn metrics_are_served_on_their_own_port_only_and_count_what_happens() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let settings = test_settings(&url, false);
    let application = ezus_server::startup::Application::build(settings).await.unwrap();
    let metrics = format!("http://{}/metrics", application.metrics_address().expect("a metrics listener"));
    let public = format!("http://{}", application.address());
    tokio::spawn(application.run_until_stopped());
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let count = |text: &str, series: &str| -> f64 {
        text.lines().find(|l| l.starts_with(series)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok()).unwrap_or(0.0)
    };
    let series = r#"ezus_sign_in_failures_total{method="password",reason="invalid_credentials"}"#;
    let before = count(&client.get(&metrics).send().await.unwrap().text().await.unwrap(), series);

    let refused = client
        .post(format!("{public}/api/zaloguj"))
        .header(header::ORIGIN, &public)
        .form(&[("login", "nikt-taki"), ("password", "Jakies-Haslo-2024")])
        .send()
        .await
        .unwrap();
    assert!(refused.status().is_client_error() || refused.status().is_redirection());

    let text = client.get(&metrics).send().await.unwrap().text().await.unwrap();
    // Other tests in this process count too (one recorder): at least ours.
    assert!(count(&text, series) >= before + 1.0, "{text}");
    assert!(text.contains("ezus_password_hash_seconds_bucket"), "the hashing histogram: {text}");
    assert!(text.contains("ezus_outbox_depth"), "the outbox gauge: {text}");
    let on_public = client.get(format!("{public}/metrics")).send().await.unwrap();
    assert_eq!(on_public.status(), StatusCode::NOT_FOUND, "never on the public port");
}
