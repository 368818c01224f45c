//! `spin:postgres/postgres@4.0.0` for guests.

use postgres_types::ToSql;
use wasmtime::component::Resource;

use super::{OpenError, PgConnection, address_hosts, params, values};
use crate::bindings::postgres::{
    Column, DbError, Error, Host, HostConnection, ParameterValue, QueryError, RowSet,
};
use crate::runtime::InstanceState;

type Outcome<T> = wasmtime::Result<Result<T, Error>>;

/// A failure reported by the server or the driver: the query's fault, told to the guest.
fn query_failed(e: &tokio_postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) => {
            let mut extras = Vec::new();
            let mut add = |k: &str, v: Option<&str>| {
                if let Some(v) = v {
                    extras.push((k.to_owned(), v.to_owned()));
                }
            };
            add("column", db.column());
            add("constraint", db.constraint());
            add("table", db.table());
            add("schema", db.schema());
            add("datatype", db.datatype());
            add("hint", db.hint());
            Error::QueryFailed(QueryError::DbError(DbError {
                as_text: db.to_string(),
                severity: db.severity().to_owned(),
                code: db.code().code().to_owned(),
                message: db.message().to_owned(),
                detail: db.detail().map(str::to_owned),
                extras,
            }))
        }
        None => Error::QueryFailed(QueryError::Text(e.to_string())),
    }
}

/// Which call a parameter error belongs to: Spin names it differently in each.
#[derive(Clone, Copy)]
enum Call {
    Query,
    Execute,
}

impl InstanceState {
    /// Prepare (cached per connection) and convert the parameters for the statement.
    async fn prepare(
        &mut self,
        conn: &Resource<PgConnection>,
        statement: &str,
        params: Vec<ParameterValue>,
        call: Call,
    ) -> wasmtime::Result<Result<(tokio_postgres::Statement, Vec<params::Param>), Error>> {
        let timeout = self.services.pg.statement_timeout();
        let connection = self.table.get_mut(conn)?;
        connection.observe(statement);
        let reset = connection.needs_reset;
        let component = &self.component.id;
        let Some(client) = connection.client() else {
            return Ok(Err(Error::ConnectionFailed("connection is closed".into())));
        };
        let preparing = async {
            if reset {
                super::session::reset_and_prepare(client, component, statement).await
            } else {
                client.prepare_cached(statement).await
            }
        };
        let outcome = tokio::time::timeout(timeout, preparing).await;
        let prepared = match outcome {
            Ok(Ok(stmt)) => {
                // The session is clean from here on; after a failure, the next statement
                // resets again.
                self.table.get_mut(conn)?.needs_reset = false;
                stmt
            }
            Ok(Err(e)) => return Ok(Err(query_failed(&e))),
            Err(_) => {
                return Ok(Err(Error::QueryFailed(QueryError::Text(
                    "statement timed out".into(),
                ))));
            }
        };
        match params::convert(prepared.params(), params) {
            Ok(converted) => Ok(Ok((prepared, converted))),
            Err(reason) => Ok(Err(match call {
                Call::Query => Error::BadParameter(reason),
                Call::Execute => Error::ValueConversionFailed(reason),
            })),
        }
    }
}

fn refs(params: &[params::Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

impl Host for InstanceState {}

impl HostConnection for InstanceState {
    async fn open(&mut self, address: String) -> Outcome<Resource<PgConnection>> {
        // Permission first: nothing connects to an address the component may not use.
        let hosts = match address_hosts(&address) {
            Ok(hosts) => hosts,
            Err(reason) => return Ok(Err(Error::ConnectionFailed(reason))),
        };
        for (host, port) in &hosts {
            if !self.component.outbound.allows("postgres", host, *port) {
                tracing::warn!(component = %self.component.id, %host, "postgres address denied: not in allowed_outbound_hosts");
                let shown = port.map_or_else(|| host.clone(), |p| format!("{host}:{p}"));
                return Ok(Err(Error::ConnectionFailed(format!(
                    "address postgres://{shown} is not permitted"
                ))));
            }
        }
        match self.services.pg.open(&self.component.id, &address).await {
            Ok(connection) => Ok(Ok(self.table.push(connection)?)),
            // A malformed address, a server that is down or whose certificate does not
            // verify: the guest's (or its operator's) to handle, as `connection-failed`.
            Err(e @ (OpenError::Address(_) | OpenError::Unavailable(_))) => {
                tracing::warn!(component = %self.component.id, error = %e, "postgres connection failed");
                Ok(Err(Error::ConnectionFailed(e.to_string())))
            }
        }
    }

    async fn query(
        &mut self,
        conn: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Outcome<RowSet> {
        let (prepared, converted) =
            match self.prepare(&conn, &statement, params, Call::Query).await? {
                Ok(ready) => ready,
                Err(e) => return Ok(Err(e)),
            };
        let timeout = self.services.pg.statement_timeout();
        let Some(client) = self.table.get(&conn)?.client() else {
            return Ok(Err(Error::ConnectionFailed("connection is closed".into())));
        };
        let rows =
            match tokio::time::timeout(timeout, client.query(&prepared, &refs(&converted))).await {
                Ok(Ok(rows)) => rows,
                Ok(Err(e)) => return Ok(Err(query_failed(&e))),
                Err(_) => {
                    return Ok(Err(Error::QueryFailed(QueryError::Text(
                        "statement timed out".into(),
                    ))));
                }
            };
        let columns = prepared
            .columns()
            .iter()
            .map(|c| Column {
                name: c.name().to_owned(),
                data_type: values::data_type(c.type_()),
            })
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut values_out = Vec::with_capacity(row.len());
            for i in 0..row.len() {
                match values::value(row, i) {
                    Ok(v) => values_out.push(v),
                    Err(e) => return Ok(Err(Error::QueryFailed(QueryError::Text(e.to_string())))),
                }
            }
            out.push(values_out);
        }
        Ok(Ok(RowSet { columns, rows: out }))
    }

    async fn execute(
        &mut self,
        conn: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Outcome<u64> {
        let (prepared, converted) = match self
            .prepare(&conn, &statement, params, Call::Execute)
            .await?
        {
            Ok(ready) => ready,
            Err(e) => return Ok(Err(e)),
        };
        let timeout = self.services.pg.statement_timeout();
        let Some(client) = self.table.get(&conn)?.client() else {
            return Ok(Err(Error::ConnectionFailed("connection is closed".into())));
        };
        Ok(
            match tokio::time::timeout(timeout, client.execute(&prepared, &refs(&converted))).await
            {
                Ok(Ok(n)) => Ok(n),
                Ok(Err(e)) => Err(query_failed(&e)),
                Err(_) => Err(Error::QueryFailed(QueryError::Text(
                    "statement timed out".into(),
                ))),
            },
        )
    }

    async fn drop(&mut self, conn: Resource<PgConnection>) -> wasmtime::Result<()> {
        // Dropping the value returns the connection to its pool (rolling back first if a
        // transaction was left open).
        self.table.delete(conn)?;
        Ok(())
    }
}
