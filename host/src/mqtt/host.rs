//! `fermyon:spin/mqtt@2.0.0` for guests.

use rumqttc::{Event, Incoming, Outgoing, QoS};
use wasmtime::component::Resource;

use super::{AddressError, MqttConnection, address_host_port, options};
use crate::bindings::mqtt::{Error, Host, HostConnection, Payload, Qos};
use crate::runtime::InstanceState;

type Outcome<T> = wasmtime::Result<Result<T, Error>>;

impl Host for InstanceState {}

impl HostConnection for InstanceState {
    async fn open(
        &mut self,
        address: String,
        username: String,
        password: String,
        keep_alive_interval_in_secs: u64,
    ) -> Outcome<Resource<MqttConnection>> {
        // A malformed address is the guest's fault.
        let Ok((scheme, host, port)) = address_host_port(&address) else {
            return Ok(Err(Error::InvalidAddress));
        };
        if !self.component.outbound.allows(&scheme, &host, port) {
            // Spin's answer to a denied address, which quotes the address exactly as the
            // guest wrote it (the guest knows its own password); the log names the host
            // only, never the URL, which may carry one.
            tracing::warn!(component = %self.component.id, %host, "mqtt address denied: not in allowed_outbound_hosts");
            return Ok(Err(Error::ConnectionFailed(format!(
                "address {address} is not permitted"
            ))));
        }
        let options = match options(&address, username, password, keep_alive_interval_in_secs) {
            Ok(options) => options,
            // Options rumqttc refuses (no client_id, unknown keys, mqtts): the guest's fault.
            Err(AddressError::Malformed | AddressError::Options(_)) => {
                return Ok(Err(Error::InvalidAddress));
            }
        };
        Ok(Ok(self.table.push(MqttConnection::new(options))?))
    }

    async fn publish(
        &mut self,
        conn: Resource<MqttConnection>,
        topic: String,
        payload: Payload,
        qos: Qos,
    ) -> Outcome<()> {
        // An unknown handle is a broken host invariant (the guest cannot forge one): trap.
        let conn = self.table.get_mut(&conn)?;
        let qos = match qos {
            Qos::AtMostOnce => QoS::AtMostOnce,
            Qos::AtLeastOnce => QoS::AtLeastOnce,
            Qos::ExactlyOnce => QoS::ExactlyOnce,
        };
        let session = conn.session();
        if let Err(e) = session.client.publish(topic, qos, false, payload).await {
            // An invalid topic (wildcards, empty): the guest's fault.
            return Ok(Err(Error::Other(e.to_string())));
        }
        // Drive the event loop until this message is as delivered as its QoS promises.
        loop {
            let event = match session.events.poll().await {
                Ok(event) => event,
                Err(e) => {
                    // The broker's or the network's fault (refused, bad credentials, timed
                    // out, connection lost). Start the next publish on a fresh session
                    // rather than replay this message behind the guest's back.
                    conn.session = None;
                    return Ok(Err(Error::ConnectionFailed(e.to_string())));
                }
            };
            match (qos, event) {
                (QoS::AtMostOnce, Event::Outgoing(Outgoing::Publish(_)))
                | (QoS::AtLeastOnce, Event::Incoming(Incoming::PubAck(_)))
                | (QoS::ExactlyOnce, Event::Incoming(Incoming::PubComp(_))) => return Ok(Ok(())),
                _ => {}
            }
        }
    }

    async fn drop(&mut self, conn: Resource<MqttConnection>) -> wasmtime::Result<()> {
        self.table.delete(conn)?;
        Ok(())
    }
}
