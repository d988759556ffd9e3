//! The HTTP layer: middleware and the small routes outside Leptos.

pub mod client_ip;
pub mod csrf;
pub mod error_pages;
pub mod flow_guard;
pub mod form_body;
pub mod health;
pub mod security_headers;
pub mod static_files;

/// Bodies over this size are refused with 413 (DESIGN.md, "Numbers").
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;
