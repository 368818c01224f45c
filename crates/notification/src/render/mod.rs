//! Emails: one message per event type, as subject, plain text and HTML.
//!
//! The two bodies say the same thing. The plain-text one is what a careful mail client
//! shows and what tests read; the HTML one is a small table-based document (the layout
//! mail clients render consistently). Every value from an event is HTML-escaped where it
//! enters the HTML body ([`escape_html`]), including inside attributes, and was already
//! stripped of control characters when the event was decoded, so no field can add a mail
//! header or markup.

mod account;
pub(crate) mod order;

pub use account::password_reset;
pub use order::order_email;

use crate::text::escape_html;

/// Product name in every subject and signature.
pub const SHOP_NAME: &str = "Red Shopping";

/// The storefront's base URL, for links in emails (in-app links are relative paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    /// `https://shop.example` (a trailing `/` is dropped).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim().trim_end_matches('/').to_owned(),
        }
    }

    /// The storefront page of an order: `/orders/{id}`.
    pub fn order_path(order_id: &crate::ids::OrderId) -> String {
        format!("/orders/{order_id}")
    }

    /// An absolute URL for a storefront path.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The HTML document around a body: inline styles only, as mail clients strip `<style>`.
fn html_page(title: &str, inner: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body style=\"font-family:Helvetica,Arial,sans-serif;color:#222;margin:0;padding:24px\">\n\
         <h1 style=\"color:#c62828;font-size:20px\">{SHOP_NAME}</h1>\n{inner}\
         <p style=\"color:#777;font-size:12px\">{SHOP_NAME}</p>\n</body></html>\n",
        escape_html(title)
    )
}

/// `Hello Ada,` or `Hello,` when the name is unknown.
fn greeting(name: &str) -> String {
    if name.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Hello {name},")
    }
}

#[cfg(test)]
mod tests;
