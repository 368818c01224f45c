//! The plans PostgreSQL chooses for the listing statements on a catalog of 100 000 products.
//!
//! The 300-product demo catalog fits in a few pages, where a sequential scan is the right
//! plan for everything, so no other test can see a statement that would scan the whole
//! catalog at scale. This one seeds a database with `dbctl seed --count 100000` (which ends
//! with `VACUUM (ANALYZE)`, so the statistics are those of the full catalog), builds every
//! listing, count and facet statement the component can send — each sort with each kind of
//! filter, with and without a cursor, and searches — and asserts that no plan reads the
//! catalog with a sequential scan or joins it with a hash join. It also checks the capped
//! total and the estimate against the real counts.

use redshop_dbctl::{Param, SeedOptions, Service};
use redshop_e2e::{block_on, pg_host_port};
use redshop_product::domain::ProductId;
use redshop_product::query::{Cursor, ListQuery, Sort, SortKey};
use redshop_product::sql::listing::{
    self, Counted, EXACT_TOTAL_LIMIT, decode_count, decode_estimate, decode_facets,
};
use redshop_product::sql::{Row, SqlValue, Stmt};
use redshop_testkit::services::TestDb;
use tokio_postgres::types::ToSql;

/// The size the issue measured and the benchmark loads.
const CATALOG: usize = 100_000;

/// Plan nodes that mean "the whole catalog is read for this request".
fn full_scan_nodes(plan: &str) -> Vec<&str> {
    plan.lines()
        .filter(|l| l.contains("Seq Scan") || (l.contains("Hash") && l.contains("Join")))
        .collect()
}

/// One connection to the test database, for EXPLAIN and checks.
struct Db {
    client: tokio_postgres::Client,
    runtime: tokio::runtime::Runtime,
}

impl Db {
    fn connect(url: &str) -> Db {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let client = runtime.block_on(async {
            let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .expect("connect to the test database");
            tokio::spawn(conn);
            client
        });
        Db { client, runtime }
    }

    /// Runs a domain statement with its parameters; every column read as text.
    fn rows(&self, stmt: &Stmt) -> Vec<tokio_postgres::Row> {
        let params = Param::all(&stmt.params);
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        self.runtime
            .block_on(self.client.query(&stmt.sql, &refs))
            .unwrap_or_else(|e| panic!("{e}: {}", stmt.sql))
    }

