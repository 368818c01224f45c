//! Listing, search and facets over the seeded demo catalog, checked against an independent
//! oracle (the catalog read straight from PostgreSQL and filtered and sorted in Rust).

use redshop_e2e::enc;
use redshop_e2e::oracle::{Filter, Snapshot, Sort};
use redshop_e2e::product::{Data, ProductApp, ids};
use serde_json::json;

/// The filters worth combining with every sort: none, each kind alone, and mixtures.
fn filters(snapshot: &Snapshot) -> Vec<Filter> {
    let brands = snapshot.brands_of("shoes");
    vec![
        Filter::default(),
        Filter {
            category: Some("shoes".into()),
            ..Filter::default()
        },
        Filter {
            brands: brands.iter().take(2).cloned().collect(),
            ..Filter::default()
        },
        Filter {
            min_price: Some(2_500),
            max_price: Some(9_999),
            ..Filter::default()
        },
        Filter {
            in_stock: true,
            ..Filter::default()
        },
        Filter {
            category: Some("electronics".into()),
            in_stock: true,
            min_price: Some(5_000),
            ..Filter::default()
        },
        Filter {
            category: Some("shoes".into()),
            brands: vec![brands[0].clone()],
            max_price: Some(20_000),
            ..Filter::default()
        },
        Filter {
            category: Some("beauty".into()),
            brands: vec!["Petal & Pine".into(), "Lumiere".into()],
            in_stock: true,
            ..Filter::default()
        },
    ]
}

#[test]
fn every_filter_and_sort_pages_through_exactly_the_matching_products() {
    let app = ProductApp::start(Data::Demo);
    let snapshot = Snapshot::load(&app);
    assert!(snapshot.items.len() > 250, "the demo catalog is seeded");
    for filter in filters(&snapshot) {
        for sort in Sort::ALL {
            let query = format!("{}&sort={}", filter.query(), sort.param());
            let expected = snapshot.expected(&filter, sort);
            assert!(
                !expected.is_empty(),
                "{query}: pick filters that match something"
            );
            // Small pages, followed by cursor, give exactly the expected sequence…
            let walked = ids(&app.walk(&query, 7));
            assert_eq!(walked, expected, "{query}: pages of 7");
            // …and so do the largest pages.
            assert_eq!(
                ids(&app.walk(&query, 100)),
                expected,
                "{query}: pages of 100"
            );
            let first = app.list(&format!("{query}&limit=100"));
            assert_eq!(first["total"], expected.len(), "{query}: total");
            assert_eq!(first["limit"], 100);
            assert_eq!(
                first["next_cursor"].is_null(),
                expected.len() <= 100,
                "{query}: cursor only when more"
            );
        }
    }
}

#[test]
fn listings_show_only_active_products_with_what_is_available() {
    let app = ProductApp::start(Data::Demo);
    let inactive = app.sql_i64("SELECT count(*) FROM products WHERE NOT active");
    assert!(inactive > 0, "the demo catalog has inactive products");
    let all = app.walk("", 100);
    assert_eq!(all.len() as i64, 300 - inactive);
    assert!(all.iter().all(|p| p["active"] == true));
    // Default order is newest first; every item carries `available` and no rank.
    let created: Vec<i64> = all
        .iter()
        .map(|p| p["created_ms"].as_i64().expect("created_ms"))
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    let out_of_stock = all.iter().filter(|p| p["available"] == 0).count();
    assert!(out_of_stock > 0);
    assert_eq!(
        app.list("in_stock=true&limit=1")["total"].as_i64(),
        Some(all.len() as i64 - out_of_stock as i64)
    );
    assert!(all.iter().all(|p| p.get("rank").is_none()));
    // Stock changes show up in `available` and in the in-stock filter.
    let id = all
        .iter()
        .find(|p| p["available"].as_i64() > Some(0))
        .expect("one in stock")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let available = app.get(&format!("/products/{id}")).json["available"]
        .as_i64()
        .expect("available");
    let reserve = json!({ "order_id": "00000000-0000-4000-8000-000000000001", "lines": [{ "product_id": id, "quantity": available }] });
    assert_eq!(
        app.call("POST", "/reservations", Some(&reserve)).status,
        201
    );
    let in_stock = ids(&app.walk("in_stock=true", 100));
    assert!(
        !in_stock.contains(&id),
        "a fully reserved product is not in stock"
    );
}

