//! Checkout through redshop against real PostgreSQL and Redis: the order is priced by the
//! server, reserves stock, is paid, recorded and announced; a declined payment gives the
//! stock back; a replayed click never orders twice.

use redshop_e2e::order::{Options, OrderApp, Shopper, address_body, email_of};
use serde_json::json;

#[test]
fn a_checkout_records_a_paid_order_reserves_the_stock_and_empties_the_cart() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 5, 1999);
    let mug = shop.create_product("mug", 10, 500);
    let ada = Shopper::user();
    shop.add_to_cart(&ada, &lamp, 2);
    let cart = shop.add_to_cart(&ada, &mug, 1);
    assert_eq!(cart["subtotal_minor"], 4498);
    let mut events = shop.subscribe();

    let answer = shop.checkout(&ada, "click-1");
    assert_eq!(answer.status, 201, "{}", answer.json);
    assert!(!answer.replayed);
    let order = &answer.json;
    assert_eq!(order["status"], "paid");
    // 2 × 19.99 + 5.00 = 44.98; tax 8 % = 3.60; shipping 4.99 (under 50.00).
    assert_eq!(
        (
            &order["subtotal_minor"],
            &order["tax_minor"],
            &order["shipping_minor"],
            &order["total_minor"]
        ),
        (&json!(4498), &json!(360), &json!(499), &json!(5357))
    );
    let user = ada.user.clone().expect("user");
    assert_eq!(order["customer"]["email"], email_of(&user));
    assert_eq!(order["shipping_address"]["city"], "London");
    assert_eq!(order["lines"].as_array().map(Vec::len), Some(2));
    let history: Vec<&str> = order["status_history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["status"].as_str().expect("status"))
        .collect();
    assert_eq!(history, ["pending", "paid"]);

    // Stock is reserved (not yet committed: nothing has shipped).
    assert_eq!(shop.stock(&lamp), (5, 2));
    assert_eq!(shop.stock(&mug), (10, 1));
    // The cart is empty.
    let cart = shop.call(&ada, "GET", "/cart", None);
    assert_eq!(cart.json["lines"], json!([]));
    // The order is in the history, and readable on its own.
    let id = order["id"].as_str().expect("id");
    let mine = shop.call(&ada, "GET", "/orders", None);
    assert_eq!(mine.status, 200);
    assert_eq!(mine.json["items"][0]["id"], id);
    assert_eq!(mine.json["items"][0]["item_count"], 3);
    let one = shop.call(&ada, "GET", &format!("/orders/{id}"), None);
    assert_eq!(one.json, *order);

    // order.created and order.paid went out, in that order, as versioned envelopes.
    let got = events.drain();
    let types: Vec<&str> = got
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect();
    assert_eq!(types, ["order.created", "order.paid"]);
    assert_eq!(got[0]["version"], 1);
    assert_eq!(got[0]["order_id"], id);
    assert_eq!(got[0]["user_id"], user.as_str());
    assert_eq!(got[0]["data"]["customer"]["email"], email_of(&user));
    assert_eq!(got[0]["data"]["total_minor"], 5357);
    assert_eq!(
        shop.orders_i64("SELECT count(*) FROM outbox WHERE published_at IS NULL"),
        0
    );
}

#[test]
fn a_declined_payment_releases_the_stock_and_records_no_order() {
    let shop = OrderApp::start(Options {
        payment_mode: "decline",
        ..Options::default()
    });
    let lamp = shop.create_product("lamp", 3, 1999);
    let ada = Shopper::user();
    shop.add_to_cart(&ada, &lamp, 2);

    let answer = shop.checkout(&ada, "click-1");
    assert_eq!(answer.status, 402, "{}", answer.json);
    assert_eq!(answer.json["error"], "payment_declined");
    assert_eq!(shop.stock(&lamp), (3, 0), "the reservation was released");
    assert_eq!(
        shop.products_i64("SELECT count(*) FROM reservations WHERE state = 'released'"),
        1
    );
    assert_eq!(shop.orders_i64("SELECT count(*) FROM orders"), 0);
    // The cart is kept, so the shopper can try another card.
    let cart = shop.call(&ada, "GET", "/cart", None);
    assert_eq!(cart.json["lines"][0]["quantity"], 2);
    // The same click again is the same answer, replayed; nothing is reserved again.
    let again = shop.checkout(&ada, "click-1");
    assert_eq!((again.status, again.replayed), (402, true));
    assert_eq!(again.json, answer.json);
    assert_eq!(shop.products_i64("SELECT count(*) FROM reservations"), 1);
}

#[test]
fn checkout_needs_a_signed_in_user_a_key_a_cart_and_an_address() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 3, 1999);
    let guest = Shopper::guest();
    shop.add_to_cart(&guest, &lamp, 1);
    let body = address_body();
    let anonymous = shop.call_with(
        &guest,
        "POST",
        "/checkout",
        Some(&body),
        &[("idempotency-key", "k")],
    );
    assert_eq!(
        (anonymous.status, anonymous.json["error"].as_str()),
        (401, Some("unauthenticated"))
    );

    let ada = Shopper::user();
    let no_key = shop.call(&ada, "POST", "/checkout", Some(&body));
    assert_eq!(
        (no_key.status, no_key.json["error"].as_str()),
        (400, Some("idempotency_key_required"))
    );
    let no_address = shop.call_with(
        &ada,
        "POST",
        "/checkout",
        Some(&json!({})),
        &[("idempotency-key", "k")],
    );
    assert_eq!(
        (no_address.status, no_address.json["error"].as_str()),
        (400, Some("invalid_address"))
    );
    let empty = shop.checkout(&ada, "k");
    assert_eq!(
        (empty.status, empty.json["error"].as_str()),
        (409, Some("empty_cart"))
    );
    let unknown_saved = shop.call_with(
        &ada,
        "POST",
        "/checkout",
        Some(&json!({ "address_id": "nope" })),
        &[("idempotency-key", "k2")],
    );
    // The cart is empty, which is checked first.
    assert_eq!(unknown_saved.status, 409);

    shop.add_to_cart(&ada, &lamp, 1);
    let saved = shop.call_with(
        &ada,
        "POST",
        "/checkout",
        Some(&json!({ "address_id": "a1" })),
        &[("idempotency-key", "k3")],
    );
    assert_eq!(saved.status, 201, "{}", saved.json);
    assert_eq!(saved.json["shipping_address"]["city"], "Paris");
    assert_eq!(saved.json["shipping_address"].get("id"), None);
}
