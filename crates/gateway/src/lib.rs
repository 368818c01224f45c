//! The gateway service's rules (skeleton; filled in by the gateway work).
