//! Tests of the token contract: what verifies, and each way a token is refused.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use uuid::Uuid;

use super::*;

const NOW: u64 = 1_800_000_000;
/// base64url of the seeds 0x01 * 32, 0x02 * 32 and 0x03 * 32.
const SEED_1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
const SEED_2: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI";
const SEED_3: &str = "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM";

fn keys(spec: &str) -> SigningKeys {
    SigningKeys::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn claims() -> AccessClaims {
    AccessClaims::new(
        Uuid::from_u128(7),
        Role::Customer,
        Uuid::from_u128(9),
        3,
        NOW,
    )
}

fn b64(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

#[test]
fn a_signed_token_verifies_with_its_claims() {
    let k = keys(&format!("k1:{SEED_1}"));
    let token = k.sign(&claims()).expect("sign");
    assert_eq!(k.verifier().verify(&token, NOW), Ok(claims()));
}

#[test]
fn the_header_names_eddsa_the_kid_and_jwt() {
    let k = keys(&format!("k1:{SEED_1}"));
    let token = k.sign(&claims()).expect("sign");
    let header = jsonwebtoken::decode_header(&token).expect("header");
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), Some("k1"));
    assert_eq!(header.typ.as_deref(), Some("JWT"));
}

#[test]
fn claims_carry_the_contract_values() {
    let c = claims();
    assert_eq!(
        (c.iss.as_str(), c.aud.as_str()),
        ("redshop-user", "redshop-api")
    );
    assert_eq!(c.exp - c.iat, 900);
    let json = serde_json::to_value(&c).expect("json");
    assert_eq!(json["role"], "customer");
    assert_eq!(json["sub"], "00000000-0000-0000-0000-000000000007");
    assert_eq!(json["sv"], 3);
}

#[test]
fn alg_none_is_refused() {
    let k = keys(&format!("k1:{SEED_1}"));
    let payload = b64(&serde_json::to_string(&claims()).expect("json"));
    let token = format!(
        "{}.{payload}.",
        b64(r#"{"alg":"none","kid":"k1","typ":"JWT"}"#)
    );
    assert_eq!(
        k.verifier().verify(&token, NOW),
        Err(VerifyError::Algorithm("none".into()))
    );
}

#[test]
fn another_algorithm_is_refused_even_with_the_public_key_as_secret() {
    // The classic confusion: HS256 keyed with the published public key.
    let k = keys(&format!("k1:{SEED_1}"));
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    let secret = EncodingKey::from_secret(k.current().public_key());
    let token = jsonwebtoken::encode(&header, &claims(), &secret).expect("hs256");
    assert_eq!(
        k.verifier().verify(&token, NOW),
        Err(VerifyError::Algorithm("HS256".into()))
    );
}

#[test]
fn a_changed_payload_fails_the_signature() {
    let k = keys(&format!("k1:{SEED_1}"));
    let token = k.sign(&claims()).expect("sign");
    let mut forged = claims();
    forged.role = Role::Admin;
    let parts: Vec<&str> = token.split('.').collect();
    let payload = b64(&serde_json::to_string(&forged).expect("json"));
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    assert_eq!(
        k.verifier().verify(&tampered, NOW),
        Err(VerifyError::Signature)
    );
}

#[test]
fn a_signature_by_another_key_under_a_known_kid_fails() {
    let real = keys(&format!("k1:{SEED_1}"));
    let impostor = keys(&format!("k1:{SEED_2}"));
    let token = impostor.sign(&claims()).expect("sign");
    assert_eq!(
        real.verifier().verify(&token, NOW),
        Err(VerifyError::Signature)
    );
}

#[test]
fn expiry_allows_thirty_seconds_of_leeway_and_no_more() {
    let k = keys(&format!("k1:{SEED_1}"));
    let token = k.sign(&claims()).expect("sign");
    let exp = claims().exp;
    assert!(k.verifier().verify(&token, exp + 30).is_ok());
    assert_eq!(
        k.verifier().verify(&token, exp + 31),
        Err(VerifyError::Expired)
    );
}

#[test]
fn a_token_issued_in_the_future_is_not_valid_yet() {
    let k = keys(&format!("k1:{SEED_1}"));
    let token = k.sign(&claims()).expect("sign");
    assert!(k.verifier().verify(&token, NOW - 30).is_ok());
    assert_eq!(
        k.verifier().verify(&token, NOW - 31),
        Err(VerifyError::NotYetValid)
    );
}

#[test]
fn a_wrong_issuer_is_refused() {
    let k = keys(&format!("k1:{SEED_1}"));
    let mut c = claims();
    c.iss = "someone-else".into();
    let token = k.sign(&c).expect("sign");
    assert_eq!(k.verifier().verify(&token, NOW), Err(VerifyError::Issuer));
}

#[test]
fn a_wrong_audience_is_refused() {
    let k = keys(&format!("k1:{SEED_1}"));
    let mut c = claims();
    c.aud = "another-api".into();
    let token = k.sign(&c).expect("sign");
    assert_eq!(k.verifier().verify(&token, NOW), Err(VerifyError::Audience));
}

#[test]
fn an_unknown_kid_is_reported_by_name() {
    let signer = keys(&format!("k9:{SEED_1}"));
    let verifier = keys(&format!("k1:{SEED_1}")).verifier();
    let token = signer.sign(&claims()).expect("sign");
    assert_eq!(
        verifier.verify(&token, NOW),
        Err(VerifyError::UnknownKey("k9".into()))
    );
}

#[test]
fn a_token_without_kid_is_refused() {
    let k = keys(&format!("k1:{SEED_1}"));
    let token = k.sign(&claims()).expect("sign");
    let parts: Vec<&str> = token.split('.').collect();
    let no_kid = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"EdDSA","typ":"JWT"}"#),
        parts[1],
        parts[2]
    );
    assert_eq!(
        k.verifier().verify(&no_kid, NOW),
        Err(VerifyError::MissingKid)
    );
}

