//! End-to-end harness for the user work (filled in by it).
