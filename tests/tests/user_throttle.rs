//! Sign-in throttling in Redis: five failures for one account, or twenty from one client
//! address, and sign-in answers 429 with `Retry-After` until the window ends.

use redshop_e2e::user::{Options, PASSWORD, UserApp};

/// A window short enough to watch a trip end, long enough that a loaded machine still fits
/// five failed sign-ins into it.
const WINDOW: u64 = 15;

fn app(window: u64) -> UserApp {
    UserApp::start_with(Options {
        throttle_window_secs: Some(window),
        ..Options::default()
    })
}

#[test]
fn failures_per_account_trip_the_throttle_and_it_resets() {
    let app = app(WINDOW);
    app.register("ada@example.com");
    // A success before the limit clears the account's count.
    for _ in 0..4 {
        assert_eq!(
            app.try_login("ada@example.com", "wrong password here")
                .status,
            401
        );
    }
    app.login("ada@example.com");
    for _ in 0..5 {
        assert_eq!(
            app.try_login("ada@example.com", "wrong password here")
                .status,
            401
        );
    }
    // Tripped: even the right password waits.
    let r = app.try_login("ada@example.com", PASSWORD);
    assert_eq!(
        (r.status, r.code()),
        (429, "too_many_attempts"),
        "{}",
        r.text
    );
    let retry: u64 = r
        .header("retry-after")
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!((1..=WINDOW).contains(&retry), "{retry}");
    // Another account from the same address is not affected by this account's count.
    app.register("bob@example.com");
    assert_eq!(app.try_login("bob@example.com", PASSWORD).status, 200);

    // Once the window has passed, sign-in works again.
    std::thread::sleep(std::time::Duration::from_secs(retry + 1));
    assert_eq!(app.try_login("ada@example.com", PASSWORD).status, 200);
}

#[test]
fn failures_per_client_address_trip_the_throttle() {
    // The default window: twenty sign-ins must fall inside it.
    let app = app(900);
    app.register("ada@example.com");
    // Twenty unknown accounts from one address: a spray.
    for i in 0..20 {
        assert_eq!(
            app.try_login(&format!("nobody{i}@example.com"), PASSWORD)
                .status,
            401
        );
    }
    let r = app.try_login("ada@example.com", PASSWORD);
    assert_eq!((r.status, r.code()), (429, "too_many_attempts"));
    assert!(r.header("retry-after").is_some());
    // Another address is not throttled.
    let other = app.call(
        "POST",
        "/auth/login",
        &[("x-redshop-client-addr", "198.51.100.4")],
        Some(&serde_json::json!({ "email": "ada@example.com", "password": PASSWORD }).to_string()),
    );
    assert_eq!(other.status, 200, "{}", other.text);
}
