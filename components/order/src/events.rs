//! Redis: publishing the outbox, bumping the catalog version, and the flush that also
//! releases reservations abandoned by crashed checkouts.
//!
//! Publishing uses `execute("PUBLISH", …)`, whose answer is the number of subscribers that
//! received the message (the SDK's `publish` hides it): an event counts as published only
//! when at least one did, else it stays in the outbox (docs/contracts.md, Events). Nothing
//! here fails a shopper's request: a Redis that is down leaves events for the next flush.

use std::sync::atomic::{AtomicBool, Ordering};

use redshop_order::error::OrderError;
use redshop_order::event::OutboxEvent;
use redshop_order::sql::{keys, outbox};
use serde_json::json;
use spin_sdk::redis::{Connection, RedisParameter, RedisResult};

use crate::config::{
    CATALOG_VERSION_KEY, EVENTS_CHANNEL_VARIABLE, FLUSH_ROUNDS, REDIS_PREFIX_VARIABLE,
    REDIS_URL_VARIABLE, SWEEP_BATCH, variable, variable_or,
};
use crate::db::{self, Db};
use crate::services;

/// Set once opening Redis failed in this request. Each request runs in a fresh instance, so
/// this lives exactly one request: a request tries Redis once, and when it is unreachable
/// does not wait for it again (the flush will publish later).
static REDIS_UNREACHABLE: AtomicBool = AtomicBool::new(false);

fn redis() -> Result<Connection, String> {
    if REDIS_UNREACHABLE.load(Ordering::Relaxed) {
        return Err("redis was unreachable earlier in this request".into());
    }
    let url = variable(REDIS_URL_VARIABLE)?;
    Connection::open(&url).map_err(|e| {
        REDIS_UNREACHABLE.store(true, Ordering::Relaxed);
        format!("open redis: {e:?}")
    })
}

/// `INCR {p}catalog:version`, so the gateway's cached catalog (which shows stock) is
/// refreshed; best effort — a failure only delays the refresh until the cache expires.
pub fn bump_catalog_version() {
    let prefix = variable_or(REDIS_PREFIX_VARIABLE, "redshop:");
    let result = redis().and_then(|c| {
        c.incr(&format!("{prefix}{CATALOG_VERSION_KEY}"))
            .map_err(|e| format!("incr: {e:?}"))
    });
    if let Err(e) = result {
        eprintln!("order: catalog version not bumped: {e}");
    }
}

/// What a flush did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Flushed {
    pub published: u64,
    pub released: u64,
}

/// Publishes what the outbox holds (oldest first, each event once) — the part of the flush
/// that runs after every write. Errors are logged; the events stay for the next flush.
pub fn publish_pending() -> u64 {
    match try_publish() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("order: outbox not flushed: {e}");
            0
        }
    }
}

fn try_publish() -> Result<u64, String> {
    let channel = variable(EVENTS_CHANNEL_VARIABLE)?;
    let mut published = 0;
    let mut conn: Option<Connection> = None;
    for _ in 0..FLUSH_ROUNDS {
        let db = Db::open().map_err(|e| e.to_string())?;
        let (sent, again) = db
            .transaction(|db| publish_batch(db, &channel, &mut conn))
            .map_err(|e: OrderError| e.to_string())?;
        published += sent;
        if !again {
            break;
        }
    }
    Ok(published)
}

/// One flush transaction (see `redshop_order::sql::outbox`): `(published, look again)`.
/// It looks again whenever it published a whole non-empty batch, so that events committed
/// by writers whose own flush found this one holding the lock go out in this flush too.
fn publish_batch(
    db: &Db,
    channel: &str,
    conn: &mut Option<Connection>,
) -> Result<(u64, bool), OrderError> {
    if !outbox::decode_locked(&db.query(&outbox::try_lock())?)? {
        // Another flush is running and will publish what is there.
        return Ok((0, false));
    }
    let events = outbox::decode_pending(&db.query(&outbox::pending())?)?;
    let mut sent = 0;
    for event in &events {
        if conn.is_none() {
            match redis() {
                Ok(c) => *conn = Some(c),
                Err(e) => {
                    eprintln!("order: {e}; {} events wait in the outbox", events.len());
                    return Ok((sent, false));
                }
            }
        }
        let Some(c) = conn.as_ref() else {
            return Ok((sent, false));
        };
        match publish(c, channel, event) {
            Ok(receivers) if receivers >= 1 => {
                db.query(&outbox::mark_published(event.seq))?;
                sent += 1;
            }
            Ok(_) => {
                eprintln!(
                    "order: no subscriber on {channel}; event {} stays in the outbox",
                    event.id
                );
                return Ok((sent, false));
            }
            Err(e) => {
                eprintln!(
                    "order: publish failed ({e}); event {} stays in the outbox",
                    event.id
                );
                return Ok((sent, false));
            }
        }
    }
    Ok((sent, !events.is_empty()))
}

/// `PUBLISH channel envelope`; the number of receivers.
fn publish(c: &Connection, channel: &str, event: &OutboxEvent) -> Result<i64, String> {
    let args = [
        RedisParameter::Binary(channel.as_bytes().to_vec()),
        RedisParameter::Binary(event.envelope().into_bytes()),
    ];
    let answer = c.execute("PUBLISH", &args).map_err(|e| format!("{e:?}"))?;
    match answer.first() {
        Some(RedisResult::Int64(n)) => Ok(*n),
        other => Err(format!("PUBLISH answered {other:?}")),
    }
}

/// `POST /internal/flush`: release abandoned reservations, forget expired keys, publish.
pub async fn flush(request_id: Option<&str>) -> Result<Flushed, OrderError> {
    let abandoned = keys::decode_order_ids(&db::query(&keys::abandoned(SWEEP_BATCH))?)?;
    let mut released = 0;
    for order_id in abandoned {
        services::release(&order_id, request_id).await?;
        if db::query(&keys::forget_abandoned(&order_id))?.len() == 1 {
            released += 1;
        }
    }
    db::query(&keys::purge_expired())?;
    let published = publish_pending();
    Ok(Flushed {
        published,
        released,
    })
}

impl Flushed {
    pub fn to_json(self) -> serde_json::Value {
        json!({ "published": self.published, "released": self.released })
    }
}
