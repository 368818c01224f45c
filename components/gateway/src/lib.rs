//! The gateway component (skeleton; filled in by the gateway work).
