//! A service that is down or hung: the gateway answers `503`/`504` JSON within its
//! deadline, and every other route keeps answering.

use redshop_e2e::gateway::{assert_error, probe_wasm};
use redshop_e2e::shop::Shop;

#[test]
fn a_service_whose_database_is_cut_is_503_while_the_rest_answers() {
    let shop = Shop::builder()
        .components(&["gateway", "product", "user"])
        .replace("user", probe_wasm())
        .relay_database("product")
        .start();
    assert_eq!(shop.get("/products?limit=1").status, 200);
    shop.relay("product").cut();
    let down = shop.get("/products?limit=2");
    assert_error(&down, 503, "service_unavailable");
    assert_eq!(
        down.json["message"],
        "the service is unavailable; try again shortly"
    );
    let admin = shop.admin_token();
    let health = shop.send("GET", "/admin/health", Some(&admin), None);
    assert_eq!(health.status, 503, "{}", health.text);
    assert_eq!(health.json["status"], "degraded");
    assert_eq!(health.json["checks"]["product"]["status"], "down");
    assert_eq!(health.json["checks"]["redis"]["status"], "ok");
    assert_eq!(health.json["checks"]["order"]["status"], "absent");
    // The user routes and the probe health keep answering.
    assert_eq!(shop.send("GET", "/me", Some(&admin), None).status, 200);
    let probe = shop.call("GET", &shop.app.url("/api/health"), &[], None);
    assert_eq!(probe.status, 200);
    shop.relay("product").restore();
    let back = shop.get("/products?limit=2");
    assert_eq!(back.status, 200, "{}", back.text);
}

#[test]
fn a_hung_service_is_504_after_the_deadline_while_the_rest_answers() {
    let shop = Shop::builder()
        .components(&["gateway", "product", "user"])
        .replace("user", probe_wasm())
        .variable("gateway_upstream_timeout_ms", "1000")
        .start();
    let token = shop.customer_token();
    let hung = shop.send("GET", "/me?op=sleep&ms=20000", Some(&token), None);
    assert_error(&hung, 504, "upstream_timeout");
    assert_eq!(hung.json["message"], "the service did not answer in time");
    assert_eq!(shop.get("/categories").status, 200);
    assert_eq!(shop.send("GET", "/me", Some(&token), None).status, 200);
}

#[test]
fn a_service_not_deployed_is_503() {
    let shop = Shop::builder().components(&["gateway", "product"]).start();
    let token = shop.customer_token();
    assert_error(
        &shop.send("GET", "/orders", Some(&token), None),
        503,
        "service_unavailable",
    );
    let admin = shop.admin_token();
    let flush = shop.send("POST", "/admin/events/flush", Some(&admin), None);
    assert_error(&flush, 503, "service_unavailable");
}
