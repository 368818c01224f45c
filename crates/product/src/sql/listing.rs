//! Listing, search, count and facet statements for a [`ListQuery`].
//!
//! All three statements share one filter builder, so `total` and the facets always describe
//! the same set of rows as the page. Search matches either the ranked full-text query
//! (`websearch_to_tsquery('english', q)` over the weighted `search` column: name A, brand B,
//! description C) or the prefix fallback (`to_tsquery('simple', 'headp:* & …')` over the
//! unstemmed `search_prefix` column); see [`crate::query::SearchText`]. Rank is
//! `ts_rank_cd(full) + 0.1 × ts_rank_cd(prefix)` as float8, so exact matches sort above
//! prefix-only ones and the value is reproducible for keyset cursors.
//!
//! Run `list` and `count` (and optionally `facets`) outside a transaction; they only read.

use super::row::{PRODUCT_COLUMNS, decode_listed};
use super::{Binder, Row, Stmt};
use crate::domain::ListedProduct;
use crate::error::{DomainError, Result};
use crate::query::{FacetCount, Facets, ListQuery, PRICE_BAND_EDGES, PriceBand, Sort, SortKey};

/// Brands shown in the brand facet: the 50 most frequent within the current filter.
pub const MAX_BRAND_FACETS: i64 = 50;

const FROM: &str = "FROM products p JOIN stock s ON s.product_id = p.id";

/// The search placeholders, bound once and referenced wherever needed.
struct SearchSql {
    matches: String,
    rank: String,
}

fn search_sql(b: &mut Binder, q: &ListQuery) -> Option<SearchSql> {
    let search = q.search.as_ref()?;
    let full = format!(
        "websearch_to_tsquery('english', {})",
        b.text(search.as_str())
    );
    match search.prefix_query() {
        Some(prefix) => {
            let prefix = format!("to_tsquery('simple', {})", b.text(prefix));
            Some(SearchSql {
                matches: format!("(p.search @@ {full} OR p.search_prefix @@ {prefix})"),
                rank: format!(
                    "(ts_rank_cd(p.search, {full})::float8 + 0.1::float8 * ts_rank_cd(p.search_prefix, {prefix})::float8)"
                ),
            })
        }
        None => Some(SearchSql {
            matches: format!("p.search @@ {full}"),
            rank: format!("ts_rank_cd(p.search, {full})::float8"),
        }),
    }
}

/// Filter predicates, each a separate SQL boolean (`TRUE` when the filter is absent).
struct Filters {
    base: Vec<String>,
    category: String,
    brand: String,
    price: String,
}

impl Filters {
    fn all(&self) -> String {
        let mut parts = self.base.clone();
        parts.extend(
            [
                self.category.clone(),
                self.brand.clone(),
                self.price.clone(),
            ]
            .into_iter()
            .filter(|p| p != "TRUE"),
        );
        parts.join(" AND ")
    }
}

fn filters(b: &mut Binder, q: &ListQuery, search: Option<&SearchSql>) -> Filters {
    let mut base = vec!["p.active".to_string()];
    if q.in_stock {
        base.push("s.on_hand > s.reserved".into());
    }
    if let Some(s) = search {
        base.push(s.matches.clone());
    }
    let category = q.category.as_ref().map_or_else(
        || "TRUE".into(),
        |c| format!("p.category_slug = {}", b.text(c.as_str())),
    );
    let brand = if q.brands.is_empty() {
        "TRUE".into()
    } else {
        let list: Vec<String> = q.brands.iter().map(|br| b.text(br.as_str())).collect();
        format!("p.brand IN ({})", list.join(", "))
    };
    let mut price = Vec::new();
    if let Some(min) = q.min_price {
        price.push(format!("p.price_minor >= {}", b.int(min)));
    }
    if let Some(max) = q.max_price {
        price.push(format!("p.price_minor <= {}", b.int(max)));
    }
    let price = if price.is_empty() {
        "TRUE".into()
    } else {
        format!("({})", price.join(" AND "))
    };
    Filters {
        base,
        category,
        brand,
        price,
    }
}

