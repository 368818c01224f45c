//! The notification service as a Spin component: order and account events in (a Redis
//! trigger on two channels), in-app notifications and the mock mailbox out (a private HTTP
//! API the gateway routes).
//!
//! This crate is an adapter and holds no rules. A message goes to
//! [`redshop_notification::consume::consume`] with [`db::Db`] as its executor and the
//! database mailbox as its mail transport ([`consumer`]). A request goes one way:
//! [`request`] reads the head and identity, [`routes`] matches it, the identity or admin
//! check runs, and [`handlers`] run the domain's statements. Every HTTP failure is an
//! [`error::ApiError`] and becomes a response in one place.
//!
//! spin-sdk 5.2 generates each export in a module of its own, so one component exports both
//! `wasi:http/incoming-handler` and `fermyon:spin/inbound-redis` (wit/notification.wit).

#![expect(
    unsafe_code,
    reason = "the #[http_component] and #[redis_component] macros generate the canonical-ABI export glue"
)]

mod config;
mod consumer;
mod db;
mod error;
mod handlers;
mod request;
mod routes;

use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::{http_component, redis_component};

use crate::error::ApiError;
use crate::request::Head;

#[http_component]
fn handle(req: IncomingRequest) -> Response {
    match serve(&Head::of(&req)) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

/// No route reads a body (every input is in the path, the query or the identity headers),
/// so none is read: whatever a client sends is never buffered.
fn serve(head: &Head) -> Result<Response, ApiError> {
    let route = routes::resolve(&head.method, &head.path)?;
    handlers::dispatch(route, head)
}

/// One message from the order-event or the user-event channel. `Err` only for failures a
/// retry can fix (the database); anything the message itself gets wrong is recorded and
/// acknowledged, so a poison message is never retried.
#[redis_component]
fn on_event(payload: Vec<u8>) -> Result<(), String> {
    consumer::handle(&payload)
}
