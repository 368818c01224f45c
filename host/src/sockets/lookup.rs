//! `wasi:sockets/ip-name-lookup` with the component's allow-list in front of it.
//!
//! wasmtime-wasi can only switch lookups on or off for a whole instance, so this
//! interface replaces its binding in the linker: a name the policy refuses gets
//! `permanent-resolver-failure` (what wasmtime, and Spin, answer when lookups are off);
//! an allowed one goes to wasmtime's resolver, and every address it yields is remembered
//! with the name, so that the address check can let a connection to it through.

use std::net::IpAddr;
use std::sync::Arc;

use wasmtime::component::{HasData, Linker, Resource};
use wasmtime_wasi::p2::bindings::sockets::ip_name_lookup::{
    self, Host, HostResolveAddressStream, ResolveAddressStream,
};
use wasmtime_wasi::p2::bindings::sockets::network::{
    self, ErrorCode, HostNetwork, IpAddress, Network,
};
use wasmtime_wasi::p2::{DynPollable, SocketError};
use wasmtime_wasi::sockets::WasiSocketsCtxView;

use super::{InstanceSockets, SocketPolicy};
use crate::runtime::InstanceState;

/// What the lookup functions see of an instance: wasmtime's socket context and ours.
pub struct LookupView<'a> {
    wasi: WasiSocketsCtxView<'a>,
    policy: &'a SocketPolicy,
    sockets: &'a mut InstanceSockets,
}

struct Lookup;

impl HasData for Lookup {
    type Data<'a> = LookupView<'a>;
}

/// Replace wasmtime-wasi's `ip-name-lookup` in `linker` (add WASI first).
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    let linked = ip_name_lookup::add_to_linker::<_, Lookup>(linker, view);
    linker.allow_shadowing(false);
    linked
}

fn view(state: &mut InstanceState) -> LookupView<'_> {
    LookupView {
        wasi: WasiSocketsCtxView {
            ctx: state.wasi.sockets(),
            table: &mut state.table,
        },
        policy: &state.component.sockets,
        sockets: &mut state.sockets,
    }
}

// The lookup interface uses `network`'s types, so its view must answer for them too:
// both go straight to wasmtime's implementation.
impl network::Host for LookupView<'_> {
    fn convert_error_code(&mut self, error: SocketError) -> wasmtime::Result<ErrorCode> {
        network::Host::convert_error_code(&mut self.wasi, error)
    }

    fn network_error_code(
        &mut self,
        err: Resource<wasmtime::Error>,
    ) -> wasmtime::Result<Option<ErrorCode>> {
        network::Host::network_error_code(&mut self.wasi, err)
    }
}

impl HostNetwork for LookupView<'_> {
    fn drop(&mut self, network: Resource<Network>) -> wasmtime::Result<()> {
        HostNetwork::drop(&mut self.wasi, network)
    }
}

impl Host for LookupView<'_> {
    fn resolve_addresses(
        &mut self,
        network: Resource<Network>,
        name: String,
    ) -> Result<Resource<ResolveAddressStream>, SocketError> {
        if !self.policy.allows_lookup(&name) {
            // The guest asked for a name its manifest does not list: its fault, its error.
            tracing::warn!(component = %self.policy.component, %name, "name lookup denied: not in allowed_outbound_hosts");
            return Err(ErrorCode::PermanentResolverFailure.into());
        }
        let stream = Host::resolve_addresses(&mut self.wasi, network, name.clone())?;
        self.sockets.streams.insert(stream.rep(), Arc::from(name));
        Ok(stream)
    }
}

impl HostResolveAddressStream for LookupView<'_> {
    fn resolve_next_address(
        &mut self,
        stream: Resource<ResolveAddressStream>,
    ) -> Result<Option<IpAddress>, SocketError> {
        let rep = stream.rep();
        let next = HostResolveAddressStream::resolve_next_address(&mut self.wasi, stream)?;
        if let (Some(address), Some(name), Some(resolved)) = (
            &next,
            self.sockets.streams.get(&rep),
            &self.sockets.resolved,
        ) {
            let ip = match *address {
                IpAddress::Ipv4((a, b, c, d)) => IpAddr::from([a, b, c, d]),
                IpAddress::Ipv6((a, b, c, d, e, f, g, h)) => IpAddr::from([a, b, c, d, e, f, g, h]),
            };
            // A poisoned lock means a panic elsewhere in the host; the address then stays
            // unknown and a connection to it is refused, which is the safe side.
            if let Ok(mut resolved) = resolved.lock() {
                resolved.remember(ip.to_canonical(), name);
            }
        }
        Ok(next)
    }

    fn subscribe(
        &mut self,
        stream: Resource<ResolveAddressStream>,
    ) -> wasmtime::Result<Resource<DynPollable>> {
        HostResolveAddressStream::subscribe(&mut self.wasi, stream)
    }

    fn drop(&mut self, stream: Resource<ResolveAddressStream>) -> wasmtime::Result<()> {
        self.sockets.streams.remove(&stream.rep());
        HostResolveAddressStream::drop(&mut self.wasi, stream)
    }
}