#[test]
fn extra_claims_and_garbage_are_refused() {
    let k = keys(&format!("k1:{SEED_1}"));
    let mut v = serde_json::to_value(claims()).expect("json");
    v["admin"] = serde_json::Value::Bool(true);
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("k1".into());
    let der = [
        &[
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
        ][..],
        &[0x04, 0x22, 0x04, 0x20][..],
        &[1u8; 32][..],
    ]
    .concat();
    let token = jsonwebtoken::encode(&header, &v, &EncodingKey::from_ed_der(&der)).expect("sign");
    assert_eq!(k.verifier().verify(&token, NOW), Err(VerifyError::Claims));
    for garbage in ["", "a.b", "a.b.c.d", "!!.e30.sig", "e30.e30.e30"] {
        let got = k.verifier().verify(garbage, NOW);
        assert!(
            matches!(got, Err(VerifyError::Malformed | VerifyError::Algorithm(_))),
            "{garbage}: {got:?}"
        );
    }
}

#[test]
fn rotation_keeps_old_tokens_valid_while_the_old_key_is_listed() {
    let before = keys(&format!("old:{SEED_1}"));
    let old_token = before.sign(&claims()).expect("sign");

    // Roll-over: the new key first (it signs), the old one still listed.
    let during = keys(&format!("new:{SEED_2},old:{SEED_1}"));
    let new_token = during.sign(&claims()).expect("sign");
    assert_eq!(
        jsonwebtoken::decode_header(&new_token)
            .expect("h")
            .kid
            .as_deref(),
        Some("new")
    );
    assert!(during.verifier().verify(&old_token, NOW).is_ok());
    assert!(during.verifier().verify(&new_token, NOW).is_ok());

    // After: the old key is gone, and so are its tokens.
    let after = keys(&format!("new:{SEED_2}"));
    assert_eq!(
        after.verifier().verify(&old_token, NOW),
        Err(VerifyError::UnknownKey("old".into()))
    );
    assert!(after.verifier().verify(&new_token, NOW).is_ok());
}

