//! One message to one component, with retries and a dead-letter log line.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::{App, ComponentRuntime};
use crate::runtime::{InvokeError, RequestCtx};

/// Deliver `payload`, retrying failures with exponential backoff; log it as dead after the
/// last attempt.
pub async fn with_retries(
    app: &Arc<App>,
    component: &Arc<ComponentRuntime>,
    channel: &str,
    payload: &Vec<u8>,
) {
    let config = &app.redis_trigger;
    let mut backoff = Duration::from_millis(config.initial_backoff_ms);
    let max_backoff = Duration::from_millis(config.max_backoff_ms);
    let attempts = config.max_attempts.max(1);
    for attempt in 1..=attempts {
        let request_id = app.next_request_id();
        let start = Instant::now();
        match once(app, component, payload, &request_id).await {
            Ok(()) => {
                app.metrics.trigger.handled();
                tracing::info!(target: "redshop::message", request_id = %request_id, component = %component.id, channel, attempt, latency_us = start.elapsed().as_micros() as u64, "message handled");
                return;
            }
            Err(reason) => {
                tracing::warn!(target: "redshop::message", request_id = %request_id, component = %component.id, channel, attempt, error = %reason, "message handler failed");
                if attempt < attempts {
                    app.metrics.trigger.retried();
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(max_backoff);
                }
            }
        }
    }
    app.metrics.trigger.dead();
    tracing::error!(
        target: "redshop::dead_letter",
        component = %component.id,
        channel,
        attempts,
        payload = %String::from_utf8_lossy(payload),
        "message dropped after every attempt failed"
    );
}

/// One attempt: a fresh instance, `handle-message`, its verdict.
async fn once(
    app: &Arc<App>,
    component: &Arc<ComponentRuntime>,
    payload: &Vec<u8>,
    request_id: &Arc<str>,
) -> Result<(), String> {
    let Some(pre) = &component.redis_pre else {
        return Err("component does not handle redis messages".into());
    };
    let ctx = RequestCtx {
        request_id: request_id.clone(),
        chain_depth: 0,
        deadline: Instant::now() + app.limits.request_timeout,
        self_origin: None,
    };
    let mut store = app.new_store(component, &ctx).map_err(|e| e.to_string())?;
    let call = async {
        let guest = pre
            .instantiate_async(&mut store)
            .await
            .map_err(|e| InvokeError::Instantiate(e).to_string())?;
        match guest
            .fermyon_spin_inbound_redis()
            .call_handle_message(&mut store, payload)
            .await
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("handler returned {e:?}")),
            Err(trap) => Err(crate::runtime::classify_trap(trap).to_string()),
        }
    };
    match tokio::time::timeout_at(ctx.deadline.into(), call).await {
        Ok(result) => result,
        Err(_) => Err(InvokeError::Deadline.to_string()),
    }
}
