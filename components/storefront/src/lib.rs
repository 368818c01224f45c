//! The storefront component (skeleton; filled in by the storefront work).
