//! Test fixture for the host: a guest that reports what it sees, and misbehaves on
//! request, chosen by the `op` query parameter so that one build serves every route shape
//! and permission set the tests declare in their manifests. `op=drip&gap_ms=N` streams its
//! body with a pause in the middle; every other operation answers in one piece.

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

mod options;
mod sockets;

use spin_sdk::http::{
    Headers, IntoResponse, Method, OutgoingBody, OutgoingResponse, Request, Response,
    ResponseOutparam,
};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: Request, out: ResponseOutparam) {
    let query = parse_query(req.query());
    if query.iter().any(|(k, v)| k == "op" && v == "drip") {
        let gap_ms = query
            .iter()
            .find(|(k, _)| k == "gap_ms")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(100);
        drip(out, gap_ms);
        return;
    }
    let mut response = respond(req).await;
    let body = std::mem::take(response.body_mut());
    match OutgoingResponse::try_from(response) {
        Ok(head) => {
            if let Err(e) = out.set_with_body(head, body).await {
                eprintln!("probe: cannot send the response: {e}");
            }
        }
        Err(e) => eprintln!("probe: cannot convert the response: {e}"),
    }
}

/// A streamed 200: `first`, then a pause of `gap_ms`, then `-last`.
fn drip(out: ResponseOutparam, gap_ms: u64) {
    let response = OutgoingResponse::new(Headers::new());
    let Ok(body) = response.body() else {
        return;
    };
    out.set(response);
    let Ok(stream) = body.write() else {
        return;
    };
    let _ = stream.blocking_write_and_flush(b"first");
    std::thread::sleep(std::time::Duration::from_millis(gap_ms));
    let _ = stream.blocking_write_and_flush(b"-last");
    drop(stream);
    let _ = OutgoingBody::finish(body, None);
}

/// Every operation but `drip`, which streams.
async fn respond(req: Request) -> Response {
    let query = parse_query(req.query());
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    match param("op").as_deref() {
        None | Some("echo") => echo(&req),
        Some("trap") => panic!("probe asked to trap"),
        Some("loop") => spin_forever(),
        Some("bomb") => allocate_forever(),
        Some("alloc") => {
            let mb: usize = param("mb").and_then(|v| v.parse().ok()).unwrap_or(1);
            allocate(mb)
        }
        Some("recurse") => {
            // Chain to `target` again and again, one hop deeper each time, until the host
            // refuses; each level reports its depth and what the next one answered.
            let target = param("target").unwrap_or_default();
            let depth: u32 = param("depth").and_then(|v| v.parse().ok()).unwrap_or(0);
            let url = format!(
                "http://{target}.spin.internal/?op=recurse&target={target}&depth={}",
                depth + 1
            );
            let inner = match options::get(&url) {
                Ok((_, body)) => serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
                Err(e) => serde_json::json!({ "error": e }),
            };
            json(200, serde_json::json!({ "depth": depth, "inner": inner }))
        }
        Some("count") => {
            // A global that would count requests if an instance were ever reused.
            let n = REQUESTS_SEEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            json(200, serde_json::json!({ "count": n }))
        }
        Some("connect") => {
            let port: u16 = param("port").and_then(|v| v.parse().ok()).unwrap_or(0);
            match sockets::connect(port) {
                Ok(()) => json(200, serde_json::json!({ "connected": true })),
                Err(e) => json(200, serde_json::json!({ "error": e })),
            }
        }
        Some("lookup") => match sockets::lookup(&param("name").unwrap_or_default()) {
            Ok(found) => json(200, serde_json::json!({ "addresses": found })),
            Err(e) => json(200, serde_json::json!({ "error": e })),
        },
        Some("var") => {
            let name = param("name").unwrap_or_default();
            match spin_sdk::variables::get(&name) {
                Ok(value) => json(200, serde_json::json!({ "value": value })),
                Err(e) => json(200, serde_json::json!({ "error": format!("{e:?}") })),
            }
        }
        Some("env") => {
            let name = param("name").unwrap_or_default();
            json(
                200,
                serde_json::json!({ "value": std::env::var(&name).ok() }),
            )
        }
        Some("file") => {
            let path = param("path").unwrap_or_default();
            match std::fs::read_to_string(&path) {
                Ok(text) => json(200, serde_json::json!({ "content": text })),
                Err(e) => json(200, serde_json::json!({ "error": e.to_string() })),
            }
        }
        Some("print") => {
            let text = param("text").unwrap_or_default();
            println!("stdout says {text}");
            eprintln!("stderr says {text}");
            json(200, serde_json::json!({ "printed": text }))
        }
        Some("sleep") => {
            let ms: u64 = param("ms").and_then(|v| v.parse().ok()).unwrap_or(100);
            std::thread::sleep(std::time::Duration::from_millis(ms));
            json(200, serde_json::json!({ "slept_ms": ms }))
        }
        Some("fetch") => fetch(&param("url").unwrap_or_default()).await,
        Some("fetch-with-options") => {
            let ms = |name: &str| param(name).and_then(|v| v.parse::<u64>().ok());
            options::fetch(
                &param("url").unwrap_or_default(),
                options::Timeouts {
                    connect_ms: ms("connect_ms"),
                    first_byte_ms: ms("first_byte_ms"),
                    between_bytes_ms: ms("between_bytes_ms"),
                },
            )
        }
        Some(other) => json(
            400,
            serde_json::json!({ "error": format!("unknown op {other}") }),
        ),
    }
}

fn echo(req: &Request) -> Response {
    let headers: Vec<(String, String)> = req
        .headers()
        .map(|(k, v)| (k.to_owned(), v.as_str().unwrap_or("<binary>").to_owned()))
        .collect();
    json(
        200,
        serde_json::json!({
            "method": req.method().to_string(),
            "uri": req.uri(),
            "path_and_query": req.path_and_query(),
            "headers": headers,
            "body_len": req.body().len(),
        }),
    )
}

async fn fetch(url: &str) -> Response {
    let outbound = Request::builder().method(Method::Get).uri(url).build();
    match spin_sdk::http::send::<_, Response>(outbound).await {
        Ok(resp) => {
            let body = String::from_utf8_lossy(resp.body()).into_owned();
            json(
                200,
                serde_json::json!({ "status": resp.status(), "body": body }),
            )
        }
        Err(e) => json(200, serde_json::json!({ "error": format!("{e:?}") })),
    }
}

fn spin_forever() -> ! {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

/// Requests this instance has served.
static REQUESTS_SEEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Grow to `mb` MiB of touched memory, then answer.
fn allocate(mb: usize) -> Response {
    let mut hoard: Vec<Vec<u8>> = Vec::with_capacity(mb);
    for _ in 0..mb {
        hoard.push(vec![1u8; 1 << 20]);
    }
    std::hint::black_box(&hoard);
    json(200, serde_json::json!({ "allocated_mb": hoard.len() }))
}

fn allocate_forever() -> Response {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&hoard);
    }
}

pub(crate) fn json(status: u16, value: serde_json::Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(value.to_string())
        .build()
        .into_response()
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
