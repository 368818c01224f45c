//! The internal API's routes: a small matcher over path segments.
//!
//! Spin routes the whole component at one prefix (`/...` when chained, `/product/...` in the
//! tests), so the component matches `spin-path-info` itself. Matching is split from parameter
//! parsing on purpose: the admin check runs between the two, so a caller without the admin
//! role learns nothing about which ids or bodies would have been valid.

use spin_sdk::http::Method;

use crate::error::ApiError;

/// A matched endpoint with its raw path parameter (parsed later by the handler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `GET /health`: the database answers a trivial query.
    Health,
    ListProducts,
    GetProduct(&'a str),
    GetProductBySlug(&'a str),
    ListCategories,
    GetCategory(&'a str),
    CreateProduct,
    UpdateProduct(&'a str),
    DeleteProduct(&'a str),
    CreateCategory,
    UpdateCategory(&'a str),
    DeleteCategory(&'a str),
    GetStock(&'a str),
    AdjustStock(&'a str),
    Reserve,
    Release(&'a str),
    Commit(&'a str),
}

impl Route<'_> {
    /// Catalog changes and stock levels are for the back office only. Reservations are not:
    /// the order service calls them, and it is reachable only through chaining anyway.
    pub fn needs_admin(&self) -> bool {
        matches!(
            self,
            Self::CreateProduct
                | Self::UpdateProduct(_)
                | Self::DeleteProduct(_)
                | Self::CreateCategory
                | Self::UpdateCategory(_)
                | Self::DeleteCategory(_)
                | Self::GetStock(_)
                | Self::AdjustStock(_)
        )
    }

    /// Routes whose handler reads a JSON body.
    pub fn takes_body(&self) -> bool {
        matches!(
            self,
            Self::CreateProduct
                | Self::UpdateProduct(_)
                | Self::CreateCategory
                | Self::UpdateCategory(_)
                | Self::AdjustStock(_)
                | Self::Reserve
        )
    }
}

/// Matches `method` and `path` (`/products/…`, without the query string).
pub fn resolve<'a>(method: &Method, path: &'a str) -> Result<Route<'a>, ApiError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let m = Verb::of(method);
    // For each path shape: the routes by method, and the `allow` list for a 405.
    let (route, allow) = match segments.as_slice() {
        ["health"] => (m.is(Verb::Get).then_some(Route::Health), "GET"),
        ["products"] => (
            match m {
                Verb::Get => Some(Route::ListProducts),
                Verb::Post => Some(Route::CreateProduct),
                _ => None,
            },
            "GET, POST",
        ),
        ["products", "by-slug", slug] => (
            m.is(Verb::Get).then_some(Route::GetProductBySlug(slug)),
            "GET",
        ),
        ["products", id] => (
            match m {
                Verb::Get => Some(Route::GetProduct(id)),
                Verb::Patch => Some(Route::UpdateProduct(id)),
                Verb::Delete => Some(Route::DeleteProduct(id)),
                _ => None,
            },
            "GET, PATCH, DELETE",
        ),
        ["products", id, "stock"] => (
            match m {
                Verb::Get => Some(Route::GetStock(id)),
                Verb::Post => Some(Route::AdjustStock(id)),
                _ => None,
            },
            "GET, POST",
        ),
        ["categories"] => (
            match m {
                Verb::Get => Some(Route::ListCategories),
                Verb::Post => Some(Route::CreateCategory),
                _ => None,
            },
            "GET, POST",
        ),
        ["categories", slug] => (
            match m {
                Verb::Get => Some(Route::GetCategory(slug)),
                Verb::Patch => Some(Route::UpdateCategory(slug)),
                Verb::Delete => Some(Route::DeleteCategory(slug)),
                _ => None,
            },
            "GET, PATCH, DELETE",
        ),
        ["reservations"] => (m.is(Verb::Post).then_some(Route::Reserve), "POST"),
        ["reservations", id, "release"] => (m.is(Verb::Post).then_some(Route::Release(id)), "POST"),
        ["reservations", id, "commit"] => (m.is(Verb::Post).then_some(Route::Commit(id)), "POST"),
        _ => {
            return Err(ApiError::NoRoute {
                method: method.to_string(),
                path: clip(path),
            });
        }
    };
    route.ok_or(ApiError::MethodNotAllowed { allow })
}

/// The methods the API uses; everything else is `Other` and never matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Get,
    Post,
    Patch,
    Delete,
    Other,
}

impl Verb {
    fn of(method: &Method) -> Self {
        match method {
            Method::Get => Self::Get,
            Method::Post => Self::Post,
            Method::Patch => Self::Patch,
            Method::Delete => Self::Delete,
            _ => Self::Other,
        }
    }

    fn is(self, other: Verb) -> bool {
        self == other
    }
}

/// A path echoed in an error is cut to 100 characters.
fn clip(path: &str) -> String {
    path.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow_of(method: Method, path: &str) -> &'static str {
        match resolve(&method, path) {
            Err(ApiError::MethodNotAllowed { allow }) => allow,
            other => panic!("expected 405 for {method} {path}, got {other:?}"),
        }
    }

    #[test]
    fn every_endpoint_matches_its_method_and_path() {
        let cases = [
            (Method::Get, "/health", Route::Health),
            (Method::Get, "/products", Route::ListProducts),
            (Method::Post, "/products", Route::CreateProduct),
            (Method::Get, "/products/p1", Route::GetProduct("p1")),
            (Method::Patch, "/products/p1", Route::UpdateProduct("p1")),
            (Method::Delete, "/products/p1", Route::DeleteProduct("p1")),
            (
                Method::Get,
                "/products/by-slug/moon-lamp",
                Route::GetProductBySlug("moon-lamp"),
            ),
            (Method::Get, "/products/p1/stock", Route::GetStock("p1")),
            (Method::Post, "/products/p1/stock", Route::AdjustStock("p1")),
            (Method::Get, "/categories", Route::ListCategories),
            (Method::Post, "/categories", Route::CreateCategory),
            (Method::Get, "/categories/c1", Route::GetCategory("c1")),
            (Method::Patch, "/categories/c1", Route::UpdateCategory("c1")),
            (
                Method::Delete,
                "/categories/c1",
                Route::DeleteCategory("c1"),
            ),
            (Method::Post, "/reservations", Route::Reserve),
            (
                Method::Post,
                "/reservations/o1/release",
                Route::Release("o1"),
            ),
            (Method::Post, "/reservations/o1/commit", Route::Commit("o1")),
        ];
        for (method, path, route) in cases {
            assert_eq!(resolve(&method, path).unwrap(), route, "{method} {path}");
        }
    }

    #[test]
    fn a_trailing_slash_is_the_same_path() {
        assert_eq!(
            resolve(&Method::Get, "/products/").unwrap(),
            Route::ListProducts
        );
    }

    #[test]
    fn a_known_path_with_another_method_is_405_with_the_allowed_ones() {
        assert_eq!(allow_of(Method::Put, "/products"), "GET, POST");
        assert_eq!(allow_of(Method::Get, "/reservations"), "POST");
        assert_eq!(allow_of(Method::Post, "/health"), "GET");
        assert_eq!(allow_of(Method::Post, "/products/by-slug/x"), "GET");
    }

    #[test]
    fn unknown_paths_are_404() {
        for path in [
            "/",
            "/nowhere",
            "/products/p1/stock/extra",
            "/reservations/o1/cancel",
        ] {
            assert!(
                matches!(resolve(&Method::Get, path), Err(ApiError::NoRoute { .. })),
                "{path}"
            );
        }
    }

    #[test]
    fn only_catalog_changes_and_stock_levels_need_the_admin_role() {
        assert!(Route::CreateProduct.needs_admin());
        assert!(Route::GetStock("p").needs_admin());
        assert!(!Route::ListProducts.needs_admin());
        assert!(!Route::Health.needs_admin(), "the gateway's health check");
        assert!(
            !Route::Reserve.needs_admin(),
            "the order service is not an admin"
        );
        assert!(!Route::Commit("o").needs_admin());
    }

    #[test]
    fn only_writes_with_a_payload_read_the_body() {
        assert!(Route::Reserve.takes_body());
        assert!(Route::UpdateCategory("c").takes_body());
        assert!(!Route::Release("o").takes_body());
        assert!(!Route::DeleteProduct("p").takes_body());
    }
}
