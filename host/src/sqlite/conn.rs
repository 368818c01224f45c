//! One guest connection: a `rusqlite` connection of its own, used only on tokio's
//! blocking pool, so a slow statement or a busy lock never stalls the async workers.
//!
//! Each `open` gets a new connection, as in Spin: two requests never share a transaction,
//! and SQLite's own file locking (with the busy timeout below) orders their writes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{ErrorCode, InterruptHandle};

use super::{Database, Location};
use crate::bindings::sqlite_v3::{Error, QueryResult, RowResult, Value};

/// How long a statement waits for another connection's write lock before it fails with
/// "database is locked". Spin sets no busy timeout (a concurrent writer fails at once);
/// 5 s rides out a burst of writers on two cores and stays well under the default
/// 30 s request deadline, after which the statement is interrupted anyway.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Cap on the bytes of one query result (text, blobs and 8 per number). Spin caps it at
/// 128 MiB (`MAX_HOST_BUFFERED_BYTES`); the result is copied into the guest, whose memory
/// redshop caps at 256 MiB by default and which needs about twice the raw size to decode
/// it, so 32 MiB fails with an `io` error long before the guest would run out of memory.
pub const MAX_RESULT_BYTES: usize = 32 << 20;

/// The value behind a guest's `connection` resource (and a v1 `u32` handle).
pub struct SqliteConnection {
    pub(crate) label: Arc<str>,
    conn: Arc<Mutex<rusqlite::Connection>>,
    interrupt: InterruptHandle,
}

/// A `rusqlite` failure as the guest sees it: SQLite's own message (bad SQL, a broken
/// constraint, a locked or unwritable file), except a full disk, which has its variant.
fn guest_error(e: &rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => Error::DatabaseFull,
        _ => Error::Io(e.to_string()),
    }
}

/// Runs `f` with the connection on the blocking pool. If the caller stops waiting (the
/// request hit its deadline and its instance is being dropped), the running statement
/// is interrupted so the blocking thread is freed too.
async fn blocking<T: Send + 'static>(
    conn: &Arc<Mutex<rusqlite::Connection>>,
    interrupt: &InterruptHandle,
    f: impl FnOnce(&mut rusqlite::Connection) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    struct InterruptOnDrop<'a>(Option<&'a InterruptHandle>);
    impl Drop for InterruptOnDrop<'_> {
        fn drop(&mut self) {
            if let Some(handle) = self.0 {
                handle.interrupt();
            }
        }
    }
    let conn = conn.clone();
    let mut guard = InterruptOnDrop(Some(interrupt));
    let result = tokio::task::spawn_blocking(move || {
        // A poisoned lock means an earlier call panicked mid-statement: the host's fault;
        // the guest gets an error for this connection, never a trap.
        let mut conn = conn
            .lock()
            .map_err(|_| Error::Io("connection is unusable after an internal error".into()))?;
        f(&mut conn)
    })
    .await;
    guard.0 = None;
    // A panic in the worker is the host's fault; reported to the guest as an I/O error.
    result.unwrap_or_else(|e| {
        tracing::error!(error = %e, "sqlite worker failed");
        Err(Error::Io("internal error in the SQLite worker".into()))
    })
}

impl SqliteConnection {
    /// Opens (creating it if needed) the database `db` describes.
    pub(crate) async fn open(db: Arc<Database>) -> Result<Self, Error> {
        let label: Arc<str> = db.label.as_str().into();
        let conn = tokio::task::spawn_blocking(move || connect(&db))
            .await
            .unwrap_or_else(|e| {
                // A panic while opening: the host's fault.
                tracing::error!(error = %e, "sqlite open worker failed");
                Err(Error::Io("internal error opening the database".into()))
            })?;
        let interrupt = conn.get_interrupt_handle();
        Ok(Self {
            label,
            conn: Arc::new(Mutex::new(conn)),
            interrupt,
        })
    }

    /// Runs one statement with `params` bound to its `?` placeholders.
    pub(crate) async fn execute(
        &self,
        sql: String,
        params: Vec<Value>,
    ) -> Result<QueryResult, Error> {
        blocking(&self.conn, &self.interrupt, move |conn| {
            query(conn, &sql, params).map_err(|e| match e {
                QueryError::Sqlite(e) => guest_error(&e),
                QueryError::Guest(e) => e,
            })
        })
        .await
    }

