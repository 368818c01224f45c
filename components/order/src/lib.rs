//! The order component (skeleton; filled in by the order work).
