//! Test helpers: structural checks every statement must pass.

use std::collections::BTreeSet;

use super::{SqlValue, Stmt};

/// Placeholder numbers used in `sql` (`$1`, `$12`, …).
pub(crate) fn placeholders(sql: &str) -> BTreeSet<usize> {
    let bytes = sql.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if let Ok(n) = sql[start..end].parse() {
                out.insert(n);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Every parameter is referenced and every placeholder has a parameter: `$1..=$n`, no gaps.
pub(crate) fn assert_well_formed(stmt: &Stmt) {
    let used = placeholders(&stmt.sql);
    let expected: BTreeSet<usize> = (1..=stmt.params.len()).collect();
    assert_eq!(
        used, expected,
        "placeholders vs params in:\n{}\n{:?}",
        stmt.sql, stmt.params
    );
    assert!(
        !stmt.sql.contains(';'),
        "statement must be a single command:\n{}",
        stmt.sql
    );
}

/// User-supplied text must travel as a parameter, never inside the SQL.
pub(crate) fn assert_user_text_is_parameterized(stmt: &Stmt, needles: &[&str]) {
    let sql = stmt.sql.to_lowercase();
    for needle in needles {
        assert!(
            !sql.contains(&needle.to_lowercase()),
            "`{needle}` leaked into SQL:\n{}",
            stmt.sql
        );
        let in_params = stmt.params.iter().any(|p| match p {
            SqlValue::Text(s) | SqlValue::Uuid(s) | SqlValue::Jsonb(s) => s.contains(needle),
            _ => false,
        });
        assert!(
            in_params,
            "`{needle}` is not among the parameters: {:?}",
            stmt.params
        );
    }
}

/// Position (1-based) of the first parameter equal to `value`.
pub(crate) fn param_index(stmt: &Stmt, value: &SqlValue) -> usize {
    stmt.params
        .iter()
        .position(|p| p == value)
        .map_or(0, |i| i + 1)
}
