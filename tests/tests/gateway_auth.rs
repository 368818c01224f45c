//! Access tokens at the gateway: every way a token can be wrong is a 401 with
//! `WWW-Authenticate: Bearer error="invalid_token"`, roles are enforced per route, a revoked
//! session stops working on the next request, and a client cannot assert an identity.
//!
//! The user service is replaced by the host's probe fixture, which echoes the request it
//! received, so the tests see exactly what the gateway forwards.

use redshop_e2e::gateway::{
    alg_hs256, alg_none, assert_error, echoed, echoed_headers, forged, kid, probe_wasm, wrong_key,
};
use redshop_e2e::shop::{Reply, Shop, now_secs};
use redshop_token::{AccessClaims, Role};
use serde_json::json;
use uuid::Uuid;

fn shop() -> Shop {
    Shop::builder()
        .components(&["gateway", "product", "user"])
        .replace("user", probe_wasm())
        .start()
}

fn me(shop: &Shop, token: &str) -> Reply {
    shop.send("GET", "/me", Some(token), None)
}

fn assert_invalid_token(reply: &Reply, case: &str) {
    assert_eq!(reply.status, 401, "{case}: {}", reply.text);
    assert_eq!(reply.json["error"], "invalid_token", "{case}");
    assert_eq!(
        reply.header("www-authenticate"),
        Some("Bearer realm=\"redshop\", error=\"invalid_token\""),
        "{case}"
    );
}

#[test]
fn every_kind_of_bad_token_is_refused_with_invalid_token() {
    let shop = shop();
    let now = now_secs();
    let good = AccessClaims::new(Uuid::new_v4(), Role::Customer, Uuid::new_v4(), 1, now);
    shop.write_session(&good);
    assert_eq!(
        me(&shop, &shop.sign(&good)).status,
        200,
        "the good token passes"
    );

    let with = |edit: &dyn Fn(&mut AccessClaims)| {
        let mut c = good.clone();
        edit(&mut c);
        shop.sign(&c)
    };
    let valid = shop.sign(&good);
    let parts: Vec<&str> = valid.split('.').collect();
    let other = shop.sign(&AccessClaims {
        sv: 9,
        ..good.clone()
    });
    let other_payload = other.split('.').nth(1).expect("payload");
    let cases: Vec<(&str, String)> = vec![
        ("alg none", alg_none(&shop, &good)),
        ("alg HS256", alg_hs256(&shop, &good)),
        ("signed by another key", wrong_key(&shop, &good)),
        (
            "payload swapped",
            format!("{}.{other_payload}.{}", parts[0], parts[2]),
        ),
        (
            "expired",
            with(&|c| {
                c.iat = now - 3600;
                c.exp = now - 1800;
            }),
        ),
        (
            "not yet valid",
            with(&|c| {
                c.iat = now + 3600;
                c.exp = now + 4500;
            }),
        ),
        ("wrong issuer", with(&|c| c.iss = "someone-else".into())),
        ("wrong audience", with(&|c| c.aud = "another-api".into())),
        (
            "unknown kid",
            forged(&json!({"alg": "EdDSA", "kid": "nobody"}), &good, &[1; 64]),
        ),
        ("no kid", forged(&json!({"alg": "EdDSA"}), &good, &[1; 64])),
        ("not a JWT", "abc.def".to_owned()),
    ];
    for (case, token) in &cases {
        assert_invalid_token(&me(&shop, token), case);
    }
    let basic = shop.call(
        "GET",
        &shop.api("/me"),
        &[("authorization", "Basic dTpw")],
        None,
    );
    assert_invalid_token(&basic, "Basic scheme");
    assert!(!kid(&shop).is_empty());
}

#[test]
fn a_missing_token_is_401_unauthorized_on_user_routes_only() {
    let shop = shop();
    let reply = shop.get("/me");
    assert_error(&reply, 401, "unauthorized");
    assert_eq!(
        reply.header("www-authenticate"),
        Some("Bearer realm=\"redshop\"")
    );
    assert_eq!(shop.get("/categories").status, 200);
}

#[test]
fn admin_routes_refuse_customers_and_admit_admins() {
    let shop = shop();
    let id = shop.get("/products?limit=1").json["items"][0]["id"]
        .as_str()
        .expect("a product")
        .to_owned();
    let path = format!("/products/{id}/stock");
    assert_error(&shop.get(&path), 401, "unauthorized");
    let customer = shop.customer_token();
    assert_error(
        &shop.send("GET", &path, Some(&customer), None),
        403,
        "forbidden",
    );
    let admin = shop.admin_token();
    let stock = shop.send("GET", &path, Some(&admin), None);
    assert_eq!(stock.status, 200, "{}", stock.text);
    assert_eq!(stock.json["product_id"], id.as_str());
    let health = shop.send("GET", "/admin/health", Some(&customer), None);
    assert_error(&health, 403, "forbidden");
}

