//! Registration, sign-in, refresh rotation, reuse detection, sign-out and sessions, through
//! `redshop` against real PostgreSQL and Redis.

use redshop_e2e::user::{PASSWORD, UserApp};
use serde_json::json;

#[test]
fn register_login_refresh_reuse_logout_and_revoke_all() {
    let app = UserApp::start();
    let user = app.register("ada@example.com");
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["role"], "customer");

    // Sign in: a token the gateway accepts, and the refresh cookie with the contract's attributes.
    let login = app.try_login("ada@example.com", PASSWORD);
    assert_eq!(login.status, 200, "{}", login.text);
    assert_eq!(login.json["token_type"], "Bearer");
    assert_eq!(login.json["expires_in"], 900);
    let cookie = login.header("set-cookie").expect("set-cookie");
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(cookie.split("; ").any(|a| a == attr), "{attr} in {cookie}");
    }
    let first = app.session_from(&login);
    assert!(app.gateway_accepts(&first.token));
    let record = app.session_record(&first.sid).expect("session in redis");
    assert_eq!(
        (record.version, record.user_agent.as_str()),
        (1, "e2e-browser/1.0")
    );

    // Refresh rotates: a new cookie, a new token at version 2; the old token is refused.
    let r = app.refresh(&first.cookie);
    assert_eq!(r.status, 200, "{}", r.text);
    let second = app.session_from(&r);
    assert_eq!(second.sid, first.sid, "the same session");
    assert_ne!(second.cookie, first.cookie, "the refresh token rotated");
    assert_eq!(app.session_record(&first.sid).map(|s| s.version), Some(2));
    assert!(app.gateway_accepts(&second.token));
    assert!(
        !app.gateway_accepts(&first.token),
        "a token of an older version"
    );

    // The rotated-out cookie used again: the whole session ends, even for the new cookie.
    let reuse = app.refresh(&first.cookie);
    assert_eq!((reuse.status, reuse.code()), (401, "refresh_token_reused"));
    assert_eq!(
        reuse.refresh_cookie().as_deref(),
        Some(""),
        "the cookie is cleared"
    );
    assert!(app.session_record(&first.sid).is_none());
    assert!(!app.gateway_accepts(&second.token));
    let after = app.refresh(&second.cookie);
    assert_eq!((after.status, after.code()), (401, "invalid_refresh_token"));

    // Logout ends the current session only.
    let a = app.login("ada@example.com");
    let b = app.login("ada@example.com");
    let out = app.as_user(&a, "POST", "/auth/logout", None);
    assert_eq!(out.status, 204, "{}", out.text);
    assert_eq!(out.refresh_cookie().as_deref(), Some(""));
    assert!(!app.gateway_accepts(&a.token));
    assert!(app.gateway_accepts(&b.token));
    assert_eq!(app.refresh(&a.cookie).status, 401);

    // Sign out everywhere.
    let c = app.login("ada@example.com");
    let list = app.as_user(&c, "GET", "/me/sessions", None);
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "b and c: {items:?}");
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(
        items
            .iter()
            .find(|s| s["current"] == true)
            .map(|s| s["id"].clone()),
        Some(json!(c.sid))
    );
    assert_eq!(app.as_user(&c, "DELETE", "/me/sessions", None).status, 204);
    assert!(!app.gateway_accepts(&b.token));
    assert!(!app.gateway_accepts(&c.token));
    assert_eq!(app.refresh(&c.cookie).status, 401);
}

#[test]
fn revoking_one_session_ends_only_that_one_and_only_for_its_owner() {
    let app = UserApp::start();
    app.register("one@example.com");
    app.register("two@example.com");
    let a = app.login("one@example.com");
    let b = app.login("one@example.com");
    let other = app.login("two@example.com");

    let theirs = app.as_user(&other, "DELETE", &format!("/me/sessions/{}", a.sid), None);
    assert_eq!(
        (theirs.status, theirs.code()),
        (404, "not_found"),
        "another user's session"
    );
    assert!(app.gateway_accepts(&a.token));

    assert_eq!(
        app.as_user(&b, "DELETE", &format!("/me/sessions/{}", a.sid), None)
            .status,
        204
    );
    assert!(!app.gateway_accepts(&a.token));
    assert!(app.gateway_accepts(&b.token));
    assert_eq!(
        app.as_user(&b, "DELETE", &format!("/me/sessions/{}", a.sid), None)
            .status,
        404
    );
}

