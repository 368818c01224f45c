//! The driver's TLS hook (`tokio_postgres::tls::MakeTlsConnect`) over tokio-rustls.
//!
//! Small enough to own rather than pull in a wrapper crate: pick the rustls client config
//! for the host being dialled (a `[[client_tls]]` entry for that host, or the component's
//! default), check the name, and run the handshake. The server name the certificate must
//! carry is the address's host, a DNS name or an IP address.
//!
//! SCRAM channel binding (`tls-server-end-point`) is not offered: it needs the hash
//! algorithm of the server certificate's signature, which would mean parsing X.509 here.
//! Authentication still runs inside the verified TLS session; an address that sets
//! `channel_binding=require` gets `connection-failed`.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

use super::client_tls::ComponentTls;

/// Makes one TLS connector per dialled host, from a component's TLS settings.
#[derive(Clone)]
pub struct RustlsConnect {
    tls: Arc<ComponentTls>,
}

impl RustlsConnect {
    /// Connect with `tls`.
    pub fn new(tls: Arc<ComponentTls>) -> Self {
        Self { tls }
    }
}

impl<S> MakeTlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = TlsStream<S>;
    type TlsConnect = Handshake;
    type Error = rustls::pki_types::InvalidDnsNameError;

    fn make_tls_connect(&mut self, host: &str) -> Result<Handshake, Self::Error> {
        Ok(Handshake {
            config: self.tls.config_for(host),
            name: ServerName::try_from(host.to_owned())?,
        })
    }
}

/// One pending handshake with a named server.
pub struct Handshake {
    config: Arc<ClientConfig>,
    name: ServerName<'static>,
}

impl<S> TlsConnect<S> for Handshake
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = TlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<TlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        let connector = tokio_rustls::TlsConnector::from(self.config);
        Box::pin(async move {
            let stream = connector.connect(self.name, stream).await?;
            Ok(TlsStream(stream))
        })
    }
}

/// A TLS session to the server, as the driver reads and writes it.
pub struct TlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for TlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}
