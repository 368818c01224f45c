//! The public route table: every `/api/v1` operation, the service that owns it and what the
//! gateway does before forwarding it. This table is the one place to read what is public;
//! `docs/contracts.md` prints it and `docs/openapi.yaml` describes each operation.
//!
//! Matching is by segments. A `{name}` segment matches one path segment of 1 to
//! [`MAX_PARAM_LEN`] characters from the URL-unreserved set (letters, digits, `-._~`), never
//! `.` or `..`; anything else (a `%` escape, an empty segment, a trailing slash) matches no
//! route and is a 404, so a service never sees a path the gateway could not read itself.
//! When two patterns match, the one with more literal segments wins
//! (`/products/by-slug/{slug}` beats `/products/{id}/stock` for `/products/by-slug/stock`).

use crate::method::Method;

/// The prefix of the versioned public API; removed before forwarding.
pub const API_PREFIX: &str = "/api/v1";

/// Longest path parameter accepted: a slug is at most 100 characters in the product
/// service, a UUID 36; 128 leaves room without letting a path grow without bound.
pub const MAX_PARAM_LEN: usize = 128;

/// Who answers a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Product,
    User,
    Order,
    Notification,
    /// The gateway answers itself.
    Gateway,
}

impl Service {
    /// Every service the gateway chains to, in the order the admin health page lists them.
    pub const CHAINED: [Service; 4] = [
        Service::Product,
        Service::User,
        Service::Order,
        Service::Notification,
    ];

    /// The component id, which is also the chaining host `<id>.spin.internal`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::User => "user",
            Self::Order => "order",
            Self::Notification => "notification",
            Self::Gateway => "gateway",
        }
    }
}

/// What a caller must present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Anyone; the identity is forwarded when a valid token is present.
    Anon,
    /// A valid access token.
    User,
    /// A valid access token with the `admin` role.
    Admin,
    /// The refresh cookie, with the CSRF header `x-requested-with: redshop`; a bearer token
    /// is ignored (it may well have expired: that is why the client refreshes).
    RefreshCookie,
    /// A valid access token, or else the refresh cookie with the CSRF header (sign-out works
    /// with either).
    UserOrCookie,
}

/// The stricter rate-limit bucket a route counts against, besides the general one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strict {
    None,
    /// Sign-in, registration and password reset: per client address.
    Auth,
    /// Checkout: per user.
    Checkout,
}

/// What the gateway itself answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Own {
    /// `GET /admin/health`: every service's `/health` and Redis.
    AdminHealth,
    /// `POST /admin/events/flush`: the order service's outbox flush.
    EventsFlush,
}

/// One public operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: Method,
    /// The path after [`API_PREFIX`], with `{name}` parameters.
    pub pattern: &'static str,
    pub service: Service,
    pub auth: Auth,
    pub strict: Strict,
    /// An anonymous `GET` whose answer is the same for everyone: cached in Redis.
    pub cached: bool,
    /// A successful call changes the catalog: the cache version is bumped.
    pub catalog_write: bool,
    /// The client's `Cookie` header is forwarded and `Set-Cookie` passed back (`/auth/*`).
    pub cookies: bool,
    /// Set for the gateway's own operations.
    pub own: Option<Own>,
}

const fn op(method: Method, pattern: &'static str, service: Service, auth: Auth) -> RouteSpec {
    RouteSpec {
        method,
        pattern,
        service,
        auth,
        strict: Strict::None,
        cached: false,
        catalog_write: false,
        cookies: false,
        own: None,
    }
}

const fn cached(pattern: &'static str) -> RouteSpec {
    RouteSpec {
        cached: true,
        ..op(Method::Get, pattern, Service::Product, Auth::Anon)
    }
}

const fn catalog_admin(method: Method, pattern: &'static str) -> RouteSpec {
    RouteSpec {
        catalog_write: !matches!(method, Method::Get),
        ..op(method, pattern, Service::Product, Auth::Admin)
    }
}

const fn auth_route(pattern: &'static str, auth: Auth, strict: Strict) -> RouteSpec {
    RouteSpec {
        strict,
        cookies: true,
        ..op(Method::Post, pattern, Service::User, auth)
    }
}

const fn own(method: Method, pattern: &'static str, what: Own) -> RouteSpec {
    RouteSpec {
        own: Some(what),
        ..op(method, pattern, Service::Gateway, Auth::Admin)
    }
}

use Auth::{Admin, Anon, User};
use Method::{Delete, Get, Patch, Post};
use Service::{Notification, Order, User as UserSvc};

