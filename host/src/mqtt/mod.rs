//! Outbound MQTT for guests (`fermyon:spin/mqtt@2.0.0`): publish with each QoS level,
//! username and password, keep-alive, over `rumqttc`.
//!
//! The behaviour is Spin's (crates/factor-outbound-mqtt): `open` checks the address
//! against the component's `allowed_outbound_hosts` with the scheme `mqtt` (default port
//! 1883) and answers a denied address with `connection-failed("address … is not
//! permitted")`; it does not connect. The first `publish` connects, and every `publish`
//! returns only once the message is as delivered as its QoS promises: written to the
//! socket (at-most-once), acknowledged by `PUBACK` (at-least-once) or completed by
//! `PUBCOMP` (exactly-once). A connection belongs to one instance and closes with it; like
//! Spin, connections are not shared between requests, because waiting for a message's own
//! acknowledgement needs the connection's event loop to itself.
//!
//! Where redshop differs, on purpose: after a failed `publish` the connection starts a
//! fresh session on the next one instead of replaying the failed message (the guest was
//! told it failed and decides whether to retry); username and password are sent only when
//! the username is not empty (MQTT 3.1.1 forbids a password without a username); and
//! URL options `rumqttc` would panic on are refused as `invalid-address`. `mqtts://` is
//! not supported (no TLS client is configured for MQTT) and is `invalid-address` too.
//! Spin 4.0.2 reads no `[outbound_mqtt]` runtime-config section, so neither does redshop.

mod host;

use std::time::Duration;

use rumqttc::{AsyncClient, EventLoop, MqttOptions};
use wasmtime::component::{HasSelf, Linker};

use crate::runtime::InstanceState;

/// How long connecting to a broker (TCP and the MQTT `CONNECT`/`CONNACK` exchange) may
/// take before `publish` gives up with `connection-failed`. Five seconds is `rumqttc`'s
/// own default, which Spin keeps; it is written down here so a closed or unreachable
/// broker cannot hold a request for longer than that.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Requests a connection queues for its event loop. A guest publishes one message at a
/// time and waits for it, so one would do; Spin uses 1000, and the queue costs nothing
/// until used.
const REQUEST_QUEUE: usize = 1000;

/// The value behind a guest's `connection` resource.
pub struct MqttConnection {
    options: MqttOptions,
    session: Option<Session>,
}

/// One broker session: the client handle and the event loop that owns the socket.
struct Session {
    client: AsyncClient,
    events: EventLoop,
}

impl MqttConnection {
    fn new(options: MqttOptions) -> Self {
        Self {
            options,
            session: None,
        }
    }

    /// The current session, starting a new one (not yet connected) if there is none.
    fn session(&mut self) -> &mut Session {
        self.session.get_or_insert_with(|| {
            let (client, mut events) = AsyncClient::new(self.options.clone(), REQUEST_QUEUE);
            events
                .network_options
                .set_connection_timeout(CONNECT_TIMEOUT.as_secs());
            Session { client, events }
        })
    }
}

/// Why an address is not a usable MQTT address.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not a URL, or no host.
    #[error("not an mqtt:// URL with a host")]
    Malformed,
    /// A URL `rumqttc` refuses, or one of its options it would panic on.
    #[error("{0}")]
    Options(String),
}

/// The broker's host and port from `address`, for the allow-list check.
pub fn address_host_port(address: &str) -> Result<(String, String, Option<u16>), AddressError> {
    let url = url::Url::parse(address).map_err(|_| AddressError::Malformed)?;
    let host = url.host_str().ok_or(AddressError::Malformed)?;
    Ok((url.scheme().to_owned(), host.to_owned(), url.port()))
}

/// `rumqttc` options for `address` with the guest's credentials and keep-alive.
pub fn options(
    address: &str,
    username: String,
    password: String,
    keep_alive_secs: u64,
) -> Result<MqttOptions, AddressError> {
    let url = url::Url::parse(address).map_err(|_| AddressError::Malformed)?;
    // `MqttOptions` asserts on these two; a guest must not be able to panic the host.
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    if value("inflight_num").is_some_and(|v| v.parse::<u16>() == Ok(0)) {
        return Err(AddressError::Options("inflight_num must not be 0".into()));
    }
    if value("client_id").is_some_and(str::is_empty) && value("clean_session") == Some("false") {
        return Err(AddressError::Options(
            "clean_session=false needs a client_id".into(),
        ));
    }
    let mut options =
        MqttOptions::parse_url(address).map_err(|e| AddressError::Options(e.to_string()))?;
    if !username.is_empty() {
        options.set_credentials(username, password);
    }
    // MQTT carries the keep-alive as 16-bit seconds; 0 turns it off.
    let keep_alive = keep_alive_secs.min(u64::from(u16::MAX));
    options.set_keep_alive(Duration::from_secs(keep_alive));
    Ok(options)
}

/// Add `fermyon:spin/mqtt` to the linker.
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    crate::bindings::mqtt::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(address: &str) -> Result<MqttOptions, AddressError> {
        options(address, "user".into(), "secret".into(), 30)
    }

    #[test]
    fn a_client_id_is_required_as_in_spin() {
        assert!(matches!(
            parse("mqtt://127.0.0.1:1883"),
            Err(AddressError::Options(_))
        ));
        let ok = parse("mqtt://127.0.0.1:1883?client_id=shop").expect("valid");
        assert_eq!(ok.broker_address(), ("127.0.0.1".to_owned(), 1883));
        assert_eq!(ok.keep_alive(), Duration::from_secs(30));
        assert!(ok.credentials().is_some());
    }

    #[test]
    fn options_rumqttc_would_panic_on_are_refused() {
        for address in [
            "mqtt://h?client_id=x&inflight_num=0",
            "mqtt://h?client_id=&clean_session=false",
        ] {
            assert!(
                matches!(parse(address), Err(AddressError::Options(_))),
                "{address}"
            );
        }
    }

    #[test]
    fn tls_and_other_schemes_are_invalid() {
        assert!(parse("mqtts://h?client_id=x").is_err());
        assert!(parse("http://h?client_id=x").is_err());
        assert_eq!(address_host_port("not a url"), Err(AddressError::Malformed));
    }

    #[test]
    fn keep_alive_is_capped_at_what_mqtt_can_carry() {
        let o = options(
            "mqtt://h?client_id=x",
            String::new(),
            String::new(),
            u64::MAX,
        )
        .expect("valid");
        assert_eq!(o.keep_alive(), Duration::from_secs(u64::from(u16::MAX)));
        assert!(o.credentials().is_none(), "no username, no credentials");
    }
}
