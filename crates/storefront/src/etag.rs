//! Entity tags, so that a revalidated `index.html` costs a `304` and no body.
//!
//! The tag is a 64-bit FNV-1a hash of the content: cheap to compute per request in a
//! component that keeps nothing between requests, and a changed file changes it. It is a
//! strong validator of the bytes served, not a security measure.

/// The `etag` header value for `content`.
pub fn of(content: &[u8]) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = content
        .iter()
        .fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME));
    format!("\"{hash:016x}\"")
}

/// Whether an `If-None-Match` header value matches `etag` (a list, `*`, weak tags compared
/// weakly as RFC 9110 asks for this header).
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_quoted_and_depends_on_every_byte() {
        assert_eq!(of(b""), "\"cbf29ce484222325\"");
        assert_ne!(of(b"<html>a"), of(b"<html>b"));
        assert_eq!(of(b"same"), of(b"same"));
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let tag = of(b"x");
        assert!(matches(&tag, &tag));
        assert!(matches(&format!("\"other\", {tag}"), &tag));
        assert!(matches(&format!("W/{tag}"), &tag));
        assert!(matches("*", &tag));
        assert!(!matches("\"other\"", &tag));
        assert!(!matches("", &tag));
    }
}
