//! Test fixture for the Redis trigger: records each message it handles in Redis (so the
//! test can count them), fails on request to exercise retries, and traps on request.
//!
//! Message forms: `ok:<id>`; `fail-once:<id>` (fails the first time it sees `<id>`);
//! `fail:<id>` (always fails); `trap:<id>` (always traps); `sleep-<ms>:<id>` (sleeps
//! `<ms>` milliseconds, then succeeds). Every attempt counts in `<prefix>:attempts:<id>`
//! and is timed in the list `<prefix>:started:<id>` (milliseconds since the epoch), so
//! tests can count retries and see the backoff between them.

#![expect(
    unsafe_code,
    reason = "the #[redis_component] macro generates the canonical-ABI export glue"
)]

use anyhow::{Context as _, bail};
use spin_sdk::redis::Connection;
use spin_sdk::redis_component;

#[redis_component]
fn on_message(message: bytes::Bytes) -> anyhow::Result<()> {
    let text = std::str::from_utf8(&message).context("payload is not UTF-8")?;
    let address = spin_sdk::variables::get("redis_address").context("redis_address")?;
    let prefix = spin_sdk::variables::get("key_prefix").context("key_prefix")?;
    let redis = Connection::open(&address).map_err(|e| anyhow::anyhow!("open: {e:?}"))?;
    let (kind, id) = text.split_once(':').unwrap_or((text, ""));
    let attempts = redis
        .incr(&format!("{prefix}:attempts:{id}"))
        .map_err(|e| anyhow::anyhow!("incr: {e:?}"))?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    redis
        .execute(
            "RPUSH",
            &[
                spin_sdk::redis::RedisParameter::Binary(
                    format!("{prefix}:started:{id}").into_bytes(),
                ),
                spin_sdk::redis::RedisParameter::Binary(now_ms.to_string().into_bytes()),
            ],
        )
        .map_err(|e| anyhow::anyhow!("rpush: {e:?}"))?;
    if let Some(ms) = kind.strip_prefix("sleep-") {
        let ms: u64 = ms.parse().context("sleep-<ms>")?;
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    match kind {
        "fail-once" if attempts == 1 => bail!("failing the first attempt of {id}"),
        "fail" => bail!("always failing {id}"),
        "trap" => panic!("trapping on {id}"),
        _ => {}
    }
    redis
        .sadd(&format!("{prefix}:handled"), &[id.to_owned()])
        .map_err(|e| anyhow::anyhow!("sadd: {e:?}"))?;
    Ok(())
}
