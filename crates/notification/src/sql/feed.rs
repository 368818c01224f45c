//! A user's notifications and feed state.

use super::{Binder, Cols, Row, Stmt, decode_single_int, epoch_ms};
use crate::error::{DomainError, Result};
use crate::ids::{EventId, NotificationId, OrderId, UserId};
use crate::notice::{Notice, Notification};
use crate::query::NotificationQuery;

/// Locks the user's feed row (creating it) and bumps its version; answers whether the user
/// was erased. Every write for a user runs this first, so writes for one user serialise on
/// that row and never deadlock on each other.
pub fn touch(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "INSERT INTO feeds (user_id) VALUES ({}) ON CONFLICT (user_id) \
         DO UPDATE SET version = feeds.version + 1 RETURNING erased_at IS NOT NULL",
        b.uuid(user)
    );
    b.finish(sql)
}

/// The answer of [`touch`].
pub fn decode_erased(rows: &[Row]) -> Result<bool> {
    match rows {
        [row] => Cols::new(row, 1)?.bool(0),
        _ => Err(DomainError::Storage(format!(
            "feed upsert returned {} rows",
            rows.len()
        ))),
    }
}

/// Marks the user erased (keeping the first erasure time) and bumps the version.
pub fn mark_erased(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "INSERT INTO feeds (user_id, erased_at) VALUES ({}, now()) ON CONFLICT (user_id) \
         DO UPDATE SET version = feeds.version + 1, \
         erased_at = coalesce(feeds.erased_at, now())",
        b.uuid(user)
    );
    b.finish(sql)
}

/// Deletes every notification of the user; answers how many.
pub fn delete_all(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "WITH gone AS (DELETE FROM notifications WHERE user_id = {} RETURNING 1) \
         SELECT count(*) FROM gone",
        b.uuid(user)
    );
    b.finish(sql)
}

/// Writes one notification for an event.
pub fn insert(event: &EventId, user: &UserId, order: Option<&OrderId>, notice: &Notice) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "INSERT INTO notifications (event_id, user_id, order_id, kind, title, body, link) \
         VALUES ({}, {}, {}, {}, {}, {}, {})",
        b.uuid(event),
        b.uuid(user),
        b.opt_uuid(order),
        b.text(notice.kind),
        b.text(&notice.title),
        b.text(&notice.body),
        b.opt_text(notice.link.as_deref()),
    );
    b.finish(sql)
}

/// The user's feed version (0 before their first notification): the list's ETag.
pub fn version(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "SELECT coalesce((SELECT version FROM feeds WHERE user_id = {}), 0)",
        b.uuid(user)
    );
    b.finish(sql)
}

/// How many of the user's notifications are unread (the partial index answers it).
pub fn unread_count(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "SELECT count(*) FROM notifications WHERE user_id = {} AND read_at IS NULL",
        b.uuid(user)
    );
    b.finish(sql)
}

/// Columns of a notification, in [`decode`]'s order, then `seq`.
fn columns() -> String {
    format!(
        "id, kind, title, body, link, order_id, read_at IS NOT NULL, {}, seq",
        epoch_ms("created_at")
    )
}
const COLUMN_COUNT: usize = 9;

/// One page of the user's notifications, newest first: `limit + 1` rows so the caller can
/// tell whether another page follows.
pub fn list(user: &UserId, query: &NotificationQuery) -> Stmt {
    let mut b = Binder::default();
    let mut sql = format!(
        "SELECT {} FROM notifications WHERE user_id = {}",
        columns(),
        b.uuid(user)
    );
    if let Some(after) = query.page.after {
        sql.push_str(&format!(" AND seq < {}", b.int(after)));
    }
    if query.unread_only {
        sql.push_str(" AND read_at IS NULL");
    }
    sql.push_str(&format!(
        " ORDER BY seq DESC LIMIT {}",
        b.int(i64::from(query.page.limit) + 1)
    ));
    b.finish(sql)
}

/// Marks one of the user's notifications read (a read one keeps its first read time) and
/// answers it; no row when it is not the user's or does not exist.
pub fn mark_read(id: &NotificationId, user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "UPDATE notifications SET read_at = coalesce(read_at, now()) \
         WHERE id = {} AND user_id = {} RETURNING {}",
        b.uuid(id),
        b.uuid(user),
        columns()
    );
    b.finish(sql)
}

