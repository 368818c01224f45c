//! A request path turned into a path inside the files mount, or refused.
//!
//! The path is percent-decoded first and split second, so an encoded `/` or `.` cannot
//! smuggle a `..` segment past the check. Refused outright: malformed escapes, bytes that are
//! not UTF-8, control characters, backslashes (a separator on some filesystems), and any
//! segment that starts with `.` (which covers `.` and `..` as well as hidden files such as
//! `.env`). Empty segments (`//`, a trailing `/`) are dropped. What is left can only name a
//! file at or below the mount's root.

use std::fmt;

/// The longest request path considered, in bytes after decoding. Real asset and route paths
/// are well under 200 bytes; this only keeps a hostile path from costing anything.
pub const MAX_PATH_BYTES: usize = 1024;

/// Why a path cannot name a file in the mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// Not an absolute path (`/…`).
    NotAbsolute,
    /// A `%` not followed by two hex digits.
    BadEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
    /// A control character or a backslash.
    ForbiddenCharacter,
    /// A segment starting with `.`: `..`, `.` or a hidden file.
    DotSegment,
    /// Longer than [`MAX_PATH_BYTES`].
    TooLong,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotAbsolute => "the path must start with /",
            Self::BadEscape => "the path has a malformed percent escape",
            Self::NotUtf8 => "the path is not UTF-8",
            Self::ForbiddenCharacter => "the path has a control character or a backslash",
            Self::DotSegment => "the path has a segment starting with a dot",
            Self::TooLong => "the path is too long",
        })
    }
}

impl std::error::Error for PathError {}

/// A path relative to the mount's root, made only of safe segments joined by `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetPath(String);

impl AssetPath {
    /// Parse the path part of a request target (no query string).
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        let rest = raw.strip_prefix('/').ok_or(PathError::NotAbsolute)?;
        let decoded = percent_decode(rest)?;
        if decoded.len() > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        let decoded = String::from_utf8(decoded).map_err(|_| PathError::NotUtf8)?;
        if decoded.chars().any(|c| c.is_control() || c == '\\') {
            return Err(PathError::ForbiddenCharacter);
        }
        let mut segments = Vec::new();
        for segment in decoded.split('/').filter(|s| !s.is_empty()) {
            if segment.starts_with('.') {
                return Err(PathError::DotSegment);
            }
            segments.push(segment);
        }
        Ok(Self(segments.join("/")))
    }

    /// The relative path (`assets/index-abc.js`); empty for the root.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn first_segment(&self) -> Option<&str> {
        self.0.split('/').next().filter(|s| !s.is_empty())
    }

    /// Whether the last segment has an extension (`app.js`, `robots.txt`): such a path names
    /// a file, and a missing one is a 404 rather than the app's shell.
    pub fn names_file(&self) -> bool {
        self.0
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
    }
}

fn percent_decode(input: &str) -> Result<Vec<u8>, PathError> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).and_then(|b| hex(*b));
            let lo = bytes.get(i + 2).and_then(|b| hex(*b));
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                _ => return Err(PathError::BadEscape),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_keep_their_segments() {
        assert_eq!(
            AssetPath::parse("/assets/a.js").map(|p| p.0),
            Ok("assets/a.js".into())
        );
        assert_eq!(AssetPath::parse("/").map(|p| p.is_root()), Ok(true));
    }

    #[test]
    fn empty_segments_are_dropped() {
        assert_eq!(AssetPath::parse("//a///b/").map(|p| p.0), Ok("a/b".into()));
    }

    #[test]
    fn escapes_are_decoded_before_splitting() {
        assert_eq!(
            AssetPath::parse("/caf%C3%A9/a%20b.png").map(|p| p.0),
            Ok("café/a b.png".into())
        );
        assert_eq!(
            AssetPath::parse("/a%2fb.js").map(|p| p.0),
            Ok("a/b.js".into())
        );
        assert_eq!(AssetPath::parse("/a/%2e%2E/b"), Err(PathError::DotSegment));
    }

    #[test]
    fn each_refusal_has_its_reason() {
        assert_eq!(AssetPath::parse("assets/a.js"), Err(PathError::NotAbsolute));
        assert_eq!(AssetPath::parse("/a%2"), Err(PathError::BadEscape));
        assert_eq!(AssetPath::parse("/a%g0"), Err(PathError::BadEscape));
        assert_eq!(AssetPath::parse("/%ff%fe"), Err(PathError::NotUtf8));
        assert_eq!(
            AssetPath::parse("/a%0a.js"),
            Err(PathError::ForbiddenCharacter)
        );
        assert_eq!(
            AssetPath::parse("/a\\b"),
            Err(PathError::ForbiddenCharacter)
        );
        assert_eq!(AssetPath::parse("/x/../y"), Err(PathError::DotSegment));
        assert_eq!(AssetPath::parse("/./y"), Err(PathError::DotSegment));
        assert_eq!(
            AssetPath::parse("/.well-known/x"),
            Err(PathError::DotSegment)
        );
        let long = format!("/{}", "a".repeat(MAX_PATH_BYTES + 1));
        assert_eq!(AssetPath::parse(&long), Err(PathError::TooLong));
    }

    #[test]
    fn a_file_is_named_by_an_extension_on_the_last_segment() {
        let names = |p: &str| AssetPath::parse(p).map(|p| p.names_file());
        assert_eq!(names("/robots.txt"), Ok(true));
        assert_eq!(names("/v1.2/catalog"), Ok(false));
        assert_eq!(names("/catalog"), Ok(false));
    }

    #[test]
    fn the_first_segment_is_the_whole_first_segment() {
        let first = |p: &str| AssetPath::parse(p).map(|p| p.first_segment().map(str::to_owned));
        assert_eq!(first("/api/v1"), Ok(Some("api".into())));
        assert_eq!(first("/apiary"), Ok(Some("apiary".into())));
        assert_eq!(first("/"), Ok(None));
    }
}
