//! `wasi:sockets` for guests under `allowed_outbound_hosts`: a guest using `std::net`
//! echoes bytes through a TCP server the test runs, and is refused when the port, the
//! host or the scheme is not listed; names resolve only when listed, and a listed name
//! lets the guest connect to what it resolved to; listening is refused; UDP follows the
//! same rule with the `udp` scheme.

mod common;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::TestApp;
use serde_json::Value;

/// A TCP echo server on 127.0.0.1: answers each connection with what it sent, once the
/// client has closed its sending side. Counts the connections it accepted.
struct EchoServer {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

impl EchoServer {
    fn start() -> EchoServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    let mut data = Vec::new();
                    if stream.read_to_end(&mut data).is_ok() {
                        let _ = stream.write_all(&data);
                    }
                });
            }
        });
        EchoServer { port, accepted }
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// A UDP echo server on 127.0.0.1.
fn udp_echo() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    let port = socket.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let _ = socket.send_to(&buf[..n], from);
        }
    });
    port
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn start(port: u16, udp: u16, closed: u16) -> TestApp {
    let manifest = format!(
        r#"
spin_manifest_version = 2
[application]
name = "sockets"
[[trigger.http]]
route = "/allowed"
component = "allowed"
[[trigger.http]]
route = "/any-scheme"
component = "any-scheme"
[[trigger.http]]
route = "/other-port"
component = "other-port"
[[trigger.http]]
route = "/other-host"
component = "other-host"
[[trigger.http]]
route = "/postgres-only"
component = "postgres-only"
[[trigger.http]]
route = "/by-name"
component = "by-name"
[component.allowed]
source = "{{{{tcp}}}}"
allowed_outbound_hosts = ["tcp://127.0.0.1:{port}", "tcp://127.0.0.1:{closed}", "udp://127.0.0.1:{udp}"]
[component.any-scheme]
source = "{{{{tcp}}}}"
allowed_outbound_hosts = ["*://127.0.0.1:{port}"]
[component.other-port]
source = "{{{{tcp}}}}"
allowed_outbound_hosts = ["tcp://127.0.0.1:{closed}"]
[component.other-host]
source = "{{{{tcp}}}}"
allowed_outbound_hosts = ["tcp://127.0.0.2:{port}", "udp://127.0.0.2:{udp}"]
[component.postgres-only]
source = "{{{{tcp}}}}"
allowed_outbound_hosts = ["postgres://127.0.0.1:{port}"]
[component.by-name]
source = "{{{{tcp}}}}"
allowed_outbound_hosts = ["tcp://localhost:{port}"]
"#
    );
    TestApp::start(common::spec(&manifest))
}

fn get(app: &TestApp, path: &str) -> Value {
    let (status, out) = app.get_json(path);
    assert_eq!(status, 200, "{path}: {out}");
    out
}

#[test]
fn tcp_connects_only_where_allowed() {
    let echo = EchoServer::start();
    let closed = closed_port();
    let app = start(echo.port, udp_echo(), closed);
    let to_echo = format!("op=echo&addr=127.0.0.1:{}&data=hello", echo.port);

    for route in ["/allowed", "/any-scheme"] {
        let out = get(&app, &format!("{route}?{to_echo}"));
        assert_eq!(out["echoed"], "hello", "{route}: {out}");
    }
    assert_eq!(echo.accepted(), 2);

    // Listed, but nothing listens there: an error for the guest, not a trap.
    let out = get(
        &app,
        &format!("/allowed?op=echo&addr=127.0.0.1:{closed}&data=x"),
    );
    assert_eq!(out["error"], "ConnectionRefused", "{out}");

    // Another port, another host, or a scheme that grants no raw socket: refused before
    // anything reaches the server.
    for route in ["/other-port", "/other-host", "/postgres-only"] {
        let out = get(&app, &format!("{route}?{to_echo}"));
        assert_eq!(out["error"], "PermissionDenied", "{route}: {out}");
    }
    assert_eq!(echo.accepted(), 2, "a refused guest reached the server");
    assert!(app.wait_for_log("socket address denied"), "not logged");
}

#[test]
fn names_resolve_only_when_listed() {
    let echo = EchoServer::start();
    let app = start(echo.port, udp_echo(), closed_port());

    // Only an address is listed: the name is refused with Spin's code for every lookup.
    let out = get(&app, "/allowed?op=lookup&name=localhost");
    assert_eq!(out["error"], "permanent-resolver-failure", "{out}");
    assert!(app.wait_for_log("name lookup denied"), "not logged");

    // The name is listed: it resolves, other names do not.
    let out = get(&app, "/by-name?op=lookup&name=localhost");
    let addresses = out["addresses"].as_array().expect("addresses");
    assert!(!addresses.is_empty(), "{out}");
    let out = get(&app, "/by-name?op=lookup&name=example.com");
    assert_eq!(out["error"], "permanent-resolver-failure", "{out}");

    // Connecting by the listed name works; the bare address, never resolved from a listed
    // name in that instance, is refused.
    let out = get(
        &app,
        &format!("/by-name?op=echo&addr=localhost:{}&data=by-name", echo.port),
    );
    assert_eq!(out["echoed"], "by-name", "{out}");
    let out = get(
        &app,
        &format!("/by-name?op=echo&addr=127.0.0.1:{}&data=x", echo.port),
    );
    assert_eq!(out["error"], "PermissionDenied", "{out}");
    assert_eq!(echo.accepted(), 1);
}

#[test]
fn guests_cannot_listen() {
    let app = start(closed_port(), udp_echo(), closed_port());
    // A fixed address is refused at `bind`; the unspecified address with port 0 (what a
    // connection binds implicitly) passes `bind` and is refused at `listen`.
    for addr in ["127.0.0.1:0", "0.0.0.0:0"] {
        let out = get(&app, &format!("/allowed?op=listen&addr={addr}"));
        assert_eq!(out["error"], "PermissionDenied", "{addr}: {out}");
    }
}

#[test]
fn udp_datagrams_follow_the_udp_entries() {
    let udp = udp_echo();
    let app = start(closed_port(), udp, closed_port());
    let out = get(
        &app,
        &format!("/allowed?op=udp&addr=127.0.0.1:{udp}&data=ping"),
    );
    assert_eq!(out["echoed"], "ping", "{out}");
    let out = get(
        &app,
        &format!("/other-host?op=udp&addr=127.0.0.1:{udp}&data=ping"),
    );
    assert_eq!(out["error"], "PermissionDenied", "{out}");
    // `*://127.0.0.1:<tcp port>` covers UDP but not this port; a TCP-only list switches
    // UDP off for the component.
    for route in ["/any-scheme", "/by-name"] {
        let out = get(
            &app,
            &format!("{route}?op=udp&addr=127.0.0.1:{udp}&data=ping"),
        );
        assert_eq!(out["error"], "PermissionDenied", "{route}: {out}");
    }
}
