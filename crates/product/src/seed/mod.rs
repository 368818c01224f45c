//! Deterministic demo and benchmark catalogs.
//!
//! [`Catalog::demo`] is the shop's demo data: ten categories and 300 products with plausible
//! names, brands, descriptions, prices, attributes, stock and inline SVG tiles (no external
//! hosts). [`generate`] yields arbitrarily large catalogs lazily — product `i` is computed
//! from `(seed, i)` alone, so 100 000 products never sit in memory at once. Every value goes
//! through the domain parsers, so seeded data obeys the same rules as API input.
//! Insert with [`crate::sql::catalog::seed_categories`] and, in chunks of
//! [`crate::sql::catalog::SEED_BATCH`], [`crate::sql::catalog::seed_products`].

mod rng;
mod words;

use std::collections::BTreeMap;

use rng::Rng;
use words::{CATEGORIES, CategorySpec, SENTENCES, SUFFIXES};

use crate::domain::{
    Attributes, Brand, Category, CategoryName, CategorySlug, Currency, Description, ImageUrl,
    Money, Product, ProductId, ProductName, Sku, Slug,
};
use crate::error::Result;

/// Seed of the demo catalog; change it and every demo URL changes.
pub const DEMO_SEED: u64 = 0x5EED_0001;
/// Products in the demo catalog: enough for several pages per category and useful facets.
pub const DEMO_SIZE: usize = 300;
/// Seed used by [`generate`] for benchmark catalogs.
pub const BENCH_SEED: u64 = 0xBE7C_0001;
/// Creation time of product 0: 2024-01-01T00:00:00Z in Unix milliseconds.
pub const EPOCH_MS: i64 = 1_704_067_200_000;
/// Spacing of creation times (5 minutes): 100 000 products span about a year, and a jitter
/// below the step keeps `newest` order equal to index order.
const CREATED_STEP_MS: i64 = 300_000;

/// A product to seed together with its opening stock.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedProduct {
    pub product: Product,
    pub on_hand: i64,
}

/// A deterministic catalog description: seed and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catalog {
    seed: u64,
    size: usize,
}

/// Lazily generates `n` benchmark products.
pub fn generate(n: usize) -> Products {
    Catalog::new(BENCH_SEED, n).products()
}

impl Catalog {
    pub fn new(seed: u64, size: usize) -> Self {
        Self { seed, size }
    }

