//! Decoding result rows into domain types.
//!
//! Rows are re-parsed through the same newtypes as requests ("trust, but verify" the
//! database): a value that no longer parses means schema drift or a manual edit, and becomes a
//! `storage_error` naming the column rather than a bogus 400.

use std::collections::BTreeMap;

use super::SqlValue;
use crate::domain::{
    Attributes, Brand, Category, CategoryName, CategorySlug, Description, ListedProduct, Money,
    Product, ProductId, ProductName, Sku, Slug, StockLevel, parse_images,
};
use crate::error::{DomainError, Result};

/// One result row, columns in SELECT order.
pub type Row = Vec<SqlValue>;

/// The product columns every product-returning statement selects first, in this order.
pub const PRODUCT_COLUMNS: &str = "p.id, p.slug, p.sku, p.name, p.description, p.category_slug, p.brand, \
     p.price_minor, p.currency, p.images, p.attributes, p.active, \
     (extract(epoch FROM p.created_at) * 1000)::int8 AS created_ms, \
     (extract(epoch FROM p.updated_at) * 1000)::int8 AS updated_ms";
/// Number of columns in [`PRODUCT_COLUMNS`].
pub(crate) const PRODUCT_COLUMN_COUNT: usize = 14;

/// Typed access to the columns of one row, with errors naming the column.
pub(crate) struct Cols<'a> {
    row: &'a [SqlValue],
}

impl<'a> Cols<'a> {
    pub(crate) fn new(row: &'a [SqlValue], expected: usize) -> Result<Self> {
        if row.len() < expected {
            return Err(DomainError::Storage(format!(
                "row has {} columns, expected {expected}",
                row.len()
            )));
        }
        Ok(Self { row })
    }

    fn get(&self, i: usize) -> &'a SqlValue {
        self.row.get(i).unwrap_or(&SqlValue::Null)
    }

    fn wrong(&self, i: usize, name: &str, want: &str) -> DomainError {
        DomainError::Storage(format!(
            "column {i} ({name}): expected {want}, got {:?}",
            self.get(i)
        ))
    }

    pub(crate) fn text(&self, i: usize, name: &str) -> Result<&'a str> {
        match self.get(i) {
            SqlValue::Text(s) | SqlValue::Uuid(s) | SqlValue::Jsonb(s) => Ok(s),
            _ => Err(self.wrong(i, name, "text")),
        }
    }

    pub(crate) fn opt_text(&self, i: usize, name: &str) -> Result<Option<&'a str>> {
        match self.get(i) {
            SqlValue::Null => Ok(None),
            _ => self.text(i, name).map(Some),
        }
    }

    pub(crate) fn int(&self, i: usize, name: &str) -> Result<i64> {
        match self.get(i) {
            SqlValue::Int64(v) => Ok(*v),
            _ => Err(self.wrong(i, name, "integer")),
        }
    }

    pub(crate) fn opt_int(&self, i: usize, name: &str) -> Result<Option<i64>> {
        match self.get(i) {
            SqlValue::Null => Ok(None),
            _ => self.int(i, name).map(Some),
        }
    }

    pub(crate) fn opt_float(&self, i: usize, name: &str) -> Result<Option<f64>> {
        match self.get(i) {
            SqlValue::Null => Ok(None),
            SqlValue::Float64(v) => Ok(Some(*v)),
            _ => Err(self.wrong(i, name, "float")),
        }
    }

    pub(crate) fn bool(&self, i: usize, name: &str) -> Result<bool> {
        match self.get(i) {
            SqlValue::Bool(v) => Ok(*v),
            _ => Err(self.wrong(i, name, "boolean")),
        }
    }

    pub(crate) fn product_id(&self, i: usize, name: &str) -> Result<ProductId> {
        ProductId::parse(self.text(i, name)?).map_err(|e| storage(name, e))
    }

    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, i: usize, name: &str) -> Result<T> {
        serde_json::from_str(self.text(i, name)?)
            .map_err(|e| DomainError::Storage(format!("column {i} ({name}): bad JSON: {e}")))
    }
}

