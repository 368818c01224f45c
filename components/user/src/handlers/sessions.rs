//! `/me/sessions`: the user's sessions, ending one, ending all.

use redshop_user::error::UserError;
use redshop_user::session::{SessionView, sort_views};
use serde_json::json;

use super::{Ctx, path_id};
use crate::error::ApiError;
use crate::reply::{Reply, to_json};

/// `GET /me/sessions` → `{items: [{id, user_agent, created_ms, last_used_ms, current}]}`,
/// most recently used first. Index entries of expired sessions are dropped on the way.
pub fn list(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let store = ctx.store()?;
    let mut views = Vec::new();
    let mut gone = Vec::new();
    for sid in store.session_ids(user)? {
        match store.session(sid)? {
            Some(record) if record.user_id == user => {
                views.push(SessionView::of(sid, &record, ctx.head.session))
            }
            _ => gone.push(sid),
        }
    }
    store.forget(user, &gone)?;
    sort_views(&mut views);
    Ok(Reply::ok(json!({ "items": to_json(&views)? })))
}

/// `DELETE /me/sessions/{id}` → 204; another user's session is not found.
pub fn revoke(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let sid = path_id(id, "session")?;
    let store = ctx.store()?;
    match store.session(sid)? {
        Some(record) if record.user_id == user => {
            store.revoke(user, sid)?;
            Ok(Reply::no_content())
        }
        _ => Err(UserError::NotFound("session").into()),
    }
}

/// `DELETE /me/sessions` → 204: signs out everywhere, this session included.
pub fn revoke_all(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    ctx.store()?.revoke_all(user, None)?;
    Ok(Reply::no_content().with_header("set-cookie", redshop_user::cookie::clear_refresh()))
}
