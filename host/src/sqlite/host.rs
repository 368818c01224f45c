//! The three versions of Spin's SQLite interface for guests. `spin:sqlite/sqlite@3.0.0` is
//! the implementation; `fermyon:spin/sqlite@2.0.0` and the unversioned v1 interface
//! convert their identical records to it and back, as Spin does.

use wasmtime::component::Resource;

use super::{MAX_CONNECTIONS_PER_INSTANCE, SqliteConnection};
use crate::bindings::{sqlite_v1 as v1, sqlite_v2 as v2, sqlite_v3 as v3};
use crate::runtime::InstanceState;

type Outcome<T, E = v3::Error> = wasmtime::Result<Result<T, E>>;

impl InstanceState {
    async fn sqlite_open(&mut self, label: String) -> Outcome<Resource<SqliteConnection>> {
        if !self.component.sqlite_databases.contains(&label) {
            return Ok(Err(v3::Error::AccessDenied));
        }
        let Some(db) = self.services.sqlite.get(&label).cloned() else {
            // Checked at start-up; reaching this means the label vanished.
            return Ok(Err(v3::Error::NoSuchDatabase));
        };
        if self.sqlite_connections >= MAX_CONNECTIONS_PER_INSTANCE {
            // The guest's fault: it keeps connections open without dropping them.
            return Ok(Err(v3::Error::Io(format!(
                "too many open connections (at most {MAX_CONNECTIONS_PER_INSTANCE} per request)"
            ))));
        }
        let conn = match SqliteConnection::open(db).await {
            Ok(conn) => conn,
            Err(e) => return Ok(Err(e)),
        };
        let resource = self.table.push(conn)?;
        self.sqlite_connections += 1;
        Ok(Ok(resource))
    }

    /// The connection behind `rep`; a handle that is not an open connection of this
    /// instance (possible only through the v1 `u32` handles) is the guest's fault.
    fn sqlite_conn(&self, rep: u32) -> Result<&SqliteConnection, v3::Error> {
        let handle = Resource::<SqliteConnection>::new_borrow(rep);
        self.table
            .get(&handle)
            .map_err(|_| v3::Error::InvalidConnection)
    }

    async fn sqlite_execute(
        &mut self,
        rep: u32,
        sql: String,
        params: Vec<v3::Value>,
    ) -> Result<v3::QueryResult, v3::Error> {
        let conn = self.sqlite_conn(rep)?;
        let result = conn.execute(sql, params).await;
        if let Err(v3::Error::Io(message)) = &result {
            tracing::debug!(database = %conn.label, error = %message, "sqlite statement failed");
        }
        result
    }

    fn sqlite_close(&mut self, rep: u32) -> wasmtime::Result<()> {
        // Look first: `delete` would remove a foreign entry before noticing its type.
        if self.sqlite_conn(rep).is_ok() {
            self.table
                .delete(Resource::<SqliteConnection>::new_own(rep))?;
            self.sqlite_connections = self.sqlite_connections.saturating_sub(1);
        }
        Ok(())
    }
}

fn host_fault(e: v3::Error) -> wasmtime::Error {
    wasmtime::Error::msg(format!("sqlite: {e:?}"))
}

impl v3::Host for InstanceState {}

impl v3::HostConnection for InstanceState {
    async fn open(&mut self, database: String) -> Outcome<Resource<SqliteConnection>> {
        self.sqlite_open(database).await
    }

    async fn execute(
        &mut self,
        conn: Resource<SqliteConnection>,
        statement: String,
        parameters: Vec<v3::Value>,
    ) -> Outcome<v3::QueryResult> {
        Ok(self.sqlite_execute(conn.rep(), statement, parameters).await)
    }

    async fn last_insert_rowid(
        &mut self,
        conn: Resource<SqliteConnection>,
    ) -> wasmtime::Result<i64> {
        // The WIT gives these two no error case; a failure here is the host's and traps.
        let conn = self.sqlite_conn(conn.rep()).map_err(host_fault)?;
        conn.last_insert_rowid().await.map_err(host_fault)
    }

