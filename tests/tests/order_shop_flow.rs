//! The shopper's whole path through the gateway, with every service and both event
//! consumers, on redshop and on real Spin from the same code: browsing (searches and carts
//! that match no row included, which hung on Spin 4.0.2 before `redshop_edge::pg`), a guest
//! cart, registration and sign-in, the merge, checkout to a saved address with an
//! idempotent retry, the order in the history, the notification and the mock email arriving,
//! an admin shipping it, a token refresh and sign-out.

use std::time::{Duration, Instant};

use redshop_e2e::shop::{Reply, Shop};
use redshop_testkit::spin_binary;
use serde_json::{Value, json};

const PASSWORD: &str = "violet tram at noon";

#[test]
fn whole_path_on_redshop() {
    journey(&Shop::builder().start());
}

#[test]
fn whole_path_on_spin() {
    let Some(spin) = spin_binary("whole_path_on_spin") else {
        return;
    };
    journey(&Shop::builder().on_spin(spin).start());
}

/// Asks `ask` again until `done` holds for its answer (events travel asynchronously), for at
/// most 30 s; the last answer goes into the failure message.
fn eventually(what: &str, ask: impl Fn() -> Reply, done: impl Fn(&Reply) -> bool) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = ask();
        if done(&reply) {
            return reply;
        }
        assert!(
            Instant::now() < deadline,
            "{what} never happened; last answer {}: {}",
            reply.status,
            reply.text
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn items(reply: &Reply) -> usize {
    reply.json["items"].as_array().map_or(0, Vec::len)
}

fn journey(shop: &Shop) {
    // Browsing, including what matches nothing.
    let listing = shop.get("/products?in_stock=true&sort=price_asc&limit=2");
    assert_eq!(listing.status, 200, "{}", listing.text);
    let products: Vec<Value> = listing.json["items"].as_array().expect("items").clone();
    let (first, second) = (&products[0], &products[1]);
    let id = |p: &Value| p["id"].as_str().expect("id").to_owned();
    let one = shop.get(&format!("/products/{}", id(first)));
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json["id"], first["id"]);
    let categories = shop.get("/categories");
    assert_eq!(categories.status, 200, "{}", categories.text);
    let nothing = shop.get("/products?limit=24&min_price=99999996");
    assert_eq!(nothing.status, 200, "{}", nothing.text);
    assert_eq!(items(&nothing), 0, "{}", nothing.text);
    let no_match = shop.get("/products?q=zzqxv-nothing-matches&facets=true");
    assert_eq!(no_match.status, 200, "{}", no_match.text);
    assert_eq!(items(&no_match), 0, "{}", no_match.text);
    let missing = shop.get("/products/00000000-0000-4000-8000-000000000000");
    assert_eq!(missing.status, 404, "{}", missing.text);

    // A guest fills a cart; the storefront keeps its id.
    let cart_id = "3b241101-e2bb-4255-8caf-4136c566a962";
    let guest = [("x-cart-id", cart_id), ("content-type", "application/json")];
    let empty = shop.call("GET", &shop.api("/cart"), &guest[..1], None);
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(
        empty.json["lines"].as_array().map(Vec::len),
        Some(0),
        "{}",
        empty.text
    );
    let added = shop.call(
        "POST",
        &shop.api("/cart/items"),
        &guest,
        Some(&json!({ "product_id": id(first), "quantity": 1 }).to_string()),
    );
    assert_eq!(added.status, 200, "{}", added.text);
    assert_eq!(added.json["owner"], "guest");

    // They register, sign in and save an address.
    let email = "ada.flow@example.com";
    let registered = shop.send(
        "POST",
        "/auth/register",
        None,
        Some(&json!({ "email": email, "password": PASSWORD, "display_name": "Ada Flow" })),
    );
    assert_eq!(registered.status, 201, "{}", registered.text);
    let login = shop.send(
        "POST",
        "/auth/login",
        None,
        Some(&json!({ "email": email, "password": PASSWORD })),
    );
    assert_eq!(login.status, 200, "{}", login.text);
    let token = login.json["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let bearer = format!("Bearer {token}");
    let refresh_cookie = login
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("the refresh cookie")
        .to_owned();
    // A new customer has no orders and no notifications yet.
    let none = shop.send("GET", "/orders", Some(&token), None);
    assert_eq!(none.status, 200, "{}", none.text);
    assert_eq!(items(&none), 0);
    let quiet = shop.send("GET", "/notifications", Some(&token), None);
    assert_eq!(quiet.status, 200, "{}", quiet.text);
    let address = shop.send(
        "POST",
        "/me/addresses",
        Some(&token),
        Some(
            &json!({ "recipient": "Ada Flow", "line1": "3 Engine Lane", "city": "Bristol",
                      "postal_code": "BS1 4DJ", "country": "GB" }),
        ),
    );
    assert_eq!(address.status, 201, "{}", address.text);
    let address_id = address.json["id"].as_str().expect("address id").to_owned();

    // Signed in, they already want the second product; the storefront merges the guest cart.
    let mine = shop.send(
        "POST",
        "/cart/items",
        Some(&token),
        Some(&json!({ "product_id": id(second), "quantity": 2 })),
    );
    assert_eq!(mine.status, 200, "{}", mine.text);
    let merged = shop.call(
        "POST",
        &shop.api("/cart/merge"),
        &[("authorization", &bearer), ("x-cart-id", cart_id)],
        None,
    );
    assert_eq!(merged.status, 200, "{}", merged.text);
    assert_eq!(merged.json["owner"], "user");
    assert_eq!(merged.json["lines"].as_array().map(Vec::len), Some(2));

    // Checkout to the saved address, with one click's key.
    let body = json!({ "address_id": address_id }).to_string();
    let checkout_headers = [
        ("authorization", bearer.as_str()),
        ("content-type", "application/json"),
        ("idempotency-key", "flow-click-1"),
    ];
    let order = shop.call(
        "POST",
        &shop.api("/checkout"),
        &checkout_headers,
        Some(&body),
    );
    assert_eq!(order.status, 201, "{}", order.text);
    assert_eq!(order.json["status"], "paid");
    assert_eq!(
        order.json["customer"],
        json!({ "email": email, "name": "Ada Flow" })
    );
    assert_eq!(order.json["shipping_address"]["city"], "Bristol");
    let price = |p: &Value| p["price"]["amount_minor"].as_i64().expect("price");
    assert_eq!(
        order.json["subtotal_minor"].as_i64(),
        Some(price(first) + 2 * price(second))
    );
    let again = shop.call(
        "POST",
        &shop.api("/checkout"),
        &checkout_headers,
        Some(&body),
    );
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json["id"], order.json["id"]);

    let history = shop.send("GET", "/orders", Some(&token), None);
    assert_eq!(history.status, 200, "{}", history.text);
    assert_eq!(history.json["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(history.json["items"][0]["id"], order.json["id"]);
    let order_id = order.json["id"].as_str().expect("order id");
    let one = shop.send("GET", &format!("/orders/{order_id}"), Some(&token), None);
    assert_eq!(one.json["lines"].as_array().map(Vec::len), Some(2));

    // An admin ships it and flushes the outbox through the gateway.
    let admin = shop.admin_token();
    let shipped = shop.send(
        "POST",
        &format!("/admin/orders/{order_id}/status"),
        Some(&admin),
        Some(&json!({ "status": "shipped" })),
    );
    assert_eq!(shipped.status, 200, "{}", shipped.text);
    assert_eq!(shipped.json["status"], "shipped");
    let flushed = shop.send("POST", "/admin/events/flush", Some(&admin), None);
    assert_eq!(flushed.status, 200, "{}", flushed.text);
    assert!(flushed.json.get("published").is_some(), "{}", flushed.text);
    // Another customer cannot see it.
    let other = shop.customer_token();
    let theirs = shop.send("GET", &format!("/orders/{order_id}"), Some(&other), None);
    assert_eq!(theirs.status, 404);

    // The events reach the notification consumer: an in-app notification for the order and
    // the mock emails, shipping included.
    let feed = eventually(
        "a notification about the order",
        || shop.send("GET", "/notifications", Some(&token), None),
        |r| {
            r.status == 200
                && r.json["items"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|n| n.to_string().contains(order_id)))
        },
    );
    assert!(
        feed.json["unread_count"].as_i64() >= Some(1),
        "{}",
        feed.text
    );
    let mail_query = format!("/admin/mailbox?recipient={}", email.replace('@', "%40"));
    let mail = eventually(
        "the order's emails, shipping included",
        || shop.send("GET", &mail_query, Some(&admin), None),
        |r| r.status == 200 && r.text.contains(order_id) && r.text.contains("shipped"),
    );
    assert!(items(&mail) >= 2, "{}", mail.text);

    // The refresh cookie gives a new access token; signing out ends the session.
    let csrf = ("x-requested-with", "redshop");
    let refreshed = shop.call(
        "POST",
        &shop.api("/auth/refresh"),
        &[("cookie", refresh_cookie.as_str()), csrf],
        None,
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let fresh = refreshed.json["access_token"].as_str().expect("token");
    assert_eq!(shop.send("GET", "/me", Some(fresh), None).status, 200);
    let out = shop.call(
        "POST",
        &shop.api("/auth/logout"),
        &[("authorization", &format!("Bearer {fresh}")), csrf],
        None,
    );
    assert_eq!(out.status, 204, "{}", out.text);
    let after = shop.send("GET", "/me", Some(fresh), None);
    assert_eq!(after.status, 401, "{}", after.text);
}
