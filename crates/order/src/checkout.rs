//! Checkout: the request, the customer it is for, and the order it becomes.
//!
//! A checkout names a shipping address — one of the user's saved addresses (`address_id`,
//! read from the user service's internal lookup) or a new one (`address`) — and nothing
//! else: prices, lines and totals come from the cart and the product service, and the
//! customer's email and name from the user service. The order keeps copies of all of them,
//! so it reads the same after a price change or an edit of the profile.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cart::CartLine;
use crate::error::{OrderError, Result, Shortfall};
use crate::ids::{ProductId, UserId};
use crate::money::{Currency, times};
use crate::product::ProductInfo;
use crate::totals::Totals;

/// Longest address field, in characters.
pub const MAX_ADDRESS_FIELD_CHARS: usize = 200;

/// A postal address as a new checkout address (`address`) and as stored on the order; the
/// fields of the user service's saved addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressRequest {
    pub recipient: String,
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default)]
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper-case.
    pub country: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// `POST /checkout` body: exactly one of `address_id` and `address`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    #[serde(default)]
    pub address_id: Option<String>,
    #[serde(default)]
    pub address: Option<AddressRequest>,
}

/// Where to ship.
#[derive(Debug, Clone, PartialEq)]
pub enum ShippingChoice {
    /// One of the user's saved addresses, by id (resolved against the user service).
    Saved(String),
    /// A new address, validated.
    New(Value),
}

impl TryFrom<CheckoutRequest> for ShippingChoice {
    type Error = OrderError;
    fn try_from(r: CheckoutRequest) -> Result<Self> {
        match (r.address_id, r.address) {
            (Some(id), None) => {
                let id = id.trim();
                if id.is_empty() || id.len() > 64 {
                    return Err(OrderError::InvalidAddress(
                        "address_id is empty or too long".into(),
                    ));
                }
                Ok(Self::Saved(id.to_owned()))
            }
            (None, Some(a)) => Ok(Self::New(validate_address(a)?)),
            _ => Err(OrderError::InvalidAddress(
                "send exactly one of `address_id` (a saved address) and `address` (a new one)"
                    .into(),
            )),
        }
    }
}

fn validate_address(a: AddressRequest) -> Result<Value> {
    let required = |field: &str, v: &str| -> Result<String> {
        let v = v.trim();
        if v.is_empty() {
            return Err(OrderError::InvalidAddress(format!("`{field}` is required")));
        }
        if v.chars().count() > MAX_ADDRESS_FIELD_CHARS {
            return Err(OrderError::InvalidAddress(format!(
                "`{field}` is longer than {MAX_ADDRESS_FIELD_CHARS} characters"
            )));
        }
        Ok(v.to_owned())
    };
    let optional = |field: &str, v: Option<String>| -> Result<Option<String>> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => required(field, s).map(Some),
        }
    };
    let country = a.country.trim().to_owned();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(OrderError::InvalidAddress(
            "`country` must be a two-letter upper-case ISO code such as `DE`".into(),
        ));
    }
    let clean = AddressRequest {
        recipient: required("recipient", &a.recipient)?,
        line1: required("line1", &a.line1)?,
        line2: optional("line2", a.line2)?,
        city: required("city", &a.city)?,
        region: optional("region", a.region)?,
        postal_code: required("postal_code", &a.postal_code)?,
        country,
        phone: optional("phone", a.phone)?,
    };
    serde_json::to_value(clean).map_err(|e| OrderError::Storage(e.to_string()))
}

/// The customer as the user service's internal lookup describes them
/// (`GET /internal/users/{id}` → `{id, email, display_name, addresses}`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Customer {
    pub id: String,
    pub email: String,
    pub display_name: String,
    #[serde(default)]
    pub addresses: Vec<Value>,
}

impl Customer {
    pub fn decode(body: &[u8]) -> Result<Self> {
        serde_json::from_slice(body).map_err(|e| OrderError::Upstream(format!("user lookup: {e}")))
    }

