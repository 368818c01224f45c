//! The remedy for spinframework/spin#3671: a statement sent to `query` always yields at
//! least one row, and the row that only exists to be there is removed again.
//!
//! **The bug.** Spin 4.0.0–4.0.2's `spin:postgres` host (`factor-outbound-pg`, `client.rs`)
//! answers the synchronous `query` by streaming the rows and then awaiting the column list,
//! which it only learns from the first row. A result without rows never produces it, so the
//! call never returns: the guest waits until its caller gives up, the server session sits
//! idle. Fixed on Spin's main branch by pull request #3673 (the columns come from the
//! prepared statement), after the 4.0.2 release.
//!
//! **The remedy.** A row-returning statement `S` is sent as
//!
//! ```sql
//! WITH redshop_edge_rows AS MATERIALIZED (S)
//! SELECT r.* FROM (VALUES (0)) AS one (z)
//! LEFT JOIN (SELECT row_number() OVER () AS n, * FROM redshop_edge_rows) AS r ON true
//! ORDER BY r.n
//! ```
//!
//! (with longer names). The left join against one constant row gives exactly one row of
//! nulls when `S` has none; the leading row number is null only in that row, numbers the real
//! rows in the order `S` produced them (kept by the `ORDER BY`), and is dropped by
//! [`unwrap_rows`] with the filler row. `S` keeps its meaning: `SELECT … FOR UPDATE` still
//! locks (a materialized CTE is evaluated once, in full), `INSERT/UPDATE/DELETE … RETURNING`
//! still writes exactly once (data-modifying CTEs always run to completion), and a statement
//! with a `WITH` list of its own gets the wrapper appended to that list, because PostgreSQL
//! refuses a data-modifying `WITH` below the top level.
//!
//! A data-modifying statement without `RETURNING` (and any other command) has no rows to
//! wait for and goes to `execute`, which Spin answers from the command tag. `EXPLAIN` and
//! `SHOW` always answer with a row and cannot be wrapped, so they go to `query` unchanged.
//!
//! **Removing it.** Once a Spin release with #3673 is what users run (the guest-program test
//! `spin_zero_row_query` in `host/tests/` reports whether the given `spin` still hangs),
//! make [`super::Connection::query`] call the inner connection's `query` directly and delete
//! this file and `scan.rs`.

use super::scan::{Token, top_level};

/// The name of the wrapper's CTE; long and prefixed so no statement of ours uses it.
const ROWS: &str = "redshop_edge_rows";

/// How a statement given to `query` is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Through `query`, rewritten so at least one row comes back; the rows go through
    /// [`unwrap_rows`] afterwards.
    Guarded(String),
    /// Through `query` as it is: the command always answers with at least one row
    /// (`EXPLAIN` its plan, `SHOW` its setting), and cannot stand in a `WITH`.
    AlwaysRows,
    /// Through `execute`: the statement returns no rows at all.
    NoRows,
}

/// Decides how `sql` is sent.
pub fn plan(sql: &str) -> Plan {
    let sql = trim_terminator(sql);
    let tokens = top_level(sql);
    let main = main_command(&tokens);
    let Some((main_at, first)) = tokens.get(main) else {
        return Plan::NoRows;
    };
    let returns_rows = match first {
        // A parenthesised query: `(SELECT …) UNION ALL (SELECT …)`.
        Token::Group => true,
        Token::Word(w) if main == 0 && matches!(w.as_str(), "EXPLAIN" | "SHOW") => {
            return Plan::AlwaysRows;
        }
        Token::Word(w) => match w.as_str() {
            "SELECT" | "VALUES" | "TABLE" => true,
            "INSERT" | "UPDATE" | "DELETE" | "MERGE" => tokens[main..]
                .iter()
                .any(|(_, t)| matches!(t, Token::Word(w) if w == "RETURNING")),
            _ => false,
        },
        Token::Comma | Token::Other => false,
    };
    if returns_rows {
        // A main command after position 0 means the statement has a `WITH` list.
        Plan::Guarded(wrap(sql, *main_at, main > 0))
    } else {
        Plan::NoRows
    }
}

fn command_word(tokens: &[(usize, Token)], at: usize) -> Option<&str> {
    match tokens.get(at) {
        Some((_, Token::Word(w))) => Some(w.as_str()),
        _ => None,
    }
}

