//! Catalog commands and the request DTOs they are parsed from.
//!
//! DTOs are what the HTTP body deserialises into: plain strings and numbers, unknown fields
//! rejected. `TryFrom<Dto>` turns them into commands whose fields are all validated newtypes,
//! so the SQL builders can never receive an unchecked value. Updates are partial: every field
//! is optional, but an update with no field at all is rejected (it is almost always a client bug).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::media::parse_images;
use super::stock::MAX_ON_HAND;
use super::{
    Attributes, Brand, CategoryName, CategorySlug, Description, ImageUrl, Money, MoneyDto,
    ProductName, Sku, Slug,
};
use crate::error::{DomainError, Result};

/// `POST /products` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateProductRequest {
    pub slug: String,
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub category: String,
    pub brand: String,
    pub price: MoneyDto,
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Opening stock; recorded as an `initial` adjustment when positive.
    #[serde(default)]
    pub initial_stock: i64,
    #[serde(default = "default_true")]
    pub active: bool,
}

fn default_true() -> bool {
    true
}

/// A validated product creation.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateProduct {
    pub slug: Slug,
    pub sku: Sku,
    pub name: ProductName,
    pub description: Description,
    pub category: CategorySlug,
    pub brand: Brand,
    pub price: Money,
    pub images: Vec<ImageUrl>,
    pub attributes: Attributes,
    pub initial_stock: i64,
    pub active: bool,
}

/// Opening stock must be within `0..=MAX_ON_HAND`.
pub fn parse_initial_stock(raw: i64) -> Result<i64> {
    if (0..=MAX_ON_HAND).contains(&raw) {
        Ok(raw)
    } else {
        Err(DomainError::InvalidQuantity(format!(
            "initial_stock {raw} must be between 0 and {MAX_ON_HAND}"
        )))
    }
}

impl TryFrom<CreateProductRequest> for CreateProduct {
    type Error = DomainError;
    fn try_from(r: CreateProductRequest) -> Result<Self> {
        Ok(Self {
            slug: Slug::parse(&r.slug)?,
            sku: Sku::parse(&r.sku)?,
            name: ProductName::parse(&r.name)?,
            description: Description::parse(&r.description)?,
            category: CategorySlug::parse(&r.category)?,
            brand: Brand::parse(&r.brand)?,
            price: Money::try_from(r.price)?,
            images: parse_images(&r.images)?,
            attributes: Attributes::parse(r.attributes)?,
            initial_stock: parse_initial_stock(r.initial_stock)?,
            active: r.active,
        })
    }
}

/// `PATCH /products/{id}` body. Absent fields are left unchanged. Stock is not here: it only
/// changes through adjustments and reservations, which are audited.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductRequest {
    pub slug: Option<String>,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub price: Option<MoneyDto>,
    pub images: Option<Vec<String>>,
    pub attributes: Option<BTreeMap<String, String>>,
    pub active: Option<bool>,
}

/// A validated partial product update with at least one field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateProduct {
    pub slug: Option<Slug>,
    pub sku: Option<Sku>,
    pub name: Option<ProductName>,
    pub description: Option<Description>,
    pub category: Option<CategorySlug>,
    pub brand: Option<Brand>,
    pub price: Option<Money>,
    pub images: Option<Vec<ImageUrl>>,
    /// Replaces the whole map (a merge would make removing a key impossible).
    pub attributes: Option<Attributes>,
    pub active: Option<bool>,
}

impl TryFrom<UpdateProductRequest> for UpdateProduct {
    type Error = DomainError;
    fn try_from(r: UpdateProductRequest) -> Result<Self> {
        let cmd = Self {
            slug: r.slug.as_deref().map(Slug::parse).transpose()?,
            sku: r.sku.as_deref().map(Sku::parse).transpose()?,
            name: r.name.as_deref().map(ProductName::parse).transpose()?,
            description: r
                .description
                .as_deref()
                .map(Description::parse)
                .transpose()?,
            category: r.category.as_deref().map(CategorySlug::parse).transpose()?,
            brand: r.brand.as_deref().map(Brand::parse).transpose()?,
            price: r.price.map(Money::try_from).transpose()?,
            images: r.images.as_deref().map(parse_images).transpose()?,
            attributes: r.attributes.map(Attributes::parse).transpose()?,
            active: r.active,
        };
        if cmd == Self::default() {
            return Err(DomainError::InvalidRequest(
                "update names no field to change".into(),
            ));
        }
        Ok(cmd)
    }
}

/// `POST /categories` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCategoryRequest {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub position: i32,
}

/// A validated category creation.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateCategory {
    pub slug: CategorySlug,
    pub name: CategoryName,
    pub description: Description,
    pub position: i32,
}

/// Menu positions are small numbers; ±10 000 allows re-numbering in steps of 100 many times.
pub const MAX_CATEGORY_POSITION: i32 = 10_000;

fn parse_position(raw: i32) -> Result<i32> {
    if raw.abs() <= MAX_CATEGORY_POSITION {
        Ok(raw)
    } else {
        Err(DomainError::InvalidRequest(format!(
            "position {raw} must be within ±{MAX_CATEGORY_POSITION}"
        )))
    }
}

