//! The order component as the production app declares it: private, chaining only to
//! `product` and `user`, configured through the documented variables, its user-event
//! consumer a component of its own (`order-consumer`, the same `.wasm` without chaining),
//! and built to import nothing beyond its WIT world.

use redshop_e2e::order::wasm;
use redshop_spin::Manifest;
use redshop_spin::manifest::HttpRoute;
use redshop_testkit::{wit, workspace_dir};

fn production_manifest() -> Manifest {
    Manifest::from_file(&workspace_dir().join("spin.toml")).expect("spin.toml parses and validates")
}

#[test]
fn production_manifest_keeps_the_order_service_private_with_its_grants() {
    let manifest = production_manifest();
    let http: Vec<_> = manifest
        .triggers
        .http
        .iter()
        .filter(|t| t.component == "order")
        .collect();
    assert_eq!(http.len(), 1);
    assert_eq!(http[0].route, HttpRoute::Private);
    assert!(
        manifest
            .triggers
            .redis
            .iter()
            .all(|t| t.component != "order"),
        "the component that chains has no message trigger (Spin's Redis trigger refuses it)"
    );

    let order = &manifest.components["order"];
    assert_eq!(
        order.allowed_outbound_hosts,
        [
            "postgres://127.0.0.1:5432",
            "redis://127.0.0.1:6379",
            "http://product.spin.internal",
            "http://user.spin.internal",
        ]
    );
    for (key, value) in [
        ("db_url", "{{ order_db_url }}"),
        ("redis_url", "{{ redis_url }}"),
        ("redis_prefix", "{{ redis_prefix }}"),
        ("events_channel", "{{ order_events_channel }}"),
        ("payment_mode", "{{ order_payment_mode }}"),
    ] {
        assert_eq!(
            order.variables.get(key).map(String::as_str),
            Some(value),
            "{key}"
        );
    }
    assert!(
        !order.variables.contains_key("user_service_url"),
        "production chains to the user component"
    );
}

#[test]
fn the_order_services_event_consumer_is_its_own_component_without_chaining() {
    let manifest = production_manifest();
    let redis: Vec<_> = manifest
        .triggers
        .redis
        .iter()
        .filter(|t| t.component == "order-consumer")
        .collect();
    assert_eq!(redis.len(), 1, "one subscription: the user events");
    assert_eq!(redis[0].channel, "{{ user_events_channel }}");
    assert!(
        !manifest
            .triggers
            .http
            .iter()
            .any(|t| t.component == "order-consumer"),
        "no HTTP route"
    );
    let consumer = &manifest.components["order-consumer"];
    assert_eq!(consumer.source, manifest.components["order"].source);
    assert_eq!(
        consumer.allowed_outbound_hosts,
        ["postgres://127.0.0.1:5432"]
    );
    assert_eq!(
        consumer.variables.iter().collect::<Vec<_>>(),
        [(&"db_url".to_owned(), &"{{ order_db_url }}".to_owned())]
    );
}

#[test]
fn order_component_imports_only_what_its_world_allows_and_exports_both_handlers() {
    let (order, _) = wasm();
    let extra = wit::violations(&order, &workspace_dir().join("wit"), "order");
    assert!(extra.is_empty(), "imports outside the world: {extra:?}");
    let mut exports: Vec<String> = wit::component(&order)
        .exports
        .iter()
        .map(|e| wit::semver_compatible(e))
        .collect();
    exports.sort();
    assert_eq!(
        exports,
        [
            "fermyon:spin/inbound-redis",
            "wasi:http/incoming-handler@0.2"
        ]
    );
}

#[test]
fn a_retried_checkout_is_answered_by_the_order_service_before_the_gateway_gives_up() {
    // The gateway's upstream deadline, as shipped.
    let text = std::fs::read_to_string(workspace_dir().join("spin.toml")).expect("spin.toml");
    let doc: toml::Table = text.parse().expect("TOML");
    let gateway_ms: u64 = doc["variables"]["gateway_upstream_timeout_ms"]["default"]
        .as_str()
        .and_then(|v| v.parse().ok())
        .expect("gateway_upstream_timeout_ms default");
    // A duplicate waits for its original at most this long, then answers
    // `409 checkout_in_progress`: always before the gateway would answer 504.
    let wait_ms = redshop_order::idempotency::WAIT_FOR_FIRST_MS;
    assert!(
        wait_ms + 500 <= gateway_ms,
        "the order service waits {wait_ms} ms, the gateway {gateway_ms} ms"
    );
}
