//! One incoming request: built-in paths, routing, Spin's headers, the invocation, and how
//! each way of failing becomes a status code. Also the entry point for service chaining,
//! which dispatches to a component by id with Spin's synthetic `/...` route.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use http::{HeaderName, HeaderValue, StatusCode};
use http_body_util::{BodyExt as _, Limited};
use hyper::body::Incoming;
use redshop_spin::routes::RouteMatch;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::builtin::{self, HostRefusal};
use crate::app::{App, ComponentRuntime};
use crate::runtime::{InvokeError, RequestCtx};

/// Turns requests into invocations. Cheap to clone; shared by every connection.
#[derive(Clone)]
pub struct Dispatcher {
    app: Arc<App>,
    /// The authority used when a request names none we accept (see `handle`).
    listen_authority: Arc<str>,
    /// Admission control: `[limits] max_concurrent_requests` permits. Chained calls do not
    /// take one (their caller holds one), so a chain cannot deadlock on the limit.
    permits: Arc<tokio::sync::Semaphore>,
    /// Requests waiting for a permit now; at `max_queued_requests` the next is refused.
    queued: Arc<std::sync::atomic::AtomicUsize>,
}

impl Dispatcher {
    /// A dispatcher for `app` behind a listener on `listen`.
    pub fn new(app: Arc<App>, listen: SocketAddr) -> Self {
        let permits = Arc::new(tokio::sync::Semaphore::new(
            app.limits.max_concurrent_requests,
        ));
        Self {
            app,
            listen_authority: listen.to_string().into(),
            permits,
            queued: Arc::default(),
        }
    }

    /// A permit to run: at once if one is free, else after waiting in the queue (bounded in
    /// length by `max_queued_requests` and in time by `queue_timeout` and the deadline).
    /// `None`: refuse with 503.
    async fn admit(
        &self,
        start: Instant,
        deadline: Instant,
    ) -> Option<tokio::sync::OwnedSemaphorePermit> {
        use std::sync::atomic::Ordering;
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Some(permit);
        }
        let limits = &self.app.limits;
        if self.queued.fetch_add(1, Ordering::AcqRel) >= limits.max_queued_requests {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        let until = deadline.min(start + limits.queue_timeout);
        let waited =
            tokio::time::timeout_at(until.into(), self.permits.clone().acquire_owned()).await;
        self.queued.fetch_sub(1, Ordering::AcqRel);
        waited.ok()?.ok()
    }

    /// The app being served.
    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Handle a request from the app's listener.
    pub async fn handle(
        &self,
        req: http::Request<Incoming>,
        client: SocketAddr,
    ) -> http::Response<HyperOutgoingBody> {
        let start = Instant::now();
        let request_id = self.app.next_request_id();
        let method = req.method().clone();
        let path = req.uri().path().to_owned();

        if let Some(response) = builtin::respond(&self.app, &path) {
            return response;
        }
        let Some(route) = self.app.router.route(&path) else {
            self.app.metrics.not_found();
            log_request(
                &request_id,
                &method,
                &path,
                None,
                None,
                StatusCode::NOT_FOUND,
                start,
            );
            return builtin::empty(StatusCode::NOT_FOUND);
        };
        let Some(component) = self.app.components.get(route.component_id()).cloned() else {
            // The router only holds running components; reaching this is our bug.
            tracing::error!(
                component = route.component_id(),
                "route points at a component that is not loaded"
            );
            return builtin::empty(StatusCode::INTERNAL_SERVER_ERROR);
        };

        let (mut parts, body) = req.into_parts();
        // A client may not pose as another component: `Host: *.spin.internal` from outside
        // is dropped, and the listener's own address stands in for it.
        if parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(redshop_spin::headers::is_spin_internal_host)
        {
            parts.headers.remove(http::header::HOST);
        }
        if !parts.headers.contains_key(http::header::HOST) {
            parts.headers.insert(
                http::header::HOST,
                HeaderValue::from_str(&self.listen_authority)
                    .unwrap_or(HeaderValue::from_static("localhost")),
            );
        }
        let limit = self.app.limits.max_request_body_bytes;
        if content_length(&parts.headers).is_some_and(|n| n > limit) {
            log_request(
                &request_id,
                &method,
                &path,
                Some(&component.id),
                Some(route.raw_route()),
                StatusCode::PAYLOAD_TOO_LARGE,
                start,
            );
            return HostRefusal::PayloadTooLarge { limit }.response();
        }
        let body = Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX))
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    wasmtime_wasi_http::Error::HttpRequestBodySize(None)
                } else {
                    wasmtime_wasi_http::Error::HttpProtocolError
                }
            })
            .boxed_unsync();
        let req = http::Request::from_parts(parts, body);

        let deadline = start + self.app.limits.request_timeout;
        let Some(_permit) = self.admit(start, deadline).await else {
            log_request(
                &request_id,
                &method,
                &path,
                Some(&component.id),
                Some(route.raw_route()),
                StatusCode::SERVICE_UNAVAILABLE,
                start,
            );
            return HostRefusal::Unavailable.response();
        };
        let ctx = RequestCtx {
            request_id: request_id.clone(),
            chain_depth: 0,
            deadline,
            self_origin: Some(self.listen_authority.clone()),
        };
        let response = dispatch(&self.app, &component, &route, req, client, ctx).await;
        log_request(
            &request_id,
            &method,
            &path,
            Some(&component.id),
            Some(route.raw_route()),
            response.status(),
            start,
        );
        response
    }
}

