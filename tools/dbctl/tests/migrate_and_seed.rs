//! `dbctl` against the real PostgreSQL on this machine, each test on a database of its own:
//! `migrate` is idempotent, concurrent runs serialise on the migration advisory lock, and
//! `seed` is skipped once the catalog has products.

use std::time::{Duration, Instant};

use redshop_dbctl::{SeedOptions, Service, create_database, migrate, seed};
use tokio_postgres::{Client, NoTls};

/// The advisory lock key `migrate` holds: the ASCII of "rsmigrat".
const MIGRATION_LOCK_KEY: i64 = 0x7273_6d69_6772_6174;

/// The test server (`REDSHOP_TEST_PG` overrides it), without a database name.
fn server() -> String {
    std::env::var("REDSHOP_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database name no other test uses.
fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "dbctl_test_{}_{:x}",
        std::process::id(),
        nanos & 0xffff_ffff_ffff
    )
}

/// A database for one test, created by `dbctl`'s own `create_database`, dropped on drop.
struct TestDb {
    name: String,
    url: String,
}

impl TestDb {
    async fn create() -> TestDb {
        let name = unique_name();
        let url = format!("{}/{name}?sslmode=disable", server());
        assert!(create_database(&url).await.expect("create"), "created");
        assert!(
            !create_database(&url).await.expect("create again"),
            "a second create finds it there"
        );
        TestDb { name, url }
    }

    async fn client(&self) -> Client {
        let (client, connection) = tokio_postgres::connect(&self.url, NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        client
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let url = format!("{}/postgres?sslmode=disable", server());
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Dropped inside the test's runtime: a thread of its own may block on another.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(async move {
                    let (client, connection) = tokio_postgres::connect(&url, NoTls).await?;
                    tokio::spawn(connection);
                    client.batch_execute(&sql).await
                })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

fn all_versions() -> Vec<String> {
    Service::Product
        .migrations()
        .iter()
        .map(|(v, _)| (*v).to_owned())
        .collect()
}

async fn recorded_versions(db: &TestDb) -> Vec<String> {
    db.client()
        .await
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .expect("schema_migrations")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn migrate_is_idempotent() {
    let db = TestDb::create().await;
    let first = migrate(&db.url, Service::Product).await.expect("migrate");
    assert_eq!(first.applied, all_versions());
    assert!(first.already_applied.is_empty(), "{first:?}");
    let second = migrate(&db.url, Service::Product)
        .await
        .expect("migrate again");
    assert!(second.applied.is_empty(), "{second:?}");
    assert_eq!(second.already_applied, all_versions());
    assert_eq!(recorded_versions(&db).await, all_versions());
}

#[tokio::test]
async fn concurrent_runs_serialise_on_the_advisory_lock() {
    let db = TestDb::create().await;
    // Hold the migration lock, as a first runner would.
    let holder = db.client().await;
    holder
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK_KEY])
        .await
        .expect("lock");
    let (url_a, url_b) = (db.url.clone(), db.url.clone());
    let a = tokio::spawn(async move { migrate(&url_a, Service::Product).await });
    let b = tokio::spawn(async move { migrate(&url_b, Service::Product).await });
    // Both wait on the lock (ungranted advisory lock requests on this database).
    let watcher = db.client().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let waiting: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database \
                 WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1",
                &[&db.name],
            )
            .await
            .expect("pg_locks")
            .get(0);
        if waiting == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "{waiting} runners waiting");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let table: Option<String> = watcher
        .query_one("SELECT to_regclass('schema_migrations')::text", &[])
        .await
        .expect("to_regclass")
        .get(0);
    assert_eq!(table, None, "nothing ran while the lock was held");
    holder
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK_KEY])
        .await
        .expect("unlock");
    let a = a.await.expect("join").expect("migrate a");
    let b = b.await.expect("join").expect("migrate b");
    // One applied everything; the other, running after it, found nothing left to do.
    let mut applied = [a.applied.clone(), b.applied.clone()];
    applied.sort();
    assert_eq!(applied, [Vec::new(), all_versions()], "{a:?} {b:?}");
    assert_eq!(recorded_versions(&db).await, all_versions());
}

#[tokio::test]
async fn seed_is_skipped_when_the_catalog_has_products() {
    let db = TestDb::create().await;
    migrate(&db.url, Service::Product).await.expect("migrate");
    let first = seed(&db.url, Service::Product, &SeedOptions::default())
        .await
        .expect("seed");
    assert!(!first.skipped, "{first:?}");
    assert_eq!(first.existing, 0);
    assert_eq!(
        first.products_inserted,
        redshop_product::seed::DEMO_SIZE as u64
    );
    let second = seed(&db.url, Service::Product, &SeedOptions::default())
        .await
        .expect("seed again");
    assert!(second.skipped, "{second:?}");
    assert_eq!(second.existing, redshop_product::seed::DEMO_SIZE as i64);
    assert_eq!(
        (second.categories_inserted, second.products_inserted),
        (0, 0)
    );
    let count: i64 = db
        .client()
        .await
        .query_one("SELECT count(*) FROM products", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(count, redshop_product::seed::DEMO_SIZE as i64);
}
