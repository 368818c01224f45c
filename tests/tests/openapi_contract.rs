//! `docs/openapi.yaml` against the running shop: every documented operation is called
//! (in an order that makes each meaningful: things are created before they are changed or
//! deleted) and must answer a documented status with a body matching its schema; the
//! document and the gateway's route table list the same operations; and nothing
//! undocumented under `/api/v1` answers anything but `404` or `405`.

use std::collections::BTreeSet;

use redshop_e2e::contract;
use redshop_e2e::shop::{Reply, Shop};
use redshop_testkit::services::psql;
use serde_json::{Value, json};

const CUSTOMER: (&str, &str) = ("contract.shopper@example.com", "long enough contract pw");
const ADMIN: (&str, &str) = (
    "contract.admin@example.com",
    "another long admin passphrase",
);

/// Who calls.
#[derive(Clone, Copy)]
enum Who {
    Anon,
    Customer,
    Admin,
    /// The refresh cookie with the CSRF header.
    Cookie,
}

struct Walk {
    shop: Shop,
    doc: Value,
    customer: String,
    admin: String,
    cookie: String,
    cart: String,
    walked: BTreeSet<(String, String)>,
    failures: Vec<String>,
}

impl Walk {
    /// Calls `method template` on `path`, checks the answer against the document, and
    /// returns it.
    fn step(
        &mut self,
        method: &str,
        template: &str,
        path: &str,
        who: Who,
        body: Option<Value>,
    ) -> Reply {
        self.step_with(method, template, path, who, body, &[])
    }

    fn step_with(
        &mut self,
        method: &str,
        template: &str,
        path: &str,
        who: Who,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let op = contract::operation(&self.doc, method, template);
        assert!(
            op.is_object(),
            "{method} {template} is not in docs/openapi.yaml"
        );
        let body = body.or_else(|| {
            op["requestBody"]["content"]["application/json"]["example"]
                .as_object()
                .map(|o| Value::Object(o.clone()))
        });
        let bearer = match who {
            Who::Customer => Some(format!("Bearer {}", self.customer)),
            Who::Admin => Some(format!("Bearer {}", self.admin)),
            Who::Anon | Who::Cookie => None,
        };
        let cookie = format!("redshop_refresh={}", self.cookie);
        let mut headers: Vec<(&str, &str)> = vec![("x-cart-id", self.cart.as_str())];
        if let Some(b) = &bearer {
            headers.push(("authorization", b));
        }
        if matches!(who, Who::Cookie) {
            headers.push(("cookie", &cookie));
            headers.push(("x-requested-with", "redshop"));
        }
        let text = body.as_ref().map(Value::to_string);
        if text.is_some() {
            headers.push(("content-type", "application/json"));
        }
        headers.extend_from_slice(extra);
        let reply = self
            .shop
            .call(method, &self.shop.api(path), &headers, text.as_deref());
        let json = if reply.text.is_empty() {
            Value::Null
        } else {
            reply.json.clone()
        };
        if let Err(why) = contract::check(&self.doc, method, template, reply.status, &json) {
            self.failures
                .push(format!("{method} {path}: {why} — {}", reply.text));
        }
        self.walked.insert((method.to_owned(), template.to_owned()));
        reply
    }

    fn login(&mut self, who: (&str, &str)) -> (String, String) {
        let reply = self.shop.send(
            "POST",
            "/auth/login",
            None,
            Some(&json!({"email": who.0, "password": who.1})),
        );
        assert_eq!(reply.status, 200, "login {}: {}", who.0, reply.text);
        let cookie = reply
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .find_map(|(_, v)| {
                v.strip_prefix("redshop_refresh=")
                    .map(|r| r.split(';').next().unwrap_or("").to_owned())
            })
            .unwrap_or_default();
        (
            reply.json["access_token"]
                .as_str()
                .expect("token")
                .to_owned(),
            cookie,
        )
    }
}

