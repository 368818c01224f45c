//! The order service's rules (skeleton; filled in by the order work).
