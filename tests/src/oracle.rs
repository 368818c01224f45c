//! What a listing should return, computed independently of the service: the catalog is read
//! straight from PostgreSQL and filtered, sorted and counted here in plain Rust.
//!
//! Only name order is borrowed from the database (`ORDER BY name, id`), because "name A→Z"
//! means the database's collation and re-implementing collations is not the point.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::enc;
use crate::product::ProductApp;

/// The price band edges of the facet (the domain's `PRICE_BAND_EDGES`, restated).
pub const BAND_EDGES: [i64; 5] = [1_000, 2_500, 5_000, 10_000, 25_000];

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub brand: String,
    pub category: String,
    pub price: i64,
    pub created_ms: i64,
    pub available: i64,
    name_rank: usize,
}

/// The sorts a listing offers (relevance is checked by the search tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    PriceAsc,
    PriceDesc,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Newest, Sort::PriceAsc, Sort::PriceDesc, Sort::Name];

    pub fn param(&self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Name => "name",
        }
    }
}

/// A listing filter, as query parameters and as a predicate.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub category: Option<String>,
    pub brands: Vec<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: bool,
}

/// Which filter a facet leaves out (each facet ignores its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ignore {
    Nothing,
    Category,
    Brand,
    Price,
}

impl Filter {
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.category {
            parts.push(format!("category={}", enc(c)));
        }
        parts.extend(self.brands.iter().map(|b| format!("brand={}", enc(b))));
        if let Some(p) = self.min_price {
            parts.push(format!("min_price={p}"));
        }
        if let Some(p) = self.max_price {
            parts.push(format!("max_price={p}"));
        }
        if self.in_stock {
            parts.push("in_stock=true".into());
        }
        parts.join("&")
    }

    fn matches(&self, item: &Item, ignore: Ignore) -> bool {
        (ignore == Ignore::Category || self.category.as_ref().is_none_or(|c| *c == item.category))
            && (ignore == Ignore::Brand
                || self.brands.is_empty()
                || self.brands.contains(&item.brand))
            && (ignore == Ignore::Price
                || (self.min_price.is_none_or(|p| item.price >= p)
                    && self.max_price.is_none_or(|p| item.price <= p)))
            && (!self.in_stock || item.available > 0)
    }
}

/// The active catalog as the database holds it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub items: Vec<Item>,
}

impl Snapshot {
    pub fn load(app: &ProductApp) -> Self {
        let name_order: HashMap<String, usize> = app
            .sql("SELECT id::text FROM products ORDER BY name, id")
            .iter()
            .enumerate()
            .map(|(i, r)| (r.get::<_, String>(0), i))
            .collect();
        let items = app
            .sql(
                "SELECT p.id::text, p.brand, p.category_slug, p.price_minor, \
                 (extract(epoch FROM p.created_at) * 1000)::int8, s.on_hand - s.reserved \
                 FROM products p JOIN stock s ON s.product_id = p.id WHERE p.active",
            )
            .iter()
            .map(|r| {
                let id: String = r.get(0);
                Item {
                    name_rank: name_order[&id],
                    id,
                    brand: r.get(1),
                    category: r.get(2),
                    price: r.get(3),
                    created_ms: r.get(4),
                    available: r.get(5),
                }
            })
            .collect();
        Self { items }
    }

    /// The ids a listing with `filter` and `sort` must return, in order.
    pub fn expected(&self, filter: &Filter, sort: Sort) -> Vec<String> {
        let mut items: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| filter.matches(i, Ignore::Nothing))
            .collect();
        items.sort_by(|a, b| match sort {
            Sort::Newest => b
                .created_ms
                .cmp(&a.created_ms)
                .then_with(|| b.id.cmp(&a.id)),
            Sort::PriceAsc => a.price.cmp(&b.price).then_with(|| a.id.cmp(&b.id)),
            Sort::PriceDesc => b.price.cmp(&a.price).then_with(|| b.id.cmp(&a.id)),
            Sort::Name => a.name_rank.cmp(&b.name_rank),
        });
        items.into_iter().map(|i| i.id.clone()).collect()
    }

    /// The `facets` object a listing with `filter` must return.
    pub fn facets(&self, filter: &Filter) -> Value {
        let count = |ignore: Ignore, key: &dyn Fn(&Item) -> String| {
            let mut counts: BTreeMap<String, i64> = BTreeMap::new();
            for item in self.items.iter().filter(|i| filter.matches(i, ignore)) {
                *counts.entry(key(item)).or_default() += 1;
            }
            counts
        };
        let by_count = |counts: BTreeMap<String, i64>, top: usize| {
            let mut list: Vec<(String, i64)> = counts.into_iter().collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list.truncate(top);
            list.into_iter()
                .map(|(value, count)| json!({ "value": value, "count": count }))
                .collect::<Vec<_>>()
        };
        let bands = count(Ignore::Price, &|i| {
            format!("{}", BAND_EDGES.iter().filter(|e| **e <= i.price).count())
        });
        let mut bands: Vec<(usize, i64)> = bands
            .into_iter()
            .map(|(b, n)| (b.parse().unwrap_or(0), n))
            .collect();
        bands.sort();
        json!({
            "categories": by_count(count(Ignore::Category, &|i| i.category.clone()), usize::MAX),
            "brands": by_count(count(Ignore::Brand, &|i| i.brand.clone()), 50),
            "price_bands": bands.into_iter().map(|(b, n)| json!({
                "min": if b == 0 { 0 } else { BAND_EDGES[b - 1] },
                "max": BAND_EDGES.get(b),
                "count": n,
            })).collect::<Vec<_>>(),
            // The demo catalog is far below the facet scan limit: every count is complete.
            "exact": true,
        })
    }

    /// The brands of `category`, most frequent first.
    pub fn brands_of(&self, category: &str) -> Vec<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for item in self.items.iter().filter(|i| i.category == category) {
            *counts.entry(&item.brand).or_default() += 1;
        }
        let mut list: Vec<(&str, usize)> = counts.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        list.into_iter().map(|(b, _)| b.to_owned()).collect()
    }
}
