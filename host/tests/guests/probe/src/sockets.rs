//! Raw sockets and name lookups, through the `wasi:sockets` interfaces directly, so the
//! answer is the host's and not the standard library's: the host should refuse both. An
//! error is reported by its WIT name (`access-denied`).

use wasi::sockets::instance_network::instance_network;
use wasi::sockets::ip_name_lookup::resolve_addresses;
use wasi::sockets::network::{IpAddressFamily, IpSocketAddress, Ipv4SocketAddress};
use wasi::sockets::tcp_create_socket::create_tcp_socket;

/// Connect to 127.0.0.1:`port`: `Ok` if a connection was made, else the error code.
pub fn connect(port: u16) -> Result<(), String> {
    let network = instance_network();
    let socket = create_tcp_socket(IpAddressFamily::Ipv4).map_err(|e| e.name().to_owned())?;
    let address = IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port,
        address: (127, 0, 0, 1),
    });
    socket
        .start_connect(&network, address)
        .map_err(|e| e.name().to_owned())?;
    socket.subscribe().block();
    socket
        .finish_connect()
        .map(|_| ())
        .map_err(|e| e.name().to_owned())
}

/// Resolve `name`: the addresses found, or the error code.
pub fn lookup(name: &str) -> Result<Vec<String>, String> {
    let network = instance_network();
    let stream = resolve_addresses(&network, name).map_err(|e| e.name().to_owned())?;
    let mut found = Vec::new();
    loop {
        match stream.resolve_next_address() {
            Ok(Some(address)) => found.push(format!("{address:?}")),
            Ok(None) => return Ok(found),
            Err(wasi::sockets::network::ErrorCode::WouldBlock) => stream.subscribe().block(),
            Err(e) => return Err(e.name().to_owned()),
        }
    }
}
