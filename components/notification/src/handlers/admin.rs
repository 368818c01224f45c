//! The admin's mailbox browser, and the health check.

use redshop_notification::query::{MailboxQuery, paged};
use redshop_notification::sql::{Executor, Stmt, mailbox};
use serde_json::json;
use spin_sdk::http::Response;

use super::{internal, ok};
use crate::db::Db;
use crate::error::{ApiError, json_response};
use crate::request::Head;

/// `GET /admin/mailbox?recipient=&order_id=&limit=&cursor=`: every email sent, newest first.
pub fn mailbox(head: &Head) -> Result<Response, ApiError> {
    let query = MailboxQuery::parse(&head.query)?;
    let db = Db::open()?;
    let rows = mailbox::decode(&db.query(&mailbox::list(&query))?)?;
    let page = paged(rows, &query.page);
    Ok(ok(&json!({
        "items": serde_json::to_value(&page.items).map_err(internal)?,
        "next_cursor": page.next_cursor,
    })))
}

/// `GET /health`: `200 {"status":"ok"}` when the database answers, `503` otherwise.
pub fn health() -> Response {
    let probe = Db::open().and_then(|db| {
        db.query(&Stmt {
            sql: "SELECT 1".into(),
            params: Vec::new(),
        })
    });
    match probe {
        Ok(_) => ok(&json!({ "status": "ok" })),
        Err(e) => {
            eprintln!("notification: health: {e}");
            json_response(
                503,
                &json!({ "error": "unavailable", "message": "the notification database is not answering" }),
            )
        }
    }
}
