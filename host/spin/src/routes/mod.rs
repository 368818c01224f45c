//! HTTP routing: which component handles a request path.
//!
//! Mirrors Spin 4's router (crates/routes/src/lib.rs) as seen by a user:
//!
//! * routes are written as in `[[trigger.http]] route`: exact (`/cart`),
//!   trailing wildcard (`/cart/...`, or `/cart/*`), `:name` segments, or a mix
//!   (`/users/:id/...`);
//! * a route is "based" by prefixing `/` when missing and dropping one
//!   trailing `/` (so `/` itself becomes the empty string — this is what
//!   Spin reports as the matched route);
//! * when two triggers use the same route *as written*, the later one wins
//!   and the earlier is reported in [`Router::duplicates`] (Spin logs these and
//!   carries on);
//! * the most specific route wins (see [`spec`] for the precise ordering);
//! * the trailing-wildcard capture keeps Spin's historic slash handling:
//!   `/cart/...` on `/cart/` gives `/`, on `/cart/a/` gives `/a/`.
//!
//! All parsing and sorting happens in [`Router::build`]; [`Router::route`] is a
//! scan over precomputed patterns that allocates only for captured values.

mod spec;

use std::sync::Arc;

use spec::Spec;

/// Routes under this prefix are answered by the host itself
/// (`health`, `info`); Spin never routes them to components.
pub const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

/// A route pattern that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// Spin's message for a bad pattern (`based_route` is shown, as in Spin).
    #[error("Error parsing route {route} associated with component {component}: {reason}")]
    InvalidRoute {
        /// The based route.
        route: String,
        /// The component the route belongs to.
        component: String,
        /// Why it was rejected.
        reason: String,
    },
}

/// A route that was shadowed by a later trigger with the same route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRoute {
    /// The route as written in the manifest.
    pub route: String,
    /// The component whose trigger is ignored.
    pub replaced_id: String,
    /// The component that handles the route instead.
    pub effective_id: String,
}

/// One routable entry, shared by the router and every match it produces.
#[derive(Debug)]
struct Route {
    component_id: String,
    raw_route: String,
    based_route: String,
    spec: Spec,
    param_names: Vec<Box<str>>,
    is_wildcard: bool,
}

impl Route {
    fn new(raw_route: String, component_id: String) -> Result<Self, RouteError> {
        let based_route = based(&raw_route);
        let (pattern, is_wildcard) = match based_route.strip_suffix("/...") {
            Some(prefix) => (format!("{prefix}/*"), true),
            None => (based_route.clone(), based_route.ends_with("/*")),
        };
        let spec = Spec::parse(&pattern).map_err(|reason| RouteError::InvalidRoute {
            route: based_route.clone(),
            component: component_id.clone(),
            reason,
        })?;
        let param_names = spec.param_names().map(Into::into).collect();
        Ok(Self {
            component_id,
            raw_route,
            based_route,
            spec,
            param_names,
            is_wildcard,
        })
    }
}

/// Spin's `sanitize_with_base("/", route)`: absolutise, then drop one trailing `/`.
fn based(raw: &str) -> String {
    let absolute = if raw.starts_with('/') {
        raw.to_owned()
    } else {
        format!("/{raw}")
    };
    match absolute.strip_suffix('/') {
        Some(stripped) => stripped.to_owned(),
        None => absolute,
    }
}

/// Resolves request paths to components. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Router {
    /// Routes in precedence order (first match wins).
    by_precedence: Vec<Arc<Route>>,
    /// Routes in manifest order, duplicates removed.
    in_order: Vec<Arc<Route>>,
    duplicates: Vec<DuplicateRoute>,
}

impl Router {
    /// Builds a router from `(route, component id)` pairs in manifest order.
    /// Private (`{ private = true }`) triggers must be left out by the caller.
    pub fn build(routes: impl IntoIterator<Item = (String, String)>) -> Result<Self, RouteError> {
        // Dedupe by the route as written: the last trigger wins but keeps the
        // first one's position (Spin uses an IndexMap insert).
        let mut unique: Vec<(String, String)> = Vec::new();
        let mut duplicates = Vec::new();
        for (route, component) in routes {
            if let Some(slot) = unique.iter_mut().find(|(r, _)| *r == route) {
                let replaced = std::mem::replace(&mut slot.1, component.clone());
                duplicates.push(DuplicateRoute {
                    route,
                    replaced_id: replaced,
                    effective_id: component,
                });
            } else {
                unique.push((route, component));
            }
        }
        let mut in_order = Vec::with_capacity(unique.len());
        let mut by_precedence: Vec<Arc<Route>> = Vec::with_capacity(unique.len());
        for (route, component) in unique {
            let route = Arc::new(Route::new(route, component)?);
            let at = by_precedence
                .iter()
                .position(|existing| route.spec.outranks(&existing.spec))
                .unwrap_or(by_precedence.len());
            by_precedence.insert(at, route.clone());
            in_order.push(route);
        }
        Ok(Self {
            by_precedence,
            in_order,
            duplicates,
        })
    }

