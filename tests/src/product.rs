//! A running product service for one test: its own database, its own `redshop`, and one
//! method per kind of call.

use std::path::PathBuf;
use std::sync::OnceLock;

use redshop_dbctl::{SeedOptions, Service};
use redshop_testkit::services::{TestDb, psql};
use redshop_testkit::{AppSpec, TestApp, build_wasm, redshop_binary};
use serde_json::Value;

use crate::http::{Answer, send};
use crate::{block_on, pg_host_port};

/// Where the test manifest mounts the product component.
pub const PREFIX: &str = "/product";

/// The admin marker the gateway will set.
pub const ADMIN: (&str, &str) = ("x-redshop-role", "admin");

/// The product component, built once per test binary.
pub fn product_wasm() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| build_wasm(&["product"]).join("product.wasm"))
        .clone()
}

/// The test manifest: the product component on a public route, its database address from
/// the application variable `product_db_url` (set through the environment provider).
pub fn manifest(wasm: &std::path::Path) -> String {
    format!(
        r#"spin_manifest_version = 2
[application]
name = "product-e2e"

[variables]
product_db_url = {{ required = true }}

[[trigger.http]]
route = "{PREFIX}/..."
component = "product"

[component.product]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://{pg}"]
[component.product.variables]
db_url = "{{{{ product_db_url }}}}"
"#,
        wasm = wasm.display(),
        pg = pg_host_port(),
    )
}

/// How the test database starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    /// Created, nothing else: every table is missing.
    Unmigrated,
    /// Migrated, no rows.
    Empty,
    /// Migrated and seeded with the 300-product demo catalog.
    Demo,
    /// Migrated and seeded with this many generated products (`dbctl seed --count N`).
    Generated(usize),
}

pub struct ProductApp {
    pub app: TestApp,
    pub db: TestDb,
}

impl ProductApp {
    pub fn start(data: Data) -> Self {
        let db = TestDb::create();
        let url = db.address(&pg_host_port());
        if data != Data::Unmigrated {
            block_on(redshop_dbctl::migrate(&url, Service::Product)).expect("dbctl migrate");
        }
        let count = match data {
            Data::Demo => Some(None),
            Data::Generated(n) => Some(Some(n)),
            Data::Unmigrated | Data::Empty => None,
        };
        if let Some(count) = count {
            let options = SeedOptions {
                count,
                ..SeedOptions::default()
            };
            block_on(redshop_dbctl::seed(&url, Service::Product, &options)).expect("dbctl seed");
        }
        let app = start_host(&url);
        Self { app, db }
    }

    pub fn url(&self, path: &str) -> String {
        self.app.url(&format!("{PREFIX}{path}"))
    }

    /// A call without the admin marker, as the order service or the gateway makes it.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        send(
            method,
            &self.url(path),
            &[],
            body.map(Value::to_string).as_deref(),
        )
    }

    /// A call with the admin marker.
    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        send(
            method,
            &self.url(path),
            &[ADMIN],
            body.map(Value::to_string).as_deref(),
        )
    }

    pub fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None)
    }

    /// `GET /products?query`, which must succeed.
    pub fn list(&self, query: &str) -> Value {
        let answer = self.get(&format!("/products?{query}"));
        assert_eq!(answer.status, 200, "GET /products?{query}: {}", answer.text);
        answer.json
    }

    /// Every page of `query` at page size `limit`, following `next_cursor`; checks that every
    /// page reports the same total and that the pages add up to it.
    pub fn walk(&self, query: &str, limit: u32) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut total = None;
        for _ in 0..10_000 {
            let q = match &cursor {
                Some(c) => format!("{query}&limit={limit}&cursor={c}"),
                None => format!("{query}&limit={limit}"),
            };
            let page = self.list(&q);
            let page_items = page["items"].as_array().expect("items").clone();
            assert!(
                page_items.len() <= limit as usize,
                "{q}: page larger than limit"
            );
            let page_total = page["total"].as_i64().expect("total");
            assert_eq!(
                *total.get_or_insert(page_total),
                page_total,
                "{q}: total changed between pages"
            );
            items.extend(page_items);
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(
            Some(items.len() as i64),
            total.or(Some(0)),
            "{query}: pages do not add up to the total"
        );
        items
    }

    /// Runs SQL on the test database from outside (setup and checks).
    pub fn sql(&self, sql: &str) -> Vec<tokio_postgres::Row> {
        psql(&self.db.name, sql)
    }

    /// One `int8` from a single-row query.
    pub fn sql_i64(&self, sql: &str) -> i64 {
        self.sql(sql)
            .first()
            .map(|r| r.get::<_, i64>(0))
            .expect("one row")
    }
}

/// Starts `redshop` on the test manifest with `db_url` as the component's database.
pub fn start_host(db_url: &str) -> TestApp {
    let mut spec = AppSpec::new(redshop_binary(), manifest(&product_wasm()));
    spec.env
        .push(("SPIN_VARIABLE_PRODUCT_DB_URL".into(), db_url.to_owned()));
    TestApp::start(spec)
}

/// The ids of a list of products, in order.
pub fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_owned())
        .collect()
}

impl ProductApp {
    /// Creates a category through the admin API.
    pub fn create_category(&self, slug: &str) -> Value {
        let body = serde_json::json!({ "slug": slug, "name": slug.replace('-', " ") });
        let answer = self.admin("POST", "/categories", Some(&body));
        assert_eq!(
            answer.status, 201,
            "create category {slug}: {}",
            answer.text
        );
        answer.json
    }

    /// Creates a product through the admin API; `extra` fields override the defaults.
    pub fn create_product(&self, slug: &str, category: &str, stock: i64, extra: Value) -> Value {
        let mut body = serde_json::json!({
            "slug": slug,
            "sku": slug.to_uppercase(),
            "name": slug.replace('-', " "),
            "category": category,
            "brand": "Testbrand",
            "price": { "amount_minor": 1999, "currency": "USD" },
            "initial_stock": stock,
        });
        if let (Value::Object(base), Value::Object(over)) = (&mut body, extra) {
            base.extend(over);
        }
        let answer = self.admin("POST", "/products", Some(&body));
        assert_eq!(answer.status, 201, "create product {slug}: {}", answer.text);
        answer.json
    }

    /// `(on_hand, reserved)` of a product, read from the database directly.
    pub fn stock_row(&self, product_id: &str) -> (i64, i64) {
        let rows = self.sql(&format!(
            "SELECT on_hand, reserved FROM stock WHERE product_id = '{product_id}'"
        ));
        let row = rows.first().expect("stock row");
        (row.get(0), row.get(1))
    }
}

/// A distinct, valid order id per number.
pub fn order_id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}
