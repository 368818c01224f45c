//! Publishing the outbox: after every write that added an event, the oldest unpublished events
//! go out on the events channel. `PUBLISH` answers how many subscribers received the message;
//! an event counts as delivered only when that is at least one (docs/contracts.md, Events).
//! With none, the flush stops there, so the events keep their order and the next write's flush
//! (or a later one) sends them again. A failing flush never fails the request that committed.

use redshop_user::error::UserError;
use redshop_user::event::FLUSH_BATCH;
use redshop_user::sql::outbox;

use crate::config::EVENTS_CHANNEL_VARIABLE;
use crate::handlers::Ctx;

/// Flushes, logging (not returning) a failure; answers how many events went out.
pub fn flush(ctx: &Ctx<'_>) -> usize {
    match try_flush(ctx) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("user: outbox flush failed, events stay queued: {e:?}");
            0
        }
    }
}

fn try_flush(ctx: &Ctx<'_>) -> Result<usize, crate::error::ApiError> {
    let channel = spin_sdk::variables::get(EVENTS_CHANNEL_VARIABLE)
        .map_err(|e| UserError::Storage(format!("variable `{EVENTS_CHANNEL_VARIABLE}`: {e:?}")))?;
    let db = ctx.db()?;
    let store = ctx.store()?;
    let pending = outbox::decode_pending(&db.query(&outbox::pending(FLUSH_BATCH))?)?;
    let mut sent = 0;
    for (seq, envelope) in pending {
        if store.publish(&channel, &envelope)? < 1 {
            break;
        }
        db.query(&outbox::mark_published(seq))?;
        sent += 1;
    }
    Ok(sent)
}
