//! The crate's one error type. Each variant has a stable snake_case [`UserError::code`] that
//! clients branch on, and the HTTP status the component answers with
//! ([`UserError::status`]); the message is for people and may change.

/// Everything the user service's rules can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("invalid email: {0}")]
    InvalidEmail(String),
    #[error("invalid password: {0}")]
    WeakPassword(String),
    #[error("invalid display name: {0}")]
    InvalidName(String),
    #[error("invalid address: {field}: {reason}")]
    InvalidAddress { field: &'static str, reason: String },
    #[error("invalid {field}: {reason}")]
    InvalidField { field: &'static str, reason: String },
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("the email or password is wrong")]
    InvalidCredentials,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("sign in first")]
    Unauthenticated,
    #[error("the refresh token is missing, expired or revoked")]
    InvalidRefreshToken,
    #[error("this refresh token was already used; the session has been ended")]
    RefreshTokenReused,
    #[error("the reset token is unknown, used or expired")]
    InvalidResetToken,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("at most {0} addresses per account")]
    TooManyAddresses(usize),
    #[error("an account always has one default address; make another one the default instead")]
    DefaultAddressRequired,
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// A failure of the database, Redis or a schema that drifted: never the client's fault.
    #[error("storage: {0}")]
    Storage(String),
}

impl UserError {
    /// The stable code of the error JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidEmail(_) => "invalid_email",
            Self::WeakPassword(_) => "weak_password",
            Self::InvalidName(_) => "invalid_display_name",
            Self::InvalidAddress { .. } => "invalid_address",
            Self::InvalidField { .. } => "invalid_field",
            Self::EmailTaken => "email_taken",
            Self::InvalidCredentials => "invalid_credentials",
            Self::WrongPassword => "wrong_password",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidRefreshToken => "invalid_refresh_token",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::InvalidResetToken => "invalid_reset_token",
            Self::NotFound(_) => "not_found",
            Self::TooManyAddresses(_) => "too_many_addresses",
            Self::DefaultAddressRequired => "default_address_required",
            Self::Throttled { .. } => "too_many_attempts",
            Self::Storage(_) => "internal",
        }
    }

    /// The HTTP status (docs/contracts.md, Errors).
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidEmail(_)
            | Self::WeakPassword(_)
            | Self::InvalidName(_)
            | Self::InvalidAddress { .. }
            | Self::InvalidField { .. }
            | Self::InvalidResetToken => 400,
            Self::InvalidCredentials
            | Self::WrongPassword
            | Self::Unauthenticated
            | Self::InvalidRefreshToken
            | Self::RefreshTokenReused => 401,
            Self::NotFound(_) => 404,
            Self::EmailTaken | Self::TooManyAddresses(_) | Self::DefaultAddressRequired => 409,
            Self::Throttled { .. } => 429,
            Self::Storage(_) => 500,
        }
    }

    /// The field an invalid input names, for the error JSON's `field`.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::InvalidEmail(_) => Some("email"),
            Self::WeakPassword(_) => Some("password"),
            Self::InvalidName(_) => Some("display_name"),
            Self::InvalidAddress { field, .. } | Self::InvalidField { field, .. } => Some(field),
            _ => None,
        }
    }
}

pub type Result<T, E = UserError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_error_is_4xx_and_storage_is_500() {
        assert_eq!(UserError::EmailTaken.status(), 409);
        assert_eq!(UserError::InvalidCredentials.status(), 401);
        assert_eq!(
            UserError::Throttled {
                retry_after_secs: 3
            }
            .status(),
            429
        );
        assert_eq!(UserError::Storage("x".into()).status(), 500);
        assert_eq!(UserError::Storage("x".into()).code(), "internal");
    }
}
