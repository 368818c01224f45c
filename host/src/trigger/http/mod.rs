//! Spin's HTTP trigger: one listener, Spin's routing, Spin's request headers, and a
//! graceful shutdown that stops accepting and drains what is in flight.

mod builtin;
mod handler;
mod server;

pub(crate) use builtin::{empty as empty_response, respond as respond_builtin};
pub use handler::Dispatcher;
pub(crate) use handler::{dispatch, log_chained};
pub use server::serve;
