//! Registration, sign-in, refresh and sign-out.
//!
//! Sign-in answers an access token in the body and the refresh token in the `redshop_refresh`
//! cookie. An unknown email and a wrong password give the same answer after the same work
//! (one Argon2id verification, against a dummy hash when there is no account), and both count
//! against the per-account and per-address throttles.

use redshop_token::{ACCESS_TOKEN_TTL_SECS, AccessClaims, SessionRecord, SigningKeys};
use redshop_user::commands::{Login, LoginRequest, Register, RegisterRequest};
use redshop_user::cookie;
use redshop_user::error::UserError;
use redshop_user::hash::{self, SALT_BYTES};
use redshop_user::secret::RefreshToken;
use redshop_user::session::{
    REFRESH_TTL_SECS, RefreshVerdict, judge_refresh, new_record, refresh_key, refreshed, used_key,
};
use redshop_user::sql::users;
use redshop_user::throttle::{self, Policy};
use serde_json::{Value, json};
use uuid::Uuid;

use super::Ctx;
use crate::config::{SIGNING_KEYS_VARIABLE, THROTTLE_WINDOW_VARIABLE};
use crate::env::{new_id, now_ms, random};
use crate::error::ApiError;
use crate::reply::{Reply, to_json};
use crate::request::json;
use crate::store::Store;

/// `POST /auth/register` → 201 with the profile. The role is always `customer`.
pub fn register(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let cmd = Register::try_from(json::<RegisterRequest>(ctx.body)?)?;
    let hash = hash::hash_password(cmd.password.as_str(), &random::<SALT_BYTES>()?)?;
    let rows = ctx
        .db()?
        .query(&users::insert(&cmd.email, &cmd.display_name, &hash))?;
    let account = users::decode_account(&rows)?
        .ok_or_else(|| ApiError::internal("insert returned no row"))?;
    Ok(Reply::created(to_json(&account.profile)?))
}

/// `POST /auth/login` → 200 `{access_token, token_type, expires_in, user}` and the cookie.
pub fn login(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let cmd = Login::try_from(json::<LoginRequest>(ctx.body)?)?;
    let store = ctx.store()?;
    let policy = policy();
    let account_key = throttle::account_key(&store.prefix, &cmd.email);
    let address_key = throttle::address_key(&store.prefix, ctx.head.client_addr.as_deref());
    policy.check(store.counter(&account_key)?, store.counter(&address_key)?)?;

    let account = users::decode_account(&ctx.db()?.query(&users::by_email(&cmd.email))?)?;
    let verified = match &account {
        Some(a) => hash::verify_password(cmd.password.as_str(), &a.password_hash)?,
        None => {
            hash::burn_dummy(cmd.password.as_str());
            false
        }
    };
    let Some(account) = account.filter(|_| verified) else {
        store.count_failure(&account_key, policy.window_secs)?;
        store.count_failure(&address_key, policy.window_secs)?;
        return Err(UserError::InvalidCredentials.into());
    };
    store.del(vec![account_key])?;

    let now = now_ms();
    let sid = new_id()?;
    let record = new_record(
        account.profile.id,
        account.profile.role,
        &ctx.head.user_agent,
        now,
    );
    let refresh = RefreshToken::new(sid, random()?);
    store.create_session(sid, &record, &refresh.hash())?;
    let mut body = token_body(sid, &record, now)?;
    body["user"] = to_json(&account.profile)?;
    Ok(Reply::ok(body).with_header(
        "set-cookie",
        cookie::set_refresh(&refresh.encode(), REFRESH_TTL_SECS),
    ))
}

/// `POST /auth/refresh`: the cookie's token is used up and replaced; a token used twice ends
/// its session (someone else has a copy).
pub fn refresh(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let token = refresh_cookie(ctx).ok_or(UserError::InvalidRefreshToken)?;
    let store = ctx.store()?;
    let presented = token.hash();
    let current = store
        .get(&refresh_key(&store.prefix, token.sid))?
        .and_then(|b| String::from_utf8(b).ok());
    let used = used_key(&store.prefix, &presented);
    let sid_text = token.sid.to_string();
    let (won, before) = if current.as_deref() == Some(presented.as_str()) {
        let won = store.set_ex(&used, &sid_text, REFRESH_TTL_SECS, Some("NX"))?;
        (won, !won)
    } else {
        (false, store.exists(&used)?)
    };
    match judge_refresh(current.as_deref(), &presented, won, before) {
        RefreshVerdict::Invalid => Err(UserError::InvalidRefreshToken.into()),
        RefreshVerdict::Reused => {
            if let Some(record) = store.session(token.sid)? {
                store.revoke(record.user_id, token.sid)?;
                eprintln!("user: refresh token reused; session {} revoked", token.sid);
            }
            Err(UserError::RefreshTokenReused.into())
        }
        RefreshVerdict::Rotate => rotate(ctx, store, token.sid),
    }
}

