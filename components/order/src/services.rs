//! Calls to the product and user services by service chaining (docs/contracts.md, private
//! routes). Only `x-request-id` is forwarded; the order service never passes on identity.
//!
//! Each answer is interpreted here once: the statuses the contract documents become domain
//! errors (out of stock, product gone); anything else is the other service's failure and
//! becomes an internal error whose cause is logged.

use std::collections::HashMap;

use redshop_order::checkout::{Customer, OrderLine, reservation_body};
use redshop_order::error::{OrderError, Shortfall};
use redshop_order::ids::{ProductId, UserId};
use redshop_order::product::{ProductInfo, decode_lookup, lookup_path};
use serde_json::Value;
use spin_sdk::http::{Method, Request, Response, send};

use crate::config::{PRODUCT_BASE, REQUEST_ID_HEADER, USER_BASE, USER_URL_VARIABLE, variable_or};
use crate::events;

/// One chained call; `Err` only when no answer came back at all.
async fn call(
    method: Method,
    url: String,
    body: Option<&Value>,
    request_id: Option<&str>,
) -> Result<(u16, Vec<u8>), OrderError> {
    let mut builder = Request::builder();
    builder.method(method).uri(url.as_str());
    if let Some(id) = request_id {
        builder.header(REQUEST_ID_HEADER, id);
    }
    if let Some(json) = body {
        builder.header("content-type", "application/json");
        builder.body(json.to_string());
    }
    let response: Response = send(builder.build())
        .await
        .map_err(|e| OrderError::Upstream(format!("{url}: {e}")))?;
    Ok((*response.status(), response.into_body()))
}

fn unexpected(what: &str, status: u16, body: &[u8]) -> OrderError {
    let text: String = String::from_utf8_lossy(body).chars().take(300).collect();
    OrderError::Upstream(format!("{what}: {status} {text}"))
}

/// Current price and availability of `ids`, in one call (the cart's line limit equals the
/// lookup's id limit). Products left out of the answer are not for sale.
pub async fn lookup(
    ids: &[ProductId],
    request_id: Option<&str>,
) -> Result<HashMap<ProductId, ProductInfo>, OrderError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let url = format!("{PRODUCT_BASE}{}", lookup_path(ids)?);
    let (status, body) = call(Method::Get, url, None, request_id).await?;
    match status {
        200 => decode_lookup(&body),
        _ => Err(unexpected("product lookup", status, &body)),
    }
}

/// Reserves every line for `order_id` (all or nothing; idempotent per order id).
pub async fn reserve(
    order_id: &str,
    lines: &[OrderLine],
    request_id: Option<&str>,
) -> Result<(), OrderError> {
    let body = reservation_body(order_id, lines);
    let url = format!("{PRODUCT_BASE}/reservations");
    let (status, answer) = call(Method::Post, url, Some(&body), request_id).await?;
    match status {
        200 | 201 => {
            events::bump_catalog_version();
            Ok(())
        }
        409 => {
            let v: Value = serde_json::from_slice(&answer).unwrap_or_default();
            if v["error"] == "insufficient_stock" {
                let details: Vec<Shortfall> = v["details"]
                    .as_array()
                    .map(|a| a.iter().filter_map(shortfall).collect())
                    .unwrap_or_default();
                Err(OrderError::InsufficientStock(details))
            } else {
                Err(unexpected("reserve", status, &answer))
            }
        }
        // A product deactivated between the lookup and the reservation.
        404 => Err(OrderError::ProductUnavailable(
            "a product in the cart".into(),
        )),
        _ => Err(unexpected("reserve", status, &answer)),
    }
}

fn shortfall(v: &Value) -> Option<Shortfall> {
    Some(Shortfall {
        product_id: v["product_id"].as_str()?.to_owned(),
        requested: v["requested"].as_i64()?,
        available: v["available"].as_i64()?,
    })
}

/// Gives the order's reserved units back. A reservation that does not exist (the reserve
/// never happened) is already released, as far as this order is concerned.
pub async fn release(order_id: &str, request_id: Option<&str>) -> Result<(), OrderError> {
    let url = format!("{PRODUCT_BASE}/reservations/{order_id}/release");
    let (status, body) = call(Method::Post, url, None, request_id).await?;
    match status {
        200 => {
            events::bump_catalog_version();
            Ok(())
        }
        404 => Ok(()),
        _ => Err(unexpected("release", status, &body)),
    }
}

/// Takes the order's reserved units out of stock for good (the order shipped).
pub async fn commit(order_id: &str, request_id: Option<&str>) -> Result<(), OrderError> {
    let url = format!("{PRODUCT_BASE}/reservations/{order_id}/commit");
    let (status, body) = call(Method::Post, url, None, request_id).await?;
    match status {
        200 => {
            events::bump_catalog_version();
            Ok(())
        }
        _ => Err(unexpected("commit", status, &body)),
    }
}

/// The customer's email, name and saved addresses.
pub async fn customer(user: UserId, request_id: Option<&str>) -> Result<Customer, OrderError> {
    let base = variable_or(USER_URL_VARIABLE, USER_BASE);
    let url = format!("{base}/internal/users/{user}");
    let (status, body) = call(Method::Get, url, None, request_id).await?;
    match status {
        200 => Customer::decode(&body),
        // Signed in with a token whose account is gone: nothing to order for.
        404 => Err(OrderError::Unauthenticated),
        _ => Err(unexpected("user lookup", status, &body)),
    }
}
