//! Outbound HTTP from guests (`wasi:http/outgoing-handler`), with Spin's policy:
//! a request goes out only to a host in the component's `allowed_outbound_hosts`, and
//! `http://<component>.spin.internal/...` is service chaining, dispatched in-process to
//! that component when the caller lists it.
//!
//! A relative URL (`/path`, which Spin's SDK sends as `https://:443/path`) or one whose
//! host is `self.alt` is a request to the app itself, allowed by `http://self` (or
//! `https://self`, `http://self.alt`, or a `*` host). Spin sends it over the network to its
//! own listener; redshop routes it in-process as that listener would (built-in paths, then
//! the public routes, so private routes stay unreachable) through the same dispatch as
//! chaining. The callee sees what Spin's would: the listener's address as `Host` and in
//! `spin-full-url`. `http://self/...` is not special in Spin (a host named `self`, which no
//! allow-list entry grants), nor here. Outside an HTTP request (the Redis trigger) there
//! is no listener to be, and the request fails with `HttpRequestUriInvalid`, as in Spin.
//!
//! A denied request is the guest's business, not a crash: it gets `HttpRequestDenied`,
//! the WIT error it can handle, and the host logs why.
//!
//! The guest's request options (connect, first-byte and between-bytes timeouts) bound both
//! kinds of call, so a caller can give up on a slow service before its own deadline; a
//! chained call also ends at the outermost request's deadline, which it shares.

mod timeouts;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use redshop_spin::routes::RouteMatch;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use crate::app::{App, ComponentRuntime};
use crate::runtime::RequestCtx;
use crate::trigger::http::{dispatch, empty_response, log_chained, respond_builtin};

/// Chained calls deeper than this are a loop (A → B → A …), reported as `LoopDetected`.
/// Real call graphs in the shop are two hops (gateway → service); 8 leaves ample room.
pub const MAX_CHAIN_DEPTH: u8 = 8;

/// Chained requests carry no client address, as in Spin.
const CHAINED_CLIENT: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);

type ResponseFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

/// The outbound policy of one instance.
pub struct OutboundHooks {
    app: Arc<App>,
    component: Arc<ComponentRuntime>,
    ctx: RequestCtx,
}

impl OutboundHooks {
    /// Hooks for an instance of `component` serving `ctx`.
    pub fn new(app: Arc<App>, component: Arc<ComponentRuntime>, ctx: RequestCtx) -> Self {
        Self {
            app,
            component,
            ctx,
        }
    }