/// Re-labels a parse failure of stored data as a storage error.
pub(crate) fn storage(column: &str, e: DomainError) -> DomainError {
    DomainError::Storage(format!("stored {column} no longer parses: {e}"))
}

/// Decodes the first [`PRODUCT_COLUMN_COUNT`] columns of `row`.
pub fn decode_product(row: &[SqlValue]) -> Result<Product> {
    let c = Cols::new(row, PRODUCT_COLUMN_COUNT)?;
    let images: Vec<String> = c.json(9, "images")?;
    let attributes: BTreeMap<String, String> = c.json(10, "attributes")?;
    Ok(Product {
        id: c.product_id(0, "id")?,
        slug: Slug::parse(c.text(1, "slug")?).map_err(|e| storage("slug", e))?,
        sku: Sku::parse(c.text(2, "sku")?).map_err(|e| storage("sku", e))?,
        name: ProductName::parse(c.text(3, "name")?).map_err(|e| storage("name", e))?,
        description: Description::parse(c.text(4, "description")?)
            .map_err(|e| storage("description", e))?,
        category: CategorySlug::parse(c.text(5, "category_slug")?)
            .map_err(|e| storage("category_slug", e))?,
        brand: Brand::parse(c.text(6, "brand")?).map_err(|e| storage("brand", e))?,
        price: Money::parse(c.int(7, "price_minor")?, c.text(8, "currency")?)
            .map_err(|e| storage("price", e))?,
        images: parse_images(&images).map_err(|e| storage("images", e))?,
        attributes: Attributes::parse(attributes).map_err(|e| storage("attributes", e))?,
        active: c.bool(11, "active")?,
        created_ms: c.int(12, "created_ms")?,
        updated_ms: c.int(13, "updated_ms")?,
    })
}

/// Decodes a listing row: product columns, then `available`, then `rank` (NULL without `q`).
pub(crate) fn decode_listed(row: &[SqlValue]) -> Result<ListedProduct> {
    let c = Cols::new(row, PRODUCT_COLUMN_COUNT + 2)?;
    Ok(ListedProduct {
        product: decode_product(row)?,
        available: c.int(PRODUCT_COLUMN_COUNT, "available")?,
        rank: c.opt_float(PRODUCT_COLUMN_COUNT + 1, "rank")?,
    })
}

/// Decodes a get-by-id/slug row: product columns, then `on_hand`, `reserved`.
pub fn decode_product_detail(row: &[SqlValue]) -> Result<(Product, StockLevel)> {
    let c = Cols::new(row, PRODUCT_COLUMN_COUNT + 2)?;
    let stock = StockLevel::new(
        c.int(PRODUCT_COLUMN_COUNT, "on_hand")?,
        c.int(PRODUCT_COLUMN_COUNT + 1, "reserved")?,
    )?;
    Ok((decode_product(row)?, stock))
}

/// The category columns, in this order, followed by the active product count.
pub(crate) const CATEGORY_COLUMNS: &str = "c.slug, c.name, c.description, c.position, \
     (extract(epoch FROM c.created_at) * 1000)::int8 AS created_ms, \
     (extract(epoch FROM c.updated_at) * 1000)::int8 AS updated_ms";

/// Decodes a category row ([`CATEGORY_COLUMNS`] then `product_count`).
pub fn decode_category(row: &[SqlValue]) -> Result<Category> {
    let c = Cols::new(row, 7)?;
    let position = i32::try_from(c.int(3, "position")?)
        .map_err(|_| DomainError::Storage("category position out of range".into()))?;
    Ok(Category {
        slug: CategorySlug::parse(c.text(0, "slug")?).map_err(|e| storage("slug", e))?,
        name: CategoryName::parse(c.text(1, "name")?).map_err(|e| storage("name", e))?,
        description: Description::parse(c.text(2, "description")?)
            .map_err(|e| storage("description", e))?,
        position,
        created_ms: c.int(4, "created_ms")?,
        updated_ms: c.int(5, "updated_ms")?,
        product_count: c.opt_int(6, "product_count")?.unwrap_or(0),
    })
}

