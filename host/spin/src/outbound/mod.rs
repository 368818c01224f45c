//! `allowed_outbound_hosts`: which network destinations a component may reach.
//!
//! Syntax and matching mirror crates/outbound-networking-config/src/
//! allowed_hosts.rs: `scheme://host[:port]`, each part may be `*`; hosts may be
//! `*.example.com`, an IP, a CIDR block, or `self` (relative requests back to
//! the app); ports may be `a..b` (end exclusive); a missing port means the
//! scheme's default ([`default_port`]). `insecure:allow-all` is rejected with
//! Spin's hint to use `*://*:*`.
//!
//! Service chaining (`http://<component>.spin.internal`) follows SIP-017
//! (docs/content/sips/017-service-chaining.md): only entries that name
//! `spin.internal` grant it — `*://*:*` and `self` do not. Spin 4.0.2's
//! runtime check is looser (its request filter lets `*://*:*` through to the
//! chaining interceptor); redshop applies the documented rule, so [`allows`]
//! refuses `*.spin.internal` hosts unless a chaining entry covers them.
//!
//! Entries are given already rendered (templates resolved by the caller).
//!
//! [`allows`]: AllowedHosts::allows

mod rule;

use std::collections::BTreeSet;
use std::net::IpAddr;

use rule::Rule;
pub use rule::default_port;
pub(crate) use rule::parse_cidr;
use url::Host;

/// The service-chaining domain.
pub const SERVICE_CHAINING_DOMAIN: &str = "spin.internal";
const SERVICE_CHAINING_SUFFIX: &str = ".spin.internal";

/// An entry that is not valid `allowed_outbound_hosts` syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid allowed_outbound_hosts entry {entry:?}: {reason}")]
pub struct OutboundError {
    /// The offending entry as given.
    pub entry: String,
    /// Spin's explanation.
    pub reason: String,
}

/// Which components a component may call through service chaining.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainingTargets {
    /// `*.spin.internal`: any component.
    All,
    /// Only these component ids (`<id>.spin.internal`).
    Some(BTreeSet<String>),
    /// No chaining permitted.
    None,
}

/// A component's parsed allow-list.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    rules: Vec<(String, Rule)>,
}

