//! Event envelopes (docs/contracts.md, Events) and what a message turns out to be.
//!
//! [`decode`] never fails: every payload becomes a [`Decoded`]. The order matters, so that
//! each message gets the most useful label: first the envelope's `id`, `type` and `version`
//! (without them nothing can be recorded against the event, so the message is rejected),
//! then whether this service knows that type and version (if not, it is skipped, whatever
//! its other fields hold — a newer publisher is not an error), and only then the rest of the
//! envelope and `data`, where any problem rejects the event with a reason naming the field.
//!
//! Publishers may add fields: unknown ones are ignored, never refused.

mod account;
mod order;

pub use account::PasswordReset;
pub use order::{Address, Line, MAX_LINES, OrderData, OrderKind};

use serde_json::{Map, Value};

use crate::ids::{EventId, OrderId, UserId};
use crate::text::one_line;
use crate::time::is_rfc3339;

/// Largest message the consumer reads. An order with [`MAX_LINES`] lines of the longest
/// names and SKUs is about 120 KiB of JSON; twice that leaves room for fields a newer
/// publisher adds. Anything larger is rejected unread.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// How much of a rejected message is kept for diagnosis.
pub const EXCERPT_CHARS: usize = 500;

/// The envelope fields every event has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub id: EventId,
    /// `type`: `order.created`, `user.deleted`, …
    pub kind: String,
    pub version: i64,
    pub occurred_at: String,
    pub user_id: UserId,
    /// `null` for user events.
    pub order_id: Option<OrderId>,
}

/// What an event of a known type and version asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Boxed: an order is far larger than the other variants.
    Order {
        kind: OrderKind,
        order: Box<OrderData>,
    },
    PasswordResetRequested(PasswordReset),
    UserDeleted,
}

/// A message, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A well-formed event this service acts on.
    Event { envelope: Envelope, event: Event },
    /// A well-formed envelope of a type or version this service does not know.
    Skip {
        id: EventId,
        kind: String,
        version: i64,
        reason: String,
    },
    /// Not an event this service can read; `id` is known when the envelope got that far.
    Reject {
        id: Option<EventId>,
        kind: Option<String>,
        version: Option<i64>,
        reason: String,
        excerpt: String,
    },
}

impl Decoded {
    /// The event id, when the message had a readable one.
    pub fn id(&self) -> Option<EventId> {
        match self {
            Self::Event { envelope, .. } => Some(envelope.id),
            Self::Skip { id, .. } => Some(*id),
            Self::Reject { id, .. } => *id,
        }
    }
}

/// The types (and the one version of each) this service reads.
pub const KNOWN: [(&str, i64); 7] = [
    ("order.created", 1),
    ("order.paid", 1),
    ("order.shipped", 1),
    ("order.delivered", 1),
    ("order.cancelled", 1),
    ("user.password_reset_requested", 1),
    ("user.deleted", 1),
];

/// Reason recorded for an event whose `user_id` is `null`: an order anonymised after its
/// customer deleted their account has nobody to notify.
pub const NO_USER_REASON: &str = "no user to notify (`user_id` is null)";

/// Classifies one message.
pub fn decode(payload: &[u8]) -> Decoded {
    let excerpt = || {
        let end = payload.len().min(EXCERPT_CHARS * 4);
        one_line(&String::from_utf8_lossy(&payload[..end]), EXCERPT_CHARS)
    };
    let reject = |id, kind, version, reason: String| Decoded::Reject {
        id,
        kind,
        version,
        reason,
        excerpt: excerpt(),
    };
    if payload.len() > MAX_PAYLOAD_BYTES {
        return reject(
            None,
            None,
            None,
            format!(
                "message is {} bytes, over {MAX_PAYLOAD_BYTES}",
                payload.len()
            ),
        );
    }
    let object = match serde_json::from_slice::<Value>(payload) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return reject(None, None, None, "message is not a JSON object".into()),
        Err(e) => return reject(None, None, None, format!("message is not JSON: {e}")),
    };
    let head = match head(&object) {
        Ok(head) => head,
        Err((id, reason)) => return reject(id, None, None, reason),
    };
    let (id, kind, version) = head;
    if !KNOWN.iter().any(|(k, _)| *k == kind) {
        return Decoded::Skip {
            id,
            reason: format!("unknown event type `{kind}`"),
            kind,
            version,
        };
    }
    if !KNOWN.contains(&(kind.as_str(), version)) {
        return Decoded::Skip {
            id,
            reason: format!("unknown version {version} of `{kind}`"),
            kind,
            version,
        };
    }
    if object.get("user_id") == Some(&Value::Null) {
        return Decoded::Skip {
            id,
            kind,
            version,
            reason: NO_USER_REASON.to_owned(),
        };
    }
    match body(&object, id, &kind, version) {
        Ok((envelope, event)) => Decoded::Event { envelope, event },
        Err(reason) => reject(Some(id), Some(kind), Some(version), reason),
    }
}

