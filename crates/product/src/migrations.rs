//! Versioned schema migrations, embedded so the component (or a CLI) can apply them.
//!
//! Runner contract:
//! 1. Execute [`SCHEMA_MIGRATIONS_DDL`] (idempotent).
//! 2. Read applied versions: [`APPLIED_VERSIONS_SQL`].
//! 3. For each `(version, sql)` in [`MIGRATIONS`] order that is not applied: `BEGIN`; execute
//!    each statement from [`statements`]`(sql)` (Spin's `execute` uses the extended protocol,
//!    which accepts one statement at a time); execute [`RECORD_VERSION_SQL`] with the version as
//!    `$1` (text); `COMMIT`. On any error `ROLLBACK` and stop — later versions depend on earlier ones.
//!
//! Two runners racing are serialised by the primary key of `schema_migrations`: the loser's
//! insert fails and its transaction rolls back. Never edit a released migration; add a new one.

/// Migrations in the order they must be applied. Versions sort lexically in the same order.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_catalog",
        include_str!("../migrations/0001_catalog.sql"),
    ),
    ("0002_stock", include_str!("../migrations/0002_stock.sql")),
    (
        "0003_catalog_scale",
        include_str!("../migrations/0003_catalog_scale.sql"),
    ),
];

/// Bookkeeping table the runner creates before anything else.
pub const SCHEMA_MIGRATIONS_DDL: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

/// Lists applied versions (one text column).
pub const APPLIED_VERSIONS_SQL: &str = "SELECT version FROM schema_migrations ORDER BY version";

/// Records a version inside the migration's transaction; `$1` is the version text.
pub const RECORD_VERSION_SQL: &str = "INSERT INTO schema_migrations (version) VALUES ($1::text)";

/// Migrations not yet applied, in order.
pub fn pending(applied: &[String]) -> Vec<(&'static str, &'static str)> {
    MIGRATIONS
        .iter()
        .filter(|(v, _)| !applied.iter().any(|a| a == v))
        .copied()
        .collect()
}

/// Splits a migration file into single statements: on `;` outside quotes and comments.
/// Handles `'…'` (with `''` escapes), `"…"` identifiers, `--` line comments and `/* */` block
/// comments; migrations must not use dollar quoting (a test enforces this).
pub fn statements(sql: &str) -> Vec<String> {
    #[derive(PartialEq)]
    enum Mode {
        Code,
        Single,
        Double,
        Line,
        Block,
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut mode = Mode::Code;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match mode {
            Mode::Code => match c {
                ';' => {
                    push_statement(&mut out, &cur);
                    cur.clear();
                    continue;
                }
                '\'' => mode = Mode::Single,
                '"' => mode = Mode::Double,
                '-' if chars.peek() == Some(&'-') => mode = Mode::Line,
                '/' if chars.peek() == Some(&'*') => mode = Mode::Block,
                _ => {}
            },
            Mode::Single if c == '\'' => mode = Mode::Code, // `''` re-enters Single on the next char
            Mode::Double if c == '"' => mode = Mode::Code,
            Mode::Line if c == '\n' => mode = Mode::Code,
            Mode::Block if c == '*' && chars.peek() == Some(&'/') => {
                cur.push(c);
                if let Some(slash) = chars.next() {
                    cur.push(slash);
                }
                mode = Mode::Code;
                continue;
            }
            _ => {}
        }
        if mode == Mode::Line {
            // Drop comments entirely; they carry no meaning for the server.
            continue;
        }
        cur.push(c);
    }
    push_statement(&mut out, &cur);
    out
}

fn push_statement(out: &mut Vec<String>, raw: &str) {
    let s = raw.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitter_ignores_semicolons_in_strings_and_comments() {
        let got = statements(
            "-- a; comment\nSELECT 'x;y'; /* b; */ SELECT \"we;ird\";\n\nSELECT 'it''s;'",
        );
        assert_eq!(
            got,
            vec![
                "SELECT 'x;y'",
                "/* b; */ SELECT \"we;ird\"",
                "SELECT 'it''s;'"
            ]
        );
    }

    #[test]
    fn catalog_migration_splits_into_its_create_statements() {
        let stmts = statements(MIGRATIONS[0].1);
        assert_eq!(
            stmts
                .iter()
                .filter(|s| s.starts_with("CREATE TABLE"))
                .count(),
            2
        );
        assert_eq!(
            stmts
                .iter()
                .filter(|s| s.starts_with("CREATE INDEX"))
                .count(),
            9
        );
        assert!(
            stmts.iter().all(|s| !s.contains("--")),
            "comments must be stripped"
        );
    }

    #[test]
    fn scale_migration_splits_with_its_single_quoted_do_block_in_one_piece() {
        let stmts = statements(MIGRATIONS[2].1);
        let doing: Vec<&String> = stmts.iter().filter(|s| s.starts_with("DO ")).collect();
        assert_eq!(doing.len(), 1, "{stmts:#?}");
        assert!(doing[0].ends_with("END'"), "{}", doing[0]);
        assert!(doing[0].contains("SET jit = off"));
        assert_eq!(
            stmts
                .iter()
                .filter(|s| s.starts_with("CREATE INDEX"))
                .count(),
            6
        );
    }

    #[test]
    fn stock_migration_declares_the_invariant_constraints() {
        let sql = MIGRATIONS[1].1;
        for needle in [
            "stock_reserved_le_on_hand",
            "stock_reserved_nonneg",
            "reservations_state_known",
        ] {
            assert!(sql.contains(needle), "{needle}");
        }
    }

    #[test]
    fn schema_constraints_match_the_rust_allow_lists() {
        let catalog = MIGRATIONS[0].1;
        for (code, _) in crate::domain::CURRENCIES {
            assert!(
                catalog.contains(&format!("'{code}'")),
                "currency {code} missing from CHECK"
            );
        }
        assert!(catalog.contains(&crate::domain::MAX_PRICE_MINOR.to_string()));
        let stock = MIGRATIONS[1].1;
        for reason in crate::domain::StockReason::ALL {
            assert!(
                stock.contains(&format!("'{}'", reason.as_str())),
                "reason {reason:?} missing"
            );
        }
        assert!(stock.contains(&crate::domain::MAX_ON_HAND.to_string()));
    }

    #[test]
    fn pending_skips_applied_versions() {
        let applied = vec!["0001_catalog".to_string()];
        let got: Vec<&str> = pending(&applied).iter().map(|(v, _)| *v).collect();
        assert_eq!(got, vec!["0002_stock", "0003_catalog_scale"]);
    }
}
