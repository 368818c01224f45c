//! Redis pub/sub's real semantics: the same event more than once, poison messages, unknown
//! types, and a burst of a thousand events, all through `redshop` on the real Redis.

use redshop_e2e::notification::{NotificationApp, id, order_event, user_event};
use serde_json::json;

#[test]
fn the_same_event_published_five_times_gives_one_email_and_one_notification() {
    let app = NotificationApp::start();
    let (user, order, event) = (id('a', 1), id('b', 1), id('c', 1));
    let message = order_event("order.created", &event, &order, &user);
    for _ in 0..5 {
        assert_eq!(app.publish(&message), 1);
    }
    // Every delivery logs its outcome: one handled, four duplicates, then nothing is left.
    app.wait_for_log_count(&format!("handled order.created {event}"), 1);
    app.wait_for_log_count(&format!("duplicate {event}"), 4);
    assert_eq!(app.count("SELECT count(*) FROM notifications"), 1);
    assert_eq!(app.count("SELECT count(*) FROM mailbox"), 1);
    assert_eq!(app.count("SELECT count(*) FROM inbox"), 1);
    assert_eq!(app.list(&user, "")["unread_count"], 1);
    assert!(
        !app.app.logs().contains("message handler failed"),
        "no delivery failed"
    );
}

#[test]
fn a_malformed_event_is_recorded_as_rejected_and_the_next_event_is_still_handled() {
    let app = NotificationApp::start();
    let user = id('a', 2);
    assert_eq!(app.publish_raw("{\"id\": \"oops\", \"type\": 42"), 1);
    let mut bad_data = order_event("order.paid", &id('c', 1), &id('b', 1), &user);
    bad_data["data"]["lines"] = json!([]);
    app.publish(&bad_data);
    app.wait_for_inbox(2);
    app.publish(&order_event("order.paid", &id('c', 2), &id('b', 2), &user));
    app.wait_for_inbox(3);

    let rows = app.inbox();
    let rejected: Vec<&str> = rows
        .iter()
        .filter(|(outcome, _)| outcome == "rejected")
        .map(|(_, reason)| reason.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(rejected.len(), 2, "{rows:?}");
    assert!(
        rejected
            .iter()
            .any(|r| r.starts_with("message is not JSON")),
        "{rejected:?}"
    );
    assert!(rejected.contains(&"`data.lines` is empty"), "{rejected:?}");
    assert_eq!(rows.last().map(|(o, _)| o.as_str()), Some("handled"));
    assert_eq!(
        app.count("SELECT count(*) FROM inbox WHERE event_id IS NULL AND excerpt LIKE '{\"id\": \"oops\"%'"),
        1,
        "the unreadable message is kept for diagnosis"
    );
    assert_eq!(
        app.list(&user, "")["items"].as_array().map(Vec::len),
        Some(1)
    );
    let logs = app.app.logs();
    assert!(
        !logs.contains("message handler failed"),
        "a poison message is acknowledged, never retried:\n{logs}"
    );
}

#[test]
fn unknown_types_and_versions_are_recorded_as_skipped() {
    let app = NotificationApp::start();
    let user = id('a', 3);
    let mut newer = order_event("order.created", &id('c', 1), &id('b', 1), &user);
    newer["version"] = json!(2);
    app.publish(&newer);
    app.publish(&user_event("user.renamed", &id('c', 2), &user, json!({})));
    app.wait_for_inbox(2);
    let mut reasons: Vec<String> = app
        .inbox()
        .into_iter()
        .map(|(outcome, reason)| format!("{outcome}: {}", reason.unwrap_or_default()))
        .collect();
    reasons.sort_unstable();
    assert_eq!(
        reasons,
        [
            "skipped: unknown event type `user.renamed`",
            "skipped: unknown version 2 of `order.created`",
        ]
    );
    assert_eq!(app.count("SELECT count(*) FROM notifications"), 0);
}

#[test]
fn a_burst_of_a_thousand_events_gives_a_thousand_notifications_and_emails() {
    let app = NotificationApp::start();
    let events: Vec<_> = (0..1000u64)
        .map(|n| order_event("order.created", &id('c', n), &id('b', n), &id('a', n % 20)))
        .collect();
    let started = std::time::Instant::now();
    let receivers = app.publish_burst(&events);
    assert!(
        receivers.iter().all(|r| *r == 1),
        "every message had its subscriber"
    );
    app.wait_for_inbox(1000);
    // Reported, not asserted: speed belongs to benchmarks.
    eprintln!("1000 events settled in {:?}", started.elapsed());
    assert_eq!(app.count("SELECT count(*) FROM notifications"), 1000);
    assert_eq!(app.count("SELECT count(*) FROM mailbox"), 1000);
    assert_eq!(
        app.count("SELECT count(DISTINCT event_id) FROM notifications"),
        1000
    );
    assert_eq!(
        app.count("SELECT count(*) FROM inbox WHERE outcome = 'handled'"),
        1000
    );
    // Each of the 20 users got exactly their 50.
    assert_eq!(
        app.count(
            "SELECT count(*) FROM (SELECT user_id FROM notifications GROUP BY user_id \
             HAVING count(*) = 50) AS full_feeds"
        ),
        20
    );
    assert_eq!(app.list(&id('a', 7), "limit=1")["unread_count"], 50);
}
