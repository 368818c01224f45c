//! The Redis message trigger against the real Redis on this machine: every message is
//! handled, failures are retried then logged as dead, and the subscription survives the
//! server going away.

mod common;

use std::time::{Duration, Instant};

use common::TestApp;
use common::services::{Relay, TestKeys};

fn manifest(redis_addr: &str, channel: &str, prefix: &str) -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "trigger"
[application.trigger.redis]
address = "redis://{redis_addr}"
[variables]
redis_address = {{ default = "redis://127.0.0.1:6379" }}
key_prefix = {{ default = "{prefix}" }}
[[trigger.redis]]
channel = "{channel}"
component = "subscriber"
[component.subscriber]
source = "{{{{subscriber}}}}"
allowed_outbound_hosts = ["redis://127.0.0.1:6379"]
[component.subscriber.variables]
redis_address = "{{{{ redis_address }}}}"
key_prefix = "{{{{ key_prefix }}}}"
"#
    )
}

const FAST_RETRIES: &str = r#"
[redis_trigger]
max_attempts = 3
initial_backoff_ms = 20
max_backoff_ms = 100
reconnect_ms = 200
"#;

fn start(redis_addr: &str, channel: &str, keys: &TestKeys) -> TestApp {
    let m = manifest(redis_addr, channel, &keys.prefix);
    let mut spec = common::spec(&m);
    spec.host_config = Some(FAST_RETRIES);
    TestApp::start(spec)
}

fn wait_subscribed(keys: &TestKeys, channel: &str) {
    let mut c = keys.conn();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let counts: Vec<(String, i64)> = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(channel)
            .query(&mut c)
            .expect("numsub");
        if counts.first().is_some_and(|(_, n)| *n > 0) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("never subscribed to {channel}");
}

fn publish(keys: &TestKeys, channel: &str, message: &str) {
    let mut c = keys.conn();
    let _: i64 = redis::cmd("PUBLISH")
        .arg(channel)
        .arg(message)
        .query(&mut c)
        .expect("publish");
}

fn handled(keys: &TestKeys) -> i64 {
    redis::cmd("SCARD")
        .arg(format!("{}:handled", keys.prefix))
        .query(&mut keys.conn())
        .expect("scard")
}

