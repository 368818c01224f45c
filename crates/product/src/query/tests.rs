use super::*;

fn parse(qs: &str) -> Result<ListQuery> {
    ListQuery::from_query_string(qs)
}

fn param_of(err: &DomainError) -> &str {
    match err {
        DomainError::InvalidQuery { param, .. } => param,
        DomainError::UnknownParameter(p) => p,
        other => panic!("unexpected error {other:?}"),
    }
}

#[test]
fn empty_query_lists_newest_first_with_the_default_limit() {
    let q = parse("").unwrap();
    assert_eq!(q.sort, Sort::Newest);
    assert_eq!(q.limit, DEFAULT_LIMIT);
    assert!(q.category.is_none() && q.brands.is_empty() && !q.in_stock && q.search.is_none());
}

#[test]
fn category_is_parsed_as_a_slug() {
    assert_eq!(
        parse("category=shoes").unwrap().category.unwrap().as_str(),
        "shoes"
    );
    let err = parse("category=Shoes").unwrap_err();
    assert_eq!(param_of(&err), "category");
}

#[test]
fn brand_is_repeatable_and_deduplicated() {
    let q = parse("brand=Zest&brand=Acme&brand=Zest").unwrap();
    let got: Vec<&str> = q.brands.iter().map(|b| b.as_str()).collect();
    assert_eq!(got, vec!["Acme", "Zest"]);
}

#[test]
fn brand_count_is_bounded() {
    let qs: Vec<String> = (0..=MAX_BRANDS).map(|i| format!("brand=b{i}")).collect();
    let err = parse(&qs.join("&")).unwrap_err();
    assert!(err.to_string().contains("at most 20"), "{err}");
}

#[test]
fn price_bounds_are_inclusive_minor_units() {
    let q = parse("min_price=1000&max_price=1000").unwrap();
    assert_eq!((q.min_price, q.max_price), (Some(1000), Some(1000)));
}

#[test]
fn price_range_rejects_min_above_max() {
    let err = parse("min_price=5000&max_price=1000").unwrap_err();
    assert_eq!(param_of(&err), "min_price");
    assert!(err.to_string().contains("above max_price"), "{err}");
}

#[test]
fn price_rejects_decimals_negatives_and_huge_values() {
    for qs in [
        "min_price=19.99",
        "max_price=-1",
        "max_price=99999999999999",
    ] {
        let err = parse(qs).unwrap_err();
        assert_eq!(err.status(), 400, "{qs}");
    }
}

#[test]
fn in_stock_accepts_true_and_false_only() {
    assert!(parse("in_stock=true").unwrap().in_stock);
    assert!(!parse("in_stock=false").unwrap().in_stock);
    assert_eq!(param_of(&parse("in_stock=yes").unwrap_err()), "in_stock");
}

#[test]
fn search_text_defaults_the_sort_to_relevance() {
    let q = parse("q=trail+shoe").unwrap();
    assert_eq!(q.search.unwrap().as_str(), "trail shoe");
    assert_eq!(q.sort, Sort::Relevance);
}

#[test]
fn explicit_sort_wins_over_the_relevance_default() {
    assert_eq!(
        parse("q=mug&sort=price_desc").unwrap().sort,
        Sort::PriceDesc
    );
}

#[test]
fn relevance_without_search_text_is_rejected() {
    let err = parse("sort=relevance").unwrap_err();
    assert!(err.to_string().contains("needs a search text"), "{err}");
}

#[test]
fn unknown_sort_lists_the_valid_ones() {
    let err = parse("sort=cheapest").unwrap_err();
    assert!(
        err.to_string()
            .contains("relevance, price_asc, price_desc, name, newest"),
        "{err}"
    );
}

#[test]
fn limit_is_bounded() {
    assert_eq!(parse("limit=100").unwrap().limit, 100);
    for bad in ["limit=0", "limit=101", "limit=ten", "limit=-1"] {
        assert_eq!(param_of(&parse(bad).unwrap_err()), "limit", "{bad}");
    }
}

#[test]
fn unknown_parameters_are_named_in_the_error() {
    let err = parse("catgory=shoes").unwrap_err();
    assert_eq!(err.code(), "unknown_parameter");
    assert!(err.to_string().contains("`catgory`"), "{err}");
}

#[test]
fn single_valued_parameters_cannot_repeat() {
    let err = parse("category=shoes&category=toys").unwrap_err();
    assert!(err.to_string().contains("more than once"), "{err}");
}

#[test]
fn empty_values_count_as_absent() {
    let q = parse("q=&category=&brand=&limit=&sort=").unwrap();
    assert_eq!(q, parse("").unwrap());
}

#[test]
fn percent_encoding_is_decoded_and_malformed_escapes_are_rejected() {
    assert_eq!(
        parse("brand=Caf%C3%A9%20Co").unwrap().brands[0].as_str(),
        "Café Co"
    );
    assert!(parse("q=%zz").is_err());
    assert!(parse("q=%ff").unwrap_err().to_string().contains("UTF-8"));
}

#[test]
fn filters_combine() {
    let q = parse("category=shoes&brand=Acme&min_price=1000&max_price=9000&in_stock=true&q=trail&sort=name&limit=10")
        .unwrap();
    assert_eq!(q.category.as_ref().unwrap().as_str(), "shoes");
    assert_eq!(q.brands.len(), 1);
    assert!(q.in_stock);
    assert_eq!(q.sort, Sort::Name);
    assert_eq!(q.limit, 10);
}

#[test]
fn cursor_parameter_is_decoded_against_the_rest_of_the_query() {
    let q = parse("sort=price_asc&category=shoes").unwrap();
    let id = crate::domain::ProductId::parse("0b6a0f4e-8d6c-4f5e-9a51-2f1f0c9b1a11").unwrap();
    let text = Cursor {
        key: SortKey::Price(10),
        id,
    }
    .encode(&q)
    .unwrap();
    // Parameter order does not matter: the cursor is checked after everything else is parsed.
    let again = parse(&format!("cursor={text}&category=shoes&sort=price_asc")).unwrap();
    assert_eq!(again.after.unwrap().id, id);
    let err = parse(&format!("cursor={text}&category=toys&sort=price_asc")).unwrap_err();
    assert_eq!(err.code(), "invalid_cursor");
}

#[test]
fn fingerprint_ignores_limit_and_brand_order() {
    let a = parse("brand=A&brand=B&limit=5").unwrap();
    let b = parse("brand=B&brand=A&limit=50").unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_ne!(a.fingerprint(), parse("brand=A").unwrap().fingerprint());
}
