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
//! **Bounded work at any catalog size.** The page is a keyset range on an index (`limit + 1`
//! rows). The total is counted only up to [`EXACT_TOTAL_LIMIT`] matches, with a `LIMIT`ed
//! sub-select over `products` alone; above the limit it is the planner's estimate
//! ([`estimate`]), flagged as such. `in_stock` is checked there by one primary-key probe of
//! `stock` per candidate row ([`StockCheck::Probe`]), so the work stays bounded by the cap;
//! as a join, the planner would rather hash the whole stock table. The facets read at most
//! [`FACET_SCAN_LIMIT`] matching rows, the newest first (an index order), so a broad filter
//! costs the same as a narrow one; beyond that the counts describe the newest rows only and
//! are flagged as such. Counting into per-category/brand tables kept up to date on every
//! product write was the alternative; it was not chosen because it cannot answer a search
//! or a price range (the facets of `q=lamp&min_price=…` need the matching rows themselves),
//! and it would put a hot counter row under every admin write.
//!
//! Run them in one read-only snapshot; they only read.

use super::row::{PRODUCT_COLUMNS, decode_listed};
use super::{Binder, Row, Stmt};
use crate::domain::ListedProduct;
use crate::error::{DomainError, Result};
use crate::query::{
    FacetCount, Facets, ListQuery, PRICE_BAND_EDGES, PriceBand, Sort, SortKey, Total,
};

/// Brands shown in the brand facet: the 50 most frequent within the current filter.
pub const MAX_BRAND_FACETS: i64 = 50;
/// Totals up to this many matches are exact. Ten thousand is more than anyone pages through
/// (417 pages of 24), so above it the storefront shows "10,000+" and an estimate is enough;
/// counting that many index entries takes about 2 ms on the 2-core dev machine.
pub const EXACT_TOTAL_LIMIT: i64 = 10_000;
/// Most rows one facet statement reads: the same bound as the exact total, so facets are
/// exact whenever the total is (each facet ignores one filter, so it may see more rows).
pub const FACET_SCAN_LIMIT: i64 = 10_000;

/// The page needs `available`, so it always joins `stock`.
const FROM: &str = "FROM products p JOIN stock s ON s.product_id = p.id";

/// Totals and facets read `products` alone (see [`StockCheck::Probe`]).
const FROM_PRODUCTS: &str = "FROM products p";

/// How a statement applies `in_stock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StockCheck {
    /// The statement joins `stock s`: the page (which needs `available` anyway and walks an
    /// index for `limit + 1` rows) and the estimate (which only plans). Written as
    /// `on_hand - reserved > 0` so the planner uses the expression statistics of migration
    /// 0003 instead of guessing a third of the rows.
    Joined,
    /// A correlated sub-select on `stock`'s primary key per candidate row: PostgreSQL cannot
    /// turn it into a join, so a capped count or facet scan probes at most its cap of rows.
    Probe,
}

impl StockCheck {
    fn condition(self) -> &'static str {
        match self {
            Self::Joined => "s.on_hand - s.reserved > 0",
            Self::Probe => {
                "(SELECT s.on_hand - s.reserved > 0 FROM stock s WHERE s.product_id = p.id)"
            }
        }
    }
}

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

fn filters(
    b: &mut Binder,
    q: &ListQuery,
    search: Option<&SearchSql>,
    stock: StockCheck,
) -> Filters {
    let mut base = vec!["p.active".to_string()];
    if q.in_stock {
        base.push(stock.condition().into());
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
    let mut conds = filters(&mut b, q, search.as_ref(), StockCheck::Joined).all();
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
    if search.is_some() {
        // A search sorts every match (relevance needs each one's rank), so the sort carries
        // only the id and the key; the page's wide rows (images, description) are read for
        // the `limit + 1` winners alone. Half the time of sorting whole rows on `q=lamp`.
        let inner = if q.in_stock { FROM } else { FROM_PRODUCTS };
        return b.finish(format!(
            "SELECT {PRODUCT_COLUMNS}, (s.on_hand - s.reserved) AS available, top.rank AS rank \
             FROM (SELECT p.id, {rank} AS rank {inner} WHERE {conds} ORDER BY {order} \
             LIMIT {limit}) AS top JOIN products p ON p.id = top.id \
             JOIN stock s ON s.product_id = p.id ORDER BY {order}"
        ));
    }
    b.finish(format!(
        "SELECT {PRODUCT_COLUMNS}, (s.on_hand - s.reserved) AS available, {rank} AS rank \
         {FROM} WHERE {conds} ORDER BY {order} LIMIT {limit}"
    ))
}

/// Decodes the rows of [`list`].
pub fn decode_list(rows: &[Row]) -> Result<Vec<ListedProduct>> {
    rows.iter().map(|r| decode_listed(r)).collect()
}

/// Counts the rows of the filter (ignoring cursor and page size), stopping after
/// [`EXACT_TOTAL_LIMIT`]` + 1`: one int8 column. Decode with [`decode_count`].
pub fn count(q: &ListQuery) -> Stmt {
    let mut b = Binder::new();
    let search = search_sql(&mut b, q);
    let conds = filters(&mut b, q, search.as_ref(), StockCheck::Probe).all();
    let cap = b.int(EXACT_TOTAL_LIMIT + 1);
    b.finish(format!(
        "SELECT count(*) AS total FROM (SELECT 1 {FROM_PRODUCTS} WHERE {conds} LIMIT {cap}) AS capped"
    ))
}

/// What [`count`] found: the exact total, or only that there are more than
/// [`EXACT_TOTAL_LIMIT`] (then run [`estimate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Exact(i64),
    MoreThan(i64),
}

