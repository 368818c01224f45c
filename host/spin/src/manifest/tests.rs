use super::*;

const SHOP: &str = r#"
spin_manifest_version = 2

[application]
name = "red-shopping"
version = "0.1.0"
description = "Storefront"
authors = ["Red Team <red@example.com>"]

[application.trigger.redis]
address = "redis://{{ redis_host }}:6379"

[variables]
redis_host = { default = "localhost" }
payment_token = { required = true, secret = true }
psp_host = { default = "psp.example" }

[[trigger.http]]
route = "/cart/..."
component = "cart"

[[trigger.http]]
id = "checkout-http"
route = "/checkout"
component = "checkout"
executor = { type = "spin" }

[[trigger.http]]
route = { private = true }
component = "stock"

[[trigger.redis]]
channel = "orders"
component = "checkout"

[[trigger.redis]]
channel = "stock-{{ redis_host }}"
address = "redis://other:6379"
component = "stock"

[component.cart]
source = "target/wasm32-wasip2/release/cart.wasm"
description = "Shopping cart"
allowed_outbound_hosts = ["http://stock.spin.internal", "redis://{{ redis_host }}"]
key_value_stores = ["default", "cart-sessions"]
sqlite_databases = ["default", "order_archive"]
environment = { RUST_LOG = "info" }
files = ["static/*", { source = "assets", destination = "/assets" }]
exclude_files = ["static/secret.txt"]
variables = { token = "{{ payment_token }}", url = "https://{{psp_host}}/pay" }

[component.cart.build]
command = "cargo build --release"
workdir = "cart"
watch = ["src/**/*.rs"]

[component.checkout]
source = "checkout.wasm"
allowed_outbound_hosts = ["https://{{ psp_host }}"]

[component.stock]
source = "stock.wasm"
"#;

fn parse_err(text: &str) -> String {
    Manifest::parse(text).unwrap_err().to_string()
}

/// A minimal valid manifest with `extra` appended to `[component.c]`.
fn with_component_fields(extra: &str) -> String {
    format!(
        "spin_manifest_version = 2\n[application]\nname = \"a\"\n[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n[component.c]\nsource = \"c.wasm\"\n{extra}\n"
    )
}

#[test]
fn shop_manifest_parses_into_typed_structs() {
    let m = Manifest::parse(SHOP).unwrap();
    assert_eq!(m.application.name, "red-shopping");
    assert_eq!(m.application.version.as_deref(), Some("0.1.0"));
    assert_eq!(m.application.authors.len(), 1);
    assert_eq!(
        m.variables["payment_token"],
        VariableDecl {
            required: true,
            secret: true,
            ..Default::default()
        }
    );
    assert_eq!(
        m.variables["redis_host"].default.as_deref(),
        Some("localhost")
    );
    assert_eq!(m.triggers.http.len(), 3);
    assert_eq!(m.triggers.http[1].id.as_deref(), Some("checkout-http"));
    assert_eq!(m.triggers.http[2].route, HttpRoute::Private);
    assert_eq!(m.triggers.redis[0].channel, "orders");
    assert_eq!(
        m.redis_address(&m.triggers.redis[0]),
        "redis://{{ redis_host }}:6379"
    );
    assert_eq!(m.redis_address(&m.triggers.redis[1]), "redis://other:6379");
    let cart = &m.components["cart"];
    assert_eq!(cart.source, "target/wasm32-wasip2/release/cart.wasm");
    assert_eq!(cart.key_value_stores, ["default", "cart-sessions"]);
    assert_eq!(cart.sqlite_databases, ["default", "order_archive"]);
    assert!(m.components["checkout"].sqlite_databases.is_empty());
    assert_eq!(
        cart.files[1],
        FileMount::Placement {
            source: "assets".into(),
            destination: "/assets".into()
        }
    );
    assert_eq!(
        cart.build.as_ref().map(|b| b.command.commands().to_vec()),
        Some(vec!["cargo build --release".to_owned()])
    );
    assert_eq!(cart.variables["url"], "https://{{psp_host}}/pay");
    assert!(m.warnings().is_empty());
}

#[test]
fn private_routes_are_left_out_of_the_router() {
    let m = Manifest::parse(SHOP).unwrap();
    let routes: Vec<_> = m.http_routes().collect();
    assert_eq!(
        routes,
        [
            ("/cart/...".to_owned(), "cart".to_owned()),
            ("/checkout".to_owned(), "checkout".to_owned())
        ]
    );
    let router = m.router().unwrap();
    assert_eq!(
        router
            .route("/cart/items")
            .map(|r| r.component_id().to_owned())
            .as_deref(),
        Some("cart")
    );
}

