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
        "s.on_hand > s.reserved",
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
fn count_uses_the_same_filter_without_cursor_or_limit() {
    let query = with_cursor("category=toys&sort=price_asc", SortKey::Price(1));
    let s = count(&query);
    assert_well_formed(&s);
    assert_eq!(s.params, vec![SqlValue::Text("toys".into())]);
    assert!(!s.sql.contains("LIMIT") && !s.sql.contains("ORDER BY"));
    assert_eq!(decode_count(&[vec![SqlValue::Int64(42)]]).unwrap(), 42);
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
    assert!(decode_facets(&[row("price", "9", 1)]).is_err());
    assert!(decode_facets(&[row("color", "red", 1)]).is_err());
}
