//! The storefront component through redshop: a made-up build output in a `files` mount,
//! served with its content types, caching and security headers; client routes fall back to
//! the shell; nothing outside the mount is ever read; `/api/...` is the gateway's; and the
//! production manifest and WIT world hold it to serving files and nothing else.
//!
//! Requests go over a raw TCP connection so that the path reaches the host exactly as
//! written (an HTTP client library would normalise `..` and `%2e` away before sending).

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use redshop_spin::Manifest;
use redshop_spin::manifest::{FileMount, HttpRoute};
use redshop_testkit::services::unique;
use redshop_testkit::{AppSpec, TestApp, build_wasm, redshop_binary, wit, workspace_dir};

const SHELL: &str = "<!doctype html><html><body><div id=\"root\"></div>shell-marker</body></html>";
const SCRIPT: &str = "console.log('hashed');";
const SCRIPT_FILE: &str = "index-D-DhIe7a.js";
const SECRET: &str = "outside-the-mount-secret";

fn storefront_wasm() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| build_wasm(&["storefront"]).join("storefront.wasm"))
        .clone()
}

/// A directory holding `dist/` (the mount) and, beside it, a file the component must never
/// be able to read. Removed on drop.
struct Site {
    root: PathBuf,
}

impl Site {
    fn new(with_shell: bool) -> Self {
        let root = std::env::temp_dir().join(unique("storefront_site"));
        let dist = root.join("dist");
        std::fs::create_dir_all(dist.join("assets")).expect("create dist");
        if with_shell {
            std::fs::write(dist.join("index.html"), SHELL).expect("write shell");
        }
        std::fs::write(dist.join("assets").join(SCRIPT_FILE), SCRIPT).expect("write script");
        std::fs::write(dist.join("assets/index-Ab12Cd34.css"), "body{}").expect("write css");
        std::fs::write(dist.join("favicon.svg"), "<svg/>").expect("write icon");
        std::fs::write(dist.join(".env"), SECRET).expect("write hidden file");
        std::fs::write(root.join("secret.txt"), SECRET).expect("write secret");
        Self { root }
    }

    fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The app, with the site's `dist` copied into the app directory as `dist` (a `files`
/// mount must lie inside it).
fn manifest(extra: &str) -> String {
    format!(
        r#"spin_manifest_version = 2
[application]
name = "storefront-e2e"

[[trigger.http]]
route = "/..."
component = "storefront"

[component.storefront]
source = "{wasm}"
files = [{{ source = "dist", destination = "/" }}]
{extra}"#,
        wasm = storefront_wasm().display(),
    )
}

fn start(site: &Site, extra: &str) -> TestApp {
    let mut spec = AppSpec::new(redshop_binary(), manifest(extra));
    spec.copies.push((site.dist(), "dist".to_owned()));
    TestApp::start(spec)
}

/// A response read off the wire.
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn error_code(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        let json: serde_json::Value = serde_json::from_str(&self.body).expect("error JSON");
        json["error"].as_str().expect("error code").to_owned()
    }
}

/// `method target` sent byte for byte, with extra header lines.
fn raw(app: &TestApp, method: &str, target: &str, headers: &[(&str, &str)]) -> Raw {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Raw {
        status,
        headers,
        body: dechunk(body, &head.to_ascii_lowercase()),
    }
}

fn dechunk(body: &str, head: &str) -> String {
    if !head.contains("transfer-encoding: chunked") {
        return body.to_owned();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

#[test]
fn the_shell_is_served_at_the_root_and_for_every_client_route() {
    let site = Site::new(true);
    let app = start(&site, "");
    for target in [
        "/",
        "/catalog?q=lamp&page=2",
        "/products/moon-lamp",
        "/account/orders/",
    ] {
        let r = raw(&app, "GET", target, &[]);
        assert_eq!(r.status, 200, "{target}: {r:?}");
        assert_eq!(r.body, SHELL, "{target}");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{target}");
        assert_eq!(
            r.header("content-security-policy"),
            Some(redshop_storefront_csp()),
            "{target}"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
    }
}

fn redshop_storefront_csp() -> &'static str {
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
frame-ancestors 'none'"
}

#[test]
fn assets_get_their_type_and_cache_policy() {
    let site = Site::new(true);
    let app = start(&site, "");
    let script = raw(&app, "GET", &format!("/assets/{SCRIPT_FILE}"), &[]);
    assert_eq!(script.status, 200);
    assert_eq!(script.body, SCRIPT);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        script.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(script.header("content-security-policy"), None);
    let css = raw(&app, "GET", "/assets/index-Ab12Cd34.css", &[]);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let icon = raw(&app, "GET", "/favicon.svg", &[]);
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), Some("image/svg+xml"));
    assert_eq!(icon.header("cache-control"), Some("public, max-age=3600"));
}

