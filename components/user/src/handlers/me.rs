//! The signed-in user's own account: profile, password change, deletion.

use redshop_user::commands::{
    ChangePassword, ChangePasswordRequest, DeleteAccountRequest, UpdateProfileRequest,
};
use redshop_user::cookie;
use redshop_user::error::UserError;
use redshop_user::event;
use redshop_user::hash::{self, SALT_BYTES};
use redshop_user::password::Attempt;
use redshop_user::profile::DisplayName;
use redshop_user::sql::{outbox, users};
use uuid::Uuid;

use super::Ctx;
use crate::env::{new_id, now_ms, random};
use crate::error::ApiError;
use crate::events;
use crate::reply::{Reply, to_json};
use crate::request::json;

fn account(ctx: &Ctx<'_>, user: Uuid) -> Result<users::Account, ApiError> {
    users::decode_account(&ctx.db()?.query(&users::by_id(user))?)?
        .ok_or(UserError::NotFound("account").into())
}

/// `GET /me`.
pub fn get(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    Ok(Reply::ok(to_json(&account(ctx, user)?.profile)?))
}

/// `PATCH /me` `{display_name}`.
pub fn update(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let name = DisplayName::try_from(json::<UpdateProfileRequest>(ctx.body)?)?;
    let rows = ctx.db()?.query(&users::set_name(user, &name))?;
    let account = users::decode_account(&rows)?.ok_or(UserError::NotFound("account"))?;
    Ok(Reply::ok(to_json(&account.profile)?))
}

/// `POST /me/password` `{current_password, new_password}` → 204; every other session ends.
pub fn change_password(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let cmd = ChangePassword::try_from(json::<ChangePasswordRequest>(ctx.body)?)?;
    let account = account(ctx, user)?;
    if !hash::verify_password(cmd.current.as_str(), &account.password_hash)? {
        return Err(UserError::WrongPassword.into());
    }
    let new_hash = hash::hash_password(cmd.new.as_str(), &random::<SALT_BYTES>()?)?;
    ctx.db()?.query(&users::set_password(user, &new_hash))?;
    ctx.store()?.revoke_all(user, ctx.head.session)?;
    Ok(Reply::no_content())
}

/// `DELETE /me` `{password}` → 204. The account row goes (addresses and reset tokens with it)
/// in the same transaction as the `user.deleted` event that tells the order and notification
/// services to anonymise what they hold; then every session ends.
pub fn delete(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let password = Attempt::try_from(json::<DeleteAccountRequest>(ctx.body)?)?;
    let account = account(ctx, user)?;
    if !hash::verify_password(password.as_str(), &account.password_hash)? {
        return Err(UserError::WrongPassword.into());
    }
    let event_id = new_id()?;
    let envelope = event::user_deleted(event_id, now_ms(), user);
    ctx.db()?.transaction(|db| {
        if !users::touched(&db.query(&users::delete(user))?) {
            return Err(UserError::NotFound("account").into());
        }
        db.query(&outbox::insert_event(
            event_id,
            event::USER_DELETED,
            &envelope,
        ))?;
        Ok(())
    })?;
    ctx.store()?.revoke_all(user, None)?;
    events::flush(ctx);
    Ok(Reply::no_content().with_header("set-cookie", cookie::clear_refresh()))
}
