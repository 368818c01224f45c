//! In-app notifications: what one says for each event, and how one is shown.

use serde::Serialize;

use crate::event::{OrderData, OrderKind};
use crate::ids::{NotificationId, OrderId};
use crate::money::format;
use crate::render::{Links, order::reference};

/// Longest title and body stored (the event's own text is bounded well below this).
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_BODY_CHARS: usize = 1000;

/// A notification about to be written: the event `type` it came from, what it says, and
/// the storefront path it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

/// The notification for an order event.
pub fn for_order(kind: OrderKind, order: &OrderData) -> Notice {
    let reference = reference(order);
    let items = match order.item_count() {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    let total = format(order.total_minor, &order.currency);
    let (title, body) = match kind {
        OrderKind::Created => (
            "Order received",
            format!("We have your order {reference}: {items}, {total}."),
        ),
        OrderKind::Paid => (
            "Payment received",
            format!("Your payment of {total} for order {reference} went through."),
        ),
        OrderKind::Shipped => (
            "Order shipped",
            format!("Order {reference} ({items}) is on its way."),
        ),
        OrderKind::Delivered => (
            "Order delivered",
            format!("Order {reference} was delivered."),
        ),
        OrderKind::Cancelled => (
            "Order cancelled",
            match &order.reason {
                Some(reason) => format!("Order {reference} was cancelled: {reason}"),
                None => format!("Order {reference} was cancelled."),
            },
        ),
    };
    Notice {
        kind: kind.as_type(),
        title: title.to_owned(),
        body: crate::text::one_line(&body, MAX_BODY_CHARS),
        link: Some(Links::order_path(&order.order_id)),
    }
}

/// The security notice for a password-reset request (the token is never in it).
pub fn for_password_reset() -> Notice {
    Notice {
        kind: "user.password_reset_requested",
        title: "Password reset requested".to_owned(),
        body: "We emailed you a link to choose a new password. If you did not ask for it, \
               ignore the email: your password stays as it is."
            .to_owned(),
        link: None,
    }
}

/// A stored notification, as `GET /notifications` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: NotificationId,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub order_id: Option<OrderId>,
    pub read: bool,
    pub created_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Decoded, Event, decode};
    use crate::fixtures::{EVENT, bytes, order_event};

    fn notice(kind: OrderKind) -> Notice {
        match decode(&bytes(&order_event(kind.as_type(), EVENT))) {
            Decoded::Event {
                event: Event::Order { order, .. },
                ..
            } => for_order(kind, &order),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_order_event_has_its_title_body_and_a_link_to_the_order() {
        let got: Vec<(String, String)> = OrderKind::ALL
            .into_iter()
            .map(|k| {
                let n = notice(k);
                assert_eq!(n.kind, k.as_type());
                assert_eq!(
                    n.link.as_deref(),
                    Some("/orders/22222222-2222-4222-8222-222222222222")
                );
                (n.title, n.body)
            })
            .collect();
        let want = [
            (
                "Order received",
                "We have your order RS-22222222: 3 items, $53.57.",
            ),
            (
                "Payment received",
                "Your payment of $53.57 for order RS-22222222 went through.",
            ),
            (
                "Order shipped",
                "Order RS-22222222 (3 items) is on its way.",
            ),
            ("Order delivered", "Order RS-22222222 was delivered."),
            (
                "Order cancelled",
                "Order RS-22222222 was cancelled: customer asked",
            ),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(t, b)| ((*t).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_reset_notice_has_no_link_and_no_token() {
        let n = for_password_reset();
        assert_eq!(n.link, None);
        assert!(!n.body.contains("tok"));
    }

    #[test]
    fn a_notification_serializes_with_type_and_string_ids() {
        let n = Notification {
            id: NotificationId::parse("33333333-3333-4333-8333-333333333333").unwrap(),
            kind: "order.paid".into(),
            title: "t".into(),
            body: "b".into(),
            link: None,
            order_id: None,
            read: false,
            created_ms: 5,
        };
        assert_eq!(
            serde_json::to_value(&n).unwrap(),
            serde_json::json!({"id": "33333333-3333-4333-8333-333333333333", "type": "order.paid",
                "title": "t", "body": "b", "link": null, "order_id": null, "read": false,
                "created_ms": 5})
        );
    }
}
