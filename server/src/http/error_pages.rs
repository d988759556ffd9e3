//! Error answers that come from the HTTP layer rather than from a page
//! (a panic, a form that could not be read, a too-large body, a timeout): a
//! small accessible Polish page, never a stack trace.

use axum::{
    body::Body,
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{HeaderValue, StatusCode, header};

fn page(title: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"pl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} – eZUS</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><a class=\"skip-link\" href=\"#tresc\">Przejdź do treści</a>\
         <header class=\"site-header\"><div class=\"site-header__inner\">\
         <a class=\"site-header__brand\" href=\"/\"><span class=\"site-header__logo\" aria-hidden=\"true\">eZUS</span>\
         <span class=\"visually-hidden\">eZUS – strona główna</span></a></div></header>\
         <main id=\"tresc\" class=\"site-main\" tabindex=\"-1\"><div class=\"page page--narrow\">\
         <h1>{title}</h1><p>{text}</p><p><a href=\"/\">Przejdź do strony głównej eZUS</a></p>\
         </div></main>\
         <footer class=\"site-footer\"><div class=\"site-footer__inner\"><ul class=\"site-footer__links\">\
         <li><a href=\"/deklaracja-dostepnosci\">Deklaracja dostępności</a></li></ul></div></footer>\
         </body></html>",
        css = super::static_files::stylesheet_href()
    )
}

/// The page for a status, if it is one we dress.
fn page_for(status: StatusCode) -> Option<String> {
    let (title, text) = match status {
        StatusCode::NOT_FOUND => (
            "Nie znaleziono strony",
            "Strona o tym adresie nie istnieje. Jeśli adres został wpisany ręcznie, sprawdź, czy nie ma w nim błędu.",
        ),
        StatusCode::FORBIDDEN => (
            "Nie przyjęliśmy formularza",
            "Ten formularz nie został wysłany ze strony eZUS, dlatego go nie przyjęliśmy – to chroni Cię przed \
             stronami, które próbują działać w eZUS w Twoim imieniu. Wpisz adres eZUS samodzielnie albo użyj \
             zakładki i spróbuj ponownie.",
        ),
        StatusCode::BAD_REQUEST => (
            "Nie udało się odczytać formularza",
            "Formularz nie dotarł do nas w całości albo został uszkodzony. Wróć do poprzedniej strony, \
             odśwież ją i wypełnij formularz ponownie.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "Nie udało się odczytać formularza",
            "Formularz został wysłany w postaci, której eZUS nie przyjmuje. Wróć do poprzedniej strony, \
             odśwież ją i wypełnij formularz ponownie.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Przesłane dane są zbyt duże",
            "Formularz zawierał więcej danych, niż eZUS przyjmuje. Wróć do poprzedniej strony i spróbuj ponownie.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "Przekroczono czas oczekiwania",
            "eZUS nie zdążył odpowiedzieć. Spróbuj ponownie za chwilę.",
        ),
        StatusCode::INTERNAL_SERVER_ERROR => (
            "Wystąpił błąd",
            "Przepraszamy, coś poszło nie tak po naszej stronie. Spróbuj ponownie za kilka minut.",
        ),
        _ => return None,
    };
    Some(page(title, text))
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// The answer when a handler panicked (for tower-http's CatchPanicLayer).
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("a request handler panicked");
    html(StatusCode::INTERNAL_SERVER_ERROR, page_for(StatusCode::INTERNAL_SERVER_ERROR).unwrap_or_default())
}

/// Replaces the bare body of a 400, 403, 404, 408, 413, 415 or 500 with
/// the page. Leaves answers alone that already are HTML pages, and answers
/// to script requests (server functions called from the browser), which
/// carry their own typed errors.
pub async fn dress(request: Request, next: Next) -> Response {
    let from_script = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| !a.contains("text/html"));
    let response = next.run(request).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/html"));
    match page_for(status) {
        Some(body) if !is_html && !from_script => html(status, body),
        _ => response,
    }
}

/// Outside dev mode the developer pages (`/dev/…`) and their data do not exist.
pub async fn hide_dev_pages(dev_mode: bool, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !dev_mode && (path.starts_with("/dev/") || path == "/api/dev-skrzynka") {
        return html(StatusCode::NOT_FOUND, page_for(StatusCode::NOT_FOUND).unwrap_or_default());
    }
    next.run(request).await
}