/// Marks every unread notification of the user read; answers how many.
pub fn mark_all_read(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "WITH marked AS (UPDATE notifications SET read_at = now() \
         WHERE user_id = {} AND read_at IS NULL RETURNING 1) SELECT count(*) FROM marked",
        b.uuid(user)
    );
    b.finish(sql)
}

/// Bumps the feed version after a read: locks the feed row first, as every writer does.
pub fn bump(user: &UserId) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "UPDATE feeds SET version = version + 1 WHERE user_id = {}",
        b.uuid(user)
    );
    b.finish(sql)
}

/// Decodes rows of [`list`] or [`mark_read`] into `(seq, notification)`.
pub fn decode(rows: &[Row]) -> Result<Vec<(i64, Notification)>> {
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, COLUMN_COUNT)?;
            Ok((
                c.int(8)?,
                Notification {
                    id: c.id(0, NotificationId::parse)?,
                    kind: c.text(1)?.to_owned(),
                    title: c.text(2)?.to_owned(),
                    body: c.text(3)?.to_owned(),
                    link: c.opt_text(4)?.map(str::to_owned),
                    order_id: c.opt_id(5, OrderId::parse)?,
                    read: c.bool(6)?,
                    created_ms: c.int(7)?,
                },
            ))
        })
        .collect()
}

/// A `count(*)` answer.
pub fn decode_count(rows: &[Row]) -> Result<i64> {
    decode_single_int(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::NotificationQuery;
    use crate::sql::SqlValue;
    use crate::sql::testing::assert_well_formed;

    fn user() -> UserId {
        UserId::parse("11111111-1111-4111-8111-111111111111").unwrap()
    }

    #[test]
    fn every_statement_is_well_formed() {
        let id = NotificationId::parse("33333333-3333-4333-8333-333333333333").unwrap();
        let notice = crate::notice::for_password_reset();
        let event = EventId::parse("44444444-4444-4444-8444-444444444444").unwrap();
        for stmt in [
            touch(&user()),
            mark_erased(&user()),
            delete_all(&user()),
            insert(&event, &user(), None, &notice),
            version(&user()),
            unread_count(&user()),
            list(&user(), &NotificationQuery::parse("").unwrap()),
            list(
                &user(),
                &NotificationQuery::parse("cursor=7&unread=true").unwrap(),
            ),
            mark_read(&id, &user()),
            mark_all_read(&user()),
            bump(&user()),
        ] {
            assert_well_formed(&stmt);
        }
    }

    #[test]
    fn a_page_after_a_cursor_asks_for_one_row_more_than_the_limit() {
        let stmt = list(
            &user(),
            &NotificationQuery::parse("limit=5&cursor=40&unread=true").unwrap(),
        );
        assert!(
            stmt.sql.contains(
                "AND seq < $2::int8 AND read_at IS NULL ORDER BY seq DESC LIMIT $3::int8"
            )
        );
        assert_eq!(stmt.params[1..], [SqlValue::Int64(40), SqlValue::Int64(6)]);
    }

    #[test]
    fn marking_read_only_ever_touches_the_callers_rows() {
        let id = NotificationId::parse("33333333-3333-4333-8333-333333333333").unwrap();
        assert!(
            mark_read(&id, &user())
                .sql
                .contains("WHERE id = $1::uuid AND user_id = $2::uuid")
        );
        assert!(
            mark_all_read(&user())
                .sql
                .contains("WHERE user_id = $1::uuid AND read_at IS NULL")
        );
    }

    #[test]
    fn rows_decode_and_a_stored_bad_id_is_a_storage_error() {
        let row = vec![
            SqlValue::Uuid("33333333-3333-4333-8333-333333333333".into()),
            SqlValue::Text("order.paid".into()),
            SqlValue::Text("Payment received".into()),
            SqlValue::Text("b".into()),
            SqlValue::Null,
            SqlValue::Null,
            SqlValue::Bool(true),
            SqlValue::Int64(5),
            SqlValue::Int64(9),
        ];
        let decoded = decode(std::slice::from_ref(&row)).unwrap();
        assert_eq!(decoded[0].0, 9);
        assert!(decoded[0].1.read);
        let mut bad = row;
        bad[0] = SqlValue::Text("x".into());
        assert!(matches!(decode(&[bad]), Err(DomainError::Storage(_))));
    }
}
