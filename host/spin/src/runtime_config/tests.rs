use super::*;

fn parse(text: &str) -> RuntimeConfig {
    RuntimeConfig::parse(text).unwrap()
}

fn error(text: &str) -> String {
    RuntimeConfig::parse(text).unwrap_err().to_string()
}

#[test]
fn empty_config_uses_spin_defaults() {
    let c = parse("");
    assert_eq!(c, RuntimeConfig::default());
    let app = Path::new("/app");
    assert_eq!(c.resolved_state_dir(app), Some(PathBuf::from("/app/.spin")));
    assert_eq!(
        c.resolved_log_dir(app),
        Some(PathBuf::from("/app/.spin/logs"))
    );
}

#[test]
fn directories_and_memory_limit_are_read() {
    let c = parse("state_dir = \"/var/lib/shop\"\nlog_dir = \"\"\nmax_instance_memory = 134217728");
    assert_eq!(c.state_dir, Some(DirSetting::Path("/var/lib/shop".into())));
    assert_eq!(c.log_dir, Some(DirSetting::Unset));
    assert_eq!(c.max_instance_memory, Some(134_217_728));
    assert_eq!(c.resolved_log_dir(Path::new("/app")), None);
}

#[test]
fn empty_state_dir_disables_state_and_default_logs() {
    let c = parse("state_dir = \"\"");
    assert_eq!(c.resolved_state_dir(Path::new("/app")), None);
    assert_eq!(c.resolved_log_dir(Path::new("/app")), None);
}

#[test]
fn variables_providers_are_parsed_in_order() {
    let c = parse(
        r#"
        [[variables_provider]]
        type = "env"
        prefix = "SHOP"
        dotenv_path = ".env.local"

        [[variables_provider]]
        type = "vault"
        url = "http://vault:8200"
        token = "root-token"
        mount = "secret"
        "#,
    );
    assert_eq!(
        c.variables_providers[0],
        VariablesProvider::Env(EnvProvider {
            prefix: Some("SHOP".into()),
            dotenv_path: Some(".env.local".into())
        })
    );
    let VariablesProvider::Vault(vault) = &c.variables_providers[1] else {
        panic!("expected vault")
    };
    assert_eq!(vault.token.expose(), "root-token");
    assert!(!format!("{c:?}").contains("root-token"));
}

#[test]
fn config_provider_is_the_old_name_for_variables_provider() {
    let c = parse("[[config_provider]]\ntype = \"env\"");
    assert_eq!(
        c.variables_providers,
        [VariablesProvider::Env(EnvProvider::default())]
    );
}

#[test]
fn config_provider_is_unused_when_variables_provider_is_present() {
    let e = error("[[variables_provider]]\ntype = \"env\"\n[[config_provider]]\ntype = \"env\"");
    assert_eq!(e, "unused runtime config key(s): config_provider");
}

#[test]
fn key_value_stores_by_type() {
    let c = parse(
        r#"
        [key_value_store.cache]
        type = "redis"
        url = "redis://shop:hunter2@cache:6379"

        [key_value_store.local]
        type = "spin"
        path = "data/kv.db"

        [key_value_store.memory]
        type = "spin"

        [key_value_store.cloud]
        type = "aws_dynamo"
        region = "eu-west-1"
        table = "kv"
        "#,
    );
    let KeyValueStore::Redis { url } = &c.key_value_stores["cache"] else {
        panic!("expected redis")
    };
    assert_eq!(url.expose(), "redis://shop:hunter2@cache:6379");
    assert_eq!(
        c.key_value_stores["local"],
        KeyValueStore::Spin {
            path: Some("data/kv.db".into())
        }
    );
    assert_eq!(
        c.key_value_stores["memory"],
        KeyValueStore::Spin { path: None }
    );
    assert_eq!(
        c.key_value_stores["cloud"],
        KeyValueStore::Unsupported {
            store_type: "aws_dynamo".into()
        }
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("redis://shop:*****@cache:6379"), "{debug}");
}

