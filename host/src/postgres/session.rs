//! A clean session for every lease, at the price of no extra round trip.
//!
//! Pooled connections are shared by every component that uses an address, so whatever
//! one guest set on its session (a role, `search_path`, temporary tables, advisory locks,
//! `LISTEN`, SQL-level `PREPARE`d names, cursors) must not reach the next lease.
//! `DISCARD ALL` resets all of it in one statement that costs the server about what
//! `SELECT 1` does; the list of separate reset statements it replaces (which kept the
//! host's own prepared statements alive) cost ten times that, measured on this machine,
//! on every request. It also drops the host's prepared statements, so the host's cache
//! for the connection is emptied with it and the lease prepares its first statement again.
//!
//! The reset is not a query of its own before the lease: it is sent together with the
//! lease's first statement (tokio-postgres writes requests issued together in one go and
//! the server runs them in order), so reset and prepare share one round trip. A lease that
//! runs no statement costs nothing.
//!
//! `DISCARD ALL` refuses to run inside a transaction block. The host rolls back the
//! transactions it sees a guest leave open when the connection is released; one it could
//! not see (`/* c */ BEGIN`) makes the reset fail, and is then rolled back before the reset
//! is repeated.

use deadpool_postgres::Object;
use tokio_postgres::{Error, Statement};

/// Reset the session the lease inherited, name it after the component that holds it, and
/// prepare its first statement.
///
/// `application_name` (which `DISCARD ALL` resets to the connection's `redshop`) becomes
/// `redshop:<component>`, so `pg_stat_activity` shows which component holds which
/// connection. Component ids are kebab-case (`[a-z0-9-]`, checked when the manifest is
/// parsed), so the name is a safe literal; it goes out in the same round trip.
pub(super) async fn reset_and_prepare(
    client: &Object,
    component: &str,
    statement: &str,
) -> Result<Statement, Error> {
    let name = format!("SET application_name = 'redshop:{component}'");
    // The server forgets every prepared statement; so does the cache.
    client.statement_cache.clear();
    let (reset, named, prepared) = tokio::join!(
        client.batch_execute("DISCARD ALL"),
        client.batch_execute(&name),
        client.prepare_cached(statement)
    );
    if reset.is_ok() && named.is_ok() {
        return prepared;
    }
    // A transaction the previous lease left open, possibly failed: the statement above was
    // prepared inside it, or refused. End it, reset, and prepare again.
    client.batch_execute("ROLLBACK").await?;
    client.batch_execute("DISCARD ALL").await?;
    client.batch_execute(&name).await?;
    client.statement_cache.clear();
    client.prepare_cached(statement).await
}
