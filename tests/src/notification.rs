//! End-to-end harness for the notification work (filled in by it).
