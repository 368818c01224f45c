//! The cart through redshop: guest and user carts, quantity bounds, one currency, prices read
//! from the product service on every view with changes flagged, and the guest cart merged
//! into the user's at sign-in — then checked out and found in the history.

use redshop_e2e::order::{Options, OrderApp, Shopper};
use serde_json::json;

#[test]
fn guest_cart_then_sign_in_merge_then_checkout_then_history() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 4, 1999);
    let mug = shop.create_product("mug", 10, 500);
    let rug = shop.create_product("rug", 10, 8000);

    // As a guest: a lamp and three mugs.
    let guest = Shopper::guest();
    shop.add_to_cart(&guest, &lamp, 3);
    let cart = shop.add_to_cart(&guest, &mug, 3);
    assert_eq!(cart["owner"], "guest");
    assert_eq!(cart["subtotal_minor"], 3 * 1999 + 3 * 500);

    // Signed in, the user already had two lamps and a rug.
    let user = Shopper::user();
    shop.add_to_cart(&user, &lamp, 2);
    shop.add_to_cart(&user, &rug, 1);
    let signed_in = Shopper {
        user: user.user.clone(),
        cart: guest.cart.clone(),
        admin: false,
    };
    let merged = shop.call(&signed_in, "POST", "/cart/merge", None);
    assert_eq!(merged.status, 200, "{}", merged.json);
    let quantities: Vec<(String, i64)> = merged.json["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["product_id"].as_str().expect("id").to_owned(),
                l["quantity"].as_i64().expect("quantity"),
            )
        })
        .collect();
    // Lamps: 2 + 3 = 5, capped by the 4 in stock; mugs taken over; the rug kept.
    assert_eq!(
        quantities,
        [(lamp.clone(), 4), (rug.clone(), 1), (mug.clone(), 3)]
    );
    assert_eq!(merged.json["merge"]["dropped"], json!([]));
    // The guest cart is empty now.
    assert_eq!(
        shop.call(&guest, "GET", "/cart", None).json["lines"],
        json!([])
    );

    let order = shop.checkout(&signed_in, "after-sign-in");
    assert_eq!(order.status, 201, "{}", order.json);
    // 4 × 19.99 + 80.00 + 3 × 5.00 = 174.96; tax 14.00 (13.9968); free shipping.
    assert_eq!(order.json["subtotal_minor"], 17496);
    assert_eq!(order.json["tax_minor"], 1400);
    assert_eq!(order.json["shipping_minor"], 0);
    assert_eq!(order.json["total_minor"], 18896);
    let history = shop.call(&user, "GET", "/orders", None);
    assert_eq!(history.json["items"][0]["id"], order.json["id"]);
    assert_eq!(history.json["items"][0]["item_count"], 8);
    assert_eq!(shop.stock(&lamp), (4, 4));
}

#[test]
fn the_cart_view_flags_price_and_availability_changes() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 5, 1999);
    let mug = shop.create_product("mug", 5, 500);
    let ada = Shopper::user();
    shop.add_to_cart(&ada, &lamp, 2);
    shop.add_to_cart(&ada, &mug, 4);
    let before = shop.call(&ada, "GET", "/cart", None);
    assert_eq!(before.json["changed"], false);

    let (status, _) = shop.product_admin(
        "PATCH",
        &format!("/products/{lamp}"),
        Some(&json!({ "price": { "amount_minor": 2499, "currency": "USD" } })),
    );
    assert_eq!(status, 200);
    let (status, _) = shop.product_admin(
        "POST",
        &format!("/products/{mug}/stock"),
        Some(&json!({ "delta": -3, "reason": "shrinkage" })),
    );
    assert_eq!(status, 200);

    let after = shop.call(&ada, "GET", "/cart", None);
    let lines = after.json["lines"].as_array().expect("lines");
    assert_eq!(lines[0]["unit_price_minor"], 2499);
    assert_eq!(lines[0]["added_unit_price_minor"], 1999);
    assert_eq!(lines[0]["price_changed"], true);
    assert_eq!(lines[0]["line_total_minor"], 4998);
    assert_eq!(lines[1]["availability"], "insufficient_stock");
    assert_eq!(lines[1]["available"], 2);
    assert_eq!(after.json["changed"], true);
    // Checking out now refuses the short line, and names it.
    let refused = shop.checkout(&ada, "k");
    assert_eq!(refused.status, 409, "{}", refused.json);
    assert_eq!(refused.json["error"], "insufficient_stock");
    assert_eq!(refused.json["details"][0]["product_id"], mug.as_str());
}

#[test]
fn cart_lines_are_bounded_and_a_cart_needs_an_owner() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 500, 1999);
    let guest = Shopper::guest();
    let add = |quantity: i64| {
        shop.call(
            &guest,
            "POST",
            "/cart/items",
            Some(&json!({ "product_id": lamp, "quantity": quantity })),
        )
    };
    assert_eq!(add(0).json["error"], "invalid_quantity");
    assert_eq!(add(100).json["error"], "invalid_quantity");
    assert_eq!(add(98).status, 200);
    let over = add(2);
    assert_eq!(
        (over.status, over.json["error"].as_str()),
        (400, Some("invalid_quantity"))
    );
    let set = shop.call(
        &guest,
        "PATCH",
        &format!("/cart/items/{lamp}"),
        Some(&json!({ "quantity": 5 })),
    );
    assert_eq!(set.json["lines"][0]["quantity"], 5);
    let removed = shop.call(&guest, "DELETE", &format!("/cart/items/{lamp}"), None);
    assert_eq!(removed.json["lines"], json!([]));
    let gone = shop.call(&guest, "DELETE", &format!("/cart/items/{lamp}"), None);
    assert_eq!(gone.status, 404);

    let unknown = shop.call(
        &guest,
        "POST",
        "/cart/items",
        Some(&json!({ "product_id": "00000000-0000-4000-8000-00000000dead", "quantity": 1 })),
    );
    assert_eq!(
        (unknown.status, unknown.json["error"].as_str()),
        (409, Some("product_unavailable"))
    );
    let price = shop.call(
        &guest,
        "POST",
        "/cart/items",
        Some(&json!({ "product_id": lamp, "quantity": 1, "unit_price_minor": 1 })),
    );
    assert_eq!(
        (price.status, price.json["error"].as_str()),
        (400, Some("invalid_json"))
    );

    let nobody = Shopper {
        user: None,
        cart: None,
        admin: false,
    };
    assert_eq!(
        shop.call(&nobody, "GET", "/cart", None).json["lines"],
        json!([])
    );
    let no_cart = shop.call(
        &nobody,
        "POST",
        "/cart/items",
        Some(&json!({ "product_id": lamp, "quantity": 1 })),
    );
    assert_eq!(
        (no_cart.status, no_cart.json["error"].as_str()),
        (400, Some("cart_id_required"))
    );
    let cleared = shop.call(&guest, "DELETE", "/cart", None);
    assert_eq!(cleared.status, 204);
}
