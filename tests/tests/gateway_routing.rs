//! The gateway in front of the product service: the catalog through `/api/v1`, request
//! ids, the error shape, the security headers and what never gets through.

use redshop_e2e::gateway::assert_error;
use redshop_e2e::shop::Shop;

fn catalog_shop() -> Shop {
    Shop::builder().components(&["gateway", "product"]).start()
}

#[test]
fn the_catalog_answers_through_api_v1() {
    let shop = catalog_shop();
    let listing = shop.get("/products?limit=3&sort=price_asc");
    assert_eq!(listing.status, 200, "{}", listing.text);
    let items = listing.json["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    let id = items[0]["id"].as_str().expect("id");
    let slug = items[0]["slug"].as_str().expect("slug");
    let one = shop.get(&format!("/products/{id}"));
    assert_eq!((one.status, one.json["id"].as_str()), (200, Some(id)));
    let by_slug = shop.get(&format!("/products/by-slug/{slug}"));
    assert_eq!(by_slug.json["id"].as_str(), Some(id));
    let categories = shop.get("/categories");
    assert_eq!(categories.json["items"].as_array().map(Vec::len), Some(10));
    // The product service's own errors pass through with their codes.
    assert_error(
        &shop.get("/products?catgory=lamps"),
        400,
        "unknown_parameter",
    );
}

#[test]
fn unknown_routes_are_404_and_wrong_methods_405_with_allow() {
    let shop = catalog_shop();
    for path in [
        "/nope",
        "/reservations",
        "/health",
        "/internal/flush",
        "/products/",
    ] {
        assert_error(&shop.get(path), 404, "not_found");
    }
    assert_error(
        &shop.call("GET", &shop.app.url("/api/v2/products"), &[], None),
        404,
        "not_found",
    );
    let put = shop.send("PUT", "/products/x", None, None);
    assert_error(&put, 405, "method_not_allowed");
    assert_eq!(put.header("allow"), Some("GET, PATCH, DELETE"));
}

#[test]
fn request_ids_are_kept_when_well_formed_and_made_otherwise() {
    let shop = catalog_shop();
    let url = shop.api("/categories");
    let kept = shop.call("GET", &url, &[("x-request-id", "abc-123.X_y")], None);
    assert_eq!(kept.header("x-request-id"), Some("abc-123.X_y"));
    let bad = "x".repeat(65);
    for sent in [bad.as_str(), "has space", "semi;colon"] {
        let made = shop.call("GET", &url, &[("x-request-id", sent)], None);
        let id = made.header("x-request-id").expect("request id");
        assert_ne!(id, sent);
        assert_eq!(id.len(), 36, "{id}");
    }
    let a = shop.get("/nope");
    let b = shop.get("/nope");
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
}

#[test]
fn every_answer_carries_the_security_headers() {
    let shop = catalog_shop();
    for reply in [shop.get("/categories"), shop.get("/nope")] {
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(
            reply.header("content-security-policy"),
            Some("default-src 'none'; frame-ancestors 'none'")
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    }
}

#[test]
fn json_bodies_need_a_json_content_type_and_a_bounded_size() {
    // The host's own cap is the gateway's (1 MiB): raised here so that the gateway's
    // refusal, not the host's, is what a body just over 1 MiB meets.
    let shop = Shop::builder()
        .components(&["gateway", "product"])
        .host_config("[limits]\nmax_request_body_bytes = 4194304\n")
        .start();
    let admin = shop.admin_token();
    let auth = format!("Bearer {admin}");
    let url = shop.api("/categories");
    let form = shop.call(
        "POST",
        &url,
        &[("authorization", &auth), ("content-type", "text/plain")],
        Some("{\"slug\":\"x\",\"name\":\"x\"}"),
    );
    assert_error(&form, 415, "unsupported_media_type");
    let huge = format!(
        "{{\"slug\":\"x\",\"name\":\"{}\"}}",
        "a".repeat(1024 * 1024)
    );
    let big = shop.call(
        "POST",
        &url,
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        Some(&huge),
    );
    assert_error(&big, 413, "payload_too_large");
    let ok = shop.send(
        "POST",
        "/categories",
        Some(&admin),
        Some(&serde_json::json!({"slug": "garden-tools", "name": "Garden tools"})),
    );
    assert_eq!(ok.status, 201, "{}", ok.text);
}

#[test]
fn the_probe_health_says_one_word() {
    let shop = catalog_shop();
    let health = shop.call("GET", &shop.app.url("/api/health"), &[], None);
    assert_eq!(
        (health.status, health.json.clone()),
        (200, serde_json::json!({"status": "ok"}))
    );
}
