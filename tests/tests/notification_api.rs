//! The HTTP API, with the identity headers sent as the gateway sends them: a user sees and
//! changes only their own notifications, pages walk every one once, the list answers 304
//! while nothing changed, and the mailbox is for admins.

use std::time::Duration;

use redshop_e2e::notification::{NotificationApp, email_of, id, order_event};
use serde_json::{Value, json};

/// `n` order events for `user` (order `order_n`), all handled.
fn seed(app: &NotificationApp, user: &str, first_event: u64, n: u64, order_n: u64) {
    for i in 0..n {
        app.publish(&order_event(
            "order.created",
            &id('c', first_event + i),
            &id('b', order_n + i),
            user,
        ));
    }
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn a_user_sees_and_changes_only_their_own_notifications() {
    let app = NotificationApp::start();
    let (ada, bob) = (id('a', 1), id('a', 2));
    seed(&app, &ada, 1, 3, 1);
    seed(&app, &bob, 10, 2, 10);
    app.wait_for_inbox(5);

    let ada_list = app.list(&ada, "");
    let bob_list = app.list(&bob, "");
    assert_eq!(
        (
            ada_list["unread_count"].as_i64(),
            bob_list["unread_count"].as_i64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(ids(&ada_list).len(), 3);
    assert_eq!(ids(&bob_list).len(), 2);
    for n in bob_list["items"].as_array().unwrap() {
        let order = n["order_id"].as_str().unwrap();
        assert!(order == id('b', 10) || order == id('b', 11), "{n}");
    }

    // Bob marking one of Ada's: 404, exactly as for an id that does not exist.
    let adas = &ids(&ada_list)[0];
    let answer = app.as_user(&bob, "POST", &format!("/notifications/{adas}/read"));
    assert_eq!(answer.status, 404, "{}", answer.text);
    assert_eq!(answer.json["error"], "not_found");
    let unknown = app.as_user(&bob, "POST", &format!("/notifications/{}/read", id('e', 1)));
    assert_eq!((unknown.status, unknown.json.clone()), (404, answer.json));

    // Bob's read-all marks his two and none of Ada's.
    let all = app.as_user(&bob, "POST", "/notifications/read-all");
    assert_eq!(
        (all.status, all.json),
        (200, json!({"marked": 2, "unread_count": 0}))
    );
    assert_eq!(app.list(&ada, "")["unread_count"], 3);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM notifications WHERE user_id = '{ada}' AND read_at IS NOT NULL"
        )),
        0
    );
}

#[test]
fn marking_one_and_then_all_read_updates_the_unread_count() {
    let app = NotificationApp::start();
    let user = id('a', 5);
    seed(&app, &user, 1, 3, 1);
    app.wait_for_inbox(3);
    let first = ids(&app.list(&user, ""))[1].clone();
    let answer = app.as_user(&user, "POST", &format!("/notifications/{first}/read"));
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["notification"]["id"], first.as_str());
    assert_eq!(answer.json["notification"]["read"], true);
    assert_eq!(answer.json["unread_count"], 2);
    // Marking it again changes nothing.
    let again = app.as_user(&user, "POST", &format!("/notifications/{first}/read"));
    assert_eq!(again.json["unread_count"], 2);
    assert_eq!(
        app.list(&user, "unread=true")["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let all = app.as_user(&user, "POST", "/notifications/read-all");
    assert_eq!(all.json, json!({"marked": 2, "unread_count": 0}));
    let list = app.list(&user, "");
    assert_eq!(list["unread_count"], 0);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["read"] == true)
    );
}

#[test]
fn keyset_pages_walk_every_notification_newest_first_exactly_once() {
    let app = NotificationApp::start();
    let user = id('a', 6);
    seed(&app, &user, 1, 7, 1);
    app.wait_for_inbox(7);
    let everything = ids(&app.list(&user, "limit=100"));
    assert_eq!(everything.len(), 7);
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let query = match &cursor {
            Some(c) => format!("limit=3&cursor={c}"),
            None => "limit=3".to_owned(),
        };
        let page = app.list(&user, &query);
        walked.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(walked, everything, "pages in order, each item once");
    // Newest first: the seq behind each id decreases.
    let seqs: Vec<i64> = everything
        .iter()
        .map(|i| app.count(&format!("SELECT seq FROM notifications WHERE id = '{i}'")))
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
}

/// `GET /notifications` with an optional `If-None-Match`: (status, etag, body).
fn get_list(app: &NotificationApp, user: &str, tag: Option<&str>) -> (u16, String, String) {
    let mut req = ureq::get(&app.url("/notifications"))
        .timeout(Duration::from_secs(30))
        .set("x-redshop-user", user);
    if let Some(tag) = tag {
        req = req.set("if-none-match", tag);
    }
    let resp = match req.call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = resp.status();
    let etag = resp.header("etag").unwrap_or_default().to_owned();
    assert_eq!(resp.header("cache-control"), Some("private, no-cache"));
    (status, etag, resp.into_string().unwrap_or_default())
}