    /// The address to ship to: a saved one is copied as the user service stores it, minus
    /// what means nothing on an order (its id, label and default flag); an unknown id is a
    /// client error.
    pub fn shipping_address(&self, choice: &ShippingChoice) -> Result<Value> {
        match choice {
            ShippingChoice::New(address) => Ok(address.clone()),
            ShippingChoice::Saved(id) => {
                let found = self
                    .addresses
                    .iter()
                    .find(|a| a.get("id").and_then(Value::as_str) == Some(id.as_str()))
                    .ok_or_else(|| {
                        OrderError::InvalidAddress(format!("no saved address `{id}`"))
                    })?;
                let mut copy = found.clone();
                if let Some(map) = copy.as_object_mut() {
                    for field in ["id", "label", "is_default"] {
                        map.remove(field);
                    }
                }
                Ok(copy)
            }
        }
    }
}

/// One line of an order: what was bought, at which price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_id: String,
    pub name: String,
    pub sku: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub line_total_minor: i64,
}

/// The lines, currency and totals of the order a cart becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    pub lines: Vec<OrderLine>,
    pub currency: Currency,
    pub totals: Totals,
}

/// Prices a cart for checkout at the current prices: every product must still be sold, in
/// one currency, with stock for the whole line (the reservation checks stock again under
/// locks; this gives the shopper every short line at once).
pub fn price_cart(
    lines: &[CartLine],
    products: &HashMap<ProductId, ProductInfo>,
) -> Result<Priced> {
    let first = lines.first().ok_or(OrderError::EmptyCart)?;
    let currency = products
        .get(&first.product_id)
        .map_or(first.added_currency, |p| p.currency);
    let mut out = Vec::with_capacity(lines.len());
    let mut short = Vec::new();
    for line in lines {
        let info = products
            .get(&line.product_id)
            .ok_or_else(|| OrderError::ProductUnavailable(line.product_id.to_text()))?;
        if info.currency != currency {
            return Err(OrderError::CurrencyMismatch {
                cart: currency.code().into(),
                offered: info.currency.code().into(),
            });
        }
        if info.available < line.quantity {
            short.push(Shortfall {
                product_id: info.id.to_text(),
                requested: line.quantity,
                available: info.available.max(0),
            });
        }
        out.push(OrderLine {
            product_id: info.id.to_text(),
            name: info.name.clone(),
            sku: info.sku.clone(),
            quantity: line.quantity,
            unit_price_minor: info.unit_price_minor,
            line_total_minor: times(info.unit_price_minor, line.quantity)?,
        });
    }
    if !short.is_empty() {
        return Err(OrderError::InsufficientStock(short));
    }
    let totals = Totals::of_lines(out.iter().map(|l| (l.unit_price_minor, l.quantity)))?;
    Ok(Priced {
        lines: out,
        currency,
        totals,
    })
}

/// The product service's reservation body for an order.
pub fn reservation_body(order_id: &str, lines: &[OrderLine]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::json!({ "product_id": l.product_id, "quantity": l.quantity }))
        .collect();
    serde_json::json!({ "order_id": order_id, "lines": lines })
}