/// Drops trailing whitespace and `;` (the wrapper closes a parenthesis after the text).
fn trim_terminator(sql: &str) -> &str {
    sql.trim_end_matches(|c: char| c.is_whitespace() || c == ';')
}

/// The index of the token where the main command starts: 0, or the first token after a
/// leading `WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (…) [SEARCH …|CYCLE …], …`.
fn main_command(tokens: &[(usize, Token)]) -> usize {
    if command_word(tokens, 0) != Some("WITH") {
        return 0;
    }
    let mut i = 1;
    while i < tokens.len() {
        // The body is the group right after AS / MATERIALIZED; a column list follows the name.
        let body = matches!(tokens[i].1, Token::Group)
            && matches!(command_word(tokens, i - 1), Some("AS" | "MATERIALIZED"));
        i += 1;
        if !body {
            continue;
        }
        // After a body: `,` and the next query, or the main command (possibly after a
        // SEARCH or CYCLE clause, which hold no command keyword).
        while i < tokens.len() {
            match &tokens[i].1 {
                Token::Comma => break,
                Token::Group => return i,
                Token::Word(w)
                    if matches!(
                        w.as_str(),
                        "SELECT" | "VALUES" | "TABLE" | "INSERT" | "UPDATE" | "DELETE" | "MERGE"
                    ) =>
                {
                    return i;
                }
                _ => i += 1,
            }
        }
        i += 1;
    }
    tokens.len()
}

/// The guarded text: `sql`'s own `WITH` list (if `has_with`) up to `main_at`, then the
/// wrapper's CTE around the main command, then the select that guarantees a row.
fn wrap(sql: &str, main_at: usize, has_with: bool) -> String {
    let (head, main) = sql.split_at(main_at);
    // Newlines keep a trailing `--` comment from swallowing what follows it.
    let open = if has_with {
        format!("{head}\n, {ROWS} AS MATERIALIZED (\n")
    } else {
        format!("WITH {ROWS} AS MATERIALIZED (\n")
    };
    format!(
        "{open}{main}\n)\nSELECT redshop_edge_r.* FROM (VALUES (0)) AS redshop_edge_one (z) \
         LEFT JOIN (SELECT row_number() OVER () AS redshop_edge_n, * FROM {ROWS}) AS redshop_edge_r \
         ON true ORDER BY redshop_edge_r.redshop_edge_n"
    )
}

