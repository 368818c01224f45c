//! What the order service needs to know about a product, read from the product service's
//! batch lookup (`GET /products?ids=a,b,…`, docs/contracts.md), and the lookup's URL.
//!
//! The lookup answers `{items: [product…]}` with unknown and inactive ids left out, so a
//! product missing from the answer is simply not for sale any more.

use std::collections::HashMap;

use serde::Deserialize;

use crate::error::{OrderError, Result};
use crate::ids::ProductId;
use crate::money::Currency;

/// Most ids in one batch lookup (the product service's limit, and the cart's line limit).
pub const MAX_LOOKUP_IDS: usize = 100;

/// A product as the cart and checkout see it: current price and availability.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductInfo {
    pub id: ProductId,
    pub name: String,
    pub sku: String,
    pub slug: String,
    pub unit_price_minor: i64,
    pub currency: Currency,
    /// Units that can be sold now (on hand minus reserved).
    pub available: i64,
    pub image: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WirePrice {
    amount_minor: i64,
    currency: String,
}

#[derive(Debug, Deserialize)]
struct WireProduct {
    id: String,
    name: String,
    sku: String,
    slug: String,
    price: WirePrice,
    #[serde(default)]
    available: i64,
    #[serde(default = "active_default")]
    active: bool,
    #[serde(default)]
    images: Vec<String>,
}

fn active_default() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct WireLookup {
    items: Vec<WireProduct>,
}

/// The lookup's path and query for `ids` (at most [`MAX_LOOKUP_IDS`]; UUIDs need no
/// escaping).
pub fn lookup_path(ids: &[ProductId]) -> Result<String> {
    if ids.len() > MAX_LOOKUP_IDS {
        return Err(OrderError::CartFull(MAX_LOOKUP_IDS));
    }
    let list: Vec<String> = ids.iter().map(ProductId::to_text).collect();
    Ok(format!("/products?ids={}", list.join(",")))
}

/// Decodes the lookup's body into a map by id; inactive products (should the service ever
/// return one) are left out like unknown ones. A body of another shape is the product
/// service's fault.
pub fn decode_lookup(body: &[u8]) -> Result<HashMap<ProductId, ProductInfo>> {
    let wire: WireLookup = serde_json::from_slice(body)
        .map_err(|e| OrderError::Upstream(format!("product lookup: {e}")))?;
    let mut out = HashMap::new();
    for p in wire.items.into_iter().filter(|p| p.active) {
        let id = ProductId::parse(&p.id)
            .map_err(|e| OrderError::Upstream(format!("product lookup: {e}")))?;
        out.insert(
            id,
            ProductInfo {
                id,
                name: p.name,
                sku: p.sku,
                slug: p.slug,
                unit_price_minor: p.price.amount_minor,
                currency: Currency::parse(&p.price.currency)?,
                available: p.available,
                image: p.images.into_iter().next(),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn pid(n: u8) -> ProductId {
        ProductId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
    }

    pub fn info(n: u8, price: i64, available: i64) -> ProductInfo {
        ProductInfo {
            id: pid(n),
            name: format!("Product {n}"),
            sku: format!("SKU-{n}"),
            slug: format!("product-{n}"),
            unit_price_minor: price,
            currency: Currency::Usd,
            available,
            image: None,
        }
    }

    #[test]
    fn the_lookup_path_lists_the_ids_comma_separated() {
        assert_eq!(
            lookup_path(&[pid(1), pid(2)]).unwrap(),
            "/products?ids=00000000-0000-4000-8000-000000000001,00000000-0000-4000-8000-000000000002"
        );
    }

    #[test]
    fn decoding_keeps_active_products_by_id_with_their_first_image() {
        let body = serde_json::json!({"items": [
            {"id": pid(1).to_text(), "name": "Lamp", "sku": "L-1", "slug": "lamp",
             "price": {"amount_minor": 1999, "currency": "USD"}, "available": 4,
             "active": true, "images": ["/a.webp", "/b.webp"], "brand": "X"},
            {"id": pid(2).to_text(), "name": "Old", "sku": "O-1", "slug": "old",
             "price": {"amount_minor": 5, "currency": "USD"}, "available": 0, "active": false}
        ]});
        let map = decode_lookup(body.to_string().as_bytes()).unwrap();
        assert_eq!(map.len(), 1);
        let lamp = &map[&pid(1)];
        assert_eq!(lamp.unit_price_minor, 1999);
        assert_eq!(lamp.available, 4);
        assert_eq!(lamp.image.as_deref(), Some("/a.webp"));
    }

    #[test]
    fn a_malformed_lookup_is_the_upstreams_fault() {
        assert_eq!(decode_lookup(b"{}").unwrap_err().status(), 500);
    }
}
