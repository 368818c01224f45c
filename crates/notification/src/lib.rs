//! The notification service's rules: what an event means, what it sends, and how it is
//! recorded exactly once.
//!
//! The Spin component adapts Redis messages, HTTP requests and Spin's Postgres to this
//! crate and decides nothing itself. The rules it relies on:
//!
//! - **Every message is classified before anything is written** ([`event::decode`]): a
//!   well-formed event of a known type and version, an event to skip (a type or version this
//!   service does not know), or a rejected message (not an envelope, or bad `data`). Nothing
//!   a publisher sends can make the consumer fail for good: a poison message is recorded and
//!   acknowledged, because a failing handler is retried by the host.
//! - **Exactly once in effect** ([`consume`]): the event id is claimed in the `inbox` table,
//!   whose unique constraint makes every later delivery of the same id a no-op, in the same
//!   transaction that writes the notification and the email. A crash before `COMMIT` leaves
//!   nothing behind, so the host's retry starts clean.
//! - **Rendering is pure** ([`render`], [`notice`]): subject, plain text and HTML per event
//!   type, with every interpolated value HTML-escaped ([`text::escape_html`]).
//! - **Mail goes through a [`mail::MailTransport`]**; the one shipped is the database
//!   mailbox, which writes inside the consumer's transaction.
//! - **SQL is data** ([`sql`]): statements with typed placeholders, values only as
//!   parameters, results decoded here.

pub mod consume;
pub mod error;
pub mod event;
pub mod ids;
pub mod mail;
pub mod migrations;
pub mod money;
pub mod notice;
pub mod query;
pub mod render;
pub mod sql;
pub mod text;
pub mod time;

#[cfg(test)]
pub(crate) mod fixtures;
