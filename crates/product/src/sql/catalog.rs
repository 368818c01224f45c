//! Product and category CRUD statements, plus bulk seeding.
//!
//! Each operation is a single statement (writes that touch several tables use data-modifying
//! CTEs), so it is atomic without an explicit transaction. Constraint violations come back as
//! SQLSTATEs; map them with [`crate::error::DomainError::from_sqlstate`] (duplicate slug/SKU →
//! 409, unknown category → 400, deleting a product that orders reference → 409).

use super::row::{CATEGORY_COLUMNS, Cols, single};
use super::{Binder, PRODUCT_COLUMNS, Row, Stmt, decode_product_detail};
use crate::domain::{
    Category, CategorySlug, CreateCategory, CreateProduct, Product, ProductId, Slug, StockLevel,
    UpdateCategory, UpdateProduct,
};
use crate::error::{DomainError, Result};
use crate::seed::SeedProduct;

/// Products per seeding statement: 500 rows make a ~1 MB JSON parameter, well under
/// PostgreSQL's 1 GB limit and small enough to keep one statement under a second.
pub const SEED_BATCH: usize = 500;

const DETAIL_FROM: &str = "FROM products p JOIN stock s ON s.product_id = p.id";
const NOW_MS: &str = "date_trunc('milliseconds', now())";

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Creates a product with its stock row and, for positive opening stock, an `initial` audit
/// row. Returns one detail row (decode with [`decode_product_detail`]).
pub fn insert_product(cmd: &CreateProduct) -> Stmt {
    let mut b = Binder::new();
    let values = [
        b.text(cmd.slug.as_str()),
        b.text(cmd.sku.as_str()),
        b.text(cmd.name.as_str()),
        b.text(cmd.description.as_str()),
        b.text(cmd.category.as_str()),
        b.text(cmd.brand.as_str()),
        b.int(cmd.price.amount_minor()),
        b.text(cmd.price.currency().code()),
        b.jsonb(&json(&cmd.images)),
        b.jsonb(&json(&cmd.attributes)),
        b.bool(cmd.active),
    ]
    .join(", ");
    let stock = b.int(cmd.initial_stock);
    b.finish(format!(
        "WITH p AS (INSERT INTO products (slug, sku, name, description, category_slug, brand, price_minor, \
         currency, images, attributes, active) VALUES ({values}) RETURNING *), \
         s AS (INSERT INTO stock (product_id, on_hand) SELECT id, {stock} FROM p RETURNING on_hand, reserved), \
         a AS (INSERT INTO stock_adjustments (product_id, delta, reason, on_hand_after) \
         SELECT id, {stock}, 'initial', {stock} FROM p WHERE {stock} > 0) \
         SELECT {PRODUCT_COLUMNS}, s.on_hand, s.reserved FROM p, s"
    ))
}

/// Partial update: each absent field is bound as NULL and kept by `COALESCE`. Returns one
/// detail row, or none when the id does not exist.
pub fn update_product(id: ProductId, cmd: &UpdateProduct) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(id.as_uuid());
    let sets = [
        ("slug", b.opt_text(cmd.slug.as_ref().map(Slug::as_str))),
        ("sku", b.opt_text(cmd.sku.as_ref().map(|s| s.as_str()))),
        ("name", b.opt_text(cmd.name.as_ref().map(|s| s.as_str()))),
        (
            "description",
            b.opt_text(cmd.description.as_ref().map(|s| s.as_str())),
        ),
        (
            "category_slug",
            b.opt_text(cmd.category.as_ref().map(CategorySlug::as_str)),
        ),
        ("brand", b.opt_text(cmd.brand.as_ref().map(|s| s.as_str()))),
        (
            "price_minor",
            b.opt_int(cmd.price.map(|m| m.amount_minor())),
        ),
        (
            "currency",
            b.opt_text(cmd.price.map(|m| m.currency().code())),
        ),
        ("images", b.opt_jsonb(cmd.images.as_ref().map(json))),
        ("attributes", b.opt_jsonb(cmd.attributes.as_ref().map(json))),
        ("active", b.opt_bool(cmd.active)),
    ]
    .iter()
    .map(|(col, ph)| format!("{col} = COALESCE({ph}, p.{col})"))
    .collect::<Vec<_>>()
    .join(", ");
    b.finish(format!(
        "UPDATE products p SET {sets}, updated_at = {NOW_MS} FROM stock s \
         WHERE p.id = {id} AND s.product_id = p.id RETURNING {PRODUCT_COLUMNS}, s.on_hand, s.reserved"
    ))
}

