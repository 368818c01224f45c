use super::*;
use crate::domain::ProductId;
use crate::query::Cursor;
use crate::sql::SqlValue;
use crate::sql::testing::{assert_user_text_is_parameterized, assert_well_formed, param_index};

fn q(qs: &str) -> ListQuery {
    ListQuery::from_query_string(qs).unwrap()
}

fn with_cursor(qs: &str, key: SortKey) -> ListQuery {
    let base = q(qs);
    let id = ProductId::parse("0b6a0f4e-8d6c-4f5e-9a51-2f1f0c9b1a11").unwrap();
    let text = Cursor { key, id }.encode(&base).unwrap();
    q(&format!("{qs}&cursor={text}"))
}

#[test]
fn plain_listing_has_only_the_limit_parameter() {
    let s = list(&q("limit=10"));
    assert_well_formed(&s);
    assert_eq!(s.params, vec![SqlValue::Int64(11)]);
    assert!(
        s.sql
            .contains("WHERE p.active ORDER BY p.created_at DESC, p.id DESC LIMIT $1::int8"),
        "{}",
        s.sql
    );
}

#[test]
fn every_filter_is_a_numbered_parameter_in_order() {
    let s = list(&q(
        "category=shoes&brand=Zest&brand=Acme&min_price=100&max_price=900&in_stock=true&sort=price_asc",
    ));
    assert_well_formed(&s);
    assert_eq!(
        s.params,
        vec![
            SqlValue::Text("shoes".into()),
            SqlValue::Text("Acme".into()),
            SqlValue::Text("Zest".into()),
            SqlValue::Int64(100),
            SqlValue::Int64(900),
            SqlValue::Int64(25),
        ]
    );
    for frag in [
        "p.category_slug = $1::text",
        "p.brand IN ($2::text, $3::text)",
        "(p.price_minor >= $4::int8 AND p.price_minor <= $5::int8)",
        "s.on_hand - s.reserved > 0",
        "ORDER BY p.price_minor ASC, p.id ASC",
    ] {
        assert!(s.sql.contains(frag), "missing `{frag}` in {}", s.sql);
    }
}

#[test]
fn search_text_never_appears_in_the_sql() {
    let hostile = "'); DROP TABLE products; -- zqxsentinel";
    let query = q(&format!(
        "q={}&brand=Brandsentinel",
        hostile.replace(' ', "+").replace(';', "%3B")
    ));
    for stmt in [list(&query), count(&query), facets(&query)] {
        assert_well_formed(&stmt);
        assert_user_text_is_parameterized(&stmt, &["zqxsentinel", "DROP TABLE", "Brandsentinel"]);
    }
}

#[test]
fn search_uses_websearch_and_the_prefix_fallback_with_one_binding_each() {
    let s = list(&q("q=wireless+headphnoes"));
    assert_well_formed(&s);
    assert_eq!(s.params[0], SqlValue::Text("wireless headphnoes".into()));
    assert_eq!(s.params[1], SqlValue::Text("wirel:* & headp:*".into()));
    assert!(
        s.sql
            .contains("p.search @@ websearch_to_tsquery('english', $1::text)")
    );
    assert!(
        s.sql
            .contains("p.search_prefix @@ to_tsquery('simple', $2::text)")
    );
    assert!(
        s.sql
            .contains("ts_rank_cd(p.search, websearch_to_tsquery('english', $1::text))")
    );
    assert!(s.sql.contains("ORDER BY rank DESC, p.id DESC"));
}

#[test]
fn search_without_usable_prefix_terms_skips_the_fallback() {
    let s = list(&q("q=%21%21"));
    assert_well_formed(&s);
    assert!(!s.sql.contains("to_tsquery('simple'"), "{}", s.sql);
}

#[test]
fn keyset_conditions_follow_the_sort_direction() {
    let cases = [
        (
            "sort=price_asc",
            SortKey::Price(500),
            "(p.price_minor, p.id) > ($1::int8, $2::uuid)",
        ),
        (
            "sort=price_desc",
            SortKey::Price(500),
            "(p.price_minor, p.id) < ($1::int8, $2::uuid)",
        ),
        (
            "sort=name",
            SortKey::Name("Mug".into()),
            "(p.name, p.id) > ($1::text, $2::uuid)",
        ),
        (
            "sort=newest",
            SortKey::Newest(1_700_000_000_000),
            "(p.created_at, p.id) < (('epoch'::timestamptz + $1::int8 * interval '1 millisecond'), $2::uuid)",
        ),
    ];
    for (qs, key, frag) in cases {
        let s = list(&with_cursor(qs, key));
        assert_well_formed(&s);
        assert!(s.sql.contains(frag), "{qs}: {}", s.sql);
        assert_eq!(
            s.params.last(),
            Some(&SqlValue::Int64(25)),
            "limit + 1 comes last"
        );
    }
}

