//! Applying a service's migrations.
//!
//! Follows the runner contract of `redshop_product::migrations`: create `schema_migrations`,
//! read the applied versions, then apply each pending version in order inside its own
//! transaction — its statements one by one, then the version row — and stop at the first
//! failure, because later versions build on earlier ones. Two runners (two `make up`s, or a
//! deploy racing a developer) are serialised by a session advisory lock, so the second finds
//! nothing left to do instead of failing half-way.

use redshop_product::migrations::{
    APPLIED_VERSIONS_SQL, RECORD_VERSION_SQL, SCHEMA_MIGRATIONS_DDL, statements,
};

use crate::Service;
use crate::connect::connect;
use crate::error::Error;

/// Advisory lock key held while migrating: the ASCII of "rsmigrat". Any fixed number works;
/// it only has to differ from keys the services take themselves (they take none).
const MIGRATION_LOCK_KEY: i64 = 0x7273_6d69_6772_6174;

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateReport {
    /// Versions applied by this run, in order.
    pub applied: Vec<String>,
    /// Versions that were already in place.
    pub already_applied: Vec<String>,
}

/// Applies the pending migrations of `service` to the database at `url`.
pub async fn migrate(url: &str, service: Service) -> Result<MigrateReport, Error> {
    let mut client = connect(url).await?;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK_KEY])
        .await
        .map_err(Error::sql("taking the migration lock"))?;
    client
        .batch_execute(SCHEMA_MIGRATIONS_DDL)
        .await
        .map_err(Error::sql("creating schema_migrations"))?;
    let already_applied: Vec<String> = client
        .query(APPLIED_VERSIONS_SQL, &[])
        .await
        .map_err(Error::sql("reading applied versions"))?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let mut applied = Vec::new();
    for (version, sql) in pending(service, &already_applied) {
        let tx = client
            .transaction()
            .await
            .map_err(Error::sql(format!("migration {version}: BEGIN")))?;
        for (i, statement) in statements(sql).iter().enumerate() {
            tx.batch_execute(statement)
                .await
                .map_err(|source| Error::Migration {
                    version: version.to_owned(),
                    statement: i + 1,
                    source,
                })?;
        }
        tx.execute(RECORD_VERSION_SQL, &[&version])
            .await
            .map_err(Error::sql(format!(
                "migration {version}: recording the version"
            )))?;
        tx.commit()
            .await
            .map_err(Error::sql(format!("migration {version}: COMMIT")))?;
        applied.push(version.to_owned());
    }
    // Closing the connection releases the lock too; unlocking says so explicitly.
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK_KEY])
        .await
        .map_err(Error::sql("releasing the migration lock"))?;
    Ok(MigrateReport {
        applied,
        already_applied,
    })
}

/// The service's migrations not in `applied`, in order.
fn pending(service: Service, applied: &[String]) -> Vec<(&'static str, &'static str)> {
    service
        .migrations()
        .iter()
        .filter(|(v, _)| !applied.iter().any(|a| a == v))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_pending_once_every_version_is_applied() {
        let all: Vec<String> = Service::Product
            .migrations()
            .iter()
            .map(|(v, _)| (*v).to_owned())
            .collect();
        assert!(pending(Service::Product, &all).is_empty());
        assert_eq!(pending(Service::Product, &[]).len(), all.len());
    }

    #[test]
    fn pending_keeps_the_declared_order() {
        let applied = vec!["0001_catalog".to_owned()];
        let versions: Vec<&str> = pending(Service::Product, &applied)
            .iter()
            .map(|(v, _)| *v)
            .collect();
        assert_eq!(versions.first(), Some(&"0002_stock"));
    }
}
