//! Real gateways on 127.0.0.1, started by the tests: a minimal SMTP receiver
//! and an HTTP SMS gateway. Both record what reaches them.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU16, Ordering},
};

use axum::{Json, Router, extract::State, http::HeaderMap, routing::post};
use base64::{Engine, engine::general_purpose::STANDARD};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// What one SMTP transaction delivered.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The DATA section, dot-unstuffed, CRLF line ends.
    pub data: String,
}

pub struct SmtpReceiver {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    task: JoinHandle<()>,
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpReceiver {
    pub async fn start() -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(smtp_session(stream, store.clone()));
            }
        });
        SmtpReceiver { port, received, task }
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }
}

fn between_angles(line: &str) -> String {
    match (line.find('<'), line.rfind('>')) {
        (Some(a), Some(b)) if b > a => line[a + 1..b].to_owned(),
        _ => String::new(),
    }
}

async fn smtp_session(stream: TcpStream, store: Arc<Mutex<Vec<ReceivedMail>>>) {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut reply = async |text: &str| writer.write_all(text.as_bytes()).await.is_ok();
    if !reply("220 test.invalid ESMTP ready\r\n").await {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::new());
    loop {
        let mut raw = Vec::new();
        if reader.read_until(b'\n', &mut raw).await.unwrap_or(0) == 0 {
            return;
        }
        let line = String::from_utf8_lossy(&raw).trim_end().to_owned();
        let verb = line.split([' ', ':']).next().unwrap_or("").to_ascii_uppercase();
        let ok = match verb.as_str() {
            "EHLO" => reply("250-test.invalid\r\n250-8BITMIME\r\n250 PIPELINING\r\n").await,
            "HELO" => reply("250 test.invalid\r\n").await,
            "MAIL" => {
                from = between_angles(&line);
                to.clear();
                reply("250 OK\r\n").await
            }
            "RCPT" => {
                to.push(between_angles(&line));
                reply("250 OK\r\n").await
            }
            "DATA" => {
                if !reply("354 end with <CRLF>.<CRLF>\r\n").await {
                    return;
                }
                let mut data = Vec::new();
                loop {
                    let mut raw = Vec::new();
                    if reader.read_until(b'\n', &mut raw).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if raw == b".\r\n" || raw == b".\n" {
                        break;
                    }
                    let unstuffed = if raw.starts_with(b"..") { &raw[1..] } else { &raw[..] };
                    data.extend_from_slice(unstuffed);
                }
                store.lock().unwrap().push(ReceivedMail {
                    mail_from: from.clone(),
                    rcpt_to: to.clone(),
                    data: String::from_utf8(data).expect("the message is UTF-8 or 7-bit"),
                });
                reply("250 queued\r\n").await
            }
            "RSET" | "NOOP" => reply("250 OK\r\n").await,
            "QUIT" => {
                let _ = reply("221 bye\r\n").await;
                return;
            }
            _ => reply("502 not implemented\r\n").await,
        };
        if !ok {
            return;
        }
    }
}

/// A parsed plain-text e-mail: headers (unfolded, encoded words decoded) and
/// the body with its transfer encoding undone.
pub struct ParsedMail {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl ParsedMail {
    pub fn parse(data: &str) -> ParsedMail {
        let (head, body) = data.split_once("\r\n\r\n").expect("headers, blank line, body");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("a folded line follows a header");
                last.1.push(' ');
                last.1.push_str(line.trim());
            } else {
                let (name, value) = line.split_once(':').expect("name: value");
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        let mut parsed = ParsedMail { headers, body: String::new() };
        for header in &mut parsed.headers {
            header.1 = decode_words(&header.1);
        }
        let encoding = parsed.header("Content-Transfer-Encoding").unwrap_or("7bit").to_ascii_lowercase();
        parsed.body = match encoding.as_str() {
            "base64" => {
                let compact: String = body.split_whitespace().collect();
                String::from_utf8(STANDARD.decode(compact).unwrap()).unwrap()
            }
            "quoted-printable" => String::from_utf8(decode_quoted_printable(body)).unwrap(),
            _ => body.to_owned(),
        };
        parsed
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn decode_quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if bytes[i + 1..].starts_with(b"\n") => i += 2,
            b'=' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) to text;
/// the space between two encoded words disappears, as the RFC says.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut previous_was_word = false;
    for (n, token) in value.split(' ').enumerate() {
        let word = token
            .strip_prefix("=?")
            .and_then(|t| t.strip_suffix("?="))
            .and_then(|t| {
                let mut parts = t.splitn(3, '?');
                Some((parts.next()?, parts.next()?, parts.next()?))
            });
        match word {
            Some((charset, encoding, text)) => {
                assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
                let bytes = if encoding.eq_ignore_ascii_case("b") {
                    STANDARD.decode(text).unwrap()
                } else {
                    decode_quoted_printable(&text.replace('_', " "))
                };
                if n > 0 && !previous_was_word {
                    out.push(' ');
                }
                out.push_str(&String::from_utf8(bytes).unwrap());
                previous_was_word = true;
            }
            None => {
                if n > 0 {
                    out.push(' ');
                }
                out.push_str(token);
                previous_was_word = false;
            }
        }
    }
    out
}

/// One request as the SMS gateway saw it.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub json: serde_json::Value,
    /// The status it was answered with.
    pub answered: u16,
}

