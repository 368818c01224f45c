//! Stock adjustments through the host: audited, bounded by what orders have reserved, and
//! only for admins.

use redshop_e2e::product::{Data, ProductApp, order_id};
use serde_json::json;

#[test]
fn stock_adjustments_are_audited_and_never_undercut_reservations() {
    let app = ProductApp::start(Data::Empty);
    app.create_category("gadgets");
    let product = app.create_product("widget", "gadgets", 5, json!({}))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/products/{product}/stock");
    let restock = app.admin(
        "POST",
        &path,
        Some(&json!({ "delta": 10, "reason": "restock", "note": "PO-7" })),
    );
    assert_eq!(restock.status, 200, "{}", restock.text);
    assert_eq!(
        restock.json,
        json!({ "product_id": product, "on_hand": 15, "reserved": 0, "available": 15 })
    );
    assert_eq!(
        app.call(
            "POST",
            "/reservations",
            Some(&json!({ "order_id": order_id(1), "lines": [{ "product_id": product, "quantity": 12 }] }))
        )
        .status,
        201
    );

    // Taking away units that are promised to an order is refused.
    let shrink = app.admin(
        "POST",
        &path,
        Some(&json!({ "delta": -4, "reason": "shrinkage" })),
    );
    assert_eq!(
        (shrink.status, shrink.json["error"].as_str()),
        (409, Some("insufficient_stock")),
        "{}",
        shrink.text
    );
    let ok = app.admin(
        "POST",
        &path,
        Some(&json!({ "delta": -3, "reason": "shrinkage" })),
    );
    assert_eq!(ok.json["available"], 0, "{}", ok.text);
    let level = app.admin("GET", &path, None);
    assert_eq!(
        level.json,
        json!({ "product_id": product, "on_hand": 12, "reserved": 12, "available": 0 })
    );

    for (body, code) in [
        (
            json!({ "delta": 5, "reason": "gift" }),
            "invalid_stock_adjustment",
        ),
        (
            json!({ "delta": -5, "reason": "restock" }),
            "invalid_stock_adjustment",
        ),
        (
            json!({ "delta": 0, "reason": "correction" }),
            "invalid_stock_adjustment",
        ),
    ] {
        let answer = app.admin("POST", &path, Some(&body));
        assert_eq!(
            (answer.status, answer.json["error"].as_str()),
            (400, Some(code)),
            "{body}: {}",
            answer.text
        );
    }
    // The audit trail: the opening balance and the two applied adjustments, in order.
    let trail: Vec<(i64, String, Option<String>, i64)> = app
        .sql("SELECT delta, reason, note, on_hand_after FROM stock_adjustments ORDER BY id")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        trail,
        vec![
            (5, "initial".to_owned(), None, 5),
            (10, "restock".to_owned(), Some("PO-7".to_owned()), 15),
            (-3, "shrinkage".to_owned(), None, 12),
        ]
    );
    let missing = app.admin("GET", &format!("/products/{}/stock", order_id(5)), None);
    assert_eq!(missing.status, 404);
}
