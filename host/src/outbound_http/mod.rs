//! Outbound HTTP from guests (`wasi:http/outgoing-handler`), with Spin's policy:
//! a request goes out only to a host in the component's `allowed_outbound_hosts`, and
//! `http://<component>.spin.internal/...` is service chaining, dispatched in-process to
//! that component when the caller lists it.
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
use crate::trigger::http::{dispatch, log_chained};

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
        request: http::Request<WasiBody>,
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
            let route = RouteMatch::synthetic(callee.id.to_string(), path.clone());
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
