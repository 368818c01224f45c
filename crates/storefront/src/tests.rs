use super::*;

fn served(method: &str, path: &str) -> Asset {
    match resolve(method, path) {
        Decision::Serve(asset) => asset,
        other => panic!("{method} {path}: expected a file, got {other:?}"),
    }
}

#[test]
fn root_serves_the_shell_without_fallback() {
    let asset = served("GET", "/");
    assert_eq!(asset.file, "index.html");
    assert!(!asset.fallback);
    assert!(asset.with_body);
    assert_eq!(asset.cache, CachePolicy::Revalidate);
    assert!(asset.is_document());
}

#[test]
fn client_routes_fall_back_to_the_shell() {
    for path in [
        "/catalog",
        "/products/moon-lamp",
        "/account/orders/",
        "/admin/products",
    ] {
        let asset = served("GET", path);
        assert_eq!(asset.file, "index.html", "{path}");
        assert!(asset.fallback, "{path}");
        assert_eq!(asset.content_type, "text/html; charset=utf-8", "{path}");
    }
}

#[test]
fn a_path_with_an_extension_is_a_file_and_never_falls_back() {
    let asset = served("GET", "/favicon.svg");
    assert_eq!(asset.file, "favicon.svg");
    assert!(!asset.fallback);
    assert_eq!(asset.content_type, "image/svg+xml");
    let missing = served("GET", "/missing.js");
    assert!(!missing.fallback);
}

#[test]
fn everything_under_assets_is_a_file() {
    let asset = served("GET", "/assets/chunk");
    assert_eq!(asset.file, "assets/chunk");
    assert!(!asset.fallback);
    let hashed = served("GET", "/assets/index-B2xY_9zQ.js");
    assert_eq!(hashed.cache, CachePolicy::Immutable);
    assert_eq!(hashed.content_type, "text/javascript; charset=utf-8");
}

#[test]
fn the_shell_asked_for_by_name_is_revalidated() {
    let asset = served("GET", "/index.html");
    assert_eq!(asset.cache, CachePolicy::Revalidate);
    assert!(!asset.fallback);
}

#[test]
fn head_is_served_without_a_body() {
    let asset = served("HEAD", "/catalog");
    assert!(!asset.with_body);
    assert!(asset.fallback);
}

#[test]
fn other_methods_are_refused() {
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"] {
        assert_eq!(resolve(method, "/"), Decision::MethodNotAllowed, "{method}");
    }
}

#[test]
fn api_paths_are_left_to_the_gateway() {
    for path in ["/api", "/api/", "/api/v1/products", "/%61pi/v1/products"] {
        assert_eq!(resolve("GET", path), Decision::NotOurs, "{path}");
    }
    // Only the whole first segment counts.
    assert!(served("GET", "/apiary").fallback);
    assert!(served("GET", "/catalog/api").fallback);
}

#[test]
fn traversal_is_refused_before_any_file_is_named() {
    for path in [
        "/../etc/passwd",
        "/assets/../../secret",
        "/%2e%2e/secret",
        "/assets/%2E%2E%2Findex.html",
        "/a/..%2f..%2fb.txt",
        "/.env",
        "/.git/config",
        "/a\\..\\b.js",
        "/%00.js",
        "/%zz",
    ] {
        assert!(
            matches!(resolve("GET", path), Decision::BadPath(_)),
            "{path}: {:?}",
            resolve("GET", path)
        );
    }
}
