//! Postgres over TLS against throw-away clusters this test starts, with a CA and
//! certificates it makes: verified TLS with the CA from `[[client_tls]]`, the same server
//! refused without it (no fallback to plain), `sslmode=disable` still plain, a server
//! without TLS refused under `require`, a certificate for another name refused, and a
//! client certificate presented for mutual TLS.

mod common;

use common::pg_cluster::{ClusterSpec, PgCluster};
use common::{TestApp, post_json};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use serde_json::{Value, json};

/// A CA, a server certificate for `localhost` only, and a client certificate for the
/// database user `certuser`, all PEM.
struct Pki {
    ca: String,
    server_cert: String,
    server_key: String,
    client_cert: String,
    client_key: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "redshop test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = ca.self_signed(&ca_key).expect("CA certificate");
    let leaf = |names: Vec<String>, cn: &str| {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(names).expect("params");
        params.distinguished_name.push(DnType::CommonName, cn);
        let cert = params.signed_by(&key, &ca, &ca_key).expect("certificate");
        (cert.pem(), key.serialize_pem())
    };
    let (server_cert, server_key) = leaf(vec!["localhost".into()], "localhost");
    let (client_cert, client_key) = leaf(Vec::new(), "certuser");
    Pki {
        ca: ca.pem(),
        server_cert,
        server_key,
        client_cert,
        client_key,
    }
}

/// A cluster with TLS on (the test's server certificate, client certificates checked
/// against the test's CA): `certuser` must present a certificate, everyone else may
/// connect with or without TLS.
fn tls_cluster(pki: &Pki) -> PgCluster {
    let cluster = start(ClusterSpec {
        settings: vec![
            "ssl = on".into(),
            "ssl_cert_file = 'server.crt'".into(),
            "ssl_key_file = 'server.key'".into(),
            "ssl_ca_file = 'ca.crt'".into(),
        ],
        hba: "hostssl all certuser all cert\nhost all all all trust",
        files: vec![
            ("server.crt", pki.server_cert.clone()),
            ("server.key", pki.server_key.clone()),
            ("ca.crt", pki.ca.clone()),
        ],
    });
    cluster
        .execute("CREATE ROLE certuser LOGIN")
        .expect("create certuser");
    cluster
}

fn start(spec: ClusterSpec<'_>) -> PgCluster {
    PgCluster::start(&spec).unwrap_or_else(|why| {
        panic!("this test needs its own PostgreSQL cluster and cannot start one: {why}")
    })
}

/// `pg` trusts the test's CA; `mtls` also presents the client certificate; `stranger`
/// has no `[[client_tls]]` entry, so only the platform's roots.
fn app(port: u16, files: &tempfile::TempDir, pki: &Pki) -> TestApp {
    let write = |name: &str, text: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, text).expect("write pem");
        path.display().to_string()
    };
    let ca = write("ca.pem", &pki.ca);
    let cert = write("client.pem", &pki.client_cert);
    let key = write("client.key", &pki.client_key);
    let manifest = format!(
        r#"
spin_manifest_version = 2
[application]
name = "pg-tls"
[[trigger.http]]
route = "/pg"
component = "pg"
[[trigger.http]]
route = "/mtls"
component = "mtls"
[[trigger.http]]
route = "/stranger"
component = "stranger"
[component.pg]
source = "{{{{pg}}}}"
allowed_outbound_hosts = ["postgres://localhost:{port}", "postgres://127.0.0.1:{port}"]
[component.mtls]
source = "{{{{pg}}}}"
allowed_outbound_hosts = ["postgres://localhost:{port}"]
[component.stranger]
source = "{{{{pg}}}}"
allowed_outbound_hosts = ["postgres://localhost:{port}"]
"#
    );
    let runtime_config = format!(
        r#"
[[client_tls]]
component_ids = ["pg"]
hosts = ["localhost", "127.0.0.1"]
ca_roots_file = "{ca}"

[[client_tls]]
component_ids = ["mtls"]
hosts = ["localhost"]
ca_roots_file = "{ca}"
client_cert_file = "{cert}"
client_private_key_file = "{key}"
"#
    );
    let mut spec = common::spec(&manifest);
    spec.runtime_config = Some(&runtime_config);
    TestApp::start(spec)
}

