//! Host bindings for Spin's interfaces, generated from the WIT that `spin-sdk` publishes
//! (see `build.rs`: nothing of Spin's WIT is copied into this repository).

include!(concat!(env!("OUT_DIR"), "/spin_bindings.rs"));

pub use fermyon::spin2_0_0::mqtt;
pub use fermyon::spin2_0_0::{key_value, redis, variables};
pub use spin::postgres4_0_0::postgres;

// SQLite: three versions of one interface, served by one implementation.
pub use fermyon::spin::sqlite as sqlite_v1;
pub use fermyon::spin2_0_0::sqlite as sqlite_v2;
pub use spin::sqlite::sqlite as sqlite_v3;

/// The Postgres interfaces of spin-sdk 3.x and 4.x, served by the same implementation as
/// `postgres` (see `crate::postgres::v3` and `v2`).
pub mod postgres_older {
    pub use super::fermyon::spin2_0_0::postgres as v2;
    pub use super::fermyon::spin2_0_0::rdbms_types as v2_types;
    pub use super::spin::postgres3_0_0::postgres as v3;
}
