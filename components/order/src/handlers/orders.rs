//! Orders: the shopper's history and cancellation, the admin's listing and status changes.
//!
//! Another user's order is answered exactly like a missing one (`404`): the owner is part of
//! the query, so the service never even reads it.

use redshop_order::error::OrderError;
use redshop_order::event;
use redshop_order::ids::{OrderId, UserId};
use redshop_order::order::OrderRecord;
use redshop_order::page::{PageRequest, encode_cursor};
use redshop_order::sql::orders::{self as sql, ListFilter};
use redshop_order::status::{OrderStatus, StockAction};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Ctx;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::events;
use crate::reply::Reply;
use crate::request::json;
use crate::services;

/// One order with its lines and history; `owner` restricts it to that user's orders.
pub fn read_full(
    db: &Db,
    id: OrderId,
    owner: Option<UserId>,
) -> Result<Option<OrderRecord>, OrderError> {
    let Some(mut order) = sql::decode_one(&db.query(&sql::get(id, owner))?)? else {
        return Ok(None);
    };
    order.lines = sql::decode_lines(&db.query(&sql::lines(id))?)?;
    order.history = sql::decode_history(&db.query(&sql::history_of(id))?)?;
    Ok(Some(order))
}

fn find(id: OrderId, owner: Option<UserId>) -> Result<OrderRecord, OrderError> {
    read_full(&Db::open()?, id, owner)?.ok_or_else(|| OrderError::not_found("order", id.to_text()))
}

/// An order id from the path; a malformed one is as missing as an unknown one.
fn order_id(raw: &str) -> Result<OrderId, OrderError> {
    OrderId::parse(raw)
        .map_err(|_| OrderError::not_found("order", raw.chars().take(40).collect::<String>()))
}

/// `GET /orders?limit&cursor`: the signed-in user's orders, newest first.
pub fn mine(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.signed_in()?;
    ctx.head.only_params(&["limit", "cursor"])?;
    list(ctx, Some(user), None)
}

/// `GET /admin/orders?status&user_id&limit&cursor`: every order, newest first.
pub fn all(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    ctx.head
        .only_params(&["status", "user_id", "limit", "cursor"])?;
    let status = ctx
        .head
        .param("status")?
        .map(OrderStatus::parse)
        .transpose()?;
    let user = ctx.head.param("user_id")?.map(UserId::parse).transpose()?;
    list(ctx, user, status)
}

fn list(
    ctx: &Ctx<'_>,
    user: Option<UserId>,
    status: Option<OrderStatus>,
) -> Result<Reply, ApiError> {
    let page = PageRequest::parse(ctx.head.param("limit")?, ctx.head.param("cursor")?)?;
    let filter = ListFilter {
        user,
        status,
        before_seq: page.before_seq,
        fetch: page.limit + 1,
    };
    let mut orders = sql::decode_many(&db::query(&sql::list(&filter))?)?;
    let more = i64::try_from(orders.len()).unwrap_or(i64::MAX) > page.limit;
    orders.truncate(usize::try_from(page.limit).unwrap_or(0));
    let next = more
        .then(|| orders.last().map(|o| encode_cursor(o.seq)))
        .flatten();
    let items: Vec<Value> = orders.iter().map(OrderRecord::summary_json).collect();
    Ok(Reply::ok(
        json!({ "items": items, "next_cursor": next, "limit": page.limit }),
    ))
}

/// `GET /orders/{id}`: one of the user's orders with lines, totals and status history.
pub fn one_of_mine(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let user = ctx.head.signed_in()?;
    Ok(Reply::ok(find(order_id(id)?, Some(user))?.to_json()))
}

/// `POST /orders/{id}/cancel`: the shopper cancels an order that has not shipped.
pub async fn cancel(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let user = ctx.head.signed_in()?;
    let order = find(order_id(id)?, Some(user))?;
    let done = transition(
        ctx,
        order,
        OrderStatus::Cancelled,
        Some("cancelled by the customer"),
    )
    .await?;
    Ok(Reply::ok(done.to_json()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetStatusRequest {
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /admin/orders/{id}/status` `{status, reason?}`: advance (or cancel) any order.
pub async fn set_status(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let req = json::<SetStatusRequest>(ctx.body)?;
    let target = OrderStatus::parse(&req.status)?;
    let reason = req.reason.map(|r| r.chars().take(200).collect::<String>());
    let order = find(order_id(id)?, None)?;
    let reason = reason.as_deref().or(Some("cancelled by the shop"));
    let done = transition(ctx, order, target, reason).await?;
    Ok(Reply::ok(done.to_json()))
}

/// Moves `order` to `to`: the domain checks the move and names the stock action, the product
/// service commits or releases (both idempotent), and one transaction moves the order only
/// from the status it was read in, with its history entry and outbox event.
async fn transition(
    ctx: &Ctx<'_>,
    order: OrderRecord,
    to: OrderStatus,
    reason: Option<&str>,
) -> Result<OrderRecord, ApiError> {
    let from = order.status;
    let action = from.transition(to)?;
    match action {
        StockAction::Commit => services::commit(&order.id, ctx.request_id()).await?,
        StockAction::Release => services::release(&order.id, ctx.request_id()).await?,
        StockAction::None => {}
    }
    let reason = (to == OrderStatus::Cancelled).then_some(reason).flatten();
    let id = order_id(&order.id)?;
    let db = Db::open()?;
    let moved = db.transaction(|db| -> Result<bool, OrderError> {
        if !sql::changed_one(&db.query(&sql::transition(&order.id, from, to, reason))?) {
            return Ok(false);
        }
        db.query(&sql::history(&order.id, to))?;
        db.query(&event::outbox_insert(&order, to, reason))?;
        Ok(true)
    })?;
    let now =
        read_full(&db, id, None)?.ok_or_else(|| OrderError::not_found("order", id.to_text()))?;
    drop(db);
    if !moved {
        // Another change came first; report where the order is now.
        return Err(OrderError::InvalidTransition {
            current: now.status.as_str().into(),
            requested: to.as_str().into(),
        }
        .into());
    }
    events::publish_pending();
    Ok(now)
}
