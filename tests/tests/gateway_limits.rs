//! Rate limits in Redis: a bucket trips at the configured rate with `429`, `Retry-After` and
//! the IETF `RateLimit-Policy`/`RateLimit` fields, and lets requests through again once its
//! window has passed. Limits come from Spin variables, set here as an operator would.

use redshop_e2e::gateway::{assert_error, probe_wasm};
use redshop_e2e::shop::Shop;

#[test]
fn the_anonymous_limit_trips_answers_the_headers_and_resets() {
    let shop = Shop::builder()
        .components(&["gateway", "product"])
        .variable("gateway_rate_limit_anonymous", "3/2")
        .start();
    for remaining in [2, 1, 0] {
        let ok = shop.get("/categories");
        assert_eq!(ok.status, 200, "{}", ok.text);
        assert_eq!(ok.header("ratelimit-policy"), Some("\"anonymous\";q=3;w=2"));
        let field = ok.header("ratelimit").expect("RateLimit");
        assert!(
            field.starts_with(&format!("\"anonymous\";r={remaining};t=")),
            "{field}"
        );
    }
    let refused = shop.get("/categories");
    assert_error(&refused, 429, "rate_limited");
    let retry: u64 = refused
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("secs");
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"anonymous\";q=3;w=2")
    );
    assert!(
        refused
            .header("ratelimit")
            .is_some_and(|f| f.starts_with("\"anonymous\";r=0;"))
    );
    // Once the window is over, the bucket starts again.
    std::thread::sleep(std::time::Duration::from_millis(retry * 1000 + 300));
    let again = shop.get("/categories");
    assert_eq!(again.status, 200, "{}", again.text);
    assert!(
        again
            .header("ratelimit")
            .is_some_and(|f| f.starts_with("\"anonymous\";r=2;"))
    );
}

#[test]
fn sign_in_has_a_stricter_bucket_per_address() {
    let shop = Shop::builder()
        .components(&["gateway", "user"])
        .replace("user", probe_wasm())
        .variable("gateway_rate_limit_auth", "2/60")
        .start();
    let login = || shop.send("POST", "/auth/login", None, Some(&serde_json::json!({})));
    assert_eq!(login().status, 200);
    assert_eq!(login().status, 200);
    let refused = login();
    assert_error(&refused, 429, "rate_limited");
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"anonymous\";q=120;w=60, \"auth\";q=2;w=60")
    );
    assert!(
        refused
            .header("ratelimit")
            .is_some_and(|f| f.starts_with("\"auth\";r=0;"))
    );
    // Other routes from the same address still answer.
    let token = shop.customer_token();
    assert_eq!(shop.send("GET", "/me", Some(&token), None).status, 200);
}

#[test]
fn signed_in_users_count_per_user_not_per_address() {
    let shop = Shop::builder()
        .components(&["gateway", "user"])
        .replace("user", probe_wasm())
        .variable("gateway_rate_limit_user", "2/60")
        .start();
    let first = shop.customer_token();
    let second = shop.customer_token();
    for _ in 0..2 {
        let ok = shop.send("GET", "/me", Some(&first), None);
        assert_eq!(ok.header("ratelimit-policy"), Some("\"user\";q=2;w=60"));
    }
    assert_error(
        &shop.send("GET", "/me", Some(&first), None),
        429,
        "rate_limited",
    );
    assert_eq!(shop.send("GET", "/me", Some(&second), None).status, 200);
}
