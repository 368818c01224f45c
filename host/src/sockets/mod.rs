//! `wasi:sockets` for guests: TCP connections and UDP datagrams to the hosts and ports in
//! the component's `allowed_outbound_hosts`, and name lookups only of names it lists.
//!
//! The rule is Spin's (crates/factor-outbound-networking, `outbound_socket_addr_check`):
//! a TCP connection to `ip:port` is checked as the URL `tcp://ip:port`, a UDP datagram as
//! `udp://ip:port`, so an entry grants sockets only if its scheme is `tcp`, `udp` or `*`
//! (`*://127.0.0.1:7`, `tcp://10.0.0.0/8:5000..5100`); `postgres://db` grants no raw
//! socket. Nothing may listen or accept: every explicit bind is refused; only the implicit
//! bind wasmtime checks before a connection or the first datagram (the unspecified address,
//! port 0, which lets the kernel pick an ephemeral port) is let through, since a socket
//! cannot connect without one. A component with no such entry gets what it got before:
//! TCP, UDP and name lookups switched off in the WASI context.
//!
//! Where redshop differs from Spin, on purpose:
//! - **Name lookups.** Spin never enables `wasi:sockets/ip-name-lookup`, so a guest can
//!   only connect by address. redshop resolves a name when an entry with a socket scheme
//!   names it (any port), and remembers, for the life of the instance, which addresses
//!   each allowed name resolved to: a connection to such an address is then checked
//!   against the entries for the name as well (`tcp://localhost:7` lets the guest resolve
//!   `localhost` and connect to what it resolved to, on port 7). A name no entry lists gets
//!   `permanent-resolver-failure`, the code Spin gives every lookup.
//! - **UDP binds.** Spin checks a UDP bind address against the list, which only a `*` host
//!   entry passes; redshop lets the implicit bind through (above) and checks each datagram's
//!   peer instead, so `udp://10.0.0.53:53` is enough to query that server.
//!
//! The policy is built once per component at load time; a request only pays for it if the
//! component has socket entries (one small shared table for the names it resolves).

mod lookup;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use redshop_spin::outbound::AllowedHosts;
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::sockets::SocketAddrUse;

pub use lookup::add_to_linker;

/// Most (address, name) pairs one instance remembers from its lookups. A wildcard entry
/// (`*.example.com`) admits any number of names; past this the oldest are forgotten, so a
/// guest that resolves thousands of names cannot grow the host's memory. 1024 is far more
/// than a request resolves in practice (a handful of names, a few addresses each).
const MAX_RESOLVED: usize = 1024;

/// One component's socket permissions, from its `allowed_outbound_hosts`.
#[derive(Debug)]
pub struct SocketPolicy {
    component: Arc<str>,
    hosts: AllowedHosts,
    tcp: bool,
    udp: bool,
}

/// The socket state of one instance: the addresses its name lookups produced (shared with
/// the address check wasmtime calls). Nothing is allocated for a closed policy.
pub struct InstanceSockets {
    resolved: Option<Arc<Mutex<Resolved>>>,
    /// Name being resolved by each open `resolve-address-stream`, by resource id.
    streams: std::collections::HashMap<u32, Arc<str>>,
}

/// Addresses an instance's lookups returned, with the name that produced each.
#[derive(Debug, Default)]
struct Resolved(std::collections::VecDeque<(IpAddr, Arc<str>)>);

impl Resolved {
    fn remember(&mut self, ip: IpAddr, name: &Arc<str>) {
        if self.0.iter().any(|(a, n)| *a == ip && n == name) {
            return;
        }
        if self.0.len() == MAX_RESOLVED {
            self.0.pop_front();
        }
        self.0.push_back((ip, name.clone()));
    }
}

