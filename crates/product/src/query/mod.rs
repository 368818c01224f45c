//! Listing and search queries, parsed from the URL query string.
//!
//! `GET /products?category=shoes&brand=Acme&brand=Zest&min_price=1000&max_price=5000&in_stock=true&q=trail&sort=price_asc&limit=24&cursor=…`
//!
//! Parsing is strict: an unknown parameter, a repeated single-valued parameter or a malformed
//! value is a 400 that names the parameter, because silently ignoring a typo (`catgory=shoes`)
//! shows the shopper the wrong products. Empty values (`q=` from an empty search box) count as
//! absent. Pagination is keyset-based (see [`cursor`]) so deep pages cost the same as the first.

pub mod cursor;
mod ids;
mod page;
mod search;

pub use cursor::{Cursor, SortKey};
pub use ids::{IdLookup, MAX_IDS};
pub use page::{FacetCount, Facets, PRICE_BAND_EDGES, Page, PriceBand, Total};
pub use search::{FALLBACK_PREFIX_CHARS, MAX_SEARCH_CHARS, MAX_SEARCH_TERMS, SearchText};

use crate::domain::{Brand, CategorySlug, MAX_PRICE_MINOR};
use crate::error::{DomainError, Result};

/// Page size when `limit` is absent: 24 fills a 2-, 3-, 4- or 6-column grid evenly.
pub const DEFAULT_LIMIT: u32 = 24;
/// Largest page: 100 rows keeps one response under ~200 KB even with inline SVG images.
pub const MAX_LIMIT: u32 = 100;
/// Most `brand` values in one query: the brand facet shows at most 50, and nobody ticks 20.
pub const MAX_BRANDS: usize = 20;

/// Listing order. Every order ends with the product id as a tie-breaker, so it is total and a
/// keyset cursor is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Best search match first; only with `q`.
    Relevance,
    PriceAsc,
    PriceDesc,
    /// Name A→Z (database collation).
    Name,
    /// Most recently created first.
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Self::Relevance,
        Self::PriceAsc,
        Self::PriceDesc,
        Self::Name,
        Self::Newest,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Name => "name",
            Self::Newest => "newest",
        }
    }

    fn parse(raw: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                let all: Vec<&str> = Self::ALL.iter().map(|s| s.as_str()).collect();
                invalid("sort", format!("`{raw}` is not one of {}", all.join(", ")))
            })
    }
}

/// A parsed product listing / search request.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    pub category: Option<CategorySlug>,
    /// Any of these brands (OR); sorted and de-duplicated.
    pub brands: Vec<Brand>,
    /// Inclusive bounds on the price in minor units.
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Only products with `available > 0`.
    pub in_stock: bool,
    pub search: Option<SearchText>,
    pub sort: Sort,
    pub limit: u32,
    /// Position after which this page starts.
    pub after: Option<Cursor>,
}

pub(crate) fn invalid(param: &str, reason: impl Into<String>) -> DomainError {
    DomainError::InvalidQuery {
        param: param.to_string(),
        reason: reason.into(),
    }
}

fn parse_price(param: &str, raw: &str) -> Result<i64> {
    let v: i64 = raw.parse().map_err(|_| {
        invalid(
            param,
            format!("`{raw}` is not a whole number of minor units (e.g. 1999 for 19.99)"),
        )
    })?;
    if !(0..=MAX_PRICE_MINOR).contains(&v) {
        return Err(invalid(
            param,
            format!("{v} must be between 0 and {MAX_PRICE_MINOR}"),
        ));
    }
    Ok(v)
}

fn set_once<'a>(slot: &mut Option<&'a str>, param: &str, value: &'a str) -> Result<()> {
    if slot.replace(value).is_some() {
        return Err(invalid(param, "given more than once"));
    }
    Ok(())
}

