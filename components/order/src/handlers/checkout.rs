//! `POST /checkout`: one click, one order.
//!
//! 1. Parse the identity, the `Idempotency-Key` and the body (a malformed request is refused
//!    before the key is touched, so it can be corrected and sent with the same key).
//! 2. **Claim** the key (or replay its stored answer, or wait for the first request, or 422).
//! 3. Read the cart, price it with one batch lookup, read the customer from the user
//!    service, pick the address.
//! 4. **Reserve** the stock under the claim's order id (the product service's idempotency
//!    key), then **pay**; a decline (or any failure from here on) releases the reservation.
//! 5. **Record** in one transaction: the order, lines, status history, the `order.created`
//!    and `order.paid` outbox rows, the emptied cart, and the answer stored on the key.
//! 6. Flush the outbox.
//!
//! Answers the shopper caused (declined, out of stock, empty cart, …) are stored on the key
//! and replayed; a server failure gives the key back so the same click can be retried. A
//! crash between 4 and 5 leaves a claim in progress, which the flush's sweep finds after
//! `ABANDONED_AFTER_SECONDS` and releases.

use std::time::Duration;

use redshop_order::checkout::{CheckoutRequest, NewOrder, ShippingChoice, price_cart};
use redshop_order::error::OrderError;
use redshop_order::idempotency::{
    Decision, POLL_INTERVAL_MS, WAIT_FOR_FIRST_MS, decide, fingerprint, is_final,
};
use redshop_order::ids::{CartOwner, IdempotencyKey, OrderId, UserId};
use redshop_order::payment::{Charge, MockPayment, PaymentOutcome, PaymentProvider};
use redshop_order::sql::{cart as cart_sql, keys, orders as order_sql};
use serde_json::Value;

use super::Ctx;
use super::orders::read_full;
use crate::config::{PAYMENT_MODE_VARIABLE, variable_or};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::events;
use crate::reply::Reply;
use crate::request::json;
use crate::services;

/// The outcome of trying to claim a key.
enum Claim {
    /// This request owns the key; the order id to use.
    Owned(String),
    /// Answer with this instead (a replay).
    Answered(Reply),
}

pub async fn checkout(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let user = ctx.head.signed_in()?;
    let key = ctx.head.idempotency_key()?;
    let choice = ShippingChoice::try_from(json::<CheckoutRequest>(ctx.body)?)?;
    let order_id = match claim(user, &key, &fingerprint(ctx.body))? {
        Claim::Owned(id) => id,
        Claim::Answered(reply) => return Ok(reply),
    };
    match place(ctx, user, &key, &order_id, &choice).await {
        Ok(body) => {
            events::publish_pending();
            Ok(Reply::Json(201, body))
        }
        Err(e) => {
            // A commit whose answer was lost (the connection cut after COMMIT) may still
            // have recorded the order, and the key's answer with it: then that is the
            // answer, and its reservation must stay. If that cannot be known, nothing is
            // released and the claim is left to the sweep.
            match recorded(&order_id) {
                Ok(Some(body)) => {
                    events::publish_pending();
                    return Ok(Reply::Json(201, body));
                }
                Ok(None) => {}
                Err(check) => {
                    eprintln!(
                        "order: checkout {order_id} outcome unknown ({check}); left to the sweep"
                    );
                    return Err(e.into());
                }
            }
            // Whatever may be reserved under this order id is released first, even when the
            // reservation's own answer was lost (a connection cut after the product service
            // committed it): releasing is idempotent, and nothing reserved is a 404. Only
            // then is the attempt closed, by storing a final answer or giving the key back.
            // If the release fails, the claim stays in progress so that the sweep releases
            // the reservation after the abandon window: no reservation outlives its checkout.
            if let Err(release) = services::release(&order_id, ctx.request_id()).await {
                eprintln!(
                    "order: reservation {order_id} not released ({release}); left to the sweep"
                );
                return Err(e.into());
            }
            if is_final(e.status()) {
                let body = e.body();
                db::query(&keys::finish(user, &key, &order_id, e.status(), &body))?;
            } else if let Err(release) = db::query(&keys::release(user, &key, &order_id)) {
                eprintln!("order: checkout key not given back: {release}");
            }
            Err(e.into())
        }
    }
}

