//! Triggers: what turns an outside event into a component invocation.

pub mod http;
pub mod redis;
