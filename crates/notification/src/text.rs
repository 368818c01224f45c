//! Text that goes into emails, notifications and the database.
//!
//! Three dangers, three functions. HTML injection: every value interpolated into an HTML
//! body goes through [`escape_html`]. Header injection and NUL bytes: every string taken from
//! an event goes through [`one_line`], which drops control characters (a CR/LF in a subject
//! or address would forge mail headers in a real transport, and PostgreSQL refuses a NUL in
//! `text`, which would make a message fail on every retry). URLs: a token placed in a link is
//! [`percent_encode`]d.

/// Escapes the five characters that matter in HTML text and attribute values.
pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One line of plain text: control characters (CR, LF, NUL, tabs…) become spaces, runs of
/// whitespace collapse, the ends are trimmed, and the result is cut to `max` characters.
pub fn one_line(raw: &str, max: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max));
    let mut count = 0;
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            if count + 1 >= max {
                break;
            }
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        if count >= max {
            break;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The longest address SMTP carries (RFC 5321: a 256-octet path minus the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;

/// An email address good enough to put in a `To:` header: one `@` with text on both sides,
/// a dot in the domain, at most [`MAX_EMAIL_LEN`] characters, and nothing that could end or
/// extend a header (whitespace, controls, `<>,;"`). The user service validated it already;
/// this is the consumer refusing to trust a message it cannot authenticate.
pub fn is_plausible_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.rsplit_once('@') else {
        return false;
    };
    raw.chars().count() <= MAX_EMAIL_LEN
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && raw.chars().all(|c| {
            !c.is_control() && !c.is_whitespace() && !matches!(c, '<' | '>' | ',' | ';' | '"')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tags_and_quotes_come_out_inert() {
        assert_eq!(
            escape_html(r#"<script>alert("x&y")</script>'"#),
            "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;"
        );
    }

    #[test]
    fn one_line_drops_newlines_nuls_and_extra_space() {
        assert_eq!(
            one_line("  Moon\r\nBcc: evil@x\0 lamp  ", 100),
            "Moon Bcc: evil@x lamp"
        );
        assert_eq!(one_line("\n\t", 10), "");
    }

    #[test]
    fn one_line_cuts_at_max_characters() {
        assert_eq!(one_line("abcdef", 4), "abcd");
        assert_eq!(one_line("ab cdef", 3), "ab");
        assert_eq!(one_line("ééé", 2), "éé");
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("a-b_c.d~"), "a-b_c.d~");
        assert_eq!(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn plausible_emails_pass_and_header_breakers_do_not() {
        assert!(is_plausible_email("ada@example.com"));
        assert!(is_plausible_email("a.b+tag@mail.example.co.uk"));
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@example",
            "ada@.com",
            "ada@example.com\r\nBcc: x@y.z",
            "a da@example.com",
            "<ada@example.com>",
            "ada@example.com,eve@example.com",
        ] {
            assert!(!is_plausible_email(bad), "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(!is_plausible_email(&long));
    }
}
