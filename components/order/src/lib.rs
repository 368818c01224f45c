//! The order service as a Spin component: cart, idempotent checkout, order history and the
//! order-event outbox, over its own PostgreSQL database.
//!
//! This crate is an adapter and holds no rules. An HTTP request goes one way through it:
//! [`request`] reads the head and identity, [`routes`] matches it, the admin check runs, the
//! body is read (capped), and [`handlers`] turn it into domain commands, run the domain's
//! statements through [`db`] and its chained calls through [`services`]. Every failure is an
//! [`error::ApiError`] and becomes a response in one place. [`events`] publishes the outbox.
//!
//! The same component also handles the user-event channel (a Redis trigger): on
//! `user.deleted` it anonymises that user's orders. spin-sdk 5.2 generates each export in a
//! module of its own, so one component exports both `wasi:http/incoming-handler` and
//! `fermyon:spin/inbound-redis`.

#![expect(
    unsafe_code,
    reason = "the #[http_component] and #[redis_component] macros generate the canonical-ABI export glue"
)]

mod config;
mod db;
mod error;
mod events;
mod handlers;
mod reply;
mod request;
mod routes;
mod services;

use redshop_order::event::UserEvent;
use redshop_order::ids::UserId;
use redshop_order::sql::orders::anonymise;
use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::{http_component, redis_component};

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
    handlers::dispatch(
        route,
        &Ctx {
            head: &head,
            body: &body,
        },
    )
    .await
}

/// A message on the user-event channel. Only `user.deleted` (version 1) is acted on; other
/// types are skipped. A failure is returned so the host retries the message.
#[redis_component]
fn on_user_event(payload: Vec<u8>) -> Result<(), String> {
    match UserEvent::parse(&payload) {
        Some(UserEvent::Deleted { user_id, event_id }) => {
            let user = UserId::parse(&user_id).map_err(|e| format!("event {event_id}: {e}"))?;
            let db = db::Db::open().map_err(|e| e.to_string())?;
            let counts = db
                .transaction(|db| db.run_all(&anonymise(user)))
                .map_err(|e| format!("anonymise user {user}: {e}"))?;
            let orders = counts.get(1).map_or(0, Vec::len);
            eprintln!("order: user {user} deleted (event {event_id}): {orders} orders anonymised");
            Ok(())
        }
        Some(UserEvent::Other {
            event_type,
            version,
        }) => {
            eprintln!("order: skipping user event {event_type} v{version}");
            Ok(())
        }
        None => {
            eprintln!("order: skipping a user-channel message that is not an event envelope");
            Ok(())
        }
    }
}
