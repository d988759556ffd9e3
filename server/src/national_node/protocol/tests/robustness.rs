//! No input makes the reader panic.

use super::fixture::{self, Knobs};
use super::{NodeRefusal, expected, profile, read_artifact_response};

fn read_xml(xml: &str) -> Result<super::NodeAssertion, NodeRefusal> {
    read_artifact_response(&profile(), xml, &expected())
}

#[test]
fn garbage_never_panics() {
    let good = fixture::artifact_response(&Knobs::default());
    for input in [
        "",
        "<",
        "not xml",
        "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>",
        "<a:b xmlns:a=\"urn:x\"/>",
    ] {
        assert!(read_xml(input).is_err());
    }
    // Every prefix of a valid answer is refused without a panic.
    for end in (0..good.len()).step_by(97) {
        if let Some(prefix) = good.get(..end) {
            assert!(read_xml(prefix).is_err());
        }
    }
    // A changed byte anywhere (skipping the certificates, which are not
    // read) is refused without a panic.
    let bytes = good.as_bytes();
    for at in (0..bytes.len()).step_by(53) {
        let mut changed = bytes.to_vec();
        changed[at] = match changed[at] {
            b'<' => b'>',
            b'A'..=b'Z' | b'a'..=b'z' => changed[at] ^ 0x20,
            _ => b'x',
        };
        if let Ok(changed) = String::from_utf8(changed)
            && !in_x509_certificate(&good, at)
        {
            assert!(
                read_xml(&changed).is_err(),
                "a change at byte {at} was accepted"
            );
        }
    }
}

fn in_x509_certificate(xml: &str, at: usize) -> bool {
    let before = &xml[..at.min(xml.len())];
    before.rfind("<ds:X509Certificate>") > before.rfind("</ds:X509Certificate>")
}
