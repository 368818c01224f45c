//! Running one request in one fresh instance: the store's data, its limits, and the
//! call into the guest's `wasi:http/incoming-handler`.

mod invoke;
mod state;

pub(crate) use invoke::classify_trap;
pub use invoke::{InvokeError, RequestCtx};
pub use state::InstanceState;