/// Hides a product from listings, search and reservations (orders keep referencing it).
pub fn deactivate_product(id: ProductId) -> Stmt {
    update_product(
        id,
        &UpdateProduct {
            active: Some(false),
            ..UpdateProduct::default()
        },
    )
}

/// Deletes a never-reserved product (stock and audit rows cascade). Returns the id, or no row
/// when it does not exist; SQLSTATE 23503 means orders reference it: deactivate instead.
pub fn delete_product(id: ProductId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(id.as_uuid());
    b.finish(format!("DELETE FROM products WHERE id = {id} RETURNING id"))
}

/// Any product, active or not (admin and other services). One detail row or none.
pub fn product_by_id(id: ProductId) -> Stmt {
    let mut b = Binder::new();
    let id = b.uuid(id.as_uuid());
    b.finish(format!(
        "SELECT {PRODUCT_COLUMNS}, s.on_hand, s.reserved {DETAIL_FROM} WHERE p.id = {id}"
    ))
}

/// The shop front's product page: active products only. One detail row or none.
pub fn product_by_slug(slug: &Slug) -> Stmt {
    let mut b = Binder::new();
    let slug = b.text(slug.as_str());
    b.finish(format!(
        "SELECT {PRODUCT_COLUMNS}, s.on_hand, s.reserved {DETAIL_FROM} WHERE p.slug = {slug} AND p.active"
    ))
}

/// Active products among `ids` (the order service's cart lookup). Detail rows in no
/// particular order; unknown and inactive ids have none. Decode with [`decode_details`].
pub fn products_by_ids(ids: &[ProductId]) -> Stmt {
    let mut b = Binder::new();
    let list: Vec<String> = ids.iter().map(|id| b.uuid(id.as_uuid())).collect();
    b.finish(format!(
        "SELECT {PRODUCT_COLUMNS}, s.on_hand, s.reserved {DETAIL_FROM} \
         WHERE p.id IN ({}) AND p.active",
        list.join(", ")
    ))
}

/// Decodes any number of detail rows.
pub fn decode_details(rows: &[Row]) -> Result<Vec<(Product, StockLevel)>> {
    rows.iter().map(|row| decode_product_detail(row)).collect()
}

/// The cheapest statement that proves the database answers (the health check).
pub fn ping() -> Stmt {
    Stmt::constant("SELECT 1::int8 AS ok")
}

/// Decodes the answer of insert/update/get: exactly one detail row or `not_found`.
pub fn decode_detail(rows: &[Row], key: &str) -> Result<(Product, StockLevel)> {
    decode_product_detail(single(rows, "product", key)?)
}

/// Decodes the answer of [`delete_product`].
pub fn decode_deleted(rows: &[Row], key: &str) -> Result<()> {
    single(rows, "product", key).map(|_| ())
}

pub fn insert_category(cmd: &CreateCategory) -> Stmt {
    let mut b = Binder::new();
    let values = [
        b.text(cmd.slug.as_str()),
        b.text(cmd.name.as_str()),
        b.text(cmd.description.as_str()),
        format!("{}::int4", b.int(i64::from(cmd.position))),
    ]
    .join(", ");
    b.finish(format!(
        "INSERT INTO categories AS c (slug, name, description, position) VALUES ({values}) \
         RETURNING {CATEGORY_COLUMNS}, 0::int8 AS product_count"
    ))
}

pub fn update_category(slug: &CategorySlug, cmd: &UpdateCategory) -> Stmt {
    let mut b = Binder::new();
    let key = b.text(slug.as_str());
    let name = b.opt_text(cmd.name.as_ref().map(|n| n.as_str()));
    let description = b.opt_text(cmd.description.as_ref().map(|d| d.as_str()));
    let position = b.opt_int(cmd.position.map(i64::from));
    b.finish(format!(
        "UPDATE categories c SET name = COALESCE({name}, c.name), \
         description = COALESCE({description}, c.description), \
         position = COALESCE({position}::int4, c.position), updated_at = {NOW_MS} WHERE c.slug = {key} \
         RETURNING {CATEGORY_COLUMNS}, \
         (SELECT count(*) FROM products p WHERE p.category_slug = c.slug AND p.active) AS product_count"
    ))
}

/// All categories in menu order with their active product counts.
pub fn list_categories() -> Stmt {
    Stmt::constant(&format!(
        "SELECT {CATEGORY_COLUMNS}, count(p.id) FILTER (WHERE p.active) AS product_count \
         FROM categories c LEFT JOIN products p ON p.category_slug = c.slug \
         GROUP BY c.slug ORDER BY c.position, c.name"
    ))
}

