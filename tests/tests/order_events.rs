//! Order events are never lost: with the order component's path to Redis cut, checkouts
//! still succeed and their events wait in the outbox; once Redis is reachable again, a flush
//! publishes every one of them, once.

use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use redshop_e2e::order::{Options, OrderApp, Shopper};
use redshop_testkit::services::psql;

#[test]
fn events_written_while_redis_is_cut_are_all_published_once_by_the_next_flush() {
    let shop = Arc::new(OrderApp::start(Options {
        redis_relay: true,
        ..Options::default()
    }));
    let lamp = shop.create_product("lamp", 1000, 1999);
    let shoppers: Vec<Shopper> = (0..100).map(|_| Shopper::user()).collect();
    for s in &shoppers {
        shop.add_to_cart(s, &lamp, 1);
    }
    let mut events = shop.subscribe();
    // One order while Redis is reachable: the order component's connection is up (and this
    // order's events are out) before the path is cut.
    let early = Shopper::user();
    shop.add_to_cart(&early, &lamp, 1);
    assert_eq!(shop.checkout(&early, "k").status, 201);
    assert_eq!(events.drain().len(), 2);
    shop.relay.as_ref().expect("relay").cut();

    let shoppers = Arc::new(shoppers);
    let start = Arc::new(Barrier::new(100));
    let threads: Vec<_> = (0..100)
        .map(|i| {
            let (shop, shoppers, start) = (shop.clone(), shoppers.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                shop.checkout(&shoppers[i], "k").status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 201),
        "{statuses:?}\n{}",
        shop.app.logs()
    );
    assert_eq!(events.drain().len(), 0, "nothing could be published");
    assert_eq!(
        shop.orders_i64("SELECT count(*) FROM outbox WHERE published_at IS NULL"),
        200,
        "order.created and order.paid of each order wait in the outbox"
    );

    shop.relay.as_ref().expect("relay").restore();
    let mut published = 0;
    for _ in 0..20 {
        let flush = shop.call(&Shopper::admin(), "POST", "/internal/flush", None);
        assert_eq!(flush.status, 200, "{}", flush.json);
        published += flush.json["published"].as_i64().expect("published");
        if published >= 200 {
            break;
        }
        // The host reconnects to Redis by itself; give it a moment between attempts.
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(published, 200);

    let got = events.drain();
    let created: Vec<&str> = got
        .iter()
        .filter(|e| e["type"] == "order.created")
        .map(|e| e["id"].as_str().expect("event id"))
        .collect();
    let unique: HashSet<&str> = created.iter().copied().collect();
    assert_eq!(created.len(), 100, "100 order.created messages");
    assert_eq!(unique.len(), 100, "each published once");
    let outbox_ids: HashSet<String> = psql(
        &shop.orders_db.name,
        "SELECT id::text FROM outbox WHERE event_type = 'order.created' \
         AND order_id <> (SELECT id FROM orders ORDER BY seq LIMIT 1)",
    )
    .iter()
    .map(|r| r.get::<_, String>(0))
    .collect();
    let received: HashSet<String> = unique.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        received, outbox_ids,
        "exactly the outbox's events, none lost"
    );
    // Oldest first: the messages arrive in outbox order.
    let order: Vec<String> = psql(
        &shop.orders_db.name,
        "SELECT id::text FROM outbox WHERE seq > 2 ORDER BY seq",
    )
    .iter()
    .map(|r| r.get::<_, String>(0))
    .collect();
    let arrived: Vec<String> = got
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(arrived, order);
    assert_eq!(
        shop.orders_i64("SELECT count(*) FROM outbox WHERE published_at IS NULL"),
        0
    );
}

#[test]
fn an_event_nobody_hears_stays_in_the_outbox_until_someone_listens() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 5, 1999);
    let ada = Shopper::user();
    shop.add_to_cart(&ada, &lamp, 1);
    // No subscriber: PUBLISH reports 0 receivers.
    assert_eq!(shop.checkout(&ada, "k").status, 201);
    assert_eq!(
        shop.orders_i64("SELECT count(*) FROM outbox WHERE published_at IS NULL"),
        2
    );
    let mut events = shop.subscribe();
    let flush = shop.call(&Shopper::admin(), "POST", "/internal/flush", None);
    assert_eq!(flush.json["published"], 2, "{}", flush.json);
    assert_eq!(flush.json["released"], 0);
    let types: Vec<String> = events
        .drain()
        .iter()
        .map(|e| e["type"].as_str().expect("type").to_owned())
        .collect();
    assert_eq!(types, ["order.created", "order.paid"]);
}

#[test]
fn the_flush_releases_the_reservation_of_a_checkout_that_died_before_recording() {
    let shop = OrderApp::start(Options::default());
    let lamp = shop.create_product("lamp", 5, 1999);
    // A checkout reserved stock under its order id, then died: its claim is still in
    // progress eleven minutes later, and no order exists.
    let order_id = redshop_e2e::order::new_id();
    let user = redshop_e2e::order::new_id();
    let (status, body) = shop.product_admin(
        "POST",
        "/reservations",
        Some(&serde_json::json!({ "order_id": order_id, "lines": [{ "product_id": lamp, "quantity": 2 }] })),
    );
    assert_eq!(status, 201, "{body}");
    psql(
        &shop.orders_db.name,
        &format!(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, order_id, created_at) \
             VALUES ('{user}', 'k', 'f', '{order_id}', now() - interval '11 minutes')"
        ),
    );
    // A claim of a checkout still running (one minute old) is left alone.
    let live_order = redshop_e2e::order::new_id();
    psql(
        &shop.orders_db.name,
        &format!(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, order_id, created_at) \
             VALUES ('{user}', 'k2', 'f', '{live_order}', now() - interval '1 minute')"
        ),
    );
    assert_eq!(shop.stock(&lamp), (5, 2));

    let flush = shop.call(&Shopper::admin(), "POST", "/internal/flush", None);
    assert_eq!(flush.status, 200, "{}", flush.json);
    assert_eq!(flush.json["released"], 1);
    assert_eq!(
        shop.stock(&lamp),
        (5, 0),
        "the abandoned units are for sale again"
    );
    assert_eq!(shop.orders_i64("SELECT count(*) FROM idempotency_keys"), 1);
    let again = shop.call(&Shopper::admin(), "POST", "/internal/flush", None);
    assert_eq!(again.json["released"], 0);
}
