use super::*;

fn hosts(entries: &[&str]) -> AllowedHosts {
    AllowedHosts::parse(entries).unwrap()
}

#[test]
fn missing_port_means_scheme_default() {
    let h = hosts(&[
        "http://shop.example",
        "https://pay.example",
        "postgres://db",
        "redis://cache",
        "mysql://legacy",
        "mqtt://broker",
    ]);
    assert!(h.allows("http", "shop.example", None));
    assert!(h.allows("http", "shop.example", Some(80)));
    assert!(!h.allows("http", "shop.example", Some(8080)));
    assert!(h.allows("https", "pay.example", Some(443)));
    assert!(h.allows("postgres", "db", Some(5432)));
    assert!(h.allows("redis", "cache", Some(6379)));
    assert!(h.allows("mysql", "legacy", Some(3306)));
    assert!(h.allows("mqtt", "broker", Some(1883)));
    assert_eq!(default_port("ftp"), None);
}

#[test]
fn scheme_must_match_unless_wildcard() {
    let h = hosts(&["https://pay.example"]);
    assert!(!h.allows("http", "pay.example", Some(443)));
    let h = hosts(&["*://pay.example:7777"]);
    assert!(h.allows("http", "pay.example", Some(7777)));
    assert!(h.allows("redis", "pay.example", Some(7777)));
}

#[test]
fn wildcard_host_allows_any_host() {
    let h = hosts(&["https://*"]);
    assert!(h.allows("https", "anything.example", None));
    assert!(h.allows("https", "10.0.0.1", None));
    assert!(!h.allows("https", "anything.example", Some(8443)));
}

#[test]
fn subdomain_wildcard_needs_at_least_one_label() {
    let h = hosts(&["http://*.example.com", "http://*.example2.com:8383"]);
    assert!(h.allows("http", "a.example.com", None));
    assert!(h.allows("http", "a.b.example.com", None));
    assert!(!h.allows("http", "example.com", None));
    assert!(!h.allows("http", "myexample.com", None));
    assert!(h.allows("http", "a.example2.com", Some(8383)));
    assert!(!h.allows("http", "a.example2.com", None));
}

#[test]
fn host_comparison_is_case_insensitive() {
    let h = hosts(&["https://Shop.Example"]);
    assert!(h.allows("https", "shop.example", None));
    assert!(h.allows("https", "SHOP.example", None));
}

#[test]
fn wildcard_port_and_ranges() {
    let h = hosts(&["http://svc:*", "http://ranged:4444..5555"]);
    assert!(h.allows("http", "svc", Some(1)));
    assert!(h.allows("http", "svc", None));
    assert!(h.allows("http", "ranged", Some(4444)));
    assert!(h.allows("http", "ranged", Some(5554)));
    assert!(
        !h.allows("http", "ranged", Some(5555)),
        "range end is exclusive"
    );
}

#[test]
fn ip_literals_and_cidr_blocks() {
    let h = hosts(&[
        "http://192.168.1.1:3002",
        "http://[::1]:8001",
        "*://10.0.0.1/8:5432",
    ]);
    assert!(h.allows("http", "192.168.1.1", Some(3002)));
    assert!(h.allows("http", "::1", Some(8001)));
    assert!(h.allows("http", "[::1]", Some(8001)));
    assert!(h.allows("postgres", "10.200.3.4", Some(5432)));
    assert!(!h.allows("postgres", "11.0.0.1", Some(5432)));
    assert!(!h.allows("postgres", "ten.example", Some(5432)));
}

#[test]
fn trailing_slash_in_entry_is_ignored() {
    let h = hosts(&["https://my.api.com/", "http://svc:81/"]);
    assert!(h.allows("https", "my.api.com", None));
    assert!(h.allows("http", "svc", Some(81)));
}

#[test]
fn allow_all_glob_allows_everything_but_chaining() {
    let h = hosts(&["*://*:*"]);
    assert!(h.allows("tcp", "example.com", Some(1)));
    assert!(h.allows("http", "example.com", None));
    assert!(!h.allows("http", "cart.spin.internal", None));
    assert_eq!(h.chaining_targets(), ChainingTargets::None);
    assert!(h.allows_self());
}

