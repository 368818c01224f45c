//! The cart: view, add, set, remove, clear, and merge a guest cart into the user's.
//!
//! Every answer is the cart view, priced by one batch lookup at the product service. A write
//! reads the cart and looks up its products (plus the one being added) once, checks the
//! change against that answer, writes, and builds the view from the same answer.

use std::collections::HashMap;

use redshop_order::cart::{
    self as rules, AddItem, AddItemRequest, CartLine, CartView, Quantity, SetQuantityRequest,
};
use redshop_order::error::OrderError;
use redshop_order::ids::{CartOwner, ProductId};
use redshop_order::product::ProductInfo;
use redshop_order::sql::cart as sql;
use serde_json::{Value, json};

use super::Ctx;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::reply::Reply;
use crate::request::json;
use crate::services;

fn owner(ctx: &Ctx<'_>) -> Result<CartOwner, ApiError> {
    ctx.head
        .cart_owner()?
        .ok_or(ApiError::from(OrderError::CartIdRequired))
}

fn load(owner: &CartOwner) -> Result<Vec<CartLine>, OrderError> {
    sql::decode_lines(&db::query(&sql::lines(owner))?)
}

/// The lines' products, plus `extra`, in one lookup.
async fn products(
    ctx: &Ctx<'_>,
    lines: &[CartLine],
    extra: Option<ProductId>,
) -> Result<HashMap<ProductId, ProductInfo>, OrderError> {
    let mut ids: Vec<ProductId> = lines.iter().map(|l| l.product_id).collect();
    if let Some(id) = extra.filter(|id| !ids.contains(id)) {
        ids.push(id);
    }
    services::lookup(&ids, ctx.request_id()).await
}

fn view(
    owner: &CartOwner,
    lines: &[CartLine],
    products: &HashMap<ProductId, ProductInfo>,
) -> Result<Value, ApiError> {
    view_of(owner.kind(), lines, products)
}

fn view_of(
    kind: &'static str,
    lines: &[CartLine],
    products: &HashMap<ProductId, ProductInfo>,
) -> Result<Value, ApiError> {
    let view = CartView::build(kind, lines, products)?;
    serde_json::to_value(view).map_err(|e| ApiError::internal(format!("cart view: {e}")))
}

/// `GET /cart`: a caller with no cart at all sees an empty one.
pub async fn get(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let Some(owner) = ctx.head.cart_owner()? else {
        return Ok(Reply::ok(view_of("guest", &[], &HashMap::new())?));
    };
    let lines = load(&owner)?;
    let products = products(ctx, &lines, None).await?;
    Ok(Reply::ok(view(&owner, &lines, &products)?))
}

/// `DELETE /cart`.
pub fn clear(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    db::query(&sql::clear(&owner(ctx)?))?;
    Ok(Reply::NoContent)
}

/// `POST /cart/items` `{product_id, quantity}`: adds to what the cart holds.
pub async fn add(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let owner = owner(ctx)?;
    let cmd = AddItem::try_from(json::<AddItemRequest>(ctx.body)?)?;
    let mut lines = load(&owner)?;
    let products = products(ctx, &lines, Some(cmd.product_id)).await?;
    let info = products.get(&cmd.product_id);
    let new_quantity = rules::check_add(&lines, info, cmd)?;
    let info = info.ok_or(OrderError::ProductUnavailable(cmd.product_id.to_text()))?;
    db::query(&sql::add(
        &owner,
        cmd.product_id,
        cmd.quantity.get(),
        info.unit_price_minor,
        info.currency,
    ))?;
    upsert_local(&mut lines, info, new_quantity);
    Ok(Reply::ok(view(&owner, &lines, &products)?))
}

/// `PATCH /cart/items/{product_id}` `{quantity}`.
pub async fn set_quantity(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let owner = owner(ctx)?;
    let id = ProductId::parse(id)?;
    let quantity = Quantity::parse(json::<SetQuantityRequest>(ctx.body)?.quantity)?;
    let mut lines = load(&owner)?;
    let products = products(ctx, &lines, None).await?;
    let info = products.get(&id);
    rules::check_set(&lines, info, id, quantity)?;
    let info = info.ok_or(OrderError::ProductUnavailable(id.to_text()))?;
    db::query(&sql::set(
        &owner,
        id,
        quantity.get(),
        info.unit_price_minor,
        info.currency,
    ))?;
    upsert_local(&mut lines, info, quantity.get());
    Ok(Reply::ok(view(&owner, &lines, &products)?))
}

/// `DELETE /cart/items/{product_id}`.
pub async fn remove(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let owner = owner(ctx)?;
    let id = ProductId::parse(id)?;
    if db::query(&sql::remove(&owner, id))?.is_empty() {
        return Err(OrderError::not_found("cart line", id.to_text()).into());
    }
    let lines = load(&owner)?;
    let products = products(ctx, &lines, None).await?;
    Ok(Reply::ok(view(&owner, &lines, &products)?))
}

/// `POST /cart/merge`: the guest cart (`x-redshop-cart`) into the signed-in user's, by the
/// rule of [`rules::merge`]; the guest cart is emptied. Answers the merged cart and what was
/// dropped.
pub async fn merge(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.signed_in()?;
    let guest = ctx.head.guest_cart()?.ok_or(OrderError::CartIdRequired)?;
    let (mine, theirs) = (CartOwner::User(user), CartOwner::Guest(guest));
    let user_lines = load(&mine)?;
    let guest_lines = load(&theirs)?;
    let mut all = user_lines.clone();
    all.extend(guest_lines.iter().cloned());
    let products = products(ctx, &all, None).await?;
    let merged = rules::merge(&user_lines, &guest_lines, &products);
    let db = Db::open()?;
    db.transaction(|db| -> Result<(), ApiError> {
        for (id, quantity) in &merged.upserts {
            let info = products
                .get(id)
                .ok_or(OrderError::ProductUnavailable(id.to_text()))?;
            db.query(&sql::set(
                &mine,
                *id,
                *quantity,
                info.unit_price_minor,
                info.currency,
            ))?;
        }
        db.query(&sql::clear(&theirs))?;
        Ok(())
    })?;
    drop(db);
    let lines = load(&mine)?;
    let mut body = view(&mine, &lines, &products)?;
    body["merge"] = json!({
        "merged": merged.upserts.len(),
        "dropped": merged
            .dropped
            .iter()
            .map(|(id, reason)| json!({ "product_id": id, "reason": reason }))
            .collect::<Vec<_>>(),
    });
    Ok(Reply::ok(body))
}

/// The cart after a write, without reading it again.
fn upsert_local(lines: &mut Vec<CartLine>, info: &ProductInfo, quantity: i64) {
    match lines.iter_mut().find(|l| l.product_id == info.id) {
        Some(line) => {
            line.quantity = quantity;
            line.added_unit_price_minor = info.unit_price_minor;
            line.added_currency = info.currency;
        }
        None => lines.push(CartLine {
            product_id: info.id,
            quantity,
            added_unit_price_minor: info.unit_price_minor,
            added_currency: info.currency,
        }),
    }
}