/// Claims the key, or decides what to answer instead (see `redshop_order::idempotency`).
fn claim(user: UserId, key: &IdempotencyKey, fp: &str) -> Result<Claim, ApiError> {
    let rounds = WAIT_FOR_FIRST_MS / POLL_INTERVAL_MS;
    for _ in 0..rounds {
        if let Some(order_id) = keys::decode_claim(&db::query(&keys::claim(user, key, fp))?)? {
            return Ok(Claim::Owned(order_id));
        }
        let Some(stored) = keys::decode_stored(&db::query(&keys::load(user, key))?)? else {
            // The first attempt failed and gave the key back: claim it again.
            continue;
        };
        match decide(&stored, fp)? {
            Decision::Replay { status, body } => {
                return Ok(Claim::Answered(Reply::Replayed(status, body)));
            }
            Decision::Reclaim => {
                db::query(&keys::delete_expired(user, key))?;
            }
            Decision::Wait => std::thread::sleep(Duration::from_millis(POLL_INTERVAL_MS)),
        }
    }
    Err(OrderError::CheckoutInProgress.into())
}

/// The answer body of order `order_id` if it was recorded.
fn recorded(order_id: &str) -> Result<Option<Value>, OrderError> {
    let db = Db::open()?;
    Ok(read_full(&db, OrderId::parse(order_id)?, None)?.map(|order| order.to_json()))
}

/// Steps 3–5 for a claimed key; the answer body of the new order.
async fn place(
    ctx: &Ctx<'_>,
    user: UserId,
    key: &IdempotencyKey,
    order_id: &str,
    choice: &ShippingChoice,
) -> Result<Value, OrderError> {
    let owner = CartOwner::User(user);
    let lines = cart_sql::decode_lines(&db::query(&cart_sql::lines(&owner))?)?;
    if lines.is_empty() {
        return Err(OrderError::EmptyCart);
    }
    let ids: Vec<_> = lines.iter().map(|l| l.product_id).collect();
    let products = services::lookup(&ids, ctx.request_id()).await?;
    let priced = price_cart(&lines, &products)?;
    let customer = services::customer(user, ctx.request_id()).await?;
    let shipping_address = customer.shipping_address(choice)?;
    services::reserve(order_id, &priced.lines, ctx.request_id()).await?;
    let new = NewOrder {
        id: order_id.to_owned(),
        user_id: user,
        priced,
        email: customer.email,
        name: customer.display_name,
        shipping_address,
        payment_reference: String::new(),
    };
    // A failure from here on is released by the caller (`checkout`).
    pay_and_record(new, &owner, key)
}

fn pay_and_record(
    mut new: NewOrder,
    owner: &CartOwner,
    key: &IdempotencyKey,
) -> Result<Value, OrderError> {
    let provider = MockPayment::parse(&variable_or(PAYMENT_MODE_VARIABLE, "approve"))?;
    let charge = Charge {
        order_id: &new.id,
        amount_minor: new.priced.totals.total_minor,
        currency: new.priced.currency,
    };
    match provider.charge(&charge) {
        PaymentOutcome::Approved { reference } => new.payment_reference = reference,
        PaymentOutcome::Declined { reason } => return Err(OrderError::PaymentDeclined(reason)),
    }
    let order_id = OrderId::parse(&new.id)?;
    let db = Db::open()?;
    db.transaction(|db| {
        let results = db.run_all(&order_sql::record(&new, owner)?)?;
        order_sql::decode_seq(results.first().map_or(&[][..], Vec::as_slice))?;
        let order = read_full(db, order_id, None)?
            .ok_or_else(|| OrderError::Storage("recorded order not found".into()))?;
        let body = order.to_json();
        let stored = db.query(&keys::finish(new.user_id, key, &new.id, 201, &body))?;
        if !order_sql::changed_one(&stored) {
            return Err(OrderError::Storage(format!(
                "checkout claim for order {} was swept as abandoned",
                new.id
            )));
        }
        Ok(body)
    })
}
