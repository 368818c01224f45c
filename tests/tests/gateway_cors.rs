//! CORS: the allow-list comes from a Spin variable; an allowed origin gets a correct
//! preflight and the CORS headers on answers, anything else gets none.

use redshop_e2e::gateway::assert_error;
use redshop_e2e::shop::{Reply, Shop};

const ORIGIN: &str = "https://shop.example";

fn shop() -> Shop {
    Shop::builder()
        .components(&["gateway", "product"])
        .variable(
            "gateway_cors_origins",
            &format!("{ORIGIN}, http://127.0.0.1:3000"),
        )
        .start()
}

fn preflight(shop: &Shop, path: &str, origin: &str, method: &str) -> Reply {
    shop.call(
        "OPTIONS",
        &shop.api(path),
        &[
            ("origin", origin),
            ("access-control-request-method", method),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
        None,
    )
}

#[test]
fn a_preflight_from_a_listed_origin_is_allowed() {
    let shop = shop();
    let reply = preflight(&shop, "/products", ORIGIN, "POST");
    assert_eq!(reply.status, 204, "{}", reply.text);
    assert_eq!(reply.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET, POST")
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    let headers = reply
        .header("access-control-allow-headers")
        .expect("allow-headers");
    for h in [
        "authorization",
        "content-type",
        "idempotency-key",
        "x-requested-with",
    ] {
        assert!(headers.contains(h), "{headers}");
    }
    assert_eq!(reply.header("access-control-max-age"), Some("600"));
    assert_eq!(reply.header("vary"), Some("Origin"));
}

#[test]
fn other_origins_and_methods_get_no_cors_headers() {
    let shop = shop();
    for (origin, method) in [("https://evil.example", "GET"), (ORIGIN, "PUT")] {
        let reply = preflight(&shop, "/products", origin, method);
        assert_error(&reply, 403, "cors_denied");
        assert!(
            reply
                .headers
                .iter()
                .all(|(k, _)| !k.starts_with("access-control-")),
            "{origin} {method}"
        );
    }
    let plain = shop.call(
        "GET",
        &shop.api("/categories"),
        &[("origin", "https://evil.example")],
        None,
    );
    assert_eq!(plain.status, 200);
    assert!(
        plain
            .headers
            .iter()
            .all(|(k, _)| !k.starts_with("access-control-"))
    );
    assert_eq!(plain.header("vary"), Some("Origin"));
}

#[test]
fn answers_to_a_listed_origin_carry_the_cors_headers() {
    let shop = shop();
    let reply = shop.call("GET", &shop.api("/categories"), &[("origin", ORIGIN)], None);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert!(
        reply
            .header("access-control-expose-headers")
            .is_some_and(|h| h.contains("x-request-id") && h.contains("ratelimit"))
    );
    // Errors too, so a browser script can read them.
    let missing = shop.call("GET", &shop.api("/nope"), &[("origin", ORIGIN)], None);
    assert_eq!(missing.header("access-control-allow-origin"), Some(ORIGIN));
}
