//! The gateway as the production app declares it: the one public API on `/api/...`, the
//! only component that may chain to every service (the trust boundary of
//! docs/contracts.md), and a built component that imports nothing beyond its WIT world.

use std::path::PathBuf;
use std::sync::OnceLock;

use redshop_spin::Manifest;
use redshop_spin::manifest::HttpRoute;
use redshop_testkit::{build_wasm, wit, workspace_dir};

fn production() -> Manifest {
    Manifest::from_file(&workspace_dir().join("spin.toml")).expect("spin.toml parses")
}

fn gateway_wasm() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| build_wasm(&["gateway"]).join("gateway.wasm"))
        .clone()
}

#[test]
fn the_gateway_is_public_on_api_and_chains_to_the_services_only() {
    let manifest = production();
    let routes: Vec<_> = manifest
        .triggers
        .http
        .iter()
        .filter(|t| t.component == "gateway")
        .collect();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].route, HttpRoute::Path("/api/...".into()));
    let gateway = &manifest.components["gateway"];
    assert_eq!(
        gateway.allowed_outbound_hosts,
        [
            "http://product.spin.internal",
            "http://user.spin.internal",
            "http://order.spin.internal",
            "http://notification.spin.internal",
            "redis://127.0.0.1:6379",
        ]
        .map(String::from)
        .to_vec()
    );
    for key in [
        "redis_url",
        "redis_prefix",
        "cors_origins",
        "rate_limit_auth",
        "upstream_timeout_ms",
    ] {
        assert!(gateway.variables.contains_key(key), "{key}");
    }
}

#[test]
fn no_component_may_chain_by_wildcard_and_only_gateway_and_order_chain_at_all() {
    let manifest = production();
    for (id, component) in &manifest.components {
        for host in &component.allowed_outbound_hosts {
            assert!(!host.contains('*'), "{id} lists a wildcard: {host}");
            if host.ends_with(".spin.internal") {
                assert!(
                    ["gateway", "order"].contains(&id.as_str()),
                    "{id} chains to {host}"
                );
            }
        }
    }
    // Only the gateway and the storefront are public.
    let public: Vec<String> = manifest.http_routes().map(|(_, c)| c).collect();
    assert!(
        public.iter().all(|c| c == "gateway" || c == "storefront"),
        "{public:?}"
    );
}

#[test]
fn the_gateway_component_imports_only_what_its_world_allows() {
    let wasm = gateway_wasm();
    let extra = wit::violations(&wasm, &workspace_dir().join("wit"), "gateway");
    assert!(extra.is_empty(), "imports outside the world: {extra:?}");
    let imports = wit::component(&wasm).imports;
    assert!(
        !imports.iter().any(|i| i.starts_with("spin:postgres")),
        "{imports:?}"
    );
    let exports: Vec<String> = wit::component(&wasm)
        .exports
        .iter()
        .map(|e| wit::semver_compatible(e))
        .collect();
    assert_eq!(exports, ["wasi:http/incoming-handler@0.2".to_owned()]);
}