    /// `sqlite3_changes64` of the last statement.
    pub(crate) async fn changes(&self) -> Result<u64, Error> {
        blocking(&self.conn, &self.interrupt, |conn| Ok(conn.changes())).await
    }

    /// `sqlite3_last_insert_rowid`.
    pub(crate) async fn last_insert_rowid(&self) -> Result<i64, Error> {
        blocking(&self.conn, &self.interrupt, |conn| {
            Ok(conn.last_insert_rowid())
        })
        .await
    }
}

/// Opens a connection and applies the settings every connection gets.
fn connect(db: &Database) -> Result<rusqlite::Connection, Error> {
    // Open failures (a missing directory that cannot be made, a path that is a
    // directory, no permission) are the configuration's or the disk's fault: reported to
    // the guest as `io`, with the cause in the log since it names host paths.
    let conn = match &db.location {
        Location::Memory => rusqlite::Connection::open_in_memory(),
        Location::File(path) => {
            if let Some(dir) = path.parent()
                && let Err(e) = std::fs::create_dir_all(dir)
            {
                tracing::warn!(database = %db.label, dir = %dir.display(), error = %e, "cannot create the SQLite database directory");
                return Err(Error::Io(format!(
                    "database `{}` cannot be opened",
                    db.label
                )));
            }
            rusqlite::Connection::open(path)
        }
    }
    .and_then(|conn| {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if matches!(db.location, Location::File(_)) {
            // WAL: readers never wait for the writer, and a commit is one append. Persistent
            // in the file; Spin opens such a file unchanged.
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        Ok(conn)
    })
    .map_err(|e| {
        tracing::warn!(database = %db.label, error = %e, "cannot open the SQLite database");
        Error::Io(format!("database `{}` cannot be opened", db.label))
    })?;
    if !db.allow_attach_file {
        // As in Spin: a guest may not reach other files through ATTACH; a temporary or
        // in-memory database is fine.
        conn.authorizer(Some(|ctx: AuthContext<'_>| match ctx.action {
            AuthAction::Attach { filename } if !matches!(filename, "" | ":memory:") => {
                Authorization::Deny
            }
            _ => Authorization::Allow,
        }))
        .map_err(|e| guest_error(&e))?;
    }
    Ok(conn)
}

enum QueryError {
    Sqlite(rusqlite::Error),
    Guest(Error),
}

impl From<rusqlite::Error> for QueryError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

fn query(
    conn: &mut rusqlite::Connection,
    sql: &str,
    params: Vec<Value>,
) -> Result<QueryResult, QueryError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let width = columns.len();
    let mut bytes: usize = columns.iter().map(String::len).sum();
    let mut rows = stmt.query(rusqlite::params_from_iter(params.into_iter().map(to_sql)))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            let value = from_sql(i, row.get_ref(i)?)?;
            bytes += value_size(&value);
            values.push(value);
        }
        if bytes > MAX_RESULT_BYTES {
            return Err(QueryError::Guest(Error::Io(format!(
                "query result exceeds the limit of {MAX_RESULT_BYTES} bytes"
            ))));
        }
        out.push(RowResult { values });
    }
    Ok(QueryResult { columns, rows: out })
}

fn to_sql(value: Value) -> SqlValue {
    match value {
        Value::Integer(i) => SqlValue::Integer(i),
        Value::Real(r) => SqlValue::Real(r),
        Value::Text(t) => SqlValue::Text(t),
        Value::Blob(b) => SqlValue::Blob(b),
        Value::Null => SqlValue::Null,
    }
}

fn from_sql(column: usize, value: ValueRef<'_>) -> Result<Value, QueryError> {
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(t) => Value::Text(t.to_owned()),
            // SQLite stores whatever bytes it is given as TEXT (`CAST(x'ff' AS TEXT)`);
            // the WIT `string` must be UTF-8. The data's fault: an error, not a lossy copy.
            Err(_) => {
                return Err(QueryError::Guest(Error::Io(format!(
                    "column {column} holds TEXT that is not valid UTF-8 (select it as a BLOB)"
                ))));
            }
        },
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    })
}

fn value_size(value: &Value) -> usize {
    match value {
        Value::Text(t) => t.len(),
        Value::Blob(b) => b.len(),
        Value::Integer(_) | Value::Real(_) | Value::Null => 8,
    }
}
