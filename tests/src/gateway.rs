//! End-to-end harness for the gateway work (filled in by it).
