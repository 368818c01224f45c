//! Order events: the versioned JSON envelope of docs/contracts.md (Events), written to the
//! outbox in the transaction of the change it describes and published from there.
//!
//! The envelope's `id` and `occurred_at` are the outbox row's (PostgreSQL makes both), so a
//! re-published event is byte-for-byte the same message and consumers deduplicate on `id`.

use serde_json::{Value, json};

use crate::order::OrderRecord;
use crate::sql::{SqlValue, Stmt, json as json_param, text, uuid};
use crate::status::OrderStatus;

/// Version of every `order.*` envelope's `data`.
pub const ORDER_EVENT_VERSION: i64 = 1;

/// The `data` of an `order.*` event for `order` as it is after entering `status`.
pub fn order_data(order: &OrderRecord, status: OrderStatus, reason: Option<&str>) -> Value {
    let mut data = json!({
        "order_id": order.id,
        "status": status,
        "customer": { "email": order.email, "name": order.name },
        "lines": order.lines,
        "currency": order.currency,
        "subtotal_minor": order.totals.subtotal_minor,
        "tax_minor": order.totals.tax_minor,
        "shipping_minor": order.totals.shipping_minor,
        "total_minor": order.totals.total_minor,
        "shipping_address": order.shipping_address,
    });
    if status == OrderStatus::Cancelled {
        data["reason"] = Value::String(reason.unwrap_or("cancelled").to_owned());
    }
    data
}

/// The outbox row for `order` entering `status`.
pub fn outbox_insert(order: &OrderRecord, status: OrderStatus, reason: Option<&str>) -> Stmt {
    Stmt::new(
        "INSERT INTO outbox (event_type, version, order_id, user_id, data) \
         VALUES ($1::text, $2::int8, $3::uuid, $4::uuid, $5::jsonb) RETURNING seq",
        vec![
            text(status.event_type()),
            SqlValue::Int64(ORDER_EVENT_VERSION),
            uuid(&order.id),
            order.user_id.as_deref().map_or(SqlValue::Null, uuid),
            json_param(&order_data(order, status, reason)),
        ],
    )
}

/// An outbox row waiting to be published.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub seq: i64,
    pub id: String,
    pub event_type: String,
    pub version: i64,
    pub order_id: Option<String>,
    pub user_id: Option<String>,
    /// RFC 3339, UTC, milliseconds.
    pub occurred_at: String,
    pub data: Value,
}

impl OutboxEvent {
    /// The message published on the order-event channel.
    pub fn envelope(&self) -> String {
        json!({
            "id": self.id,
            "type": self.event_type,
            "version": self.version,
            "occurred_at": self.occurred_at,
            "order_id": self.order_id,
            "user_id": self.user_id,
            "data": self.data,
        })
        .to_string()
    }
}

/// A `user.*` event as the order service reads it: only `user.deleted` (version 1) matters;
/// every other type or version is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserEvent {
    Deleted { user_id: String, event_id: String },
    Other { event_type: String, version: i64 },
}

impl UserEvent {
    /// Parses an envelope; a message that is not one is `None` (logged and dropped: a retry
    /// would not make it readable).
    pub fn parse(payload: &[u8]) -> Option<Self> {
        let v: Value = serde_json::from_slice(payload).ok()?;
        let event_type = v.get("type")?.as_str()?.to_owned();
        let version = v.get("version")?.as_i64()?;
        if event_type == "user.deleted" && version == 1 {
            Some(Self::Deleted {
                user_id: v.get("user_id")?.as_str()?.to_owned(),
                event_id: v.get("id")?.as_str()?.to_owned(),
            })
        } else {
            Some(Self::Other {
                event_type,
                version,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::OrderLine;
    use crate::totals::Totals;

    fn order() -> OrderRecord {
        OrderRecord {
            id: "11111111-1111-4111-8111-111111111111".into(),
            seq: 1,
            user_id: Some("22222222-2222-4222-8222-222222222222".into()),
            status: OrderStatus::Paid,
            currency: "USD".into(),
            totals: Totals::of_lines([(1999, 2)]).unwrap(),
            email: "ada@example.com".into(),
            name: "Ada".into(),
            shipping_address: json!({"city": "London"}),
            cancel_reason: None,
            created_ms: 0,
            updated_ms: 0,
            item_count: 2,
            lines: vec![OrderLine {
                product_id: "p".into(),
                name: "Lamp".into(),
                sku: "L-1".into(),
                quantity: 2,
                unit_price_minor: 1999,
                line_total_minor: 3998,
            }],
            history: Vec::new(),
        }
    }

    #[test]
    fn order_data_carries_what_a_notification_needs() {
        let data = order_data(&order(), OrderStatus::Paid, None);
        assert_eq!(
            data["customer"],
            json!({"email": "ada@example.com", "name": "Ada"})
        );
        assert_eq!(data["lines"][0]["line_total_minor"], 3998);
        assert_eq!(data["total_minor"], 4817);
        assert_eq!(data["status"], "paid");
        assert!(data.get("reason").is_none());
        let cancelled = order_data(&order(), OrderStatus::Cancelled, Some("changed my mind"));
        assert_eq!(cancelled["reason"], "changed my mind");
    }

    #[test]
    fn the_envelope_has_the_contracts_fields() {
        let e = OutboxEvent {
            seq: 7,
            id: "e1".into(),
            event_type: "order.created".into(),
            version: 1,
            order_id: Some("o".into()),
            user_id: None,
            occurred_at: "2026-12-02T09:30:00.000Z".into(),
            data: json!({}),
        };
        let v: Value = serde_json::from_str(&e.envelope()).unwrap();
        assert_eq!(
            v,
            json!({"id": "e1", "type": "order.created", "version": 1,
                   "occurred_at": "2026-12-02T09:30:00.000Z", "order_id": "o",
                   "user_id": null, "data": {}})
        );
    }

    #[test]
    fn only_user_deleted_version_1_is_acted_on() {
        let deleted = br#"{"id":"e","type":"user.deleted","version":1,"user_id":"u","order_id":null,"data":{}}"#;
        assert_eq!(
            UserEvent::parse(deleted),
            Some(UserEvent::Deleted {
                user_id: "u".into(),
                event_id: "e".into()
            })
        );
        let v2 = br#"{"id":"e","type":"user.deleted","version":2,"user_id":"u"}"#;
        assert!(matches!(
            UserEvent::parse(v2),
            Some(UserEvent::Other { version: 2, .. })
        ));
        assert_eq!(UserEvent::parse(b"not json"), None);
    }
}
