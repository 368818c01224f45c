use super::*;

fn router(routes: &[(&str, &str)]) -> Router {
    Router::build(routes.iter().map(|(c, r)| (r.to_string(), c.to_string()))).unwrap()
}

fn component(r: &Router, path: &str) -> Option<String> {
    r.route(path).map(|m| m.component_id().to_owned())
}

#[test]
fn exact_routes_match_only_their_path() {
    let r = router(&[("foo", "/foo"), ("foobar", "/foo/bar")]);
    assert_eq!(component(&r, "/foo").as_deref(), Some("foo"));
    assert_eq!(component(&r, "/foo/bar").as_deref(), Some("foobar"));
    assert_eq!(component(&r, "/foobar"), None);
    assert_eq!(component(&r, "/foo/baz"), None);
}

#[test]
fn exact_route_ignores_trailing_and_leading_slashes_in_path() {
    let r = router(&[("foo", "/foo")]);
    assert_eq!(component(&r, "/foo/").as_deref(), Some("foo"));
    assert_eq!(component(&r, "//foo//").as_deref(), Some("foo"));
}

#[test]
fn route_written_with_trailing_slash_is_based_without_it() {
    let r = router(&[("foo", "/foo/")]);
    let m = r.route("/foo").unwrap();
    assert_eq!(m.raw_route(), "/foo/");
    assert_eq!(m.based_route(), "/foo");
}

#[test]
fn relative_route_is_made_absolute() {
    let r = router(&[("foo", "foo")]);
    assert_eq!(r.route("/foo").unwrap().based_route(), "/foo");
}

#[test]
fn root_wildcard_matches_everything() {
    let r = router(&[("all", "/...")]);
    for path in ["/", "/foo/bar", "/abc/", ""] {
        assert_eq!(component(&r, path).as_deref(), Some("all"), "{path}");
    }
}

#[test]
fn root_route_matches_only_root() {
    let r = router(&[("root", "/")]);
    assert_eq!(component(&r, "/").as_deref(), Some("root"));
    assert_eq!(component(&r, "/x"), None);
    // Spin bases "/" to the empty string and reports that as the matched route.
    assert_eq!(r.route("/").unwrap().based_route(), "");
}

#[test]
fn exact_route_beats_wildcard() {
    let r = router(&[("wildcard", "/..."), ("one_exact", "/one")]);
    assert_eq!(component(&r, "/one").as_deref(), Some("one_exact"));
    assert_eq!(component(&r, "/two").as_deref(), Some("wildcard"));
}

#[test]
fn root_route_beats_root_wildcard_for_root_path() {
    let r = router(&[("all", "/..."), ("root", "/")]);
    assert_eq!(component(&r, "/").as_deref(), Some("root"));
    assert_eq!(component(&r, "/x").as_deref(), Some("all"));
}

#[test]
fn longest_wildcard_prefix_wins_regardless_of_order() {
    let forward = [
        ("one", "/one/..."),
        ("two", "/one/two/..."),
        ("three", "/one/two/three/..."),
    ];
    let mut backward = forward;
    backward.reverse();
    for routes in [forward, backward] {
        let r = router(&routes);
        assert_eq!(
            component(&r, "/one/two/three/four").as_deref(),
            Some("three")
        );
        assert_eq!(component(&r, "/one/two").as_deref(), Some("two"));
        assert_eq!(component(&r, "/one/x").as_deref(), Some("one"));
    }
}

#[test]
fn wildcard_route_matches_its_bare_prefix() {
    let r = router(&[("cart", "/cart/...")]);
    assert_eq!(component(&r, "/cart").as_deref(), Some("cart"));
    assert_eq!(component(&r, "/carts"), None);
}

#[test]
fn star_suffix_is_also_a_trailing_wildcard() {
    let r = router(&[("cart", "/cart/*")]);
    let m = r.route("/cart/items").unwrap();
    assert!(m.is_wildcard());
    assert_eq!(m.path_info(), "/items");
    assert_eq!(m.route_without_wildcard(), "/cart/*");
}

#[test]
fn literal_segment_beats_named_segment() {
    let r = router(&[("by-id", "/users/:id"), ("me", "/users/me")]);
    assert_eq!(component(&r, "/users/me").as_deref(), Some("me"));
    assert_eq!(component(&r, "/users/42").as_deref(), Some("by-id"));
}

