use super::*;
use crate::domain::{
    CreateCategoryRequest, CreateProductRequest, UpdateCategoryRequest, UpdateProductRequest,
};
use crate::seed::Catalog;
use crate::sql::SqlValue;
use crate::sql::row::fixtures::product_row;
use crate::sql::testing::{assert_user_text_is_parameterized, assert_well_formed};

fn create_cmd() -> CreateProduct {
    let req: CreateProductRequest = serde_json::from_value(serde_json::json!({
        "slug": "sentinel-slug", "sku": "SENTINELSKU", "name": "Sentinelname'); DROP TABLE x; --",
        "description": "Sentineldesc", "category": "shoes", "brand": "Sentinelbrand",
        "price": {"amount_minor": 8999, "currency": "EUR"}, "images": ["/images/sentinelimg.png"],
        "attributes": {"color": "sentinelcolor"}, "initial_stock": 7
    }))
    .unwrap();
    CreateProduct::try_from(req).unwrap()
}

fn id() -> ProductId {
    ProductId::parse("0b6a0f4e-8d6c-4f5e-9a51-2f1f0c9b1a11").unwrap()
}

#[test]
fn insert_product_binds_every_field_in_column_order() {
    let s = insert_product(&create_cmd());
    assert_well_formed(&s);
    assert_user_text_is_parameterized(
        &s,
        &[
            "sentinel-slug",
            "SENTINELSKU",
            "Sentinelname",
            "DROP TABLE",
            "Sentineldesc",
            "Sentinelbrand",
            "sentinelimg",
            "sentinelcolor",
        ],
    );
    assert_eq!(s.params[0], SqlValue::Text("sentinel-slug".into()));
    assert_eq!(s.params[6], SqlValue::Int64(8999));
    assert_eq!(s.params[7], SqlValue::Text("EUR".into()));
    assert_eq!(
        s.params[8],
        SqlValue::Jsonb(r#"["/images/sentinelimg.png"]"#.into())
    );
    assert_eq!(s.params[11], SqlValue::Int64(7));
    assert!(s.sql.contains("$9::jsonb, $10::jsonb, $11::bool"));
    assert!(s.sql.contains("'initial'") && s.sql.contains("WHERE $12::int8 > 0"));
}

#[test]
fn update_product_binds_absent_fields_as_null_and_coalesces() {
    let req: UpdateProductRequest =
        serde_json::from_str(r#"{"name": "Sentinelrename", "active": false}"#).unwrap();
    let s = update_product(id(), &UpdateProduct::try_from(req).unwrap());
    assert_well_formed(&s);
    assert_user_text_is_parameterized(&s, &["Sentinelrename"]);
    assert_eq!(s.params[0], SqlValue::Uuid(id().to_text()));
    assert_eq!(s.params[1], SqlValue::Null, "slug untouched");
    assert_eq!(s.params[3], SqlValue::Text("Sentinelrename".into()));
    assert_eq!(s.params[11], SqlValue::Bool(false));
    assert!(s.sql.contains("name = COALESCE($4::text, p.name)"));
    assert!(s.sql.contains("active = COALESCE($12::bool, p.active)"));
    assert!(s.sql.contains("WHERE p.id = $1::uuid"));
}

#[test]
fn deactivate_is_an_update_of_active_only() {
    let s = deactivate_product(id());
    assert_well_formed(&s);
    let non_null: Vec<&SqlValue> = s.params.iter().filter(|p| **p != SqlValue::Null).collect();
    assert_eq!(
        non_null,
        vec![&SqlValue::Uuid(id().to_text()), &SqlValue::Bool(false)]
    );
}

#[test]
fn lookups_bind_their_key() {
    let slug = Slug::parse("sentinel-lookup").unwrap();
    let by_slug = product_by_slug(&slug);
    assert_well_formed(&by_slug);
    assert_user_text_is_parameterized(&by_slug, &["sentinel-lookup"]);
    assert!(by_slug.sql.ends_with("p.slug = $1::text AND p.active"));
    for s in [product_by_id(id()), delete_product(id())] {
        assert_well_formed(&s);
        assert_eq!(s.params, vec![SqlValue::Uuid(id().to_text())]);
    }
}

#[test]
fn detail_rows_decode_or_report_not_found() {
    let p = Catalog::demo().product(3).unwrap().product;
    let mut row = product_row(&p);
    row.extend([SqlValue::Int64(9), SqlValue::Int64(4)]);
    let (got, stock) = decode_detail(&[row], "x").unwrap();
    assert_eq!((got, stock.available()), (p, 5));
    assert_eq!(
        decode_detail(&[], "slug-x").unwrap_err().to_string(),
        "product not found: slug-x"
    );
    assert!(decode_deleted(&[], "x").is_err());
}

#[test]
fn category_statements_are_parameterized() {
    let create: CreateCategoryRequest =
        serde_json::from_str(r#"{"slug":"sentinel-cat","name":"Sentinelcatname","position":5}"#)
            .unwrap();
    let s = insert_category(&CreateCategory::try_from(create).unwrap());
    assert_well_formed(&s);
    assert_user_text_is_parameterized(&s, &["sentinel-cat", "Sentinelcatname"]);
    assert!(s.sql.contains("$4::int8::int4"));

    let upd: UpdateCategoryRequest =
        serde_json::from_str(r#"{"description":"Sentineldescr"}"#).unwrap();
    let slug = CategorySlug::parse("sentinel-key").unwrap();
    let s = update_category(&slug, &UpdateCategory::try_from(upd).unwrap());
    assert_well_formed(&s);
    assert_user_text_is_parameterized(&s, &["sentinel-key", "Sentineldescr"]);
    assert_eq!(s.params[1], SqlValue::Null);

    for s in [category_by_slug(&slug), delete_category(&slug)] {
        assert_well_formed(&s);
        assert_user_text_is_parameterized(&s, &["sentinel-key"]);
    }
    assert_well_formed(&list_categories());
}

#[test]
fn category_rows_decode_with_their_product_count() {
    let row = vec![
        SqlValue::Text("toys".into()),
        SqlValue::Text("Toys".into()),
        SqlValue::Text(String::new()),
        SqlValue::Int64(20),
        SqlValue::Int64(1),
        SqlValue::Int64(2),
        SqlValue::Int64(31),
    ];
    let c = decode_category_row(&[row], "toys").unwrap();
    assert_eq!((c.position, c.product_count), (20, 31));
    assert_eq!(
        decode_category_row(&[], "toys").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn deleting_a_category_in_use_is_a_conflict() {
    let in_use = vec![SqlValue::Bool(true), SqlValue::Int64(0)];
    assert_eq!(
        decode_delete_category(&[in_use], "toys")
            .unwrap_err()
            .code(),
        "conflict"
    );
    let gone = vec![SqlValue::Bool(false), SqlValue::Int64(1)];
    assert!(decode_delete_category(&[gone], "toys").is_ok());
    assert_eq!(
        decode_delete_category(&[], "toys").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn seed_statements_carry_all_data_in_one_json_parameter() {
    let catalog = Catalog::demo();
    let cats = seed_categories(&catalog.categories().unwrap());
    assert_well_formed(&cats);
    assert_eq!(cats.params.len(), 1);
    let batch: Vec<_> = catalog.products().take(SEED_BATCH).collect();
    let s = seed_products(&batch);
    assert_well_formed(&s);
    assert_eq!(s.params.len(), 1);
    let SqlValue::Jsonb(json) = &s.params[0] else {
        panic!("expected jsonb")
    };
    let rows: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    assert_eq!(rows.len(), batch.len().min(SEED_BATCH));
    assert_eq!(rows[0]["id"], batch[0].product.id.to_text());
    assert_eq!(rows[0]["on_hand"], batch[0].on_hand);
    assert!(!s.sql.contains(batch[0].product.slug.as_str()));
    assert!(s.sql.contains("ON CONFLICT DO NOTHING"));
}

#[test]
fn products_by_ids_binds_one_uuid_per_id_and_only_finds_active_products() {
    let other = ProductId::parse("7d3c9a20-1b2e-4c5d-8e6f-0a1b2c3d4e5f").unwrap();
    let s = products_by_ids(&[id(), other]);
    assert_well_formed(&s);
    assert_eq!(
        s.params,
        vec![
            SqlValue::Uuid(id().to_text()),
            SqlValue::Uuid(other.to_text())
        ]
    );
    assert!(
        s.sql
            .ends_with("WHERE p.id IN ($1::uuid, $2::uuid) AND p.active"),
        "{}",
        s.sql
    );
}

#[test]
fn decode_details_reads_every_row_and_an_empty_answer_is_empty() {
    let seed: Vec<_> = Catalog::demo().products().take(2).collect();
    let rows: Vec<Row> = seed
        .iter()
        .map(|s| {
            let mut row = product_row(&s.product);
            row.extend([SqlValue::Int64(5), SqlValue::Int64(2)]);
            row
        })
        .collect();
    let got = decode_details(&rows).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].0.id, seed[1].product.id);
    assert_eq!(got[0].1.available(), 3);
    assert!(decode_details(&[]).unwrap().is_empty());
}