#[test]
fn jwks_lists_every_key_in_the_contract_shape_and_round_trips() {
    let k = keys(&format!("new:{SEED_2}, old:{SEED_1}"));
    let json = serde_json::to_value(k.jwks()).expect("json");
    let first = &json["keys"][0];
    assert_eq!(first["kty"], "OKP");
    assert_eq!(first["crv"], "Ed25519");
    assert_eq!(first["alg"], "EdDSA");
    assert_eq!(first["use"], "sig");
    assert_eq!(first["kid"], "new");
    assert_eq!(first["x"].as_str().map(str::len), Some(43));
    assert_eq!(json["keys"][1]["kid"], "old");

    let parsed: Jwks = serde_json::from_value(json).expect("parse");
    let verifier = Verifier::from_jwks(&parsed).expect("verifier");
    assert_eq!(verifier.kids().collect::<Vec<_>>(), ["new", "old"]);
    let token = k.sign(&claims()).expect("sign");
    assert!(verifier.verify(&token, NOW).is_ok());
}

#[test]
fn jwks_entries_that_are_not_ed25519_are_skipped() {
    let mut jwks = keys(&format!("k1:{SEED_1}")).jwks();
    let mut rsa = jwks.keys[0].clone();
    rsa.kty = "RSA".into();
    rsa.kid = "r1".into();
    jwks.keys.push(rsa);
    let verifier = Verifier::from_jwks(&jwks).expect("verifier");
    assert_eq!(verifier.kids().collect::<Vec<_>>(), ["k1"]);
}

#[test]
fn key_lists_parse_with_or_without_padding_and_refuse_bad_entries() {
    assert_eq!(keys(&format!("a:{SEED_1}=")).keys().len(), 1);
    assert_eq!(
        keys(&format!(" a:{SEED_1} ,b:{SEED_2},c:{SEED_3}"))
            .current()
            .kid(),
        "a"
    );
    assert_eq!(SigningKeys::parse("  ").err(), Some(KeyError::Empty));
    assert_eq!(
        SigningKeys::parse(SEED_1).err(),
        Some(KeyError::Shape { position: 1 })
    );
    assert_eq!(
        SigningKeys::parse(&format!("a:{SEED_1},b c:{SEED_2}")).err(),
        Some(KeyError::Kid { position: 2 })
    );
    assert_eq!(
        SigningKeys::parse("a:AAAA").err(),
        Some(KeyError::Seed { kid: "a".into() })
    );
    assert_eq!(
        SigningKeys::parse(&format!("a:{SEED_1},a:{SEED_2}")).err(),
        Some(KeyError::DuplicateKid { kid: "a".into() })
    );
}

#[test]
fn debug_output_never_shows_the_seed() {
    let k = keys(&format!("k1:{SEED_1}"));
    let shown = format!("{k:?}");
    assert!(shown.contains("k1"), "{shown}");
    assert!(!shown.contains(SEED_1), "{shown}");
}

#[test]
fn the_public_key_matches_rfc_8032_test_vector_1() {
    // RFC 8032 section 7.1, TEST 1: secret key 9d61b19d…7f60, public key d75a9801…511a.
    let seed = hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let key = SigningKey::from_seed("t", &seed).expect("key");
    assert_eq!(
        key.public_key(),
        &hex32("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    );
}

#[test]
fn a_session_admits_only_its_user_at_its_version() {
    let record = SessionRecord {
        user_id: Uuid::from_u128(7),
        role: Role::Customer,
        version: 3,
        user_agent: "ua".into(),
        created_ms: 1,
        last_used_ms: 2,
    };
    assert!(record.admits(&claims()));
    assert!(
        !SessionRecord {
            version: 4,
            ..record.clone()
        }
        .admits(&claims())
    );
    assert!(
        !SessionRecord {
            user_id: Uuid::from_u128(8),
            ..record
        }
        .admits(&claims())
    );
    assert_eq!(
        session_key("p:", Uuid::from_u128(9)),
        "p:session:00000000-0000-0000-0000-000000000009"
    );
}

fn hex32(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex");
    }
    out
}
