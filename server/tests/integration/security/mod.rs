//! The security suite of issue 10 (OWASP ASVS 4.0.3 level 2, see
//! docs/security.md): what an attacker observes, over HTTP, against the
//! real server.

pub mod stats;
mod html_scan;

mod enumeration;
mod flows_out_of_order;
mod headers;
mod idor;
mod injection;
mod random_input;

use reqwest::{StatusCode, header};

use crate::support::*;

pub async fn sqlite_app(dev_mode: bool) -> TestApp {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    TestApp::spawn_with(test_settings(&url, dev_mode)).await
}

/// An answer as an observer compares it: the status, where it leads, the
/// headers (the cookie values, the CSP nonce, the date and the length
/// masked) and the body (the nonce and the given strings masked).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: Vec<String>,
    pub body: String,
}

/// The nonce of the response's CSP, if it has one.
pub fn csp_nonce(response: &reqwest::Response) -> Option<String> {
    let csp = response.headers().get(header::CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    Some(csp.split("'nonce-").nth(1)?.split('\'').next()?.to_owned())
}

impl Answer {
    pub async fn of(response: reqwest::Response, masked: &[(&str, &str)]) -> Answer {
        let nonce = csp_nonce(&response);
        let mask = |text: &str| {
            let mut text = text.to_owned();
            if let Some(nonce) = &nonce {
                text = text.replace(nonce.as_str(), "NONCE");
            }
            for (from, to) in masked {
                text = text.replace(from, to);
            }
            text
        };
        let mut headers: Vec<String> = response
            .headers()
            .iter()
            .filter(|(name, _)| ![header::DATE, header::CONTENT_LENGTH, header::LOCATION].contains(name))
            .map(|(name, value)| {
                let value = value.to_str().unwrap_or("(not text)");
                let value = if name == header::SET_COOKIE {
                    match value.split_once('=') {
                        Some((cookie, rest)) => {
                            // The value and the time-dependent `Expires` of a removal masked.
                            let attributes = rest.split(';').skip(1).map(str::trim).filter(|a| !a.starts_with("Expires="));
                            format!("{cookie}=TOKEN; {}", attributes.collect::<Vec<_>>().join("; "))
                        }
                        None => value.to_owned(),
                    }
                } else {
                    mask(value)
                };
                format!("{name}: {value}")
            })
            .collect();
        headers.sort();
        let status = response.status();
        let location = location(&response).map(|l| mask(&l));
        let body = mask(&response.text().await.unwrap());
        Answer { status, location, headers, body }
    }
}

/// Every answer is the first one; else the first that differs, with where.
pub fn assert_all_same(what: &str, answers: &[Answer]) {
    let Some(first) = answers.first() else { return };
    if let Some(other) = answers.iter().find(|a| *a != first) {
        let at = first.body.chars().zip(other.body.chars()).take_while(|(a, b)| a == b).count();
        let around = |body: &str| body.chars().skip(at.saturating_sub(80)).take(240).collect::<String>();
        panic!(
            "{what}: answers differ:\n{:?} {:?} {:?}\nvs\n{:?} {:?} {:?}\nbody ({} and {} chars) from char {at}:\n{}\nvs\n{}",
            first.status, first.location, first.headers, other.status, other.location, other.headers,
            first.body.chars().count(), other.body.chars().count(), around(&first.body), around(&other.body)
        );
    }
}
