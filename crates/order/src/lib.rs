//! Red Shopping's order service domain: cart, totals, checkout, the order life cycle and the
//! order events, as plain Rust (no spin-sdk), unit-tested natively.
//!
//! The Spin component adapts HTTP, Postgres and Redis to this crate and holds no rules of its
//! own. What the rules promise:
//!
//! - **A client never sets a price.** Cart lines keep a product and a quantity; prices,
//!   names and availability come from the product service on every view ([`cart`]), and
//!   totals are computed here in integer minor units with explicit tax and shipping rules
//!   ([`totals`]).
//! - **One click, one order.** Checkout is keyed by the shopper's `Idempotency-Key`; the same
//!   key and body replay the first answer, another body is refused ([`idempotency`]).
//! - **Guarded transitions.** `pending → paid → shipped → delivered`, `cancelled` from
//!   pending or paid, each with a timestamp and the stock action it implies ([`status`]).
//! - **No lost events.** Every state change writes its event to the outbox in the same
//!   transaction ([`sql`]); [`event`] builds the versioned envelope that is published.

pub mod cart;
pub mod checkout;
pub mod error;
pub mod event;
pub mod idempotency;
pub mod ids;
pub mod migrations;
pub mod money;
pub mod order;
pub mod page;
pub mod payment;
pub mod product;
pub mod sql;
pub mod status;
pub mod totals;