#[test]
fn outbound_sections_are_parsed() {
    let c = parse(
        r#"
        [outbound_http]
        connection_pooling = true
        max_concurrent_requests = 64

        [outbound_networking]
        block_networks = ["private", "1.2.3.4/32"]

        [[client_tls]]
        component_ids = ["payments"]
        hosts = ["psp.example"]
        ca_roots_file = "certs/psp-ca.pem"
        "#,
    );
    assert_eq!(
        c.outbound_http,
        Some(OutboundHttp {
            connection_pooling: true,
            max_concurrent_requests: Some(64)
        })
    );
    assert_eq!(
        c.outbound_networking.unwrap().block_networks,
        ["private", "1.2.3.4/32"]
    );
    assert_eq!(c.client_tls[0].component_ids, ["payments"]);
}

#[test]
fn sqlite_databases_by_type() {
    let c = parse(
        r#"
        [sqlite_database.default]
        type = "spin"
        path = "data/app.db"

        [sqlite_database.scratch]
        type = "spin"

        [sqlite_database.reports]
        type = "spin"
        path = "/var/lib/shop/reports.db"
        allow_attach_file = true

        [sqlite_database.remote]
        type = "libsql"
        url = "https://db.example"
        token = "secret-token"
        "#,
    );
    assert_eq!(
        c.sqlite_databases["default"],
        SqliteDatabase::Spin(SpinSqliteDatabase {
            path: Some("data/app.db".into()),
            allow_attach_file: false,
        })
    );
    assert_eq!(
        c.sqlite_databases["scratch"],
        SqliteDatabase::Spin(SpinSqliteDatabase::default())
    );
    assert_eq!(
        c.sqlite_databases["reports"],
        SqliteDatabase::Spin(SpinSqliteDatabase {
            path: Some("/var/lib/shop/reports.db".into()),
            allow_attach_file: true,
        })
    );
    let SqliteDatabase::Libsql { url, token } = &c.sqlite_databases["remote"] else {
        panic!("expected libsql")
    };
    assert_eq!(
        (url.as_str(), token.expose()),
        ("https://db.example", "secret-token")
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains("secret-token"), "{debug}");
}

#[test]
fn unsupported_sections_are_typed_but_never_printed() {
    let c = parse(
        r#"
        [llm_compute]
        type = "remote_http"
        url = "https://llm.example"
        auth_token = "llm-secret"
        "#,
    );
    assert_eq!(
        c.llm_compute.as_ref().map(|l| l.kind.as_str()),
        Some("remote_http")
    );
    let debug = format!("{c:?}");
    assert!(!debug.contains("secret"), "{debug}");
}

#[test]
fn invalid_configs_are_rejected_like_spin() {
    let cases = [
        "baz = \"/baz\"",
        "[outbound_redis]\nmax_connections = 10\n[otel]\nx = 1",
        "[outbound_http]\nmax_connections = 10",
        "[key_value_store.x]\ntype = \"memcached\"",
        "[key_value_store.x]\ntype = \"redis\"",
        "[key_value_store.x]\nurl = \"redis://x\"",
        "[[variables_provider]]\ntype = \"consul\"",
        "[[variables_provider]]\ntype = \"env\"\nprefixx = \"A\"",
        "[sqlite_database.x]\ntype = \"postgres\"",
        "[sqlite_database.x]\npath = \"x.db\"",
        "[sqlite_database.x]\ntype = \"spin\"\nfile = \"x.db\"",
        "[sqlite_database.x]\ntype = \"spin\"\npath = 3",
        "[sqlite_database.x]\ntype = \"libsql\"\nurl = \"https://db.example\"",
        "sqlite_database = [\"default\"]",
        "[llm_compute]\ntype = \"gpu\"",
        "[outbound_networking]\nblock_networks = [\"10.0.0.0\"]",
        "[[client_tls]]\ncomponent_ids = []\nhosts = [\"a\"]",
        "[[client_tls]]\ncomponent_ids = [\"a\"]\nhosts = [\"a:443\"]",
        "[[client_tls]]\ncomponent_ids = [\"a\"]\nhosts = [\"a\"]\nclient_cert_file = \"c.pem\"",
        "max_instance_memory = -1",
        "state_dir = 3",
        "state_dir = ",
    ];
    let messages: Vec<String> = cases
        .iter()
        .map(|c| format!("{c}\n=> {}", error(c)))
        .collect();
    insta::assert_snapshot!(messages.join("\n---\n"));
}
