//! The `spin-*` request headers a guest receives.
//!
//! Spin tells an HTTP component how it was routed through extra request
//! headers (crates/trigger-http/src/headers.rs, `compute_default_headers` and
//! `prepare_request_headers`). SDKs read them (e.g. `spin-path-info`), so the
//! names, values and edge cases must match:
//!
//! * `spin-full-url`: `scheme://host/path?query` where host is the request's
//!   `Host` header, or `localhost` without one — see [`full_url`];
//! * `spin-path-info`: the trailing-wildcard capture ([`RouteMatch::path_info`]);
//! * `spin-matched-route`: the *based* route (`""` for the route `/`);
//! * `spin-base-path`: always `/` (app bases were removed from Spin);
//! * `spin-raw-component-route`: the route as written;
//! * `spin-component-route`: the route as written minus a trailing `/...`;
//! * `spin-client-addr`: the peer socket address (`0.0.0.0:0` for chained calls);
//! * `spin-path-match-<name>`: one per `:name` capture, the name uppercased by
//!   Spin and then lowercased with `_` turned into `-` like every header.
//!
//! Each constant pair in Spin also has a WAGI-era name (`X_FULL_URL`,
//! `PATH_INFO`, …). Spin 4 uses those only as *environment variables* for the
//! WAGI executor; the Spin and wasi-http executors send just the `spin-*`
//! headers. [`spin_headers`] therefore returns exactly the `spin-*` set, and
//! [`wagi_alias_headers`] offers the aliases for a host that wants them anyway.

use std::net::SocketAddr;

pub use crate::outbound::is_spin_internal_host;
use crate::routes::RouteMatch;

/// The client address Spin reports for service-chained requests.
pub const CHAINED_CLIENT_ADDR: &str = "0.0.0.0:0";

/// Header names: (Spin name, WAGI alias) per value, in Spin's order.
const NAMES: [(&str, &str); 7] = [
    ("spin-path-info", "path-info"),
    ("spin-full-url", "x-full-url"),
    ("spin-matched-route", "x-matched-route"),
    ("spin-base-path", "x-base-path"),
    ("spin-raw-component-route", "x-raw-component-route"),
    ("spin-component-route", "x-component-route"),
    ("spin-client-addr", "x-client-addr"),
];

/// Builds `spin-full-url` as Spin does: `scheme` (use `http` when the
/// request URI has none), the `Host` header value or `localhost`, then the
/// path and query exactly as received.
pub fn full_url(scheme: &str, host_header: Option<&str>, path_and_query: &str) -> String {
    let host = host_header.unwrap_or("localhost");
    format!("{scheme}://{host}{path_and_query}")
}

/// The `spin-*` headers for a routed request, in Spin's order.
pub fn spin_headers(
    m: &RouteMatch,
    full_url: &str,
    client_addr: SocketAddr,
) -> Vec<(String, String)> {
    headers(
        m,
        full_url,
        client_addr,
        |(spin, _)| spin,
        "spin-path-match-",
    )
}

/// The WAGI-era aliases (`path-info`, `x-full-url`, …, `x-path-match-<name>`)
/// with the same values as [`spin_headers`]. Spin 4 does not send these as
/// headers; use only if a guest is known to expect them.
pub fn wagi_alias_headers(
    m: &RouteMatch,
    full_url: &str,
    client_addr: SocketAddr,
) -> Vec<(String, String)> {
    headers(
        m,
        full_url,
        client_addr,
        |(_, alias)| alias,
        "x-path-match-",
    )
}

