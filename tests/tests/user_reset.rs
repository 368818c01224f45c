//! Password reset and the event outbox: the same answer whether or not the account exists,
//! a single-use token delivered as a `user.password_reset_requested` event, every session
//! ended by its use; events published only when someone receives them.

use redshop_e2e::user::{PASSWORD, UserApp};
use serde_json::{Value, json};

fn queued(app: &UserApp) -> Vec<(String, Value, bool)> {
    app.sql("SELECT type, envelope::text, published_at IS NOT NULL FROM outbox ORDER BY seq")
        .iter()
        .map(|r| {
            (
                r.get(0),
                serde_json::from_str(&r.get::<_, String>(1)).expect("json"),
                r.get(2),
            )
        })
        .collect()
}

#[test]
fn a_reset_token_works_once_and_ends_every_session() {
    let app = UserApp::start();
    let user = app.register("ada@example.com");
    let s = app.login("ada@example.com");

    let unknown = app.post(
        "/auth/password-reset",
        &json!({ "email": "nobody@example.com" }),
    );
    let known = app.post(
        "/auth/password-reset",
        &json!({ "email": "ADA@example.com" }),
    );
    assert_eq!(
        (known.status, &known.json),
        (202, &json!({ "status": "accepted" }))
    );
    assert_eq!((unknown.status, &unknown.json), (known.status, &known.json));

    let events = queued(&app);
    assert_eq!(events.len(), 1, "only the real account gets an event");
    let (kind, envelope, published) = &events[0];
    assert_eq!(kind, "user.password_reset_requested");
    assert!(
        !published,
        "no subscriber on this test's channel: it stays queued"
    );
    assert_eq!(envelope["user_id"], user["id"]);
    assert_eq!(envelope["data"]["email"], "ada@example.com");
    assert_eq!(envelope["data"]["name"], "Ada");
    let token = envelope["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(token.len(), 43);
    let stored: Vec<String> = app
        .sql("SELECT token_hash FROM password_resets")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!stored.contains(&token), "only the hash is stored");

    let confirm = json!({ "token": token, "new_password": "a brand new passphrase" });
    assert_eq!(
        app.post("/auth/password-reset/confirm", &confirm).status,
        204
    );
    assert!(!app.gateway_accepts(&s.token));
    assert_eq!(app.try_login("ada@example.com", PASSWORD).status, 401);
    app.login_with("ada@example.com", "a brand new passphrase");

    let again = app.post(
        "/auth/password-reset/confirm",
        &json!({ "token": token, "new_password": "yet another passphrase" }),
    );
    assert_eq!((again.status, again.code()), (400, "invalid_reset_token"));
    let forged = app.post(
        "/auth/password-reset/confirm",
        &json!({ "token": "x".repeat(43), "new_password": "yet another passphrase" }),
    );
    assert_eq!((forged.status, forged.code()), (400, "invalid_reset_token"));
}

#[test]
fn an_expired_reset_token_is_refused() {
    let app = UserApp::start();
    app.register("ada@example.com");
    app.post(
        "/auth/password-reset",
        &json!({ "email": "ada@example.com" }),
    );
    let token = queued(&app)[0].1["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    app.sql("UPDATE password_resets SET expires_at = now() - interval '1 second'");
    let r = app.post(
        "/auth/password-reset/confirm",
        &json!({ "token": token, "new_password": "a brand new passphrase" }),
    );
    assert_eq!((r.status, r.code()), (400, "invalid_reset_token"));
}

#[test]
fn queued_events_are_published_in_order_once_someone_listens() {
    let app = UserApp::start();
    app.register("ada@example.com");
    app.register("bob@example.com");
    app.post(
        "/auth/password-reset",
        &json!({ "email": "ada@example.com" }),
    );
    assert!(queued(&app).iter().all(|(_, _, published)| !published));

    let mut conn = app.keys.conn();
    let mut pubsub = conn.as_pubsub();
    pubsub.subscribe(&app.channel).expect("subscribe");
    pubsub
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");

    // The next write flushes the backlog first, oldest first.
    app.post(
        "/auth/password-reset",
        &json!({ "email": "bob@example.com" }),
    );
    let mut received = Vec::new();
    for _ in 0..2 {
        let msg = pubsub.get_message().expect("an event");
        let payload: String = msg.get_payload().expect("payload");
        received.push(serde_json::from_str::<Value>(&payload).expect("json"));
    }
    assert_eq!(received[0]["data"]["email"], "ada@example.com");
    assert_eq!(received[1]["data"]["email"], "bob@example.com");
    assert_ne!(received[0]["id"], received[1]["id"]);
    assert!(queued(&app).iter().all(|(_, _, published)| *published));
}

#[test]
fn a_fourth_reset_request_for_one_address_is_throttled_account_or_not() {
    let app = UserApp::start();
    app.register("ada@example.com");
    for email in ["ada@example.com", "nobody@example.com"] {
        for _ in 0..3 {
            let r = app.post("/auth/password-reset", &json!({ "email": email }));
            assert_eq!(r.status, 202, "{email}: {}", r.json);
        }
        let fourth = app.post("/auth/password-reset", &json!({ "email": email }));
        assert_eq!(fourth.status, 429, "{email}: {}", fourth.json);
        assert_eq!(fourth.json["error"], "too_many_attempts", "{}", fourth.json);
    }
    // Another address is not affected; only three emails went out for Ada.
    let bob = app.post(
        "/auth/password-reset",
        &json!({ "email": "bob@example.com" }),
    );
    assert_eq!(bob.status, 202);
    let ada_events = queued(&app)
        .iter()
        .filter(|(kind, data, _)| {
            kind == "user.password_reset_requested" && data["data"]["email"] == "ada@example.com"
        })
        .count();
    assert_eq!(ada_events, 3);
}
