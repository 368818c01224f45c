//! Stock: audited adjustments (back office) and reservations (the order service).
//!
//! Reservations run as the domain crate's transaction plans on one connection; the plans
//! take the row locks, decide, and keep `0 <= reserved <= on_hand` under any concurrency.
//! The order id is the idempotency key: a fresh reservation answers 201, a replay of the same
//! lines 200 with the stored reservation and `"replayed": true`, and changes nothing.

use redshop_product::domain::{
    AdjustStock, AdjustStockRequest, ProductId, ReservationRef, ReserveStock, ReserveStockRequest,
    StockLevel,
};
use redshop_product::sql::plans::{ReservePlan, TransitionPlan};
use redshop_product::sql::stock;
use serde_json::{Value, json};

use super::Ctx;
use crate::error::ApiError;
use crate::reply::{Reply, to_json};
use crate::request::json;

/// `GET /products/{id}/stock`.
pub fn get_stock(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let id = ProductId::parse(id)?;
    let level = stock::decode_stock_level(&ctx.db()?.query(&stock::stock_level(id))?, id)?;
    Ok(Reply::ok(level_json(id, level)))
}

/// `POST /products/{id}/stock` `{delta, reason, note?}`: changes `on_hand` and writes the
/// audit row in one statement; taking away units that are reserved is a 409.
pub fn adjust_stock(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let id = ProductId::parse(id)?;
    let cmd = AdjustStock::from_request(id, json::<AdjustStockRequest>(ctx.body)?)?;
    let rows = ctx.db()?.query(&stock::adjust_stock(&cmd))?;
    let level = stock::decode_adjust(&cmd, &rows)?;
    Ok(Reply::ok(level_json(id, level)))
}

/// `POST /reservations` `{order_id, lines: [{product_id, quantity}]}`: all lines or none.
pub fn reserve(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let cmd = ReserveStock::try_from(json::<ReserveStockRequest>(ctx.body)?)?;
    let outcome = ctx.db()?.transaction(&ReservePlan::new(cmd))?;
    let status = if outcome.replayed { 200 } else { 201 };
    Ok(Reply::Json(status, to_json(&outcome)?))
}

/// `POST /reservations/{order_id}/release`: the units go back to `available`.
pub fn release(ctx: &Ctx<'_>, order_id: &str) -> Result<Reply, ApiError> {
    let order = ReservationRef::parse(order_id)?;
    let outcome = ctx
        .db()?
        .transaction(&TransitionPlan::release(order.order_id))?;
    Ok(Reply::ok(to_json(&outcome)?))
}

/// `POST /reservations/{order_id}/commit`: the units leave `on_hand` for good.
pub fn commit(ctx: &Ctx<'_>, order_id: &str) -> Result<Reply, ApiError> {
    let order = ReservationRef::parse(order_id)?;
    let outcome = ctx
        .db()?
        .transaction(&TransitionPlan::commit(order.order_id))?;
    Ok(Reply::ok(to_json(&outcome)?))
}

fn level_json(id: ProductId, level: StockLevel) -> Value {
    json!({
        "product_id": id,
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "available": level.available(),
    })
}
