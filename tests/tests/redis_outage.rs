//! Redis cut while shoppers browse and check out, through the gateway on the shop's app:
//! anonymous reads are still served, sign-in, signed-in routes and checkout fail closed
//! with `503` (a token cannot be checked against its session, a rate limit cannot be
//! counted), nothing is half-written, and everything works again within seconds of Redis
//! returning.

use std::time::{Duration, Instant};

use redshop_e2e::sale;
use redshop_e2e::shop::{Reply, Shop};
use redshop_testkit::services::psql;
use serde_json::json;

const PASSWORD: &str = "an outage is no excuse";

#[test]
fn a_redis_outage_fails_closed_for_accounts_open_for_browsing_and_recovers() {
    let shop = Shop::builder()
        .components(&["gateway", "product", "user", "order"])
        .relay_redis()
        .start();
    let email = "outage@example.com";
    let registered = shop.send(
        "POST",
        "/auth/register",
        None,
        Some(&json!({ "email": email, "password": PASSWORD, "display_name": "Outage" })),
    );
    assert_eq!(registered.status, 201, "{}", registered.text);
    let login = || {
        shop.send(
            "POST",
            "/auth/login",
            None,
            Some(&json!({ "email": email, "password": PASSWORD })),
        )
    };
    let signed_in = login();
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    let token = signed_in.json["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let product = shop.get("/products?in_stock=true&limit=1").json["items"][0]["id"]
        .as_str()
        .expect("a product")
        .to_owned();
    let added = shop.send(
        "POST",
        "/cart/items",
        Some(&token),
        Some(&json!({ "product_id": product, "quantity": 1 })),
    );
    assert_eq!(added.status, 200, "{}", added.text);
    let checkout = |key: &str| -> Reply { sale::checkout(&shop, &token, key) };

    shop.redis_relay().cut();
    let mut slowest = Duration::ZERO;
    let mut timed = |reply: Reply, started: Instant| {
        slowest = slowest.max(started.elapsed());
        reply
    };
    // Browsing goes on.
    for path in [
        "/products?limit=2",
        "/categories",
        &format!("/products/{product}"),
    ] {
        let t = Instant::now();
        let r = timed(shop.get(path), t);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    // Accounts fail closed, with the JSON error and a 503.
    let t = Instant::now();
    let refused_login = timed(login(), t);
    let t = Instant::now();
    let refused_cart = timed(shop.send("GET", "/cart", Some(&token), None), t);
    let t = Instant::now();
    let refused_checkout = timed(checkout("outage-1"), t);
    for (what, r) in [
        ("sign-in", &refused_login),
        ("cart", &refused_cart),
        ("checkout", &refused_checkout),
    ] {
        assert_eq!(r.status, 503, "{what}: {}", r.text);
        assert!(r.json["error"].is_string(), "{what}: {}", r.text);
        assert!(!r.text.contains("redis"), "a 5xx leaks nothing: {}", r.text);
    }
    eprintln!("during the outage the slowest answer took {slowest:?}");
    // Nothing was half-written.
    let orders = psql(&shop.db("order").name, "SELECT count(*) FROM orders");
    assert_eq!(orders[0].get::<_, i64>(0), 0);
    let reserved = psql(
        &shop.db("product").name,
        "SELECT count(*) FROM reservations",
    );
    assert_eq!(reserved[0].get::<_, i64>(0), 0);

    // Redis returns: everything works again within seconds.
    shop.redis_relay().restore();
    let back = Instant::now();
    loop {
        let r = login();
        if r.status == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(20),
            "sign-in still refused: {} {}",
            r.status,
            r.text
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "sign-in works again {:?} after Redis returned",
        back.elapsed()
    );
    let placed = checkout("outage-2");
    assert_eq!(placed.status, 201, "{}", placed.text);
    let orders = psql(&shop.db("order").name, "SELECT count(*) FROM orders");
    assert_eq!(orders[0].get::<_, i64>(0), 1);
}
