//! End-to-end harness for the order work (filled in by it).
