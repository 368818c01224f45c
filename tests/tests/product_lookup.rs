//! The private calls other services make besides listings: the batch lookup by id the order
//! service prices a cart with (`GET /products?ids=…`), and the health check the gateway's
//! admin page reads (`GET /health`).

use redshop_e2e::http::send;
use redshop_e2e::product::{Data, ProductApp, start_host};
use redshop_e2e::{log_line, pg_host_port};
use serde_json::{Value, json};

fn ids_where(app: &ProductApp, condition: &str, n: usize) -> Vec<String> {
    app.sql(&format!(
        "SELECT id::text FROM products WHERE {condition} ORDER BY slug LIMIT {n}"
    ))
    .iter()
    .map(|row| row.get::<_, String>(0))
    .collect()
}

#[test]
fn ids_answer_the_active_products_in_the_order_asked_shaped_as_by_id() {
    let app = ProductApp::start(Data::Demo);
    let active = ids_where(&app, "active", 3);
    let inactive = ids_where(&app, "NOT active", 1);
    assert_eq!(
        (active.len(), inactive.len()),
        (3, 1),
        "the demo catalog has both"
    );
    let unknown = "00000000-0000-4000-8000-00000000beef".to_string();
    // Asked out of order, with a duplicate, an inactive and an unknown id mixed in.
    let asked = [
        &active[2],
        &unknown,
        &active[0],
        &inactive[0],
        &active[2],
        &active[1],
    ];
    let list = asked
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let answer = app.get(&format!("/products?ids={list}"));
    assert_eq!(answer.status, 200, "{}", answer.text);
    let expected: Vec<Value> = [&active[2], &active[0], &active[1]]
        .iter()
        .map(|id| {
            let one = app.get(&format!("/products/{id}"));
            assert_eq!(one.status, 200);
            one.json
        })
        .collect();
    // Exactly `items`, nothing else (no total, cursor or limit), each item identical to the
    // single-product answer, `available` included.
    assert_eq!(answer.json, json!({ "items": expected }));
    assert!(expected.iter().all(|p| p["available"].is_i64()));
}

#[test]
fn ids_that_match_nothing_answer_an_empty_list() {
    let app = ProductApp::start(Data::Empty);
    let answer = app.get("/products?ids=00000000-0000-4000-8000-000000000001");
    assert_eq!((answer.status, answer.json), (200, json!({ "items": [] })));
}

#[test]
fn bad_id_lists_are_400s_that_say_why() {
    let app = ProductApp::start(Data::Empty);
    let id = "00000000-0000-4000-8000-000000000001";
    let too_many = (0..101)
        .map(|i| format!("00000000-0000-4000-8000-{i:012x}"))
        .collect::<Vec<_>>()
        .join(",");
    let cases = [
        (format!("ids={id},not-a-uuid"), "invalid_id", "not-a-uuid"),
        (format!("ids={too_many}"), "invalid_query", "at most 100"),
        ("ids=".to_string(), "invalid_query", "1 to 100"),
        (
            format!("ids={id}&category=shoes"),
            "invalid_query",
            "cannot be combined",
        ),
        (
            format!("ids={id}&facets=true"),
            "invalid_query",
            "cannot be combined",
        ),
        (
            format!("ids={id}&ids={id}"),
            "invalid_query",
            "more than once",
        ),
    ];
    for (query, code, says) in cases {
        let answer = app.get(&format!("/products?{query}"));
        assert_eq!(
            (answer.status, answer.json["error"].as_str()),
            (400, Some(code)),
            "{query}: {}",
            answer.text
        );
        let message = answer.json["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{query}: {message}");
    }
}

#[test]
fn health_is_ok_while_the_database_answers() {
    // Even an unmigrated database answers `SELECT 1`: health is about reachability.
    let app = ProductApp::start(Data::Unmigrated);
    let answer = app.get("/health");
    assert_eq!(
        (answer.status, answer.json),
        (200, json!({ "status": "ok" }))
    );
    assert_eq!(app.call("POST", "/health", None).status, 405);
}

#[test]
fn health_is_503_without_internals_when_the_database_is_gone() {
    let missing = format!(
        "postgres://postgres@{}/redshop_health_missing_db?sslmode=disable",
        pg_host_port()
    );
    let app = start_host(&missing);
    let answer = send("GET", &app.url("/product/health"), &[], None);
    assert_eq!(
        (answer.status, &answer.json),
        (
            503,
            &json!({ "error": "unavailable", "message": "the product database is not answering" })
        )
    );
    assert!(!answer.text.contains("redshop_health_missing_db"));
    let (found, logs) = log_line(&app, |l| {
        l.contains("product: unavailable") && l.contains("open postgres")
    });
    assert!(found, "the cause is logged:\n{logs}");
}
