//! The service's routes: a small matcher over path segments (the component matches
//! `spin-path-info` itself). Matching is split from parameter parsing so that the admin
//! check runs before any id or body is looked at.

use spin_sdk::http::Method;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    Health,
    GetCart,
    ClearCart,
    AddItem,
    SetQuantity(&'a str),
    RemoveItem(&'a str),
    MergeCart,
    Checkout,
    MyOrders,
    MyOrder(&'a str),
    CancelOrder(&'a str),
    AdminOrders,
    AdminSetStatus(&'a str),
    /// Publish pending events and release abandoned reservations (gateway, admins only).
    Flush,
}

impl Route<'_> {
    pub fn needs_admin(&self) -> bool {
        matches!(self, Self::AdminOrders | Self::AdminSetStatus(_))
    }

    /// Routes whose handler reads a JSON body.
    pub fn takes_body(&self) -> bool {
        matches!(
            self,
            Self::AddItem | Self::SetQuantity(_) | Self::Checkout | Self::AdminSetStatus(_)
        )
    }
}

pub fn resolve<'a>(method: &Method, path: &'a str) -> Result<Route<'a>, ApiError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let get = matches!(method, Method::Get);
    let post = matches!(method, Method::Post);
    let (route, allow) = match segments.as_slice() {
        ["health"] => (get.then_some(Route::Health), "GET"),
        ["cart"] => (
            match method {
                Method::Get => Some(Route::GetCart),
                Method::Delete => Some(Route::ClearCart),
                _ => None,
            },
            "GET, DELETE",
        ),
        ["cart", "items"] => (post.then_some(Route::AddItem), "POST"),
        ["cart", "merge"] => (post.then_some(Route::MergeCart), "POST"),
        ["cart", "items", id] => (
            match method {
                Method::Patch => Some(Route::SetQuantity(id)),
                Method::Delete => Some(Route::RemoveItem(id)),
                _ => None,
            },
            "PATCH, DELETE",
        ),
        ["checkout"] => (post.then_some(Route::Checkout), "POST"),
        ["orders"] => (get.then_some(Route::MyOrders), "GET"),
        ["orders", id] => (get.then_some(Route::MyOrder(id)), "GET"),
        ["orders", id, "cancel"] => (post.then_some(Route::CancelOrder(id)), "POST"),
        ["admin", "orders"] => (get.then_some(Route::AdminOrders), "GET"),
        ["admin", "orders", id, "status"] => (post.then_some(Route::AdminSetStatus(id)), "POST"),
        ["internal", "flush"] => (post.then_some(Route::Flush), "POST"),
        _ => {
            return Err(ApiError::NoRoute {
                method: method.to_string(),
                path: path.chars().take(100).collect(),
            });
        }
    };
    route.ok_or(ApiError::MethodNotAllowed { allow })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_matches_its_method_and_path() {
        let cases = [
            (Method::Get, "/health", Route::Health),
            (Method::Get, "/cart", Route::GetCart),
            (Method::Delete, "/cart", Route::ClearCart),
            (Method::Post, "/cart/items", Route::AddItem),
            (Method::Patch, "/cart/items/p1", Route::SetQuantity("p1")),
            (Method::Delete, "/cart/items/p1", Route::RemoveItem("p1")),
            (Method::Post, "/cart/merge", Route::MergeCart),
            (Method::Post, "/checkout", Route::Checkout),
            (Method::Get, "/orders", Route::MyOrders),
            (Method::Get, "/orders/o1", Route::MyOrder("o1")),
            (Method::Post, "/orders/o1/cancel", Route::CancelOrder("o1")),
            (Method::Get, "/admin/orders", Route::AdminOrders),
            (
                Method::Post,
                "/admin/orders/o1/status",
                Route::AdminSetStatus("o1"),
            ),
            (Method::Post, "/internal/flush", Route::Flush),
        ];
        for (method, path, route) in cases {
            assert_eq!(resolve(&method, path).unwrap(), route, "{method} {path}");
        }
    }

    #[test]
    fn a_known_path_with_another_method_is_405() {
        for (method, path, allow) in [
            (Method::Put, "/cart", "GET, DELETE"),
            (Method::Get, "/checkout", "POST"),
            (Method::Get, "/internal/flush", "POST"),
            (Method::Post, "/orders/o1", "GET"),
        ] {
            match resolve(&method, path) {
                Err(ApiError::MethodNotAllowed { allow: got }) => assert_eq!(got, allow),
                other => panic!("{method} {path}: {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_paths_are_404() {
        for path in ["/", "/carts", "/orders/o1/ship", "/admin/orders/o1"] {
            assert!(matches!(
                resolve(&Method::Get, path),
                Err(ApiError::NoRoute { .. })
            ));
        }
    }

    #[test]
    fn only_the_admin_routes_need_the_admin_role() {
        assert!(Route::AdminOrders.needs_admin());
        assert!(Route::AdminSetStatus("o").needs_admin());
        assert!(
            !Route::Flush.needs_admin(),
            "the gateway checks its own admin route"
        );
        assert!(!Route::CancelOrder("o").needs_admin());
    }
}
