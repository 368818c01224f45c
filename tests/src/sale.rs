//! A sale set up on a running [`Shop`]: a product with exactly so many units, customers who
//! each have one of it in their cart, and their checkouts. Shared by the flash-sale and the
//! fault tests, which differ only in what happens while the checkouts run.

use std::collections::BTreeSet;

use redshop_testkit::services::psql;
use redshop_token::Role;
use serde_json::json;

use crate::shop::{Minted, Reply, Shop};

/// A demo product in stock, set to exactly `units` available; its id.
pub fn scarce_product(shop: &Shop, units: i64) -> String {
    let admin = shop.admin_token();
    let product = shop.get("/products?in_stock=true&limit=1").json["items"][0]["id"]
        .as_str()
        .expect("a product")
        .to_owned();
    let stock = shop.send(
        "GET",
        &format!("/products/{product}/stock"),
        Some(&admin),
        None,
    );
    assert_eq!(stock.status, 200, "{}", stock.text);
    let available = stock.json["available"].as_i64().expect("available");
    let set = shop.send(
        "POST",
        &format!("/products/{product}/stock"),
        Some(&admin),
        Some(&json!({ "delta": units - available, "reason": "correction" })),
    );
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(set.json["available"], units, "{}", set.text);
    product
}

/// `n` signed-in customers with one `product` each in their cart. Their accounts are
/// written to the user service's database directly (hundreds of password hashes would only
/// time Argon2); their sessions as the user service writes them.
pub fn customers(shop: &Shop, n: usize, product: &str) -> Vec<Minted> {
    let accounts: Vec<Minted> = (0..n).map(|_| shop.mint(Role::Customer)).collect();
    let rows: Vec<String> = accounts
        .iter()
        .enumerate()
        .map(|(i, b)| {
            format!(
                "('{}', 'buyer{i}@example.com', 'Buyer {i}', 'not-a-hash')",
                b.user_id
            )
        })
        .collect();
    psql(
        &shop.db("user").name,
        &format!(
            "INSERT INTO users (id, email, display_name, password_hash) VALUES {}",
            rows.join(", ")
        ),
    );
    for b in &accounts {
        let added = shop.send(
            "POST",
            "/cart/items",
            Some(&b.token),
            Some(&json!({ "product_id": product, "quantity": 1 })),
        );
        assert_eq!(added.status, 200, "{}", added.text);
    }
    accounts
}

/// `POST /checkout` for `token` with `key` and a new address.
pub fn checkout(shop: &Shop, token: &str, key: &str) -> Reply {
    let body = json!({ "address": {
        "recipient": "Flash Buyer", "line1": "1 Sale Street", "city": "Lyon",
        "postal_code": "69001", "country": "FR"
    }})
    .to_string();
    shop.call(
        "POST",
        &shop.api("/checkout"),
        &[
            ("authorization", &format!("Bearer {token}")),
            ("content-type", "application/json"),
            ("idempotency-key", key),
        ],
        Some(&body),
    )
}

/// The connections to `services`' databases now: how many, and the names they carry.
pub fn connections(shop: &Shop, services: &[&str]) -> (i64, BTreeSet<String>) {
    let names: Vec<String> = services
        .iter()
        .map(|s| format!("'{}'", shop.db(s).name))
        .collect();
    let rows = psql(
        "postgres",
        &format!(
            "SELECT coalesce(application_name, '') FROM pg_stat_activity WHERE datname IN ({})",
            names.join(", ")
        ),
    );
    let seen = rows.iter().map(|r| r.get::<_, String>(0)).collect();
    (i64::try_from(rows.len()).unwrap_or(i64::MAX), seen)
}

/// One number from `sql` on `service`'s database.
pub fn count(shop: &Shop, service: &str, sql: &str) -> i64 {
    psql(&shop.db(service).name, sql)[0].get::<_, i64>(0)
}
