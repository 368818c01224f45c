use super::*;

fn service_of(method: Method, path: &str) -> Service {
    resolve(method, path).unwrap().spec.service
}

#[test]
fn catalog_reads_go_to_product_and_are_cached() {
    for path in [
        "/api/v1/products",
        "/api/v1/products/6f1c2c1e-8c9e-4d4b-9a55-0d1f0c5e9b11",
        "/api/v1/products/by-slug/moon-lamp",
        "/api/v1/categories",
        "/api/v1/categories/lamps",
    ] {
        let spec = resolve(Method::Get, path).unwrap().spec;
        assert_eq!(
            (spec.service, spec.auth, spec.cached),
            (Service::Product, Auth::Anon, true)
        );
    }
}

#[test]
fn literal_segments_beat_parameters() {
    let spec = resolve(Method::Get, "/api/v1/products/by-slug/stock")
        .unwrap()
        .spec;
    assert_eq!(spec.pattern, "/products/by-slug/{slug}");
    let spec = resolve(Method::Post, "/api/v1/notifications/read-all")
        .unwrap()
        .spec;
    assert_eq!(spec.pattern, "/notifications/read-all");
    let spec = resolve(Method::Post, "/api/v1/auth/password-reset/confirm")
        .unwrap()
        .spec;
    assert_eq!(spec.pattern, "/auth/password-reset/confirm");
}

#[test]
fn wrong_method_lists_the_allowed_ones() {
    assert_eq!(
        resolve(Method::Put, "/api/v1/products/p1"),
        Err(NoMatch::MethodNotAllowed("GET, PATCH, DELETE".into()))
    );
    assert_eq!(
        resolve(Method::Get, "/api/v1/checkout"),
        Err(NoMatch::MethodNotAllowed("POST".into()))
    );
}

#[test]
fn unknown_and_unreadable_paths_are_not_found() {
    for path in [
        "/api/v1",
        "/api/v1/",
        "/api/v2/products",
        "/api/v1products",
        "/api/v1/products/",
        "/api/v1/products//stock",
        "/api/v1/products/%2e%2e",
        "/api/v1/products/../internal",
        "/api/v1/internal/users/u1",
        "/api/v1/reservations",
        "/api/v1/health",
        "/api/v1/.well-known/jwks.json",
        "/products",
    ] {
        assert_eq!(resolve(Method::Get, path), Err(NoMatch::NotFound), "{path}");
    }
    let long = format!("/api/v1/products/{}", "a".repeat(MAX_PARAM_LEN + 1));
    assert_eq!(resolve(Method::Get, &long), Err(NoMatch::NotFound));
}

#[test]
fn admin_routes_need_the_admin_role() {
    for (method, path) in [
        (Method::Post, "/api/v1/products"),
        (Method::Get, "/api/v1/products/p1/stock"),
        (Method::Get, "/api/v1/admin/orders"),
        (Method::Get, "/api/v1/admin/mailbox"),
        (Method::Get, "/api/v1/admin/health"),
        (Method::Post, "/api/v1/admin/events/flush"),
    ] {
        assert_eq!(
            resolve(method, path).unwrap().spec.auth,
            Auth::Admin,
            "{path}"
        );
    }
}

#[test]
fn services_own_their_paths() {
    assert_eq!(
        service_of(Method::Post, "/api/v1/auth/login"),
        Service::User
    );
    assert_eq!(
        service_of(Method::Get, "/api/v1/me/addresses"),
        Service::User
    );
    assert_eq!(
        service_of(Method::Post, "/api/v1/cart/items"),
        Service::Order
    );
    assert_eq!(service_of(Method::Get, "/api/v1/orders/o1"), Service::Order);
    assert_eq!(
        service_of(Method::Get, "/api/v1/notifications"),
        Service::Notification
    );
    assert_eq!(
        service_of(Method::Get, "/api/v1/admin/health"),
        Service::Gateway
    );
}

#[test]
fn strict_buckets_cover_sign_in_and_checkout() {
    let strict = |m, p| resolve(m, p).unwrap().spec.strict;
    assert_eq!(strict(Method::Post, "/api/v1/auth/login"), Strict::Auth);
    assert_eq!(strict(Method::Post, "/api/v1/auth/register"), Strict::Auth);
    assert_eq!(strict(Method::Post, "/api/v1/checkout"), Strict::Checkout);
    assert_eq!(strict(Method::Get, "/api/v1/products"), Strict::None);
}

#[test]
fn only_catalog_admin_writes_bump_the_cache() {
    let writes: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.catalog_write)
        .map(|r| r.pattern)
        .collect();
    assert_eq!(writes.len(), 7, "{writes:?}");
    assert!(
        ROUTES
            .iter()
            .filter(|r| r.cached)
            .all(|r| r.method == Method::Get)
    );
}

#[test]
fn cookies_reach_only_the_auth_routes() {
    for spec in ROUTES.iter().filter(|r| r.cookies) {
        assert!(spec.pattern.starts_with("/auth/"), "{}", spec.pattern);
    }
}

#[test]
fn the_forwarded_path_drops_the_version_prefix() {
    assert_eq!(forward_path("/api/v1/products/p1"), "/products/p1");
}

#[test]
fn no_two_routes_share_method_and_pattern() {
    for (i, a) in ROUTES.iter().enumerate() {
        for b in &ROUTES[i + 1..] {
            assert!(
                !(a.method == b.method && a.pattern == b.pattern),
                "{}",
                a.pattern
            );
        }
    }
}
