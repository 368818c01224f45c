//! The API's errors through the host: JSON 4xx bodies that say what is wrong and name the
//! offending parameter or field, a size cap on bodies, and 5xx bodies that say nothing more
//! than "internal error" while the cause reaches the host's log.

use redshop_e2e::http::{send, send_chunked};
use redshop_e2e::product::{ADMIN, Data, ProductApp, start_host};
use redshop_e2e::{log_line, pg_host_port};
use serde_json::json;

#[test]
fn client_errors_are_json_that_names_the_problem() {
    let app = ProductApp::start(Data::Empty);
    let cases = [
        ("GET", "/products/42", 400, "invalid_id"),
        (
            "GET",
            "/products/00000000-0000-4000-8000-000000000001",
            404,
            "not_found",
        ),
        ("GET", "/products/by-slug/Not_A_Slug", 400, "invalid_slug"),
        ("GET", "/products/by-slug/no-such-thing", 404, "not_found"),
        ("GET", "/nowhere", 404, "not_found"),
        ("PUT", "/products", 405, "method_not_allowed"),
        ("GET", "/reservations", 405, "method_not_allowed"),
        ("GET", "/products?catgory=shoes", 400, "unknown_parameter"),
        ("GET", "/products?sort=cheapest", 400, "invalid_query"),
        ("GET", "/products?sort=relevance", 400, "invalid_query"),
        ("GET", "/products?limit=1000", 400, "invalid_query"),
        (
            "GET",
            "/products?min_price=500&max_price=100",
            400,
            "invalid_query",
        ),
        ("GET", "/products?facets=maybe", 400, "invalid_query"),
        ("GET", "/products?cursor=garbage", 400, "invalid_cursor"),
    ];
    for (method, path, status, code) in cases {
        let answer = send(method, &app.url(path), &[ADMIN], None);
        assert_eq!(
            (answer.status, answer.json["error"].as_str()),
            (status, Some(code)),
            "{method} {path}: {}",
            answer.text
        );
        assert!(
            answer.json["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{method} {path}"
        );
    }
    let not_allowed = send("PUT", &app.url("/products"), &[], None);
    assert_eq!(not_allowed.allow.as_deref(), Some("GET, POST"));
    let unknown = app.get("/products?catgory=shoes");
    assert!(
        unknown.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("catgory")),
        "{}",
        unknown.text
    );

    let malformed = send("POST", &app.url("/categories"), &[ADMIN], Some("{not json"));
    assert_eq!(
        (malformed.status, malformed.json["error"].as_str()),
        (400, Some("invalid_json"))
    );
    let unknown_field = app.admin(
        "POST",
        "/categories",
        Some(&json!({ "slug": "a", "name": "A", "colour": "red" })),
    );
    assert!(
        unknown_field.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("colour")),
        "{}",
        unknown_field.text
    );
}

#[test]
fn the_largest_valid_product_fits_and_larger_bodies_are_refused() {
    let app = ProductApp::start(Data::Empty);
    app.create_category("gallery");
    // Eight 64 KiB data-URI images, the most the domain accepts: about 512 KiB of JSON.
    let images: Vec<String> = (b'A'..b'I')
        .map(|c| {
            format!(
                "data:image/png;base64,{}{}",
                (c as char).to_string().repeat(4),
                "A".repeat(64 * 1024 - 28)
            )
        })
        .collect();
    let largest = json!({
        "slug": "big-gallery", "sku": "BG-1", "name": "Big Gallery", "category": "gallery",
        "brand": "Testbrand", "price": { "amount_minor": 100, "currency": "USD" },
        "description": "é".repeat(5_000), "images": images,
    });
    let created = app.admin("POST", "/products", Some(&largest));
    assert_eq!(
        created.status,
        201,
        "{}",
        &created.text[..created.text.len().min(300)]
    );
    assert_eq!(created.json["images"].as_array().map(Vec::len), Some(8));

    // 700 KiB is over the cap (about 651 KiB): refused by its content-length…
    let big = format!(
        "{{\"slug\":\"big\",\"name\":\"{}\"}}",
        "x".repeat(700 * 1024)
    );
    let sized = send("POST", &app.url("/categories"), &[ADMIN], Some(&big));
    assert_eq!(
        (sized.status, sized.json["error"].as_str()),
        (413, Some("payload_too_large")),
        "{}",
        sized.text
    );
    // …and without content-length, while reading.
    let chunked = send_chunked(&app.url("/categories"), &[ADMIN], big.into_bytes());
    assert_eq!(
        (chunked.status, chunked.json["error"].as_str()),
        (413, Some("payload_too_large")),
        "{}",
        chunked.text
    );
    // Under the cap, a body is parsed and judged by its content.
    let near = format!(
        "{{\"slug\":\"big\",\"name\":\"{}\"}}",
        "x".repeat(600 * 1024)
    );
    let answer = send("POST", &app.url("/categories"), &[ADMIN], Some(&near));
    assert_eq!(
        (answer.status, answer.json["error"].as_str()),
        (400, Some("invalid_name")),
        "{}",
        &answer.text[..200]
    );
    // A ninth image is the domain's to refuse.
    let mut too_many = largest.clone();
    too_many["slug"] = json!("bigger-gallery");
    too_many["sku"] = json!("BG-2");
    too_many["description"] = json!("");
    too_many["images"] = json!(
        (0..9)
            .map(|i| format!("/images/{i}.webp"))
            .collect::<Vec<_>>()
    );
    let refused = app.admin("POST", "/products", Some(&too_many));
    assert_eq!(
        (refused.status, refused.json["error"].as_str()),
        (400, Some("invalid_image")),
        "{}",
        refused.text
    );
}

#[test]
fn server_errors_say_internal_error_and_log_the_cause() {
    // A database that does not exist, then one that exists but was never migrated.
    let missing = format!(
        "postgres://postgres@{}/redshop_no_such_database?sslmode=disable",
        pg_host_port()
    );
    let app = start_host(&missing);
    let answer = send("GET", &app.url("/product/products"), &[], None);
    assert_eq!(answer.status, 500);
    assert_eq!(
        answer.json,
        json!({ "error": "internal", "message": "internal error" })
    );
    assert!(!answer.text.contains("redshop_no_such_database"));
    // The cause reaches the host's log, tagged with the component and request id. (The host
    // reports a failed connect as `db error` without the server's reason.)
    let (found, logs) = log_line(&app, |l| {
        l.contains("open postgres") && l.contains("ConnectionFailed") && l.contains("request_id=")
    });
    assert!(found, "the cause is logged:\n{logs}");

    let unmigrated = ProductApp::start(Data::Unmigrated);
    let answer = unmigrated.get("/products");
    assert_eq!(
        (answer.status, &answer.json),
        (
            500,
            &json!({ "error": "internal", "message": "internal error" })
        )
    );
    let (found, logs) = log_line(&unmigrated.app, |l| {
        l.contains("42P01") && l.contains("does not exist")
    });
    assert!(found, "SQLSTATE and reason logged:\n{logs}");
    // Validation still answers without the database.
    assert_eq!(unmigrated.get("/products/42").status, 400);
}
