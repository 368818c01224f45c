//! `/me/addresses`: at most 20, exactly one default. Each change runs in a transaction that
//! locks the user's row first, so two changes for one user cannot both see room for the 20th
//! address or both leave an address as the default.

use redshop_user::address::{AddressChange, AddressRequest, MAX_ADDRESSES, NewAddress};
use redshop_user::error::UserError;
use redshop_user::sql::{addresses, users};
use serde_json::json;
use uuid::Uuid;

use super::{Ctx, path_id};
use crate::error::ApiError;
use crate::reply::{Reply, to_json};
use crate::request::json;

/// `GET /me/addresses` → `{items}`, oldest first.
pub fn list(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let items = addresses::decode_all(&ctx.db()?.query(&addresses::list(user))?)?;
    Ok(Reply::ok(json!({ "items": to_json(&items)? })))
}

/// Locks the user's row; a user that no longer exists has no addresses to change.
fn lock(db: &crate::db::Db, user: Uuid) -> Result<(), ApiError> {
    if users::touched(&db.query(&users::lock(user))?) {
        Ok(())
    } else {
        Err(UserError::NotFound("account").into())
    }
}

/// `POST /me/addresses` → 201. The first address is the default whatever was asked.
pub fn create(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let new = NewAddress::try_from(json::<AddressRequest>(ctx.body)?)?;
    let address = ctx.db()?.transaction(|db| {
        lock(db, user)?;
        let count = addresses::decode_count(&db.query(&addresses::count(user))?)?;
        if count >= MAX_ADDRESSES {
            return Err(UserError::TooManyAddresses(MAX_ADDRESSES).into());
        }
        let is_default = new.make_default || count == 0;
        if is_default {
            db.query(&addresses::clear_default(user, Uuid::nil()))?;
        }
        let rows = db.query(&addresses::insert(user, &new.fields, is_default))?;
        let row = rows
            .first()
            .ok_or_else(|| ApiError::internal("insert returned no row"))?;
        Ok(addresses::decode(row)?)
    })?;
    Ok(Reply::created(to_json(&address)?))
}

/// `PATCH /me/addresses/{id}` → 200. `is_default: true` moves the default here.
pub fn update(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let id = path_id(id, "address")?;
    let change = AddressChange {
        request: json::<AddressRequest>(ctx.body)?,
    };
    let address = ctx.db()?.transaction(|db| {
        lock(db, user)?;
        let rows = db.query(&addresses::get(user, id))?;
        let current = rows
            .first()
            .map(|r| addresses::decode(r))
            .transpose()?
            .ok_or(UserError::NotFound("address"))?;
        let (fields, is_default) = change.apply(&current)?;
        if is_default && !current.is_default {
            db.query(&addresses::clear_default(user, id))?;
        }
        let rows = db.query(&addresses::update(user, id, &fields, is_default))?;
        let row = rows.first().ok_or(UserError::NotFound("address"))?;
        Ok(addresses::decode(row)?)
    })?;
    Ok(Reply::ok(to_json(&address)?))
}

/// `DELETE /me/addresses/{id}` → 204. Deleting the default makes the oldest remaining
/// address the default.
pub fn delete(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let user = ctx.head.require_user()?;
    let id = path_id(id, "address")?;
    ctx.db()?.transaction(|db| {
        lock(db, user)?;
        match addresses::decode_deleted(&db.query(&addresses::delete(user, id))?)? {
            None => Err(UserError::NotFound("address").into()),
            Some(true) => {
                db.query(&addresses::promote_oldest(user))?;
                Ok(())
            }
            Some(false) => Ok(()),
        }
    })?;
    Ok(Reply::no_content())
}