fn rotate(ctx: &Ctx<'_>, store: &Store, sid: Uuid) -> Result<Reply, ApiError> {
    let record = store.session(sid)?.ok_or(UserError::InvalidRefreshToken)?;
    // The role is read again, so a granted or withdrawn admin role applies from the next
    // refresh; an account deleted meanwhile cannot refresh at all.
    let Some(account) = users::decode_account(&ctx.db()?.query(&users::by_id(record.user_id))?)?
    else {
        store.revoke(record.user_id, sid)?;
        return Err(UserError::InvalidRefreshToken.into());
    };
    let now = now_ms();
    let mut next = refreshed(&record, now);
    next.role = account.profile.role;
    let refresh = RefreshToken::new(sid, random()?);
    if !store.rotate_session(sid, &next, &refresh.hash())? {
        return Err(UserError::InvalidRefreshToken.into());
    }
    Ok(Reply::ok(token_body(sid, &next, now)?).with_header(
        "set-cookie",
        cookie::set_refresh(&refresh.encode(), REFRESH_TTL_SECS),
    ))
}

/// `POST /auth/logout` → 204: ends the session the access token names, or else the one the
/// refresh cookie proves; clears the cookie either way.
pub fn logout(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let store = ctx.store()?;
    let ended = if let (Some(user), Some(sid)) = (ctx.head.user, ctx.head.session) {
        store.revoke(user, sid)?;
        true
    } else if let Some(token) = refresh_cookie(ctx) {
        let current = store.get(&refresh_key(&store.prefix, token.sid))?;
        match store.session(token.sid)? {
            Some(record) if current.as_deref() == Some(token.hash().as_bytes()) => {
                store.revoke(record.user_id, token.sid)?;
                true
            }
            _ => false,
        }
    } else {
        false
    };
    if !ended {
        return Err(UserError::Unauthenticated.into());
    }
    Ok(Reply::no_content().with_header("set-cookie", cookie::clear_refresh()))
}

fn refresh_cookie(ctx: &Ctx<'_>) -> Option<RefreshToken> {
    let header = ctx.head.cookie.as_deref()?;
    RefreshToken::parse(cookie::read(header, cookie::REFRESH_COOKIE)?)
}

/// The access-token answer for a session at its current version.
fn token_body(sid: Uuid, record: &SessionRecord, now_ms: u64) -> Result<Value, ApiError> {
    let keys = signing_keys()?;
    let claims = AccessClaims::new(
        record.user_id,
        record.role,
        sid,
        record.version,
        now_ms / 1000,
    );
    let token = keys
        .sign(&claims)
        .map_err(|e| ApiError::internal(format!("sign: {e}")))?;
    Ok(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_TTL_SECS,
        "session_id": sid,
    }))
}

/// The configured signing keys; a missing or malformed secret is the operator's fault.
pub fn signing_keys() -> Result<SigningKeys, ApiError> {
    let raw = spin_sdk::variables::get(SIGNING_KEYS_VARIABLE)
        .map_err(|e| ApiError::internal(format!("variable `{SIGNING_KEYS_VARIABLE}`: {e:?}")))?;
    SigningKeys::parse(&raw)
        .map_err(|e| ApiError::internal(format!("`{SIGNING_KEYS_VARIABLE}`: {e}")))
}

/// The throttling policy, with the window shortened when the optional variable says so.
fn policy() -> Policy {
    Policy {
        window_secs: throttle_window_secs(),
        ..Policy::default()
    }
}

/// The throttle window: the `login_throttle_window_secs` variable when set (tests shorten
/// it), else the domain's default; sign-in and password reset share it.
pub fn throttle_window_secs() -> u64 {
    spin_sdk::variables::get(THROTTLE_WINDOW_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(throttle::WINDOW_SECS)
}
