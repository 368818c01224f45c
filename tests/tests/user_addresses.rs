//! Profile, shipping addresses (at most 20, exactly one default), the order service's
//! lookup, and account deletion.

use redshop_e2e::user::{PASSWORD, Session, UserApp};
use serde_json::{Value, json};

fn address(city: &str) -> Value {
    json!({ "recipient": "Ada Lovelace", "line1": "12 Square", "city": city, "postal_code": "sw1 4jh", "country": "gb" })
}

fn defaults(app: &UserApp, s: &Session) -> Vec<String> {
    let list = app.as_user(s, "GET", "/me/addresses", None);
    assert_eq!(list.status, 200, "{}", list.text);
    list.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|a| a["is_default"] == true)
        .map(|a| a["city"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn addresses_crud_keeps_exactly_one_default() {
    let app = UserApp::start();
    app.register("ada@example.com");
    let s = app.login("ada@example.com");

    let first = app.as_user(&s, "POST", "/me/addresses", Some(&address("London")));
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(
        first.json["is_default"], true,
        "the first address is the default"
    );
    assert_eq!(
        (
            first.json["postal_code"].as_str(),
            first.json["country"].as_str()
        ),
        (Some("SW1 4JH"), Some("GB"))
    );
    let second = app.as_user(&s, "POST", "/me/addresses", Some(&address("Bath")));
    assert_eq!(
        (second.status, &second.json["is_default"]),
        (201, &json!(false))
    );
    assert_eq!(defaults(&app, &s), ["London"]);

    // A new default moves the flag.
    let mut third_body = address("York");
    third_body["is_default"] = json!(true);
    let third = app.as_user(&s, "POST", "/me/addresses", Some(&third_body));
    assert_eq!(third.status, 201);
    assert_eq!(defaults(&app, &s), ["York"]);

    // PATCH: fields and the default; the default cannot simply be unset.
    let bath = second.json["id"].as_str().expect("id").to_owned();
    let patched = app.as_user(
        &s,
        "PATCH",
        &format!("/me/addresses/{bath}"),
        Some(&json!({ "city": "Wells", "is_default": true })),
    );
    assert_eq!(
        (patched.status, patched.json["city"].as_str()),
        (200, Some("Wells")),
        "{}",
        patched.text
    );
    assert_eq!(defaults(&app, &s), ["Wells"]);
    let unset = app.as_user(
        &s,
        "PATCH",
        &format!("/me/addresses/{bath}"),
        Some(&json!({ "is_default": false })),
    );
    assert_eq!(
        (unset.status, unset.code()),
        (409, "default_address_required")
    );

    // Deleting the default promotes the oldest remaining address.
    assert_eq!(
        app.as_user(&s, "DELETE", &format!("/me/addresses/{bath}"), None)
            .status,
        204
    );
    assert_eq!(defaults(&app, &s), ["London"]);
    assert_eq!(
        app.as_user(&s, "DELETE", &format!("/me/addresses/{bath}"), None)
            .status,
        404
    );

    // Another user's address is not found, whatever the verb.
    app.register("eve@example.com");
    let eve = app.login("eve@example.com");
    let london = first.json["id"].as_str().expect("id");
    assert_eq!(
        app.as_user(
            &eve,
            "PATCH",
            &format!("/me/addresses/{london}"),
            Some(&json!({ "city": "X" }))
        )
        .status,
        404
    );
    assert_eq!(
        app.as_user(&eve, "DELETE", &format!("/me/addresses/{london}"), None)
            .status,
        404
    );
    assert_eq!(defaults(&app, &s), ["London"]);
    let one_default: i64 = app
        .sql("SELECT count(*)::int8 FROM addresses WHERE is_default GROUP BY user_id")
        .iter()
        .map(|r| r.get::<_, i64>(0))
        .max()
        .unwrap_or(0);
    assert_eq!(one_default, 1);
}

#[test]
fn at_most_twenty_addresses() {
    let app = UserApp::start();
    app.register("ada@example.com");
    let s = app.login("ada@example.com");
    for i in 0..20 {
        let r = app.as_user(
            &s,
            "POST",
            "/me/addresses",
            Some(&address(&format!("Town {i}"))),
        );
        assert_eq!(r.status, 201, "{i}: {}", r.text);
    }
    let r = app.as_user(&s, "POST", "/me/addresses", Some(&address("One too many")));
    assert_eq!((r.status, r.code()), (409, "too_many_addresses"));
}

#[test]
fn invalid_addresses_name_the_field() {
    let app = UserApp::start();
    app.register("ada@example.com");
    let s = app.login("ada@example.com");
    let mut bad = address("London");
    bad["country"] = json!("United Kingdom");
    let r = app.as_user(&s, "POST", "/me/addresses", Some(&bad));
    assert_eq!(
        (r.status, r.code(), r.json["field"].as_str()),
        (400, "invalid_address", Some("country"))
    );
    let r = app.as_user(
        &s,
        "POST",
        "/me/addresses",
        Some(&json!({ "city": "London" })),
    );
    assert_eq!(
        (r.status, r.json["field"].as_str()),
        (400, Some("recipient"))
    );
}

#[test]
fn profile_lookup_and_deletion() {
    let app = UserApp::start();
    let user = app.register("ada@example.com");
    let id = user["id"].as_str().expect("id").to_owned();
    let s = app.login("ada@example.com");

    let me = app.as_user(
        &s,
        "PATCH",
        "/me",
        Some(&json!({ "display_name": "  Ada L.  " })),
    );
    assert_eq!(
        (me.status, me.json["display_name"].as_str()),
        (200, Some("Ada L."))
    );
    assert_eq!(
        app.as_user(&s, "GET", "/me", None).json["display_name"],
        "Ada L."
    );
    app.as_user(&s, "POST", "/me/addresses", Some(&address("London")));

    // The order service's lookup.
    let found = app.call("GET", &format!("/internal/users/{id}"), &[], None);
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.json["email"], "ada@example.com");
    assert_eq!(found.json["display_name"], "Ada L.");
    assert_eq!(found.json["addresses"][0]["city"], "London");
    assert!(found.json.get("password_hash").is_none());
    assert_eq!(
        app.call(
            "GET",
            "/internal/users/00000000-0000-4000-8000-000000000000",
            &[],
            None
        )
        .status,
        404
    );

    // Deletion needs the password, erases the data, ends the sessions, queues user.deleted.
    let wrong = app.as_user(
        &s,
        "DELETE",
        "/me",
        Some(&json!({ "password": "not the one at all" })),
    );
    assert_eq!((wrong.status, wrong.code()), (401, "wrong_password"));
    let gone = app.as_user(&s, "DELETE", "/me", Some(&json!({ "password": PASSWORD })));
    assert_eq!(gone.status, 204, "{}", gone.text);
    assert!(!app.gateway_accepts(&s.token));
    assert_eq!(
        app.call("GET", &format!("/internal/users/{id}"), &[], None)
            .status,
        404
    );
    assert_eq!(
        app.sql("SELECT count(*)::int8 FROM users")[0].get::<_, i64>(0),
        0
    );
    assert_eq!(
        app.sql("SELECT count(*)::int8 FROM addresses")[0].get::<_, i64>(0),
        0
    );
    let events = app.sql("SELECT type, envelope::text FROM outbox");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].get::<_, String>(0), "user.deleted");
    let envelope: Value = serde_json::from_str(&events[0].get::<_, String>(1)).expect("json");
    assert_eq!(
        (envelope["user_id"].as_str(), &envelope["data"]),
        (Some(id.as_str()), &json!({}))
    );
    assert_eq!(app.try_login("ada@example.com", PASSWORD).status, 401);
}

#[test]
fn account_routes_need_the_gateways_identity() {
    let app = UserApp::start();
    for (method, path) in [
        ("GET", "/me"),
        ("GET", "/me/addresses"),
        ("GET", "/me/sessions"),
        ("DELETE", "/me/sessions"),
    ] {
        let r = app.call(method, path, &[], None);
        assert_eq!(
            (r.status, r.code()),
            (401, "unauthenticated"),
            "{method} {path}"
        );
    }
    // Refused before the body is read: no 413/415 leaks through for an anonymous caller.
    let r = app.call("PATCH", "/me", &[("content-type", "text/plain")], Some("x"));
    assert_eq!(r.status, 401);
}
