//! The gateway as a Spin component: the shop's one public entry point on `/api/...`.
//!
//! This crate adapts HTTP, Redis and service chaining to the rules in `redshop-gateway`. A
//! request goes one way through [`serve`]: request id → health/preflight → route → token
//! (verified, session checked) → rate limit → role → body (capped, JSON only) → the
//! gateway's own answer, the catalog cache, or the owning service by chaining with a
//! deadline. Every refusal is a `GatewayError`, turned into a response in one place
//! ([`respond::error_out`]), and every response gets the request id, the security headers
//! and, for an allowed origin, the CORS headers ([`respond::finish`]).
//!
//! docs/services/gateway.md describes the behaviour; docs/contracts.md the headers it
//! asserts and the Redis keys it shares.

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

mod catalog;
mod forward;
mod limits;
mod own;
mod request;
mod respond;
mod store;
mod tokens;
mod upstream;

use redshop_gateway::config::Settings;
use redshop_gateway::identity::{self, Identity};
use redshop_gateway::request_id::RequestId;
use redshop_gateway::routes::{self, Auth, NoMatch, Own};
use redshop_gateway::{GatewayError, Method, auth, cors, hygiene};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

use crate::request::Head;
use crate::respond::{Finish, Out, error_out, finish};
use crate::store::Store;

/// The unversioned probe path (docs/services/gateway.md, "Health").
const PROBE_PATH: &str = "/api/health";

#[http_component]
async fn handle(req: IncomingRequest, outparam: ResponseOutparam) {
    let head = Head::of(&req);
    let request_id = RequestId::from_client(head.header(identity::REQUEST_ID_HEADER), random16());
    let settings = Settings::from_variables(|name| spin_sdk::variables::get(name).ok());
    let cors_origin = match (&settings, head.header("origin")) {
        (Ok(s), Some(origin)) => s.origins.allows(origin),
        _ => None,
    };
    let mut extra = Vec::new();
    let out = match settings {
        Ok(settings) => serve(req, &head, &settings, &request_id, cors_origin, &mut extra).await,
        Err(e) => Err(GatewayError::Internal(format!("configuration: {e}"))),
    };
    // A refused preflight gets no CORS header at all, even from a listed origin.
    let cors_origin = cors_origin.filter(|_| !matches!(out, Err(GatewayError::CorsDenied)));
    let out = out.unwrap_or_else(|e| error_out(&e, &request_id));
    let f = Finish {
        request_id: &request_id,
        cors_origin,
        extra,
    };
    finish(out, f, outparam).await;
}

async fn serve(
    req: IncomingRequest,
    head: &Head,
    settings: &Settings,
    request_id: &RequestId,
    cors_origin: Option<&str>,
    extra: &mut Vec<(&'static str, String)>,
) -> Result<Out, GatewayError> {
    let mut store = Store::new(settings.redis_url.clone());
    if head.path == PROBE_PATH {
        return match head.method {
            Method::Get => Ok(own::probe(&mut store)),
            _ => Err(GatewayError::MethodNotAllowed {
                allow: "GET".into(),
            }),
        };
    }
    if head.method == Method::Options {
        return preflight(head, cors_origin, extra);
    }
    let matched = routes::resolve(head.method, &head.path).map_err(|e| match e {
        NoMatch::NotFound => GatewayError::NotFound {
            method: head.method.as_str().to_owned(),
            path: head.path.chars().take(100).collect(),
        },
        NoMatch::MethodNotAllowed(allow) => GatewayError::MethodNotAllowed { allow },
    })?;
    let spec = matched.spec;
    let client_addr = identity::client_addr(head.header("spin-client-addr"));

    // Credentials first (a failure is held until the request has been counted, so refused
    // tokens still use up the caller's quota), then the rate limit, then the role.
    let token = auth::bearer(head.header("authorization"));
    let verified: Result<Option<Identity>, GatewayError> = match (token, spec.auth) {
        (_, Auth::RefreshCookie) | (Ok(None), Auth::UserOrCookie)
            if !auth::csrf_ok(head.header(auth::CSRF_HEADER)) =>
        {
            Err(GatewayError::CsrfCheckFailed)
        }
        (_, Auth::RefreshCookie) => Ok(None),
        (Ok(Some(token)), _) => {
            tokens::identify(&mut store, settings, token, request_id.as_str()).map(Some)
        }
        (Ok(None), _) => Ok(None),
        (Err(e), _) => Err(e),
    };
    let identity = verified.as_ref().ok().and_then(Option::as_ref);
    limits::check(&mut store, settings, spec, identity, &client_addr, extra)?;
    let identity = verified?;
    auth::authorize(spec.auth, identity.as_ref())?;

    // A declared body of the wrong type is refused before it is read; one without a
    // declared length (chunked) is read, capped, and then judged the same way.
    let content_type = head.header("content-type");
    hygiene::check_body_type(head.declares_body(), content_type)?;
    let body = if head.may_have_body() {
        request::read_body(req, head).await?
    } else {
        Vec::new()
    };
    hygiene::check_body_type(!body.is_empty(), content_type)?;

    match spec.own {
        Some(Own::AdminHealth) => {
            return Ok(own::admin_health(
                &mut store,
                settings.upstream_timeout_ms,
                request_id.as_str(),
            ));
        }
        Some(Own::EventsFlush) => {
            let answer = own::events_flush(settings.upstream_timeout_ms, request_id.as_str())?;
            return forward::pass_back(spec, answer);
        }
        None => {}
    }
    let ctx = forward::Forward {
        head,
        spec,
        settings,
        request_id,
        identity: identity.as_ref(),
        client_addr: &client_addr,
        body: &body,
    };
    forward::run(&mut store, &ctx)
}

/// `OPTIONS`: a CORS preflight from an allowed origin for a method the path has gets `204`
/// and the `Access-Control-Allow-*` headers; any other preflight a `403` without them. A
/// plain `OPTIONS` (no preflight headers) gets `204` with `allow`.
fn preflight(
    head: &Head,
    cors_origin: Option<&str>,
    extra: &mut Vec<(&'static str, String)>,
) -> Result<Out, GatewayError> {
    let methods = routes::allowed_methods(&head.path).ok_or_else(|| GatewayError::NotFound {
        method: "OPTIONS".into(),
        path: head.path.chars().take(100).collect(),
    })?;
    let requested = head
        .header("access-control-request-method")
        .map(Method::parse);
    match (head.header("origin"), requested) {
        (Some(_), Some(requested)) => {
            let allowed = cors_origin.and_then(|o| cors::preflight_headers(o, requested, &methods));
            match allowed {
                Some(headers) => {
                    extra.extend(headers);
                    Ok(Out::empty(204))
                }
                None => Err(GatewayError::CorsDenied),
            }
        }
        _ => {
            let allow: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
            Ok(Out::empty(204).with("allow", allow.join(", ")))
        }
    }
}

/// 16 random bytes from the host (`wasi:random`).
fn random16() -> [u8; 16] {
    let bytes = wasi::random::random::get_random_bytes(16);
    let mut out = [0u8; 16];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = b;
    }
    out
}
