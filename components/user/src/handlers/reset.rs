//! Password reset. Requesting one answers the same `202` whether or not the account exists;
//! for an account, a single-use token (its hash stored, 30 minutes) goes out in a
//! `user.password_reset_requested` event that the notification service turns into an email.
//! Using the token sets the new password and ends every session.

use redshop_user::commands::{ResetConfirm, ResetConfirmRequest, ResetRequest};
use redshop_user::email::Email;
use redshop_user::error::UserError;
use redshop_user::event;
use redshop_user::hash::{self, SALT_BYTES};
use redshop_user::secret::ResetToken;
use redshop_user::sql::{outbox, users};
use redshop_user::throttle;
use serde_json::json;

use super::Ctx;
use crate::env::{new_id, now_ms, random};
use crate::error::ApiError;
use crate::events;
use crate::reply::Reply;
use crate::request::json;

/// `POST /auth/password-reset` `{email}` → 202 `{"status":"accepted"}`, whether or not the
/// account exists; the fourth request for one address within the throttle window is `429`
/// with `Retry-After`, account or not (the gateway limits each client address as well).
pub fn request(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let email = Email::try_from(json::<ResetRequest>(ctx.body)?)?;
    let store = ctx.store()?;
    let window = super::auth::throttle_window_secs();
    let key = throttle::reset_key(&store.prefix, &email);
    throttle::check_reset(store.counter(&key)?, window)?;
    store.count_failure(&key, window)?;
    let db = ctx.db()?;
    if let Some(account) = users::decode_account(&db.query(&users::by_email(&email))?)? {
        let token = ResetToken::new(random()?);
        let event_id = new_id()?;
        let user = account.profile.id;
        db.transaction(|db| {
            let expires_ms =
                outbox::decode_expiry(&db.query(&outbox::insert_reset(&token.hash(), user))?)?;
            let envelope = event::password_reset_requested(
                event_id,
                now_ms(),
                user,
                &account.profile.email,
                &account.profile.display_name,
                token.as_str(),
                u64::try_from(expires_ms).unwrap_or(0),
            );
            db.query(&outbox::insert_event(
                event_id,
                event::PASSWORD_RESET_REQUESTED,
                &envelope,
            ))?;
            Ok(())
        })?;
        events::flush(ctx);
    }
    Ok(Reply::accepted(json!({ "status": "accepted" })))
}

/// `POST /auth/password-reset/confirm` `{token, new_password}` → 204.
pub fn confirm(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let cmd = ResetConfirm::try_from(json::<ResetConfirmRequest>(ctx.body)?)?;
    let new_hash = hash::hash_password(cmd.new.as_str(), &random::<SALT_BYTES>()?)?;
    let user = ctx.db()?.transaction(|db| {
        let user = outbox::decode_taken(&db.query(&outbox::take_reset(&cmd.token.hash()))?)?
            .ok_or(UserError::InvalidResetToken)?;
        db.query(&users::set_password(user, &new_hash))?;
        Ok(user)
    })?;
    ctx.store()?.revoke_all(user, None)?;
    Ok(Reply::no_content())
}
