//! `/pkg`: the WASM bundle, its script and the stylesheet.
//!
//! Each file is served as the brotli or gzip file made at build time
//! (`cargo leptos build --release --precompress`) when the browser takes it,
//! else as it is (compressed on the fly by the stack's layer).
//!
//! cargo-leptos (`hash-files`) puts a hash of the content into each name,
//! `ezus.<hash>.wasm`: a new build gives new names, so a browser may keep such
//! a file for a year without asking again (`public, max-age=31536000,
//! immutable`). A name without a hash (a build without hashing, or a file put
//! there by hand) is revalidated on every use (`no-cache`: a 304 when
//! unchanged, by `Last-Modified`). Only a found file is cached so: an error
//! answer for a hashed name is `no-cache` too.

use std::{convert::Infallible, path::Path};

use axum::{body::Body, extract::Request, response::Response};
use http::{HeaderValue, StatusCode, header};
use tower::{ServiceExt, service_fn, util::BoxCloneSyncService};
use tower_http::services::ServeDir;

/// The length of cargo-leptos's hashes: MD5 in unpadded base64url.
const HASH_LEN: usize = 22;
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The service for the files in `dir` (the site's pkg directory).
pub fn service(dir: &Path) -> BoxCloneSyncService<Request, Response, Infallible> {
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    BoxCloneSyncService::new(service_fn(move |request: Request| {
        let immutable = has_content_hash(request.uri().path());
        let files = files.clone();
        async move {
            let mut response = files.oneshot(request).await?.map(Body::new);
            let found = matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
            let policy = if immutable && found {
                IMMUTABLE
            } else {
                REVALIDATE
            };
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
            Ok::<_, Infallible>(response)
        }
    }))
}

/// The stylesheet's address for the pages the server writes itself (error
/// pages, the step to login.gov.pl); Leptos's pages name it on their own.
pub fn stylesheet_href() -> &'static str {
    STYLESHEET.get().map_or("/pkg/ezus.css", String::as_str)
}

static STYLESHEET: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// With `hash-files` on, the pages name the files that `hash.txt` lists
/// (cargo-leptos writes it beside the server binary, where Leptos reads it):
/// a missing list, or a list whose files are not in the site, would give
/// pages without their stylesheet and script. Checked once at start-up,
/// which also learns the stylesheet's name for [`stylesheet_href`].
pub fn check_hashed_site(options: &leptos::config::LeptosOptions) -> Result<(), String> {
    if !options.hash_files {
        return Ok(());
    }
    let list = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
        .ok_or("hash-files: cannot tell where the server binary is")?;
    let text = std::fs::read_to_string(&list).map_err(|e| {
        format!(
            "hash-files is on, but {} (written by `cargo leptos build` beside the binary) cannot be read: {e}; \
             ship it with the binary, or set LEPTOS_HASH_FILES=false for a site built without hashes",
            list.display()
        )
    })?;
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    for (kind, hash) in text.lines().filter_map(|line| line.split_once(':')) {
        let (kind, hash) = (kind.trim(), hash.trim());
        if !matches!(kind, "js" | "wasm" | "css") {
            continue;
        }
        let file = pkg.join(format!("{}.{hash}.{kind}", options.output_name));
        if !file.is_file() {
            return Err(format!(
                "hash-files: {} names {}, which is not there (another build's site?)",
                list.display(),
                file.display()
            ));
        }
        if kind == "css" {
            let _ = STYLESHEET.set(format!(
                "/{}/{}.{hash}.css",
                options.site_pkg_dir, options.output_name
            ));
        }
    }
    Ok(())
}

/// Whether a file's name is `<stem>.<hash>.<extension>` with a cargo-leptos
/// hash (22 characters of base64url) — `ezus.Ab3…_x.wasm`, not `ezus.wasm`.
pub fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.rsplit('.');
    let (Some(_extension), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !stem.is_empty()
        && hash.len() == HASH_LEN
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::has_content_hash;

    #[test]
    fn only_names_with_a_cargo_leptos_hash_count_as_hashed() {
        assert!(has_content_hash("/ezus.Qm9vLWJhci1iYXotcXV1eA.wasm"));
        assert!(has_content_hash("/ezus.Qm9vLWJh_i1iYXotcXV-eA.css"));
        assert!(has_content_hash("/__wasm_split.Qm9vLWJhci1iYXotcXV1eA.js"));
        assert!(!has_content_hash("/ezus.wasm"), "no hash");
        assert!(!has_content_hash("/ezus.css"));
        assert!(
            !has_content_hash("/Qm9vLWJhci1iYXotcXV1eA.wasm"),
            "a hash but no stem"
        );
        assert!(
            !has_content_hash("/ezus.Qm9vLWJhci1iYXotcXV1e.wasm"),
            "21 characters"
        );
        assert!(
            !has_content_hash("/ezus.Qm9vLWJhci1iYXotcXV1eA=.wasm"),
            "padding is not base64url"
        );
        assert!(!has_content_hash("/ezus.Qm9vLWJhci1iYXot.XV1eA.wasm"));
    }
}
