//! End-to-end harness: the shop's components, built from source, run by the real `redshop`
//! binary against a fresh PostgreSQL database per test, prepared with the same `dbctl`
//! functions an operator runs.
//!
//! Until the gateway exists, the test manifest mounts the (otherwise private) product
//! component on a public route, `/product/...`; `tests/product_manifest.rs` checks that the
//! production `spin.toml` keeps it private and reachable only by service chaining.

pub mod contract;
pub mod gateway;
pub mod http;
pub mod notification;
pub mod oracle;
pub mod order;
pub mod product;
pub mod sale;
pub mod shop;
pub mod user;

/// Runs an async function (the `dbctl` library's) to completion from a synchronous test.
pub fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

/// `host:port` of the test PostgreSQL server (`REDSHOP_TEST_PG` overrides it).
pub fn pg_host_port() -> String {
    let server = redshop_testkit::services::pg_server();
    let rest = server.split_once("://").map_or(server.as_str(), |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_owned()
}

/// The host's log once a line satisfies `wanted`, or after 5 s: guest output reaches the log
/// through a pipe, possibly after the response that followed it.
pub fn log_line(app: &redshop_testkit::TestApp, wanted: impl Fn(&str) -> bool) -> (bool, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let logs = app.logs();
        if logs.lines().any(&wanted) {
            return (true, logs);
        }
        if std::time::Instant::now() > deadline {
            return (false, logs);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Percent-encodes a query-string value.
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enc_escapes_everything_but_unreserved_characters() {
        assert_eq!(enc("Petal & Pine"), "Petal%20%26%20Pine");
        assert_eq!(enc("a-b_c.d~"), "a-b_c.d~");
    }
}