#[test]
fn revocation_takes_effect_on_the_next_request() {
    let shop = shop();
    let who = shop.mint(Role::Customer);
    assert_eq!(me(&shop, &who.token).status, 200);
    shop.revoke(&who.session_id);
    assert_invalid_token(&me(&shop, &who.token), "revoked session");

    // A refresh bumps the session version: tokens minted before it stop working.
    let now = now_secs();
    let claims = AccessClaims::new(Uuid::new_v4(), Role::Customer, Uuid::new_v4(), 1, now);
    shop.write_session(&claims);
    let old = shop.sign(&claims);
    assert_eq!(me(&shop, &old).status, 200);
    shop.write_session(&AccessClaims {
        sv: 2,
        ..claims.clone()
    });
    assert_invalid_token(&me(&shop, &old), "older session version");
    assert_eq!(
        me(&shop, &shop.sign(&AccessClaims { sv: 2, ..claims })).status,
        200
    );
}

#[test]
fn a_client_cannot_assert_an_identity() {
    let shop = shop();
    let who = shop.mint(Role::Customer);
    let auth = format!("Bearer {}", who.token);
    let cart = "0B6E1F1E-6C8A-4C65-9A8F-1B1D1C1E1F10";
    let spoofed = shop.call(
        "GET",
        &shop.api("/me"),
        &[
            ("authorization", &auth),
            ("x-redshop-user", "00000000-0000-0000-0000-000000000001"),
            ("X-Redshop-Role", "admin"),
            ("x-redshop-session", "forged"),
            ("x-redshop-client-addr", "203.0.113.66"),
            ("x-redshop-cart", "forged"),
            ("x-cart-id", cart),
            ("x-request-id", "trace-42"),
        ],
        None,
    );
    assert_eq!(spoofed.status, 200, "{}", spoofed.text);
    let seen = echoed_headers(&spoofed);
    assert_eq!(echoed(&seen, "x-redshop-user"), [who.user_id.as_str()]);
    assert_eq!(echoed(&seen, "x-redshop-role"), ["customer"]);
    assert_eq!(
        echoed(&seen, "x-redshop-session"),
        [who.session_id.as_str()]
    );
    assert_eq!(echoed(&seen, "x-redshop-client-addr"), ["127.0.0.1"]);
    assert_eq!(
        echoed(&seen, "x-redshop-cart"),
        [cart.to_ascii_lowercase().as_str()]
    );
    assert_eq!(echoed(&seen, "x-request-id"), ["trace-42"]);
    assert!(
        echoed(&seen, "authorization").is_empty(),
        "the token stays at the gateway"
    );
    assert_eq!(spoofed.json["path_and_query"], "/me");

    // Anonymous: no identity at all, whatever the client claims.
    let anon = shop.call(
        "POST",
        &shop.api("/auth/login"),
        &[
            ("x-redshop-user", "00000000-0000-0000-0000-000000000001"),
            ("x-redshop-role", "admin"),
            ("content-type", "application/json"),
            ("cookie", "redshop_refresh=r1"),
        ],
        Some("{}"),
    );
    assert_eq!(anon.status, 200, "{}", anon.text);
    let seen = echoed_headers(&anon);
    assert!(echoed(&seen, "x-redshop-user").is_empty());
    assert!(echoed(&seen, "x-redshop-role").is_empty());
    assert_eq!(
        echoed(&seen, "cookie"),
        ["redshop_refresh=r1"],
        "auth routes get cookies"
    );
    let catalog_cookie = shop.call(
        "GET",
        &shop.api("/me"),
        &[("authorization", &auth), ("cookie", "a=b")],
        None,
    );
    assert!(echoed(&echoed_headers(&catalog_cookie), "cookie").is_empty());
}

#[test]
fn cookie_calls_need_the_csrf_header() {
    let shop = shop();
    let url = shop.api("/auth/refresh");
    let cookie = ("cookie", "redshop_refresh=r1");
    let bare = shop.call("POST", &url, &[cookie], None);
    assert_error(&bare, 403, "csrf_check_failed");
    let wrong = shop.call(
        "POST",
        &url,
        &[cookie, ("x-requested-with", "XMLHttpRequest")],
        None,
    );
    assert_error(&wrong, 403, "csrf_check_failed");
    let ok = shop.call(
        "POST",
        &url,
        &[cookie, ("x-requested-with", "redshop")],
        None,
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(
        echoed(&echoed_headers(&ok), "cookie"),
        ["redshop_refresh=r1"]
    );
}
