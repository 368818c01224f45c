//! Stock through the host against real PostgreSQL: reservations are all-or-nothing,
//! idempotent per order id and never oversell under concurrency; release and commit are
//! idempotent; adjustments are audited.

use std::sync::{Arc, Barrier};

use redshop_e2e::product::{Data, ProductApp, order_id};
use serde_json::{Value, json};

fn reservation(order: &str, lines: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(p, q)| json!({ "product_id": p, "quantity": q }))
        .collect();
    json!({ "order_id": order, "lines": lines })
}

fn with_product(stock: i64) -> (ProductApp, String) {
    let app = ProductApp::start(Data::Empty);
    app.create_category("gadgets");
    let product = app.create_product("widget", "gadgets", stock, json!({}));
    let id = product["id"].as_str().expect("id").to_owned();
    (app, id)
}

#[test]
fn two_hundred_concurrent_reservations_of_twenty_units_reserve_exactly_twenty() {
    let (app, product) = with_product(20);
    let app = Arc::new(app);
    let start = Arc::new(Barrier::new(200));
    let threads: Vec<_> = (0..200u64)
        .map(|n| {
            let (app, start, product) = (app.clone(), start.clone(), product.clone());
            std::thread::spawn(move || {
                let body = reservation(&order_id(n), &[(&product, 1)]);
                start.wait();
                (n, app.call("POST", "/reservations", Some(&body)))
            })
        })
        .collect();
    let answers: Vec<_> = threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();

    let won: Vec<&(u64, _)> = answers.iter().filter(|(_, a)| a.status == 201).collect();
    let lost: Vec<&(u64, _)> = answers.iter().filter(|(_, a)| a.status == 409).collect();
    let other: Vec<String> = answers
        .iter()
        .filter(|(_, a)| a.status != 201 && a.status != 409)
        .map(|(n, a)| format!("{n}: {} {}", a.status, a.text))
        .collect();
    assert!(
        other.is_empty(),
        "unexpected answers: {other:?}\n{}",
        app.app.logs()
    );
    assert_eq!(won.len(), 20, "exactly the stock is reserved");
    assert_eq!(lost.len(), 180);
    for (_, a) in &lost {
        assert_eq!(a.json["error"], "insufficient_stock", "{}", a.text);
        assert_eq!(a.json["details"][0]["product_id"], product.as_str());
    }
    let (on_hand, reserved) = app.stock_row(&product);
    assert_eq!((on_hand, reserved), (20, 20));
    assert_eq!(
        app.get(&format!("/products/{product}")).json["available"],
        0,
        "clients see nothing left to sell"
    );
    assert_eq!(
        app.sql_i64("SELECT count(*) FROM reservations"),
        20,
        "losers leave no reservation behind"
    );
    assert_eq!(app.sql_i64("SELECT count(*) FROM reservation_lines"), 20);

    // Replaying every winner changes nothing and returns the same reservation.
    for (n, first) in &won {
        let replay = app.call(
            "POST",
            "/reservations",
            Some(&reservation(&order_id(*n), &[(&product, 1)])),
        );
        assert_eq!(replay.status, 200, "{}", replay.text);
        assert_eq!(replay.json["replayed"], true);
        for field in ["order_id", "state", "lines"] {
            assert_eq!(replay.json[field], first.json[field], "{field}");
        }
    }
    // A loser's replay is a fresh attempt, and there is still nothing left.
    let (n, _) = lost[0];
    let retry = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&order_id(*n), &[(&product, 1)])),
    );
    assert_eq!(retry.status, 409, "{}", retry.text);
    assert_eq!(app.stock_row(&product), (20, 20));
    assert_eq!(app.sql_i64("SELECT count(*) FROM reservations"), 20);
}