#[test]
fn self_host_allows_relative_requests_only() {
    let h = hosts(&["http://self", "https://self"]);
    assert!(h.allows_self());
    assert!(!h.allows("http", "self", None));
    assert!(!h.allows("http", "localhost", None));
    assert_eq!(h.chaining_targets(), ChainingTargets::None);
    assert!(hosts(&["http://self.alt"]).allows_self());
    assert!(!hosts(&["redis://self"]).allows_self());
    assert!(!hosts(&["https://example.com"]).allows_self());
}

#[test]
fn named_chaining_entries_grant_those_components() {
    let h = hosts(&["http://cart.spin.internal", "http://stock.spin.internal"]);
    assert_eq!(
        h.chaining_targets(),
        ChainingTargets::Some(["cart".to_owned(), "stock".to_owned()].into())
    );
    assert!(h.allows("http", "cart.spin.internal", None));
    assert!(!h.allows("http", "orders.spin.internal", None));
}

#[test]
fn wildcard_chaining_entry_grants_all_components() {
    let h = hosts(&["https://example.com", "http://*.spin.internal"]);
    assert_eq!(h.chaining_targets(), ChainingTargets::All);
    assert!(h.allows("http", "anything.spin.internal", None));
    assert!(!h.allows("https", "anything.spin.internal", None));
}

#[test]
fn empty_list_allows_nothing() {
    let h = hosts(&[]);
    assert!(h.is_empty());
    assert!(!h.allows("https", "example.com", None));
    assert!(!h.allows_self());
    assert_eq!(h.chaining_targets(), ChainingTargets::None);
}

#[test]
fn spin_internal_host_detection_matches_spin() {
    assert!(is_spin_internal_host("cart.spin.internal"));
    assert!(is_spin_internal_host("cart.spin.internal:1234"));
    assert_eq!(
        service_chaining_target("cart.spin.internal:80"),
        Some("cart")
    );
    assert!(!is_spin_internal_host("spin.internal"));
    assert!(!is_spin_internal_host("a.b.spin.internal"));
    assert!(!is_spin_internal_host("test.example.org"));
}

#[test]
fn invalid_entries_are_rejected_with_spin_messages() {
    let bad = [
        "insecure:allow-all",
        "*",
        "example.com",
        "spin.fermyon.dev:80",
        "http://spin.fermyon.dev/a",
        "http://spin.fermyon.dev:6666/a/b",
        "http://example.com:port",
        "http://example.com:1..x",
        "*://example.com",
        "ftp://example.com",
        "h3://example.com:1",
        "{http,https}://example.com",
        "http://{a,b}",
        "http://example.com:{80,81}",
        "http://*.ex*mple.com",
        "http://ex*mple.com",
        "http://[::1]",
        "*://127.0.0.0/24",
    ];
    let messages: Vec<String> = bad
        .iter()
        .map(|e| AllowedHosts::parse(&[*e]).unwrap_err().to_string())
        .collect();
    insta::assert_snapshot!(messages.join("\n---\n"));
}

#[test]
fn insecure_allow_all_among_others_is_a_missing_scheme() {
    let err = AllowedHosts::parse(&["https://a.example", "insecure:allow-all"]).unwrap_err();
    assert_eq!(err.entry, "insecure:allow-all");
    assert!(err.reason.starts_with("does not contain a scheme"));
}

#[test]
fn host_checks_for_name_lookups_ignore_the_port() {
    let h = hosts(&["tcp://db.internal:7000", "*://*.cache.example:6000..6010"]);
    assert!(h.allows_host("tcp", "db.internal"));
    assert!(h.allows_host("udp", "a.cache.example"));
    assert!(!h.allows_host("udp", "db.internal"), "scheme still matters");
    assert!(!h.allows_host("tcp", "other.internal"));
    assert!(!hosts(&["*://*:*"]).allows_host("tcp", "cart.spin.internal"));
}

#[test]
fn scheme_presence_covers_wildcards() {
    assert!(hosts(&["*://127.0.0.1:7"]).allows_scheme("tcp"));
    assert!(hosts(&["tcp://127.0.0.1:7"]).allows_scheme("tcp"));
    assert!(!hosts(&["tcp://127.0.0.1:7"]).allows_scheme("udp"));
    assert!(!hosts(&["postgres://db"]).allows_scheme("tcp"));
}
