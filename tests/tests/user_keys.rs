//! The signing keys: JWKS in the contract's shape, and rotation with two keys valid during
//! the roll-over.

use redshop_e2e::user::{SEED_A, SEED_B, UserApp, call_at, now_secs};
use redshop_token::{Jwks, Verifier, VerifyError};

fn jwks_of(app: &redshop_testkit::TestApp) -> Jwks {
    let r = call_at(app, "GET", "/.well-known/jwks.json", &[], None);
    assert_eq!(r.status, 200, "{}", r.text);
    serde_json::from_value(r.json).expect("a JWKS")
}

#[test]
fn jwks_publishes_every_key_in_the_contract_shape() {
    let app = UserApp::start_with(redshop_e2e::user::Options {
        signing_keys: format!("new:{SEED_B},old:{SEED_A}"),
        ..Default::default()
    });
    let r = app.call("GET", "/.well-known/jwks.json", &[], None);
    assert_eq!(r.status, 200);
    let keys = r.json["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], "new", "the signing key first");
    for k in keys {
        assert_eq!(
            (
                k["kty"].as_str(),
                k["crv"].as_str(),
                k["alg"].as_str(),
                k["use"].as_str()
            ),
            (Some("OKP"), Some("Ed25519"), Some("EdDSA"), Some("sig"))
        );
        assert_eq!(k["x"].as_str().map(str::len), Some(43));
        assert!(k.get("d").is_none(), "no private part");
    }
    // New tokens are signed by the first key.
    app.register("ada@example.com");
    let s = app.login("ada@example.com");
    let header = s.token.split('.').next().expect("header");
    let header: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header)
            .expect("b64"),
    )
    .expect("json");
    assert_eq!(
        (header["alg"].as_str(), header["kid"].as_str()),
        (Some("EdDSA"), Some("new"))
    );
}

#[test]
fn a_token_signed_with_the_old_key_verifies_during_rollover_and_not_after() {
    // Before: one key.
    let app = UserApp::start_with(redshop_e2e::user::Options {
        signing_keys: format!("old:{SEED_A}"),
        ..Default::default()
    });
    app.register("ada@example.com");
    let old_token = app.login("ada@example.com").token;

    // Roll-over: the new key first, the old one still listed.
    let during = app.redeploy(&format!("new:{SEED_B},old:{SEED_A}"));
    let verifier = Verifier::from_jwks(&jwks_of(&during)).expect("verifier");
    assert!(
        verifier.verify(&old_token, now_secs()).is_ok(),
        "an old-key token verifies during the roll-over"
    );
    let r = call_at(
        &during,
        "POST",
        "/auth/login",
        &[],
        Some(r#"{"email":"ada@example.com","password":"violet tram at noon"}"#),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let new_token = r.json["access_token"].as_str().expect("token").to_owned();
    assert!(verifier.verify(&new_token, now_secs()).is_ok());

    // After: the old key removed; its tokens no longer verify, the new ones do.
    let after = app.redeploy(&format!("new:{SEED_B}"));
    let verifier = Verifier::from_jwks(&jwks_of(&after)).expect("verifier");
    assert_eq!(
        verifier.verify(&old_token, now_secs()),
        Err(VerifyError::UnknownKey("old".into()))
    );
    assert!(verifier.verify(&new_token, now_secs()).is_ok());
}
