//! A user's own notifications: the list (with its ETag), mark one read, mark all read.

use redshop_notification::error::DomainError;
use redshop_notification::ids::{NotificationId, UserId};
use redshop_notification::query::{NotificationQuery, etag, if_none_match, paged};
use redshop_notification::sql::{
    BEGIN, BEGIN_SNAPSHOT, Executor, Transaction, decode_single_int, feed, transaction,
};
use serde_json::json;
use spin_sdk::http::Response;

use super::{internal, ok};
use crate::db::Db;
use crate::error::ApiError;
use crate::request::Head;

/// `GET /notifications?limit=&cursor=&unread=`: a page, newest first, with the unread count.
/// The feed version is read first in the same snapshot; when the client's `If-None-Match`
/// names the current tag the answer is `304` after that one indexed read, which is what
/// makes polling cheap.
pub fn list_mine(head: &Head, user: UserId) -> Result<Response, ApiError> {
    let query = NotificationQuery::parse(&head.query)?;
    let db = Db::open()?;
    let answer = transaction(&db, BEGIN_SNAPSHOT, || {
        let version = decode_single_int(&db.query(&feed::version(&user))?)?;
        let tag = etag(&user, version, &query);
        if head
            .if_none_match
            .as_deref()
            .is_some_and(|h| if_none_match(h, &tag))
        {
            return Ok(Transaction::Commit((tag, None)));
        }
        let rows = feed::decode(&db.query(&feed::list(&user, &query))?)?;
        let unread = feed::decode_count(&db.query(&feed::unread_count(&user))?)?;
        Ok(Transaction::Commit((
            tag,
            Some((paged(rows, &query.page), unread)),
        )))
    })?;
    let (tag, page) = answer;
    let mut response = match page {
        None => Response::builder().status(304).build(),
        Some((page, unread)) => ok(&json!({
            "items": serde_json::to_value(&page.items).map_err(internal)?,
            "unread_count": unread,
            "next_cursor": page.next_cursor,
        })),
    };
    response.set_header("etag", tag);
    // Per user, and always revalidated: no shared cache may keep it, and a browser asks
    // again with If-None-Match each time.
    response.set_header("cache-control", "private, no-cache");
    Ok(response)
}

/// `POST /notifications/{id}/read`: the notification, read, and the new unread count; 404
/// when the id is not the caller's (or does not exist).
pub fn mark_read(user: UserId, raw_id: &str) -> Result<Response, ApiError> {
    let id = NotificationId::parse(raw_id)?;
    let db = Db::open()?;
    let marked = transaction(&db, BEGIN, || {
        // The feed row first, as every writer locks it first (no deadlock with the consumer).
        db.query(&feed::bump(&user))?;
        let row = feed::decode(&db.query(&feed::mark_read(&id, &user))?)?
            .into_iter()
            .next();
        let Some((_, notification)) = row else {
            return Ok(Transaction::Rollback(None));
        };
        let unread = feed::decode_count(&db.query(&feed::unread_count(&user))?)?;
        Ok(Transaction::Commit(Some((notification, unread))))
    })?;
    let (notification, unread) = marked.ok_or(DomainError::NotFound("notification"))?;
    Ok(ok(&json!({
        "notification": serde_json::to_value(&notification).map_err(internal)?,
        "unread_count": unread,
    })))
}

/// `POST /notifications/read-all`: how many were marked; the unread count is then 0.
pub fn mark_all_read(user: UserId) -> Result<Response, ApiError> {
    let db = Db::open()?;
    let marked = transaction(&db, BEGIN, || {
        db.query(&feed::bump(&user))?;
        let marked = feed::decode_count(&db.query(&feed::mark_all_read(&user))?)?;
        Ok(Transaction::Commit(marked))
    })?;
    Ok(ok(&json!({ "marked": marked, "unread_count": 0 })))
}