/// The page statement: `limit + 1` rows after the cursor, in the query's order. Columns:
/// [`PRODUCT_COLUMNS`], `available`, `rank` (NULL without search). Decode with [`decode_list`].
pub fn list(q: &ListQuery) -> Stmt {
    let mut b = Binder::new();
    let search = search_sql(&mut b, q);
    let mut conds = filters(&mut b, q, search.as_ref()).all();
    let rank = search
        .as_ref()
        .map_or_else(|| "NULL::float8".to_string(), |s| s.rank.clone());
    let (key_expr, cmp, order) = match q.sort {
        Sort::Relevance => (rank.clone(), "<", "rank DESC, p.id DESC"),
        Sort::PriceAsc => ("p.price_minor".into(), ">", "p.price_minor ASC, p.id ASC"),
        Sort::PriceDesc => ("p.price_minor".into(), "<", "p.price_minor DESC, p.id DESC"),
        Sort::Name => ("p.name".into(), ">", "p.name ASC, p.id ASC"),
        Sort::Newest => ("p.created_at".into(), "<", "p.created_at DESC, p.id DESC"),
    };
    if let Some(after) = &q.after {
        let key = match &after.key {
            SortKey::Relevance(r) => b.float(*r),
            SortKey::Price(p) => b.int(*p),
            SortKey::Name(n) => b.text(n),
            SortKey::Newest(ms) => format!(
                "('epoch'::timestamptz + {} * interval '1 millisecond')",
                b.int(*ms)
            ),
        };
        let id = b.uuid(after.id.as_uuid());
        conds.push_str(&format!(" AND ({key_expr}, p.id) {cmp} ({key}, {id})"));
    }
    let limit = b.int(i64::from(q.limit) + 1);
    b.finish(format!(
        "SELECT {PRODUCT_COLUMNS}, (s.on_hand - s.reserved) AS available, {rank} AS rank \
         {FROM} WHERE {conds} ORDER BY {order} LIMIT {limit}"
    ))
}

/// Decodes the rows of [`list`].
pub fn decode_list(rows: &[Row]) -> Result<Vec<ListedProduct>> {
    rows.iter().map(|r| decode_listed(r)).collect()
}

/// `SELECT count(*)` over the same filter, ignoring cursor and limit. One int8 column.
pub fn count(q: &ListQuery) -> Stmt {
    let mut b = Binder::new();
    let search = search_sql(&mut b, q);
    let conds = filters(&mut b, q, search.as_ref()).all();
    b.finish(format!("SELECT count(*) AS total {FROM} WHERE {conds}"))
}

/// Decodes the single row of [`count`].
pub fn decode_count(rows: &[Row]) -> Result<i64> {
    let row = super::row::single(rows, "count", "total")?;
    super::row::Cols::new(row, 1)?.int(0, "total")
}

/// Facet counts in one statement: rows `(facet, value, count)` with facet in
/// `category | brand | price`; for `price` the value is the `width_bucket` index over
/// [`PRICE_BAND_EDGES`]. Each facet applies every filter except its own.
pub fn facets(q: &ListQuery) -> Stmt {
    let mut b = Binder::new();
    let search = search_sql(&mut b, q);
    let f = filters(&mut b, q, search.as_ref());
    let edges: Vec<String> = PRICE_BAND_EDGES.iter().map(|e| b.int(*e)).collect();
    let top = b.int(MAX_BRAND_FACETS);
    let base = f.base.join(" AND ");
    b.finish(format!(
        "WITH base AS MATERIALIZED (SELECT p.category_slug, p.brand, p.price_minor, \
         {cat} AS cat_ok, {brand} AS brand_ok, {price} AS price_ok {FROM} WHERE {base}) \
         SELECT 'category' AS facet, category_slug AS value, count(*) AS n FROM base \
         WHERE brand_ok AND price_ok GROUP BY category_slug \
         UNION ALL (SELECT 'brand', brand, count(*) FROM base WHERE cat_ok AND price_ok \
         GROUP BY brand ORDER BY count(*) DESC, brand LIMIT {top}) \
         UNION ALL SELECT 'price', width_bucket(price_minor, ARRAY[{edges}])::text, count(*) FROM base \
         WHERE cat_ok AND brand_ok GROUP BY 2",
        cat = f.category,
        brand = f.brand,
        price = f.price,
        edges = edges.join(", "),
    ))
}

/// Decodes the rows of [`facets`]; categories and brands by count (desc) then value, bands in
/// price order.
pub fn decode_facets(rows: &[Row]) -> Result<Facets> {
    let mut out = Facets::default();
    for row in rows {
        let c = super::row::Cols::new(row, 3)?;
        let (facet, value, count) = (c.text(0, "facet")?, c.text(1, "value")?, c.int(2, "count")?);
        match facet {
            "category" => out.categories.push(FacetCount {
                value: value.into(),
                count,
            }),
            "brand" => out.brands.push(FacetCount {
                value: value.into(),
                count,
            }),
            "price" => {
                let band = value
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| PriceBand::for_bucket(i, count))
                    .ok_or_else(|| DomainError::Storage(format!("bad price bucket `{value}`")))?;
                out.price_bands.push(band);
            }
            other => return Err(DomainError::Storage(format!("unknown facet `{other}`"))),
        }
    }
    let by_count =
        |a: &FacetCount, b: &FacetCount| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value));
    out.categories.sort_by(by_count);
    out.brands.sort_by(by_count);
    out.price_bands.sort_by_key(|band| band.min);
    Ok(out)
}

#[cfg(test)]
mod tests;