fn wait_handled(keys: &TestKeys, n: i64, within: Duration) -> i64 {
    let deadline = Instant::now() + within;
    loop {
        let got = handled(keys);
        if got >= n || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_templated_channel_is_rendered_from_its_variable() {
    let keys = TestKeys::new();
    let channel = format!("{}:events", keys.prefix);
    // The channel names a variable, as spin.toml's `{{ order_events_channel }}` does; the
    // value comes from the environment, so the rendered name is not the template's default.
    let m = manifest("127.0.0.1:6379", "{{ events_channel }}", &keys.prefix).replace(
        "[variables]\n",
        "[variables]\nevents_channel = { default = \"unused-default\" }\n",
    );
    let mut spec = common::spec(&m);
    spec.host_config = Some(FAST_RETRIES);
    spec.env
        .push(("SPIN_VARIABLE_EVENTS_CHANNEL".into(), channel.clone()));
    let app = TestApp::start(spec);
    wait_subscribed(&keys, &channel);
    publish(&keys, &channel, "ok:templated");
    assert_eq!(wait_handled(&keys, 1, Duration::from_secs(10)), 1);
    assert!(
        app.logs().contains(&format!("channel={channel}")),
        "{}",
        app.logs()
    );
}

#[test]
fn every_published_message_is_handled() {
    let keys = TestKeys::new();
    let channel = format!("{}:orders", keys.prefix);
    let app = start("127.0.0.1:6379", &channel, &keys);
    wait_subscribed(&keys, &channel);
    let mut c = keys.conn();
    for i in 0..1000 {
        let _: i64 = redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(format!("ok:{i}"))
            .query(&mut c)
            .expect("publish");
    }
    assert_eq!(wait_handled(&keys, 1000, Duration::from_secs(60)), 1000);
    drop(app);
}

#[test]
fn failures_are_retried_then_logged_as_dead() {
    let keys = TestKeys::new();
    let channel = format!("{}:orders", keys.prefix);
    let app = start("127.0.0.1:6379", &channel, &keys);
    wait_subscribed(&keys, &channel);
    publish(&keys, &channel, "fail-once:a");
    publish(&keys, &channel, "fail:b");
    publish(&keys, &channel, "trap:c");
    assert_eq!(
        wait_handled(&keys, 1, Duration::from_secs(10)),
        1,
        "the retried message is handled"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && app
            .logs()
            .matches("message dropped after every attempt failed")
            .count()
            < 2
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let logs = app.logs();
    assert!(
        logs.lines().any(|l| l.contains("message dropped")
            && l.contains("fail:b")
            && l.contains("attempts=3")),
        "{logs}"
    );
    assert!(
        logs.lines()
            .any(|l| l.contains("message dropped") && l.contains("trap:c")),
        "{logs}"
    );
    for (id, what) in [("b", "a failing handler"), ("c", "a trapping handler")] {
        let attempts: i64 = redis::cmd("GET")
            .arg(format!("{}:attempts:{id}", keys.prefix))
            .query(&mut keys.conn())
            .expect("get");
        assert_eq!(attempts, 3, "{what} is tried max_attempts times");
    }
}

#[test]
fn the_backoff_between_attempts_grows_as_configured() {
    let keys = TestKeys::new();
    let channel = format!("{}:orders", keys.prefix);
    let m = manifest("127.0.0.1:6379", &channel, &keys.prefix);
    let mut spec = common::spec(&m);
    spec.host_config =
        Some("[redis_trigger]\nmax_attempts = 4\ninitial_backoff_ms = 200\nmax_backoff_ms = 500\n");
    let app = TestApp::start(spec);
    wait_subscribed(&keys, &channel);
    publish(&keys, &channel, "fail:slow");
    assert!(
        app.wait_for_log("message dropped after every attempt failed"),
        "{}",
        app.logs()
    );
    let started: Vec<u64> = redis::cmd("LRANGE")
        .arg(format!("{}:started:slow", keys.prefix))
        .arg(0)
        .arg(-1)
        .query(&mut keys.conn())
        .expect("lrange");
    assert_eq!(started.len(), 4, "{started:?}");
    let gaps: Vec<u64> = started.windows(2).map(|w| w[1] - w[0]).collect();
    // Loosely timed, lower bounds only: each wait is at least its backoff (200 ms, doubled
    // to 400 ms, then capped at 500 ms).
    assert!(gaps[0] >= 200, "{gaps:?}");
    assert!(gaps[1] >= 400, "{gaps:?}");
    assert!(gaps[2] >= 500, "{gaps:?}");
    assert!(gaps[1] > gaps[0], "{gaps:?}");
}

#[test]
fn the_subscription_survives_redis_going_away() {
    let keys = TestKeys::new();
    let channel = format!("{}:orders", keys.prefix);
    let relay = Relay::start("127.0.0.1:6379");
    let app = start(&relay.addr(), &channel, &keys);
    wait_subscribed(&keys, &channel);
    publish(&keys, &channel, "ok:before");
    assert_eq!(wait_handled(&keys, 1, Duration::from_secs(10)), 1);

    relay.cut();
    std::thread::sleep(Duration::from_millis(500));
    relay.restore();
    // The subscription comes back by itself: a second subscription is counted.
    let admin = app.admin.clone().expect("admin");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !common::send(ureq::get(&format!("{admin}/metrics")))
        .1
        .contains("redshop_redis_subscriptions_total 2")
    {
        assert!(Instant::now() < deadline, "never resubscribed");
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_subscribed(&keys, &channel);
    publish(&keys, &channel, "ok:after");
    assert_eq!(wait_handled(&keys, 2, Duration::from_secs(10)), 2);
}
