//! A flash sale through the gateway on the shop's own app: signed-in customers, each with
//! one unit of a scarce product in the cart, press "place order" at the same moment, and
//! each browser retries once with the same `Idempotency-Key`. The rate limits are raised so
//! the limiter stays out of it; everything else is the shipped configuration (200 buyers
//! for 20 units also get a short idle timeout, so the connection count can be seen falling
//! afterwards; 1,000 buyers for 50 units run on `redshop.toml` as shipped).
//!
//! What must hold: no `5xx`; exactly as many orders as units and a `409
//! insufficient_stock` for everyone else; every retry answered like its original;
//! PostgreSQL connections never above the process budget while it happens.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use redshop_e2e::sale;
use redshop_e2e::shop::{Reply, Shop};

/// The shipped `[postgres] max_connections` (redshop.toml), with a short idle timeout.
const BUDGET: i64 = 40;
const HOST_CONFIG: &str = "[limits]\nmax_request_body_bytes = 1048576\n\n\
    [postgres]\nmax_connections = 40\nidle_timeout_ms = 2000\nmin_idle_connections = 1\n";
const RAISED: &str = "1000000/60";

/// One sale at a time: two at once on 2 cores would each measure the other.
static ONE_SALE: Mutex<()> = Mutex::new(());

/// The shop; `host_config` replaces the shipped `redshop.toml` when given.
fn start(host_config: Option<&str>) -> Shop {
    let mut b = Shop::builder().components(&["gateway", "product", "user", "order"]);
    if let Some(config) = host_config {
        b = b.host_config(config);
    }
    for limit in [
        "gateway_rate_limit_anonymous",
        "gateway_rate_limit_user",
        "gateway_rate_limit_auth",
        "gateway_rate_limit_checkout",
    ] {
        b = b.variable(limit, RAISED);
    }
    b.start()
}

/// The shop's databases' connections now.
fn connections(shop: &Shop) -> (i64, BTreeSet<String>) {
    sale::connections(shop, &["product", "user", "order"])
}

#[test]
fn two_hundred_buyers_for_twenty_units_queue_and_get_one_clear_answer_each() {
    let _one = ONE_SALE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let shop = Arc::new(start(Some(HOST_CONFIG)));
    sale(&shop, 200, 20);

    // Idle connections close down to one per database within the idle timeout.
    let settled = Instant::now();
    loop {
        let (n, _) = connections(&shop);
        if n <= 3 {
            eprintln!("connections back to {n} after {:?}", settled.elapsed());
            break;
        }
        assert!(
            settled.elapsed() < Duration::from_secs(15),
            "still {n} connections"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_thousand_buyers_for_fifty_units_with_the_shipped_defaults() {
    let _one = ONE_SALE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let shop = Arc::new(start(None));
    sale(&shop, 1000, 50);
}

/// The sale itself: `buyers` customers for `units` units, and every check but the idle
/// connections afterwards.
fn sale(shop: &Arc<Shop>, buyers: usize, units: i64) {
    let admin = shop.admin_token();
    let product = sale::scarce_product(shop, units);
    let accounts = sale::customers(shop, buyers, &product);

    // Connections sampled all along.
    let sampling = Arc::new(AtomicBool::new(true));
    let peak = Arc::new(Mutex::new((0i64, BTreeSet::new())));
    let sampler = {
        let (shop, sampling, peak) = (Arc::clone(shop), sampling.clone(), peak.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                let (n, names) = connections(&shop);
                let mut p = peak.lock().expect("peak");
                p.0 = p.0.max(n);
                p.1.extend(names);
                drop(p);
                std::thread::sleep(Duration::from_millis(25));
            }
        })
    };

    // "Place order", then the browser's one retry a moment later, for everyone at once.
    let go = Arc::new(Barrier::new(buyers));
    let started = Instant::now();
    let threads: Vec<_> = accounts
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (shop, go, token) = (Arc::clone(shop), go.clone(), b.token.clone());
            std::thread::spawn(move || {
                let key = format!("flash-{i}");
                go.wait();
                let first = {
                    let (shop, token, key) = (shop.clone(), token.clone(), key.clone());
                    std::thread::spawn(move || sale::checkout(&shop, &token, &key))
                };
                std::thread::sleep(Duration::from_millis(100 + (i as u64 % 5) * 100));
                let retry = sale::checkout(&shop, &token, &key);
                (first.join().expect("original"), retry)
            })
        })
        .collect();
    let answers: Vec<(Reply, Reply)> = threads
        .into_iter()
        .map(|t| t.join().expect("buyer"))
        .collect();
    let burst = started.elapsed();
    sampling.store(false, Ordering::Relaxed);
    sampler.join().expect("sampler");

    let all: Vec<&Reply> = answers.iter().flat_map(|(a, b)| [a, b]).collect();
    let server_errors: Vec<String> = all
        .iter()
        .filter(|r| r.status >= 500)
        .map(|r| format!("{} {}", r.status, r.text))
        .collect();
    let created = answers.iter().filter(|(a, _)| a.status == 201).count();
    let refused = answers
        .iter()
        .filter(|(a, _)| a.status == 409 && a.json["error"] == "insufficient_stock")
        .count();
    let disagreeing: Vec<String> = answers
        .iter()
        .filter(|(a, b)| {
            a.status != b.status
                || a.json["id"] != b.json["id"]
                || a.json["error"] != b.json["error"]
        })
        .map(|(a, b)| format!("{} {} / {} {}", a.status, a.text, b.status, b.text))
        .collect();
    let (peak_connections, names) = peak.lock().expect("peak").clone();
    eprintln!(
        "flash sale: {} requests in {burst:?}: {} 5xx, {created} orders, {refused} insufficient_stock, \
         {} retries disagreeing; peak {peak_connections} PostgreSQL connections; names {names:?}",
        all.len(),
        server_errors.len(),
        disagreeing.len()
    );
    assert!(server_errors.is_empty(), "{server_errors:?}");
    assert_eq!(created, usize::try_from(units).unwrap_or(0));
    assert_eq!(refused, buyers - created);
    assert!(disagreeing.is_empty(), "{disagreeing:?}");
    assert!(
        peak_connections <= BUDGET,
        "{peak_connections} connections, budget {BUDGET}"
    );
    assert!(
        names.iter().any(|n| n == "redshop:order")
            && names.iter().all(|n| n.starts_with("redshop")),
        "{names:?}"
    );

    // Stock and orders agree.
    assert_eq!(
        sale::count(shop, "order", "SELECT count(*) FROM orders"),
        units
    );
    let after = shop.send(
        "GET",
        &format!("/products/{product}/stock"),
        Some(&admin),
        None,
    );
    assert_eq!(after.json["available"], 0, "{}", after.text);
}
