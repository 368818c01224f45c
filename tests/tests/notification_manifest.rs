//! The notification component as the production app runs it: private HTTP, its consumer
//! (`notification-consumer`, the same `.wasm`) subscribed to both event channels through
//! their variables, and built to import nothing beyond its
//! WIT world while exporting both handlers.

use redshop_e2e::notification::notification_wasm;
use redshop_spin::Manifest;
use redshop_spin::manifest::HttpRoute;
use redshop_testkit::{wit, workspace_dir};

#[test]
fn production_manifest_keeps_notification_private_and_subscribed_to_both_channels() {
    let manifest = Manifest::from_file(&workspace_dir().join("spin.toml"))
        .expect("spin.toml parses and validates");
    let http: Vec<_> = manifest
        .triggers
        .http
        .iter()
        .filter(|t| t.component == "notification")
        .collect();
    assert_eq!(http.len(), 1, "one HTTP trigger");
    assert_eq!(http[0].route, HttpRoute::Private);
    let mut channels: Vec<&str> = manifest
        .triggers
        .redis
        .iter()
        .filter(|t| t.component == "notification-consumer")
        .map(|t| t.channel.as_str())
        .collect();
    channels.sort_unstable();
    assert_eq!(
        channels,
        ["{{ order_events_channel }}", "{{ user_events_channel }}"]
    );
    assert!(
        manifest
            .triggers
            .redis
            .iter()
            .all(|t| t.component != "notification"),
        "the consumer is a component of its own"
    );
    for id in ["notification", "notification-consumer"] {
        let component = &manifest.components[id];
        assert_eq!(component.source, "target/wasm/notification.wasm", "{id}");
        assert_eq!(
            component.variables.get("db_url").map(String::as_str),
            Some("{{ notification_db_url }}"),
            "{id}"
        );
        assert_eq!(
            component.allowed_outbound_hosts,
            vec!["postgres://127.0.0.1:5432".to_owned()],
            "{id}"
        );
    }
}

#[test]
fn notification_component_imports_only_its_world_and_exports_both_handlers() {
    let wasm = notification_wasm();
    let dir = workspace_dir().join("wit");
    let extra = wit::violations(&wasm, &dir, "notification");
    assert!(extra.is_empty(), "imports outside the world: {extra:?}");
    let mut exports: Vec<String> = wit::component(&wasm)
        .exports
        .iter()
        .map(|e| wit::semver_compatible(e))
        .collect();
    exports.sort_unstable();
    let mut declared: Vec<String> = wit::world(&dir, "notification")
        .exports
        .iter()
        .map(|e| wit::semver_compatible(e))
        .collect();
    declared.sort_unstable();
    assert_eq!(exports, declared);
    assert_eq!(declared.len(), 2, "{declared:?}");
}
