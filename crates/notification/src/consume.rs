//! One message in, its effects written exactly once.
//!
//! ```text
//! decode ──▶ rejected / skipped ──▶ INSERT inbox … ON CONFLICT DO NOTHING   (one statement)
//!        └─▶ event ──▶ BEGIN
//!                      INSERT inbox (handled) … ON CONFLICT DO NOTHING RETURNING seq
//!                          no row: someone recorded this id already ──▶ ROLLBACK, Duplicate
//!                      INSERT feeds … ON CONFLICT DO UPDATE (locks the user's feed row)
//!                          user erased ──▶ UPDATE inbox (skipped), COMMIT
//!                      INSERT notifications; MailTransport::send (INSERT mailbox)
//!                      COMMIT
//! ```
//!
//! The claim and the effects share one transaction, so a failure anywhere leaves no trace
//! and the host's retry starts from scratch; a redelivery after the commit finds the id
//! taken and writes nothing. The unique constraints on `notifications.event_id` and
//! `mailbox.event_id` back the inbox up: even a bug above could not write an event twice.
//!
//! Only storage failures are errors (the host retries the message). A message that can
//! never succeed is recorded as rejected or skipped and acknowledged.

use crate::error::Result;
use crate::event::{Decoded, Envelope, Event, decode};
use crate::ids::EventId;
use crate::mail::{MailTransport, OutgoingMail};
use crate::notice::{self, Notice};
use crate::render::{self, Email, Links};
use crate::sql::inbox::{self, Entry, Recorded};
use crate::sql::{BEGIN, Executor, Transaction, decode_single_int, feed, mailbox, transaction};

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// First delivery of an event: its notification and email (or its erasure) are written.
    Handled { id: EventId, kind: String },
    /// `user.deleted`: how many notifications and emails were erased.
    Erased {
        id: EventId,
        notifications: i64,
        emails: i64,
    },
    /// The event id was already recorded; nothing was written.
    Duplicate { id: EventId },
    /// Recorded as skipped: unknown type or version, or a user erased before it arrived.
    Skipped { id: EventId, reason: String },
    /// Recorded as rejected: the message is not an event this service can read.
    Rejected { id: Option<EventId>, reason: String },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Handled { id, kind } => write!(f, "handled {kind} {id}"),
            Self::Erased {
                id,
                notifications,
                emails,
            } => write!(
                f,
                "handled user.deleted {id}: erased {notifications} notification(s), {emails} email(s)"
            ),
            Self::Duplicate { id } => write!(f, "duplicate {id}: already recorded"),
            Self::Skipped { id, reason } => write!(f, "skipped {id}: {reason}"),
            Self::Rejected {
                id: Some(id),
                reason,
            } => write!(f, "rejected {id}: {reason}"),
            Self::Rejected { id: None, reason } => write!(f, "rejected (no id): {reason}"),
        }
    }
}

/// Reason recorded for an event that arrives after its user was erased.
pub const ERASED_REASON: &str = "user erased";

/// Handles one message; see the module docs. Errors are storage failures only.
pub fn consume<E: Executor, M: MailTransport>(
    db: &E,
    mail: &M,
    links: &Links,
    payload: &[u8],
) -> Result<Outcome> {
    match decode(payload) {
        Decoded::Reject {
            id,
            kind,
            version,
            reason,
            excerpt,
        } => {
            let entry = Entry {
                event_id: id,
                kind: kind.as_deref(),
                version,
                outcome: Recorded::Rejected,
                reason: Some(&reason),
                excerpt: Some(&excerpt),
            };
            let first = inbox::claimed(&db.query(&inbox::claim(&entry))?);
            Ok(match id {
                Some(id) if !first => Outcome::Duplicate { id },
                _ => Outcome::Rejected { id, reason },
            })
        }
        Decoded::Skip {
            id,
            kind,
            version,
            reason,
        } => {
            let entry = Entry {
                event_id: Some(id),
                kind: Some(&kind),
                version: Some(version),
                outcome: Recorded::Skipped,
                reason: Some(&reason),
                excerpt: None,
            };
            let first = inbox::claimed(&db.query(&inbox::claim(&entry))?);
            Ok(if first {
                Outcome::Skipped { id, reason }
            } else {
                Outcome::Duplicate { id }
            })
        }
        Decoded::Event { envelope, event } => {
            transaction(db, BEGIN, || apply(db, mail, links, &envelope, &event))
        }
    }
}

/// The transaction's body for a well-formed event.
fn apply<E: Executor, M: MailTransport>(
    db: &E,
    mail: &M,
    links: &Links,
    envelope: &Envelope,
    event: &Event,
) -> Result<Transaction<Outcome>> {
    let id = envelope.id;
    let entry = Entry {
        event_id: Some(id),
        kind: Some(&envelope.kind),
        version: Some(envelope.version),
        outcome: Recorded::Handled,
        reason: None,
        excerpt: None,
    };
    if !inbox::claimed(&db.query(&inbox::claim(&entry))?) {
        return Ok(Transaction::Rollback(Outcome::Duplicate { id }));
    }
    let user = &envelope.user_id;
    if let Event::UserDeleted = event {
        db.query(&feed::mark_erased(user))?;
        let notifications = decode_single_int(&db.query(&feed::delete_all(user))?)?;
        let emails = decode_single_int(&db.query(&mailbox::delete_all(user))?)?;
        return Ok(Transaction::Commit(Outcome::Erased {
            id,
            notifications,
            emails,
        }));
    }
    if feed::decode_erased(&db.query(&feed::touch(user))?)? {
        db.query(&inbox::settle(&id, Recorded::Skipped, ERASED_REASON))?;
        return Ok(Transaction::Commit(Outcome::Skipped {
            id,
            reason: ERASED_REASON.to_owned(),
        }));
    }
    let (notice, email) = effects(event, links);
    if let Some(notice) = notice {
        db.query(&feed::insert(
            &id,
            user,
            envelope.order_id.as_ref(),
            &notice,
        ))?;
    }
    if let Some(email) = email {
        mail.send(&OutgoingMail {
            event_id: id,
            kind: envelope.kind.clone(),
            user_id: *user,
            order_id: envelope.order_id,
            email,
        })?;
    }
    Ok(Transaction::Commit(Outcome::Handled {
        id,
        kind: envelope.kind.clone(),
    }))
}

/// The notification and the email an event produces.
fn effects(event: &Event, links: &Links) -> (Option<Notice>, Option<Email>) {
    match event {
        Event::Order { kind, order } => (
            Some(notice::for_order(*kind, order)),
            Some(render::order_email(*kind, order, links)),
        ),
        Event::PasswordResetRequested(reset) => (
            Some(notice::for_password_reset()),
            Some(render::password_reset(reset, links)),
        ),
        Event::UserDeleted => (None, None),
    }
}

#[cfg(test)]
mod tests;
