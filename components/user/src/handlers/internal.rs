//! Routes other components call: the gateway's JWKS and health check, the order service's
//! user lookup. None is forwarded from the public API (docs/contracts.md).

use redshop_user::error::UserError;
use redshop_user::sql::{addresses, ping, users};
use serde_json::json;

use super::auth::signing_keys;
use super::{Ctx, path_id};
use crate::error::ApiError;
use crate::reply::{Reply, to_json};

/// `GET /.well-known/jwks.json`: every configured key's public half, signing key first.
pub fn jwks() -> Result<Reply, ApiError> {
    let jwks = signing_keys()?.jwks();
    Ok(Reply::ok(to_json(&jwks)?).with_header("cache-control", "max-age=300".into()))
}

/// `GET /internal/users/{id}` → `{id, email, display_name, addresses}` for the order service.
pub fn user(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let id = path_id(id, "user")?;
    let db = ctx.db()?;
    let account =
        users::decode_account(&db.query(&users::by_id(id))?)?.ok_or(UserError::NotFound("user"))?;
    let items = addresses::decode_all(&db.query(&addresses::list(id))?)?;
    Ok(Reply::ok(json!({
        "id": account.profile.id,
        "email": account.profile.email,
        "display_name": account.profile.display_name,
        "addresses": to_json(&items)?,
    })))
}

/// `GET /health` → 200 `{"status":"ok"}` when PostgreSQL and Redis answer, else 503.
pub fn health(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let unavailable = |e: ApiError| ApiError::Unavailable(format!("{e:?}"));
    ctx.db()
        .map_err(unavailable)?
        .query(&ping())
        .map_err(|e| ApiError::Unavailable(format!("postgres: {e}")))?;
    ctx.store()
        .map_err(unavailable)?
        .ping()
        .map_err(|e| ApiError::Unavailable(format!("redis: {e}")))?;
    Ok(Reply::ok(json!({ "status": "ok" })))
}
