//! An order as stored and as shown: lines, totals, the customer's copied details and its
//! status history.

use serde::Serialize;
use serde_json::{Value, json};

use crate::checkout::{NewOrder, OrderLine};
use crate::status::OrderStatus;
use crate::totals::Totals;

/// One entry of the status history: the status and when the order entered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    pub status: OrderStatus,
    pub at_ms: i64,
}

/// A stored order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRecord {
    pub id: String,
    pub seq: i64,
    pub user_id: Option<String>,
    pub status: OrderStatus,
    pub currency: String,
    pub totals: Totals,
    pub email: String,
    pub name: String,
    pub shipping_address: Value,
    pub cancel_reason: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Units over all lines (read with the order, so listings need not load lines).
    pub item_count: i64,
    pub lines: Vec<OrderLine>,
    pub history: Vec<StatusChange>,
}

impl OrderRecord {
    /// The order a checkout is about to record, before the database has stamped it.
    pub fn from_new(new: &NewOrder, status: OrderStatus) -> Self {
        Self {
            id: new.id.clone(),
            seq: 0,
            user_id: Some(new.user_id.to_text()),
            status,
            currency: new.priced.currency.code().to_owned(),
            totals: new.priced.totals,
            email: new.email.clone(),
            name: new.name.clone(),
            shipping_address: new.shipping_address.clone(),
            cancel_reason: None,
            created_ms: 0,
            updated_ms: 0,
            item_count: new.priced.lines.iter().map(|l| l.quantity).sum(),
            lines: new.priced.lines.clone(),
            history: Vec::new(),
        }
    }

    /// The full order, as `GET /orders/{id}` shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "user_id": self.user_id,
            "status": self.status,
            "currency": self.currency,
            "subtotal_minor": self.totals.subtotal_minor,
            "tax_minor": self.totals.tax_minor,
            "shipping_minor": self.totals.shipping_minor,
            "total_minor": self.totals.total_minor,
            "customer": { "email": self.email, "name": self.name },
            "shipping_address": self.shipping_address,
            "lines": self.lines,
            "status_history": self.history,
            "cancel_reason": self.cancel_reason,
            "created_ms": self.created_ms,
            "updated_ms": self.updated_ms,
        })
    }

    /// The short form of a listing.
    pub fn summary_json(&self) -> Value {
        json!({
            "id": self.id,
            "user_id": self.user_id,
            "status": self.status,
            "currency": self.currency,
            "total_minor": self.totals.total_minor,
            "item_count": self.item_count,
            "created_ms": self.created_ms,
            "updated_ms": self.updated_ms,
        })
    }
}