#[test]
fn concurrent_orders_locking_shared_products_in_any_order_all_succeed() {
    let app = ProductApp::start(Data::Empty);
    app.create_category("gadgets");
    let a = app.create_product("alpha", "gadgets", 100, json!({}))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let b = app.create_product("beta", "gadgets", 100, json!({}))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let app = Arc::new(app);
    let start = Arc::new(Barrier::new(40));
    let threads: Vec<_> = (0..40u64)
        .map(|n| {
            let (app, start) = (app.clone(), start.clone());
            // Half the orders list the lines one way round, half the other.
            let lines = if n % 2 == 0 {
                [(a.clone(), 2), (b.clone(), 1)]
            } else {
                [(b.clone(), 1), (a.clone(), 2)]
            };
            std::thread::spawn(move || {
                let body = reservation(
                    &order_id(n),
                    &[(&lines[0].0, lines[0].1), (&lines[1].0, lines[1].1)],
                );
                start.wait();
                app.call("POST", "/reservations", Some(&body))
            })
        })
        .collect();
    for t in threads {
        let answer = t.join().expect("thread");
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    assert_eq!(app.stock_row(&a), (100, 80));
    assert_eq!(app.stock_row(&b), (100, 40));
}

#[test]
fn a_reservation_is_all_or_nothing_across_lines() {
    let app = ProductApp::start(Data::Empty);
    app.create_category("gadgets");
    let plenty = app.create_product("plenty", "gadgets", 50, json!({}))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let scarce = app.create_product("scarce", "gadgets", 1, json!({}))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let answer = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&order_id(1), &[(&plenty, 5), (&scarce, 2)])),
    );
    assert_eq!(answer.status, 409, "{}", answer.text);
    assert_eq!(answer.json["error"], "insufficient_stock");
    assert_eq!(
        answer.json["details"],
        json!([{ "product_id": scarce, "requested": 2, "available": 1 }])
    );
    assert_eq!(
        app.stock_row(&plenty),
        (50, 0),
        "the satisfiable line was not reserved either"
    );
    assert_eq!(app.stock_row(&scarce), (1, 0));

    // Duplicate lines of one product are merged before checking.
    let merged = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&order_id(2), &[(&plenty, 3), (&plenty, 4)])),
    );
    assert_eq!(merged.status, 201, "{}", merged.text);
    assert_eq!(
        merged.json["lines"],
        json!([{ "product_id": plenty, "quantity": 7 }])
    );
    assert_eq!(app.stock_row(&plenty), (50, 7));

    // Unknown and deactivated products are 404s naming them; nothing is reserved.
    let ghost = "00000000-0000-4000-8000-00000000dead";
    let missing = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&order_id(3), &[(&plenty, 1), (ghost, 1)])),
    );
    assert_eq!(
        (missing.status, missing.json["error"].as_str()),
        (404, Some("not_found")),
        "{}",
        missing.text
    );
    assert!(
        missing.json["message"]
            .as_str()
            .is_some_and(|m| m.contains(ghost))
    );
    assert_eq!(
        app.admin("DELETE", &format!("/products/{scarce}"), None)
            .status,
        200
    );
    let inactive = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&order_id(4), &[(&scarce, 1)])),
    );
    assert_eq!(inactive.status, 404, "{}", inactive.text);
    assert_eq!(app.stock_row(&plenty), (50, 7));
}

