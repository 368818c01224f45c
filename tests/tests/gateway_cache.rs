//! The catalog cache: anonymous catalog reads are stored in Redis under the normalised
//! query and the catalog version, answered with a strong `ETag` (and `304` to a matching
//! `If-None-Match`), and invalidated by a catalog write through the gateway or a version
//! bump by the order service. Signed-in requests never touch it.

use redshop_e2e::shop::Shop;
use serde_json::json;

fn shop() -> Shop {
    Shop::builder().components(&["gateway", "product"]).start()
}

#[test]
fn a_second_read_is_a_hit_with_the_same_etag_and_body() {
    let shop = shop();
    let first = shop.get("/products?limit=2&sort=price_asc");
    assert_eq!((first.status, first.header("x-cache")), (200, Some("miss")));
    let etag = first.header("etag").expect("etag").to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    assert_eq!(first.header("cache-control"), Some("public, no-cache"));
    // The same query, parameters in another order: the same entry.
    let second = shop.get("/products?sort=price_asc&limit=2");
    assert_eq!(second.header("x-cache"), Some("hit"));
    assert_eq!(second.header("etag"), Some(etag.as_str()));
    assert_eq!(second.text, first.text);
    let other = shop.get("/products?limit=3&sort=price_asc");
    assert_eq!(other.header("x-cache"), Some("miss"));
}

#[test]
fn if_none_match_gets_a_304_without_a_body() {
    let shop = shop();
    let first = shop.get("/categories");
    let etag = first.header("etag").expect("etag").to_owned();
    let url = shop.api("/categories");
    for cache in ["hit", "miss"] {
        if cache == "miss" {
            shop.bump_catalog_version();
        }
        let again = shop.call("GET", &url, &[("if-none-match", &etag)], None);
        assert_eq!(again.status, 304, "{cache}");
        assert_eq!(again.text, "");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(again.header("x-cache"), Some(cache));
    }
    let stale = shop.call(
        "GET",
        &url,
        &[("if-none-match", "\"something-else\"")],
        None,
    );
    assert_eq!(stale.status, 200);
}

#[test]
fn an_admin_write_through_the_gateway_invalidates_the_catalog() {
    let shop = shop();
    let path = "/products?limit=1&sort=price_asc";
    let before = shop.get(path);
    let id = before.json["items"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(shop.get(path).header("x-cache"), Some("hit"));
    let admin = shop.admin_token();
    let patch = shop.send(
        "PATCH",
        &format!("/products/{id}"),
        Some(&admin),
        Some(&json!({"name": "Renamed Lamp"})),
    );
    assert_eq!(patch.status, 200, "{}", patch.text);
    let after = shop.get(path);
    assert_eq!(after.header("x-cache"), Some("miss"));
    assert_eq!(after.json["items"][0]["name"], "Renamed Lamp");
    assert_ne!(after.header("etag"), before.header("etag"));
}

#[test]
fn the_order_services_version_bump_invalidates_too() {
    let shop = shop();
    shop.get("/categories");
    assert_eq!(shop.get("/categories").header("x-cache"), Some("hit"));
    shop.bump_catalog_version();
    assert_eq!(shop.get("/categories").header("x-cache"), Some("miss"));
}

#[test]
fn signed_in_reads_are_never_cached() {
    let shop = shop();
    let token = shop.customer_token();
    for _ in 0..2 {
        let reply = shop.send("GET", "/categories", Some(&token), None);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("x-cache"), None);
        assert_eq!(reply.header("etag"), None);
        assert_eq!(reply.header("cache-control"), Some("no-store"));
    }
}
