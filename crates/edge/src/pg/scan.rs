//! Just enough of PostgreSQL's lexical structure to find a statement's shape: where a
//! leading `WITH` list ends, which command follows it, and whether a data-modifying
//! command has a `RETURNING` clause. Quoted text, comments and parenthesised groups are
//! stepped over, so a keyword inside a string, a comment or a sub-select never counts.
//!
//! It is not a parser: it reads the tokens at parenthesis depth 0 and nothing else, which is
//! all [`super::guard`] needs, and it never fails (an unterminated quote or comment simply
//! runs to the end of the text; the server will reject the statement with its own message).

/// A token at parenthesis depth 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A keyword or an unquoted identifier, upper-cased.
    Word(String),
    /// A whole parenthesised group, `(` to its matching `)`.
    Group,
    /// `,`
    Comma,
    /// Anything else: an operator, a literal, a quoted identifier, a parameter.
    Other,
}

/// The depth-0 tokens of `sql`, each with the byte offset where it starts.
pub(crate) fn top_level(sql: &str) -> Vec<(usize, Token)> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some(end) = comment_end(bytes, i) {
            i = end;
            continue;
        }
        if c == b'(' {
            i = group_end(bytes, i);
            out.push((start, Token::Group));
            continue;
        }
        if c == b',' {
            i += 1;
            out.push((start, Token::Comma));
            continue;
        }
        if let Some(end) = quoted_end(bytes, i) {
            i = end;
            out.push((start, Token::Other));
            continue;
        }
        if is_word_start(c) {
            while i < bytes.len() && is_word_part(bytes[i]) {
                i += 1;
            }
            out.push((start, Token::Word(sql[start..i].to_ascii_uppercase())));
            continue;
        }
        i += 1;
        out.push((start, Token::Other));
    }
    out
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_word_part(c: u8) -> bool {
    is_word_start(c) || c.is_ascii_digit() || c == b'$'
}

/// The end of a `-- …` or `/* … */` comment starting at `i` (block comments nest).
fn comment_end(bytes: &[u8], i: usize) -> Option<usize> {
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b'-'), Some(b'-')) => Some(
            bytes[i..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| i + p + 1),
        ),
        (Some(b'/'), Some(b'*')) => {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match (bytes[j], bytes.get(j + 1)) {
                    (b'/', Some(b'*')) => {
                        depth += 1;
                        j += 2;
                    }
                    (b'*', Some(b'/')) => {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            return Some(j);
                        }
                    }
                    _ => j += 1,
                }
            }
            Some(bytes.len())
        }
        _ => None,
    }
}

/// The end of a string constant, quoted identifier or dollar-quoted string at `i`.
fn quoted_end(bytes: &[u8], i: usize) -> Option<usize> {
    let c = bytes[i];
    // E'…' allows backslash escapes; the prefix letter must not end a longer word, which
    // the caller guarantees by trying quotes before words only at a token's start.
    if (c == b'E' || c == b'e') && bytes.get(i + 1) == Some(&b'\'') {
        return Some(simple_quoted_end(bytes, i + 1, true));
    }
    if c == b'\'' || c == b'"' {
        return Some(simple_quoted_end(bytes, i, false));
    }
    if c == b'$' {
        // `$1` is a parameter, `$$` or `$tag$` opens a dollar-quoted string.
        let tag_end = bytes[i + 1..]
            .iter()
            .position(|&b| !is_word_part(b) || b == b'$')
            .map(|p| i + 1 + p)?;
        if bytes.get(tag_end) != Some(&b'$') || bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let tag = &bytes[i..=tag_end];
        let body = tag_end + 1;
        return Some(
            bytes[body..]
                .windows(tag.len())
                .position(|w| w == tag)
                .map_or(bytes.len(), |p| body + p + tag.len()),
        );
    }
    None
}

/// The end of a `'…'` or `"…"` at `i`, where a doubled quote is one quote character.
fn simple_quoted_end(bytes: &[u8], i: usize, backslash: bool) -> usize {
    let quote = bytes[i];
    let mut j = i + 1;
    while j < bytes.len() {
        let b = bytes[j];
        if backslash && b == b'\\' {
            j += 2;
        } else if b == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
            } else {
                return j + 1;
            }
        } else {
            j += 1;
        }
    }
    bytes.len()
}

/// The end of the parenthesised group opening at `i`, skipping quotes and comments inside.
fn group_end(bytes: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < bytes.len() {
        if let Some(end) = comment_end(bytes, j) {
            j = end;
            continue;
        }
        // A quote may only start where a word does not continue (`E'…'` versus `name'`).
        let after_word = j > 0 && is_word_part(bytes[j - 1]);
        if !after_word && let Some(end) = quoted_end(bytes, j) {
            j = end;
            continue;
        }
        match bytes[j] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::Token::{Comma, Group, Other, Word};
    use super::*;

    fn words(sql: &str) -> Vec<Token> {
        top_level(sql).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn groups_hide_what_is_inside_them() {
        assert_eq!(
            words("select (select returning from t) as x"),
            vec![
                Word("SELECT".into()),
                Group,
                Word("AS".into()),
                Word("X".into())
            ]
        );
    }

    #[test]
    fn strings_comments_and_quoted_names_are_single_tokens() {
        assert_eq!(
            words(
                "select 'it''s (' -- returning )\n, \"a\"\"b(\" /* returning /* nested */ ) */ , x"
            ),
            vec![
                Word("SELECT".into()),
                Other,
                Comma,
                Other,
                Comma,
                Word("X".into())
            ]
        );
    }

    #[test]
    fn escaped_strings_and_dollar_quotes_are_stepped_over() {
        assert_eq!(
            words(r"select E'\' (', $f$ ) returning $f$, $$($$, $1"),
            vec![
                Word("SELECT".into()),
                Other,
                Comma,
                Other,
                Comma,
                Other,
                Comma,
                Other,
                Other
            ]
        );
    }

    #[test]
    fn a_parenthesis_inside_a_string_in_a_group_does_not_close_it() {
        assert_eq!(words("(select ')' ) x"), vec![Group, Word("X".into())]);
    }

    #[test]
    fn unterminated_text_runs_to_the_end_without_panicking() {
        for sql in [
            "select 'abc",
            "select (1",
            "select /* x",
            "select $a$ x",
            "select \"x",
        ] {
            let _ = top_level(sql);
        }
    }
}
