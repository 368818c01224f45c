//! Host bindings for Spin's interfaces, generated from the WIT that `spin-sdk` publishes
//! (see `build.rs`: nothing of Spin's WIT is copied into this repository).

include!(concat!(env!("OUT_DIR"), "/spin_bindings.rs"));

pub use fermyon::spin2_0_0::mqtt;
pub use fermyon::spin2_0_0::{key_value, redis, variables};
pub use spin::postgres4_0_0::postgres;