#[test]
fn release_and_commit_are_idempotent_and_final() {
    let (app, product) = with_product(10);
    let (released, committed) = (order_id(1), order_id(2));
    for order in [&released, &committed] {
        let answer = app.call(
            "POST",
            "/reservations",
            Some(&reservation(order, &[(&product, 3)])),
        );
        assert_eq!(answer.status, 201, "{}", answer.text);
    }
    assert_eq!(app.stock_row(&product), (10, 6));

    let first = app.call("POST", &format!("/reservations/{released}/release"), None);
    assert_eq!(
        (first.status, &first.json["state"], &first.json["replayed"]),
        (200, &json!("released"), &json!(false)),
        "{}",
        first.text
    );
    let again = app.call("POST", &format!("/reservations/{released}/release"), None);
    assert_eq!(
        (again.status, &again.json["replayed"]),
        (200, &json!(true)),
        "{}",
        again.text
    );
    assert_eq!(app.stock_row(&product), (10, 3), "released once");

    let first = app.call("POST", &format!("/reservations/{committed}/commit"), None);
    assert_eq!(
        (first.status, &first.json["state"]),
        (200, &json!("committed")),
        "{}",
        first.text
    );
    let again = app.call("POST", &format!("/reservations/{committed}/commit"), None);
    assert_eq!(
        (again.status, &again.json["replayed"]),
        (200, &json!(true)),
        "{}",
        again.text
    );
    assert_eq!(
        app.stock_row(&product),
        (7, 0),
        "committed units left on_hand once"
    );

    // The end states are final, and a released order id cannot reserve again.
    for (path, order) in [("commit", &released), ("release", &committed)] {
        let answer = app.call("POST", &format!("/reservations/{order}/{path}"), None);
        assert_eq!(
            (answer.status, answer.json["error"].as_str()),
            (409, Some("conflict")),
            "{path}: {}",
            answer.text
        );
    }
    let reuse = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&released, &[(&product, 3)])),
    );
    assert_eq!(reuse.status, 409, "{}", reuse.text);
    // The same order id with different lines is a conflict, not a second reservation.
    let open = order_id(3);
    assert_eq!(
        app.call(
            "POST",
            "/reservations",
            Some(&reservation(&open, &[(&product, 1)]))
        )
        .status,
        201
    );
    let different = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&open, &[(&product, 2)])),
    );
    assert_eq!(
        (different.status, different.json["error"].as_str()),
        (409, Some("conflict")),
        "{}",
        different.text
    );
    assert_eq!(app.stock_row(&product), (7, 1));

    // Releasing an order id never reserved leaves it released, so a reserve for it that
    // arrives late (its caller gave up and released first) is refused.
    let unknown = app.call(
        "POST",
        &format!("/reservations/{}/release", order_id(99)),
        None,
    );
    assert_eq!(unknown.status, 200, "{}", unknown.text);
    assert_eq!(unknown.json["state"], "released", "{}", unknown.text);
    let late = app.call(
        "POST",
        "/reservations",
        Some(&reservation(&order_id(99), &[(&product, 1)])),
    );
    assert_eq!(late.status, 409, "{}", late.text);
    let never = app.call(
        "POST",
        &format!("/reservations/{}/commit", order_id(98)),
        None,
    );
    assert_eq!(never.status, 404, "{}", never.text);
    let bad = app.call("POST", "/reservations/not-an-order/commit", None);
    assert_eq!(
        (bad.status, bad.json["error"].as_str()),
        (400, Some("invalid_id")),
        "{}",
        bad.text
    );
}

#[test]
fn reservation_requests_are_validated_before_touching_stock() {
    let (app, product) = with_product(10);
    let cases = [
        (
            json!({ "order_id": order_id(1), "lines": [] }),
            "invalid_request",
        ),
        (
            reservation(&order_id(1), &[(&product, 0)]),
            "invalid_quantity",
        ),
        (
            reservation(&order_id(1), &[(&product, 10_001)]),
            "invalid_quantity",
        ),
        (reservation("nope", &[(&product, 1)]), "invalid_id"),
        (
            json!({ "order_id": order_id(1), "lines": [{ "product_id": product, "qty": 1 }] }),
            "invalid_json",
        ),
    ];
    for (body, code) in cases {
        let answer = app.call("POST", "/reservations", Some(&body));
        assert_eq!(
            (answer.status, answer.json["error"].as_str()),
            (400, Some(code)),
            "{body}: {}",
            answer.text
        );
    }
    assert_eq!(app.stock_row(&product), (10, 0));
}
