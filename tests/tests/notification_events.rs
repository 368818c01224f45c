//! Each event type, published on the real Redis as the order and user services publish it,
//! gives the right email in the mailbox and the right in-app notification.

use redshop_e2e::notification::{
    NotificationApp, ORDER_TYPES, SHOP_URL, email_of, id, order_event, user_event,
};
use serde_json::json;

#[test]
fn each_order_event_type_sends_its_email_and_its_notification() {
    let app = NotificationApp::start();
    let (user, order) = (id('a', 1), id('b', 1));
    for (n, kind) in ORDER_TYPES.iter().enumerate() {
        let receivers = app.publish(&order_event(kind, &id('c', n as u64 + 1), &order, &user));
        assert_eq!(receivers, 1, "{kind}: one subscriber on the order channel");
    }
    app.wait_for_inbox(5);

    let mail = app.mailbox(&format!("order_id={order}"));
    let mut subjects: Vec<(&str, &str)> = mail
        .iter()
        .map(|m| {
            assert_eq!(m["to"], email_of(&user));
            assert_eq!(m["user_id"], user);
            (m["type"].as_str().unwrap(), m["subject"].as_str().unwrap())
        })
        .collect();
    subjects.sort_unstable();
    let reference = "RS-B0000000";
    assert_eq!(
        subjects,
        [
            (
                "order.cancelled",
                format!("Order {reference} was cancelled").as_str()
            ),
            (
                "order.created",
                format!("We have your order {reference}").as_str()
            ),
            (
                "order.delivered",
                format!("Order {reference} was delivered").as_str()
            ),
            (
                "order.paid",
                format!("Payment received for order {reference}").as_str()
            ),
            (
                "order.shipped",
                format!("Order {reference} is on its way").as_str()
            ),
        ]
    );
    let created = mail.iter().find(|m| m["type"] == "order.created").unwrap();
    let text = created["text"].as_str().unwrap();
    for needle in [
        "Hello Ada Lovelace,",
        "  2 x Moon Lamp (ML-1) at $19.99 = $39.98\n",
        "  1 x Star Chart (SC-2) at $5.00 = $5.00\n",
        "  Subtotal: $44.98\n  Tax: $3.60\n  Shipping: $4.99\n  Total: $53.57\n",
        &format!("See your order: {SHOP_URL}/orders/{order}\n"),
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    let html = created["html"].as_str().unwrap();
    assert!(html.contains("<td>Moon Lamp</td><td>ML-1</td><td align=\"right\">2</td>"));
    let cancelled = mail
        .iter()
        .find(|m| m["type"] == "order.cancelled")
        .unwrap();
    assert!(
        cancelled["text"]
            .as_str()
            .unwrap()
            .contains("Reason: changed my mind\n")
    );

    let list = app.list(&user, "");
    assert_eq!(list["unread_count"], 5);
    let titles: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            assert_eq!(n["order_id"], order);
            assert_eq!(n["link"], format!("/orders/{order}"));
            assert_eq!(n["read"], false);
            (n["type"].as_str().unwrap(), n["title"].as_str().unwrap())
        })
        .collect();
    let mut sorted = titles.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            ("order.cancelled", "Order cancelled"),
            ("order.created", "Order received"),
            ("order.delivered", "Order delivered"),
            ("order.paid", "Payment received"),
            ("order.shipped", "Order shipped"),
        ]
    );
    assert_eq!(
        app.inbox(),
        vec![("handled".to_owned(), None); 5],
        "every event recorded as handled"
    );
}

