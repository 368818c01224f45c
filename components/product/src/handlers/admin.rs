//! Catalog changes for the back office; the router lets only admin requests get here.
//!
//! Each change is one statement (the domain crate writes multi-table changes as CTEs), so it
//! is atomic without an explicit transaction. Constraint violations come back as SQLSTATEs
//! and are read by the domain: a duplicate slug or SKU is a 409, an unknown category a 400.

use redshop_product::domain::{
    CategorySlug, CreateCategory, CreateCategoryRequest, CreateProduct, CreateProductRequest,
    ProductId, UpdateCategory, UpdateCategoryRequest, UpdateProduct, UpdateProductRequest,
};
use redshop_product::error::DomainError;
use redshop_product::sql::catalog;

use super::catalog::product_detail;
use super::{Ctx, flag};
use crate::error::ApiError;
use crate::reply::{Reply, to_json};
use crate::request::{json, query_pairs};

/// `POST /products` → 201 with the product.
pub fn create_product(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let cmd = CreateProduct::try_from(json::<CreateProductRequest>(ctx.body)?)?;
    let rows = ctx.db()?.query(&catalog::insert_product(&cmd))?;
    let (product, stock) = catalog::decode_detail(&rows, cmd.slug.as_str())?;
    Ok(Reply::created(product_detail(&product, &stock)?))
}

/// `PATCH /products/{id}`: only the fields present change.
pub fn update_product(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let id = ProductId::parse(id)?;
    let cmd = UpdateProduct::try_from(json::<UpdateProductRequest>(ctx.body)?)?;
    let rows = ctx.db()?.query(&catalog::update_product(id, &cmd))?;
    let (product, stock) = catalog::decode_detail(&rows, &id.to_text())?;
    Ok(Reply::ok(product_detail(&product, &stock)?))
}

/// `DELETE /products/{id}` deactivates (200 with the product); `?hard=true` deletes (204),
/// which the database refuses with a 409 once any order has reserved the product.
pub fn delete_product(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let id = ProductId::parse(id)?;
    let mut hard = None;
    for (name, value) in query_pairs(&ctx.head.query) {
        if name != "hard" {
            return Err(DomainError::UnknownParameter(name.chars().take(40).collect()).into());
        }
        if hard.replace(flag("hard", value)?).is_some() {
            return Err(DomainError::InvalidQuery {
                param: "hard".into(),
                reason: "given more than once".into(),
            }
            .into());
        }
    }
    let db = ctx.db()?;
    if hard.unwrap_or(false) {
        catalog::decode_deleted(&db.query(&catalog::delete_product(id))?, &id.to_text())?;
        return Ok(Reply::NoContent);
    }
    let rows = db.query(&catalog::deactivate_product(id))?;
    let (product, stock) = catalog::decode_detail(&rows, &id.to_text())?;
    Ok(Reply::ok(product_detail(&product, &stock)?))
}

/// `POST /categories` → 201 with the category.
pub fn create_category(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let cmd = CreateCategory::try_from(json::<CreateCategoryRequest>(ctx.body)?)?;
    let rows = ctx.db()?.query(&catalog::insert_category(&cmd))?;
    Ok(Reply::created(to_json(&catalog::decode_category_row(
        &rows,
        cmd.slug.as_str(),
    )?)?))
}

/// `PATCH /categories/{slug}`: name, description, position (the slug is the key).
pub fn update_category(ctx: &Ctx<'_>, slug: &str) -> Result<Reply, ApiError> {
    let slug = CategorySlug::parse(slug)?;
    let cmd = UpdateCategory::try_from(json::<UpdateCategoryRequest>(ctx.body)?)?;
    let rows = ctx.db()?.query(&catalog::update_category(&slug, &cmd))?;
    Ok(Reply::ok(to_json(&catalog::decode_category_row(
        &rows,
        slug.as_str(),
    )?)?))
}

/// `DELETE /categories/{slug}` → 204; a category that still has products is a 409.
pub fn delete_category(ctx: &Ctx<'_>, slug: &str) -> Result<Reply, ApiError> {
    let slug = CategorySlug::parse(slug)?;
    let rows = ctx.db()?.query(&catalog::delete_category(&slug))?;
    catalog::decode_delete_category(&rows, slug.as_str())?;
    Ok(Reply::NoContent)
}