    /// The plan of a statement, with its parameters bound as the component binds them.
    fn explain(&self, stmt: &Stmt) -> String {
        let explained = Stmt {
            sql: format!("EXPLAIN {}", stmt.sql),
            params: stmt.params.clone(),
        };
        self.rows(&explained)
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn text_rows(&self, stmt: &Stmt) -> Vec<Row> {
        self.rows(stmt)
            .iter()
            .map(|r| vec![SqlValue::Text(r.get::<_, String>(0))])
            .collect()
    }

    fn int(&self, sql: &str) -> i64 {
        self.rows(&Stmt::constant(sql))[0].get::<_, i64>(0)
    }

    fn text(&self, sql: &str) -> String {
        self.rows(&Stmt::constant(sql))[0].get::<_, String>(0)
    }
}

fn seeded() -> (TestDb, Db) {
    let db = TestDb::create();
    let url = db.address(&pg_host_port());
    block_on(redshop_dbctl::migrate(&url, Service::Product)).expect("dbctl migrate");
    let options = SeedOptions {
        count: Some(CATALOG),
        ..SeedOptions::default()
    };
    let report = block_on(redshop_dbctl::seed(&url, Service::Product, &options)).expect("seed");
    assert_eq!(report.products_inserted, CATALOG as u64);
    let conn = Db::connect(&url);
    (db, conn)
}

/// A query string's statements: the page (first and a later one), the capped count and the
/// facets.
fn statements(qs: &str) -> Vec<(String, Stmt)> {
    let query = ListQuery::from_query_string(qs).unwrap_or_else(|e| panic!("{qs}: {e}"));
    let key = match query.sort {
        Sort::Relevance => SortKey::Relevance(0.05),
        Sort::PriceAsc | Sort::PriceDesc => SortKey::Price(4_999),
        Sort::Name => SortKey::Name("M".into()),
        Sort::Newest => SortKey::Newest(1_720_000_000_000),
    };
    let id = ProductId::parse("80000000-0000-4000-8000-000000000000").expect("id");
    let cursor = Cursor { key, id }.encode(&query).expect("cursor");
    let later = ListQuery::from_query_string(&format!("{qs}&cursor={cursor}")).expect("cursor");
    vec![
        (format!("list {qs}"), listing::list(&query)),
        (format!("list {qs} after a cursor"), listing::list(&later)),
        (format!("count {qs}"), listing::count(&query)),
        (format!("facets {qs}"), listing::facets(&query)),
    ]
}

#[test]
fn no_listing_search_or_facet_statement_scans_the_catalog_at_100k_products() {
    let (_db, conn) = seeded();
    let brand = conn.text(
        "SELECT brand FROM products WHERE category_slug = 'home' \
         GROUP BY brand ORDER BY count(*) DESC, brand LIMIT 1",
    );
    let other = conn.text(
        "SELECT brand FROM products WHERE category_slug = 'electronics' \
         GROUP BY brand ORDER BY count(*) DESC, brand LIMIT 1",
    );
    let b = redshop_e2e::enc(&brand);
    let o = redshop_e2e::enc(&other);
    let filters = [
        String::new(),
        "category=home".into(),
        format!("brand={b}"),
        format!("brand={b}&brand={o}"),
        "min_price=2500&max_price=9999".into(),
        "in_stock=true".into(),
        format!("category=home&brand={b}"),
        "category=home&min_price=2500&max_price=9999".into(),
        "category=home&in_stock=true".into(),
        format!("brand={b}&in_stock=true"),
        "q=lamp".into(),
        "q=lamp&category=home".into(),
        format!("q=lamp&brand={b}"),
        "q=lamp&in_stock=true".into(),
        "q=lamp&min_price=2500".into(),
        "q=headph".into(),
    ];
    let mut checked = 0;
    let mut offenders = Vec::new();
    for filter in &filters {
        let sorts: &[&str] = if filter.contains("q=") {
            &["relevance", "newest", "price_asc", "price_desc", "name"]
        } else {
            &["newest", "price_asc", "price_desc", "name"]
        };
        for sort in sorts {
            let qs = format!("{filter}&sort={sort}");
            for (what, stmt) in statements(&qs) {
                let plan = conn.explain(&stmt);
                checked += 1;
                let bad = full_scan_nodes(&plan);
                if !bad.is_empty() {
                    offenders.push(format!("{what}:\n{plan}\n"));
                }
            }
        }
    }
    assert!(checked > 250, "only {checked} plans checked");
    assert!(
        offenders.is_empty(),
        "{} of {checked} plans scan or hash-join the catalog:\n{}",
        offenders.len(),
        offenders.join("\n")
    );
}

#[test]
fn totals_are_exact_up_to_the_limit_and_estimated_above_it_at_100k_products() {
    let (_db, conn) = seeded();
    // The home page: every active product, far above the limit.
    let home = ListQuery::from_query_string("").expect("query");
    let counted = decode_count(&conn.text_rows_i64(&listing::count(&home))).expect("decode count");
    assert_eq!(counted, Counted::MoreThan(EXACT_TOTAL_LIMIT));
    let active = conn.int("SELECT count(*) FROM products WHERE active");
    let estimate = decode_estimate(&conn.text_rows(&listing::estimate(&home))).expect("estimate");
    let total = counted.total(Some(estimate));
    assert!(!total.exact);
    assert!(
        (active * 9 / 10..=active * 11 / 10).contains(&total.count),
        "estimate {} for {active} active products",
        total.count
    );
    // A category (about a tenth of the catalog) and a search are below it: exact.
    for (qs, sql) in [
        (
            "category=home",
            "SELECT count(*) FROM products WHERE active AND category_slug = 'home'",
        ),
        (
            "q=lamp&in_stock=true",
            "SELECT count(*) FROM products p JOIN stock s ON s.product_id = p.id \
             WHERE p.active AND s.on_hand > s.reserved AND (p.search @@ \
             websearch_to_tsquery('english', 'lamp') OR p.search_prefix @@ \
             to_tsquery('simple', 'lamp:*'))",
        ),
    ] {
        let query = ListQuery::from_query_string(qs).expect("query");
        let expected = conn.int(sql);
        assert!(
            expected > 0 && expected <= EXACT_TOTAL_LIMIT,
            "{qs}: {expected}"
        );
        let counted = decode_count(&conn.text_rows_i64(&listing::count(&query))).expect("count");
        assert_eq!(counted, Counted::Exact(expected), "{qs}");
    }
    // Facets of a search read every match; facets of the whole catalog read a bounded number.
    let lamp = ListQuery::from_query_string("q=lamp").expect("query");
    let facets = decode_facets(&conn.facet_rows(&listing::facets(&lamp))).expect("facets");
    assert!(facets.exact);
    let matches = conn.int(
        "SELECT count(*) FROM products WHERE active AND (search @@ \
         websearch_to_tsquery('english', 'lamp') OR search_prefix @@ to_tsquery('simple', 'lamp:*'))",
    );
    let counted: i64 = facets.categories.iter().map(|c| c.count).sum();
    assert_eq!(counted, matches, "the category facet counts every match");
    let everything = decode_facets(&conn.facet_rows(&listing::facets(&home))).expect("facets");
    assert!(!everything.exact);
    let sampled: i64 = everything.categories.iter().map(|c| c.count).sum();
    assert_eq!(sampled, listing::FACET_SCAN_LIMIT + 1);
    assert_eq!(
        everything.categories.len(),
        10,
        "the newest rows cover every category"
    );
}

impl Db {
    /// Rows of one int8 column, as the component would decode them.
    fn text_rows_i64(&self, stmt: &Stmt) -> Vec<Row> {
        self.rows(stmt)
            .iter()
            .map(|r| vec![SqlValue::Int64(r.get::<_, i64>(0))])
            .collect()
    }

    /// Rows of the facet statement: `(text, text, int8)`.
    fn facet_rows(&self, stmt: &Stmt) -> Vec<Row> {
        self.rows(stmt)
            .iter()
            .map(|r| {
                vec![
                    SqlValue::Text(r.get::<_, String>(0)),
                    SqlValue::Text(r.get::<_, String>(1)),
                    SqlValue::Int64(r.get::<_, i64>(2)),
                ]
            })
            .collect()
    }
}