#[test]
fn duplicate_routes_are_warnings_and_last_wins() {
    let text = "spin_manifest_version = 2\n[application]\nname = \"a\"\n\
        [[trigger.http]]\nroute = \"/x\"\ncomponent = \"first\"\n\
        [[trigger.http]]\nroute = \"/x\"\ncomponent = \"second\"\n\
        [component.first]\nsource = \"1.wasm\"\n[component.second]\nsource = \"2.wasm\"\n";
    let m = Manifest::parse(text).unwrap();
    assert_eq!(
        m.warnings(),
        ["duplicate route, will never be used: first: /x (duplicate of second)"]
    );
    assert_eq!(
        m.router().unwrap().route("/x").unwrap().component_id(),
        "second"
    );
}

#[test]
fn base_slash_is_a_warning() {
    let text = SHOP.replace(
        "[application.trigger.redis]",
        "[application.trigger.http]\nbase = \"/\"\n[application.trigger.redis]",
    );
    let m = Manifest::parse(&text).unwrap();
    assert_eq!(m.warnings().len(), 1);
    assert_eq!(
        m.application
            .trigger
            .http
            .as_ref()
            .and_then(|h| h.base.as_deref()),
        Some("/")
    );
}

#[test]
fn reserved_route_is_a_warning() {
    let text =
        with_component_fields("").replace("route = \"/\"", "route = \"/.well-known/spin/x\"");
    let m = Manifest::parse(&text).unwrap();
    assert_eq!(
        m.warnings(),
        [
            "Routes under /.well-known/spin/ are handled by the Spin runtime and will never be reached"
        ]
    );
}

#[test]
fn spin_executor_aliases_are_accepted() {
    for executor in ["{ type = \"spin\" }", "{ type = \"http\" }"] {
        let text = with_component_fields("").replace(
            "component = \"c\"\n",
            &format!("component = \"c\"\nexecutor = {executor}\n"),
        );
        assert!(Manifest::parse(&text).is_ok(), "{executor}");
    }
}

#[test]
fn application_tool_settings_are_ignored() {
    let text = with_component_fields("").replace(
        "name = \"a\"\n",
        "name = \"a\"\n[application.tool.lint]\nlevel = \"x\"\n",
    );
    assert!(Manifest::parse(&text).is_ok());
}

#[test]
fn version_errors() {
    let cases = [
        "",
        "spin_manifest_version = \"1\"\nname = \"old\"",
        "spin_version = \"1\"",
        "spin_manifest_version = \"0\"",
        "spin_manifest_version = 3",
        "spin_manifest_version = 1",
        "spin_manifest_version = 2\nname = \"x\"",
        "spin_manifest_version = 2",
        "spin_manifest_version = 2\n[application]\nname = \"a\"",
        "spin_manifest_version = 2\n[application]\nname = \"a\"\n[[trigger.http]]\nroute = ",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c}\n=> {}", parse_err(c)))
        .collect();
    insta::assert_snapshot!(out.join("\n---\n"));
}

#[test]
fn trigger_errors() {
    let base = "spin_manifest_version = 2\n[application]\nname = \"a\"\n[component.c]\nsource = \"c.wasm\"\n";
    let cases = [
        "[[trigger.mqtt]]\ncomponent = \"c\"\naddress = \"mqtt://x\"",
        "[[trigger.cron]]\ncomponent = \"c\"\ncron_expression = \"* * * * *\"",
        "[application.trigger.mqtt]\nx = 1\n[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"",
        "[[trigger.http]]\nroute = \"/\"\ncomponent = { source = \"inline.wasm\" }",
        "[[trigger.http]]\nroute = \"/\"\ncomponent = \"missing\"",
        "[[trigger.http]]\nroute = \"/\"\ncomponent = \"Bad_Id\"",
        "[[trigger.http]]\nroute = \"/\"",
        "[[trigger.http]]\ncomponent = \"c\"",
        "[[trigger.http]]\nroute = { private = false }\ncomponent = \"c\"",
        "[[trigger.http]]\nroute = { public = true }\ncomponent = \"c\"",
        "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\nexecutor = { type = \"wagi\" }",
        "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\nexecutor = { type = \"fast\" }",
        "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\nmethods = [\"GET\"]",
        "[[trigger.http]]\nroute = \"/\"\nstatic_response = { body = \"hi\" }",
        "[[trigger.http]]\nroute = \"/a/:\"\ncomponent = \"c\"",
        "[[trigger.redis]]\nchannel = \"x\"\ncomponent = \"c\"",
        "[[trigger.redis]]\nchannel = \"{{ nope }}\"\ncomponent = \"c\"\naddress = \"redis://x\"",
        "[application.trigger.http]\nbase = \"/shop\"\n[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c}\n=> {}", parse_err(&format!("{base}{c}"))))
        .collect();
    insta::assert_snapshot!(out.join("\n---\n"));
}