/// Exactly one row, or `not_found` for `entity`/`key`.
pub(crate) fn single<'a>(rows: &'a [Row], entity: &'static str, key: &str) -> Result<&'a Row> {
    match rows {
        [row] => Ok(row),
        [] => Err(DomainError::NotFound {
            entity,
            key: key.to_string(),
        }),
        more => Err(DomainError::Storage(format!(
            "expected one {entity} row, got {}",
            more.len()
        ))),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// The row PostgreSQL would return for `p` via [`PRODUCT_COLUMNS`].
    pub(crate) fn product_row(p: &Product) -> Row {
        vec![
            SqlValue::Uuid(p.id.to_text()),
            SqlValue::Text(p.slug.to_string()),
            SqlValue::Text(p.sku.to_string()),
            SqlValue::Text(p.name.to_string()),
            SqlValue::Text(p.description.to_string()),
            SqlValue::Text(p.category.to_string()),
            SqlValue::Text(p.brand.to_string()),
            SqlValue::Int64(p.price.amount_minor()),
            SqlValue::Text(p.price.currency().code().to_string()),
            SqlValue::Jsonb(serde_json::to_string(&p.images).unwrap()),
            SqlValue::Jsonb(serde_json::to_string(&p.attributes).unwrap()),
            SqlValue::Bool(p.active),
            SqlValue::Int64(p.created_ms),
            SqlValue::Int64(p.updated_ms),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::product_row;
    use super::*;
    use crate::seed::Catalog;

    #[test]
    fn product_row_decodes_back_to_the_same_product() {
        for seeded in Catalog::demo().products().take(20) {
            assert_eq!(
                decode_product(&product_row(&seeded.product)).unwrap(),
                seeded.product
            );
        }
    }

    #[test]
    fn short_rows_and_wrong_types_are_storage_errors_naming_the_column() {
        assert!(
            decode_product(&[])
                .unwrap_err()
                .to_string()
                .contains("expected 14")
        );
        let p = Catalog::demo().products().next().unwrap().product;
        let mut row = product_row(&p);
        row[7] = SqlValue::Text("12".into());
        let err = decode_product(&row).unwrap_err();
        assert_eq!(err.code(), "storage_error");
        assert!(err.to_string().contains("price_minor"), "{err}");
    }

    #[test]
    fn stored_values_that_no_longer_parse_are_storage_errors() {
        let p = Catalog::demo().products().next().unwrap().product;
        let mut row = product_row(&p);
        row[1] = SqlValue::Text("Not A Slug".into());
        let err = decode_product(&row).unwrap_err();
        assert_eq!(err.status(), 500);
        assert!(err.to_string().contains("stored slug"), "{err}");
    }

    #[test]
    fn detail_row_checks_the_stock_invariant() {
        let p = Catalog::demo().products().next().unwrap().product;
        let mut row = product_row(&p);
        row.extend([SqlValue::Int64(5), SqlValue::Int64(2)]);
        assert_eq!(decode_product_detail(&row).unwrap().1.available(), 3);
        let mut bad = product_row(&p);
        bad.extend([SqlValue::Int64(1), SqlValue::Int64(2)]);
        assert!(decode_product_detail(&bad).is_err());
    }

    #[test]
    fn single_distinguishes_missing_from_duplicated_rows() {
        assert_eq!(single(&[], "product", "x").unwrap_err().code(), "not_found");
        assert_eq!(
            single(&[vec![], vec![]], "product", "x")
                .unwrap_err()
                .code(),
            "storage_error"
        );
    }
}
