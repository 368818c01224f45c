//! `order.*` version 1: the order as the customer should see it in an email.

use serde::Deserialize;
use serde_json::Value;

use crate::ids::OrderId;
use crate::money::Currency;
use crate::text::{is_plausible_email, one_line};

/// Most lines an order event may carry. Checkout refuses carts larger than this long before
/// (the product service looks up at most 100 ids at once); the bound only keeps a hostile
/// message from making an email of unbounded size.
pub const MAX_LINES: usize = 200;

/// Longest product name and SKU kept (longer ones are cut; the product service's own limits
/// are lower).
const MAX_NAME_CHARS: usize = 200;
const MAX_SKU_CHARS: usize = 64;
/// Longest customer name, status, cancellation reason and address line kept.
const MAX_PERSON_CHARS: usize = 100;
const MAX_REASON_CHARS: usize = 500;
const MAX_ADDRESS_LINES: usize = 8;

/// The five order events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    Created,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderKind {
    pub const ALL: [OrderKind; 5] = [
        Self::Created,
        Self::Paid,
        Self::Shipped,
        Self::Delivered,
        Self::Cancelled,
    ];

    pub fn from_type(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_type() == kind)
    }

    /// The event `type`.
    pub fn as_type(&self) -> &'static str {
        match self {
            Self::Created => "order.created",
            Self::Paid => "order.paid",
            Self::Shipped => "order.shipped",
            Self::Delivered => "order.delivered",
            Self::Cancelled => "order.cancelled",
        }
    }
}

/// One order line, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub name: String,
    pub sku: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub line_total_minor: i64,
}

/// The shipping address as lines to print, in a sensible order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address(pub Vec<String>);

/// `data` of an `order.*` event, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderData {
    pub order_id: OrderId,
    pub status: String,
    pub customer_email: String,
    pub customer_name: String,
    pub lines: Vec<Line>,
    pub currency: Currency,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub shipping_minor: i64,
    pub total_minor: i64,
    pub shipping_address: Address,
    /// `order.cancelled` only.
    pub reason: Option<String>,
}

#[derive(Deserialize)]
struct RawOrder {
    order_id: String,
    #[serde(default)]
    status: Value,
    customer: RawCustomer,
    lines: Vec<RawLine>,
    currency: String,
    subtotal_minor: i64,
    tax_minor: i64,
    shipping_minor: i64,
    total_minor: i64,
    #[serde(default)]
    shipping_address: Value,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct RawCustomer {
    email: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawLine {
    name: String,
    #[serde(default)]
    sku: String,
    quantity: i64,
    unit_price_minor: i64,
    line_total_minor: i64,
}

impl OrderData {
    /// Checks `data`; the error names the field and the reason.
    pub fn from_data(data: &Value, kind: OrderKind) -> Result<Self, String> {
        let raw = RawOrder::deserialize(data).map_err(|e| format!("`data`: {e}"))?;
        let order_id = OrderId::parse(&raw.order_id)
            .map_err(|_| "`data.order_id` is not a UUID".to_owned())?;
        if !is_plausible_email(&raw.customer.email) {
            return Err("`data.customer.email` is not an email address".into());
        }
        if raw.lines.is_empty() {
            return Err("`data.lines` is empty".into());
        }
        if raw.lines.len() > MAX_LINES {
            return Err(format!(
                "`data.lines` has {} lines, over {MAX_LINES}",
                raw.lines.len()
            ));
        }
        let lines = raw
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| line(i, l))
            .collect::<Result<Vec<_>, _>>()?;
        let currency = Currency::parse(&raw.currency).ok_or_else(|| {
            format!(
                "`data.currency` is not a currency code: {}",
                one_line(&raw.currency, 8)
            )
        })?;
        for (field, value) in [
            ("subtotal_minor", raw.subtotal_minor),
            ("tax_minor", raw.tax_minor),
            ("shipping_minor", raw.shipping_minor),
            ("total_minor", raw.total_minor),
        ] {
            if value < 0 {
                return Err(format!("`data.{field}` is negative"));
            }
        }
        let reason = raw
            .reason
            .map(|r| one_line(&r, MAX_REASON_CHARS))
            .filter(|r| !r.is_empty() && kind == OrderKind::Cancelled);
        Ok(Self {
            order_id,
            status: one_line(raw.status.as_str().unwrap_or(""), MAX_PERSON_CHARS),
            customer_email: raw.customer.email,
            customer_name: one_line(raw.customer.name.as_deref().unwrap_or(""), MAX_PERSON_CHARS),
            lines,
            currency,
            subtotal_minor: raw.subtotal_minor,
            tax_minor: raw.tax_minor,
            shipping_minor: raw.shipping_minor,
            total_minor: raw.total_minor,
            shipping_address: address(&raw.shipping_address),
            reason,
        })
    }

    /// Number of items (the sum of the quantities).
    pub fn item_count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
}

fn line(i: usize, raw: RawLine) -> Result<Line, String> {
    let name = one_line(&raw.name, MAX_NAME_CHARS);
    if name.is_empty() {
        return Err(format!("`data.lines[{i}].name` is empty"));
    }
    if raw.quantity < 1 {
        return Err(format!("`data.lines[{i}].quantity` is not positive"));
    }
    if raw.unit_price_minor < 0 || raw.line_total_minor < 0 {
        return Err(format!("`data.lines[{i}]` has a negative amount"));
    }
    Ok(Line {
        name,
        sku: one_line(&raw.sku, MAX_SKU_CHARS),
        quantity: raw.quantity,
        unit_price_minor: raw.unit_price_minor,
        line_total_minor: raw.line_total_minor,
    })
}

/// The address fields printed first, in this order; other text fields follow in key order.
/// Keys that are not for people (`id`, flags) are left out.
const ADDRESS_ORDER: [&str; 14] = [
    "name",
    "recipient",
    "company",
    "line1",
    "line2",
    "street",
    "address1",
    "address2",
    "city",
    "region",
    "state",
    "postal_code",
    "zip",
    "country",
];
const ADDRESS_HIDDEN: [&str; 4] = ["id", "user_id", "is_default", "default"];

/// The address lines: whatever text fields the order service sends (its shape is the user
/// service's address), known keys first. Anything else (absent, not an object) is no address.
fn address(raw: &Value) -> Address {
    let Value::Object(map) = raw else {
        return Address::default();
    };
    let known = ADDRESS_ORDER.iter().filter_map(|k| map.get(*k));
    let others = map
        .iter()
        .filter(|(k, _)| {
            !ADDRESS_ORDER.contains(&k.as_str()) && !ADDRESS_HIDDEN.contains(&k.as_str())
        })
        .map(|(_, v)| v);
    Address(
        known
            .chain(others)
            .filter_map(Value::as_str)
            .map(|s| one_line(s, MAX_PERSON_CHARS))
            .filter(|s| !s.is_empty())
            .take(MAX_ADDRESS_LINES)
            .collect(),
    )
}
