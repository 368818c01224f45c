use std::collections::HashSet;

use super::*;

#[test]
fn demo_catalog_has_ten_categories_and_three_hundred_products() {
    let demo = Catalog::demo();
    assert_eq!(demo.categories().unwrap().len(), 10);
    assert_eq!(demo.products().count(), DEMO_SIZE);
}

#[test]
fn generation_is_deterministic() {
    let a: Vec<SeedProduct> = Catalog::demo().products().take(50).collect();
    let b: Vec<SeedProduct> = Catalog::demo().products().take(50).collect();
    assert_eq!(a, b);
    assert_eq!(Catalog::demo().product(17).unwrap(), a[17]);
}

#[test]
fn different_seeds_give_different_catalogs() {
    let a = Catalog::new(1, 5).product(0).unwrap();
    let b = Catalog::new(2, 5).product(0).unwrap();
    assert_ne!(a.product.id, b.product.id);
}

#[test]
fn ids_slugs_and_skus_are_unique() {
    let mut ids = HashSet::new();
    let mut slugs = HashSet::new();
    let mut skus = HashSet::new();
    for p in generate(5_000) {
        assert!(ids.insert(p.product.id));
        assert!(slugs.insert(p.product.slug.clone()));
        assert!(skus.insert(p.product.sku.clone()));
    }
}

#[test]
fn every_category_brand_and_price_band_is_represented_in_the_demo() {
    let products: Vec<SeedProduct> = Catalog::demo().products().collect();
    let categories: HashSet<&str> = products
        .iter()
        .map(|p| p.product.category.as_str())
        .collect();
    assert_eq!(categories.len(), 10);
    for band in 0..=crate::query::PRICE_BAND_EDGES.len() {
        let b = crate::query::PriceBand::for_bucket(band, 0).unwrap();
        let n = products
            .iter()
            .filter(|p| {
                let price = p.product.price.amount_minor();
                price >= b.min && b.max.is_none_or(|max| price < max)
            })
            .count();
        assert!(n > 0, "no demo product in band {b:?}");
    }
    assert!(
        products.iter().any(|p| p.on_hand == 0),
        "some products must be out of stock"
    );
    assert!(
        products.iter().any(|p| !p.product.active),
        "some products must be inactive"
    );
}

#[test]
fn images_are_inline_svg_tiles_with_initials() {
    let p = Catalog::demo().product(0).unwrap().product;
    let img = p.images[0].as_str();
    assert!(img.starts_with("data:image/svg+xml,%3Csvg"), "{img}");
    assert!(!img.contains("http://") || img.contains("xmlns='http://www.w3.org/2000/svg'"));
    assert!(img.len() < 1_000, "tile is {} bytes", img.len());
}

#[test]
fn created_times_increase_with_the_index() {
    let times: Vec<i64> = Catalog::demo()
        .products()
        .map(|p| p.product.created_ms)
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(times[0] / CREATED_STEP_MS, EPOCH_MS / CREATED_STEP_MS);
}

#[test]
fn large_catalogs_are_generated_lazily() {
    let mut it = generate(100_000);
    assert_eq!(it.size_hint().1, Some(100_000));
    let p = it.nth(99_998).unwrap();
    assert!(
        p.product.sku.as_str().ends_with("-099998"),
        "{}",
        p.product.sku
    );
    assert_eq!(
        p,
        Catalog::new(BENCH_SEED, 100_000).product(99_998).unwrap()
    );
    assert!(it.next().is_some());
    assert!(it.next().is_none());
}

#[test]
fn every_vocabulary_combination_parses() {
    // Generation skips products that fail to parse; make sure none ever does.
    assert_eq!(Catalog::new(99, 2_000).products().count(), 2_000);
}