#[test]
fn the_running_shop_matches_the_published_contract() {
    let shop = Shop::builder()
        .components(&["gateway", "product", "user", "order", "notification"])
        .variable("gateway_rate_limit_anonymous", "1000/60")
        .variable("gateway_rate_limit_user", "1000/60")
        .variable("gateway_rate_limit_auth", "1000/60")
        .start();
    let doc = contract::load();
    let mut w = Walk {
        shop,
        doc,
        customer: String::new(),
        admin: String::new(),
        cookie: String::new(),
        cart: uuid::Uuid::new_v4().to_string(),
        walked: BTreeSet::new(),
        failures: Vec::new(),
    };

    // Accounts: the customer through the API, the admin promoted in its database.
    w.step("POST", "/auth/register", "/auth/register", Who::Anon, None);
    let admin = w.shop.send(
        "POST",
        "/auth/register",
        None,
        Some(&json!({"email": ADMIN.0, "password": ADMIN.1, "display_name": "Contract Admin"})),
    );
    assert_eq!(admin.status, 201, "{}", admin.text);
    psql(
        &w.shop.db("user").name,
        &format!(
            "UPDATE users SET role = 'admin' WHERE email = '{}'",
            ADMIN.0
        ),
    );
    let login = w.step("POST", "/auth/login", "/auth/login", Who::Anon, None);
    assert_eq!(login.status, 200, "{}", login.text);
    (w.customer, w.cookie) = w.login(CUSTOMER);
    (w.admin, _) = w.login(ADMIN);
    let refreshed = w.step("POST", "/auth/refresh", "/auth/refresh", Who::Cookie, None);
    if let Some(t) = refreshed.json["access_token"].as_str() {
        w.customer = t.to_owned();
    }
    w.step(
        "POST",
        "/auth/password-reset",
        "/auth/password-reset",
        Who::Anon,
        None,
    );
    w.step(
        "POST",
        "/auth/password-reset/confirm",
        "/auth/password-reset/confirm",
        Who::Anon,
        None,
    );

    // Catalog reads.
    let listing = w.step(
        "GET",
        "/products",
        "/products?limit=5&sort=price_asc",
        Who::Anon,
        None,
    );
    let first = &listing.json["items"][0];
    let product = first["id"].as_str().expect("a product").to_owned();
    let slug = first["slug"].as_str().expect("slug").to_owned();
    let category = first["category"].as_str().expect("category").to_owned();
    w.step(
        "GET",
        "/products/{id}",
        &format!("/products/{product}"),
        Who::Anon,
        None,
    );
    w.step(
        "GET",
        "/products/by-slug/{slug}",
        &format!("/products/by-slug/{slug}"),
        Who::Anon,
        None,
    );
    w.step("GET", "/categories", "/categories", Who::Anon, None);
    w.step(
        "GET",
        "/categories/{slug}",
        &format!("/categories/{category}"),
        Who::Anon,
        None,
    );

    // Catalog administration.
    w.step("POST", "/categories", "/categories", Who::Admin, None);
    w.step(
        "PATCH",
        "/categories/{slug}",
        "/categories/contract-things",
        Who::Admin,
        None,
    );
    let created = w.step("POST", "/products", "/products", Who::Admin, None);
    let new_id = created.json["id"]
        .as_str()
        .unwrap_or("00000000-0000-4000-8000-000000000000")
        .to_owned();
    w.step(
        "PATCH",
        "/products/{id}",
        &format!("/products/{new_id}"),
        Who::Admin,
        None,
    );
    w.step(
        "GET",
        "/products/{id}/stock",
        &format!("/products/{new_id}/stock"),
        Who::Admin,
        None,
    );
    w.step(
        "POST",
        "/products/{id}/stock",
        &format!("/products/{new_id}/stock"),
        Who::Admin,
        None,
    );
    w.step(
        "DELETE",
        "/products/{id}",
        &format!("/products/{new_id}"),
        Who::Admin,
        None,
    );
    w.step(
        "DELETE",
        "/categories/{slug}",
        "/categories/contract-things",
        Who::Admin,
        None,
    );

    // The account.
    w.step("GET", "/me", "/me", Who::Customer, None);
    w.step("PATCH", "/me", "/me", Who::Customer, None);
    w.step("GET", "/me/addresses", "/me/addresses", Who::Customer, None);
    let address = w.step(
        "POST",
        "/me/addresses",
        "/me/addresses",
        Who::Customer,
        None,
    );
    let address_id = address.json["id"]
        .as_str()
        .unwrap_or("00000000-0000-4000-8000-000000000000")
        .to_owned();
    w.step(
        "PATCH",
        "/me/addresses/{id}",
        &format!("/me/addresses/{address_id}"),
        Who::Customer,
        None,
    );
    w.step("GET", "/me/sessions", "/me/sessions", Who::Customer, None);
    w.step(
        "DELETE",
        "/me/sessions/{id}",
        &format!("/me/sessions/{}", uuid::Uuid::new_v4()),
        Who::Customer,
        None,
    );

    // The cart, as a guest and then signed in.
    let line = json!({"product_id": product, "quantity": 1});
    w.step("GET", "/cart", "/cart", Who::Anon, None);
    w.step(
        "POST",
        "/cart/items",
        "/cart/items",
        Who::Anon,
        Some(line.clone()),
    );
    w.step(
        "PATCH",
        "/cart/items/{product_id}",
        &format!("/cart/items/{product}"),
        Who::Anon,
        None,
    );
    w.step(
        "DELETE",
        "/cart/items/{product_id}",
        &format!("/cart/items/{product}"),
        Who::Anon,
        None,
    );
    w.step("DELETE", "/cart", "/cart", Who::Anon, None);
    w.step("POST", "/cart/items", "/cart/items", Who::Anon, Some(line));
    w.step("POST", "/cart/merge", "/cart/merge", Who::Customer, None);

    // Checkout and orders.
    let key = uuid::Uuid::new_v4().to_string();
    let order = w.step_with(
        "POST",
        "/checkout",
        "/checkout",
        Who::Customer,
        Some(json!({"address_id": address_id})),
        &[("idempotency-key", &key)],
    );
    let order_id = order.json["id"]
        .as_str()
        .unwrap_or("00000000-0000-4000-8000-000000000000")
        .to_owned();
    w.step("GET", "/orders", "/orders", Who::Customer, None);
    w.step(
        "GET",
        "/orders/{id}",
        &format!("/orders/{order_id}"),
        Who::Customer,
        None,
    );
    w.step(
        "POST",
        "/admin/orders/{id}/status",
        &format!("/admin/orders/{order_id}/status"),
        Who::Admin,
        None,
    );
    w.step(
        "POST",
        "/orders/{id}/cancel",
        &format!("/orders/{order_id}/cancel"),
        Who::Customer,
        None,
    );
    w.step("GET", "/admin/orders", "/admin/orders", Who::Admin, None);

    // Notifications and operations.
    w.step(
        "POST",
        "/admin/events/flush",
        "/admin/events/flush",
        Who::Admin,
        None,
    );
    w.step(
        "GET",
        "/notifications",
        "/notifications",
        Who::Customer,
        None,
    );
    w.step(
        "POST",
        "/notifications/{id}/read",
        &format!("/notifications/{}/read", uuid::Uuid::new_v4()),
        Who::Customer,
        None,
    );
    w.step(
        "POST",
        "/notifications/read-all",
        "/notifications/read-all",
        Who::Customer,
        None,
    );
    w.step("GET", "/admin/mailbox", "/admin/mailbox", Who::Admin, None);
    w.step("GET", "/admin/health", "/admin/health", Who::Admin, None);

    // Ending things: an address, the password, sessions, the account.
    w.step(
        "DELETE",
        "/me/addresses/{id}",
        &format!("/me/addresses/{address_id}"),
        Who::Customer,
        None,
    );
    w.step("POST", "/me/password", "/me/password", Who::Customer, None);
    w.step("POST", "/auth/logout", "/auth/logout", Who::Customer, None);
    let password = "long enough contract pw two";
    (w.customer, w.cookie) = w.login((CUSTOMER.0, password));
    w.step(
        "DELETE",
        "/me/sessions",
        "/me/sessions",
        Who::Customer,
        None,
    );
    (w.customer, w.cookie) = w.login((CUSTOMER.0, password));
    w.step(
        "DELETE",
        "/me",
        "/me",
        Who::Customer,
        Some(json!({"password": password})),
    );

    let documented: BTreeSet<(String, String)> = contract::operations(&w.doc).into_iter().collect();
    let missed: Vec<_> = documented.difference(&w.walked).collect();
    assert!(
        missed.is_empty(),
        "documented operations the walk did not call: {missed:?}"
    );
    assert!(
        w.failures.is_empty(),
        "answers outside the contract:\n{}",
        w.failures.join("\n")
    );
}

