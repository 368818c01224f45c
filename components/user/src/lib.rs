//! The user component (skeleton; filled in by the user work).
