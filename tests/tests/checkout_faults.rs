//! PostgreSQL connections killed in the middle of 100 checkouts, through the gateway on the
//! shop's app: every checkout ends committed or cleanly refused (a JSON error that leaks
//! nothing); once the order service's sweep has released what abandoned checkouts held,
//! each refused customer's retry with the same key gets the truth (its order if it was
//! recorded after all, else a fresh attempt), and stock and orders agree.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Barrier};

use redshop_e2e::sale;
use redshop_e2e::shop::Shop;
use redshop_testkit::services::psql;

const BUYERS: usize = 100;
const UNITS: i64 = 40;
const RAISED: &str = "1000000/60";

#[test]
fn connections_killed_mid_checkout_leave_every_order_committed_or_cleanly_refused() {
    let mut b = Shop::builder().components(&["gateway", "product", "user", "order"]);
    for limit in [
        "gateway_rate_limit_anonymous",
        "gateway_rate_limit_user",
        "gateway_rate_limit_checkout",
    ] {
        b = b.variable(limit, RAISED);
    }
    let shop = Arc::new(b.start());
    let product = sale::scarce_product(&shop, UNITS);
    let accounts = sale::customers(&shop, BUYERS, &product);
    let databases: Vec<String> = ["product", "user", "order"]
        .iter()
        .map(|s| format!("'{}'", shop.db(s).name))
        .collect();

    // Once the checkouts are under way, every connection of the shop's databases is killed,
    // three times 300 ms apart.
    let killed = Arc::new(AtomicI64::new(0));
    let killer = {
        let killed = killed.clone();
        let sql = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname IN ({}) AND pid <> pg_backend_pid()",
            databases.join(", ")
        );
        std::thread::spawn(move || {
            for _ in 0..3 {
                std::thread::sleep(std::time::Duration::from_millis(300));
                let n = psql("postgres", &sql).len();
                killed.fetch_add(i64::try_from(n).unwrap_or(0), Ordering::Relaxed);
            }
        })
    };
    let go = Arc::new(Barrier::new(BUYERS));
    let threads: Vec<_> = accounts
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (shop, go, token) = (Arc::clone(&shop), go.clone(), b.token.clone());
            std::thread::spawn(move || {
                go.wait();
                sale::checkout(&shop, &token, &format!("fault-{i}"))
            })
        })
        .collect();
    let answers: Vec<_> = threads
        .into_iter()
        .map(|t| t.join().expect("buyer"))
        .collect();
    killer.join().expect("killer");

    let created = answers.iter().filter(|a| a.status == 201).count();
    let sold_out = answers.iter().filter(|a| a.status == 409).count();
    let refused: Vec<_> = answers.iter().filter(|a| a.status >= 500).collect();
    eprintln!(
        "{} connections killed: {created} orders, {sold_out} sold out, {} refused ({:?})",
        killed.load(Ordering::Relaxed),
        refused.len(),
        refused.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert!(
        killed.load(Ordering::Relaxed) > 0,
        "the killer killed nothing"
    );
    for a in &answers {
        assert!(
            [201, 409, 500, 502, 503, 504].contains(&a.status),
            "{} {}",
            a.status,
            a.text
        );
        if a.status >= 400 {
            assert!(a.json["error"].is_string(), "a clear error: {}", a.text);
            for secret in ["postgres", "sqlstate", "panicked", "redis://"] {
                assert!(!a.text.contains(secret), "a 5xx leaks nothing: {}", a.text);
            }
        }
    }
    assert!(
        created <= usize::try_from(UNITS).unwrap_or(0),
        "never oversold"
    );

    // Abandoned checkouts: their claims are aged past the abandon window and the sweep
    // (the admin flush) releases what they held.
    psql(
        &shop.db("order").name,
        "UPDATE idempotency_keys SET created_at = created_at - interval '1 hour' \
         WHERE state = 'in_progress'",
    );
    let admin = shop.admin_token();
    let flushed = shop.send("POST", "/admin/events/flush", Some(&admin), None);
    assert_eq!(flushed.status, 200, "{}", flushed.text);

    // A refused checkout is retried with its key, as a browser would: an order recorded
    // after all (its answer lost on the way out) is replayed, anything else is a fresh try.
    let finals: Vec<u16> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if a.status < 500 {
                return a.status;
            }
            let retry = sale::checkout(&shop, &accounts[i].token, &format!("fault-{i}"));
            assert!(
                [201, 409].contains(&retry.status),
                "{} {}",
                retry.status,
                retry.text
            );
            retry.status
        })
        .collect();
    let created = finals.iter().filter(|s| **s == 201).count();
    eprintln!("after the retries: {created} orders");

    // Stock and orders agree: every order has its reservation, nothing else is reserved.
    let orders = sale::count(&shop, "order", "SELECT count(*) FROM orders");
    assert_eq!(
        orders,
        i64::try_from(created).unwrap_or(0),
        "each order is one customer's 201"
    );
    assert!(
        created <= usize::try_from(UNITS).unwrap_or(0),
        "never oversold"
    );
    let units_ordered = sale::count(
        &shop,
        "order",
        "SELECT coalesce(sum(quantity), 0)::int8 FROM order_lines",
    );
    let reserved = sale::count(
        &shop,
        "product",
        "SELECT coalesce(sum(l.quantity), 0)::int8 FROM reservations r \
         JOIN reservation_lines l ON l.order_id = r.order_id WHERE r.state <> 'released'",
    );
    assert_eq!(reserved, units_ordered, "reservations match orders");
    let stock = shop.send(
        "GET",
        &format!("/products/{product}/stock"),
        Some(&admin),
        None,
    );
    assert_eq!(stock.json["reserved"], units_ordered, "{}", stock.text);
    assert_eq!(stock.json["on_hand"], UNITS, "{}", stock.text);
}