#[test]
fn facets_count_the_current_filter_and_each_ignores_its_own() {
    let app = ProductApp::start(Data::Demo);
    let snapshot = Snapshot::load(&app);
    for filter in filters(&snapshot) {
        let page = app.list(&format!("{}&facets=true&limit=1", filter.query()));
        assert_eq!(
            page["facets"],
            snapshot.facets(&filter),
            "facets of {}",
            filter.query()
        );
        let categories: i64 = page["facets"]["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .filter_map(|c| c["count"].as_i64())
            .sum();
        if filter.category.is_none() {
            assert_eq!(
                Some(categories),
                page["total"].as_i64(),
                "{}: category counts add up to the total",
                filter.query()
            );
        }
    }
    assert!(
        app.list("limit=1").get("facets").is_none(),
        "facets only on request"
    );
    assert!(app.list("facets=false&limit=1").get("facets").is_none());
}

#[test]
fn search_ranks_an_exact_name_match_first() {
    let app = ProductApp::start(Data::Demo);
    let make = |slug: &str, name: &str, brand: &str, description: &str| {
        app.create_product(
            slug,
            "home",
            5,
            json!({ "name": name, "brand": brand, "description": description }),
        )["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    // Created in the order worst match first, so "newest" would get the order wrong.
    let in_description = make(
        "reading-light",
        "Reading Light",
        "Lumo",
        "Pairs well with any zephyrine lamp shade.",
    );
    let in_brand = make(
        "desk-lamp",
        "Desk Lamp",
        "Zephyrine Works",
        "A sturdy lamp for the desk.",
    );
    let exact = make("zephyrine-lamp", "Zephyrine Lamp", "Lumo", "Soft light.");

    let hits = app.list(&format!("q={}", enc("zephyrine lamp")));
    assert_eq!(
        ids(hits["items"].as_array().expect("items")),
        [exact.clone(), in_brand.clone(), in_description.clone()]
    );
    assert_eq!(hits["total"], 3);
    let ranks: Vec<f64> = hits["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["rank"].as_f64().expect("rank"))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] > w[1]), "{ranks:?}");

    // Case does not matter, and the weights still order name > brand > description.
    let upper = app.list("q=ZEPHYRINE");
    assert_eq!(
        ids(upper["items"].as_array().expect("items")),
        [exact.clone(), in_brand.clone(), in_description.clone()]
    );
    // Half-typed words and a typo after the fifth letter still find name and brand matches
    // (the prefix fallback covers name and brand, not descriptions).
    for q in ["zephy", "Zephyrnie lamp"] {
        let mut found = ids(app.list(&format!("q={}", enc(q)))["items"]
            .as_array()
            .expect("items"));
        found.sort();
        let mut want = vec![exact.clone(), in_brand.clone()];
        want.sort();
        assert_eq!(found, want, "{q}");
    }
    // Stemming: the plural finds the singular.
    assert!(
        ids(app.list("q=lamps&limit=100")["items"]
            .as_array()
            .expect("items"))
        .contains(&exact)
    );
    // Search combines with filters and other sorts.
    let cheap_first = app.list(&format!(
        "q={}&sort=price_asc&category=home",
        enc("zephyrine")
    ));
    assert_eq!(cheap_first["total"], 3);
    assert!(
        app.list(&format!("q={}&category=shoes", enc("zephyrine lamp")))["items"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    assert_eq!(app.list("q=qqqqxxxx")["total"], 0);
}

#[test]
fn relevance_pages_follow_the_cursor_without_gaps_or_repeats() {
    let app = ProductApp::start(Data::Demo);
    // A word that many demo products share, so there are several pages with tied ranks.
    let word = app.sql(
        "SELECT lower(w) FROM products, regexp_split_to_table(name, ' ') AS w WHERE active AND w ~ '^[A-Za-z]{4,}$' \
         GROUP BY lower(w) ORDER BY count(*) DESC, lower(w) LIMIT 1",
    )[0]
    .get::<_, String>(0);
    for query in [
        format!("q={}", enc(&word)),
        format!("q={}&in_stock=true&min_price=1000", enc(&word)),
    ] {
        let small = app.walk(&query, 4);
        assert!(
            small.len() > 8,
            "{query}: want several pages, got {}",
            small.len()
        );
        assert_eq!(ids(&small), ids(&app.walk(&query, 100)), "{query}");
        let ranks: Vec<f64> = small
            .iter()
            .map(|p| p["rank"].as_f64().expect("rank"))
            .collect();
        assert!(
            ranks.windows(2).all(|w| w[0] >= w[1]),
            "{query}: ranks descend"
        );
        let unique: std::collections::HashSet<String> = ids(&small).into_iter().collect();
        assert_eq!(unique.len(), small.len(), "{query}: no product twice");
    }
}

#[test]
fn a_cursor_only_works_for_the_query_that_made_it() {
    let app = ProductApp::start(Data::Demo);
    let page = app.list("category=shoes&sort=price_asc&limit=5");
    let cursor = page["next_cursor"].as_str().expect("cursor").to_owned();
    assert_eq!(
        app.get(&format!(
            "/products?category=shoes&sort=price_asc&limit=5&cursor={cursor}"
        ))
        .status,
        200
    );
    // A different page size keeps the position; a different filter or sort does not.
    assert_eq!(
        app.get(&format!(
            "/products?category=shoes&sort=price_asc&limit=9&cursor={cursor}"
        ))
        .status,
        200
    );
    for other in [
        "category=books&sort=price_asc",
        "category=shoes&sort=price_desc",
        "category=shoes&sort=price_asc&in_stock=true",
    ] {
        let answer = app.get(&format!("/products?{other}&cursor={cursor}"));
        assert_eq!(
            (answer.status, answer.json["error"].as_str()),
            (400, Some("invalid_cursor")),
            "{other}: {}",
            answer.text
        );
    }
    let mut tampered = cursor.into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    let answer = app.get(&format!(
        "/products?category=shoes&sort=price_asc&cursor={tampered}"
    ));
    assert_eq!(
        (answer.status, answer.json["error"].as_str()),
        (400, Some("invalid_cursor"))
    );
}