#[test]
fn relevance_keyset_compares_the_recomputed_rank() {
    let s = list(&with_cursor("q=mug", SortKey::Relevance(0.25)));
    assert_well_formed(&s);
    let rank_param = param_index(&s, &SqlValue::Float64(0.25));
    assert_eq!(rank_param, 3);
    assert!(s.sql.contains("+ 0.1::float8 * ts_rank_cd(p.search_prefix, to_tsquery('simple', $2::text))::float8), p.id) < ($3::float8, $4::uuid)"), "{}", s.sql);
}

#[test]
fn cursor_name_key_is_a_parameter_not_sql() {
    let s = list(&with_cursor(
        "sort=name",
        SortKey::Name("O'Reilly sentinelname".into()),
    ));
    assert_user_text_is_parameterized(&s, &["sentinelname"]);
}

#[test]
fn count_uses_the_same_filter_without_cursor_and_stops_after_the_exact_limit() {
    let query = with_cursor("category=toys&sort=price_asc", SortKey::Price(1));
    let s = count(&query);
    assert_well_formed(&s);
    assert_eq!(
        s.params,
        vec![
            SqlValue::Text("toys".into()),
            SqlValue::Int64(EXACT_TOTAL_LIMIT + 1)
        ]
    );
    assert_eq!(
        s.sql,
        "SELECT count(*) AS total FROM (SELECT 1 FROM products p \
         WHERE p.active AND p.category_slug = $1::text LIMIT $2::int8) AS capped"
    );
}

#[test]
fn counts_and_facets_probe_stock_per_row_and_only_for_in_stock() {
    for stmt in [
        count(&q("q=lamp")),
        estimate(&q("category=toys")),
        facets(&q("q=lamp")),
    ] {
        assert!(!stmt.sql.contains("stock"), "{}", stmt.sql);
    }
    let probe = "FROM products p WHERE p.active AND \
                 (SELECT s.on_hand - s.reserved > 0 FROM stock s WHERE s.product_id = p.id)";
    for stmt in [count(&q("in_stock=true")), facets(&q("in_stock=true"))] {
        assert!(stmt.sql.contains(probe), "{}", stmt.sql);
        assert!(!stmt.sql.contains("JOIN"), "{}", stmt.sql);
    }
    // The estimate only plans, so it joins: the planner estimates a join well.
    assert!(estimate(&q("in_stock=true")).sql.contains(
        "JOIN stock s ON s.product_id = p.id WHERE p.active AND s.on_hand - s.reserved > 0"
    ));
}

#[test]
fn a_count_up_to_the_limit_is_exact_and_above_it_takes_the_estimate() {
    let row = |n: i64| vec![vec![SqlValue::Int64(n)]];
    let exact = decode_count(&row(EXACT_TOTAL_LIMIT)).unwrap();
    assert_eq!(exact, Counted::Exact(EXACT_TOTAL_LIMIT));
    assert_eq!(exact.total(None), Total::exact(EXACT_TOTAL_LIMIT));
    let over = decode_count(&row(EXACT_TOTAL_LIMIT + 1)).unwrap();
    assert_eq!(over, Counted::MoreThan(EXACT_TOTAL_LIMIT));
    assert_eq!(over.total(Some(96_963)), Total::estimated(96_963));
    // Stale statistics never make the estimate smaller than what was counted.
    assert_eq!(
        over.total(Some(120)),
        Total::estimated(EXACT_TOTAL_LIMIT + 1)
    );
}

#[test]
fn estimate_explains_the_uncapped_filter_and_reads_the_top_row_count() {
    let s = estimate(&q("q=lamp&brand=Lumo&sort=price_asc"));
    assert_well_formed(&s);
    assert!(
        s.sql
            .starts_with("EXPLAIN SELECT 1 FROM products p WHERE p.active AND ")
    );
    assert!(!s.sql.contains("LIMIT") && !s.sql.contains("ORDER BY"));
    let plan = |line: &str| vec![vec![SqlValue::Text(line.into())]];
    let rows = [
        plan("Bitmap Heap Scan on products p  (cost=625.81..7665.07 rows=2787 width=4)"),
        plan("  ->  BitmapOr  (cost=625.81..625.81 rows=2808 width=0)"),
    ]
    .concat();
    assert_eq!(decode_estimate(&rows).unwrap(), 2787);
    assert_eq!(
        decode_estimate(&plan("Result  (cost=0.00..0.01)"))
            .unwrap_err()
            .code(),
        "storage_error"
    );
    assert!(decode_estimate(&[]).is_err());
}