#[test]
fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = UserApp::start();
    app.register("ada@example.com");
    let wrong = app.try_login("ada@example.com", "not the password at all");
    let unknown = app.try_login("nobody@example.com", PASSWORD);
    assert_eq!((wrong.status, wrong.code()), (401, "invalid_credentials"));
    assert_eq!((unknown.status, &unknown.json), (wrong.status, &wrong.json));
    assert!(wrong.header("set-cookie").is_none());
}

#[test]
fn the_same_email_in_another_case_is_refused() {
    let app = UserApp::start();
    app.register("Ada@Example.com");
    let again = app.post(
        "/auth/register",
        &json!({ "email": "ada@EXAMPLE.COM", "password": PASSWORD, "display_name": "Other" }),
    );
    assert_eq!(
        (again.status, again.code()),
        (409, "email_taken"),
        "{}",
        again.text
    );
    // Sign-in ignores case too.
    assert_eq!(app.try_login("ADA@example.com", PASSWORD).status, 200);
    let rows = app.sql("SELECT count(*)::int8 FROM users");
    assert_eq!(rows[0].get::<_, i64>(0), 1);
}

#[test]
fn weak_passwords_and_bad_emails_are_refused_with_their_field() {
    let app = UserApp::start();
    for (body, code, field) in [
        (
            json!({ "email": "ada@example.com", "password": "short", "display_name": "A" }),
            "weak_password",
            "password",
        ),
        (
            json!({ "email": "ada@example.com", "password": "password1234", "display_name": "A" }),
            "weak_password",
            "password",
        ),
        (
            json!({ "email": "not-an-email", "password": PASSWORD, "display_name": "A" }),
            "invalid_email",
            "email",
        ),
        (
            json!({ "email": "ada@example.com", "password": PASSWORD, "display_name": " " }),
            "invalid_display_name",
            "display_name",
        ),
    ] {
        let r = app.post("/auth/register", &body);
        assert_eq!(
            (r.status, r.code(), r.json["field"].as_str()),
            (400, code, Some(field)),
            "{body}"
        );
    }
}

#[test]
fn changing_the_password_ends_every_other_session() {
    let app = UserApp::start();
    app.register("ada@example.com");
    let here = app.login("ada@example.com");
    let elsewhere = app.login("ada@example.com");

    let wrong = app.as_user(
        &here,
        "POST",
        "/me/password",
        Some(&json!({ "current_password": "not it at all", "new_password": "a brand new passphrase" })),
    );
    assert_eq!((wrong.status, wrong.code()), (401, "wrong_password"));
    assert!(app.gateway_accepts(&elsewhere.token));

    let ok = app.as_user(
        &here,
        "POST",
        "/me/password",
        Some(&json!({ "current_password": PASSWORD, "new_password": "a brand new passphrase" })),
    );
    assert_eq!(ok.status, 204, "{}", ok.text);
    assert!(
        app.gateway_accepts(&here.token),
        "the session that changed it stays"
    );
    assert!(!app.gateway_accepts(&elsewhere.token));
    assert_eq!(app.refresh(&elsewhere.cookie).status, 401);
    assert_eq!(app.try_login("ada@example.com", PASSWORD).status, 401);
    app.login_with("ada@example.com", "a brand new passphrase");
}

#[test]
fn a_role_granted_by_dbctl_applies_from_the_next_refresh() {
    let app = UserApp::start();
    app.register("ops@example.com");
    let s = app.login("ops@example.com");
    assert_eq!(
        app.verify(&s.token).map(|c| c.role.as_str()),
        Ok("customer")
    );
    let url = app.db.address(&redshop_e2e::pg_host_port());
    assert!(
        redshop_e2e::block_on(redshop_dbctl::user::grant_admin(
            &url,
            "OPS@example.com",
            false
        ))
        .expect("grant")
    );
    let r = app.refresh(&s.cookie);
    assert_eq!(r.status, 200, "{}", r.text);
    let token = r.json["access_token"].as_str().expect("token");
    assert_eq!(app.verify(token).map(|c| c.role.as_str()), Ok("admin"));
    assert_eq!(
        app.session_record(&s.sid).map(|r| r.role.as_str()),
        Some("admin")
    );
}
