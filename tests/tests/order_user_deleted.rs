//! `user.deleted` on the user-event channel anonymises that user's orders (lines and totals
//! stay) through the order component's Redis trigger.

use std::time::{Duration, Instant};

use redshop_e2e::order::{Options, OrderApp, Shopper, publish};
use redshop_testkit::services::psql;
use serde_json::json;

#[test]
fn user_deleted_anonymises_the_users_orders_and_keeps_lines_and_totals() {
    let shop = OrderApp::start(Options {
        user_events: true,
        ..Options::default()
    });
    let lamp = shop.create_product("lamp", 5, 1999);
    let (ada, bob) = (Shopper::user(), Shopper::user());
    shop.add_to_cart(&ada, &lamp, 2);
    let order = shop.checkout(&ada, "k");
    assert_eq!(order.status, 201, "{}", order.json);
    shop.add_to_cart(&bob, &lamp, 1);
    assert_eq!(shop.checkout(&bob, "k").status, 201);
    shop.add_to_cart(&ada, &lamp, 1);
    let ada_id = ada.user.clone().expect("ada");

    let skipped = json!({"id": "e0", "type": "user.password_reset_requested", "version": 1,
        "occurred_at": "2026-12-02T09:30:00Z", "order_id": null, "user_id": ada_id, "data": {}});
    let deleted = json!({"id": "e1", "type": "user.deleted", "version": 1,
        "occurred_at": "2026-12-02T09:30:01Z", "order_id": null, "user_id": ada_id, "data": {}});
    let deadline = Instant::now() + Duration::from_secs(10);
    while publish(&shop.user_channel, &skipped.to_string()) < 1 {
        assert!(
            Instant::now() < deadline,
            "the order component never subscribed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(publish(&shop.user_channel, &deleted.to_string()), 1);

    let id = order.json["id"].as_str().expect("id");
    let anonymised =
        format!("SELECT count(*) FROM orders WHERE id = '{id}' AND anonymised_at IS NOT NULL");
    while shop.orders_i64(&anonymised) == 0 {
        assert!(
            Instant::now() < deadline,
            "not anonymised:\n{}",
            shop.app.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let rows = psql(
        &shop.orders_db.name,
        &format!(
            "SELECT customer_email, customer_name, shipping_address::text, user_id IS NULL, total_minor \
             FROM orders WHERE id = '{id}'"
        ),
    );
    let row = rows.first().expect("order");
    assert_eq!(row.get::<_, String>(0), "");
    assert_eq!(row.get::<_, String>(1), "");
    assert_eq!(row.get::<_, String>(2), "{}");
    assert!(row.get::<_, bool>(3));
    assert_eq!(
        row.get::<_, i64>(4),
        order.json["total_minor"].as_i64().expect("total")
    );
    assert_eq!(
        shop.orders_i64(&format!(
            "SELECT count(*) FROM order_lines WHERE order_id = '{id}'"
        )),
        1
    );
    // Ada's history and cart are gone; Bob's order is untouched.
    assert_eq!(
        shop.call(&ada, "GET", "/orders", None).json["items"],
        json!([])
    );
    assert_eq!(
        shop.call(&ada, "GET", "/cart", None).json["lines"],
        json!([])
    );
    assert_eq!(
        shop.orders_i64(
            "SELECT count(*) FROM orders WHERE anonymised_at IS NULL AND customer_email <> ''"
        ),
        1
    );
}