/// Everything recorded about a new order.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    pub id: String,
    pub user_id: UserId,
    pub priced: Priced,
    pub email: String,
    pub name: String,
    pub shipping_address: Value,
    pub payment_reference: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::tests::{info, pid};

    fn address() -> AddressRequest {
        AddressRequest {
            recipient: " Ada Lovelace ".into(),
            line1: "1 Analytical Way".into(),
            line2: Some("  ".into()),
            city: "London".into(),
            region: None,
            postal_code: "N1 1AA".into(),
            country: "GB".into(),
            phone: None,
        }
    }

    fn line(n: u8, q: i64) -> CartLine {
        CartLine {
            product_id: pid(n),
            quantity: q,
            added_unit_price_minor: 1,
            added_currency: Currency::Usd,
        }
    }

    #[test]
    fn a_new_address_is_trimmed_and_checked() {
        let choice = ShippingChoice::try_from(CheckoutRequest {
            address_id: None,
            address: Some(address()),
        })
        .unwrap();
        let ShippingChoice::New(v) = choice else {
            panic!("new")
        };
        assert_eq!(v["recipient"], "Ada Lovelace");
        assert_eq!(v["line2"], Value::Null);
        let mut bad = address();
        bad.country = "gbr".into();
        let err = ShippingChoice::try_from(CheckoutRequest {
            address_id: None,
            address: Some(bad),
        })
        .unwrap_err();
        assert_eq!(err.code(), "invalid_address");
        let mut empty = address();
        empty.city = " ".into();
        assert!(
            ShippingChoice::try_from(CheckoutRequest {
                address_id: None,
                address: Some(empty)
            })
            .is_err()
        );
    }

    #[test]
    fn exactly_one_kind_of_address_is_required() {
        let neither = CheckoutRequest {
            address_id: None,
            address: None,
        };
        assert_eq!(ShippingChoice::try_from(neither).unwrap_err().status(), 400);
        let both = CheckoutRequest {
            address_id: Some("a1".into()),
            address: Some(address()),
        };
        assert!(ShippingChoice::try_from(both).is_err());
    }

    #[test]
    fn a_saved_address_is_copied_from_the_users_profile() {
        let customer = Customer::decode(
            br#"{"id":"u","email":"ada@example.com","display_name":"Ada",
                "addresses":[{"id":"a1","label":"home","is_default":true,"line1":"1 Way","city":"London"}]}"#,
        )
        .unwrap();
        let copy = customer
            .shipping_address(&ShippingChoice::Saved("a1".into()))
            .unwrap();
        assert_eq!(copy, serde_json::json!({"line1":"1 Way","city":"London"}));
        let err = customer
            .shipping_address(&ShippingChoice::Saved("a2".into()))
            .unwrap_err();
        assert_eq!(err.code(), "invalid_address");
    }

    #[test]
    fn pricing_uses_current_prices_and_computes_totals() {
        let products: HashMap<_, _> = [info(1, 1999, 5), info(2, 500, 5)]
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let priced = price_cart(&[line(1, 2), line(2, 1)], &products).unwrap();
        assert_eq!(priced.lines[0].line_total_minor, 3998);
        assert_eq!(priced.totals.subtotal_minor, 4498);
        assert_eq!(priced.totals.tax_minor, 360);
        assert_eq!(priced.totals.shipping_minor, 499);
        assert_eq!(priced.totals.total_minor, 5357);
    }

    #[test]
    fn pricing_refuses_an_empty_cart_a_missing_product_and_short_lines() {
        let products: HashMap<_, _> = [info(1, 100, 1), info(2, 100, 0)]
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        assert_eq!(
            price_cart(&[], &products).unwrap_err(),
            OrderError::EmptyCart
        );
        assert_eq!(
            price_cart(&[line(3, 1)], &products).unwrap_err().code(),
            "product_unavailable"
        );
        let err = price_cart(&[line(1, 2), line(2, 1)], &products).unwrap_err();
        let OrderError::InsufficientStock(short) = err else {
            panic!("short")
        };
        assert_eq!(short.len(), 2);
    }

    #[test]
    fn the_reservation_names_the_order_and_each_line() {
        let line = OrderLine {
            product_id: "p".into(),
            name: "n".into(),
            sku: "s".into(),
            quantity: 2,
            unit_price_minor: 1,
            line_total_minor: 2,
        };
        assert_eq!(
            reservation_body("o", &[line]),
            serde_json::json!({"order_id":"o","lines":[{"product_id":"p","quantity":2}]})
        );
    }
}