struct GatewayState {
    received: Mutex<Vec<SmsRequest>>,
    status: AtomicU16,
}

/// An HTTP SMS gateway: `POST /sms`, answering with a status the test sets.
pub struct SmsGateway {
    pub url: String,
    state: Arc<GatewayState>,
    task: JoinHandle<()>,
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_sms(State(state): State<Arc<GatewayState>>, headers: HeaderMap, Json(json): Json<serde_json::Value>) -> axum::http::StatusCode {
    let answered = state.status.load(Ordering::SeqCst);
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    state.received.lock().unwrap().push(SmsRequest {
        authorization: header("authorization"),
        content_type: header("content-type"),
        json,
        answered,
    });
    axum::http::StatusCode::from_u16(answered).unwrap()
}

impl SmsGateway {
    pub async fn start() -> SmsGateway {
        Self::start_on(TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    /// On a port given beforehand (a gateway that comes back).
    pub fn start_on(listener: TcpListener) -> SmsGateway {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(GatewayState { received: Mutex::new(Vec::new()), status: AtomicU16::new(200) });
        let app = Router::new().route("/sms", post(accept_sms)).with_state(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        SmsGateway { url: format!("http://127.0.0.1:{port}/sms"), state, task }
    }

    pub fn answer_with(&self, status: u16) {
        self.state.status.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<SmsRequest> {
        self.state.received.lock().unwrap().clone()
    }

    /// The requests it accepted (answered 2xx).
    pub fn accepted(&self) -> Vec<SmsRequest> {
        self.received().into_iter().filter(|r| (200..300).contains(&r.answered)).collect()
    }
}

#[test]
fn encoded_words_and_quoted_printable_decode() {
    assert_eq!(decode_words("=?utf-8?b?WmHFvMOzxYLEhw==?= =?utf-8?b?IGfEmcWbbMSF?= ja"), "Zażółć gęślą ja");
    assert_eq!(decode_words("Kod do logowania"), "Kod do logowania");
    assert_eq!(decode_quoted_printable("Dzie=C5=84 =\r\ndobry"), "Dzień dobry".as_bytes());
}

/// One request as the fake range API saw it.
#[derive(Debug, Clone)]
pub struct RangeRequest {
    pub path: String,
    pub add_padding: Option<String>,
}

struct RangeState {
    /// Upper-case SHA-1 hex → how often "seen".
    known: Mutex<Vec<(String, u64)>>,
    received: Mutex<Vec<RangeRequest>>,
    delay_ms: u64,
}

/// A Pwned Passwords range API: `GET /range/{prefix}` answers the suffixes
/// of the hashes it knows under that prefix, and padding lines (count 0).
pub struct FakeRangeApi {
    pub url: String,
    state: Arc<RangeState>,
    task: JoinHandle<()>,
}

impl Drop for FakeRangeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What names an outbox row at the gateway and in an e-mail's `Message-ID`,
/// as docs/sms-gateway.md documents it: its number and its time.
pub fn reference_of(row: &ezus_server::db::entities::outbox::Model) -> String {
    format!("{}.{}", row.id, row.created_at)
}

pub fn sha1_hex(password: &str) -> String {
    use sha1::{Digest, Sha1};
    Sha1::digest(password.as_bytes()).iter().map(|b| format!("{b:02X}")).collect()
}

async fn answer_range(
    State(state): State<Arc<RangeState>>,
    axum::extract::Path(prefix): axum::extract::Path<String>,
    headers: HeaderMap,
) -> String {
    state.received.lock().unwrap().push(RangeRequest {
        path: format!("/range/{prefix}"),
        add_padding: headers.get("add-padding").map(|v| v.to_str().unwrap().to_owned()),
    });
    if state.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(state.delay_ms)).await;
    }
    let known = state.known.lock().unwrap().clone();
    known
        .iter()
        .filter(|(hash, _)| hash.starts_with(&prefix.to_ascii_uppercase()))
        .map(|(hash, count)| format!("{}:{count}\r\n", &hash[5..]))
        .collect()
}

impl FakeRangeApi {
    /// Knows `known` (password, count); a count of 0 makes a padding line.
    /// Answers after `delay_ms`.
    pub async fn start(known: &[(&str, u64)], delay_ms: u64) -> FakeRangeApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let known = known.iter().map(|(p, n)| (sha1_hex(p), *n)).collect();
        let state = Arc::new(RangeState { known: Mutex::new(known), received: Mutex::new(Vec::new()), delay_ms });
        let app = Router::new().route("/range/{prefix}", axum::routing::get(answer_range)).with_state(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeRangeApi { url: format!("http://127.0.0.1:{port}"), state, task }
    }

    pub fn received(&self) -> Vec<RangeRequest> {
        self.state.received.lock().unwrap().clone()
    }
}