    /// The best route for `path` (the URI path, without query string).
    pub fn route(&self, path: &str) -> Option<RouteMatch> {
        self.by_precedence.iter().find_map(|route| {
            let (params, wildcard) = route.spec.matches(path)?;
            Some(RouteMatch {
                route: route.clone(),
                params: params.into_iter().map(str::to_owned).collect(),
                path_info: spin_path_info(wildcard, path),
            })
        })
    }

    /// Triggers that can never be reached because a later one has the same route.
    pub fn duplicates(&self) -> &[DuplicateRoute] {
        &self.duplicates
    }

    /// `(raw route, component id)` in manifest order, duplicates removed.
    pub fn routes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.in_order
            .iter()
            .map(|r| (r.raw_route.as_str(), r.component_id.as_str()))
    }

    /// True if a route lies under [`WELL_KNOWN_PREFIX`] (Spin warns: unreachable).
    pub fn contains_reserved_route(&self) -> bool {
        self.in_order
            .iter()
            .any(|r| r.based_route.starts_with(WELL_KNOWN_PREFIX))
    }
}

/// Spin's trailing-wildcard value: routefinder strips slashes, Spin puts the
/// leading one back and keeps a trailing one if the request had it.
fn spin_path_info(wildcard: Option<&str>, path: &str) -> String {
    let Some(captured) = wildcard else {
        return String::new();
    };
    match (captured.is_empty(), path.ends_with('/')) {
        (true, false) => String::new(),
        (true, true) => "/".to_owned(),
        (false, false) => format!("/{captured}"),
        (false, true) => format!("/{captured}/"),
    }
}

/// The outcome of routing one request.
#[derive(Debug, Clone)]
pub struct RouteMatch {
    route: Arc<Route>,
    params: Vec<String>,
    path_info: String,
}

impl RouteMatch {
    /// A match as if `path` hit the route `/...` of `component_id`: what Spin
    /// uses for service-chained requests to `http://<component>.spin.internal`.
    pub fn synthetic(component_id: impl Into<String>, path: impl Into<String>) -> Self {
        let route = Route {
            component_id: component_id.into(),
            raw_route: "/...".into(),
            based_route: "/...".into(),
            spec: Spec::everything(),
            param_names: Vec::new(),
            is_wildcard: true,
        };
        Self {
            route: Arc::new(route),
            params: Vec::new(),
            path_info: path.into(),
        }
    }

    /// The component that handles the request.
    pub fn component_id(&self) -> &str {
        &self.route.component_id
    }

    /// The route exactly as written in the manifest (`/cart/...`).
    pub fn raw_route(&self) -> &str {
        &self.route.raw_route
    }

    /// The route after basing (`/cart/...`; `/` becomes empty, `/x/` becomes `/x`).
    pub fn based_route(&self) -> &str {
        &self.route.based_route
    }

    /// The based route without a trailing `/...`.
    pub fn based_route_or_prefix(&self) -> &str {
        let based = self.based_route();
        based.strip_suffix("/...").unwrap_or(based)
    }

    /// The raw route without a trailing `/...` (Spin's "component route").
    pub fn route_without_wildcard(&self) -> &str {
        let raw = self.raw_route();
        raw.strip_suffix("/...").unwrap_or(raw)
    }

    /// True if the matched route ends in a wildcard.
    pub fn is_wildcard(&self) -> bool {
        self.route.is_wildcard
    }

    /// The part of the path matched by the trailing wildcard, with Spin's
    /// slash handling (empty for routes without a wildcard).
    pub fn path_info(&self) -> &str {
        &self.path_info
    }

    /// Same as [`RouteMatch::path_info`] (Spin's name for it).
    pub fn trailing_wildcard(&self) -> &str {
        &self.path_info
    }

    /// The value captured by `:name`. If a name repeats, the last one wins, as
    /// with Spin's `HashMap` of captures.
    pub fn named(&self, name: &str) -> Option<&str> {
        self.named_captures()
            .filter(|(n, _)| *n == name)
            .last()
            .map(|(_, v)| v)
    }

    /// All `:name` captures in route order.
    pub fn named_captures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.route
            .param_names
            .iter()
            .map(|n| &**n)
            .zip(self.params.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests;