impl SocketPolicy {
    /// The policy `hosts` implies for `component`.
    pub fn new(component: &Arc<str>, hosts: &AllowedHosts) -> Arc<Self> {
        Arc::new(Self {
            component: component.clone(),
            hosts: hosts.clone(),
            tcp: hosts.allows_scheme("tcp"),
            udp: hosts.allows_scheme("udp"),
        })
    }

    /// True if the component may open no socket at all.
    pub fn is_closed(&self) -> bool {
        !self.tcp && !self.udp
    }

    /// Sets up `wasi`'s sockets for one instance and returns that instance's socket state.
    pub fn apply(self: &Arc<Self>, wasi: &mut WasiCtxBuilder) -> InstanceSockets {
        if self.is_closed() {
            // The builder's default address check already refuses every address.
            wasi.allow_ip_name_lookup(false)
                .allow_tcp(false)
                .allow_udp(false);
            return InstanceSockets {
                resolved: None,
                streams: Default::default(),
            };
        }
        let resolved = Arc::new(Mutex::new(Resolved::default()));
        let (policy, names) = (self.clone(), resolved.clone());
        wasi.allow_ip_name_lookup(true)
            .allow_tcp(self.tcp)
            .allow_udp(self.udp)
            .socket_addr_check(move |addr, use_| {
                let allowed = policy.check(addr, use_, &names);
                Box::pin(std::future::ready(allowed))
            });
        InstanceSockets {
            resolved: Some(resolved),
            streams: Default::default(),
        }
    }

    /// wasmtime's question: may this instance use `addr` for `use_`?
    fn check(&self, addr: SocketAddr, use_: SocketAddrUse, resolved: &Mutex<Resolved>) -> bool {
        let scheme = match use_ {
            SocketAddrUse::TcpBind | SocketAddrUse::UdpBind => {
                let implicit = addr.ip().is_unspecified() && addr.port() == 0;
                if !implicit {
                    tracing::warn!(component = %self.component, %addr, "socket bind denied: guests may not listen");
                }
                return implicit;
            }
            SocketAddrUse::TcpListen | SocketAddrUse::TcpAccept => {
                tracing::warn!(component = %self.component, %addr, "socket listen denied: guests may not listen");
                return false;
            }
            SocketAddrUse::TcpConnect => "tcp",
            SocketAddrUse::UdpSend | SocketAddrUse::UdpReceive => "udp",
        };
        let allowed = self.allows_peer(scheme, addr, resolved);
        if !allowed && !matches!(use_, SocketAddrUse::UdpReceive) {
            tracing::warn!(component = %self.component, %addr, scheme, "socket address denied: not in allowed_outbound_hosts");
        }
        allowed
    }

    /// `scheme://addr` is allowed by address, or by a name this instance resolved to it.
    fn allows_peer(&self, scheme: &str, addr: SocketAddr, resolved: &Mutex<Resolved>) -> bool {
        let ip = addr.ip().to_canonical();
        let port = Some(addr.port());
        if self.hosts.allows(scheme, &ip.to_string(), port) {
            return true;
        }
        // A poisoned lock means a panic elsewhere in the host: deny rather than trap here.
        let Ok(resolved) = resolved.lock() else {
            return false;
        };
        resolved
            .0
            .iter()
            .any(|(a, name)| *a == ip && self.hosts.allows(scheme, name, port))
    }

