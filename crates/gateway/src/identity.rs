//! What crosses the trust boundary: the headers the gateway asserts to services, and the
//! few client headers it passes on.
//!
//! Forwarding is an allow-list: a chained request carries the identity headers the gateway
//! builds here plus [`FORWARDED_REQUEST_HEADERS`], and nothing else a client sent. Every
//! client `x-redshop-*` header is therefore dropped by construction, whatever its case or
//! how many times it was repeated (docs/contracts.md, "Identity headers").

use std::net::SocketAddr;

use crate::request_id::{RequestId, is_uuid};

pub const USER_HEADER: &str = "x-redshop-user";
pub const ROLE_HEADER: &str = "x-redshop-role";
pub const SESSION_HEADER: &str = "x-redshop-session";
pub const CLIENT_ADDR_HEADER: &str = "x-redshop-client-addr";
pub const CART_HEADER: &str = "x-redshop-cart";
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The client's way to name its guest cart, besides the [`CART_COOKIE`].
pub const CLIENT_CART_HEADER: &str = "x-cart-id";
pub const CART_COOKIE: &str = "redshop_cart";
/// The prefix every identity header shares; no client header with it is ever forwarded.
pub const IDENTITY_PREFIX: &str = "x-redshop-";

/// Client request headers a service may need, forwarded as sent. `user-agent` is recorded
/// with a session; `idempotency-key` makes checkout safe to retry; `if-none-match` lets a
/// service that sets its own `ETag` (the notification feed) answer `304`.
pub const FORWARDED_REQUEST_HEADERS: [&str; 6] = [
    "accept",
    "accept-language",
    "content-type",
    "idempotency-key",
    "if-none-match",
    "user-agent",
];

/// Upstream response headers passed back to the client; `set-cookie` only on `/auth/*`. A
/// service's own `cache-control` and `etag` pass (a per-user feed says `private`); without
/// them the gateway says `no-store`.
pub const FORWARDED_RESPONSE_HEADERS: [&str; 6] = [
    "cache-control",
    "content-type",
    "etag",
    "idempotent-replayed",
    "location",
    "retry-after",
];

/// A role, as the token's `role` claim and the session record carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Customer,
    Admin,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "customer" => Some(Self::Customer),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Admin => "admin",
        }
    }
}

/// A verified caller: from a token whose signature, claims and session all checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub role: Role,
    pub session_id: String,
}

/// Everything the gateway asserts on a chained request.
#[derive(Debug, Clone)]
pub struct Asserted<'a> {
    pub identity: Option<&'a Identity>,
    pub client_addr: &'a str,
    pub cart: Option<&'a str>,
    pub request_id: &'a RequestId,
}

impl Asserted<'_> {
    /// The identity headers, in a fixed order.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::with_capacity(6);
        if let Some(id) = self.identity {
            out.push((USER_HEADER, id.user_id.clone()));
            out.push((ROLE_HEADER, id.role.as_str().to_owned()));
            out.push((SESSION_HEADER, id.session_id.clone()));
        }
        out.push((CLIENT_ADDR_HEADER, self.client_addr.to_owned()));
        if let Some(cart) = self.cart {
            out.push((CART_HEADER, cart.to_owned()));
        }
        out.push((REQUEST_ID_HEADER, self.request_id.as_str().to_owned()));
        out
    }
}

/// The shopper's address from Spin's `spin-client-addr` (`ip:port`), port dropped;
/// `unknown` when the host sent nothing readable.
pub fn client_addr(spin_client_addr: Option<&str>) -> String {
    spin_client_addr
        .and_then(|raw| raw.parse::<SocketAddr>().ok())
        .map_or_else(|| "unknown".to_owned(), |addr| addr.ip().to_string())
}

