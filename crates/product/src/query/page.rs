//! Result shapes of a listing: the page of rows and the facet counts.
//!
//! The list statement fetches `limit + 1` rows; the extra row only proves that a next page
//! exists and is dropped here, and the cursor points after the last row actually returned.

use serde::Serialize;

use super::{Cursor, ListQuery};
use crate::domain::ListedProduct;
use crate::error::Result;

/// Price facet band edges in minor units (10, 25, 50, 100, 250 of the currency): roughly
/// logarithmic, the bands shoppers use for a general-merchandise catalog, and each band of the
/// seed catalog gets a meaningful share. Band `i` is `[EDGES[i-1], EDGES[i])`; the first starts
/// at 0 and the last is open-ended.
pub const PRICE_BAND_EDGES: [i64; 5] = [1_000, 2_500, 5_000, 10_000, 25_000];

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    pub items: Vec<ListedProduct>,
    /// Pass back as `cursor=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Rows matching the filter (all pages): exact when `total_exact`, else an estimate of a
    /// number known to be above [`crate::sql::listing::EXACT_TOTAL_LIMIT`].
    pub total: i64,
    pub total_exact: bool,
    pub limit: u32,
}

/// How many rows match a filter, and whether that was counted or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: i64,
    pub exact: bool,
}

impl Total {
    pub fn exact(count: i64) -> Self {
        Self { count, exact: true }
    }

    pub fn estimated(count: i64) -> Self {
        Self {
            count,
            exact: false,
        }
    }
}

/// A value and how many products have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

/// A price band with its product count; `max` is exclusive and absent for the top band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceBand {
    pub min: i64,
    pub max: Option<i64>,
    pub count: i64,
}

impl PriceBand {
    /// The band for `width_bucket(price, EDGES)` = `bucket` (0 ..= EDGES.len()).
    pub fn for_bucket(bucket: usize, count: i64) -> Option<Self> {
        if bucket > PRICE_BAND_EDGES.len() {
            return None;
        }
        let min = if bucket == 0 {
            0
        } else {
            PRICE_BAND_EDGES[bucket - 1]
        };
        Some(Self {
            min,
            max: PRICE_BAND_EDGES.get(bucket).copied(),
            count,
        })
    }
}

/// Facet counts for the current filter. Each facet ignores its own filter (the brand facet
/// counts all brands within the chosen category and price), so ticking one brand does not
/// hide the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Facets {
    pub categories: Vec<FacetCount>,
    pub brands: Vec<FacetCount>,
    pub price_bands: Vec<PriceBand>,
    /// False when more rows matched than one facet statement reads
    /// ([`crate::sql::listing::FACET_SCAN_LIMIT`]): the counts are then those of the newest
    /// matching products, lower bounds of the true counts.
    pub exact: bool,
}

impl ListQuery {
    /// Builds the page from the rows of the list statement and the counted or estimated total.
    pub fn page(&self, mut rows: Vec<ListedProduct>, total: Total) -> Result<Page> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = match rows.last() {
            Some(last) if has_more => Some(Cursor::after_row(last, self.sort)?.encode(self)?),
            _ => None,
        };
        Ok(Page {
            items: rows,
            next_cursor,
            total: total.count,
            total_exact: total.exact,
            limit: self.limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Catalog;

    fn rows(n: usize) -> Vec<ListedProduct> {
        Catalog::demo()
            .products()
            .take(n)
            .map(|s| ListedProduct {
                product: s.product,
                available: s.on_hand,
                rank: None,
            })
            .collect()
    }

    #[test]
    fn page_with_an_extra_row_drops_it_and_points_after_the_last_kept_row() {
        let q = ListQuery::from_query_string("limit=3&sort=price_asc").unwrap();
        let all = rows(4);
        let page = q.page(all.clone(), Total::exact(40)).unwrap();
        assert_eq!(page.items.len(), 3);
        let cursor = Cursor::decode(page.next_cursor.as_deref().unwrap(), &q).unwrap();
        assert_eq!(cursor.id, all[2].product.id);
        assert_eq!((page.total, page.total_exact), (40, true));
    }

    #[test]
    fn last_page_has_no_cursor() {
        let q = ListQuery::from_query_string("limit=3").unwrap();
        assert_eq!(q.page(rows(3), Total::exact(3)).unwrap().next_cursor, None);
        assert_eq!(q.page(vec![], Total::exact(0)).unwrap().next_cursor, None);
    }

    #[test]
    fn relevance_page_without_rank_is_a_storage_error() {
        let q = ListQuery::from_query_string("q=mug&limit=1").unwrap();
        assert_eq!(
            q.page(rows(2), Total::exact(2)).unwrap_err().code(),
            "storage_error"
        );
    }

    #[test]
    fn an_estimated_total_is_flagged_in_the_json() {
        let q = ListQuery::from_query_string("limit=1").unwrap();
        let page = q.page(rows(2), Total::estimated(96_000)).unwrap();
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(json["total"], 96_000);
        assert_eq!(json["total_exact"], false);
    }

    #[test]
    fn price_bands_cover_zero_to_infinity_without_gaps() {
        let bands: Vec<PriceBand> = (0..=PRICE_BAND_EDGES.len())
            .filter_map(|b| PriceBand::for_bucket(b, 0))
            .collect();
        assert_eq!(bands.first().unwrap().min, 0);
        assert_eq!(bands.last().unwrap().max, None);
        for pair in bands.windows(2) {
            assert_eq!(pair[0].max, Some(pair[1].min));
        }
        assert!(PriceBand::for_bucket(PRICE_BAND_EDGES.len() + 1, 0).is_none());
    }
}
