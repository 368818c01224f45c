//! The crate's single error type, with its stable code and HTTP status in one place.
//!
//! Event problems are not errors: a malformed or unknown event is an outcome the consumer
//! records ([`crate::event::Decoded`]). What remains here is what an HTTP caller can get
//! wrong, and storage failures, which are never the caller's fault.

/// Everything that can go wrong in the notification domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A path id that is not a UUID.
    #[error("invalid {what} id: {value}")]
    InvalidId { what: &'static str, value: String },
    /// A query parameter with a bad value.
    #[error("invalid query parameter `{param}`: {reason}")]
    InvalidQuery { param: String, reason: String },
    /// A query parameter the route does not take.
    #[error("unknown query parameter `{0}`")]
    UnknownParameter(String),
    /// No such thing, or not the caller's (the contract never says which).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The database answered something the statements cannot produce, or failed. Always a
    /// 500; the component logs the text and sends none of it.
    #[error("storage: {0}")]
    Storage(String),
}

impl DomainError {
    /// Stable machine-readable code (the `error` field); never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidId { .. } => "invalid_id",
            Self::InvalidQuery { .. } => "invalid_query",
            Self::UnknownParameter(_) => "unknown_parameter",
            Self::NotFound(_) => "not_found",
            Self::Storage(_) => "internal",
        }
    }

    /// The HTTP status the component answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidId { .. } | Self::InvalidQuery { .. } | Self::UnknownParameter(_) => 400,
            Self::NotFound(_) => 404,
            Self::Storage(_) => 500,
        }
    }

    /// A server error that PostgreSQL says is safe to retry as a whole transaction:
    /// `serialization_failure` (40001) or `deadlock_detected` (40P01).
    pub fn retryable_sqlstate(sqlstate: &str) -> bool {
        matches!(sqlstate, "40001" | "40P01")
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_are_4xx_and_storage_is_a_bare_internal_500() {
        let bad = DomainError::InvalidId {
            what: "notification",
            value: "x".into(),
        };
        assert_eq!((bad.status(), bad.code()), (400, "invalid_id"));
        let missing = DomainError::NotFound("notification");
        assert_eq!((missing.status(), missing.code()), (404, "not_found"));
        let storage = DomainError::Storage("boom".into());
        assert_eq!((storage.status(), storage.code()), (500, "internal"));
    }

    #[test]
    fn only_deadlocks_and_serialization_failures_are_retryable() {
        assert!(DomainError::retryable_sqlstate("40P01"));
        assert!(DomainError::retryable_sqlstate("40001"));
        assert!(!DomainError::retryable_sqlstate("23505"));
    }
}
