//! Malformed, oversized and mistyped requests get a 4xx with the shared JSON error shape,
//! never a 5xx.

use redshop_e2e::user::UserApp;
use serde_json::json;

#[test]
fn malformed_bodies_are_400_json() {
    let app = UserApp::start();
    for body in [
        "",
        "   ",
        "{",
        "[]",
        "null",
        "{\"email\": 5}",
        "{\"email\":\"a@b.co\"}",
        "\u{0}",
    ] {
        let r = app.call("POST", "/auth/register", &[], Some(body));
        assert_eq!(
            (r.status, r.code()),
            (400, "invalid_json"),
            "{body:?}: {}",
            r.text
        );
        assert!(r.json["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    let extra = app.post(
        "/auth/login",
        &json!({ "email": "a@b.co", "password": "x", "role": "admin" }),
    );
    assert_eq!(
        (extra.status, extra.code()),
        (400, "invalid_json"),
        "unknown fields are refused"
    );
}

#[test]
fn oversized_bodies_are_413_json() {
    let app = UserApp::start();
    let big = json!({ "email": "a@b.co", "password": "p".repeat(20_000), "display_name": "A" })
        .to_string();
    let r = app.call("POST", "/auth/register", &[], Some(&big));
    assert_eq!(
        (r.status, r.code()),
        (413, "payload_too_large"),
        "{}",
        r.text
    );
    // Under the body cap but over the password bound: a 400 naming the field, and no hashing.
    let long = json!({ "email": "a@b.co", "password": "p".repeat(1000) }).to_string();
    let r = app.call("POST", "/auth/login", &[], Some(&long));
    assert_eq!(
        (r.status, r.code(), r.json["field"].as_str()),
        (400, "invalid_field", Some("password"))
    );
}

#[test]
fn a_body_that_is_not_json_is_415() {
    let app = UserApp::start();
    let r = app.call(
        "POST",
        "/auth/login",
        &[("content-type", "text/plain")],
        Some("email=a"),
    );
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));
}

#[test]
fn unknown_paths_and_methods_are_json_404_and_405() {
    let app = UserApp::start();
    let r = app.call("GET", "/nowhere", &[], None);
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let r = app.call("GET", "/auth/login", &[], None);
    assert_eq!(
        (r.status, r.code(), r.header("allow")),
        (405, "method_not_allowed", Some("POST"))
    );
    let r = app.call(
        "DELETE",
        "/me/addresses/not-a-uuid",
        &[("x-redshop-user", "00000000-0000-4000-8000-000000000001")],
        None,
    );
    assert_eq!((r.status, r.code()), (404, "not_found"));
}

#[test]
fn a_missing_or_garbage_refresh_cookie_is_401_and_clears_it() {
    let app = UserApp::start();
    let r = app.call("POST", "/auth/refresh", &[], None);
    assert_eq!((r.status, r.code()), (401, "invalid_refresh_token"));
    assert_eq!(r.refresh_cookie().as_deref(), Some(""));
    for cookie in [
        "garbage",
        "00000000-0000-4000-8000-000000000001.AAAA",
        "00000000-0000-4000-8000-000000000001.AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",
    ] {
        let r = app.refresh(cookie);
        assert_eq!(
            (r.status, r.code()),
            (401, "invalid_refresh_token"),
            "{cookie}"
        );
    }
    let r = app.call("POST", "/auth/logout", &[], None);
    assert_eq!((r.status, r.code()), (401, "unauthenticated"));
}

#[test]
fn health_answers_ok() {
    let app = UserApp::start();
    let r = app.call("GET", "/health", &[], None);
    assert_eq!((r.status, r.json.clone()), (200, json!({ "status": "ok" })));
}
