//! The crate's single error type.
//!
//! Every failure a client can cause is one variant, and its stable machine code and HTTP
//! status live in [`OrderError::code`] and [`OrderError::status`] — one place, so the HTTP
//! adapter never invents a mapping of its own. Messages name the offending value and keep the
//! reason.

use serde::Serialize;

/// A cart or order line that cannot be had in the quantity asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub product_id: String,
    pub requested: i64,
    pub available: i64,
}

/// Everything that can go wrong in the order domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OrderError {
    #[error("invalid id: {0}")]
    InvalidId(String),
    #[error("invalid quantity: {0}")]
    InvalidQuantity(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    #[error("invalid identity header: {0}")]
    InvalidIdentity(String),
    /// Checkout without the header; the key is what makes a retried click safe.
    #[error("the Idempotency-Key header is required for checkout")]
    IdempotencyKeyRequired,
    #[error("invalid Idempotency-Key: {0}")]
    InvalidIdempotencyKey(String),
    /// A guest call that names no cart (`x-cart-id` / `redshop_cart` at the gateway).
    #[error("no cart: sign in or send a cart id")]
    CartIdRequired,
    /// A route for signed-in users called without `x-redshop-user`.
    #[error("sign in first")]
    Unauthenticated,
    #[error("{entity} not found: {key}")]
    NotFound { entity: &'static str, key: String },
    /// The product is unknown or no longer sold.
    #[error("product {0} is not available")]
    ProductUnavailable(String),
    #[error("not enough stock")]
    InsufficientStock(Vec<Shortfall>),
    #[error("the cart holds {cart} products; {offered} cannot be added to it")]
    CurrencyMismatch { cart: String, offered: String },
    #[error("the cart is full: at most {0} different products")]
    CartFull(usize),
    #[error("the cart is empty")]
    EmptyCart,
    #[error("cannot move an order from {current} to {requested}")]
    InvalidTransition { current: String, requested: String },
    #[error("this Idempotency-Key was used with a different request body")]
    IdempotencyKeyReused,
    #[error("a checkout with this Idempotency-Key is still in progress; retry shortly")]
    CheckoutInProgress,
    #[error("the payment was declined: {0}")]
    PaymentDeclined(String),
    /// An amount that does not fit in 64 bits of minor units: a bug or an absurd cart.
    #[error("amount out of range: {0}")]
    Overflow(String),
    /// The database or a decoder failed; never the client's fault.
    #[error("storage error: {0}")]
    Storage(String),
    /// A service this one depends on answered something it should not have.
    #[error("upstream error: {0}")]
    Upstream(String),
}

pub type Result<T> = std::result::Result<T, OrderError>;

impl OrderError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidId(_) => "invalid_id",
            Self::InvalidQuantity(_) => "invalid_quantity",
            Self::InvalidAddress(_) => "invalid_address",
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidCursor(_) => "invalid_cursor",
            Self::InvalidIdentity(_) => "invalid_identity",
            Self::IdempotencyKeyRequired => "idempotency_key_required",
            Self::InvalidIdempotencyKey(_) => "invalid_idempotency_key",
            Self::CartIdRequired => "cart_id_required",
            Self::Unauthenticated => "unauthenticated",
            Self::NotFound { .. } => "not_found",
            Self::ProductUnavailable(_) => "product_unavailable",
            Self::InsufficientStock(_) => "insufficient_stock",
            Self::CurrencyMismatch { .. } => "currency_mismatch",
            Self::CartFull(_) => "cart_full",
            Self::EmptyCart => "empty_cart",
            Self::InvalidTransition { .. } => "invalid_transition",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::CheckoutInProgress => "checkout_in_progress",
            Self::PaymentDeclined(_) => "payment_declined",
            Self::Overflow(_) | Self::Storage(_) | Self::Upstream(_) => "internal",
        }
    }

    /// The HTTP status (docs/contracts.md, Errors).
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidId(_)
            | Self::InvalidQuantity(_)
            | Self::InvalidAddress(_)
            | Self::InvalidRequest(_)
            | Self::InvalidCursor(_)
            | Self::InvalidIdentity(_)
            | Self::IdempotencyKeyRequired
            | Self::InvalidIdempotencyKey(_)
            | Self::CartIdRequired => 400,
            Self::Unauthenticated => 401,
            Self::PaymentDeclined(_) => 402,
            Self::NotFound { .. } => 404,
            Self::ProductUnavailable(_)
            | Self::InsufficientStock(_)
            | Self::CurrencyMismatch { .. }
            | Self::CartFull(_)
            | Self::EmptyCart
            | Self::InvalidTransition { .. }
            | Self::CheckoutInProgress => 409,
            Self::IdempotencyKeyReused => 422,
            Self::Overflow(_) | Self::Storage(_) | Self::Upstream(_) => 500,
        }
    }

    /// The JSON body of the error response, with the extra fields a code documents
    /// (`details` for `insufficient_stock`, `current_state` for `invalid_transition`). A 5xx
    /// says only "internal error"; its cause is for the log.
    pub fn body(&self) -> serde_json::Value {
        if self.status() >= 500 {
            return serde_json::json!({ "error": "internal", "message": "internal error" });
        }
        let mut body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        match self {
            Self::InsufficientStock(details) => {
                body["details"] = serde_json::to_value(details).unwrap_or_default();
            }
            Self::InvalidTransition { current, .. } => {
                body["current_state"] = serde_json::Value::String(current.clone());
            }
            _ => {}
        }
        body
    }

    pub fn not_found(entity: &'static str, key: impl Into<String>) -> Self {
        Self::NotFound {
            entity,
            key: key.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_side_failures_say_only_internal_error() {
        let e = OrderError::Storage("connection refused to 10.0.0.3".into());
        assert_eq!(e.status(), 500);
        assert_eq!(
            e.body(),
            serde_json::json!({ "error": "internal", "message": "internal error" })
        );
    }

    #[test]
    fn an_invalid_transition_reports_the_current_state() {
        let e = OrderError::InvalidTransition {
            current: "delivered".into(),
            requested: "cancelled".into(),
        };
        assert_eq!(e.status(), 409);
        assert_eq!(e.body()["current_state"], "delivered");
        assert_eq!(e.body()["error"], "invalid_transition");
    }

    #[test]
    fn insufficient_stock_lists_every_short_line() {
        let e = OrderError::InsufficientStock(vec![Shortfall {
            product_id: "p".into(),
            requested: 3,
            available: 1,
        }]);
        assert_eq!(
            e.body()["details"],
            serde_json::json!([{ "product_id": "p", "requested": 3, "available": 1 }])
        );
    }

    #[test]
    fn a_reused_key_is_422_and_a_decline_402() {
        assert_eq!(OrderError::IdempotencyKeyReused.status(), 422);
        assert_eq!(OrderError::PaymentDeclined("x".into()).status(), 402);
    }
}
