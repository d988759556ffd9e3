//! Decryption vectors made by another implementation (Python's
//! `cryptography`, server/tests/fixtures/node/make_vector.py).

use super::super::{assertion, decrypt, signature};
use super::fixture::{NOW_MS, repo};
use super::{Loa, expected, profile};

fn decrypt_vector(file: &str) -> String {
    let xml = std::fs::read_to_string(repo(&format!("server/tests/fixtures/node/{file}")))
        .expect("the committed vector");
    let doc = signature::parse(&xml).expect("well-formed vector");
    let root = doc.document_element().expect("root");
    let p = profile();
    decrypt::decrypt(&doc, root, &p.keys.loaded.encryption_key).expect("the vector decrypts")
}

fn check(plaintext: &str) {
    let p = profile();
    let a = assertion::read(&p, plaintext, &expected(), 30_000)
        .expect("the vector's assertion is valid at NOW_MS");
    assert_eq!(a.assertion_id, "_5e5e5e5e00000000000000000000000000000001");
    assert_eq!(a.family_name, "KOWALSKI");
    assert_eq!(a.given_name, "JAN");
    assert_eq!(a.date_of_birth, "1975-03-14");
    assert_eq!(a.person_identifier, "75031412355");
    assert_eq!(a.loa, Loa::Substantial);
    assert_eq!(a.name_id, "wk-user-0001");
    assert_eq!(a.session_index, "_session-vector-1");
    assert_eq!(a.not_on_or_after_ms, NOW_MS + 300_000);
}

#[test]
fn the_python_vector_with_a_256_bit_key_decrypts() {
    check(&decrypt_vector("vector-encrypted-assertion.xml"));
}

#[test]
fn the_python_vector_with_a_128_bit_key_decrypts() {
    check(&decrypt_vector("vector-encrypted-assertion-128.xml"));
}
