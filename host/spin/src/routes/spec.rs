//! Route patterns: parsing, precedence and matching.
//!
//! Spin 4 delegates matching to the `routefinder` 0.5 crate
//! (crates/routes/src/lib.rs). Users depend on its exact behaviour — which
//! route wins, how trailing slashes and `.` are treated — so this module
//! re-implements those observable rules rather than approximating them:
//!
//! * a pattern is split at `/` and `.`; empty pieces vanish (so `/a//b/` is
//!   `/a/b`), `:name` is a parameter, a lone `*` is the trailing wildcard;
//! * paths lose all leading and trailing `/` before matching, so `/cart/`
//!   matches `/cart`, and `/cart/...` matches `/cart` with an empty wildcard;
//! * precedence compares patterns piece by piece: literal text beats `:param`
//!   beats `*`, then more `.` separators win, then *shorter* patterns win;
//!   patterns that tie keep their manifest order.

use std::cmp::Ordering;

/// One piece of a parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    Slash,
    Dot,
    Exact(Box<str>),
    Param(Box<str>),
    Wildcard,
}

/// A parsed pattern (the "based" route with `/...` already turned into `/*`).
#[derive(Debug, Clone)]
pub(super) struct Spec {
    segments: Vec<Segment>,
}

impl Spec {
    /// Parses a pattern; errors carry routefinder's wording.
    pub(super) fn parse(source: &str) -> Result<Self, String> {
        let trimmed = source.trim_matches('/');
        let mut segments: Vec<Segment> = Vec::new();
        let mut start = 0;
        let ends = trimmed
            .match_indices(['.', '/'])
            .map(|(i, _)| i)
            .chain(std::iter::once(trimmed.len()));
        for end in ends {
            let separator = if start == 0 {
                None
            } else {
                trimmed.as_bytes().get(start - 1).copied()
            };
            let section = &trimmed[start..end];
            start = end + 1;
            let segment = match section {
                "" => None,
                "*" => Some(Segment::Wildcard),
                ":" => return Err("params must be named".into()),
                s if s.starts_with('*') => {
                    return Err(format!(
                        "since there can only be one wildcard, it doesn't need a name. replace `{s}` with `*`"
                    ));
                }
                s => Some(match s.strip_prefix(':') {
                    Some(name) => Segment::Param(name.into()),
                    None => Segment::Exact(s.into()),
                }),
            };
            if separator == Some(b'.') {
                // A dot after literal text is glued onto the text.
                if let Some(Segment::Exact(text)) = segments.last_mut() {
                    *text = format!("{text}.").into();
                } else {
                    segments.push(Segment::Dot);
                }
            }
            if let Some(segment) = segment {
                if separator == Some(b'/') {
                    segments.push(Segment::Slash);
                }
                segments.push(segment);
            }
        }
        // routefinder panics at match time on a wildcard that is not last;
        // reject such patterns up front instead.
        if let Some(i) = segments.iter().position(|s| *s == Segment::Wildcard)
            && i + 1 != segments.len()
        {
            return Err("a `*` or `...` wildcard may only appear at the end of a route".into());
        }
        Ok(Self { segments })
    }

    /// The pattern `/*` (everything), used for synthetic matches.
    pub(super) fn everything() -> Self {
        Self {
            segments: vec![Segment::Wildcard],
        }
    }

