//! Order history, the state machine and object-level authorization, through redshop:
//! another user's order is a 404 for reading and cancelling; admins move orders along
//! `pending → paid → shipped → delivered`, shipping commits the stock and cancelling
//! releases it; an invalid move is a 409 with the current state.

use redshop_e2e::order::{Options, OrderApp, Shopper};
use serde_json::{Value, json};

fn placed(shop: &OrderApp, who: &Shopper, product: &str, quantity: i64, key: &str) -> Value {
    shop.add_to_cart(who, product, quantity);
    let answer = shop.checkout(who, key);
    assert_eq!(answer.status, 201, "{}", answer.json);
    answer.json
}

#[test]
fn another_users_order_is_not_found_for_reading_cancelling_or_listing() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 5, 1999);
    let (ada, bob) = (Shopper::user(), Shopper::user());
    let order = placed(&shop, &ada, &lamp, 1, "a-1");
    let id = order["id"].as_str().expect("id");
    // Ada leaves something in her cart.
    shop.add_to_cart(&ada, &lamp, 2);

    let read = shop.call(&bob, "GET", &format!("/orders/{id}"), None);
    assert_eq!(
        (read.status, read.json["error"].as_str()),
        (404, Some("not_found"))
    );
    let cancel = shop.call(&bob, "POST", &format!("/orders/{id}/cancel"), None);
    assert_eq!(
        (cancel.status, cancel.json["error"].as_str()),
        (404, Some("not_found"))
    );
    let listed = shop.call(&bob, "GET", "/orders", None);
    assert_eq!(listed.json["items"], json!([]));
    // Bob cannot reach Ada's cart either: his checkout sees only his own (empty) cart, and
    // Ada's user id used as a guest cart id names a different, empty cart.
    let bobs = shop.checkout(&bob, "b-1");
    assert_eq!(
        (bobs.status, bobs.json["error"].as_str()),
        (409, Some("empty_cart"))
    );
    let impostor = Shopper {
        user: None,
        cart: ada.user.clone(),
        admin: false,
    };
    let cart = shop.call(&impostor, "GET", "/cart", None);
    assert_eq!(cart.json["lines"], json!([]));
    // Ada's order and cart are untouched.
    assert_eq!(
        shop.call(&ada, "GET", &format!("/orders/{id}"), None).json["status"],
        "paid"
    );
    assert_eq!(
        shop.call(&ada, "GET", "/cart", None).json["lines"][0]["quantity"],
        2
    );
    // A malformed id is as missing as an unknown one.
    assert_eq!(
        shop.call(&ada, "GET", "/orders/not-an-id", None).status,
        404
    );
    // The admin routes need the admin role.
    assert_eq!(shop.call(&bob, "GET", "/admin/orders", None).status, 403);
    let forbidden = shop.call(
        &bob,
        "POST",
        &format!("/admin/orders/{id}/status"),
        Some(&json!({ "status": "shipped" })),
    );
    assert_eq!(
        (forbidden.status, forbidden.json["error"].as_str()),
        (403, Some("forbidden"))
    );
}

