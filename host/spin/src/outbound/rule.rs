//! One `allowed_outbound_hosts` entry: `<scheme>://<host>[:<port>]`.
//!
//! Parsing follows crates/outbound-networking-config/src/allowed_hosts.rs
//! (`AllowedHostConfig::parse`) step by step, because the order of the checks
//! decides which error a user sees: split at `://`, take the port after the
//! *last* `:`, reject a non-empty path, then parse port, scheme and host.

use std::net::IpAddr;

use url::Host;

const LEARN_MORE: &str = "Learn more: https://spinframework.dev/v3/http-outbound#granting-http-permissions-to-components";

/// Default port for a scheme when an entry or a request gives none
/// (Spin's `well_known_port`).
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum SchemeRule {
    Any,
    Exact(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HostRule {
    Any,
    /// `*.example.com`, stored as the suffix `.example.com`.
    AnySubdomain(String),
    /// `self` / `self.alt`: relative requests back to this application.
    ToSelf,
    Literal(Host),
    Cidr {
        network: IpAddr,
        prefix: u8,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PortRule {
    Any,
    Port(u16),
    /// `start..end`, end exclusive (Spin uses a Rust `Range`).
    Range(u16, u16),
}

/// A parsed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rule {
    pub(super) scheme: SchemeRule,
    pub(super) host: HostRule,
    pub(super) port: PortRule,
}

impl Rule {
    /// Parses one entry; the error is the reason only (the caller adds the entry).
    pub(super) fn parse(entry: &str) -> Result<Self, String> {
        let url = entry.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(match url {
                "*" | ":" | "" | "?" => format!(
                    "is not an allowed outbound host format.\nHosts must be in the form <scheme>://<host>[:<port>], with '*' wildcards allowed for each.\nIf you intended to allow all outbound networking, you can use '*://*:*' - this will obviate all network sandboxing.\n{LEARN_MORE}"
                ),
                _ => format!("does not contain a scheme (e.g., 'http://' or '*://')\n{LEARN_MORE}"),
            });
        };
        let (host, rest) = rest.rsplit_once(':').unwrap_or((rest, ""));
        let port = match rest.split_once('/') {
            Some((_, path)) if !path.is_empty() => {
                return Err("has a path but is not allowed to".into());
            }
            Some((port, _)) => port,
            None => rest,
        };
        let port = parse_port(port, scheme)
            .map_err(|e| format!("Invalid allowed host port {port:?}: {e}"))?;
        let scheme = parse_scheme(scheme)
            .map_err(|e| format!("Invalid allowed host scheme {scheme:?}: {e}"))?;
        let host = parse_host(host).map_err(|e| format!("Invalid allowed host {host:?}: {e}"))?;
        Ok(Self { scheme, host, port })
    }

    /// Scheme, host and port all allow the request.
    pub(super) fn allows(&self, scheme: &str, host: &Host, port: Option<u16>) -> bool {
        self.allows_scheme(scheme) && self.host.allows(host) && self.port.allows(port, scheme)
    }

    /// Scheme and host allow the request on some port.
    pub(super) fn allows_any_port(&self, scheme: &str, host: &Host) -> bool {
        self.allows_scheme(scheme) && self.host.allows(host)
    }

    pub(super) fn allows_scheme(&self, scheme: &str) -> bool {
        match &self.scheme {
            SchemeRule::Any => true,
            SchemeRule::Exact(s) => s == scheme,
        }
    }

    /// The entry names `<x>.spin.internal` or `*.spin.internal` (Spin's
    /// `is_for_service_chaining`).
    pub(super) fn is_for_service_chaining(&self) -> bool {
        match &self.host {
            HostRule::Literal(Host::Domain(d)) => d.ends_with(super::SERVICE_CHAINING_SUFFIX),
            HostRule::AnySubdomain(suffix) => suffix == super::SERVICE_CHAINING_SUFFIX,
            _ => false,
        }
    }
}

fn parse_scheme(scheme: &str) -> Result<SchemeRule, String> {
    if scheme == "*" {
        return Ok(SchemeRule::Any);
    }
    if scheme.starts_with('{') {
        return Err("scheme lists are not supported".into());
    }
    if scheme.chars().any(|c| !c.is_alphabetic()) {
        return Err("only alphabetic characters are allowed".into());
    }
    Ok(SchemeRule::Exact(scheme.to_owned()))
}

fn parse_host(host: &str) -> Result<HostRule, String> {
    let host = host.trim();
    match host {
        "*" => return Ok(HostRule::Any),
        "self" | "self.alt" => return Ok(HostRule::ToSelf),
        _ => {}
    }
    if host.starts_with('{') {
        if !host.ends_with('}') {
            return Err("Condition failed: `host.ends_with('}')`".into());
        }
        return Err("host lists are not yet supported".into());
    }
    if let Some((network, prefix)) = parse_cidr(host) {
        return Ok(HostRule::Cidr { network, prefix });
    }
    let host = host.trim_end_matches('/');
    if host.contains('/') {
        return Err("must not include a path".into());
    }
    if let Some(domain) = host.strip_prefix("*.") {
        if domain.contains('*') {
            return Err("wildcards are allowed only as prefixes".into());
        }
        return Ok(HostRule::AnySubdomain(format!(".{domain}")));
    }
    if host.contains('*') {
        return Err("wildcards are allowed only as subdomains".into());
    }
    Host::parse(host)
        .map(HostRule::Literal)
        .map_err(|e| e.to_string())
}

/// `addr/prefix` with host bits cleared (ip_network's `from_str_truncate`).
pub(crate) fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = s.split_once('/')?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = prefix.parse().ok()?;
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) if prefix <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            Some((IpAddr::V4((u32::from(v4) & mask).into()), prefix))
        }
        IpAddr::V6(v6) if prefix <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            Some((IpAddr::V6((u128::from(v6) & mask).into()), prefix))
        }
        _ => None,
    }
}