/// Undoes the wrapper on a guarded result: removes the row-number column and, when the
/// statement had no rows, the one filler row (its row number is null).
pub fn unwrap_rows<C, V>(
    columns: &mut Vec<C>,
    rows: &mut Vec<Vec<V>>,
    is_null: impl Fn(&V) -> bool,
) {
    if columns.is_empty() {
        return;
    }
    columns.remove(0);
    if rows.len() == 1 && rows[0].first().is_some_and(&is_null) {
        rows.clear();
    }
    for row in rows.iter_mut() {
        if !row.is_empty() {
            row.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded(sql: &str) -> String {
        match plan(sql) {
            Plan::Guarded(s) => s,
            other => panic!("{sql:?} was planned as {other:?}"),
        }
    }

    #[test]
    fn a_plain_select_is_wrapped_whole() {
        let s = guarded("SELECT id FROM t WHERE id = $1::uuid;  ");
        assert!(
            s.starts_with(
                "WITH redshop_edge_rows AS MATERIALIZED (\nSELECT id FROM t WHERE id = $1::uuid\n)"
            ),
            "{s}"
        );
        assert!(s.ends_with("ORDER BY redshop_edge_r.redshop_edge_n"), "{s}");
    }

    #[test]
    fn select_for_update_and_values_are_wrapped() {
        assert!(
            guarded("select * from t for update skip locked").contains("for update skip locked\n)")
        );
        assert!(guarded("VALUES (1)").contains("(\nVALUES (1)\n)"));
        assert!(
            guarded("(SELECT 1) UNION ALL (SELECT 2)")
                .contains("(\n(SELECT 1) UNION ALL (SELECT 2)\n)")
        );
    }

    #[test]
    fn writes_with_returning_are_wrapped_and_writes_without_go_to_execute() {
        assert!(
            guarded("INSERT INTO t (a) VALUES ($1::text) RETURNING id").contains("RETURNING id\n)")
        );
        assert!(guarded("update t set a = 1 returning *").contains("returning *\n)"));
        assert!(
            guarded("DELETE FROM t WHERE id = $1::uuid RETURNING 1").contains("RETURNING 1\n)")
        );
        assert_eq!(plan("UPDATE t SET a = 1 WHERE id = $1::uuid"), Plan::NoRows);
        assert_eq!(plan("INSERT INTO t (a) VALUES (1)"), Plan::NoRows);
        assert_eq!(plan("DELETE FROM t"), Plan::NoRows);
    }

    #[test]
    fn returning_inside_a_subquery_or_string_does_not_count() {
        assert_eq!(
            plan("UPDATE t SET a = (SELECT 'returning') WHERE b IN (SELECT c FROM d)"),
            Plan::NoRows
        );
        assert_eq!(plan("DELETE FROM t -- returning x"), Plan::NoRows);
    }

    #[test]
    fn a_leading_with_list_is_extended_not_nested() {
        let s = guarded(
            "WITH gone AS (DELETE FROM n WHERE u = $1::uuid RETURNING 1), b (x) AS MATERIALIZED (SELECT 2) \
             SELECT count(*) FROM gone",
        );
        assert!(
            s.starts_with(
                "WITH gone AS (DELETE FROM n WHERE u = $1::uuid RETURNING 1), b (x) AS MATERIALIZED (SELECT 2) \n, \
                 redshop_edge_rows AS MATERIALIZED (\nSELECT count(*) FROM gone\n)"
            ),
            "{s}"
        );
    }

    #[test]
    fn a_with_list_before_a_write_keeps_its_returning_rule() {
        assert!(
            guarded("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x RETURNING id")
                .contains("(\nINSERT INTO t SELECT * FROM x RETURNING id\n)")
        );
        assert_eq!(
            plan("WITH x AS (SELECT 1 AS returning) UPDATE t SET a = 1"),
            Plan::NoRows
        );
    }

    #[test]
    fn recursive_with_search_clause_and_comments_are_understood() {
        let s = guarded(
            "with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) \
             search depth first by n set o -- a comment\nselect n from r",
        );
        assert!(
            s.contains("-- a comment\n\n, redshop_edge_rows AS MATERIALIZED (\nselect n from r\n)"),
            "{s}"
        );
    }

    #[test]
    fn a_trailing_comment_cannot_swallow_the_wrapper() {
        let s = guarded("SELECT 1 -- the end");
        assert!(s.contains("SELECT 1 -- the end\n)\nSELECT"), "{s}");
    }

    #[test]
    fn explain_and_show_go_as_they_are() {
        assert_eq!(
            plan("EXPLAIN SELECT 1 FROM t WHERE a = $1"),
            Plan::AlwaysRows
        );
        assert_eq!(plan("explain (format json) select 1"), Plan::AlwaysRows);
        assert_eq!(plan("SHOW statement_timeout"), Plan::AlwaysRows);
    }

    #[test]
    fn other_commands_go_to_execute() {
        for sql in [
            "BEGIN",
            "SET LOCAL lock_timeout = '1s'",
            "LOCK TABLE t",
            "",
            "  ;",
        ] {
            assert_eq!(plan(sql), Plan::NoRows, "{sql:?}");
        }
    }

    #[test]
    fn the_filler_row_and_the_row_number_are_removed() {
        let mut columns = vec!["redshop_edge_n", "id"];
        let mut rows: Vec<Vec<Option<i64>>> = vec![vec![None, None]];
        unwrap_rows(&mut columns, &mut rows, Option::is_none);
        assert_eq!(columns, vec!["id"]);
        assert!(rows.is_empty());

        let mut columns = vec!["redshop_edge_n", "id", "v"];
        let mut rows = vec![
            vec![Some(1), Some(7), None],
            vec![Some(2), Some(8), Some(0)],
        ];
        unwrap_rows(&mut columns, &mut rows, Option::is_none);
        assert_eq!(columns, vec!["id", "v"]);
        assert_eq!(rows, vec![vec![Some(7), None], vec![Some(8), Some(0)]]);
    }

    #[test]
    fn a_real_row_of_nulls_is_kept() {
        // One real row whose values are all null still has its row number.
        let mut columns = vec!["redshop_edge_n", "v"];
        let mut rows = vec![vec![Some(1), None]];
        unwrap_rows(&mut columns, &mut rows, Option::is_none);
        assert_eq!(rows, vec![vec![None]]);
    }
}
