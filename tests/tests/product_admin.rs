//! The admin API through the host: catalog CRUD against real PostgreSQL, and 403 for every
//! admin route without the gateway's admin marker.

use redshop_e2e::http::send;
use redshop_e2e::product::{Data, ProductApp, order_id};
use serde_json::json;

#[test]
fn products_are_created_read_updated_deactivated_and_deleted() {
    let app = ProductApp::start(Data::Empty);
    app.create_category("lamps");
    let created = app.create_product(
        "moon-lamp",
        "lamps",
        4,
        json!({ "sku": "ml-1", "name": "Moon  Lamp", "attributes": { "color": "white" }, "images": ["/images/moon.webp"] }),
    );
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(created["sku"], "ML-1", "SKUs are normalised");
    assert_eq!(created["name"], "Moon Lamp", "names are normalised");
    assert_eq!(
        created["price"],
        json!({ "amount_minor": 1999, "currency": "USD" })
    );
    assert_eq!(
        (created["available"].as_i64(), created["active"].as_bool()),
        (Some(4), Some(true))
    );

    let by_id = app.get(&format!("/products/{id}"));
    assert_eq!(by_id.status, 200);
    assert_eq!(by_id.json, created);
    assert_eq!(app.get("/products/by-slug/moon-lamp").json, created);

    let patched = app.admin(
        "PATCH",
        &format!("/products/{id}"),
        Some(&json!({ "price": { "amount_minor": 2499, "currency": "EUR" } })),
    );
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        patched.json["price"],
        json!({ "amount_minor": 2499, "currency": "EUR" })
    );
    assert_eq!(
        patched.json["name"], "Moon Lamp",
        "absent fields are unchanged"
    );
    let updated_ms = |v: &serde_json::Value| v["updated_ms"].as_i64().expect("updated_ms");
    assert!(
        updated_ms(&patched.json) >= updated_ms(&created),
        "a change never moves updated_ms back: {} then {}",
        created,
        patched.text
    );
    assert_eq!(
        app.list("category=lamps")["items"][0]["price"]["amount_minor"],
        2499
    );

    // Duplicates and unknown categories are refused with codes a client can branch on.
    let dup = app.admin("POST", "/products", Some(&json!({ "slug": "moon-lamp", "sku": "other", "name": "X", "category": "lamps", "brand": "B", "price": { "amount_minor": 1, "currency": "USD" } })));
    assert_eq!(
        (dup.status, dup.json["error"].as_str()),
        (409, Some("conflict")),
        "{}",
        dup.text
    );
    let orphan = app.admin("POST", "/products", Some(&json!({ "slug": "x", "sku": "x", "name": "X", "category": "nope", "brand": "B", "price": { "amount_minor": 1, "currency": "USD" } })));
    assert_eq!(
        (orphan.status, orphan.json["error"].as_str()),
        (400, Some("invalid_category")),
        "{}",
        orphan.text
    );
    let bad_slug = app.admin(
        "PATCH",
        &format!("/products/{id}"),
        Some(&json!({ "slug": "Not OK" })),
    );
    assert_eq!(
        (bad_slug.status, bad_slug.json["error"].as_str()),
        (400, Some("invalid_slug"))
    );
    let empty = app.admin("PATCH", &format!("/products/{id}"), Some(&json!({})));
    assert_eq!(
        (empty.status, empty.json["error"].as_str()),
        (400, Some("invalid_request"))
    );

    // Deactivating hides the product from the shop but keeps it for orders.
    let gone = app.admin("DELETE", &format!("/products/{id}"), None);
    assert_eq!(
        (gone.status, gone.json["active"].as_bool()),
        (200, Some(false)),
        "{}",
        gone.text
    );
    assert_eq!(app.get("/products/by-slug/moon-lamp").status, 404);
    assert_eq!(app.list("category=lamps")["total"], 0);
    assert_eq!(app.get(&format!("/products/{id}")).json["active"], false);

    // A product an order ever reserved cannot be deleted; a never-reserved one can.
    let kept = app.create_product("sun-lamp", "lamps", 3, json!({}))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let reserve =
        json!({ "order_id": order_id(1), "lines": [{ "product_id": kept, "quantity": 1 }] });
    assert_eq!(
        app.call("POST", "/reservations", Some(&reserve)).status,
        201
    );
    let refused = app.admin("DELETE", &format!("/products/{kept}?hard=true"), None);
    assert_eq!(
        (refused.status, refused.json["error"].as_str()),
        (409, Some("conflict")),
        "{}",
        refused.text
    );
    let deleted = app.admin("DELETE", &format!("/products/{id}?hard=true"), None);
    assert_eq!((deleted.status, deleted.text.as_str()), (204, ""));
    assert_eq!(app.get(&format!("/products/{id}")).status, 404);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT count(*) FROM stock_adjustments WHERE product_id = '{id}'"
        )),
        0,
        "audit rows go with it"
    );
    let typo = app.admin("DELETE", &format!("/products/{kept}?hadr=true"), None);
    assert_eq!(
        (typo.status, typo.json["error"].as_str()),
        (400, Some("unknown_parameter"))
    );
}

