//! The user service's rules (skeleton; filled in by the user work).
