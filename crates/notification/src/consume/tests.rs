use serde_json::json;

use super::*;
use crate::fixtures::{EVENT, bytes, deleted_event, order_event, reset_event};
use crate::mail::Mailbox;
use crate::sql::SqlValue;
use crate::sql::testing::{Answer, Script, one};

fn links() -> Links {
    Links::new("http://shop.test")
}

fn claimed() -> Answer {
    one(SqlValue::Int64(1))
}

fn taken() -> Answer {
    Answer::Rows(vec![])
}

fn run(script: &Script, payload: &[u8]) -> Result<Outcome> {
    consume(script, &Mailbox::new(script), &links(), payload)
}

#[test]
fn a_first_order_event_writes_one_notification_and_one_email_in_one_transaction() {
    let db = Script::new(vec![claimed(), one(SqlValue::Bool(false))]);
    let outcome = run(&db, &bytes(&order_event("order.shipped", EVENT))).unwrap();
    assert_eq!(
        outcome.to_string(),
        format!("handled order.shipped {EVENT}")
    );
    assert_eq!(
        db.trace(),
        [
            "BEGIN",
            "INSERT inbox",
            "INSERT feeds",
            "INSERT notifications",
            "INSERT mailbox",
            "COMMIT"
        ]
    );
    let stmts = db.stmts.borrow();
    assert!(
        stmts[2]
            .params
            .contains(&SqlValue::Text("Order shipped".into()))
    );
    assert!(
        stmts[3]
            .params
            .contains(&SqlValue::Text("Order RS-22222222 is on its way".into()))
    );
}

#[test]
fn a_redelivery_finds_the_id_taken_and_writes_nothing() {
    let db = Script::new(vec![taken()]);
    let outcome = run(&db, &bytes(&order_event("order.created", EVENT))).unwrap();
    assert!(matches!(outcome, Outcome::Duplicate { .. }), "{outcome:?}");
    assert_eq!(db.trace(), ["BEGIN", "INSERT inbox", "ROLLBACK"]);
}

#[test]
fn a_failed_write_rolls_everything_back_and_is_an_error_for_the_host_to_retry() {
    let db = Script::new(vec![
        claimed(),
        one(SqlValue::Bool(false)),
        Answer::Fail("lost"),
    ]);
    let err = run(&db, &bytes(&order_event("order.paid", EVENT))).unwrap_err();
    assert_eq!(err.to_string(), "storage: lost");
    assert_eq!(
        db.trace(),
        [
            "BEGIN",
            "INSERT inbox",
            "INSERT feeds",
            "INSERT notifications",
            "ROLLBACK"
        ]
    );
}

#[test]
fn a_malformed_message_is_recorded_as_rejected_in_one_statement() {
    let db = Script::new(vec![claimed()]);
    let outcome = run(&db, b"{not json").unwrap();
    assert!(
        matches!(&outcome, Outcome::Rejected { id: None, reason } if reason.starts_with("message is not JSON")),
        "{outcome:?}"
    );
    assert_eq!(db.trace(), ["INSERT inbox"]);
    let stmt = db.stmts.borrow()[0].clone();
    assert_eq!(stmt.params[3], SqlValue::Text("rejected".into()));
    assert_eq!(stmt.params[5], SqlValue::Text("{not json".into()));
}

#[test]
fn a_rejected_event_with_an_id_is_recorded_once() {
    let mut event = order_event("order.created", EVENT);
    event["data"]["lines"] = json!([]);
    let db = Script::new(vec![taken()]);
    let outcome = run(&db, &bytes(&event)).unwrap();
    assert!(matches!(outcome, Outcome::Duplicate { .. }), "{outcome:?}");
}

#[test]
fn an_unknown_type_is_recorded_as_skipped() {
    let event = json!({"id": EVENT, "type": "order.refunded", "version": 1});
    let db = Script::new(vec![claimed()]);
    let outcome = run(&db, &bytes(&event)).unwrap();
    assert_eq!(
        outcome.to_string(),
        format!("skipped {EVENT}: unknown event type `order.refunded`")
    );
    assert_eq!(
        db.stmts.borrow()[0].params[3],
        SqlValue::Text("skipped".into())
    );
}

#[test]
fn a_password_reset_sends_the_email_and_a_security_notice() {
    let db = Script::new(vec![claimed(), one(SqlValue::Bool(false))]);
    run(&db, &bytes(&reset_event(EVENT))).unwrap();
    let stmts = db.stmts.borrow();
    assert!(
        stmts[2]
            .params
            .contains(&SqlValue::Text("Password reset requested".into()))
    );
    assert!(
        stmts[3]
            .params
            .contains(&SqlValue::Text("Reset your Red Shopping password".into()))
    );
}

#[test]
fn user_deleted_erases_their_notifications_and_mail_and_marks_them_erased() {
    let db = Script::new(vec![
        claimed(),
        Answer::Rows(vec![]),
        one(SqlValue::Int64(3)),
        one(SqlValue::Int64(2)),
    ]);
    let outcome = run(&db, &bytes(&deleted_event(EVENT))).unwrap();
    assert_eq!(
        outcome,
        Outcome::Erased {
            id: EventId::parse(EVENT).unwrap(),
            notifications: 3,
            emails: 2
        }
    );
    assert_eq!(
        db.trace(),
        [
            "BEGIN",
            "INSERT inbox",
            "INSERT feeds",
            "WITH",
            "WITH",
            "COMMIT"
        ]
    );
}

#[test]
fn an_event_for_an_erased_user_is_recorded_as_skipped_and_writes_nothing_else() {
    let db = Script::new(vec![claimed(), one(SqlValue::Bool(true))]);
    let outcome = run(&db, &bytes(&order_event("order.delivered", EVENT))).unwrap();
    assert_eq!(outcome.to_string(), format!("skipped {EVENT}: user erased"));
    assert_eq!(
        db.trace(),
        [
            "BEGIN",
            "INSERT inbox",
            "INSERT feeds",
            "UPDATE inbox",
            "COMMIT"
        ]
    );
}
