//! `GET /health`: whether this service can do its job, for the gateway's admin health page.
//!
//! "Up" means the database answers a trivial statement; a component that runs but cannot
//! reach its database serves nothing useful. Either failure (no connection, no answer) is a
//! `503 unavailable` whose cause goes to stderr only.

use redshop_product::sql::catalog;
use serde_json::json;

use super::Ctx;
use crate::error::ApiError;
use crate::reply::Reply;

pub fn check(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let db = ctx.db().map_err(|e| ApiError::Unavailable(e.cause()))?;
    db.query(&catalog::ping())
        .map_err(|e| ApiError::Unavailable(format!("health query: {e}")))?;
    Ok(Reply::ok(json!({ "status": "ok" })))
}