#[test]
fn a_missing_file_is_a_json_404_not_the_shell() {
    let site = Site::new(true);
    let app = start(&site, "");
    for target in [
        "/missing.js",
        "/assets/index-Zz99Yy88.js",
        "/assets/chunk",
        "/assets",
    ] {
        let r = raw(&app, "GET", target, &[]);
        assert_eq!(r.status, 404, "{target}: {r:?}");
        assert_eq!(r.error_code(), "not_found", "{target}");
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
}

#[test]
fn traversal_and_hidden_files_never_leave_or_expose_the_mount() {
    let site = Site::new(true);
    let app = start(&site, "");
    for target in [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2E%2E/%2e%2e/secret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/.env",
        "/%2eenv",
        "/a%5c..%5c..%5csecret.txt",
        "/%zz",
    ] {
        let r = raw(&app, "GET", target, &[]);
        assert_eq!(r.status, 400, "{target}: {r:?}");
        assert_eq!(r.error_code(), "invalid_path", "{target}");
        assert!(!r.body.contains(SECRET), "{target} leaked the secret");
    }
}

#[test]
fn head_and_revalidation_send_no_body() {
    let site = Site::new(true);
    let app = start(&site, "");
    let head = raw(&app, "HEAD", "/catalog", &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let etag = head.header("etag").expect("an etag").to_owned();
    let get = raw(&app, "GET", "/", &[]);
    assert_eq!(get.header("etag"), Some(etag.as_str()));
    let again = raw(&app, "GET", "/", &[("if-none-match", &etag)]);
    assert_eq!(again.status, 304);
    assert_eq!(again.body, "");
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let changed = raw(
        &app,
        "GET",
        "/",
        &[("if-none-match", "\"0000000000000000\"")],
    );
    assert_eq!(changed.status, 200);
    assert_eq!(changed.body, SHELL);
}

#[test]
fn only_get_and_head_are_served() {
    let site = Site::new(true);
    let app = start(&site, "");
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = raw(&app, method, "/catalog", &[("content-length", "0")]);
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method}");
        assert_eq!(r.error_code(), "method_not_allowed");
    }
}

#[test]
fn api_paths_reach_the_gateway_route_and_never_get_the_shell() {
    let site = Site::new(true);
    // Without a gateway, the storefront refuses /api itself.
    let alone = start(&site, "");
    for target in ["/api", "/api/v1/products", "/api/health"] {
        let r = raw(&alone, "GET", target, &[]);
        assert_eq!(r.status, 404, "{target}");
        assert_eq!(r.error_code(), "not_found");
    }
    drop(alone);
    // With a component on /api/... (a stand-in for the gateway), the longer route wins.
    let probe = build_wasm(&["guest-probe"]).join("guest_probe.wasm");
    let gateway = format!(
        "\n[[trigger.http]]\nroute = \"/api/...\"\ncomponent = \"gateway\"\n\
         [component.gateway]\nsource = \"{}\"\n",
        probe.display()
    );
    let app = start(&site, &gateway);
    let r = raw(&app, "GET", "/api/v1/products?op=echo", &[]);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(!r.body.contains("shell-marker"), "{}", r.body);
    let echo: serde_json::Value = serde_json::from_str(&r.body).expect("probe echo");
    assert!(echo.to_string().contains("/api/..."), "{echo}");
    assert_eq!(raw(&app, "GET", "/catalog", &[]).body, SHELL);
}

#[test]
fn a_mount_without_the_shell_is_an_internal_error_that_says_no_more() {
    let site = Site::new(false);
    let app = start(&site, "");
    let r = raw(&app, "GET", "/catalog", &[]);
    assert_eq!(r.status, 500);
    assert_eq!(r.body, r#"{"error":"internal","message":"internal error"}"#);
    let (logged, logs) =
        redshop_e2e::log_line(&app, |l| l.contains("missing from the files mount"));
    assert!(logged, "{logs}");
}

#[test]
fn production_manifest_serves_frontend_dist_and_grants_nothing_else() {
    let manifest = Manifest::from_file(&workspace_dir().join("spin.toml"))
        .expect("spin.toml parses and validates");
    let routes: Vec<_> = manifest
        .triggers
        .http
        .iter()
        .filter(|t| t.component == "storefront")
        .map(|t| t.route.clone())
        .collect();
    assert_eq!(routes, vec![HttpRoute::Path("/...".into())]);
    let gateway: Vec<_> = manifest
        .http_routes()
        .filter(|(_, c)| c == "gateway")
        .map(|(r, _)| r)
        .collect();
    assert_eq!(gateway, vec!["/api/...".to_owned()]);
    let storefront = &manifest.components["storefront"];
    assert_eq!(
        storefront.files,
        vec![FileMount::Placement {
            source: "frontend/dist".into(),
            destination: "/".into()
        }]
    );
    assert!(storefront.allowed_outbound_hosts.is_empty());
    assert!(storefront.variables.is_empty());
    assert!(storefront.key_value_stores.is_empty());
}

#[test]
fn storefront_component_imports_only_what_its_world_allows() {
    let wasm = storefront_wasm();
    let extra = wit::violations(&wasm, &workspace_dir().join("wit"), "storefront");
    assert!(extra.is_empty(), "imports outside the world: {extra:?}");
    let imports = wit::component(&wasm).imports;
    assert!(
        imports.iter().all(|i| !i.starts_with("fermyon:")
            && !i.starts_with("spin:")
            && !i.starts_with("wasi:http/outgoing-handler")),
        "{imports:?}"
    );
}
