//! The gateway's rules as plain Rust: the public route table, the identity it asserts to
//! services, token and session checks, rate limits, CORS, the catalog cache and the
//! error mapping. No spin-sdk here: the component (`components/gateway`) reads the request,
//! calls these functions, and talks to Redis and the services.
//!
//! The gateway is the trust boundary of the shop (docs/contracts.md): services believe the
//! `x-redshop-*` headers because only the gateway (and the order service, forwarding) can
//! reach them, and the gateway builds those headers itself from a verified token, never
//! from what the client sent ([`identity`]).

pub mod auth;
pub mod cache;
pub mod config;
pub mod cors;
pub mod error;
pub mod health;
pub mod hygiene;
pub mod identity;
pub mod method;
pub mod ratelimit;
pub mod request_id;
pub mod routes;

pub use error::GatewayError;
pub use hygiene::MAX_BODY_BYTES;
pub use method::Method;
