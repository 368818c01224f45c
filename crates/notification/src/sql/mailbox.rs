//! The mock mailbox: every email sent, newest first for the admin.

use serde::Serialize;

use super::{Binder, Cols, Row, Stmt, epoch_ms};
use crate::error::Result;
use crate::ids::{EventId, MailId, OrderId, UserId};
use crate::mail::OutgoingMail;
use crate::query::MailboxQuery;

/// Stores one email.
pub fn insert(mail: &OutgoingMail) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "INSERT INTO mailbox (event_id, kind, user_id, order_id, recipient, subject, \
         text_body, html_body) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
        b.uuid(&mail.event_id),
        b.text(&mail.kind),
        b.uuid(&mail.user_id),
        b.opt_uuid(mail.order_id.as_ref()),
        b.text(&mail.email.to),
        b.text(&mail.email.subject),
        b.text(&mail.email.text),
        b.text(&mail.email.html),
    );
    b.finish(sql)
}

/// Deletes every email of the user; answers how many.
pub fn delete_all(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "WITH gone AS (DELETE FROM mailbox WHERE user_id = {} RETURNING 1) \
         SELECT count(*) FROM gone",
        b.uuid(user)
    );
    b.finish(sql)
}

/// A stored email, as the admin mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailEntry {
    pub id: MailId,
    pub event_id: EventId,
    #[serde(rename = "type")]
    pub kind: String,
    pub user_id: UserId,
    pub order_id: Option<OrderId>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub created_ms: i64,
}

const COLUMN_COUNT: usize = 11;

/// One page of the mailbox, newest first, optionally for one recipient (any case) or one
/// order; `limit + 1` rows.
pub fn list(query: &MailboxQuery) -> Stmt {
    let mut b = Binder::default();
    let mut sql = format!(
        "SELECT id, event_id, kind, user_id, order_id, recipient, subject, text_body, \
         html_body, {}, seq FROM mailbox WHERE true",
        epoch_ms("created_at")
    );
    if let Some(to) = &query.recipient {
        sql.push_str(&format!(" AND lower(recipient) = lower({})", b.text(to)));
    }
    if let Some(order) = &query.order_id {
        sql.push_str(&format!(" AND order_id = {}", b.uuid(order)));
    }
    if let Some(after) = query.page.after {
        sql.push_str(&format!(" AND seq < {}", b.int(after)));
    }
    sql.push_str(&format!(
        " ORDER BY seq DESC LIMIT {}",
        b.int(i64::from(query.page.limit) + 1)
    ));
    b.finish(sql)
}

/// Decodes rows of [`list`] into `(seq, entry)`.
pub fn decode(rows: &[Row]) -> Result<Vec<(i64, MailEntry)>> {
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, COLUMN_COUNT)?;
            Ok((
                c.int(10)?,
                MailEntry {
                    id: c.id(0, MailId::parse)?,
                    event_id: c.id(1, EventId::parse)?,
                    kind: c.text(2)?.to_owned(),
                    user_id: c.id(3, UserId::parse)?,
                    order_id: c.opt_id(4, OrderId::parse)?,
                    to: c.text(5)?.to_owned(),
                    subject: c.text(6)?.to_owned(),
                    text: c.text(7)?.to_owned(),
                    html: c.text(8)?.to_owned(),
                    created_ms: c.int(9)?,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::SqlValue;
    use crate::sql::testing::assert_well_formed;

    #[test]
    fn filters_are_parameters_and_combine() {
        let q = MailboxQuery::parse(
            "recipient=Ada%40Example.com&order_id=22222222-2222-4222-8222-222222222222&cursor=9&limit=2",
        )
        .unwrap();
        let stmt = list(&q);
        assert_well_formed(&stmt);
        assert!(stmt.sql.contains(
            "AND lower(recipient) = lower($1::text) AND order_id = $2::uuid AND seq < $3::int8 \
             ORDER BY seq DESC LIMIT $4::int8"
        ));
        assert_eq!(stmt.params[0], SqlValue::Text("Ada@Example.com".into()));
        assert_eq!(stmt.params[3], SqlValue::Int64(3));
    }

    #[test]
    fn no_filter_lists_everything_newest_first() {
        let stmt = list(&MailboxQuery::parse("").unwrap());
        assert_well_formed(&stmt);
        assert!(
            stmt.sql
                .ends_with("WHERE true ORDER BY seq DESC LIMIT $1::int8")
        );
    }

    #[test]
    fn deleting_a_users_mail_is_scoped_to_them() {
        let user = UserId::parse("11111111-1111-4111-8111-111111111111").unwrap();
        let stmt = delete_all(&user);
        assert_well_formed(&stmt);
        assert!(
            stmt.sql
                .contains("DELETE FROM mailbox WHERE user_id = $1::uuid")
        );
    }
}
