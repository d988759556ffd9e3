//! SAML 2.0 type 0x0004 artifacts.

use base64::{Engine, engine::general_purpose::STANDARD as B64};
use sha1::{Digest, Sha1};

use super::random_bytes;

/// base64(0x0004 ‖ endpoint index 0x0000 ‖ SHA-1(node entity ID) ‖ 20 random bytes).
pub fn new_artifact(node_entity_id: &str) -> String {
    let mut raw = Vec::with_capacity(44);
    raw.extend_from_slice(&[0x00, 0x04, 0x00, 0x00]);
    raw.extend_from_slice(&Sha1::digest(node_entity_id.as_bytes()));
    raw.extend_from_slice(&random_bytes::<20>());
    B64.encode(raw)
}
