//! The user service as a Spin component: accounts, sign-in, sessions, profiles, addresses,
//! password resets and the access-token signing keys.
//!
//! An adapter only. A request goes one way through it: [`request`] reads the head (path,
//! the gateway's identity headers, client address, cookie), [`routes`] matches it, routes for
//! a signed-in user refuse an anonymous caller before the body is read, the body is read
//! (capped, JSON only), and [`handlers`] turn it into a domain command, run the domain's
//! statements on PostgreSQL ([`db`]) and its commands on Redis ([`store`]). Every failure is
//! an [`error::ApiError`], turned into a response in one place. The API is described in
//! docs/services/user.md; tokens, sessions and events in docs/contracts.md.
//!
//! The component is private (`route = { private = true }`): only the gateway (public auth
//! and account routes, JWKS, health) and the order service (user lookups) can reach it.

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

mod config;
mod db;
mod env;
mod error;
mod events;
mod handlers;
mod reply;
mod request;
mod routes;
mod store;

use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

use crate::error::ApiError;
use crate::handlers::Ctx;
use crate::reply::Reply;
use crate::request::Head;

#[http_component]
async fn handle(req: IncomingRequest) -> Response {
    match serve(req).await {
        Ok(reply) => reply.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn serve(req: IncomingRequest) -> Result<Reply, ApiError> {
    let head = Head::of(&req);
    let route = routes::resolve(&head.method, &head.path)?;
    if route.needs_user() {
        head.require_user()?;
    }
    let body = if route.takes_body() {
        request::read_body(req, &head).await?
    } else {
        Vec::new()
    };
    handlers::dispatch(route, &Ctx::new(&head, &body))
}
