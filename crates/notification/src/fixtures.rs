//! Sample events for the unit tests, shaped exactly as docs/contracts.md shows them.

use serde_json::{Value, json};

pub const USER: &str = "11111111-1111-4111-8111-111111111111";
pub const ORDER: &str = "22222222-2222-4222-8222-222222222222";
pub const EVENT: &str = "33333333-3333-4333-8333-333333333333";

/// An `order.*` envelope (version 1) for [`ORDER`] of [`USER`].
pub fn order_event(kind: &str, id: &str) -> Value {
    let mut data = json!({
        "order_id": ORDER,
        "status": kind.trim_start_matches("order."),
        "customer": { "email": "ada@example.com", "name": "Ada Lovelace" },
        "lines": [
            { "product_id": "44444444-4444-4444-8444-444444444444", "name": "Moon Lamp",
              "sku": "ML-1", "quantity": 2, "unit_price_minor": 1999, "line_total_minor": 3998 },
            { "product_id": "55555555-5555-4555-8555-555555555555",
              "name": "<script>alert('x')</script> & Co", "sku": "XS-9", "quantity": 1,
              "unit_price_minor": 500, "line_total_minor": 500 }
        ],
        "currency": "USD",
        "subtotal_minor": 4498,
        "tax_minor": 360,
        "shipping_minor": 499,
        "total_minor": 5357,
        "shipping_address": {
            "id": "66666666-6666-4666-8666-666666666666", "name": "Ada Lovelace",
            "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH",
            "country": "GB"
        }
    });
    if kind == "order.cancelled" {
        data["reason"] = json!("customer asked");
    }
    json!({
        "id": id,
        "type": kind,
        "version": 1,
        "occurred_at": "2026-12-02T09:30:00Z",
        "order_id": ORDER,
        "user_id": USER,
        "data": data,
    })
}

pub fn reset_event(id: &str) -> Value {
    json!({
        "id": id,
        "type": "user.password_reset_requested",
        "version": 1,
        "occurred_at": "2026-12-02T09:30:00Z",
        "order_id": null,
        "user_id": USER,
        "data": { "email": "ada@example.com", "name": "Ada", "token": "tok_en-123",
                  "expires_ms": 1_764_669_600_000_i64 }
    })
}

pub fn deleted_event(id: &str) -> Value {
    json!({
        "id": id,
        "type": "user.deleted",
        "version": 1,
        "occurred_at": "2026-12-02T09:30:00Z",
        "order_id": null,
        "user_id": USER,
        "data": {}
    })
}

pub fn bytes(event: &Value) -> Vec<u8> {
    event.to_string().into_bytes()
}