#[test]
fn a_password_reset_request_sends_the_reset_email_with_the_token_in_its_link() {
    let app = NotificationApp::start();
    let user = id('a', 7);
    let event = user_event(
        "user.password_reset_requested",
        &id('c', 1),
        &user,
        json!({ "email": "ada@example.com", "name": "Ada", "token": "Zm9vYmFy-_tok",
                "expires_ms": 1_764_669_600_000_i64 }),
    );
    assert_eq!(app.publish(&event), 1, "one subscriber on the user channel");
    app.wait_for_inbox(1);
    let mail = app.mailbox("recipient=ADA%40example.com");
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0]["subject"], "Reset your Red Shopping password");
    assert_eq!(mail[0]["order_id"], serde_json::Value::Null);
    let link = format!("{SHOP_URL}/reset-password?token=Zm9vYmFy-_tok");
    assert!(
        mail[0]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("  {link}\n"))
    );
    assert!(
        mail[0]["html"]
            .as_str()
            .unwrap()
            .contains(&format!("<a href=\"{link}\">"))
    );
    let list = app.list(&user, "");
    assert_eq!(list["items"][0]["title"], "Password reset requested");
    assert!(
        !list.to_string().contains("Zm9vYmFy"),
        "no token in-app: {list}"
    );
}

#[test]
fn html_in_a_product_name_arrives_escaped_in_the_email() {
    let app = NotificationApp::start();
    let (user, order) = (id('a', 2), id('b', 2));
    let mut event = order_event("order.created", &id('c', 1), &order, &user);
    event["data"]["lines"][0]["name"] = json!("<script>alert('pwned')</script> <b>Lamp</b>");
    event["data"]["customer"]["name"] = json!("<img src=x onerror=alert(1)>");
    app.publish(&event);
    app.wait_for_inbox(1);
    let mail = app.mailbox(&format!("order_id={order}"));
    let html = mail[0]["html"].as_str().unwrap();
    assert!(
        html.contains(
            "<td>&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &lt;b&gt;Lamp&lt;/b&gt;</td>"
        ),
        "{html}"
    );
    assert!(
        html.contains("Hello &lt;img src=x onerror=alert(1)&gt;,"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>Lamp"), "{html}");
    // The plain-text body keeps the name as written: it is never rendered as markup.
    assert!(
        mail[0]["text"]
            .as_str()
            .unwrap()
            .contains("<script>alert('pwned')</script>")
    );
}

#[test]
fn user_deleted_erases_that_users_notifications_and_mail_and_nobody_elses() {
    let app = NotificationApp::start();
    let (gone, kept) = (id('a', 3), id('a', 4));
    app.publish(&order_event(
        "order.created",
        &id('c', 1),
        &id('b', 3),
        &gone,
    ));
    app.publish(&order_event("order.paid", &id('c', 2), &id('b', 3), &gone));
    app.publish(&order_event(
        "order.created",
        &id('c', 3),
        &id('b', 4),
        &kept,
    ));
    app.wait_for_inbox(3);
    assert_eq!(app.list(&gone, "")["items"].as_array().unwrap().len(), 2);

    app.publish(&user_event("user.deleted", &id('c', 4), &gone, json!({})));
    app.wait_for_inbox(4);
    assert_eq!(app.list(&gone, "")["items"], json!([]));
    assert_eq!(app.list(&gone, "")["unread_count"], 0);
    assert_eq!(
        app.mailbox(&format!("recipient={}", email_of(&gone))),
        Vec::<serde_json::Value>::new()
    );
    let sql_count = |table: &str, user: &str| {
        app.count(&format!(
            "SELECT count(*) FROM {table} WHERE user_id = '{user}'"
        ))
    };
    assert_eq!(
        (
            sql_count("notifications", &gone),
            sql_count("mailbox", &gone)
        ),
        (0, 0)
    );
    assert_eq!(
        (
            sql_count("notifications", &kept),
            sql_count("mailbox", &kept)
        ),
        (1, 1)
    );

    // An event for the erased user that arrives late writes nothing for them.
    app.publish(&order_event(
        "order.shipped",
        &id('c', 5),
        &id('b', 3),
        &gone,
    ));
    app.wait_for_inbox(5);
    assert_eq!(
        app.inbox()[4],
        ("skipped".to_owned(), Some("user erased".to_owned()))
    );
    assert_eq!(
        (
            sql_count("notifications", &gone),
            sql_count("mailbox", &gone)
        ),
        (0, 0)
    );
}
