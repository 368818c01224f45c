//! The routes, matched on `spin-path-info` (the component answers at `/...` when chained and
//! under a prefix in tests). Public paths are the gateway's with `/api/v1` removed.

use spin_sdk::http::Method;

use crate::error::ApiError;

/// A matched endpoint with its raw path parameter (parsed by the handler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    Health,
    ListMine,
    MarkRead(&'a str),
    MarkAllRead,
    Mailbox,
}

/// Matches `method` and `path` (without the query string).
pub fn resolve<'a>(method: &Method, path: &'a str) -> Result<Route<'a>, ApiError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (get, post) = (*method == Method::Get, *method == Method::Post);
    let (route, allow) = match segments.as_slice() {
        ["health"] => (get.then_some(Route::Health), "GET"),
        ["notifications"] => (get.then_some(Route::ListMine), "GET"),
        ["notifications", "read-all"] => (post.then_some(Route::MarkAllRead), "POST"),
        ["notifications", id, "read"] => (post.then_some(Route::MarkRead(id)), "POST"),
        ["admin", "mailbox"] => (get.then_some(Route::Mailbox), "GET"),
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
        for (method, path, route) in [
            (Method::Get, "/health", Route::Health),
            (Method::Get, "/notifications", Route::ListMine),
            (Method::Get, "/notifications/", Route::ListMine),
            (Method::Post, "/notifications/read-all", Route::MarkAllRead),
            (
                Method::Post,
                "/notifications/n1/read",
                Route::MarkRead("n1"),
            ),
            (Method::Get, "/admin/mailbox", Route::Mailbox),
        ] {
            assert_eq!(resolve(&method, path).unwrap(), route, "{method} {path}");
        }
    }

    #[test]
    fn another_method_is_405_with_the_allowed_one() {
        for (method, path, want) in [
            (Method::Post, "/notifications", "GET"),
            (Method::Get, "/notifications/read-all", "POST"),
            (Method::Delete, "/notifications/n1/read", "POST"),
            (Method::Post, "/admin/mailbox", "GET"),
        ] {
            match resolve(&method, path) {
                Err(ApiError::MethodNotAllowed { allow }) => assert_eq!(allow, want),
                other => panic!("{method} {path}: {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_paths_are_404() {
        for path in [
            "/",
            "/notifications/n1",
            "/admin",
            "/admin/mailbox/x",
            "/internal/x",
        ] {
            assert!(
                matches!(resolve(&Method::Get, path), Err(ApiError::NoRoute { .. })),
                "{path}"
            );
        }
    }
}
