//! Spin's Redis trigger: subscribe to each `[[trigger.redis]]` channel and call the
//! component's `fermyon:spin/inbound-redis.handle-message` for every message.
//!
//! Beyond Spin, which drops a message whose handler fails and ends the trigger when Redis
//! goes away: a failed or trapped delivery is retried with exponential backoff up to
//! `[redis_trigger] max_attempts`, then logged as dead with its payload; and a lost
//! subscription is re-established by itself. Pub/sub still delivers only to subscribers
//! connected at publish time; order events that must survive a restart need a durable
//! queue, which is a later stage.

mod deliver;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use redshop_spin::SecretUrl;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::app::{App, RedisSubscription};

/// Messages being handled at once per subscription. Bounded so a burst cannot take every
/// instance slot from the HTTP trigger; 16 keeps both cores busy with room to spare.
pub const MAX_IN_FLIGHT: usize = 16;

/// The running subscriptions, for shutdown.
pub struct RedisTrigger {
    tasks: Vec<JoinHandle<()>>,
    permits: Vec<Arc<Semaphore>>,
}

/// Start one task per subscription. They run until `shutdown`.
pub fn start(app: &Arc<App>) -> RedisTrigger {
    let mut trigger = RedisTrigger {
        tasks: Vec::new(),
        permits: Vec::new(),
    };
    for sub in &app.redis_subscriptions {
        let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        trigger.permits.push(permits.clone());
        trigger.tasks.push(tokio::spawn(subscribe_forever(
            app.clone(),
            sub.clone(),
            permits,
        )));
    }
    trigger
}

impl RedisTrigger {
    /// Stop reading messages, then wait (at most `drain`) for those being handled. Returns
    /// whether every delivery finished in time.
    pub async fn shutdown(self, drain: Duration) -> bool {
        for task in &self.tasks {
            task.abort();
        }
        let all_idle = async {
            for permits in &self.permits {
                // Every permit back means no delivery is in flight on this subscription.
                let _ = permits.acquire_many(MAX_IN_FLIGHT as u32).await;
            }
        };
        if tokio::time::timeout(drain, all_idle).await.is_err() {
            tracing::warn!("redis messages still being handled at shutdown were abandoned");
            return false;
        }
        true
    }
}

async fn subscribe_forever(app: Arc<App>, sub: RedisSubscription, permits: Arc<Semaphore>) {
    let shown = SecretUrl::new(sub.address.clone()).redacted();
    let reconnect = Duration::from_millis(app.redis_trigger.reconnect_ms);
    loop {
        match listen(&app, &sub, &permits).await {
            Ok(()) => {
                tracing::warn!(address = %shown, channel = %sub.channel, "redis subscription ended; resubscribing")
            }
            Err(e) => {
                tracing::warn!(address = %shown, channel = %sub.channel, error = %e, "redis subscription failed; retrying")
            }
        }
        tokio::time::sleep(reconnect).await;
    }
}

/// Subscribe once and hand every message to the components, until the connection ends.
async fn listen(
    app: &Arc<App>,
    sub: &RedisSubscription,
    permits: &Arc<Semaphore>,
) -> anyhow::Result<()> {
    let connect = app.services.redis.connect_timeout();
    let client = redis::Client::open(sub.address.as_str())?;
    let mut pubsub = tokio::time::timeout(connect, client.get_async_pubsub())
        .await
        .map_err(|_| anyhow::anyhow!("connect timed out"))??;
    pubsub.subscribe(&sub.channel).await?;
    tracing::info!(channel = %sub.channel, components = ?sub.components, "subscribed");
    app.metrics.trigger.subscribed();
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let payload = Arc::new(message.get_payload_bytes().to_vec());
        for component in &sub.components {
            let Some(component) = app.components.get(component).cloned() else {
                continue;
            };
            // Backpressure: wait for a slot before reading further.
            let permit = permits.clone().acquire_owned().await?;
            let app = app.clone();
            let payload = payload.clone();
            let channel = sub.channel.clone();
            tokio::spawn(async move {
                deliver::with_retries(&app, &component, &channel, &payload).await;
                drop(permit);
            });
        }
    }
    Ok(())
}
