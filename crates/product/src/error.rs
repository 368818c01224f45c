//! The crate's single error type.
//!
//! Every failure a client can cause maps to exactly one variant, and the stable machine code and
//! HTTP status of every variant live in [`DomainError::code`] and [`DomainError::status`] — one
//! place, so the HTTP adapter never invents its own mapping. Messages name the offending value or
//! field and keep the reason, because a 400 that only says "invalid" costs a support ticket.

use serde::Serialize;

/// A line of a reservation that could not be satisfied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    /// Product id (UUID text) of the short line.
    pub product_id: String,
    /// Quantity the order asked for.
    pub requested: i64,
    /// Quantity that was available (on hand minus reserved) when the rows were locked.
    pub available: i64,
}

/// Everything that can go wrong in the product domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("invalid product id: {0}")]
    InvalidId(String),
    #[error("invalid slug: {0}")]
    InvalidSlug(String),
    #[error("invalid sku: {0}")]
    InvalidSku(String),
    #[error("invalid name: {0}")]
    InvalidName(String),
    #[error("invalid description: {0}")]
    InvalidDescription(String),
    #[error("invalid category: {0}")]
    InvalidCategory(String),
    #[error("invalid brand: {0}")]
    InvalidBrand(String),
    #[error("invalid currency: {0}")]
    InvalidCurrency(String),
    #[error("invalid price: {0}")]
    InvalidMoney(String),
    #[error("invalid quantity: {0}")]
    InvalidQuantity(String),
    #[error("invalid image url: {0}")]
    InvalidImage(String),
    #[error("invalid attributes: {0}")]
    InvalidAttributes(String),
    #[error("invalid stock adjustment: {0}")]
    InvalidStockAdjustment(String),
    /// A structurally valid request that is not a meaningful command (empty update, no lines, …).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("invalid query parameter `{param}`: {reason}")]
    InvalidQuery { param: String, reason: String },
    #[error("unknown query parameter `{0}`")]
    UnknownParameter(String),
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    #[error("{entity} not found: {key}")]
    NotFound { entity: &'static str, key: String },
    #[error("insufficient stock for {} line(s): {}", .0.len(), describe_shortfalls(.0))]
    InsufficientStock(Vec<Shortfall>),
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database answered with something the statements cannot produce (wrong column count,
    /// a row that violates an invariant). Always a bug or a schema drift, never the client's fault.
    #[error("storage returned an unexpected result: {0}")]
    Storage(String),
}

fn describe_shortfalls(lines: &[Shortfall]) -> String {
    lines
        .iter()
        .map(|s| {
            format!(
                "{} (requested {}, available {})",
                s.product_id, s.requested, s.available
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl DomainError {
    /// Stable machine-readable code; clients may branch on it, so never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidId(_) => "invalid_id",
            Self::InvalidSlug(_) => "invalid_slug",
            Self::InvalidSku(_) => "invalid_sku",
            Self::InvalidName(_) => "invalid_name",
            Self::InvalidDescription(_) => "invalid_description",
            Self::InvalidCategory(_) => "invalid_category",
            Self::InvalidBrand(_) => "invalid_brand",
            Self::InvalidCurrency(_) => "invalid_currency",
            Self::InvalidMoney(_) => "invalid_price",
            Self::InvalidQuantity(_) => "invalid_quantity",
            Self::InvalidImage(_) => "invalid_image",
            Self::InvalidAttributes(_) => "invalid_attributes",
            Self::InvalidStockAdjustment(_) => "invalid_stock_adjustment",
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidQuery { .. } => "invalid_query",
            Self::UnknownParameter(_) => "unknown_parameter",
            Self::InvalidCursor(_) => "invalid_cursor",
            Self::NotFound { .. } => "not_found",
            Self::InsufficientStock(_) => "insufficient_stock",
            Self::Conflict(_) => "conflict",
            Self::Storage(_) => "storage_error",
        }
    }

    /// HTTP status the adapter must answer with.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound { .. } => 404,
            Self::InsufficientStock(_) | Self::Conflict(_) => 409,
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    /// Maps a PostgreSQL SQLSTATE (from a failed statement) to the domain error it means.
    ///
    /// `constraint` is the constraint name when the driver reports one; the names are those
    /// declared in `migrations/`. Unknown states are storage errors (500).
    pub fn from_sqlstate(sqlstate: &str, constraint: Option<&str>, message: &str) -> Self {
        let what = constraint.unwrap_or("constraint");
        match sqlstate {
            // unique_violation: duplicate slug / sku / category slug.
            "23505" => Self::Conflict(format!("{what} already exists ({message})")),
            // foreign_key_violation: unknown category on insert, or delete of a referenced row.
            "23503" => match constraint {
                Some("products_category_fk") => Self::InvalidCategory(format!(
                    "category does not exist or is still in use ({message})"
                )),
                _ => Self::Conflict(format!("{what} still referenced ({message})")),
            },
            // check_violation: a stock invariant (reserved <= on_hand, on_hand >= 0) would break.
            "23514" => Self::Conflict(format!("{what} would be violated ({message})")),
            // serialization_failure / deadlock_detected: safe to retry the whole transaction.
            "40001" | "40P01" => Self::Conflict(format!("concurrent update, retry ({message})")),
            _ => Self::Storage(format!("sqlstate {sqlstate}: {message}")),
        }
    }

    /// The JSON body the adapter should send: `{"error": {"code", "message", "details"?}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "code": self.code(), "message": self.to_string() });
        if let Self::InsufficientStock(lines) = self {
            body["details"] = serde_json::json!(lines);
        }
        serde_json::json!({ "error": body })
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_are_400_and_state_errors_are_404_or_409() {
        assert_eq!(DomainError::InvalidSlug("x".into()).status(), 400);
        assert_eq!(
            DomainError::NotFound {
                entity: "product",
                key: "a".into()
            }
            .status(),
            404
        );
        assert_eq!(DomainError::Conflict("x".into()).status(), 409);
        assert_eq!(DomainError::InsufficientStock(vec![]).status(), 409);
        assert_eq!(DomainError::Storage("x".into()).status(), 500);
    }

    #[test]
    fn insufficient_stock_message_names_every_short_line() {
        let err = DomainError::InsufficientStock(vec![Shortfall {
            product_id: "p1".into(),
            requested: 3,
            available: 1,
        }]);
        assert_eq!(err.code(), "insufficient_stock");
        assert!(err.to_string().contains("p1 (requested 3, available 1)"));
        assert_eq!(err.to_json()["error"]["details"][0]["available"], 1);
    }

    #[test]
    fn sqlstates_map_to_conflicts_and_unknown_ones_to_storage() {
        assert_eq!(
            DomainError::from_sqlstate("23505", Some("products_slug_key"), "dup").code(),
            "conflict"
        );
        assert_eq!(
            DomainError::from_sqlstate("23503", Some("products_category_fk"), "fk").code(),
            "invalid_category"
        );
        assert_eq!(
            DomainError::from_sqlstate("40P01", None, "deadlock").status(),
            409
        );
        assert_eq!(
            DomainError::from_sqlstate("XX000", None, "boom").status(),
            500
        );
    }
}
