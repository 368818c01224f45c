//! The product component as the production app runs it: private in `spin.toml`, reachable
//! only by service chaining, configured by files the host (and Spin) accept, and built to
//! import nothing beyond its WIT world.

use redshop_e2e::pg_host_port;
use redshop_e2e::product::{Data, ProductApp, product_wasm};
use redshop_spin::manifest::HttpRoute;
use redshop_spin::{HostConfig, Manifest, RuntimeConfig};
use redshop_testkit::{AppSpec, TestApp, build_wasm, redshop_binary, send, wit, workspace_dir};

fn production_manifest() -> Manifest {
    Manifest::from_file(&workspace_dir().join("spin.toml")).expect("spin.toml parses and validates")
}

#[test]
fn production_manifest_keeps_the_product_service_private() {
    let manifest = production_manifest();
    let triggers: Vec<_> = manifest
        .triggers
        .http
        .iter()
        .filter(|t| t.component == "product")
        .collect();
    assert_eq!(triggers.len(), 1, "one trigger for product");
    assert_eq!(triggers[0].route, HttpRoute::Private);
    assert!(
        manifest
            .http_routes()
            .all(|(_, component)| component != "product"),
        "no public route reaches product"
    );
    let product = &manifest.components["product"];
    assert_eq!(
        product.variables.get("db_url").map(String::as_str),
        Some("{{ product_db_url }}")
    );
    assert_eq!(
        product.allowed_outbound_hosts,
        vec!["postgres://127.0.0.1:5432".to_owned()]
    );
    assert!(manifest.variables.contains_key("product_db_url"));
    assert!(manifest.warnings().is_empty(), "{:?}", manifest.warnings());
}

#[test]
fn production_runtime_and_host_configs_parse() {
    RuntimeConfig::from_file(&workspace_dir().join("runtime-config.toml"))
        .expect("runtime-config.toml is valid for Spin");
    HostConfig::from_file(&workspace_dir().join("redshop.toml")).expect("redshop.toml is valid");
}

/// The production manifest, run by redshop with the built component and a probe caller:
/// the product API is not reachable from outside, and is reachable by chaining.
#[test]
fn product_is_reachable_only_through_service_chaining() {
    let data = ProductApp::start(Data::Demo);
    let probe = build_wasm(&["guest-probe"]).join("guest_probe.wasm");
    let production =
        std::fs::read_to_string(workspace_dir().join("spin.toml")).expect("read spin.toml");
    let manifest = product_only(&production).replace(
        "target/wasm/product.wasm",
        &product_wasm().display().to_string(),
    ) + &format!(
        r#"
[[trigger.http]]
route = "/caller/..."
component = "caller"
[component.caller]
source = "{}"
allowed_outbound_hosts = ["http://product.spin.internal"]
"#,
        probe.display()
    );
    let mut spec = AppSpec::new(redshop_binary(), manifest);
    spec.env.push((
        "SPIN_VARIABLE_PRODUCT_DB_URL".into(),
        data.db.address(&pg_host_port()),
    ));
    let app = TestApp::start(spec);
    for path in ["/products", "/product/products", "/categories"] {
        assert_eq!(app.get(path).0, 404, "{path} must not be public");
    }
    let (status, body) = send(ureq::get(&app.url(
        "/caller/x?op=fetch&url=http%3A%2F%2Fproduct.spin.internal%2Fproducts%3Flimit%3D2",
    )));
    assert_eq!(status, 200, "{body}");
    let fetched: serde_json::Value = serde_json::from_str(&body).expect("probe answers JSON");
    assert_eq!(fetched["status"], 200, "{fetched}");
    let listing: serde_json::Value =
        serde_json::from_str(fetched["body"].as_str().expect("body")).expect("listing JSON");
    assert_eq!(
        listing["items"].as_array().map(Vec::len),
        Some(2),
        "{listing}"
    );
}

/// The production manifest cut down to the product service: the application header, its
/// one variable, and its trigger and component blocks exactly as written. The other
/// components are left out: they need their own builds, databases and secrets, and this
/// test is about how the product service is wired.
fn product_only(production: &str) -> String {
    let mut sections: Vec<Vec<&str>> = vec![Vec::new()];
    for line in production.lines() {
        if line.starts_with('[') {
            sections.push(Vec::new());
        }
        if let Some(last) = sections.last_mut() {
            last.push(line);
        }
    }
    let mut out = Vec::new();
    for (i, lines) in sections.iter().enumerate() {
        let header = lines.first().map_or("", |l| l.trim());
        let product_trigger =
            header == "[[trigger.http]]" && lines.contains(&"component = \"product\"");
        let product_component =
            header == "[component.product]" || header.starts_with("[component.product.");
        if i == 0 || header == "[application]" || product_trigger || product_component {
            out.extend(lines.iter().copied());
        } else if header == "[variables]" {
            out.push(header);
            out.extend(lines.iter().filter(|l| l.starts_with("product_db_url")));
        }
    }
    out.join("\n") + "\n"
}

#[test]
fn product_component_imports_only_what_its_world_allows() {
    let wasm = product_wasm();
    let extra = wit::violations(&wasm, &workspace_dir().join("wit"), "product");
    assert!(extra.is_empty(), "imports outside the world: {extra:?}");
    // spin-sdk 5.2 exports the handler under the 0.2.0 name it was generated from; WASI 0.2.x
    // versions are semver-compatible, so the world's 0.2.6 export is the same interface.
    let exports: Vec<String> = wit::component(&wasm)
        .exports
        .iter()
        .map(|e| wit::semver_compatible(e))
        .collect();
    let declared: Vec<String> = wit::world(&workspace_dir().join("wit"), "product")
        .exports
        .iter()
        .map(|e| wit::semver_compatible(e))
        .collect();
    assert_eq!(exports, declared);
    assert_eq!(declared, vec!["wasi:http/incoming-handler@0.2".to_owned()]);
}

#[test]
fn the_world_check_can_fail() {
    // The probe fixture makes outbound HTTP calls, which the product world leaves out.
    let probe = build_wasm(&["guest-probe"]).join("guest_probe.wasm");
    let extra = wit::violations(&probe, &workspace_dir().join("wit"), "product");
    assert!(
        extra.contains(&"wasi:http/outgoing-handler@0.2.6".to_owned()),
        "{extra:?}"
    );
}