impl AllowedHosts {
    /// Parses rendered entries; the first invalid one is reported.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, OutboundError> {
        if let [only] = entries
            && only.as_ref() == "insecure:allow-all"
        {
            return Err(OutboundError {
                entry: only.as_ref().to_owned(),
                reason: "'insecure:allow-all' is not allowed - use '*://*:*' instead if you really want to allow all outbound traffic'".into(),
            });
        }
        let rules = entries
            .iter()
            .map(|e| {
                let entry = e.as_ref();
                Rule::parse(entry)
                    .map(|rule| (entry.to_owned(), rule))
                    .map_err(|reason| OutboundError {
                        entry: entry.to_owned(),
                        reason,
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { rules })
    }

    /// Checks a single entry, without the whole-list `insecure:allow-all` rule.
    pub(crate) fn check_entry(entry: &str) -> Result<(), OutboundError> {
        Rule::parse(entry)
            .map(drop)
            .map_err(|reason| OutboundError {
                entry: entry.to_owned(),
                reason,
            })
    }

    /// True if the list has no entries (nothing is allowed).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The entries as given.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|(entry, _)| entry.as_str())
    }

    /// May the component connect to `scheme://host[:port]`? `host` may be a
    /// domain, an IPv4 address, or an IPv6 address with or without brackets;
    /// `port = None` means the scheme's default port. Hosts under
    /// `spin.internal` are only allowed by service-chaining entries.
    pub fn allows(&self, scheme: &str, host: &str, port: Option<u16>) -> bool {
        let Some(host) = parse_request_host(host) else {
            return false;
        };
        let chaining = matches!(&host, Host::Domain(d) if service_chaining_target(d).is_some());
        self.rules.iter().any(|(_, rule)| {
            (!chaining || rule.is_for_service_chaining()) && rule.allows(scheme, &host, port)
        })
    }

    /// May the component reach `host` with `scheme` on at least one port? This is the
    /// question a name lookup asks: the port is not known until the connection.
    pub fn allows_host(&self, scheme: &str, host: &str) -> bool {
        let Some(host) = parse_request_host(host) else {
            return false;
        };
        let chaining = matches!(&host, Host::Domain(d) if service_chaining_target(d).is_some());
        self.rules.iter().any(|(_, rule)| {
            (!chaining || rule.is_for_service_chaining()) && rule.allows_any_port(scheme, &host)
        })
    }

    /// Does any entry name `scheme` (or `*`) as its scheme?
    pub fn allows_scheme(&self, scheme: &str) -> bool {
        self.rules
            .iter()
            .any(|(_, rule)| rule.allows_scheme(scheme))
    }

    /// May the component make relative (`/path`) or `http://self.alt`
    /// requests over HTTP or HTTPS? (Spin checks `["http", "https"]`.)
    pub fn allows_self(&self) -> bool {
        self.allows_relative(&["http", "https"])
    }

    /// May the component make relative requests with any of `schemes`?
    /// Granted by a `self` host or a `*` host.
    pub fn allows_relative(&self, schemes: &[&str]) -> bool {
        self.rules.iter().any(|(_, rule)| {
            schemes.iter().any(|s| rule.allows_scheme(s)) && rule.host.allows_relative()
        })
    }

    /// Does a component with these raw manifest entries need service chaining? Spin's
    /// loader marks such a component with the `local_service_chaining` host requirement
    /// (crates/loader/src/local.rs, `requires_service_chaining`): any entry that parses
    /// and names `*.spin.internal` or a host under it. Templated entries do not parse
    /// before rendering, so they never count, as in Spin.
    pub fn requires_service_chaining<S: AsRef<str>>(entries: &[S]) -> bool {
        entries
            .iter()
            .any(|e| Rule::parse(e.as_ref()).is_ok_and(|r| r.is_for_service_chaining()))
    }

    /// The components this allow-list lets the component chain to.
    pub fn chaining_targets(&self) -> ChainingTargets {
        let mut targets = BTreeSet::new();
        for (_, rule) in &self.rules {
            match &rule.host {
                rule::HostRule::AnySubdomain(s) if s == SERVICE_CHAINING_SUFFIX => {
                    return ChainingTargets::All;
                }
                rule::HostRule::Literal(Host::Domain(d)) => {
                    if let Some(id) = service_chaining_target(d) {
                        targets.insert(id.to_owned());
                    }
                }
                _ => {}
            }
        }
        if targets.is_empty() {
            ChainingTargets::None
        } else {
            ChainingTargets::Some(targets)
        }
    }
}

/// Parses a request host the way Spin's `Host::parse` would, also accepting
/// a bare IPv6 address.
fn parse_request_host(host: &str) -> Option<Host> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(match ip {
            IpAddr::V4(v4) => Host::Ipv4(v4),
            IpAddr::V6(v6) => Host::Ipv6(v6),
        });
    }
    Host::parse(host).ok()
}

/// The component id addressed by a service-chaining host
/// (`cart.spin.internal[:port]` → `cart`). Like Spin, only a single label
/// before `spin.internal` counts and the comparison is case-sensitive.
pub fn service_chaining_target(host: &str) -> Option<&str> {
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let (first, rest) = host.split_once('.')?;
    (rest == SERVICE_CHAINING_DOMAIN).then_some(first)
}

/// True for `Host` values Spin strips from incoming requests (`*.spin.internal`),
/// so a client cannot pretend to be a chained call.
pub fn is_spin_internal_host(host: &str) -> bool {
    service_chaining_target(host).is_some()
}

#[cfg(test)]
mod tests;