#[test]
fn named_segment_beats_wildcard_at_same_depth() {
    let r = router(&[("rest", "/users/..."), ("by-id", "/users/:id")]);
    assert_eq!(component(&r, "/users/42").as_deref(), Some("by-id"));
    assert_eq!(component(&r, "/users/42/orders").as_deref(), Some("rest"));
    assert_eq!(component(&r, "/users").as_deref(), Some("rest"));
}

#[test]
fn named_segments_and_wildcard_combine() {
    let r = router(&[("orders", "/users/:id/...")]);
    let m = r.route("/users/42/orders/7").unwrap();
    assert_eq!(m.named("id"), Some("42"));
    assert_eq!(m.path_info(), "/orders/7");
    assert_eq!(m.route_without_wildcard(), "/users/:id");
    assert!(r.route("/users").is_none());
}

#[test]
fn named_captures_are_listed_in_route_order() {
    let r = router(&[("c", "/1/:two/3/:four")]);
    let m = r.route("/1/2/3/4").unwrap();
    assert_eq!(
        m.named_captures().collect::<Vec<_>>(),
        [("two", "2"), ("four", "4")]
    );
    assert_eq!(m.named("missing"), None);
}

#[test]
fn trailing_wildcard_keeps_spin_slash_handling() {
    let r = router(&[("comp", "/test/...")]);
    assert_eq!(r.route("/test").unwrap().path_info(), "");
    assert_eq!(r.route("/test/").unwrap().path_info(), "/");
    assert_eq!(r.route("/test/hello").unwrap().path_info(), "/hello");
    assert_eq!(r.route("/test/hello/").unwrap().path_info(), "/hello/");
}

#[test]
fn exact_route_has_empty_path_info() {
    let r = router(&[("comp", "/exact")]);
    assert_eq!(r.route("/exact").unwrap().path_info(), "");
}

#[test]
fn duplicate_routes_last_one_wins_and_is_reported() {
    let r = router(&[("first", "/foo"), ("second", "/foo"), ("other", "/bar")]);
    assert_eq!(component(&r, "/foo").as_deref(), Some("second"));
    assert_eq!(
        r.duplicates(),
        [DuplicateRoute {
            route: "/foo".into(),
            replaced_id: "first".into(),
            effective_id: "second".into()
        }]
    );
    assert_eq!(
        r.routes().collect::<Vec<_>>(),
        [("/foo", "second"), ("/bar", "other")]
    );
}

#[test]
fn routes_differing_only_by_trailing_slash_are_not_duplicates() {
    // Spin dedupes on the route as written; the first of two equal patterns wins.
    let r = router(&[("first", "/foo"), ("second", "/foo/")]);
    assert!(r.duplicates().is_empty());
    assert_eq!(component(&r, "/foo").as_deref(), Some("first"));
}

#[test]
fn equally_specific_routes_keep_manifest_order() {
    let r = router(&[("a", "/:x"), ("b", "/:y")]);
    assert_eq!(component(&r, "/z").as_deref(), Some("a"));
}

#[test]
fn dotted_param_routes_match_extensions() {
    let r = router(&[("json", "/data/:name.json"), ("any", "/data/:name")]);
    let m = r.route("/data/report.json").unwrap();
    assert_eq!(m.component_id(), "json");
    assert_eq!(m.named("name"), Some("report"));
    assert_eq!(component(&r, "/data/report").as_deref(), Some("any"));
}

#[test]
fn reserved_routes_are_detected() {
    assert!(router(&[("c", "/.well-known/spin/...")]).contains_reserved_route());
    assert!(router(&[("c", "/.well-known/spin/fie")]).contains_reserved_route());
    assert!(!router(&[("c", "/.well-known/spindle/...")]).contains_reserved_route());
    assert!(!router(&[("c", "/.well-known/spin")]).contains_reserved_route());
}

#[test]
fn synthetic_match_routes_whole_path_to_component() {
    let m = RouteMatch::synthetic("cart", "/items/1");
    assert_eq!(m.component_id(), "cart");
    assert_eq!(m.raw_route(), "/...");
    assert_eq!(m.based_route(), "/...");
    assert_eq!(m.route_without_wildcard(), "");
    assert_eq!(m.path_info(), "/items/1");
}

#[test]
fn bad_patterns_are_rejected_with_spin_messages() {
    let errors: Vec<String> = [("c", "/a/:"), ("c", "/a/*named"), ("c", "/a/*/b")]
        .iter()
        .map(|(c, r)| {
            Router::build([(r.to_string(), c.to_string())])
                .unwrap_err()
                .to_string()
        })
        .collect();
    insta::assert_snapshot!(errors.join("\n"));
}
