//! Checkout under concurrency, through redshop against real PostgreSQL: the last units are
//! never oversold, and one click (one `Idempotency-Key`) never makes two orders.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use redshop_e2e::order::{Answer, Options, OrderApp, Shopper};
use serde_json::json;

/// Runs `f(i)` on `n` threads that start together; the answers in order of `i`.
fn together<F>(n: usize, f: F) -> Vec<Answer>
where
    F: Fn(usize) -> Answer + Send + Sync + 'static,
{
    let f = Arc::new(f);
    let start = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (f, start) = (f.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                f(i)
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect()
}

#[test]
fn one_hundred_concurrent_checkouts_of_the_last_ten_units_make_exactly_ten_orders() {
    let shop = Arc::new(OrderApp::start(Options::default()));
    let lamp = shop.create_product("last-lamps", 10, 1999);
    let shoppers: Vec<Shopper> = (0..100).map(|_| Shopper::user()).collect();
    for s in &shoppers {
        shop.add_to_cart(s, &lamp, 1);
    }
    let shoppers = Arc::new(shoppers);
    let answers = {
        let (shop, shoppers) = (shop.clone(), shoppers.clone());
        together(100, move |i| shop.checkout(&shoppers[i], "buy-now"))
    };

    let won = answers.iter().filter(|a| a.status == 201).count();
    let sold_out: Vec<&Answer> = answers.iter().filter(|a| a.status == 409).collect();
    let other: Vec<String> = answers
        .iter()
        .filter(|a| a.status != 201 && a.status != 409)
        .map(|a| format!("{} {}", a.status, a.json))
        .collect();
    assert!(
        other.is_empty(),
        "unexpected: {other:?}\n{}",
        shop.app.logs()
    );
    assert_eq!(won, 10, "exactly the stock is sold");
    assert_eq!(sold_out.len(), 90);
    for a in &sold_out {
        assert_eq!(a.json["error"], "insufficient_stock", "{}", a.json);
        assert_eq!(a.json["details"][0]["product_id"], lamp.as_str());
    }
    assert_eq!(
        shop.stock(&lamp),
        (10, 10),
        "stock: all 10 reserved, none oversold"
    );
    assert_eq!(shop.orders_i64("SELECT count(*) FROM orders"), 10);
    assert_eq!(
        shop.orders_i64("SELECT coalesce(sum(quantity), 0)::int8 FROM order_lines"),
        10
    );
    assert_eq!(
        shop.products_i64("SELECT count(*) FROM reservations WHERE state = 'reserved'"),
        10,
        "the losers left no reservation behind"
    );
    // What is left for sale is nothing.
    let (status, level) = shop.product_admin("GET", &format!("/products/{lamp}/stock"), None);
    assert_eq!((status, &level["available"]), (200, &json!(0)));
}

#[test]
fn twenty_concurrent_identical_checkouts_make_one_order_and_nineteen_replays() {
    let shop = Arc::new(OrderApp::start(Options::default()));
    let lamp = shop.create_product("lamp", 5, 1999);
    let ada = Shopper::user();
    shop.add_to_cart(&ada, &lamp, 2);
    let answers = {
        let (shop, ada) = (shop.clone(), ada.clone());
        together(20, move |_| shop.checkout(&ada, "one-click"))
    };

    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert!(
        statuses.iter().all(|s| *s == 201),
        "{statuses:?}\n{}",
        shop.app.logs()
    );
    let originals = answers.iter().filter(|a| !a.replayed).count();
    assert_eq!(originals, 1, "one request made the order");
    assert_eq!(answers.iter().filter(|a| a.replayed).count(), 19);
    let ids: HashSet<&str> = answers
        .iter()
        .map(|a| a.json["id"].as_str().expect("order id"))
        .collect();
    assert_eq!(ids.len(), 1, "every replay is the same order");
    let first = &answers.iter().find(|a| !a.replayed).expect("original").json;
    assert!(
        answers.iter().all(|a| a.json == *first),
        "replays are byte-for-byte the answer"
    );
    assert_eq!(shop.orders_i64("SELECT count(*) FROM orders"), 1);
    assert_eq!(shop.stock(&lamp), (5, 2), "reserved once");
    assert_eq!(shop.products_i64("SELECT count(*) FROM reservations"), 1);

    // The same key with another body is refused, and changes nothing.
    let other_body = json!({ "address": {
        "recipient": "Someone Else", "line1": "1 Other Road", "city": "Leeds",
        "postal_code": "LS1 1AA", "country": "GB"
    }});
    let reused = shop.call_with(
        &ada,
        "POST",
        "/checkout",
        Some(&other_body),
        &[("idempotency-key", "one-click")],
    );
    assert_eq!(reused.status, 422, "{}", reused.json);
    assert_eq!(reused.json["error"], "idempotency_key_reused");
    assert_eq!(shop.orders_i64("SELECT count(*) FROM orders"), 1);

    // The key is the user's own: another shopper may use the same one.
    let bea = Shopper::user();
    shop.add_to_cart(&bea, &lamp, 1);
    let theirs = shop.checkout(&bea, "one-click");
    assert_eq!(
        (theirs.status, theirs.replayed),
        (201, false),
        "{}",
        theirs.json
    );
    assert_ne!(theirs.json["id"], first["id"]);
}
