//! One function per endpoint. Each checks who is asking, parses its inputs into domain
//! types, runs the domain's statements and serializes the answer; none decides anything.
//! The database is opened only after the checks, so a refused request never takes a
//! pooled connection.

mod admin;
mod feed;

use redshop_notification::ids::UserId;
use spin_sdk::http::Response;

use crate::error::{ApiError, json_response};
use crate::request::Head;
use crate::routes::Route;

pub fn dispatch(route: Route<'_>, head: &Head) -> Result<Response, ApiError> {
    match route {
        Route::Health => Ok(admin::health()),
        Route::Mailbox if head.admin => admin::mailbox(head),
        Route::Mailbox => Err(ApiError::Forbidden),
        Route::ListMine => feed::list_mine(head, signed_in(head)?),
        Route::MarkRead(id) => feed::mark_read(signed_in(head)?, id),
        Route::MarkAllRead => feed::mark_all_read(signed_in(head)?),
    }
}

fn signed_in(head: &Head) -> Result<UserId, ApiError> {
    head.user().ok_or(ApiError::Unauthenticated)
}

fn ok(body: &serde_json::Value) -> Response {
    json_response(200, body)
}

fn internal(e: serde_json::Error) -> ApiError {
    ApiError::Domain(redshop_notification::error::DomainError::Storage(format!(
        "serialize response: {e}"
    )))
}