type Head = (EventId, String, i64);

/// `id`, `type` and `version`; on failure the id, if it was readable, and the reason.
fn head(object: &Map<String, Value>) -> Result<Head, (Option<EventId>, String)> {
    let id = match object.get("id") {
        Some(Value::String(s)) => {
            EventId::parse(s).map_err(|_| (None, format!("`id` is not a UUID: {}", clip(s))))?
        }
        Some(_) => return Err((None, "`id` is not a string".into())),
        None => return Err((None, "`id` is missing".into())),
    };
    let kind = match object.get("type") {
        Some(Value::String(s)) if is_type_name(s) => s.clone(),
        Some(Value::String(s)) => {
            return Err((
                Some(id),
                format!("`type` is not an event type: {}", clip(s)),
            ));
        }
        _ => return Err((Some(id), "`type` is missing or not a string".into())),
    };
    let version = match object.get("version").and_then(Value::as_i64) {
        Some(v) if v >= 1 => v,
        _ => {
            return Err((
                Some(id),
                "`version` is missing or not a positive integer".into(),
            ));
        }
    };
    Ok((id, kind, version))
}

/// `order.created`-like: 1 to 100 of `[a-z0-9._]`.
fn is_type_name(raw: &str) -> bool {
    (1..=100).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
}

fn body(
    object: &Map<String, Value>,
    id: EventId,
    kind: &str,
    version: i64,
) -> Result<(Envelope, Event), String> {
    let occurred_at = match object.get("occurred_at") {
        Some(Value::String(s)) if is_rfc3339(s) => s.clone(),
        _ => return Err("`occurred_at` is missing or not an RFC 3339 time".into()),
    };
    let user_id = match object.get("user_id") {
        Some(Value::String(s)) => {
            UserId::parse(s).map_err(|_| format!("`user_id` is not a UUID: {}", clip(s)))?
        }
        _ => return Err("`user_id` is missing or not a string".into()),
    };
    let order_id = match object.get("order_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            Some(OrderId::parse(s).map_err(|_| format!("`order_id` is not a UUID: {}", clip(s)))?)
        }
        Some(_) => return Err("`order_id` is not a string".into()),
    };
    let data = object.get("data").unwrap_or(&Value::Null);
    let event = match kind {
        "user.password_reset_requested" => {
            Event::PasswordResetRequested(PasswordReset::from_data(data)?)
        }
        "user.deleted" => Event::UserDeleted,
        _ => {
            let kind = OrderKind::from_type(kind).ok_or("not an order event")?;
            let order = Box::new(OrderData::from_data(data, kind)?);
            if order_id != Some(order.order_id) {
                return Err("envelope `order_id` differs from `data.order_id`".into());
            }
            Event::Order { kind, order }
        }
    };
    if matches!(event, Event::Order { .. }) == order_id.is_none() {
        return Err("`order_id` must be set on order events and null on user events".into());
    }
    let envelope = Envelope {
        id,
        kind: kind.to_owned(),
        version,
        occurred_at,
        user_id,
        order_id,
    };
    Ok((envelope, event))
}

/// A value echoed in a reason is cut to 64 characters.
fn clip(raw: &str) -> String {
    one_line(raw, 64)
}

#[cfg(test)]
mod tests;
