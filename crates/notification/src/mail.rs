//! Sending mail: the [`MailTransport`] seam, and the mock mailbox behind it.
//!
//! The consumer hands each rendered email to a transport inside the transaction that claims
//! the event. The shipped transport, [`Mailbox`], writes the message to the `mailbox` table
//! on that same connection, so the email exists exactly when the event is recorded as
//! handled, and a developer, an admin or a test can read it back.
//!
//! A real transport (SMTP, or an HTTP API such as Postmark or SES) must not talk to the
//! outside world from inside the transaction: a rollback cannot unsend a message, and a
//! slow server would hold the inbox row's lock. It plugs in as an outbox instead: keep
//! [`Mailbox`] as the transport (the row is the "to send" record, written atomically with
//! the event), and let a sender — a second Redis-triggered or scheduled component — read
//! unsent rows, submit each with the mailbox id as the provider's idempotency key or
//! `Message-ID`, and mark it sent. Delivery to the provider is then at least once, and the
//! provider's deduplication makes it once. docs/services/notification.md has the steps.

use crate::error::Result;
use crate::ids::{EventId, OrderId, UserId};
use crate::render::Email;
use crate::sql::{Executor, mailbox};

/// An email with what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub event_id: EventId,
    /// The event `type` that caused it.
    pub kind: String,
    pub user_id: UserId,
    pub order_id: Option<OrderId>,
    pub email: Email,
}

/// Somewhere mail goes. `send` runs inside the consumer's transaction: an error rolls the
/// whole event back (and the host retries it), so a transport must only fail for reasons a
/// retry can fix.
pub trait MailTransport {
    fn send(&self, mail: &OutgoingMail) -> Result<()>;
}

/// The mock transport: each message becomes a `mailbox` row, on the connection (and so in
/// the transaction) of the executor it wraps.
#[derive(Debug)]
pub struct Mailbox<'a, E> {
    db: &'a E,
}

impl<'a, E: Executor> Mailbox<'a, E> {
    pub fn new(db: &'a E) -> Self {
        Self { db }
    }
}

impl<E: Executor> MailTransport for Mailbox<'_, E> {
    fn send(&self, mail: &OutgoingMail) -> Result<()> {
        self.db.query(&mailbox::insert(mail)).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::SqlValue;
    use crate::sql::testing::Script;

    #[test]
    fn the_mailbox_writes_one_row_with_the_rendered_message() {
        let db = Script::new(vec![]);
        let mail = OutgoingMail {
            event_id: EventId::parse("33333333-3333-4333-8333-333333333333").unwrap(),
            kind: "order.paid".into(),
            user_id: UserId::parse("11111111-1111-4111-8111-111111111111").unwrap(),
            order_id: None,
            email: Email {
                to: "ada@example.com".into(),
                subject: "s".into(),
                text: "t".into(),
                html: "<p>h</p>".into(),
            },
        };
        Mailbox::new(&db).send(&mail).unwrap();
        assert_eq!(db.trace(), ["INSERT mailbox"]);
        let stmt = db.stmts.borrow()[0].clone();
        assert!(
            stmt.params
                .contains(&SqlValue::Text("ada@example.com".into()))
        );
        assert!(stmt.params.contains(&SqlValue::Text("<p>h</p>".into())));
    }
}
