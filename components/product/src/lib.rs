//! The product service as a Spin component: catalog, search and stock over PostgreSQL.
//!
//! This crate is an adapter and holds no rules. A request goes one way through it:
//! [`request`] reads the head, [`routes`] matches it, the admin check runs, the body is read
//! (capped), [`handlers`] turn the body into a domain command with `TryFrom` and hand the
//! domain crate's statements to [`db`], which runs them on Spin's Postgres. Every failure is
//! an [`error::ApiError`] and becomes a response in exactly one place,
//! [`error::ApiError::into_response`]. The API itself is described in
//! `docs/services/product.md`.
//!
//! The component is private (`route = { private = true }`): only other components reach it,
//! through service chaining; the gateway exposes the parts shoppers and admins may call.

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

mod config;
mod db;
mod error;
mod handlers;
mod reply;
mod request;
mod routes;

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
    if route.needs_admin() && !head.admin {
        return Err(ApiError::Forbidden);
    }
    let body = if route.takes_body() {
        request::read_body(req, &head).await?
    } else {
        Vec::new()
    };
    handlers::dispatch(route, &Ctx::new(&head, &body))
}