    fn chain(
        &self,
        target: &str,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<ResponseFuture, Error> {
        let uri = request.uri();
        if !self.component.outbound.allows(
            uri.scheme_str().unwrap_or("https"),
            uri.host().unwrap_or_default(),
            uri.port_u16(),
        ) {
            tracing::warn!(component = %self.component.id, target, "service chaining denied: not in allowed_outbound_hosts");
            return Err(Error::HttpRequestDenied);
        }
        let Some(callee) = self
            .app
            .components
            .get(target)
            .filter(|c| c.pre.is_some())
            .cloned()
        else {
            tracing::warn!(component = %self.component.id, target, "service chaining to a component that is not running here");
            return Err(Error::DestinationNotFound);
        };
        // Spin removes `Host` from every outbound request before its chaining interceptor
        // sees it (factor-outbound-http, `prepare_request`), so a chained callee gets no
        // `host` and a `spin-full-url` on `localhost`; so does ours.
        request.headers_mut().remove(http::header::HOST);
        self.dispatch_in_process(callee, None, request, options)
    }

    /// A request to the app itself (relative URL or `self.alt`), routed as the listener
    /// would route it.
    fn call_self(
        &self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<ResponseFuture, Error> {
        if !self.component.outbound.allows_self() {
            tracing::warn!(component = %self.component.id, "request to the app itself denied: allowed_outbound_hosts lacks \"http://self\"");
            return Err(Error::HttpRequestDenied);
        }
        let Some(origin) = self.ctx.self_origin.clone() else {
            tracing::warn!(component = %self.component.id, "request to the app itself outside an HTTP request");
            return Err(Error::HttpRequestUriInvalid);
        };
        let path_and_query = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        // The callee sees the listener as the request's origin, as behind Spin's listener.
        *request.uri_mut() = http::Uri::builder()
            .scheme("http")
            .authority(&*origin)
            .path_and_query(path_and_query)
            .build()
            .map_err(|_| Error::HttpRequestUriInvalid)?;
        let host =
            http::HeaderValue::from_str(&origin).map_err(|_| Error::HttpRequestUriInvalid)?;
        request.headers_mut().insert(http::header::HOST, host);
        let path = request.uri().path().to_owned();
        if let Some(response) = respond_builtin(&self.app, &path) {
            return Ok(Box::new(async move { Ok(ready(response)) }));
        }
        let Some(route) = self.app.router.route(&path) else {
            let response = empty_response(http::StatusCode::NOT_FOUND);
            return Ok(Box::new(async move { Ok(ready(response)) }));
        };
        let Some(callee) = self.app.components.get(route.component_id()).cloned() else {
            // The router only holds running components; reaching this is our bug.
            tracing::error!(
                component = route.component_id(),
                "route points at a component that is not loaded"
            );
            return Err(Error::InternalError(None));
        };
        self.dispatch_in_process(callee, Some(route), request, options)
    }

    /// Run `request` on `callee` in this process, as chaining does: with the caller's
    /// deadline and request options, one hop deeper. `route` is the match for a request
    /// to the app itself; chaining uses Spin's synthetic `/...` route.
    fn dispatch_in_process(
        &self,
        callee: Arc<ComponentRuntime>,
        route: Option<RouteMatch>,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<ResponseFuture, Error> {
        if self.ctx.chain_depth >= MAX_CHAIN_DEPTH {
            return Err(Error::LoopDetected);
        }
        let app = self.app.clone();
        let ctx = RequestCtx {
            chain_depth: self.ctx.chain_depth + 1,
            ..self.ctx.clone()
        };
        Ok(Box::new(async move {
            let start = Instant::now();
            let method = request.method().clone();
            let path = request.uri().path().to_owned();
            let route =
                route.unwrap_or_else(|| RouteMatch::synthetic(callee.id.to_string(), path.clone()));
            let request_id = ctx.request_id.clone();
            let dispatched = dispatch(&app, &callee, &route, request, CHAINED_CLIENT, ctx);
            // Dropping the dispatch on a first-byte timeout also stops the callee.
            let response = match options.and_then(|o| o.first_byte_timeout) {
                Some(limit) => match tokio::time::timeout(limit, dispatched).await {
                    Ok(response) => response,
                    Err(_elapsed) => {
                        tracing::warn!(request_id = %request_id, component = %callee.id, timeout_ms = limit.as_millis() as u64, "chained call passed the caller's first-byte timeout");
                        return Err(Error::ConnectionReadTimeout);
                    }
                },
                None => dispatched.await,
            };
            let response = match options.and_then(|o| o.between_bytes_timeout) {
                Some(limit) => response.map(|body| {
                    use http_body_util::BodyExt as _;
                    timeouts::BetweenBytes::new(body, limit).boxed_unsync()
                }),
                None => response,
            };
            log_chained(
                &request_id,
                &method,
                &path,
                &callee.id,
                response.status(),
                start,
            );
            let io: Box<dyn Future<Output = Result<(), Error>> + Send> = Box::new(async { Ok(()) });
            Ok((response, io))
        }))
    }
}

/// A response from the host itself (built-in path, no route), with nothing left to stream.
fn ready(
    response: http::Response<wasmtime_wasi_http::p2::body::HyperOutgoingBody>,
) -> (
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
) {
    (response, Box::new(async { Ok(()) }))
}

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> ResponseFuture {
        let uri = request.uri();
        let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
        let host = uri.host().unwrap_or_default().to_ascii_lowercase();
        let port = uri.port_u16();

        if let Some(target) = host.strip_suffix(".spin.internal") {
            let target = target.to_owned();
            return match self.chain(&target, request, options) {
                Ok(future) => future,
                Err(e) => Box::new(async move { Err(e) }),
            };
        }
        if host.is_empty() || host == "self.alt" {
            return match self.call_self(request, options) {
                Ok(future) => future,
                Err(e) => Box::new(async move { Err(e) }),
            };
        }
        if !self.component.outbound.allows(&scheme, &host, port) {
            tracing::warn!(
                component = %self.component.id,
                url = %format!("{scheme}://{host}{}", port.map(|p| format!(":{p}")).unwrap_or_default()),
                "outbound request denied: not in allowed_outbound_hosts"
            );
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        drop(fut);
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            let io: Box<dyn Future<Output = Result<(), Error>> + Send> = Box::new(io);
            Ok((response.map(BodyExt::boxed_unsync), io))
        })
    }
}