impl TryFrom<CreateCategoryRequest> for CreateCategory {
    type Error = DomainError;
    fn try_from(r: CreateCategoryRequest) -> Result<Self> {
        Ok(Self {
            slug: CategorySlug::parse(&r.slug)?,
            name: CategoryName::parse(&r.name)?,
            description: Description::parse(&r.description)?,
            position: parse_position(r.position)?,
        })
    }
}

/// `PATCH /categories/{slug}` body. The slug itself is the key and cannot change (URLs and
/// bookmarks depend on it); create a new category and move products instead.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub position: Option<i32>,
}

/// A validated partial category update with at least one field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UpdateCategory {
    pub name: Option<CategoryName>,
    pub description: Option<Description>,
    pub position: Option<i32>,
}

impl TryFrom<UpdateCategoryRequest> for UpdateCategory {
    type Error = DomainError;
    fn try_from(r: UpdateCategoryRequest) -> Result<Self> {
        let cmd = Self {
            name: r.name.as_deref().map(CategoryName::parse).transpose()?,
            description: r
                .description
                .as_deref()
                .map(Description::parse)
                .transpose()?,
            position: r.position.map(parse_position).transpose()?,
        };
        if cmd == Self::default() {
            return Err(DomainError::InvalidRequest(
                "update names no field to change".into(),
            ));
        }
        Ok(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create_json() -> serde_json::Value {
        serde_json::json!({
            "slug": "trail-shoe", "sku": "sh-1", "name": "Trail Shoe", "category": "shoes",
            "brand": "Acme", "price": {"amount_minor": 8999, "currency": "USD"},
            "images": ["/images/trail-shoe.webp"], "attributes": {"color": "red"}, "initial_stock": 5
        })
    }

    fn create(v: serde_json::Value) -> Result<CreateProduct> {
        CreateProduct::try_from(serde_json::from_value::<CreateProductRequest>(v).unwrap())
    }

    #[test]
    fn create_product_parses_every_field_and_defaults_active() {
        let cmd = create(create_json()).unwrap();
        assert_eq!(cmd.sku.as_str(), "SH-1");
        assert_eq!(cmd.price.amount_minor(), 8999);
        assert_eq!(cmd.initial_stock, 5);
        assert!(cmd.active);
    }

    #[test]
    fn create_product_reports_the_first_invalid_field_with_its_code() {
        let mut v = create_json();
        v["slug"] = "Bad Slug".into();
        assert_eq!(create(v).unwrap_err().code(), "invalid_slug");
        let mut v = create_json();
        v["images"] = serde_json::json!(["https://cdn.example/x.png"]);
        assert_eq!(create(v).unwrap_err().code(), "invalid_image");
    }

    #[test]
    fn create_product_rejects_negative_initial_stock() {
        let mut v = create_json();
        v["initial_stock"] = (-1).into();
        assert_eq!(create(v).unwrap_err().code(), "invalid_quantity");
    }

    #[test]
    fn create_product_request_rejects_unknown_fields() {
        let mut v = create_json();
        v["stock"] = 3.into();
        assert!(serde_json::from_value::<CreateProductRequest>(v).is_err());
    }

    #[test]
    fn update_product_accepts_a_single_field() {
        let req: UpdateProductRequest = serde_json::from_str(r#"{"active": false}"#).unwrap();
        let cmd = UpdateProduct::try_from(req).unwrap();
        assert_eq!(cmd.active, Some(false));
        assert!(cmd.name.is_none());
    }

    #[test]
    fn update_product_rejects_an_empty_patch() {
        let err = UpdateProduct::try_from(UpdateProductRequest::default()).unwrap_err();
        assert_eq!(err.code(), "invalid_request");
    }

    #[test]
    fn update_product_validates_present_fields() {
        let req: UpdateProductRequest =
            serde_json::from_str(r#"{"price": {"amount_minor": -5, "currency": "USD"}}"#).unwrap();
        assert_eq!(
            UpdateProduct::try_from(req).unwrap_err().code(),
            "invalid_price"
        );
    }

    #[test]
    fn create_category_parses_and_bounds_position() {
        let ok: CreateCategoryRequest =
            serde_json::from_str(r#"{"slug":"toys","name":"Toys"}"#).unwrap();
        assert_eq!(CreateCategory::try_from(ok).unwrap().position, 0);
        let bad: CreateCategoryRequest =
            serde_json::from_str(r#"{"slug":"toys","name":"Toys","position":20000}"#).unwrap();
        assert!(
            CreateCategory::try_from(bad)
                .unwrap_err()
                .to_string()
                .contains("10000")
        );
    }

    #[test]
    fn update_category_needs_at_least_one_field() {
        assert!(UpdateCategory::try_from(UpdateCategoryRequest::default()).is_err());
        let req: UpdateCategoryRequest =
            serde_json::from_str(r#"{"name":"Home & Living"}"#).unwrap();
        assert!(UpdateCategory::try_from(req).is_ok());
    }

    #[test]
    fn update_category_cannot_rename_the_slug() {
        assert!(serde_json::from_str::<UpdateCategoryRequest>(r#"{"slug":"new"}"#).is_err());
    }
}
