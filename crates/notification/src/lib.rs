//! The notification service's rules (skeleton; filled in by the notification work).
