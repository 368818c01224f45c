//! End-to-end harness for the shop work (filled in by it).