impl ListQuery {
    /// Parses already percent-decoded `(name, value)` pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self> {
        let (mut category, mut min, mut max, mut in_stock, mut q, mut sort, mut limit, mut cursor) =
            (None, None, None, None, None, None, None, None);
        let mut brands = Vec::new();
        for (name, value) in pairs {
            let value = value.trim();
            let slot = match name.as_str() {
                "category" => &mut category,
                "min_price" => &mut min,
                "max_price" => &mut max,
                "in_stock" => &mut in_stock,
                "q" => &mut q,
                "sort" => &mut sort,
                "limit" => &mut limit,
                "cursor" => &mut cursor,
                "brand" => {
                    if !value.is_empty() {
                        let brand =
                            Brand::parse(value).map_err(|e| invalid("brand", e.to_string()))?;
                        brands.push(brand);
                    }
                    continue;
                }
                // Echo at most 40 characters of the name back.
                other => {
                    return Err(DomainError::UnknownParameter(
                        other.chars().take(40).collect(),
                    ));
                }
            };
            if !value.is_empty() {
                set_once(slot, name, value)?;
            }
        }
        brands.sort();
        brands.dedup();
        if brands.len() > MAX_BRANDS {
            return Err(invalid(
                "brand",
                format!(
                    "{} brands given, at most {MAX_BRANDS} allowed",
                    brands.len()
                ),
            ));
        }
        let category = category
            .map(|c| CategorySlug::parse(c).map_err(|e| invalid("category", e.to_string())))
            .transpose()?;
        let min_price = min.map(|v| parse_price("min_price", v)).transpose()?;
        let max_price = max.map(|v| parse_price("max_price", v)).transpose()?;
        if let (Some(lo), Some(hi)) = (min_price, max_price)
            && lo > hi
        {
            return Err(invalid(
                "min_price",
                format!("{lo} is above max_price {hi}"),
            ));
        }
        let in_stock = match in_stock {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(invalid(
                    "in_stock",
                    format!("`{other}` must be `true` or `false`"),
                ));
            }
        };
        let search = q.map(SearchText::parse).transpose()?;
        let sort = match (sort.map(Sort::parse).transpose()?, &search) {
            (Some(Sort::Relevance), None) => {
                return Err(invalid("sort", "`relevance` needs a search text `q`"));
            }
            (Some(s), _) => s,
            (None, Some(_)) => Sort::Relevance,
            (None, None) => Sort::Newest,
        };
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(invalid(
                        "limit",
                        format!("`{raw}` must be a whole number from 1 to {MAX_LIMIT}"),
                    ));
                }
            },
        };
        let mut query = Self {
            category,
            brands,
            min_price,
            max_price,
            in_stock,
            search,
            sort,
            limit,
            after: None,
        };
        if let Some(raw) = cursor {
            query.after = Some(Cursor::decode(raw, &query)?);
        }
        Ok(query)
    }

    /// Parses a raw query string (`a=1&b=%20x`), percent-decoding names and values (`+` is a space).
    pub fn from_query_string(raw: &str) -> Result<Self> {
        let pairs = raw
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                Ok((percent_decode(k)?, percent_decode(v)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::from_pairs(&pairs)
    }

    /// Canonical description of everything that selects and orders rows (not `limit` or the
    /// cursor). Cursors are bound to it, so a cursor cannot be replayed against another query.
    pub fn fingerprint(&self) -> String {
        let brands: Vec<&str> = self.brands.iter().map(Brand::as_str).collect();
        format!(
            "c={:?};b={:?};min={:?};max={:?};s={};q={:?};sort={}",
            self.category.as_ref().map(CategorySlug::as_str),
            brands,
            self.min_price,
            self.max_price,
            self.in_stock,
            self.search.as_ref().map(SearchText::as_str),
            self.sort.as_str()
        )
    }
}

fn percent_decode(raw: &str) -> Result<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                let Some(byte) = byte else {
                    return Err(invalid("query string", "malformed percent-encoding"));
                };
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| invalid("query string", "percent-decoded value is not UTF-8"))
}

#[cfg(test)]
mod tests;
