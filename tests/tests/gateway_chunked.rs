//! Bodies without `Content-Length`: a client may send chunked framing, which the wasi-http
//! layer hides from the components (it drops `transfer-encoding`, as Spin does). The gateway
//! and the services read every body as it streams, so the same request gets the same answer
//! with and without a declared length: accepted, `415` for a body that is not JSON, `413`
//! past the size limit.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use redshop_e2e::shop::Shop;
use serde_json::json;

/// Sends `body` to `path` in one request over a fresh connection, chunked or with a
/// `Content-Length`; answers the status and the body text.
fn send(
    shop: &Shop,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: &[u8],
    chunked: bool,
) -> (u16, String) {
    let authority = shop.base().trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut head = format!(
        "POST /api/v1{path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: {content_type}\r\nConnection: close\r\n"
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    }
    let mut request = head.into_bytes();
    if chunked {
        for piece in body.chunks(16 * 1024) {
            request.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            request.extend_from_slice(piece);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"0\r\n\r\n");
    } else {
        request.extend_from_slice(body);
    }
    // The server may answer (413) and close before the whole body is written.
    let _ = stream.write_all(&request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, body)
}

/// The payload of a chunked response body.
fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// Path, bearer token, content type, body, the status expected.
type Case<'a> = (&'a str, Option<&'a str>, &'a str, Vec<u8>, u16);

#[test]
fn chunked_bodies_get_the_answers_declared_ones_get() {
    let shop = Shop::builder()
        .components(&["gateway", "product", "user", "order"])
        .start();
    let admin = shop.admin_token();
    let customer = shop.customer_token();
    let product = shop.get("/products?limit=1").json["items"][0]["id"]
        .as_str()
        .expect("a product")
        .to_owned();
    let big = vec![b' '; 1536 * 1024];
    for (n, chunked) in [(1, false), (2, true)] {
        let register = json!({ "email": format!("chunk{n}@example.com"), "password": "a long enough password", "display_name": "Chunk" }).to_string();
        let cases: Vec<Case<'_>> = vec![
            (
                "/auth/register",
                None,
                "application/json",
                register.into_bytes(),
                201,
            ),
            ("/auth/register", None, "text/plain", b"{}".to_vec(), 415),
            ("/auth/register", None, "application/json", big.clone(), 413),
            (
                "/cart/items",
                Some(&customer),
                "application/json",
                json!({ "product_id": product, "quantity": 1 })
                    .to_string()
                    .into_bytes(),
                200,
            ),
            (
                "/cart/items",
                Some(&customer),
                "text/plain",
                b"x".to_vec(),
                415,
            ),
            (
                "/products",
                Some(&admin),
                "application/json",
                b"{\"name\": 1}".to_vec(),
                400,
            ),
        ];
        for (path, token, content_type, body, expected) in cases {
            let (status, text) = send(&shop, path, token, content_type, &body, chunked);
            assert_eq!(
                status,
                expected,
                "{path} {content_type} ({} bytes, chunked: {chunked}): {text}",
                body.len()
            );
            if status >= 400 {
                let json: serde_json::Value = serde_json::from_str(text.trim()).unwrap_or_default();
                assert!(json["error"].is_string(), "{path}: {text}");
            }
        }
    }
}
