//! Loading a catalog: the demo shop, or a generated one of any size for benchmarks.
//!
//! The data and the statements come from the domain crate (`seed::Catalog`,
//! `sql::catalog::seed_products`), so seeded rows pass the same parsers as API input. Products
//! go in batches of `SEED_BATCH` (one JSON parameter each), generated lazily, so 100 000
//! products never sit in memory at once. Every insert skips rows that already exist; on top of
//! that, seeding is skipped when the catalog has any product, so running it on every
//! `make up` never mixes a second catalog into a first one — `--force` adds what is missing.
//!
//! A load that inserted anything ends with [`AFTER_LOAD`]: the planner otherwise keeps
//! planning for the empty tables it last saw (autovacuum's analyze may come a minute later),
//! and a listing planned for an empty catalog scans the whole of a full one.

use redshop_product::seed::{Catalog, Products, generate};
use redshop_product::sql::Stmt;
use redshop_product::sql::catalog::{SEED_BATCH, seed_categories, seed_products};
use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

use crate::Service;
use crate::connect::connect;
use crate::error::Error;
use crate::params::Param;

/// Run after a load that inserted rows: fresh planner statistics, and a visibility map that
/// lets the capped totals count index entries without visiting the table. `VACUUM` runs
/// outside a transaction, which is why this is not part of the insert batches.
pub const AFTER_LOAD: &str = "VACUUM (ANALYZE) categories, products, stock";

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct SeedOptions {
    /// `None`: the 300-product demo catalog; `Some(n)`: `n` generated products.
    pub count: Option<usize>,
    /// Seed even when products exist (existing ids, slugs and SKUs are still skipped).
    pub force: bool,
    /// Called after each batch with (products inserted so far, products in the catalog).
    pub progress: Option<fn(u64, usize)>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Products present before the run.
    pub existing: i64,
    /// True when nothing was done because products existed.
    pub skipped: bool,
    pub categories_inserted: u64,
    pub products_inserted: u64,
}

/// Seeds `service`'s database at `url`.
pub async fn seed(url: &str, service: Service, options: &SeedOptions) -> Result<SeedReport, Error> {
    match service {
        Service::Product => seed_product(url, options).await,
        // The demo accounts; `dbctl seed --service user` prints their passwords (main.rs).
        Service::User => crate::user::seed_users(url).await.map(|r| SeedReport {
            existing: r.existing,
            skipped: r.created.is_empty(),
            categories_inserted: 0,
            products_inserted: 0,
        }),
        // Orders and carts come from shoppers, notifications from events; there is no demo
        // data to load.
        Service::Order | Service::Notification => Ok(SeedReport {
            existing: 0,
            skipped: true,
            categories_inserted: 0,
            products_inserted: 0,
        }),
    }
}

async fn seed_product(url: &str, options: &SeedOptions) -> Result<SeedReport, Error> {
    let client = connect(url).await?;
    let existing: i64 = client
        .query_one("SELECT count(*) FROM products", &[])
        .await
        .map_err(Error::sql(
            "counting products (has the database been migrated?)",
        ))?
        .get(0);
    if existing > 0 && !options.force {
        return Ok(SeedReport {
            existing,
            skipped: true,
            categories_inserted: 0,
            products_inserted: 0,
        });
    }
    // Categories are the same ten for every catalog.
    let categories = Catalog::demo().categories()?;
    let categories_inserted =
        execute(&client, &seed_categories(&categories), "seeding categories").await?;
    let (products, total) = catalog(options.count);
    let mut products_inserted = 0u64;
    let mut batch = Vec::with_capacity(SEED_BATCH);
    let mut batches = 0usize;
    for product in products {
        batch.push(product);
        if batch.len() == SEED_BATCH {
            batches += 1;
            products_inserted += insert_batch(&client, &batch, batches).await?;
            batch.clear();
            if let Some(report) = options.progress {
                report(products_inserted, total);
            }
        }
    }
    if !batch.is_empty() {
        products_inserted += insert_batch(&client, &batch, batches + 1).await?;
        if let Some(report) = options.progress {
            report(products_inserted, total);
        }
    }
    if categories_inserted + products_inserted > 0 {
        client
            .batch_execute(AFTER_LOAD)
            .await
            .map_err(Error::sql("analyzing the loaded catalog"))?;
    }
    Ok(SeedReport {
        existing,
        skipped: false,
        categories_inserted,
        products_inserted,
    })
}

/// The products to load and how many there are.
fn catalog(count: Option<usize>) -> (Products, usize) {
    match count {
        Some(n) => (generate(n), n),
        None => {
            let demo = Catalog::demo();
            (demo.products(), demo.size())
        }
    }
}

async fn insert_batch(
    client: &Client,
    batch: &[redshop_product::seed::SeedProduct],
    number: usize,
) -> Result<u64, Error> {
    let stmt = seed_products(batch);
    let row = client
        .query_one(&stmt.sql, &refs(&Param::all(&stmt.params)))
        .await
        .map_err(Error::sql(format!("seeding product batch {number}")))?;
    let inserted: i64 = row.get(0);
    Ok(u64::try_from(inserted).unwrap_or(0))
}

async fn execute(client: &Client, stmt: &Stmt, context: &str) -> Result<u64, Error> {
    client
        .execute(&stmt.sql, &refs(&Param::all(&stmt.params)))
        .await
        .map_err(Error::sql(context))
}

fn refs<'a>(params: &'a [Param<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_count_means_the_demo_catalog() {
        let (products, total) = catalog(None);
        assert_eq!(total, Catalog::demo().size());
        assert_eq!(products.count(), total);
    }

    #[test]
    fn a_count_generates_that_many_products_lazily() {
        let (mut products, total) = catalog(Some(100_000));
        assert_eq!(total, 100_000);
        // Random access: the last product is computed without the 99 999 before it.
        assert!(products.nth(99_999).is_some());
        assert!(products.next().is_none());
    }
}