#[test]
fn facets_exclude_their_own_filter() {
    let s = facets(&q("category=toys&brand=Acme&min_price=100"));
    assert_well_formed(&s);
    assert!(s.sql.contains("p.category_slug = $1::text AS cat_ok"));
    assert!(
        s.sql
            .contains("FROM base WHERE brand_ok AND price_ok GROUP BY category_slug")
    );
    assert!(s.sql.contains("FROM base WHERE cat_ok AND price_ok"));
    assert!(
        s.sql
            .contains("FROM base WHERE cat_ok AND brand_ok GROUP BY 2")
    );
    // Band edges and the brand facet size are parameters too.
    assert!(s.params.contains(&SqlValue::Int64(PRICE_BAND_EDGES[0])));
    assert_eq!(s.params.last(), Some(&SqlValue::Int64(MAX_BRAND_FACETS)));
}

#[test]
fn facet_rows_decode_into_sorted_groups() {
    let row = |f: &str, v: &str, n: i64| {
        vec![
            SqlValue::Text(f.into()),
            SqlValue::Text(v.into()),
            SqlValue::Int64(n),
        ]
    };
    let facets = decode_facets(&[
        row("scanned", "", 17),
        row("brand", "Zest", 3),
        row("brand", "Acme", 3),
        row("category", "toys", 9),
        row("price", "5", 1),
        row("price", "0", 4),
    ])
    .unwrap();
    assert_eq!(facets.brands[0].value, "Acme");
    assert_eq!(facets.categories[0].count, 9);
    assert_eq!(
        facets.price_bands[0],
        PriceBand {
            min: 0,
            max: Some(1_000),
            count: 4
        }
    );
    assert_eq!(
        facets.price_bands[1],
        PriceBand {
            min: 25_000,
            max: None,
            count: 1
        }
    );
    assert!(facets.exact);
    assert!(decode_facets(&[row("scanned", "", 0), row("price", "9", 1)]).is_err());
    assert!(decode_facets(&[row("scanned", "", 0), row("color", "red", 1)]).is_err());
    assert!(
        decode_facets(&[row("brand", "Zest", 3)]).is_err(),
        "the scanned row is required"
    );
}

#[test]
fn facets_read_a_bounded_number_of_the_newest_rows_and_say_when_they_hit_the_bound() {
    let s = facets(&q("q=lamp"));
    assert_well_formed(&s);
    assert!(
        s.sql
            .contains("ORDER BY p.created_at DESC, p.id DESC LIMIT $3::int8)"),
        "{}",
        s.sql
    );
    assert_eq!(s.params[2], SqlValue::Int64(FACET_SCAN_LIMIT + 1));
    assert!(!s.sql.contains("stock"), "no stock join without in_stock");
    let row = |f: &str, v: &str, n: i64| {
        vec![
            SqlValue::Text(f.into()),
            SqlValue::Text(v.into()),
            SqlValue::Int64(n),
        ]
    };
    let full = decode_facets(&[row("scanned", "", FACET_SCAN_LIMIT)]).unwrap();
    assert!(full.exact);
    let capped = decode_facets(&[row("scanned", "", FACET_SCAN_LIMIT + 1)]).unwrap();
    assert!(!capped.exact);
}

#[test]
fn a_search_sorts_ids_and_keys_then_reads_the_page_rows_only() {
    let s = list(&q("q=lamp&sort=price_asc"));
    assert_well_formed(&s);
    assert!(
        s.sql.contains(
            "FROM (SELECT p.id, (ts_rank_cd(p.search, websearch_to_tsquery('english', $1::text))"
        ),
        "{}",
        s.sql
    );
    assert!(
        s.sql.ends_with(
            "ORDER BY p.price_minor ASC, p.id ASC LIMIT $3::int8) AS top \
             JOIN products p ON p.id = top.id JOIN stock s ON s.product_id = p.id \
             ORDER BY p.price_minor ASC, p.id ASC"
        ),
        "{}",
        s.sql
    );
    assert!(!s.sql.contains("(SELECT p.id, (ts_rank_cd(p.search, websearch_to_tsquery('english', $1::text))::float8 + 0.1::float8 * ts_rank_cd(p.search_prefix, to_tsquery('simple', $2::text))::float8) AS rank FROM products p JOIN"));
    let in_stock = list(&q("q=lamp&in_stock=true"));
    assert!(
        in_stock
            .sql
            .contains("AS rank FROM products p JOIN stock s ON s.product_id = p.id WHERE"),
        "{}",
        in_stock.sql
    );
}