pub fn category_by_slug(slug: &CategorySlug) -> Stmt {
    let mut b = Binder::new();
    let key = b.text(slug.as_str());
    b.finish(format!(
        "SELECT {CATEGORY_COLUMNS}, count(p.id) FILTER (WHERE p.active) AS product_count \
         FROM categories c LEFT JOIN products p ON p.category_slug = c.slug WHERE c.slug = {key} GROUP BY c.slug"
    ))
}

/// Decodes one category row or `not_found`.
pub fn decode_category_row(rows: &[Row], key: &str) -> Result<Category> {
    super::decode_category(single(rows, "category", key)?)
}

/// Deletes an empty category. One row `(in_use bool, deleted int8)`, none if it does not exist.
pub fn delete_category(slug: &CategorySlug) -> Stmt {
    let mut b = Binder::new();
    let key = b.text(slug.as_str());
    b.finish(format!(
        "WITH t AS (SELECT c.slug, EXISTS (SELECT 1 FROM products p WHERE p.category_slug = c.slug) AS in_use \
         FROM categories c WHERE c.slug = {key}), \
         d AS (DELETE FROM categories c USING t WHERE c.slug = t.slug AND NOT t.in_use RETURNING c.slug) \
         SELECT t.in_use, (SELECT count(*) FROM d) AS deleted FROM t"
    ))
}

pub fn decode_delete_category(rows: &[Row], key: &str) -> Result<()> {
    let c = Cols::new(single(rows, "category", key)?, 2)?;
    if c.bool(0, "in_use")? {
        return Err(DomainError::Conflict(format!(
            "category `{key}` still has products; move them first"
        )));
    }
    Ok(())
}

/// Idempotent bulk insert of categories (existing slugs are left alone).
pub fn seed_categories(categories: &[Category]) -> Stmt {
    let rows: Vec<serde_json::Value> = categories
        .iter()
        .map(|c| serde_json::json!({"slug": c.slug, "name": c.name, "description": c.description, "position": c.position}))
        .collect();
    let mut b = Binder::new();
    let data = b.jsonb(&serde_json::Value::Array(rows));
    b.finish(format!(
        "INSERT INTO categories (slug, name, description, position) SELECT slug, name, description, position \
         FROM jsonb_to_recordset({data}) AS x(slug text, name text, description text, position int4) \
         ON CONFLICT (slug) DO NOTHING"
    ))
}

/// Idempotent bulk insert of at most [`SEED_BATCH`] products with their ids, timestamps, stock
/// and `initial` audit rows; products whose id, slug or SKU exist are skipped. One row: the
/// number inserted.
pub fn seed_products(batch: &[SeedProduct]) -> Stmt {
    let rows: Vec<serde_json::Value> = batch
        .iter()
        .map(|s| {
            let p = &s.product;
            serde_json::json!({
                "id": p.id, "slug": p.slug, "sku": p.sku, "name": p.name, "description": p.description,
                "category_slug": p.category, "brand": p.brand, "price_minor": p.price.amount_minor(),
                "currency": p.price.currency(), "images": p.images, "attributes": p.attributes,
                "active": p.active, "created_ms": p.created_ms, "on_hand": s.on_hand,
            })
        })
        .collect();
    let mut b = Binder::new();
    let data = b.jsonb(&serde_json::Value::Array(rows));
    b.finish(format!(
        "WITH x AS (SELECT * FROM jsonb_to_recordset({data}) AS x(id uuid, slug text, sku text, name text, \
         description text, category_slug text, brand text, price_minor int8, currency text, images jsonb, \
         attributes jsonb, active bool, created_ms int8, on_hand int8)), \
         p AS (INSERT INTO products (id, slug, sku, name, description, category_slug, brand, price_minor, currency, \
         images, attributes, active, created_at, updated_at) SELECT id, slug, sku, name, description, category_slug, \
         brand, price_minor, currency, images, attributes, active, \
         'epoch'::timestamptz + created_ms * interval '1 millisecond', \
         'epoch'::timestamptz + created_ms * interval '1 millisecond' FROM x ON CONFLICT DO NOTHING RETURNING id), \
         s AS (INSERT INTO stock (product_id, on_hand) SELECT x.id, x.on_hand FROM x JOIN p USING (id)), \
         a AS (INSERT INTO stock_adjustments (product_id, delta, reason, on_hand_after) \
         SELECT x.id, x.on_hand, 'initial', x.on_hand FROM x JOIN p USING (id) WHERE x.on_hand > 0) \
         SELECT count(*) AS inserted FROM p"
    ))
}

#[cfg(test)]
mod tests;
