//! The password-reset email.

use super::{Email, Links, SHOP_NAME, greeting, html_page};
use crate::event::PasswordReset;
use crate::text::{escape_html, percent_encode};
use crate::time::format_utc_minutes;

/// The storefront page that takes a reset token: `/reset-password?token=…`.
pub const RESET_PATH: &str = "/reset-password";

/// The email with the single-use link. The token appears in the link only.
pub fn password_reset(reset: &PasswordReset, links: &Links) -> Email {
    let url = links.absolute(&format!(
        "{RESET_PATH}?token={}",
        percent_encode(&reset.token)
    ));
    let expires = format_utc_minutes(reset.expires_ms);
    let subject = format!("Reset your {SHOP_NAME} password");
    let ignore = "If you did not ask for this, ignore this email: your password stays as it is.";
    let text = format!(
        "{}\n\nSomeone (we hope you) asked to reset the password of your {SHOP_NAME} account.\n\
         Choose a new one here:\n\n  {url}\n\nThe link works once, until {expires}.\n{ignore}\n\n\
         {SHOP_NAME}\n",
        greeting(&reset.name)
    );
    let inner = format!(
        "<p>{}</p>\n<p>Someone (we hope you) asked to reset the password of your {SHOP_NAME} \
         account.</p>\n<p><a href=\"{}\">Choose a new password</a></p>\n\
         <p>The link works once, until {}.</p>\n<p>{}</p>\n",
        escape_html(&greeting(&reset.name)),
        escape_html(&url),
        escape_html(&expires),
        escape_html(ignore),
    );
    Email {
        to: reset.email.clone(),
        html: html_page(&subject, &inner),
        subject,
        text,
    }
}