#[test]
fn an_unchanged_list_answers_304_to_its_etag_and_every_change_gives_a_new_tag() {
    let app = NotificationApp::start();
    let (user, other) = (id('a', 7), id('a', 8));
    seed(&app, &user, 1, 2, 1);
    app.wait_for_inbox(2);
    let (status, tag, body) = get_list(&app, &user, None);
    assert_eq!(status, 200, "{body}");
    assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");

    let (status, same, body) = get_list(&app, &user, Some(&tag));
    assert_eq!(
        (status, same.as_str(), body.as_str()),
        (304, tag.as_str(), "")
    );
    // Another user's list never matches this tag.
    assert_eq!(get_list(&app, &other, Some(&tag)).0, 200);

    // A new notification changes the tag.
    seed(&app, &user, 3, 1, 3);
    app.wait_for_inbox(3);
    let (status, after_new, _) = get_list(&app, &user, Some(&tag));
    assert_eq!(status, 200);
    assert_ne!(after_new, tag);

    // So does reading one.
    let first = ids(&app.list(&user, ""))[0].clone();
    assert_eq!(
        app.as_user(&user, "POST", &format!("/notifications/{first}/read"))
            .status,
        200
    );
    let (status, after_read, _) = get_list(&app, &user, Some(&after_new));
    assert_eq!(status, 200);
    assert_ne!(after_read, after_new);
    assert_eq!(get_list(&app, &user, Some(&after_read)).0, 304);
}

#[test]
fn the_mailbox_is_for_admins_newest_first_and_filters_by_recipient_and_order() {
    let app = NotificationApp::start();
    let (ada, bob) = (id('a', 9), id('a', 10));
    app.publish(&order_event(
        "order.created",
        &id('c', 1),
        &id('b', 1),
        &ada,
    ));
    app.wait_for_inbox(1);
    app.publish(&order_event(
        "order.created",
        &id('c', 2),
        &id('b', 2),
        &bob,
    ));
    app.wait_for_inbox(2);
    app.publish(&order_event("order.paid", &id('c', 3), &id('b', 1), &ada));
    app.wait_for_inbox(3);

    let all = app.mailbox("");
    let events: Vec<&str> = all
        .iter()
        .map(|m| m["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(events, [id('c', 3), id('c', 2), id('c', 1)], "newest first");

    let adas = app.mailbox(&format!("recipient={}", email_of(&ada).to_uppercase()));
    assert_eq!(adas.len(), 2);
    assert!(adas.iter().all(|m| m["to"] == email_of(&ada)));
    let order_2 = app.mailbox(&format!("order_id={}", id('b', 2)));
    assert_eq!(order_2.len(), 1);
    assert_eq!(order_2[0]["to"], email_of(&bob));
    let page = app.as_admin("GET", "/admin/mailbox?limit=2");
    assert_eq!(page.json["items"].as_array().unwrap().len(), 2);
    let next = page.json["next_cursor"].as_str().unwrap();
    let rest = app.mailbox(&format!("limit=2&cursor={next}"));
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["event_id"], id('c', 1));

    let customer = app.as_user(&ada, "GET", "/admin/mailbox");
    assert_eq!(
        (customer.status, customer.json["error"].as_str()),
        (403, Some("forbidden"))
    );
}

#[test]
fn identity_ids_and_query_strings_are_checked_with_json_errors() {
    let app = NotificationApp::start();
    let anonymous = redshop_e2e::http::send("GET", &app.url("/notifications"), &[], None);
    assert_eq!(
        (anonymous.status, anonymous.json["error"].as_str()),
        (401, Some("unauthorized"))
    );
    let forged = redshop_e2e::http::send(
        "GET",
        &app.url("/notifications"),
        &[("x-redshop-user", "not-a-uuid")],
        None,
    );
    assert_eq!(forged.status, 401);
    let user = id('a', 11);
    let bad_id = app.as_user(&user, "POST", "/notifications/nope/read");
    assert_eq!(
        (bad_id.status, bad_id.json["error"].as_str()),
        (400, Some("invalid_id"))
    );
    let bad_limit = app.as_user(&user, "GET", "/notifications?limit=0");
    assert_eq!(
        (bad_limit.status, bad_limit.json["error"].as_str()),
        (400, Some("invalid_query"))
    );
    let unknown = app.as_user(&user, "GET", "/notifications?sort=asc");
    assert_eq!(unknown.json["error"], "unknown_parameter");
    let wrong_method = app.as_user(&user, "DELETE", "/notifications");
    assert_eq!(
        (wrong_method.status, wrong_method.allow.as_deref()),
        (405, Some("GET"))
    );
    let empty = app.list(&user, "");
    assert_eq!(
        empty,
        json!({"items": [], "unread_count": 0, "next_cursor": null})
    );
    let health = redshop_e2e::http::send("GET", &app.url("/health"), &[], None);
    assert_eq!((health.status, health.json), (200, json!({"status": "ok"})));
}
