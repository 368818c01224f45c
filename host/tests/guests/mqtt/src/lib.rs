//! Test fixture: opens the MQTT connection a test describes, publishes the messages it
//! lists, and reports each outcome as the guest sees it (Rust `Debug` of the WIT values).

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

use serde_json::{Value, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::mqtt::{Connection, Qos};

/// Body: `{"address": "mqtt://…?client_id=…", "username": "", "password": "",
/// "keep_alive": 30, "messages": [{"topic": "t", "payload": "p", "qos": 1}, …]}`.
/// Answers `{"open": "Ok" | "Err(…)", "results": ["Ok(())" | "Err(…)", …]}`.
#[http_component]
fn handle(req: Request) -> Response {
    let body: Value = serde_json::from_slice(req.body()).unwrap_or(Value::Null);
    let text = |key: &str| body[key].as_str().unwrap_or_default().to_owned();
    let opened = Connection::open(
        &text("address"),
        &text("username"),
        &text("password"),
        body["keep_alive"].as_u64().unwrap_or(30),
    );
    let (open, results) = match opened {
        Ok(conn) => {
            let messages = body["messages"].as_array().cloned().unwrap_or_default();
            let results: Vec<String> = messages
                .iter()
                .map(|m| {
                    let qos = match m["qos"].as_u64() {
                        Some(2) => Qos::ExactlyOnce,
                        Some(1) => Qos::AtLeastOnce,
                        _ => Qos::AtMostOnce,
                    };
                    let topic = m["topic"].as_str().unwrap_or_default();
                    let payload = m["payload"].as_str().unwrap_or_default().as_bytes();
                    format!("{:?}", conn.publish(topic, payload, qos))
                })
                .collect();
            ("Ok".to_owned(), results)
        }
        Err(e) => (format!("Err({e:?})"), Vec::new()),
    };
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(json!({ "open": open, "results": results }).to_string())
        .build()
        .into_response()
}