fn headers(
    m: &RouteMatch,
    full_url: &str,
    client_addr: SocketAddr,
    pick: fn((&'static str, &'static str)) -> &'static str,
    match_prefix: &str,
) -> Vec<(String, String)> {
    let values = [
        m.path_info().to_owned(),
        full_url.to_owned(),
        m.based_route().to_owned(),
        "/".to_owned(),
        m.raw_route().to_owned(),
        m.route_without_wildcard().to_owned(),
        client_addr.to_string(),
    ];
    let mut out: Vec<(String, String)> = NAMES
        .into_iter()
        .map(pick)
        .map(str::to_owned)
        .zip(values)
        .collect();
    let captures: Vec<(&str, &str)> = m.named_captures().collect();
    for (i, (name, value)) in captures.iter().enumerate() {
        // Spin collects captures into a map: a repeated name appears once, with
        // its last value.
        if captures[i + 1..].iter().any(|(later, _)| later == name) {
            continue;
        }
        out.push((
            format!("{match_prefix}{}", header_suffix(name)),
            (*value).to_owned(),
        ));
    }
    out
}

/// Spin's `SPIN_PATH_MATCH_{NAME}` → header key transformation.
fn header_suffix(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::Router;

    fn matched(route: &str, path: &str) -> RouteMatch {
        Router::build([(route.to_owned(), "dummy".to_owned())])
            .unwrap()
            .route(path)
            .unwrap()
    }

    fn addr() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8777))
    }

    fn render(headers: &[(String, String)]) -> String {
        headers.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
    }

    #[test]
    fn exact_route_headers() {
        let m = matched("/checkout", "/checkout");
        let url = full_url("http", Some("shop.example"), "/checkout?step=2");
        insta::assert_snapshot!(render(&spin_headers(&m, &url, addr())));
    }

    #[test]
    fn wildcard_route_headers() {
        let m = matched("/foo/...", "/foo/bar");
        let url = full_url(
            "https",
            Some("fermyon.dev"),
            "/foo/bar?key1=value1&key2=value2",
        );
        let h = spin_headers(&m, &url, addr());
        let get = |k: &str| h.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(
            get("spin-full-url"),
            Some("https://fermyon.dev/foo/bar?key1=value1&key2=value2")
        );
        assert_eq!(get("spin-path-info"), Some("/bar"));
        assert_eq!(get("spin-matched-route"), Some("/foo/..."));
        assert_eq!(get("spin-base-path"), Some("/"));
        assert_eq!(get("spin-raw-component-route"), Some("/foo/..."));
        assert_eq!(get("spin-component-route"), Some("/foo"));
        assert_eq!(get("spin-client-addr"), Some("127.0.0.1:8777"));
        assert_eq!(h.len(), 7);
    }

    #[test]
    fn named_route_headers() {
        let m = matched("/foo/:user_id/...", "/foo/42/bar");
        let url = full_url("https", Some("fermyon.dev"), "/foo/42/bar");
        insta::assert_snapshot!(render(&spin_headers(&m, &url, addr())));
    }

    #[test]
    fn wagi_aliases_carry_the_same_values() {
        let m = matched("/foo/:userid/...", "/foo/42/bar");
        let url = full_url("http", None, "/foo/42/bar");
        insta::assert_snapshot!(render(&wagi_alias_headers(&m, &url, addr())));
    }

    #[test]
    fn root_route_reports_empty_matched_route() {
        let m = matched("/", "/");
        let h = spin_headers(&m, "http://localhost/", addr());
        assert_eq!(h[2], ("spin-matched-route".to_owned(), String::new()));
        assert_eq!(
            h[4],
            ("spin-raw-component-route".to_owned(), "/".to_owned())
        );
    }

    #[test]
    fn repeated_capture_name_yields_one_header_with_last_value() {
        let m = matched("/:a/:a", "/x/y");
        let h = spin_headers(&m, "http://localhost/x/y", addr());
        let matches: Vec<_> = h
            .iter()
            .filter(|(k, _)| k.starts_with("spin-path-match-"))
            .collect();
        assert_eq!(matches, [&("spin-path-match-a".to_owned(), "y".to_owned())]);
    }

    #[test]
    fn missing_host_header_defaults_to_localhost() {
        assert_eq!(full_url("http", None, "/a?b"), "http://localhost/a?b");
    }
}
