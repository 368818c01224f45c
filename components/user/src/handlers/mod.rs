//! One function per endpoint, grouped by family: [`auth`] (register, sign in, refresh, sign
//! out), [`reset`] (password reset), [`me`] (profile, password, account deletion),
//! [`addresses`], [`sessions`] and [`internal`] (JWKS, lookups, health). Each parses its input
//! into domain types, runs the domain's statements and Redis commands, and serialises the
//! domain's answer; none decides anything the domain crate does not.

mod addresses;
mod auth;
mod internal;
mod me;
mod reset;
mod sessions;

use std::cell::OnceCell;

use crate::db::Db;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::request::Head;
use crate::routes::Route;
use crate::store::Store;

/// A request as handlers see it. PostgreSQL and Redis are opened on first use, so a request
/// refused for its body never takes a connection.
pub struct Ctx<'a> {
    pub head: &'a Head,
    pub body: &'a [u8],
    db: OnceCell<Db>,
    store: OnceCell<Store>,
}

impl<'a> Ctx<'a> {
    pub fn new(head: &'a Head, body: &'a [u8]) -> Self {
        Self {
            head,
            body,
            db: OnceCell::new(),
            store: OnceCell::new(),
        }
    }

    pub fn db(&self) -> Result<&Db, ApiError> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open()?;
        Ok(self.db.get_or_init(|| db))
    }

    pub fn store(&self) -> Result<&Store, ApiError> {
        if let Some(s) = self.store.get() {
            return Ok(s);
        }
        let s = Store::open()?;
        Ok(self.store.get_or_init(|| s))
    }
}

pub fn dispatch(route: Route<'_>, ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    match route {
        Route::Health => internal::health(ctx),
        Route::Jwks => internal::jwks(),
        Route::InternalUser(id) => internal::user(ctx, id),
        Route::Register => auth::register(ctx),
        Route::Login => auth::login(ctx),
        Route::Refresh => auth::refresh(ctx),
        Route::Logout => auth::logout(ctx),
        Route::ResetRequest => reset::request(ctx),
        Route::ResetConfirm => reset::confirm(ctx),
        Route::GetMe => me::get(ctx),
        Route::UpdateMe => me::update(ctx),
        Route::DeleteMe => me::delete(ctx),
        Route::ChangePassword => me::change_password(ctx),
        Route::ListAddresses => addresses::list(ctx),
        Route::CreateAddress => addresses::create(ctx),
        Route::UpdateAddress(id) => addresses::update(ctx, id),
        Route::DeleteAddress(id) => addresses::delete(ctx, id),
        Route::ListSessions => sessions::list(ctx),
        Route::RevokeAllSessions => sessions::revoke_all(ctx),
        Route::RevokeSession(id) => sessions::revoke(ctx, id),
    }
}

/// A path id as a UUID; anything else cannot name an existing object, so it is a 404.
fn path_id(raw: &str, what: &'static str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| redshop_user::error::UserError::NotFound(what).into())
}
