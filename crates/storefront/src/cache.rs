//! How long a browser may keep a file.
//!
//! Vite names every file it emits under `assets/` after a hash of its content
//! (`index-B2xY_9zQ.js`), so such a file never changes: it may be cached for a year without
//! asking again. `index.html` names those files and changes with every build, so it must be
//! revalidated on every use (`no-cache` still lets the browser keep it and send
//! `If-None-Match`). Other files in the mount (`favicon.svg`, `robots.txt`) keep their names
//! across builds; an hour is a compromise between fewer requests and a visible change.

/// A caching policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// Content-addressed build output.
    Immutable,
    /// The HTML shell: always revalidate.
    Revalidate,
    /// A file whose name does not change when its content does.
    Short,
}

/// A year, the longest `max-age` caches honour.
pub const IMMUTABLE_MAX_AGE_S: u32 = 31_536_000;

/// An hour, for un-hashed static files.
pub const SHORT_MAX_AGE_S: u32 = 3_600;

/// The shortest hash Vite puts in a name (its default is 8 characters of base64url).
pub const MIN_HASH_LEN: usize = 8;

/// The longest hash looked for (Vite's `hashCharacters` and length options stay below it).
pub const MAX_HASH_LEN: usize = 16;

impl CachePolicy {
    /// The policy for `file`, a path relative to the mount.
    pub fn for_file(file: &str) -> Self {
        if file.ends_with(".html") {
            return Self::Revalidate;
        }
        match file.strip_prefix("assets/") {
            Some(name) if is_hashed(name) => Self::Immutable,
            _ => Self::Short,
        }
    }

    /// The `cache-control` header value.
    pub fn header(self) -> String {
        match self {
            Self::Immutable => format!("public, max-age={IMMUTABLE_MAX_AGE_S}, immutable"),
            Self::Revalidate => "no-cache".to_owned(),
            Self::Short => format!("public, max-age={SHORT_MAX_AGE_S}"),
        }
    }
}

/// Whether `name` (no directories) looks like `<stem>-<hash>.<ext>[.<ext>]`. The hash is
/// base64url, so it may itself contain `-` (`index-D-DhIe7a.js`): it is read from the right.
fn is_hashed(name: &str) -> bool {
    if name.contains('/') {
        return false;
    }
    let Some((base, _ext)) = name.split_once('.') else {
        return false;
    };
    let base = base.as_bytes();
    (MIN_HASH_LEN..=MAX_HASH_LEN).any(|len| {
        base.len() > len + 1
            && base[base.len() - len - 1] == b'-'
            && base[base.len() - len..]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_build_output_is_immutable() {
        for file in [
            "assets/index-B2xY_9zQ.js",
            "assets/index-DkLm0pQr.css",
            "assets/vendor-react-Ab12Cd34.js",
            "assets/index-B2xY_9zQ.js.map",
            "assets/index-D-DhIe7a.js",
        ] {
            assert_eq!(
                CachePolicy::for_file(file),
                CachePolicy::Immutable,
                "{file}"
            );
        }
    }

    #[test]
    fn html_is_revalidated_wherever_it_is() {
        assert_eq!(CachePolicy::for_file("index.html"), CachePolicy::Revalidate);
        assert_eq!(
            CachePolicy::for_file("assets/page-Ab12Cd34.html"),
            CachePolicy::Revalidate
        );
    }

    #[test]
    fn unhashed_files_are_cached_briefly() {
        for file in [
            "favicon.svg",
            "assets/logo.svg",
            "assets/index-short.js",
            "assets/-Ab12Cd34.js",
            "assets/sub/index-Ab12Cd34.js",
            "assets/index-Ab12Cd3!.js",
            "robots.txt",
        ] {
            assert_eq!(CachePolicy::for_file(file), CachePolicy::Short, "{file}");
        }
    }

    #[test]
    fn headers_say_what_the_policy_means() {
        assert_eq!(
            CachePolicy::Immutable.header(),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(CachePolicy::Revalidate.header(), "no-cache");
        assert_eq!(CachePolicy::Short.header(), "public, max-age=3600");
    }
}
