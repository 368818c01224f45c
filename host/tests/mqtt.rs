//! `fermyon:spin/mqtt@2.0.0` against the real Mosquitto on this machine: a guest publishes
//! with each QoS level to a topic of the test's own while the test listens with a native
//! client; a twin with no permission, one allowed only another port, a closed port and a
//! broker that refuses the guest's password all get an error, never a trap.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::services::{PasswordBroker, mqtt_server, unique};
use common::{TestApp, post_json};
use rumqttc::{Client, Connection, Event, Incoming, MqttOptions, QoS};
use serde_json::{Value, json};

/// A port nothing listens on: bound once to find a free one, then released.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn start(allowed: &[String]) -> TestApp {
    let hosts = allowed
        .iter()
        .map(|h| format!("{h:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let manifest = format!(
        r#"
spin_manifest_version = 2
[application]
name = "mqtt"
[[trigger.http]]
route = "/allowed"
component = "allowed"
[[trigger.http]]
route = "/denied"
component = "denied"
[[trigger.http]]
route = "/other-port"
component = "other-port"
[component.allowed]
source = "{{{{mqtt}}}}"
allowed_outbound_hosts = [{hosts}]
[component.denied]
source = "{{{{mqtt}}}}"
[component.other-port]
source = "{{{{mqtt}}}}"
allowed_outbound_hosts = ["mqtt://127.0.0.1:1884"]
"#
    );
    TestApp::start(common::spec(&manifest))
}

/// What the guest saw: the outcome of `open` and of each publish.
fn publish(app: &TestApp, route: &str, request: Value) -> (String, Vec<String>) {
    let (status, out) = post_json(&app.url(route), &request);
    assert_eq!(status, 200, "{out}");
    let results = out["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect();
    (out["open"].as_str().unwrap_or_default().to_owned(), results)
}

/// A native subscriber to `filter` on `host:port`, subscribed once this returns; the
/// connection stays open while the client lives.
fn subscribe(host_port: &str, filter: &str, login: Option<(&str, &str)>) -> (Client, Connection) {
    let (host, port) = host_port.rsplit_once(':').expect("host:port");
    let mut options = MqttOptions::new(unique("redshop_sub"), host, port.parse().expect("port"));
    if let Some((user, password)) = login {
        options.set_credentials(user, password);
    }
    let (client, mut connection) = Client::new(options, 10);
    client
        .subscribe(filter, QoS::ExactlyOnce)
        .expect("queue subscribe");
    wait_for(&mut connection, |event| {
        matches!(event, Event::Incoming(Incoming::SubAck(_)))
    });
    (client, connection)
}

/// Poll until `done` returns true for an event; panics after 10 s without one.
fn wait_for(connection: &mut Connection, mut done: impl FnMut(&Event) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match connection.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(event)) if done(&event) => return,
            Ok(Err(e)) => panic!("subscriber connection failed: {e}"),
            _ => {}
        }
    }
    panic!("the subscriber saw nothing it was waiting for");
}

/// Messages the subscriber receives, as `(topic, payload, qos)`, until `n` have arrived.
fn receive(connection: &mut Connection, n: usize) -> Vec<(String, String, QoS)> {
    let mut got = Vec::new();
    wait_for(connection, |event| {
        if let Event::Incoming(Incoming::Publish(p)) = event {
            got.push((
                p.topic.clone(),
                String::from_utf8_lossy(&p.payload).into_owned(),
                p.qos,
            ));
        }
        got.len() == n
    });
    got
}

fn address(host_port: &str) -> String {
    format!("mqtt://{host_port}?client_id={}", unique("redshop_guest"))
}

