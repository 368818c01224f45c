//! The shopper's whole path through the gateway, with the real user and product services:
//! a guest cart, registration and sign-in, the merge, checkout to a saved address, and the
//! order in the history — then an admin ships it and flushes the events.

use redshop_e2e::shop::Shop;
use serde_json::{Value, json};

const PASSWORD: &str = "violet tram at noon";

#[test]
fn guest_cart_sign_in_merge_checkout_history_through_the_gateway() {
    let shop = Shop::builder()
        .components(&["gateway", "product", "user", "order"])
        .start();
    let listing = shop.get("/products?in_stock=true&sort=price_asc&limit=2");
    assert_eq!(listing.status, 200, "{}", listing.text);
    let products: Vec<Value> = listing.json["items"].as_array().expect("items").clone();
    let (first, second) = (&products[0], &products[1]);
    let id = |p: &Value| p["id"].as_str().expect("id").to_owned();

    // A guest fills a cart; the storefront keeps its id.
    let cart_id = "3b241101-e2bb-4255-8caf-4136c566a962";
    let guest = [("x-cart-id", cart_id), ("content-type", "application/json")];
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
}