/// Every public operation (docs/contracts.md, "Public API and the services behind it").
pub const ROUTES: &[RouteSpec] = &[
    // Catalog: public reads, cached.
    cached("/products"),
    cached("/products/{id}"),
    cached("/products/by-slug/{slug}"),
    cached("/categories"),
    cached("/categories/{slug}"),
    // Catalog administration: every write bumps the cache version.
    catalog_admin(Post, "/products"),
    catalog_admin(Patch, "/products/{id}"),
    catalog_admin(Delete, "/products/{id}"),
    catalog_admin(Get, "/products/{id}/stock"),
    catalog_admin(Post, "/products/{id}/stock"),
    catalog_admin(Post, "/categories"),
    catalog_admin(Patch, "/categories/{slug}"),
    catalog_admin(Delete, "/categories/{slug}"),
    // Accounts and sessions.
    auth_route("/auth/register", Anon, Strict::Auth),
    auth_route("/auth/login", Anon, Strict::Auth),
    auth_route("/auth/password-reset", Anon, Strict::Auth),
    auth_route("/auth/password-reset/confirm", Anon, Strict::Auth),
    auth_route("/auth/refresh", Auth::RefreshCookie, Strict::None),
    auth_route("/auth/logout", Auth::UserOrCookie, Strict::None),
    op(Get, "/me", UserSvc, User),
    op(Patch, "/me", UserSvc, User),
    op(Delete, "/me", UserSvc, User),
    op(Post, "/me/password", UserSvc, User),
    op(Get, "/me/addresses", UserSvc, User),
    op(Post, "/me/addresses", UserSvc, User),
    op(Patch, "/me/addresses/{id}", UserSvc, User),
    op(Delete, "/me/addresses/{id}", UserSvc, User),
    op(Get, "/me/sessions", UserSvc, User),
    op(Delete, "/me/sessions", UserSvc, User),
    op(Delete, "/me/sessions/{id}", UserSvc, User),
    // Cart, checkout and orders.
    op(Get, "/cart", Order, Anon),
    op(Delete, "/cart", Order, Anon),
    op(Post, "/cart/items", Order, Anon),
    op(Patch, "/cart/items/{product_id}", Order, Anon),
    op(Delete, "/cart/items/{product_id}", Order, Anon),
    op(Post, "/cart/merge", Order, User),
    RouteSpec {
        strict: Strict::Checkout,
        ..op(Post, "/checkout", Order, User)
    },
    op(Get, "/orders", Order, User),
    op(Get, "/orders/{id}", Order, User),
    op(Post, "/orders/{id}/cancel", Order, User),
    op(Get, "/admin/orders", Order, Admin),
    op(Post, "/admin/orders/{id}/status", Order, Admin),
    // Notifications.
    op(Get, "/notifications", Notification, User),
    op(Post, "/notifications/{id}/read", Notification, User),
    op(Post, "/notifications/read-all", Notification, User),
    op(Get, "/admin/mailbox", Notification, Admin),
    // The gateway's own operations.
    own(Get, "/admin/health", Own::AdminHealth),
    own(Post, "/admin/events/flush", Own::EventsFlush),
];

/// A request matched to its operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    pub spec: &'static RouteSpec,
}

/// Why no operation matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMatch {
    /// No pattern matches the path (or the path is outside `/api/v1`).
    NotFound,
    /// The path exists with other methods: the `allow` header's value.
    MethodNotAllowed(String),
}

/// Matches a public path (`/api/v1/...`, without the query) and method.
pub fn resolve(method: Method, full_path: &str) -> Result<Matched, NoMatch> {
    let candidates = path_matches(full_path)?;
    candidates
        .iter()
        .find(|spec| spec.method == method)
        .map(|spec| Matched { spec })
        .ok_or_else(|| NoMatch::MethodNotAllowed(allow_header(&candidates)))
}

/// The methods a path answers, for an `allow` header or a CORS preflight.
pub fn allowed_methods(full_path: &str) -> Option<Vec<Method>> {
    path_matches(full_path)
        .ok()
        .map(|specs| specs.iter().map(|s| s.method).collect())
}

/// The path a service receives: the public path without [`API_PREFIX`].
pub fn forward_path(full_path: &str) -> &str {
    full_path.strip_prefix(API_PREFIX).unwrap_or(full_path)
}

/// Every operation whose pattern matches the path, best (most literal segments) first.
fn path_matches(full_path: &str) -> Result<Vec<&'static RouteSpec>, NoMatch> {
    let rest = full_path
        .strip_prefix(API_PREFIX)
        .filter(|r| r.starts_with('/'))
        .ok_or(NoMatch::NotFound)?;
    let segments: Vec<&str> = rest[1..].split('/').collect();
    let mut best: Option<usize> = None;
    let mut found: Vec<(&'static RouteSpec, usize)> = Vec::new();
    for spec in ROUTES {
        if let Some(literals) = score(spec.pattern, &segments) {
            found.push((spec, literals));
            best = Some(best.map_or(literals, |b| b.max(literals)));
        }
    }
    let best = best.ok_or(NoMatch::NotFound)?;
    Ok(found
        .into_iter()
        .filter(|(_, literals)| *literals == best)
        .map(|(spec, _)| spec)
        .collect())
}

/// The number of literal segments when `pattern` matches `segments`.
fn score(pattern: &str, segments: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = pattern[1..].split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut literals = 0;
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') {
            if !is_param(segment) {
                return None;
            }
        } else if part == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(literals)
}

fn is_param(segment: &str) -> bool {
    (1..=MAX_PARAM_LEN).contains(&segment.len())
        && segment != "."
        && segment != ".."
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn allow_header(specs: &[&RouteSpec]) -> String {
    let mut methods: Vec<&str> = Vec::new();
    for spec in specs {
        let name = spec.method.as_str();
        if !methods.contains(&name) {
            methods.push(name);
        }
    }
    methods.join(", ")
}

#[cfg(test)]
mod tests;