    /// May the instance resolve `name`? An address literal needs no lookup and is always
    /// answered (the connection is checked anyway); a name must be listed by an entry
    /// with a socket scheme.
    pub(crate) fn allows_lookup(&self, name: &str) -> bool {
        if self.is_closed() {
            return false;
        }
        if name.parse::<IpAddr>().is_ok() {
            return true;
        }
        (self.tcp && self.hosts.allows_host("tcp", name))
            || (self.udp && self.hosts.allows_host("udp", name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime_wasi::sockets::SocketAddrUse::{
        TcpAccept, TcpBind, TcpConnect, TcpListen, UdpBind, UdpReceive, UdpSend,
    };

    fn policy(entries: &[&str]) -> Arc<SocketPolicy> {
        let hosts = AllowedHosts::parse(entries).expect("valid entries");
        SocketPolicy::new(&Arc::from("test"), &hosts)
    }

    fn check(p: &SocketPolicy, addr: &str, use_: SocketAddrUse, names: &Mutex<Resolved>) -> bool {
        p.check(addr.parse().expect("socket address"), use_, names)
    }

    #[test]
    fn only_socket_schemes_open_sockets() {
        assert!(policy(&[]).is_closed());
        assert!(policy(&["postgres://127.0.0.1:5432", "redis://cache"]).is_closed());
        assert!(!policy(&["*://127.0.0.1:7"]).is_closed());
        let p = policy(&["tcp://127.0.0.1:7"]);
        assert!(p.tcp && !p.udp);
    }

    #[test]
    fn connections_need_a_matching_entry() {
        let p = policy(&["tcp://127.0.0.1:7", "udp://10.0.0.53:53"]);
        let names = Mutex::default();
        assert!(check(&p, "127.0.0.1:7", TcpConnect, &names));
        assert!(!check(&p, "127.0.0.1:8", TcpConnect, &names));
        assert!(!check(&p, "127.0.0.2:7", TcpConnect, &names));
        assert!(!check(&p, "10.0.0.53:53", TcpConnect, &names));
        assert!(check(&p, "10.0.0.53:53", UdpSend, &names));
        assert!(check(&p, "10.0.0.53:53", UdpReceive, &names));
        assert!(!check(&p, "10.0.0.54:53", UdpReceive, &names));
    }

    #[test]
    fn only_the_implicit_bind_passes_and_nothing_listens() {
        let p = policy(&["*://*:*"]);
        let names = Mutex::default();
        assert!(check(&p, "0.0.0.0:0", TcpBind, &names));
        assert!(check(&p, "[::]:0", UdpBind, &names));
        assert!(!check(&p, "0.0.0.0:8080", TcpBind, &names));
        assert!(!check(&p, "127.0.0.1:0", TcpBind, &names));
        assert!(!check(&p, "0.0.0.0:0", TcpListen, &names));
        assert!(!check(&p, "127.0.0.1:5000", TcpAccept, &names));
    }

    #[test]
    fn a_resolved_listed_name_grants_its_addresses_on_its_ports() {
        let p = policy(&["tcp://db.internal:5000"]);
        let names = Mutex::new(Resolved::default());
        assert!(!check(&p, "10.1.2.3:5000", TcpConnect, &names));
        names
            .lock()
            .expect("lock")
            .remember("10.1.2.3".parse().expect("ip"), &Arc::from("db.internal"));
        assert!(check(&p, "10.1.2.3:5000", TcpConnect, &names));
        assert!(!check(&p, "10.1.2.3:5001", TcpConnect, &names));
        // An IPv4-mapped IPv6 address is the same peer.
        assert!(check(&p, "[::ffff:10.1.2.3]:5000", TcpConnect, &names));
    }

    #[test]
    fn lookups_only_for_listed_names() {
        let p = policy(&["tcp://db.internal:5000", "tcp://*.cache.example:6379"]);
        assert!(p.allows_lookup("db.internal"));
        assert!(p.allows_lookup("eu.cache.example"));
        assert!(p.allows_lookup("10.0.0.1"), "a literal needs no lookup");
        assert!(!p.allows_lookup("example.com"));
        assert!(!policy(&["postgres://db.internal"]).allows_lookup("db.internal"));
    }

    #[test]
    fn the_resolved_table_is_bounded() {
        let mut resolved = Resolved::default();
        let name: Arc<str> = Arc::from("n.example");
        for i in 0..(MAX_RESOLVED as u32 + 10) {
            resolved.remember(IpAddr::from(i.to_be_bytes()), &name);
        }
        assert_eq!(resolved.0.len(), MAX_RESOLVED);
    }
}