#[test]
fn the_document_and_the_route_table_list_the_same_operations() {
    let doc = contract::load();
    let documented: BTreeSet<(String, String)> = contract::operations(&doc).into_iter().collect();
    let routed: BTreeSet<(String, String)> = redshop_gateway::routes::ROUTES
        .iter()
        .map(|r| (r.method.as_str().to_owned(), r.pattern.to_owned()))
        .collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routed but not documented: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
}

#[test]
fn nothing_undocumented_answers_under_api_v1() {
    let shop = Shop::builder().components(&["gateway", "product"]).start();
    let doc = contract::load();
    let ops = contract::operations(&doc);
    // Every documented path with every other method: 405.
    let paths: BTreeSet<&str> = ops.iter().map(|(_, p)| p.as_str()).collect();
    for path in paths {
        let concrete = path
            .replace("{id}", "00000000-0000-4000-8000-000000000001")
            .replace("{slug}", "lamps")
            .replace("{product_id}", "00000000-0000-4000-8000-000000000001");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if ops.iter().any(|(m, p)| m == method && p == path) {
                continue;
            }
            let reply = shop.call(method, &shop.api(&concrete), &[], None);
            assert_eq!(reply.status, 405, "{method} {concrete}: {}", reply.text);
        }
    }
    // Internal routes and guesses: 404.
    for path in [
        "/health",
        "/.well-known/jwks.json",
        "/internal/flush",
        "/internal/users/00000000-0000-4000-8000-000000000001",
        "/reservations",
        "/users",
        "/admin",
        "/products/00000000-0000-4000-8000-000000000001/reservations",
    ] {
        for method in ["GET", "POST"] {
            let reply = shop.call(method, &shop.api(path), &[], None);
            assert_eq!(reply.status, 404, "{method} {path}: {}", reply.text);
        }
    }
}