fn cidr_contains(network: IpAddr, prefix: u8, ip: IpAddr) -> bool {
    parse_cidr(&format!("{ip}/{prefix}")).is_some_and(|(net, _)| net == network)
}

impl HostRule {
    fn allows(&self, host: &Host) -> bool {
        match (self, host) {
            (HostRule::Any, _) => true,
            (HostRule::AnySubdomain(suffix), Host::Domain(d)) => d.ends_with(suffix.as_str()),
            (HostRule::Literal(literal), host) => literal == host,
            (HostRule::Cidr { network, prefix }, Host::Ipv4(ip)) => {
                cidr_contains(*network, *prefix, IpAddr::V4(*ip))
            }
            (HostRule::Cidr { network, prefix }, Host::Ipv6(ip)) => {
                cidr_contains(*network, *prefix, IpAddr::V6(*ip))
            }
            (HostRule::AnySubdomain(_) | HostRule::Cidr { .. } | HostRule::ToSelf, _) => false,
        }
    }

    pub(super) fn allows_relative(&self) -> bool {
        matches!(self, HostRule::Any | HostRule::ToSelf)
    }
}

impl PortRule {
    fn allows(&self, port: Option<u16>, scheme: &str) -> bool {
        if *self == PortRule::Any {
            return true;
        }
        let Some(wanted) = port.or_else(|| default_port(scheme)) else {
            return false;
        };
        match self {
            PortRule::Any => true,
            PortRule::Port(p) => *p == wanted,
            PortRule::Range(start, end) => (*start..*end).contains(&wanted),
        }
    }
}

fn parse_port(port: &str, scheme: &str) -> Result<PortRule, String> {
    if port.is_empty() {
        return default_port(scheme).map(PortRule::Port).ok_or_else(|| {
            format!("no port was provided and the scheme {scheme:?} does not have a known default port number")
        });
    }
    if port == "*" {
        return Ok(PortRule::Any);
    }
    if port.starts_with('{') {
        return Err("port lists are not yet supported".into());
    }
    if let Some((start, end)) = port.split_once("..") {
        let bad = || format!("port range {port:?} contains non-number");
        let start = start.parse().map_err(|_| bad())?;
        let end = end.parse().map_err(|_| bad())?;
        return Ok(PortRule::Range(start, end));
    }
    port.parse()
        .map(PortRule::Port)
        .map_err(|_| format!("port {port:?} is not a number"))
}