#[test]
fn admins_advance_orders_shipping_commits_stock_and_invalid_moves_are_409() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 5, 1999);
    let ada = Shopper::user();
    let admin = Shopper::admin();
    let mut events = shop.subscribe();
    let order = placed(&shop, &ada, &lamp, 2, "a-1");
    let id = order["id"].as_str().expect("id");
    assert_eq!(events.drain().len(), 2, "order.created and order.paid");
    let set = |status: &str| {
        shop.call(
            &admin,
            "POST",
            &format!("/admin/orders/{id}/status"),
            Some(&json!({ "status": status })),
        )
    };

    let skip = set("delivered");
    assert_eq!(skip.status, 409, "{}", skip.json);
    assert_eq!(skip.json["error"], "invalid_transition");
    assert_eq!(skip.json["current_state"], "paid");

    let shipped = set("shipped");
    assert_eq!(shipped.status, 200, "{}", shipped.json);
    assert_eq!(shipped.json["status"], "shipped");
    assert_eq!(
        shop.stock(&lamp),
        (3, 0),
        "shipping took the units out of stock"
    );

    let cancel = shop.call(&ada, "POST", &format!("/orders/{id}/cancel"), None);
    assert_eq!(
        (cancel.status, cancel.json["current_state"].as_str()),
        (409, Some("shipped"))
    );

    let delivered = set("delivered");
    assert_eq!(delivered.json["status"], "delivered");
    let history: Vec<&str> = delivered.json["status_history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["status"].as_str().expect("status"))
        .collect();
    assert_eq!(history, ["pending", "paid", "shipped", "delivered"]);
    let times: Vec<i64> = delivered.json["status_history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["at_ms"].as_i64().expect("at_ms"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let back = set("paid");
    assert_eq!(
        (back.status, back.json["current_state"].as_str()),
        (409, Some("delivered"))
    );
    let nonsense = set("lost");
    assert_eq!(
        (nonsense.status, nonsense.json["error"].as_str()),
        (400, Some("invalid_request"))
    );

    let types: Vec<String> = events
        .drain()
        .iter()
        .map(|e| e["type"].as_str().expect("type").to_owned())
        .collect();
    assert_eq!(types, ["order.shipped", "order.delivered"]);
    assert_eq!(shop.stock(&lamp), (3, 0));
}

#[test]
fn a_shopper_cancels_a_paid_order_and_the_stock_is_for_sale_again() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 5, 1999);
    let ada = Shopper::user();
    let mut events = shop.subscribe();
    let order = placed(&shop, &ada, &lamp, 3, "a-1");
    let id = order["id"].as_str().expect("id");
    assert_eq!(shop.stock(&lamp), (5, 3));
    assert_eq!(events.drain().len(), 2, "order.created and order.paid");

    let cancelled = shop.call(&ada, "POST", &format!("/orders/{id}/cancel"), None);
    assert_eq!(cancelled.status, 200, "{}", cancelled.json);
    assert_eq!(cancelled.json["status"], "cancelled");
    assert_eq!(cancelled.json["cancel_reason"], "cancelled by the customer");
    assert_eq!(shop.stock(&lamp), (5, 0), "the reservation was released");
    let again = shop.call(&ada, "POST", &format!("/orders/{id}/cancel"), None);
    assert_eq!(
        (again.status, again.json["current_state"].as_str()),
        (409, Some("cancelled"))
    );

    let got = events.drain();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["type"], "order.cancelled");
    assert_eq!(got[0]["data"]["reason"], "cancelled by the customer");
    assert_eq!(got[0]["data"]["lines"][0]["quantity"], 3);
}

#[test]
fn history_pages_newest_first_and_admins_filter_all_orders() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 50, 1000);
    let (ada, bob, admin) = (Shopper::user(), Shopper::user(), Shopper::admin());
    let ids: Vec<String> = (0..3)
        .map(|i| {
            placed(&shop, &ada, &lamp, 1, &format!("a-{i}"))["id"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect();
    let bobs = placed(&shop, &bob, &lamp, 1, "b-1");

    let first = shop.call(&ada, "GET", "/orders?limit=2", None);
    assert_eq!(first.status, 200, "{}", first.json);
    let page: Vec<&str> = first.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["id"].as_str().expect("id"))
        .collect();
    assert_eq!(page, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = first.json["next_cursor"].as_str().expect("a next page");
    let second = shop.call(
        &ada,
        "GET",
        &format!("/orders?limit=2&cursor={cursor}"),
        None,
    );
    assert_eq!(second.json["items"][0]["id"], ids[0].as_str());
    assert_eq!(second.json["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(second.json["next_cursor"], Value::Null);
    let bad = shop.call(&ada, "GET", "/orders?cursor=zzz", None);
    assert_eq!(
        (bad.status, bad.json["error"].as_str()),
        (400, Some("invalid_cursor"))
    );
    let typo = shop.call(&ada, "GET", "/orders?limt=2", None);
    assert_eq!(typo.status, 400);

    let all = shop.call(&admin, "GET", "/admin/orders", None);
    assert_eq!(all.json["items"].as_array().map(Vec::len), Some(4));
    let bob_id = bob.user.as_deref().expect("bob");
    let only_bob = shop.call(
        &admin,
        "GET",
        &format!("/admin/orders?user_id={bob_id}"),
        None,
    );
    assert_eq!(only_bob.json["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(only_bob.json["items"][0]["id"], bobs["id"]);
    shop.call(&ada, "POST", &format!("/orders/{}/cancel", ids[0]), None);
    let cancelled = shop.call(&admin, "GET", "/admin/orders?status=cancelled", None);
    assert_eq!(cancelled.json["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(cancelled.json["items"][0]["id"], ids[0].as_str());
}
