//! Test fixture: raw network access the way an ordinary client library does it, through
//! `std::net` (which the wasip2 standard library implements on `wasi:sockets`), chosen by
//! the `op` query parameter:
//! - `op=echo&addr=<host:port>&data=<text>`: connect over TCP, send `data`, close the
//!   sending side and read the answer to the end;
//! - `op=udp&addr=<ip:port>&data=<text>`: send one datagram and wait for one back;
//! - `op=listen&addr=<ip:port>`: try to accept connections there (the host should refuse);
//! - `op=lookup&name=<name>`: resolve through `wasi:sockets/ip-name-lookup` directly, so
//!   a refusal shows the host's WIT error code.
//!
//! Answers `{"echoed": …}`, `{"addresses": […]}` or `{"error": …}`; a `std::io` error is
//! reported by its kind (`PermissionDenied`, `ConnectionRefused`, …).

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};

use serde_json::{Value, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use wasi::sockets::instance_network::instance_network;
use wasi::sockets::ip_name_lookup::resolve_addresses;

#[http_component]
fn handle(req: Request) -> Response {
    let query: Vec<(String, String)> = req
        .query()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let out = match param("op").as_str() {
        "echo" => answer(echo(&param("addr"), param("data").as_bytes()), "echoed"),
        "udp" => answer(udp(&param("addr"), param("data").as_bytes()), "echoed"),
        "listen" => answer(listen(&param("addr")), "listening"),
        "lookup" => match lookup(&param("name")) {
            Ok(found) => json!({ "addresses": found }),
            Err(code) => json!({ "error": code }),
        },
        other => json!({ "error": format!("unknown op {other:?}") }),
    };
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(out.to_string())
        .build()
        .into_response()
}

fn answer(result: std::io::Result<String>, key: &str) -> Value {
    match result {
        Ok(text) => json!({ key: text }),
        Err(e) => json!({ "error": format!("{:?}", e.kind()), "message": e.to_string() }),
    }
}

fn echo(addr: &str, data: &[u8]) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(data)?;
    stream.shutdown(Shutdown::Write)?;
    let mut back = String::new();
    stream.read_to_string(&mut back)?;
    Ok(back)
}

fn udp(addr: &str, data: &[u8]) -> std::io::Result<String> {
    let socket = UdpSocket::bind("0.0.0.0:0")?;
    socket.send_to(data, addr)?;
    let mut buf = [0u8; 1024];
    let (n, _) = socket.recv_from(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf[..n]).into_owned())
}

fn listen(addr: &str) -> std::io::Result<String> {
    let listener = TcpListener::bind(addr)?;
    Ok(listener.local_addr()?.to_string())
}

fn lookup(name: &str) -> Result<Vec<String>, String> {
    let network = instance_network();
    let stream = resolve_addresses(&network, name).map_err(|e| e.name().to_owned())?;
    let mut found = Vec::new();
    loop {
        match stream.resolve_next_address() {
            Ok(Some(address)) => found.push(format!("{address:?}")),
            Ok(None) => return Ok(found),
            Err(wasi::sockets::network::ErrorCode::WouldBlock) => stream.subscribe().block(),
            Err(e) => return Err(e.name().to_owned()),
        }
    }
}
