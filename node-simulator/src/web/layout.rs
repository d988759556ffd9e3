//! The page shell and form helpers shared by all pages: Polish, `lang="pl"`,
//! landmarks (header, main, footer), a skip link, error summaries linking to
//! the fields, `aria-invalid`/`aria-describedby` on wrong fields.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::saml::random_bytes;

/// The nonce of the page's inline script, for the CSP set by the middleware.
#[derive(Clone)]
pub struct CspNonce(pub String);

pub struct Page {
    title: String,
    body: Markup,
    script: Option<String>,
    status: StatusCode,
    /// Narrow layout for the "phone" page of the eDO App.
    app: bool,
}

pub fn page(title: impl Into<String>, body: Markup) -> Page {
    Page {
        title: title.into(),
        body,
        script: None,
        status: StatusCode::OK,
        app: false,
    }
}

/// A page with a form: while it shows errors its title starts with
/// "Błąd: " and the answer is 422.
pub fn page_with_form(title: &str, errors: &[FieldError], body: Markup) -> Page {
    if errors.is_empty() {
        page(title, body)
    } else {
        page(format!("Błąd: {title}"), body).status(StatusCode::UNPROCESSABLE_ENTITY)
    }
}

impl Page {
    pub fn script(mut self, js: impl Into<String>) -> Self {
        self.script = Some(js.into());
        self
    }
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
    pub fn app(mut self) -> Self {
        self.app = true;
        self
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let nonce = base64_nonce();
        let brand = if self.app {
            "eDO App (symulator)"
        } else {
            "login.gov.pl (symulator)"
        };
        let markup = html! {
            (DOCTYPE)
            html lang="pl" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " – " (brand) }
                    link rel="icon" href="data:,";
                    link rel="stylesheet" href="/static/symulator.css";
                }
                body {
                    a class="skip-link" href="#tresc" { "Przejdź do treści" }
                    header class="site-header" {
                        div class="wrap" {
                            p class="brand" {
                                @if self.app { "eDO App " } @else { "login.gov.pl " }
                                span class="brand-sim" { "(symulator)" }
                            }
                        }
                    }
                    main id="tresc" tabindex="-1" {
                        div class="wrap" { (self.body) }
                    }
                    footer class="site-footer" {
                        div class="wrap" {
                            p {
                                "Symulator węzła krajowego do rozwoju i testów portalu eZUS. "
                                "To nie jest prawdziwy login.gov.pl – nie wpisuj tu prawdziwych danych."
                            }
                        }
                    }
                    @if let Some(js) = &self.script {
                        script nonce=(nonce) { (PreEscaped(js)) }
                    }
                }
            }
        };
        let mut resp = (self.status, markup.into_string()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if self.script.is_some() {
            resp.extensions_mut().insert(CspNonce(nonce));
        }
        resp
    }
}

fn base64_nonce() -> String {
    use base64::{Engine, engine::general_purpose::STANDARD};
    STANDARD.encode(random_bytes::<16>())
}

/// One wrong field: the id of its input and the message.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

pub fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

pub fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// The error summary at the top of a form; each entry links to its field.
pub fn error_summary(errors: &[FieldError]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="error-summary" role="alert" aria-labelledby="podsumowanie-bledow" tabindex="-1" {
                h2 id="podsumowanie-bledow" { "Popraw dane" }
                ul {
                    @for e in errors {
                        li { a href={ "#" (e.field) } { (e.message) } }
                    }
                }
            }
        }
    }
}

/// Options of a text input.
#[derive(Default, Clone, Copy)]
pub struct Input<'a> {
    pub id: &'static str,
    pub label: &'a str,
    pub value: &'a str,
    pub kind: &'a str,
    pub autocomplete: Option<&'a str>,
    pub inputmode: Option<&'a str>,
    pub maxlength: Option<u32>,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub class: Option<&'a str>,
}

/// A labelled input whose `name` equals its `id`.
pub fn input(i: Input<'_>) -> Markup {
    let hint_id = format!("{}-podpowiedz", i.id);
    let error_id = format!("{}-blad", i.id);
    let mut described = Vec::new();
    if i.hint.is_some() {
        described.push(hint_id.as_str());
    }
    if i.error.is_some() {
        described.push(error_id.as_str());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let kind = if i.kind.is_empty() { "text" } else { i.kind };
    html! {
        div class={ "field" @if i.error.is_some() { " field-error" } } {
            label for=(i.id) { (i.label) }
            @if let Some(h) = i.hint { p class="hint" id=(hint_id) { (h) } }
            @if let Some(e) = i.error { p class="error-message" id=(error_id) { span class="visually-hidden" { "Błąd: " } (e) } }
            input id=(i.id) name=(i.id) type=(kind) value=(i.value) class=[i.class]
                autocomplete=[i.autocomplete] inputmode=[i.inputmode] maxlength=[i.maxlength]
                aria-invalid=[i.error.map(|_| "true")] aria-describedby=[described];
        }
    }
}

/// A fieldset of radio buttons. `options`: (value, label, optional hint).
pub fn radios(
    name: &'static str,
    legend: &str,
    options: &[(&str, &str, Option<&str>)],
    checked: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let error_id = format!("{name}-blad");
    html! {
        fieldset class={ "field" @if error.is_some() { " field-error" } } aria-describedby=[error.map(|_| error_id.clone())] {
            legend { (legend) }
            @if let Some(e) = error { p class="error-message" id=(error_id) { span class="visually-hidden" { "Błąd: " } (e) } }
            @for (idx, (value, label, hint)) in options.iter().enumerate() {
                @let id = if idx == 0 { name.to_owned() } else { format!("{name}-{value}") };
                @let hint_id = format!("{id}-podpowiedz");
                div class="radio" {
                    input type="radio" id=(id) name=(name) value=(value) checked[checked == Some(*value)]
                        aria-describedby=[hint.map(|_| hint_id.clone())];
                    label for=(id) { (label) }
                    @if let Some(h) = hint { p class="hint" id=(hint_id) { (h) } }
                }
            }
        }
    }
}

/// A simple page with a heading and a message, e.g. for errors.
pub fn message_page(
    status: StatusCode,
    title: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> Page {
    page(
        title,
        html! {
            h1 { (title) }
            @for p in paragraphs { p { (p) } }
            @if let Some((href, text)) = link { p { a href=(href) { (text) } } }
        },
    )
    .status(status)
}