#[test]
fn categories_are_created_listed_updated_and_deleted_when_empty() {
    let app = ProductApp::start(Data::Empty);
    let created = app.admin(
        "POST",
        "/categories",
        Some(&json!({ "slug": "garden", "name": "Garden", "position": 20 })),
    );
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        (
            created.json["slug"].as_str(),
            created.json["product_count"].as_i64()
        ),
        (Some("garden"), Some(0))
    );
    app.admin(
        "POST",
        "/categories",
        Some(&json!({ "slug": "books", "name": "Books", "position": 10 })),
    );
    app.create_product("rake", "garden", 1, json!({}));

    let list = app.get("/categories");
    let slugs: Vec<&str> = list.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["books", "garden"], "menu order is by position");
    assert_eq!(list.json["items"][1]["product_count"], 1);

    let renamed = app.admin(
        "PATCH",
        "/categories/garden",
        Some(&json!({ "name": "Garden & Outdoor" })),
    );
    assert_eq!(
        (renamed.status, renamed.json["name"].as_str()),
        (200, Some("Garden & Outdoor")),
        "{}",
        renamed.text
    );
    assert_eq!(renamed.json["product_count"], 1);
    assert_eq!(
        app.get("/categories/garden").json["name"],
        "Garden & Outdoor"
    );

    let in_use = app.admin("DELETE", "/categories/garden", None);
    assert_eq!(
        (in_use.status, in_use.json["error"].as_str()),
        (409, Some("conflict")),
        "{}",
        in_use.text
    );
    assert_eq!(app.admin("DELETE", "/categories/books", None).status, 204);
    assert_eq!(app.get("/categories/books").status, 404);
    assert_eq!(app.admin("DELETE", "/categories/books", None).status, 404);
    let dup = app.admin(
        "POST",
        "/categories",
        Some(&json!({ "slug": "garden", "name": "Again" })),
    );
    assert_eq!(dup.status, 409);
    let slug_change = app.admin(
        "PATCH",
        "/categories/garden",
        Some(&json!({ "slug": "yard" })),
    );
    assert_eq!(
        (slug_change.status, slug_change.json["error"].as_str()),
        (400, Some("invalid_json")),
        "{}",
        slug_change.text
    );
}

#[test]
fn admin_routes_need_the_admin_marker() {
    let app = ProductApp::start(Data::Empty);
    app.create_category("lamps");
    let id = app.create_product("lamp", "lamps", 1, json!({}))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let body = json!({ "name": "x" });
    let routes = [
        ("POST", "/products".to_owned()),
        ("PATCH", format!("/products/{id}")),
        ("DELETE", format!("/products/{id}")),
        ("DELETE", "/products/not-even-an-id?hard=true".to_owned()),
        ("POST", "/categories".to_owned()),
        ("PATCH", "/categories/lamps".to_owned()),
        ("DELETE", "/categories/lamps".to_owned()),
        ("GET", format!("/products/{id}/stock")),
        ("POST", format!("/products/{id}/stock")),
    ];
    for (method, path) in &routes {
        for headers in [
            vec![],
            vec![("x-redshop-role", "customer")],
            vec![("x-redshop-role", "Admin")],
        ] {
            let with_body = (*method != "GET" && *method != "DELETE").then(|| body.to_string());
            let answer = send(method, &app.url(path), &headers, with_body.as_deref());
            assert_eq!(
                (answer.status, answer.json["error"].as_str()),
                (403, Some("forbidden")),
                "{method} {path} {headers:?}"
            );
        }
    }
    // Nothing changed.
    assert_eq!(app.get(&format!("/products/{id}")).json["active"], true);
    assert_eq!(
        app.get("/categories").json["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // Reads and reservations are not admin routes.
    assert_eq!(app.get("/products").status, 200);
    assert_eq!(app.get(&format!("/products/{id}")).status, 200);
}