#[test]
fn each_qos_level_reaches_a_subscriber_and_the_twin_is_denied() {
    let server = mqtt_server();
    let topic = unique("redshop_test/mqtt");
    let (_client, mut subscriber) = subscribe(&server, &format!("{topic}/#"), None);
    let app = start(&[format!("mqtt://{server}")]);

    let messages: Vec<Value> = (0..3)
        .map(|q| json!({ "topic": format!("{topic}/q{q}"), "payload": format!("payload {q}"), "qos": q }))
        .collect();
    let (open, results) = publish(
        &app,
        "/allowed",
        json!({ "address": address(&server), "keep_alive": 30, "messages": messages }),
    );
    assert_eq!(open, "Ok");
    assert_eq!(results, ["Ok(())", "Ok(())", "Ok(())"]);
    let mut got = receive(&mut subscriber, 3);
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        [
            (
                format!("{topic}/q0"),
                "payload 0".to_owned(),
                QoS::AtMostOnce
            ),
            (
                format!("{topic}/q1"),
                "payload 1".to_owned(),
                QoS::AtLeastOnce
            ),
            (
                format!("{topic}/q2"),
                "payload 2".to_owned(),
                QoS::ExactlyOnce
            ),
        ]
    );

    // No permission at all, or permission for another port only: `open` fails as in Spin.
    for route in ["/denied", "/other-port"] {
        let denied = address(&server);
        let (open, results) = publish(
            &app,
            route,
            json!({ "address": denied, "messages": [{ "topic": format!("{topic}/denied"), "payload": "x", "qos": 1 }] }),
        );
        // Spin quotes the address exactly as the guest wrote it.
        assert_eq!(
            open,
            format!(
                "Err(Error::ConnectionFailed({:?}))",
                format!("address {denied} is not permitted")
            ),
            "{route}"
        );
        assert!(results.is_empty(), "{route}: {results:?}");
    }
    assert!(
        app.wait_for_log("mqtt address denied"),
        "the denial is not logged"
    );
}

#[test]
fn malformed_addresses_are_invalid_address() {
    let server = mqtt_server();
    let app = start(&[format!("mqtt://{server}")]);
    for bad in [
        format!("mqtt://{server}"),
        format!("mqtt://{server}?client_id=x&no_such_option=1"),
        format!("mqtt://{server}?client_id=&clean_session=false"),
        "not a url".to_owned(),
    ] {
        let (open, _) = publish(&app, "/allowed", json!({ "address": bad, "messages": [] }));
        assert_eq!(open, "Err(Error::InvalidAddress)", "{bad}");
    }
}

#[test]
fn a_closed_port_fails_the_publish_with_connection_failed() {
    let port = closed_port();
    let app = start(&[format!("mqtt://127.0.0.1:{port}")]);
    let (open, results) = publish(
        &app,
        "/allowed",
        json!({
            "address": address(&format!("127.0.0.1:{port}")),
            "messages": [
                { "topic": "redshop_test/closed", "payload": "x", "qos": 0 },
                { "topic": "redshop_test/closed", "payload": "x", "qos": 1 },
            ],
        }),
    );
    // Like Spin, `open` does not connect; each publish tries and reports the failure.
    assert_eq!(open, "Ok");
    assert_eq!(results.len(), 2);
    for r in &results {
        assert!(r.starts_with("Err(Error::ConnectionFailed("), "{results:?}");
    }
}

#[test]
fn credentials_reach_the_broker() {
    let broker = PasswordBroker::start("shop", "right-password");
    let host_port = format!("127.0.0.1:{}", broker.port);
    let topic = unique("redshop_test/login");
    let (_client, mut subscriber) = subscribe(&host_port, &topic, Some(("shop", "right-password")));
    let app = start(&[format!("mqtt://{host_port}")]);
    let message = json!([{ "topic": topic, "payload": "with login", "qos": 1 }]);

    let (open, results) = publish(
        &app,
        "/allowed",
        json!({ "address": address(&host_port), "username": "shop", "password": "wrong", "messages": message }),
    );
    assert_eq!(open, "Ok");
    assert!(
        results[0].starts_with("Err(Error::ConnectionFailed(")
            && (results[0].contains("NotAuthorized") || results[0].contains("BadUserNamePassword")),
        "{results:?}"
    );

    let (_, results) = publish(
        &app,
        "/allowed",
        json!({ "address": address(&host_port), "username": "shop", "password": "right-password", "messages": message }),
    );
    assert_eq!(results, ["Ok(())"]);
    let got = receive(&mut subscriber, 1);
    assert_eq!(got[0].1, "with login");
}