    async fn changes(&mut self, conn: Resource<SqliteConnection>) -> wasmtime::Result<u64> {
        let conn = self.sqlite_conn(conn.rep()).map_err(host_fault)?;
        conn.changes().await.map_err(host_fault)
    }

    async fn drop(&mut self, conn: Resource<SqliteConnection>) -> wasmtime::Result<()> {
        self.sqlite_close(conn.rep())
    }
}

impl v2::Host for InstanceState {}

impl v2::HostConnection for InstanceState {
    async fn open(&mut self, database: String) -> Outcome<Resource<SqliteConnection>, v2::Error> {
        Ok(self.sqlite_open(database).await?.map_err(Into::into))
    }

    async fn execute(
        &mut self,
        conn: Resource<SqliteConnection>,
        statement: String,
        parameters: Vec<v2::Value>,
    ) -> Outcome<v2::QueryResult, v2::Error> {
        let params = parameters.into_iter().map(Into::into).collect();
        let result = self.sqlite_execute(conn.rep(), statement, params).await;
        Ok(result.map(Into::into).map_err(Into::into))
    }

    async fn drop(&mut self, conn: Resource<SqliteConnection>) -> wasmtime::Result<()> {
        self.sqlite_close(conn.rep())
    }
}

impl v1::Host for InstanceState {
    async fn open(&mut self, database: String) -> Outcome<u32, v1::Error> {
        Ok(self
            .sqlite_open(database)
            .await?
            .map(|conn| conn.rep())
            .map_err(Into::into))
    }

    async fn execute(
        &mut self,
        conn: u32,
        statement: String,
        parameters: Vec<v1::Value>,
    ) -> Outcome<v1::QueryResult, v1::Error> {
        let params = parameters.into_iter().map(Into::into).collect();
        let result = self.sqlite_execute(conn, statement, params).await;
        Ok(result.map(Into::into).map_err(Into::into))
    }

    async fn close(&mut self, conn: u32) -> wasmtime::Result<()> {
        self.sqlite_close(conn)
    }
}

/// The older interfaces' records have the same shape as v3's; these conversions are
/// what Spin's host does between them.
macro_rules! same_shape_as_v3 {
    ($m:ident) => {
        impl From<v3::Error> for $m::Error {
            fn from(e: v3::Error) -> Self {
                match e {
                    v3::Error::NoSuchDatabase => Self::NoSuchDatabase,
                    v3::Error::AccessDenied => Self::AccessDenied,
                    v3::Error::InvalidConnection => Self::InvalidConnection,
                    v3::Error::DatabaseFull => Self::DatabaseFull,
                    v3::Error::Io(message) => Self::Io(message),
                }
            }
        }

        impl From<$m::Value> for v3::Value {
            fn from(v: $m::Value) -> Self {
                match v {
                    $m::Value::Integer(i) => Self::Integer(i),
                    $m::Value::Real(r) => Self::Real(r),
                    $m::Value::Text(t) => Self::Text(t),
                    $m::Value::Blob(b) => Self::Blob(b),
                    $m::Value::Null => Self::Null,
                }
            }
        }

        impl From<v3::Value> for $m::Value {
            fn from(v: v3::Value) -> Self {
                match v {
                    v3::Value::Integer(i) => Self::Integer(i),
                    v3::Value::Real(r) => Self::Real(r),
                    v3::Value::Text(t) => Self::Text(t),
                    v3::Value::Blob(b) => Self::Blob(b),
                    v3::Value::Null => Self::Null,
                }
            }
        }

        impl From<v3::QueryResult> for $m::QueryResult {
            fn from(r: v3::QueryResult) -> Self {
                Self {
                    columns: r.columns,
                    rows: r
                        .rows
                        .into_iter()
                        .map(|row| $m::RowResult {
                            values: row.values.into_iter().map(Into::into).collect(),
                        })
                        .collect(),
                }
            }
        }
    };
}

same_shape_as_v3!(v1);
same_shape_as_v3!(v2);
