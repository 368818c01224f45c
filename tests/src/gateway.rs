//! Helpers for the gateway's end-to-end tests: hand-made tokens the user service would
//! never sign, and the host's probe fixture standing in for a service (it echoes the
//! request it got, or sleeps on `?op=sleep&ms=…`).

use std::path::PathBuf;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use redshop_testkit::build_wasm;
use redshop_token::{AccessClaims, SigningKeys};
use serde_json::{Value, json};

use crate::shop::{Reply, Shop, new_signing_key};

/// The probe fixture, built once per test binary.
pub fn probe_wasm() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| build_wasm(&["guest-probe"]).join("guest_probe.wasm"))
        .clone()
}

/// The kid of the shop's signing key.
pub fn kid(shop: &Shop) -> String {
    shop.signing_keys
        .split_once(':')
        .map(|(k, _)| k.to_owned())
        .expect("kid")
}

/// A JWT with any header and claims and a made-up signature.
pub fn forged(header: &Value, claims: &AccessClaims, signature: &[u8]) -> String {
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let c = URL_SAFE_NO_PAD.encode(serde_json::to_string(claims).expect("claims JSON"));
    format!("{h}.{c}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// `alg: none`, unsigned.
pub fn alg_none(shop: &Shop, claims: &AccessClaims) -> String {
    forged(
        &json!({"alg": "none", "kid": kid(shop), "typ": "JWT"}),
        claims,
        b"",
    )
}

/// `alg: HS256` with the kid of the real key (the classic key-confusion attempt).
pub fn alg_hs256(shop: &Shop, claims: &AccessClaims) -> String {
    forged(
        &json!({"alg": "HS256", "kid": kid(shop), "typ": "JWT"}),
        claims,
        &[7; 32],
    )
}

/// Signed by another Ed25519 key that claims the shop key's kid.
pub fn wrong_key(shop: &Shop, claims: &AccessClaims) -> String {
    let other = new_signing_key();
    let (_, seed) = other.split_once(':').expect("seed");
    SigningKeys::parse(&format!("{}:{seed}", kid(shop)))
        .and_then(|k| k.sign(claims))
        .expect("sign")
}

/// The echo of a probe standing in for a service: the headers it received.
pub fn echoed_headers(reply: &Reply) -> Vec<(String, String)> {
    reply.json["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter_map(|h| Some((h[0].as_str()?.to_owned(), h[1].as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Every value of header `name` the probe received.
pub fn echoed<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Asserts the shared error shape with `code` and `status`.
pub fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.json["error"], code, "{}", reply.text);
    assert!(reply.json["message"].is_string(), "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
}
