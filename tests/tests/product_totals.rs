//! Totals and facets past the exact-count limit, through the component: a catalog of
//! 12 000 generated products has more active products than `EXACT_TOTAL_LIMIT`, so the
//! home listing's total is an estimate (counted to the limit, then `EXPLAIN`ed through
//! Spin's Postgres) while a category's and a search's stay exact.

use redshop_e2e::product::{Data, ProductApp};
use redshop_product::sql::listing::{EXACT_TOTAL_LIMIT, FACET_SCAN_LIMIT};

/// Just above the limits once the inactive third-of-a-tenth is left out.
const PRODUCTS: usize = 12_000;

#[test]
fn totals_above_the_limit_are_estimates_flagged_as_such_and_below_it_exact() {
    let app = ProductApp::start(Data::Generated(PRODUCTS));
    let active = app.sql_i64("SELECT count(*) FROM products WHERE active");
    assert!(active > EXACT_TOTAL_LIMIT, "{active} active products");

    let home = app.list("limit=24");
    assert_eq!(home["total_exact"], false);
    let total = home["total"].as_i64().expect("total");
    assert!(
        total > EXACT_TOTAL_LIMIT && (active * 9 / 10..=active * 11 / 10).contains(&total),
        "estimate {total} for {active} active products"
    );
    assert_eq!(home["items"].as_array().map(Vec::len), Some(24));

    let in_category =
        app.sql_i64("SELECT count(*) FROM products WHERE active AND category_slug = 'home'");
    let category = app.list("category=home&sort=price_asc");
    assert_eq!(
        (
            category["total"].as_i64(),
            category["total_exact"].as_bool()
        ),
        (Some(in_category), Some(true))
    );

    let matches = app.sql_i64(
        "SELECT count(*) FROM products p JOIN stock s ON s.product_id = p.id \
         WHERE p.active AND s.on_hand > s.reserved AND (p.search @@ \
         websearch_to_tsquery('english', 'lamp') OR p.search_prefix @@ \
         to_tsquery('simple', 'lamp:*'))",
    );
    let search = app.list("q=lamp&in_stock=true&facets=true");
    assert!(matches > 0);
    assert_eq!(
        (search["total"].as_i64(), search["total_exact"].as_bool()),
        (Some(matches), Some(true))
    );
    assert_eq!(search["facets"]["exact"], true);
    let counted: i64 = search["facets"]["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| c["count"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(counted, matches, "a search's facets count every match");
}

#[test]
fn facets_of_a_broad_filter_count_a_bounded_sample_and_say_so() {
    let app = ProductApp::start(Data::Generated(PRODUCTS));
    let page = app.list("facets=true&limit=1");
    assert_eq!(page["facets"]["exact"], false);
    let counted: i64 = page["facets"]["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| c["count"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(counted, FACET_SCAN_LIMIT + 1, "the newest rows, no more");
    // A narrow filter stays exact, and its total agrees with the page.
    let shoes = app.list("category=shoes&facets=true&limit=1");
    assert_eq!(shoes["total_exact"], true);
    let brands: i64 = shoes["facets"]["brands"]
        .as_array()
        .expect("brands")
        .iter()
        .map(|b| b["count"].as_i64().unwrap_or(0))
        .sum();
    assert!(brands > 0 && brands <= shoes["total"].as_i64().unwrap_or(0));
}
