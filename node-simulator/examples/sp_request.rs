//! Print a signed AuthnRequest (the `SAMLRequest` field, base64) as the
//! development SP would send it, for trying the simulator with curl:
//!
//! ```sh
//! cargo run -p node-simulator --example sp_request -- [low|substantial|high]
//! ```

use base64::{Engine, engine::general_purpose::STANDARD as B64};
use node_simulator::saml::{self, NodeSigner};

fn main() {
    let loa = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "substantial".into());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect(p);
    let signer = NodeSigner::from_pem(
        &read("server/dev-keys/sp-signing.key.pem"),
        &read("server/dev-keys/sp-signing.crt.pem"),
    )
    .expect("SP dev key");
    let id = saml::new_id();
    let now = saml::xml_time(time::OffsetDateTime::now_utc());
    let xml = format!(
        r#"<saml2p:AuthnRequest xmlns:saml2p="{p}" xmlns:saml2="{a}" xmlns:ds="{ds}" xmlns:eidas="{e}" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="http://127.0.0.1:3002/login/SingleSignOnService" AssertionConsumerServiceURL="http://127.0.0.1:3000/saml/acs" ProtocolBinding="{b}" ForceAuthn="true" IsPassive="false"><saml2:Issuer>ezus-portal-dev</saml2:Issuer>{sig}<saml2p:Extensions><eidas:SPType>public</eidas:SPType></saml2p:Extensions><saml2p:NameIDPolicy AllowCreate="true" Format="{nf}"/><saml2p:RequestedAuthnContext Comparison="minimum"><saml2:AuthnContextClassRef>http://eidas.europa.eu/LoA/{loa}</saml2:AuthnContextClassRef></saml2p:RequestedAuthnContext></saml2p:AuthnRequest>"#,
        p = saml::NS_SAML2P,
        a = saml::NS_SAML2,
        ds = saml::NS_DS,
        e = saml::NS_EIDAS,
        b = saml::BINDING_ARTIFACT,
        nf = saml::NAMEID_UNSPECIFIED,
        sig = signer.template(&id),
    );
    println!("{}", B64.encode(signer.sign(xml).expect("signing")));
}