    pub fn demo() -> Self {
        Self::new(DEMO_SEED, DEMO_SIZE)
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// The ten categories (the same for every seed).
    pub fn categories(&self) -> Result<Vec<Category>> {
        CATEGORIES
            .iter()
            .zip(0..)
            .map(|(c, i)| {
                Ok(Category {
                    slug: CategorySlug::parse(c.slug)?,
                    name: CategoryName::parse(c.name)?,
                    description: Description::parse(c.description)?,
                    position: i * 10,
                    product_count: 0,
                    created_ms: EPOCH_MS,
                    updated_ms: EPOCH_MS,
                })
            })
            .collect()
    }

    /// Product `index` (`< size`), computed independently of the others.
    pub fn product(&self, index: usize) -> Result<SeedProduct> {
        let idx = u64::try_from(index).unwrap_or(u64::MAX);
        let mut r = Rng::for_item(self.seed, idx);
        let spec: &CategorySpec = r.pick(CATEGORIES);
        let brand = *r.pick(spec.brands);
        let adjective = *r.pick(spec.adjectives);
        let noun = *r.pick(spec.nouns);
        let suffix = *r.pick(SUFFIXES);
        let name = format!("{brand} {adjective} {noun}{suffix}");
        let slug = Slug::from_text(&format!("{name} {index}"))?;
        let sku = Sku::parse(&format!("{}-{index:06}", spec.sku_prefix))?;

        let mut attributes = BTreeMap::new();
        for (key, values) in spec.attributes {
            attributes.insert((*key).to_string(), (*r.pick(values)).to_string());
        }
        let attr_text = attributes
            .iter()
            .next()
            .map_or_else(String::new, |(k, v)| format!("{} {v}", k.replace('_', " ")));
        let mut sentences: Vec<&str> = Vec::new();
        while sentences.len() < 3 {
            let s = *r.pick(SENTENCES);
            if !sentences.contains(&s) {
                sentences.push(s);
            }
        }
        let description = sentences
            .iter()
            .map(|s| {
                s.replace("{noun}", &noun.to_lowercase())
                    .replace("{brand}", brand)
                    .replace("{adj}", &adjective.to_lowercase())
                    .replace("{attr}", &attr_text)
            })
            .collect::<Vec<_>>()
            .join(" ");

        // Whole-unit prices ending in .99, the retail convention.
        let units = r.range(spec.price.0 / 100, spec.price.1 / 100);
        let price = Money::new(units * 100 + 99, Currency::USD)?;
        let out_of_stock = r.chance(8);
        let ceiling = if r.chance(20) { 500 } else { 60 };
        let on_hand = if out_of_stock { 0 } else { r.range(1, ceiling) };
        let active = !r.chance(3);
        let created_ms = EPOCH_MS
            + i64::try_from(index).unwrap_or(0) * CREATED_STEP_MS
            + r.range(0, CREATED_STEP_MS - 1);
        let id = ProductId::from_uuid(uuid::Builder::from_random_bytes(r.bytes16()).into_uuid());
        let image = tile(&name, brand, spec.hue, &mut r)?;

        Ok(SeedProduct {
            product: Product {
                id,
                slug,
                sku,
                name: ProductName::parse(&name)?,
                description: Description::parse(&description)?,
                category: CategorySlug::parse(spec.slug)?,
                brand: Brand::parse(brand)?,
                price,
                images: vec![image],
                attributes: Attributes::parse(attributes)?,
                active,
                created_ms,
                updated_ms: created_ms,
            },
            on_hand,
        })
    }

    /// All products, lazily.
    pub fn products(&self) -> Products {
        Products {
            catalog: *self,
            next: 0,
        }
    }
}

/// Iterator over a catalog's products. Generation cannot fail for the built-in vocabulary (a
/// test checks every word); should it ever, the product is skipped rather than panicking.
#[derive(Debug, Clone)]
pub struct Products {
    catalog: Catalog,
    next: usize,
}

impl Iterator for Products {
    type Item = SeedProduct;

    fn next(&mut self) -> Option<SeedProduct> {
        while self.next < self.catalog.size {
            let i = self.next;
            self.next += 1;
            if let Ok(p) = self.catalog.product(i) {
                return Some(p);
            }
        }
        None
    }

    /// Random access: skipping does not generate the skipped products.
    fn nth(&mut self, n: usize) -> Option<SeedProduct> {
        self.next = self.next.saturating_add(n).min(self.catalog.size);
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.catalog.size - self.next))
    }
}

/// A 400×400 SVG tile: category-tinted background with the product's initials, as a
/// percent-encoded `data:image/svg+xml` URI.
fn tile(name: &str, brand: &str, hue: u16, r: &mut Rng) -> Result<ImageUrl> {
    let initials: String = name
        .trim_start_matches(brand)
        .split_whitespace()
        .filter_map(|w| w.chars().find(char::is_ascii_alphanumeric))
        .take(2)
        .collect::<String>()
        .to_ascii_uppercase();
    let hue = (i64::from(hue) + r.range(-15, 15)).rem_euclid(360);
    let light = r.range(38, 52);
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='400' height='400' viewBox='0 0 400 400'>\
         <rect width='400' height='400' fill='hsl({hue},55%,{light}%)'/>\
         <text x='50%' y='50%' dy='.35em' text-anchor='middle' font-family='sans-serif' font-size='150' \
         font-weight='700' fill='#ffffff'>{initials}</text></svg>"
    );
    ImageUrl::parse(&format!("data:image/svg+xml,{}", encode_svg(&svg)))
}

/// Percent-encodes what [`ImageUrl`] requires (and `%` itself) — the `encodeURIComponent`
/// subset that matters for SVG in a `src` attribute.
fn encode_svg(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + svg.len() / 4);
    for c in svg.chars() {
        match c {
            '%' => out.push_str("%25"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '#' => out.push_str("%23"),
            '"' => out.push_str("%22"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
