//! The catalog's entities as the service returns them.
//!
//! Timestamps are `i64` Unix milliseconds (UTC). PostgreSQL stores them as `timestamptz`
//! truncated to milliseconds (a CHECK constraint enforces the truncation) and every SELECT in
//! `sql/` converts them with `extract(epoch ...) * 1000`, so a value read here can be fed back
//! into a keyset cursor without precision loss. JSON clients get the same integers.

use serde::Serialize;

use super::{
    Attributes, Brand, CategoryName, CategorySlug, Description, ImageUrl, Money, ProductId,
    ProductName, Sku, Slug,
};

/// A catalog product. Stock is not part of it: it changes far more often and is read separately
/// (or alongside, as [`ListedProduct::available`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub id: ProductId,
    pub slug: Slug,
    pub sku: Sku,
    pub name: ProductName,
    pub description: Description,
    pub category: CategorySlug,
    pub brand: Brand,
    pub price: Money,
    pub images: Vec<ImageUrl>,
    pub attributes: Attributes,
    /// Inactive products are hidden from listings, search and slug lookups, and cannot be
    /// reserved, but keep their history (orders reference them).
    pub active: bool,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// A product row as a listing or search returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListedProduct {
    #[serde(flatten)]
    pub product: Product,
    /// `on_hand - reserved` at query time.
    pub available: i64,
    /// Search relevance (only when the query has `q`); higher is better.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<f64>,
}

/// A product category. Flat on purpose: ten-ish top-level categories, no tree to keep
/// consistent; sub-navigation is done with facets (brand, price, attributes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub slug: CategorySlug,
    pub name: CategoryName,
    pub description: Description,
    /// Menu order, ascending; ties by name.
    pub position: i32,
    /// Active products in the category (filled by the listing statement, 0 elsewhere).
    pub product_count: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
}
