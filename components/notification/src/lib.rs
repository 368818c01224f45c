//! The notification component (skeleton; filled in by the notification work).
