//! The service's routes, matched on `spin-path-info` (the gateway forwards public calls with
//! `/api/v1` removed; other services call `/internal/...` and `/.well-known/...` directly).

use spin_sdk::http::Method;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    Health,
    Jwks,
    InternalUser(&'a str),
    Register,
    Login,
    Refresh,
    Logout,
    ResetRequest,
    ResetConfirm,
    GetMe,
    UpdateMe,
    DeleteMe,
    ChangePassword,
    ListAddresses,
    CreateAddress,
    UpdateAddress(&'a str),
    DeleteAddress(&'a str),
    ListSessions,
    RevokeAllSessions,
    RevokeSession(&'a str),
}

impl Route<'_> {
    /// Routes whose handler reads a JSON body.
    pub fn takes_body(&self) -> bool {
        matches!(
            self,
            Self::Register
                | Self::Login
                | Self::ResetRequest
                | Self::ResetConfirm
                | Self::UpdateMe
                | Self::DeleteMe
                | Self::ChangePassword
                | Self::CreateAddress
                | Self::UpdateAddress(_)
        )
    }

    /// Routes for a signed-in user: refused with 401 before the body is read.
    pub fn needs_user(&self) -> bool {
        matches!(
            self,
            Self::GetMe
                | Self::UpdateMe
                | Self::DeleteMe
                | Self::ChangePassword
                | Self::ListAddresses
                | Self::CreateAddress
                | Self::UpdateAddress(_)
                | Self::DeleteAddress(_)
                | Self::ListSessions
                | Self::RevokeAllSessions
                | Self::RevokeSession(_)
        )
    }
}

pub fn resolve<'a>(method: &Method, path: &'a str) -> Result<Route<'a>, ApiError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let get = matches!(method, Method::Get);
    let post = matches!(method, Method::Post);
    let patch = matches!(method, Method::Patch);
    let delete = matches!(method, Method::Delete);
    let pick = |options: &[(bool, Route<'a>)]| options.iter().find(|(m, _)| *m).map(|(_, r)| *r);
    let (route, allow) = match segments.as_slice() {
        ["health"] => (pick(&[(get, Route::Health)]), "GET"),
        [".well-known", "jwks.json"] => (pick(&[(get, Route::Jwks)]), "GET"),
        ["internal", "users", id] => (pick(&[(get, Route::InternalUser(id))]), "GET"),
        ["auth", "register"] => (pick(&[(post, Route::Register)]), "POST"),
        ["auth", "login"] => (pick(&[(post, Route::Login)]), "POST"),
        ["auth", "refresh"] => (pick(&[(post, Route::Refresh)]), "POST"),
        ["auth", "logout"] => (pick(&[(post, Route::Logout)]), "POST"),
        ["auth", "password-reset"] => (pick(&[(post, Route::ResetRequest)]), "POST"),
        ["auth", "password-reset", "confirm"] => (pick(&[(post, Route::ResetConfirm)]), "POST"),
        ["me"] => (
            pick(&[
                (get, Route::GetMe),
                (patch, Route::UpdateMe),
                (delete, Route::DeleteMe),
            ]),
            "GET, PATCH, DELETE",
        ),
        ["me", "password"] => (pick(&[(post, Route::ChangePassword)]), "POST"),
        ["me", "addresses"] => (
            pick(&[(get, Route::ListAddresses), (post, Route::CreateAddress)]),
            "GET, POST",
        ),
        ["me", "addresses", id] => (
            pick(&[
                (patch, Route::UpdateAddress(id)),
                (delete, Route::DeleteAddress(id)),
            ]),
            "PATCH, DELETE",
        ),
        ["me", "sessions"] => (
            pick(&[
                (get, Route::ListSessions),
                (delete, Route::RevokeAllSessions),
            ]),
            "GET, DELETE",
        ),
        ["me", "sessions", id] => (pick(&[(delete, Route::RevokeSession(id))]), "DELETE"),
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
            (Method::Get, "/.well-known/jwks.json", Route::Jwks),
            (Method::Get, "/internal/users/u1", Route::InternalUser("u1")),
            (Method::Post, "/auth/register", Route::Register),
            (Method::Post, "/auth/login", Route::Login),
            (Method::Post, "/auth/refresh", Route::Refresh),
            (Method::Post, "/auth/logout", Route::Logout),
            (Method::Post, "/auth/password-reset", Route::ResetRequest),
            (
                Method::Post,
                "/auth/password-reset/confirm",
                Route::ResetConfirm,
            ),
            (Method::Get, "/me", Route::GetMe),
            (Method::Patch, "/me", Route::UpdateMe),
            (Method::Delete, "/me", Route::DeleteMe),
            (Method::Post, "/me/password", Route::ChangePassword),
            (Method::Get, "/me/addresses", Route::ListAddresses),
            (Method::Post, "/me/addresses", Route::CreateAddress),
            (
                Method::Patch,
                "/me/addresses/a1",
                Route::UpdateAddress("a1"),
            ),
            (
                Method::Delete,
                "/me/addresses/a1",
                Route::DeleteAddress("a1"),
            ),
            (Method::Get, "/me/sessions", Route::ListSessions),
            (Method::Delete, "/me/sessions", Route::RevokeAllSessions),
            (
                Method::Delete,
                "/me/sessions/s1",
                Route::RevokeSession("s1"),
            ),
        ];
        for (method, path, route) in cases {
            assert_eq!(resolve(&method, path).ok(), Some(route), "{method} {path}");
        }
    }

    #[test]
    fn another_method_is_405_with_the_allowed_ones() {
        match resolve(&Method::Get, "/auth/login") {
            Err(ApiError::MethodNotAllowed { allow }) => assert_eq!(allow, "POST"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_paths_are_404() {
        assert!(matches!(
            resolve(&Method::Get, "/users"),
            Err(ApiError::NoRoute { .. })
        ));
    }
}