/// Is this connection TLS, as the server sees it? The guest's answer, or its open error.
fn ssl_in_use(app: &TestApp, route: &str, address: &str) -> Result<bool, String> {
    let (status, out) = post_json(
        &app.url(route),
        &json!({ "address": address, "steps": [{
            "sql": "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            "params": [], "mode": "query" }] }),
    );
    assert_eq!(status, 200, "{out}");
    if let Some(error) = out["open_error"].as_str() {
        return Err(error.to_owned());
    }
    match &out["results"][0]["rows"][0][0] {
        Value::String(s) if s == "DbValue::Boolean(true)" => Ok(true),
        Value::String(s) if s == "DbValue::Boolean(false)" => Ok(false),
        other => panic!("unexpected answer {other}: {out}"),
    }
}

fn assert_failed(result: Result<bool, String>, needle: &str, what: &str) {
    match result {
        Err(e) => assert!(
            e.starts_with("Error::ConnectionFailed(") && e.contains(needle),
            "{what}: expected connection-failed naming `{needle}`, got {e}"
        ),
        Ok(ssl) => panic!("{what}: connected (ssl={ssl}) but should have failed"),
    }
}

#[test]
fn tls_is_verified_with_the_ca_from_client_tls_and_never_falls_back() {
    let pki = pki();
    let cluster = tls_cluster(&pki);
    let files = tempfile::tempdir().expect("tempdir");
    let app = app(cluster.port, &files, &pki);
    let port = cluster.port;
    let at = |host: &str, query: &str| format!("postgres://postgres@{host}:{port}/postgres{query}");

    // With the CA: every mode but `disable` is TLS.
    for query in [
        "?sslmode=require",
        "?sslmode=verify-full",
        "?sslmode=prefer",
        "",
    ] {
        assert_eq!(
            ssl_in_use(&app, "/pg", &at("localhost", query)),
            Ok(true),
            "{query}"
        );
    }
    // `disable` against a server that offers TLS and allows plain: plain.
    assert_eq!(
        ssl_in_use(&app, "/pg", &at("localhost", "?sslmode=disable")),
        Ok(false)
    );
    assert_eq!(
        ssl_in_use(&app, "/stranger", &at("localhost", "?sslmode=disable")),
        Ok(false)
    );

    // Without the CA the certificate does not verify, and nothing is retried in the clear,
    // whether TLS was required or only preferred.
    for query in ["?sslmode=require", "?sslmode=prefer", ""] {
        assert_failed(
            ssl_in_use(&app, "/stranger", &at("localhost", query)),
            "invalid peer certificate",
            query,
        );
    }

    // The right CA, the wrong name: the certificate is for `localhost`, not `127.0.0.1`.
    assert_failed(
        ssl_in_use(&app, "/pg", &at("127.0.0.1", "?sslmode=require")),
        "certificate not valid for name",
        "127.0.0.1",
    );
}

#[test]
fn a_client_certificate_from_client_tls_is_presented() {
    let pki = pki();
    let cluster = tls_cluster(&pki);
    let files = tempfile::tempdir().expect("tempdir");
    let app = app(cluster.port, &files, &pki);
    let address = format!(
        "postgres://certuser@localhost:{}/postgres?sslmode=require",
        cluster.port
    );
    assert_eq!(ssl_in_use(&app, "/mtls", &address), Ok(true));
    // The same CA but no client certificate: the server refuses `certuser`.
    assert_failed(
        ssl_in_use(&app, "/pg", &address),
        "certificate",
        "no client certificate",
    );
}

#[test]
fn a_server_without_tls_is_refused_when_tls_is_required() {
    let pki = pki();
    let cluster = start(ClusterSpec {
        settings: vec!["ssl = off".into()],
        hba: "host all all all trust",
        files: Vec::new(),
    });
    let files = tempfile::tempdir().expect("tempdir");
    let app = app(cluster.port, &files, &pki);
    let at = |query: &str| {
        format!(
            "postgres://postgres@localhost:{}/postgres{query}",
            cluster.port
        )
    };
    for query in ["?sslmode=require", "?sslmode=verify-full"] {
        assert_failed(
            ssl_in_use(&app, "/pg", &at(query)),
            "server does not support TLS",
            query,
        );
    }
    // Spin's `prefer` (and no mode): a server that has no TLS at all gets a plain session.
    for query in ["?sslmode=prefer", ""] {
        assert_eq!(ssl_in_use(&app, "/pg", &at(query)), Ok(false), "{query}");
    }
}