impl Counted {
    /// The total to report: exact, or the estimate but never less than what was counted
    /// (statistics can be stale; the count is a fact).
    pub fn total(self, estimate: Option<i64>) -> Total {
        match self {
            Self::Exact(n) => Total::exact(n),
            Self::MoreThan(n) => Total::estimated(estimate.unwrap_or(0).max(n + 1)),
        }
    }
}

/// Decodes the single row of [`count`].
pub fn decode_count(rows: &[Row]) -> Result<Counted> {
    let row = super::row::single(rows, "count", "total")?;
    let n = super::row::Cols::new(row, 1)?.int(0, "total")?;
    Ok(if n > EXACT_TOTAL_LIMIT {
        Counted::MoreThan(EXACT_TOTAL_LIMIT)
    } else {
        Counted::Exact(n)
    })
}

/// The planner's row estimate for the filter: `EXPLAIN` of the uncapped count's rows, which
/// plans without executing (a fraction of a millisecond). Only run after [`count`] said
/// [`Counted::MoreThan`]. Rows of plan text; decode with [`decode_estimate`].
pub fn estimate(q: &ListQuery) -> Stmt {
    let mut b = Binder::new();
    let search = search_sql(&mut b, q);
    let conds = filters(&mut b, q, search.as_ref(), StockCheck::Joined).all();
    let from = if q.in_stock { FROM } else { FROM_PRODUCTS };
    b.finish(format!("EXPLAIN SELECT 1 {from} WHERE {conds}"))
}

/// Reads `rows=N` from the first line of the plan [`estimate`] returned.
pub fn decode_estimate(rows: &[Row]) -> Result<i64> {
    let first = rows
        .first()
        .ok_or_else(|| DomainError::Storage("EXPLAIN returned no plan".into()))?;
    let line = super::row::Cols::new(first, 1)?.text(0, "QUERY PLAN")?;
    line.split_whitespace()
        .find_map(|word| word.strip_prefix("rows="))
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(|| DomainError::Storage(format!("no row estimate in plan line `{line}`")))
}

/// Facet counts in one statement: rows `(facet, value, count)` with facet in
/// `category | brand | price`; for `price` the value is the `width_bucket` index over
/// [`PRICE_BAND_EDGES`]. Each facet applies every filter except its own. The rows counted
/// are the newest [`FACET_SCAN_LIMIT`]` + 1` that pass the search and stock filters; one more
/// row, `('scanned', '', n)`, says how many that was, so the decoder knows whether the
/// counts are complete.
pub fn facets(q: &ListQuery) -> Stmt {
    let mut b = Binder::new();
    let search = search_sql(&mut b, q);
    let f = filters(&mut b, q, search.as_ref(), StockCheck::Probe);
    let cap = b.int(FACET_SCAN_LIMIT + 1);
    let edges: Vec<String> = PRICE_BAND_EDGES.iter().map(|e| b.int(*e)).collect();
    let top = b.int(MAX_BRAND_FACETS);
    let base = f.base.join(" AND ");
    b.finish(format!(
        "WITH base AS MATERIALIZED (SELECT p.category_slug, p.brand, p.price_minor, \
         {cat} AS cat_ok, {brand} AS brand_ok, {price} AS price_ok {FROM_PRODUCTS} WHERE {base} \
         ORDER BY p.created_at DESC, p.id DESC LIMIT {cap}) \
         SELECT 'scanned' AS facet, '' AS value, count(*) AS n FROM base \
         UNION ALL SELECT 'category', category_slug, count(*) FROM base \
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
    let mut scanned = None;
    for row in rows {
        let c = super::row::Cols::new(row, 3)?;
        let (facet, value, count) = (c.text(0, "facet")?, c.text(1, "value")?, c.int(2, "count")?);
        match facet {
            "scanned" => scanned = Some(count),
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
    let scanned =
        scanned.ok_or_else(|| DomainError::Storage("facets without a scanned count".into()))?;
    out.exact = scanned <= FACET_SCAN_LIMIT;
    Ok(out)
}

#[cfg(test)]
mod tests;