    /// Names of the `:param` pieces, in order.
    pub(super) fn param_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param(name) => Some(&**name),
            _ => None,
        })
    }

    fn dots(&self) -> usize {
        self.segments.iter().filter(|s| **s == Segment::Dot).count()
    }

    /// True if `self` takes precedence over `other` when both match.
    ///
    /// This is routefinder's `RouteSpec` ordering, which never reports two
    /// patterns equal; ties resolve to "the one already in the table wins".
    pub(super) fn outranks(&self, other: &Self) -> bool {
        let decided = self
            .segments
            .iter()
            .zip(&other.segments)
            .map(|(mine, theirs)| compare_segments(mine, theirs))
            .chain(std::iter::once(self.dots().cmp(&other.dots())))
            .chain(std::iter::once(
                other.segments.len().cmp(&self.segments.len()),
            ))
            .find(|c| *c != Ordering::Equal);
        decided == Some(Ordering::Greater)
    }

    /// Matches `path`, returning the `:param` captures and the raw wildcard
    /// capture (if the pattern has one).
    pub(super) fn matches<'p>(&self, path: &'p str) -> Option<(Vec<&'p str>, Option<&'p str>)> {
        let mut rest = path.trim_matches('/');
        let mut params = Vec::new();
        let mut wildcard = None;
        let mut iter = self.segments.iter().peekable();
        while let Some(segment) = iter.next() {
            let next = iter.peek();
            rest = match segment {
                Segment::Exact(text) => rest.strip_prefix(&**text)?,
                Segment::Param(_) => {
                    if rest.is_empty() {
                        return None;
                    }
                    let end = if matches!(next, Some(Segment::Dot)) {
                        let i = rest.find(['.', '/'])?;
                        if rest.as_bytes()[i] != b'.' {
                            return None;
                        }
                        i
                    } else {
                        rest.find('/').unwrap_or(rest.len())
                    };
                    params.push(&rest[..end]);
                    &rest[end..]
                }
                Segment::Wildcard => {
                    wildcard = Some(rest);
                    ""
                }
                Segment::Slash => match (rest.strip_prefix('/'), next) {
                    (Some(after), Some(_)) => after,
                    (None, None | Some(Segment::Wildcard)) if rest.is_empty() => rest,
                    _ => return None,
                },
                Segment::Dot => rest.strip_prefix('.')?,
            };
        }
        (rest.is_empty() || rest == "/").then_some((params, wildcard))
    }
}

/// routefinder's per-segment ordering (`Greater` = more specific).
fn compare_segments(a: &Segment, b: &Segment) -> Ordering {
    use Segment::*;
    match (a, b) {
        (Exact(_), Exact(_))
        | (Slash | Dot, Slash | Dot)
        | (Param(_), Param(_))
        | (Wildcard, Wildcard) => Ordering::Equal,
        (Dot, _) | (Exact(_), _) => Ordering::Greater,
        (Param(_), Exact(_)) => Ordering::Less,
        (Param(_), _) => Ordering::Greater,
        (Wildcard, Exact(_) | Param(_)) => Ordering::Less,
        (Wildcard, _) => Ordering::Greater,
        (Slash, _) => Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> Spec {
        Spec::parse(s).unwrap()
    }

    #[test]
    fn dots_after_text_are_glued_to_the_text() {
        assert_eq!(
            spec("/a.b").segments,
            [Segment::Exact("a.".into()), Segment::Exact("b".into())]
        );
        assert_eq!(
            spec("/:file.json").segments,
            [
                Segment::Param("file".into()),
                Segment::Dot,
                Segment::Exact("json".into())
            ]
        );
    }

    #[test]
    fn empty_sections_vanish() {
        assert_eq!(spec("//a//b/").segments, spec("/a/b").segments);
        assert!(spec("/").segments.is_empty());
    }

    #[test]
    fn param_before_dot_stops_at_the_dot() {
        let s = spec("/files/:name.json");
        assert_eq!(
            s.matches("/files/report.json"),
            Some((vec!["report"], None))
        );
        assert_eq!(s.matches("/files/report"), None);
    }

    #[test]
    fn wildcard_captures_the_rest_without_outer_slashes() {
        let s = spec("/a/*");
        assert_eq!(s.matches("/a/b/c/"), Some((vec![], Some("b/c"))));
        assert_eq!(s.matches("/a"), Some((vec![], Some(""))));
        assert_eq!(s.matches("/ab"), None);
    }

    #[test]
    fn param_needs_a_non_empty_segment() {
        assert_eq!(spec("/a/:id").matches("/a"), None);
        assert_eq!(spec("/a/:id").matches("/a/"), None);
    }

    #[test]
    fn mid_route_wildcard_is_rejected() {
        assert!(Spec::parse("/a/*/b").is_err());
    }

    #[test]
    fn literal_beats_param_beats_wildcard() {
        assert!(spec("/a/b").outranks(&spec("/a/:x")));
        assert!(spec("/a/:x").outranks(&spec("/a/*")));
        assert!(!spec("/a/*").outranks(&spec("/a/:x")));
    }

    #[test]
    fn longer_wildcard_prefix_outranks_shorter() {
        assert!(spec("/a/b/*").outranks(&spec("/a/*")));
        assert!(spec("/a/*").outranks(&spec("/*")));
    }
}
