//! Query strings of the two list routes, keyset pages, and the list's ETag.
//!
//! Pages are keyset pages over a unique, increasing `seq`: `cursor` is the `seq` of the
//! last item of the previous page, and a page holds the items below it. Unlike an offset, a
//! cursor stays correct while new notifications arrive at the top, which is exactly when a
//! shopper scrolls. The cursor is opaque to clients; it is a number only because a number
//! is all it needs to be.

use serde::Serialize;

use crate::error::{DomainError, Result};
use crate::ids::{OrderId, UserId};
use crate::text::is_plausible_email;

/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page: a notification is under 2 KiB of JSON, so a page stays under about 200 KiB;
/// a mailbox entry carries two bodies, which is why its pages are smaller.
pub const MAX_LIMIT: u32 = 100;
pub const MAX_MAILBOX_LIMIT: u32 = 50;

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u32,
    /// Items with a `seq` below this one; `None` for the first page.
    pub after: Option<i64>,
}

/// `GET /notifications?limit=&cursor=&unread=true`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationQuery {
    pub page: Page,
    pub unread_only: bool,
}

/// `GET /admin/mailbox?limit=&cursor=&recipient=&order_id=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxQuery {
    pub page: Page,
    pub recipient: Option<String>,
    pub order_id: Option<OrderId>,
}

impl NotificationQuery {
    pub fn parse(query: &str) -> Result<Self> {
        let mut page = PageParser::new(MAX_LIMIT);
        let mut unread_only = false;
        for (name, value) in pairs(query)? {
            match name.as_str() {
                "unread" => {
                    unread_only = match value.as_str() {
                        "true" => true,
                        "false" | "" => false,
                        _ => return Err(invalid("unread", "must be `true` or `false`")),
                    }
                }
                _ => page.take(&name, &value)?,
            }
        }
        Ok(Self {
            page: page.finish(),
            unread_only,
        })
    }

    /// The query in one canonical form (for the ETag: equal queries, equal tags).
    fn canonical(&self) -> String {
        format!(
            "limit={}&cursor={}&unread={}",
            self.page.limit,
            self.page.after.unwrap_or(0),
            self.unread_only
        )
    }
}

impl MailboxQuery {
    pub fn parse(query: &str) -> Result<Self> {
        let mut page = PageParser::new(MAX_MAILBOX_LIMIT);
        let (mut recipient, mut order_id) = (None, None);
        for (name, value) in pairs(query)? {
            match name.as_str() {
                "recipient" => {
                    if !is_plausible_email(&value) {
                        return Err(invalid("recipient", "is not an email address"));
                    }
                    recipient = Some(value);
                }
                "order_id" => {
                    order_id = Some(
                        OrderId::parse(&value).map_err(|_| invalid("order_id", "is not a UUID"))?,
                    );
                }
                _ => page.take(&name, &value)?,
            }
        }
        Ok(Self {
            page: page.finish(),
            recipient,
            order_id,
        })
    }
}

/// `limit` and `cursor`, shared by both routes; anything else is unknown.
struct PageParser {
    max: u32,
    limit: u32,
    after: Option<i64>,
}

impl PageParser {
    fn new(max: u32) -> Self {
        Self {
            max,
            limit: DEFAULT_LIMIT.min(max),
            after: None,
        }
    }

    fn take(&mut self, name: &str, value: &str) -> Result<()> {
        match name {
            "limit" => {
                self.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=self.max).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            "limit",
                            &format!("must be a whole number from 1 to {}", self.max),
                        )
                    })?;
            }
            "cursor" => {
                self.after =
                    Some(
                        value.parse().ok().filter(|n: &i64| *n > 0).ok_or_else(|| {
                            invalid("cursor", "is not a cursor this API gave out")
                        })?,
                    );
            }
            other => return Err(DomainError::UnknownParameter(clip(other))),
        }
        Ok(())
    }

    fn finish(self) -> Page {
        Page {
            limit: self.limit,
            after: self.after,
        }
    }
}

/// A page of results: the items and, when more follow, the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Turns `limit + 1` rows of `(seq, item)` into a page.
pub fn paged<T>(mut rows: Vec<(i64, T)>, page: &Page) -> Paged<T> {
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|(seq, _)| seq.to_string())
    } else {
        None
    };
    Paged {
        items: rows.into_iter().map(|(_, item)| item).collect(),
        next_cursor,
    }
}