/// The guest cart id: the `x-cart-id` header, else the `redshop_cart` cookie; only a UUID
/// is accepted, lower-cased.
pub fn cart_id(header: Option<&str>, cookie_header: Option<&str>) -> Option<String> {
    header
        .map(str::trim)
        .filter(|v| is_uuid(v))
        .or_else(|| {
            cookie_header
                .and_then(|c| cookie(c, CART_COOKIE))
                .filter(|v| is_uuid(v))
        })
        .map(str::to_ascii_lowercase)
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Whether a client request header is passed to the service (`cookie` only when the route
/// takes cookies).
pub fn forwards_request_header(name: &str, cookies: bool) -> bool {
    let name = name.to_ascii_lowercase();
    if name.starts_with(IDENTITY_PREFIX) {
        return false;
    }
    FORWARDED_REQUEST_HEADERS.contains(&name.as_str()) || (cookies && name == "cookie")
}

/// Whether an upstream response header is passed back to the client.
pub fn forwards_response_header(name: &str, cookies: bool) -> bool {
    let name = name.to_ascii_lowercase();
    FORWARDED_RESPONSE_HEADERS.contains(&name.as_str()) || (cookies && name == "set-cookie")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_identity_headers_are_never_forwarded() {
        for name in [
            "x-redshop-user",
            "X-Redshop-Role",
            "x-redshop-session",
            "x-redshop-client-addr",
            "x-redshop-cart",
            "x-redshop-anything",
        ] {
            assert!(!forwards_request_header(name, true), "{name}");
        }
        for name in [
            "authorization",
            "x-request-id",
            "host",
            "cookie",
            "x-forwarded-for",
        ] {
            assert!(!forwards_request_header(name, false), "{name}");
        }
        assert!(forwards_request_header("Content-Type", false));
        assert!(forwards_request_header("cookie", true));
    }

    #[test]
    fn set_cookie_comes_back_only_from_cookie_routes() {
        assert!(forwards_response_header("Set-Cookie", true));
        assert!(!forwards_response_header("set-cookie", false));
        assert!(forwards_response_header("location", false));
        assert!(!forwards_response_header("server", false));
    }

    #[test]
    fn the_client_address_drops_its_port() {
        assert_eq!(client_addr(Some("203.0.113.9:51234")), "203.0.113.9");
        assert_eq!(client_addr(Some("[2001:db8::1]:443")), "2001:db8::1");
        assert_eq!(client_addr(Some("nonsense")), "unknown");
        assert_eq!(client_addr(None), "unknown");
    }

    #[test]
    fn the_cart_id_comes_from_the_header_or_the_cookie_and_must_be_a_uuid() {
        let id = "0B6E1F1E-6C8A-4C65-9A8F-1B1D1C1E1F10";
        assert_eq!(
            cart_id(Some(id), None).as_deref(),
            Some(&*id.to_ascii_lowercase())
        );
        let cookies = format!("a=b; redshop_cart={id}; c=d");
        assert_eq!(
            cart_id(None, Some(&cookies)).as_deref(),
            Some(&*id.to_ascii_lowercase())
        );
        assert_eq!(cart_id(Some("not-a-uuid"), None), None);
        assert_eq!(cart_id(None, Some("redshop_cart=1; x=2")), None);
    }

    #[test]
    fn asserted_headers_carry_identity_only_when_verified() {
        let rid = RequestId::parse("r1").unwrap();
        let anon = Asserted {
            identity: None,
            client_addr: "1.2.3.4",
            cart: None,
            request_id: &rid,
        };
        let names: Vec<_> = anon.headers().into_iter().map(|(k, _)| k).collect();
        assert_eq!(names, [CLIENT_ADDR_HEADER, REQUEST_ID_HEADER]);
        let who = Identity {
            user_id: "u1".into(),
            role: Role::Admin,
            session_id: "s1".into(),
        };
        let signed = Asserted {
            identity: Some(&who),
            cart: Some("c1"),
            ..anon
        };
        assert_eq!(
            signed.headers(),
            vec![
                (USER_HEADER, "u1".to_owned()),
                (ROLE_HEADER, "admin".to_owned()),
                (SESSION_HEADER, "s1".to_owned()),
                (CLIENT_ADDR_HEADER, "1.2.3.4".to_owned()),
                (CART_HEADER, "c1".to_owned()),
                (REQUEST_ID_HEADER, "r1".to_owned()),
            ]
        );
    }
}
