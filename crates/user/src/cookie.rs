//! The refresh cookie (docs/contracts.md, "Refresh token"): `redshop_refresh`, `HttpOnly;
//! Secure; SameSite=Strict; Path=/api/v1/auth`, so the browser sends it only to the auth
//! routes, never to scripts, never cross-site. Browsers accept `Secure` cookies from
//! `http://localhost` and `http://127.0.0.1`, so the attribute holds in development too.

/// The cookie's name.
pub const REFRESH_COOKIE: &str = "redshop_refresh";
/// The public path of the auth routes, where the gateway mounts them.
pub const COOKIE_PATH: &str = "/api/v1/auth";

/// `Set-Cookie` for a new refresh token living `max_age_secs`.
pub fn set_refresh(value: &str, max_age_secs: u64) -> String {
    format!(
        "{REFRESH_COOKIE}={value}; Max-Age={max_age_secs}; Path={COOKIE_PATH}; HttpOnly; Secure; SameSite=Strict"
    )
}

/// `Set-Cookie` that removes the refresh cookie.
pub fn clear_refresh() -> String {
    format!("{REFRESH_COOKIE}=; Max-Age=0; Path={COOKIE_PATH}; HttpOnly; Secure; SameSite=Strict")
}

/// The value of cookie `name` in a `Cookie` header (`a=1; b=2`), if present once or more
/// (the first wins).
pub fn read<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_has_every_contract_attribute() {
        let c = set_refresh("abc", 60);
        for part in [
            "redshop_refresh=abc",
            "Max-Age=60",
            "Path=/api/v1/auth",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
        ] {
            assert!(c.split("; ").any(|p| p == part), "{part} in {c}");
        }
        assert!(clear_refresh().contains("Max-Age=0"));
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        assert_eq!(
            read("a=1; redshop_refresh=x.y; b=2", REFRESH_COOKIE),
            Some("x.y")
        );
        assert_eq!(read("redshop_refreshx=1", REFRESH_COOKIE), None);
        assert_eq!(read("", REFRESH_COOKIE), None);
    }
}
