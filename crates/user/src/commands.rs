//! Request bodies and the commands they become. Each DTO refuses unknown fields, and each
//! command is built with `TryFrom`, so a handler holds only validated values.

use serde::Deserialize;

use crate::email::Email;
use crate::error::UserError;
use crate::password::{Attempt, Password};
use crate::profile::DisplayName;
use crate::secret::ResetToken;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

#[derive(Debug)]
pub struct Register {
    pub email: Email,
    pub password: Password,
    pub display_name: DisplayName,
}

impl TryFrom<RegisterRequest> for Register {
    type Error = UserError;

    fn try_from(r: RegisterRequest) -> Result<Self, UserError> {
        let email = Email::parse(&r.email)?;
        let password = Password::parse(&r.password)?;
        if password
            .as_str()
            .trim()
            .eq_ignore_ascii_case(email.as_str())
        {
            return Err(UserError::WeakPassword(
                "it must not be the email address".into(),
            ));
        }
        Ok(Register {
            email,
            password,
            display_name: DisplayName::parse(&r.display_name)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug)]
pub struct Login {
    pub email: Email,
    pub password: Attempt,
}

impl TryFrom<LoginRequest> for Login {
    type Error = UserError;

    fn try_from(r: LoginRequest) -> Result<Self, UserError> {
        Ok(Login {
            email: Email::parse(&r.email)?,
            password: Attempt::parse(&r.password)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    pub display_name: String,
}

impl TryFrom<UpdateProfileRequest> for DisplayName {
    type Error = UserError;

    fn try_from(r: UpdateProfileRequest) -> Result<Self, UserError> {
        DisplayName::parse(&r.display_name)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug)]
pub struct ChangePassword {
    pub current: Attempt,
    pub new: Password,
}

impl TryFrom<ChangePasswordRequest> for ChangePassword {
    type Error = UserError;

    fn try_from(r: ChangePasswordRequest) -> Result<Self, UserError> {
        Ok(ChangePassword {
            current: Attempt::parse(&r.current_password)?,
            new: Password::parse(&r.new_password)?,
        })
    }
}

/// `DELETE /me` asks for the password again: deleting an account cannot be undone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    pub password: String,
}

impl TryFrom<DeleteAccountRequest> for Attempt {
    type Error = UserError;

    fn try_from(r: DeleteAccountRequest) -> Result<Self, UserError> {
        Attempt::parse(&r.password)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

impl TryFrom<ResetRequest> for Email {
    type Error = UserError;

    fn try_from(r: ResetRequest) -> Result<Self, UserError> {
        Email::parse(&r.email)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmRequest {
    pub token: String,
    pub new_password: String,
}

#[derive(Debug)]
pub struct ResetConfirm {
    pub token: ResetToken,
    pub new: Password,
}

impl TryFrom<ResetConfirmRequest> for ResetConfirm {
    type Error = UserError;

    fn try_from(r: ResetConfirmRequest) -> Result<Self, UserError> {
        Ok(ResetConfirm {
            token: ResetToken::parse(&r.token).ok_or(UserError::InvalidResetToken)?,
            new: Password::parse(&r.new_password)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(json: serde_json::Value) -> Result<Register, UserError> {
        let r: RegisterRequest =
            serde_json::from_value(json).map_err(|e| UserError::InvalidField {
                field: "body",
                reason: e.to_string(),
            })?;
        Register::try_from(r)
    }

    #[test]
    fn registration_normalises_and_validates_each_field() {
        let r = register(serde_json::json!({
            "email": " Ada@Example.COM", "password": "violet tram at noon", "display_name": " Ada "
        }))
        .expect("valid");
        assert_eq!(r.email.as_str(), "Ada@example.com");
        assert_eq!(r.display_name.as_str(), "Ada");
        let e = register(
            serde_json::json!({ "email": "ada@x.io", "password": "short", "display_name": "A" }),
        );
        assert_eq!(e.err().map(|e| e.code()), Some("weak_password"));
    }

    #[test]
    fn the_email_is_not_a_password() {
        let e = register(serde_json::json!({
            "email": "long.name@example.com", "password": "long.name@example.com", "display_name": "A"
        }));
        assert!(matches!(e, Err(UserError::WeakPassword(_))));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = register(serde_json::json!({
            "email": "a@b.co", "password": "violet tram at noon", "display_name": "A", "role": "admin"
        }));
        assert!(matches!(
            e,
            Err(UserError::InvalidField { field: "body", .. })
        ));
    }

    #[test]
    fn a_reset_confirmation_needs_a_well_formed_token() {
        let r = ResetConfirmRequest {
            token: "nope".into(),
            new_password: "violet tram at noon".into(),
        };
        assert_eq!(
            ResetConfirm::try_from(r).err(),
            Some(UserError::InvalidResetToken)
        );
    }
}
