//! `GET /health` and `POST /internal/flush`.

use redshop_order::sql::ping;
use serde_json::json;

use super::Ctx;
use crate::db::Db;
use crate::error::ApiError;
use crate::events;
use crate::reply::Reply;

/// Up means the database answers a trivial statement; otherwise `503 unavailable`.
pub fn health() -> Result<Reply, ApiError> {
    let db = Db::open().map_err(|e| ApiError::Unavailable(e.to_string()))?;
    db.query(&ping())
        .map_err(|e| ApiError::Unavailable(format!("health query: {e}")))?;
    Ok(Reply::ok(json!({ "status": "ok" })))
}

/// Publishes pending events and releases abandoned reservations: `{published, released}`.
pub async fn flush(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let done = events::flush(ctx.request_id()).await?;
    Ok(Reply::ok(done.to_json()))
}