#[test]
fn component_errors() {
    let cases = [
        "ai_models = [\"llama2-chat\"]",
        "dependencies = { \"a:b/c\" = \">=0.1.0\" }",
        "dependencies_inherit_configuration = true",
        "allowed_http_hosts = [\"example.com\"]",
        "[component.c.tool.clean]\ncommand = \"cargo clean\"",
        "colour = \"red\"",
        "key_value_stores = [\"b@dlabel\"]",
        "sqlite_databases = [\"b@dlabel\"]",
        "sqlite_databases = [\"Mixed-case_label\"]",
        "sqlite_databases = \"default\"",
        "variables = { BadName = \"x\" }",
        "variables = { api = \"{{ undeclared }}\" }",
        "variables = { api = \"{{ unclosed\" }",
        "allowed_outbound_hosts = [\"https://{{ undeclared }}\"]",
        "allowed_outbound_hosts = [\"example.com\"]",
        "allowed_outbound_hosts = [\"insecure:allow-all\"]",
        "files = [{ source = \"a\" }]",
        "build = { command = \"make\", shell = \"bash\" }",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c}\n=> {}", parse_err(&with_component_fields(c))))
        .collect();
    insta::assert_snapshot!(out.join("\n---\n"));
}

#[test]
fn component_source_and_id_errors() {
    let head = "spin_manifest_version = 2\n[application]\nname = \"a\"\n[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n";
    let cases = [
        "[component.c]\nsource = { url = \"https://example.com/c.wasm\", digest = \"sha256:abc\" }",
        "[component.c]\nsource = { registry = \"ghcr.io\", package = \"a:b\", version = \"1.0.0\" }",
        "[component.c]\ndescription = \"no source\"",
        "[component.c]\nsource = \"c.wasm\"\n[component.bad_id]\nsource = \"x.wasm\"",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c}\n=> {}", parse_err(&format!("{head}{c}"))))
        .collect();
    insta::assert_snapshot!(out.join("\n---\n"));
}

#[test]
fn variable_errors() {
    let head = "spin_manifest_version = 2\n[application]\nname = \"a\"\n[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n[component.c]\nsource = \"c.wasm\"\n[variables]\n";
    let cases = [
        "\"bad+name\" = { required = true }",
        "Upper = { required = true }",
        "double__underscore = { required = true }",
        "both = { required = true, default = \"x\" }",
        "neither = { secret = true }",
        "extra = { default = \"x\", kind = \"string\" }",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|c| format!("{c}\n=> {}", parse_err(&format!("{head}{c}"))))
        .collect();
    insta::assert_snapshot!(out.join("\n---\n"));
}

#[test]
fn allowed_hosts_templates_are_checked_with_defaults() {
    let head = "spin_manifest_version = 2\n[application]\nname = \"a\"\n[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n[component.c]\nsource = \"c.wasm\"\n";
    // A required variable has no default: the entry cannot be checked yet.
    let ok = format!(
        "{head}allowed_outbound_hosts = [\"{{{{ host }}}}\"]\n[variables]\nhost = {{ required = true }}\n"
    );
    assert!(Manifest::parse(&ok).is_ok());
    let bad = format!(
        "{head}allowed_outbound_hosts = [\"{{{{ host }}}}\"]\n[variables]\nhost = {{ default = \"example.com\" }}\n"
    );
    insta::assert_snapshot!(parse_err(&bad));
}

#[test]
fn from_file_reports_the_path() {
    let err = Manifest::from_file(Path::new("/nonexistent/spin.toml")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("failed to read Spin app manifest /nonexistent/spin.toml")
    );
}

#[test]
fn a_component_a_redis_trigger_runs_may_not_need_service_chaining() {
    let manifest = |hosts: &str| {
        format!(
            "spin_manifest_version = 2\n[application]\nname = \"a\"\n\
             [[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n\
             [[trigger.redis]]\nchannel = \"events\"\naddress = \"redis://x\"\ncomponent = \"c\"\n\
             [component.c]\nsource = \"c.wasm\"\nallowed_outbound_hosts = [{hosts}]\n"
        )
    };
    // Spin 4.0.2's words at `spin up` (crates/trigger/src/cli.rs).
    let refused = "This application requires the following features that are not available in this version of the 'redis' trigger: local_service_chaining";
    for hosts in [
        "\"http://stock.spin.internal\"",
        "\"postgres://db\", \"http://*.spin.internal\"",
        "\"https://stock.spin.internal:8443\"",
    ] {
        assert_eq!(parse_err(&manifest(hosts)), refused, "{hosts}");
    }
    // Other hosts (`*://*:*` grants no chaining), or the same chaining component behind an
    // HTTP trigger only, are accepted.
    for hosts in ["\"postgres://db\"", "\"http://*:*\""] {
        assert!(Manifest::parse(&manifest(hosts)).is_ok(), "{hosts}");
    }
    let http_only = with_component_fields("allowed_outbound_hosts = [\"http://*.spin.internal\"]");
    assert!(Manifest::parse(&http_only).is_ok());
}