/// Run `req` on `component` as matched by `route`, adding Spin's request headers, and map
/// every failure to the status a client gets. Used for outside and chained requests alike.
pub(crate) async fn dispatch(
    app: &Arc<App>,
    component: &Arc<ComponentRuntime>,
    route: &RouteMatch,
    mut req: http::Request<wasmtime_wasi_http::WasiBody>,
    client: SocketAddr,
    ctx: RequestCtx,
) -> http::Response<HyperOutgoingBody> {
    let start = Instant::now();
    let full_url = full_url(&req);
    let headers = req.headers_mut();
    for (name, value) in redshop_spin::headers::spin_headers(route, &full_url, client) {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
    let guard = component.metrics.start();
    let request_id = ctx.request_id.clone();
    let result = app.invoke(component, req, ctx).await;
    let response = match result {
        Ok(response) => response,
        Err(e) => {
            // The cause goes to the log. The client gets Spin's empty 500 for a guest that
            // failed, and the host's JSON error for a deadline or a lack of capacity.
            tracing::error!(request_id = %request_id, component = %component.id, error = %e, "request failed");
            component.metrics.failure(&e);
            match &e {
                InvokeError::Deadline => HostRefusal::DeadlineExceeded.response(),
                InvokeError::Instantiate(_) => HostRefusal::Unavailable.response(),
                InvokeError::Guest(_) | InvokeError::GuestErrorCode(_) => {
                    builtin::empty(StatusCode::INTERNAL_SERVER_ERROR)
                }
            }
        }
    };
    guard.finish(response.status(), start.elapsed());
    response
}

/// `spin-full-url`: scheme, the request's `Host` (`localhost` without one: a chained
/// request, as in Spin's `prepare_request_headers`), path and query.
fn full_url<B>(req: &http::Request<B>) -> String {
    let host = req
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    format!("http://{host}{path}")
}

fn content_length(headers: &http::HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn log_request(
    request_id: &str,
    method: &http::Method,
    path: &str,
    component: Option<&str>,
    route: Option<&str>,
    status: StatusCode,
    start: Instant,
) {
    tracing::info!(
        target: "redshop::request",
        request_id = %request_id,
        method = %method,
        path = %path,
        component = %component.unwrap_or("-"),
        route = %route.unwrap_or("-"),
        status = status.as_u16(),
        latency_us = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
}

/// Log one chained call the same way as an outside request.
pub(crate) fn log_chained(
    request_id: &str,
    method: &http::Method,
    path: &str,
    component: &str,
    status: StatusCode,
    start: Instant,
) {
    log_request(
        request_id,
        method,
        path,
        Some(component),
        Some("/..."),
        status,
        start,
    );
}
