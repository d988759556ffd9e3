//! The security headers on every response the public port gives: pages,
//! redirects, script answers, static files, the small routes outside
//! Leptos, and every error the HTTP layer or a page answers with — 400,
//! 401, 403, 404, 405, 408, 413, 415, 429 and 503.
//!
//! Break-checked: `security_headers::apply` returning the response
//! untouched for any status ≥ 400 fails this test at the first error.

use std::time::Duration;

use reqwest::{StatusCode, header};

use crate::support::*;

/// The headers every response must carry, whatever it is.
fn assert_security_headers(what: &str, h: &http::HeaderMap, static_file: bool) {
    let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{what}: no {name}: {h:?}"));
    let csp = get("content-security-policy");
    for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{what}: CSP lacks {directive}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert_eq!(get("cross-origin-opener-policy"), "same-origin", "{what}");
    assert!(get("permissions-policy").contains("camera=()"), "{what}");
    assert!(get("strict-transport-security").starts_with("max-age="), "{what}");
    let cache = get("cache-control");
    if static_file {
        assert_eq!(cache, "no-cache", "{what}: static files are revalidated");
    } else {
        assert_eq!(cache, "no-store", "{what}: nothing personal in any cache");
    }
}

/// A form post that declares `length` bytes, sends only `login=a` and then
/// waits: the status and headers of the answer, read from the socket (a
/// client would wait forever for a body it has not sent, or lose the
/// answer to a reset when the server closes on a body it will not read).
async fn partial_post(address: &str, path: &str, length: usize) -> (StatusCode, http::HeaderMap) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = address.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {address}\r\nAccept: text/html\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\nlogin=a"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut buffer)).await.expect("an answer").unwrap();
        assert!(n > 0, "closed without an answer");
        answer.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    let mut lines = text.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse::<u16>().unwrap();
    let mut headers = http::HeaderMap::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').unwrap();
        headers.append(http::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(), value.trim().parse().unwrap());
    }
    (StatusCode::from_u16(status).unwrap(), headers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_response_carries_the_security_headers_errors_and_static_files_included() {
    // A site with one static file; a short request timeout; a hashing queue
    // of one, so that a burst of sign-ins is refused with 503.
    let site = std::env::temp_dir().join(format!("ezus-headers-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/ezus.css"), "body{}").unwrap();
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, false);
    settings.leptos.as_mut().unwrap().site_root = site.display().to_string().into();
    settings.http.request_timeout_secs = 1;
    (settings.argon2.max_concurrent, settings.argon2.max_queued, settings.argon2.iterations) = (1, 1, 40);
    let app = TestApp::spawn_with(settings).await;
    let form = "application/x-www-form-urlencoded";
    let html = "text/html";
    let post = |path: &str| app.client.post(app.url(path));

    let mut seen: Vec<(String, reqwest::Response, bool)> = Vec::new();
    let mut expect = |what: &str, response: reqwest::Response, status: StatusCode, static_file: bool| {
        assert_eq!(response.status(), status, "{what}");
        seen.push((what.to_owned(), response, static_file));
    };
    expect("a page", app.get("/logowanie", None).await, StatusCode::OK, false);
    expect("the root's redirect", app.get("/", None).await, StatusCode::SEE_OTHER, false);
    expect("a guarded page's redirect", app.get("/portal", None).await, StatusCode::SEE_OTHER, false);
    expect("a form post's redirect", app.sign_in("jkowalski", "zle-haslo-12345").await, StatusCode::FOUND, false);
    expect("a static file", app.client.get(app.url("/pkg/ezus.css")).send().await.unwrap(), StatusCode::OK, true);
    expect("a missing static file", app.client.get(app.url("/pkg/nie-ma.js")).send().await.unwrap(), StatusCode::NOT_FOUND, true);
    expect("liveness", app.get("/healthz", None).await, StatusCode::OK, false);
    expect("readiness", app.get("/readyz", None).await, StatusCode::OK, false);
    expect("400 page", post("/api/zaloguj").header(header::ACCEPT, html).header(header::CONTENT_TYPE, form).body("%%%").send().await.unwrap(), StatusCode::BAD_REQUEST, false);
    expect("400 to a script", post("/api/zaloguj").header(header::ACCEPT, "application/json").header(header::CONTENT_TYPE, form).body("%%%").send().await.unwrap(), StatusCode::BAD_REQUEST, false);
    expect("401 to a script", post("/api/portal").header(header::ACCEPT, "application/json").send().await.unwrap(), StatusCode::UNAUTHORIZED, false);
    let foreign = post("/api/zaloguj").header(header::ORIGIN, "https://evil.example").header(header::ACCEPT, html).form(&[("login", "a"), ("password", "b")]);
    expect("403 page (another site's form)", foreign.send().await.unwrap(), StatusCode::FORBIDDEN, false);
    expect("404 page", app.get("/nie/ma/takiej/strony", None).await, StatusCode::NOT_FOUND, false);
    expect("404 of the hidden dev pages", app.get("/dev/skrzynka", None).await, StatusCode::NOT_FOUND, false);
    expect("405", app.client.delete(app.url("/healthz")).send().await.unwrap(), StatusCode::METHOD_NOT_ALLOWED, false);
    expect("415 page", post("/api/zaloguj").header(header::ACCEPT, html).header(header::CONTENT_TYPE, "application/json").body("{}").send().await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE, false);

    // 429: one login, wrong again and again, is made to wait.
    let mut throttled = None;
    for _ in 0..8 {
        let response = post("/api/zaloguj").header(header::ACCEPT, "application/json").form(&[("login", "jkowalski"), ("password", "zle-haslo-12345")]).send().await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(response);
            break;
        }
    }
    expect("429 to a script", throttled.expect("throttled within 8 tries"), StatusCode::TOO_MANY_REQUESTS, false);
    // 503: more sign-ins at once than the hashing queue admits.
    let burst = (0..8).map(|i| {
        post("/api/zaloguj").header(header::ACCEPT, "application/json").form(&[("login", format!("ktos{i}")), ("password", "zle-haslo-12345".into())]).send()
    });
    let overloaded = futures_util::future::join_all(burst).await.into_iter().map(Result::unwrap).find(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE);
    expect("503 to a script", overloaded.expect("a burst of 8 overflows a queue of 1"), StatusCode::SERVICE_UNAVAILABLE, false);

    let (status, timed_out) = partial_post(&app.address, "/api/zaloguj", 100).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT, "a body that never arrives");
    assert_security_headers("408 page", &timed_out, false);
    let (status, too_large) = partial_post(&app.address, "/api/zaloguj", 70 * 1024).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "a body declared over 64 KiB");
    assert_security_headers("413 page", &too_large, false);
    for (what, response, static_file) in &seen {
        assert_security_headers(what, response.headers(), *static_file);
    }
    // Pages, and error pages, allow scripts only with their own fresh nonce.
    for (what, response, _) in seen {
        let is_html = response.headers().get(header::CONTENT_TYPE).is_some_and(|c| c.to_str().unwrap().starts_with("text/html"));
        let nonce = super::csp_nonce(&response).unwrap_or_else(|| panic!("{what}: a nonce"));
        if is_html {
            let body = response.text().await.unwrap();
            assert_eq!(body.matches("<script").count(), body.matches(&format!("nonce=\"{nonce}\"")).count(), "{what}: {body}");
        }
    }
    let _ = std::fs::remove_dir_all(&site);
}