/// The ETag of a user's list: their feed version and a hash of (user, canonical query).
/// The version changes with every new notification and every read, so an unchanged tag
/// means an unchanged answer; the user is in the hash so that no tag of one user ever
/// matches another user's list.
pub fn etag(user: &UserId, version: i64, query: &NotificationQuery) -> String {
    let key = format!("{user}?{}", query.canonical());
    format!("\"n{version}-{:016x}\"", fnv1a(key.as_bytes()))
}

/// Whether an `If-None-Match` header value names `etag` (a list of tags, weak or strong,
/// or `*`), compared weakly as RFC 9110 asks for `If-None-Match`.
pub fn if_none_match(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// 64-bit FNV-1a: not for security, only to keep the tag short and stable.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `name=value` pairs, percent-decoded (`+` is a space).
fn pairs(query: &str) -> Result<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

fn decode(raw: &str) -> Result<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                out.push(hex.ok_or_else(|| invalid("query", "has a bad percent escape"))?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| invalid("query", "is not UTF-8"))
}

fn invalid(param: &str, reason: &str) -> DomainError {
    DomainError::InvalidQuery {
        param: param.to_owned(),
        reason: reason.to_owned(),
    }
}

fn clip(raw: &str) -> String {
    crate::text::one_line(raw, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u8) -> UserId {
        UserId::parse(&format!("{n:08}-1111-4111-8111-111111111111")).unwrap()
    }

    #[test]
    fn defaults_and_explicit_values_parse() {
        let q = NotificationQuery::parse("").unwrap();
        assert_eq!(
            q.page,
            Page {
                limit: 20,
                after: None
            }
        );
        assert!(!q.unread_only);
        let q = NotificationQuery::parse("limit=100&cursor=42&unread=true").unwrap();
        assert_eq!(
            q.page,
            Page {
                limit: 100,
                after: Some(42)
            }
        );
        assert!(q.unread_only);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (query, param) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=ten", "limit"),
            ("cursor=-1", "cursor"),
            ("cursor=abc", "cursor"),
            ("unread=yes", "unread"),
            ("cursor=%zz", "query"),
        ] {
            match NotificationQuery::parse(query) {
                Err(DomainError::InvalidQuery { param: got, .. }) => assert_eq!(got, param),
                other => panic!("{query}: {other:?}"),
            }
        }
        assert_eq!(
            NotificationQuery::parse("sort=asc"),
            Err(DomainError::UnknownParameter("sort".into()))
        );
    }

    #[test]
    fn mailbox_filters_decode_and_are_checked() {
        let q = MailboxQuery::parse("recipient=ada%2Btag%40example.com&limit=50").unwrap();
        assert_eq!(q.recipient.as_deref(), Some("ada+tag@example.com"));
        assert_eq!(q.page.limit, 50);
        assert!(MailboxQuery::parse("limit=51").is_err());
        assert!(MailboxQuery::parse("recipient=nobody").is_err());
        assert!(MailboxQuery::parse("order_id=7").is_err());
    }

    #[test]
    fn a_full_page_gives_the_last_seq_as_the_next_cursor() {
        let page = Page {
            limit: 2,
            after: None,
        };
        let full = paged(vec![(9, 'a'), (7, 'b'), (4, 'c')], &page);
        assert_eq!(full.items, ['a', 'b']);
        assert_eq!(full.next_cursor.as_deref(), Some("7"));
        let last = paged(vec![(9, 'a'), (7, 'b')], &page);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn the_etag_changes_with_the_version_the_query_and_the_user() {
        let q = NotificationQuery::parse("").unwrap();
        let tag = etag(&user(1), 3, &q);
        assert!(tag.starts_with("\"n3-") && tag.ends_with('"'), "{tag}");
        assert_eq!(
            tag,
            etag(&user(1), 3, &NotificationQuery::parse("limit=20").unwrap())
        );
        assert_ne!(tag, etag(&user(1), 4, &q));
        assert_ne!(tag, etag(&user(2), 3, &q));
        assert_ne!(
            tag,
            etag(
                &user(1),
                3,
                &NotificationQuery::parse("unread=true").unwrap()
            )
        );
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let tag = "\"n3-00ff\"";
        assert!(if_none_match(tag, tag));
        assert!(if_none_match("\"x\", W/\"n3-00ff\"", tag));
        assert!(if_none_match("*", tag));
        assert!(!if_none_match("\"n2-00ff\"", tag));
        assert!(!if_none_match("", tag));
    }
}
